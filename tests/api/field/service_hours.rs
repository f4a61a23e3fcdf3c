//! Service hours belong to the service area: its own IANA time zone and opening hours.
//! A window ending at midnight is checked against closing time like any other.

use chrono::{Duration, NaiveTime, Utc};
use serde_json::{Value, json};

use crate::dispatch::fixtures::codes;
use crate::fixtures::{SHANGHAI, booking_input, light_quote};
use crate::helpers::{Account, TestApp, spawn_app};
use crate::orders::fixtures::book_pickup_mutation;

/// A window tomorrow (UTC) from `start` for `hours` hours, e.g. `("20:00", 4)`.
fn window_at(start: &str, hours: i64) -> Value {
    let day = (Utc::now() + Duration::days(1)).date_naive();
    let start = day
        .and_time(NaiveTime::parse_from_str(start, "%H:%M").expect("HH:MM"))
        .and_utc();
    json!({"start": start.to_rfc3339(), "end": (start + Duration::hours(hours)).to_rfc3339()})
}

async fn book_in(app: &TestApp, customer: &Account, window: Value) -> Value {
    let quote = light_quote(app, customer).await;
    app.gql(
        Some(&customer.access),
        &book_pickup_mutation(),
        json!({"input": booking_input(&quote, window)}),
    )
    .await
}

fn refused_for_hours(response: &Value) -> bool {
    codes(response) == ["VALIDATION"]
        && response["errors"][0]["extensions"]["field"] == "input.window"
        && response["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("service hours"))
}

#[tokio::test]
async fn a_window_ending_at_midnight_is_checked_against_closing_time() {
    let app = spawn_app().await;
    let customer = app.register("HOUSEHOLD").await;
    // 20:00–24:00 UTC is 04:00–08:00 in Shanghai, before the area opens.
    let late = book_in(&app, &customer, window_at("20:00", 4)).await;
    assert!(refused_for_hours(&late), "{late}");
    // 18:00–20:00 in Shanghai (10:00–12:00 UTC) is the last window of the day.
    let last = book_in(&app, &customer, window_at("10:00", 2)).await;
    assert!(last["errors"].is_null(), "{last}");
}

#[tokio::test]
async fn windows_are_checked_in_the_service_areas_own_time_zone_and_hours() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let customer = app.register("HOUSEHOLD").await;
    let areas = app
        .gql(
            None,
            "{ serviceAreas { id name timeZone opens closes } }",
            json!({}),
        )
        .await;
    let shanghai = areas["data"]["serviceAreas"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["name"] == "Shanghai Central"))
        .cloned()
        .unwrap_or_else(|| panic!("{areas}"));
    assert_eq!(
        (
            &shanghai["timeZone"],
            &shanghai["opens"],
            &shanghai["closes"]
        ),
        (&json!("Asia/Shanghai"), &json!("08:00"), &json!("20:00"))
    );

    // The area now keeps Indian Standard Time (UTC+05:30), 09:30–18:00.
    let set = app
        .gql(
            Some(&operator.access),
            "mutation($id: ID!) { setServiceHours(areaId: $id, timeZone: \"Asia/Kolkata\", opens: \"09:30\", closes: \"18:00\") { timeZone opens closes } }",
            json!({"id": shanghai["id"]}),
        )
        .await;
    assert_eq!(
        set["data"]["setServiceHours"],
        json!({"timeZone": "Asia/Kolkata", "opens": "09:30", "closes": "18:00"}),
        "{set}"
    );
    // 09:30–11:30 and 16:00–18:00 local.
    for (start, hours) in [("04:00", 2), ("10:30", 2)] {
        let booked = book_in(&app, &customer, window_at(start, hours)).await;
        assert!(booked["errors"].is_null(), "{start}: {booked}");
    }
    // 08:30–10:30 and 17:00–19:00 local; 00:00–02:00 UTC was fine before (08:00 in Shanghai).
    for (start, hours) in [("03:00", 2), ("11:30", 2), ("00:00", 2)] {
        let refused = book_in(&app, &customer, window_at(start, hours)).await;
        assert!(refused_for_hours(&refused), "{start}: {refused}");
    }

    // Slots count from the local opening: 09:30, 11:30, 13:30 and 15:30 local.
    let date = (Utc::now() + Duration::days(1)).date_naive().to_string();
    let slots = app
        .gql(
            None,
            "query($lat: Float!, $lon: Float!, $d: NaiveDate!) { availablePickupWindows(location: {latitude: $lat, longitude: $lon}, date: $d) { start end } }",
            json!({"lat": SHANGHAI.0, "lon": SHANGHAI.1, "d": date}),
        )
        .await;
    let starts: Vec<String> = slots["data"]["availablePickupWindows"]
        .as_array()
        .unwrap_or_else(|| panic!("{slots}"))
        .iter()
        .map(|s| s["start"].as_str().unwrap_or_default()[11..16].to_owned())
        .collect();
    assert_eq!(starts, ["04:00", "06:00", "08:00", "10:00"], "{slots}");

    let nonsense = app
        .gql(
            Some(&operator.access),
            "mutation($id: ID!) { setServiceHours(areaId: $id, timeZone: \"Mars/Olympus\", opens: \"08:00\", closes: \"20:00\") { timeZone } }",
            json!({"id": shanghai["id"]}),
        )
        .await;
    assert_eq!(codes(&nonsense), ["VALIDATION"], "{nonsense}");
    assert_eq!(nonsense["errors"][0]["extensions"]["field"], "timeZone");
}
