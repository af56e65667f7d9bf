//! Use cases for meetings: planning one, its agenda and attendance, the
//! minutes, turning a spoken opinion into a comment on the draft, the
//! conclusion and its action items, approving the minutes, following up,
//! and the exports (minutes and conclusion notice as .docx, the .ics).
//!
//! Each loads the meeting whole, asks the authorization function once it
//! knows the meeting's committee and presiding person, applies the domain's
//! rule, and writes the meeting and its audit event in one unit of work.

use std::collections::HashMap;

use gopy_documents::{ActionLine, AgendaLine, AttendanceLine, CalendarEvent, CalendarMethod, DiscussionSection, MeetingRecord};
use gopy_domain::meeting::VIETNAM;
use gopy_domain::{
    Action, ActionDraft, ActionItem, ActionItemId, ActionStatus, Actor, AgendaItemId, AgendaLineV1, Assignee, Attendance, BodyId,
    CalendarMail, CalendarNotices, Cancellation, MeetingNoticeV1,
    Comment, CommentText, CommitteeId, Conclusion, ConclusionText, Meeting, MeetingDetails, MeetingId,
    DraftAt, MeetingProblem, MeetingStatus, MinuteEntry, MinuteEntryId, Presence, Report, ReportId, ReportStatus, Resource, Title,
    UserId, authorize,
};
use serde_json::json;
use time::{Date, OffsetDateTime};
use tracing::instrument;

use crate::comments::NewComment;
use crate::reports::{Download, file_name};
use crate::{App, AppError, Directory, InvalidReason, Offer, StoreError, UnitOfWork, WhyNot, new_id};

/// The meeting as the authorization function knows it.
pub fn meeting_resource(meeting: &Meeting) -> Resource {
    Resource::Meeting { committee: meeting.committee, presiding: meeting.presiding }
}

/// A meeting's rule broken, as a refusal beside the field it concerns.
pub fn refused(problem: MeetingProblem) -> AppError {
    let field = match problem {
        MeetingProblem::EndsBeforeItStarts => "ends_at",
        MeetingProblem::ReportOfAnotherCommittee | MeetingProblem::NoLinkedReport => "report",
        MeetingProblem::NoAssignee => "assignees",
        MeetingProblem::NoDeadline => "deadline",
        MeetingProblem::AttendanceIncomplete => "attendance",
        MeetingProblem::TimeAllotted => "minutes_allotted",
        MeetingProblem::NoSuchAgendaItem | MeetingProblem::AgendaItemHasMinutes => "agenda_item",
        MeetingProblem::Cancelled | MeetingProblem::NotCancellable => "form",
        MeetingProblem::MinutesApproved
        | MeetingProblem::NotHeld
        | MeetingProblem::AlreadyHeld
        | MeetingProblem::NoSuchEntry
        | MeetingProblem::NoSuchAction
        | MeetingProblem::AlreadyAComment => "form",
    };
    AppError::invalid(field, problem)
}

/// What is needed to plan a meeting, or to change its details.
#[derive(Clone, Debug, Default)]
pub struct NewMeeting {
    pub committee: Option<CommitteeId>,
    pub title: String,
    pub starts_at: Option<OffsetDateTime>,
    pub ends_at: Option<OffsetDateTime>,
    pub place: String,
    pub presiding: Option<UserId>,
    pub invited: Vec<UserId>,
}

/// A new agenda item.
#[derive(Clone, Debug, Default)]
pub struct NewAgendaItem {
    pub title: String,
    pub presenter: Option<BodyId>,
    pub report: Option<ReportId>,
    pub minutes_allotted: Option<u32>,
}

/// One person's attendance as a form or the API gives it.
#[derive(Clone, Debug)]
pub struct AttendanceInput {
    pub person: UserId,
    /// `present`, `absent` or `represented`.
    pub presence: String,
    pub reason: String,
    pub represented_by: Option<UserId>,
}

/// A new action item.
#[derive(Clone, Debug, Default)]
pub struct NewAction {
    pub text: String,
    pub bodies: Vec<BodyId>,
    pub people: Vec<UserId>,
    pub deadline: Option<Date>,
    /// "trong n ngày làm việc": the n-th working day after today in Hà Nội,
    /// counted in the stored calendar; instead of `deadline`.
    pub working_days: Option<u32>,
}

/// A meeting with what its page shows beside it: each linked report and
/// its latest version number.
#[derive(Clone, Debug)]
pub struct MeetingDetail {
    pub meeting: Meeting,
    pub reports: Vec<(Report, Option<u32>)>,
}

/// Which action items the follow-up page lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FollowUpFilter {
    pub assignee: Option<Assignee>,
    pub meeting: Option<MeetingId>,
    pub status: Option<FollowUpStatus>,
}

/// The statuses people filter by: overdue is open and past its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FollowUpStatus {
    Open,
    Overdue,
    Done,
}

impl std::str::FromStr for FollowUpStatus {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "open" => Ok(Self::Open),
            "overdue" => Ok(Self::Overdue),
            "done" => Ok(Self::Done),
            _ => Err(()),
        }
    }
}

/// One line of the follow-up page.
#[derive(Clone, Debug)]
pub struct FollowUpRow {
    pub meeting: MeetingId,
    pub meeting_title: Title,
    pub meeting_starts_at: OffsetDateTime,
    pub action: ActionItem,
    pub overdue: bool,
}

fn text(field: &'static str, raw: &str) -> Result<CommentText, AppError> {
    CommentText::parse(raw).map_err(|e| AppError::invalid(field, e))
}

impl App {
    /// Checks a meeting's details and that its people exist.
    async fn details(&self, uow: &mut dyn UnitOfWork, new: &NewMeeting) -> Result<MeetingDetails, AppError> {
        let title = Title::parse(&new.title).map_err(|e| AppError::invalid("title", e))?;
        // Stored in UTC, whatever offset the form or the script gave.
        let utc = |at: OffsetDateTime| at.to_offset(time::UtcOffset::UTC);
        let starts_at = new.starts_at.map(utc).ok_or_else(|| AppError::invalid("starts_at", InvalidReason::Missing))?;
        let ends_at = new.ends_at.map(utc).ok_or_else(|| AppError::invalid("ends_at", InvalidReason::Missing))?;
        let place = Title::parse(&new.place).map_err(|e| AppError::invalid("place", e))?;
        let presiding = new.presiding.ok_or_else(|| AppError::invalid("presiding", InvalidReason::Missing))?;
        if uow.find_user(presiding).await?.is_none() {
            return Err(AppError::invalid("presiding", InvalidReason::Missing));
        }
        for person in &new.invited {
            if uow.find_user(*person).await?.is_none() {
                return Err(AppError::invalid("invited", InvalidReason::Missing));
            }
        }
        Ok(MeetingDetails { title, starts_at, ends_at, place, presiding, invited: new.invited.clone() })
    }

