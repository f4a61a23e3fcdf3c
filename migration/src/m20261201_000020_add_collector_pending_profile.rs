//! A verified collector's requested profile change (vehicle, capacity, certifications),
//! held until an operator approves it; the approved profile stays in force meanwhile.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Collectors {
    Table,
    PendingProfile,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Collectors::Table)
                    .add_column(ColumnDef::new(Collectors::PendingProfile).json().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Collectors::Table)
                    .drop_column(Collectors::PendingProfile)
                    .to_owned(),
            )
            .await
    }
}
