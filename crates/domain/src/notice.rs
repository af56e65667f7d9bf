//! What Gopy tells people by mail: one [`Notice`] variant per kind, each
//! with a typed payload whose name carries its version (`CommentV1`).
//!
//! A notice holds ids and the words fixed when it was written (a title, a
//! deadline in the recipient's words), never a link: the notifier builds
//! links from `server.public_url`, so moving the site moves every mail
//! still waiting. The list of kinds, the mail templates the notifier
//! registers and the choices a person has on `/account` all derive from
//! [`NoticeKind::ALL`].
//!
//! Stored, a notice is its kind's name and its payload as JSON with `"v"`,
//! the payload's version. A payload that changes shape gets a new struct
//! (`…V2`) and a new version; [`Notice::from_stored`] keeps reading the old
//! one for the rows still waiting.

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::OffsetDateTime;

use crate::id::{ActionItemId, BodyId, CommentId, MeetingId, ReportId, UserId};
use crate::organisation::UnknownValue;

/// A link to set a password: an invitation to Gopy or a reset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountLinkV1 {
    /// The one-time secret of the link (only its hash is kept elsewhere).
    pub secret: String,
    pub expires_at: OffsetDateTime,
}

/// A comment, a reply or an answer about a report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommentV1 {
    pub report: ReportId,
    pub report_title: String,
    pub comment: CommentId,
    /// The comment that opens its thread: the link lands on it.
    pub thread: CommentId,
    /// The version the thread is shown on.
    pub version: u32,
    /// Who wrote it; the mail names them in the recipient's view of names.
    pub author: UserId,
}

/// One published answer, as the commenter's mail lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PublishedAnswerV1 {
    pub comment: CommentId,
    /// The version the comment was made on.
    pub version: u32,
    /// The passage's citation label; empty for the whole report.
    pub passage: String,
    /// The comment's text, as the commenter wrote it.
    pub comment_text: String,
    /// `accepted`, `partly_accepted` or `explained`.
    pub disposition: String,
    /// The same as flags, so each language's template words it itself.
    pub accepted: bool,
    pub partly_accepted: bool,
    pub explained: bool,
    pub response: Option<String>,
}

/// The drafting team's lead published its answers: to each commenter, one
/// notice listing every answer to their comments, not one per answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswersPublishedV1 {
    pub report: ReportId,
    pub report_title: String,
    pub answers: Vec<PublishedAnswerV1>,
}

/// A step of a report's review: a round opened, the report submitted,
/// approved or returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReportStepV1 {
    pub report: ReportId,
    pub report_title: String,
    /// Why the report was returned; `None` for the other steps.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A round closes soon and the recipient has not commented (or voted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoundClosingV1 {
    pub report: ReportId,
    pub report_title: String,
    pub round: u32,
    pub version: u32,
    pub ballot: bool,
    /// The deadline in the recipient's words: "Thứ Sáu", "07/07/2023 17:00".
    pub weekday: String,
    pub deadline: String,
}

/// A round has closed with comments the drafting team has not answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnswersOwedV1 {
    pub report: ReportId,
    pub report_title: String,
    pub round: u32,
    pub unanswered: u64,
}

/// An action item due soon, overdue, or escalated to the presiding person.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActionReminderV1 {
    pub meeting: MeetingId,
    pub meeting_title: String,
    pub action: ActionItemId,
    pub action_text: String,
    pub assignees: String,
    pub weekday: String,
    pub deadline: String,
    pub overdue_days: i64,
}

/// The secretariat asks a consulted body for its opinion on a draft: to
/// each of the body's people, with the round's deadline in their words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsultationRequestedV1 {
    pub report: ReportId,
    pub report_title: String,
    pub round: u32,
    pub body: BodyId,
    pub body_name: String,
    pub weekday: String,
    /// The deadline as the recipient reads it (dd/mm/yyyy HH:MM).
    pub deadline: String,
    /// A body silent at the deadline is deemed to agree.
    pub silence_agrees: bool,
}

/// One line of the agenda as an invitation lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaLineV1 {
    pub title: String,
    /// The presenting body's name.
    pub presenter: String,
    pub minutes_allotted: u32,
}

/// The payload of a meeting's invitation, update or cancellation: the
/// meeting as the change left it, names resolved, so the mail and its
/// `.ics` say what was true when it was sent. The notifier builds the link
/// from the id and the `.ics` from the rest, for each recipient.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingNoticeV1 {
    pub meeting: MeetingId,
    /// The SEQUENCE the `.ics` carries; the UID is the meeting's.
    pub sequence: u32,
    pub title: String,
    pub committee: String,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub ends_at: OffsetDateTime,
    pub place: String,
    pub presiding: String,
    pub agenda: Vec<AgendaLineV1>,
    /// Why it was cancelled, on a cancellation of the whole meeting
    /// (absent when only the recipient was taken off the list).
    pub reason: Option<String>,
}

