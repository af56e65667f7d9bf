//! "Việc của tôi" (my work): what awaits the signed-in person, from all
//! their roles at once, read in one read unit of work.
//!
//! - as a member of a committee: the drafts open for their comments, with
//!   the round's deadline and whether they have commented and voted yet,
//!   and the recent answers to their comments;
//! - as a person of a body the open round consults: the draft, for the
//!   body, awaiting until the body replies (through anyone, any way);
//! - on a drafting team: the comments awaiting an answer, per report; the
//!   reports returned, with the reason; the rounds open on their reports;
//! - in the secretariat: the open rounds by deadline, the overdue action
//!   items, the reports whose drafting is done but which are not submitted;
//! - as a committee's chair: the reports awaiting approval and the open
//!   ballots.
//!
//! Not here yet: for the secretariat, the consulted bodies that have not
//! replied (the register lists them); for want of data, disputes, and
//! which answers a person has seen (Gopy does not record reading): the
//! answers listed are those of the last [`RECENT_ANSWERS_DAYS`] days.
//!
//! The header's count of what awaits ([`MyWork::awaiting`]) comes from the
//! same model. The header is on every page, and every page is one read unit
//! of work whose statements do not grow with the data: so only the home
//! (and `GET /api/v1/me/work`) reads the model, and keeps the person's count
//! in memory for [`COUNT_KEPT_FOR`]; other pages show the kept count
//! ([`App::kept_work_count`], no database at all) and none once it is older.
//! Signing in lands on the home, so the count is there from the start.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration as StdDuration, Instant};

use gopy_domain::consultation::register;
use gopy_domain::meeting::VIETNAM;
use gopy_domain::workflow::{Round, Step, answers_open};
use gopy_domain::{
    Action, ActionStatus, Actor, Assignee, CommentCounts, CommitteeRole, MeetingId, Report, ReportId, ReportStatus,
    Resource, UserId, authorize,
};
use time::{Date, Duration, OffsetDateTime};

use crate::meetings::meeting_resource;
use crate::reports::report_resource;
use crate::{App, AppError, Directory, UnitOfWork};

/// Answers to one's comments are listed this many days after they were given.
pub const RECENT_ANSWERS_DAYS: i64 = 14;

/// How long a person's count of awaiting items is kept for the header of
/// pages other than the home, which always counts afresh: a count may be
/// this old on other pages.
pub const COUNT_KEPT_FOR: StdDuration = StdDuration::from_secs(10 * 60);

/// At most this many people's counts are kept; past it the map starts over.
const COUNTS_KEPT: usize = 10_000;

/// What awaits one person, from all their roles at once. Every list is
/// empty for a role the person does not hold.
#[derive(Clone, Debug, Default)]
pub struct MyWork {
    /// Today in Việt Nam: the day "N days left" counts from.
    pub today: Option<Date>,
    /// Member: drafts open for their comments, the nearest deadline first.
    pub to_comment: Vec<DraftToComment>,
    /// Member: their comments answered lately, per report.
    pub answered: Vec<AnswersToMe>,
    /// Drafting team: comments awaiting an answer, per report.
    pub to_answer: Vec<CommentsToAnswer>,
    /// Drafting team: reports the chair sent back, with the reason.
    pub returned: Vec<ReturnedReport>,
    /// Drafting team (their reports) and secretariat (all): open rounds,
    /// the nearest deadline first.
    pub rounds: Vec<OpenRound>,
    /// Drafting team and secretariat: drafting done, not submitted.
    pub to_submit: Vec<ReportToSubmit>,
    /// Who follows up (secretariat, committee secretary, presiding person):
    /// overdue action items; anyone: open items assigned to them by name.
    pub actions: Vec<ActionToDo>,
    /// Chair: reports submitted for their approval.
    pub to_approve: Vec<ReportToApprove>,
    /// Chair: the open ballots of their committees.
    pub ballots: Vec<OpenBallot>,
    /// The viewer may open the dashboard.
    pub may_view_dashboard: bool,
}

/// A report as a line of the home names it.
#[derive(Clone, Debug)]
pub struct ReportRef {
    pub id: ReportId,
    pub title: String,
    pub committee: Option<String>,
}

