//! Creates `payouts` (one per completed order) and `collector_ratings` (one per order).

use sea_orm_migration::prelude::*;

use crate::columns::{decimal, timestamp, timestamp_null, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Payouts {
    Table,
    Id,
    OrderId,
    Amount,
    Currency,
    Method,
    Status,
    CreatedAt,
    PaidAt,
}

#[derive(DeriveIden)]
enum CollectorRatings {
    Table,
    OrderId,
    CollectorId,
    CustomerUserId,
    Stars,
    Comment,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Payouts::Table)
                    .if_not_exists()
                    .col(uuid_pk(Payouts::Id))
                    .col(
                        ColumnDef::new(Payouts::OrderId)
                            .uuid()
                            .not_null()
                            .unique_key(),
                    )
                    .col(decimal(manager, Payouts::Amount).not_null())
                    .col(ColumnDef::new(Payouts::Currency).string().not_null())
                    .col(ColumnDef::new(Payouts::Method).string().not_null())
                    .col(ColumnDef::new(Payouts::Status).string().not_null())
                    .col(timestamp(Payouts::CreatedAt))
                    .col(timestamp_null(Payouts::PaidAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CollectorRatings::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(CollectorRatings::OrderId)
                            .uuid()
                            .not_null()
                            .primary_key(),
                    )
                    .col(
                        ColumnDef::new(CollectorRatings::CollectorId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CollectorRatings::CustomerUserId)
                            .uuid()
                            .not_null(),
                    )
                    .col(ColumnDef::new(CollectorRatings::Stars).integer().not_null())
                    .col(ColumnDef::new(CollectorRatings::Comment).string().null())
                    .col(timestamp(CollectorRatings::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Payouts::Table.into_iden(),
            CollectorRatings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
