//! Reports grouped in SQL: one statement of the bucket sums joined to their material
//! sums over the smallest rollups that answer, ordered by the key so each row's lines
//! arrive together ([`RowFolder`]) and the CSV export can stream them.

use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};
use uuid::Uuid;

use super::collection::{ReportFilter, ReportRow};
use super::scope::ReportScope;
use crate::domain::report::{Dimension, Measures, ReportRequest};
use crate::error::{AppError, AppResult};

/// The SQL expression of a dimension over a rollup table.
fn expression(dimension: Dimension) -> &'static str {
    match dimension {
        Dimension::Category => "category_code",
        Dimension::Area => "service_area_id",
        Dimension::Collector => "collector_id",
        Dimension::Facility => "facility_id",
        Dimension::Day => "day",
        // Both backends have substr; days are `YYYY-MM-DD`.
        Dimension::Month => "substr(day, 1, 7)",
    }
}

/// Placeholders in the backend's style, and the values they stand for.
pub struct Binds {
    backend: DbBackend,
    /// The values, in placeholder order.
    pub values: Vec<Value>,
}

impl Binds {
    /// No value bound yet.
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            values: Vec::new(),
        }
    }

    /// Binds `value`; returns its placeholder.
    pub fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }
}

/// The report's rows: [`statement`] folded by [`RowFolder`], whole.
///
/// One joined statement rather than the figures and the materials read apart and joined
/// in memory: that variant was measured and lost (a month by category × area × day at 10k
/// orders on SQLite, p50 50 ms against 40 ms; see BENCHMARKS.md), because what costs is
/// every line handed from the database driver, and apart there are more of them.
pub async fn report_rows(
    conn: &impl ConnectionTrait,
    request: &ReportRequest,
    scope: ReportScope,
    filter: &ReportFilter,
) -> AppResult<Vec<ReportRow>> {
    let statement = statement(conn.get_database_backend(), request, scope, filter)?;
    let mut folder = RowFolder::new(request.group_by.clone());
    let mut rows = Vec::new();
    for line in conn.query_all_raw(statement).await? {
        rows.extend(folder.push(&line)?);
    }
    rows.extend(folder.finish());
    Ok(rows)
}

/// The report's one statement: the bucket sums joined to their material sums, ordered by
/// the key, so each row's lines arrive together (the CSV export streams it). FORBIDDEN when
/// a non-operator filters by partner.
pub fn statement(
    backend: DbBackend,
    request: &ReportRequest,
    scope: ReportScope,
    filter: &ReportFilter,
) -> AppResult<Statement> {
    let sums = Sums::of(request, scope, filter)?;
    let mut binds = Binds::new(backend);
    let rollups = sums.figures(&mut binds);
    let materials = sums.materials(&mut binds);
    let width = request.group_by.len();
    let on: Vec<String> = (0..width).map(|i| format!("r.k{i} = m.k{i}")).collect();
    let sql = format!(
        "SELECT {}, r.orders, r.items, r.measured_kg, r.estimated_kg, r.payout, r.disposal_fees, \
         r.logistics_fees, r.co2e_kg, m.material, m.estimated, m.kg FROM ({rollups}) r LEFT JOIN ({materials}) m \
         ON {} ORDER BY {}, m.material, m.estimated",
        sums.key_list("r.k"),
        on.join(" AND "),
        sums.key_list("r.k")
    );
    Ok(Statement::from_sql_and_values(backend, sql, binds.values))
}

/// The two grouped sums a report is made of, over the rollups that answer it.
struct Sums<'a> {
    request: &'a ReportRequest,
    scope: ReportScope,
    filter: &'a ReportFilter,
    figure_table: &'static str,
    material_table: &'static str,
}

impl<'a> Sums<'a> {
    /// FORBIDDEN when a non-operator filters by partner.
    fn of(
        request: &'a ReportRequest,
        scope: ReportScope,
        filter: &'a ReportFilter,
    ) -> AppResult<Self> {
        if filter.partner.is_some() && scope != ReportScope::All {
            return Err(AppError::Forbidden);
        }
        let (figure_table, material_table) = tables(rollups(request, scope, filter));
        Ok(Self {
            request,
            scope,
            filter,
            figure_table,
            material_table,
        })
    }

    /// `k0 AS k0`-style key columns: `prefix` + index, comma-separated.
    fn key_list(&self, prefix: &str) -> String {
        let keys: Vec<String> = (0..self.request.group_by.len())
            .map(|i| format!("{prefix}{i}"))
            .collect();
        keys.join(", ")
    }

    fn select_keys(&self) -> String {
        let keys: Vec<String> = self
            .request
            .group_by
            .iter()
            .enumerate()
            .map(|(i, d)| format!("{} AS k{i}", expression(*d)))
            .collect();
        keys.join(", ")
    }

    fn group(&self) -> String {
        let group: Vec<&str> = self
            .request
            .group_by
            .iter()
            .map(|d| expression(*d))
            .collect();
        group.join(", ")
    }

