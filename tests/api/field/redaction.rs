//! What a collector sees of an order through an offer it has not accepted: the area,
//! the window, the items and the payout, and nothing that belongs to the customer or the
//! partner (DESIGN §5.7).

use serde_json::json;

use crate::dispatch::fixtures::{go_online, only_offer};
use crate::fixtures::verified_collector;
use crate::helpers::spawn_app;
use crate::partners::fixtures::{ALL_SCOPES, book, partner};

#[tokio::test]
async fn an_offer_not_yet_accepted_hides_the_customers_trail_and_the_partners_references() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await;
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.5).await;
    book(&app, &key.secret, "ERP-4711").await;
    let offer = only_offer(&app, &collector).await;
    let seen = app
        .gql(
            Some(&collector.account.access),
            "{ myJobOffers { order { externalReference quoteId contactPhone notes
                events { toStatus reason } lines { description } window { start } } } }",
            json!({}),
        )
        .await;
    let order = &seen["data"]["myJobOffers"][0]["order"];
    assert!(seen["errors"].is_null(), "{seen}");
    assert_eq!(order["externalReference"], json!(null), "{order}");
    assert_eq!(order["quoteId"], json!(null), "{order}");
    assert_eq!(order["events"], json!([]), "{order}");
    assert_ne!(
        order["contactPhone"],
        json!(crate::fixtures::PHONE_NORMALISED),
        "{order}"
    );
    assert!(
        order["lines"].as_array().is_some_and(|l| !l.is_empty()),
        "{order}"
    );
    assert!(order["window"]["start"].is_string(), "{order}");
    assert!(offer["id"].is_string());
}