    #[instrument(skip(self, actor, new), fields(user.id = %actor.user))]
    pub async fn plan_meeting(&self, actor: &Actor, new: NewMeeting) -> Result<Meeting, AppError> {
        let committee = new.committee.ok_or_else(|| AppError::invalid("committee", InvalidReason::Missing))?;
        authorize(actor, Action::PlanMeeting, Resource::Committee(committee))?;
        let mut uow = self.store.begin().await?;
        if uow.find_committee(committee).await?.is_none() {
            return Err(AppError::invalid("committee", InvalidReason::Missing));
        }
        let details = self.details(uow.as_mut(), &new).await?;
        let mut meeting = Meeting::plan(MeetingId::from_uuid(new_id()), committee, details, actor.user, self.now())
            .map_err(refused)?;
        uow.save_meeting(&mut meeting).await?;
        let everyone = CalendarNotices { invited: meeting.guests(), ..CalendarNotices::default() };
        self.send_calendar_notices(uow.as_mut(), &meeting, &everyone).await?;
        self.record(uow.as_mut(), actor, &meeting, "meeting.planned", json!({ "title": meeting.title, "committee": committee }))
            .await?;
        uow.commit().await?;
        Ok(meeting)
    }

    /// The meetings `actor` may read, the latest first.
    pub async fn meetings_for(&self, actor: &Actor) -> Result<Vec<Meeting>, AppError> {
        let meetings = self.store.begin_read().await?.list_meetings().await?;
        Ok(readable(actor, meetings))
    }

    pub async fn meeting_detail(&self, actor: &Actor, id: MeetingId) -> Result<MeetingDetail, AppError> {
        let mut uow = self.store.begin_read().await?;
        let meeting = readable_meeting(uow.as_mut(), actor, id).await?;
        let mut reports = Vec::new();
        for report in meeting.agenda.iter().filter_map(|a| a.report) {
            if let Some(r) = uow.find_report(report).await? {
                let latest = uow.latest_version(report).await?.map(|v| v.number);
                reports.push((r, latest));
            }
        }
        Ok(MeetingDetail { meeting, reports })
    }

    /// Loads a meeting `actor` may read and may do `action` to, applies
    /// `change`, and writes it with an audit event named `event`. `seen` is
    /// the meeting's revision the person saw, if they said: a meeting
    /// changed since is refused as stale. Without it, a change that lost
    /// the race to another is made again on the meeting as it now is.
    async fn change<T>(
        &self,
        actor: &Actor,
        (id, seen): (MeetingId, Option<u32>),
        action: Action,
        event: &str,
        change: impl AsyncChange<T> + Clone,
    ) -> Result<(Meeting, T), AppError> {
        crate::revisions::again_unless_seen(seen, || self.change_once(actor, (id, seen), action, event, change.clone())).await
    }

    async fn change_once<T>(
        &self,
        actor: &Actor,
        (id, seen): (MeetingId, Option<u32>),
        action: Action,
        event: &str,
        change: impl AsyncChange<T>,
    ) -> Result<(Meeting, T), AppError> {
        let mut uow = self.store.begin().await?;
        let mut meeting = readable_meeting(uow.as_mut(), actor, id).await?;
        authorize(actor, action, meeting_resource(&meeting))?;
        AppError::check_seen("meeting", seen, meeting.revision)?;
        let before = meeting.clone();
        let (out, details) = change.apply(self, uow.as_mut(), &mut meeting).await?;
        let notices = meeting.calendar_notices(&before);
        uow.save_meeting(&mut meeting).await?;
        self.send_calendar_notices(uow.as_mut(), &meeting, &notices).await?;
        // Action items assigned, followed up or opened again: their reminders.
        self.plan_action_reminders(uow.as_mut(), &meeting).await?;
        self.index_meeting(uow.as_mut(), &meeting).await?;
        self.record(uow.as_mut(), actor, &meeting, event, details).await?;
        uow.commit().await?;
        Ok((meeting, out))
    }

