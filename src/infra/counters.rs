//! Named counters (`counters` table) that work the same on both backends (transfer note
//! numbers): the increment holds the counter's row lock until commit, so numbers are
//! unique; a rolled-back transaction leaves a gap. That lock makes every taker of the
//! counter wait for the one before it to commit, so the busiest numbers (orders) come
//! from [`next_unique`] instead: a PostgreSQL sequence, which never waits.

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// The next value of counter `name` (1 for a new counter).
pub async fn next_value(conn: &impl ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    let backend = conn.get_database_backend();
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    "INSERT INTO counters (name, value) VALUES ($1, 1) \
                     ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value"
                }
                _ => {
                    "INSERT INTO counters (name, value) VALUES (?, 1) \
                     ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value"
                }
            },
            [name.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("counter {name} returned nothing")))?;
    row.try_get("", "value")
}

/// A unique number that serialises nothing: the next value of PostgreSQL sequence
/// `sequence` (never blocks; values taken by transactions that roll back are skipped, so
/// there are gaps), or on SQLite of counter `counter`, whose row lock costs nothing there
/// because SQLite's single writer already orders every write transaction.
pub async fn next_unique(
    conn: &impl ConnectionTrait,
    sequence: &'static str,
    counter: &str,
) -> Result<i64, DbErr> {
    let backend = conn.get_database_backend();
    if backend != sea_orm::DatabaseBackend::Postgres {
        return next_value(conn, counter).await;
    }
    let row = conn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            "SELECT nextval($1::regclass) AS value",
            [sequence.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound(format!("sequence {sequence} returned nothing")))?;
    row.try_get("", "value")
}
