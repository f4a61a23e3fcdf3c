//! The SQLite pool opens every connection with the settings the server relies on: WAL
//! (readers never block the writer), `synchronous = NORMAL`, the configured busy timeout,
//! foreign keys, and the speed settings of `infra::db::tuned_sqlite`. A regression once
//! dropped the first four silently (a second options hook replaced the first). The bundled
//! SQLite is built without memory statistics and with the query planner stability
//! guarantee (`.cargo/config.toml`).

use std::time::Duration;

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

use crate::helpers::{spawn_app, spawn_app_with};

/// `PRAGMA name` on a pooled connection, as text.
async fn pragma(db: &impl ConnectionTrait, name: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("PRAGMA {name}"),
        ))
        .await
        .expect("pragma")
        .expect("a row");
    row.try_get_by_index::<String>(0)
        .or_else(|_| row.try_get_by_index::<i64>(0).map(|n| n.to_string()))
        .expect("a value")
}

#[tokio::test]
async fn every_sqlite_connection_is_in_wal_mode_with_normal_sync_and_the_configured_busy_timeout() {
    let app = spawn_app_with(|config| {
        config.database.sqlite_busy_timeout = Duration::from_millis(4321);
    })
    .await;
    let db = &app.state.db;
    if db.get_database_backend() != DbBackend::Sqlite {
        return; // PostgreSQL has none of these.
    }
    // Several connections at once, so more than one pooled connection is looked at.
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(db.begin().await.expect("a connection"));
    }
    for txn in &held {
        assert_eq!(pragma(txn, "journal_mode").await, "wal");
        assert_eq!(pragma(txn, "synchronous").await, "1", "NORMAL");
        assert_eq!(pragma(txn, "busy_timeout").await, "4321");
        assert_eq!(pragma(txn, "foreign_keys").await, "1");
        assert_eq!(pragma(txn, "cache_size").await, "-16384");
        assert_eq!(pragma(txn, "mmap_size").await, "0", "no memory map");
        assert_eq!(pragma(txn, "temp_store").await, "2", "MEMORY");
    }
}

/// Whether the bundled SQLite was compiled with `option`.
async fn compiled_with(db: &impl ConnectionTrait, option: &str) -> bool {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "SELECT sqlite_compileoption_used(?) AS used",
            [option.into()],
        ))
        .await
        .expect("compile options")
        .expect("a row");
    row.try_get::<i64>("", "used").expect("used") == 1
}

/// Whether the test app's bundled SQLite was compiled with `option`; None on PostgreSQL.
async fn app_sqlite_compiled_with(option: &str) -> Option<bool> {
    let app = spawn_app().await;
    let db = &app.state.db;
    if db.get_database_backend() != DbBackend::Sqlite {
        return None;
    }
    Some(compiled_with(db, option).await)
}

#[tokio::test]
async fn the_bundled_sqlite_keeps_no_memory_statistics() {
    // With them, every allocation in every connection's thread takes one process-wide
    // mutex (.cargo/config.toml sets the build flag).
    assert_ne!(
        app_sqlite_compiled_with("DEFAULT_MEMSTATUS=0").await,
        Some(false)
    );
}

#[tokio::test]
async fn the_bundled_sqlite_plans_a_statement_once_whatever_its_bound_values() {
    // Without the guarantee every `.one()` (sea-orm binds its `LIMIT ?`) was parsed and
    // planned again on each execution (.cargo/config.toml sets the build flag).
    assert_ne!(app_sqlite_compiled_with("ENABLE_QPSG").await, Some(false));
}
