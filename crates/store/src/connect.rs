//! Opening the database: the URL's scheme picks the engine.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use gopy_app::{Store, StoreError, UnitOfWork};
use gopy_migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, TransactionTrait};

use crate::error::map_db_err;
use crate::unit_of_work::{Kind, SeaUnitOfWork};
use crate::writer::{Held, Queued, Writer};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a database URL names, if it names one Gopy supports.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }
}

/// How to reach the database; comes from the `[database]` configuration.
#[derive(Clone, Debug)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
    pub connect_timeout: Duration,
    /// How long SQLite waits for another writer before giving up.
    pub busy_timeout: Duration,
    /// The most units of work one group commit holds (SQLite); 1 commits
    /// each on its own.
    pub group_commit_max: u32,
    /// How long a group commit may wait for more units after its first,
    /// while others queue for the writer; with none queued it commits at once.
    pub group_commit_wait: Duration,
}

/// Why the database could not be opened. Each message is one line that names
/// the problem and never shows a password.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("database.url {url:?} is not supported: expected sqlite://PATH or postgres://USER@HOST:PORT/NAME")]
    UnsupportedUrl { url: String },
    #[error("cannot create the data folder {}: {reason}", path.display())]
    DataFolder { path: PathBuf, reason: String },
    #[error("cannot write the database file {}: {reason}", path.display())]
    DatabaseFile { path: PathBuf, reason: String },
    #[error("cannot reach the database at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("cannot migrate the database at {url}: {reason}")]
    Migration { url: String, reason: String },
}

/// The sea-orm store. Cheap to clone.
#[derive(Clone)]
pub struct SeaStore {
    pub(crate) db: DatabaseConnection,
    /// What read units of work run on. On SQLite a pool of its own whose
    /// connections are query-only from the start, so a read unit costs no
    /// PRAGMA of its own (the writes have the writer's connection; `db` is
    /// left for migrations, backups and pings). On PostgreSQL, `db`.
    pub(crate) reads: DatabaseConnection,
    engine: Engine,
    pub(crate) url: String,
    /// SQLite has one writer at a time: units of work that write take turns
    /// at this one, which commits them in batches (see [`Writer`]).
    /// PostgreSQL runs each unit in a transaction of its own on the pool.
    writer: Option<Arc<Writer>>,
    /// Every SQL statement run through this store and its clones, counted
    /// so tests can check that a page's queries do not grow with its rows.
    statements: Arc<AtomicU64>,
    /// Units of work begun, read or write: a page must open one.
    units: Arc<AtomicU64>,
    /// Units of work waiting to begin: for a pooled connection, or (SQLite
    /// writes) for the writer's turn and its connection.
    pub(crate) waiting: Arc<AtomicUsize>,
}

