//! The collection report as CSV (RFC 4180 through the `csv` crate): a header line, one
//! line per row, then a TOTAL line. Produced while the rows are read from the database
//! (a task streams the query and sends chunks), so a year of daily rows per collector
//! never sits in memory.

use futures_util::StreamExt;
use sea_orm::{DatabaseConnection, StreamTrait};
use tokio::sync::mpsc;

use super::collection::{ReportFilter, ReportRow};
use super::grouped::{RowFolder, statement};
use super::scope::ReportScope;
use crate::domain::report::{Dimension, ReportRequest, kg_from_micro, money_from_micro};
use crate::error::{AppError, AppResult};

/// Bytes gathered before a chunk is sent.
const CHUNK: usize = 32 * 1024;

/// The header line.
pub fn header(group_by: &[Dimension]) -> AppResult<Vec<u8>> {
    let mut names: Vec<&str> = group_by.iter().map(|d| d.as_str()).collect();
    names.extend([
        "orders",
        "items",
        "weightKg",
        "measuredWeightKg",
        "estimatedWeightKg",
        "payout",
        "disposalFees",
        "logisticsFees",
        "materials",
        "estimatedMaterials",
        "co2eAvoidedKg",
    ]);
    write(&names)
}

/// `material=kg` pairs joined by `;`, by material.
fn materials(map: &std::collections::BTreeMap<String, i64>) -> String {
    map.iter()
        .filter(|(_, kg)| **kg != 0)
        .map(|(m, kg)| format!("{m}={}", kg_from_micro(*kg)))
        .collect::<Vec<_>>()
        .join(";")
}

/// One line for `row`; `key` overrides the row's own (the TOTAL line).
pub fn line(row: &ReportRow, key: Option<Vec<String>>) -> AppResult<Vec<u8>> {
    let m = row.measures;
    let mut cells = key.unwrap_or_else(|| row.key.clone());
    cells.extend([
        m.orders.to_string(),
        m.items.to_string(),
        kg_from_micro(m.measured_kg + m.estimated_kg).to_string(),
        kg_from_micro(m.measured_kg).to_string(),
        kg_from_micro(m.estimated_kg).to_string(),
        money_from_micro(m.payout).to_string(),
        money_from_micro(m.disposal_fees).to_string(),
        money_from_micro(m.logistics_fees).to_string(),
        materials(&row.materials),
        materials(&row.estimated_materials),
        kg_from_micro(m.co2e_kg).to_string(),
    ]);
    write(&cells)
}

fn write<S: AsRef<[u8]>>(cells: &[S]) -> AppResult<Vec<u8>> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer
        .write_record(cells)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing a CSV line: {e}")))?;
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("writing a CSV line: {e}")))
}

/// Starts the export: chunks of CSV arrive on the receiver, the first one once the
/// query answered (so an error before any byte can still get its status). An error
/// after that ends the stream with an `Err`.
pub fn export(
    db: DatabaseConnection,
    request: ReportRequest,
    scope: ReportScope,
    filter: ReportFilter,
) -> AppResult<mpsc::Receiver<AppResult<Vec<u8>>>> {
    let statement = statement(db.get_database_backend(), &request, scope, &filter)?;
    let (tx, rx) = mpsc::channel(4);
    tokio::spawn(async move {
        let result = run(&db, statement, &request, &tx).await;
        if let Err(err) = result {
            let _ = tx.send(Err(err)).await;
        }
    });
    Ok(rx)
}

async fn run(
    db: &DatabaseConnection,
    statement: sea_orm::Statement,
    request: &ReportRequest,
    tx: &mpsc::Sender<AppResult<Vec<u8>>>,
) -> AppResult<()> {
    let lines = db.stream_raw(statement).await?;
    let mut lines = std::pin::pin!(lines);
    let mut buffer = header(&request.group_by)?;
    let mut folder = RowFolder::new(request.group_by.clone());
    let mut totals = ReportRow::default();
    let mut emit = |row: ReportRow, buffer: &mut Vec<u8>| -> AppResult<()> {
        totals.add(&row);
        buffer.extend(line(&row, None)?);
        Ok(())
    };
    while let Some(next) = lines.next().await {
        if let Some(row) = folder.push(&next?)? {
            emit(row, &mut buffer)?;
        }
        if buffer.len() >= CHUNK && tx.send(Ok(std::mem::take(&mut buffer))).await.is_err() {
            // The client went away.
            return Ok(());
        }
    }
    if let Some(row) = folder.finish() {
        emit(row, &mut buffer)?;
    }
    let mut key = vec![String::new(); request.group_by.len()];
    if let Some(first) = key.first_mut() {
        "TOTAL".clone_into(first);
    }
    buffer.extend(line(&totals, Some(key))?);
    let _ = tx.send(Ok(buffer)).await;
    Ok(())
}
