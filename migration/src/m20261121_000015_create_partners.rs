//! Creates `partners` and `api_keys`.

use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, timestamp_null, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Partners {
    Table,
    Id,
    Name,
    RateCapacity,
    RateRefillPerSec,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiKeys {
    Table,
    Id,
    PartnerId,
    Name,
    Prefix,
    KeyHash,
    Scopes,
    CreatedAt,
    RevokedAt,
    LastUsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Partners::Table)
                    .if_not_exists()
                    .col(uuid_pk(Partners::Id))
                    .col(
                        ColumnDef::new(Partners::Name)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(Partners::RateCapacity).double().not_null())
                    .col(
                        ColumnDef::new(Partners::RateRefillPerSec)
                            .double()
                            .not_null(),
                    )
                    .col(timestamp(Partners::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiKeys::Table)
                    .if_not_exists()
                    .col(uuid_pk(ApiKeys::Id))
                    .col(ColumnDef::new(ApiKeys::PartnerId).uuid().not_null())
                    .col(ColumnDef::new(ApiKeys::Name).string().not_null())
                    .col(ColumnDef::new(ApiKeys::Prefix).string().not_null())
                    .col(
                        ColumnDef::new(ApiKeys::KeyHash)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(ColumnDef::new(ApiKeys::Scopes).json().not_null())
                    .col(timestamp(ApiKeys::CreatedAt))
                    .col(timestamp_null(ApiKeys::RevokedAt))
                    .col(timestamp_null(ApiKeys::LastUsedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_api_keys_partner")
                    .table(ApiKeys::Table)
                    .col(ApiKeys::PartnerId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ApiKeys::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Partners::Table).to_owned())
            .await
    }
}