impl SeaStore {
    pub async fn connect(settings: &DatabaseSettings) -> Result<Self, ConnectError> {
        let engine = Engine::of_url(&settings.url)
            .ok_or_else(|| ConnectError::UnsupportedUrl { url: redact_url(&settings.url) })?;
        if engine == Engine::Sqlite {
            prepare_sqlite_file(&settings.url)?;
        }
        let options = connect_options(settings, settings.max_connections, false);
        let mut db = Database::connect(options).await.map_err(|e| ConnectError::Unreachable {
            url: redact_url(&settings.url),
            reason: e.to_string(),
        })?;
        // One relaxed add per statement: cheap beside the round trip itself.
        let statements = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&statements);
        db.set_metric_callback(move |_| {
            counter.fetch_add(1, Ordering::Relaxed);
        });
        let reads = match engine {
            Engine::Sqlite => {
                let options = connect_options(settings, settings.max_connections, true);
                let mut reads = Database::connect(options).await.map_err(|e| ConnectError::Unreachable {
                    url: redact_url(&settings.url),
                    reason: e.to_string(),
                })?;
                let counter = Arc::clone(&statements);
                reads.set_metric_callback(move |_| {
                    counter.fetch_add(1, Ordering::Relaxed);
                });
                reads
            }
            Engine::Postgres => db.clone(),
        };
        let writer = match engine {
            Engine::Sqlite => {
                // The writer's own connection, kept open: its batch lives there.
                let mut options = connect_options(settings, 1, false);
                options.min_connections(1).test_before_acquire(false);
                let mut writer_db = Database::connect(options).await.map_err(|e| ConnectError::Unreachable {
                    url: redact_url(&settings.url),
                    reason: e.to_string(),
                })?;
                let counter = Arc::clone(&statements);
                writer_db.set_metric_callback(move |_| {
                    counter.fetch_add(1, Ordering::Relaxed);
                });
                let max = usize::try_from(settings.group_commit_max).unwrap_or(usize::MAX);
                Some(Writer::new(writer_db, engine, max, settings.group_commit_wait, Arc::clone(&statements)))
            }
            Engine::Postgres => None,
        };
        let store = Self {
            db,
            reads,
            engine,
            url: settings.url.clone(),
            writer,
            statements,
            units: Arc::new(AtomicU64::new(0)),
            waiting: Arc::new(AtomicUsize::new(0)),
        };
        store.ping().await.map_err(|e| ConnectError::Unreachable {
            url: redact_url(&settings.url),
            reason: e.to_string(),
        })?;
        Ok(store)
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// How many SQL statements this store and its clones have run so far
    /// (transaction begin and commit not included).
    pub fn statements_run(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// How many units of work, read or write, this store and its clones
    /// have begun so far.
    pub fn units_begun(&self) -> u64 {
        self.units.load(Ordering::Relaxed)
    }

    /// Units of work waiting for the writer's turn (SQLite; always 0 on
    /// PostgreSQL, whose units do not take turns).
    pub fn writes_waiting(&self) -> usize {
        self.writer.as_ref().map_or(0, |w| w.waiting())
    }

    /// A unit of work like [`Store::begin`]'s whose batch checks foreign
    /// keys only at its COMMIT (SQLite's `defer_foreign_keys`), so a test can
    /// make a group commit fail after its units were released into it.
    #[cfg(feature = "testing")]
    pub async fn begin_deferring_foreign_keys(&self) -> Result<Box<dyn UnitOfWork>, StoreError> {
        let Some(writer) = &self.writer else { return self.begin().await };
        self.units.fetch_add(1, Ordering::Relaxed);
        let turn = writer.begin().await?;
        turn.tx().execute_unprepared("PRAGMA defer_foreign_keys = ON").await.map_err(map_db_err)?;
        Ok(Box::new(SeaUnitOfWork::batched(turn)))
    }

    /// Applies every migration not applied yet; returns how many ran.
    pub async fn migrate(&self) -> Result<usize, ConnectError> {
        let failed = |e: sea_orm::DbErr| ConnectError::Migration {
            url: redact_url(&self.url),
            reason: e.to_string(),
        };
        let pending = Migrator::get_pending_migrations(&self.db).await.map_err(failed)?.len();
        Migrator::up(&self.db, None).await.map_err(failed)?;
        // Versions made before their labels were stored get them now, once,
        // through the writer where there is one: on SQLite every write
        // goes through it, so none races it for the lock.
        let filled = async {
            match &self.writer {
                Some(writer) => {
                    let mut turn = writer.begin().await?;
                    turn.open_savepoint().await?;
                    crate::comments::fill_block_labels(turn.tx()).await?;
                    writer.commit(turn, Held::default()).await
                }
                None => crate::comments::fill_block_labels(&self.db).await.map(drop),
            }
        };
        filled.await.map_err(|e| ConnectError::Migration { url: redact_url(&self.url), reason: e.to_string() })?;
        Ok(pending)
    }

    /// Migrations known to this binary but not yet applied.
    pub async fn pending_migrations(&self) -> Result<Vec<String>, ConnectError> {
        let pending = Migrator::get_pending_migrations(&self.db).await.map_err(|e| {
            ConnectError::Migration { url: redact_url(&self.url), reason: e.to_string() }
        })?;
        Ok(pending.iter().map(|m| m.name().to_owned()).collect())
    }

    pub async fn close(self) {
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        // Closing flushes SQLite's WAL; an error here changes nothing for the caller.
        if self.engine == Engine::Sqlite {
            let _ = self.reads.close().await;
        }
        let _ = self.db.close().await;
    }
}

/// The pool's options: `max_connections` of them, each SQLite one in WAL
/// mode with `synchronous=FULL`, so a COMMIT returns once it is on disk;
/// with `query_only`, SQLite connections that refuse every write.
fn connect_options(settings: &DatabaseSettings, max_connections: u32, query_only: bool) -> ConnectOptions {
    let mut options = ConnectOptions::new(settings.url.clone());
    options
        .max_connections(max_connections)
        .connect_timeout(settings.connect_timeout)
        // A request waits this long at most for a connection, then is
        // answered 503 (the database is unavailable) instead of hanging.
        .acquire_timeout(settings.connect_timeout)
        // A pooled connection that a database restart broke is found by
        // a ping and replaced, so service resumes by itself.
        .test_before_acquire(true)
        .sqlx_logging(false);
    let busy_timeout = settings.busy_timeout;
    options.map_sqlx_sqlite_opts(move |o| {
        o.create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(busy_timeout)
            .pragma("query_only", if query_only { "ON" } else { "OFF" })
    });
    options
}

#[async_trait]
impl Store for SeaStore {
    async fn begin(&self) -> Result<Box<dyn UnitOfWork>, StoreError> {
        self.units.fetch_add(1, Ordering::Relaxed);
        let waiting = Queued::new(&self.waiting);
        let unit = match &self.writer {
            Some(writer) => SeaUnitOfWork::batched(writer.begin().await?),
            None => SeaUnitOfWork::new(begin_whole(&self.db, None).await?, Kind::Write),
        };
        drop(waiting);
        Ok(Box::new(unit))
    }

