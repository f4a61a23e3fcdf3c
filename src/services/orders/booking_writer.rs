//! Where a booking's transaction runs. On SQLite, bookings that arrive together share one
//! transaction through the group-commit engine the quotes use (`infra/group_commit.rs`):
//! one writer at a time is all SQLite allows, so the batch pays for one BEGIN and COMMIT
//! instead of one each. Each booking runs in a savepoint of its own, so one that fails (a
//! full slot, a used quote) is rolled back alone and its neighbours commit. On PostgreSQL
//! bookings run concurrently, each in its own transaction: nothing they share is locked
//! for longer than one statement.

use sea_orm::{DatabaseBackend, DatabaseConnection, DbErr};

use super::booking::book_alone;
use super::booking_write::{PreparedBooking, Written, write_booking};
use crate::error::AppResult;
use crate::infra::db::{WriteGate, WriteTxn};
use crate::infra::group_commit::{GroupWrite, GroupWriter, JobOutcome};
use crate::state::AppState;

/// How bookings are written; built once at start-up, cheap to clone.
#[derive(Clone, Default)]
pub struct Booking {
    /// The group writer (SQLite only).
    writer: Option<GroupWriter<BookingBatch>>,
}

impl Booking {
    /// Starts the group writer when `db` is SQLite.
    pub fn start(db: DatabaseConnection, gate: WriteGate) -> Self {
        let writer = (db.get_database_backend() == DatabaseBackend::Sqlite)
            .then(|| GroupWriter::start(db, gate, BookingBatch));
        Self { writer }
    }

    /// Runs `job`'s transaction; what it wrote is committed when this returns `Booked`.
    pub(super) async fn book(&self, state: &AppState, job: PreparedBooking) -> AppResult<Written> {
        match &self.writer {
            Some(writer) => writer.write((job, None)).await,
            None => book_alone(state, &job).await,
        }
    }
}

/// The booking group writer (stateless: each job carries what it needs).
struct BookingBatch;

/// A booking and, once its savepoint ran, what it wrote.
type Job = (PreparedBooking, Option<Written>);

#[async_trait::async_trait]
impl GroupWrite for BookingBatch {
    type Job = Job;
    type Output = Written;
    const WHAT: &'static str = "writing a booking";

    async fn write(&mut self, txn: &WriteTxn, jobs: &mut [Job]) -> Result<Vec<JobOutcome>, DbErr> {
        let mut outcomes = Vec::with_capacity(jobs.len());
        for (job, written) in jobs.iter_mut() {
            let savepoint = txn.savepoint().await?;
            match write_booking(&savepoint, job).await {
                Ok(Written::Booked(order)) => {
                    savepoint.commit().await?;
                    *written = Some(Written::Booked(order));
                    outcomes.push(Ok(()));
                }
                Ok(other) => {
                    savepoint.rollback().await?;
                    *written = Some(other);
                    outcomes.push(Ok(()));
                }
                Err(err) => {
                    savepoint.rollback().await?;
                    *written = None;
                    outcomes.push(Err(err));
                }
            }
        }
        Ok(outcomes)
    }

    fn output((_, written): Job) -> Written {
        // Every job with an Ok outcome was given what it wrote; were one not, the request
        // would read the key's order or answer CONFLICT, never book twice.
        written.unwrap_or(Written::KeyTaken)
    }
}
