//! Backing up and restoring a whole database, each engine its own way.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy from one read transaction,
//! so it is safe while a server writes; restoring copies the file into
//! place. PostgreSQL: `pg_dump --format=custom` and `pg_restore`, found on
//! `PATH` or where Debian installs them, with any password passed in the
//! environment rather than on the command line (where `ps` would show it).

use std::path::{Path, PathBuf};
use std::process::Stdio;

use sea_orm::{ConnectionTrait, Statement};

use crate::connect::{sqlite_path, with_password_apart};
use crate::{DatabaseSettings, Engine, SeaStore, redact_url};

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
/// The first bytes of a `pg_dump --format=custom` archive.
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

/// Why a backup or a restore did not happen; each message is one line.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(transparent)]
    Connect(#[from] crate::ConnectError),
    #[error("{} already exists; choose a new file name (a backup never overwrites a file)", .0.display())]
    FileExists(PathBuf),
    #[error("there is no database at {}: check database.url", .0.display())]
    NoDatabase(PathBuf),
    #[error("cannot read the backup {}: {reason}", path.display())]
    Unreadable { path: PathBuf, reason: String },
    #[error("{} is not {expected}; the configured database is {engine}", path.display())]
    WrongKind { path: PathBuf, expected: &'static str, engine: &'static str },
    #[error(
        "the database at {url} already holds data (table {table} has rows); \
         restore into an empty database, or pass --force to replace everything in it"
    )]
    NotEmpty { url: String, table: String },
    #[error(
        "{program} was not found on PATH or in /usr/lib/postgresql/*/bin; \
         install PostgreSQL's client programs (Debian: apt-get install postgresql-client)"
    )]
    ToolMissing { program: &'static str },
    #[error("{program} failed ({status}): {stderr}")]
    ToolFailed { program: &'static str, status: String, stderr: String },
    #[error("SQLite could not write the backup: {0}")]
    Vacuum(String),
    #[error("the database could not be read: {0}")]
    Database(String),
    #[error("{0} is an SQLite file but not a Gopy database")]
    NotGopy(String),
    #[error("{what} {}: {reason}", path.display())]
    Io { what: &'static str, path: PathBuf, reason: String },
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> BackupError {
    let path = path.to_path_buf();
    move |e| BackupError::Io { what, path, reason: e.to_string() }
}

/// Writes a backup of the configured database to `file`, which must not
/// exist yet. Safe while a server runs. Returns the backup's size in bytes.
pub async fn backup(settings: &DatabaseSettings, file: &Path) -> Result<u64, BackupError> {
    if file.exists() {
        return Err(BackupError::FileExists(file.to_path_buf()));
    }
    match engine_of(settings)? {
        Engine::Sqlite => {
            if let Some(path) = sqlite_path(&settings.url).filter(|p| !p.exists()) {
                return Err(BackupError::NoDatabase(path));
            }
            let store = SeaStore::connect(settings).await?;
            let target = file.to_string_lossy().replace('\'', "''");
            let result = store.db.execute_unprepared(&format!("VACUUM INTO '{target}'")).await;
            store.close().await;
            result.map_err(|e| BackupError::Vacuum(e.to_string()))?;
        }
        Engine::Postgres => {
            let mut command = pg_tool("pg_dump", &settings.url)?;
            command.arg("--format=custom").arg("--file").arg(file);
            run(command, "pg_dump").await?;
        }
    }
    std::fs::metadata(file).map(|m| m.len()).map_err(io("cannot read the backup written to", file))
}

/// Replaces the configured database with the backup in `file`. Refuses a
/// database that already holds data unless `force`. The server must be
/// stopped meanwhile (SQLite's file is swapped under it otherwise).
pub async fn restore(settings: &DatabaseSettings, file: &Path, force: bool) -> Result<(), BackupError> {
    let engine = engine_of(settings)?;
    check_kind(file, engine)?;
    if !force {
        let store = SeaStore::connect(settings).await?;
        let holding = first_table_with_rows(&store).await;
        store.close().await;
        if let Some(table) = holding? {
            return Err(BackupError::NotEmpty { url: redact_url(&settings.url), table });
        }
    }
    match engine {
        Engine::Sqlite => restore_sqlite(settings, file).await,
        Engine::Postgres => {
            let mut command = pg_tool("pg_restore", &settings.url)?;
            // One transaction: a restore that fails leaves the database as it was.
            command.args(["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]).arg(file);
            run(command, "pg_restore").await
        }
    }
}

fn engine_of(settings: &DatabaseSettings) -> Result<Engine, BackupError> {
    Engine::of_url(&settings.url)
        .ok_or_else(|| crate::ConnectError::UnsupportedUrl { url: redact_url(&settings.url) }.into())
}

/// Checks that `file` is a backup this engine can restore, before anything
/// is touched.
fn check_kind(file: &Path, engine: Engine) -> Result<(), BackupError> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let read = std::fs::File::open(file)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| BackupError::Unreadable { path: file.to_path_buf(), reason: e.to_string() })?;
    let (magic, expected, name) = match engine {
        Engine::Sqlite => (SQLITE_MAGIC, "an SQLite database file (made by `gopy backup` on SQLite)", "SQLite"),
        Engine::Postgres => (PG_DUMP_MAGIC, "a pg_dump archive (made by `gopy backup` on PostgreSQL)", "PostgreSQL"),
    };
    if head[..read].starts_with(magic) {
        Ok(())
    } else {
        Err(BackupError::WrongKind { path: file.to_path_buf(), expected, engine: name })
    }
}

/// A table other than the migrations' own that has at least one row.
async fn first_table_with_rows(store: &SeaStore) -> Result<Option<String>, BackupError> {
    let failed = |e: sea_orm::DbErr| BackupError::Database(e.to_string());
    let list = match store.engine() {
        Engine::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT table_name::text AS t FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
    };
    let backend = store.db.get_database_backend();
    let rows = store.db.query_all_raw(Statement::from_string(backend, list)).await.map_err(failed)?;
    for row in rows {
        let table: String = row.try_get("", "t").map_err(failed)?;
        if table == "seaql_migrations" {
            continue;
        }
        let probe = format!("SELECT 1 AS one FROM \"{}\" LIMIT 1", table.replace('"', "\"\""));
        if store.db.query_one_raw(Statement::from_string(backend, probe)).await.map_err(failed)?.is_some() {
            return Ok(Some(table));
        }
    }
    Ok(None)
}

/// Copies the backup beside the database, checks that it opens as a Gopy
/// database, then moves it into place in one rename, dropping the old
/// file's write-ahead log (which belongs to the old file only).
async fn restore_sqlite(settings: &DatabaseSettings, file: &Path) -> Result<(), BackupError> {
    let target = sqlite_path(&settings.url)
        .ok_or_else(|| BackupError::Database("an in-memory database cannot be restored into".to_owned()))?;
    if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).map_err(io("cannot create the data folder", folder))?;
    }
    let staged = sibling(&target, ".restoring");
    std::fs::copy(file, &staged).map_err(io("cannot copy the backup to", &staged))?;
    let staged_settings = DatabaseSettings { url: format!("sqlite://{}", staged.display()), ..settings.clone() };
    let opened = check_sqlite_copy(&staged_settings, file).await;
    if let Err(e) = opened {
        let _ = std::fs::remove_file(&staged);
        return Err(e);
    }
    for suffix in ["-wal", "-shm"] {
        let stale = sibling(&target, suffix);
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(io("cannot remove", &stale))?;
        }
    }
    std::fs::rename(&staged, &target).map_err(io("cannot move the restored database to", &target))
}

