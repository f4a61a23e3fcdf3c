//! Creates `quotes` and `quote_lines`: priced offers with the evidence they were priced from.

use sea_orm_migration::prelude::*;

use crate::columns::{decimal, timestamp, timestamp_null, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Quotes {
    Table,
    Id,
    OwnerUserId,
    OwnerPartnerId,
    Status,
    Currency,
    ValidUntil,
    LogisticsFee,
    LogisticsBreakdown,
    Total,
    PickupLatitude,
    PickupLongitude,
    Evidence,
    CreatedAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum QuoteLines {
    Table,
    Id,
    QuoteId,
    Position,
    Description,
    Quantity,
    Method,
    Amount,
    Breakdown,
    TotalWeightKg,
    Item,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Quotes::Table)
                    .if_not_exists()
                    .col(uuid_pk(Quotes::Id))
                    .col(ColumnDef::new(Quotes::OwnerUserId).uuid().null())
                    .col(ColumnDef::new(Quotes::OwnerPartnerId).uuid().null())
                    .col(ColumnDef::new(Quotes::Status).string().not_null())
                    .col(ColumnDef::new(Quotes::Currency).string().not_null())
                    .col(timestamp(Quotes::ValidUntil))
                    .col(decimal(manager, Quotes::LogisticsFee).not_null())
                    .col(ColumnDef::new(Quotes::LogisticsBreakdown).json().not_null())
                    .col(decimal(manager, Quotes::Total).not_null())
                    .col(ColumnDef::new(Quotes::PickupLatitude).double().null())
                    .col(ColumnDef::new(Quotes::PickupLongitude).double().null())
                    .col(ColumnDef::new(Quotes::Evidence).json().not_null())
                    .col(timestamp(Quotes::CreatedAt))
                    .col(timestamp_null(Quotes::UsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quotes_owner")
                    .table(Quotes::Table)
                    .col(Quotes::OwnerUserId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(QuoteLines::Table)
                    .if_not_exists()
                    .col(uuid_pk(QuoteLines::Id))
                    .col(ColumnDef::new(QuoteLines::QuoteId).uuid().not_null())
                    .col(ColumnDef::new(QuoteLines::Position).integer().not_null())
                    .col(ColumnDef::new(QuoteLines::Description).string().not_null())
                    .col(ColumnDef::new(QuoteLines::Quantity).integer().not_null())
                    .col(ColumnDef::new(QuoteLines::Method).string().not_null())
                    .col(decimal(manager, QuoteLines::Amount).not_null())
                    .col(ColumnDef::new(QuoteLines::Breakdown).json().not_null())
                    .col(decimal(manager, QuoteLines::TotalWeightKg).not_null())
                    .col(ColumnDef::new(QuoteLines::Item).json().not_null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(QuoteLines::Table, QuoteLines::QuoteId)
                            .to(Quotes::Table, Quotes::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_quote_lines_quote")
                    .table(QuoteLines::Table)
                    .col(QuoteLines::QuoteId)
                    .col(QuoteLines::Position)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(QuoteLines::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Quotes::Table).to_owned())
            .await
    }
}
