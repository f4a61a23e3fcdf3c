//! Database connection: SQLite tuned for concurrent writers, or PostgreSQL.
//!
//! SQLite allows one writer at a time. A transaction that reads and then writes under
//! the default DEFERRED mode fails with "database is locked" when another writer
//! commits in between, without waiting: the busy timeout never applies to that lock
//! upgrade. Every write transaction therefore starts with `BEGIN IMMEDIATE`
//! ([`begin_write`]), which takes the write lock up front, so contenders queue on the
//! busy timeout instead. WAL lets readers proceed while one writer works.

use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbErr, SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

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

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite (see the module
/// docs), a plain READ COMMITTED transaction on PostgreSQL, where conditional updates
/// and row locks do the work.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            db.begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await
        }
        _ => db.begin().await,
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
