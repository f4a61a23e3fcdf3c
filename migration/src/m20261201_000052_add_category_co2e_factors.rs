//! Adds `categories.co2e_avoided_kg_per_kg`: the kg of CO2e a kg of the category avoids
//! when recycled instead of landfilled, from a published factor an operator sets in the
//! catalog. NULL means no factor: the category adds nothing to the reports' CO2e estimate.

use sea_orm_migration::prelude::*;

use crate::columns::decimal;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Categories {
    Table,
    Co2eAvoidedKgPerKg,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Categories::Table)
                    .add_column(decimal(manager, Categories::Co2eAvoidedKgPerKg).null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Categories::Table)
                    .drop_column(Categories::Co2eAvoidedKgPerKg)
                    .to_owned(),
            )
            .await
    }
}
