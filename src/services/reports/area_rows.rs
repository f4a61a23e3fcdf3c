//! Operators' reports from the area rollups (day × area × category) and their months:
//! the whole calendar months of the range read a row per area × category × month, the
//! days at either edge (or every day, when grouped by DAY) a row per area × category ×
//! day, both read as stored and folded into rows in memory.
//!
//! Why this way, measured (BENCHMARKS.md): the database's cost here is grouping, joining
//! and sorting, and the driver's is a fixed price per row handed over (on SQLite most of
//! the report's time). So the months keep a coarse report's lines few whatever the
//! number of orders, and each table is read without grouping or sorting. On SQLite its
//! lines come back as one JSON array rather than a row each (sqlx hands each row over
//! from its worker thread); on PostgreSQL as plain rows (building the JSON costs the
//! server more than sending the rows).

use std::collections::BTreeMap;

use sea_orm::{
    AccessMode, ConnectionTrait, DbBackend, IsolationLevel, QueryResult, Statement,
    TransactionSession, TransactionTrait,
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
        if backend == DbBackend::Postgres {
            rows.add_figures(read_rows::<Figures>(conn, granularity, &period, filter).await?)?;
            let materials = read_rows::<Materials>(conn, granularity, &period, filter).await?;
            rows.add_materials(materials)?;
        } else {
            let text = read_json::<Figures>(conn, granularity, &period, filter).await?;
            rows.add_figures::<&str>(parse(&text)?)?;
            let text = read_json::<Materials>(conn, granularity, &period, filter).await?;
            rows.add_materials::<&str>(parse(&text)?)?;
        }
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
    /// A line, with its strings owned.
    type Line;
    /// The table of `granularity` this part is in.
    fn table(granularity: Granularity) -> &'static str;
    /// The columns after period, area and category.
    fn columns() -> &'static [&'static str];
    /// A line from a row of the columns period, area, category and [`Part::columns`].
    fn line(row: &QueryResult) -> Result<Self::Line, sea_orm::DbErr>;
}

struct Figures;
struct Materials;

impl Part for Figures {
    type Line = FigureLine<String>;
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
    fn line(row: &QueryResult) -> Result<Self::Line, sea_orm::DbErr> {
        let amount = |at: usize| row.try_get_by_index::<i64>(at);
        Ok(FigureLine {
            period: row.try_get_by_index(0)?,
            area: row.try_get_by_index(1)?,
            category: row.try_get_by_index(2)?,
            orders: amount(3)?,
            items: amount(4)?,
            measured_kg: amount(5)?,
            estimated_kg: amount(6)?,
            payout: amount(7)?,
            disposal_fees: amount(8)?,
            logistics_fees: amount(9)?,
            co2e_kg: amount(10)?,
        })
    }
}

impl Part for Materials {
    type Line = MaterialLine<String>;
    fn table(granularity: Granularity) -> &'static str {
        granularity.materials
    }
    fn columns() -> &'static [&'static str] {
        // A boolean is true/false in PostgreSQL's JSON and 1/0 in SQLite's: 1/0 in both.
        &["material", "CASE WHEN estimated THEN 1 ELSE 0 END", "kg"]
    }
    fn line(row: &QueryResult) -> Result<Self::Line, sea_orm::DbErr> {
        Ok(MaterialLine {
            period: row.try_get_by_index(0)?,
            area: row.try_get_by_index(1)?,
            category: row.try_get_by_index(2)?,
            material: row.try_get_by_index(3)?,
            estimated: u8::from(row.try_get_by_index::<i32>(4)? != 0),
            kg: row.try_get_by_index(5)?,
        })
    }
}

/// The condition on `granularity`'s period being in `[from, to)` and on `filter`, with
/// its values bound in `binds`.
fn conditions(
    binds: &mut Binds,
    granularity: Granularity,
    (from, to): &(String, String),
    filter: &ReportFilter,
) -> String {
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
    conditions
}

/// The lines of `P` in `granularity` whose period is in `period`, narrowed by `filter`,
/// as one JSON array of arrays (period, area, category, then `P`'s columns): one value
/// through the driver instead of a row per line, whose per-row cost was most of the
/// report's time on SQLite (BENCHMARKS.md).
async fn read_json<P: Part>(
    conn: &impl ConnectionTrait,
    granularity: Granularity,
    period: &(String, String),
    filter: &ReportFilter,
) -> AppResult<String> {
    let backend = DbBackend::Sqlite;
    let mut binds = Binds::new(backend);
    let conditions = conditions(&mut binds, granularity, period, filter);
    // SQLite keeps a UUID as 16 bytes; JSON wants text.
    let sql = format!(
        "SELECT json_group_array(json_array({}, hex(service_area_id), category_code, {})) \
         AS lines FROM {} WHERE {conditions}",
        granularity.period,
        P::columns().join(", "),
        P::table(granularity)
    );
    let line = conn
        .query_one_raw(Statement::from_sql_and_values(backend, sql, binds.values))
        .await?;
    let text = match line {
        Some(line) => line.try_get::<Option<String>>("", "lines")?,
        None => None,
    };
    Ok(text.unwrap_or_else(|| "[]".to_owned()))
}

