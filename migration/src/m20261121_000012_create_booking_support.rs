//! Creates what booking needs besides the order: slot usage (capacity), counters
//! (order numbers) and idempotency keys.

use sea_orm_migration::prelude::*;

use crate::columns::timestamp;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SlotUsage {
    Table,
    ServiceAreaId,
    SlotStart,
    Used,
}

#[derive(DeriveIden)]
enum Counters {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Scope,
    Key,
    RequestHash,
    OrderId,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(SlotUsage::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(SlotUsage::ServiceAreaId).uuid().not_null())
                    .col(timestamp(SlotUsage::SlotStart))
                    .col(ColumnDef::new(SlotUsage::Used).integer().not_null())
                    .primary_key(
                        Index::create()
                            .col(SlotUsage::ServiceAreaId)
                            .col(SlotUsage::SlotStart),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Counters::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(Counters::Name)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(Counters::Value).big_integer().not_null())
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .if_not_exists()
                    .col(ColumnDef::new(IdempotencyKeys::Scope).string().not_null())
                    .col(ColumnDef::new(IdempotencyKeys::Key).string().not_null())
                    .col(
                        ColumnDef::new(IdempotencyKeys::RequestHash)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(IdempotencyKeys::OrderId).uuid().not_null())
                    .col(timestamp(IdempotencyKeys::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::Scope)
                            .col(IdempotencyKeys::Key),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            SlotUsage::Table.into_iden(),
            Counters::Table.into_iden(),
            IdempotencyKeys::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
