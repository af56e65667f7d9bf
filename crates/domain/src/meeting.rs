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
}

crate::organisation::stored_as_snake_case!(
    MeetingStatus, "meeting status",
    Planned => "planned", Held => "held", MinutesApproved => "minutes_approved",
);

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
        };
        meeting.change_details(details)?;
        Ok(meeting)
    }

    fn editable(&self) -> Result<(), MeetingProblem> {
        if self.status == MeetingStatus::MinutesApproved { Err(MeetingProblem::MinutesApproved) } else { Ok(()) }
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
        if let Some(report) = report
            && report.committee != self.committee
        {
            return Err(MeetingProblem::ReportOfAnotherCommittee);
        }
        if minutes_allotted == 0 || minutes_allotted > 24 * 60 {
            return Err(MeetingProblem::TimeAllotted);
        }
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
