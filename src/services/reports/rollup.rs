//! Keeps the report rollups, always inside the caller's transaction: `completePickup`
//! adds its items' contributions, `receiveTransfer` moves accepted items to the
//! facility's bucket, `recordProcessing` swaps estimated materials for measured ones.
//! Each change is one `INSERT … ON CONFLICT DO UPDATE SET x = x + excluded.x`, so
//! concurrent writers to one bucket each add to what the other wrote, on PostgreSQL and
//! SQLite alike, and the rollups commit or roll back with the write that changed them.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use entity::{category, custody_item, order_line, pickup_order, quote, report_item_fact};
use rust_decimal::Decimal;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, Value};
use serde_json::json;
use uuid::Uuid;

use crate::domain::pricing::{PricingItem, PricingRules, PricingUnit};
use crate::domain::report::deltas::{self, Delta};
use crate::domain::report::{
    Bucket, Contribution, ItemFacts, LineFacts, Measures, OrderFacts, contributions,
    estimate_materials, month_of, to_micro,
};
use crate::error::{AppError, AppResult};
use crate::services::quotes::priced_with;

/// Adds a completed order's items (just created by intake) to the rollups.
pub async fn on_completion(
    conn: &impl ConnectionTrait,
    tz: Tz,
    order: &pickup_order::Model,
    payout: Decimal,
    items: &[custody_item::Model],
    at: DateTime<Utc>,
) -> AppResult<()> {
    let (Some(collector), false) = (order.collector_id, items.is_empty()) else {
        return Ok(());
    };
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .all(conn)
        .await?;
    let rules = rules_of(conn, order).await?;
    let factors = co2e_factors(conn, items).await?;
    let priced: HashMap<Uuid, Option<PricingItem>> = lines
        .iter()
        .map(|l| {
            let item = l.item.get("priced").cloned();
            (l.id, item.and_then(|i| serde_json::from_value(i).ok()))
        })
        .collect();
    let facts = OrderFacts {
        day: at
            .with_timezone(&tz)
            .date_naive()
            .format("%Y-%m-%d")
            .to_string(),
        area: order.service_area_id,
        collector,
        organization: order.organization_id.unwrap_or_default(),
        partner: order.partner_id.unwrap_or_default(),
        payout,
        logistics_fee: order.logistics_fee.0,
    };
    let line_facts: Vec<LineFacts> = lines
        .iter()
        .map(|l| LineFacts {
            id: l.id,
            amount: l.final_amount.unwrap_or(l.quoted_amount).0,
        })
        .collect();
    let item_facts: Vec<ItemFacts> = items
        .iter()
        .map(|i| {
            let weight_kg = i.weight_kg.map_or(Decimal::ZERO, |kg| kg.0);
            let estimated_materials = priced
                .get(&i.order_line_id)
                .and_then(Option::as_ref)
                .map(|p| expected_materials(p, &rules, weight_kg))
                .unwrap_or_default();
            ItemFacts {
                id: i.id,
                line_id: i.order_line_id,
                position: i.position,
                category: i.category_code.clone(),
                weight_kg,
                weight_estimated: i.weight_estimated,
                estimated_materials,
                co2e_factor: factors.get(&i.category_code).copied(),
            }
        })
        .collect();
    let made = contributions(&facts, &line_facts, &item_facts);
    let rows = made.iter().map(|c| fact_row(order.id, c));
    report_item_fact::Entity::insert_many(rows)
        .exec_without_returning(conn)
        .await?;
    for c in &made {
        apply(conn, deltas::on_completion(c)).await?;
    }
    Ok(())
}

