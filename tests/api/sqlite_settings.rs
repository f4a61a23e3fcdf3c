//! The SQLite pool opens every connection with the settings the server relies on: WAL
//! (readers never block the writer), `synchronous = NORMAL`, the configured busy timeout,
//! foreign keys, and the speed settings of `infra::db::tuned_sqlite`. A regression once
//! dropped the first four silently (a second options hook replaced the first). The bundled
//! SQLite is built without memory statistics (`.cargo/config.toml`).

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
        assert_eq!(pragma(txn, "mmap_size").await, (1u64 << 30).to_string());
    }
}

#[tokio::test]
async fn the_bundled_sqlite_keeps_no_memory_statistics() {
    // With them, every allocation in every connection's thread takes one process-wide
    // mutex (.cargo/config.toml sets the build flag).
    let app = spawn_app().await;
    let db = &app.state.db;
    if db.get_database_backend() != DbBackend::Sqlite {
        return;
    }
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT sqlite_compileoption_used('DEFAULT_MEMSTATUS=0') AS used",
        ))
        .await
        .expect("compile options")
        .expect("a row");
    assert_eq!(row.try_get::<i64>("", "used").expect("used"), 1);
}
