//! Named counters (`counters` table) that work the same on both backends: order and
//! transfer note numbers. The increment holds the counter's row lock until commit, so
//! numbers are unique; a rolled-back transaction leaves a gap.

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
