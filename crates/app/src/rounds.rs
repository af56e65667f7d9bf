//! Use cases for a report's life: opening and closing review rounds,
//! submitting, approving or returning; the ballot of a round; the
//! secretariat's dashboard and each report's timeline.

use gopy_domain::reminder::{OffsetProblem, check_round_offsets, fitting_offsets};
use gopy_domain::workflow::{Ballot, Circumstances, Round, Step, StepRefused, Vote, next_state};
use gopy_domain::{
    Action, Actor, Approval, AuditEvent, CommentCounts, CommentId, CommitteeRole, Notice, OutboxMessage, ReportStepV1,
    Report, ReportId, ReportStatus, Resource, RoundId, UserId, authorize,
};
use serde_json::json;
use time::OffsetDateTime;
use tracing::instrument;

use crate::reports::report_resource;
use crate::{App, AppError, InvalidReason, UnitOfWork, new_id};

/// A step asked for, with what it needs.
#[derive(Clone, Debug)]
pub struct StepRequest {
    pub step: Step,
    /// For opening a round.
    pub deadline: Option<OffsetDateTime>,
    pub late_allowed: bool,
    pub ballot: bool,
    /// For returning a report.
    pub reason: Option<String>,
    /// For opening a round: a deadline in working days, and the reminders.
    pub schedule: RoundSchedule,
    /// The report's revision the person saw (a form's hidden field, an
    /// `If-Match`): a report changed since is refused as stale. `None`
    /// asks for the step on the report as it is.
    pub seen: Option<u32>,
}

/// How a round's time is given besides a fixed deadline.
#[derive(Clone, Debug, Default)]
pub struct RoundSchedule {
    /// "trong n ngày làm việc": the deadline is 17:00 in Hà Nội on the
    /// n-th working day after today, counted in the stored calendar. Given
    /// instead of [`StepRequest::deadline`]; both given is refused.
    pub working_days: Option<u32>,
    /// Working days before the deadline at which members are reminded.
    /// `None`: the settings' defaults that fit the round.
    pub reminder_offsets: Option<Vec<u32>>,
}

/// The hour at which a deadline given in working days ends: the end of the
/// office day in Hà Nội.
pub const WORKING_DAY_ENDS: time::Time = match time::Time::from_hms(17, 0, 0) {
    Ok(t) => t,
    Err(_) => time::Time::MIDNIGHT,
};

/// The most working days a deadline may be given in: a quarter.
pub const MAX_WORKING_DAYS: u32 = 65;

/// Reads "3, 1" (or "3 1", "3;1") as offsets in working days; the field
/// named in the refusal is `reminder_offsets`.
pub fn parse_offsets(raw: &str) -> Result<Vec<u32>, AppError> {
    let bad = || AppError::invalid("reminder_offsets", InvalidReason::Rule("err_offsets_format".into()));
    let offsets: Vec<u32> = raw
        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|n| !n.is_empty())
        .map(|n| n.parse::<u32>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if offsets.len() > gopy_domain::reminder::MAX_OFFSETS || offsets.iter().any(|n| *n > gopy_domain::reminder::MAX_OFFSET) {
        return Err(bad());
    }
    Ok(offsets)
}

/// An offset refused, on its field.
fn offset_refused(problem: OffsetProblem) -> AppError {
    let key = match problem {
        OffsetProblem::AfterDeadline(_) => "err_offset_after_deadline",
        OffsetProblem::BeforeOpening(_) => "err_offset_before_opening",
    };
    AppError::invalid("reminder_offsets", InvalidReason::Rule(key.into()))
}

/// A report's state and its latest round, as a step leaves them (or, for
/// a step refused as stale, as they now are).
#[derive(Clone, Debug)]
pub struct ReportState {
    pub report: Report,
    pub round: Option<Round>,
}

