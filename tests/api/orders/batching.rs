//! Bookings that arrive together are written together (one group commit, multi-row
//! statements): each still gets its own answer, a refused one writes nothing, and the
//! rules the one-by-one path enforces (one order per quote, someone else's quote is not
//! found, one order per partner reference) hold inside a batch as well as across batches.

use entity::{order_event, pickup_order, quote};
use futures_util::future::join_all;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::fixtures::{booking_input, light_quote, window};
use crate::helpers::{TestApp, error_code, spawn_app};
use crate::partners::fixtures::{
    as_key, book_mutation, partner_booking_input, partner_quote, two_partners,
};

const BOOK: &str =
    "mutation($input: BookPickupInput!) { bookPickup(input: $input) { id number status } }";

async fn count_orders(app: &TestApp) -> u64 {
    pickup_order::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count orders")
}

fn message(response: &Value) -> &str {
    response["errors"][0]["message"].as_str().unwrap_or("")
}

#[tokio::test]
async fn bookings_sent_together_each_get_their_own_answer() {
    let app = spawn_app().await;
    let ann = app.register("HOUSEHOLD").await;
    let bob = app.register("HOUSEHOLD").await;
    let (first, second, bobs) = (
        light_quote(&app, &ann).await,
        light_quote(&app, &ann).await,
        light_quote(&app, &bob).await,
    );

    // Ann books her first quote twice, Bob tries Ann's first quote, and each also books a
    // quote of their own, all at once.
    let attempts = [
        (&ann, &first),
        (&ann, &first),
        (&bob, &first),
        (&ann, &second),
        (&bob, &bobs),
    ];
    let responses = join_all(attempts.iter().map(|(who, quote)| {
        app.gql(
            Some(&who.access),
            BOOK,
            json!({"input": booking_input(quote, window(2))}),
        )
    }))
    .await;

    let booked = |i: usize| responses[i]["data"]["bookPickup"]["status"] == "DISPATCHING";
    let first_twice = [&responses[0], &responses[1]];
    assert_eq!(
        first_twice
            .iter()
            .filter(|r| r["data"]["bookPickup"].is_object())
            .count(),
        1,
        "one order for Ann's first quote: {first_twice:#?}"
    );
    let refused = first_twice
        .iter()
        .find(|r| r["data"]["bookPickup"].is_null())
        .expect("the other booking of the quote is refused");
    assert_eq!(error_code(refused), Some("CONFLICT"), "{refused}");
    assert!(message(refused).contains("already booked"), "{refused}");
    assert_eq!(
        error_code(&responses[2]),
        Some("NOT_FOUND"),
        "Bob cannot book Ann's quote: {}",
        responses[2]
    );
    assert!(booked(3), "{}", responses[3]);
    assert!(booked(4), "{}", responses[4]);

    // Exactly three orders, three quotes used, two events each: the refusals left nothing.
    assert_eq!(count_orders(&app).await, 3);
    let used = quote::Entity::find()
        .filter(quote::Column::UsedAt.is_not_null())
        .count(&app.state.db)
        .await
        .expect("count used quotes");
    assert_eq!(used, 3);
    let events = order_event::Entity::find()
        .count(&app.state.db)
        .await
        .expect("count events");
    assert_eq!(events, 6);
    let numbers: std::collections::HashSet<&str> = [&responses[3], &responses[4]]
        .iter()
        .chain(
            first_twice
                .iter()
                .filter(|r| r["data"]["bookPickup"].is_object()),
        )
        .filter_map(|r| r["data"]["bookPickup"]["number"].as_str())
        .collect();
    assert_eq!(numbers.len(), 3, "unique numbers");
}

#[tokio::test]
async fn partner_bookings_sent_together_under_one_reference_make_one_order_per_partner() {
    let app = spawn_app().await;
    let (crm, other) = two_partners(&app).await;
    let mut quotes = Vec::new();
    for _ in 0..5 {
        quotes.push((crm.secret.clone(), partner_quote(&app, &crm.secret).await));
    }
    quotes.push((
        other.secret.clone(),
        partner_quote(&app, &other.secret).await,
    ));

    let mutation = book_mutation();
    let responses = join_all(quotes.iter().map(|(key, quote)| {
        as_key(
            &app,
            key,
            &mutation,
            json!({"input": partner_booking_input(quote, 2, "CRM-7")}),
        )
    }))
    .await;

    let (crm_answers, other_answer) = responses.split_at(5);
    let booked = crm_answers
        .iter()
        .filter(|r| r["data"]["bookPickup"].is_object())
        .count();
    assert_eq!(
        booked, 1,
        "one order under CRM-7 for the first partner: {crm_answers:#?}"
    );
    for refused in crm_answers
        .iter()
        .filter(|r| r["data"]["bookPickup"].is_null())
    {
        assert_eq!(error_code(refused), Some("CONFLICT"), "{refused}");
        assert!(message(refused).contains("externalReference"), "{refused}");
    }
    assert_eq!(
        other_answer[0]["data"]["bookPickup"]["externalReference"], "CRM-7",
        "another partner's reference is its own: {}",
        other_answer[0]
    );
    assert_eq!(count_orders(&app).await, 2);
}
