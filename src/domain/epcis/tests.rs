//! The mapping on hand-made chains: actions, steps, parties, places, lots and time zones.

use chrono::{DateTime, Duration, TimeZone, Utc};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

use super::*;

const ORDER: Uuid = Uuid::from_u128(1);
const ITEM: Uuid = Uuid::from_u128(2);
const COLLECTOR: Uuid = Uuid::from_u128(3);
const FACILITY: Uuid = Uuid::from_u128(4);

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0)
        .single()
        .expect("time")
}

fn export(show_doorstep: bool) -> Export {
    Export {
        order_id: ORDER,
        show_doorstep,
        time_zone: chrono_tz::Asia::Shanghai,
        created_at: start() + Duration::days(1),
    }
}

fn record(item_id: Uuid, kind: ItemKind, sequence: i32, step: CustodyStep) -> CustodyRecord {
    let at = start() + Duration::hours(i64::from(sequence));
    CustodyRecord {
        id: Uuid::from_u128(100 + u128::from(sequence.unsigned_abs())),
        item_id,
        kind,
        sequence,
        step,
        at,
        recorded_at: at,
        holder: Some(Holder::Collector(COLLECTOR)),
        location: None,
        weight_kg: Some(Decimal::new(25, 1)),
        weight_estimated: false,
        facility_id: None,
        transfer_number: None,
        outcome: None,
        battery_status: None,
        hash: "ab".repeat(32),
    }
}

/// COLLECTED at the door, handed over on TN-000001, received, then `last`.
fn chain(item_id: Uuid, kind: ItemKind, last: CustodyRecord) -> Vec<CustodyRecord> {
    let mut collected = record(item_id, kind, 1, CustodyStep::Collected);
    collected.location = Some((31.23, 121.47));
    let mut handed = record(item_id, kind, 2, CustodyStep::HandedOver);
    handed.facility_id = Some(FACILITY);
    handed.transfer_number = Some("TN-000001".into());
    let mut received = record(item_id, kind, 3, CustodyStep::Received);
    received.holder = Some(Holder::Facility(FACILITY));
    received.transfer_number = Some("TN-000001".into());
    vec![collected, handed, received, last]
}

fn processed(item_id: Uuid, kind: ItemKind, outcome: ProcessingOutcome) -> CustodyRecord {
    let mut event = record(item_id, kind, 4, CustodyStep::Processed);
    event.holder = Some(Holder::Facility(FACILITY));
    event.outcome = Some(outcome);
    event
}

fn events(document: &Value) -> Vec<Value> {
    document["epcisBody"]["eventList"]
        .as_array()
        .cloned()
        .expect("eventList")
}

fn column(events: &[Value], name: &str) -> Vec<String> {
    events
        .iter()
        .map(|e| e[name].as_str().unwrap_or("-").to_owned())
        .collect()
}

#[test]
fn a_recycled_piece_is_added_at_the_door_observed_on_the_way_and_deleted_at_the_plant() {
    let last = processed(ITEM, ItemKind::Piece, ProcessingOutcome::MaterialRecovered);
    let doc = document(&export(true), &chain(ITEM, ItemKind::Piece, last));
    assert_eq!(doc["type"], "EPCISDocument");
    assert_eq!(doc["schemaVersion"], "2.0");
    assert_eq!(doc["@context"][0], CONTEXT);
    let list = events(&doc);
    assert_eq!(
        column(&list, "action"),
        ["ADD", "OBSERVE", "OBSERVE", "DELETE"]
    );
    assert_eq!(
        column(&list, "bizStep"),
        ["collecting", "shipping", "receiving", "destroying"]
    );
    assert_eq!(
        column(&list, "disposition"),
        ["in_progress", "in_transit", "in_progress", "destroyed"]
    );
    for event in &list {
        assert_eq!(event["epcList"][0], format!("urn:reloop:item:{ITEM}"));
        assert_eq!(event["eventTimeZoneOffset"], "+08:00");
        assert_eq!(
            event["bizTransactionList"][0]["bizTransaction"],
            format!("urn:reloop:order:{ORDER}")
        );
    }
    let collector = format!("urn:reloop:party:collector:{COLLECTOR}");
    let facility = format!("urn:reloop:party:facility:{FACILITY}");
    let place = format!("urn:reloop:location:facility:{FACILITY}");
    assert_eq!(list[0]["readPoint"]["id"], "geo:31.23,121.47");
    assert_eq!(
        list[0]["sourceList"][0]["source"],
        format!("urn:reloop:party:customer-of-order:{ORDER}")
    );
    assert_eq!(list[0]["destinationList"][0]["destination"], collector);
    assert!(
        list[0].get("bizLocation").is_none(),
        "a van is no business location"
    );
    assert_eq!(list[1]["sourceList"][0]["source"], collector);
    assert_eq!(list[1]["destinationList"][0]["destination"], facility);
    assert_eq!(
        list[1]["destinationList"][1],
        serde_json::json!({"type": "location", "destination": place})
    );
    assert_eq!(list[1]["bizTransactionList"][1]["type"], "desadv");
    assert_eq!(
        list[2]["sourceList"][0]["source"], collector,
        "the receipt names the previous holder"
    );
    assert_eq!(list[2]["destinationList"][0]["type"], "possessing_party");
    assert_eq!(list[2]["bizLocation"]["id"], place);
    assert_eq!(list[3]["readPoint"]["id"], place);
    assert!(
        list[3].get("bizLocation").is_none(),
        "a destroyed item stays nowhere"
    );
}

