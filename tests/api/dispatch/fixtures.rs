//! Shared set-up for the dispatch tests: quotes and bookings at the Shanghai pickup
//! point, collectors with a profile put online at a chosen distance, offers and their
//! answers, and the `jobOffers` subscription.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::{Account, LOGIN, PASSWORD, TestApp, WsClient, account_from};

/// The pickup point of every booking: Shanghai, inside the demo service area.
pub const SHANGHAI: (f64, f64) = (31.2304, 121.4737);

/// Degrees of latitude per kilometre (1° ≈ 111.2 km).
pub const DEG_PER_KM: f64 = 1.0 / 111.195;

/// The order fields the dispatch tests look at.
pub const ORDER_FIELDS: &str = "id number status version contactPhone
    window { start end } address { line1 city }
    collector { id } events { fromStatus toStatus actorRole reason }";

/// The offer fields the dispatch tests look at.
pub const OFFER_FIELDS: &str =
    "id status expiresAt distanceKm order { id status contactPhone address { line1 city } }";

/// The street address every booking uses.
pub const LINE1: &str = "88 Century Avenue";
/// The contact phone every booking uses.
pub const PHONE: &str = "+86 138 0013 8000";
/// [`PHONE`] as stored (normalised).
pub const PHONE_NORMALISED: &str = "+8613800138000";

/// A two-hour window `days` days from now (UTC) starting at `hour`:00.
pub fn window_on(days: i64, hour: u32) -> Value {
    let day = (chrono::Utc::now() + chrono::Duration::days(days)).date_naive();
    let start = day.and_hms_opt(hour, 0, 0).expect("valid").and_utc();
    json!({"start": start.to_rfc3339(), "end": (start + chrono::Duration::hours(2)).to_rfc3339()})
}

/// A two-hour window tomorrow at `hour`:00.
pub fn window(hour: u32) -> Value {
    window_on(1, hour)
}

/// A quote of `items` (a GraphQL list literal) for `customer`.
pub async fn quote_of(app: &TestApp, customer: &Account, items: &str) -> String {
    let response = app
        .gql(
            Some(&customer.access),
            &format!("mutation {{ requestQuote(input: {{items: {items}}}) {{ id }} }}"),
            json!({}),
        )
        .await;
    response["data"]["requestQuote"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("quote: {response}"))
        .to_owned()
}

/// Items that need no special certification beyond data destruction, about 6 kg.
pub const LIGHT_ITEMS: &str = "[{categoryCode: \"LAPTOP\", condition: GOOD}, {categoryCode: \"SMALL_APPLIANCE\", weightKg: \"4\"}]";

/// The `bookPickup` input for `quote_id` in `window`, at the Shanghai pickup point.
pub fn booking_input(quote_id: &str, window: Value) -> Value {
    json!({
        "quoteId": quote_id,
        "address": {"line1": LINE1, "city": "Shanghai", "postalCode": "200120",
                    "location": {"latitude": SHANGHAI.0, "longitude": SHANGHAI.1}},
        "window": window,
        "contactName": "Li Wei",
        "contactPhone": PHONE,
        "notes": "Ring twice"
    })
}

/// Books `quote_id` in `window`; returns the order.
pub async fn book_quote(app: &TestApp, customer: &Account, quote_id: &str, window: Value) -> Value {
    let response = app
        .gql(
            Some(&customer.access),
            &format!(
                "mutation($input: BookPickupInput!) {{ bookPickup(input: $input) {{ {ORDER_FIELDS} }} }}"
            ),
            json!({"input": booking_input(quote_id, window)}),
        )
        .await;
    let order = response["data"]["bookPickup"].clone();
    assert!(order.is_object(), "booking failed: {response}");
    order
}

/// Books light items tomorrow at `hour`:00; returns the order id.
pub async fn book_light(app: &TestApp, customer: &Account, hour: u32) -> String {
    let quote = quote_of(app, customer, LIGHT_ITEMS).await;
    let order = book_quote(app, customer, &quote, window(hour)).await;
    order["id"].as_str().expect("id").to_owned()
}

/// A collector's profile.
#[derive(Clone, Copy, Debug)]
pub struct Profile {
    /// BIKE, VAN or TRUCK.
    pub vehicle: &'static str,
    /// Load capacity, kg.
    pub capacity_kg: &'static str,
    /// Certifications, as a GraphQL list literal.
    pub certifications: &'static str,
}

/// A truck with every certification.
pub const FULL: Profile = Profile {
    vehicle: "TRUCK",
    capacity_kg: "2000",
    certifications: "[HAZARDOUS_BATTERY, LARGE_APPLIANCE, DATA_DESTRUCTION, REFRIGERANT_HANDLING]",
};

/// A registered collector: its account and collector profile id.
#[derive(Clone, Debug)]
pub struct Collector {
    /// The user.
    pub account: Account,
    /// The collector profile id.
    pub id: String,
}

/// Registers a collector with `profile`, verified by `operator` when given.
pub async fn collector_with(
    app: &TestApp,
    operator: Option<&Account>,
    profile: Profile,
) -> Collector {
    let account = app.register("COLLECTOR").await;
    let saved = app
        .gql(
            Some(&account.access),
            &format!(
                "mutation {{ updateCollectorProfile(input: {{vehicle: {}, capacityKg: \"{}\", certifications: {}}}) {{ id }} }}",
                profile.vehicle, profile.capacity_kg, profile.certifications
            ),
            json!({}),
        )
        .await;
    let id = saved["data"]["updateCollectorProfile"]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("profile: {saved}"))
        .to_owned();
    if let Some(operator) = operator {
        let verified = app
            .gql(
                Some(&operator.access),
                "mutation($id: ID!) { verifyCollector(collectorId: $id) { verified } }",
                json!({"id": id}),
            )
            .await;
        assert_eq!(
            verified["data"]["verifyCollector"]["verified"], true,
            "{verified}"
        );
    }
    Collector { account, id }
}

/// A verified collector with a truck and every certification.
pub async fn verified_collector(app: &TestApp, operator: &Account) -> Collector {
    collector_with(app, Some(operator), FULL).await
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
    app.subscribe(&mut ws, "1", query).await;
    ws
}

/// A socket signed in as `who` that asked for `query` as "1", for subscriptions the
/// server refuses (so there is no listening to wait for).
pub async fn asked_for(app: &TestApp, who: &Account, query: &str) -> WsClient {
    let mut ws = app.ws_signed_in(who).await;
    ws.subscribe("1", query).await;
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

/// The `orderUpdated` subscription query for `order_id`.
pub fn order_updated_subscription(order_id: &str) -> String {
    format!("subscription {{ orderUpdated(orderId: \"{order_id}\") {{ {ORDER_FIELDS} }} }}")
}

/// Polls `check` every 50 ms until it returns Some, for at most `within`.
pub async fn eventually<T, F, Fut>(within: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {within:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
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
