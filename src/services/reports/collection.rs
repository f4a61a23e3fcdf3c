//! `collectionReport`: the rollups of `[from, to)` (whole days of the reporting time
//! zone), within the viewer's scope, grouped by the dimensions asked, with a totals row
//! that is the exact sum of the rows. One query: the bucket sums joined to their
//! material sums, ordered by the key so each row's lines arrive together and the CSV
//! export can stream them.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DbBackend, QueryResult, Statement, Value};
use uuid::Uuid;

use super::scope::ReportScope;
use crate::domain::report::{Dimension, Measures, ReportRequest};
use crate::error::{AppError, AppResult};
use crate::services::Viewer;
use crate::state::AppState;

/// Optional narrowing of a report.
#[derive(Clone, Debug, Default)]
pub struct ReportFilter {
    /// Only this category code.
    pub category: Option<String>,
    /// Only this service area.
    pub area: Option<Uuid>,
    /// Only this partner's bookings (operators).
    pub partner: Option<Uuid>,
}

/// One row: its key (one string per dimension; "" for no collector or no facility yet)
/// and its figures, in micro-units.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReportRow {
    /// As the dimensions were asked.
    pub key: Vec<String>,
    /// Counts, kg and money.
    pub measures: Measures,
    /// Micro-kg recovered per material, from processing records.
    pub materials: BTreeMap<String, i64>,
    /// Micro-kg expected per material for items not processed yet (catalog estimate).
    pub estimated_materials: BTreeMap<String, i64>,
}

impl ReportRow {
    /// Adds `other`'s figures to this row.
    pub fn add(&mut self, other: &Self) {
        self.measures = self.measures.plus(other.measures);
        for (m, kg) in &other.materials {
            *self.materials.entry(m.clone()).or_default() += kg;
        }
        for (m, kg) in &other.estimated_materials {
            *self.estimated_materials.entry(m.clone()).or_default() += kg;
        }
    }

    fn is_empty(&self) -> bool {
        self.measures == Measures::default()
            && self.materials.values().all(|kg| *kg == 0)
            && self.estimated_materials.values().all(|kg| *kg == 0)
    }
}

/// A report.
#[derive(Clone, Debug)]
pub struct CollectionReport {
    /// What was asked.
    pub request: ReportRequest,
    /// Ordered by key.
    pub rows: Vec<ReportRow>,
    /// The sum of the rows.
    pub totals: ReportRow,
}

/// The report `request` asks for, as `viewer` may see it.
#[tracing::instrument(skip_all, fields(group_by = ?request.group_by))]
pub async fn collection_report(
    state: &AppState,
    viewer: Viewer,
    request: ReportRequest,
    filter: ReportFilter,
) -> AppResult<CollectionReport> {
    let scope = ReportScope::of(&state.db, viewer).await?;
    let statement = statement(state.db.get_database_backend(), &request, scope, &filter)?;
    let mut folder = RowFolder::new(request.group_by.clone());
    let mut rows = Vec::new();
    for line in state.db.query_all_raw(statement).await? {
        rows.extend(folder.push(&line)?);
    }
    rows.extend(folder.finish());
    let mut totals = ReportRow::default();
    for row in &rows {
        totals.add(row);
    }
    Ok(CollectionReport {
        request,
        rows,
        totals,
    })
}

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
struct Binds {
    backend: DbBackend,
    values: Vec<Value>,
}

impl Binds {
    fn bind(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        match self.backend {
            DbBackend::Postgres => format!("${}", self.values.len()),
            _ => "?".to_owned(),
        }
    }
}

