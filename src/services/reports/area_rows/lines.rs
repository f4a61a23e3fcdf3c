//! Reading the area and month rollups: which tables, which lines, and how they come
//! through the driver (one JSON array on SQLite, plain rows on PostgreSQL).

use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement};
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::services::reports::collection::ReportFilter;
use crate::services::reports::grouped::Binds;

/// A pair of rollup tables and the name of their period column.
#[derive(Clone, Copy)]
pub(super) struct Granularity {
    figures: &'static str,
    materials: &'static str,
    period: &'static str,
}

pub(super) const DAYS: Granularity = Granularity {
    figures: "report_area_rollups",
    materials: "report_area_material_rollups",
    period: "day",
};

pub(super) const MONTHS: Granularity = Granularity {
    figures: "report_month_rollups",
    materials: "report_month_material_rollups",
    period: "month",
};

/// What is read of a granularity, and how a line of it is shaped.
pub(super) trait Part {
    /// A line, with its strings owned.
    type Line;
    /// The table of `granularity` this part is in.
    fn table(granularity: Granularity) -> &'static str;
    /// The columns after period, area and category.
    fn columns() -> &'static [&'static str];
    /// A line from a row of the columns period, area, category and [`Part::columns`].
    fn line(row: &QueryResult) -> Result<Self::Line, sea_orm::DbErr>;
}

pub(super) struct Figures;
pub(super) struct Materials;

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
pub(super) async fn read_json<P: Part>(
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
pub(super) async fn read_rows<P: Part>(
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
pub(super) fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> AppResult<Vec<T>> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("reading a rollup: {e}")))
}

/// A line of figures, from the day or the month rollups; its strings borrowed from the
/// JSON read (`S` = `&str`) or owned (`String`).
#[derive(Deserialize)]
pub(super) struct FigureLine<S> {
    pub(super) period: S,
    pub(super) area: S,
    pub(super) category: S,
    pub(super) orders: i64,
    pub(super) items: i64,
    pub(super) measured_kg: i64,
    pub(super) estimated_kg: i64,
    pub(super) payout: i64,
    pub(super) disposal_fees: i64,
    pub(super) logistics_fees: i64,
    pub(super) co2e_kg: i64,
}

/// A line of one material, from the day or the month rollups (strings as in
/// [`FigureLine`]).
#[derive(Deserialize)]
pub(super) struct MaterialLine<S> {
    pub(super) period: S,
    pub(super) area: S,
    pub(super) category: S,
    pub(super) material: S,
    pub(super) estimated: u8,
    pub(super) kg: i64,
}