    /// Changes the details; `seen` as for [`App::record_opinion`].
    pub async fn change_meeting(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>), new: NewMeeting) -> Result<Meeting, AppError> {
        crate::revisions::again_unless_seen(seen, || self.change_meeting_once(actor, (id, seen), &new)).await
    }

    async fn change_meeting_once(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>), new: &NewMeeting) -> Result<Meeting, AppError> {
        let mut uow = self.store.begin().await?;
        let mut meeting = readable_meeting(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::ManageMeeting, meeting_resource(&meeting))?;
        AppError::check_seen("meeting", seen, meeting.revision)?;
        let details = self.details(uow.as_mut(), new).await?;
        let before = meeting.clone();
        meeting.change_details(details).map_err(refused)?;
        let notices = meeting.calendar_notices(&before);
        uow.save_meeting(&mut meeting).await?;
        self.send_calendar_notices(uow.as_mut(), &meeting, &notices).await?;
        self.record(uow.as_mut(), actor, &meeting, "meeting.changed", json!({ "title": meeting.title })).await?;
        uow.commit().await?;
        Ok(meeting)
    }

    /// Adds an item at the end of the agenda; `seen` as for [`App::record_opinion`].
    pub async fn add_agenda_item(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>), new: NewAgendaItem) -> Result<Meeting, AppError> {
        let title = Title::parse(&new.title).map_err(|e| AppError::invalid("title", e))?;
        let presenter = new.presenter.ok_or_else(|| AppError::invalid("presenter", InvalidReason::Missing))?;
        let minutes = new.minutes_allotted.ok_or_else(|| AppError::invalid("minutes_allotted", InvalidReason::Missing))?;
        let item = AgendaItemId::from_uuid(new_id());
        crate::revisions::again_unless_seen(seen, || self.add_agenda_item_once(actor, (id, seen), (item, &title, presenter, new.report, minutes)))
            .await
    }

    async fn add_agenda_item_once(
        &self,
        actor: &Actor,
        (id, seen): (MeetingId, Option<u32>),
        (item, title, presenter, report, minutes): (AgendaItemId, &Title, BodyId, Option<ReportId>, u32),
    ) -> Result<Meeting, AppError> {
        let mut uow = self.store.begin().await?;
        let mut meeting = readable_meeting(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::ManageMeeting, meeting_resource(&meeting))?;
        AppError::check_seen("meeting", seen, meeting.revision)?;
        if !uow.list_bodies().await?.iter().any(|b| b.id == presenter) {
            return Err(AppError::invalid("presenter", InvalidReason::Missing));
        }
        let report = match report {
            Some(r) => Some(uow.find_report(r).await?.ok_or_else(|| AppError::invalid("report", InvalidReason::Missing))?),
            None => None,
        };
        let before = meeting.clone();
        let item = meeting
            .add_agenda_item(item, title.clone(), presenter, report.as_ref(), minutes)
            .map_err(refused)?
            .clone();
        meeting.fix_drafts(drafts_now(uow.as_mut()).await?);
        let notices = meeting.calendar_notices(&before);
        uow.save_meeting(&mut meeting).await?;
        self.send_calendar_notices(uow.as_mut(), &meeting, &notices).await?;
        let details = json!({ "agenda_item": item.id, "title": item.title, "report": item.report });
        self.record(uow.as_mut(), actor, &meeting, "meeting.agenda_item_added", details).await?;
        uow.commit().await?;
        Ok(meeting)
    }

    /// Changes an agenda item's title, presenter, draft or time; `seen` as
    /// for [`App::record_opinion`]. The guests hear of it while the meeting
    /// is planned.
    pub async fn change_agenda_item(
        &self,
        actor: &Actor,
        (id, seen): (MeetingId, Option<u32>),
        item: AgendaItemId,
        new: NewAgendaItem,
    ) -> Result<Meeting, AppError> {
        let title = Title::parse(&new.title).map_err(|e| AppError::invalid("title", e))?;
        let presenter = new.presenter.ok_or_else(|| AppError::invalid("presenter", InvalidReason::Missing))?;
        let minutes = new.minutes_allotted.ok_or_else(|| AppError::invalid("minutes_allotted", InvalidReason::Missing))?;
        let edit = EditItem { item, title, presenter, report: new.report, minutes };
        let (meeting, ()) = self.change(actor, (id, seen), Action::ManageMeeting, "meeting.agenda_item_changed", edit).await?;
        Ok(meeting)
    }

    /// Moves an agenda item to position `to` (1 for the first).
    pub async fn move_agenda_item(
        &self,
        actor: &Actor,
        (id, seen): (MeetingId, Option<u32>),
        item: AgendaItemId,
        to: u32,
    ) -> Result<Meeting, AppError> {
        let (meeting, ()) =
            self.change(actor, (id, seen), Action::ManageMeeting, "meeting.agenda_item_moved", MoveItem { item, to }).await?;
        Ok(meeting)
    }

    /// Removes an agenda item that has no opinions under it.
    pub async fn remove_agenda_item(
        &self,
        actor: &Actor,
        (id, seen): (MeetingId, Option<u32>),
        item: AgendaItemId,
    ) -> Result<Meeting, AppError> {
        let (meeting, ()) =
            self.change(actor, (id, seen), Action::ManageMeeting, "meeting.agenda_item_removed", RemoveItem(item)).await?;
        Ok(meeting)
    }

    /// Calls off a meeting not yet held, with the reason its guests are told.
    pub async fn cancel_meeting(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>), reason: &str) -> Result<Meeting, AppError> {
        let reason = text("reason", reason)?;
        let cancellation = Cancellation { reason, by: actor.user, at: self.now() };
        let (meeting, ()) = self.change(actor, (id, seen), Action::ManageMeeting, "meeting.cancelled", Cancel(cancellation)).await?;
        Ok(meeting)
    }

    /// Puts in the outbox the invitations, updates and cancellations a
    /// change calls for, each with the meeting as it now is, in the same
    /// unit of work as the change.
    async fn send_calendar_notices(
        &self,
        uow: &mut dyn UnitOfWork,
        meeting: &Meeting,
        notices: &CalendarNotices,
    ) -> Result<(), AppError> {
        if notices.is_empty() {
            return Ok(());
        }
        let committee = uow.find_committee(meeting.committee).await?.map(|c| c.name.to_string()).unwrap_or_default();
        let presiding = uow.find_user(meeting.presiding).await?.map(|u| u.name.to_string()).unwrap_or_default();
        let bodies: HashMap<BodyId, String> = uow.list_bodies().await?.into_iter().map(|b| (b.id, b.name.to_string())).collect();
        let payload = |reason: Option<String>| MeetingNoticeV1 {
            meeting: meeting.id,
            sequence: meeting.sequence,
            title: meeting.title.to_string(),
            committee: committee.clone(),
            starts_at: meeting.starts_at,
            ends_at: meeting.ends_at,
            place: meeting.place.to_string(),
            presiding: presiding.clone(),
            agenda: meeting
                .agenda
                .iter()
                .map(|a| AgendaLineV1 {
                    title: a.title.to_string(),
                    presenter: bodies.get(&a.presenter).cloned().unwrap_or_default(),
                    minutes_allotted: a.minutes_allotted,
                })
                .collect(),
            reason,
        };
        let whole = payload(None);
        // The whole meeting called off: each guest is told why. Someone only
        // taken off the list is told no reason (it is not theirs to know).
        let cancelled = match &meeting.cancellation {
            Some(c) if meeting.status == MeetingStatus::Cancelled => payload(Some(c.reason.to_string())),
            _ => whole.clone(),
        };
        let mut messages = Vec::new();
        for (mail, people, payload) in [
            (CalendarMail::Invited, &notices.invited, &whole),
            (CalendarMail::Updated, &notices.updated, &whole),
            (CalendarMail::Cancelled, &notices.cancelled, &cancelled),
        ] {
            messages.extend(people.iter().map(|p| self.outbox_message(*p, mail.notice(payload.clone()))));
        }
        uow.enqueue_all(&messages).await?;
        Ok(())
    }

    /// Records the attendance of each person listed; `seen` as for
    /// [`App::record_opinion`].
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        (id, seen): (MeetingId, Option<u32>),
        inputs: Vec<AttendanceInput>,
    ) -> Result<Meeting, AppError> {
        let mut attendance = Vec::with_capacity(inputs.len());
        for input in inputs {
            let presence = match input.presence.as_str() {
                "present" => Presence::Present,
                "absent" => Presence::Absent {
                    reason: CommentText::parse(&input.reason).map_err(|_| refused(MeetingProblem::AttendanceIncomplete))?,
                },
                "represented" => Presence::Represented {
                    by: input.represented_by.ok_or_else(|| refused(MeetingProblem::AttendanceIncomplete))?,
                },
                _ => return Err(AppError::invalid("attendance", InvalidReason::Missing)),
            };
            attendance.push(Attendance { person: input.person, presence });
        }
        let (meeting, ()) = self.change(actor, (id, seen), Action::ManageMeeting, "meeting.attendance_recorded", Attend(attendance))
            .await?;
        Ok(meeting)
    }

    pub async fn mark_meeting_held(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>)) -> Result<Meeting, AppError> {
        let (meeting, ()) = self.change(actor, (id, seen), Action::ManageMeeting, "meeting.held", Held).await?;
        Ok(meeting)
    }

    /// Adds a spoken opinion to the minutes, under its agenda item. `seen`
    /// is the meeting's revision the secretary's form was opened at.
    pub async fn record_opinion(
        &self,
        actor: &Actor,
        (id, seen): (MeetingId, Option<u32>),
        agenda_item: Option<AgendaItemId>,
        speaker: Option<UserId>,
        summary: &str,
    ) -> Result<(Meeting, MinuteEntry), AppError> {
        let agenda_item = agenda_item.ok_or_else(|| AppError::invalid("agenda_item", InvalidReason::Missing))?;
        let speaker = speaker.ok_or_else(|| AppError::invalid("speaker", InvalidReason::Missing))?;
        let summary = text("summary", summary)?;
        let entry = MinuteEntry {
            id: MinuteEntryId::from_uuid(new_id()),
            agenda_item,
            speaker,
            summary,
            comment: None,
            recorded_by: actor.user,
            recorded_at: self.now(),
        };
        self.change(actor, (id, seen), Action::WriteMinutes, "meeting.opinion_recorded", Opinion(entry)).await
    }

    /// Turns a spoken opinion into a comment on the agenda item's report,
    /// on its latest version, attributed to the speaker and marked "at the
    /// meeting"; the comment and the link to it are written together.
    #[instrument(skip(self, actor), fields(user.id = %actor.user, meeting.id = %id))]
    pub async fn opinion_to_comment(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>), entry: MinuteEntryId) -> Result<Comment, AppError> {
        crate::revisions::again_unless_seen(seen, || self.opinion_to_comment_once(actor, (id, seen), entry)).await
    }

    async fn opinion_to_comment_once(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>), entry: MinuteEntryId) -> Result<Comment, AppError> {
        let mut uow = self.store.begin().await?;
        let mut meeting = readable_meeting(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::WriteMinutes, meeting_resource(&meeting))?;
        AppError::check_seen("meeting", seen, meeting.revision)?;
        let (opinion, report) = meeting.opinion_to_comment(entry).map_err(refused)?;
        let (speaker, summary) = (opinion.speaker, opinion.summary.to_string());
        let version = uow.latest_version(report).await?.ok_or(AppError::NotFound { what: "version" })?;
        let new = NewComment {
            version: version.number,
            anchor: Default::default(),
            body: summary,
            on_behalf_of: Some(speaker),
            at_meeting: true,
        };
        let comment = self.post_comment_in(uow.as_mut(), actor, report, new).await?;
        meeting.link_comment(entry, comment.id).map_err(refused)?;
        uow.save_meeting(&mut meeting).await?;
        let details = json!({ "entry": entry, "comment": comment.id, "report": report });
        self.record(uow.as_mut(), actor, &meeting, "meeting.opinion_commented", details).await?;
        uow.commit().await?;
        Ok(comment)
    }

    /// Writes the meeting's conclusion; `seen` as for [`App::record_opinion`].
    pub async fn conclude(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>), raw: &str) -> Result<Meeting, AppError> {
        let text = ConclusionText::parse(raw).map_err(|e| AppError::invalid("conclusion", e))?;
        let conclusion = Conclusion { text, written_by: actor.user, written_at: self.now() };
        let (meeting, ()) = self.change(actor, (id, seen), Action::Conclude, "meeting.concluded", Conclude(conclusion)).await?;
        Ok(meeting)
    }

    /// Assigns an action item; `seen` as for [`App::record_opinion`].
    pub async fn assign_action(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>), new: NewAction) -> Result<(Meeting, ActionItem), AppError> {
        let draft = ActionDraft {
            text: text("text", &new.text)?,
            assignees: new.bodies.iter().map(|b| Assignee::Body(*b)).chain(new.people.iter().map(|p| Assignee::Person(*p))).collect(),
            deadline: new.deadline,
        };
        self.change(actor, (id, seen), Action::Conclude, "meeting.action_assigned", Assign(draft, new.working_days)).await
    }

    /// Marks an action item done with a note, or open again; `seen` as for
    /// [`App::record_opinion`].
    pub async fn follow_up_action(
        &self,
        actor: &Actor,
        (id, seen): (MeetingId, Option<u32>),
        action: ActionItemId,
        status: ActionStatus,
        note: &str,
    ) -> Result<(Meeting, ActionItem), AppError> {
        let note = match note.trim() {
            "" => None,
            raw => Some(text("note", raw)?),
        };
        self.change(actor, (id, seen), Action::FollowUpAction, "meeting.action_followed_up", FollowUp { action, status, note })
            .await
    }

    pub async fn approve_minutes(&self, actor: &Actor, (id, seen): (MeetingId, Option<u32>)) -> Result<Meeting, AppError> {
        let (meeting, ()) = self.change(actor, (id, seen), Action::ApproveMinutes, "meeting.minutes_approved", Approve(actor.user)).await?;
        Ok(meeting)
    }

    /// Every action item of the meetings `actor` may read that `filter`
    /// keeps: overdue first, then by deadline.
    pub async fn follow_up(&self, actor: &Actor, filter: FollowUpFilter) -> Result<Vec<FollowUpRow>, AppError> {
        let meetings = self.meetings_for(actor).await?;
        Ok(follow_up_rows(&meetings, filter, self.now()))
    }

    /// The minutes (biên bản) as a Word file.
    pub async fn export_minutes(&self, actor: &Actor, id: MeetingId) -> Result<Download, AppError> {
        let (meeting, record) = self.meeting_record(actor, id).await?;
        let bytes = gopy_documents::minutes_docx(&record).map_err(export_failed)?;
        Ok(docx(file_name(&["Biên bản", meeting.title.as_str()], "docx"), bytes))
    }

    /// The conclusion notice (thông báo kết luận) as a Word file.
    pub async fn export_conclusion_notice(&self, actor: &Actor, id: MeetingId) -> Result<Download, AppError> {
        let (meeting, record) = self.meeting_record(actor, id).await?;
        let bytes = gopy_documents::conclusion_notice_docx(&record).map_err(export_failed)?;
        Ok(docx(file_name(&["Thông báo kết luận", meeting.title.as_str()], "docx"), bytes))
    }

    /// The meeting as an iCalendar event.
    pub async fn export_ics(&self, actor: &Actor, id: MeetingId) -> Result<Download, AppError> {
        let (meeting, record) = self.meeting_record(actor, id).await?;
        let agenda: Vec<String> = record.agenda.iter().enumerate().map(|(i, a)| format!("{}. {} ({})", i + 1, a.title, a.presenter)).collect();
        // The same UID and SEQUENCE as the invitations, so a download and
        // a mailed invitation are one event in a calendar; a cancelled
        // meeting downloads as its cancellation.
        let event = CalendarEvent {
            uid: gopy_domain::calendar_uid(meeting.id),
            sequence: meeting.sequence,
            method: if meeting.status == MeetingStatus::Cancelled { CalendarMethod::Cancel } else { CalendarMethod::Publish },
            stamp: self.now(),
            starts_at: meeting.starts_at,
            ends_at: meeting.ends_at,
            summary: format!("{} – {}", record.committee, meeting.title),
            location: meeting.place.to_string(),
            description: format!("Chủ trì: {}\n{}", record.presiding, agenda.join("\n")),
            organizer: None,
            attendee: None,
        };
        Ok(Download {
            file_name: file_name(&[meeting.title.as_str()], "ics"),
            content_type: "text/calendar; charset=utf-8",
            bytes: gopy_documents::meeting_ics(&event).into_bytes(),
        })
    }

    /// The meeting worded for its documents, names and dates resolved.
    async fn meeting_record(&self, actor: &Actor, id: MeetingId) -> Result<(Meeting, MeetingRecord), AppError> {
        let mut uow = self.store.begin_read().await?;
        let meeting = readable_meeting(uow.as_mut(), actor, id).await?;
        let committee = uow.find_committee(meeting.committee).await?.map(|c| c.name.to_string()).unwrap_or_default();
        let people: HashMap<UserId, String> = uow.list_users().await?.into_iter().map(|u| (u.id, u.name.to_string())).collect();
        let bodies: HashMap<BodyId, String> = uow.list_bodies().await?.into_iter().map(|b| (b.id, b.name.to_string())).collect();
        let mut reports = HashMap::new();
        for report in meeting.agenda.iter().filter_map(|a| a.report) {
            if let Some(r) = uow.find_report(report).await? {
                reports.insert(report, r.title.to_string());
            }
        }
        let now = drafts_now(uow.as_mut()).await?;
        let directory = Directory::load(uow.as_mut()).await?;
        let decisions = self.decisions_at_meeting(uow.as_mut(), meeting.id, &directory).await?;
        drop(uow);
        let person = |id: &UserId| people.get(id).cloned().unwrap_or_default();
        let body = |id: &BodyId| bodies.get(id).cloned().unwrap_or_default();
        let starts = meeting.starts_at.to_offset(VIETNAM);
        let ends = meeting.ends_at.to_offset(VIETNAM);
        let date = |d: Date| format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year());
        let clock = |t: OffsetDateTime| format!("{:02}:{:02}", t.hour(), t.minute());
        let time = if starts.date() == ends.date() {
            format!("từ {} đến {} ngày {}", clock(starts), clock(ends), date(starts.date()))
        } else {
            format!("từ {} ngày {} đến {} ngày {}", clock(starts), date(starts.date()), clock(ends), date(ends.date()))
        };
        let mut everyone: Vec<UserId> = meeting.invited.clone();
        everyone.extend(meeting.attendance.iter().map(|a| a.person).filter(|p| !meeting.invited.contains(p)));
        let attendance = everyone
            .iter()
            .map(|p| {
                let status = match meeting.attendance.iter().find(|a| a.person == *p).map(|a| &a.presence) {
                    None => "Chưa ghi nhận".to_owned(),
                    Some(Presence::Present) => "Có mặt".to_owned(),
                    Some(Presence::Absent { reason }) => format!("Vắng, lý do: {reason}"),
                    Some(Presence::Represented { by }) => format!("Vắng, cử {} dự thay", person(by)),
                };
                AttendanceLine { name: person(p), status }
            })
            .collect();
        let agenda_title = |id: AgendaItemId| meeting.agenda.iter().find(|a| a.id == id).map(|a| a.title.to_string()).unwrap_or_default();
        let record = MeetingRecord {
            organisation: committee.to_uppercase(),
            place_and_date: format!("ngày {} tháng {} năm {}", starts.day(), u8::from(starts.month()), starts.year()),
            committee: committee.clone(),
            title: meeting.title.to_string(),
            time,
            place: meeting.place.to_string(),
            presiding: person(&meeting.presiding),
            attendance,
            agenda: meeting
                .agenda
                .iter()
                .map(|a| AgendaLine {
                    title: a.title.to_string(),
                    presenter: body(&a.presenter),
                    report: a.report.and_then(|r| reports.get(&r)).map(|title| match draft_of(&meeting, a, &now).version {
                        Some(n) => format!("{title} (dự thảo lần {n})"),
                        None => title.clone(),
                    }),
                    time_allotted: format!("{} phút", a.minutes_allotted),
                })
                .collect(),
            discussion: meeting
                .agenda
                .iter()
                .map(|a| DiscussionSection {
                    agenda_title: agenda_title(a.id),
                    opinions: meeting
                        .minutes
                        .iter()
                        .filter(|m| m.agenda_item == a.id)
                        .map(|m| (person(&m.speaker), m.summary.to_string()))
                        .collect(),
                })
                .collect(),
            conclusion: {
                let mut lines: Vec<String> = meeting
                    .conclusion
                    .as_ref()
                    .map(|c| c.text.as_str().lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect())
                    .unwrap_or_default();
                // The chair's decisions on what was still disputed close the
                // conclusion, as the notice records them (in the committee's
                // language, as the rest of the notice).
                if !decisions.is_empty() {
                    lines.push("Về các vấn đề còn ý kiến khác nhau:".to_owned());
                    lines.extend(decisions.iter().map(|d| {
                        format!("- {} ({}): {} Kết luận: {}", d.comment.commenter, d.report_title, d.comment.text, d.decision.decision)
                    }));
                }
                lines
            },
            actions: meeting
                .actions
                .iter()
                .map(|a| ActionLine {
                    text: a.text.to_string(),
                    assignees: a
                        .assignees
                        .iter()
                        .map(|who| match who {
                            Assignee::Body(b) => body(b),
                            Assignee::Person(p) => person(p),
                        })
                        .collect::<Vec<_>>()
                        .join(", "),
                    deadline: date(a.deadline),
                    status: match a.status {
                        ActionStatus::Open => "Đang thực hiện".to_owned(),
                        ActionStatus::Done => "Đã hoàn thành".to_owned(),
                    },
                })
                .collect(),
        };
        Ok((meeting, record))
    }

    async fn record(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        meeting: &Meeting,
        action: &str,
        details: serde_json::Value,
    ) -> Result<(), AppError> {
        let event = self.audit(Some(actor.user), action, "meeting", Some(meeting.id.as_uuid()), details);
        uow.record_audit_event(&event).await?;
        Ok(())
    }
}

