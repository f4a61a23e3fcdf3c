//! `users`: every account that signs in with email and password.

use sea_orm::entity::prelude::*;

/// One user row. `role` holds the API role name (HOUSEHOLD, BUSINESS, COLLECTOR, OPERATOR, FACILITY).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Lower-cased; unique.
    #[sea_orm(unique)]
    pub email: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub role: crate::enums::Role,
    /// Argon2id PHC string; never leaves the service layer.
    pub password_hash: String,
    pub organization_id: Option<Uuid>,
    /// `ADMIN` or `MEMBER` inside the organisation; None outside one.
    pub organization_role: Option<String>,
    /// FACILITY staff: the facility they work for.
    pub facility_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When an operator erased this customer's personal data.
    pub erased_at: Option<DateTimeUtc>,
}

/// Relations are resolved in services; none are declared here.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
