//! Meetings of a committee: who was invited and who came, the agenda, the
//! minutes (biên bản), the presiding person's conclusion (kết luận) and the
//! action items it assigns.
//!
//! A meeting is one aggregate: every rule that spans its parts (an agenda
//! item's report belongs to the meeting's committee, approved minutes are
//! not edited) is checked here, by methods that return `Result`, so the use
//! cases, the pages and the API cannot disagree about them. Whether an
//! action item is overdue is worked out from its deadline and "now" each
//! time it is asked, never stored, so it can never be stale.


use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, UtcOffset};

use crate::comment::CommentText;
use crate::notice::{MeetingNoticeV1, Notice, NoticeKind};
use crate::report::{Report, Title};
use crate::text::TextError;
use crate::{ActionItemId, AgendaItemId, BodyId, CommentId, CommitteeId, MeetingId, MinuteEntryId, ReportId, UserId};

/// Where a meeting stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    /// Set up, not yet held: the agenda and invitations are being prepared.
    Planned,
    /// Held: the minutes and the conclusion are being written.
    Held,
    /// The minutes are approved and no longer change; follow-up goes on.
    MinutesApproved,
    /// Called off before it was held, with a reason; nothing changes after.
    Cancelled,
}

crate::organisation::stored_as_snake_case!(
    MeetingStatus, "meeting status",
    Planned => "planned", Held => "held", MinutesApproved => "minutes_approved", Cancelled => "cancelled",
);

/// Why and by whom a planned meeting was called off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cancellation {
    pub reason: CommentText,
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// Whether an invited person came.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "presence", rename_all = "snake_case")]
pub enum Presence {
    Present,
    /// Absent, with the reason given (vắng có lý do).
    Absent { reason: CommentText },
    /// Sent someone in their place (ủy quyền, cử người dự thay).
    Represented { by: UserId },
}

impl Presence {
    /// The stable name used in storage and in the API.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Present => "present",
            Self::Absent { .. } => "absent",
            Self::Represented { .. } => "represented",
        }
    }
}

/// One person's attendance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    pub person: UserId,
    pub presence: Presence,
}

/// One item of the agenda: a body presents a draft, or some other matter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgendaItem {
    pub id: AgendaItemId,
    /// 1 for the first item; the agenda is kept in this order.
    pub position: u32,
    pub title: Title,
    /// The body that presents the item.
    pub presenter: BodyId,
    /// The draft discussed, if any: always one of the meeting's committee.
    pub report: Option<ReportId>,
    /// Time allotted, in minutes.
    pub minutes_allotted: u32,
    /// Which version and round of the draft the item is about: the draft's
    /// latest while the meeting is planned, fixed once it is held, so the
    /// minutes keep linking what was discussed.
    pub about: DraftAt,
}

/// A draft's latest version and round at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftAt {
    pub version: Option<u32>,
    pub round: Option<u32>,
}

/// One spoken opinion in the minutes, under its agenda item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MinuteEntry {
    pub id: MinuteEntryId,
    pub agenda_item: AgendaItemId,
    pub speaker: UserId,
    pub summary: CommentText,
    /// The comment on the linked report it was turned into, once it was.
    pub comment: Option<CommentId>,
    pub recorded_by: UserId,
    pub recorded_at: OffsetDateTime,
}

/// The presiding person's conclusion: several pages at most.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conclusion {
    pub text: ConclusionText,
    /// Who wrote it down: the presiding person, or the secretariat for them.
    pub written_by: UserId,
    pub written_at: OffsetDateTime,
}

/// The text of a conclusion: NFC, trimmed, lines kept, at most
/// [`ConclusionText::MAX_CHARS`] characters, never cut short.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ConclusionText(String);

impl ConclusionText {
    /// A conclusion notice runs to a few pages; ten pages is room to spare.
    pub const MAX_CHARS: usize = 30_000;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        crate::text::multi_line(raw, Self::MAX_CHARS).map(Self)
    }
}

crate::text::text_newtype!(ConclusionText);

/// Who an action item is assigned to: a body (the editorial team's body,
/// the Committee Office) or a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Assignee {
    Body(BodyId),
    Person(UserId),
}

/// Where an action item stands. "Overdue" is not a status: it is an open
/// item past its deadline, see [`ActionItem::is_overdue`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionStatus {
    Open,
    Done,
}

crate::organisation::stored_as_snake_case!(ActionStatus, "action status", Open => "open", Done => "done");

/// Work the conclusion assigns, with a deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionItem {
    pub id: ActionItemId,
    /// 1 for the first; kept in the order the conclusion gives them.
    pub position: u32,
    pub text: CommentText,
    /// At least one.
    pub assignees: Vec<Assignee>,
    /// The last day, in Việt Nam's calendar.
    pub deadline: Date,
    pub status: ActionStatus,
    /// What was done, when it was marked done.
    pub note: Option<CommentText>,
    pub done_at: Option<OffsetDateTime>,
}

/// Việt Nam's offset (UTC+7, no daylight saving): deadlines are local days.
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

