//! Device models: searched by brand/model substring, created and changed by operators.

use entity::{DbDecimal, device_model};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{audit, categories::require_category};
use crate::domain::pricing::ModelFacts;
use crate::error::{AppError, AppResult};
use crate::infra::db::is_unique_violation;
use crate::services::pagination::Page;
use crate::state::AppState;

/// The key searches match and pages are ordered by: lower-cased "brand model".
pub fn search_key(brand: &str, model: &str) -> String {
    format!("{} {}", brand.trim(), model.trim()).to_lowercase()
}

/// Where a page starts: after this (search_key, id).
pub type ModelCursor = (String, Uuid);

/// Models whose "brand model" contains `search` (case-insensitive), optionally in one
/// category, ordered by name; keyset-paginated so deep pages cost the same as the first.
pub async fn search_device_models(
    conn: &impl ConnectionTrait,
    search: Option<&str>,
    category: Option<&str>,
    after: Option<ModelCursor>,
    take: u64,
) -> AppResult<Page<device_model::Model>> {
    let mut query = device_model::Entity::find();
    if let Some(term) = search.map(str::trim).filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", escape_like(&term.to_lowercase()));
        query = query.filter(
            Expr::col(device_model::Column::SearchKey).like(LikeExpr::new(pattern).escape('\\')),
        );
    }
    if let Some(code) = category {
        query = query.filter(device_model::Column::CategoryCode.eq(code));
    }
    if let Some((key, id)) = after {
        query = query.filter(
            Condition::any()
                .add(device_model::Column::SearchKey.gt(key.clone()))
                .add(
                    Condition::all()
                        .add(device_model::Column::SearchKey.eq(key))
                        .add(device_model::Column::Id.gt(id)),
                ),
        );
    }
    let rows = query
        .order_by_asc(device_model::Column::SearchKey)
        .order_by_asc(device_model::Column::Id)
        .limit(take + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, take))
}

/// `%`, `_` and `\` in a search term match themselves.
fn escape_like(term: &str) -> String {
    let mut escaped = String::with_capacity(term.len());
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The models with the given ids, in one query.
pub async fn models_by_id(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> AppResult<Vec<device_model::Model>> {
    Ok(device_model::Entity::find()
        .filter(device_model::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?)
}

/// A validated model definition from an operator.
#[derive(Clone, Debug)]
pub struct ModelDefinition {
    /// Manufacturer.
    pub brand: String,
    /// Model name.
    pub model: String,
    /// Category code; must exist.
    pub category_code: String,
    /// Launch year.
    pub release_year: i32,
    /// Second-hand value of a like-new unit.
    pub resale_value: Decimal,
}

/// Creates a model (or, with `id`, replaces one); CONFLICT when brand and model are taken.
#[tracing::instrument(skip_all, fields(brand = %definition.brand, model = %definition.model))]
pub async fn save_device_model(
    state: &AppState,
    actor: Uuid,
    id: Option<Uuid>,
    definition: ModelDefinition,
) -> AppResult<device_model::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    require_category(&txn, &definition.category_code, "input.categoryCode").await?;
    let (mut row, previous) = match id {
        Some(id) => {
            let found = device_model::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or(AppError::NotFound("device model"))?;
            (found.clone().into(), Some(found))
        }
        None => (
            device_model::ActiveModel {
                id: Set(Uuid::new_v4()),
                created_at: Set(now),
                ..Default::default()
            },
            None,
        ),
    };
    row.brand = Set(definition.brand.clone());
    row.model = Set(definition.model.clone());
    row.category_code = Set(definition.category_code.clone());
    row.release_year = Set(definition.release_year);
    row.resale_value = Set(DbDecimal(definition.resale_value));
    row.search_key = Set(search_key(&definition.brand, &definition.model));
    row.updated_at = Set(now);
    let saved = if previous.is_some() {
        row.update(&txn).await
    } else {
        row.insert(&txn).await
    };
    let saved = match saved {
        Ok(saved) => saved,
        Err(err) if is_unique_violation(&err) => {
            return Err(AppError::Conflict(
                "a model with this brand and name already exists".to_owned(),
            ));
        }
        Err(err) => return Err(err.into()),
    };
    let action = if previous.is_some() {
        "device_model.update"
    } else {
        "device_model.create"
    };
    let details = json!({
        "brand": saved.brand, "model": saved.model, "categoryCode": saved.category_code,
        "releaseYear": saved.release_year, "resaleValue": saved.resale_value.0.to_string(),
        "previous": previous.map(|p| json!({"resaleValue": p.resale_value.0.to_string(), "categoryCode": p.category_code})),
    });
    audit::record(
        &txn,
        actor,
        action,
        "device_model",
        &saved.id.to_string(),
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(saved)
}

/// The pricing facts of a stored model.
pub fn model_facts(model: &device_model::Model) -> ModelFacts {
    ModelFacts {
        brand: model.brand.clone(),
        model: model.model.clone(),
        release_year: model.release_year,
        resale_value: model.resale_value.0,
    }
}
