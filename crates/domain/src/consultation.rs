//! Consulting bodies in a review round (lấy ý kiến các cơ quan): which
//! bodies were asked, how each replied, and the register the drafting body
//! owes with its table of dispositions (who was consulted, who answered,
//! who is deemed to agree, and what became of each body's comments).
//!
//! A body replies in one of four ways: its people comment in Gopy (their
//! comments speak for the body), the secretariat records its official
//! letter (công văn) and the comments in it, it answers "no comment /
//! agree", or the deadline passes and, where the round says silence is
//! agreement, it is deemed to agree. The register is computed here from
//! those facts alone, so the page, the JSON and the exports agree.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::text::{Name, TextError, single_line};
use crate::{BodyId, Comment, DispositionKind, LetterId, RoundId, UserId};

/// The consultation that goes with one round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Consultation {
    pub round: RoundId,
    /// A body that sends nothing by the deadline is recorded as agreeing
    /// ("đơn vị không gửi văn bản góp ý xem như thống nhất").
    pub silence_agrees: bool,
    /// When the silent bodies were recorded as agreeing (once).
    pub deemed_at: Option<OffsetDateTime>,
    /// In the order the secretariat picked them.
    pub bodies: Vec<ConsultedBody>,
}

impl Consultation {
    pub fn consults(&self, body: BodyId) -> bool {
        self.bodies.iter().any(|b| b.body == body)
    }
}

/// A body asked for its opinion, and its answer when it gave no comments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConsultedBody {
    pub body: BodyId,
    pub answer: Option<Answer>,
}

/// An answer that is not a comment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub kind: AnswerKind,
    pub at: OffsetDateTime,
    /// Who recorded it; `None` for a deemed agreement (the worker).
    pub by: Option<UserId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    /// "Không có ý kiến / nhất trí".
    NoComment,
    /// Silent at the deadline of a round where silence is agreement.
    Deemed,
}

crate::organisation::stored_as_snake_case!(AnswerKind, "answer", NoComment => "no_comment", Deemed => "deemed");

/// An official letter's number, as the body wrote it ("125/BTC-VP").
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LetterNumber(String);

impl LetterNumber {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        single_line(raw, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LetterNumber {
    type Error = TextError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LetterNumber> for String {
    fn from(number: LetterNumber) -> Self {
        number.0
    }
}

impl std::fmt::Display for LetterNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An official letter (công văn) a body replied with, as the secretariat
/// recorded it. Its file, when kept, is stored beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplyLetter {
    pub id: LetterId,
    pub round: RoundId,
    pub body: BodyId,
    pub number: LetterNumber,
    pub signed_on: Date,
    pub signer: Name,
    pub file_name: Option<String>,
    pub recorded_by: UserId,
    pub recorded_at: OffsetDateTime,
}

/// How a body replied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplyHow {
    /// Its people commented in Gopy.
    Online,
    /// By an official letter the secretariat recorded.
    Letter,
    /// By a comment form (or comments the secretariat typed in) without a
    /// letter recorded.
    Recorded,
    /// "No comment / agree".
    NoComment,
    /// Silent at the deadline, deemed to agree.
    Deemed,
}

/// A body's reply.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub how: ReplyHow,
    pub at: OffsetDateTime,
    /// The letter's number, for a reply by letter.
    pub letter: Option<LetterNumber>,
    /// Replied after the deadline.
    pub late: bool,
}

/// Where one consulted body stands in a round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BodyStanding {
    pub body: BodyId,
    /// `None`: no reply yet.
    pub reply: Option<Reply>,
    /// The deadline passed without a reply, and silence is not agreement.
    pub overdue: bool,
    /// Its comments (not replies, not withdrawn) in the round.
    pub comments: usize,
    pub accepted: usize,
    pub partly_accepted: usize,
    pub explained: usize,
}

impl BodyStanding {
    pub fn awaiting_answer(&self) -> usize {
        self.comments - self.accepted - self.partly_accepted - self.explained
    }
}

