//! Typed identifiers.
//!
//! Every row is known by a UUIDv7: unguessable in URLs (74 random bits), yet
//! ordered by creation so indexes stay compact. A distinct type per entity
//! keeps a user id from being passed where a committee id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! entity_id {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// Wraps an id that was made elsewhere (by the store or the caller).
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )*};
}

entity_id!(
    /// A body (ban, cơ quan, đơn vị).
    BodyId,
    /// A person who can sign in.
    UserId,
    /// A committee (e.g. Ban Thường vụ Tỉnh ủy).
    CommitteeId,
    /// A person's seat on a committee.
    MembershipId,
    /// A term (nhiệm kỳ).
    TermId,
    /// One entry of the audit trail.
    AuditEventId,
    /// A signed-in browser session.
    SessionId,
    /// A personal access token for the API.
    AccessTokenId,
    /// A single-use link: an invitation or a password reset.
    AccountLinkId,
    /// A message waiting in the outbox for the notifier.
    OutboxMessageId,
    /// A draft report.
    ReportId,
    /// One version of a draft report.
    VersionId,
    /// A comment on a report, or a reply in its thread.
    CommentId,
    /// A round of comments on a report.
    RoundId,
    /// An indicator (chỉ tiêu) of a term.
    IndicatorId,
    /// A meeting of a committee.
    MeetingId,
    /// One item of a meeting's agenda.
    AgendaItemId,
    /// One spoken opinion in a meeting's minutes.
    MinuteEntryId,
    /// Work a meeting's conclusion assigns.
    ActionItemId,
    /// A reminder planned for one person at one time.
    ReminderId,
    /// An official letter (công văn) a consulted body replied with.
    LetterId,
    /// Comments the drafting team answers together (nhóm ý kiến trùng nhau).
    CommentGroupId,
    /// An answer template (mẫu trả lời) of a committee.
    AnswerTemplateId,
);