/// The ballot of a report's current round.
#[derive(Clone, Debug)]
pub struct BallotView {
    pub round: Round,
    pub votes: Vec<Ballot>,
    /// The committee's members who have not voted yet.
    pub not_voted: Vec<UserId>,
    pub agree: usize,
    pub disagree: usize,
    pub other: usize,
}

/// One line of the secretariat's dashboard.
#[derive(Clone, Debug)]
pub struct DashboardRow {
    pub report: Report,
    /// The reviewing committee's name.
    pub committee: Option<String>,
    pub round: Option<Round>,
    pub counts: CommentCounts,
    pub versions: usize,
    /// The open round's deadline has passed.
    pub overdue: bool,
    /// The latest meeting whose agenda presents the report.
    pub meeting: Option<(gopy_domain::MeetingId, gopy_domain::Title, OffsetDateTime)>,
}

/// The step's permission: rounds are the secretariat's, submission the
/// drafting team's, approval and return the chair's.
pub(crate) fn action_of(step: Step) -> Action {
    match step {
        Step::OpenRound | Step::CloseRound => Action::ManageRounds,
        Step::Submit => Action::SubmitReport,
        Step::Approve | Step::Return => Action::ApproveReport,
    }
}

impl App {
    /// Takes a step in the report's life; see [`App::step`].
    pub async fn take_step(&self, actor: &Actor, id: ReportId, request: StepRequest) -> Result<Report, AppError> {
        self.step(actor, id, request).await.map(|s| s.report)
    }

    /// Takes a step in the report's life and answers with the report's
    /// state and its latest round as the step leaves them. Made on the
    /// revision `request.seen` names, if any; without it, a step that lost
    /// the race to another change is decided again on the report as it is.
    #[instrument(skip(self, actor, request), fields(user.id = %actor.user, report.id = %id, step = ?request.step))]
    pub async fn step(&self, actor: &Actor, id: ReportId, request: StepRequest) -> Result<ReportState, AppError> {
        self.step_consulting(actor, id, request, crate::consultations::ConsultRequest::default()).await
    }

    /// [`App::take_step`], and when it opens a round, the bodies it
    /// consults (nothing for another step).
    pub async fn take_step_consulting(
        &self,
        actor: &Actor,
        id: ReportId,
        request: StepRequest,
        consult: crate::consultations::ConsultRequest,
    ) -> Result<Report, AppError> {
        self.step_consulting(actor, id, request, consult).await.map(|s| s.report)
    }

    /// [`App::step`], and when it opens a round, the bodies it consults.
    #[instrument(skip(self, actor, request, consult), fields(user.id = %actor.user, report.id = %id, step = ?request.step))]
    pub async fn step_consulting(
        &self,
        actor: &Actor,
        id: ReportId,
        request: StepRequest,
        consult: crate::consultations::ConsultRequest,
    ) -> Result<ReportState, AppError> {
        crate::revisions::again_unless_seen(request.seen, || self.step_once(actor, id, &request, &consult)).await
    }

