//! Partner vocabulary: API scopes, webhook event types, the retry schedule and the
//! Standard Webhooks signature.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::string_enum;

string_enum! {
    /// What an API key may do.
    ApiScope {
        /// `requestQuote`.
        QuotesWrite => "QUOTES_WRITE",
        /// `bookPickup`, `cancelPickup`.
        OrdersWrite => "ORDERS_WRITE",
        /// `pickupOrder`, `pickupOrders`, `partnerOrder`.
        OrdersRead => "ORDERS_READ",
        /// Webhook endpoints and deliveries.
        WebhooksManage => "WEBHOOKS_MANAGE",
        /// Report devices to the blocklist, list and remove the partner's own reports.
        BlocklistWrite => "BLOCKLIST_WRITE",
    }
}

/// A set of scopes (a small bit set, so a viewer stays `Copy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Scopes(u8);

impl Scopes {
    /// The set holding `scopes`.
    pub fn of(scopes: &[ApiScope]) -> Self {
        Self(scopes.iter().fold(0, |bits, s| bits | Self::bit(*s)))
    }

    /// Whether `scope` is in the set.
    pub fn contains(self, scope: ApiScope) -> bool {
        self.0 & Self::bit(scope) != 0
    }

    /// The scopes in the set, in declaration order.
    pub fn to_vec(self) -> Vec<ApiScope> {
        ApiScope::ALL
            .iter()
            .copied()
            .filter(|s| self.contains(*s))
            .collect()
    }

    fn bit(scope: ApiScope) -> u8 {
        1 << ApiScope::ALL.iter().position(|s| *s == scope).unwrap_or(0)
    }
}

string_enum! {
    /// What a webhook reports.
    WebhookEventType {
        /// Any change of an order's status, cancellation included.
        OrderStatusChanged => "ORDER_STATUS_CHANGED",
        /// Dispatch's outcome: a collector assigned, or nobody (UNFULFILLED).
        OfferOutcome => "OFFER_OUTCOME",
        /// A payout created for a completed pickup.
        Payout => "PAYOUT",
        /// A signed checkpoint of the custody log (sent to every subscribed partner).
        CustodyCheckpoint => "CUSTODY_CHECKPOINT",
        /// An order's certificate of recycling was issued.
        CertificateIssued => "CERTIFICATE_ISSUED",
        /// A facility refused an item of the order at receipt.
        ItemRejected => "ITEM_REJECTED",
        /// A device the partner reported to the blocklist turned up at an inspection.
        BlockedDeviceFound => "BLOCKED_DEVICE_FOUND",
    }
}

string_enum! {
    /// Where a webhook delivery stands.
    DeliveryStatus {
        /// Waiting for its first attempt or a retry.
        Pending => "PENDING",
        /// The receiver answered 2xx.
        Delivered => "DELIVERED",
        /// Given up after the last retry, or refused for good.
        Failed => "FAILED",
    }
}

/// The delay before retry number `attempt` (1 = the first retry): exponential from
/// `base_ms`, capped at `cap_ms`, with full jitter (`random` in 0..1 picks a point in
/// [0, ceiling]) so retries from many failures do not arrive together.
pub fn retry_delay_ms(attempt: u32, base_ms: u64, cap_ms: u64, random: f64) -> u64 {
    let ceiling = base_ms.saturating_mul(1u64 << attempt.min(40)).min(cap_ms);
    // Truncation is the point: a delay is a whole number of milliseconds.
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "bounded by ceiling"
    )]
    let delay = (ceiling as f64 * random.clamp(0.0, 1.0)) as u64;
    delay.max(base_ms.min(ceiling))
}

/// The `webhook-signature` header value for a message: `v1,` and the base64
/// HMAC-SHA256, keyed with the secret's bytes, of `{id}.{timestamp}.{body}`.
pub fn sign(secret_key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    format!(
        "v1,{}",
        STANDARD.encode(mac(secret_key, id, timestamp, body).finalize().into_bytes())
    )
}

/// Checks a `webhook-signature` header (which may hold several space-separated
/// signatures) in constant time, as receivers should.
pub fn verify(secret_key: &[u8], id: &str, timestamp: i64, body: &str, header: &str) -> bool {
    header
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|candidate| {
            STANDARD.decode(candidate).is_ok_and(|bytes| {
                mac(secret_key, id, timestamp, body)
                    .verify_slice(&bytes)
                    .is_ok()
            })
        })
}

fn mac(secret_key: &[u8], id: &str, timestamp: i64, body: &str) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret_key)
        .unwrap_or_else(|_| unreachable!("HMAC accepts any key length"));
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_a_set() {
        let scopes = Scopes::of(&[ApiScope::OrdersRead, ApiScope::QuotesWrite]);
        assert!(scopes.contains(ApiScope::OrdersRead));
        assert!(!scopes.contains(ApiScope::OrdersWrite));
        assert_eq!(
            scopes.to_vec(),
            vec![ApiScope::QuotesWrite, ApiScope::OrdersRead]
        );
    }

    #[test]
    fn retries_back_off_exponentially_with_jitter_and_a_cap() {
        assert_eq!(retry_delay_ms(1, 1000, 3_600_000, 1.0), 2000);
        assert_eq!(retry_delay_ms(3, 1000, 3_600_000, 1.0), 8000);
        assert_eq!(retry_delay_ms(30, 1000, 3_600_000, 1.0), 3_600_000);
        assert!(retry_delay_ms(3, 1000, 3_600_000, 0.5) <= 4000);
        assert_eq!(
            retry_delay_ms(3, 1000, 3_600_000, 0.0),
            1000,
            "never below the base"
        );
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let key = b"0123456789abcdef0123456789abcdef";
        let header = sign(key, "msg_1", 1_700_000_000, "{\"a\":1}");
        assert!(header.starts_with("v1,"));
        assert!(verify(key, "msg_1", 1_700_000_000, "{\"a\":1}", &header));
        assert!(!verify(key, "msg_1", 1_700_000_000, "{\"a\":2}", &header));
        assert!(!verify(key, "msg_1", 1_700_000_001, "{\"a\":1}", &header));
        assert!(!verify(
            b"another key",
            "msg_1",
            1_700_000_000,
            "{\"a\":1}",
            &header
        ));
        assert!(verify(
            key,
            "msg_1",
            1_700_000_000,
            "{\"a\":1}",
            &format!("v1,bm9wZQ== {header}")
        ));
    }
}