/// Where every consulted body stands: `comments` are the report's comments
/// (any; those of the round's version spoken for a body are counted),
/// `version` the version the round opened.
pub fn register(
    consultation: &Consultation,
    deadline: OffsetDateTime,
    version: u32,
    letters: &[ReplyLetter],
    comments: &[Comment],
    now: OffsetDateTime,
) -> Vec<BodyStanding> {
    consultation
        .bodies
        .iter()
        .map(|consulted| {
            let body = consulted.body;
            let theirs: Vec<&Comment> = comments
                .iter()
                .filter(|c| c.on_behalf_of == Some(body) && !c.is_reply() && c.version_number == version)
                .filter(|c| c.withdrawn_at.is_none())
                .collect();
            let count = |kind| theirs.iter().filter(|c| c.disposition.as_ref().is_some_and(|d| d.kind == kind)).count();
            let mut replies: Vec<Reply> = Vec::new();
            let late = |at: OffsetDateTime| at > deadline;
            if let Some(first) = theirs.iter().filter(|c| c.recorded_by.is_none()).map(|c| c.created_at).min() {
                replies.push(Reply { how: ReplyHow::Online, at: first, letter: None, late: late(first) });
            }
            if let Some(letter) = letters.iter().filter(|l| l.body == body).min_by_key(|l| l.recorded_at) {
                let at = letter.recorded_at;
                replies.push(Reply { how: ReplyHow::Letter, at, letter: Some(letter.number.clone()), late: late(at) });
            } else if let Some(first) = theirs.iter().filter(|c| c.recorded_by.is_some()).map(|c| c.created_at).min() {
                replies.push(Reply { how: ReplyHow::Recorded, at: first, letter: None, late: late(first) });
            }
            if let Some(answer) = consulted.answer.as_ref().filter(|a| a.kind == AnswerKind::NoComment) {
                replies.push(Reply { how: ReplyHow::NoComment, at: answer.at, letter: None, late: late(answer.at) });
            }
            // The first reply is the body's; a deemed agreement only stands
            // for a body that gave no other.
            let reply = replies.into_iter().min_by_key(|r| r.at).or_else(|| {
                consulted
                    .answer
                    .as_ref()
                    .filter(|a| a.kind == AnswerKind::Deemed)
                    .map(|a| Reply { how: ReplyHow::Deemed, at: a.at, letter: None, late: false })
            });
            let overdue = reply.is_none() && now >= deadline;
            BodyStanding {
                body,
                overdue,
                comments: theirs.len(),
                accepted: count(DispositionKind::Accepted),
                partly_accepted: count(DispositionKind::PartlyAccepted),
                explained: count(DispositionKind::Explained),
                reply,
            }
        })
        .collect()
}

/// The register's summary, as the table of dispositions opens with it:
/// each group's bodies, in the order they were consulted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegisterSummary {
    pub consulted: Vec<BodyId>,
    /// Replied with comments (online, by letter or form).
    pub with_comments: Vec<BodyId>,
    /// Replied, with no comment (agree).
    pub no_comment: Vec<BodyId>,
    pub deemed: Vec<BodyId>,
    /// Replied after the deadline.
    pub late: Vec<BodyId>,
    /// No reply yet.
    pub not_replied: Vec<BodyId>,
}

pub fn summarise(standings: &[BodyStanding]) -> RegisterSummary {
    let mut summary = RegisterSummary::default();
    for s in standings {
        summary.consulted.push(s.body);
        match s.reply.as_ref().map(|r| r.how) {
            None => summary.not_replied.push(s.body),
            Some(ReplyHow::Deemed) => summary.deemed.push(s.body),
            Some(ReplyHow::NoComment) if s.comments == 0 => summary.no_comment.push(s.body),
            Some(_) if s.comments == 0 => summary.no_comment.push(s.body),
            Some(_) => summary.with_comments.push(s.body),
        }
        if s.reply.as_ref().is_some_and(|r| r.late) {
            summary.late.push(s.body);
        }
    }
    summary
}

