//! Creates business asset lists: `asset_lists` (one upload) and `assets` (one line each:
//! category or model, serial, asset tag, condition, weight), and gives `order_lines` the
//! asset it was booked from, so the per-asset disposition report follows an asset to its
//! order line and from there to its custody item without copying anything.
//!
//! `organization_id` and `partner_id` on `assets` are the report's scope columns (as in
//! the rollups): a viewer's list is a range scan of one index.

use sea_orm_migration::prelude::*;

use crate::columns::{decimal, timestamp, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AssetLists {
    Table,
    Id,
    OrganizationId,
    OwnerUserId,
    PartnerId,
    Name,
    LineCount,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Assets {
    Table,
    Id,
    AssetListId,
    OrganizationId,
    PartnerId,
    LineNumber,
    CategoryCode,
    DeviceModelId,
    SerialNumber,
    AssetTag,
    Condition,
    WeightKg,
    CreatedAt,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    AssetId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AssetLists::Table)
                    .if_not_exists()
                    .col(uuid_pk(AssetLists::Id))
                    .col(ColumnDef::new(AssetLists::OrganizationId).uuid().null())
                    .col(ColumnDef::new(AssetLists::OwnerUserId).uuid().null())
                    .col(ColumnDef::new(AssetLists::PartnerId).uuid().null())
                    .col(ColumnDef::new(AssetLists::Name).string().null())
                    .col(ColumnDef::new(AssetLists::LineCount).integer().not_null())
                    .col(timestamp(AssetLists::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Assets::Table)
                    .if_not_exists()
                    .col(uuid_pk(Assets::Id))
                    .col(ColumnDef::new(Assets::AssetListId).uuid().not_null())
                    .col(ColumnDef::new(Assets::OrganizationId).uuid().null())
                    .col(ColumnDef::new(Assets::PartnerId).uuid().null())
                    .col(ColumnDef::new(Assets::LineNumber).integer().not_null())
                    .col(ColumnDef::new(Assets::CategoryCode).string().not_null())
                    .col(ColumnDef::new(Assets::DeviceModelId).uuid().null())
                    .col(ColumnDef::new(Assets::SerialNumber).string().null())
                    .col(ColumnDef::new(Assets::AssetTag).string().null())
                    .col(ColumnDef::new(Assets::Condition).string().null())
                    .col(decimal(manager, Assets::WeightKg).null())
                    .col(timestamp(Assets::CreatedAt))
                    .to_owned(),
            )
            .await?;
        let indexes = [
            Index::create()
                .name("idx_assets_list_line")
                .table(Assets::Table)
                .col(Assets::AssetListId)
                .col(Assets::LineNumber)
                .to_owned(),
            // The report walks a scope's assets in import order, keyset by (created_at,
            // asset_list_id, line_number): each page is a range of this index.
            Index::create()
                .name("idx_assets_organization")
                .table(Assets::Table)
                .col(Assets::OrganizationId)
                .col(Assets::CreatedAt)
                .col(Assets::AssetListId)
                .col(Assets::LineNumber)
                .to_owned(),
            Index::create()
                .name("idx_assets_partner")
                .table(Assets::Table)
                .col(Assets::PartnerId)
                .col(Assets::CreatedAt)
                .col(Assets::AssetListId)
                .col(Assets::LineNumber)
                .to_owned(),
            Index::create()
                .name("idx_assets_created")
                .table(Assets::Table)
                .col(Assets::CreatedAt)
                .col(Assets::AssetListId)
                .col(Assets::LineNumber)
                .to_owned(),
        ];
        for index in indexes {
            manager.create_index(index).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(OrderLines::Table)
                    .add_column(ColumnDef::new(OrderLines::AssetId).uuid().null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_order_lines_asset")
                    .table(OrderLines::Table)
                    .col(OrderLines::AssetId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_order_lines_asset")
                    .table(OrderLines::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(OrderLines::Table)
                    .drop_column(OrderLines::AssetId)
                    .to_owned(),
            )
            .await?;
        for table in [Assets::Table.into_iden(), AssetLists::Table.into_iden()] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
