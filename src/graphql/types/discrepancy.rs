//! Discrepancies in the API: what did not match, and how an operator cleared it.

use async_graphql::{ID, SimpleObject};
use chrono::{DateTime, Utc};
use entity::discrepancy;

/// What did not match (a weight at receipt, a trace code at the door), recorded as found
/// for operators to clear.
#[derive(SimpleObject)]
pub struct Discrepancy {
    /// The discrepancy id.
    pub id: ID,
    /// WEIGHT_AT_RECEIPT or TRACE_CODE_AT_INSPECTION.
    pub kind: String,
    /// The order.
    pub order_id: ID,
    /// The order line, for what was found at the door.
    pub order_line_id: Option<ID>,
    /// The custody item, when one.
    pub item_id: Option<ID>,
    /// The transfer, when one.
    pub transfer_id: Option<ID>,
    /// What differs, in words.
    pub detail: String,
    /// What was expected.
    pub expected: Option<String>,
    /// What was found.
    pub found: Option<String>,
    /// Whether it keeps the order's payout from being paid while open (a trace code).
    pub holds_payout: bool,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When an operator cleared it.
    pub resolved_at: Option<DateTime<Utc>>,
    /// How the operator cleared it.
    pub resolution: Option<String>,
}

impl From<discrepancy::Model> for Discrepancy {
    fn from(row: discrepancy::Model) -> Self {
        let id = |uuid: uuid::Uuid| ID(uuid.to_string());
        Self {
            id: id(row.id),
            holds_payout: row
                .kind
                .parse::<crate::domain::discrepancy::DiscrepancyKind>()
                .is_ok_and(|k| k.holds_payout()),
            kind: row.kind,
            order_id: id(row.order_id),
            order_line_id: row.order_line_id.map(id),
            item_id: row.item_id.map(id),
            transfer_id: row.transfer_id.map(id),
            detail: row.detail,
            expected: row.expected,
            found: row.found,
            created_at: row.created_at,
            resolved_at: row.resolved_at,
            resolution: row.resolution,
        }
    }
}