/// The report's one statement. FORBIDDEN when a non-operator filters by partner.
pub fn statement(
    backend: DbBackend,
    request: &ReportRequest,
    scope: ReportScope,
    filter: &ReportFilter,
) -> AppResult<Statement> {
    if filter.partner.is_some() && scope != ReportScope::All {
        return Err(AppError::Forbidden);
    }
    let mut binds = Binds {
        backend,
        values: Vec::new(),
    };
    let keys: Vec<String> = request
        .group_by
        .iter()
        .enumerate()
        .map(|(i, d)| format!("{} AS k{i}", expression(*d)))
        .collect();
    let group: Vec<&str> = request.group_by.iter().map(|d| expression(*d)).collect();
    let filters = |binds: &mut Binds| {
        let mut sql = format!(
            "day >= {} AND day < {}",
            binds.bind(request.first_day.format("%Y-%m-%d").to_string()),
            binds.bind(request.end_day.format("%Y-%m-%d").to_string())
        );
        if let Some((column, id)) = scope.column() {
            sql += &format!(" AND {column} = {}", binds.bind(id));
        }
        if let Some(category) = &filter.category {
            sql += &format!(" AND category_code = {}", binds.bind(category.clone()));
        }
        if let Some(area) = filter.area {
            sql += &format!(" AND service_area_id = {}", binds.bind(area));
        }
        if let Some(partner) = filter.partner {
            sql += &format!(" AND partner_id = {}", binds.bind(partner));
        }
        sql
    };
    let (figure_table, material_table) = tables(request, scope, filter);
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
    let rollups = format!(
        "SELECT {}, {sums} FROM {figure_table} WHERE {} GROUP BY {}",
        keys.join(", "),
        filters(&mut binds),
        group.join(", ")
    );
    let materials = format!(
        "SELECT {}, material, estimated, CAST(SUM(kg) AS BIGINT) AS kg FROM {material_table} \
         WHERE {} GROUP BY {}, material, estimated",
        keys.join(", "),
        filters(&mut binds),
        group.join(", ")
    );
    let on: Vec<String> = (0..group.len())
        .map(|i| format!("r.k{i} = m.k{i}"))
        .collect();
    let order: Vec<String> = (0..group.len()).map(|i| format!("r.k{i}")).collect();
    let selected: Vec<String> = (0..group.len()).map(|i| format!("r.k{i}")).collect();
    let sql = format!(
        "SELECT {}, r.orders, r.items, r.measured_kg, r.estimated_kg, r.payout, r.disposal_fees, \
         r.logistics_fees, r.co2e_kg, m.material, m.estimated, m.kg FROM ({rollups}) r LEFT JOIN ({materials}) m \
         ON {} ORDER BY {}, m.material, m.estimated",
        selected.join(", "),
        on.join(" AND "),
        order.join(", ")
    );
    Ok(Statement::from_sql_and_values(backend, sql, binds.values))
}

/// The smallest rollups that answer: the area rollups (day × area × category) when
/// nothing needs a collector, a facility, an organisation or a partner; the day rollups
/// (with organisation and partner) when only the scope or the partner filter needs those;
/// else the full rollups.
fn tables(
    request: &ReportRequest,
    scope: ReportScope,
    filter: &ReportFilter,
) -> (&'static str, &'static str) {
    let fine = request
        .group_by
        .iter()
        .any(|d| matches!(d, Dimension::Collector | Dimension::Facility))
        || matches!(scope, ReportScope::Collector(_) | ReportScope::Facility(_));
    if fine {
        ("report_rollups", "report_material_rollups")
    } else if scope == ReportScope::All && filter.partner.is_none() {
        ("report_area_rollups", "report_area_material_rollups")
    } else {
        ("report_day_rollups", "report_day_material_rollups")
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
        let key = self.key_of(line)?;
        let mut done = None;
        if self.current.as_ref().is_none_or(|row| row.key != key) {
            let measures = measures_of(line)?;
            done = self.current.replace(ReportRow {
                key,
                measures,
                ..ReportRow::default()
            });
        }
        let material: Option<String> = line.try_get("", "material")?;
        if let (Some(material), Some(row)) = (material, self.current.as_mut()) {
            let estimated: bool = line.try_get("", "estimated")?;
            let kg: i64 = line.try_get("", "kg")?;
            let into = if estimated {
                &mut row.estimated_materials
            } else {
                &mut row.materials
            };
            *into.entry(material).or_default() += kg;
        }
        Ok(done.filter(|row| !row.is_empty()))
    }

    /// The last row.
    pub fn finish(self) -> Option<ReportRow> {
        self.current.filter(|row| !row.is_empty())
    }

    fn key_of(&self, line: &QueryResult) -> AppResult<Vec<String>> {
        self.group_by
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
