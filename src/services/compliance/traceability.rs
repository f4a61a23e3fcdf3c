//! The traceability export for the national platform: one CSV row per battery custody
//! event in a period, oldest first, read in pages by `(at, item, sequence)` so a long
//! period streams.
//!
//! GB/T 34014 codes are also split into their segments; the raw code is always there.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{custody_event, custody_item, facility, pickup_order};
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::domain::compliance::ReportPeriod;
use crate::domain::custody::CustodyStep;
use crate::domain::trace_code::{TraceCode, TraceScheme};
use crate::error::{AppError, AppResult};

/// Rows read per page of the HTTP export.
pub const PAGE: u64 = 500;

/// The CSV header, in column order.
pub const HEADER: &[&str] = &[
    "trace_code",
    "code_manufacturer",
    "code_product_type",
    "code_battery_type",
    "code_specification",
    "code_traceability",
    "code_production_date",
    "code_serial",
    "event_step",
    "event_time",
    "event_date",
    "device_time",
    "event_sequence",
    "outcome",
    "collector_id",
    "facility_permit_number",
    "facility_name",
    "transfer_number",
    "weight_kg",
    "weight_measured",
    "item_id",
    "order_number",
    "category_code",
    "chemistry",
    "event_hash",
];

/// Where the next page starts: the last row's (time, item, sequence). Events of one
/// transaction share their time; the item's sequence keeps them in chain order.
pub type Cursor = (DateTime<Utc>, Uuid, i32);

/// Up to `limit` rows after `after`, and the cursor after the last (None at the end).
pub async fn page(
    conn: &impl ConnectionTrait,
    period: ReportPeriod,
    tz: Tz,
    after: Option<Cursor>,
    limit: u64,
) -> AppResult<(Vec<Vec<String>>, Option<Cursor>)> {
    let events = battery_events(conn, period, after, limit).await?;
    let next = (events.len() as u64 == limit)
        .then(|| events.last().map(|e| (e.at, e.item_id, e.sequence)))
        .flatten();
    let parties = Parties::load(conn, &events).await?;
    let rows = events.iter().filter_map(|e| parties.row(e, tz)).collect();
    Ok((rows, next))
}

/// The header and `rows` as CSV text.
pub fn encode(rows: &[Vec<String>], header: bool) -> AppResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    if header {
        writer.write_record(HEADER).map_err(csv_error)?;
    }
    for row in rows {
        writer.write_record(row).map_err(csv_error)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("flushing CSV: {e}")))
}

fn csv_error(err: csv::Error) -> AppError {
    AppError::Internal(anyhow::Error::new(err).context("writing CSV"))
}

/// Events of battery items in `period` after `after`, oldest first.
async fn battery_events(
    conn: &impl ConnectionTrait,
    period: ReportPeriod,
    after: Option<Cursor>,
    limit: u64,
) -> AppResult<Vec<custody_event::Model>> {
    use custody_event::Column;
    let batteries = Query::select()
        .column(custody_item::Column::Id)
        .from(custody_item::Entity)
        .and_where(custody_item::Column::BatteryStatus.is_not_null())
        .to_owned();
    let mut query = custody_event::Entity::find()
        .filter(Column::At.gte(period.from))
        .filter(Column::At.lt(period.to))
        .filter(Column::ItemId.in_subquery(batteries));
    if let Some((at, item_id, sequence)) = after {
        let same_item = Condition::all()
            .add(Column::ItemId.eq(item_id))
            .add(Column::Sequence.gt(sequence));
        let same_time = Condition::any()
            .add(Column::ItemId.gt(item_id))
            .add(same_item);
        query = query.filter(
            Condition::any()
                .add(Column::At.gt(at))
                .add(Condition::all().add(Column::At.eq(at)).add(same_time)),
        );
    }
    Ok(query
        .order_by_asc(Column::At)
        .order_by_asc(Column::ItemId)
        .order_by_asc(Column::Sequence)
        .limit(limit)
        .all(conn)
        .await?)
}

/// The items, facilities and orders a page of events names, read once per page.
struct Parties {
    items: HashMap<Uuid, custody_item::Model>,
    facilities: HashMap<Uuid, facility::Model>,
    orders: HashMap<Uuid, String>,
}

impl Parties {
    async fn load(conn: &impl ConnectionTrait, events: &[custody_event::Model]) -> AppResult<Self> {
        let item_ids: Vec<Uuid> = events.iter().map(|e| e.item_id).collect();
        let items: HashMap<Uuid, custody_item::Model> = custody_item::Entity::find()
            .filter(custody_item::Column::Id.is_in(item_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        let facility_ids: Vec<Uuid> = items.values().filter_map(|i| i.facility_id).collect();
        let facilities = facility::Entity::find()
            .filter(facility::Column::Id.is_in(facility_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        let order_ids: Vec<Uuid> = items.values().map(|i| i.order_id).collect();
        let orders = pickup_order::Entity::find()
            .filter(pickup_order::Column::Id.is_in(order_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o.number))
            .collect();
        Ok(Self {
            items,
            facilities,
            orders,
        })
    }

    /// The row of one event, in [`HEADER`] order.
    fn row(&self, event: &custody_event::Model, tz: Tz) -> Option<Vec<String>> {
        let item = self.items.get(&event.item_id)?;
        let step = CustodyStep::from(event.step);
        // The facility is a party from the hand-over on (the item's facility never changes).
        let facility = item
            .facility_id
            .filter(|_| step != CustodyStep::Collected)
            .and_then(|id| self.facilities.get(&id));
        let details: serde_json::Value = serde_json::from_str(&event.details).unwrap_or_default();
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let mut row = vec![item.trace_code.clone().unwrap_or_default()];
        row.extend(segments(item));
        row.extend([
            step.as_str().to_owned(),
            event.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            event.at.with_timezone(&tz).date_naive().to_string(),
            event
                .recorded_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            event.sequence.to_string(),
            text(&details["outcome"]),
            item.collector_id.map(|c| c.to_string()).unwrap_or_default(),
            facility
                .map(|f| f.permit_number.clone())
                .unwrap_or_default(),
            facility.map(|f| f.name.clone()).unwrap_or_default(),
            text(&details["transferNumber"]),
            event
                .weight_kg
                .map(|kg| kg.0.normalize().to_string())
                .unwrap_or_default(),
            match event.weight_kg {
                Some(_) if event.weight_estimated => "estimated".to_owned(),
                Some(_) => "measured".to_owned(),
                None => String::new(),
            },
            item.id.to_string(),
            self.orders.get(&item.order_id).cloned().unwrap_or_default(),
            item.category_code.clone(),
            item.chemistry.clone().unwrap_or_default(),
            event.hash.clone(),
        ]);
        Some(row)
    }
}

/// The GB/T 34014 segments of an item's code (manufacturer, product type, battery type,
/// specification, traceability, production date, serial); empty for codes of other schemes.
fn segments(item: &custody_item::Model) -> [String; 7] {
    let scheme = item
        .trace_code_scheme
        .as_deref()
        .and_then(|s| s.parse::<TraceScheme>().ok());
    let parsed = item
        .trace_code
        .as_deref()
        .and_then(|code| TraceCode::parse(code, scheme).ok())
        .and_then(|code| code.segments());
    let Some(code) = parsed else {
        return Default::default();
    };
    [
        code.manufacturer,
        code.product_type.as_str().to_owned(),
        code.battery_type,
        code.specification,
        code.traceability,
        code.manufactured_on.to_string(),
        code.serial,
    ]
}
