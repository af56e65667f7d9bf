//! The review workflow as a property: any run of steps, comments, answers,
//! versions and time passing, generated and shrunk by proptest, keeps the
//! rules a committee relies on.
//!
//! A small model of one report drives the domain's own decisions
//! (`next_state`, `comments_open`, `versions_open`, `answers_open`,
//! `Round::takes_comments`) and checks after every move:
//!
//! - a round opens only on a version and with a deadline still ahead;
//! - a comment is taken only while the domain says comments are open, and
//!   it is late exactly when it comes at or after the open round's deadline
//!   (only where the round allows late comments at all);
//! - nothing reaches the chair, nor is approved, while a comment is
//!   unanswered;
//! - an approved report is final: no step, comment, version or answer;
//! - rounds are numbered 1, 2, 3… and each opens the latest version.

use proptest::prelude::*;
use time::{Duration, OffsetDateTime};

use gopy_domain::workflow::{Circumstances, Round, Step, StepRefused, allowed_steps, answers_open, comments_open, next_state, versions_open};
use gopy_domain::{CommentId, ReportStatus, RoundId};

/// What can happen to a report, as the generator draws it.
#[derive(Clone, Debug)]
enum Move {
    /// A new version, uploaded by the drafting team.
    NewVersion,
    /// The secretariat opens a round ending `hours` from now (zero or
    /// negative: a deadline already passed, which must be refused).
    OpenRound { hours: i64, late_allowed: bool },
    CloseRound,
    /// A member comments.
    Comment,
    /// The drafting team answers the `n`th unanswered comment, if any.
    Answer(usize),
    Submit,
    Approve,
    Return { with_reason: bool },
    /// Time passes: deadlines come and go.
    Wait { hours: i64 },
}

fn a_move() -> impl Strategy<Value = Move> {
    prop_oneof![
        2 => Just(Move::NewVersion),
        2 => (-24i64..96, any::<bool>()).prop_map(|(hours, late_allowed)| Move::OpenRound { hours, late_allowed }),
        1 => Just(Move::CloseRound),
        4 => Just(Move::Comment),
        3 => (0usize..8).prop_map(Move::Answer),
        2 => Just(Move::Submit),
        1 => Just(Move::Approve),
        1 => any::<bool>().prop_map(|with_reason| Move::Return { with_reason }),
        3 => (1i64..72).prop_map(|hours| Move::Wait { hours }),
    ]
}

/// One report as the model keeps it.
struct Model {
    now: OffsetDateTime,
    status: ReportStatus,
    versions: u32,
    rounds: Vec<Round>,
    /// Every comment: its id, whether it came late, whether it is answered.
    comments: Vec<(CommentId, bool, bool)>,
}

impl Model {
    fn new() -> Self {
        Self {
            now: OffsetDateTime::UNIX_EPOCH + Duration::days(19_500),
            status: ReportStatus::Drafting,
            versions: 0,
            rounds: Vec::new(),
            comments: Vec::new(),
        }
    }

    fn open_round(&self) -> Option<&Round> {
        self.rounds.last().filter(|r| r.closed_at.is_none())
    }

    fn unanswered(&self) -> Vec<CommentId> {
        self.comments.iter().filter(|(_, _, answered)| !answered).map(|(id, _, _)| *id).collect()
    }

    fn step(&mut self, step: Step, deadline: Option<OffsetDateTime>, reason: Option<&str>) -> Result<ReportStatus, StepRefused> {
        let unanswered = self.unanswered();
        let at = Circumstances {
            now: self.now,
            latest_version: (self.versions > 0).then_some(self.versions),
            unanswered: &unanswered,
            deadline,
            reason,
        };
        let before = self.status;
        let outcome = next_state(before, step, &at);
        if let Ok(after) = outcome {
            prop_assert_ok(allowed_steps(before).contains(&step), "a step outside the allowed ones was taken");
            self.status = after;
        }
        outcome
    }

