//! Set-up particular to the dispatch tests (the shared part is in `crate::fixtures`):
//! light bookings, collectors put online at a chosen distance, offers and their answers,
//! and the `jobOffers` subscription.

use serde_json::{Value, json};

use crate::fixtures::{Collector, SHANGHAI, book_quote, light_quote, window, window_on};
use crate::helpers::{Account, LOGIN, PASSWORD, TestApp, WsClient, account_from};

/// Degrees of latitude per kilometre (1° ≈ 111.2 km).
pub const DEG_PER_KM: f64 = 1.0 / 111.195;

/// The order fields the dispatch tests look at.
pub const ORDER_FIELDS: &str = "id number status version contactPhone
    window { start end } address { line1 city }
    collector { id } events { fromStatus toStatus actorRole reason }";

/// The offer fields the dispatch tests look at.
pub const OFFER_FIELDS: &str =
    "id status expiresAt distanceKm order { id status contactPhone address { line1 city } }";

/// Books light items tomorrow at `hour`:00; returns the order id.
pub async fn book_light(app: &TestApp, customer: &Account, hour: u32) -> String {
    let quote = light_quote(app, customer).await;
    let order = book_quote(app, customer, &quote, window(hour), ORDER_FIELDS).await;
    order["id"].as_str().expect("id").to_owned()
}

/// The window of the `k`-th order of a crowd: 10 per two-hour slot, six slots a day, from
/// tomorrow on.
pub fn crowd_window(k: usize) -> Value {
    let day = 1 + i64::try_from(k / 60).expect("small");
    let hour = 2 * u32::try_from((k / 10) % 6).expect("small");
    window_on(day, hour)
}

/// The point `km` kilometres north of the pickup point.
pub fn north_of_pickup(km: f64) -> (f64, f64) {
    (SHANGHAI.0 + km * DEG_PER_KM, SHANGHAI.1)
}

/// Puts `collector` online at `point`.
pub async fn go_online_at(app: &TestApp, collector: &Collector, point: (f64, f64)) {
    let response = app
        .gql(
            Some(&collector.account.access),
            // `status` is left out: see eligibility::going_online_shows_the_collector_available.
            "mutation($lat: Float!, $lon: Float!) { setAvailability(online: true, location: {latitude: $lat, longitude: $lon}) { id } }",
            json!({"lat": point.0, "lon": point.1}),
        )
        .await;
    assert_eq!(
        response["data"]["setAvailability"]["id"],
        collector.id.as_str(),
        "{response}"
    );
}

/// Puts `collector` online `km` kilometres north of the pickup point.
pub async fn go_online(app: &TestApp, collector: &Collector, km: f64) {
    go_online_at(app, collector, north_of_pickup(km)).await;
}

/// The collector's open offers, once dispatch has acted on everything announced.
pub async fn my_offers(app: &TestApp, collector: &Collector) -> Vec<Value> {
    app.dispatch_settled().await;
    let response = app
        .gql(
            Some(&collector.account.access),
            &format!("{{ myJobOffers {{ {OFFER_FIELDS} }} }}"),
            json!({}),
        )
        .await;
    response["data"]["myJobOffers"]
        .as_array()
        .unwrap_or_else(|| panic!("myJobOffers: {response}"))
        .clone()
}

/// The collector's only open offer.
pub async fn only_offer(app: &TestApp, collector: &Collector) -> Value {
    let offers = my_offers(app, collector).await;
    assert_eq!(offers.len(), 1, "exactly one offer: {offers:#?}");
    offers[0].clone()
}

/// Accepts `offer_id` as `collector`; returns the whole response.
pub async fn accept(app: &TestApp, collector: &Collector, offer_id: &str) -> Value {
    app.gql(
        Some(&collector.account.access),
        &format!("mutation($id: ID!) {{ acceptJobOffer(offerId: $id) {{ {ORDER_FIELDS} }} }}"),
        json!({"id": offer_id}),
    )
    .await
}

