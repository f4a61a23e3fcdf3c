//! Creates `report_day_rollups` and `report_day_material_rollups`: the report rollups
//! without the collector and facility, i.e. day × area × category × organisation ×
//! partner. Reports not grouped or scoped by collector or facility (operators' CATEGORY ×
//! AREA × DAY, a business's or a partner's) read these, whose size per month depends on
//! the catalog and the areas rather than on the number of collectors, so they stay as fast
//! at a million orders as at ten thousand. Same conventions as `report_rollups`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportDayRollups {
    Table,
    Day,
    ServiceAreaId,
    CategoryCode,
    OrganizationId,
    PartnerId,
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
enum ReportDayMaterialRollups {
    Table,
    Material,
    Estimated,
    Kg,
}

fn key_columns(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(
            ColumnDef::new(ReportDayRollups::Day)
                .string_len(10)
                .not_null(),
        )
        .col(
            ColumnDef::new(ReportDayRollups::ServiceAreaId)
                .uuid()
                .not_null(),
        )
        .col(
            ColumnDef::new(ReportDayRollups::CategoryCode)
                .string()
                .not_null(),
        )
        .col(
            ColumnDef::new(ReportDayRollups::OrganizationId)
                .uuid()
                .not_null(),
        )
        .col(
            ColumnDef::new(ReportDayRollups::PartnerId)
                .uuid()
                .not_null(),
        )
}

fn key_index() -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .col(ReportDayRollups::Day)
        .col(ReportDayRollups::ServiceAreaId)
        .col(ReportDayRollups::CategoryCode)
        .col(ReportDayRollups::OrganizationId)
        .col(ReportDayRollups::PartnerId);
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
        rollups.table(ReportDayRollups::Table).if_not_exists();
        key_columns(&mut rollups);
        for column in [
            ReportDayRollups::Orders,
            ReportDayRollups::Items,
            ReportDayRollups::MeasuredKg,
            ReportDayRollups::EstimatedKg,
            ReportDayRollups::Payout,
            ReportDayRollups::DisposalFees,
            ReportDayRollups::LogisticsFees,
            ReportDayRollups::Co2eKg,
        ] {
            rollups.col(amount(column));
        }
        rollups.primary_key(key_index().name("pk_report_day_rollups"));
        manager.create_table(rollups).await?;

        let mut materials = Table::create();
        materials
            .table(ReportDayMaterialRollups::Table)
            .if_not_exists();
        key_columns(&mut materials);
        materials
            .col(
                ColumnDef::new(ReportDayMaterialRollups::Material)
                    .string()
                    .not_null(),
            )
            .col(
                ColumnDef::new(ReportDayMaterialRollups::Estimated)
                    .boolean()
                    .not_null(),
            )
            .col(amount(ReportDayMaterialRollups::Kg));
        materials.primary_key(
            key_index()
                .name("pk_report_day_material_rollups")
                .col(ReportDayMaterialRollups::Material)
                .col(ReportDayMaterialRollups::Estimated),
        );
        manager.create_table(materials).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(
                Table::drop()
                    .table(ReportDayMaterialRollups::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ReportDayRollups::Table).to_owned())
            .await
    }
}
