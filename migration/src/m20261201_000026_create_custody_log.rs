//! Creates the custody log: `custody_items` (what was collected, where it is now),
//! `custody_events` (append-only, hash-chained and signed per item), and the signed
//! checkpoints over every chain's head (`custody_checkpoints`, with the heads each one
//! covered in `custody_checkpoint_heads`).

use sea_orm_migration::prelude::*;

use crate::columns::{decimal, timestamp, uuid_pk};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CustodyItems {
    Table,
    Id,
    OrderId,
    OrderLineId,
    Position,
    Description,
    CategoryCode,
    SerialNumber,
    TraceCode,
    TraceCodeScheme,
    Chemistry,
    StateOfHealthPct,
    BatteryStatus,
    DataBearing,
    Blocked,
    RequiredCertification,
    Status,
    WeightKg,
    WeightEstimated,
    CollectorId,
    FacilityId,
    TransferId,
    Outcome,
    Materials,
    Sanitization,
    HeadSequence,
    HeadHash,
    HeadSignature,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum CustodyEvents {
    Table,
    Id,
    ItemId,
    Sequence,
    Step,
    At,
    RecordedAt,
    ActorUserId,
    ActorRole,
    Holder,
    Latitude,
    Longitude,
    PlaceSalt,
    Place,
    WeightKg,
    WeightEstimated,
    Note,
    Details,
    Encoding,
    PreviousHash,
    Hash,
    Signature,
}

#[derive(DeriveIden)]
enum CustodyCheckpoints {
    Table,
    Number,
    Origin,
    TreeSize,
    Events,
    RootHash,
    IssuedAt,
    Note,
    KeyId,
}

#[derive(DeriveIden)]
enum CustodyCheckpointHeads {
    Table,
    CheckpointNumber,
    ItemId,
    Sequence,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_table(items_table(manager)).await?;
        index(
            manager,
            "idx_custody_items_order",
            CustodyItems::Table,
            [CustodyItems::OrderId],
        )
        .await?;
        index(
            manager,
            "idx_custody_items_transfer",
            CustodyItems::Table,
            [CustodyItems::TransferId],
        )
        .await?;
        manager.create_table(events_table(manager)).await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_custody_events_item_sequence")
                    .table(CustodyEvents::Table)
                    .col(CustodyEvents::ItemId)
                    .col(CustodyEvents::Sequence)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager.create_table(checkpoints_table()).await?;
        manager.create_table(checkpoint_heads_table()).await?;
        index(
            manager,
            "idx_custody_checkpoint_heads_item",
            CustodyCheckpointHeads::Table,
            [CustodyCheckpointHeads::ItemId],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            CustodyCheckpointHeads::Table.into_iden(),
            CustodyCheckpoints::Table.into_iden(),
            CustodyEvents::Table.into_iden(),
            CustodyItems::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

async fn index<const N: usize>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden,
    columns: [impl IntoIden; N],
) -> Result<(), DbErr> {
    let mut index = Index::create();
    index.name(name).table(table);
    for column in columns {
        index.col(column);
    }
    manager.create_index(index.to_owned()).await
}

fn items_table(manager: &SchemaManager) -> TableCreateStatement {
    Table::create()
        .table(CustodyItems::Table)
        .if_not_exists()
        .col(uuid_pk(CustodyItems::Id))
        .col(ColumnDef::new(CustodyItems::OrderId).uuid().not_null())
        .col(ColumnDef::new(CustodyItems::OrderLineId).uuid().not_null())
        .col(ColumnDef::new(CustodyItems::Position).integer().not_null())
        .col(
            ColumnDef::new(CustodyItems::Description)
                .string()
                .not_null(),
        )
        .col(
            ColumnDef::new(CustodyItems::CategoryCode)
                .string()
                .not_null(),
        )
        .col(ColumnDef::new(CustodyItems::SerialNumber).string().null())
        .col(ColumnDef::new(CustodyItems::TraceCode).string().null())
        .col(
            ColumnDef::new(CustodyItems::TraceCodeScheme)
                .string()
                .null(),
        )
        .col(ColumnDef::new(CustodyItems::Chemistry).string().null())
        .col(
            ColumnDef::new(CustodyItems::StateOfHealthPct)
                .integer()
                .null(),
        )
        .col(ColumnDef::new(CustodyItems::BatteryStatus).string().null())
        .col(
            ColumnDef::new(CustodyItems::DataBearing)
                .boolean()
                .not_null(),
        )
        .col(
            ColumnDef::new(CustodyItems::Blocked)
                .boolean()
                .not_null()
                .default(false),
        )
        .col(
            ColumnDef::new(CustodyItems::RequiredCertification)
                .string()
                .null(),
        )
        .col(ColumnDef::new(CustodyItems::Status).string().not_null())
        .col(decimal(manager, CustodyItems::WeightKg).null())
        .col(
            ColumnDef::new(CustodyItems::WeightEstimated)
                .boolean()
                .not_null(),
        )
        .col(ColumnDef::new(CustodyItems::CollectorId).uuid().null())
        .col(ColumnDef::new(CustodyItems::FacilityId).uuid().null())
        .col(ColumnDef::new(CustodyItems::TransferId).uuid().null())
        .col(ColumnDef::new(CustodyItems::Outcome).string().null())
        .col(ColumnDef::new(CustodyItems::Materials).json().not_null())
        .col(ColumnDef::new(CustodyItems::Sanitization).json().null())
        .col(
            ColumnDef::new(CustodyItems::HeadSequence)
                .integer()
                .not_null(),
        )
        .col(ColumnDef::new(CustodyItems::HeadHash).string().not_null())
        .col(
            ColumnDef::new(CustodyItems::HeadSignature)
                .string()
                .not_null(),
        )
        .col(timestamp(CustodyItems::CreatedAt))
        .col(timestamp(CustodyItems::UpdatedAt))
        .to_owned()
}

fn events_table(manager: &SchemaManager) -> TableCreateStatement {
    Table::create()
        .table(CustodyEvents::Table)
        .if_not_exists()
        .col(uuid_pk(CustodyEvents::Id))
        .col(ColumnDef::new(CustodyEvents::ItemId).uuid().not_null())
        .col(ColumnDef::new(CustodyEvents::Sequence).integer().not_null())
        .col(ColumnDef::new(CustodyEvents::Step).string().not_null())
        .col(timestamp(CustodyEvents::At))
        .col(timestamp(CustodyEvents::RecordedAt))
        .col(ColumnDef::new(CustodyEvents::ActorUserId).uuid().null())
        .col(ColumnDef::new(CustodyEvents::ActorRole).string().not_null())
        .col(ColumnDef::new(CustodyEvents::Holder).string().not_null())
        .col(ColumnDef::new(CustodyEvents::Latitude).double().null())
        .col(ColumnDef::new(CustodyEvents::Longitude).double().null())
        .col(ColumnDef::new(CustodyEvents::PlaceSalt).string().null())
        .col(ColumnDef::new(CustodyEvents::Place).string().null())
        .col(decimal(manager, CustodyEvents::WeightKg).null())
        .col(
            ColumnDef::new(CustodyEvents::WeightEstimated)
                .boolean()
                .not_null(),
        )
        .col(ColumnDef::new(CustodyEvents::Note).string().null())
        .col(ColumnDef::new(CustodyEvents::Details).text().not_null())
        .col(ColumnDef::new(CustodyEvents::Encoding).string().not_null())
        .col(
            ColumnDef::new(CustodyEvents::PreviousHash)
                .string()
                .not_null(),
        )
        .col(ColumnDef::new(CustodyEvents::Hash).string().not_null())
        .col(ColumnDef::new(CustodyEvents::Signature).string().not_null())
        .to_owned()
}

fn checkpoints_table() -> TableCreateStatement {
    Table::create()
        .table(CustodyCheckpoints::Table)
        .if_not_exists()
        .col(
            ColumnDef::new(CustodyCheckpoints::Number)
                .big_integer()
                .not_null()
                .primary_key(),
        )
        .col(
            ColumnDef::new(CustodyCheckpoints::Origin)
                .string()
                .not_null(),
        )
        .col(
            ColumnDef::new(CustodyCheckpoints::TreeSize)
                .big_integer()
                .not_null(),
        )
        .col(
            ColumnDef::new(CustodyCheckpoints::Events)
                .big_integer()
                .not_null(),
        )
        .col(
            ColumnDef::new(CustodyCheckpoints::RootHash)
                .string()
                .not_null(),
        )
        .col(timestamp(CustodyCheckpoints::IssuedAt))
        .col(ColumnDef::new(CustodyCheckpoints::Note).text().not_null())
        .col(
            ColumnDef::new(CustodyCheckpoints::KeyId)
                .string()
                .not_null(),
        )
        .to_owned()
}

fn checkpoint_heads_table() -> TableCreateStatement {
    Table::create()
        .table(CustodyCheckpointHeads::Table)
        .if_not_exists()
        .col(
            ColumnDef::new(CustodyCheckpointHeads::CheckpointNumber)
                .big_integer()
                .not_null(),
        )
        .col(
            ColumnDef::new(CustodyCheckpointHeads::ItemId)
                .uuid()
                .not_null(),
        )
        .col(
            ColumnDef::new(CustodyCheckpointHeads::Sequence)
                .integer()
                .not_null(),
        )
        .primary_key(
            Index::create()
                .col(CustodyCheckpointHeads::CheckpointNumber)
                .col(CustodyCheckpointHeads::ItemId),
        )
        .to_owned()
}
