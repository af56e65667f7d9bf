//! A report's life: drafting → open for comments (round n, until a
//! deadline) → revising → open again, or submitted for approval → approved
//! (final), or returned for revision with a reason.
//!
//! The state machine is pure: it is told what it needs to know (now, the
//! comments still unanswered, whether a version exists) and answers with the
//! next state or why not. Who may take each step is the authorization
//! function's business, not this module's.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::{CommentId, ReportStatus, RoundId, UserId};

/// A step in a report's life, by the name the API uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Open the latest version for comments until a deadline.
    OpenRound,
    /// Close the open round before its deadline.
    CloseRound,
    /// Hand the latest version to the chair for approval.
    Submit,
    /// Approve the submitted version as final.
    Approve,
    /// Send the submitted version back for revision, with a reason.
    Return,
}

crate::organisation::stored_as_snake_case!(
    Step, "step",
    OpenRound => "open_round", CloseRound => "close_round", Submit => "submit", Approve => "approve", Return => "return",
);

/// A round of comments on one version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub id: RoundId,
    pub number: u32,
    /// The version opened for comments.
    pub version: u32,
    pub opened_at: OffsetDateTime,
    pub deadline: OffsetDateTime,
    /// Comments after the deadline are accepted, and marked late.
    pub late_allowed: bool,
    /// A ballot (phiếu lấy ý kiến) goes with the round.
    pub ballot: bool,
    pub closed_at: Option<OffsetDateTime>,
    /// Moves on by one with every change of the round (its closing): a
    /// change made on an older reading is refused.
    #[serde(default)]
    pub revision: u32,
}

impl Round {
    /// Whether the round still takes comments at `now`, and if so whether
    /// they are late.
    pub fn takes_comments(&self, now: OffsetDateTime) -> Option<bool> {
        if self.closed_at.is_some() {
            return None;
        }
        match (now < self.deadline, self.late_allowed) {
            (true, _) => Some(false),
            (false, true) => Some(true),
            (false, false) => None,
        }
    }

    /// Votes can be cast and changed until the round closes or its deadline passes.
    pub fn takes_votes(&self, now: OffsetDateTime) -> bool {
        self.ballot && self.closed_at.is_none() && now < self.deadline
    }
}

/// What the state machine needs to know to decide.
#[derive(Clone, Debug)]
pub struct Circumstances<'a> {
    pub now: OffsetDateTime,
    /// The latest version's number, if there is one.
    pub latest_version: Option<u32>,
    /// The comments that have no disposition yet (withdrawn ones excepted).
    pub unanswered: &'a [CommentId],
    /// For opening a round: its deadline.
    pub deadline: Option<OffsetDateTime>,
    /// For returning: the reason given.
    pub reason: Option<&'a str>,
}

/// Why a step cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StepRefused {
    /// The step does not fit the report's state; `allowed` lists those that do.
    #[error("{step:?} is not possible while the report is {state:?}")]
    NotNow { step: Step, state: ReportStatus, allowed: Vec<Step> },
    #[error("a round needs a deadline")]
    NoDeadline,
    #[error("the deadline has passed already")]
    DeadlinePassed,
    #[error("there is no version to open for comments yet")]
    NoVersion,
    /// Every comment must be answered before submission.
    #[error("{} comments have no disposition yet", .0.len())]
    Unanswered(Vec<CommentId>),
    #[error("returning a report needs a reason")]
    NoReason,
}

/// The steps that fit `state`.
pub fn allowed_steps(state: ReportStatus) -> Vec<Step> {
    use ReportStatus::*;
    match state {
        Drafting => vec![Step::OpenRound, Step::Submit],
        OpenForComments => vec![Step::CloseRound],
        Revising => vec![Step::OpenRound, Step::Submit],
        Submitted => vec![Step::Approve, Step::Return],
        Approved => vec![],
    }
}

