//! Someone who can write to the database but does not hold the signing key changes,
//! removes, inserts or reorders custody events: `verifyCustodyChain` names the first
//! broken event every time (on SQLite and on PostgreSQL).

use entity::custody_event;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde_json::Value;
use uuid::Uuid;

use super::fixtures::{collected_order, handed_over, light_plant, verify};
use crate::helpers::{TestApp, spawn_app};

/// An order whose two items each have two events (collected, handed over); returns the
/// app, a reader's token, the order id and the first item's id.
async fn two_event_chains() -> (TestApp, String, String, Uuid) {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let plant = light_plant(&app, &collected.operator).await;
    let transfer = handed_over(&app, &collected, &plant).await;
    let item = Uuid::parse_str(transfer["items"][0]["id"].as_str().expect("item")).expect("uuid");
    let untouched = verify(&app, &collected.operator.access, &collected.order_id).await;
    assert_eq!(
        untouched["data"]["verifyCustodyChain"]["valid"], true,
        "{untouched}"
    );
    (app, collected.operator.access, collected.order_id, item)
}

/// The verification of `item_id`'s chain.
async fn item_check(app: &TestApp, token: &str, order_id: &str, item_id: Uuid) -> Value {
    let response = verify(app, token, order_id).await;
    let chain = &response["data"]["verifyCustodyChain"];
    assert_eq!(chain["valid"], false, "tampering must show: {response}");
    chain["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|i| i["itemId"] == item_id.to_string())
        .cloned()
        .expect("the item")
}

async fn event(app: &TestApp, item_id: Uuid, sequence: i32) -> custody_event::Model {
    custody_event::Entity::find()
        .filter(custody_event::Column::ItemId.eq(item_id))
        .filter(custody_event::Column::Sequence.eq(sequence))
        .one(&app.state.db)
        .await
        .expect("read")
        .expect("the event")
}

async fn set_sequence(app: &TestApp, id: Uuid, sequence: i32) {
    custody_event::Entity::update_many()
        .col_expr(custody_event::Column::Sequence, Expr::value(sequence))
        .filter(custody_event::Column::Id.eq(id))
        .exec(&app.state.db)
        .await
        .expect("renumber");
}

#[tokio::test]
async fn a_changed_event_is_named() {
    let (app, token, order_id, item) = two_event_chains().await;
    let mut changed = event(&app, item, 1).await.into_active_model();
    changed.weight_kg = Set(Some(entity::DbDecimal(rust_decimal::Decimal::new(1, 0))));
    changed.update(&app.state.db).await.expect("tamper");
    let check = item_check(&app, &token, &order_id, item).await;
    assert_eq!(check["brokenAtSequence"], 1, "{check}");
    assert!(
        check["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("hash"),
        "{check}"
    );
}

#[tokio::test]
async fn a_removed_event_is_named_first_or_last() {
    let (app, token, order_id, item) = two_event_chains().await;
    let last = event(&app, item, 2).await;
    custody_event::Entity::delete_by_id(last.id)
        .exec(&app.state.db)
        .await
        .expect("remove");
    let check = item_check(&app, &token, &order_id, item).await;
    assert_eq!(
        check["brokenAtSequence"], 2,
        "the signed head still points at 2: {check}"
    );
    let first = event(&app, item, 1).await;
    custody_event::Entity::delete_by_id(first.id)
        .exec(&app.state.db)
        .await
        .expect("remove");
    let check = item_check(&app, &token, &order_id, item).await;
    assert_eq!(check["brokenAtSequence"], 1, "{check}");
}

#[tokio::test]
async fn an_inserted_event_is_named() {
    let (app, token, order_id, item) = two_event_chains().await;
    // Make room at 2 and slip in a forged copy of the first event there.
    let second = event(&app, item, 2).await;
    set_sequence(&app, second.id, 3).await;
    let mut forged = event(&app, item, 1).await.into_active_model();
    forged.id = Set(Uuid::new_v4());
    forged.sequence = Set(2);
    forged.note = Set(Some("forged".to_owned()));
    let forged = forged.reset_all();
    custody_event::Entity::insert(forged)
        .exec(&app.state.db)
        .await
        .expect("insert");
    let check = item_check(&app, &token, &order_id, item).await;
    assert_eq!(check["brokenAtSequence"], 2, "{check}");
}

#[tokio::test]
async fn reordered_events_are_named() {
    let (app, token, order_id, item) = two_event_chains().await;
    let first = event(&app, item, 1).await;
    let second = event(&app, item, 2).await;
    set_sequence(&app, first.id, 99).await;
    set_sequence(&app, second.id, 1).await;
    set_sequence(&app, first.id, 2).await;
    let check = item_check(&app, &token, &order_id, item).await;
    assert_eq!(check["brokenAtSequence"], 1, "{check}");
}
