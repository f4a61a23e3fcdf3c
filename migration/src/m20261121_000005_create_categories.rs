//! Creates `categories`, the catalog of item kinds.

use sea_orm_migration::prelude::*;

use crate::columns::{decimal, timestamp, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Categories {
    Table,
    Id,
    Code,
    Name,
    PricingUnit,
    Hazardous,
    RequiredCertification,
    TypicalWeightKg,
    HandlingCost,
    Materials,
    RecoveryRates,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Categories::Table)
                    .if_not_exists()
                    .col(uuid_pk(Categories::Id))
                    .col(
                        ColumnDef::new(Categories::Code)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Categories::Name).string().not_null())
                    .col(ColumnDef::new(Categories::PricingUnit).string().not_null())
                    .col(ColumnDef::new(Categories::Hazardous).boolean().not_null())
                    .col(
                        ColumnDef::new(Categories::RequiredCertification)
                            .string()
                            .null(),
                    )
                    .col(decimal(manager, Categories::TypicalWeightKg).not_null())
                    .col(decimal(manager, Categories::HandlingCost).not_null())
                    .col(ColumnDef::new(Categories::Materials).json().not_null())
                    .col(ColumnDef::new(Categories::RecoveryRates).json().not_null())
                    .col(timestamp(Categories::CreatedAt))
                    .col(timestamp(Categories::UpdatedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Categories::Table).to_owned())
            .await
    }
}
