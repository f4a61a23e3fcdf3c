//! The collectors online in a service area: `onlineCollectors` lists them at their live
//! positions, and `collectorPositions` follows them going online, moving and going offline
//! there, ignoring other areas and late reports from collectors already offline. Operators
//! only.

use serde_json::{Value, json};

use super::area_id;
use crate::dispatch::fixtures::{asked_for, go_online_at, north_of_pickup, subscribed};
use crate::fixtures::{Collector, verified_collector};
use crate::helpers::{Account, TestApp, WsClient, WsEvent, error_code, spawn_app};

/// The centre of the demo's Beijing area.
const BEIJING: (f64, f64) = (39.9042, 116.4074);

const ONLINE: &str = "query($area: ID!) { onlineCollectors(areaId: $area) {
    collectorId location { latitude longitude } collector { id displayName status } } }";

async fn online(app: &TestApp, operator: &Account, area: &str) -> Vec<Value> {
    let answer = app
        .gql(Some(&operator.access), ONLINE, json!({"area": area}))
        .await;
    answer["data"]["onlineCollectors"]
        .as_array()
        .unwrap_or_else(|| panic!("onlineCollectors: {answer}"))
        .clone()
}

async fn go_offline(app: &TestApp, collector: &Collector) {
    let answer = app
        .gql(
            Some(&collector.account.access),
            "mutation { setAvailability(online: false) { status } }",
            json!({}),
        )
        .await;
    assert_eq!(
        answer["data"]["setAvailability"]["status"], "OFFLINE",
        "{answer}"
    );
}

async fn report(app: &TestApp, collector: &Collector, at: (f64, f64)) {
    let answer = app
        .gql(
            Some(&collector.account.access),
            "mutation($lat: Float!, $lon: Float!) { reportLocation(location: {latitude: $lat, longitude: $lon}) }",
            json!({"lat": at.0, "lon": at.1}),
        )
        .await;
    assert_eq!(answer["data"]["reportLocation"], true, "{answer}");
}

/// The next event: (kind, collector id, (latitude, longitude)).
async fn next_event(ws: &mut WsClient) -> (String, String, (f64, f64)) {
    let data = ws.next_data().await;
    let event = &data["collectorPositions"];
    let at = &event["position"]["location"];
    (
        event["kind"].as_str().expect("kind").to_owned(),
        event["position"]["collectorId"]
            .as_str()
            .expect("id")
            .to_owned(),
        (
            at["latitude"].as_f64().expect("latitude"),
            at["longitude"].as_f64().expect("longitude"),
        ),
    )
}

fn near(a: (f64, f64), b: (f64, f64)) -> bool {
    // Redis keeps positions as geohashes, a fraction of a metre off.
    (a.0 - b.0).abs() < 1e-5 && (a.1 - b.1).abs() < 1e-5
}

#[tokio::test]
async fn operators_see_the_collectors_online_in_an_area_and_follow_them_live() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let shanghai = area_id(&app, &operator, "Shanghai Central").await;
    let beijing = area_id(&app, &operator, "Beijing Central").await;
    let first = verified_collector(&app, &operator).await;
    let second = verified_collector(&app, &operator).await;
    let elsewhere = verified_collector(&app, &operator).await;

    assert_eq!(
        online(&app, &operator, &shanghai).await,
        Vec::<Value>::new()
    );
    let at = north_of_pickup(1.0);
    go_online_at(&app, &first, at).await;
    let listed = online(&app, &operator, &shanghai).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["collectorId"], first.id.as_str());
    assert_eq!(listed[0]["collector"]["status"], "AVAILABLE");
    assert!(listed[0]["collector"]["displayName"].is_string());
    let location = &listed[0]["location"];
    assert!(
        near(
            (
                location["latitude"].as_f64().expect("lat"),
                location["longitude"].as_f64().expect("lon")
            ),
            at
        ),
        "{listed:?}"
    );
    assert_eq!(online(&app, &operator, &beijing).await, Vec::<Value>::new());

    let query = format!(
        "subscription {{ collectorPositions(areaId: \"{shanghai}\") {{ kind position {{ collectorId location {{ latitude longitude }} }} }} }}"
    );
    let mut ws = subscribed(&app, &operator, &query).await;

    // Going online in the area, then moving in it.
    go_online_at(&app, &second, north_of_pickup(2.0)).await;
    let (kind, id, _) = next_event(&mut ws).await;
    assert_eq!((kind.as_str(), id.as_str()), ("ONLINE", second.id.as_str()));
    let moved_to = north_of_pickup(2.5);
    report(&app, &second, moved_to).await;
    let (kind, id, location) = next_event(&mut ws).await;
    assert_eq!((kind.as_str(), id.as_str()), ("MOVED", second.id.as_str()));
    assert!(near(location, moved_to), "{location:?}");

    // Someone going online in Beijing is not news here; the first collector going
    // offline is (one publisher, in order: had Beijing been let through, it came first).
    go_online_at(&app, &elsewhere, BEIJING).await;
    go_offline(&app, &first).await;
    let (kind, id, _) = next_event(&mut ws).await;
    assert_eq!((kind.as_str(), id.as_str()), ("OFFLINE", first.id.as_str()));

    // A late report from someone offline puts nobody back on the map; leaving the area
    // takes a collector off it.
    report(&app, &first, north_of_pickup(1.5)).await;
    report(&app, &second, BEIJING).await;
    let (kind, id, _) = next_event(&mut ws).await;
    assert_eq!(
        (kind.as_str(), id.as_str()),
        ("OFFLINE", second.id.as_str())
    );

    assert_eq!(
        online(&app, &operator, &shanghai).await,
        Vec::<Value>::new()
    );
    let in_beijing: Vec<Value> = online(&app, &operator, &beijing)
        .await
        .into_iter()
        .map(|c| c["collectorId"].clone())
        .collect();
    assert_eq!(in_beijing.len(), 2, "{in_beijing:?}");
    assert!(in_beijing.contains(&json!(elsewhere.id)) && in_beijing.contains(&json!(second.id)));
}

#[tokio::test]
async fn only_operators_may_see_online_collectors() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let shanghai = area_id(&app, &operator, "Shanghai Central").await;
    for role in ["HOUSEHOLD", "COLLECTOR"] {
        let someone = app.register(role).await;
        let answer = app
            .gql(Some(&someone.access), ONLINE, json!({"area": shanghai}))
            .await;
        assert_eq!(error_code(&answer), Some("FORBIDDEN"), "{role}: {answer}");
        let query =
            format!("subscription {{ collectorPositions(areaId: \"{shanghai}\") {{ kind }} }}");
        let mut ws = asked_for(&app, &someone, &query).await;
        match ws.next().await {
            WsEvent::Json(msg) => assert_eq!(
                msg["payload"]["errors"][0]["extensions"]["code"], "FORBIDDEN",
                "{role}: {msg}"
            ),
            other => panic!("{role}: expected an error, got {other:?}"),
        }
    }
    let unknown = app
        .gql(
            Some(&operator.access),
            ONLINE,
            json!({"area": uuid::Uuid::new_v4().to_string()}),
        )
        .await;
    assert_eq!(error_code(&unknown), Some("NOT_FOUND"), "{unknown}");
}
