//! `blocked_devices`: serials and IMEIs reported stolen, lost or financed.

use sea_orm::entity::prelude::*;

/// One listing; `removed_at` ends it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "blocked_devices")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Keyed hash of the serial's lookup form: what checks look up.
    pub serial_hash: String,
    /// The serial as normalised, for operators to read.
    pub serial_number: String,
    pub reason: String,
    /// `operator` or `partner:<name>`.
    pub source: String,
    /// The partner that reported it (they remove only their own).
    pub partner_id: Option<Uuid>,
    pub note: Option<String>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub removed_at: Option<DateTimeUtc>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
