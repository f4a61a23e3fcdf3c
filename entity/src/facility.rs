//! `facilities`: processing plants that receive and process collected items.

use sea_orm::entity::prelude::*;

/// One facility.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "facilities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub permit_number: String,
    pub address_line1: String,
    pub address_line2: Option<String>,
    pub city: String,
    pub postal_code: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    /// JSON array of category codes the facility takes.
    pub accepted_categories: Json,
    /// JSON array of certification names the facility holds.
    pub certifications: Json,
    /// Staff join with it when they register; shown to operators only.
    #[sea_orm(unique)]
    pub invite_code: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
