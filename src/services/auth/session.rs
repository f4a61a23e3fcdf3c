//! A signed-in session: a fresh access token and a refresh token stored hashed.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use entity::{refresh_token, user};
use rand::RngCore;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::Role;
use crate::error::AppResult;
use crate::state::AppState;

/// What `register`, `login` and `refreshToken` return.
#[derive(Clone, Debug)]
pub struct Session {
    /// The signed access token.
    pub access_token: String,
    /// The opaque refresh token; only its hash is stored.
    pub refresh_token: String,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: user::Model,
}

/// The stored form of a refresh token: its SHA-256, hex-encoded. A database leak does
/// not reveal usable tokens, and 256 random bits need no slow hash.
pub(super) fn hash_refresh_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a session for `user` inside the caller's transaction. `family` continues a
/// rotation chain; None starts a new one (a login).
pub(super) async fn start_session(
    conn: &impl ConnectionTrait,
    state: &AppState,
    user: user::Model,
    family: Option<Uuid>,
) -> AppResult<Session> {
    let now = state.clock.now();
    let role = Role::from(user.role);
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let refresh_token = format!("rt_{}", URL_SAFE_NO_PAD.encode(bytes));
    let ttl =
        Duration::from_std(state.config.auth.refresh_token_ttl).map_err(anyhow::Error::from)?;
    refresh_token::ActiveModel {
        id: Set(Uuid::new_v4()),
        user_id: Set(user.id),
        family_id: Set(family.unwrap_or_else(Uuid::new_v4)),
        token_hash: Set(hash_refresh_token(&refresh_token)),
        expires_at: Set(now + ttl),
        created_at: Set(now),
        rotated_at: Set(None),
        revoked_at: Set(None),
    }
    .insert(conn)
    .await?;
    let (access_token, expires_at) = state.tokens.issue(user.id, role, now)?;
    Ok(Session {
        access_token,
        refresh_token,
        expires_at,
        user,
    })
}
