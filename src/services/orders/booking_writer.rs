//! Where a booking's transaction runs: bookings that arrive together share one transaction
//! through the group-commit engine the quotes use (`infra/group_commit.rs`), are checked
//! together and written in multi-row statements ([`super::booking_batch`]); one that is
//! refused (a full slot, a used quote) writes nothing and its neighbours commit.
//!
//! On SQLite this is what lets bookings scale at all: one writer at a time is all it
//! allows, so the batch pays for one BEGIN and COMMIT and two statement scripts instead of
//! a dozen statements per booking. On PostgreSQL, where bookings could run side by side, batching still
//! pays (one commit and a dozen statements per batch instead of per booking), and holds no
//! shared row longer: the slot rows are taken by the batch's last statements, just before
//! its commit. Each instance has its own writer; instances meet only in the conditional
//! statements, and a batch that loses a race to another instance is re-run one booking at
//! a time, each with its precise error.

use std::time::Duration;

use sea_orm::{DatabaseBackend, DatabaseConnection, DbErr};

use super::booking::book_alone;
use super::booking_batch::write_batch;
use super::booking_write::{PreparedBooking, Written, write_booking};
use crate::error::{AppError, AppResult};
use crate::infra::db::{WriteGate, WriteTxn};
use crate::infra::group_commit::{Arriving, GroupWrite, GroupWriter, JobOutcome};
use crate::state::AppState;

/// How bookings are written; built once at start-up, cheap to clone.
#[derive(Clone, Default)]
pub struct Booking {
    /// The group writer (none only in a `Default` built for tests of other parts).
    writer: Option<GroupWriter<BookingBatch>>,
}

impl Booking {
    /// Starts the group writer.
    pub fn start(db: DatabaseConnection, gate: WriteGate) -> Self {
        let sibling_wait = sibling_wait(db.get_database_backend());
        Self {
            writer: Some(GroupWriter::start(db, gate, BookingBatch, sibling_wait)),
        }
    }

    /// Announces a booking on its way (taken as the request starts, before its reads), so
    /// a batch about to be written under load waits a moment for it to join.
    pub fn arriving(&self) -> Option<Arriving> {
        self.writer.as_ref().map(GroupWriter::arriving)
    }

    /// Runs `job`'s transaction; what it wrote is committed when this returns `Booked`.
    pub(super) async fn book(
        &self,
        state: &AppState,
        job: PreparedBooking,
        arriving: Option<Arriving>,
    ) -> AppResult<Written> {
        match &self.writer {
            Some(writer) => writer.write((job, None), arriving).await,
            None => book_alone(state, &job).await,
        }
    }
}

/// How long a batch waits for bookings on their way (`infra::group_commit`). On
/// PostgreSQL a batch is a dozen network round trips, long against a booking's own work,
/// and gathering the bookings already on their way measured a little faster; on SQLite a
/// batch is four hand-offs to an in-process thread, and measured 10 % faster without
/// the wait, the next bookings being prepared while the last batch is written
/// (BENCHMARKS.md, bookPickup, ninth session).
fn sibling_wait(backend: DatabaseBackend) -> Duration {
    match backend {
        DatabaseBackend::Sqlite => Duration::ZERO,
        _ => Duration::from_millis(3),
    }
}

/// The booking group writer (stateless: each job carries what it needs).
struct BookingBatch;

/// A booking and, once its batch ran, what it wrote.
type Job = (PreparedBooking, Option<Written>);

#[async_trait::async_trait]
impl GroupWrite for BookingBatch {
    type Job = Job;
    type Output = Written;
    const WHAT: &'static str = "writing a booking";

    async fn write(&mut self, txn: &WriteTxn, jobs: &mut [Job]) -> Result<Vec<JobOutcome>, DbErr> {
        if let [(job, written)] = jobs {
            return Ok(vec![write_alone(txn, job, written).await?]);
        }
        let prepared: Vec<&PreparedBooking> = jobs.iter().map(|(job, _)| job).collect();
        let answers = write_batch(txn, &prepared).await.map_err(into_db_err)?;
        let mut outcomes = Vec::with_capacity(jobs.len());
        for ((_, written), answer) in jobs.iter_mut().zip(answers) {
            match answer {
                Ok(answer) => {
                    *written = Some(answer);
                    outcomes.push(Ok(()));
                }
                Err(err) => {
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

/// One booking on its own (a batch of one, or a batch re-run one at a time): the
/// statement-by-statement path, whose conditional statements give the precise error when
/// another writer got there first, in a savepoint so a refusal halfway leaves nothing.
async fn write_alone(
    txn: &WriteTxn,
    job: &PreparedBooking,
    written: &mut Option<Written>,
) -> Result<JobOutcome, DbErr> {
    let savepoint = txn.savepoint().await?;
    match write_booking(&savepoint, job).await {
        Ok(Written::Booked(order)) => {
            savepoint.commit().await?;
            *written = Some(Written::Booked(order));
            Ok(Ok(()))
        }
        Ok(other) => {
            savepoint.rollback().await?;
            *written = Some(other);
            Ok(Ok(()))
        }
        Err(err) => {
            savepoint.rollback().await?;
            *written = None;
            Ok(Err(err))
        }
    }
}

/// A batch-wide failure as the group writer sees it: the database's own error when there is
/// one (so an unreachable database still fails the batch at once), else a custom one.
fn into_db_err(err: AppError) -> DbErr {
    match err {
        AppError::Internal(cause) | AppError::Unavailable(cause) => cause
            .chain()
            .find_map(|c| c.downcast_ref::<DbErr>())
            .cloned()
            .unwrap_or_else(|| DbErr::Custom(format!("{cause:#}"))),
        other => DbErr::Custom(other.message()),
    }
}