#[test]
fn a_weighed_lot_is_counted_in_kilograms() {
    let last = processed(ITEM, ItemKind::WeighedLot, ProcessingOutcome::Disposed);
    let list = events(&document(
        &export(true),
        &chain(ITEM, ItemKind::WeighedLot, last),
    ));
    for event in &list {
        assert!(event.get("epcList").is_none());
        let quantity = &event["quantityList"][0];
        assert_eq!(quantity["epcClass"], format!("urn:reloop:lot:{ITEM}"));
        assert_eq!(quantity["quantity"], 2.5);
        assert_eq!(quantity["uom"], "KGM");
    }
    assert_eq!(list[3]["disposition"], "disposed");
}

#[test]
fn the_doorstep_is_left_out_for_viewers_who_may_not_see_the_order() {
    let last = processed(ITEM, ItemKind::Piece, ProcessingOutcome::Reused);
    let list = events(&document(
        &export(false),
        &chain(ITEM, ItemKind::Piece, last),
    ));
    assert!(list[0].get("readPoint").is_none(), "{}", list[0]);
    assert!(
        !serde_json::to_string(&list)
            .expect("json")
            .contains("31.23")
    );
    assert_eq!(list[3]["bizStep"], "inspecting");
    assert_eq!(list[3]["action"], "OBSERVE");
}

#[test]
fn a_battery_status_change_takes_the_step_that_caused_it() {
    let mut changed = record(ITEM, ItemKind::Piece, 4, CustodyStep::StatusChanged);
    changed.holder = Some(Holder::Facility(FACILITY));
    changed.battery_status = Some(BatteryStatus::Waste);
    let list = events(&document(
        &export(true),
        &chain(ITEM, ItemKind::Piece, changed),
    ));
    assert_eq!(list[3]["bizStep"], "receiving");
    assert_eq!(
        list[3]["disposition"],
        "urn:reloop:disposition:battery_waste"
    );
    assert_eq!(
        list[3]["readPoint"]["id"],
        format!("urn:reloop:location:facility:{FACILITY}")
    );
}

#[test]
fn a_rejected_item_stays_with_the_collector_and_is_seen_at_the_plant() {
    let mut rejected = record(ITEM, ItemKind::Piece, 3, CustodyStep::Rejected);
    rejected.transfer_number = Some("TN-000001".into());
    let mut events_in = chain(ITEM, ItemKind::Piece, rejected);
    events_in.remove(2);
    let list = events(&document(&export(true), &events_in));
    assert_eq!(list[2]["disposition"], "non_conformant");
    assert_eq!(
        list[2]["readPoint"]["id"],
        format!("urn:reloop:location:facility:{FACILITY}")
    );
    assert!(list[2].get("bizLocation").is_none());
    assert_eq!(
        list[2]["destinationList"][0]["destination"],
        format!("urn:reloop:party:collector:{COLLECTOR}")
    );
}

#[test]
fn events_of_several_items_are_listed_by_event_time() {
    let other = Uuid::from_u128(9);
    let mut records = chain(
        ITEM,
        ItemKind::Piece,
        processed(ITEM, ItemKind::Piece, ProcessingOutcome::Refurbished),
    );
    let mut late = record(other, ItemKind::WeighedLot, 1, CustodyStep::Collected);
    late.recorded_at = start() + Duration::minutes(90);
    records.insert(0, late);
    let list = events(&document(&export(true), &records));
    let steps: Vec<&str> = list
        .iter()
        .map(|e| e["reloop:custodyStep"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        steps,
        [
            "COLLECTED",
            "COLLECTED",
            "HANDED_OVER",
            "RECEIVED",
            "PROCESSED"
        ]
    );
    assert!(list[1].get("quantityList").is_some());
    assert_eq!(list[4]["bizStep"], "repairing");
}

#[test]
fn the_offset_is_the_zones_at_the_instant_of_the_event() {
    let mut summer = record(ITEM, ItemKind::Piece, 1, CustodyStep::Collected);
    summer.recorded_at = Utc
        .with_ymd_and_hms(2026, 7, 1, 12, 0, 0)
        .single()
        .expect("time");
    let mut winter = summer.clone();
    winter.item_id = Uuid::from_u128(8);
    winter.recorded_at = Utc
        .with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
        .single()
        .expect("time");
    let mut zone = export(true);
    zone.time_zone = chrono_tz::America::Sao_Paulo;
    let list = events(&document(&zone, &[summer, winter]));
    assert_eq!(column(&list, "eventTimeZoneOffset"), ["-03:00", "-03:00"]);
    zone.time_zone = chrono_tz::Europe::Berlin;
    let mut summer = record(ITEM, ItemKind::Piece, 1, CustodyStep::Collected);
    summer.recorded_at = Utc
        .with_ymd_and_hms(2026, 7, 1, 12, 0, 0)
        .single()
        .expect("time");
    let list = events(&document(&zone, &[summer]));
    assert_eq!(list[0]["eventTimeZoneOffset"], "+02:00");
    assert_eq!(list[0]["eventTime"], "2026-07-01T12:00:00.000Z");
}
