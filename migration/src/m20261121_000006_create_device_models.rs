//! Creates `device_models`, the catalog of known devices and their resale values.

use sea_orm_migration::prelude::*;

use crate::columns::{decimal, timestamp, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum DeviceModels {
    Table,
    Id,
    Brand,
    Model,
    CategoryCode,
    ReleaseYear,
    ResaleValue,
    SearchKey,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(DeviceModels::Table)
                    .if_not_exists()
                    .col(uuid_pk(DeviceModels::Id))
                    .col(ColumnDef::new(DeviceModels::Brand).string().not_null())
                    .col(ColumnDef::new(DeviceModels::Model).string().not_null())
                    .col(
                        ColumnDef::new(DeviceModels::CategoryCode)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(DeviceModels::ReleaseYear)
                            .integer()
                            .not_null(),
                    )
                    .col(decimal(manager, DeviceModels::ResaleValue).not_null())
                    .col(ColumnDef::new(DeviceModels::SearchKey).string().not_null())
                    .col(timestamp(DeviceModels::CreatedAt))
                    .col(timestamp(DeviceModels::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_device_models_brand_model")
                    .table(DeviceModels::Table)
                    .col(DeviceModels::Brand)
                    .col(DeviceModels::Model)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Keyset pagination walks (search_key, id); the category filter narrows it.
        manager
            .create_index(
                Index::create()
                    .name("idx_device_models_search")
                    .table(DeviceModels::Table)
                    .col(DeviceModels::SearchKey)
                    .col(DeviceModels::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_device_models_category")
                    .table(DeviceModels::Table)
                    .col(DeviceModels::CategoryCode)
                    .col(DeviceModels::SearchKey)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(DeviceModels::Table).to_owned())
            .await
    }
}