    async fn step_once(
        &self,
        actor: &Actor,
        id: ReportId,
        request: &StepRequest,
        consult: &crate::consultations::ConsultRequest,
    ) -> Result<ReportState, AppError> {
        let mut uow = self.store.begin().await?;
        let mut report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, action_of(request.step), report_resource(&report))?;
        AppError::check_seen("report", request.seen, report.revision)?;
        let mut rounds = uow.rounds_of(id).await?;
        let latest = uow.latest_version(id).await?.map(|v| v.number);
        let unanswered: Vec<CommentId> =
            uow.comments_of_report(id).await?.iter().filter(|c| c.awaits_answer()).map(|c| c.id).collect();
        let now = self.now();
        let calendar = crate::holidays::working_calendar(uow.as_mut()).await?;
        let deadline = match (request.step, request.deadline, request.schedule.working_days) {
            (Step::OpenRound, Some(_), Some(_)) => {
                return Err(AppError::invalid("working_days", InvalidReason::Rule("err_deadline_twice".into())));
            }
            (Step::OpenRound, None, Some(n)) => Some(deadline_in_working_days(&calendar, now, n)?),
            (_, deadline, _) => deadline,
        };
        let circumstances = Circumstances {
            now,
            latest_version: latest,
            unanswered: &unanswered,
            deadline,
            reason: request.reason.as_deref(),
        };
        let from = report.status;
        report.status = next_state(from, request.step, &circumstances)?;
        let mut details = json!({ "step": request.step, "from": from, "to": report.status });
        if request.step == Step::Approve {
            let version = latest.unwrap_or(1);
            report.approval = Some(Approval { version, by: actor.user, at: now });
            details["version"] = json!(version);
        }
        // The report's own row first: it checks the revision the step was
        // decided on and, on PostgreSQL, holds the row until the commit, so
        // a second step decided on the same reading waits here and is then
        // refused as stale, before it writes a round of its own (whose
        // number the first has taken).
        uow.update_report_state(&mut report).await?;
        match request.step {
            Step::OpenRound => {
                let deadline = deadline.unwrap_or(now);
                let reminder_offsets = match request.schedule.reminder_offsets.as_ref().filter(|o| !o.is_empty()) {
                    Some(offsets) => {
                        check_round_offsets(&calendar, now, deadline, offsets).map_err(offset_refused)?;
                        offsets.clone()
                    }
                    None => fitting_offsets(&calendar, now, deadline, &self.reminders.round_offsets),
                };
                let round = Round {
                    id: RoundId::from_uuid(new_id()),
                    number: rounds.last().map_or(1, |r| r.number + 1),
                    version: latest.unwrap_or(1),
                    opened_at: now,
                    deadline,
                    late_allowed: request.late_allowed,
                    ballot: request.ballot,
                    closed_at: None,
                    reminder_offsets,
                    revision: 0,
                };
                uow.insert_round(id, &round).await?;
                self.consult_in(uow.as_mut(), &report, &round, consult).await?;
                self.plan_round_reminders(uow.as_mut(), report.committee, &round).await?;
                self.plan_answers_owed(uow.as_mut(), id, &round, round.deadline).await?;
                details["round"] = json!(round.number);
                details["version"] = json!(round.version);
                details["deadline"] = json!(round.deadline);
                details["reminder_offsets"] = json!(round.reminder_offsets);
                let members = uow.memberships_of_committee(report.committee).await?;
                for member in members {
                    uow.enqueue(&self.report_notice(member.user, Notice::RoundOpened, &report, None)).await?;
                }
                rounds.push(round);
            }
            Step::CloseRound => {
                if let Some(round) = rounds.iter_mut().rev().find(|r| r.closed_at.is_none()) {
                    uow.close_round(round, now).await?;
                    if now < round.deadline {
                        self.plan_answers_owed(uow.as_mut(), id, round, now).await?;
                    }
                    details["round"] = json!(round.number);
                }
            }
            Step::Submit => {
                let chairs = uow.memberships_of_committee(report.committee).await?;
                for chair in chairs.iter().filter(|m| m.role == CommitteeRole::Chair) {
                    uow.enqueue(&self.report_notice(chair.user, Notice::ReportSubmitted, &report, None)).await?;
                }
            }
            Step::Approve | Step::Return => {
                if request.step == Step::Return {
                    details["reason"] = json!(request.reason.as_deref().map(str::trim));
                }
                let kind = if request.step == Step::Approve { Notice::ReportApproved } else { Notice::ReportReturned };
                let reason = request.reason.as_deref().map(str::trim).filter(|_| request.step == Step::Return);
                for drafter in uow.drafting_team(id).await? {
                    uow.enqueue(&self.report_notice(drafter.user, kind, &report, reason)).await?;
                }
            }
        }
        let event = self.audit(Some(actor.user), "report.step", "report", Some(id.as_uuid()), details);
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(ReportState { report, round: rounds.pop() })
    }

    fn report_notice(&self, recipient: UserId, kind: fn(ReportStepV1) -> Notice, report: &Report, reason: Option<&str>) -> OutboxMessage {
        let payload =
            ReportStepV1 { report: report.id, report_title: report.title.to_string(), reason: reason.map(str::to_owned) };
        self.outbox_message(recipient, kind(payload))
    }

    /// The rounds of a report, oldest first.
    pub async fn rounds(&self, actor: &Actor, id: ReportId) -> Result<Vec<Round>, AppError> {
        let mut uow = self.store.begin_read().await?;
        self.readable(uow.as_mut(), actor, id).await?;
        Ok(uow.rounds_of(id).await?)
    }

    /// Casts or changes `actor`'s vote on the current round's ballot.
    #[instrument(skip(self, actor, text), fields(user.id = %actor.user, report.id = %id))]
    pub async fn vote(&self, actor: &Actor, id: ReportId, vote: Vote, text: &str) -> Result<Ballot, AppError> {
        let text = match text.trim() {
            "" => None,
            text => Some(gopy_domain::CommentText::parse(text).map_err(|e| AppError::invalid("text", e))?.to_string()),
        };
        if vote == Vote::Other && text.is_none() {
            return Err(AppError::invalid("text", gopy_domain::TextError::Empty));
        }
        let mut uow = self.store.begin().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::Vote, report_resource(&report))?;
        let now = self.now();
        let round = uow.rounds_of(id).await?.pop().filter(|r| report.status == ReportStatus::OpenForComments && r.takes_votes(now));
        let Some(round) = round else {
            return Err(AppError::Closed { what: "ballot", state: report.status });
        };
        let ballot = Ballot { round: round.id, voter: actor.user, vote, text, cast_at: now };
        uow.put_ballot(&ballot).await?;
        let event = self.audit(
            Some(actor.user),
            "ballot.cast",
            "report",
            Some(id.as_uuid()),
            json!({ "round": round.number, "vote": vote }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(ballot)
    }

    /// The ballot of the latest round, if it has one: an earlier round's
    /// ballot was about an earlier version.
    pub async fn ballot(&self, actor: &Actor, id: ReportId) -> Result<Option<BallotView>, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let Some(round) = uow.rounds_of(id).await?.pop().filter(|r| r.ballot) else { return Ok(None) };
        let votes = uow.ballots_of(round.id).await?;
        let members = uow.memberships_of_committee(report.committee).await?;
        let not_voted = members.iter().map(|m| m.user).filter(|u| !votes.iter().any(|v| v.voter == *u)).collect();
        let count = |kind| votes.iter().filter(|v| v.vote == kind).count();
        let (agree, disagree, other) = (count(Vote::Agree), count(Vote::Disagree), count(Vote::Other));
        Ok(Some(BallotView { round, votes, not_voted, agree, disagree, other }))
    }

    /// Every event of a report, in order: versions, comments, answers, steps, votes.
    pub async fn timeline(&self, actor: &Actor, id: ReportId) -> Result<Vec<AuditEvent>, AppError> {
        let mut uow = self.store.begin_read().await?;
        self.readable(uow.as_mut(), actor, id).await?;
        Ok(uow.audit_events_about("report", id.as_uuid()).await?)
    }

    /// Where every report the viewer may read stands: for the secretariat
    /// and the committees' chairs.
    pub async fn dashboard(&self, actor: &Actor) -> Result<Vec<DashboardRow>, AppError> {
        authorize(actor, Action::ViewDashboard, Resource::Organisation)?;
        let now = self.now();
        let mut uow = self.store.begin_read().await?;
        // A bounded number of queries, however many reports there are.
        let committees = uow.list_committees().await?;
        let meetings = uow.list_meetings().await?;
        let mut rounds = uow.latest_rounds().await?;
        let mut counts = uow.comment_counts().await?;
        let versions = uow.version_counts().await?;
        let mut rows = Vec::new();
        // The chair sees their committees' reports; the secretariat all.
        let readable = uow.list_reports().await?.into_iter().filter(|r| authorize(actor, Action::ViewReport, report_resource(r)).is_ok());
        for report in readable.collect::<Vec<_>>() {
            // Meetings come latest first, so the first that presents it is its latest.
            let meeting = meetings
                .iter()
                .find(|m| m.agenda.iter().any(|a| a.report == Some(report.id)))
                .map(|m| (m.id, m.title.clone(), m.starts_at));
            let round = rounds.iter().position(|(r, _)| *r == report.id).map(|i| rounds.swap_remove(i).1);
            let sees_drafts = crate::answers::sees_drafts(actor, &report);
            let counts = counts.iter().position(|c| c.report == report.id).map(|i| counts.swap_remove(i).as_seen(sees_drafts)).unwrap_or_default();
            let versions = versions.iter().find(|(r, _)| *r == report.id).map_or(0, |(_, n)| *n as usize);
            let overdue = report.status == ReportStatus::OpenForComments && round.as_ref().is_some_and(|r| r.deadline <= now);
            let committee = committees.iter().find(|c| c.id == report.committee).map(|c| c.name.to_string());
            rows.push(DashboardRow { report, committee, round, counts, versions, overdue, meeting });
        }
        Ok(rows)
    }

    /// The report's state allows `what`, or the refusal that says why not.
    pub(crate) async fn gate(
        &self,
        uow: &mut dyn UnitOfWork,
        report: &Report,
        what: Gate,
    ) -> Result<bool, AppError> {
        use gopy_domain::workflow::{answers_open, comments_open, versions_open};
        let state = report.status;
        match what {
            Gate::Version if versions_open(state) => Ok(false),
            Gate::Version => Err(AppError::Closed { what: "versions", state }),
            Gate::Answer | Gate::Thread if answers_open(state) => Ok(false),
            Gate::Answer | Gate::Thread => Err(AppError::Closed { what: "answers", state }),
            Gate::Comment => {
                let round = uow.rounds_of(report.id).await?.pop();
                comments_open(state, round.as_ref(), self.now()).ok_or(AppError::Closed { what: "comments", state })
            }
        }
    }
}

