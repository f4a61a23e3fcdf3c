//! SELECTs sent together, each row handed back with the statement that read it: on
//! SQLite each statement carries a constant column naming its place in the script, so the
//! rows of one string of statements can be told apart.

use sea_orm::sea_query::{Expr, SelectStatement};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, QueryResult, Statement};

use super::joined;

/// The constant column every statement of a script reads: its place in the script.
const PART: &str = "read_script_part";

/// SELECTs to run in order.
pub struct ReadScript {
    backend: DatabaseBackend,
    statements: Vec<Statement>,
}

/// Where a statement's rows will be in [`ReadScript::run`]'s answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Part(usize);

impl ReadScript {
    /// An empty script for `backend`.
    pub fn new(backend: DatabaseBackend) -> Self {
        Self {
            backend,
            statements: Vec::new(),
        }
    }

    /// Adds `select`; its rows will be at the returned part.
    pub fn push(&mut self, mut select: SelectStatement) -> Part {
        let part = Part(self.statements.len());
        let tag = i64::try_from(part.0).unwrap_or(i64::MAX);
        select.expr_as(Expr::val(tag), PART);
        self.statements.push(self.backend.build(&select));
        part
    }

    /// Runs the script: the rows of each statement, in the order they were added.
    pub async fn run(self, conn: &impl ConnectionTrait) -> Result<Rows, DbErr> {
        let mut parts: Vec<Vec<QueryResult>> = Vec::new();
        parts.resize_with(self.statements.len(), Vec::new);
        match self.backend {
            DatabaseBackend::Sqlite if !self.statements.is_empty() => {
                for row in conn
                    .query_all_raw(joined(self.backend, self.statements))
                    .await?
                {
                    let tag: i64 = row.try_get("", PART)?;
                    let slot = usize::try_from(tag)
                        .ok()
                        .and_then(|index| parts.get_mut(index))
                        .ok_or_else(|| DbErr::Custom(format!("a read script row of part {tag}")))?;
                    slot.push(row);
                }
            }
            _ => {
                for (statement, rows) in self.statements.into_iter().zip(parts.iter_mut()) {
                    *rows = conn.query_all_raw(statement).await?;
                }
            }
        }
        Ok(Rows(parts))
    }
}

/// The rows a script read, by part.
pub struct Rows(Vec<Vec<QueryResult>>);

impl Rows {
    /// The rows of `part`, taken out (a second take finds none).
    pub fn take(&mut self, part: Part) -> Vec<QueryResult> {
        self.0
            .get_mut(part.0)
            .map(std::mem::take)
            .unwrap_or_default()
    }
}
