//! Group commit: one task owns a kind of write and commits the requests that arrive
//! together in one transaction instead of one each. SQLite takes one writer at a time, so
//! the serial part of every write is its transaction; sharing it spreads BEGIN, COMMIT and
//! the pages every write touches (index tails, counters) over the batch.
//!
//! What a batch writes is the [`GroupWrite`]'s business (quotes: multi-row INSERTs;
//! bookings: checked together, then multi-row writes). The engine guarantees the rest:
//! - a request answers only once its own write is committed;
//! - a job the writer refuses (its own `Err`) leaves nothing behind and does not fail its
//!   neighbours;
//! - a batch whose transaction fails as a whole is re-run job by job, so one bad row never
//!   fails the others — unless the database is unreachable, when retrying would only
//!   multiply the wait: then the whole batch fails at once (UNAVAILABLE).
//!
//! A batch costs about the same whatever its size (its statements' round trips, not its
//! rows, are the price: BENCHMARKS.md), so a writer may be started with a wait for
//! siblings: under load it then waits a moment for the requests already on their way
//! ([`GroupWriter::arriving`]) rather than leave them for the next batch — like
//! PostgreSQL's `commit_delay` with `commit_siblings`. Alone, a request never waits. It
//! pays where a batch is long against the requests' own work (PostgreSQL's dozen
//! network round trips); where it is short (SQLite) the wait only keeps the writer idle
//! while the requests it waits for could have been prepared alongside the last batch.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sea_orm::{DatabaseConnection, DbErr};
use tokio::sync::{mpsc, oneshot};
use tokio::time::{Instant, timeout_at};

use crate::error::{AppError, AppResult};
use crate::infra::db::{WriteGate, WriteTxn, begin_write, is_unreachable};

/// Most jobs committed together.
const MAX_BATCH: usize = 64;

/// One job's outcome inside a batch: written (to be delivered once committed), or refused
/// with the client's error, having left nothing behind.
pub type JobOutcome = Result<(), AppError>;

/// A kind of write committed in groups.
#[async_trait::async_trait]
pub trait GroupWrite: Send + 'static {
    /// What a request hands over.
    type Job: Send + 'static;
    /// What it gets back once committed.
    type Output: Send + 'static;

    /// What the writes are, for error context ("writing a quote").
    const WHAT: &'static str;

    /// Writes `jobs` inside `txn`: one outcome per job, in order. `Err` gives the whole
    /// transaction up; the engine then re-runs the jobs one at a time (each again through
    /// this method), so a job must write from what it holds each time.
    async fn write(
        &mut self,
        txn: &WriteTxn,
        jobs: &mut [Self::Job],
    ) -> Result<Vec<JobOutcome>, DbErr>;

    /// Called once `jobs` are committed (all of them written).
    fn committed(&mut self, _jobs: &[Self::Job]) {}

    /// The answer of a committed job.
    fn output(job: Self::Job) -> Self::Output;
}

/// A job and where its answer goes.
struct Queued<W: GroupWrite> {
    job: W::Job,
    done: oneshot::Sender<AppResult<W::Output>>,
}

/// The handle requests write through; cheap to clone.
pub struct GroupWriter<W: GroupWrite> {
    jobs: mpsc::Sender<Queued<W>>,
    /// Requests announced ([`GroupWriter::arriving`]) whose job is not queued yet.
    arriving: Arc<AtomicUsize>,
}

impl<W: GroupWrite> Clone for GroupWriter<W> {
    fn clone(&self) -> Self {
        Self {
            jobs: self.jobs.clone(),
            arriving: Arc::clone(&self.arriving),
        }
    }
}

/// A request on its way to the writer, counted until it is dropped (its job queued, or the
/// request given up before).
pub struct Arriving(Arc<AtomicUsize>);

impl Drop for Arriving {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl<W: GroupWrite> GroupWriter<W> {
    /// Starts the task that writes with `writer` on `db`; a batch waits up to
    /// `sibling_wait` for requests announced on their way (zero: never).
    pub fn start(
        db: DatabaseConnection,
        gate: WriteGate,
        writer: W,
        sibling_wait: Duration,
    ) -> Self {
        let (jobs, receiver) = mpsc::channel(1024);
        let arriving = Arc::new(AtomicUsize::new(0));
        let pending = Pending {
            receiver,
            arriving: Arc::clone(&arriving),
            sibling_wait,
        };
        tokio::spawn(run(db, gate, writer, pending));
        Self { jobs, arriving }
    }

    /// Announces a request that will write soon (taken as early as the request knows it
    /// will): while any is on its way, a batch about to be written waits for it a moment.
    pub fn arriving(&self) -> Arriving {
        self.arriving.fetch_add(1, Ordering::AcqRel);
        Arriving(Arc::clone(&self.arriving))
    }

