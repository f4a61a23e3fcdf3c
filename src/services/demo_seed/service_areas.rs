//! Demo service areas: five large Chinese cities.

use chrono::{DateTime, Utc};
use entity::service_area;
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};
use uuid::Uuid;

use crate::error::AppResult;

/// Name, city, centre latitude and longitude, radius km.
const AREAS: &[(&str, &str, f64, f64, f64)] = &[
    ("Shanghai Central", "Shanghai", 31.2304, 121.4737, 30.0),
    ("Beijing Central", "Beijing", 39.9042, 116.4074, 30.0),
    ("Shenzhen", "Shenzhen", 22.5431, 114.0579, 25.0),
    ("Hangzhou", "Hangzhou", 30.2741, 120.1551, 20.0),
    ("Chengdu", "Chengdu", 30.5728, 104.0668, 25.0),
];

/// Inserts the demo areas (20 km dispatch radius, 10 pickups per slot, open 08:00–20:00
/// China Standard Time).
pub(super) async fn insert_service_areas(
    conn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<()> {
    for (name, city, latitude, longitude, radius_km) in AREAS {
        service_area::ActiveModel {
            id: Set(Uuid::new_v4()),
            name: Set((*name).to_owned()),
            city: Set((*city).to_owned()),
            center_latitude: Set(*latitude),
            center_longitude: Set(*longitude),
            radius_km: Set(*radius_km),
            max_dispatch_radius_km: Set(20.0),
            slot_capacity: Set(10),
            slot_weight_capacity_kg: Set(3000),
            time_zone: Set("Asia/Shanghai".to_owned()),
            opens_minute: Set(8 * 60),
            closes_minute: Set(20 * 60),
            created_at: Set(now),
        }
        .insert(conn)
        .await?;
    }
    Ok(())
}