/// The state after `step`, or why the step cannot be taken.
pub fn next_state(state: ReportStatus, step: Step, at: &Circumstances<'_>) -> Result<ReportStatus, StepRefused> {
    if !allowed_steps(state).contains(&step) {
        return Err(StepRefused::NotNow { step, state, allowed: allowed_steps(state) });
    }
    match step {
        Step::OpenRound => {
            if at.latest_version.is_none() {
                return Err(StepRefused::NoVersion);
            }
            match at.deadline {
                None => Err(StepRefused::NoDeadline),
                Some(deadline) if deadline <= at.now => Err(StepRefused::DeadlinePassed),
                Some(_) => Ok(ReportStatus::OpenForComments),
            }
        }
        Step::CloseRound => Ok(ReportStatus::Revising),
        Step::Submit => {
            if at.latest_version.is_none() {
                return Err(StepRefused::NoVersion);
            }
            if !at.unanswered.is_empty() {
                return Err(StepRefused::Unanswered(at.unanswered.to_vec()));
            }
            Ok(ReportStatus::Submitted)
        }
        Step::Approve => {
            // Checked again at approval: a comment may have come in since.
            if !at.unanswered.is_empty() {
                return Err(StepRefused::Unanswered(at.unanswered.to_vec()));
            }
            Ok(ReportStatus::Approved)
        }
        Step::Return => match at.reason.map(str::trim) {
            None | Some("") => Err(StepRefused::NoReason),
            Some(_) => Ok(ReportStatus::Revising),
        },
    }
}

/// Whether new comments may be made in `state` (given the open round, if
/// any) at `now`: `Some(late)` if so. Early comments are welcome while the
/// draft is being written; once a round has closed, commenting waits for the
/// next one; an approved report takes none.
pub fn comments_open(state: ReportStatus, round: Option<&Round>, now: OffsetDateTime) -> Option<bool> {
    match state {
        ReportStatus::Drafting => Some(false),
        ReportStatus::OpenForComments => round.and_then(|r| r.takes_comments(now)),
        ReportStatus::Revising | ReportStatus::Submitted | ReportStatus::Approved => None,
    }
}

/// Whether a new version may be made in `state`: not while a round is open
/// (its comments are on the version opened) nor once approved.
pub fn versions_open(state: ReportStatus) -> bool {
    matches!(state, ReportStatus::Drafting | ReportStatus::Revising)
}

/// Whether dispositions may still be set or changed: until approval.
pub fn answers_open(state: ReportStatus) -> bool {
    state != ReportStatus::Approved
}

/// A vote on a round's ballot (phiếu lấy ý kiến).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    /// Đồng ý.
    Agree,
    /// Không đồng ý.
    Disagree,
    /// Ý kiến khác: with a text.
    Other,
}

crate::organisation::stored_as_snake_case!(Vote, "vote", Agree => "agree", Disagree => "disagree", Other => "other");