fn docx(file_name: String, bytes: Vec<u8>) -> Download {
    Download { file_name, content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", bytes }
}

fn export_failed(err: gopy_documents::ExportError) -> AppError {
    AppError::Store(StoreError::Other(format!("export failed: {err}")))
}

/// The meeting, if `actor` may read it; one they may not is "not found",
/// so ids cannot be probed.
/// The meetings `actor` may read, as listed.
fn readable(actor: &Actor, meetings: Vec<Meeting>) -> Vec<Meeting> {
    meetings.into_iter().filter(|m| authorize(actor, Action::ViewMeeting, meeting_resource(m)).is_ok()).collect()
}

/// Every action item of `meetings` that `filter` keeps: overdue first,
/// then by deadline.
fn follow_up_rows(meetings: &[Meeting], filter: FollowUpFilter, now: OffsetDateTime) -> Vec<FollowUpRow> {
    let mut rows: Vec<FollowUpRow> = meetings
        .iter()
        .filter(|m| filter.meeting.is_none_or(|id| id == m.id))
        .flat_map(|m| {
            m.actions
                .iter()
                .map(|a| FollowUpRow {
                    meeting: m.id,
                    meeting_title: m.title.clone(),
                    meeting_starts_at: m.starts_at,
                    overdue: a.is_overdue(now),
                    action: a.clone(),
                })
                .collect::<Vec<_>>()
        })
        .filter(|row| filter.assignee.is_none_or(|who| row.action.assignees.contains(&who)))
        .filter(|row| match filter.status {
            None => true,
            Some(FollowUpStatus::Overdue) => row.overdue,
            Some(FollowUpStatus::Open) => row.action.status == ActionStatus::Open,
            Some(FollowUpStatus::Done) => row.action.status == ActionStatus::Done,
        })
        .collect();
    rows.sort_by_key(|r| (!r.overdue, r.action.status == ActionStatus::Done, r.action.deadline, r.meeting_starts_at, r.action.position));
    rows
}

/// Each draft's latest version and round now, in two queries whatever the
/// number of drafts.
async fn drafts_now(uow: &mut dyn UnitOfWork) -> Result<impl Fn(ReportId) -> DraftAt + use<>, AppError> {
    let versions: HashMap<ReportId, u32> = uow.version_counts().await?.into_iter().collect();
    let rounds: HashMap<ReportId, u32> = uow.latest_rounds().await?.into_iter().map(|(r, round)| (r, round.number)).collect();
    Ok(move |report| DraftAt {
        version: versions.get(&report).copied().filter(|n| *n > 0),
        round: rounds.get(&report).copied(),
    })
}

/// The version and round an agenda item is about: the draft's latest
/// while the meeting is planned, what was fixed when it was held after.
fn draft_of(meeting: &Meeting, item: &gopy_domain::AgendaItem, now: &impl Fn(ReportId) -> DraftAt) -> DraftAt {
    match (meeting.status, item.report) {
        (_, None) => DraftAt::default(),
        (MeetingStatus::Planned, Some(report)) => now(report),
        (_, Some(_)) => item.about,
    }
}

/// Whether a comment may be made on `report` now, and if not, why: the
/// same rule the comment's use case applies.
pub(crate) fn comment_offer(report: &Report, round: Option<&gopy_domain::workflow::Round>, now: OffsetDateTime) -> Offer {
    use gopy_domain::workflow::comments_open;
    let local = |at: OffsetDateTime| at.to_offset(VIETNAM).date();
    if comments_open(report.status, round, now).is_some() {
        return Offer::Yes;
    }
    Offer::No(match (report.status, report.approval, round) {
        (ReportStatus::Approved, Some(approval), _) => WhyNot::Approved { on: local(approval.at) },
        (_, _, Some(round)) => WhyNot::RoundClosed { on: local(round.closed_at.unwrap_or(round.deadline)) },
        _ => WhyNot::NoOpenRound,
    })
}

async fn readable_meeting(uow: &mut dyn UnitOfWork, actor: &Actor, id: MeetingId) -> Result<Meeting, AppError> {
    let meeting = uow.find_meeting(id).await?.ok_or(AppError::NotFound { what: "meeting" })?;
    authorize(actor, Action::ViewMeeting, meeting_resource(&meeting)).map_err(|_| AppError::NotFound { what: "meeting" })?;
    Ok(meeting)
}

/// A change to a loaded meeting, with what the audit event keeps of it.
trait AsyncChange<T>: Send {
    fn apply(
        self,
        app: &App,
        uow: &mut dyn UnitOfWork,
        meeting: &mut Meeting,
    ) -> impl std::future::Future<Output = Result<(T, serde_json::Value), AppError>> + Send;
}

#[derive(Clone)]
struct Attend(Vec<Attendance>);
#[derive(Clone)]
struct Held;
#[derive(Clone)]
struct Opinion(MinuteEntry);
#[derive(Clone)]
struct Conclude(Conclusion);
#[derive(Clone)]
struct Assign(ActionDraft, Option<u32>);
#[derive(Clone)]
struct FollowUp {
    action: ActionItemId,
    status: ActionStatus,
    note: Option<CommentText>,
}
#[derive(Clone)]
struct Approve(UserId);
#[derive(Clone)]
struct EditItem {
    item: AgendaItemId,
    title: Title,
    presenter: BodyId,
    report: Option<ReportId>,
    minutes: u32,
}
#[derive(Clone)]
struct MoveItem {
    item: AgendaItemId,
    to: u32,
}
#[derive(Clone)]
struct RemoveItem(AgendaItemId);
#[derive(Clone)]
struct Cancel(Cancellation);

impl AsyncChange<()> for EditItem {
    async fn apply(self, _: &App, uow: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<((), serde_json::Value), AppError> {
        if !uow.list_bodies().await?.iter().any(|b| b.id == self.presenter) {
            return Err(AppError::invalid("presenter", InvalidReason::Missing));
        }
        let report = match self.report {
            Some(r) => Some(uow.find_report(r).await?.ok_or_else(|| AppError::invalid("report", InvalidReason::Missing))?),
            None => None,
        };
        meeting.change_agenda_item(self.item, self.title, self.presenter, report.as_ref(), self.minutes).map_err(refused)?;
        meeting.fix_drafts(drafts_now(uow).await?);
        Ok(((), json!({ "agenda_item": self.item, "report": self.report })))
    }
}

impl AsyncChange<()> for MoveItem {
    async fn apply(self, _: &App, _: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<((), serde_json::Value), AppError> {
        meeting.move_agenda_item(self.item, self.to).map_err(refused)?;
        Ok(((), json!({ "agenda_item": self.item, "to": self.to })))
    }
}

impl AsyncChange<()> for RemoveItem {
    async fn apply(self, _: &App, _: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<((), serde_json::Value), AppError> {
        let item = meeting.remove_agenda_item(self.0).map_err(refused)?;
        Ok(((), json!({ "agenda_item": item.id, "title": item.title })))
    }
}

impl AsyncChange<()> for Cancel {
    async fn apply(self, _: &App, _: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<((), serde_json::Value), AppError> {
        let reason = self.0.reason.to_string();
        meeting.cancel(self.0).map_err(refused)?;
        Ok(((), json!({ "reason": reason })))
    }
}

impl AsyncChange<()> for Attend {
    async fn apply(self, _: &App, uow: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<((), serde_json::Value), AppError> {
        for a in &self.0 {
            let by = match a.presence {
                Presence::Represented { by } => Some(by),
                _ => None,
            };
            for person in std::iter::once(a.person).chain(by) {
                if uow.find_user(person).await?.is_none() {
                    return Err(AppError::invalid("attendance", InvalidReason::Missing));
                }
            }
        }
        let count = self.0.len();
        for a in self.0 {
            meeting.record_attendance(a).map_err(refused)?;
        }
        Ok(((), json!({ "people": count })))
    }
}

impl AsyncChange<()> for Held {
    async fn apply(self, _: &App, uow: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<((), serde_json::Value), AppError> {
        // What the drafts are as the meeting is held is what it discussed.
        meeting.fix_drafts(drafts_now(uow).await?);
        meeting.mark_held().map_err(refused)?;
        Ok(((), json!({})))
    }
}

impl AsyncChange<MinuteEntry> for Opinion {
    async fn apply(self, _: &App, uow: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<(MinuteEntry, serde_json::Value), AppError> {
        if uow.find_user(self.0.speaker).await?.is_none() {
            return Err(AppError::invalid("speaker", InvalidReason::Missing));
        }
        let entry = meeting.record_opinion(self.0).map_err(refused)?.clone();
        let details = json!({ "entry": entry.id, "agenda_item": entry.agenda_item, "speaker": entry.speaker });
        Ok((entry, details))
    }
}

impl AsyncChange<()> for Conclude {
    async fn apply(self, _: &App, _: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<((), serde_json::Value), AppError> {
        meeting.conclude(self.0).map_err(refused)?;
        Ok(((), json!({})))
    }
}

impl AsyncChange<ActionItem> for Assign {
    async fn apply(self, app: &App, uow: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<(ActionItem, serde_json::Value), AppError> {
        let Assign(mut draft, working_days) = self;
        let today = app.now().to_offset(gopy_domain::meeting::VIETNAM).date();
        draft.deadline = match (draft.deadline, working_days) {
            (Some(_), Some(_)) => return Err(AppError::invalid("working_days", InvalidReason::Rule("err_deadline_twice".into()))),
            (None, Some(n)) if n == 0 || n > crate::rounds::MAX_WORKING_DAYS => {
                return Err(AppError::invalid("working_days", InvalidReason::Rule("err_working_days_range".into())));
            }
            (None, Some(n)) => crate::holidays::working_calendar(uow).await?.deadline_in(today, n),
            (deadline, None) => deadline,
        };
        // A deadline already over is a typing mistake; today is still to come.
        if draft.deadline.is_some_and(|d| d < today) {
            return Err(AppError::invalid("deadline", InvalidReason::Rule("err_action_deadline_passed".into())));
        }
        let bodies = uow.list_bodies().await?;
        for who in &draft.assignees {
            let exists = match who {
                Assignee::Body(b) => bodies.iter().any(|x| x.id == *b),
                Assignee::Person(p) => uow.find_user(*p).await?.is_some(),
            };
            if !exists {
                return Err(AppError::invalid("assignees", InvalidReason::Missing));
            }
        }
        let action = meeting.assign(ActionItemId::from_uuid(new_id()), draft).map_err(refused)?.clone();
        let details = json!({ "action": action.id, "assignees": action.assignees, "deadline": action.deadline.to_string() });
        Ok((action, details))
    }
}

impl AsyncChange<ActionItem> for FollowUp {
    async fn apply(self, app: &App, _: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<(ActionItem, serde_json::Value), AppError> {
        let action = meeting.follow_up(self.action, self.status, self.note, app.now()).map_err(refused)?.clone();
        Ok((action, json!({ "action": self.action, "status": self.status.as_str() })))
    }
}

impl AsyncChange<()> for Approve {
    async fn apply(self, app: &App, _: &mut dyn UnitOfWork, meeting: &mut Meeting) -> Result<((), serde_json::Value), AppError> {
        meeting.approve_minutes(self.0, app.now()).map_err(refused)?;
        Ok(((), json!({})))
    }
}

// --- Read models of the meeting pages ------------------------------------------
//
// One read unit of work per page; people and bodies named from one
// [`Directory`]; what the viewer may do asked of the domain here.

/// The meetings list, and what planning one needs.
#[derive(Clone, Debug)]
pub struct MeetingsPage {
    /// The meetings the viewer may read, the latest to start first.
    pub meetings: Vec<MeetingRow>,
    /// Present when the viewer may plan meetings: the committees they may
    /// plan for (perhaps none yet) and the people who can be invited.
    pub planning: Option<Planning>,
}

#[derive(Clone, Debug)]
pub struct MeetingRow {
    pub meeting: Meeting,
    pub committee: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Planning {
    pub committees: Vec<gopy_domain::Committee>,
    /// Active people, in Vietnamese order of name.
    pub people: Vec<gopy_domain::User>,
}

/// One meeting with every name resolved and what the viewer may do.
#[derive(Clone, Debug)]
pub struct MeetingPage {
    pub meeting: Meeting,
    pub committee: String,
    pub presiding: String,
    /// Everyone invited, then anyone else recorded as attending.
    pub attendees: Vec<AttendeeRow>,
    pub agenda: Vec<AgendaRow>,
    pub actions: Vec<ActionRow>,
    pub may: MeetingPermissions,
    /// Who called it off, when it was.
    pub cancelled_by: Option<String>,
    /// Choices for the forms: bodies and active people by name, and the
    /// reports of the meeting's committee the viewer may read.
    pub bodies: Vec<gopy_domain::Body>,
    pub people: Vec<gopy_domain::User>,
    pub reports: Vec<Report>,
    /// The chair's decisions on what was still disputed, taken at this
    /// meeting: part of its conclusion.
    pub decisions: Vec<crate::changes::DecisionLine>,
}

/// What the viewer may do on a meeting's page now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingPermissions {
    /// Change the agenda and attendance (until the minutes are approved).
    pub manage: bool,
    /// Change the details (time, place, presiding person, invitations) and
    /// edit, move or remove agenda items: until the minutes are approved,
    /// never once the meeting is cancelled.
    pub change: Offer,
    /// Call the meeting off: only while it is planned.
    pub cancel: Offer,
    pub mark_held: bool,
    pub approve: bool,
    pub write_minutes: bool,
    pub conclude: bool,
    pub follow_up: bool,
}

#[derive(Clone, Debug)]
pub struct AttendeeRow {
    pub person: UserId,
    pub name: String,
    /// `None` until recorded.
    pub presence: Option<Presence>,
    /// The name of who came in their place.
    pub represented_by: Option<String>,
}

#[derive(Clone, Debug)]
pub struct AgendaRow {
    pub item: gopy_domain::AgendaItem,
    pub presenter: String,
    pub report: Option<LinkedReport>,
    pub opinions: Vec<OpinionRow>,
}

/// The draft an agenda item discusses: the version and round it is about
/// (fixed when the meeting was held, so the record does not move).
#[derive(Clone, Debug)]
pub struct LinkedReport {
    pub id: ReportId,
    pub title: String,
    pub version: Option<u32>,
    pub round: Option<u32>,
}

#[derive(Clone, Debug)]
pub struct OpinionRow {
    pub entry: MinuteEntry,
    pub speaker: String,
    /// Turning it into a comment on the linked draft: offered while the
    /// draft takes comments, else why not (`No(Role)` for one who may not
    /// write the minutes, or an item without a draft).
    pub to_comment: Offer,
    /// Where the comment it became is shown: report, version, comment.
    pub comment: Option<(ReportId, u32, gopy_domain::CommentId)>,
}

#[derive(Clone, Debug)]
pub struct ActionRow {
    pub action: ActionItem,
    /// Who it is assigned to, in words.
    pub assignees: String,
    pub overdue: bool,
}

/// The follow-up page: the action items kept by the filter, and the
/// filter's choices.
#[derive(Clone, Debug)]
pub struct FollowUpPage {
    pub rows: Vec<(FollowUpRow, String)>,
    /// Everyone and every body anything is assigned to, by name.
    pub assignees: Vec<(Assignee, String)>,
    /// The meetings the viewer may read, the latest first.
    pub meetings: Vec<(MeetingId, Title)>,
}

/// Who an action item is assigned to, in words.
fn assignee_names(assignees: &[Assignee], directory: &Directory) -> String {
    assignees.iter().map(|who| assignee_name(who, directory)).collect::<Vec<_>>().join(", ")
}

fn assignee_name(who: &Assignee, directory: &Directory) -> String {
    match who {
        Assignee::Body(b) => directory.body_name(*b).unwrap_or_default(),
        Assignee::Person(p) => directory.name(*p),
    }
}

impl App {
    /// The meetings list: one read unit of work.
    pub async fn meetings_page(&self, actor: &Actor) -> Result<MeetingsPage, AppError> {
        let mut uow = self.store.begin_read().await?;
        let meetings = readable(actor, uow.list_meetings().await?);
        let committees = uow.list_committees().await?;
        let name_of = |id: CommitteeId| committees.iter().find(|c| c.id == id).map(|c| c.name.to_string());
        let rows = meetings.into_iter().map(|meeting| MeetingRow { committee: name_of(meeting.committee), meeting }).collect();
        let plannable: Vec<_> = committees
            .iter()
            .filter(|c| authorize(actor, Action::PlanMeeting, Resource::Committee(c.id)).is_ok())
            .cloned()
            .collect();
        let planning = if actor.organises() || !plannable.is_empty() {
            let people = uow.list_users().await?.into_iter().filter(|u| u.active).collect();
            Some(Planning { committees: plannable, people })
        } else {
            None
        };
        Ok(MeetingsPage { meetings: rows, planning })
    }

    /// One meeting's page: one read unit of work whatever the meeting holds.
    pub async fn meeting_page(&self, actor: &Actor, id: MeetingId) -> Result<MeetingPage, AppError> {
        let mut uow = self.store.begin_read().await?;
        let meeting = readable_meeting(uow.as_mut(), actor, id).await?;
        let committee = uow.find_committee(meeting.committee).await?.map(|c| c.name.to_string()).unwrap_or_default();
        let directory = Directory::load(uow.as_mut()).await?;
        let drafts = drafts_now(uow.as_mut()).await?;
        let rounds: HashMap<ReportId, gopy_domain::workflow::Round> = uow.latest_rounds().await?.into_iter().collect();
        // The version each comment made from the minutes is on, to link it there.
        let made: Vec<gopy_domain::CommentId> = meeting.minutes.iter().filter_map(|m| m.comment).collect();
        let comment_versions: HashMap<gopy_domain::CommentId, u32> = if made.is_empty() {
            HashMap::new()
        } else {
            uow.threads_of(&made).await?.into_iter().map(|c| (c.id, c.version_number)).collect()
        };
        let reports: Vec<Report> = uow
            .list_reports()
            .await?
            .into_iter()
            .filter(|r| r.committee == meeting.committee || meeting.agenda.iter().any(|a| a.report == Some(r.id)))
            .collect();
        let decisions = self.decisions_at_meeting(uow.as_mut(), meeting.id, &directory).await?;
        drop(uow);

        let resource = meeting_resource(&meeting);
        let allowed = |action| authorize(actor, action, resource).is_ok();
        // Approved minutes and a cancelled meeting are both closed records.
        let closed = matches!(meeting.status, MeetingStatus::MinutesApproved | MeetingStatus::Cancelled);
        let in_state = |open: bool| (!open).then_some(WhyNot::MeetingState(meeting.status));
        let change = Offer::by_role(allowed(Action::ManageMeeting)).unless(in_state(!closed));
        let cancel = Offer::by_role(allowed(Action::ManageMeeting)).unless(in_state(meeting.status == MeetingStatus::Planned));
        let manage = change.is_yes();
        let write = allowed(Action::WriteMinutes);
        let may = MeetingPermissions {
            manage,
            change,
            cancel,
            mark_held: manage && meeting.status == MeetingStatus::Planned,
            approve: allowed(Action::ApproveMinutes) && meeting.status == MeetingStatus::Held,
            write_minutes: write && !closed,
            conclude: allowed(Action::Conclude) && !closed,
            follow_up: allowed(Action::FollowUpAction) && meeting.status != MeetingStatus::Cancelled,
        };

        let mut everyone = meeting.invited.clone();
        everyone.extend(meeting.attendance.iter().map(|a| a.person).filter(|p| !meeting.invited.contains(p)));
        let attendees = everyone
            .iter()
            .map(|person| {
                let presence = meeting.attendance.iter().find(|a| a.person == *person).map(|a| a.presence.clone());
                let represented_by = match &presence {
                    Some(Presence::Represented { by }) => Some(directory.name(*by)),
                    _ => None,
                };
                AttendeeRow { person: *person, name: directory.name(*person), presence, represented_by }
            })
            .collect();
        let now = self.now();
        let agenda = meeting
            .agenda
            .iter()
            .map(|item| {
                let about = draft_of(&meeting, item, &drafts);
                let linked = item.report.and_then(|id| reports.iter().find(|r| r.id == id));
                let report = linked.map(|r| LinkedReport {
                    id: r.id,
                    title: r.title.to_string(),
                    version: about.version,
                    round: about.round,
                });
                // A comment goes on the draft's latest version, whatever the
                // record says the meeting discussed.
                let to_comment = match linked {
                    Some(r) if write && drafts(r.id).version.is_some() => comment_offer(r, rounds.get(&r.id), now),
                    _ => Offer::No(WhyNot::Role),
                };
                let opinions = meeting
                    .minutes
                    .iter()
                    .filter(|m| m.agenda_item == item.id)
                    .map(|entry| OpinionRow {
                        speaker: directory.name(entry.speaker),
                        to_comment: to_comment.clone(),
                        comment: entry
                            .comment
                            .zip(linked)
                            .and_then(|(c, r)| comment_versions.get(&c).map(|v| (r.id, *v, c))),
                        entry: entry.clone(),
                    })
                    .collect();
                AgendaRow {
                    presenter: directory.body_name(item.presenter).unwrap_or_default(),
                    item: item.clone(),
                    report,
                    opinions,
                }
            })
            .collect();
        let actions = meeting
            .actions
            .iter()
            .map(|a| ActionRow { assignees: assignee_names(&a.assignees, &directory), overdue: a.is_overdue(now), action: a.clone() })
            .collect();
        let committee_reports = reports
            .iter()
            .filter(|r| r.committee == meeting.committee)
            .filter(|r| authorize(actor, Action::ViewReport, crate::reports::report_resource(r)).is_ok())
            .cloned()
            .collect();
        let people = crate::organisation::people_by_name(&directory).into_iter().filter(|u| u.active).cloned().collect();
        Ok(MeetingPage {
            committee,
            cancelled_by: meeting.cancellation.as_ref().map(|c| directory.name(c.by)),
            presiding: directory.name(meeting.presiding),
            attendees,
            agenda,
            actions,
            may,
            bodies: crate::organisation::bodies_by_name(&directory),
            people,
            reports: committee_reports,
            decisions,
            meeting,
        })
    }

    /// The follow-up page: one read unit of work.
    pub async fn follow_up_page(&self, actor: &Actor, filter: FollowUpFilter) -> Result<FollowUpPage, AppError> {
        let mut uow = self.store.begin_read().await?;
        let meetings = readable(actor, uow.list_meetings().await?);
        let directory = Directory::load(uow.as_mut()).await?;
        drop(uow);
        let rows = follow_up_rows(&meetings, filter, self.now())
            .into_iter()
            .map(|row| {
                let names = assignee_names(&row.action.assignees, &directory);
                (row, names)
            })
            .collect();
        let mut assignees: Vec<(Assignee, String)> = Vec::new();
        for who in meetings.iter().flat_map(|m| m.actions.iter()).flat_map(|a| a.assignees.iter()) {
            if !assignees.iter().any(|(known, _)| known == who) {
                assignees.push((*who, assignee_name(who, &directory)));
            }
        }
        assignees.sort_by_cached_key(|(_, name)| gopy_domain::collation_key(name));
        let meetings = meetings.into_iter().map(|m| (m.id, m.title)).collect();
        Ok(FollowUpPage { rows, assignees, meetings })
    }
}
