//! `requestAssetListQuote`: one quote for every line of an asset list, priced exactly as
//! `requestQuote` prices an item (one piece per line), each line keeping its asset.

use entity::{asset, asset_list};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::access::AssetOwner;
use crate::domain::geo::GeoPoint;
use crate::domain::pricing::{Assessment, Condition};
use crate::domain::quote::{ItemSubject, QuoteRequest, RequestedItem};
use crate::error::{AppError, AppResult};
use crate::services::Viewer;
use crate::services::quotes::{QuoteView, Quoting, Requester, request_bulk_quote};
use crate::state::AppState;

/// Quotes the asset list `list_id` for the viewer, who must own it (NOT_FOUND
/// otherwise, like a missing list).
#[tracing::instrument(skip_all, fields(%list_id))]
pub async fn quote_asset_list(
    state: &AppState,
    quoting: &Quoting,
    viewer: Viewer,
    list_id: Uuid,
    pickup: Option<GeoPoint>,
) -> AppResult<QuoteView> {
    let owner = AssetOwner::of(&state.db, viewer).await?;
    let list = asset_list::Entity::find_by_id(list_id)
        .one(&state.db)
        .await?
        .filter(|list| owner.owns(list))
        .ok_or(AppError::NotFound("asset list"))?;
    let assets = asset::Entity::find()
        .filter(asset::Column::AssetListId.eq(list.id))
        .order_by_asc(asset::Column::LineNumber)
        .all(&state.db)
        .await?;
    let items = assets.iter().map(requested_item).collect();
    let ids = assets.iter().map(|a| a.id).collect();
    let requester = match owner {
        AssetOwner::Business { user_id, .. } => Requester::User(user_id),
        AssetOwner::Partner { partner_id } => Requester::Partner(partner_id),
    };
    let request = QuoteRequest { items, pickup };
    request_bulk_quote(state, quoting, requester, request, ids).await
}

/// The quote item of one asset: one piece of its model or category.
fn requested_item(asset: &asset::Model) -> RequestedItem {
    let subject = match asset.device_model_id {
        Some(id) => ItemSubject::Model {
            id,
            category_code: None,
        },
        None => ItemSubject::Category(asset.category_code.clone()),
    };
    let condition = asset
        .condition
        .as_deref()
        .and_then(|name| Condition::ALL.into_iter().find(|c| c.as_str() == name));
    RequestedItem {
        subject,
        quantity: 1,
        weight_kg: asset.weight_kg.map(|kg| kg.0),
        assessment: condition.map(Assessment::Condition),
        battery: None,
        serial: asset.serial_number.clone(),
    }
}
