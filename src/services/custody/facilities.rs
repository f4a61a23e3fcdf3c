//! Facilities: operators create them; collectors pick one to hand over to; staff join
//! one with its invite code.

use chrono::{DateTime, Utc};
use entity::{category, facility};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::access::Custodian;
use crate::domain::Certification;
use crate::domain::address::{Address, required_text};
use crate::error::{AppError, AppResult};
use crate::services::orders::Party;
use crate::services::pagination::{Page, after_desc};

/// A facility to create, checked field by field (categories not yet against the catalog).
#[derive(Clone, Debug)]
pub struct NewFacility {
    /// Display name.
    pub name: String,
    /// The operating permit's number.
    pub permit_number: String,
    /// Where it is.
    pub address: Address,
    /// Category codes it takes.
    pub accepted_categories: Vec<String>,
    /// Certifications it holds.
    pub certifications: Vec<Certification>,
}

impl NewFacility {
    /// Checks the texts and lists (errors name `input.<field>`).
    pub fn checked(self) -> AppResult<Self> {
        let name =
            required_text(&self.name, 200).map_err(|e| AppError::validation("input.name", e.0))?;
        let permit_number = required_text(&self.permit_number, 100)
            .map_err(|e| AppError::validation("input.permitNumber", e.0))?;
        if self.accepted_categories.is_empty() {
            return Err(AppError::validation(
                "input.acceptedCategories",
                "name at least one category",
            ));
        }
        let mut categories: Vec<String> = self
            .accepted_categories
            .iter()
            .map(|c| c.trim().to_uppercase())
            .collect();
        categories.sort();
        categories.dedup();
        let mut certifications = self.certifications;
        certifications.sort();
        certifications.dedup();
        Ok(Self {
            name,
            permit_number,
            accepted_categories: categories,
            certifications,
            ..self
        })
    }
}

/// Creates a facility (operators only) with a fresh invite code.
pub async fn create(
    conn: &impl ConnectionTrait,
    viewer: Custodian,
    request: NewFacility,
    now: DateTime<Utc>,
) -> AppResult<facility::Model> {
    if !matches!(viewer, Custodian::Party(Party::Operator { .. })) {
        return Err(AppError::Forbidden);
    }
    let request = request.checked()?;
    let known: Vec<String> = category::Entity::find()
        .filter(category::Column::Code.is_in(request.accepted_categories.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| c.code)
        .collect();
    if let Some((index, unknown)) = request
        .accepted_categories
        .iter()
        .enumerate()
        .find(|(_, code)| !known.contains(code))
    {
        return Err(AppError::validation(
            format!("input.acceptedCategories[{index}]"),
            format!("{unknown} is not a known category"),
        ));
    }
    let mut code = [0u8; 12];
    rand::rng().fill_bytes(&mut code);
    let certifications: Vec<&str> = request.certifications.iter().map(|c| c.as_str()).collect();
    Ok(facility::ActiveModel {
        id: Set(Uuid::new_v4()),
        name: Set(request.name),
        permit_number: Set(request.permit_number),
        address_line1: Set(request.address.line1),
        address_line2: Set(request.address.line2),
        city: Set(request.address.city),
        postal_code: Set(request.address.postal_code),
        latitude: Set(request.address.location.latitude),
        longitude: Set(request.address.location.longitude),
        accepted_categories: Set(json!(request.accepted_categories)),
        certifications: Set(json!(certifications)),
        invite_code: Set(format!("fac_{}", hex::encode(code))),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(conn)
    .await?)
}

/// Whether the viewer may list facilities: operators, collectors (to choose where to
/// hand over) and facility staff.
fn may_list(viewer: &Custodian) -> bool {
    matches!(
        viewer,
        Custodian::Staff { .. }
            | Custodian::Party(Party::Operator { .. } | Party::Collector { .. })
    )
}

/// Facilities, newest first.
pub async fn list(
    conn: &impl ConnectionTrait,
    viewer: Custodian,
    take: u64,
    after: Option<(DateTime<Utc>, Uuid)>,
) -> AppResult<Page<facility::Model>> {
    if !may_list(&viewer) {
        return Err(AppError::Forbidden);
    }
    let mut query = facility::Entity::find();
    if let Some(cursor) = after {
        query = query.filter(after_desc(
            facility::Column::CreatedAt,
            facility::Column::Id,
            cursor,
        ));
    }
    let rows = query
        .order_by_desc(facility::Column::CreatedAt)
        .order_by_desc(facility::Column::Id)
        .limit(take + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, take))
}

/// A facility by id, NOT_FOUND when absent.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<facility::Model> {
    facility::Entity::find_by_id(id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("facility"))
}

/// The facility's accepted category codes.
pub fn accepted_categories(facility: &facility::Model) -> Vec<String> {
    strings(&facility.accepted_categories)
}

/// The facility's certification names.
pub fn certifications(facility: &facility::Model) -> Vec<String> {
    strings(&facility.certifications)
}

fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
