//! Group commit: many requests' units of work made durable by one COMMIT.
//!
//! SQLite has one writer at a time, and with `synchronous=FULL` each COMMIT
//! costs a sync of the disk: one transaction per request caps the writes at
//! the disk's syncs per second. The writer keeps one transaction open, the
//! *batch*, on a connection of its own. Units of work take turns at it; each
//! runs inside a savepoint of the batch, so a unit that fails or is dropped
//! is rolled back alone. A unit's commit releases its savepoint and returns
//! only once the batch's COMMIT is on disk, so a request is never answered
//! before its change is durable. The batch commits as soon as nobody waits
//! for the turn (a lone unit is never held back), when it holds `max` units,
//! or when `wait` has passed since its first unit; if that COMMIT fails,
//! every unit of the batch gets the error.
//!
//! A unit's savepoint is opened with its first write, not when it takes the
//! turn, and its writes travel in as few round trips as its reads allow
//! (see [`Held`]): every round trip is made while the turn is held, so their
//! number, not the disk, sets how many units a second the writer serves.
//!
//! Cancellation: a request may be dropped at any await. Whatever holds the
//! turn holds it through a [`Turn`]; dropping one hands the turn to a task
//! that first rolls back the savepoint left open, so the next unit starts
//! clean. A unit's commit runs in a task of its own, to its end, because
//! the other units of its batch wait on the COMMIT it may start.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gopy_app::StoreError;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, SqliteTransactionMode, Statement, TransactionOptions,
    TransactionTrait, Value,
};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use crate::connect::Engine;
use crate::error::map_db_err;

/// What a batch's units learn once it is over: committed, or why not.
type Outcome = Option<Result<(), StoreError>>;

/// The one writer of a store and its clones.
pub(crate) struct Writer {
    db: DatabaseConnection,
    engine: Engine,
    desk: Arc<Mutex<Desk>>,
    /// Units waiting for the turn: while there are some, the batch stays
    /// open for them (up to `max` units and `wait`).
    queued: AtomicUsize,
    max: usize,
    wait: Duration,
    /// Batches opened so far, to tell them apart.
    batches: AtomicU64,
    /// The store's count of statements run: held writes sent together are
    /// counted one each, though they make one round trip.
    statements: Arc<AtomicU64>,
}

/// Writes a unit holds back until it reads, or commits: sent then in one
/// round trip (SQLite runs a text of several statements in order and stops
/// at the first that fails, its savepoint undoing the rest of the unit). On
/// the writer every round trip is made with the turn held, by every unit in
/// line behind it, so a comment's six writes cost one instead of six.
#[derive(Default)]
pub(crate) struct Held {
    sql: String,
    values: Vec<Value>,
    statements: u64,
}

impl Held {
    /// SQLite binds at most 32,766 values to one text; a unit holding
    /// more sends what it holds first.
    pub(crate) const MAX_VALUES: usize = 20_000;

    pub(crate) fn push(&mut self, statement: Statement) {
        self.sql.push_str(&statement.sql);
        self.sql.push_str(";\n");
        if let Some(values) = statement.values {
            self.values.extend(values.0);
        }
        self.statements += 1;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.statements == 0
    }

    pub(crate) fn values(&self) -> usize {
        self.values.len()
    }
}

/// What the holder of the turn works at.
struct Desk {
    batch: Option<Batch>,
    /// A unit's savepoint was opened and neither released nor rolled back:
    /// its unit was dropped. Whoever takes the turn next rolls it back first.
    unit_open: bool,
}

struct Batch {
    number: u64,
    tx: DatabaseTransaction,
    /// Units released into the batch, each waiting for its COMMIT.
    units: usize,
    /// When the first of them was released.
    since: Option<Instant>,
    outcome: watch::Sender<Outcome>,
}

/// The turn at the writer. Dropped while armed (a request cancelled, a unit
/// abandoned or failed), it goes to a task that tidies the desk before it
/// lets the turn go.
pub(crate) struct Turn {
    desk: Option<OwnedMutexGuard<Desk>>,
    writer: Arc<Writer>,
}

