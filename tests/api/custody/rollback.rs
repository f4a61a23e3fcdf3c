//! A partner keeps a signed checkpoint. Someone who holds the key rolls one chain back
//! and re-signs its head, so the chain itself looks valid: the kept checkpoint shows the
//! rollback.

use entity::{custody_event, custody_item};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use uuid::Uuid;

use super::fixtures::{accept_all, collected_order, handed_over, light_plant, receive, verify};
use crate::helpers::{TestApp, error_code, spawn_app};
use reloop::domain::custody::encoding::head_message;

const CHECKPOINT: &str =
    "mutation { createCustodyCheckpoint { number treeSize events rootHash note } }";
const CHECK: &str = "query($note: String!) { verifyCustodyCheckpoint(checkpoint: $note) { number consistent reason itemId } }";

async fn check(app: &TestApp, token: &str, note: &str) -> Value {
    let response = app.gql(Some(token), CHECK, json!({"note": note})).await;
    let verdict = response["data"]["verifyCustodyCheckpoint"].clone();
    assert!(verdict.is_object(), "{response}");
    verdict
}

/// Deletes `item_id`'s last event and points its head back at the one before, signed
/// with the server's own key: a rollback by someone holding the key.
async fn roll_back_last_event(app: &TestApp, item_id: Uuid) {
    let events = custody_event::Entity::find()
        .filter(custody_event::Column::ItemId.eq(item_id))
        .order_by_desc(custody_event::Column::Sequence)
        .all(&app.state.db)
        .await
        .expect("events");
    let (last, previous) = (&events[0], &events[1]);
    custody_event::Entity::delete_by_id(last.id)
        .exec(&app.state.db)
        .await
        .expect("delete");
    let signature =
        app.state
            .server_key
            .sign(&head_message(item_id, previous.sequence, &previous.hash));
    custody_item::Entity::update_many()
        .col_expr(
            custody_item::Column::HeadSequence,
            Expr::value(previous.sequence),
        )
        .col_expr(
            custody_item::Column::HeadHash,
            Expr::value(previous.hash.clone()),
        )
        .col_expr(custody_item::Column::HeadSignature, Expr::value(signature))
        .filter(custody_item::Column::Id.eq(item_id))
        .exec(&app.state.db)
        .await
        .expect("re-sign the head");
}

#[tokio::test]
async fn a_rollback_resigned_with_the_key_is_caught_by_a_kept_checkpoint() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let operator = collected.operator.access.clone();
    let plant = light_plant(&app, &collected.operator).await;
    let transfer = handed_over(&app, &collected, &plant).await;
    let first = app.gql(Some(&operator), CHECKPOINT, json!({})).await;
    let first_note = first["data"]["createCustodyCheckpoint"]["note"]
        .as_str()
        .unwrap_or_else(|| panic!("{first}"))
        .to_owned();
    assert_eq!(first["data"]["createCustodyCheckpoint"]["treeSize"], 2);
    assert_eq!(first["data"]["createCustodyCheckpoint"]["events"], 4);

    // The log grows: an earlier checkpoint stays consistent with it.
    let received = receive(
        &app,
        &plant.staff.access,
        transfer["id"].as_str().expect("id"),
        accept_all(&transfer),
    )
    .await;
    assert_eq!(
        received["data"]["receiveTransfer"]["status"], "RECEIVED",
        "{received}"
    );
    let second = app.gql(Some(&operator), CHECKPOINT, json!({})).await;
    let kept = second["data"]["createCustodyCheckpoint"]["note"]
        .as_str()
        .unwrap_or_else(|| panic!("{second}"))
        .to_owned();
    assert_eq!(
        check(&app, &operator, &first_note).await["consistent"],
        true
    );
    assert_eq!(check(&app, &operator, &kept).await["consistent"], true);
    let published: Value = app
        .http
        .get(format!("{}/custody/checkpoints", app.address))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(published["checkpoints"][0]["note"], kept.as_str());

    let item = Uuid::parse_str(transfer["items"][0]["id"].as_str().expect("id")).expect("uuid");
    roll_back_last_event(&app, item).await;
    let chain = verify(&app, &operator, &collected.order_id).await;
    assert_eq!(
        chain["data"]["verifyCustodyChain"]["valid"], true,
        "the rolled-back chain is self-consistent: {chain}"
    );
    let verdict = check(&app, &operator, &kept).await;
    assert_eq!(verdict["consistent"], false, "{verdict}");
    assert_eq!(verdict["itemId"], item.to_string(), "{verdict}");
    assert_eq!(
        check(&app, &operator, &first_note).await["consistent"],
        true,
        "the rollback did not reach back that far"
    );
}

#[tokio::test]
async fn a_checkpoint_note_with_a_forged_signature_is_refused() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let made = app.gql(Some(&operator.access), CHECKPOINT, json!({})).await;
    let note = made["data"]["createCustodyCheckpoint"]["note"]
        .as_str()
        .unwrap_or_else(|| panic!("{made}"))
        .to_owned();
    assert_eq!(
        check(&app, &operator.access, &note).await["consistent"],
        true
    );
    let forged = note.replacen("\n0\n", "\n1\n", 1);
    let refused = app
        .gql(Some(&operator.access), CHECK, json!({"note": forged}))
        .await;
    assert_eq!(error_code(&refused), Some("VALIDATION"), "{refused}");
}