/// One member's vote on a round's ballot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub round: RoundId,
    pub voter: UserId,
    pub vote: Vote,
    /// Required with [`Vote::Other`]; allowed with the others.
    pub text: Option<String>,
    pub cast_at: OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;
    use uuid::Uuid;

    fn at(now: OffsetDateTime) -> Circumstances<'static> {
        Circumstances { now, latest_version: Some(1), unanswered: &[], deadline: Some(now + Duration::days(3)), reason: Some("Cần bổ sung") }
    }

    #[test]
    fn a_step_the_state_does_not_allow_names_the_state_and_the_steps_that_fit() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let refused = next_state(ReportStatus::Drafting, Step::Approve, &at(now));
        assert_eq!(
            refused,
            Err(StepRefused::NotNow {
                step: Step::Approve,
                state: ReportStatus::Drafting,
                allowed: vec![Step::OpenRound, Step::Submit]
            })
        );
    }

    #[test]
    fn a_round_needs_a_version_and_a_deadline_in_the_future() {
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(10);
        let no_deadline = Circumstances { deadline: None, ..at(now) };
        assert_eq!(next_state(ReportStatus::Drafting, Step::OpenRound, &no_deadline), Err(StepRefused::NoDeadline));
        let past = Circumstances { deadline: Some(now - Duration::hours(1)), ..at(now) };
        assert_eq!(next_state(ReportStatus::Drafting, Step::OpenRound, &past), Err(StepRefused::DeadlinePassed));
        let no_version = Circumstances { latest_version: None, ..at(now) };
        assert_eq!(next_state(ReportStatus::Revising, Step::OpenRound, &no_version), Err(StepRefused::NoVersion));
        assert_eq!(next_state(ReportStatus::Drafting, Step::OpenRound, &at(now)), Ok(ReportStatus::OpenForComments));
    }

    #[test]
    fn submission_lists_the_comments_still_unanswered() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let open = [CommentId::from_uuid(Uuid::from_u128(1)), CommentId::from_uuid(Uuid::from_u128(2))];
        let waiting = Circumstances { unanswered: &open, ..at(now) };
        assert_eq!(next_state(ReportStatus::Revising, Step::Submit, &waiting), Err(StepRefused::Unanswered(open.to_vec())));
        assert_eq!(next_state(ReportStatus::Revising, Step::Submit, &at(now)), Ok(ReportStatus::Submitted));
    }

    #[test]
    fn returning_needs_a_reason() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let silent = Circumstances { reason: Some("  "), ..at(now) };
        assert_eq!(next_state(ReportStatus::Submitted, Step::Return, &silent), Err(StepRefused::NoReason));
        assert_eq!(next_state(ReportStatus::Submitted, Step::Return, &at(now)), Ok(ReportStatus::Revising));
    }

    #[test]
    fn a_round_takes_comments_until_its_deadline_and_late_ones_only_if_allowed() {
        let opened = OffsetDateTime::UNIX_EPOCH;
        let mut round = Round {
            id: RoundId::from_uuid(Uuid::nil()),
            number: 1,
            version: 1,
            opened_at: opened,
            deadline: opened + Duration::days(2),
            late_allowed: false,
            ballot: true,
            closed_at: None,
            revision: 0,
        };
        assert_eq!(round.takes_comments(opened + Duration::days(1)), Some(false));
        assert_eq!(round.takes_comments(opened + Duration::days(3)), None);
        assert!(round.takes_votes(opened + Duration::days(1)));
        assert!(!round.takes_votes(opened + Duration::days(3)));
        round.late_allowed = true;
        assert_eq!(round.takes_comments(opened + Duration::days(3)), Some(true));
        round.closed_at = Some(opened + Duration::days(1));
        assert_eq!(round.takes_comments(opened + Duration::hours(1)), None);
    }

    /// A tiny model of a report: its state, its versions, and whether each
    /// comment is answered; with the rules above and those of the use cases
    /// (comments, answers and versions only when their state allows).
    #[derive(Clone, Debug)]
    struct Model {
        state: ReportStatus,
        versions: u32,
        comments: Vec<bool>,
        approved: Option<(u32, Vec<bool>)>,
    }

    #[test]
    fn no_sequence_of_actions_approves_an_unanswered_comment_or_changes_an_approved_report() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let start = OffsetDateTime::UNIX_EPOCH + Duration::days(100);
        let mut approvals = 0;
        for _ in 0..2_000 {
            let mut model = Model { state: ReportStatus::Drafting, versions: 0, comments: Vec::new(), approved: None };
            let mut now = start;
            for _ in 0..40 {
                now += Duration::hours((next() % 30) as i64);
                let unanswered: Vec<CommentId> = model
                    .comments
                    .iter()
                    .enumerate()
                    .filter(|(_, answered)| !**answered)
                    .map(|(i, _)| CommentId::from_uuid(Uuid::from_u128(i as u128)))
                    .collect();
                let round = Round {
                    id: RoundId::from_uuid(Uuid::nil()),
                    number: 1,
                    version: model.versions,
                    opened_at: now,
                    deadline: now + Duration::hours(24),
                    late_allowed: next() % 2 == 0,
                    ballot: false,
                    closed_at: None,
                    revision: 0,
                };
                match next() % 9 {
                    0 if versions_open(model.state) => model.versions += 1,
                    1 if comments_open(model.state, Some(&round), now).is_some() => model.comments.push(false),
                    2 if answers_open(model.state) => {
                        if let Some(c) = model.comments.iter_mut().find(|a| !**a) {
                            *c = true;
                        }
                    }
                    n => {
                        let step = [Step::OpenRound, Step::CloseRound, Step::Submit, Step::Approve, Step::Return][(n % 5) as usize];
                        let deadline = [None, Some(now - Duration::hours(1)), Some(now + Duration::days(2))][(next() % 3) as usize];
                        let reason = [None, Some(""), Some("Bổ sung số liệu")][(next() % 3) as usize];
                        let circumstances = Circumstances {
                            now,
                            latest_version: (model.versions > 0).then_some(model.versions),
                            unanswered: &unanswered,
                            deadline,
                            reason,
                        };
                        if let Ok(state) = next_state(model.state, step, &circumstances) {
                            if state == ReportStatus::Approved {
                                assert!(unanswered.is_empty(), "approved with unanswered comments: {model:?}");
                                model.approved = Some((model.versions, model.comments.clone()));
                                approvals += 1;
                            }
                            model.state = state;
                        }
                    }
                }
                if let Some((versions, comments)) = &model.approved {
                    assert_eq!(model.state, ReportStatus::Approved, "an approved report left its final state");
                    assert_eq!((model.versions, &model.comments), (*versions, comments), "an approved report changed");
                }
            }
        }
        assert!(approvals > 50, "the walk should reach approval often enough to mean something: {approvals}");
    }
}