impl Turn {
    /// The batch's transaction, for the unit's statements.
    pub(crate) fn tx(&self) -> &DatabaseTransaction {
        match self.desk.as_ref().and_then(|desk| desk.batch.as_ref()) {
            Some(batch) => &batch.tx,
            // A turn is handed out only with an open batch and an open
            // savepoint, and leaves its unit only when consumed.
            None => unreachable!("a unit of work holds the turn with an open batch"),
        }
    }
}

impl Turn {
    /// Sends the unit's held writes and releases its savepoint, and
    /// answers once its batch is on disk.
    pub(crate) async fn commit(self, held: Held) -> Result<(), StoreError> {
        let writer = Arc::clone(&self.writer);
        writer.commit(self, held).await
    }

    /// Sends the unit's held writes (opening its savepoint first if they
    /// are its first), in a task of its own that runs to its end: the turn
    /// comes back with the outcome. If the caller is dropped meanwhile, the
    /// turn is dropped at the task's end and its savepoint rolled back.
    pub(crate) async fn send(self, held: Held) -> Result<(Turn, Result<(), StoreError>), StoreError> {
        tokio::spawn(async move {
            let mut turn = self;
            let sent = turn.send_here(held).await;
            (turn, sent)
        })
        .await
        .map_err(|e| StoreError::Other(format!("the writer's task failed: {e}")))
    }

    async fn send_here(&mut self, held: Held) -> Result<(), StoreError> {
        if held.is_empty() {
            return self.open_savepoint().await;
        }
        let writer = Arc::clone(&self.writer);
        let desk = self.desk()?;
        let Some(batch) = desk.batch.as_ref() else { return Err(gone()) };
        let opening = if desk.unit_open { "" } else { "SAVEPOINT unit;\n" };
        // Set before the text runs: whatever of it ran is undone if the unit ends here.
        desk.unit_open = true;
        writer.run(&batch.tx, format!("{opening}{}", held.sql), held.values, held.statements).await
    }

    /// Whether the unit has its savepoint open (it has written).
    pub(crate) fn savepoint_open(&self) -> bool {
        self.desk.as_ref().is_some_and(|desk| desk.unit_open)
    }

    /// Opens the unit's savepoint now if it is not open yet. Not to be cut
    /// off half-way: a unit of work calls it through [`Turn::send`].
    pub(crate) async fn open_savepoint(&mut self) -> Result<(), StoreError> {
        let desk = self.desk()?;
        let Some(batch) = desk.batch.as_ref() else { return Err(gone()) };
        if !desk.unit_open {
            desk.unit_open = true;
            batch.tx.execute_unprepared("SAVEPOINT unit").await.map_err(map_db_err)?;
        }
        Ok(())
    }

    fn desk(&mut self) -> Result<&mut Desk, StoreError> {
        self.desk.as_deref_mut().ok_or_else(gone)
    }
}

fn gone() -> StoreError {
    StoreError::Other("the writer's turn or batch was already given up".into())
}

impl Drop for Turn {
    fn drop(&mut self) {
        let Some(mut desk) = self.desk.take() else { return };
        let writer = Arc::clone(&self.writer);
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    writer.tidy(&mut desk).await;
                    writer.settle(&mut desk).await;
                });
            }
            // No runtime left to roll back with: the flag stays set and the
            // next holder of the turn rolls the savepoint back first.
            Err(_) => drop(desk),
        }
    }
}

