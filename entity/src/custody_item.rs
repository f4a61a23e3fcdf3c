//! `custody_items`: one collected piece or weighed lot, and where it is now. The history
//! lives in `custody_events`; the `head_*` columns repeat the last event's sequence and
//! hash, signed, so a removed last event is noticed.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One item.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "custody_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub order_id: Uuid,
    pub order_line_id: Uuid,
    /// Order within the order's items (line position, then piece).
    pub position: i32,
    pub description: String,
    pub category_code: String,
    pub serial_number: Option<String>,
    pub trace_code: Option<String>,
    /// The trace code's scheme, e.g. `GB_T_34014`.
    pub trace_code_scheme: Option<String>,
    pub chemistry: Option<String>,
    pub state_of_health_pct: Option<i32>,
    pub battery_status: Option<crate::enums::BatteryStatus>,
    /// On the blocklist at inspection (stolen, lost, financed): kept out of circulation.
    pub blocked: bool,
    /// Phones, tablets, laptops, desktops: processing needs a sanitisation record.
    pub data_bearing: bool,
    /// The certification a facility needs to take it, if any.
    pub required_certification: Option<String>,
    pub status: crate::enums::CustodyStatus,
    /// The latest weight: the collector's, then the facility's at receipt.
    pub weight_kg: Option<DbDecimal>,
    pub weight_estimated: bool,
    /// The collector who collected it.
    pub collector_id: Option<Uuid>,
    /// The facility it was handed to.
    pub facility_id: Option<Uuid>,
    pub transfer_id: Option<Uuid>,
    /// The processing outcome.
    pub outcome: Option<String>,
    /// JSON object: material → kg recovered.
    pub materials: Json,
    /// The NIST SP 800-88 sanitisation record, for data-bearing items.
    pub sanitization: Option<Json>,
    pub head_sequence: i32,
    pub head_hash: String,
    pub head_signature: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
