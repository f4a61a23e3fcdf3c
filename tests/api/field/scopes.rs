//! Every root query and mutation × every API scope: a key reaches exactly the fields its
//! scope names, and everything else is FORBIDDEN before it resolves. The expectations are
//! written here, apart from the server's table, so a field added to the schema without a
//! decision shows up as a failure rather than as silently open.

use serde_json::{Value, json};

use crate::field::introspection::{RootField, root_fields};
use crate::helpers::spawn_app_with;
use crate::partners::fixtures::{ALL_SCOPES, as_key, partner};

/// The fields a key may call, and the scope each needs (None: open to every caller).
const ALLOWED: &[(&str, Option<&str>)] = &[
    ("me", None),
    ("categories", None),
    ("deviceModels", None),
    ("materialPrices", None),
    ("materialPriceHistory", None),
    ("serviceAreas", None),
    ("pricingRules", None),
    ("availablePickupWindows", None),
    // Signed checkpoints are published for anyone to keep (also GET /custody/checkpoints).
    ("custodyCheckpoints", None),
    ("verifyCustodyChain", Some("ORDERS_READ")),
    ("verifyCustodyCheckpoint", Some("ORDERS_READ")),
    ("blockedDevices", Some("BLOCKLIST_WRITE")),
    ("addBlockedDevice", Some("BLOCKLIST_WRITE")),
    ("removeBlockedDevice", Some("BLOCKLIST_WRITE")),
    ("quote", Some("QUOTES_WRITE")),
    ("pickupOrder", Some("ORDERS_READ")),
    ("pickupOrders", Some("ORDERS_READ")),
    ("partnerOrder", Some("ORDERS_READ")),
    // A partner's own bookings only (the report's scope).
    ("collectionReport", Some("ORDERS_READ")),
    ("webhooks", Some("WEBHOOKS_MANAGE")),
    ("webhookDeliveries", Some("WEBHOOKS_MANAGE")),
    ("requestQuote", Some("QUOTES_WRITE")),
    ("bookPickup", Some("ORDERS_WRITE")),
    ("cancelPickup", Some("ORDERS_WRITE")),
    ("reschedulePickup", Some("ORDERS_WRITE")),
    ("respondToFinalOffer", Some("ORDERS_WRITE")),
    ("settlePayout", Some("ORDERS_WRITE")),
    ("registerWebhook", Some("WEBHOOKS_MANAGE")),
    ("updateWebhook", Some("WEBHOOKS_MANAGE")),
    ("deleteWebhook", Some("WEBHOOKS_MANAGE")),
    ("redeliverWebhook", Some("WEBHOOKS_MANAGE")),
];

fn may(field: &str, scope: &str) -> bool {
    ALLOWED
        .iter()
        .any(|(name, needs)| *name == field && needs.is_none_or(|needs| needs == scope))
}

fn codes(response: &Value) -> Vec<String> {
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["extensions"]["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn every_root_field_needs_its_scope_and_nothing_else_is_open_to_keys() {
    let app = spawn_app_with(|c| {
        c.partners.rate_capacity = 1_000_000.0;
        c.partners.rate_refill_per_sec = 1_000_000.0;
    })
    .await;
    let operator = app.operator().await;
    let fields: Vec<RootField> = root_fields(&app, &operator.access).await;
    assert!(
        fields.len() > 40,
        "introspection found {} fields",
        fields.len()
    );
    let mut wrong = Vec::new();
    for scope in ALL_SCOPES {
        let key = partner(&app, &operator, &[scope]).await;
        for field in &fields {
            let response = as_key(&app, &key.secret, &field.call(), json!({})).await;
            let forbidden = codes(&response).iter().any(|c| c == "FORBIDDEN");
            if forbidden == may(&field.name, scope) {
                wrong.push(format!("{} with {scope}: {response}", field.name));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong answers:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
