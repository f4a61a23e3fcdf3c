//! Creates `job_offers`: an order offered to a collector, until accepted, declined,
//! expired or withdrawn.

use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, timestamp_null, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum JobOffers {
    Table,
    Id,
    OrderId,
    CollectorId,
    Status,
    Round,
    DistanceKm,
    Score,
    CreatedAt,
    ExpiresAt,
    RespondedAt,
    Reason,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(JobOffers::Table)
                    .if_not_exists()
                    .col(uuid_pk(JobOffers::Id))
                    .col(ColumnDef::new(JobOffers::OrderId).uuid().not_null())
                    .col(ColumnDef::new(JobOffers::CollectorId).uuid().not_null())
                    .col(ColumnDef::new(JobOffers::Status).string().not_null())
                    .col(ColumnDef::new(JobOffers::Round).integer().not_null())
                    .col(ColumnDef::new(JobOffers::DistanceKm).double().not_null())
                    .col(ColumnDef::new(JobOffers::Score).double().not_null())
                    .col(timestamp(JobOffers::CreatedAt))
                    .col(timestamp(JobOffers::ExpiresAt))
                    .col(timestamp_null(JobOffers::RespondedAt))
                    .col(ColumnDef::new(JobOffers::Reason).string().null())
                    .to_owned(),
            )
            .await?;
        // Not unique: an order that comes back to dispatch may be offered again to a
        // collector whose earlier offer was withdrawn. Duplicates within a round are
        // prevented by claiming the round (`pickup_orders.dispatch_round`).
        manager
            .create_index(
                Index::create()
                    .name("idx_job_offers_order_collector")
                    .table(JobOffers::Table)
                    .col(JobOffers::OrderId)
                    .col(JobOffers::CollectorId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_job_offers_collector_status")
                    .table(JobOffers::Table)
                    .col(JobOffers::CollectorId)
                    .col(JobOffers::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_job_offers_status_expiry")
                    .table(JobOffers::Table)
                    .col(JobOffers::Status)
                    .col(JobOffers::ExpiresAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(JobOffers::Table).to_owned())
            .await
    }
}
