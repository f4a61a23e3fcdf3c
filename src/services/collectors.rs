//! Collector profiles: the collector fills in vehicle and certifications; an operator
//! verifies them (only verified collectors get work). Once verified, a collector's
//! changes wait for an operator's approval, and the approved profile stays in force
//! meanwhile: self-declared licences and capacity are never trusted on their own.

use entity::{DbDecimal, collector};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{Certification, Role, Vehicle};
use crate::error::{AppError, AppResult};
use crate::services::Viewer;
use crate::services::catalog::audit;
use crate::services::pagination::Page;
use crate::state::AppState;

/// A collector's own description of what they can take.
#[derive(Clone, Debug)]
pub struct Profile {
    /// Vehicle.
    pub vehicle: Vehicle,
    /// Load capacity, kg (> 0).
    pub capacity_kg: Decimal,
    /// Licences held.
    pub certifications: Vec<Certification>,
}

/// Updates the calling collector's profile: at once while unverified (verification
/// reviews it), as a pending change once verified.
pub async fn update_profile(
    state: &AppState,
    viewer: Viewer,
    profile: Profile,
) -> AppResult<collector::Model> {
    let user_id = viewer.require_role(&[Role::Collector])?;
    if profile.capacity_kg <= Decimal::ZERO || profile.capacity_kg > Decimal::new(40_000, 0) {
        return Err(AppError::validation(
            "input.capacityKg",
            "must be between 0 and 40000",
        ));
    }
    let mut certifications: Vec<&str> = profile.certifications.iter().map(|c| c.as_str()).collect();
    certifications.sort_unstable();
    certifications.dedup();
    let txn = state.begin_write().await?;
    let found = collector::Entity::find()
        .filter(collector::Column::UserId.eq(user_id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("collector profile"))?;
    let now = state.clock.now();
    let verified = found.verified;
    let mut row: collector::ActiveModel = found.into();
    if verified {
        row.pending_profile = Set(Some(json!({
            "vehicle": profile.vehicle.as_str(), "capacityKg": profile.capacity_kg.to_string(),
            "certifications": certifications, "requestedAt": now,
        })));
    } else {
        row.vehicle = Set(Some(profile.vehicle.as_str().to_owned()));
        row.capacity_kg = Set(Some(DbDecimal(profile.capacity_kg)));
        row.certifications = Set(json!(certifications));
    }
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// An operator verifies a collector (audited).
pub async fn verify(
    state: &AppState,
    operator: Uuid,
    collector_id: Uuid,
) -> AppResult<collector::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let found = collector::Entity::find_by_id(collector_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("collector"))?;
    let mut row: collector::ActiveModel = found.into();
    row.verified = Set(true);
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    audit::record(
        &txn,
        operator,
        "collector.verify",
        "collector",
        &collector_id.to_string(),
        json!({}),
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// An operator approves (the pending change becomes the profile) or rejects a
/// collector's pending profile change; audited either way. INVALID_STATE without one.
pub async fn review_profile_change(
    state: &AppState,
    operator: Uuid,
    collector_id: Uuid,
    verdict: Result<(), String>,
) -> AppResult<collector::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let found = collector::Entity::find_by_id(collector_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("collector"))?;
    let pending = found.pending_profile.clone().ok_or_else(|| {
        AppError::InvalidState("the collector has no pending profile change".to_owned())
    })?;
    let mut row: collector::ActiveModel = found.into();
    row.pending_profile = Set(None);
    row.updated_at = Set(now);
    let action = match &verdict {
        Ok(()) => {
            let capacity: Decimal = pending["capacityKg"]
                .as_str()
                .and_then(|c| c.parse().ok())
                .ok_or_else(|| {
                    AppError::Internal(anyhow::anyhow!(
                        "pending profile of {collector_id}: capacity"
                    ))
                })?;
            row.vehicle = Set(pending["vehicle"].as_str().map(str::to_owned));
            row.capacity_kg = Set(Some(DbDecimal(capacity)));
            row.certifications = Set(pending["certifications"].clone());
            "collector.profile_approve"
        }
        Err(_) => "collector.profile_reject",
    };
    let saved = row.update(&txn).await?;
    let details = json!({"change": pending, "reason": verdict.err()});
    audit::record(
        &txn,
        operator,
        action,
        "collector",
        &collector_id.to_string(),
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// Collectors by creation, optionally only (un)verified; offset-paginated for operators.
pub async fn list(
    conn: &impl ConnectionTrait,
    verified: Option<bool>,
    skip: u64,
    take: u64,
) -> AppResult<Page<collector::Model>> {
    let mut query = collector::Entity::find();
    if let Some(verified) = verified {
        query = query.filter(collector::Column::Verified.eq(verified));
    }
    let rows = query
        .order_by_asc(collector::Column::CreatedAt)
        .order_by_asc(collector::Column::Id)
        .offset(skip)
        .limit(take + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, take))
}
