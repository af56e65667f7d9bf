//! Comments (ý kiến góp ý) on a version, their replies, and the drafting
//! team's answer to each: taken in (tiếp thu), partly taken in, or explained
//! (giải trình).
//!
//! A comment is never deleted: an edit keeps the earlier text, withdrawing
//! marks it withdrawn, and a new version carries its anchor forward (or
//! flags it outdated, still showing what it quoted).


use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::document::align::Anchor;
use crate::text::TextError;
use crate::{BodyId, CommentGroupId, CommentId, ReportId, UserId, VersionId};

/// The text of a comment, a reply or a response: NFC, trimmed, new lines
/// kept, at most [`CommentText::MAX_CHARS`] characters, never cut short.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommentText(String);

impl CommentText {
    /// Long enough for a page of argument; a longer text belongs in a file.
    pub const MAX_CHARS: usize = 5_000;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        crate::text::multi_line(raw, Self::MAX_CHARS).map(Self)
    }
}

crate::text::text_newtype!(CommentText);

/// How the drafting team answered a comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DispositionKind {
    /// Tiếp thu.
    Accepted,
    /// Tiếp thu một phần.
    PartlyAccepted,
    /// Giải trình.
    Explained,
}

crate::organisation::stored_as_snake_case!(
    DispositionKind, "disposition",
    Accepted => "accepted", PartlyAccepted => "partly_accepted", Explained => "explained",
);

impl DispositionKind {
    /// Partly taking in or not taking in must say why; taking in may.
    pub fn needs_response(self) -> bool {
        matches!(self, Self::PartlyAccepted | Self::Explained)
    }
}

/// The drafting team's answer to one comment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disposition {
    pub kind: DispositionKind,
    pub response: Option<CommentText>,
    /// The version in which the comment was taken into account.
    pub addressed_in: Option<u32>,
    pub decided_by: UserId,
    pub decided_at: OffsetDateTime,
    /// When the team's lead published it: until then it is the team's
    /// draft, seen only by the team and the secretariat, and its commenter
    /// is not told. Changing a published answer makes it a draft again.
    #[serde(default)]
    pub published_at: Option<OffsetDateTime>,
}

/// Why a disposition was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DispositionProblem {
    #[error("partly accepting or explaining needs a response that says why")]
    ResponseRequired,
    #[error("a reply is answered in its thread, not given a disposition")]
    NotAComment,
    #[error("a withdrawn comment needs no answer")]
    Withdrawn,
}

/// Why a withdrawal was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WithdrawalProblem {
    #[error("withdrawing someone else's comment needs a reason")]
    ReasonRequired,
}

/// Where a comment stands on the version it is shown on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// On the version it was made on, or carried to a later one unchanged.
    Current,
    /// Carried to a later version whose passage changed.
    PassageChanged,
    /// Its passage is gone from the later version; shown with its quote.
    Outdated,
}

crate::organisation::stored_as_snake_case!(
    Placement, "placement",
    Current => "current", PassageChanged => "passage_changed", Outdated => "outdated",
);

/// A comment on a report, or a reply in a comment's thread.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub id: CommentId,
    pub report: ReportId,
    /// The version the comment was made on.
    pub version: VersionId,
    pub version_number: u32,
    /// The comment a reply answers; `None` for a comment.
    pub parent: Option<CommentId>,
    /// Whose opinion it is.
    pub author: UserId,
    /// Who typed it in, when the secretariat recorded it for the author.
    pub recorded_by: Option<UserId>,
    /// The body (ban, sở) whose opinion it is, when it speaks for a body
    /// rather than for its author alone: recorded from the body's letter or
    /// Word file, or made by one of its contact people for it.
    #[serde(default)]
    pub on_behalf_of: Option<BodyId>,
    /// Said aloud at the meeting and recorded there.
    pub at_meeting: bool,
    /// The passage it is about; `None` for the whole report. Replies have none.
    pub anchor: Option<Anchor>,
    pub body: CommentText,
    pub created_at: OffsetDateTime,
    pub edited_at: Option<OffsetDateTime>,
    pub withdrawn_at: Option<OffsetDateTime>,
    /// Who withdrew it, when not its author (the secretariat).
    pub withdrawn_by: Option<UserId>,
    /// Why someone other than its author withdrew it.
    pub withdrawal_reason: Option<CommentText>,
    /// Made after the round's deadline, where late comments are accepted.
    pub late: bool,
    pub disposition: Option<Disposition>,
    /// The group of comments that say the same thing it was put in by the
    /// drafting team, answered together; it keeps its own row and author.
    #[serde(default)]
    pub group: Option<CommentGroupId>,
    /// How many changes the comment has had since it was made: a change
    /// made on an older reading is refused instead of undoing the newer.
    #[serde(default)]
    pub revision: u32,
}

