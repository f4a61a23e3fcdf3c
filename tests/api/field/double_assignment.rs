//! One collector, two overlapping orders, both accepts sent at once: exactly one wins.
//! The overlap rule was a plain read, so on PostgreSQL both accepts saw no clash and both
//! assigned; a collector's accepts are now serialised on their collector row.

use futures_util::future::join;
use serde_json::Value;

use crate::dispatch::fixtures::{ORDER_FIELDS, accept, codes, go_online, my_offers};
use crate::fixtures::{book_quote, light_quote, verified_collector, window_on};
use crate::helpers::spawn_app_with;

/// Rounds of the race; each uses its own day, so earlier winners never overlap.
const ROUNDS: i64 = 20;

#[tokio::test]
async fn concurrent_accepts_of_overlapping_orders_assign_the_collector_once() {
    let app = spawn_app_with(|c| {
        c.dispatch.offer_ttl = std::time::Duration::from_secs(3600);
    })
    .await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let collector = verified_collector(&app, &operator).await;
    go_online(&app, &collector, 0.5).await;
    let mut doubles = 0;
    for day in 1..=ROUNDS {
        // 02:00–04:00 and 03:00–05:00 on the same day.
        let mut order_ids = Vec::new();
        for hour in [2, 3] {
            let quote = light_quote(&app, &customer).await;
            let order =
                book_quote(&app, &customer, &quote, window_on(day, hour), ORDER_FIELDS).await;
            order_ids.push(order["id"].as_str().expect("id").to_owned());
        }
        let offers = my_offers(&app, &collector).await;
        let offer_for = |order_id: &str| -> String {
            offers
                .iter()
                .find(|o| o["order"]["id"] == order_id)
                .and_then(|o| o["id"].as_str())
                .unwrap_or_else(|| panic!("no offer for {order_id}: {offers:#?}"))
                .to_owned()
        };
        let (first, second) = (offer_for(&order_ids[0]), offer_for(&order_ids[1]));
        let (a, b) = join(
            accept(&app, &collector, &first),
            accept(&app, &collector, &second),
        )
        .await;
        let won: Vec<&Value> = [&a, &b]
            .into_iter()
            .filter(|r| r["errors"].is_null())
            .collect();
        if won.len() == 2 {
            doubles += 1;
        } else {
            assert_eq!(won.len(), 1, "round {day}: {a} {b}");
            let lost = if a["errors"].is_null() { &b } else { &a };
            assert_eq!(codes(lost), ["CONFLICT"], "round {day}: {lost}");
        }
    }
    assert_eq!(doubles, 0, "double assignments in {ROUNDS} rounds");
}
