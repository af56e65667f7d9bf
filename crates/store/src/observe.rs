//! What the people who run Gopy watch: the connection pool, for `/metrics`.

use crate::SeaStore;
use crate::connect::Engine;

/// The pool's connections: open, and of those idle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolStatus {
    pub open: u32,
    pub idle: u32,
}

impl SeaStore {
    pub fn pool_status(&self) -> PoolStatus {
        let (open, idle) = match self.engine() {
            Engine::Sqlite => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            Engine::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        PoolStatus { open, idle: u32::try_from(idle).unwrap_or(u32::MAX) }
    }
}
