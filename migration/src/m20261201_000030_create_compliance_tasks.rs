//! Creates `compliance_tasks`: what must be reported to the national traceability platform
//! about a battery custody event, by when, and whether it was (with the platform's
//! reference). Also indexes `custody_events.at`, which the traceability export reads by
//! period.

use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, timestamp_null, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ComplianceTasks {
    Table,
    Id,
    Kind,
    ItemId,
    OrderId,
    EventId,
    Step,
    TraceCode,
    EventAt,
    WorkingDays,
    DueAt,
    Provisional,
    State,
    ReportedAt,
    ReportedBy,
    Reference,
    OverdueAnnouncedAt,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CustodyEvents {
    Table,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(tasks_table()).await?;
        // One task per custody event, whoever retries.
        manager
            .create_index(
                Index::create()
                    .name("ux_compliance_tasks_event")
                    .table(ComplianceTasks::Table)
                    .col(ComplianceTasks::EventId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // Operators' lists (by state, soonest due first) and the overdue sweep.
        manager
            .create_index(
                Index::create()
                    .name("idx_compliance_tasks_state_due")
                    .table(ComplianceTasks::Table)
                    .col(ComplianceTasks::State)
                    .col(ComplianceTasks::DueAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_compliance_tasks_item")
                    .table(ComplianceTasks::Table)
                    .col(ComplianceTasks::ItemId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_custody_events_at")
                    .table(CustodyEvents::Table)
                    .col(CustodyEvents::At)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("idx_custody_events_at")
                    .table(CustodyEvents::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ComplianceTasks::Table).to_owned())
            .await
    }
}

fn tasks_table() -> TableCreateStatement {
    Table::create()
        .table(ComplianceTasks::Table)
        .if_not_exists()
        .col(uuid_pk(ComplianceTasks::Id))
        .col(ColumnDef::new(ComplianceTasks::Kind).string().not_null())
        .col(ColumnDef::new(ComplianceTasks::ItemId).uuid().not_null())
        .col(ColumnDef::new(ComplianceTasks::OrderId).uuid().not_null())
        .col(ColumnDef::new(ComplianceTasks::EventId).uuid().not_null())
        .col(ColumnDef::new(ComplianceTasks::Step).string().not_null())
        .col(ColumnDef::new(ComplianceTasks::TraceCode).string().null())
        .col(timestamp(ComplianceTasks::EventAt))
        .col(
            ColumnDef::new(ComplianceTasks::WorkingDays)
                .integer()
                .not_null(),
        )
        .col(timestamp(ComplianceTasks::DueAt))
        .col(
            ColumnDef::new(ComplianceTasks::Provisional)
                .boolean()
                .not_null(),
        )
        .col(ColumnDef::new(ComplianceTasks::State).string().not_null())
        .col(timestamp_null(ComplianceTasks::ReportedAt))
        .col(ColumnDef::new(ComplianceTasks::ReportedBy).uuid().null())
        .col(ColumnDef::new(ComplianceTasks::Reference).string().null())
        .col(timestamp_null(ComplianceTasks::OverdueAnnouncedAt))
        .col(timestamp(ComplianceTasks::CreatedAt))
        .to_owned()
}
