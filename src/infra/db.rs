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
//!
//! When PostgreSQL goes away, a request must fail fast rather than queue: a pooled
//! connection (opening one included) is awaited for at most the acquire timeout, 1.5 s by
//! default, and a statement that runs longer than `statement_timeout` is cancelled by the
//! server. [`is_unreachable`] tells such failures apart from bugs, so the client sees
//! UNAVAILABLE rather than INTERNAL. A SQLite file cannot become unreachable, and waits
//! for its pool are local contention, so SQLite keeps a long default (10 s).

use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use prometheus::Histogram;
use sea_orm::RuntimeErr;
use sea_orm::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult, SqliteTransactionMode,
    Statement, TransactionOptions, TransactionTrait,
};
use std::sync::Arc;
use tokio::sync::OwnedMutexGuard;

use crate::config::Config;

/// The default wait for a pooled PostgreSQL connection: requests fail within 2 s when the
/// server is unreachable.
pub const POSTGRES_ACQUIRE_TIMEOUT: Duration = Duration::from_millis(1500);
/// The default wait for a pooled SQLite connection.
pub const SQLITE_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Prepared statements kept per SQLite connection.
const SQLITE_STATEMENT_CACHE: usize = 400;

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
        .acquire_timeout(settings.acquire_timeout.unwrap_or(if sqlite {
            SQLITE_ACQUIRE_TIMEOUT
        } else {
            POSTGRES_ACQUIRE_TIMEOUT
        }))
        .connect_timeout(settings.connect_timeout)
        .statement_timeout(settings.statement_timeout)
        .sqlx_logging(false);
    if sqlite {
        // A pooled SQLite connection is a thread of this process, not a socket that can go
        // stale: pinging it on every checkout only adds a round trip to its thread (every
        // request's read and every write batch paid it; BENCHMARKS.md).
        options.test_before_acquire(false);
    }
    let busy_timeout: Duration = settings.sqlite_busy_timeout;
    // One hook: a second `map_sqlx_sqlite_opts` replaces the first (it once dropped WAL
    // and the busy timeout; tests/api/sqlite_settings.rs).
    options.map_sqlx_sqlite_opts(move |opts| {
        tuned_sqlite(
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(busy_timeout)
                .foreign_keys(true),
        )
    });
    let db = Database::connect(options)
        .await
        .context("connecting to the database")?;
    Ok(db)
}

/// The SQLite settings chosen for speed (every connection of the server's pool; the
/// benchmarks open theirs with them too).
pub fn tuned_sqlite(opts: SqliteConnectOptions) -> SqliteConnectOptions {
    opts
        // No memory map: in WAL mode a connection drops its map (and its page cache) at
        // the start of every read transaction that follows someone else's commit, so
        // under a stream of writes each read paid an munmap, TLB shoot-downs on the
        // other core and page faults to map the pages again; `pread` of the few pages a
        // read needs is cheaper (BENCHMARKS.md, bookPickup, ninth session).
        .pragma("mmap_size", "0")
        // Statement journals (multi-row statements, savepoints) and sorts stay in
        // memory instead of spilling to temporary files opened and closed per
        // transaction.
        .pragma("temp_store", "MEMORY")
        // 16 MiB of page cache per connection (the default is 2 MiB).
        .pragma("cache_size", "-16384")
        // Batched writes vary in their number of rows, so each size is a statement of
        // its own: keep enough of them prepared (the default keeps 100).
        .statement_cache_capacity(SQLITE_STATEMENT_CACHE)
}

/// A one-connection pool of its own for the readiness probe, opened lazily, so a probe
/// never waits behind requests for a pooled connection and fails within `timeout`.
pub async fn connect_probe(
    config: &Config,
    timeout: Duration,
) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(config.effective_database_url());
    options
        .max_connections(1)
        .min_connections(0)
        .acquire_timeout(timeout)
        .connect_timeout(timeout)
        .statement_timeout(timeout)
        .connect_lazy(true)
        .sqlx_logging(false);
    // Lazy: nothing is opened here, so this does not wait on an unreachable server.
    Database::connect(options)
        .await
        .context("opening the probe pool")
}

/// The pool's occupancy, for `/metrics` and `/ready`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Connections open now (idle or in use).
    pub size: u32,
    /// Open connections nobody is using.
    pub idle: u32,
    /// The most connections the pool opens.
    pub max: u32,
    /// Whether the pool was closed (the process is shutting down).
    pub closed: bool,
}

