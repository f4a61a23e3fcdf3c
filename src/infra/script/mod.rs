//! Statements sent together: on SQLite one string of statements is one round trip to the
//! connection's thread, and under load the wait for that thread, not the statements, is
//! what a batch of writes costs (BENCHMARKS.md, bookPickup). sqlx runs such a string in
//! one go, binding each statement's `?` from the shared values where the previous one
//! stopped. PostgreSQL's extended protocol takes one statement per query with parameters,
//! so there the statements run one after another.

mod read;
mod write;

pub use read::{Part, ReadScript, Rows};
pub use write::WriteScript;

use sea_orm::{DatabaseBackend, Statement, Value};

/// `statements` as one string, their values in order.
fn joined(backend: DatabaseBackend, statements: impl IntoIterator<Item = Statement>) -> Statement {
    let mut sql = String::new();
    let mut values: Vec<Value> = Vec::new();
    for statement in statements {
        if !sql.is_empty() {
            sql.push_str(";\n");
        }
        sql.push_str(&statement.sql);
        if let Some(bound) = statement.values {
            values.extend(bound.0);
        }
    }
    Statement::from_sql_and_values(backend, sql, values)
}
