//! Write statements sent together, each with the number of rows it must change. On
//! PostgreSQL the first that changes fewer rows than expected stops the script.
//!
//! Either way the caller learns only whether every statement changed exactly the rows it
//! expected. On SQLite that is read from the script's total: each statement changes at
//! most what it expects (an insert its rows, or an error; a conditional update or upsert
//! the rows its condition admits), so the total equals the sum of expectations only when
//! every statement met its own.

use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement, StatementBuilder};

use super::joined;

/// Statements to run in order, and the rows each must change.
pub struct WriteScript {
    backend: DatabaseBackend,
    statements: Vec<(Statement, u64)>,
}

impl WriteScript {
    /// An empty script for `backend`.
    pub fn new(backend: DatabaseBackend) -> Self {
        Self {
            backend,
            statements: Vec::new(),
        }
    }

    /// The backend the script's statements are written for.
    pub fn backend(&self) -> DatabaseBackend {
        self.backend
    }

    /// Adds `statement`, which must change exactly `rows` rows.
    pub fn push(&mut self, statement: Statement, rows: u64) {
        self.statements.push((statement, rows));
    }

    /// Adds a query built by sea-query (an insert, update or delete) that must change
    /// exactly `rows` rows.
    pub fn push_query(&mut self, query: &impl StatementBuilder, rows: u64) {
        self.push(query.build(&self.backend), rows);
    }

    /// Runs the script: `Ok(true)` when every statement changed the rows it expected,
    /// `Ok(false)` when one changed fewer (the caller gives its transaction up: on SQLite
    /// the later statements ran too).
    pub async fn run(self, conn: &impl ConnectionTrait) -> Result<bool, DbErr> {
        match self.backend {
            DatabaseBackend::Sqlite => run_as_one(self.backend, self.statements, conn).await,
            _ => run_one_by_one(self.statements, conn).await,
        }
    }
}

/// SQLite: one string of statements, one round trip.
async fn run_as_one(
    backend: DatabaseBackend,
    statements: Vec<(Statement, u64)>,
    conn: &impl ConnectionTrait,
) -> Result<bool, DbErr> {
    if statements.is_empty() {
        return Ok(true);
    }
    let expected: u64 = statements.iter().map(|(_, rows)| rows).sum();
    let script = joined(
        backend,
        statements.into_iter().map(|(statement, _)| statement),
    );
    Ok(conn.execute_raw(script).await?.rows_affected() == expected)
}

/// PostgreSQL: one statement after another, stopping at the first short one.
async fn run_one_by_one(
    statements: Vec<(Statement, u64)>,
    conn: &impl ConnectionTrait,
) -> Result<bool, DbErr> {
    for (statement, rows) in statements {
        if conn.execute_raw(statement).await?.rows_affected() != rows {
            return Ok(false);
        }
    }
    Ok(true)
}
