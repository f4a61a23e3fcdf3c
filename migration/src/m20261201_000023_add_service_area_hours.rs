//! Adds service hours to `service_areas`: the area's IANA time zone and its opening and
//! closing time there, in minutes after local midnight (closing may be 1440, midnight at
//! the end of the day). Existing areas get 08:00–20:00 China Standard Time, the hours
//! every area had before (00:00–12:00 UTC).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ServiceAreas {
    Table,
    TimeZone,
    OpensMinute,
    ClosesMinute,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column a statement: SQLite alters one column at a time.
        let columns = [
            ColumnDef::new(ServiceAreas::TimeZone)
                .string()
                .not_null()
                .default("Asia/Shanghai")
                .to_owned(),
            ColumnDef::new(ServiceAreas::OpensMinute)
                .integer()
                .not_null()
                .default(8 * 60)
                .to_owned(),
            ColumnDef::new(ServiceAreas::ClosesMinute)
                .integer()
                .not_null()
                .default(20 * 60)
                .to_owned(),
        ];
        for mut column in columns {
            manager
                .alter_table(
                    Table::alter()
                        .table(ServiceAreas::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ServiceAreas::TimeZone,
            ServiceAreas::OpensMinute,
            ServiceAreas::ClosesMinute,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ServiceAreas::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
