//! Creates the report rollups: `report_rollups` (orders, items, kg, money per bucket),
//! `report_material_rollups` (kg per material, measured or estimated, per bucket) and
//! `report_item_facts` (what each custody item added, so receipt and processing can move
//! it between buckets exactly).
//!
//! A bucket is day (in the reporting time zone) × service area × category × collector ×
//! facility × organisation × partner: every report dimension plus the two scope columns,
//! so any report and any viewer's scope is a range scan over `day` and a GROUP BY, never
//! a scan of orders. "None" is the nil UUID rather than NULL, because a NULL never
//! conflicts in a unique key and the upserts would insert duplicates.
//!
//! `co2e_kg` is the CO2e avoided (an estimate: weight × the category's factor when the
//! pickup completed).
//!
//! Amounts are BIGINT micro-units (1e-6 kg or currency unit): SQLite keeps decimals as
//! TEXT and would add them as floats, while integers add exactly on both backends inside
//! a single `INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x`.

use sea_orm_migration::prelude::*;

use crate::columns::uuid_pk;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ReportRollups {
    Table,
    Day,
    ServiceAreaId,
    CategoryCode,
    CollectorId,
    FacilityId,
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
enum ReportMaterialRollups {
    Table,
    Material,
    Estimated,
    Kg,
}

#[derive(DeriveIden)]
enum ReportItemFacts {
    Table,
    ItemId,
    OrderId,
    EstimatedMaterials,
}

/// The bucket columns, in key order (day first: reports are day ranges).
fn key_columns(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    table
        .col(ColumnDef::new(ReportRollups::Day).string_len(10).not_null())
        .col(
            ColumnDef::new(ReportRollups::ServiceAreaId)
                .uuid()
                .not_null(),
        )
        .col(
            ColumnDef::new(ReportRollups::CategoryCode)
                .string()
                .not_null(),
        )
        .col(ColumnDef::new(ReportRollups::CollectorId).uuid().not_null())
        .col(ColumnDef::new(ReportRollups::FacilityId).uuid().not_null())
        .col(
            ColumnDef::new(ReportRollups::OrganizationId)
                .uuid()
                .not_null(),
        )
        .col(ColumnDef::new(ReportRollups::PartnerId).uuid().not_null())
}

fn amount(table: &mut TableCreateStatement, column: ReportRollups) -> &mut TableCreateStatement {
    table.col(ColumnDef::new(column).big_integer().not_null().default(0))
}

fn measures(table: &mut TableCreateStatement) -> &mut TableCreateStatement {
    for column in [
        ReportRollups::Orders,
        ReportRollups::Items,
        ReportRollups::MeasuredKg,
        ReportRollups::EstimatedKg,
        ReportRollups::Payout,
        ReportRollups::DisposalFees,
        ReportRollups::LogisticsFees,
        ReportRollups::Co2eKg,
    ] {
        amount(table, column);
    }
    table
}

fn key_index() -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .col(ReportRollups::Day)
        .col(ReportRollups::ServiceAreaId)
        .col(ReportRollups::CategoryCode)
        .col(ReportRollups::CollectorId)
        .col(ReportRollups::FacilityId)
        .col(ReportRollups::OrganizationId)
        .col(ReportRollups::PartnerId);
    index
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut rollups = Table::create();
        rollups.table(ReportRollups::Table).if_not_exists();
        key_columns(&mut rollups);
        measures(&mut rollups);
        rollups.primary_key(key_index().name("pk_report_rollups"));
        manager.create_table(rollups).await?;

        let mut materials = Table::create();
        materials
            .table(ReportMaterialRollups::Table)
            .if_not_exists();
        key_columns(&mut materials);
        materials
            .col(
                ColumnDef::new(ReportMaterialRollups::Material)
                    .string()
                    .not_null(),
            )
            .col(
                ColumnDef::new(ReportMaterialRollups::Estimated)
                    .boolean()
                    .not_null(),
            )
            .col(
                ColumnDef::new(ReportMaterialRollups::Kg)
                    .big_integer()
                    .not_null()
                    .default(0),
            );
        materials.primary_key(
            key_index()
                .name("pk_report_material_rollups")
                .col(ReportMaterialRollups::Material)
                .col(ReportMaterialRollups::Estimated),
        );
        manager.create_table(materials).await?;

        let mut facts = Table::create();
        facts
            .table(ReportItemFacts::Table)
            .if_not_exists()
            .col(uuid_pk(ReportItemFacts::ItemId))
            .col(ColumnDef::new(ReportItemFacts::OrderId).uuid().not_null());
        key_columns(&mut facts);
        measures(&mut facts);
        facts.col(
            ColumnDef::new(ReportItemFacts::EstimatedMaterials)
                .json()
                .not_null(),
        );
        manager.create_table(facts).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ReportItemFacts::Table.into_iden(),
            ReportMaterialRollups::Table.into_iden(),
            ReportRollups::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
