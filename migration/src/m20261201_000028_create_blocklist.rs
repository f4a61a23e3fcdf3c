//! Creates `blocked_devices` (serials and IMEIs reported stolen, lost or financed, looked
//! up by a keyed hash) and `blocklist_checks` (every check, hit or miss, with who and
//! when).

use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, timestamp_null, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BlockedDevices {
    Table,
    Id,
    SerialHash,
    SerialNumber,
    Reason,
    Source,
    PartnerId,
    Note,
    CreatedBy,
    CreatedAt,
    RemovedAt,
}

#[derive(DeriveIden)]
enum BlocklistChecks {
    Table,
    Id,
    SerialHash,
    Hit,
    BlockedDeviceId,
    Context,
    QuoteId,
    OrderId,
    ActorUserId,
    PartnerId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BlockedDevices::Table)
                    .if_not_exists()
                    .col(uuid_pk(BlockedDevices::Id))
                    .col(
                        ColumnDef::new(BlockedDevices::SerialHash)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(BlockedDevices::SerialNumber)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(BlockedDevices::Reason).string().not_null())
                    .col(ColumnDef::new(BlockedDevices::Source).string().not_null())
                    .col(ColumnDef::new(BlockedDevices::PartnerId).uuid().null())
                    .col(ColumnDef::new(BlockedDevices::Note).string().null())
                    .col(ColumnDef::new(BlockedDevices::CreatedBy).uuid().null())
                    .col(timestamp(BlockedDevices::CreatedAt))
                    .col(timestamp_null(BlockedDevices::RemovedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_blocked_devices_hash")
                    .table(BlockedDevices::Table)
                    .col(BlockedDevices::SerialHash)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(BlocklistChecks::Table)
                    .if_not_exists()
                    .col(uuid_pk(BlocklistChecks::Id))
                    .col(
                        ColumnDef::new(BlocklistChecks::SerialHash)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(BlocklistChecks::Hit).boolean().not_null())
                    .col(
                        ColumnDef::new(BlocklistChecks::BlockedDeviceId)
                            .uuid()
                            .null(),
                    )
                    .col(ColumnDef::new(BlocklistChecks::Context).string().not_null())
                    .col(ColumnDef::new(BlocklistChecks::QuoteId).uuid().null())
                    .col(ColumnDef::new(BlocklistChecks::OrderId).uuid().null())
                    .col(ColumnDef::new(BlocklistChecks::ActorUserId).uuid().null())
                    .col(ColumnDef::new(BlocklistChecks::PartnerId).uuid().null())
                    .col(timestamp(BlocklistChecks::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_blocklist_checks_hit")
                    .table(BlocklistChecks::Table)
                    .col(BlocklistChecks::Hit)
                    .col(BlocklistChecks::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(BlocklistChecks::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(BlockedDevices::Table).to_owned())
            .await
    }
}
