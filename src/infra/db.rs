//! Database connection: SQLite tuned for concurrent writers, or PostgreSQL.
//!
//! SQLite allows one writer at a time. A transaction that reads and then writes under
//! the default DEFERRED mode fails with "database is locked" when another writer
//! commits in between, without waiting: the busy timeout never applies to that lock
//! upgrade. Every write transaction therefore starts with `BEGIN IMMEDIATE`
//! ([`begin_write`]), which takes the write lock up front, so contenders queue on the
//! busy timeout instead. WAL lets readers proceed while one writer works.
//!
//! Within one process, SQLite writers also queue on an async [`WriteGate`] before
//! `BEGIN IMMEDIATE`: the busy handler polls with growing sleeps (up to 100 ms), which
//! turns a burst of writers into long latency tails, while a fair async mutex hands the
//! lock over at once. Other processes (the CLI) still meet the busy timeout.

use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait,
};
use std::sync::Arc;
use tokio::sync::OwnedMutexGuard;

use crate::config::Config;

/// Opens the pool for `config` (SQLite file by default) and creates the data folder.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    let url = config.effective_database_url();
    let sqlite = url.starts_with("sqlite:");
    if sqlite {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating data folder {}", config.data_dir.display()))?;
    }
    let settings = &config.database;
    let mut options = ConnectOptions::new(url);
    options
        .max_connections(
            settings
                .max_connections
                .unwrap_or(if sqlite { 8 } else { 16 }),
        )
        .min_connections(1)
        .acquire_timeout(settings.acquire_timeout)
        .connect_timeout(settings.connect_timeout)
        .sqlx_logging(false);
    let busy_timeout: Duration = settings.sqlite_busy_timeout;
    options.map_sqlx_sqlite_opts(move |opts| {
        opts.journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(busy_timeout)
            .foreign_keys(true)
    });
    let db = Database::connect(options)
        .await
        .context("connecting to the database")?;
    Ok(db)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")
}

/// Serialises this process's SQLite writers (see the module docs); a no-op elsewhere.
#[derive(Clone, Debug, Default)]
pub struct WriteGate(Option<Arc<tokio::sync::Mutex<()>>>);

impl WriteGate {
    /// A gate for `db`'s backend: a real one for SQLite only.
    pub fn for_connection(db: &DatabaseConnection) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Sqlite => Self(Some(Arc::new(tokio::sync::Mutex::new(())))),
            _ => Self(None),
        }
    }
}

/// A write transaction holding its turn at the [`WriteGate`] until it ends.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

impl WriteTxn {
    /// Commits, then gives the turn to the next writer.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }
}

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite after waiting at
/// the gate (see the module docs), a plain READ COMMITTED transaction on PostgreSQL,
/// where conditional updates and row locks do the work.
pub async fn begin_write(db: &DatabaseConnection, gate: &WriteGate) -> Result<WriteTxn, DbErr> {
    let turn = match &gate.0 {
        Some(mutex) => Some(Arc::clone(mutex).lock_owned().await),
        None => None,
    };
    let txn = match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            db.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?
        }
        _ => db.begin().await?,
    };
    Ok(WriteTxn { txn, _turn: turn })
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// Checks that the database answers (for `/ready`).
pub async fn ping(db: &DatabaseConnection) -> anyhow::Result<()> {
    db.execute_unprepared("SELECT 1")
        .await
        .context("database ping")?;
    Ok(())
}

/// Whether `err` is a unique-constraint violation (a duplicate), on either backend.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}