/// What a use case asks the report's state for. [`App::gate`] answers
/// `Ok(late)`: `true` only for a late comment.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Gate {
    Version,
    Comment,
    /// Replies, edits and withdrawals: until approval.
    Thread,
    Answer,
}

/// 17:00 in Hà Nội on the `n`-th working day after today there.
fn deadline_in_working_days(calendar: &gopy_domain::calendar::WorkingCalendar, now: OffsetDateTime, n: u32) -> Result<OffsetDateTime, AppError> {
    if n == 0 || n > MAX_WORKING_DAYS {
        return Err(AppError::invalid("working_days", InvalidReason::Rule("err_working_days_range".into())));
    }
    let today = now.to_offset(gopy_domain::meeting::VIETNAM).date();
    let day = calendar
        .deadline_in(today, n)
        .ok_or_else(|| AppError::invalid("working_days", InvalidReason::Rule("err_working_days_range".into())))?;
    Ok(day.with_time(WORKING_DAY_ENDS).assume_offset(gopy_domain::meeting::VIETNAM))
}

impl From<StepRefused> for AppError {
    fn from(refused: StepRefused) -> Self {
        match refused {
            StepRefused::NoDeadline => AppError::invalid("deadline", InvalidReason::Rule("err_no_deadline".into())),
            StepRefused::DeadlinePassed => AppError::invalid("deadline", InvalidReason::Rule("err_deadline_passed".into())),
            StepRefused::NoReason => AppError::invalid("reason", InvalidReason::Rule("err_no_reason".into())),
            other => AppError::Step(other),
        }
    }
}