/// Why a body's reply cannot be recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplyProblem {
    /// The body was not consulted in the round.
    #[error("the body was not consulted in this round")]
    NotConsulted,
    /// The round has no consultation.
    #[error("the round consults no body")]
    NoConsultation,
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;
    use crate::{CommentId, CommentText, Disposition, ReportId, VersionId};

    fn id(n: u128) -> uuid::Uuid {
        uuid::Uuid::from_u128(n)
    }

    fn comment(body: u128, at: OffsetDateTime, recorded: bool, kind: Option<DispositionKind>) -> Comment {
        Comment {
            id: CommentId::from_uuid(id(at.unix_timestamp() as u128 * 10 + body)),
            report: ReportId::from_uuid(id(1)),
            version: VersionId::from_uuid(id(2)),
            version_number: 1,
            parent: None,
            author: UserId::from_uuid(id(3)),
            recorded_by: recorded.then(|| UserId::from_uuid(id(4))),
            on_behalf_of: Some(BodyId::from_uuid(id(body))),
            at_meeting: false,
            anchor: None,
            body: CommentText::parse("Đề nghị bổ sung.").expect("in the test"),
            created_at: at,
            edited_at: None,
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            late: false,
            disposition: kind.map(|kind| Disposition {
                kind,
                response: None,
                addressed_in: None,
                decided_by: UserId::from_uuid(id(5)),
                decided_at: at,
                published_at: None,
            }),
            group: None,
            revision: 0,
        }
    }

    #[test]
    fn each_body_replies_once_by_its_first_answer_and_silence_counts_only_when_no_other() {
        let deadline = datetime!(2023-07-07 17:00 +7);
        let bodies = [10, 11, 12, 13, 14].map(|n| BodyId::from_uuid(id(n)));
        let answer = |kind, at| Some(Answer { kind, at, by: None });
        let consultation = Consultation {
            round: RoundId::from_uuid(id(9)),
            silence_agrees: true,
            deemed_at: Some(deadline),
            bodies: vec![
                ConsultedBody { body: bodies[0], answer: None },
                ConsultedBody { body: bodies[1], answer: None },
                ConsultedBody { body: bodies[2], answer: answer(AnswerKind::Deemed, deadline) },
                ConsultedBody { body: bodies[3], answer: answer(AnswerKind::NoComment, datetime!(2023-07-05 9:00 +7)) },
                ConsultedBody { body: bodies[4], answer: None },
            ],
        };
        let comments = vec![
            comment(10, datetime!(2023-07-04 9:00 +7), false, Some(DispositionKind::Accepted)),
            comment(10, datetime!(2023-07-05 9:00 +7), false, Some(DispositionKind::Explained)),
            comment(10, datetime!(2023-07-06 9:00 +7), false, None),
            comment(11, datetime!(2023-07-08 9:00 +7), true, Some(DispositionKind::PartlyAccepted)),
        ];
        let letter = ReplyLetter {
            id: LetterId::from_uuid(id(20)),
            round: consultation.round,
            body: bodies[1],
            number: LetterNumber::parse("125/BTC-VP").expect("in the test"),
            signed_on: time::macros::date!(2023 - 07 - 08),
            signer: Name::parse("Nguyễn Văn A").expect("in the test"),
            file_name: None,
            recorded_by: UserId::from_uuid(id(4)),
            recorded_at: datetime!(2023-07-08 9:00 +7),
        };
        let now = datetime!(2023-07-10 8:00 +7);
        let standings = register(&consultation, deadline, 1, &[letter], &comments, now);
        let how: Vec<_> = standings.iter().map(|s| s.reply.as_ref().map(|r| r.how)).collect();
        assert_eq!(how, vec![
            Some(ReplyHow::Online),
            Some(ReplyHow::Letter),
            Some(ReplyHow::Deemed),
            Some(ReplyHow::NoComment),
            None
        ]);
        assert_eq!((standings[0].comments, standings[0].accepted, standings[0].explained, standings[0].awaiting_answer()), (3, 1, 1, 1));
        assert_eq!(standings[1].reply.as_ref().map(|r| (r.late, r.letter.as_ref().map(LetterNumber::as_str))), Some((true, Some("125/BTC-VP"))));
        assert!(standings[4].overdue);
        let summary = summarise(&standings);
        assert_eq!(summary.with_comments, vec![bodies[0], bodies[1]]);
        assert_eq!(summary.no_comment, vec![bodies[3]]);
        assert_eq!(summary.deemed, vec![bodies[2]]);
        assert_eq!(summary.late, vec![bodies[1]]);
        assert_eq!(summary.not_replied, vec![bodies[4]]);
    }
}
