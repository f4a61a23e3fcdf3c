//! A crash between a booking's commit and its dispatch loses nothing: the booking answers
//! at commit and dispatch runs afterwards on the dispatcher task, so a `kill -9` in that
//! gap leaves orders DISPATCHING without an offer, and the restarted sweeper offers them.
//! Runs on PostgreSQL + Redis when the run has them, else on a SQLite file.
//!
//! To know that the orders really were undispatched at the crash, the collectors are out
//! of reach while the server runs (60 km away, beyond the 20 km dispatch radius) and
//! "drive in" while it is down (their last position is moved in the database, as their
//! location reports would have done): after the restart nobody goes online and nobody
//! books, so only the sweeper can make the offers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use entity::enums::{OfferStatus, OrderStatus};
use entity::{collector, job_offer, pickup_order};
use futures_util::future::join_all;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Database, EntityTrait, QueryFilter};
use serde_json::json;
use tokio::sync::Notify;

use crate::fixtures::{LIGHT_ITEMS, SHANGHAI, booking_input, window};
use crate::helpers::eventually;
use crate::procs::{Deployment, Server};

const BOOKINGS: usize = 40;

/// Books every quote at once on `server`; kills the process with SIGKILL as soon as a
/// quarter of the bookings have answered. Returns the ids of the orders that answered.
async fn book_until_killed(server: &mut Server, token: &str, quotes: &[String]) -> Vec<String> {
    let answered = AtomicUsize::new(0);
    let progress = Notify::new();
    let pid = server.pid().expect("running");
    let bookings = join_all(quotes.iter().enumerate().map(|(i, quote)| {
        let (answered, progress, server) = (&answered, &progress, &*server);
        async move {
            let hour = 2 * u32::try_from(i % 6).expect("small");
            let booked = server
                .try_gql(
                    Some(token),
                    "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id status } }",
                    json!({"input": booking_input(quote, window(hour))}),
                )
                .await;
            answered.fetch_add(1, Ordering::SeqCst);
            progress.notify_waiters();
            match booked {
                Ok((_, body)) => body["data"]["bookPickup"]["id"].as_str().map(str::to_owned),
                Err(_) => None,
            }
        }
    }));
    let killer = async {
        loop {
            let next = progress.notified();
            if answered.load(Ordering::SeqCst) >= BOOKINGS / 4 {
                break;
            }
            next.await;
        }
        let killed = std::process::Command::new("kill")
            .args(["-9", &pid.to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
    };
    let (ids, ()) = tokio::join!(bookings, killer);
    server.kill().await;
    ids.into_iter().flatten().collect()
}

#[tokio::test]
async fn orders_committed_but_not_dispatched_at_a_kill_are_offered_by_the_sweeper_after_restart() {
    let data_dir = tempfile::tempdir().expect("dir");
    let mut deployment = Deployment::from_env(vec![
        // No sweep while the first process runs: only its dispatcher could offer.
        ("RELOOP_DISPATCH_SWEEP_MS", "3600000".to_owned()),
        ("RELOOP_QUOTES_PER_MINUTE_USER", "10000".to_owned()),
    ])
    .await;
    let database_url = deployment.database_url_in(data_dir.path());
    let mut server = deployment.start(data_dir.path()).await;
    let operator_email = deployment.create_operator(data_dir.path()).await;
    let operator = server.login(&operator_email).await;
    let far_away = (SHANGHAI.0 + 0.54, SHANGHAI.1); // ~60 km north
    for _ in 0..3 {
        let (collector, _) = server.verified_collector(&operator).await;
        server.go_online_at(&collector, far_away).await;
    }
    let customer = server.register("HOUSEHOLD").await;
    let quote_request =
        format!("mutation {{ requestQuote(input: {{items: {LIGHT_ITEMS}}}) {{ id }} }}");
    let quotes: Vec<String> = join_all((0..BOOKINGS).map(|_| {
        server.gql_text(
            Some(&customer.access),
            &quote_request,
            json!({}),
            &["requestQuote", "id"],
        )
    }))
    .await;

    let answered = book_until_killed(&mut server, &customer.access, &quotes).await;
    assert!(!answered.is_empty(), "no booking answered before the kill");

    let db = Database::connect(&database_url).await.expect("connect");
    let orders = pickup_order::Entity::find().all(&db).await.expect("orders");
    let offers = job_offer::Entity::find().all(&db).await.expect("offers");
    assert!(
        offers.is_empty(),
        "nobody was in reach before the crash: {offers:?}"
    );
    for id in &answered {
        let order = orders
            .iter()
            .find(|o| o.id.to_string() == *id)
            .unwrap_or_else(|| panic!("answered order {id} is not in the database"));
        assert_eq!(order.status, OrderStatus::Dispatching);
    }
    eprintln!(
        "killed with {} orders committed ({} answered)",
        orders.len(),
        answered.len()
    );

    // The collectors drive to the pickup point while the server is down.
    collector::Entity::update_many()
        .col_expr(
            collector::Column::LastLatitude,
            Expr::value(SHANGHAI.0 + 0.005),
        )
        .col_expr(collector::Column::LastLongitude, Expr::value(SHANGHAI.1))
        .col_expr(
            collector::Column::LastLocationAt,
            Expr::value(chrono::Utc::now()),
        )
        .filter(collector::Column::LastLatitude.is_not_null())
        .exec(&db)
        .await
        .expect("move the collectors");

    deployment.extra = vec![("RELOOP_DISPATCH_SWEEP_MS", "200".to_owned())];
    let restarted = deployment.start(data_dir.path()).await;
    eventually(
        Duration::from_secs(30),
        "the restarted sweeper to offer every committed order",
        || async {
            let offered: std::collections::HashSet<uuid::Uuid> = job_offer::Entity::find()
                .filter(job_offer::Column::Status.eq(OfferStatus::Pending))
                .all(&db)
                .await
                .expect("offers")
                .into_iter()
                .map(|o| o.order_id)
                .collect();
            orders.iter().all(|o| offered.contains(&o.id)).then_some(())
        },
    )
    .await;
    db.close().await.ok();
    drop(restarted);
}
