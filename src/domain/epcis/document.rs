//! Writing the EPCISDocument: each item's chain is walked in sequence (a receipt's source
//! is the previous holder, a battery status change takes the business step of the event
//! that caused it), then every event of the order is listed by event time.

use chrono::{DateTime, Offset, SecondsFormat, TimeZone, Utc};
use rust_decimal::prelude::ToPrimitive;
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::vocabulary::{Action, of_step};
use super::{CustodyRecord, Export, ItemKind, urn};
use crate::domain::custody::{CustodyStep, Holder};

/// The official EPCIS 2.0 JSON-LD context.
pub const CONTEXT: &str = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld";

/// The namespace of the `reloop:` extension members (chain hash, step, weight estimate).
pub const RELOOP_VOCABULARY: &str = "urn:reloop:vocab:";

/// What walking an item's chain has seen so far.
#[derive(Default)]
struct Walk {
    item: Option<Uuid>,
    holder: Option<Holder>,
    facility: Option<Uuid>,
    biz_step: Option<&'static str>,
}

/// The document of `records` (any order; they are grouped by item and sequence here).
pub fn document(export: &Export, records: &[CustodyRecord]) -> Value {
    let mut chained: Vec<&CustodyRecord> = records.iter().collect();
    chained.sort_by_key(|r| (r.item_id, r.sequence));
    let mut walk = Walk::default();
    let mut events: Vec<(DateTime<Utc>, Uuid, i32, Value)> = Vec::with_capacity(records.len());
    for record in chained {
        if walk.item != Some(record.item_id) {
            walk = Walk {
                item: Some(record.item_id),
                ..Walk::default()
            };
        }
        let (event, biz_step) = object_event(export, record, &walk);
        walk.biz_step = Some(biz_step);
        walk.facility = facility_of(record).or(walk.facility);
        walk.holder = record.holder.or(walk.holder);
        events.push((record.recorded_at, record.item_id, record.sequence, event));
    }
    // Event time, then a stable order for events of the same instant (one hand-over
    // moves several items at once).
    events.sort_by_key(|e| (e.0, e.1, e.2));
    json!({
        "@context": [CONTEXT, {"reloop": RELOOP_VOCABULARY}],
        "type": "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": time(export.created_at),
        "epcisBody": {"eventList": events.into_iter().map(|e| e.3).collect::<Vec<_>>()},
    })
}