    fn apply(&mut self, m: &Move) -> Result<(), TestCaseError> {
        let was_approved = self.status == ReportStatus::Approved;
        match m {
            Move::NewVersion => {
                if versions_open(self.status) {
                    self.versions += 1;
                }
            }
            Move::OpenRound { hours, late_allowed } => {
                let deadline = self.now + Duration::hours(*hours);
                match self.step(Step::OpenRound, Some(deadline), None) {
                    Ok(_) => {
                        prop_assert!(self.versions > 0, "a round opened with no version");
                        prop_assert!(deadline > self.now, "a round opened with its deadline passed");
                        self.rounds.push(Round {
                            id: RoundId::from_uuid(uuid::Uuid::from_u128(self.rounds.len() as u128 + 1)),
                            number: self.rounds.len() as u32 + 1,
                            version: self.versions,
                            opened_at: self.now,
                            deadline,
                            late_allowed: *late_allowed,
                            ballot: false,
                            closed_at: None,
                            reminder_offsets: Vec::new(),
                            revision: 0,
                        });
                    }
                    Err(StepRefused::DeadlinePassed) => prop_assert!(deadline <= self.now),
                    Err(StepRefused::NoVersion) => prop_assert_eq!(self.versions, 0),
                    Err(StepRefused::NotNow { .. }) => {}
                    Err(other) => prop_assert!(false, "opening a round refused as {other:?}"),
                }
            }
            Move::CloseRound => {
                if self.step(Step::CloseRound, None, None).is_ok() {
                    let now = self.now;
                    let round = self.rounds.last_mut().expect("an open report has a round");
                    round.closed_at = Some(now);
                }
            }
            Move::Comment => {
                let round = self.open_round().cloned();
                if let Some(late) = comments_open(self.status, round.as_ref(), self.now) {
                    match (&round, self.status) {
                        (Some(round), ReportStatus::OpenForComments) => {
                            prop_assert_eq!(late, self.now >= round.deadline, "late is decided by the deadline");
                            prop_assert!(!late || round.late_allowed, "a late comment where the round takes none");
                        }
                        (_, ReportStatus::Drafting) => prop_assert!(!late, "an early comment marked late"),
                        (_, status) => prop_assert!(false, "a comment taken while {status:?}"),
                    }
                    let id = CommentId::from_uuid(uuid::Uuid::from_u128(1_000 + self.comments.len() as u128));
                    self.comments.push((id, late, false));
                } else if let (Some(round), ReportStatus::OpenForComments) = (&round, self.status) {
                    prop_assert!(self.now >= round.deadline && !round.late_allowed, "an open round refused a comment in time");
                }
            }
            Move::Answer(n) => {
                if answers_open(self.status) {
                    if let Some(comment) = self.comments.iter_mut().filter(|c| !c.2).nth(*n) {
                        comment.2 = true;
                    }
                }
            }
            Move::Submit => {
                let unanswered = self.unanswered().len();
                if let Ok(status) = self.step(Step::Submit, None, None) {
                    prop_assert_eq!(status, ReportStatus::Submitted);
                    prop_assert_eq!(unanswered, 0, "submitted with comments unanswered");
                }
            }
            Move::Approve => {
                let unanswered = self.unanswered().len();
                if let Ok(status) = self.step(Step::Approve, None, None) {
                    prop_assert_eq!(status, ReportStatus::Approved);
                    prop_assert_eq!(unanswered, 0, "approved with comments unanswered");
                }
            }
            Move::Return { with_reason } => {
                let reason = with_reason.then_some("Cần bổ sung số liệu quý II");
                match self.step(Step::Return, None, reason) {
                    Ok(status) => prop_assert_eq!(status, ReportStatus::Revising),
                    Err(StepRefused::NoReason) => prop_assert!(!with_reason),
                    Err(_) => {}
                }
            }
            Move::Wait { hours } => self.now += Duration::hours(*hours),
        }
        if was_approved {
            prop_assert_eq!(self.status, ReportStatus::Approved, "an approved report moved");
            prop_assert!(allowed_steps(self.status).is_empty());
            prop_assert!(!versions_open(self.status) && !answers_open(self.status));
            prop_assert!(comments_open(self.status, self.open_round(), self.now).is_none());
        }
        for (i, round) in self.rounds.iter().enumerate() {
            prop_assert_eq!(round.number, i as u32 + 1);
            prop_assert!(round.version >= 1 && round.version <= self.versions);
        }
        Ok(())
    }
}

/// `next_state` is checked against `allowed_steps` inside [`Model::step`],
/// where `prop_assert!` cannot return.
fn prop_assert_ok(holds: bool, what: &str) {
    assert!(holds, "{what}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn every_run_of_the_review_keeps_its_rules(moves in prop::collection::vec(a_move(), 1..60)) {
        let mut model = Model::new();
        for m in &moves {
            model.apply(m)?;
        }
    }
}

/// The generator reaches what the property is about: deadlines passing
/// with a round open, late comments, approvals. A property whose runs never
/// got there would pass without meaning anything.
#[test]
fn generated_runs_include_passed_deadlines_late_comments_and_approvals() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let (mut late_comments, mut passed_deadlines, mut approvals) = (0, 0, 0);
    for _ in 0..512 {
        let moves = prop::collection::vec(a_move(), 1..60).new_tree(&mut runner).expect("a run").current();
        let mut model = Model::new();
        for m in &moves {
            model.apply(m).expect("the property holds");
            if model.open_round().is_some_and(|r| model.now >= r.deadline) {
                passed_deadlines += 1;
            }
        }
        late_comments += model.comments.iter().filter(|(_, late, _)| *late).count();
        approvals += usize::from(model.status == ReportStatus::Approved);
    }
    assert!(late_comments > 0 && passed_deadlines > 0 && approvals > 0, "late {late_comments}, passed {passed_deadlines}, approved {approvals}");
}
