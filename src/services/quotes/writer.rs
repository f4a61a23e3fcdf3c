//! Group commit for quotes: every quote is a durable write, and SQLite takes one writer at
//! a time, so quotes arriving together are written in one transaction instead of one each.
//! A request still answers only after its own quote is committed; a batch that fails is
//! retried quote by quote, so one bad row never fails its neighbours. The price table a
//! quote names is written in the same transaction the first time this writer sees it.

use std::collections::HashSet;
use std::sync::Arc;

use entity::{price_table, quote, quote_line};
use sea_orm::{ActiveModelTrait, DatabaseConnection, EntityTrait, IntoActiveModel};
use tokio::sync::{mpsc, oneshot};

use super::price_table::stored_row;
use crate::domain::pricing::PriceTable;
use crate::error::{AppError, AppResult};
use crate::infra::db::{WriteGate, begin_write};

/// Most quotes committed together.
const MAX_BATCH: usize = 64;

/// One quote waiting to be written.
struct Job {
    quote: quote::Model,
    lines: Vec<quote_line::Model>,
    table: Arc<PriceTable>,
    done: oneshot::Sender<Result<Written, String>>,
}

/// A committed quote and its lines, handed back to the request that wrote them.
type Written = (quote::Model, Vec<quote_line::Model>);

/// The handle requests write quotes through; cheap to clone.
#[derive(Clone)]
pub struct QuoteWriter {
    jobs: mpsc::Sender<Job>,
}

impl QuoteWriter {
    /// Starts the writer task for `db`.
    pub fn start(db: DatabaseConnection, gate: WriteGate) -> Self {
        let (jobs, receiver) = mpsc::channel(1024);
        tokio::spawn(run(db, gate, receiver));
        Self { jobs }
    }

    /// Writes `quote`, its `lines` and (if not stored yet) the price `table` it was
    /// priced with; returns them once they are committed.
    pub async fn write(
        &self,
        quote: quote::Model,
        lines: Vec<quote_line::Model>,
        table: Arc<PriceTable>,
    ) -> AppResult<Written> {
        let (done, committed) = oneshot::channel();
        self.jobs
            .send(Job {
                quote,
                lines,
                table,
                done,
            })
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the quote writer has stopped")))?;
        committed
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the quote writer dropped a quote")))?
            .map_err(|e| AppError::Internal(anyhow::anyhow!("writing a quote: {e}")))
    }
}

async fn run(db: DatabaseConnection, gate: WriteGate, mut receiver: mpsc::Receiver<Job>) {
    // Versions of the price tables known to be stored.
    let mut stored = HashSet::new();
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        match write_all(&db, &gate, &batch, &stored).await {
            Ok(()) => {
                stored.extend(batch.iter().map(|job| job.table.version.clone()));
                for job in batch {
                    drop(job.done.send(Ok((job.quote, job.lines))));
                }
            }
            Err(err) if batch.len() > 1 => {
                tracing::warn!(error = %err, size = batch.len(), "quote batch failed; writing one by one");
                for job in batch {
                    let result = write_all(&db, &gate, std::slice::from_ref(&job), &stored).await;
                    if result.is_ok() {
                        stored.insert(job.table.version.clone());
                    }
                    drop(job.done.send(result.map(|()| (job.quote, job.lines))));
                }
            }
            Err(err) => {
                for job in batch {
                    drop(job.done.send(Err(err.clone())));
                }
            }
        }
    }
}

async fn write_all(
    db: &DatabaseConnection,
    gate: &WriteGate,
    batch: &[Job],
    stored: &HashSet<String>,
) -> Result<(), String> {
    let txn = begin_write(db, gate).await.map_err(|e| e.to_string())?;
    let mut tables: Vec<&PriceTable> = batch
        .iter()
        .map(|job| job.table.as_ref())
        .filter(|table| !stored.contains(&table.version))
        .collect();
    tables.sort_by(|a, b| a.version.cmp(&b.version));
    tables.dedup_by(|a, b| a.version == b.version);
    for table in tables {
        let created_at = batch[0].quote.created_at;
        let row = stored_row(table, created_at).map_err(|e| format!("{e:?}"))?;
        // Another instance may have stored the same table first.
        price_table::Entity::insert(row.into_active_model())
            .on_conflict_do_nothing()
            .exec_without_returning(&txn)
            .await
            .map_err(|e| e.to_string())?;
    }
    let quotes = batch
        .iter()
        .map(|job| job.quote.clone().into_active_model().reset_all());
    quote::Entity::insert_many(quotes)
        .exec_without_returning(&txn)
        .await
        .map_err(|e| e.to_string())?;
    let lines: Vec<_> = batch
        .iter()
        .flat_map(|job| {
            job.lines
                .iter()
                .map(|line| line.clone().into_active_model().reset_all())
        })
        .collect();
    // SQLite caps bound parameters per statement: 10 columns × 200 rows stays well below.
    for chunk in lines.chunks(200) {
        quote_line::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(&txn)
            .await
            .map_err(|e| e.to_string())?;
    }
    txn.commit().await.map_err(|e| e.to_string())
}
