//! `collectionReport`: the rollups of `[from, to)` (whole days of the reporting time
//! zone), within the viewer's scope, grouped by the dimensions asked, with a totals row
//! that is the exact sum of the rows. Operators' reports that need neither collector,
//! facility nor partner are folded in memory from the area and month rollups
//! ([`super::area_rows`]); the others are grouped in SQL ([`super::grouped`]).

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, TransactionTrait};
use uuid::Uuid;

use super::scope::ReportScope;
use super::{area_rows, grouped};
use crate::domain::report::{Measures, ReportRequest};
use crate::error::AppResult;
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

    /// Adds `kg` micro-kg of `material`, measured or `estimated`.
    pub fn add_material(&mut self, material: &str, estimated: bool, kg: i64) {
        let into = if estimated {
            &mut self.estimated_materials
        } else {
            &mut self.materials
        };
        match into.get_mut(material) {
            Some(sum) => *sum += kg,
            None => {
                into.insert(material.to_owned(), kg);
            }
        }
    }

    /// No figure at all (a bucket whose items all moved elsewhere).
    pub fn is_empty(&self) -> bool {
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
    let rows = report_rows(&state.db, &request, scope, &filter).await?;
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

/// The report's rows, ordered by key: from the area and month rollups when they answer
/// (an operator's report grouped and filtered by neither collector, facility nor
/// partner), else grouped in SQL from the rollups that keep those.
pub async fn report_rows(
    conn: &(impl ConnectionTrait + TransactionTrait),
    request: &ReportRequest,
    scope: ReportScope,
    filter: &ReportFilter,
) -> AppResult<Vec<ReportRow>> {
    if grouped::rollups(request, scope, filter) == grouped::Rollups::Area {
        area_rows::report_rows(conn, request, filter).await
    } else {
        grouped::report_rows(conn, request, scope, filter).await
    }
}