impl ActionItem {
    /// Open, and its deadline day is over in Việt Nam at `now`.
    pub fn is_overdue(&self, now: OffsetDateTime) -> bool {
        self.status == ActionStatus::Open && now.to_offset(VIETNAM).date() > self.deadline
    }
}

/// What a new action item is made of, before it is checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionDraft {
    pub text: CommentText,
    pub assignees: Vec<Assignee>,
    pub deadline: Option<Date>,
}

/// Why a change to a meeting was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MeetingProblem {
    #[error("a meeting must end after it starts")]
    EndsBeforeItStarts,
    #[error("the linked report is reviewed by another committee")]
    ReportOfAnotherCommittee,
    #[error("an action item needs at least one body or person assigned")]
    NoAssignee,
    #[error("an action item needs a deadline")]
    NoDeadline,
    #[error("the minutes are approved and can no longer be edited")]
    MinutesApproved,
    #[error("the meeting has not been held yet")]
    NotHeld,
    #[error("the meeting has already been held")]
    AlreadyHeld,
    #[error("no such agenda item in this meeting")]
    NoSuchAgendaItem,
    #[error("no such entry in the minutes")]
    NoSuchEntry,
    #[error("no such action item in this meeting")]
    NoSuchAction,
    #[error("this opinion has already been turned into a comment")]
    AlreadyAComment,
    #[error("this agenda item links no report to comment on")]
    NoLinkedReport,
    #[error("a person absent needs a reason, one represented needs who came instead")]
    AttendanceIncomplete,
    #[error("an agenda item needs some time allotted, at most a day")]
    TimeAllotted,
    #[error("the meeting was cancelled and can no longer be changed")]
    Cancelled,
    #[error("only a meeting not yet held can be cancelled")]
    NotCancellable,
    #[error("opinions are recorded under this agenda item, so it cannot be removed")]
    AgendaItemHasMinutes,
}

/// The details that set up a meeting, or change it before its minutes are approved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingDetails {
    pub title: Title,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub place: Title,
    pub presiding: UserId,
    pub invited: Vec<UserId>,
}

/// A meeting of a committee, with all its parts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub committee: CommitteeId,
    pub title: Title,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub place: Title,
    /// Who presides (chủ trì): often the committee's chair, not always.
    pub presiding: UserId,
    pub invited: Vec<UserId>,
    pub attendance: Vec<Attendance>,
    pub agenda: Vec<AgendaItem>,
    pub minutes: Vec<MinuteEntry>,
    pub conclusion: Option<Conclusion>,
    pub actions: Vec<ActionItem>,
    pub status: MeetingStatus,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<OffsetDateTime>,
    pub created_by: UserId,
    pub created_at: OffsetDateTime,
    /// How many changes the meeting has had since it was planned: a change
    /// made on an older reading is refused instead of undoing the newer.
    #[serde(default)]
    pub revision: u32,
    /// The iCalendar SEQUENCE of the meeting's invitations: raised each
    /// time what a calendar shows of it (title, time, place, agenda) changes
    /// while it is planned, and when it is cancelled, so a calendar program
    /// moves its one event instead of adding another.
    #[serde(default)]
    pub sequence: u32,
    /// Set when it was cancelled.
    #[serde(default)]
    pub cancellation: Option<Cancellation>,
}

/// Who hears of a change to a planned meeting, and how: the invitation
/// mails a change causes, worked out by [`Meeting::calendar_notices`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CalendarNotices {
    /// Newly invited (or newly presiding): an invitation at the current sequence.
    pub invited: Vec<UserId>,
    /// Already invited, and what their calendar shows changed: an update.
    pub updated: Vec<UserId>,
    /// No longer invited, or everyone when it is cancelled: a cancellation.
    pub cancelled: Vec<UserId>,
}

impl CalendarNotices {
    pub fn is_empty(&self) -> bool {
        self.invited.is_empty() && self.updated.is_empty() && self.cancelled.is_empty()
    }
}

/// The three calendar mails of a meeting, each an outbox kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarMail {
    /// `meeting.invited`: METHOD:REQUEST, to someone new to the meeting.
    Invited,
    /// `meeting.updated`: METHOD:REQUEST at a higher SEQUENCE.
    Updated,
    /// `meeting.cancelled`: METHOD:CANCEL, same UID.
    Cancelled,
}

impl CalendarMail {
    pub const ALL: [CalendarMail; 3] = [Self::Invited, Self::Updated, Self::Cancelled];

    /// The outbox kind, which names the mail's templates.
    pub fn kind(self) -> &'static str {
        self.notice_kind().as_str()
    }

    pub fn notice_kind(self) -> NoticeKind {
        match self {
            Self::Invited => NoticeKind::MeetingInvited,
            Self::Updated => NoticeKind::MeetingUpdated,
            Self::Cancelled => NoticeKind::MeetingCancelled,
        }
    }

    pub fn from_kind(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.kind() == kind)
    }

    /// The outbox notice of this mail.
    pub fn notice(self, payload: MeetingNoticeV1) -> Notice {
        match self {
            Self::Invited => Notice::MeetingInvited(payload),
            Self::Updated => Notice::MeetingUpdated(payload),
            Self::Cancelled => Notice::MeetingCancelled(payload),
        }
    }

    /// Which calendar mail `notice` is, with its payload; `None` for any
    /// other notice.
    pub fn of(notice: &Notice) -> Option<(Self, &MeetingNoticeV1)> {
        match notice {
            Notice::MeetingInvited(m) => Some((Self::Invited, m)),
            Notice::MeetingUpdated(m) => Some((Self::Updated, m)),
            Notice::MeetingCancelled(m) => Some((Self::Cancelled, m)),
            _ => None,
        }
    }
}

