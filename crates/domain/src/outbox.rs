//! Messages waiting for the notifier. A use case writes them in the same
//! unit of work as the change that causes them, so none is lost or invented.

use serde_json::Value;
use time::OffsetDateTime;

use crate::id::{OutboxMessageId, UserId};

#[derive(Clone, Debug, PartialEq)]
pub struct OutboxMessage {
    pub id: OutboxMessageId,
    /// What happened, e.g. `invitation`; picks the mail template.
    pub kind: String,
    pub recipient: UserId,
    /// What the template needs.
    pub payload: Value,
    pub created_at: OffsetDateTime,
    /// Not to be sent before this (digests and back-off move it).
    pub due_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}
