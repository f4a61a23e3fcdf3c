//! Three server processes sharing one PostgreSQL and one Redis: an order booked on one
//! instance reaches a collector subscribed on another, who accepts through a third,
//! and the customer following the order on the first sees it assigned.

use serde_json::json;

use super::fixtures::{ORDER_FIELDS, job_offers_subscription};
use crate::fixtures::window;
use crate::helpers::{Account, WsClient};
use crate::procs::{Deployment, Server, fresh_postgres_database, postgres_and_redis};

/// The collector's point: a kilometre north of the pickup point.
const NEAR_THE_PICKUP: (f64, f64) = (31.2314, 121.4737);

/// Three instances of one fresh deployment (A first: it migrates and seeds the database)
/// and their data folders; None when the run lacks PostgreSQL or Redis.
async fn three_instances() -> Option<(Deployment, Vec<tempfile::TempDir>, [Server; 3])> {
    let Some((admin_url, redis_url)) = postgres_and_redis() else {
        eprintln!(
            "skipped: needs RELOOP_TEST_DATABASE_URL and RELOOP_TEST_REDIS_URL (several instances share PostgreSQL and Redis)"
        );
        return None;
    };
    let deployment = Deployment::new(
        Some(fresh_postgres_database(&admin_url).await),
        Some(redis_url),
        Vec::new(),
    );
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("dir")).collect();
    let a = deployment.start(dirs[0].path()).await;
    let b = deployment.start(dirs[1].path()).await;
    let c = deployment.start(dirs[2].path()).await;
    Some((deployment, dirs, [a, b, c]))
}

/// A socket on `server` signed in as `customer`, following `order_id`.
async fn following_order(server: &Server, customer: &Account, order_id: &str) -> WsClient {
    let mut ws = server.ws(&customer.access).await;
    ws.subscribe(
        "1",
        &format!(
            "subscription {{ orderUpdated(orderId: \"{order_id}\") {{ id status collector {{ id }} }} }}"
        ),
    )
    .await;
    ws
}

#[tokio::test]
async fn an_order_booked_on_one_instance_is_offered_on_another_and_accepted_on_a_third() {
    let Some((deployment, dirs, [a, b, c])) = three_instances().await else {
        return;
    };
    let operator_email = deployment.create_operator(dirs[0].path()).await;
    let operator = a.login(&operator_email).await;
    let (collector, collector_id) = a.verified_collector(&operator).await;

    // The collector follows its offers on B and goes online there.
    let mut collector_ws = b.ws(&collector.access).await;
    collector_ws
        .subscribe("1", &job_offers_subscription())
        .await;
    let online = b.go_online_at(&collector, NEAR_THE_PICKUP).await;
    assert_eq!(online, collector_id);

    // The customer books on A.
    let customer = a.register("HOUSEHOLD").await;
    let booked = a.book_light(&customer, window(2), ORDER_FIELDS).await;
    let order_id = booked["id"].as_str().expect("id").to_owned();
    let mut customer_ws = following_order(&a, &customer, &order_id).await;

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
