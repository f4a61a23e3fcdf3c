//! `logout`: revokes the refresh-token family of a session.

use entity::refresh_token;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::session::hash_refresh_token;
use crate::error::AppResult;
use crate::services::account_events::{AccountEventKind, publish_account_event};
use crate::state::AppState;

/// Ends the session `token` belongs to; true when a live session was ended. Idempotent:
/// an unknown or already revoked token answers false.
#[tracing::instrument(skip_all)]
pub async fn logout(state: &AppState, token: &str) -> AppResult<bool> {
    let token_hash = hash_refresh_token(token);
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash))
        .one(&txn)
        .await?
    else {
        return Ok(false);
    };
    let revoked = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
        .filter(refresh_token::Column::FamilyId.eq(row.family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    txn.commit().await?;
    let ended = revoked.rows_affected > 0;
    if ended {
        publish_account_event(state, row.user_id, AccountEventKind::SignedOut).await;
    }
    Ok(ended)
}