#[derive(Clone, Debug)]
pub struct DraftToComment {
    pub report: ReportRef,
    pub round: u32,
    /// The version open for comments: where the person comments.
    pub version: u32,
    pub deadline: OffsetDateTime,
    /// Days from today to the deadline's day, in Việt Nam; 0 on the day.
    pub days_left: i64,
    /// The deadline has passed and late comments are still taken.
    pub late: bool,
    /// The round has a ballot the person may cast.
    pub ballot: bool,
    /// Their comments in this round (not replies, not withdrawn).
    pub commented: usize,
    pub voted: bool,
    /// For a consulted body's person (not on the committee): the body the
    /// round consults and they comment for.
    pub for_body: Option<ForBody>,
}

/// The consulted body a person comments for.
#[derive(Clone, Debug)]
pub struct ForBody {
    pub name: String,
    /// The body has replied in the round, whichever way (a colleague's
    /// comment, a letter, "no comment", deemed agreement).
    pub replied: bool,
}

impl DraftToComment {
    /// Nothing done yet: no comment, and no vote where there is a ballot;
    /// for a consulted body's person, the body has not replied either.
    pub fn untouched(&self) -> bool {
        self.commented == 0 && !self.voted && !self.for_body.as_ref().is_some_and(|b| b.replied)
    }
}

#[derive(Clone, Debug)]
pub struct AnswersToMe {
    pub report: ReportRef,
    /// How many of their comments were answered lately.
    pub answered: usize,
    pub latest: OffsetDateTime,
}

#[derive(Clone, Debug)]
pub struct CommentsToAnswer {
    pub report: ReportRef,
    pub awaiting: usize,
    pub status: ReportStatus,
}

#[derive(Clone, Debug)]
pub struct ReturnedReport {
    pub report: ReportRef,
    pub reason: String,
    pub by: Option<String>,
    pub at: OffsetDateTime,
}

#[derive(Clone, Debug)]
pub struct OpenRound {
    pub report: ReportRef,
    pub round: u32,
    pub version: u32,
    pub deadline: OffsetDateTime,
    pub days_left: i64,
    /// The deadline has passed and the round is still open: the
    /// secretariat closes it.
    pub overdue: bool,
    /// The viewer may close the round (the secretariat).
    pub may_close: bool,
    /// Comments awaiting an answer on the report so far.
    pub awaiting: usize,
}

#[derive(Clone, Debug)]
pub struct ReportToSubmit {
    pub report: ReportRef,
    pub version: u32,
}

#[derive(Clone, Debug)]
pub struct ActionToDo {
    pub meeting: MeetingId,
    pub meeting_title: String,
    pub text: String,
    pub deadline: Date,
    /// Days from today to the deadline; negative once past.
    pub days_left: i64,
    pub overdue: bool,
    /// Assigned to the viewer by name.
    pub mine: bool,
}

#[derive(Clone, Debug)]
pub struct ReportToApprove {
    pub report: ReportRef,
    pub version: u32,
}

#[derive(Clone, Debug)]
pub struct OpenBallot {
    pub report: ReportRef,
    pub round: u32,
    pub deadline: OffsetDateTime,
    pub days_left: i64,
    pub voted: usize,
    pub members: usize,
    pub mine_cast: bool,
}

impl MyWork {
    /// How many items wait for the viewer to act: the header's count.
    /// Answers to their comments and rounds they only watch are news, not
    /// work, and are not counted.
    pub fn awaiting(&self) -> usize {
        self.to_comment.iter().filter(|d| d.untouched()).count()
            + self.to_answer.len()
            + self.returned.len()
            + self.rounds.iter().filter(|r| r.overdue && r.may_close).count()
            + self.to_submit.len()
            + self.actions.len()
            + self.to_approve.len()
    }

    /// Nothing at all to show.
    pub fn is_empty(&self) -> bool {
        self.to_comment.is_empty()
            && self.answered.is_empty()
            && self.to_answer.is_empty()
            && self.returned.is_empty()
            && self.rounds.is_empty()
            && self.to_submit.is_empty()
            && self.actions.is_empty()
            && self.to_approve.is_empty()
            && self.ballots.is_empty()
    }
}

/// Each person's latest count of awaiting items, and when it was counted.
#[derive(Debug, Default)]
pub(crate) struct CountsKept(Mutex<HashMap<UserId, (Instant, usize)>>);

