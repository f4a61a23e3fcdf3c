//! Creates `material_prices`: price per kg of recovered materials, with history.

use sea_orm_migration::prelude::*;

use crate::columns::{decimal, timestamp, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum MaterialPrices {
    Table,
    Id,
    Material,
    PricePerKg,
    EffectiveFrom,
    CreatedAt,
    CreatedBy,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(MaterialPrices::Table)
                    .if_not_exists()
                    .col(uuid_pk(MaterialPrices::Id))
                    .col(ColumnDef::new(MaterialPrices::Material).string().not_null())
                    .col(decimal(manager, MaterialPrices::PricePerKg).not_null())
                    .col(timestamp(MaterialPrices::EffectiveFrom))
                    .col(timestamp(MaterialPrices::CreatedAt))
                    .col(ColumnDef::new(MaterialPrices::CreatedBy).uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_material_prices_material_effective")
                    .table(MaterialPrices::Table)
                    .col(MaterialPrices::Material)
                    .col(MaterialPrices::EffectiveFrom)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(MaterialPrices::Table).to_owned())
            .await
    }
}
