//! Column helpers shared by the migrations, where the backends need different types.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// An exact decimal column: unconstrained NUMERIC on PostgreSQL (which keeps the scale
/// it is given, so "12.50" reads back as "12.50"), TEXT on SQLite.
///
/// SQLite has no exact decimal type (NUMERIC affinity turns "0.10" into a float), so the
/// value is kept as its string form and decoded by `entity::DbDecimal`.
pub fn decimal(manager: &SchemaManager, name: impl IntoIden) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    match manager.get_database_backend() {
        DbBackend::Sqlite => column.string(),
        _ => column.decimal(),
    };
    column
}

/// A UTC timestamp column that must be present.
pub fn timestamp(name: impl IntoIden) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    column.timestamp_with_time_zone().not_null();
    column
}

/// A UTC timestamp column that may be empty.
pub fn timestamp_null(name: impl IntoIden) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    column.timestamp_with_time_zone().null();
    column
}

/// A UUID primary key column.
pub fn uuid_pk(name: impl IntoIden) -> ColumnDef {
    let mut column = ColumnDef::new(name);
    column.uuid().not_null().primary_key();
    column
}