impl CountsKept {
    fn get(&self, user: UserId) -> Option<usize> {
        let kept = self.0.lock().ok()?;
        kept.get(&user).filter(|(at, _)| at.elapsed() < COUNT_KEPT_FOR).map(|(_, n)| *n)
    }

    pub(crate) fn put(&self, user: UserId, n: usize) {
        if let Ok(mut kept) = self.0.lock() {
            if kept.len() >= COUNTS_KEPT {
                kept.clear();
            }
            kept.insert(user, (Instant::now(), n));
        }
    }
}

/// Days from `today` to `at`'s day in Việt Nam.
fn days_until(today: Date, at: OffsetDateTime) -> i64 {
    (at.to_offset(VIETNAM).date() - today).whole_days()
}

impl App {
    /// What awaits `actor`, read afresh.
    pub async fn my_work(&self, actor: &Actor) -> Result<MyWork, AppError> {
        let mut uow = self.store.begin_read().await?;
        let work = self.work_in(uow.as_mut(), actor).await?;
        self.work_counts.put(actor.user, work.awaiting());
        Ok(work)
    }

    /// How many items awaited `user` when the home (or the API's
    /// `me/work`) last counted them, within [`COUNT_KEPT_FOR`]; `None`
    /// otherwise. Reads no database: it is asked for every page's header.
    pub fn kept_work_count(&self, user: UserId) -> Option<usize> {
        self.work_counts.get(user)
    }

