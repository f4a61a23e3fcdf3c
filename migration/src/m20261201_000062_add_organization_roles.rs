//! Adds `users.organization_role` (ADMIN or MEMBER; empty outside organisations). The
//! registering user of an organisation is its admin; for organisations that exist
//! already, the earliest member becomes admin and everyone else a member.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    OrganizationRole,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(ColumnDef::new(Users::OrganizationRole).string().null())
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE users SET organization_role = 'MEMBER' WHERE organization_id IS NOT NULL",
        )
        .await?;
        db.execute_unprepared(
            "UPDATE users SET organization_role = 'ADMIN' WHERE organization_id IS NOT NULL \
             AND created_at = (SELECT MIN(v.created_at) FROM users v \
                               WHERE v.organization_id = users.organization_id)",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::OrganizationRole)
                    .to_owned(),
            )
            .await
    }
}
