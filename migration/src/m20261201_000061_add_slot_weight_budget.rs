//! Adds a weight budget to each service area's slots beside the count: the area's
//! `slot_weight_capacity_kg` (default 3,000 kg, a light truck's load) and, in
//! `slot_usage`, the weight booked so far as BIGINT micro-kg, so the booking's single
//! conditional upsert can add and compare it exactly on both backends (SQLite keeps
//! decimals as text).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceAreas {
    Table,
    SlotWeightCapacityKg,
}

#[derive(DeriveIden)]
enum SlotUsage {
    Table,
    UsedMicroKg,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceAreas::Table)
                    .add_column(
                        ColumnDef::new(ServiceAreas::SlotWeightCapacityKg)
                            .integer()
                            .not_null()
                            .default(3000),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(SlotUsage::Table)
                    .add_column(
                        ColumnDef::new(SlotUsage::UsedMicroKg)
                            .big_integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await?;
        // Slots booked before this migration: their live orders' weight, so a later
        // cancellation gives back no more than was counted. (Orders that gave their place
        // back, cancelled or unfulfilled, hold none.)
        let sum = match manager.get_database_backend() {
            DbBackend::Postgres => "CAST(ROUND(SUM(o.total_weight_kg) * 1000000) AS BIGINT)",
            _ => "CAST(ROUND(SUM(CAST(o.total_weight_kg AS REAL)) * 1000000) AS INTEGER)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE slot_usage SET used_micro_kg = COALESCE((SELECT {sum} FROM pickup_orders o \
                 WHERE o.service_area_id = slot_usage.service_area_id \
                 AND o.slot_start = slot_usage.slot_start \
                 AND o.status NOT IN ('CANCELLED', 'UNFULFILLED')), 0)"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(SlotUsage::Table)
                    .drop_column(SlotUsage::UsedMicroKg)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(ServiceAreas::Table)
                    .drop_column(ServiceAreas::SlotWeightCapacityKg)
                    .to_owned(),
            )
            .await
    }
}
