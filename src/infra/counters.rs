//! Named counters (`counters` table) that work the same on both backends (transfer note
//! numbers): the increment holds the counter's row lock until commit, so numbers are
//! unique; a rolled-back transaction leaves a gap. That lock makes every taker of the
//! counter wait for the one before it to commit, so the busiest numbers (orders) come
//! from [`next_unique`] instead: a PostgreSQL sequence, which never waits.

use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};

/// The next value of counter `name` (1 for a new counter).
pub async fn next_value(conn: &impl ConnectionTrait, name: &str) -> Result<i64, DbErr> {
    take_values(conn, name, 1).await
}

/// Takes the next `count` values of counter `name` in one statement and returns the last
/// of them: the values taken are `last - count + 1 ..= last`.
pub async fn take_values(
    conn: &impl ConnectionTrait,
    name: &str,
    count: i64,
) -> Result<i64, DbErr> {
    let backend = conn.get_database_backend();
    let mut statement = advance_statement(backend, name, count);
    statement.sql.push_str(" RETURNING value");
    let row = conn
        .query_one_raw(statement)
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
    let taken = take_unique(conn, sequence, counter, 1).await?;
    taken
        .first()
        .copied()
        .ok_or_else(|| DbErr::RecordNotFound(format!("sequence {sequence} returned nothing")))
}

/// `count` unique numbers in one statement, as [`next_unique`] takes one: ascending; on
/// SQLite consecutive, on PostgreSQL not necessarily (other transactions take values of the
/// sequence at the same time).
pub async fn take_unique(
    conn: &impl ConnectionTrait,
    sequence: &'static str,
    counter: &str,
    count: i64,
) -> Result<Vec<i64>, DbErr> {
    let backend = conn.get_database_backend();
    if backend != DatabaseBackend::Postgres {
        let last = take_values(conn, counter, count).await?;
        return Ok((last - count + 1..=last).collect());
    }
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT nextval($1::regclass) AS value FROM generate_series(1, $2)",
            [sequence.into(), count.into()],
        ))
        .await?;
    let mut values = rows
        .iter()
        .map(|row| row.try_get::<i64>("", "value"))
        .collect::<Result<Vec<_>, _>>()?;
    values.sort_unstable();
    Ok(values)
}

/// On SQLite, counter `name` read with a batch's other reads and advanced with its other
/// writes instead of by a statement of its own ([`take_values`] costs a round trip): the
/// counter's value (column `value`; no row before its first use). Exact only inside a
/// write transaction (BEGIN IMMEDIATE), where no other writer can take values between the
/// read and [`advance_statement`].
pub fn value_query(name: &str) -> SelectStatement {
    Query::select()
        .column("value")
        .from("counters")
        .and_where(Expr::col("name").eq(name))
        .to_owned()
}

/// Advances counter `name` by `count` (creating it at `count`): the values taken are
/// those after the one [`value_query`] read. Changes one row.
pub fn advance_statement(backend: DatabaseBackend, name: &str, count: i64) -> Statement {
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "INSERT INTO counters (name, value) VALUES ($1, $2) \
             ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value"
        }
        _ => {
            "INSERT INTO counters (name, value) VALUES (?, ?) \
             ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value"
        }
    };
    Statement::from_sql_and_values(backend, sql, [name.into(), count.into()])
}
