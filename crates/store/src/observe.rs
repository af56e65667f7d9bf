//! What the people who run Gopy watch: the connection pool, for `/metrics`.
//! (Units of work count and time themselves: see `unit_of_work::Watch`.)

use crate::SeaStore;
use crate::connect::Engine;

/// The pool's connections: open, and of those idle; and the units of
/// work waiting to begin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStatus {
    pub open: u32,
    pub idle: u32,
    /// Units of work waiting for a pooled connection (on SQLite, writes
    /// wait for the writer's turn and its one connection instead).
    pub waiting: u32,
    /// Of those, the SQLite writes waiting for the writer's turn (always 0
    /// on PostgreSQL, whose writes take pooled connections).
    pub waiting_for_writer: u32,
}

impl SeaStore {
    pub fn pool_status(&self) -> PoolStatus {
        let (open, idle) = match self.engine() {
            Engine::Sqlite => {
                // The read pool: SQLite's writes have the writer's connection.
                let pool = self.reads.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            Engine::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        PoolStatus {
            open,
            idle: count(idle),
            waiting: count(self.waiting.load(std::sync::atomic::Ordering::SeqCst)),
            waiting_for_writer: count(self.writes_waiting()),
        }
    }
}
