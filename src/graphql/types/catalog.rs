//! Catalog outputs: device models, material prices, service areas, audit entries.

use async_graphql::{ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{audit_entry, device_model, material_price, service_area};

use super::decimal::DecimalString;
use super::geo::GeoPoint;

/// A known device model.
pub struct DeviceModel(pub device_model::Model);

/// A known device model.
#[Object]
impl DeviceModel {
    /// The model id; quote it with `deviceModelId`.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Manufacturer, e.g. "Apple".
    async fn brand(&self) -> &str {
        &self.0.brand
    }

    /// Model name, e.g. "iPhone 13".
    async fn model(&self) -> &str {
        &self.0.model
    }

    /// Category code, e.g. `SMARTPHONE`.
    async fn category_code(&self) -> &str {
        &self.0.category_code
    }

    /// Launch year; ages the resale value.
    async fn release_year(&self) -> i32 {
        self.0.release_year
    }

    /// Reference second-hand value of a like-new unit.
    async fn resale_value(&self) -> DecimalString {
        DecimalString::from(self.0.resale_value.0)
    }
}

/// The price of a recovered material from a date on.
#[derive(SimpleObject)]
pub struct MaterialPrice {
    /// The price point's id.
    pub id: ID,
    /// Material name, e.g. `copper`.
    pub material: String,
    /// Price per kg, in the service currency.
    pub price_per_kg: DecimalString,
    /// From when it applies.
    pub effective_from: DateTime<Utc>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
}

impl From<material_price::Model> for MaterialPrice {
    fn from(row: material_price::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            material: row.material,
            price_per_kg: row.price_per_kg.0.into(),
            effective_from: row.effective_from,
            created_at: row.created_at,
        }
    }
}

/// A region reloop serves.
#[derive(SimpleObject)]
pub struct ServiceArea {
    /// The area id.
    pub id: ID,
    /// Name, e.g. "Shanghai Central".
    pub name: String,
    /// City.
    pub city: String,
    /// Centre of the area.
    pub center: GeoPoint,
    /// Radius around the centre, km.
    pub radius_km: f64,
    /// IANA time zone of the service hours, e.g. `Asia/Shanghai`.
    pub time_zone: String,
    /// Opening time in the area's time zone, `HH:MM`; pickup windows start no earlier.
    pub opens: String,
    /// Closing time in the area's time zone, `HH:MM` (`24:00` is midnight at the day's
    /// end); pickup windows end no later, on the day they start.
    pub closes: String,
}

impl From<service_area::Model> for ServiceArea {
    fn from(row: service_area::Model) -> Self {
        let hh_mm = |minutes: i32| format!("{:02}:{:02}", minutes / 60, minutes % 60);
        Self {
            id: ID(row.id.to_string()),
            name: row.name,
            city: row.city,
            center: GeoPoint {
                latitude: row.center_latitude,
                longitude: row.center_longitude,
            },
            radius_km: row.radius_km,
            opens: hh_mm(row.opens_minute),
            closes: hh_mm(row.closes_minute),
            time_zone: row.time_zone,
        }
    }
}

/// One audited change to the catalog or prices.
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// Entry id.
    pub id: ID,
    /// The operator who made the change.
    pub actor_user_id: ID,
    /// What was done, e.g. `material_price.set`.
    pub action: String,
    /// The kind of object changed.
    pub entity_type: String,
    /// The object changed.
    pub entity_id: String,
    /// The new (and previous) values, as JSON.
    pub details: String,
    /// When.
    pub at: DateTime<Utc>,
}

impl From<audit_entry::Model> for AuditEntry {
    fn from(row: audit_entry::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            actor_user_id: ID(row.actor_user_id.to_string()),
            action: row.action,
            entity_type: row.entity_type,
            entity_id: row.entity_id,
            details: row.details.to_string(),
            at: row.at,
        }
    }
}
