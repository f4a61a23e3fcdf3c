//! The canonical encoding of a custody event (`custody-v1`), its hash and the bytes the
//! server signs.
//!
//! `custody-v1` is the UTF-8 text of a compact JSON object whose members appear in
//! exactly this order:
//!
//! ```text
//! {"v":"custody-v1","item":"<uuid>","seq":<n>,"step":"<CustodyStep>",
//!  "at":"<RFC 3339, UTC, microseconds, Z>","recordedAt":"<same>",
//!  "actor":"<uuid>"|null,"actorRole":"<Role>","holder":"<collector:…|facility:…>",
//!  "place":"<hex place commitment>"|null,
//!  "weightKg":"<plain decimal, no trailing zeros>"|null,"estimated":<bool>,
//!  "note":"<text>"|null,"details":"<canonical JSON text>","prev":"<hex hash>"}
//! ```
//!
//! Where an event happened enters the hash only as a commitment,
//! `SHA-256("reloop-place:<lat, 7 decimals>,<lon, 7 decimals>:<salt>")` in hex, with a
//! random salt stored beside the coordinates: erasing a customer's data removes the
//! coordinates and the salt of their doorstep and keeps the commitment, so the chain
//! still verifies and the place can no longer be recovered from it.
//!
//! The hash is SHA-256 over those bytes, written as 64 lowercase hex digits; the first
//! event's `prev` is 64 zeros. The server signs `reloop-custody-event:<hash>` with its
//! Ed25519 key, and an item's head (last sequence and hash) as
//! `reloop-custody-head:<item>:<sequence>:<hash>`.

use chrono::{DateTime, SecondsFormat, Utc};
use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The version tag stored with every event.
pub const ENCODING: &str = "custody-v1";

/// The `prev` of an item's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything an event's hash covers.
#[derive(Clone, Debug, PartialEq)]
pub struct EventContent {
    /// The item.
    pub item_id: Uuid,
    /// 1, 2, 3…
    pub sequence: i32,
    /// The step's name.
    pub step: String,
    /// Server time.
    pub at: DateTime<Utc>,
    /// Device time.
    pub recorded_at: DateTime<Utc>,
    /// The acting user, if a person acted.
    pub actor_user_id: Option<Uuid>,
    /// Their role's name.
    pub actor_role: String,
    /// Who holds the item afterwards.
    pub holder: String,
    /// Where, when known: the place commitment (see [`place_commitment`]).
    pub place: Option<String>,
    /// Weight, kg.
    pub weight_kg: Option<Decimal>,
    /// Whether the weight is an estimate (from the quote) rather than measured.
    pub weight_estimated: bool,
    /// Free text (e.g. a rejection reason).
    pub note: Option<String>,
    /// Canonical JSON text of the step's details.
    pub details: String,
    /// The previous event's hash ([`GENESIS`] for the first).
    pub previous_hash: String,
}

#[derive(Serialize)]
struct Canonical<'a> {
    v: &'static str,
    item: String,
    seq: i32,
    step: &'a str,
    at: String,
    #[serde(rename = "recordedAt")]
    recorded_at: String,
    actor: Option<String>,
    #[serde(rename = "actorRole")]
    actor_role: &'a str,
    holder: &'a str,
    place: Option<&'a str>,
    #[serde(rename = "weightKg")]
    weight_kg: Option<String>,
    estimated: bool,
    note: Option<&'a str>,
    details: &'a str,
    prev: &'a str,
}

/// A timestamp as the encoding writes it (and as events store it): microseconds, UTC.
pub fn timestamp_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// `at` cut to the microseconds both databases keep, so what is hashed is what is stored.
pub fn storable_time(at: DateTime<Utc>) -> DateTime<Utc> {
    chrono::DurationRound::duration_trunc(at, chrono::TimeDelta::microseconds(1)).unwrap_or(at)
}

impl EventContent {
    /// The `custody-v1` bytes.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let canonical = Canonical {
            v: ENCODING,
            item: self.item_id.to_string(),
            seq: self.sequence,
            step: &self.step,
            at: timestamp_text(self.at),
            recorded_at: timestamp_text(self.recorded_at),
            actor: self.actor_user_id.map(|id| id.to_string()),
            actor_role: &self.actor_role,
            holder: &self.holder,
            place: self.place.as_deref(),
            weight_kg: self.weight_kg.map(|kg| kg.normalize().to_string()),
            estimated: self.weight_estimated,
            note: self.note.as_deref(),
            details: &self.details,
            prev: &self.previous_hash,
        };
        // Serialising a struct of strings, numbers and booleans cannot fail.
        serde_json::to_vec(&canonical).unwrap_or_default()
    }

    /// SHA-256 of the canonical bytes, lowercase hex.
    pub fn hash(&self) -> String {
        hex::encode(Sha256::digest(self.canonical_bytes()))
    }
}

/// The commitment to a place: what the hash covers instead of the coordinates.
pub fn place_commitment(latitude: f64, longitude: f64, salt: &str) -> String {
    let text = format!("reloop-place:{latitude:.7},{longitude:.7}:{salt}");
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// What the server signs for an event with this hash.
pub fn event_message(hash: &str) -> Vec<u8> {
    format!("reloop-custody-event:{hash}").into_bytes()
}

/// What the server signs for an item's head.
pub fn head_message(item_id: Uuid, sequence: i32, hash: &str) -> Vec<u8> {
    format!("reloop-custody-head:{item_id}:{sequence}:{hash}").into_bytes()
}

/// `value` as canonical JSON text: object members sorted by key, no spaces, so the same
/// details always hash the same whatever order a map kept them in.
pub fn canonical_json(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let members: Vec<String> = keys
                .into_iter()
                .map(|key| {
                    format!(
                        "{}:{}",
                        Value::String(key.clone()),
                        canonical_json(&map[key])
                    )
                })
                .collect();
            format!("{{{}}}", members.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", items.join(","))
        }
        scalar => scalar.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> EventContent {
        let at = storable_time(Utc::now());
        EventContent {
            item_id: Uuid::nil(),
            sequence: 1,
            step: "COLLECTED".to_owned(),
            at,
            recorded_at: at,
            actor_user_id: None,
            actor_role: "COLLECTOR".to_owned(),
            holder: "collector:x".to_owned(),
            place: Some(place_commitment(31.2304, 121.4737, "salt")),
            weight_kg: Some(Decimal::new(1500, 3)),
            weight_estimated: false,
            note: None,
            details: "{}".to_owned(),
            previous_hash: GENESIS.to_owned(),
        }
    }

    #[test]
    fn the_hash_covers_every_field_and_ignores_trailing_zeros() {
        let base = content();
        let mut same = base.clone();
        same.weight_kg = Some(Decimal::new(15, 1));
        assert_eq!(base.hash(), same.hash());
        let mut changed = base.clone();
        changed.note = Some("x".to_owned());
        assert_ne!(base.hash(), changed.hash());
        let mut moved = base.clone();
        moved.place = Some(place_commitment(31.2305, 121.4737, "salt"));
        assert_ne!(base.hash(), moved.hash());
        assert_eq!(base.hash().len(), 64);
    }

    #[test]
    fn canonical_json_sorts_members_at_every_level() {
        let value = serde_json::json!({"b": 1, "a": {"d": [1, {"z": true, "y": null}], "c": "x"}});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}"#
        );
    }
}
