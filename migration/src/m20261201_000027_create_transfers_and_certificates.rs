//! Creates `transfers` (a collector's hand-over note to a facility), `discrepancies`
//! (what did not match at receipt or inspection, for operators to clear) and
//! `certificates` (the signed record of what became of an order's items).

use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, timestamp_null, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Transfers {
    Table,
    Id,
    Number,
    FacilityId,
    CollectorId,
    Status,
    ClientActionId,
    CreatedAt,
    RecordedAt,
    ReceivedAt,
    ReceivedBy,
}

#[derive(DeriveIden)]
enum Discrepancies {
    Table,
    Id,
    Kind,
    OrderId,
    ItemId,
    TransferId,
    Detail,
    Expected,
    Found,
    CreatedAt,
    ResolvedAt,
    ResolvedBy,
    Resolution,
}

#[derive(DeriveIden)]
enum Certificates {
    Table,
    Id,
    OrderId,
    Payload,
    Signature,
    KeyId,
    IssuedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(transfers_table()).await?;
        // A retried hand-over (same collector, same clientActionId) finds the first one.
        manager
            .create_index(
                Index::create()
                    .name("ux_transfers_collector_action")
                    .table(Transfers::Table)
                    .col(Transfers::CollectorId)
                    .col(Transfers::ClientActionId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_transfers_facility")
                    .table(Transfers::Table)
                    .col(Transfers::FacilityId)
                    .to_owned(),
            )
            .await?;
        manager.create_table(discrepancies_table()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_discrepancies_open")
                    .table(Discrepancies::Table)
                    .col(Discrepancies::ResolvedAt)
                    .col(Discrepancies::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager.create_table(certificates_table()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Certificates::Table.into_iden(),
            Discrepancies::Table.into_iden(),
            Transfers::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn transfers_table() -> TableCreateStatement {
    Table::create()
        .table(Transfers::Table)
        .if_not_exists()
        .col(uuid_pk(Transfers::Id))
        .col(
            ColumnDef::new(Transfers::Number)
                .string()
                .not_null()
                .unique_key(),
        )
        .col(ColumnDef::new(Transfers::FacilityId).uuid().not_null())
        .col(ColumnDef::new(Transfers::CollectorId).uuid().not_null())
        .col(ColumnDef::new(Transfers::Status).string().not_null())
        .col(ColumnDef::new(Transfers::ClientActionId).string().null())
        .col(timestamp(Transfers::CreatedAt))
        .col(timestamp(Transfers::RecordedAt))
        .col(timestamp_null(Transfers::ReceivedAt))
        .col(ColumnDef::new(Transfers::ReceivedBy).uuid().null())
        .to_owned()
}

fn discrepancies_table() -> TableCreateStatement {
    Table::create()
        .table(Discrepancies::Table)
        .if_not_exists()
        .col(uuid_pk(Discrepancies::Id))
        .col(ColumnDef::new(Discrepancies::Kind).string().not_null())
        .col(ColumnDef::new(Discrepancies::OrderId).uuid().not_null())
        .col(ColumnDef::new(Discrepancies::ItemId).uuid().null())
        .col(ColumnDef::new(Discrepancies::TransferId).uuid().null())
        .col(ColumnDef::new(Discrepancies::Detail).string().not_null())
        .col(ColumnDef::new(Discrepancies::Expected).string().null())
        .col(ColumnDef::new(Discrepancies::Found).string().null())
        .col(timestamp(Discrepancies::CreatedAt))
        .col(timestamp_null(Discrepancies::ResolvedAt))
        .col(ColumnDef::new(Discrepancies::ResolvedBy).uuid().null())
        .col(ColumnDef::new(Discrepancies::Resolution).string().null())
        .to_owned()
}

fn certificates_table() -> TableCreateStatement {
    Table::create()
        .table(Certificates::Table)
        .if_not_exists()
        .col(uuid_pk(Certificates::Id))
        .col(
            ColumnDef::new(Certificates::OrderId)
                .uuid()
                .not_null()
                .unique_key(),
        )
        .col(ColumnDef::new(Certificates::Payload).text().not_null())
        .col(ColumnDef::new(Certificates::Signature).string().not_null())
        .col(ColumnDef::new(Certificates::KeyId).string().not_null())
        .col(timestamp(Certificates::IssuedAt))
        .to_owned()
}
