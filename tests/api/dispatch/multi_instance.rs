//! Three server processes sharing one PostgreSQL and one Redis: an order booked on one
//! instance reaches a collector subscribed on another, who accepts through a third,
//! and the customer following the order on the first sees it assigned.

use serde_json::json;

use super::fixtures::{OFFER_FIELDS, ORDER_FIELDS};
use crate::fixtures::{LIGHT_ITEMS, booking_input, window};
use crate::procs::{Deployment, fresh_postgres_database, postgres_and_redis};

#[tokio::test]
async fn an_order_booked_on_one_instance_is_offered_on_another_and_accepted_on_a_third() {
    let Some((admin_url, redis_url)) = postgres_and_redis() else {
        eprintln!(
            "skipped: needs RELOOP_TEST_DATABASE_URL and RELOOP_TEST_REDIS_URL (several instances share PostgreSQL and Redis)"
        );
        return;
    };
    let deployment = Deployment {
        database_url: Some(fresh_postgres_database(&admin_url).await),
        redis_url: Some(redis_url),
        redis_prefix: format!("test:{}:", uuid::Uuid::new_v4().simple()),
        extra: Vec::new(),
    };
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("dir")).collect();
    // A first: it migrates and seeds the fresh database.
    let a = deployment.start(dirs[0].path()).await;
    let b = deployment.start(dirs[1].path()).await;
    let c = deployment.start(dirs[2].path()).await;

    let operator_email = deployment.create_operator(dirs[0].path()).await;
    let operator = a.login(&operator_email).await;
    let (collector, collector_id) = a.verified_collector(&operator).await;

    // The collector follows its offers on B and goes online there.
    let mut collector_ws = b.ws(&collector.access).await;
    collector_ws
        .subscribe(
            "1",
            &format!("subscription {{ jobOffers {{ kind offer {{ {OFFER_FIELDS} }} }} }}"),
        )
        .await;
    let online = b
        .gql(
            Some(&collector.access),
            "mutation { setAvailability(online: true, location: {latitude: 31.2314, longitude: 121.4737}) { id } }",
            json!({}),
        )
        .await;
    assert_eq!(
        online["data"]["setAvailability"]["id"],
        collector_id.as_str(),
        "{online}"
    );

    // The customer books on A.
    let customer = a.register("HOUSEHOLD").await;
    let quote = a
        .gql(
            Some(&customer.access),
            &format!("mutation {{ requestQuote(input: {{items: {LIGHT_ITEMS}}}) {{ id }} }}"),
            json!({}),
        )
        .await;
    let quote_id = quote["data"]["requestQuote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{quote}"));
    let booked = a
        .gql(
            Some(&customer.access),
            &format!("mutation($input: BookPickupInput!) {{ bookPickup(input: $input) {{ {ORDER_FIELDS} }} }}"),
            json!({"input": booking_input(quote_id, window(2))}),
        )
        .await;
    let order_id = booked["data"]["bookPickup"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{booked}"))
        .to_owned();
    let mut customer_ws = a.ws(&customer.access).await;
    customer_ws
        .subscribe(
            "1",
            &format!(
            "subscription {{ orderUpdated(orderId: \"{order_id}\") {{ id status collector {{ id }} }} }}"
        ))
        .await;

    // B tells the collector; the collector accepts through C.
    let event = collector_ws.next_data().await;
    assert_eq!(event["jobOffers"]["kind"], "OFFERED", "{event}");
    let offer = &event["jobOffers"]["offer"];
    assert_eq!(offer["order"]["id"], order_id.as_str(), "{event}");
    let accepted = c
        .gql(
            Some(&collector.access),
            "mutation($id: ID!) { acceptJobOffer(offerId: $id) { id status collector { id } } }",
            json!({"id": offer["id"]}),
        )
        .await;
    assert_eq!(
        accepted["data"]["acceptJobOffer"]["status"], "ASSIGNED",
        "{accepted}"
    );

    // A tells the customer.
    let update = customer_ws.next_data().await;
    assert_eq!(update["orderUpdated"]["id"], order_id.as_str(), "{update}");
    assert_eq!(update["orderUpdated"]["status"], "ASSIGNED", "{update}");
    assert_eq!(
        update["orderUpdated"]["collector"]["id"],
        collector_id.as_str(),
        "{update}"
    );
    drop((a, b, c));
}
