//! Partners and their API keys. A key is shown once (`rlk_` + 32 random bytes); only its
//! SHA-256 is stored, with a recognisable prefix for support.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use entity::{api_key, partner};
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::partner::{ApiScope, Scopes};
use crate::error::{AppError, AppResult};
use crate::infra::db::is_unique_violation;
use crate::infra::rate_limit::BucketPolicy;
use crate::services::Viewer;
use crate::services::catalog::audit;
use crate::state::AppState;

fn hash_key(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Creates a partner (operators), with the default rate budget.
pub async fn create_partner(
    state: &AppState,
    operator: Uuid,
    name: &str,
) -> AppResult<partner::Model> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::validation("name", "must be 1 to 120 characters"));
    }
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let created = partner::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(name.to_owned()),
        rate_capacity: Set(state.config.partners.rate_capacity),
        rate_refill_per_sec: Set(state.config.partners.rate_refill_per_sec),
        created_at: Set(now),
    }
    .insert(&txn)
    .await;
    let created = match created {
        Ok(created) => created,
        Err(err) if is_unique_violation(&err) => {
            return Err(AppError::Conflict(
                "a partner with this name exists".to_owned(),
            ));
        }
        Err(err) => return Err(err.into()),
    };
    audit::record(
        &txn,
        operator,
        "partner.create",
        "partner",
        &created.id.to_string(),
        json!({"name": name}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Issues a key; returns the stored row and the secret, which is never shown again.
pub async fn issue_api_key(
    state: &AppState,
    operator: Uuid,
    partner_id: Uuid,
    name: &str,
    scopes: &[ApiScope],
) -> AppResult<(api_key::Model, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::validation("name", "must be 1 to 120 characters"));
    }
    if scopes.is_empty() {
        return Err(AppError::validation(
            "scopes",
            "must name at least one scope",
        ));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("rlk_{}", URL_SAFE_NO_PAD.encode(bytes));
    let prefix: String = secret.chars().take(12).collect();
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    partner::Entity::find_by_id(partner_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("partner"))?;
    let names: Vec<&str> = Scopes::of(scopes)
        .to_vec()
        .iter()
        .map(|s| s.as_str())
        .collect();
    let key = api_key::ActiveModel {
        id: Set(Uuid::new_v4()),
        partner_id: Set(partner_id),
        name: Set(name.to_owned()),
        prefix: Set(prefix),
        key_hash: Set(hash_key(&secret)),
        scopes: Set(json!(names)),
        created_at: Set(now),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        operator,
        "api_key.issue",
        "api_key",
        &key.id.to_string(),
        json!({"partnerId": partner_id, "scopes": names}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok((key, secret))
}

/// Revokes a key (operators); requests with it are UNAUTHENTICATED from now on.
pub async fn revoke_api_key(
    state: &AppState,
    operator: Uuid,
    key_id: Uuid,
) -> AppResult<api_key::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let key = api_key::Entity::find_by_id(key_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("API key"))?;
    api_key::Entity::update_many()
        .col_expr(api_key::Column::RevokedAt, Expr::value(now))
        .filter(api_key::Column::Id.eq(key.id))
        .filter(api_key::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    audit::record(
        &txn,
        operator,
        "api_key.revoke",
        "api_key",
        &key.id.to_string(),
        json!({}),
        now,
    )
    .await?;
    let key = api_key::Entity::find_by_id(key.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("API key"))?;
    txn.commit().await?;
    Ok(key)
}

/// A partner's keys (never their secrets).
pub async fn list_api_keys(
    conn: &impl ConnectionTrait,
    partner_id: Uuid,
) -> AppResult<Vec<api_key::Model>> {
    Ok(api_key::Entity::find()
        .filter(api_key::Column::PartnerId.eq(partner_id))
        .order_by_asc(api_key::Column::CreatedAt)
        .all(conn)
        .await?)
}

/// A request authenticated with an API key.
#[derive(Clone, Copy, Debug)]
pub struct ApiKeyAuth {
    /// The viewer the request runs as.
    pub viewer: Viewer,
    /// The key's cost budget (the partner's).
    pub budget: BucketPolicy,
}

/// The partner behind `secret`, or None for an unknown or revoked key.
pub async fn authenticate_key(state: &AppState, secret: &str) -> AppResult<Option<ApiKeyAuth>> {
    let Some(key) = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash_key(secret.trim())))
        .filter(api_key::Column::RevokedAt.is_null())
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(owner) = partner::Entity::find_by_id(key.partner_id)
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    // Last use, for operators: written at most once a minute per key.
    let now = state.clock.now();
    if key
        .last_used_at
        .is_none_or(|at| now - at > chrono::Duration::minutes(1))
    {
        let txn = state.begin_write().await?;
        api_key::Entity::update_many()
            .col_expr(api_key::Column::LastUsedAt, Expr::value(now))
            .filter(api_key::Column::Id.eq(key.id))
            .exec(&txn)
            .await?;
        txn.commit().await?;
    }
    let names: Vec<String> = serde_json::from_value(key.scopes.clone()).unwrap_or_default();
    let scopes: Vec<ApiScope> = names.iter().filter_map(|n| n.parse().ok()).collect();
    Ok(Some(ApiKeyAuth {
        viewer: Viewer::Partner {
            partner_id: owner.id,
            key_id: key.id,
            scopes: Scopes::of(&scopes),
        },
        budget: BucketPolicy {
            capacity: owner.rate_capacity,
            refill_per_sec: owner.rate_refill_per_sec,
        },
    }))
}

/// Changes a partner's cost budget (operators, audited); applies to its next requests.
pub async fn set_rate_limit(
    state: &AppState,
    operator: Uuid,
    partner_id: Uuid,
    capacity: f64,
    refill_per_sec: f64,
) -> AppResult<partner::Model> {
    if !(1.0..=1_000_000.0).contains(&capacity) {
        return Err(AppError::validation(
            "capacity",
            "must be between 1 and 1000000",
        ));
    }
    if !(0.01..=100_000.0).contains(&refill_per_sec) {
        return Err(AppError::validation(
            "refillPerSec",
            "must be between 0.01 and 100000",
        ));
    }
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let found = partner::Entity::find_by_id(partner_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("partner"))?;
    let mut row: partner::ActiveModel = found.into();
    row.rate_capacity = Set(capacity);
    row.rate_refill_per_sec = Set(refill_per_sec);
    let saved = row.update(&txn).await?;
    audit::record(
        &txn,
        operator,
        "partner.rate_limit",
        "partner",
        &partner_id.to_string(),
        json!({"capacity": capacity, "refillPerSec": refill_per_sec}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}
