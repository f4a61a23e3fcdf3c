//! Counts a collector's no-shows (assigned orders they never set off for), which lower
//! their dispatch score.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Collectors {
    Table,
    NoShows,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Collectors::Table)
                    .add_column(
                        ColumnDef::new(Collectors::NoShows)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Collectors::Table)
                    .drop_column(Collectors::NoShows)
                    .to_owned(),
            )
            .await
    }
}