    fn filters(&self, binds: &mut Binds) -> String {
        let request = self.request;
        let mut sql = format!(
            "day >= {} AND day < {}",
            binds.bind(request.first_day.format("%Y-%m-%d").to_string()),
            binds.bind(request.end_day.format("%Y-%m-%d").to_string())
        );
        if let Some((column, id)) = self.scope.column() {
            sql += &format!(" AND {column} = {}", binds.bind(id));
        }
        if let Some(category) = &self.filter.category {
            sql += &format!(" AND category_code = {}", binds.bind(category.clone()));
        }
        if let Some(area) = self.filter.area {
            sql += &format!(" AND service_area_id = {}", binds.bind(area));
        }
        if let Some(partner) = self.filter.partner {
            sql += &format!(" AND partner_id = {}", binds.bind(partner));
        }
        sql
    }

    /// The bucket sums: one line per key.
    fn figures(&self, binds: &mut Binds) -> String {
        let sums = [
            "orders",
            "items",
            "measured_kg",
            "estimated_kg",
            "payout",
            "disposal_fees",
            "logistics_fees",
            "co2e_kg",
        ]
        .map(|c| format!("CAST(SUM({c}) AS BIGINT) AS {c}"))
        .join(", ");
        format!(
            "SELECT {}, {sums} FROM {} WHERE {} GROUP BY {}",
            self.select_keys(),
            self.figure_table,
            self.filters(binds),
            self.group()
        )
    }

    /// The material sums: one line per key, material and measured/estimated.
    fn materials(&self, binds: &mut Binds) -> String {
        format!(
            "SELECT {}, material, estimated, CAST(SUM(kg) AS BIGINT) AS kg FROM {} \
             WHERE {} GROUP BY {}, material, estimated",
            self.select_keys(),
            self.material_table,
            self.filters(binds),
            self.group()
        )
    }
}

/// The rollups a report is answered from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rollups {
    /// Every dimension (collector and facility too).
    Full,
    /// Without collector and facility, with organisation and partner (the scopes of
    /// business and partner reports).
    Owners,
    /// Day × area × category (and its months): nothing needs a collector, a facility, an
    /// organisation or a partner.
    Area,
}

/// The smallest rollups that answer `request` for `scope` and `filter`.
pub fn rollups(request: &ReportRequest, scope: ReportScope, filter: &ReportFilter) -> Rollups {
    let fine = request
        .group_by
        .iter()
        .any(|d| matches!(d, Dimension::Collector | Dimension::Facility))
        || matches!(scope, ReportScope::Collector(_) | ReportScope::Facility(_));
    if fine {
        Rollups::Full
    } else if scope == ReportScope::All && filter.partner.is_none() {
        Rollups::Area
    } else {
        Rollups::Owners
    }
}

/// The figure and material tables of `rollups`.
fn tables(rollups: Rollups) -> (&'static str, &'static str) {
    match rollups {
        Rollups::Full => ("report_rollups", "report_material_rollups"),
        Rollups::Owners => ("report_day_rollups", "report_day_material_rollups"),
        Rollups::Area => ("report_area_rollups", "report_area_material_rollups"),
    }
}

/// Turns the statement's lines (one per row and material) into rows; lines of one row
/// are adjacent because the statement orders by the key.
pub struct RowFolder {
    group_by: Vec<Dimension>,
    current: Option<ReportRow>,
}

impl RowFolder {
    /// A folder for rows keyed by `group_by`.
    pub fn new(group_by: Vec<Dimension>) -> Self {
        Self {
            group_by,
            current: None,
        }
    }

    /// Takes one line; returns the previous row when this line starts a new one.
    pub fn push(&mut self, line: &QueryResult) -> AppResult<Option<ReportRow>> {
        let key = key_of(&self.group_by, line)?;
        let mut done = None;
        if self.current.as_ref().is_none_or(|row| row.key != key) {
            let measures = measures_of(line)?;
            done = self.current.replace(ReportRow {
                key,
                measures,
                ..ReportRow::default()
            });
        }
        if let Some(row) = self.current.as_mut() {
            add_material(row, line)?;
        }
        Ok(done.filter(|row| !row.is_empty()))
    }

    /// The last row.
    pub fn finish(self) -> Option<ReportRow> {
        self.current.filter(|row| !row.is_empty())
    }
}

/// A line's key: one string per dimension ("" for no collector or facility).
fn key_of(group_by: &[Dimension], line: &QueryResult) -> AppResult<Vec<String>> {
    group_by
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let column = format!("k{i}");
            Ok(match d {
                Dimension::Area | Dimension::Collector | Dimension::Facility => {
                    let id: Uuid = line.try_get("", &column)?;
                    if id.is_nil() {
                        String::new()
                    } else {
                        id.to_string()
                    }
                }
                _ => line.try_get::<String>("", &column)?,
            })
        })
        .collect()
}

/// Adds a line's material figure (if it has one) to `row`.
fn add_material(row: &mut ReportRow, line: &QueryResult) -> AppResult<()> {
    let material: Option<String> = line.try_get("", "material")?;
    if let Some(material) = material {
        row.add_material(
            &material,
            line.try_get("", "estimated")?,
            line.try_get("", "kg")?,
        );
    }
    Ok(())
}

fn measures_of(line: &QueryResult) -> AppResult<Measures> {
    let get = |c: &str| line.try_get::<i64>("", c);
    Ok(Measures {
        orders: get("orders")?,
        items: get("items")?,
        measured_kg: get("measured_kg")?,
        estimated_kg: get("estimated_kg")?,
        payout: get("payout")?,
        disposal_fees: get("disposal_fees")?,
        logistics_fees: get("logistics_fees")?,
        co2e_kg: get("co2e_kg")?,
    })
}
