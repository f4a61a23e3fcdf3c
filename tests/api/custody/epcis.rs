//! `GET /epcis/events?orderId=`: a real pickup taken through custody (collected, handed
//! over, received, processed) exported as EPCIS 2.0 JSON-LD, validated against GS1's own
//! schema (vendored in tests/fixtures/epcis), for exactly the parties who may read it.

use std::sync::LazyLock;

use serde_json::{Value, json};

use super::fixtures::{
    Collected, accept_all, collected_order, collected_order_of, handed_over, items, light_plant,
    plant, process, purged, receive,
};
use super::partners::partner_order_collected;
use crate::helpers::{TestApp, spawn_app};
use crate::partners::fixtures::{ALL_SCOPES, partner};

/// GS1's EPCIS 2.0 JSON Schema (draft-07), formats checked; every `$ref` is inside it.
static SCHEMA: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let text = include_str!("../../fixtures/epcis/EPCIS-JSON-Schema.json");
    let schema: Value = serde_json::from_str(text).expect("the vendored schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .should_validate_formats(true)
        .build(&schema)
        .expect("the vendored schema compiles")
});

/// Fails with every schema error of `document`.
fn assert_valid_epcis(document: &Value) {
    let errors: Vec<String> = SCHEMA
        .iter_errors(document)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not EPCIS 2.0: {errors:#?}\n{document:#}"
    );
}

