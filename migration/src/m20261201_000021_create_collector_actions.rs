//! Creates `collector_actions`: the steps a collector's app sent with a client action id,
//! so a replay of the same id answers with the first result instead of running again.

use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, timestamp_null};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CollectorActions {
    Table,
    CollectorId,
    ClientActionId,
    Kind,
    TargetId,
    ResultId,
    RecordedAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(CollectorActions::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(CollectorActions::CollectorId)
                            .uuid()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(CollectorActions::ClientActionId)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(CollectorActions::Kind).string().not_null())
                    .col(ColumnDef::new(CollectorActions::TargetId).uuid().not_null())
                    .col(ColumnDef::new(CollectorActions::ResultId).uuid().not_null())
                    .col(timestamp_null(CollectorActions::RecordedAt))
                    .col(timestamp(CollectorActions::CreatedAt))
                    // Unique per collector: two collectors' apps may well pick the same id.
                    .primary_key(
                        Index::create()
                            .col(CollectorActions::CollectorId)
                            .col(CollectorActions::ClientActionId),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(CollectorActions::Table).to_owned())
            .await
    }
}
