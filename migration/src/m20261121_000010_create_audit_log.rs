//! Creates `audit_log`: who changed what in the catalog and prices.

use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorUserId,
    Action,
    EntityType,
    EntityId,
    Details,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .if_not_exists()
                    .col(uuid_pk(AuditLog::Id))
                    .col(ColumnDef::new(AuditLog::ActorUserId).uuid().not_null())
                    .col(ColumnDef::new(AuditLog::Action).string().not_null())
                    .col(ColumnDef::new(AuditLog::EntityType).string().not_null())
                    .col(ColumnDef::new(AuditLog::EntityId).string().not_null())
                    .col(ColumnDef::new(AuditLog::Details).json().not_null())
                    .col(timestamp(AuditLog::At))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_at")
                    .table(AuditLog::Table)
                    .col(AuditLog::At)
                    .col(AuditLog::Id)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AuditLog::Table).to_owned())
            .await
    }
}