    async fn begin_read(&self) -> Result<Box<dyn UnitOfWork>, StoreError> {
        self.units.fetch_add(1, Ordering::Relaxed);
        // On SQLite in WAL mode readers run beside the one writer, so a read
        // unit takes no turn at the writer; the read pool's connections are
        // query_only, so a write through one fails at once instead of racing
        // the writer for the lock.
        let read_only = match self.engine {
            Engine::Sqlite => None,
            Engine::Postgres => Some("SET TRANSACTION READ ONLY"),
        };
        let waiting = Queued::new(&self.waiting);
        let tx = begin_whole(&self.reads, read_only).await?;
        drop(waiting);
        Ok(Box::new(SeaUnitOfWork::new(tx, Kind::Read)))
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.db.execute_unprepared("SELECT 1").await.map(drop).map_err(map_db_err)
    }
}

/// Begins a transaction on a pooled connection (and runs `first` in it) in
/// a task of its own, which finishes even when the request that asked for it
/// is dropped (its client went away, or its time ran out).
///
/// Dropped mid-BEGIN, the driver would not yet count the transaction as
/// begun, so nothing would roll it back: the connection would go back to
/// the pool inside a transaction, and the next unit on it would hear "there
/// is already a transaction in progress" and run inside the abandoned one.
/// Begun whole, a transaction nobody waits for any more is dropped, which
/// queues its ROLLBACK; the pool sends it before the connection is reused.
async fn begin_whole(db: &DatabaseConnection, first: Option<&'static str>) -> Result<DatabaseTransaction, StoreError> {
    let db = db.clone();
    let begun = tokio::spawn(async move {
        let tx = db.begin().await.map_err(map_db_err)?;
        if let Some(sql) = first {
            tx.execute_unprepared(sql).await.map_err(map_db_err)?;
        }
        Ok(tx)
    });
    begun.await.map_err(|e| StoreError::Unavailable(format!("beginning a transaction: {e}")))?
}

/// The path of an SQLite database URL, or `None` for an in-memory one.
pub(crate) fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Creates the database's folder and checks that the file can be written,
/// so a bad path is reported as such rather than as "unable to open".
fn prepare_sqlite_file(url: &str) -> Result<(), ConnectError> {
    let Some(path) = sqlite_path(url) else { return Ok(()) };
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(|e| ConnectError::DataFolder {
            path: folder.to_path_buf(),
            reason: e.to_string(),
        })?;
    }
    check_writable(&path)
}

