//! Adds a weight budget to each service area's slots beside the count: the area's
//! `slot_weight_capacity_kg` (default 3,000 kg, a light truck's load) and, in
//! `slot_usage`, the weight booked so far as BIGINT micro-kg, so the booking's single
//! conditional upsert can add and compare it exactly on both backends (SQLite keeps
//! decimals as text).

use sea_orm_migration::prelude::*;

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
            .await
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
