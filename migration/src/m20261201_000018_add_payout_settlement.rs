//! Adds how a payout was settled: the payment reference and when it was settled (paid or
//! failed). SQLite adds one column per statement, so each is its own `ALTER TABLE`.

use sea_orm_migration::prelude::*;

use crate::columns::timestamp_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Payouts {
    Table,
    Reference,
    SettledAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Payouts::Table)
                    .add_column(ColumnDef::new(Payouts::Reference).string().null())
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Payouts::Table)
                    .add_column(timestamp_null(Payouts::SettledAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Payouts::SettledAt, Payouts::Reference] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Payouts::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
