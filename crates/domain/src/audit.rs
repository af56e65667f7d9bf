//! The audit trail: who did what to which thing, and when.
//!
//! Every use case that changes data writes one of these in the same unit of
//! work as the change, so the trail can never disagree with the data.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{AuditEventId, UserId};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    pub id: AuditEventId,
    pub occurred_at: OffsetDateTime,
    /// `None` for what the system or an operator's command did.
    pub actor: Option<UserId>,
    /// What happened, as a stable dotted name: `body.created`.
    pub action: String,
    /// The kind of thing it happened to: `body`, `committee`, ...
    pub subject_kind: String,
    pub subject_id: Option<uuid::Uuid>,
    /// Whatever else is worth keeping.
    pub details: serde_json::Value,
}
