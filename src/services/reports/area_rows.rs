//! Operators' reports from the area rollups (day × area × category) and their months:
//! the whole calendar months of the range read a row per area × category × month, the
//! days at either edge (or every day, when grouped by DAY) a row per area × category ×
//! day, both read as stored and folded into rows in memory.
//!
//! Why in memory: what the database costs here is grouping, joining and sorting, not
//! reading. On SQLite a month of day rows and their materials reads in under a
//! millisecond, while grouping them, joining the materials and sorting the result took
//! ~40 ms at 10k orders (BENCHMARKS.md). The lines read are bounded by areas × categories
//! × (months + edge days), whatever the number of orders.

use std::collections::BTreeMap;

use entity::{
    report_area_material_rollup as day_material, report_area_rollup as day_figure,
    report_month_material_rollup as month_material, report_month_rollup as month_figure,
};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::collection::{ReportFilter, ReportRow};
use crate::domain::report::{Days, Dimension, Measures, ReportRequest, Span, month_of};
use crate::error::AppResult;

/// The report's rows, ordered by key. For reports grouped by neither collector nor
/// facility and filtered by no partner (the caller checks).
pub async fn report_rows(
    conn: &impl ConnectionTrait,
    request: &ReportRequest,
    filter: &ReportFilter,
) -> AppResult<Vec<ReportRow>> {
    let span = if request.group_by.contains(&Dimension::Day) {
        // Days cannot come from months.
        Span {
            months: None,
            days: vec![Days {
                from: request.first_day,
                to: request.end_day,
            }],
        }
    } else {
        Span::of(request.first_day, request.end_day)
    };
    let mut rows = Rows::new(&request.group_by);
    if let Some((first, end)) = &span.months {
        let period = (first.as_str(), end.as_str());
        let months = Columns {
            period: month_figure::Column::Month,
            area: month_figure::Column::ServiceAreaId,
            category: month_figure::Column::CategoryCode,
        };
        rows.add_figures(read::<month_figure::Entity, _>(conn, months, period, filter).await?);
        let months = Columns {
            period: month_material::Column::Month,
            area: month_material::Column::ServiceAreaId,
            category: month_material::Column::CategoryCode,
        };
        rows.add_materials(read::<month_material::Entity, _>(conn, months, period, filter).await?);
    }
    for days in &span.days {
        let (from, to) = (day_key(days.from), day_key(days.to));
        let period = (from.as_str(), to.as_str());
        let days = Columns {
            period: day_figure::Column::Day,
            area: day_figure::Column::ServiceAreaId,
            category: day_figure::Column::CategoryCode,
        };
        rows.add_figures(read::<day_figure::Entity, _>(conn, days, period, filter).await?);
        let days = Columns {
            period: day_material::Column::Day,
            area: day_material::Column::ServiceAreaId,
            category: day_material::Column::CategoryCode,
        };
        rows.add_materials(read::<day_material::Entity, _>(conn, days, period, filter).await?);
    }
    Ok(rows.finish())
}

fn day_key(day: chrono::NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The key columns of one of the four tables: its period (day or month), area and
/// category.
struct Columns<C> {
    period: C,
    area: C,
    category: C,
}

/// The lines of `E` whose period is in `[from, to)`, narrowed by `filter`, read as `L`
/// (the period column aliased `period`).
async fn read<E, L>(
    conn: &impl ConnectionTrait,
    columns: Columns<E::Column>,
    (from, to): (&str, &str),
    filter: &ReportFilter,
) -> AppResult<Vec<L>>
where
    E: EntityTrait,
    L: FromQueryResult + Send + Sync,
{
    let mut select = E::find()
        .column_as(columns.period, "period")
        .filter(columns.period.gte(from))
        .filter(columns.period.lt(to));
    if let Some(category) = &filter.category {
        select = select.filter(columns.category.eq(category.as_str()));
    }
    if let Some(area) = filter.area {
        select = select.filter(columns.area.eq(area));
    }
    Ok(select.into_model::<L>().all(conn).await?)
}

/// A line of figures, from the day or the month rollups.
#[derive(FromQueryResult)]
struct FigureLine {
    period: String,
    service_area_id: Uuid,
    category_code: String,
    orders: i64,
    items: i64,
    measured_kg: i64,
    estimated_kg: i64,
    payout: i64,
    disposal_fees: i64,
    logistics_fees: i64,
    co2e_kg: i64,
}

/// A line of one material, from the day or the month rollups.
#[derive(FromQueryResult)]
struct MaterialLine {
    period: String,
    service_area_id: Uuid,
    category_code: String,
    material: String,
    estimated: bool,
    kg: i64,
}

/// The rows being folded, by key.
struct Rows<'a> {
    group_by: &'a [Dimension],
    by_key: BTreeMap<Vec<String>, ReportRow>,
}

impl<'a> Rows<'a> {
    fn new(group_by: &'a [Dimension]) -> Self {
        Self {
            group_by,
            by_key: BTreeMap::new(),
        }
    }

    /// The row a line of `period` (day or month), `area` and `category` adds to.
    fn at(&mut self, period: &str, area: Uuid, category: &str) -> &mut ReportRow {
        let key: Vec<String> = self
            .group_by
            .iter()
            .map(|dimension| match dimension {
                Dimension::Category => category.to_owned(),
                Dimension::Area => area.to_string(),
                Dimension::Day => period.to_owned(),
                Dimension::Month => month_of(period).to_owned(),
                // Not read from these rollups (`grouped::rollups` sends them elsewhere).
                Dimension::Collector | Dimension::Facility => String::new(),
            })
            .collect();
        self.by_key.entry(key).or_insert_with_key(|key| ReportRow {
            key: key.clone(),
            ..ReportRow::default()
        })
    }

    fn add_figures(&mut self, lines: Vec<FigureLine>) {
        for line in lines {
            let measures = Measures {
                orders: line.orders,
                items: line.items,
                measured_kg: line.measured_kg,
                estimated_kg: line.estimated_kg,
                payout: line.payout,
                disposal_fees: line.disposal_fees,
                logistics_fees: line.logistics_fees,
                co2e_kg: line.co2e_kg,
            };
            let row = self.at(&line.period, line.service_area_id, &line.category_code);
            row.measures = row.measures.plus(measures);
        }
    }

    fn add_materials(&mut self, lines: Vec<MaterialLine>) {
        for line in lines {
            self.at(&line.period, line.service_area_id, &line.category_code)
                .add_material(line.material, line.estimated, line.kg);
        }
    }

    /// The rows with any figure, ordered by key.
    fn finish(self) -> Vec<ReportRow> {
        self.by_key
            .into_values()
            .filter(|row| !row.is_empty())
            .collect()
    }
}
