//! Creates `collectors`, one profile per COLLECTOR user.

use sea_orm_migration::prelude::*;

use crate::columns::{decimal, timestamp, timestamp_null, uuid_pk};
use crate::m20261121_000002_create_users::Users;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
pub enum Collectors {
    Table,
    Id,
    UserId,
    Verified,
    Status,
    Vehicle,
    CapacityKg,
    Certifications,
    Rating,
    RatingCount,
    HomeServiceAreaId,
    LastLatitude,
    LastLongitude,
    LastLocationAt,
    OffersReceived,
    OffersAccepted,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Collectors::Table)
                    .if_not_exists()
                    .col(uuid_pk(Collectors::Id))
                    .col(
                        ColumnDef::new(Collectors::UserId)
                            .uuid()
                            .not_null()
                            .unique_key(),
                    )
                    .col(
                        ColumnDef::new(Collectors::Verified)
                            .boolean()
                            .not_null()
                            .default(false),
                    )
                    .col(ColumnDef::new(Collectors::Status).string().not_null())
                    .col(ColumnDef::new(Collectors::Vehicle).string().null())
                    .col(decimal(manager, Collectors::CapacityKg).null())
                    .col(ColumnDef::new(Collectors::Certifications).json().not_null())
                    .col(ColumnDef::new(Collectors::Rating).double().null())
                    .col(
                        ColumnDef::new(Collectors::RatingCount)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(ColumnDef::new(Collectors::HomeServiceAreaId).uuid().null())
                    .col(ColumnDef::new(Collectors::LastLatitude).double().null())
                    .col(ColumnDef::new(Collectors::LastLongitude).double().null())
                    .col(timestamp_null(Collectors::LastLocationAt))
                    .col(
                        ColumnDef::new(Collectors::OffersReceived)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(
                        ColumnDef::new(Collectors::OffersAccepted)
                            .integer()
                            .not_null()
                            .default(0),
                    )
                    .col(timestamp(Collectors::CreatedAt))
                    .col(timestamp(Collectors::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Collectors::Table, Collectors::UserId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Collectors::Table).to_owned())
            .await
    }
}