/// The same lines as [`read_json`], a row each, from PostgreSQL: its driver takes rows
/// cheaply, and it builds 7,200 lines of JSON in twice the time it sends them as rows
/// (BENCHMARKS.md).
async fn read_rows<P: Part>(
    conn: &impl ConnectionTrait,
    granularity: Granularity,
    period: &(String, String),
    filter: &ReportFilter,
) -> AppResult<Vec<P::Line>> {
    let backend = DbBackend::Postgres;
    let mut binds = Binds::new(backend);
    let conditions = conditions(&mut binds, granularity, period, filter);
    let sql = format!(
        "SELECT {}, service_area_id::text, category_code, {} FROM {} WHERE {conditions}",
        granularity.period,
        P::columns().join(", "),
        P::table(granularity)
    );
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(backend, sql, binds.values))
        .await?;
    Ok(rows.iter().map(P::line).collect::<Result<_, _>>()?)
}

/// The lines of a JSON array read by [`read_json`], borrowing their strings from it.
fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> AppResult<Vec<T>> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reading a rollup: {e}")))
}

/// A line of figures, from the day or the month rollups; its strings borrowed from the
/// JSON read (`S` = `&str`) or owned (`String`).
#[derive(Deserialize)]
struct FigureLine<S> {
    period: S,
    area: S,
    category: S,
    orders: i64,
    items: i64,
    measured_kg: i64,
    estimated_kg: i64,
    payout: i64,
    disposal_fees: i64,
    logistics_fees: i64,
    co2e_kg: i64,
}

/// A line of one material, from the day or the month rollups (strings as in
/// [`FigureLine`]).
#[derive(Deserialize)]
struct MaterialLine<S> {
    period: S,
    area: S,
    category: S,
    material: S,
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
    /// The rows, in the order they were first met.
    rows: Vec<ReportRow>,
    /// Where each key's row is in `rows`.
    index: BTreeMap<Vec<String>, usize>,
    /// The last line's bucket (period, area, category) and where its row is: a bucket's
    /// lines come together (each table is stored in key order), so most lines reuse it
    /// without looking their key up.
    last: Option<([String; 3], usize)>,
}

impl<'a> Rows<'a> {
    fn new(group_by: &'a [Dimension]) -> Self {
        Self {
            group_by,
            rows: Vec::new(),
            index: BTreeMap::new(),
            last: None,
        }
    }

    /// The row a line of `period` (day or month), `area` and `category` adds to.
    fn at(&mut self, period: &str, area: &str, category: &str) -> AppResult<&mut ReportRow> {
        let known = self.last.as_ref().and_then(|(bucket, at)| {
            (bucket[0] == period && bucket[1] == area && bucket[2] == category).then_some(*at)
        });
        let at = match known {
            Some(at) => at,
            None => {
                let at = self.row_of(self.key(period, area, category)?);
                let bucket = [period.to_owned(), area.to_owned(), category.to_owned()];
                self.last = Some((bucket, at));
                at
            }
        };
        Ok(&mut self.rows[at])
    }

    /// The key of the row a bucket adds to.
    fn key(&self, period: &str, area: &str, category: &str) -> AppResult<Vec<String>> {
        let area_id = area_key(area)?;
        Ok(self
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
            .collect())
    }

    /// Where `key`'s row is, added empty when it is new.
    fn row_of(&mut self, key: Vec<String>) -> usize {
        if let Some(at) = self.index.get(&key) {
            return *at;
        }
        let at = self.rows.len();
        self.index.insert(key.clone(), at);
        self.rows.push(ReportRow {
            key,
            ..ReportRow::default()
        });
        at
    }

    fn add_figures<S: AsRef<str>>(&mut self, lines: Vec<FigureLine<S>>) -> AppResult<()> {
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
            let row = self.at(
                line.period.as_ref(),
                line.area.as_ref(),
                line.category.as_ref(),
            )?;
            row.measures = row.measures.plus(measures);
        }
        Ok(())
    }

    fn add_materials<S: AsRef<str>>(&mut self, lines: Vec<MaterialLine<S>>) -> AppResult<()> {
        for line in lines {
            self.at(
                line.period.as_ref(),
                line.area.as_ref(),
                line.category.as_ref(),
            )?
            .add_material(line.material.as_ref(), line.estimated != 0, line.kg);
        }
        Ok(())
    }

    /// The rows with any figure, ordered by key.
    fn finish(self) -> Vec<ReportRow> {
        let mut rows: Vec<Option<ReportRow>> = self.rows.into_iter().map(Some).collect();
        self.index
            .into_values()
            .filter_map(|at| rows[at].take())
            .filter(|row| !row.is_empty())
            .collect()
    }
}
