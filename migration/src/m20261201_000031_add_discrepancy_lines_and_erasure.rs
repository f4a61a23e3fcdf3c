//! Adds `discrepancies.order_line_id` (a trace code read at the door that differs from the
//! quoted one belongs to an order line: there is no custody item yet) and
//! `users.erased_at` (when an operator erased the customer's personal data).

use sea_orm_migration::prelude::*;

use crate::columns::timestamp_null;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Discrepancies {
    Table,
    OrderId,
    OrderLineId,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    ErasedAt,
}

const ORDER_INDEX: &str = "idx_discrepancies_order";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Discrepancies::Table)
                    .add_column(ColumnDef::new(Discrepancies::OrderLineId).uuid().null())
                    .to_owned(),
            )
            .await?;
        // Settling a payout asks whether its order has an open discrepancy.
        manager
            .create_index(
                Index::create()
                    .name(ORDER_INDEX)
                    .table(Discrepancies::Table)
                    .col(Discrepancies::OrderId)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(timestamp_null(Users::ErasedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::ErasedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(ORDER_INDEX)
                    .table(Discrepancies::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Discrepancies::Table)
                    .drop_column(Discrepancies::OrderLineId)
                    .to_owned(),
            )
            .await
    }
}
