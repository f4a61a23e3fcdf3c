//! Operators' reports from the area rollups (day × area × category) and their months:
//! the whole calendar months of the range read a row per area × category × month, the
//! days at either edge (or every day, when grouped by DAY) a row per area × category ×
//! day, both read as stored and folded into rows in memory.
//!
//! Why this way, measured (BENCHMARKS.md): the database's cost here is grouping, joining
//! and sorting, and the driver's is a fixed price per row handed over (on SQLite most of
//! the report's time). So the months keep a coarse report's lines few whatever the
//! number of orders, each table is read in key order without grouping, and its lines
//! come back as one JSON array rather than a row each.

use std::collections::BTreeMap;

use sea_orm::{
    AccessMode, ConnectionTrait, DbBackend, IsolationLevel, Statement, TransactionSession,
    TransactionTrait,
};
use serde::Deserialize;
use uuid::Uuid;

use super::collection::{ReportFilter, ReportRow};
use super::grouped::Binds;
use crate::domain::report::{Days, Dimension, Measures, ReportRequest, Span, month_of};
use crate::error::{AppError, AppResult};

/// The report's rows, ordered by key. For reports grouped by neither collector nor
/// facility and filtered by no partner (the caller checks).
///
/// The two to six reads share one snapshot (a read-only repeatable-read transaction on
/// PostgreSQL; on SQLite a deferred transaction reads one WAL snapshot), so a completion
/// committed meanwhile is in all of a report's figures and materials or in none.
pub async fn report_rows(
    db: &(impl ConnectionTrait + TransactionTrait),
    request: &ReportRequest,
    filter: &ReportFilter,
) -> AppResult<Vec<ReportRow>> {
    let txn = match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        // SQLite has no isolation levels to set (sea-orm warns); its reads are snapshots.
        _ => db.begin().await?,
    };
    let conn = &txn;
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
    let backend = conn.get_database_backend();
    let mut periods = Vec::new();
    if let Some((first, end)) = &span.months {
        periods.push((MONTHS, first.clone(), end.clone()));
    }
    for days in &span.days {
        periods.push((DAYS, day_key(days.from), day_key(days.to)));
    }
    for (granularity, from, to) in periods {
        let period = (from, to);
        let text = read::<Figures>(conn, backend, granularity, &period, filter).await?;
        rows.add_figures(parse(&text)?)?;
        let text = read::<Materials>(conn, backend, granularity, &period, filter).await?;
        rows.add_materials(parse(&text)?)?;
    }
    txn.commit().await?;
    Ok(rows.finish())
}

fn day_key(day: chrono::NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// A pair of rollup tables and the name of their period column.
#[derive(Clone, Copy)]
struct Granularity {
    figures: &'static str,
    materials: &'static str,
    period: &'static str,
}

const DAYS: Granularity = Granularity {
    figures: "report_area_rollups",
    materials: "report_area_material_rollups",
    period: "day",
};

const MONTHS: Granularity = Granularity {
    figures: "report_month_rollups",
    materials: "report_month_material_rollups",
    period: "month",
};

/// What is read of a granularity, and how a line of it is shaped.
trait Part {
    /// The table of `granularity` this part is in.
    fn table(granularity: Granularity) -> &'static str;
    /// The columns after period, area and category.
    fn columns() -> &'static [&'static str];
}

struct Figures;
struct Materials;

impl Part for Figures {
    fn table(granularity: Granularity) -> &'static str {
        granularity.figures
    }
    fn columns() -> &'static [&'static str] {
        &[
            "orders",
            "items",
            "measured_kg",
            "estimated_kg",
            "payout",
            "disposal_fees",
            "logistics_fees",
            "co2e_kg",
        ]
    }
}

impl Part for Materials {
    fn table(granularity: Granularity) -> &'static str {
        granularity.materials
    }
    fn columns() -> &'static [&'static str] {
        // A boolean is true/false in PostgreSQL's JSON and 1/0 in SQLite's: 1/0 in both.
        &["material", "CASE WHEN estimated THEN 1 ELSE 0 END", "kg"]
    }
}

