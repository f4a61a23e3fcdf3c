//! Creates `report_area_rollups` and `report_area_material_rollups`: the report rollups
//! keyed by day × area × category only. A month of them holds at most areas × categories ×
//! 31 rows whatever the number of orders, collectors, businesses or partners, so the
//! operators' reports that group by neither collector nor facility and filter by no
//! partner cost the same at a million orders as at ten thousand. Same conventions as
//! `report_rollups` (BIGINT micro-units, additive upserts).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportAreaRollups {
    Table,
    Day,
    ServiceAreaId,
    CategoryCode,
    Orders,
    Items,
    MeasuredKg,
    EstimatedKg,
    Payout,
    DisposalFees,
    LogisticsFees,
    Co2eKg,
}

#[derive(DeriveIden)]
enum ReportAreaMaterialRollups {
    Table,
    Material,
    Estimated,
    Kg,
}

fn key_columns(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(
            ColumnDef::new(ReportAreaRollups::Day)
                .string_len(10)
                .not_null(),
        )
        .col(
            ColumnDef::new(ReportAreaRollups::ServiceAreaId)
                .uuid()
                .not_null(),
        )
        .col(
            ColumnDef::new(ReportAreaRollups::CategoryCode)
                .string()
                .not_null(),
        )
}

fn key_index() -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .col(ReportAreaRollups::Day)
        .col(ReportAreaRollups::ServiceAreaId)
        .col(ReportAreaRollups::CategoryCode);
    index
}

fn amount(column: impl IntoIden) -> ColumnDef {
    let mut def = ColumnDef::new(column);
    def.big_integer().not_null().default(0);
    def
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut rollups = Table::create();
        rollups.table(ReportAreaRollups::Table).if_not_exists();
        key_columns(&mut rollups);
        for column in [
            ReportAreaRollups::Orders,
            ReportAreaRollups::Items,
            ReportAreaRollups::MeasuredKg,
            ReportAreaRollups::EstimatedKg,
            ReportAreaRollups::Payout,
            ReportAreaRollups::DisposalFees,
            ReportAreaRollups::LogisticsFees,
            ReportAreaRollups::Co2eKg,
        ] {
            rollups.col(amount(column));
        }
        rollups.primary_key(key_index().name("pk_report_area_rollups"));
        manager.create_table(rollups).await?;

        let mut materials = Table::create();
        materials
            .table(ReportAreaMaterialRollups::Table)
            .if_not_exists();
        key_columns(&mut materials);
        materials
            .col(
                ColumnDef::new(ReportAreaMaterialRollups::Material)
                    .string()
                    .not_null(),
            )
            .col(
                ColumnDef::new(ReportAreaMaterialRollups::Estimated)
                    .boolean()
                    .not_null(),
            )
            .col(amount(ReportAreaMaterialRollups::Kg));
        materials.primary_key(
            key_index()
                .name("pk_report_area_material_rollups")
                .col(ReportAreaMaterialRollups::Material)
                .col(ReportAreaMaterialRollups::Estimated),
        );
        manager.create_table(materials).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(ReportAreaMaterialRollups::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ReportAreaRollups::Table).to_owned())
            .await
    }
}
