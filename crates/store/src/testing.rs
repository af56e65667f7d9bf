//! Runs a store test on both engines: a fresh SQLite file and a fresh
//! PostgreSQL database per test, each migrated by the real migrations.
//!
//! PostgreSQL is found through `GOPY_TEST_PG_URL`, a URL of a role that may
//! create databases (the test command starts a throw-away cluster and sets
//! it). Without it the PostgreSQL half fails and says how to start one; it is
//! skipped only when `GOPY_TEST_PG=skip` is set on purpose.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use gopy_app::{App, Clock, Store};
use sea_orm::{ConnectionTrait, Database};
use time::OffsetDateTime;

use crate::{DatabaseSettings, Engine, SeaStore};

/// The variable naming the PostgreSQL server for tests.
pub const PG_URL_VAR: &str = "GOPY_TEST_PG_URL";

pub struct TestDatabase {
    pub store: SeaStore,
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFolder(PathBuf),
    PostgresDatabase { admin_url: String, name: String },
}

/// A clock that stands still, so tests can compare times exactly.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub OffsetDateTime);

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}

/// 27/06/2023 08:00 in Hà Nội: the Standing Committee's meeting in DESIGN.md.
pub fn meeting_day() -> OffsetDateTime {
    time::macros::datetime!(2023-06-27 01:00 UTC)
}

fn settings(url: String) -> DatabaseSettings {
    DatabaseSettings {
        url,
        max_connections: 5,
        connect_timeout: Duration::from_secs(10),
        busy_timeout: Duration::from_secs(5),
        group_commit_max: 64,
        // Long enough that units made to queue in a test share one batch;
        // with none queued a batch commits at once whatever this is.
        group_commit_wait: Duration::from_millis(200),
    }
}

fn fresh_name() -> String {
    format!("gopy_test_{}", uuid::Uuid::new_v4().simple())
}

impl TestDatabase {
    /// A migrated database in a new SQLite file.
    pub async fn sqlite() -> Self {
        let folder = std::env::temp_dir().join(fresh_name());
        let url = format!("sqlite://{}/gopy.db", folder.display());
        let store = connect_and_migrate(&url).await;
        Self { store, url, cleanup: Cleanup::SqliteFolder(folder) }
    }

    /// A migrated database newly created on the test PostgreSQL server, or
    /// `None` when the PostgreSQL half is skipped on purpose.
    pub async fn postgres() -> Option<Self> {
        let admin_url = match std::env::var(PG_URL_VAR) {
            Ok(url) if !url.is_empty() => url,
            _ if std::env::var("GOPY_TEST_PG").as_deref() == Ok("skip") => {
                eprintln!("GOPY_TEST_PG=skip: the PostgreSQL half of this test was skipped");
                return None;
            }
            _ => panic!(
                "{PG_URL_VAR} is not set, so this store test cannot run on PostgreSQL. \
                 Run the whole suite with `scripts/test`, which starts a throw-away cluster, \
                 or point {PG_URL_VAR} at a server, e.g. postgres://postgres@127.0.0.1:5432/postgres. \
                 To skip PostgreSQL on purpose, set GOPY_TEST_PG=skip."
            ),
        };
        let name = fresh_name();
        let admin = Database::connect(admin_url.as_str()).await.unwrap_or_else(|e| {
            panic!("cannot reach the test PostgreSQL at {admin_url} ({PG_URL_VAR}): {e}")
        });
        admin
            .execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
        let _ = admin.close().await;
        let url = with_database(&admin_url, &name);
        let store = connect_and_migrate(&url).await;
        Some(Self { store, url, cleanup: Cleanup::PostgresDatabase { admin_url, name } })
    }

    pub fn engine(&self) -> Engine {
        self.store.engine()
    }

    /// The use cases on this database, with the clock standing at `now`.
    pub fn app_at(&self, now: OffsetDateTime) -> App {
        App::new(Arc::new(self.store.clone()) as Arc<dyn Store>, Arc::new(FixedClock(now)))
    }

    /// Closes the connections and removes the database.
    pub async fn finish(self) {
        self.store.close().await;
        match self.cleanup {
            Cleanup::SqliteFolder(folder) => {
                let _ = std::fs::remove_dir_all(folder);
            }
            Cleanup::PostgresDatabase { admin_url, name } => {
                if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                    let _ = admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}")).await;
                    let _ = admin.close().await;
                }
            }
        }
    }
}

async fn connect_and_migrate(url: &str) -> SeaStore {
    let store = SeaStore::connect(&settings(url.to_owned()))
        .await
        .unwrap_or_else(|e| panic!("cannot open test database: {e}"));
    store.migrate().await.unwrap_or_else(|e| panic!("cannot migrate test database: {e}"));
    store
}

/// `admin_url` with its database name replaced by `name`.
pub fn with_database(admin_url: &str, name: &str) -> String {
    let (base, query) = match admin_url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin_url, String::new()),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(i) => &base[..authority_start + i],
        None => base,
    };
    format!("{base}/{name}{query}")
}

/// Defines each test twice, as `NAME::sqlite` and `NAME::postgres`, so the
/// output shows both engines running. The body gets `db: &TestDatabase`.
#[macro_export]
macro_rules! on_both_engines {
    ($($(#[$attr:meta])* async fn $name:ident($db:ident) $body:block)*) => {$(
        $(#[$attr])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($db: &$crate::testing::TestDatabase) $body

            #[tokio::test]
            async fn sqlite() {
                let db = $crate::testing::TestDatabase::sqlite().await;
                run(&db).await;
                db.finish().await;
            }

            #[tokio::test]
            async fn postgres() {
                if let Some(db) = $crate::testing::TestDatabase::postgres().await {
                    run(&db).await;
                    db.finish().await;
                }
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_name_is_swapped_in_the_admin_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5433/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5433/t1"
        );
        assert_eq!(with_database("postgres://u:p@h:1/db?sslmode=disable", "t2"), "postgres://u:p@h:1/t2?sslmode=disable");
        assert_eq!(with_database("postgres://h", "t3"), "postgres://h/t3");
    }
}
