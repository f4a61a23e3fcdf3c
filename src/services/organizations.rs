//! Organisation roles: the admin of a business organisation lists its members, changes
//! their role and removes them (their past orders stay with the organisation, which is
//! whose they were). The last admin can neither step down nor leave.

use chrono::{DateTime, Utc};
use entity::user;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::organization::{OrganizationRole, membership_change_refused};
use crate::error::{AppError, AppResult};
use crate::services::Viewer;
use crate::services::pagination::{Page, after_desc};
use crate::state::AppState;

/// The viewer's organisation if they administer it; FORBIDDEN otherwise.
async fn administered(conn: &impl ConnectionTrait, viewer: Viewer) -> AppResult<Uuid> {
    let user_id = viewer.require_role(&[Role::Business])?;
    let account = user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("the account no longer exists".to_owned()))?;
    match account.organization_id {
        Some(org)
            if OrganizationRole::stored(account.organization_role.as_deref())
                == OrganizationRole::Admin =>
        {
            Ok(org)
        }
        _ => Err(AppError::Forbidden),
    }
}

/// The organisation's members, newest first (admins only).
pub async fn list_members(
    state: &AppState,
    viewer: Viewer,
    after: Option<(DateTime<Utc>, Uuid)>,
    take: u64,
) -> AppResult<Page<user::Model>> {
    let org = administered(&state.db, viewer).await?;
    let mut query = user::Entity::find().filter(user::Column::OrganizationId.eq(org));
    if let Some(cursor) = after {
        query = query.filter(after_desc(
            user::Column::CreatedAt,
            user::Column::Id,
            cursor,
        ));
    }
    let rows = query
        .order_by_desc(user::Column::CreatedAt)
        .order_by_desc(user::Column::Id)
        .limit(take + 1)
        .all(&state.db)
        .await?;
    Ok(Page::from_rows(rows, take))
}

/// A change an admin makes to a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberChange {
    /// Give the member this role.
    SetRole(OrganizationRole),
    /// Take the member out of the organisation.
    Remove,
}

/// Applies `change` to `member_id` (admins only; NOT_FOUND for someone outside the
/// organisation; CONFLICT when it would leave no admin). Checked and written in one
/// transaction.
#[tracing::instrument(skip_all, fields(%member_id))]
pub async fn change_member(
    state: &AppState,
    viewer: Viewer,
    member_id: Uuid,
    change: MemberChange,
) -> AppResult<user::Model> {
    let txn = state.begin_write().await?;
    let org = administered(&txn, viewer).await?;
    let member = user::Entity::find_by_id(member_id)
        .one(&txn)
        .await?
        .filter(|m| m.organization_id == Some(org))
        .ok_or(AppError::NotFound("organisation member"))?;
    let is_admin =
        OrganizationRole::stored(member.organization_role.as_deref()) == OrganizationRole::Admin;
    let admins = user::Entity::find()
        .filter(user::Column::OrganizationId.eq(org))
        .filter(user::Column::OrganizationRole.eq(OrganizationRole::Admin.as_str()))
        .count(&txn)
        .await?;
    let demoting_or_removing = change != MemberChange::SetRole(OrganizationRole::Admin);
    if let Some(why) = membership_change_refused(
        is_admin,
        usize::try_from(admins).unwrap_or(usize::MAX),
        demoting_or_removing,
    ) {
        return Err(AppError::Conflict(why.to_owned()));
    }
    let (organization, role) = match change {
        MemberChange::SetRole(role) => (Some(org), Some(role.as_str().to_owned())),
        MemberChange::Remove => (None, None),
    };
    user::Entity::update_many()
        .col_expr(user::Column::OrganizationId, Expr::value(organization))
        .col_expr(user::Column::OrganizationRole, Expr::value(role))
        .col_expr(user::Column::UpdatedAt, Expr::value(state.clock.now()))
        .filter(user::Column::Id.eq(member.id))
        .filter(user::Column::OrganizationId.eq(org))
        .exec(&txn)
        .await?;
    let updated = user::Entity::find_by_id(member.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("organisation member"))?;
    txn.commit().await?;
    Ok(updated)
}