/// Counts a unit among those waiting (for the turn, for a connection)
/// while it waits; dropped, even with the request that waited, it counts
/// the unit out.
pub(crate) struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    pub(crate) fn new(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Self(count)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Writer {
    /// A writer on `db`, a pool of one connection kept for it.
    pub(crate) fn new(
        db: DatabaseConnection,
        engine: Engine,
        max: usize,
        wait: Duration,
        statements: Arc<AtomicU64>,
    ) -> Arc<Self> {
        Arc::new(Self {
            statements,
            db,
            engine,
            desk: Arc::new(Mutex::new(Desk { batch: None, unit_open: false })),
            queued: AtomicUsize::new(0),
            max: max.max(1),
            wait,
            batches: AtomicU64::new(0),
        })
    }

    pub(crate) fn waiting(&self) -> usize {
        self.queued.load(Ordering::SeqCst)
    }

    /// Takes the turn for a unit in the open batch, opening a batch if there
    /// is none. The unit's savepoint waits for its first write. The work at
    /// the desk runs in a task of its own, to its end: a rollback cut off
    /// half-way would leave the desk in a state nobody knows.
    pub(crate) async fn begin(self: &Arc<Self>) -> Result<Turn, StoreError> {
        let desk = {
            let _queued = Queued::new(&self.queued);
            Arc::clone(&self.desk).lock_owned().await
        };
        // The usual case under load: a batch is open and tidy, nothing to
        // run before the unit's own statements.
        if desk.batch.is_some() && !desk.unit_open {
            return Ok(Turn { desk: Some(desk), writer: Arc::clone(self) });
        }
        let turn = Turn { desk: Some(desk), writer: Arc::clone(self) };
        let writer = Arc::clone(self);
        tokio::spawn(async move { writer.prepare(turn).await })
            .await
            .map_err(|e| StoreError::Other(format!("the writer's task failed: {e}")))?
    }

    async fn prepare(self: Arc<Self>, mut turn: Turn) -> Result<Turn, StoreError> {
        let desk = turn.desk()?;
        self.tidy(desk).await;
        if desk.batch.is_none() {
            desk.batch = Some(self.open_batch().await?);
        }
        Ok(turn)
    }

    /// Runs a text of `statements` statements on the batch, counting each.
    async fn run(&self, tx: &DatabaseTransaction, sql: String, values: Vec<Value>, statements: u64) -> Result<(), StoreError> {
        tx.execute_raw(Statement::from_sql_and_values(DbBackend::Sqlite, sql, values)).await.map_err(map_db_err)?;
        // The store's callback counted the text once.
        self.statements.fetch_add(statements.saturating_sub(1), Ordering::Relaxed);
        Ok(())
    }

    async fn open_batch(self: &Arc<Self>) -> Result<Batch, StoreError> {
        let options = TransactionOptions {
            // Take the write lock at once: another process on the same file
            // (`gopy user add` beside a running server) then waits its turn
            // under the busy timeout, instead of failing when a transaction
            // that has read tries to write.
            sqlite_transaction_mode: (self.engine == Engine::Sqlite).then_some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        };
        let tx = self.db.begin_with_options(options).await.map_err(map_db_err)?;
        let number = self.batches.fetch_add(1, Ordering::Relaxed);
        Ok(Batch { number, tx, units: 0, since: None, outcome: watch::channel(None).0 })
    }

    /// Releases the unit's savepoint into the batch and waits until the
    /// batch is committed. Runs to its end in a task of its own, even if the
    /// request that called it is dropped.
    pub(crate) async fn commit(self: &Arc<Self>, turn: Turn, held: Held) -> Result<(), StoreError> {
        let writer = Arc::clone(self);
        let released = tokio::spawn(async move { writer.release(turn, held).await })
            .await
            .map_err(|e| StoreError::Other(format!("the writer's commit task failed: {e}")))?;
        let mut outcome = released?;
        match outcome.wait_for(Option::is_some).await {
            Ok(over) => over.clone().unwrap_or(Ok(())),
            Err(_) => Err(StoreError::Unavailable("the batch was abandoned before its commit".into())),
        }
    }

    async fn release(self: Arc<Self>, mut turn: Turn, held: Held) -> Result<watch::Receiver<Outcome>, StoreError> {
        let desk = turn.desk()?;
        let Some(batch) = desk.batch.as_mut() else { return Err(gone()) };
        // The held writes and the release in one round trip. On failure the
        // turn is dropped armed: its task rolls the savepoint back.
        match (desk.unit_open, held.is_empty()) {
            // Nothing written: no savepoint was opened.
            (false, true) => {}
            (true, true) => batch.tx.execute_unprepared("RELEASE SAVEPOINT unit").await.map(drop).map_err(map_db_err)?,
            (open, false) => {
                let opening = if open { "" } else { "SAVEPOINT unit;\n" };
                desk.unit_open = true;
                let sql = format!("{opening}{}RELEASE SAVEPOINT unit", held.sql);
                self.run(&batch.tx, sql, held.values, held.statements).await?;
            }
        }
        desk.unit_open = false;
        batch.units += 1;
        batch.since.get_or_insert_with(Instant::now);
        let outcome = batch.outcome.subscribe();
        let (number, first) = (batch.number, batch.units == 1);
        self.settle(desk).await;
        if first && desk.batch.as_ref().is_some_and(|b| b.number == number) {
            // Left open for the units queued behind: it is committed by the
            // last of them, or by this timer if they are all cancelled.
            self.commit_later(number);
        }
        // Disarmed: the desk is tidy, the turn goes to the next unit as is.
        drop(turn.desk.take());
        Ok(outcome)
    }

    /// Makes sure a batch is committed `wait` after its first unit even if
    /// the units queued behind it are all cancelled.
    fn commit_later(self: &Arc<Self>, number: u64) {
        let writer = Arc::clone(self);
        tokio::spawn(async move {
            tokio::time::sleep(writer.wait).await;
            let mut desk = Arc::clone(&writer.desk).lock_owned().await;
            writer.tidy(&mut desk).await;
            if desk.batch.as_ref().is_some_and(|b| b.number == number) {
                writer.commit_batch(&mut desk).await;
            } else {
                writer.settle(&mut desk).await;
            }
        });
    }

    /// Rolls back the savepoint of a unit that was dropped. If that fails
    /// the batch itself is gone (SQLite rolls a whole transaction back on a
    /// full disk or an I/O error): every unit released into it is told.
    async fn tidy(&self, desk: &mut Desk) {
        if !desk.unit_open {
            return;
        }
        let Some(batch) = desk.batch.as_ref() else {
            desk.unit_open = false;
            return;
        };
        let undone = batch.tx.execute_unprepared("ROLLBACK TO SAVEPOINT unit; RELEASE SAVEPOINT unit").await;
        desk.unit_open = false;
        if let Err(e) = undone {
            let error = map_db_err(e);
            tracing::error!(%error, "the writer could not roll a unit back; its batch is abandoned");
            if let Some(batch) = desk.batch.take() {
                let _ = batch.outcome.send(Some(Err(error)));
                // Dropping the transaction rolls it back, or what is left of it.
                drop(batch.tx);
            }
        }
    }

    /// Commits the batch if it is due: full, old enough, or nobody is
    /// waiting to add to it. An open batch holding no unit is closed when
    /// nobody waits, so the write lock is not held for nothing.
    async fn settle(&self, desk: &mut Desk) {
        let Some(batch) = desk.batch.as_ref() else { return };
        let idle = self.queued.load(Ordering::SeqCst) == 0;
        if batch.units == 0 {
            if idle && let Some(batch) = desk.batch.take() {
                let _ = batch.tx.rollback().await;
            }
            return;
        }
        let due = idle || batch.units >= self.max || batch.since.is_some_and(|t| t.elapsed() >= self.wait);
        if due {
            self.commit_batch(desk).await;
        }
    }

    async fn commit_batch(&self, desk: &mut Desk) {
        let Some(batch) = desk.batch.take() else { return };
        // How many units a sync carries, and what the sync costs: the two
        // figures that say whether the batches form (see /metrics).
        metrics::histogram!("gopy_db_group_commit_units").record(batch.units as f64);
        let syncing = Instant::now();
        let result = batch.tx.commit().await.map_err(map_db_err);
        metrics::histogram!("gopy_db_group_commit_seconds").record(syncing.elapsed().as_secs_f64());
        if let Err(error) = &result {
            tracing::error!(%error, units = batch.units, "a group commit failed; every unit of it is refused");
        }
        let _ = batch.outcome.send(Some(result));
    }

    /// Commits what is open and closes the writer's connection.
    pub(crate) async fn close(&self) {
        let mut desk = self.desk.lock().await;
        self.tidy(&mut desk).await;
        if desk.batch.as_ref().is_some_and(|b| b.units > 0) {
            self.commit_batch(&mut desk).await;
        } else if let Some(batch) = desk.batch.take() {
            let _ = batch.tx.rollback().await;
        }
        drop(desk);
        let _ = self.db.clone().close().await;
    }
}
