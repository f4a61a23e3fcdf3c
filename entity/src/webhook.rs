//! `webhooks`: a partner's endpoint and the events it wants.

use sea_orm::entity::prelude::*;

/// One endpoint.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partner_id: Uuid,
    pub url: String,
    /// JSON array of event type names.
    pub events: Json,
    pub description: Option<String>,
    /// The signing secret (`whsec_…`); needed to sign, shown to the partner only once.
    pub secret: String,
    pub enabled: bool,
    /// Why it was disabled (e.g. the endpoint answered 410 Gone).
    pub disabled_reason: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