/// A facility accepted `item_id`: its figures move to that facility's bucket.
pub async fn on_receipt(
    conn: &impl ConnectionTrait,
    item_id: Uuid,
    facility_id: Uuid,
) -> AppResult<()> {
    let Some(fact) = report_item_fact::Entity::find_by_id(item_id)
        .one(conn)
        .await?
    else {
        // Items collected before reports existed have no contribution to move.
        return Ok(());
    };
    let (moves, moved) = deltas::on_receipt(&contribution_of(&fact), facility_id);
    for delta in moves {
        apply(conn, delta).await?;
    }
    report_item_fact::Entity::update_many()
        .col_expr(
            report_item_fact::Column::FacilityId,
            Expr::value(moved.bucket.facility),
        )
        .filter(report_item_fact::Column::ItemId.eq(item_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// `item_id` was processed with `materials` (kg per material): the measured kg replace
/// its estimate.
pub async fn on_processing(
    conn: &impl ConnectionTrait,
    item_id: Uuid,
    materials: &BTreeMap<String, String>,
) -> AppResult<()> {
    let Some(fact) = report_item_fact::Entity::find_by_id(item_id)
        .one(conn)
        .await?
    else {
        return Ok(());
    };
    let measured: BTreeMap<String, i64> = materials
        .iter()
        .filter_map(|(m, kg)| Some((m.to_uppercase(), to_micro(kg.parse().ok()?))))
        .collect();
    let (delta, _) = deltas::on_processing(&contribution_of(&fact), &measured);
    apply(conn, delta).await?;
    report_item_fact::Entity::update_many()
        .col_expr(
            report_item_fact::Column::EstimatedMaterials,
            Expr::value(json!({})),
        )
        .filter(report_item_fact::Column::ItemId.eq(item_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The rules the order was priced with (battery compositions, recovery rates).
async fn rules_of(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
) -> AppResult<PricingRules> {
    let quote = quote::Entity::find_by_id(order.quote_id)
        .one(conn)
        .await?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("order {} without its quote", order.id))
        })?;
    Ok(priced_with(conn, &quote.evidence).await?.0.rules)
}

/// The CO2e factors, as the catalog has them now, of the categories of `items`: the
/// completion fixes each item's estimate, so changing a factor later does not rewrite
/// what was already reported.
async fn co2e_factors(
    conn: &impl ConnectionTrait,
    items: &[custody_item::Model],
) -> AppResult<HashMap<String, Decimal>> {
    let codes: Vec<&str> = items.iter().map(|i| i.category_code.as_str()).collect();
    Ok(category::Entity::find()
        .filter(category::Column::Code.is_in(codes))
        .all(conn)
        .await?
        .into_iter()
        .filter_map(|c| Some((c.code, c.co2e_avoided_kg_per_kg?.0)))
        .collect())
}

/// What one item of `priced` should give back, by the catalog: per piece, or per kg for
/// KG categories and batteries (whose composition is their chemistry's).
fn expected_materials(
    priced: &PricingItem,
    rules: &PricingRules,
    item_kg: Decimal,
) -> BTreeMap<String, Decimal> {
    let category = &priced.category;
    let rate = |m: &str| {
        category
            .recovery_rates
            .get(m)
            .copied()
            .unwrap_or_else(|| rules.recovery_rate(m))
    };
    // Processing records name materials in capitals (COPPER); the catalog in lower case.
    let estimate = match &priced.battery {
        Some(battery) => rules
            .battery
            .compositions
            .get(&battery.chemistry)
            .map(|c| estimate_materials(c, item_kg, rate))
            .unwrap_or_default(),
        None if category.pricing_unit == PricingUnit::Kg => {
            estimate_materials(&category.materials, item_kg, rate)
        }
        None => estimate_materials(&category.materials, Decimal::ONE, rate),
    };
    estimate
        .into_iter()
        .map(|(material, kg)| (material.to_uppercase(), kg))
        .collect()
}

fn fact_row(order_id: Uuid, c: &Contribution) -> report_item_fact::ActiveModel {
    let m = c.measures;
    report_item_fact::ActiveModel {
        item_id: Set(c.item_id),
        order_id: Set(order_id),
        day: Set(c.bucket.day.clone()),
        service_area_id: Set(c.bucket.area),
        category_code: Set(c.bucket.category.clone()),
        collector_id: Set(c.bucket.collector),
        facility_id: Set(c.bucket.facility),
        organization_id: Set(c.bucket.organization),
        partner_id: Set(c.bucket.partner),
        orders: Set(m.orders),
        items: Set(m.items),
        measured_kg: Set(m.measured_kg),
        estimated_kg: Set(m.estimated_kg),
        payout: Set(m.payout),
        disposal_fees: Set(m.disposal_fees),
        logistics_fees: Set(m.logistics_fees),
        co2e_kg: Set(m.co2e_kg),
        estimated_materials: Set(json!(c.estimated_materials)),
    }
}

fn contribution_of(fact: &report_item_fact::Model) -> Contribution {
    Contribution {
        item_id: fact.item_id,
        bucket: Bucket {
            day: fact.day.clone(),
            area: fact.service_area_id,
            category: fact.category_code.clone(),
            collector: fact.collector_id,
            facility: fact.facility_id,
            organization: fact.organization_id,
            partner: fact.partner_id,
        },
        measures: Measures {
            orders: fact.orders,
            items: fact.items,
            measured_kg: fact.measured_kg,
            estimated_kg: fact.estimated_kg,
            payout: fact.payout,
            disposal_fees: fact.disposal_fees,
            logistics_fees: fact.logistics_fees,
            co2e_kg: fact.co2e_kg,
        },
        estimated_materials: serde_json::from_value(fact.estimated_materials.clone())
            .unwrap_or_default(),
    }
}

/// How much of a bucket a rollup table keeps in its key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Granularity {
    /// Every dimension and both scope columns.
    Full,
    /// Without collector and facility: reports grouped by neither, scoped to an
    /// organisation or a partner, cost nothing per collector.
    Owners,
    /// Day, area and category only: operators' reports grouped by neither collector nor
    /// facility read at most areas × categories × days rows.
    Area,
    /// Month, area and category: the same reports over whole months read at most areas ×
    /// categories rows a month.
    Month,
}

/// The granularities every change is written to.
const TABLES: [(&str, &str, Granularity); 4] = [
    (
        "report_rollups",
        "report_material_rollups",
        Granularity::Full,
    ),
    (
        "report_day_rollups",
        "report_day_material_rollups",
        Granularity::Owners,
    ),
    (
        "report_area_rollups",
        "report_area_material_rollups",
        Granularity::Area,
    ),
    (
        "report_month_rollups",
        "report_month_material_rollups",
        Granularity::Month,
    ),
];

/// The key columns and values of `bucket` at `granularity`.
fn key(bucket: &Bucket, granularity: Granularity) -> Vec<(&'static str, Value)> {
    let when = if granularity == Granularity::Month {
        ("month", Value::from(month_of(&bucket.day).to_owned()))
    } else {
        ("day", Value::from(bucket.day.clone()))
    };
    let mut key = vec![
        when,
        ("service_area_id", Value::from(bucket.area)),
        ("category_code", Value::from(bucket.category.clone())),
    ];
    if matches!(granularity, Granularity::Full | Granularity::Owners) {
        key.push(("organization_id", Value::from(bucket.organization)));
        key.push(("partner_id", Value::from(bucket.partner)));
    }
    if granularity == Granularity::Full {
        key.push(("collector_id", Value::from(bucket.collector)));
        key.push(("facility_id", Value::from(bucket.facility)));
    }
    key
}

/// `INSERT INTO table (key…, sums…) VALUES (…) ON CONFLICT (key…) DO UPDATE SET
/// sum = table.sum + excluded.sum, …`.
async fn upsert(
    conn: &impl ConnectionTrait,
    table: &'static str,
    key: Vec<(&'static str, Value)>,
    sums: &[(&'static str, i64)],
) -> AppResult<()> {
    let mut columns: Vec<Alias> = key.iter().map(|(c, _)| Alias::new(*c)).collect();
    columns.extend(sums.iter().map(|(c, _)| Alias::new(*c)));
    let mut values: Vec<Expr> = key.into_iter().map(|(_, v)| Expr::value(v)).collect();
    let key_columns: Vec<Alias> = columns[..values.len()].to_vec();
    values.extend(sums.iter().map(|(_, v)| Expr::value(*v)));
    let added = sums.iter().map(|(c, _)| {
        let sum = Expr::col((Alias::new(table), Alias::new(*c)))
            .add(Expr::col((Alias::new("excluded"), Alias::new(*c))));
        (Alias::new(*c), sum)
    });
    let statement = Query::insert()
        .into_table(Alias::new(table))
        .columns(columns)
        .values_panic(values)
        .on_conflict(OnConflict::columns(key_columns).values(added).to_owned())
        .to_owned();
    conn.execute(&statement).await?;
    Ok(())
}

/// Applies one delta to every granularity: the bucket's figures, then each material's.
async fn apply(conn: &impl ConnectionTrait, delta: Delta) -> AppResult<()> {
    let m = delta.measures;
    let sums = [
        ("orders", m.orders),
        ("items", m.items),
        ("measured_kg", m.measured_kg),
        ("estimated_kg", m.estimated_kg),
        ("payout", m.payout),
        ("disposal_fees", m.disposal_fees),
        ("logistics_fees", m.logistics_fees),
        ("co2e_kg", m.co2e_kg),
    ];
    for (figures, materials, granularity) in TABLES {
        if m != Measures::default() {
            upsert(conn, figures, key(&delta.bucket, granularity), &sums).await?;
        }
        for (material, estimated, kg) in &delta.materials {
            if *kg == 0 {
                continue;
            }
            let mut key = key(&delta.bucket, granularity);
            key.push(("material", Value::from(material.clone())));
            key.push(("estimated", Value::from(*estimated)));
            upsert(conn, materials, key, &[("kg", *kg)]).await?;
        }
    }
    Ok(())
}
