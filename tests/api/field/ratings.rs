//! Ratings arriving together all count: the collector's mean and count are updated in one
//! statement from the row's own values, never read, changed and written back.

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};
use crate::orders::fixtures::{arrive, complete, inspect};

/// A completed order of `customer` by `collector` (assigned by the operator).
async fn completed_order(
    app: &TestApp,
    operator: &Account,
    customer: &Account,
    collector_id: &str,
    collector: &Account,
    hour: u32,
) -> String {
    let order_id = crate::dispatch::fixtures::book_light(app, customer, hour).await;
    let assigned =
        crate::dispatch::fixtures::reassign(app, operator, &order_id, Some(collector_id)).await;
    assert_eq!(
        assigned["data"]["reassignOrder"]["status"], "ASSIGNED",
        "{assigned}"
    );
    arrive(app, collector, &order_id).await;
    let inspected = inspect(app, &collector.access, &order_id, json!([])).await;
    assert!(inspected["errors"].is_null(), "{inspected}");
    let done = complete(app, &collector.access, &order_id).await;
    assert!(done["errors"].is_null(), "{done}");
    order_id
}

#[tokio::test]
async fn concurrent_ratings_of_one_collector_all_count() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let collector = crate::fixtures::verified_collector(&app, &operator).await;
    let mut rated = Vec::new();
    for (i, stars) in [5, 4, 3, 2, 1, 5, 4, 3].into_iter().enumerate() {
        let customer = app.register("HOUSEHOLD").await;
        let hour = u32::try_from(i).expect("small");
        let order_id = completed_order(
            &app,
            &operator,
            &customer,
            &collector.id,
            &collector.account,
            hour,
        )
        .await;
        rated.push((customer, order_id, stars));
    }
    let answers: Vec<Value> = join_all(rated.iter().map(|(customer, order_id, stars)| {
        app.gql(
            Some(&customer.access),
            "mutation($id: ID!, $stars: Int!) { rateCollector(orderId: $id, stars: $stars) { id } }",
            json!({"id": order_id, "stars": stars}),
        )
    }))
    .await;
    for answer in &answers {
        assert!(answer["errors"].is_null(), "{answer}");
    }
    let profile = app
        .gql(
            Some(&operator.access),
            "{ collectors(first: 50) { edges { node { id rating } } } }",
            json!({}),
        )
        .await;
    let rating = profile["data"]["collectors"]["edges"]
        .as_array()
        .and_then(|edges| {
            edges
                .iter()
                .find(|e| e["node"]["id"] == collector.id.as_str())
        })
        .and_then(|e| e["node"]["rating"].as_f64())
        .unwrap_or_else(|| panic!("rating: {profile}"));
    let mean = f64::from(5 + 4 + 3 + 2 + 1 + 5 + 4 + 3) / 8.0;
    assert!(
        (rating - mean).abs() < 1e-9,
        "rating {rating}, expected {mean}"
    );
}
