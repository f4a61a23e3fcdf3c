//! Creates `price_tables`: each price table quotes were priced with, stored once under
//! its content-derived version, so a quote's evidence names the table instead of
//! repeating it.

use sea_orm_migration::prelude::*;

use crate::columns::timestamp;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PriceTables {
    Table,
    Version,
    Body,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PriceTables::Table)
                    .if_not_exists()
                    .col(
                        ColumnDef::new(PriceTables::Version)
                            .string()
                            .not_null()
                            .primary_key(),
                    )
                    .col(ColumnDef::new(PriceTables::Body).json().not_null())
                    .col(timestamp(PriceTables::CreatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PriceTables::Table).to_owned())
            .await
    }
}