/// The UID of a meeting's calendar event, the same in every invitation,
/// update, cancellation and download.
pub fn calendar_uid(meeting: MeetingId) -> String {
    format!("{meeting}@gopy")
}

fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut unique = Vec::with_capacity(items.len());
    for item in items {
        if !unique.contains(item) {
            unique.push(*item);
        }
    }
    unique
}

impl Meeting {
    /// A planned meeting, checked.
    pub fn plan(
        id: MeetingId,
        committee: CommitteeId,
        details: MeetingDetails,
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<Self, MeetingProblem> {
        let mut meeting = Self {
            id,
            committee,
            title: details.title.clone(),
            starts_at: details.starts_at,
            ends_at: details.ends_at,
            place: details.place.clone(),
            presiding: details.presiding,
            invited: Vec::new(),
            attendance: Vec::new(),
            agenda: Vec::new(),
            minutes: Vec::new(),
            conclusion: None,
            actions: Vec::new(),
            status: MeetingStatus::Planned,
            approved_by: None,
            approved_at: None,
            created_by: by,
            created_at: at,
            revision: 0,
            sequence: 0,
            cancellation: None,
        };
        meeting.change_details(details)?;
        Ok(meeting)
    }

    fn editable(&self) -> Result<(), MeetingProblem> {
        match self.status {
            MeetingStatus::MinutesApproved => Err(MeetingProblem::MinutesApproved),
            MeetingStatus::Cancelled => Err(MeetingProblem::Cancelled),
            MeetingStatus::Planned | MeetingStatus::Held => Ok(()),
        }
    }

    /// Who a calendar invitation goes to: the presiding person, then the
    /// invited, each once.
    pub fn guests(&self) -> Vec<UserId> {
        let mut all = vec![self.presiding];
        all.extend(self.invited.iter().copied());
        dedup(&all)
    }

    /// Whether what a calendar shows of the meeting differs from `before`:
    /// its title, time, place or agenda (items, their order, presenters
    /// and time allotted).
    pub fn shows_differently(&self, before: &Meeting) -> bool {
        let agenda = |m: &Meeting| -> Vec<(Title, BodyId, u32)> {
            m.agenda.iter().map(|a| (a.title.clone(), a.presenter, a.minutes_allotted)).collect()
        };
        self.title != before.title
            || self.starts_at != before.starts_at
            || self.ends_at != before.ends_at
            || self.place != before.place
            || agenda(self) != agenda(before)
    }

    /// The invitation mails a change from `before` to `self` calls for,
    /// raising the sequence when an update or cancellation goes out. Only
    /// a planned meeting (or one just cancelled) sends any: once held, its
    /// calendar entry is in the past and a change there is record-keeping.
    pub fn calendar_notices(&mut self, before: &Meeting) -> CalendarNotices {
        let was = before.guests();
        let now = self.guests();
        match (before.status, self.status) {
            (MeetingStatus::Planned, MeetingStatus::Cancelled) => {
                self.sequence = before.sequence + 1;
                CalendarNotices { cancelled: was, ..CalendarNotices::default() }
            }
            (MeetingStatus::Planned, MeetingStatus::Planned) => {
                let mut notices = CalendarNotices {
                    invited: now.iter().copied().filter(|p| !was.contains(p)).collect(),
                    cancelled: was.iter().copied().filter(|p| !now.contains(p)).collect(),
                    updated: Vec::new(),
                };
                if self.shows_differently(before) {
                    self.sequence = before.sequence + 1;
                    notices.updated = now.iter().copied().filter(|p| was.contains(p)).collect();
                } else if !notices.cancelled.is_empty() {
                    // A cancellation must carry a sequence above the one the
                    // person last had, or their calendar ignores it.
                    self.sequence = before.sequence + 1;
                }
                notices
            }
            _ => CalendarNotices::default(),
        }
    }

    /// Planned → cancelled, with the reason given.
    pub fn cancel(&mut self, cancellation: Cancellation) -> Result<(), MeetingProblem> {
        match self.status {
            MeetingStatus::Planned => {
                self.status = MeetingStatus::Cancelled;
                self.cancellation = Some(cancellation);
                Ok(())
            }
            MeetingStatus::Cancelled => Err(MeetingProblem::Cancelled),
            MeetingStatus::Held | MeetingStatus::MinutesApproved => Err(MeetingProblem::NotCancellable),
        }
    }

    /// Changes one agenda item in place; the version and round it is about
    /// are worked out again when its draft changes.
    pub fn change_agenda_item(
        &mut self,
        id: AgendaItemId,
        title: Title,
        presenter: BodyId,
        report: Option<&Report>,
        minutes_allotted: u32,
    ) -> Result<&AgendaItem, MeetingProblem> {
        self.editable()?;
        let index = self.agenda.iter().position(|a| a.id == id).ok_or(MeetingProblem::NoSuchAgendaItem)?;
        Self::check_item(self.committee, report, minutes_allotted)?;
        let item = &mut self.agenda[index];
        let report = report.map(|r| r.id);
        if item.report != report {
            item.about = DraftAt::default();
        }
        item.title = title;
        item.presenter = presenter;
        item.report = report;
        item.minutes_allotted = minutes_allotted;
        Ok(&self.agenda[index])
    }

    /// Moves an agenda item to `to` (1 for the first; past the end is the
    /// end) and numbers the agenda again.
    pub fn move_agenda_item(&mut self, id: AgendaItemId, to: u32) -> Result<(), MeetingProblem> {
        self.editable()?;
        let from = self.agenda.iter().position(|a| a.id == id).ok_or(MeetingProblem::NoSuchAgendaItem)?;
        let item = self.agenda.remove(from);
        let to = (to.max(1) as usize - 1).min(self.agenda.len());
        self.agenda.insert(to, item);
        self.renumber();
        Ok(())
    }

    /// Removes an agenda item no opinion is recorded under.
    pub fn remove_agenda_item(&mut self, id: AgendaItemId) -> Result<AgendaItem, MeetingProblem> {
        self.editable()?;
        let index = self.agenda.iter().position(|a| a.id == id).ok_or(MeetingProblem::NoSuchAgendaItem)?;
        if self.minutes.iter().any(|m| m.agenda_item == id) {
            return Err(MeetingProblem::AgendaItemHasMinutes);
        }
        let item = self.agenda.remove(index);
        self.renumber();
        Ok(item)
    }

    fn renumber(&mut self) {
        for (i, item) in self.agenda.iter_mut().enumerate() {
            item.position = u32::try_from(i + 1).unwrap_or(u32::MAX);
        }
    }

    fn check_item(committee: CommitteeId, report: Option<&Report>, minutes_allotted: u32) -> Result<(), MeetingProblem> {
        if let Some(report) = report
            && report.committee != committee
        {
            return Err(MeetingProblem::ReportOfAnotherCommittee);
        }
        if minutes_allotted == 0 || minutes_allotted > 24 * 60 {
            return Err(MeetingProblem::TimeAllotted);
        }
        Ok(())
    }

    /// Changes the title, times, place, presiding person and invitations.
    pub fn change_details(&mut self, details: MeetingDetails) -> Result<(), MeetingProblem> {
        self.editable()?;
        if details.ends_at <= details.starts_at {
            return Err(MeetingProblem::EndsBeforeItStarts);
        }
        self.title = details.title;
        self.starts_at = details.starts_at;
        self.ends_at = details.ends_at;
        self.place = details.place;
        self.presiding = details.presiding;
        self.invited = dedup(&details.invited);
        Ok(())
    }

    /// Adds an item at the end of the agenda. `report` is the linked report
    /// as loaded, so its committee can be checked.
    pub fn add_agenda_item(
        &mut self,
        id: AgendaItemId,
        title: Title,
        presenter: BodyId,
        report: Option<&Report>,
        minutes_allotted: u32,
    ) -> Result<&AgendaItem, MeetingProblem> {
        self.editable()?;
        Self::check_item(self.committee, report, minutes_allotted)?;
        let position = self.agenda.iter().map(|a| a.position).max().unwrap_or(0) + 1;
        let index = self.agenda.len();
        self.agenda.push(AgendaItem { id, position, title, presenter, report: report.map(|r| r.id), minutes_allotted, about: DraftAt::default() });
        Ok(&self.agenda[index])
    }

    pub fn agenda_item(&self, id: AgendaItemId) -> Result<&AgendaItem, MeetingProblem> {
        self.agenda.iter().find(|a| a.id == id).ok_or(MeetingProblem::NoSuchAgendaItem)
    }

    /// Records one person's attendance, replacing what was recorded before.
    pub fn record_attendance(&mut self, attendance: Attendance) -> Result<(), MeetingProblem> {
        self.editable()?;
        if let Presence::Represented { by } = attendance.presence
            && by == attendance.person
        {
            return Err(MeetingProblem::AttendanceIncomplete);
        }
        match self.attendance.iter_mut().find(|a| a.person == attendance.person) {
            Some(existing) => *existing = attendance,
            None => self.attendance.push(attendance),
        }
        Ok(())
    }

    /// Planned → held.
    /// Records which version and round of its draft each agenda item is
    /// about, as `at` tells them now: every item while the meeting is
    /// planned; once it is held, only items that have none yet (added
    /// afterwards), so the record of a meeting never moves.
    pub fn fix_drafts(&mut self, at: impl Fn(ReportId) -> DraftAt) {
        let planned = self.status == MeetingStatus::Planned;
        for item in &mut self.agenda {
            if let Some(report) = item.report
                && (planned || item.about == DraftAt::default())
            {
                item.about = at(report);
            }
        }
    }

    pub fn mark_held(&mut self) -> Result<(), MeetingProblem> {
        match self.status {
            MeetingStatus::Planned => {
                self.status = MeetingStatus::Held;
                Ok(())
            }
            MeetingStatus::Held => Err(MeetingProblem::AlreadyHeld),
            MeetingStatus::MinutesApproved => Err(MeetingProblem::MinutesApproved),
            MeetingStatus::Cancelled => Err(MeetingProblem::Cancelled),
        }
    }

    /// Adds a spoken opinion under an agenda item. Minutes are taken while
    /// the meeting runs, so a planned meeting takes them too.
    pub fn record_opinion(&mut self, entry: MinuteEntry) -> Result<&MinuteEntry, MeetingProblem> {
        self.editable()?;
        self.agenda_item(entry.agenda_item)?;
        self.minutes.push(entry);
        let last = self.minutes.len() - 1;
        Ok(&self.minutes[last])
    }

    /// The entry and the report it may be turned into a comment on.
    pub fn opinion_to_comment(&self, entry: MinuteEntryId) -> Result<(&MinuteEntry, ReportId), MeetingProblem> {
        let entry = self.minutes.iter().find(|m| m.id == entry).ok_or(MeetingProblem::NoSuchEntry)?;
        if entry.comment.is_some() {
            return Err(MeetingProblem::AlreadyAComment);
        }
        let report = self.agenda_item(entry.agenda_item)?.report.ok_or(MeetingProblem::NoLinkedReport)?;
        Ok((entry, report))
    }

    /// Notes the comment an opinion became. Allowed after approval: the
    /// minutes' text does not change, and drafts are still being answered.
    pub fn link_comment(&mut self, entry: MinuteEntryId, comment: CommentId) -> Result<(), MeetingProblem> {
        self.opinion_to_comment(entry)?;
        if let Some(e) = self.minutes.iter_mut().find(|m| m.id == entry) {
            e.comment = Some(comment);
        }
        Ok(())
    }

    /// Writes (or rewrites) the conclusion.
    pub fn conclude(&mut self, conclusion: Conclusion) -> Result<(), MeetingProblem> {
        self.editable()?;
        self.conclusion = Some(conclusion);
        Ok(())
    }

    /// Adds an action item at the end: it needs an assignee and a deadline.
    pub fn assign(&mut self, id: ActionItemId, draft: ActionDraft) -> Result<&ActionItem, MeetingProblem> {
        self.editable()?;
        let assignees = dedup(&draft.assignees);
        if assignees.is_empty() {
            return Err(MeetingProblem::NoAssignee);
        }
        let deadline = draft.deadline.ok_or(MeetingProblem::NoDeadline)?;
        let position = self.actions.iter().map(|a| a.position).max().unwrap_or(0) + 1;
        self.actions.push(ActionItem {
            id,
            position,
            text: draft.text,
            assignees,
            deadline,
            status: ActionStatus::Open,
            note: None,
            done_at: None,
        });
        let last = self.actions.len() - 1;
        Ok(&self.actions[last])
    }

    /// Marks an action item done with a note, or open again. Follow-up
    /// goes on after the minutes are approved, so this is always allowed.
    pub fn follow_up(
        &mut self,
        id: ActionItemId,
        status: ActionStatus,
        note: Option<CommentText>,
        at: OffsetDateTime,
    ) -> Result<&ActionItem, MeetingProblem> {
        let index = self.actions.iter().position(|a| a.id == id).ok_or(MeetingProblem::NoSuchAction)?;
        let action = &mut self.actions[index];
        action.status = status;
        match status {
            ActionStatus::Done => {
                action.note = note;
                action.done_at = Some(at);
            }
            ActionStatus::Open => {
                action.note = note;
                action.done_at = None;
            }
        }
        Ok(&self.actions[index])
    }

    /// Held → minutes approved: from then on the minutes, the conclusion
    /// and the action items' text stay as approved.
    pub fn approve_minutes(&mut self, by: UserId, at: OffsetDateTime) -> Result<(), MeetingProblem> {
        match self.status {
            MeetingStatus::Planned => Err(MeetingProblem::NotHeld),
            MeetingStatus::MinutesApproved => Err(MeetingProblem::MinutesApproved),
            MeetingStatus::Cancelled => Err(MeetingProblem::Cancelled),
            MeetingStatus::Held => {
                self.status = MeetingStatus::MinutesApproved;
                self.approved_by = Some(by);
                self.approved_at = Some(at);
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ReportKind;
    use crate::report::ReportStatus;
    use time::macros::{date, datetime};
    use uuid::Uuid;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn details() -> MeetingDetails {
        MeetingDetails {
            title: Title::parse("Hội nghị Ban Thường vụ Tỉnh ủy").expect("title"),
            starts_at: datetime!(2023-06-27 01:00 UTC),
            ends_at: datetime!(2023-06-27 04:30 UTC),
            place: Title::parse("Phòng họp số 1, Tỉnh ủy").expect("place"),
            presiding: UserId::from_uuid(id(3)),
            invited: vec![UserId::from_uuid(id(5)), UserId::from_uuid(id(5))],
        }
    }

    fn meeting() -> Meeting {
        Meeting::plan(
            MeetingId::from_uuid(id(1)),
            CommitteeId::from_uuid(id(100)),
            details(),
            UserId::from_uuid(id(2)),
            datetime!(2023-06-20 01:00 UTC),
        )
        .expect("planned")
    }

    fn report(committee: u128) -> Report {
        Report {
            id: ReportId::from_uuid(id(300 + committee)),
            kind: ReportKind::MidTermReview,
            title: Title::parse("Báo cáo sơ kết").expect("title"),
            term: None,
            body: BodyId::from_uuid(id(50)),
            committee: CommitteeId::from_uuid(id(committee)),
            status: ReportStatus::Drafting,
            created_by: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            approval: None,
            revision: 0,
        }
    }

    fn text(t: &str) -> CommentText {
        CommentText::parse(t).expect("text")
    }

    #[test]
    fn a_meeting_ending_before_it_starts_is_refused_and_invitations_are_kept_once() {
        let mut backwards = details();
        backwards.ends_at = backwards.starts_at - time::Duration::minutes(30);
        let refused = Meeting::plan(MeetingId::from_uuid(id(1)), CommitteeId::from_uuid(id(100)), backwards, UserId::from_uuid(id(2)), OffsetDateTime::UNIX_EPOCH);
        assert_eq!(refused, Err(MeetingProblem::EndsBeforeItStarts));
        assert_eq!(meeting().invited.len(), 1);
    }

    #[test]
    fn an_agenda_item_links_only_a_report_of_the_meetings_committee() {
        let mut m = meeting();
        let title = Title::parse("Báo cáo sơ kết giữa nhiệm kỳ").expect("title");
        let body = BodyId::from_uuid(id(50));
        let other = report(200);
        assert_eq!(
            m.add_agenda_item(AgendaItemId::from_uuid(id(10)), title.clone(), body, Some(&other), 30).map(|_| ()),
            Err(MeetingProblem::ReportOfAnotherCommittee)
        );
        let ours = report(100);
        let item = m.add_agenda_item(AgendaItemId::from_uuid(id(11)), title.clone(), body, Some(&ours), 30).expect("added");
        assert_eq!((item.position, item.report), (1, Some(ours.id)));
        let second = m.add_agenda_item(AgendaItemId::from_uuid(id(12)), title, body, None, 15).expect("added");
        assert_eq!(second.position, 2);
    }

    #[test]
    fn the_drafts_an_agenda_discusses_follow_them_until_the_meeting_is_held_then_stay() {
        let mut m = meeting();
        let title = Title::parse("Báo cáo sơ kết giữa nhiệm kỳ").expect("title");
        let ours = report(100);
        let body = BodyId::from_uuid(id(50));
        m.add_agenda_item(AgendaItemId::from_uuid(id(11)), title.clone(), body, Some(&ours), 30).expect("added");
        m.add_agenda_item(AgendaItemId::from_uuid(id(12)), title.clone(), body, None, 15).expect("added");
        let at = |version, round| move |_| DraftAt { version: Some(version), round: Some(round) };
        m.fix_drafts(at(1, 1));
        m.fix_drafts(at(2, 1));
        assert_eq!(m.agenda[0].about, DraftAt { version: Some(2), round: Some(1) }, "planned: the draft's latest");
        assert_eq!(m.agenda[1].about, DraftAt::default(), "an item without a draft is about none");
        m.mark_held().expect("held");
        m.fix_drafts(at(3, 2));
        assert_eq!(m.agenda[0].about, DraftAt { version: Some(2), round: Some(1) }, "held: what was discussed stays");
        // An item added after the meeting was held is about the draft then.
        m.add_agenda_item(AgendaItemId::from_uuid(id(13)), title, body, Some(&ours), 10).expect("added");
        m.fix_drafts(at(3, 2));
        assert_eq!(m.agenda[2].about, DraftAt { version: Some(3), round: Some(2) });
        assert_eq!(m.agenda[0].about.version, Some(2));
    }

    #[test]
    fn an_action_item_needs_an_assignee_and_a_deadline_and_overdue_follows_the_clock() {
        let mut m = meeting();
        let draft = |assignees: Vec<Assignee>, deadline| ActionDraft { text: text("Tiếp thu đầy đủ các ý kiến"), assignees, deadline };
        let office = Assignee::Body(BodyId::from_uuid(id(60)));
        assert_eq!(m.assign(ActionItemId::from_uuid(id(20)), draft(vec![], Some(date!(2023 - 07 - 10)))).map(|_| ()), Err(MeetingProblem::NoAssignee));
        assert_eq!(m.assign(ActionItemId::from_uuid(id(20)), draft(vec![office], None)).map(|_| ()), Err(MeetingProblem::NoDeadline));
        let action = m.assign(ActionItemId::from_uuid(id(20)), draft(vec![office, office], Some(date!(2023 - 07 - 10)))).expect("assigned").clone();
        assert_eq!(action.assignees, vec![office]);
        // The deadline day runs to midnight in Hà Nội (17:00 UTC).
        assert!(!action.is_overdue(datetime!(2023-07-10 16:59 UTC)));
        assert!(action.is_overdue(datetime!(2023-07-10 17:00 UTC)));
        let done = m.follow_up(action.id, ActionStatus::Done, Some(text("Đã hoàn thành")), datetime!(2023-07-12 01:00 UTC)).expect("done");
        assert!(!done.is_overdue(datetime!(2023-08-01 01:00 UTC)));
    }

    #[test]
    fn approved_minutes_refuse_every_edit_but_follow_up_and_linking_comments() {
        let mut m = meeting();
        let ours = report(100);
        let item = m
            .add_agenda_item(AgendaItemId::from_uuid(id(11)), Title::parse("Sơ kết").expect("t"), BodyId::from_uuid(id(50)), Some(&ours), 30)
            .expect("added")
            .id;
        let by = UserId::from_uuid(id(2));
        let entry = MinuteEntry {
            id: MinuteEntryId::from_uuid(id(30)),
            agenda_item: item,
            speaker: UserId::from_uuid(id(5)),
            summary: text("Cần bổ sung số liệu"),
            comment: None,
            recorded_by: by,
            recorded_at: OffsetDateTime::UNIX_EPOCH,
        };
        m.record_opinion(entry.clone()).expect("recorded");
        let action = m
            .assign(ActionItemId::from_uuid(id(20)), ActionDraft { text: text("Báo cáo lại"), assignees: vec![Assignee::Person(by)], deadline: Some(date!(2023 - 07 - 10)) })
            .expect("assigned")
            .id;
        assert_eq!(m.approve_minutes(by, OffsetDateTime::UNIX_EPOCH), Err(MeetingProblem::NotHeld));
        m.mark_held().expect("held");
        m.approve_minutes(by, OffsetDateTime::UNIX_EPOCH).expect("approved");
        let refused = Err(MeetingProblem::MinutesApproved);
        assert_eq!(m.record_opinion(MinuteEntry { id: MinuteEntryId::from_uuid(id(31)), ..entry }).map(|_| ()), refused);
        assert_eq!(m.conclude(Conclusion { text: ConclusionText::parse("x").expect("t"), written_by: by, written_at: OffsetDateTime::UNIX_EPOCH }), refused);
        assert_eq!(m.change_details(details()), refused);
        assert_eq!(m.assign(ActionItemId::from_uuid(id(21)), ActionDraft { text: text("y"), assignees: vec![Assignee::Person(by)], deadline: Some(date!(2023 - 07 - 10)) }).map(|_| ()), refused);
        assert!(m.follow_up(action, ActionStatus::Done, None, OffsetDateTime::UNIX_EPOCH).is_ok());
        assert_eq!(m.opinion_to_comment(MinuteEntryId::from_uuid(id(30))).map(|(_, r)| r), Ok(ours.id));
        m.link_comment(MinuteEntryId::from_uuid(id(30)), CommentId::from_uuid(id(40))).expect("linked");
        assert_eq!(m.link_comment(MinuteEntryId::from_uuid(id(30)), CommentId::from_uuid(id(41))), Err(MeetingProblem::AlreadyAComment));
    }

    fn agenda_of_three() -> Meeting {
        let mut m = meeting();
        let body = BodyId::from_uuid(id(50));
        for (n, title) in [(11, "Một"), (12, "Hai"), (13, "Ba")] {
            m.add_agenda_item(AgendaItemId::from_uuid(id(n)), Title::parse(title).expect("t"), body, None, 20).expect("added");
        }
        m
    }

    fn titles(m: &Meeting) -> Vec<(u32, String)> {
        m.agenda.iter().map(|a| (a.position, a.title.to_string())).collect()
    }

    #[test]
    fn agenda_items_are_moved_changed_and_removed_and_numbered_again() {
        let mut m = agenda_of_three();
        m.move_agenda_item(AgendaItemId::from_uuid(id(13)), 1).expect("moved");
        assert_eq!(titles(&m), vec![(1, "Ba".into()), (2, "Một".into()), (3, "Hai".into())]);
        m.move_agenda_item(AgendaItemId::from_uuid(id(13)), 99).expect("moved to the end");
        assert_eq!(titles(&m), vec![(1, "Một".into()), (2, "Hai".into()), (3, "Ba".into())]);
        let changed = m
            .change_agenda_item(AgendaItemId::from_uuid(id(12)), Title::parse("Hai (sửa)").expect("t"), BodyId::from_uuid(id(51)), None, 45)
            .expect("changed");
        assert_eq!((changed.position, changed.minutes_allotted), (2, 45));
        assert_eq!(
            m.change_agenda_item(AgendaItemId::from_uuid(id(12)), Title::parse("x").expect("t"), BodyId::from_uuid(id(51)), Some(&report(200)), 45).map(|_| ()),
            Err(MeetingProblem::ReportOfAnotherCommittee)
        );
        m.remove_agenda_item(AgendaItemId::from_uuid(id(11))).expect("removed");
        assert_eq!(titles(&m), vec![(1, "Hai (sửa)".into()), (2, "Ba".into())]);
        assert_eq!(m.remove_agenda_item(AgendaItemId::from_uuid(id(11))).map(|_| ()), Err(MeetingProblem::NoSuchAgendaItem));
        // An item opinions were recorded under stays: the minutes name it.
        m.record_opinion(MinuteEntry {
            id: MinuteEntryId::from_uuid(id(30)),
            agenda_item: AgendaItemId::from_uuid(id(13)),
            speaker: UserId::from_uuid(id(5)),
            summary: text("Ý kiến"),
            comment: None,
            recorded_by: UserId::from_uuid(id(2)),
            recorded_at: OffsetDateTime::UNIX_EPOCH,
        })
        .expect("recorded");
        assert_eq!(m.remove_agenda_item(AgendaItemId::from_uuid(id(13))).map(|_| ()), Err(MeetingProblem::AgendaItemHasMinutes));
    }

    #[test]
    fn a_move_updates_everyone_with_a_higher_sequence_and_a_new_guest_is_invited() {
        let before = agenda_of_three();
        let guests = before.guests();
        assert_eq!(guests, vec![UserId::from_uuid(id(3)), UserId::from_uuid(id(5))], "the presiding person first, each once");

        // Only the list changes: the newcomer is invited, nobody else hears.
        let mut m = before.clone();
        let mut d = details();
        d.invited.push(UserId::from_uuid(id(6)));
        m.change_details(d).expect("changed");
        let notices = m.calendar_notices(&before);
        assert_eq!(notices, CalendarNotices { invited: vec![UserId::from_uuid(id(6))], ..CalendarNotices::default() });
        assert_eq!(m.sequence, 0);

        // Moved an hour later: an update to everyone, the sequence raised.
        let before = m.clone();
        let mut d = details();
        d.starts_at += time::Duration::hours(1);
        d.ends_at += time::Duration::hours(1);
        d.invited = vec![UserId::from_uuid(id(6))];
        m.change_details(d).expect("moved");
        let notices = m.calendar_notices(&before);
        assert_eq!(notices.updated, vec![UserId::from_uuid(id(3)), UserId::from_uuid(id(6))]);
        assert_eq!(notices.cancelled, vec![UserId::from_uuid(id(5))], "taken off the list: a cancellation");
        assert_eq!(m.sequence, 1);

        // The agenda reordered: an update too.
        let before = m.clone();
        m.move_agenda_item(AgendaItemId::from_uuid(id(12)), 1).expect("moved");
        assert_eq!(m.calendar_notices(&before).updated.len(), 2);
        assert_eq!(m.sequence, 2);

        // Cancelled: everyone hears, at a sequence above the last.
        let before = m.clone();
        m.cancel(Cancellation { reason: text("Trùng lịch"), by: UserId::from_uuid(id(2)), at: OffsetDateTime::UNIX_EPOCH }).expect("cancelled");
        let notices = m.calendar_notices(&before);
        assert_eq!(notices.cancelled, vec![UserId::from_uuid(id(3)), UserId::from_uuid(id(6))]);
        assert_eq!(m.sequence, 3);
        assert_eq!(m.change_details(details()), Err(MeetingProblem::Cancelled), "nothing changes after");
        assert_eq!(m.cancel(Cancellation { reason: text("x"), by: UserId::from_uuid(id(2)), at: OffsetDateTime::UNIX_EPOCH }), Err(MeetingProblem::Cancelled));
    }

    #[test]
    fn a_held_meeting_cannot_be_cancelled_and_its_changes_send_nothing() {
        let mut m = agenda_of_three();
        m.mark_held().expect("held");
        let before = m.clone();
        let mut d = details();
        d.place = Title::parse("Hội trường lớn").expect("place");
        m.change_details(d).expect("changed");
        assert!(m.calendar_notices(&before).is_empty());
        assert_eq!(m.sequence, 0);
        let cancel = Cancellation { reason: text("x"), by: UserId::from_uuid(id(2)), at: OffsetDateTime::UNIX_EPOCH };
        assert_eq!(m.cancel(cancel), Err(MeetingProblem::NotCancellable));
    }

    #[test]
    fn calendar_mails_read_back_their_kinds() {
        for mail in CalendarMail::ALL {
            assert_eq!(CalendarMail::from_kind(mail.kind()), Some(mail));
        }
        assert_eq!(CalendarMail::from_kind("invitation"), None);
        assert_eq!(CalendarMail::Updated.kind(), "meeting.updated");
    }

    #[test]
    fn statuses_round_trip_through_their_stored_names() {
        for status in MeetingStatus::ALL {
            assert_eq!(status.as_str().parse::<MeetingStatus>().as_ref(), Ok(status));
        }
        for status in ActionStatus::ALL {
            assert_eq!(status.as_str().parse::<ActionStatus>().as_ref(), Ok(status));
        }
    }
}