/// The lines of `P` in `granularity` whose period is in `[from, to)`, narrowed by
/// `filter`, as one JSON array of arrays (period, area, category, then `P`'s columns):
/// one value through the driver instead of a row per line, whose per-row cost was most
/// of the report's time (BENCHMARKS.md). `[]` when there is none.
async fn read<P: Part>(
    conn: &impl ConnectionTrait,
    backend: DbBackend,
    granularity: Granularity,
    (from, to): &(String, String),
    filter: &ReportFilter,
) -> AppResult<String> {
    let mut binds = Binds::new(backend);
    let period = granularity.period;
    let mut conditions = format!(
        "{period} >= {} AND {period} < {}",
        binds.bind(from.clone()),
        binds.bind(to.clone())
    );
    if let Some(category) = &filter.category {
        conditions += &format!(" AND category_code = {}", binds.bind(category.clone()));
    }
    if let Some(area) = filter.area {
        conditions += &format!(" AND service_area_id = {}", binds.bind(area));
    }
    let (aggregate, array, area) = match backend {
        DbBackend::Postgres => ("json_agg", "json_build_array", "service_area_id::text"),
        // SQLite keeps a UUID as 16 bytes; JSON wants text.
        _ => ("json_group_array", "json_array", "hex(service_area_id)"),
    };
    let sql = format!(
        "SELECT CAST({aggregate}({array}({period}, {area}, category_code, {})) AS TEXT) AS lines \
         FROM {} WHERE {conditions}",
        P::columns().join(", "),
        P::table(granularity)
    );
    let line = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, binds.values))
        .await?;
    // PostgreSQL aggregates no line to NULL.
    let text = match line {
        Some(line) => line.try_get::<Option<String>>("", "lines")?,
        None => None,
    };
    Ok(text.unwrap_or_else(|| "[]".to_owned()))
}

/// The lines of a JSON array read by [`read`], borrowing their strings from it.
fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> AppResult<Vec<T>> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reading a rollup: {e}")))
}

/// A line of figures, from the day or the month rollups.
#[derive(Deserialize)]
struct FigureLine<'a> {
    period: &'a str,
    area: &'a str,
    category: &'a str,
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
#[derive(Deserialize)]
struct MaterialLine<'a> {
    period: &'a str,
    area: &'a str,
    category: &'a str,
    material: &'a str,
    estimated: u8,
    kg: i64,
}

/// An area id as either backend writes it in JSON (hex digits, with or without hyphens),
/// in the report's form.
fn area_key(text: &str) -> AppResult<String> {
    Uuid::parse_str(text)
        .map(|id| id.to_string())
        .map_err(|e| AppError::Internal(anyhow::anyhow!("a rollup's area id: {e}")))
}

/// The rows being folded, by key.
struct Rows<'a> {
    group_by: &'a [Dimension],
    by_key: BTreeMap<Vec<String>, ReportRow>,
    /// The last line's bucket (period, area, category) and its row's key: a bucket's
    /// lines come together (each table is read in key order), so most lines reuse it.
    last: Option<([String; 3], Vec<String>)>,
}

impl<'a> Rows<'a> {
    fn new(group_by: &'a [Dimension]) -> Self {
        Self {
            group_by,
            by_key: BTreeMap::new(),
            last: None,
        }
    }

    /// The row a line of `period` (day or month), `area` and `category` adds to.
    fn at(&mut self, period: &str, area: &str, category: &str) -> AppResult<&mut ReportRow> {
        let same = self.last.as_ref().is_some_and(|(bucket, _)| {
            bucket[0] == period && bucket[1] == area && bucket[2] == category
        });
        if !same {
            let area_id = area_key(area)?;
            let key: Vec<String> = self
                .group_by
                .iter()
                .map(|dimension| match dimension {
                    Dimension::Category => category.to_owned(),
                    Dimension::Area => area_id.clone(),
                    Dimension::Day => period.to_owned(),
                    Dimension::Month => month_of(period).to_owned(),
                    // Not read from these rollups (`grouped::rollups` sends them elsewhere).
                    Dimension::Collector | Dimension::Facility => String::new(),
                })
                .collect();
            let bucket = [period.to_owned(), area.to_owned(), category.to_owned()];
            self.last = Some((bucket, key));
        }
        let key = &self.last.as_ref().expect("set above").1;
        if !self.by_key.contains_key(key) {
            let row = ReportRow {
                key: key.clone(),
                ..ReportRow::default()
            };
            self.by_key.insert(key.clone(), row);
        }
        Ok(self.by_key.get_mut(key).expect("inserted above"))
    }

    fn add_figures(&mut self, lines: Vec<FigureLine<'_>>) -> AppResult<()> {
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
            let row = self.at(line.period, line.area, line.category)?;
            row.measures = row.measures.plus(measures);
        }
        Ok(())
    }

    fn add_materials(&mut self, lines: Vec<MaterialLine<'_>>) -> AppResult<()> {
        for line in lines {
            self.at(line.period, line.area, line.category)?
                .add_material(line.material, line.estimated != 0, line.kg);
        }
        Ok(())
    }

    /// The rows with any figure, ordered by key.
    fn finish(self) -> Vec<ReportRow> {
        self.by_key
            .into_values()
            .filter(|row| !row.is_empty())
            .collect()
    }
}
