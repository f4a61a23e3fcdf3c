//! `refreshToken`: rotation with reuse detection.
//!
//! Each refresh token works once. Exchanging it marks it rotated with a conditional
//! update, so of two concurrent exchanges exactly one changes the row and wins. Presenting
//! an already-rotated token means it leaked (or a client raced itself): the whole family,
//! including the winner's new token, is revoked, as OAuth 2.0 security BCP §4.14 advises.

use entity::{refresh_token, user};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::session::{Session, hash_refresh_token, start_session};
use crate::error::{AppError, AppResult};
use crate::services::account_events::{AccountEventKind, publish_account_event};
use crate::state::AppState;

/// Exchanges `token` for a new session in the same family.
#[tracing::instrument(skip_all)]
pub async fn refresh(state: &AppState, token: &str) -> AppResult<Session> {
    let token_hash = hash_refresh_token(token);
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let rotated = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(now))
        .filter(refresh_token::Column::TokenHash.eq(token_hash.as_str()))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .filter(refresh_token::Column::RevokedAt.is_null())
        .filter(refresh_token::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(token_hash.as_str()))
        .one(&txn)
        .await?;
    let Some(row) = row else {
        return Err(AppError::Unauthenticated(
            "invalid refresh token".to_owned(),
        ));
    };
    if rotated.rows_affected == 1 {
        let user = user::Entity::find_by_id(row.user_id)
            .one(&txn)
            .await?
            .ok_or_else(|| AppError::Unauthenticated("the account no longer exists".to_owned()))?;
        let session = start_session(&txn, state, user, Some(row.family_id)).await?;
        txn.commit().await?;
        return Ok(session);
    }
    if row.rotated_at.is_some() && row.revoked_at.is_none() {
        refresh_token::Entity::update_many()
            .col_expr(refresh_token::Column::RevokedAt, Expr::value(now))
            .filter(refresh_token::Column::FamilyId.eq(row.family_id))
            .filter(refresh_token::Column::RevokedAt.is_null())
            .exec(&txn)
            .await?;
        txn.commit().await?;
        tracing::warn!(user_id = %row.user_id, family = %row.family_id, "refresh token reuse; family revoked");
        publish_account_event(state, row.user_id, AccountEventKind::TokenReuseDetected).await;
        return Err(AppError::Unauthenticated(
            "refresh token already used; this session was signed out for safety".to_owned(),
        ));
    }
    Err(AppError::Unauthenticated(
        "refresh token expired or revoked".to_owned(),
    ))
}