fn check_writable(path: &Path) -> Result<(), ConnectError> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(drop)
        .map_err(|e| ConnectError::DatabaseFile { path: path.to_path_buf(), reason: e.to_string() })
}

/// The URL with any password replaced by `***`, for logs and messages.
pub fn redact_url(url: &str) -> String {
    match split_userinfo(url) {
        Some(parts) => {
            let hidden = if parts.password.is_some() { ":***" } else { "" };
            format!("{}://{}{hidden}@{}", parts.scheme, parts.user, parts.rest)
        }
        None => url.to_owned(),
    }
}

/// The URL without its password, and the password (percent-decoded), so a
/// PostgreSQL client program can take it from `PGPASSWORD` instead of its
/// command line.
pub(crate) fn with_password_apart(url: &str) -> (String, Option<String>) {
    match split_userinfo(url) {
        Some(UrlParts { scheme, user, password: Some(password), rest }) => {
            (format!("{scheme}://{user}@{rest}"), Some(percent_decode(password)))
        }
        _ => (url.to_owned(), None),
    }
}

struct UrlParts<'a> {
    scheme: &'a str,
    user: &'a str,
    password: Option<&'a str>,
    /// The host, port, path and query after the `@`.
    rest: &'a str,
}

fn split_userinfo(url: &str) -> Option<UrlParts<'_>> {
    let (scheme, after) = url.split_once("://")?;
    let authority_end = after.find('/').unwrap_or(after.len());
    let at = after[..authority_end].rfind('@')?;
    let (user, password) = match after[..at].split_once(':') {
        Some((user, password)) => (user, Some(password)),
        None => (&after[..at], None),
    };
    Some(UrlParts { scheme, user, password, rest: &after[at + 1..] })
}

fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            redact_url("postgres://gopy:s3cr3t@db.local:5432/gopy"),
            "postgres://gopy:***@db.local:5432/gopy"
        );
        assert_eq!(redact_url("postgres://gopy@db.local/gopy"), "postgres://gopy@db.local/gopy");
        assert_eq!(redact_url("sqlite://data/gopy.db"), "sqlite://data/gopy.db");
    }

    #[test]
    fn a_password_is_taken_out_of_the_url_and_decoded() {
        assert_eq!(
            with_password_apart("postgres://gopy:p%40ss@db.local:5432/gopy?sslmode=disable"),
            ("postgres://gopy@db.local:5432/gopy?sslmode=disable".to_owned(), Some("p@ss".to_owned()))
        );
        assert_eq!(with_password_apart("postgres://gopy@db/gopy"), ("postgres://gopy@db/gopy".to_owned(), None));
    }

    #[test]
    fn sqlite_paths_are_read_from_both_url_forms() {
        assert_eq!(sqlite_path("sqlite://data/gopy.db"), Some(PathBuf::from("data/gopy.db")));
        assert_eq!(sqlite_path("sqlite:data/gopy.db?mode=rwc"), Some(PathBuf::from("data/gopy.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }

    #[test]
    fn the_scheme_picks_the_engine() {
        assert_eq!(Engine::of_url("sqlite://x.db"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("postgresql://h/db"), Some(Engine::Postgres));
        assert_eq!(Engine::of_url("mysql://h/db"), None);
    }
}