    /// The model, in the caller's read unit of work (the home reads its
    /// other parts in the same one). A bounded number of statements: one
    /// per list, plus one per returned report the viewer drafts, two per
    /// open ballot of a committee they chair, and, for a consulted body's
    /// person, one for their body and three per open round consulting it.
    pub(crate) async fn work_in(&self, uow: &mut dyn UnitOfWork, actor: &Actor) -> Result<MyWork, AppError> {
        let now = self.now();
        let today = now.to_offset(VIETNAM).date();
        let reports: Vec<Report> = uow
            .list_reports()
            .await?
            .into_iter()
            .filter(|r| authorize(actor, Action::ViewReport, report_resource(r)).is_ok())
            .collect();
        let committees = uow.list_committees().await?;
        let refer = |report: &Report| ReportRef {
            id: report.id,
            title: report.title.to_string(),
            committee: committees.iter().find(|c| c.id == report.committee).map(|c| c.name.to_string()),
        };
        let rounds: HashMap<ReportId, Round> = uow.latest_rounds().await?.into_iter().collect();
        // The team's own view: an answer drafted is no longer owed.
        let counts: HashMap<ReportId, CommentCounts> = uow.comment_counts().await?.into_iter().map(|c| (c.report, c.with_drafts)).collect();
        let versions: HashMap<ReportId, u32> = uow.version_counts().await?.into_iter().collect();
        let mine = uow.comments_by(actor.user).await?;
        let my_votes = uow.ballots_by(actor.user).await?;
        let open_round = |report: &Report| rounds.get(&report.id).filter(|r| r.closed_at.is_none() && report.status == ReportStatus::OpenForComments);
        let awaiting = |report: &Report| counts.get(&report.id).map_or(0, |c| c.awaiting);

        let mut work = MyWork {
            today: Some(today),
            may_view_dashboard: authorize(actor, Action::ViewDashboard, Resource::Organisation).is_ok(),
            ..MyWork::default()
        };
        let mut directory: Option<Directory> = None;
        // The body of a person whose body is consulted on some report.
        let my_body = match actor.consulted.is_empty() {
            true => None,
            false => uow.find_user(actor.user).await?.and_then(|u| u.body),
        };
        for report in &reports {
            let resource = report_resource(report);
            let seated = actor.role_in(report.committee).is_some();
            let drafts = actor.drafts(report.id);
            let organises = actor.organises();

            // A consulted body's person, off the committee: the draft, for
            // the body, while the open round consults it.
            let mut for_body = None;
            if let (Some(round), Some(body)) = (open_round(report), my_body)
                && !seated
                && actor.consulted_on(report.id)
                && round.takes_comments(now).is_some()
                && let Some(consultation) = uow.consultation_of(round.id).await?.filter(|c| c.consults(body))
            {
                let letters = uow.letters_of(round.id).await?;
                let comments = uow.comments_of_report(report.id).await?;
                let standings = register(&consultation, round.deadline, round.version, &letters, &comments, now);
                if directory.is_none() {
                    directory = Some(Directory::load(uow).await?);
                }
                for_body = Some(ForBody {
                    name: directory.as_ref().and_then(|d| d.body_name(body)).unwrap_or_default(),
                    replied: standings.iter().any(|s| s.body == body && s.reply.is_some()),
                });
            }

            // A member's draft open for comments, or a consulted body's.
            if let Some(round) = open_round(report)
                && (seated || for_body.is_some())
                && round.takes_comments(now).is_some()
            {
                let commented = mine
                    .iter()
                    .filter(|c| c.report == report.id && !c.is_reply() && !c.is_withdrawn() && c.created_at >= round.opened_at)
                    .count();
                let ballot = round.takes_votes(now) && authorize(actor, Action::Vote, resource).is_ok();
                work.to_comment.push(DraftToComment {
                    report: refer(report),
                    round: round.number,
                    version: round.version,
                    deadline: round.deadline,
                    days_left: days_until(today, round.deadline),
                    late: round.takes_comments(now) == Some(true),
                    ballot,
                    commented,
                    voted: ballot && my_votes.iter().any(|v| v.round == round.id),
                    for_body: for_body.take(),
                });
            }

            // Answers to the member's comments published lately (a draft is not theirs to see).
            let recent: Vec<OffsetDateTime> = mine
                .iter()
                .filter(|c| c.report == report.id && !c.is_reply() && !c.is_withdrawn())
                .filter_map(|c| c.disposition.as_ref().and_then(|d| d.published_at))
                .filter(|at| now - *at <= Duration::days(RECENT_ANSWERS_DAYS))
                .collect();
            if let Some(latest) = recent.iter().max() {
                work.answered.push(AnswersToMe { report: refer(report), answered: recent.len(), latest: *latest });
            }

            // The drafting team's comments to answer.
            if drafts && answers_open(report.status) && awaiting(report) > 0 {
                work.to_answer.push(CommentsToAnswer { report: refer(report), awaiting: awaiting(report), status: report.status });
            }

            // Returned: the report's last step was a return.
            let mut returned = false;
            if drafts && report.status == ReportStatus::Revising {
                let events = uow.audit_events_about("report", report.id.as_uuid()).await?;
                let last_step = events.iter().rev().find(|e| e.action == "report.step");
                if let Some(event) = last_step.filter(|e| e.details["step"].as_str() == Some(Step::Return.as_str())) {
                    if directory.is_none() {
                        directory = Some(Directory::load(uow).await?);
                    }
                    returned = true;
                    work.returned.push(ReturnedReport {
                        report: refer(report),
                        reason: event.details["reason"].as_str().unwrap_or_default().to_owned(),
                        by: event.actor.zip(directory.as_ref()).map(|(u, d)| d.name(u)),
                        at: event.occurred_at,
                    });
                }
            }

            // Open rounds the drafting team and the secretariat watch.
            if let Some(round) = open_round(report)
                && (drafts || organises)
            {
                work.rounds.push(OpenRound {
                    report: refer(report),
                    round: round.number,
                    version: round.version,
                    deadline: round.deadline,
                    days_left: days_until(today, round.deadline),
                    overdue: round.deadline <= now,
                    may_close: authorize(actor, Action::ManageRounds, resource).is_ok(),
                    awaiting: awaiting(report),
                });
            }

            // Drafting done: revised since the last round, every comment
            // answered, not returned (that is listed above), not submitted.
            let latest = versions.get(&report.id).copied().unwrap_or(0);
            if (drafts || organises)
                && !returned
                && report.status == ReportStatus::Revising
                && awaiting(report) == 0
                && rounds.get(&report.id).is_some_and(|r| latest > r.version)
                && authorize(actor, Action::SubmitReport, resource).is_ok()
            {
                work.to_submit.push(ReportToSubmit { report: refer(report), version: latest });
            }

            // The chair's approval.
            if report.status == ReportStatus::Submitted && authorize(actor, Action::ApproveReport, resource).is_ok() {
                work.to_approve.push(ReportToApprove { report: refer(report), version: latest });
            }

            // The open ballots of a committee the viewer chairs.
            if let Some(round) = open_round(report)
                && round.takes_votes(now)
                && actor.role_in(report.committee) == Some(CommitteeRole::Chair)
            {
                let votes = uow.ballots_of(round.id).await?;
                let members = uow.memberships_of_committee(report.committee).await?;
                work.ballots.push(OpenBallot {
                    report: refer(report),
                    round: round.number,
                    deadline: round.deadline,
                    days_left: days_until(today, round.deadline),
                    voted: votes.iter().filter(|v| members.iter().any(|m| m.user == v.voter)).count(),
                    members: members.len(),
                    mine_cast: votes.iter().any(|v| v.voter == actor.user),
                });
            }
        }

        // Action items: overdue ones for who follows up, open ones for
        // whom they name.
        for meeting in uow.list_meetings().await? {
            let resource = meeting_resource(&meeting);
            let follows_up = authorize(actor, Action::FollowUpAction, resource).is_ok();
            for action in meeting.actions.iter().filter(|a| a.status == ActionStatus::Open) {
                let overdue = action.is_overdue(now);
                let named = action.assignees.contains(&Assignee::Person(actor.user));
                if (follows_up && overdue) || named {
                    work.actions.push(ActionToDo {
                        meeting: meeting.id,
                        meeting_title: meeting.title.to_string(),
                        text: action.text.to_string(),
                        deadline: action.deadline,
                        days_left: (action.deadline - today).whole_days(),
                        overdue,
                        mine: named,
                    });
                }
            }
        }

        work.to_comment.sort_by_key(|d| d.deadline);
        work.rounds.sort_by_key(|r| r.deadline);
        work.ballots.sort_by_key(|b| b.deadline);
        work.answered.sort_by_key(|a| std::cmp::Reverse(a.latest));
        work.to_answer.sort_by_key(|a| std::cmp::Reverse(a.awaiting));
        work.actions.sort_by_key(|a| (!a.overdue, a.deadline));
        Ok(work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(commented: usize, voted: bool) -> DraftToComment {
        DraftToComment {
            report: ReportRef { id: ReportId::from_uuid(uuid::Uuid::nil()), title: "Báo cáo".into(), committee: None },
            round: 1,
            version: 1,
            deadline: OffsetDateTime::UNIX_EPOCH,
            days_left: 2,
            late: false,
            ballot: true,
            commented,
            voted,
            for_body: None,
        }
    }

    #[test]
    fn a_draft_counts_as_awaiting_until_the_member_comments_or_votes() {
        let mut work = MyWork { to_comment: vec![draft(0, false), draft(1, false), draft(0, true)], ..MyWork::default() };
        assert_eq!(work.awaiting(), 1);
        work.answered.push(AnswersToMe {
            report: draft(0, false).report,
            answered: 3,
            latest: OffsetDateTime::UNIX_EPOCH,
        });
        assert_eq!(work.awaiting(), 1, "answers are news, not work");
        assert!(!work.is_empty());
        assert!(MyWork::default().is_empty());
    }

    #[test]
    fn a_consulted_bodys_draft_awaits_its_person_until_the_body_replies_whoever_replied() {
        let mut draft = draft(0, false);
        draft.ballot = false;
        draft.for_body = Some(ForBody { name: "Sở Tài chính".into(), replied: false });
        assert!(draft.untouched());
        draft.for_body = Some(ForBody { name: "Sở Tài chính".into(), replied: true });
        assert!(!draft.untouched(), "a colleague's comment or the body's letter does it");
    }

    #[test]
    fn days_are_counted_in_vietnam() {
        let today = time::macros::date!(2026 - 12 - 06);
        // 17:30 UTC on the 7th is 00:30 on the 8th in Việt Nam.
        assert_eq!(days_until(today, time::macros::datetime!(2026-12-07 17:30 UTC)), 2);
        assert_eq!(days_until(today, time::macros::datetime!(2026-12-06 10:00 UTC)), 0);
        assert_eq!(days_until(today, time::macros::datetime!(2026-12-04 10:00 UTC)), -2);
    }

    #[test]
    fn a_kept_count_is_given_back_until_replaced() {
        let kept = CountsKept::default();
        let user = UserId::from_uuid(uuid::Uuid::nil());
        assert_eq!(kept.get(user), None);
        kept.put(user, 3);
        assert_eq!(kept.get(user), Some(3));
        kept.put(user, 1);
        assert_eq!(kept.get(user), Some(1));
    }
}
