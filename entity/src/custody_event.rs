//! `custody_events`: append-only. The application inserts rows and never updates or
//! deletes them; each carries the previous event's hash, its own hash and a signature.

use sea_orm::entity::prelude::*;

use crate::DbDecimal;

/// One event of one item's chain.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "custody_events")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub item_id: Uuid,
    /// 1, 2, 3… per item.
    pub sequence: i32,
    pub step: crate::enums::CustodyStep,
    /// Server time.
    pub at: DateTimeUtc,
    /// Device time (equal to `at` when the device sent none).
    pub recorded_at: DateTimeUtc,
    pub actor_user_id: Option<Uuid>,
    pub actor_role: String,
    /// Who holds the item afterwards, e.g. `collector:<id>` or `facility:<id>`.
    pub holder: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Random salt of the place commitment (removed, with the coordinates, on erasure).
    pub place_salt: Option<String>,
    /// The place commitment the hash covers.
    pub place: Option<String>,
    pub weight_kg: Option<DbDecimal>,
    pub weight_estimated: bool,
    pub note: Option<String>,
    /// Canonical JSON text of the step's details (outcome, materials, discrepancy…).
    pub details: String,
    /// The canonical encoding's version, e.g. `custody-v1`.
    pub encoding: String,
    pub previous_hash: String,
    pub hash: String,
    pub signature: String,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