/// The facility an event took place at: the hand-over's destination or the holder.
fn facility_of(record: &CustodyRecord) -> Option<Uuid> {
    match record.holder {
        Some(Holder::Facility(id)) => Some(id),
        _ => record.facility_id,
    }
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// `+08:00`: the zone's offset at that instant (EPCIS wants the local offset of the event).
fn offset(zone: chrono_tz::Tz, at: DateTime<Utc>) -> String {
    let seconds = zone
        .offset_from_utc_datetime(&at.naive_utc())
        .fix()
        .local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

fn possessing(party: String) -> Value {
    json!({"type": "possessing_party", "source": party})
}

fn possessing_destination(party: String) -> Value {
    json!({"type": "possessing_party", "destination": party})
}

/// One ObjectEvent, and its business step (a later status change inherits it).
fn object_event(export: &Export, record: &CustodyRecord, walk: &Walk) -> (Value, &'static str) {
    let meaning = of_step(
        record.step,
        record.outcome,
        record.battery_status,
        walk.biz_step,
    );
    let mut event = Map::new();
    event.insert("type".into(), json!("ObjectEvent"));
    event.insert("eventID".into(), json!(urn::event(record.id)));
    event.insert("eventTime".into(), json!(time(record.recorded_at)));
    event.insert("recordTime".into(), json!(time(record.at)));
    event.insert(
        "eventTimeZoneOffset".into(),
        json!(offset(export.time_zone, record.recorded_at)),
    );
    match record.kind {
        ItemKind::Piece => {
            event.insert("epcList".into(), json!([urn::item(record.item_id)]));
        }
        ItemKind::WeighedLot => {
            let mut quantity = json!({"epcClass": urn::lot(record.item_id)});
            if let Some(kg) = record.weight_kg.and_then(|kg| kg.to_f64()) {
                quantity["quantity"] = json!(kg);
                quantity["uom"] = json!("KGM");
            }
            event.insert("quantityList".into(), json!([quantity]));
        }
    }
    event.insert("action".into(), json!(meaning.action.as_str()));
    event.insert("bizStep".into(), json!(meaning.biz_step));
    event.insert("disposition".into(), json!(meaning.disposition));
    let facility = facility_of(record).or(walk.facility);
    let read_point = match record.step {
        CustodyStep::Collected => record
            .location
            .filter(|_| export.show_doorstep)
            .map(|(lat, lon)| urn::doorstep(lat, lon)),
        _ => facility.map(urn::facility_location),
    };
    if let Some(id) = read_point {
        event.insert("readPoint".into(), json!({"id": id}));
    }
    // Where the item stays afterwards: a facility that keeps it, not a van on the road,
    // nor a plant where it ceased to exist.
    let stays =
        matches!(record.holder, Some(Holder::Facility(_))) && meaning.action != Action::Delete;
    if let Some(id) = facility.filter(|_| stays) {
        event.insert(
            "bizLocation".into(),
            json!({"id": urn::facility_location(id)}),
        );
    }
    let mut transactions =
        vec![json!({"type": "po", "bizTransaction": urn::order(export.order_id)})];
    if let Some(number) = &record.transfer_number {
        transactions.push(json!({"type": "desadv", "bizTransaction": urn::transfer(number)}));
    }
    event.insert("bizTransactionList".into(), json!(transactions));
    let (sources, destinations) = parties(export, record, walk);
    if !sources.is_empty() {
        event.insert("sourceList".into(), json!(sources));
    }
    if !destinations.is_empty() {
        event.insert("destinationList".into(), json!(destinations));
    }
    event.insert("reloop:custodyStep".into(), json!(record.step.as_str()));
    event.insert("reloop:sequence".into(), json!(record.sequence));
    event.insert("reloop:hash".into(), json!(record.hash));
    if record.weight_kg.is_some() {
        event.insert(
            "reloop:weightEstimated".into(),
            json!(record.weight_estimated),
        );
    }
    (Value::Object(event), meaning.biz_step)
}

/// Who possession passes from and to: the customer to the collector at the door, the
/// collector to the facility on hand-over (announced) and receipt (taken); a rejected
/// item stays the collector's.
fn parties(export: &Export, record: &CustodyRecord, walk: &Walk) -> (Vec<Value>, Vec<Value>) {
    let holder = record.holder.map(urn::party);
    match record.step {
        CustodyStep::Collected => (
            vec![possessing(urn::customer_of(export.order_id))],
            holder.map(possessing_destination).into_iter().collect(),
        ),
        CustodyStep::HandedOver => {
            let mut destinations: Vec<Value> = record
                .facility_id
                .map(|id| possessing_destination(urn::party(Holder::Facility(id))))
                .into_iter()
                .collect();
            if let Some(id) = record.facility_id {
                destinations
                    .push(json!({"type": "location", "destination": urn::facility_location(id)}));
            }
            (holder.map(possessing).into_iter().collect(), destinations)
        }
        CustodyStep::Received => (
            walk.holder
                .map(urn::party)
                .map(possessing)
                .into_iter()
                .collect(),
            holder.map(possessing_destination).into_iter().collect(),
        ),
        CustodyStep::Rejected => (
            Vec::new(),
            holder.map(possessing_destination).into_iter().collect(),
        ),
        CustodyStep::Processed | CustodyStep::StatusChanged => (Vec::new(), Vec::new()),
    }
}
