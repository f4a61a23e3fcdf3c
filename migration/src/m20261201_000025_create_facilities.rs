//! Creates `facilities` (processing plants that receive collected items) and links
//! facility staff to their plant (`users.facility_id`).

use sea_orm_migration::prelude::*;

use crate::columns::{timestamp, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Facilities {
    Table,
    Id,
    Name,
    PermitNumber,
    AddressLine1,
    AddressLine2,
    City,
    PostalCode,
    Latitude,
    Longitude,
    AcceptedCategories,
    Certifications,
    InviteCode,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    FacilityId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Facilities::Table)
                    .if_not_exists()
                    .col(uuid_pk(Facilities::Id))
                    .col(ColumnDef::new(Facilities::Name).string().not_null())
                    .col(ColumnDef::new(Facilities::PermitNumber).string().not_null())
                    .col(ColumnDef::new(Facilities::AddressLine1).string().not_null())
                    .col(ColumnDef::new(Facilities::AddressLine2).string().null())
                    .col(ColumnDef::new(Facilities::City).string().not_null())
                    .col(ColumnDef::new(Facilities::PostalCode).string().null())
                    .col(ColumnDef::new(Facilities::Latitude).double().not_null())
                    .col(ColumnDef::new(Facilities::Longitude).double().not_null())
                    .col(
                        ColumnDef::new(Facilities::AcceptedCategories)
                            .json()
                            .not_null(),
                    )
                    .col(ColumnDef::new(Facilities::Certifications).json().not_null())
                    .col(
                        ColumnDef::new(Facilities::InviteCode)
                            .string()
                            .not_null()
                            .unique_key(),
                    )
                    .col(timestamp(Facilities::CreatedAt))
                    .col(timestamp(Facilities::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::FacilityId).uuid().null())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::FacilityId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(Facilities::Table).to_owned())
            .await
    }
}
