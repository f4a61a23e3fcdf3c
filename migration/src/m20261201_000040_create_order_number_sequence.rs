//! Creates the `pickup_order_numbers` sequence on PostgreSQL, continuing after the last
//! number the `counters` row handed out. Order numbers came from that row, whose lock every
//! booking held until commit; a sequence never blocks (and never rolls back, so numbers
//! may skip). SQLite keeps the counter: its single writer orders bookings anyway.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        db.execute_unprepared("CREATE SEQUENCE IF NOT EXISTS pickup_order_numbers AS BIGINT")
            .await?;
        // The next nextval() is one past the counter (1 on an empty database).
        db.execute_unprepared(
            "SELECT setval('pickup_order_numbers', \
             COALESCE((SELECT value FROM counters WHERE name = 'pickup_orders'), 0) + 1, false)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.get_database_backend() != DatabaseBackend::Postgres {
            return Ok(());
        }
        let db = manager.get_connection();
        // Hand the counter back the numbers the sequence gave out.
        db.execute_unprepared(
            "INSERT INTO counters (name, value) \
             SELECT 'pickup_orders', last_value FROM pickup_order_numbers WHERE is_called \
             ON CONFLICT (name) DO UPDATE SET value = GREATEST(counters.value, EXCLUDED.value)",
        )
        .await?;
        db.execute_unprepared("DROP SEQUENCE IF EXISTS pickup_order_numbers")
            .await?;
        Ok(())
    }
}