/// Books light items for `customer` tomorrow at `hour`:00 and has `collector` (online,
/// and the only one offered it) accept the offer; returns the ASSIGNED order's id.
pub async fn accepted_order(
    app: &TestApp,
    customer: &Account,
    collector: &Collector,
    hour: u32,
) -> String {
    let order_id = book_light(app, customer, hour).await;
    let offer = only_offer(app, collector).await;
    let won = accept(app, collector, offer["id"].as_str().expect("id")).await;
    assert_eq!(won["data"]["acceptJobOffer"]["status"], "ASSIGNED", "{won}");
    order_id
}

/// Declines `offer_id` as `collector`; returns the whole response.
pub async fn decline(app: &TestApp, collector: &Collector, offer_id: &str) -> Value {
    app.gql(
        Some(&collector.account.access),
        "mutation($id: ID!) { declineJobOffer(offerId: $id, reason: \"too far\") { id status } }",
        json!({"id": offer_id}),
    )
    .await
}

/// Operator `reassignOrder`; returns the whole response.
pub async fn reassign(
    app: &TestApp,
    operator: &Account,
    order_id: &str,
    collector_id: Option<&str>,
) -> Value {
    app.gql(
        Some(&operator.access),
        &format!(
            "mutation($id: ID!, $c: ID) {{ reassignOrder(orderId: $id, collectorId: $c) {{ {ORDER_FIELDS} }} }}"
        ),
        json!({"id": order_id, "c": collector_id}),
    )
    .await
}

/// `pickupOrder(id)` as seen with `token` (null when not visible).
pub async fn pickup_order(app: &TestApp, token: &str, order_id: &str) -> Value {
    let response = app
        .gql(
            Some(token),
            &format!("query($id: ID!) {{ pickupOrder(id: $id) {{ {ORDER_FIELDS} }} }}"),
            json!({"id": order_id}),
        )
        .await;
    assert!(response["errors"].is_null(), "{response}");
    response["data"]["pickupOrder"].clone()
}

/// Signs `account` in again (after the test clock moved past its access token).
pub async fn sign_in_again(app: &TestApp, account: &Account) -> Account {
    let response = app
        .gql(
            None,
            LOGIN,
            json!({"email": account.email, "password": PASSWORD}),
        )
        .await;
    account_from(&response["data"]["login"], &account.email)
        .unwrap_or_else(|| panic!("login: {response}"))
}

/// A socket signed in as `who` with `query` subscribed as "1", listening once this returns.
pub async fn subscribed(app: &TestApp, who: &Account, query: &str) -> WsClient {
    let mut ws = app.ws_signed_in(who).await;
    ws.subscribe("1", query).await;
    ws
}

/// A socket signed in as `who` that asked for `query` as "1", for subscriptions the
/// server refuses (so there is no listening to wait for).
pub async fn asked_for(app: &TestApp, who: &Account, query: &str) -> WsClient {
    let mut ws = app.ws_signed_in(who).await;
    ws.send_subscribe("1", query).await;
    ws
}

/// The `jobOffers` subscription query.
pub fn job_offers_subscription() -> String {
    format!("subscription {{ jobOffers {{ kind offer {{ {OFFER_FIELDS} }} }} }}")
}

/// The next `jobOffers` event: (kind, offer).
pub async fn next_offer_event(ws: &mut WsClient) -> (String, Value) {
    let data = ws.next_data().await;
    let event = &data["jobOffers"];
    (
        event["kind"]
            .as_str()
            .unwrap_or_else(|| panic!("kind: {data}"))
            .to_owned(),
        event["offer"].clone(),
    )
}

/// The `extensions.code` of every error in `response`.
pub fn codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["extensions"]["code"].as_str().unwrap_or("?").to_owned())
                .collect()
        })
        .unwrap_or_default()
}
