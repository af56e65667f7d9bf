//! Gopy's use cases.
//!
//! A use case loads what it needs through the ports in [`ports`], applies the
//! domain's rules, and writes the change together with its audit event in one
//! unit of work, so a failure half-way leaves nothing behind. It knows neither
//! HTTP nor SQL: the web crate calls it, the store crate implements the ports.

pub mod accounts;
pub mod answers;
pub mod changes;
pub mod comments;
pub mod consultations;
pub mod directory;
pub mod error;
pub mod holidays;
pub mod indicators;
pub mod meetings;
pub mod offer;
pub mod mail;
pub mod organisation;
pub mod people_import;
pub mod ports;
pub mod reminders;
pub mod reports;
pub mod revisions;
pub mod review;
pub mod rounds;
pub mod search;
pub mod secret;
pub mod word_comments;
pub mod work;

use std::sync::Arc;

pub use accounts::{Client, Identity, SignedIn, link_path};
pub use directory::Directory;
pub use error::{AppError, Field, InvalidReason};
pub use offer::{Offer, WhyNot};
pub use ports::{
    CalendarStore, ChangeTableStore, Claim, ClaimedMail, Clock, DisputeStore, NotifierStore, ReminderStore, Store, StoreError,
    SystemClock, UnitOfWork, WordImportStore,
};

use gopy_domain::{AuditEvent, AuditEventId, OutboxMessage, OutboxMessageId, UserId};
use time::OffsetDateTime;
use uuid::Uuid;

/// What a read use case answers a reader who says which state of a report
/// it holds (its change count, from an `ETag`): the same state, so nothing
/// was built, or the read model of the state now.
#[derive(Debug)]
pub enum Fresh<T> {
    Unchanged { change_count: u64 },
    Changed { change_count: u64, model: T },
}

/// What every use case runs against: the store and the clock. Built once by
/// the composition root (or by each test) and passed down, never global.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    /// Each person's count of what awaits them, for pages' headers.
    work_counts: Arc<work::CountsKept>,
    /// When reminders go out (see [`reminders`]).
    reminders: Arc<gopy_domain::reminder::ReminderSettings>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock, work_counts: Arc::default(), reminders: Arc::default() }
    }

    /// The same use cases on another clock: a story seeded on its own dates
    /// (the demo's meeting of 27/06/2023) assigns deadlines that were still
    /// to come then.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Whether the database answers: the readiness probe.
    pub async fn ready(&self) -> Result<(), StoreError> {
        self.store.ping().await
    }

    /// Now, to the microsecond: PostgreSQL keeps no finer, and a time read
    /// back must equal the time written on both engines.
    fn now(&self) -> OffsetDateTime {
        let now = self.clock.now();
        now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000).unwrap_or(now)
    }

    /// A notice for the outbox, due now.
    fn outbox_message(&self, recipient: UserId, notice: gopy_domain::Notice) -> OutboxMessage {
        let now = self.now();
        OutboxMessage {
            id: OutboxMessageId::from_uuid(new_id()),
            recipient,
            notice: Ok(notice),
            created_at: now,
            due_at: now,
            sent_at: None,
        }
    }

    fn audit(
        &self,
        actor: Option<UserId>,
        action: &str,
        subject_kind: &str,
        subject_id: Option<Uuid>,
        details: serde_json::Value,
    ) -> AuditEvent {
        AuditEvent {
            id: AuditEventId::from_uuid(new_id()),
            occurred_at: self.now(),
            actor,
            action: action.to_owned(),
            subject_kind: subject_kind.to_owned(),
            subject_id,
            details,
        }
    }
}

/// A fresh UUIDv7: unguessable, and ordered by creation time.
fn new_id() -> Uuid {
    Uuid::now_v7()
}
