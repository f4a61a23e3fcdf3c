//! Creates `service_areas`: where reloop collects, and how much per time slot.

use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceAreas {
    Table,
    Id,
    Name,
    City,
    CenterLatitude,
    CenterLongitude,
    RadiusKm,
    MaxDispatchRadiusKm,
    SlotCapacity,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ServiceAreas::Table)
                    .if_not_exists()
                    .col(uuid_pk(ServiceAreas::Id))
                    .col(
                        ColumnDef::new(ServiceAreas::Name)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(ServiceAreas::City).string().not_null())
                    .col(
                        ColumnDef::new(ServiceAreas::CenterLatitude)
                            .double()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ServiceAreas::CenterLongitude)
                            .double()
                            .not_null(),
                    )
                    .col(ColumnDef::new(ServiceAreas::RadiusKm).double().not_null())
                    .col(
                        ColumnDef::new(ServiceAreas::MaxDispatchRadiusKm)
                            .double()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(ServiceAreas::SlotCapacity)
                            .integer()
                            .not_null(),
                    )
                    .col(timestamp(ServiceAreas::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ServiceAreas::Table).to_owned())
            .await
    }
}