impl Comment {
    pub fn is_reply(&self) -> bool {
        self.parent.is_some()
    }

    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn_at.is_some()
    }

    /// Whether its answer is published: the one place that says so (an
    /// unanswered comment has none to publish). Commenters and other
    /// members see an answer, agree or disagree with it, only once it is.
    pub fn answer_published(&self) -> bool {
        self.disposition.as_ref().is_some_and(|d| d.published_at.is_some())
    }

    /// Its answer as someone who may not see the team's drafts sees it:
    /// none until it is published.
    pub fn as_seen_outside_the_team(mut self) -> Self {
        if !self.answer_published() {
            self.disposition = None;
        }
        self
    }

    /// Still waiting for the drafting team's answer.
    pub fn awaits_answer(&self) -> bool {
        !self.is_reply() && !self.is_withdrawn() && self.disposition.is_none()
    }

    /// Withdraws it. Its author needs no reason; anyone else (the
    /// secretariat, for a member) must say why, and is named with it, so
    /// the card can tell the author and the drafting team who did it and
    /// why. Withdrawing twice keeps the first.
    pub fn withdraw(&mut self, by: UserId, reason: Option<CommentText>, at: OffsetDateTime) -> Result<(), WithdrawalProblem> {
        if self.is_withdrawn() {
            return Ok(());
        }
        let by_author = by == self.author;
        if !by_author && reason.is_none() {
            return Err(WithdrawalProblem::ReasonRequired);
        }
        self.withdrawn_at = Some(at);
        self.withdrawn_by = (!by_author).then_some(by);
        self.withdrawal_reason = reason;
        Ok(())
    }

    /// Checks and sets the drafting team's answer.
    pub fn answer(
        &mut self,
        kind: DispositionKind,
        response: Option<CommentText>,
        addressed_in: Option<u32>,
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<(), DispositionProblem> {
        if self.is_reply() {
            return Err(DispositionProblem::NotAComment);
        }
        if self.is_withdrawn() {
            return Err(DispositionProblem::Withdrawn);
        }
        if kind.needs_response() && response.is_none() {
            return Err(DispositionProblem::ResponseRequired);
        }
        self.disposition = Some(Disposition { kind, response, addressed_in, decided_by: by, decided_at: at, published_at: None });
        Ok(())
    }
}

/// An earlier text of an edited comment, kept for the secretariat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentRevision {
    pub comment: CommentId,
    pub body: CommentText,
    /// When this text was replaced.
    pub replaced_at: OffsetDateTime,
}

/// Where a comment is shown on one version: its anchor there and how it got there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentPlacement {
    pub comment: CommentId,
    pub version: VersionId,
    pub placement: Placement,
    /// `None` for a comment on the whole report, or one whose passage is gone.
    pub anchor: Option<Anchor>,
    /// With [`Placement::PassageChanged`]: the version in which the passage
    /// changed (this one, or an earlier one it has not changed since).
    pub changed_in: Option<u32>,
}

/// The counts a report's comment list starts with: "14 comments, 3
/// awaiting an answer".
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CommentCounts {
    pub comments: usize,
    pub awaiting: usize,
    pub accepted: usize,
    pub partly_accepted: usize,
    pub explained: usize,
    pub withdrawn: usize,
}