/// Reads `db`'s pool occupancy without touching the database.
pub fn pool_stats(db: &DatabaseConnection) -> PoolStats {
    fn of<D: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<D>) -> PoolStats {
        PoolStats {
            size: pool.size(),
            idle: u32::try_from(pool.num_idle()).unwrap_or(u32::MAX),
            max: pool.options().get_max_connections(),
            closed: pool.is_closed(),
        }
    }
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => of(db.get_sqlite_connection_pool()),
        DatabaseBackend::Postgres => of(db.get_postgres_connection_pool()),
        _ => PoolStats::default(),
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")
}

/// Serialises this process's SQLite writers (see the module docs); a no-op elsewhere.
#[derive(Clone, Debug, Default)]
pub struct WriteGate {
    turn: Option<Arc<tokio::sync::Mutex<()>>>,
    /// Time to get a pooled connection and BEGIN, when exported.
    begin_seconds: Option<Histogram>,
}

impl WriteGate {
    /// A gate for `db`'s backend: a real one for SQLite only.
    pub fn for_connection(db: &DatabaseConnection) -> Self {
        let turn = match db.get_database_backend() {
            DatabaseBackend::Sqlite => Some(Arc::new(tokio::sync::Mutex::new(()))),
            _ => None,
        };
        Self {
            turn,
            begin_seconds: None,
        }
    }

    /// Records into `histogram` how long each write transaction waited for a pooled
    /// connection and its BEGIN (the turn at the gate excluded).
    pub fn with_begin_histogram(mut self, histogram: Histogram) -> Self {
        self.begin_seconds = Some(histogram);
        self
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

    /// A savepoint inside this transaction (committing it releases the savepoint; dropping
    /// or rolling it back undoes only what was written through it): how a group commit
    /// keeps a write that may fail halfway atomic on its own.
    pub async fn savepoint(&self) -> Result<DatabaseTransaction, DbErr> {
        self.txn.begin().await
    }
}

/// Begins a transaction that will write: `BEGIN IMMEDIATE` on SQLite after waiting at
/// the gate (see the module docs), a plain READ COMMITTED transaction on PostgreSQL,
/// where conditional updates and row locks do the work.
pub async fn begin_write(db: &DatabaseConnection, gate: &WriteGate) -> Result<WriteTxn, DbErr> {
    let turn = match &gate.turn {
        Some(mutex) => Some(Arc::clone(mutex).lock_owned().await),
        None => None,
    };
    let started = std::time::Instant::now();
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
    if let Some(histogram) = &gate.begin_seconds {
        histogram.observe(started.elapsed().as_secs_f64());
    }
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

/// Whether `err` says the database could not be reached or did not answer in time (no
/// pooled connection within the acquire timeout, a refused or broken connection, a server
/// shutting down, a statement cancelled by `statement_timeout`), rather than a bug.
pub fn is_unreachable(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
        DbErr::Exec(RuntimeErr::SqlxError(cause)) | DbErr::Query(RuntimeErr::SqlxError(cause)) => {
            sqlx_unreachable(cause)
        }
        _ => false,
    }
}

fn sqlx_unreachable(err: &sea_orm::sqlx::Error) -> bool {
    use sea_orm::sqlx::Error;
    match err {
        Error::Io(_)
        | Error::Tls(_)
        | Error::Protocol(_)
        | Error::PoolTimedOut
        | Error::PoolClosed
        | Error::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception), 57P01-03 (the server is shutting down
        // or starting), 57014 (cancelled, which is how statement_timeout ends a query).
        Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03" | "57014")
        }),
        _ => false,
    }
}

/// Whether `err` is a unique-constraint violation (a duplicate), on either backend.
pub fn is_unique_violation(err: &DbErr) -> bool {
    matches!(
        err.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr};

    use super::is_unreachable;

    fn sqlx(err: sea_orm::sqlx::Error) -> RuntimeErr {
        RuntimeErr::SqlxError(Arc::new(err))
    }

    #[test]
    fn pool_timeouts_and_broken_connections_are_unreachable() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert!(is_unreachable(&DbErr::ConnectionAcquire(
            ConnAcquireErr::Timeout
        )));
        assert!(is_unreachable(&DbErr::Conn(sqlx(
            sea_orm::sqlx::Error::Io(refused)
        ))));
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(is_unreachable(&DbErr::Query(sqlx(
            sea_orm::sqlx::Error::Io(reset)
        ))));
        assert!(is_unreachable(&DbErr::Exec(sqlx(
            sea_orm::sqlx::Error::PoolTimedOut
        ))));
    }

    #[test]
    fn other_database_errors_are_not() {
        assert!(!is_unreachable(&DbErr::RecordNotFound("x".into())));
        assert!(!is_unreachable(&DbErr::Query(sqlx(
            sea_orm::sqlx::Error::RowNotFound
        ))));
        assert!(!is_unreachable(&DbErr::Custom("bug".into())));
    }
}
