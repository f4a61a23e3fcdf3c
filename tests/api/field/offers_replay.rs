//! Answers to offers sent from an app with patchy signal: a decline or an accept sent
//! again with the same `clientActionId` returns the first result, not INVALID_STATE or
//! CONFLICT.

use serde_json::{Value, json};

use crate::dispatch::fixtures::{book_light, go_online, only_offer};
use crate::fixtures::{Collector, verified_collector};
use crate::helpers::{TestApp, spawn_app_with};

async fn answer(app: &TestApp, who: &Collector, mutation: &str, offer_id: &str) -> Value {
    app.gql(
        Some(&who.account.access),
        &format!(
            "mutation($id: ID!) {{ {mutation}(offerId: $id, clientActionId: \"{mutation}-1\") {{ id status }} }}"
        ),
        json!({"id": offer_id}),
    )
    .await
}

#[tokio::test]
async fn a_replayed_decline_or_accept_returns_the_first_result() {
    let app = spawn_app_with(|c| c.dispatch.offers_per_batch = 1).await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.5).await;

    book_light(&app, &customer, 2).await;
    let offer = only_offer(&app, &collector).await;
    let offer_id = offer["id"].as_str().expect("id");
    for _ in 0..2 {
        let declined = answer(&app, &collector, "declineJobOffer", offer_id).await;
        assert!(declined["errors"].is_null(), "{declined}");
        assert_eq!(declined["data"]["declineJobOffer"]["id"], offer_id);
        assert_eq!(declined["data"]["declineJobOffer"]["status"], "DECLINED");
    }

    let order_id = book_light(&app, &customer, 6).await;
    let offer = only_offer(&app, &collector).await;
    let offer_id = offer["id"].as_str().expect("id");
    for _ in 0..2 {
        let accepted = answer(&app, &collector, "acceptJobOffer", offer_id).await;
        assert!(accepted["errors"].is_null(), "{accepted}");
        assert_eq!(accepted["data"]["acceptJobOffer"]["id"], order_id.as_str());
        assert_eq!(accepted["data"]["acceptJobOffer"]["status"], "ASSIGNED");
    }
}
