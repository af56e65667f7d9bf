//! What is still disputed (vấn đề còn ý kiến khác nhau): once the drafting
//! team's answers are published, each commenter says whether they agree
//! with the answer to their comment or still disagree (and why), until a
//! deadline the secretariat sets. The comments still disagreed with go to
//! the chair, who records a decision on each at the meeting.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::comment::{Comment, CommentText};
use crate::id::{BodyId, CommentId, MeetingId, UserId};

/// A commenter's view of the answer to their comment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// Đồng ý với ý kiến tiếp thu, giải trình.
    Agree,
    /// Vẫn còn ý kiến khác.
    Disagree,
}

crate::organisation::stored_as_snake_case!(Stance, "stance", Agree => "agree", Disagree => "disagree");

/// A commenter's stance on the answer to one comment; a later one replaces it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StanceTaken {
    pub comment: CommentId,
    pub stance: Stance,
    /// Why they still disagree; always given with [`Stance::Disagree`].
    pub reason: Option<CommentText>,
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// The chair's decision on a comment still disputed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeDecision {
    pub comment: CommentId,
    pub decision: CommentText,
    /// The meeting at which it was decided, when one was held on the report.
    pub meeting: Option<MeetingId>,
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// Why a stance or a decision was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DisputeProblem {
    #[error("the answer to this comment is not published yet")]
    NotAnswered,
    #[error("the deadline for disagreeing has passed")]
    AfterDeadline,
    #[error("still disagreeing needs a reason")]
    ReasonRequired,
    #[error("only the commenter, or a contact of the body it speaks for, may say this")]
    NotTheCommenter,
    #[error("only a comment still disagreed with is decided")]
    NotDisputed,
    #[error("the deadline is before the answers were published")]
    DeadlineInPast,
}

/// Whether the person `user` (of body `body`) speaks for `comment`: its
/// author, or a contact of the body it was made for.
pub fn speaks_for(comment: &Comment, user: UserId, body: Option<BodyId>) -> bool {
    comment.author == user || (comment.on_behalf_of.is_some() && comment.on_behalf_of == body)
}

/// Checks a commenter's stance: the answer published, before the deadline
/// (none set means none yet), a reason with a disagreement.
pub fn take_stance(
    comment: &Comment,
    answer_published: bool,
    deadline: Option<OffsetDateTime>,
    stance: Stance,
    reason: Option<CommentText>,
    by: UserId,
    at: OffsetDateTime,
) -> Result<StanceTaken, DisputeProblem> {
    if !answer_published || comment.disposition.is_none() || comment.is_withdrawn() || comment.is_reply() {
        return Err(DisputeProblem::NotAnswered);
    }
    if deadline.is_some_and(|deadline| at > deadline) {
        return Err(DisputeProblem::AfterDeadline);
    }
    let reason = match stance {
        Stance::Disagree => Some(reason.ok_or(DisputeProblem::ReasonRequired)?),
        Stance::Agree => None,
    };
    Ok(StanceTaken { comment: comment.id, stance, reason, by, at })
}

/// Checks the chair's decision: only on a comment still disagreed with.
pub fn decide(
    stance: Option<&StanceTaken>,
    decision: CommentText,
    meeting: Option<MeetingId>,
    by: UserId,
    at: OffsetDateTime,
) -> Result<DisputeDecision, DisputeProblem> {
    match stance {
        Some(s) if s.stance == Stance::Disagree => Ok(DisputeDecision { comment: s.comment, decision, meeting, by, at }),
        _ => Err(DisputeProblem::NotDisputed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comment::{Disposition, DispositionKind};
    use crate::id::{ReportId, VersionId};
    use time::Duration;
    use uuid::Uuid;

    fn answered() -> Comment {
        let id = |n| Uuid::from_u128(n);
        Comment {
            id: CommentId::from_uuid(id(1)),
            report: ReportId::from_uuid(id(2)),
            version: VersionId::from_uuid(id(3)),
            version_number: 1,
            parent: None,
            author: UserId::from_uuid(id(4)),
            recorded_by: None,
            on_behalf_of: Some(BodyId::from_uuid(id(5))),
            at_meeting: false,
            anchor: None,
            body: CommentText::parse("Số liệu 78% cần đối chiếu lại.").expect("text"),
            created_at: OffsetDateTime::UNIX_EPOCH,
            edited_at: None,
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            late: false,
            disposition: Some(Disposition {
                kind: DispositionKind::Explained,
                response: CommentText::parse("Giữ nguyên.").ok(),
                addressed_in: None,
                decided_by: UserId::from_uuid(id(6)),
                decided_at: OffsetDateTime::UNIX_EPOCH,
                published_at: Some(OffsetDateTime::UNIX_EPOCH),
            }),
            group: None,
            revision: 0,
        }
    }

    #[test]
    fn disagreeing_needs_a_reason_and_is_refused_after_the_deadline() {
        let c = answered();
        let by = c.author;
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(3);
        let reason = CommentText::parse("Số liệu của Sở là 75%.").ok();
        assert_eq!(take_stance(&c, true, None, Stance::Disagree, None, by, now), Err(DisputeProblem::ReasonRequired));
        assert_eq!(
            take_stance(&c, true, Some(now - Duration::days(1)), Stance::Disagree, reason.clone(), by, now),
            Err(DisputeProblem::AfterDeadline)
        );
        assert_eq!(take_stance(&c, false, None, Stance::Agree, None, by, now), Err(DisputeProblem::NotAnswered));
        let taken = take_stance(&c, true, Some(now), Stance::Disagree, reason, by, now).expect("on the deadline");
        assert_eq!(taken.stance, Stance::Disagree);
        let agreed = take_stance(&c, true, None, Stance::Agree, CommentText::parse("ok").ok(), by, now).expect("agree");
        assert_eq!(agreed.reason, None);
    }

    #[test]
    fn the_author_or_a_contact_of_the_body_speaks_for_a_comment() {
        let c = answered();
        assert!(speaks_for(&c, c.author, None));
        let contact = UserId::from_uuid(Uuid::from_u128(77));
        assert!(speaks_for(&c, contact, c.on_behalf_of));
        assert!(!speaks_for(&c, contact, Some(BodyId::from_uuid(Uuid::from_u128(78)))));
        assert!(!speaks_for(&c, contact, None));
    }

    #[test]
    fn only_a_disagreement_is_decided() {
        let c = answered();
        let at = OffsetDateTime::UNIX_EPOCH;
        let text = CommentText::parse("Giữ số liệu 78%.").expect("text");
        let agreed = take_stance(&c, true, None, Stance::Agree, None, c.author, at).expect("agree");
        assert_eq!(decide(Some(&agreed), text.clone(), None, c.author, at), Err(DisputeProblem::NotDisputed));
        assert_eq!(decide(None, text.clone(), None, c.author, at), Err(DisputeProblem::NotDisputed));
        let disagreed =
            take_stance(&c, true, None, Stance::Disagree, CommentText::parse("75%").ok(), c.author, at).expect("disagree");
        assert_eq!(decide(Some(&disagreed), text, None, c.author, at).map(|d| d.comment), Ok(c.id));
    }
}