/// `GET /epcis/events` with `query` and optional headers; (status, content type, body).
async fn export(app: &TestApp, query: &str, headers: &[(&str, &str)]) -> (u16, String, Value) {
    let mut request = app.http.get(format!("{}/epcis/events{query}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, content_type, body)
}

/// The export of `order_id` as the holder of a bearer `token`.
async fn as_bearer(app: &TestApp, token: &str, order_id: &str) -> (u16, Value) {
    let bearer = format!("Bearer {token}");
    let (status, _, body) = export(
        app,
        &format!("?orderId={order_id}"),
        &[("Authorization", &bearer)],
    )
    .await;
    (status, body)
}

/// The export of `order_id` with an API key.
async fn as_key(app: &TestApp, key: &str, order_id: &str) -> (u16, Value) {
    let (status, _, body) =
        export(app, &format!("?orderId={order_id}"), &[("X-Api-Key", key)]).await;
    (status, body)
}

fn event_list(document: &Value) -> Vec<Value> {
    document["epcisBody"]["eventList"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no eventList: {document}"))
}

/// The events of the item with `urn` in its epcList or quantityList, in order.
fn events_of(events: &[Value], id: &str) -> Vec<Value> {
    events
        .iter()
        .filter(|e| {
            e["epcList"][0] == format!("urn:reloop:item:{id}")
                || e["quantityList"][0]["epcClass"] == format!("urn:reloop:lot:{id}")
        })
        .cloned()
        .collect()
}

fn strings(events: &[Value], name: &str) -> Vec<String> {
    events
        .iter()
        .map(|e| e[name].as_str().unwrap_or("-").to_owned())
        .collect()
}

/// Hands `collected` to a new light plant, receives everything, recycles the laptop and
/// disposes of the appliance; returns the plant.
async fn through_custody(app: &TestApp, collected: &Collected) -> super::fixtures::Plant {
    let plant = light_plant(app, &collected.operator).await;
    let transfer = handed_over(app, collected, &plant).await;
    let id = transfer["id"].as_str().expect("id");
    let received = receive(app, &plant.staff.access, id, accept_all(&transfer)).await;
    assert_eq!(
        received["data"]["receiveTransfer"]["status"], "RECEIVED",
        "{received}"
    );
    for item in items(app, &collected.operator.access, &collected.order_id)
        .await
        .expect("items")
    {
        let input = if item["categoryCode"] == "LAPTOP" {
            json!({"itemIds": [item["id"]], "outcome": "MATERIAL_RECOVERED", "sanitization": purged(),
                   "recoveredMaterials": [{"material": "COPPER", "kg": "0.2"}]})
        } else {
            json!({"itemIds": [item["id"]], "outcome": "DISPOSED"})
        };
        let done = process(app, &plant.staff.access, input).await;
        assert_eq!(
            done["data"]["recordProcessing"][0]["status"], "PROCESSED",
            "{done}"
        );
    }
    plant
}

#[tokio::test]
async fn a_recycled_pickup_exports_as_valid_epcis_2_0_with_its_parties() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let plant = through_custody(&app, &collected).await;
    let bearer = format!("Bearer {}", collected.customer.access);
    let (status, content_type, document) = export(
        &app,
        &format!("?orderId={}", collected.order_id),
        &[("Authorization", &bearer)],
    )
    .await;
    assert_eq!(status, 200, "{document}");
    assert!(
        content_type.starts_with("application/ld+json"),
        "{content_type}"
    );
    assert_valid_epcis(&document);
    // The validator is live, formats included: a time that is not one fails.
    let mut broken = document.clone();
    broken["epcisBody"]["eventList"][0]["eventTime"] = json!("yesterday");
    assert!(
        !SCHEMA.is_valid(&broken),
        "the schema checks date-time formats"
    );
    assert_eq!(document["type"], "EPCISDocument");
    assert_eq!(document["schemaVersion"], "2.0");
    assert_eq!(
        document["@context"][0],
        "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
    );

    let events = event_list(&document);
    assert_eq!(events.len(), 8, "two items, four events each: {document:#}");
    let found = items(&app, &collected.customer.access, &collected.order_id)
        .await
        .expect("items");
    let id_of = |category: &str| {
        found
            .iter()
            .find(|i| i["categoryCode"] == category)
            .map(|i| i["id"].as_str().unwrap_or("").to_owned())
            .expect("item")
    };
    let laptop = events_of(&events, &id_of("LAPTOP"));
    let appliance = events_of(&events, &id_of("SMALL_APPLIANCE"));
    assert_eq!(
        strings(&laptop, "bizStep"),
        ["collecting", "shipping", "receiving", "destroying"]
    );
    assert_eq!(
        strings(&laptop, "action"),
        ["ADD", "OBSERVE", "OBSERVE", "DELETE"]
    );
    assert_eq!(
        strings(&laptop, "disposition"),
        ["in_progress", "in_transit", "in_progress", "destroyed"]
    );
    assert_eq!(strings(&appliance, "disposition")[3], "disposed");
    // The appliance is a weighed lot: kilograms, not pieces.
    assert_eq!(appliance.len(), 4);
    for event in &appliance {
        assert!(event.get("epcList").is_none(), "{event}");
        assert_eq!(event["quantityList"][0]["uom"], "KGM");
        assert_eq!(event["quantityList"][0]["quantity"], 4.0);
    }

    let collector = laptop[0]["destinationList"][0]["destination"]
        .as_str()
        .expect("collector")
        .to_owned();
    assert!(
        collector.starts_with("urn:reloop:party:collector:"),
        "{collector}"
    );
    assert_eq!(
        laptop[0]["sourceList"][0]["source"],
        format!("urn:reloop:party:customer-of-order:{}", collected.order_id)
    );
    assert!(
        laptop[0]["readPoint"]["id"]
            .as_str()
            .is_some_and(|p| p.starts_with("geo:")),
        "the customer sees the doorstep"
    );
    let facility = format!("urn:reloop:party:facility:{}", plant.id);
    for hop in [&laptop[1], &laptop[2]] {
        assert_eq!(
            hop["sourceList"][0],
            json!({"type": "possessing_party", "source": collector})
        );
        assert_eq!(
            hop["destinationList"][0],
            json!({"type": "possessing_party", "destination": facility})
        );
    }
    assert_eq!(
        laptop[2]["bizLocation"]["id"],
        format!("urn:reloop:location:facility:{}", plant.id)
    );
    let transfer = laptop[1]["bizTransactionList"][1]["bizTransaction"]
        .as_str()
        .unwrap_or_default();
    assert!(
        transfer.starts_with("urn:reloop:transfer:TN-"),
        "{laptop:?}"
    );
    // The chain hash travels, so the export can be checked against verifyCustodyChain.
    assert_eq!(laptop[0]["reloop:hash"].as_str().map(str::len), Some(64));
}

#[tokio::test]
async fn the_export_is_for_the_orders_readers_and_the_plant_that_holds_the_items() {
    let app = spawn_app().await;
    let collected = collected_order(&app).await;
    let plant = through_custody(&app, &collected).await;
    let order = &collected.order_id;

    for who in [&collected.operator.access, &collected.collector.access] {
        let (status, document) = as_bearer(&app, who, order).await;
        assert_eq!(status, 200, "{document}");
        assert_eq!(event_list(&document).len(), 8);
    }
    // Facility staff see the items sent to them, never the household's doorstep.
    let (status, document) = as_bearer(&app, &plant.staff.access, order).await;
    assert_eq!(status, 200, "{document}");
    assert_valid_epcis(&document);
    let events = event_list(&document);
    assert_eq!(events.len(), 8);
    assert!(
        events.iter().all(|e| !e["readPoint"]["id"]
            .as_str()
            .unwrap_or("")
            .starts_with("geo:")),
        "{document:#}"
    );

    let stranger = app.register("HOUSEHOLD").await;
    let (status, body) = as_bearer(&app, &stranger.access, order).await;
    assert_eq!(status, 404, "another household: {body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let other_plant = light_plant(&app, &collected.operator).await;
    let (status, _) = as_bearer(&app, &other_plant.staff.access, order).await;
    assert_eq!(status, 404, "staff of a plant that never held the items");

    let (status, content_type, body) = export(&app, &format!("?orderId={order}"), &[]).await;
    assert_eq!(status, 401, "no credentials: {body}");
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    assert_eq!(body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED");
    let (status, _) = as_bearer(&app, "not-a-token", order).await;
    assert_eq!(status, 401, "a bad token");
}

#[tokio::test]
async fn the_partner_that_booked_the_order_gets_it_and_other_partners_do_not() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let key = partner(&app, &operator, ALL_SCOPES).await.secret;
    let collected = partner_order_collected(&app, &key).await;
    let (status, document) = as_key(&app, &key, &collected.order_id).await;
    assert_eq!(status, 200, "{document}");
    assert_valid_epcis(&document);
    let events = event_list(&document);
    assert!(!events.is_empty());
    assert!(
        events
            .iter()
            .all(|e| e["bizStep"] == "collecting" && e["action"] == "ADD"),
        "{document:#}"
    );

    let other = partner(&app, &operator, ALL_SCOPES).await.secret;
    let (status, body) = as_key(&app, &other, &collected.order_id).await;
    assert_eq!(status, 404, "another partner: {body}");
    let unscoped = partner(&app, &operator, &["QUOTES_WRITE"]).await.secret;
    let (status, body) = as_key(&app, &unscoped, &collected.order_id).await;
    assert_eq!(status, 403, "a key without ORDERS_READ: {body}");
    let (status, _) = as_key(&app, "rl_unknown", &collected.order_id).await;
    assert_eq!(status, 401, "an unknown key");
}

#[tokio::test]
async fn a_missing_or_malformed_order_id_is_a_bad_request_naming_it() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let bearer = format!("Bearer {}", operator.access);
    for query in ["", "?orderId=", "?orderId=TN-000001", "?order=1"] {
        let (status, _, body) = export(&app, query, &[("Authorization", &bearer)]).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "VALIDATION",
            "{body}"
        );
        assert_eq!(
            body["errors"][0]["extensions"]["field"], "orderId",
            "{body}"
        );
    }
    let unknown = uuid::Uuid::new_v4();
    let (status, body) = as_bearer(&app, &operator.access, &unknown.to_string()).await;
    assert_eq!(status, 404, "{body}");
}

#[tokio::test]
async fn a_repurposed_battery_exports_its_status_changes_as_valid_epcis() {
    let app = spawn_app().await;
    let pack = "[{categoryCode: \"EV_BATTERY_PACK\", battery: {chemistry: NMC, stateOfHealthPct: 85, weightKg: \"380\", traceCode: \"03HPB0DA0001B1C7S0000001\"}}]";
    let collected = collected_order_of(&app, pack).await;
    let recycler = plant(
        &app,
        &collected.operator,
        &["EV_BATTERY_PACK"],
        r#"["HAZARDOUS_BATTERY"]"#,
    )
    .await;
    let transfer = handed_over(&app, &collected, &recycler).await;
    let id = transfer["id"].as_str().expect("id");
    let received = receive(&app, &recycler.staff.access, id, accept_all(&transfer)).await;
    let item = received["data"]["receiveTransfer"]["items"][0]["id"].clone();
    let done = process(
        &app,
        &recycler.staff.access,
        json!({"itemIds": [item], "outcome": "REPURPOSED"}),
    )
    .await;
    assert_eq!(
        done["data"]["recordProcessing"][0]["batteryStatus"], "REPURPOSED",
        "{done}"
    );

    let (status, document) = as_bearer(&app, &collected.customer.access, &collected.order_id).await;
    assert_eq!(status, 200, "{document}");
    assert_valid_epcis(&document);
    let events = event_list(&document);
    // A battery is a piece, whatever its category's pricing unit.
    assert!(
        events
            .iter()
            .all(|e| e["epcList"][0] == format!("urn:reloop:item:{}", item.as_str().unwrap_or(""))),
        "{document:#}"
    );
    assert_eq!(
        strings(&events, "reloop:custodyStep"),
        [
            "COLLECTED",
            "HANDED_OVER",
            "RECEIVED",
            "STATUS_CHANGED",
            "PROCESSED",
            "STATUS_CHANGED"
        ]
    );
    assert_eq!(
        strings(&events, "bizStep"),
        [
            "collecting",
            "shipping",
            "receiving",
            "receiving",
            "assembling",
            "assembling"
        ]
    );
    assert_eq!(
        strings(&events, "disposition")[3],
        "urn:reloop:disposition:battery_waste"
    );
    assert_eq!(
        strings(&events, "disposition")[5],
        "urn:reloop:disposition:battery_repurposed"
    );
    // The raw trace code is for the facility and operators, not for every reader.
    assert!(!document.to_string().contains("03HPB0DA0001B1C7S0000001"));
}