    /// Writes `job`; answers once it is committed (or refused). The job runs on the
    /// writer's task, so a request that goes away meanwhile cannot leave it half done.
    /// `arriving` (this request's announcement, if it made one) ends once the job is
    /// queued.
    pub async fn write(&self, job: W::Job, arriving: Option<Arriving>) -> AppResult<W::Output> {
        let (done, committed) = oneshot::channel();
        self.jobs.send(Queued { job, done }).await.map_err(|_| {
            AppError::Internal(anyhow::anyhow!("the {} writer has stopped", W::WHAT))
        })?;
        drop(arriving);
        committed.await.map_err(|_| {
            AppError::Internal(anyhow::anyhow!("the {} writer dropped a job", W::WHAT))
        })?
    }
}

/// The writer's queue, and what it knows of requests on their way to it.
struct Pending<W: GroupWrite> {
    receiver: mpsc::Receiver<Queued<W>>,
    arriving: Arc<AtomicUsize>,
    sibling_wait: Duration,
}

impl<W: GroupWrite> Pending<W> {
    /// The next batch: the first job to come, what is queued behind it (up to
    /// [`MAX_BATCH`]), and, with a sibling wait, what announced requests bring within it.
    /// None once every handle is gone.
    async fn next_batch(&mut self) -> Option<Vec<Queued<W>>> {
        let mut batch = vec![self.receiver.recv().await?];
        let deadline = Instant::now() + self.sibling_wait;
        while batch.len() < MAX_BATCH {
            match self.receiver.try_recv() {
                Ok(queued) => batch.push(queued),
                Err(_)
                    if !self.sibling_wait.is_zero()
                        && self.arriving.load(Ordering::Acquire) > 0 =>
                {
                    match timeout_at(deadline, self.receiver.recv()).await {
                        Ok(Some(queued)) => batch.push(queued),
                        _ => break,
                    }
                }
                Err(_) => break,
            }
        }
        Some(batch)
    }
}

async fn run<W: GroupWrite>(
    db: DatabaseConnection,
    gate: WriteGate,
    mut writer: W,
    mut pending: Pending<W>,
) {
    while let Some(batch) = pending.next_batch().await {
        let (mut jobs, dones): (Vec<W::Job>, Vec<_>) =
            batch.into_iter().map(|q| (q.job, q.done)).unzip();
        let started = std::time::Instant::now();
        let attempted = attempt(&db, &gate, &mut writer, &mut jobs).await;
        // Batch sizes and times, to see what the writer does under load (RUST_LOG).
        tracing::debug!(what = W::WHAT, size = jobs.len(), elapsed = ?started.elapsed(), "batch written");
        match attempted {
            Ok(outcomes) => deliver::<W>(jobs, dones, outcomes),
            Err(err) if jobs.len() > 1 && !is_unreachable(&err) => {
                tracing::warn!(error = %err, size = jobs.len(), what = W::WHAT, "batch failed; writing one by one");
                for (mut job, done) in jobs.into_iter().zip(dones) {
                    let result = match attempt(
                        &db,
                        &gate,
                        &mut writer,
                        std::slice::from_mut(&mut job),
                    )
                    .await
                    {
                        Ok(mut outcomes) => {
                            outcomes.pop().unwrap_or(Ok(())).map(|()| W::output(job))
                        }
                        Err(err) => Err(failed::<W>(err)),
                    };
                    drop(done.send(result));
                }
            }
            Err(err) => {
                for done in dones {
                    drop(done.send(Err(failed::<W>(err.clone()))));
                }
            }
        }
    }
}

/// One transaction over `jobs`: their outcomes once committed.
async fn attempt<W: GroupWrite>(
    db: &DatabaseConnection,
    gate: &WriteGate,
    writer: &mut W,
    jobs: &mut [W::Job],
) -> Result<Vec<JobOutcome>, DbErr> {
    let txn = begin_write(db, gate).await?;
    let outcomes = writer.write(&txn, jobs).await?;
    txn.commit().await?;
    writer.committed(jobs);
    Ok(outcomes)
}

fn deliver<W: GroupWrite>(
    jobs: Vec<W::Job>,
    dones: Vec<oneshot::Sender<AppResult<W::Output>>>,
    outcomes: Vec<JobOutcome>,
) {
    let mut outcomes = outcomes.into_iter();
    for (job, done) in jobs.into_iter().zip(dones) {
        let outcome = outcomes.next().unwrap_or_else(|| {
            Err(AppError::Internal(anyhow::anyhow!(
                "the {} writer gave no outcome for a job",
                W::WHAT
            )))
        });
        drop(done.send(outcome.map(|()| W::output(job))));
    }
}

fn failed<W: GroupWrite>(err: DbErr) -> AppError {
    AppError::from(anyhow::Error::new(err).context(W::WHAT))
}