async fn check_sqlite_copy(settings: &DatabaseSettings, backup: &Path) -> Result<(), BackupError> {
    let store = SeaStore::connect(settings).await?;
    let backend = store.db.get_database_backend();
    let probe = Statement::from_string(backend, "SELECT count(*) AS n FROM seaql_migrations");
    let found = store.db.query_one_raw(probe).await;
    // Closing the last connection folds the write-ahead log into the file.
    store.close().await;
    match found {
        Ok(Some(_)) => Ok(()),
        Ok(None) | Err(_) => Err(BackupError::NotGopy(backup.display().to_string())),
    }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// `program` (pg_dump or pg_restore) set up to reach the database at `url`.
fn pg_tool(program: &'static str, url: &str) -> Result<tokio::process::Command, BackupError> {
    let path = find_pg_program(program).ok_or(BackupError::ToolMissing { program })?;
    let (url, password) = with_password_apart(url);
    let mut command = tokio::process::Command::new(path);
    command.arg("--dbname").arg(url).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    Ok(command)
}

/// A PostgreSQL program (pg_dump, initdb, …): on `PATH`, else the newest
/// under /usr/lib/postgresql (Debian's layout), as the test command finds
/// initdb.
pub fn find_pg_program(program: &str) -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file());
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|entry| {
                let version = entry.file_name().to_str()?.parse().ok()?;
                let candidate = entry.path().join("bin").join(program);
                candidate.is_file().then_some((version, candidate))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, path)| path)
    })
}

async fn run(mut command: tokio::process::Command, program: &'static str) -> Result<(), BackupError> {
    let output = command.output().await.map_err(|e| BackupError::ToolFailed {
        program,
        status: "did not start".to_owned(),
        stderr: e.to_string(),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stderr = stderr.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("; ");
    Err(BackupError::ToolFailed { program, status: output.status.to_string(), stderr })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_of_the_other_engine_is_refused_before_anything_is_touched() {
        let folder = std::env::temp_dir().join(format!("gopy-backup-kind-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&folder).expect("folder");
        let dump = folder.join("gopy.dump");
        std::fs::write(&dump, b"PGDMP\x01\x0e\x00").expect("write");
        let refused = check_kind(&dump, Engine::Sqlite).expect_err("a pg_dump archive is not an SQLite file");
        assert!(refused.to_string().contains("is not an SQLite database file"), "{refused}");
        assert!(check_kind(&dump, Engine::Postgres).is_ok());
        let _ = std::fs::remove_dir_all(folder);
    }
}
