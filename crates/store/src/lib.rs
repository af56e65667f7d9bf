//! sea-orm adapters for Gopy's ports, on SQLite and PostgreSQL.
//!
//! The same code serves both engines; where they differ (SQLite's single
//! writer, how each names a broken constraint) the difference is handled
//! here, behind one check of [`Engine`], and tested on both.

mod backup;
mod calendar;
mod changes;
mod comments;
mod connect;
mod consultations;
mod convert;
mod entity;
mod error;
mod indicators;
mod meetings;
mod notices;
mod observe;
mod outbox;
mod reminders;
mod reports;
mod rounds;
mod search;
mod unit_of_work;
mod word_imports;
mod writer;

#[cfg(feature = "testing")]
pub mod testing;

pub use backup::{BackupError, backup, find_pg_program, restore};
pub use connect::{ConnectError, DatabaseSettings, Engine, SeaStore, redact_url};
pub use notices::Heard;
pub use observe::PoolStatus;