impl CommentCounts {
    /// Counts the comments (not the replies) among `comments`.
    pub fn of<'a>(comments: impl IntoIterator<Item = &'a Comment>) -> Self {
        let mut counts = Self::default();
        for comment in comments.into_iter().filter(|c| !c.is_reply()) {
            counts.add(comment.is_withdrawn(), comment.disposition.as_ref().map(|d| d.kind), 1);
        }
        counts
    }

    /// Adds `n` comments (not replies) that are withdrawn or not, with
    /// their disposition: what a count by group in the database gives.
    pub fn add(&mut self, withdrawn: bool, disposition: Option<DispositionKind>, n: usize) {
        if withdrawn {
            self.withdrawn += n;
            return;
        }
        self.comments += n;
        match disposition {
            None => self.awaiting += n,
            Some(DispositionKind::Accepted) => self.accepted += n,
            Some(DispositionKind::PartlyAccepted) => self.partly_accepted += n,
            Some(DispositionKind::Explained) => self.explained += n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn comment() -> Comment {
        let id = |n| Uuid::from_u128(n);
        Comment {
            id: CommentId::from_uuid(id(1)),
            report: ReportId::from_uuid(id(2)),
            version: VersionId::from_uuid(id(3)),
            version_number: 1,
            parent: None,
            author: UserId::from_uuid(id(4)),
            recorded_by: None,
            on_behalf_of: None,
            at_meeting: false,
            anchor: None,
            body: CommentText::parse("Báo cáo cần ngắn gọn hơn.").expect("text"),
            created_at: OffsetDateTime::UNIX_EPOCH,
            edited_at: None,
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            late: false,
            disposition: None,
            group: None,
            revision: 0,
        }
    }

    #[test]
    fn withdrawing_someone_elses_comment_needs_a_reason_and_names_who_did_it() {
        let office = UserId::from_uuid(Uuid::from_u128(9));
        let at = OffsetDateTime::UNIX_EPOCH;
        let mut c = comment();
        assert_eq!(c.withdraw(office, None, at), Err(WithdrawalProblem::ReasonRequired));
        assert!(!c.is_withdrawn());
        let reason = CommentText::parse("Trùng với ý kiến tại cuộc họp.").ok();
        assert_eq!(c.withdraw(office, reason.clone(), at), Ok(()));
        assert!(c.is_withdrawn());
        assert_eq!((c.withdrawn_by, c.withdrawal_reason.clone()), (Some(office), reason));
        let mut own = comment();
        assert_eq!(own.withdraw(own.author, None, at), Ok(()));
        assert_eq!((own.withdrawn_by, own.withdrawal_reason), (None, None));
    }

    #[test]
    fn comment_text_keeps_lines_and_refuses_empty_overlong_and_control_text() {
        assert_eq!(CommentText::parse(" Dòng 1\r\nDòng 2 ").map(String::from).as_deref(), Ok("Dòng 1\nDòng 2"));
        assert_eq!(CommentText::parse(" \n "), Err(TextError::Empty));
        assert_eq!(CommentText::parse("a\u{0}b"), Err(TextError::ControlCharacter));
        let long = "ý".repeat(CommentText::MAX_CHARS + 1);
        assert_eq!(
            CommentText::parse(&long),
            Err(TextError::TooLong { max: CommentText::MAX_CHARS, actual: CommentText::MAX_CHARS + 1 })
        );
    }

    #[test]
    fn partly_accepting_or_explaining_needs_a_response_and_accepting_does_not() {
        let by = UserId::from_uuid(Uuid::from_u128(9));
        let at = OffsetDateTime::UNIX_EPOCH;
        let mut c = comment();
        assert_eq!(c.answer(DispositionKind::Explained, None, None, by, at), Err(DispositionProblem::ResponseRequired));
        assert_eq!(c.answer(DispositionKind::PartlyAccepted, None, None, by, at), Err(DispositionProblem::ResponseRequired));
        assert!(c.awaits_answer());
        assert_eq!(c.answer(DispositionKind::Accepted, None, Some(2), by, at), Ok(()));
        assert!(!c.awaits_answer());
        let response = CommentText::parse("Giải trình: số liệu đã được xác nhận.").ok();
        assert_eq!(c.answer(DispositionKind::Explained, response, None, by, at), Ok(()));
        assert_eq!(c.disposition.as_ref().map(|d| d.kind), Some(DispositionKind::Explained));
    }

    #[test]
    fn replies_and_withdrawn_comments_get_no_disposition() {
        let by = UserId::from_uuid(Uuid::from_u128(9));
        let mut reply = Comment { parent: Some(CommentId::from_uuid(Uuid::from_u128(7))), ..comment() };
        assert_eq!(reply.answer(DispositionKind::Accepted, None, None, by, OffsetDateTime::UNIX_EPOCH), Err(DispositionProblem::NotAComment));
        let mut withdrawn = Comment { withdrawn_at: Some(OffsetDateTime::UNIX_EPOCH), ..comment() };
        assert_eq!(withdrawn.answer(DispositionKind::Accepted, None, None, by, OffsetDateTime::UNIX_EPOCH), Err(DispositionProblem::Withdrawn));
    }

    #[test]
    fn counts_leave_out_replies_and_count_withdrawn_apart() {
        let by = UserId::from_uuid(Uuid::from_u128(9));
        let mut answered = comment();
        answered.answer(DispositionKind::Accepted, None, None, by, OffsetDateTime::UNIX_EPOCH).expect("answered");
        let all = [
            comment(),
            answered,
            Comment { parent: Some(CommentId::from_uuid(Uuid::from_u128(1))), ..comment() },
            Comment { withdrawn_at: Some(OffsetDateTime::UNIX_EPOCH), ..comment() },
        ];
        let counts = CommentCounts::of(&all);
        assert_eq!((counts.comments, counts.awaiting, counts.accepted, counts.withdrawn), (2, 1, 1, 1));
    }

    #[test]
    fn dispositions_round_trip_through_their_stored_names() {
        for kind in DispositionKind::ALL {
            assert_eq!(kind.as_str().parse::<DispositionKind>().as_ref(), Ok(kind));
        }
    }
}