/// Whether a person may choose how a kind reaches them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Choice {
    /// At once, hourly, daily or not at all, as the person chose.
    Chosen,
    /// Always at once: without it nobody could sign in, or (a meeting's
    /// invitation, update or cancellation) it is the meeting's convocation
    /// (giấy mời), and a calendar that missed an update would keep the old
    /// time or place, which is worse than no entry at all.
    AlwaysSent,
    /// No longer written (answers now reach their commenter together, as
    /// `answers.published`), kept so rows still in an outbox are delivered
    /// as their recipient chose; no longer offered as a choice.
    Retired,
}

macro_rules! notices {
    ($( $(#[$doc:meta])* $variant:ident($payload:ident, v $version:literal) = $name:literal, $choice:ident; )*) => {
        /// Every notice Gopy mails.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Notice {
            $( $(#[$doc])* $variant($payload), )*
        }

        /// The kinds of [`Notice`], without their payloads.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum NoticeKind {
            $( $(#[$doc])* $variant, )*
        }

        impl NoticeKind {
            pub const ALL: &'static [NoticeKind] = &[$(Self::$variant),*];

            /// The kind's stored name, which also names its mail templates.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $name,)* }
            }

            fn choice(self) -> Choice {
                match self { $(Self::$variant => Choice::$choice,)* }
            }
        }

        impl Notice {
            pub fn kind(&self) -> NoticeKind {
                match self { $(Self::$variant(_) => NoticeKind::$variant,)* }
            }

            /// The payload as stored: its fields and `"v"`, its version.
            pub fn payload(&self) -> Value {
                let (payload, version) = match self {
                    $(Self::$variant(p) => (serde_json::to_value(p), $version),)*
                };
                // Payloads are plain structs of strings, numbers and ids:
                // they always serialize to an object.
                let mut payload = payload.unwrap_or(Value::Null);
                if let Value::Object(fields) = &mut payload {
                    fields.insert("v".to_owned(), Value::from(version));
                }
                payload
            }

            /// Reads back what [`Notice::payload`] stored under `kind`.
            pub fn from_stored(kind: &str, payload: &Value) -> Result<Self, UnreadableNotice> {
                let unreadable = |reason: String| UnreadableNotice { kind: kind.to_owned(), reason };
                let parsed: NoticeKind = kind.parse().map_err(|e: UnknownValue| unreadable(e.to_string()))?;
                let version = payload.get("v").and_then(Value::as_u64);
                match parsed {
                    $(NoticeKind::$variant => {
                        if version != Some($version) {
                            return Err(unreadable(format!("payload version {version:?}, expected {}", $version)));
                        }
                        serde_json::from_value(payload.clone()).map(Self::$variant).map_err(|e| unreadable(e.to_string()))
                    })*
                }
            }
        }
    };
}

notices! {
    /// An invitation to join Gopy, with a link to set a password.
    Invitation(AccountLinkV1, v 1) = "invitation", AlwaysSent;
    PasswordReset(AccountLinkV1, v 1) = "password_reset", AlwaysSent;
    /// To the drafting team: someone commented.
    CommentPosted(CommentV1, v 1) = "comment.posted", Chosen;
    CommentReplied(CommentV1, v 1) = "comment.replied", Chosen;
    /// To the commenter: the drafting team answered (before answers were
    /// held as drafts and published together).
    CommentAnswered(CommentV1, v 1) = "comment.answered", Retired;
    /// To a commenter: the drafting team's answers to their comments, published.
    AnswersPublished(AnswersPublishedV1, v 1) = "answers.published", Chosen;
    RoundOpened(ReportStepV1, v 1) = "round.opened", Chosen;
    ReportSubmitted(ReportStepV1, v 1) = "report.submitted", Chosen;
    ReportApproved(ReportStepV1, v 1) = "report.approved", Chosen;
    ReportReturned(ReportStepV1, v 1) = "report.returned", Chosen;
    RoundClosing(RoundClosingV1, v 1) = "reminder.round_closing", Chosen;
    ActionDue(ActionReminderV1, v 1) = "reminder.action_due", Chosen;
    ActionOverdue(ActionReminderV1, v 1) = "reminder.action_overdue", Chosen;
    ActionEscalated(ActionReminderV1, v 1) = "reminder.action_escalated", Chosen;
    AnswersOwed(AnswersOwedV1, v 1) = "reminder.answers_owed", Chosen;
    /// To a consulted body's people: the draft awaits the body's opinion.
    ConsultationRequested(ConsultationRequestedV1, v 1) = "consultation.requested", Chosen;
    /// To a meeting's guests: an invitation with its `.ics` (METHOD:REQUEST).
    MeetingInvited(MeetingNoticeV1, v 1) = "meeting.invited", AlwaysSent;
    /// Its time, place or agenda changed: the same UID at a higher SEQUENCE.
    MeetingUpdated(MeetingNoticeV1, v 1) = "meeting.updated", AlwaysSent;
    /// Called off, or the guest taken off the list: METHOD:CANCEL.
    MeetingCancelled(MeetingNoticeV1, v 1) = "meeting.cancelled", AlwaysSent;
}

impl NoticeKind {
    /// The kinds a person may choose a [`crate::Delivery`] for, in the
    /// order `/account` lists them.
    pub fn choosable() -> impl Iterator<Item = NoticeKind> {
        Self::ALL.iter().copied().filter(|k| k.choice() == Choice::Chosen)
    }

    pub fn is_choosable(self) -> bool {
        self.choice() == Choice::Chosen
    }

    /// How this kind reaches someone who chose `chosen` for it.
    pub fn delivery(self, chosen: Option<crate::Delivery>) -> crate::Delivery {
        match self.choice() {
            Choice::AlwaysSent => crate::Delivery::AtOnce,
            Choice::Chosen | Choice::Retired => chosen.unwrap_or_default(),
        }
    }
}

impl FromStr for NoticeKind {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s).ok_or_else(|| UnknownValue::new("notice kind", s))
    }
}

impl std::fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Notice {
    /// The person the mail is about, whose name it shows, if any.
    pub fn author(&self) -> Option<UserId> {
        match self {
            Self::CommentPosted(c) | Self::CommentReplied(c) | Self::CommentAnswered(c) => Some(c.author),
            _ => None,
        }
    }
}

/// An outbox row this build cannot read: a kind it does not know, or a
/// payload of another shape or version. The notifier gives up on it, with
/// the reason shown to admins, rather than send a wrong mail.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("notice {kind:?} cannot be read: {reason}")]
pub struct UnreadableNotice {
    pub kind: String,
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Delivery;
    use uuid::Uuid;

    fn comment() -> CommentV1 {
        CommentV1 {
            report: ReportId::from_uuid(Uuid::from_u128(1)),
            report_title: "Báo cáo sơ kết".to_owned(),
            comment: CommentId::from_uuid(Uuid::from_u128(2)),
            thread: CommentId::from_uuid(Uuid::from_u128(2)),
            version: 1,
            author: UserId::from_uuid(Uuid::from_u128(3)),
        }
    }

    #[test]
    fn a_notice_reads_back_what_it_stores() {
        let notice = Notice::CommentPosted(comment());
        let stored = notice.payload();
        assert_eq!(stored["v"], 1);
        assert_eq!(Notice::from_stored(notice.kind().as_str(), &stored), Ok(notice));
    }

    #[test]
    fn an_unknown_kind_or_version_is_unreadable_not_guessed() {
        let stored = Notice::CommentPosted(comment()).payload();
        assert!(Notice::from_stored("meeting.minutes_ready", &stored).is_err());
        let mut old = stored.clone();
        old["v"] = Value::from(0);
        assert!(Notice::from_stored("comment.posted", &old).is_err());
        let mut unversioned = stored;
        unversioned.as_object_mut().map(|f| f.remove("v"));
        assert!(Notice::from_stored("comment.posted", &unversioned).is_err());
    }

    #[test]
    fn every_kind_has_a_distinct_name_that_parses_back() {
        for kind in NoticeKind::ALL {
            assert_eq!(kind.as_str().parse::<NoticeKind>(), Ok(*kind));
        }
        let mut names: Vec<_> = NoticeKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NoticeKind::ALL.len());
    }

    #[test]
    fn invitations_and_resets_are_sent_whatever_was_chosen() {
        assert_eq!(NoticeKind::Invitation.delivery(Some(Delivery::Off)), Delivery::AtOnce);
        assert_eq!(NoticeKind::PasswordReset.delivery(Some(Delivery::Daily)), Delivery::AtOnce);
        assert_eq!(NoticeKind::CommentPosted.delivery(Some(Delivery::Off)), Delivery::Off);
        assert_eq!(NoticeKind::CommentPosted.delivery(None), Delivery::AtOnce);
        assert!(!NoticeKind::choosable().any(|k| k == NoticeKind::Invitation));
        assert_eq!(NoticeKind::MeetingUpdated.delivery(Some(Delivery::Off)), Delivery::AtOnce, "a calendar update always goes");
        assert!(!NoticeKind::choosable().any(|k| k.as_str().starts_with("meeting.")));
    }
}
