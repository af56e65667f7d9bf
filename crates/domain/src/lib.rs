//! Gopy's model and its rules.
//!
//! This crate knows nothing of HTTP, SQL, mail or async runtimes: it holds the
//! types every other crate speaks in, the checks that make a value valid, and
//! (as later capabilities land) the state machines and the one authorization
//! function. CI checks with `cargo tree` that it stays that way.

pub mod access;
pub mod answers;
pub mod account;
pub mod audit;
pub mod calendar;
pub mod comment;
pub mod change_table;
pub mod consultation;
pub mod dispute;
pub mod document;
pub mod id;
pub mod indicator;
pub mod meeting;
pub mod notice;
pub mod organisation;
pub mod outbox;
pub mod reminder;
pub mod report;
pub mod search;
pub mod text;
pub mod workflow;

pub use access::{Action, Actor, Denied, Resource, authorize};
pub use account::{
    AccessToken, AccountLink, LinkProblem, LinkPurpose, PasswordProblem, Session, Throttled, check_password,
    sign_in_allowed,
};
pub use audit::AuditEvent;
pub use id::{
    AccessTokenId, AccountLinkId, ActionItemId, AgendaItemId, AuditEventId, BodyId, CommentId, CommitteeId, IndicatorId,
    MeetingId, MembershipId, MinuteEntryId, OutboxMessageId, ReminderId, ReportId, RoundId, SessionId, TermId, UserId, VersionId,
    LetterId, CommentGroupId, AnswerTemplateId,
};
pub use meeting::{
    ActionDraft, ActionItem, ActionStatus, AgendaItem, Assignee, Attendance, Conclusion, ConclusionText, DraftAt, Meeting,
    MeetingDetails, MeetingProblem, MeetingStatus, MinuteEntry, Presence, CalendarMail, CalendarNotices, Cancellation,
    calendar_uid,
};
pub use organisation::{
    TermDatesError, UnknownValue,
    Body, Committee, CommitteeRole, Email, GlobalRole, Language, Membership, Term, User,
};
pub use comment::{
    Comment, CommentCounts, CommentPlacement, CommentRevision, CommentText, Disposition, DispositionKind,
    DispositionProblem, Placement, WithdrawalProblem,
};
pub use notice::{
    AccountLinkV1, ActionReminderV1, AgendaLineV1, AnswersOwedV1, AnswersPublishedV1, PublishedAnswerV1, CommentV1, ConsultationRequestedV1, MeetingNoticeV1, Notice,
    NoticeKind, ReportStepV1, RoundClosingV1, UnreadableNotice,
};
pub use outbox::{Delivery, MailRecord, MailStatus, OutboxMessage};
pub use report::{Approval, Drafter, Report, ReportKind, ReportStatus, TeamProblem, Title, Version, VersionSource, VersionSummary};
pub use text::{CollationKey, Name, TextError, collation_key, fold};
