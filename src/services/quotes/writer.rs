//! Group commit for quotes: every quote is a durable write, and SQLite takes one writer at
//! a time, so quotes arriving together are written in one transaction (multi-row INSERTs)
//! by the shared group-commit engine (`infra/group_commit.rs`): a request still answers
//! only after its own quote is committed, and a batch that fails is retried quote by
//! quote. The price table a quote names is written in the same transaction the first time
//! this writer sees it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use entity::{price_table, quote, quote_line};
use sea_orm::sea_query::Query;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, IntoActiveModel, Iterable,
    ModelTrait, Statement, Value,
};

use super::price_table::stored_row;
use crate::domain::pricing::PriceTable;
use crate::error::AppResult;
use crate::infra::db::{WriteGate, WriteTxn};
use crate::infra::group_commit::{GroupWrite, GroupWriter, JobOutcome};

/// One quote waiting to be written.
struct Job {
    quote: quote::Model,
    lines: Vec<quote_line::Model>,
    table: Arc<PriceTable>,
    /// Bound values prepared by the request, off the writer's serial path.
    rows: Option<Rows>,
}

/// A committed quote and its lines, handed back to the request that wrote them.
type Written = (quote::Model, Vec<quote_line::Model>);

/// The handle requests write quotes through; cheap to clone.
#[derive(Clone)]
pub struct QuoteWriter {
    writer: GroupWriter<QuoteBatch>,
}

impl QuoteWriter {
    /// Starts the writer task for `db`.
    pub fn start(db: DatabaseConnection, gate: WriteGate) -> Self {
        let batch = QuoteBatch {
            stored: HashSet::new(),
            sql: InsertSql::new(db.get_database_backend()),
        };
        Self {
            writer: GroupWriter::start(db, gate, batch, Duration::ZERO),
        }
    }

    /// Writes `quote`, its `lines` and (if not stored yet) the price `table` it was
    /// priced with; returns them once they are committed.
    pub async fn write(
        &self,
        quote: quote::Model,
        lines: Vec<quote_line::Model>,
        table: Arc<PriceTable>,
    ) -> AppResult<Written> {
        let rows = Some(Rows::of(&quote, &lines));
        self.writer
            .write(
                Job {
                    quote,
                    lines,
                    table,
                    rows,
                },
                None,
            )
            .await
    }
}

/// What the quote writer keeps between batches.
struct QuoteBatch {
    /// Versions of the price tables known to be stored.
    stored: HashSet<String>,
    sql: InsertSql,
}

#[async_trait::async_trait]
impl GroupWrite for QuoteBatch {
    type Job = Job;
    type Output = Written;
    const WHAT: &'static str = "writing a quote";

    /// All or nothing: a failing row fails the batch, which the engine re-runs quote by
    /// quote.
    async fn write(&mut self, txn: &WriteTxn, jobs: &mut [Job]) -> Result<Vec<JobOutcome>, DbErr> {
        write_all(txn, jobs, &self.stored, &mut self.sql).await?;
        Ok(jobs.iter().map(|_| Ok(())).collect())
    }

    fn committed(&mut self, jobs: &[Job]) {
        self.stored
            .extend(jobs.iter().map(|job| job.table.version.clone()));
    }

    fn output(job: Job) -> Written {
        (job.quote, job.lines)
    }
}

/// A quote's and its lines' column values, in column order, ready to bind.
struct Rows {
    quote: Vec<Value>,
    lines: Vec<Vec<Value>>,
}

impl Rows {
    fn of(quote: &quote::Model, lines: &[quote_line::Model]) -> Self {
        Self {
            quote: values_of(quote),
            lines: lines.iter().map(values_of).collect(),
        }
    }
}

fn values_of<M: ModelTrait>(model: &M) -> Vec<Value> {
    <M::Entity as EntityTrait>::Column::iter()
        .map(|column| model.get(column))
        .collect()
}

/// Multi-row INSERT statements by table and row count, built once: the writer is the
/// serial part of every quote, so it only binds and runs them.
struct InsertSql {
    backend: DbBackend,
    built: HashMap<(&'static str, usize), String>,
}

impl InsertSql {
    fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            built: HashMap::new(),
        }
    }

    /// `INSERT INTO <E> (every column) VALUES (…), … ` for `rows` rows, with `values`.
    fn statement<E: EntityTrait + Default>(
        &mut self,
        rows: usize,
        values: Vec<Value>,
    ) -> Statement {
        let backend = self.backend;
        let sql = self
            .built
            .entry((E::default().table_name(), rows))
            .or_insert_with(|| {
                let columns: Vec<E::Column> = E::Column::iter().collect();
                let mut insert = Query::insert();
                insert.into_table(E::default()).columns(columns.clone());
                for _ in 0..rows {
                    insert.values_panic(columns.iter().map(|_| Value::Int(Some(0)).into()));
                }
                backend.build(&insert).sql
            });
        Statement::from_sql_and_values(backend, sql.clone(), values)
    }
}

async fn write_all(
    txn: &WriteTxn,
    batch: &mut [Job],
    stored: &HashSet<String>,
    sql: &mut InsertSql,
) -> Result<(), DbErr> {
    let mut tables: Vec<&PriceTable> = batch
        .iter()
        .map(|job| job.table.as_ref())
        .filter(|table| !stored.contains(&table.version))
        .collect();
    tables.sort_by(|a, b| a.version.cmp(&b.version));
    tables.dedup_by(|a, b| a.version == b.version);
    for table in tables {
        let created_at = batch[0].quote.created_at;
        let row = stored_row(table, created_at).map_err(|e| DbErr::Custom(format!("{e:?}")))?;
        // Another instance may have stored the same table first.
        price_table::Entity::insert(row.into_active_model())
            .on_conflict_do_nothing()
            .exec_without_returning(txn)
            .await?;
    }
    // The rows the requests prepared; rebuilt from the models when a retry needs them.
    let rows: Vec<Rows> = batch
        .iter_mut()
        .map(|job| {
            job.rows
                .take()
                .unwrap_or_else(|| Rows::of(&job.quote, &job.lines))
        })
        .collect();
    let quote_count = rows.len();
    let mut quote_values = Vec::new();
    let mut line_rows = Vec::new();
    for row in rows {
        quote_values.extend(row.quote);
        line_rows.extend(row.lines);
    }
    txn.execute_raw(sql.statement::<quote::Entity>(quote_count, quote_values))
        .await?;
    // Bound parameters per statement are capped (SQLite 32,766; PostgreSQL 65,535):
    // 10 columns × 200 rows stays well below both.
    let mut line_rows = line_rows.into_iter().peekable();
    while line_rows.peek().is_some() {
        let chunk: Vec<Vec<Value>> = line_rows.by_ref().take(200).collect();
        let count = chunk.len();
        let values = chunk.into_iter().flatten().collect();
        txn.execute_raw(sql.statement::<quote_line::Entity>(count, values))
            .await?;
    }
    Ok(())
}
