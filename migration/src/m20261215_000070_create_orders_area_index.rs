//! Indexes `pickup_orders` by service area in list order, so an operator's
//! `pickupOrders(areaId)` walks the area's own orders newest first instead of scanning
//! the whole table for a quiet area.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PickupOrders {
    Table,
    ServiceAreaId,
    CreatedAt,
    Id,
}

const NAME: &str = "idx_orders_area";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(NAME)
                    .table(PickupOrders::Table)
                    .col(PickupOrders::ServiceAreaId)
                    .col(PickupOrders::CreatedAt)
                    .col(PickupOrders::Id)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name(NAME)
                    .table(PickupOrders::Table)
                    .to_owned(),
            )
            .await
    }
}
