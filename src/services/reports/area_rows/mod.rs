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

mod fold;
mod lines;

use sea_orm::{
    AccessMode, ConnectionTrait, DbBackend, IsolationLevel, TransactionSession, TransactionTrait,
};

use self::fold::Rows;
use self::lines::{DAYS, Figures, MONTHS, Materials, parse, read_json, read_rows};
use super::collection::{ReportFilter, ReportRow};
use crate::domain::report::{Days, Dimension, ReportRequest, Span};
use crate::error::AppResult;

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
