//! Creates `pickup_orders`, `order_lines` and `order_events`.

use sea_orm_migration::prelude::*;

use crate::columns::{decimal, timestamp, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum PickupOrders {
    Table,
    Id,
    Number,
    QuoteId,
    CustomerUserId,
    OrganizationId,
    PartnerId,
    ExternalReference,
    Status,
    Version,
    AddressLine1,
    AddressLine2,
    City,
    PostalCode,
    Latitude,
    Longitude,
    ServiceAreaId,
    WindowStart,
    WindowEnd,
    SlotStart,
    ContactName,
    ContactPhone,
    Notes,
    Currency,
    EstimatedPayout,
    FinalPayout,
    LogisticsFee,
    TotalWeightKg,
    RequiredCertifications,
    CollectorId,
    DispatchRound,
    SignatureRef,
    PhotoRefs,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum OrderLines {
    Table,
    Id,
    OrderId,
    QuoteLineId,
    Position,
    Description,
    QuotedAmount,
    FinalAmount,
    Condition,
    WeightKg,
    SerialNumber,
    PhotoRefs,
    Item,
    Inspection,
}

#[derive(DeriveIden)]
enum OrderEvents {
    Table,
    Id,
    OrderId,
    Sequence,
    FromStatus,
    ToStatus,
    ActorUserId,
    ActorRole,
    Reason,
    Latitude,
    Longitude,
    At,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PickupOrders::Table)
                    .if_not_exists()
                    .col(uuid_pk(PickupOrders::Id))
                    .col(
                        ColumnDef::new(PickupOrders::Number)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    // A quote books at most one order.
                    .col(
                        ColumnDef::new(PickupOrders::QuoteId)
                            .uuid()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(PickupOrders::CustomerUserId).uuid().null())
                    .col(ColumnDef::new(PickupOrders::OrganizationId).uuid().null())
                    .col(ColumnDef::new(PickupOrders::PartnerId).uuid().null())
                    .col(
                        ColumnDef::new(PickupOrders::ExternalReference)
                            .string()
                            .null(),
                    )
                    .col(ColumnDef::new(PickupOrders::Status).string().not_null())
                    .col(ColumnDef::new(PickupOrders::Version).integer().not_null())
                    .col(
                        ColumnDef::new(PickupOrders::AddressLine1)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(PickupOrders::AddressLine2).string().null())
                    .col(ColumnDef::new(PickupOrders::City).string().not_null())
                    .col(ColumnDef::new(PickupOrders::PostalCode).string().null())
                    .col(ColumnDef::new(PickupOrders::Latitude).double().not_null())
                    .col(ColumnDef::new(PickupOrders::Longitude).double().not_null())
                    .col(
                        ColumnDef::new(PickupOrders::ServiceAreaId)
                            .uuid()
                            .not_null(),
                    )
                    .col(timestamp(PickupOrders::WindowStart))
                    .col(timestamp(PickupOrders::WindowEnd))
                    .col(timestamp(PickupOrders::SlotStart))
                    .col(
                        ColumnDef::new(PickupOrders::ContactName)
                            .string()
                            .not_null(),
                    )
                    .col(
                        ColumnDef::new(PickupOrders::ContactPhone)
                            .string()
                            .not_null(),
                    )
                    .col(ColumnDef::new(PickupOrders::Notes).string().null())
                    .col(ColumnDef::new(PickupOrders::Currency).string().not_null())
                    .col(decimal(manager, PickupOrders::EstimatedPayout).not_null())
                    .col(decimal(manager, PickupOrders::FinalPayout).null())
                    .col(decimal(manager, PickupOrders::LogisticsFee).not_null())
                    .col(decimal(manager, PickupOrders::TotalWeightKg).not_null())
                    .col(
                        ColumnDef::new(PickupOrders::RequiredCertifications)
                            .json()
                            .not_null(),
                    )
                    .col(ColumnDef::new(PickupOrders::CollectorId).uuid().null())
                    .col(
                        ColumnDef::new(PickupOrders::DispatchRound)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(PickupOrders::SignatureRef).string().null())
                    .col(ColumnDef::new(PickupOrders::PhotoRefs).json().not_null())
                    .col(timestamp(PickupOrders::CreatedAt))
                    .col(timestamp(PickupOrders::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        // The list queries: newest first per customer, organisation, collector, partner,
        // or overall for operators; each keyset-paginated on (created_at, id).
        for (name, column) in [
            ("idx_orders_customer", PickupOrders::CustomerUserId),
            ("idx_orders_organization", PickupOrders::OrganizationId),
            ("idx_orders_collector", PickupOrders::CollectorId),
            ("idx_orders_partner", PickupOrders::PartnerId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(PickupOrders::Table)
                        .col(column)
                        .col(PickupOrders::CreatedAt)
                        .col(PickupOrders::Id)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name("idx_orders_created")
                    .table(PickupOrders::Table)
                    .col(PickupOrders::CreatedAt)
                    .col(PickupOrders::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_orders_status")
                    .table(PickupOrders::Table)
                    .col(PickupOrders::Status)
                    .col(PickupOrders::WindowEnd)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_orders_partner_reference")
                    .table(PickupOrders::Table)
                    .col(PickupOrders::PartnerId)
                    .col(PickupOrders::ExternalReference)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderLines::Table)
                    .if_not_exists()
                    .col(uuid_pk(OrderLines::Id))
                    .col(ColumnDef::new(OrderLines::OrderId).uuid().not_null())
                    .col(ColumnDef::new(OrderLines::QuoteLineId).uuid().not_null())
                    .col(ColumnDef::new(OrderLines::Position).integer().not_null())
                    .col(ColumnDef::new(OrderLines::Description).string().not_null())
                    .col(decimal(manager, OrderLines::QuotedAmount).not_null())
                    .col(decimal(manager, OrderLines::FinalAmount).null())
                    .col(ColumnDef::new(OrderLines::Condition).string().null())
                    .col(decimal(manager, OrderLines::WeightKg).null())
                    .col(ColumnDef::new(OrderLines::SerialNumber).string().null())
                    .col(ColumnDef::new(OrderLines::PhotoRefs).json().not_null())
                    .col(ColumnDef::new(OrderLines::Item).json().not_null())
                    .col(ColumnDef::new(OrderLines::Inspection).json().null())
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderLines::Table, OrderLines::OrderId)
                            .to(PickupOrders::Table, PickupOrders::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_order_lines_order")
                    .table(OrderLines::Table)
                    .col(OrderLines::OrderId)
                    .col(OrderLines::Position)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(OrderEvents::Table)
                    .if_not_exists()
                    .col(uuid_pk(OrderEvents::Id))
                    .col(ColumnDef::new(OrderEvents::OrderId).uuid().not_null())
                    .col(ColumnDef::new(OrderEvents::Sequence).integer().not_null())
                    .col(ColumnDef::new(OrderEvents::FromStatus).string().null())
                    .col(ColumnDef::new(OrderEvents::ToStatus).string().not_null())
                    .col(ColumnDef::new(OrderEvents::ActorUserId).uuid().null())
                    .col(ColumnDef::new(OrderEvents::ActorRole).string().null())
                    .col(ColumnDef::new(OrderEvents::Reason).string().null())
                    .col(ColumnDef::new(OrderEvents::Latitude).double().null())
                    .col(ColumnDef::new(OrderEvents::Longitude).double().null())
                    .col(timestamp(OrderEvents::At))
                    .foreign_key(
                        ForeignKey::create()
                            .from(OrderEvents::Table, OrderEvents::OrderId)
                            .to(PickupOrders::Table, PickupOrders::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_order_events_order")
                    .table(OrderEvents::Table)
                    .col(OrderEvents::OrderId)
                    .col(OrderEvents::Sequence)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            OrderEvents::Table.into_iden(),
            OrderLines::Table.into_iden(),
            PickupOrders::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
