//! Creates `report_month_rollups` and `report_month_material_rollups`: the area rollups
//! (day × area × category) summed by calendar month of the reporting time zone. An
//! operator's report over whole months reads at most areas × categories rows a month
//! from them, however full each day is; the days at either edge of the range still come
//! from the area rollups. Filled here from the area rollups already written, then kept by
//! the same upserts, in the same transaction.

use sea_orm_migration::prelude::*;

use crate::rollup_columns::{FIGURE_SUMS, figure_sums, material_sums};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportMonthRollups {
    Table,
    Month,
    ServiceAreaId,
    CategoryCode,
}

#[derive(DeriveIden)]
enum ReportMonthMaterialRollups {
    Table,
}

fn key_columns(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(
            // `YYYY-MM`.
            ColumnDef::new(ReportMonthRollups::Month)
                .string_len(7)
                .not_null(),
        )
        .col(
            ColumnDef::new(ReportMonthRollups::ServiceAreaId)
                .uuid()
                .not_null(),
        )
        .col(
            ColumnDef::new(ReportMonthRollups::CategoryCode)
                .string()
                .not_null(),
        )
}

fn key_index() -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .col(ReportMonthRollups::Month)
        .col(ReportMonthRollups::ServiceAreaId)
        .col(ReportMonthRollups::CategoryCode);
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut rollups = Table::create();
        rollups.table(ReportMonthRollups::Table).if_not_exists();
        figure_sums(key_columns(&mut rollups));
        rollups.primary_key(key_index().name("pk_report_month_rollups"));
        manager.create_table(rollups).await?;

        let mut materials = Table::create();
        materials
            .table(ReportMonthMaterialRollups::Table)
            .if_not_exists();
        material_sums(key_columns(&mut materials));
        materials.primary_key(
            key_index()
                .name("pk_report_month_material_rollups")
                .col(Alias::new("material"))
                .col(Alias::new("estimated")),
        );
        manager.create_table(materials).await?;

        // Both backends have substr; days are `YYYY-MM-DD`.
        let db = manager.get_connection();
        let sums = FIGURE_SUMS.join(", ");
        let summed = FIGURE_SUMS.map(|c| format!("SUM({c})")).join(", ");
        db.execute_unprepared(&format!(
            "INSERT INTO report_month_rollups (month, service_area_id, category_code, {sums}) \
             SELECT substr(day, 1, 7), service_area_id, category_code, {summed} \
             FROM report_area_rollups GROUP BY substr(day, 1, 7), service_area_id, category_code"
        ))
        .await?;
        db.execute_unprepared(
            "INSERT INTO report_month_material_rollups \
             (month, service_area_id, category_code, material, estimated, kg) \
             SELECT substr(day, 1, 7), service_area_id, category_code, material, estimated, SUM(kg) \
             FROM report_area_material_rollups \
             GROUP BY substr(day, 1, 7), service_area_id, category_code, material, estimated",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(ReportMonthMaterialRollups::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ReportMonthRollups::Table).to_owned())
            .await
    }
}
