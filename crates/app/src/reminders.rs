//! The reminder scheduler: planning reminders when the data that calls for
//! them changes, and sending those that fall due, each once.
//!
//! Planning happens in the unit of work of the change (a round opened, a
//! meeting's action items assigned or followed up), so no reminder is
//! planned for a change that was rolled back. Sending is the worker's: it
//! takes due reminders under a lock, checks that the reason still holds
//! (the member has still not commented or voted, the action is still open,
//! the deadline has not moved, the round is still open) and, in the same
//! unit of work, puts the mail in the outbox and ends the reminder as sent,
//! or ends it as dropped. The outbox then delivers it as any other notice,
//! in the recipient's language and by their choice on the account page.

use std::collections::HashMap;

use gopy_domain::calendar::{WorkingCalendar, weekday_vi};
use gopy_domain::reminder::{
    OVERDUE_EVERY, Reminder, ReminderKind, ReminderOutcome, ReminderSettings, action_deadline, action_due_soon,
    action_escalation, action_first_overdue, next_working_morning, round_closing_times, zone_offset,
};
use gopy_domain::workflow::Round;
use gopy_domain::{
    ActionItem, ActionItemId, ActionReminderV1, ActionStatus, AnswersOwedV1, Assignee, CommitteeId, CommitteeRole, Language,
    Meeting, Notice, ReminderId, RoundClosingV1, RoundId, User, UserId,
};
use time::{Date, OffsetDateTime};

use crate::{App, AppError, UnitOfWork, new_id};

/// What one pass of the scheduler did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReminderRound {
    /// Reminders whose mail went into the outbox.
    pub sent: usize,
    /// Reminders whose reason had gone.
    pub dropped: usize,
}

impl ReminderRound {
    pub fn taken(&self) -> usize {
        self.sent + self.dropped
    }
}

/// The calendar reminders count working days in. The admin's yearly days
/// off and make-up days are not stored yet, so it is the built-in one.
fn calendar() -> WorkingCalendar {
    WorkingCalendar::new(&[])
}

/// A deadline as the recipient reads it: the weekday in their language and
/// the date (and time, for a round) in their zone.
fn deadline_words(at: OffsetDateTime, zone: &str, language: Language, with_time: bool) -> (String, String) {
    let local = at.to_offset(zone_offset(zone));
    let weekday = match language {
        Language::Vi => weekday_vi(local.date()).to_owned(),
        Language::En => local.weekday().to_string(),
    };
    let date = format!("{:02}/{:02}/{}", local.day(), u8::from(local.month()), local.year());
    let text = if with_time { format!("{date} {:02}:{:02}", local.hour(), local.minute()) } else { date };
    (weekday, text)
}

/// An action item's last day, in the recipient's words.
fn action_day_words(deadline: Date, language: Language) -> (String, String) {
    let weekday = match language {
        Language::Vi => weekday_vi(deadline).to_owned(),
        Language::En => deadline.weekday().to_string(),
    };
    (weekday, format!("{:02}/{:02}/{}", deadline.day(), u8::from(deadline.month()), deadline.year()))
}

/// The people an action item is assigned to: the persons named, and the
/// active members of the bodies named.
fn assignees_of(action: &ActionItem, people: &[User]) -> Vec<UserId> {
    let mut out: Vec<UserId> = Vec::new();
    for assignee in &action.assignees {
        match assignee {
            Assignee::Person(id) => out.push(*id),
            Assignee::Body(body) => {
                out.extend(people.iter().filter(|u| u.active && u.body == Some(*body)).map(|u| u.id));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

impl App {
    /// The same use cases with these reminder settings.
    pub fn with_reminder_settings(mut self, settings: ReminderSettings) -> Self {
        self.reminders = std::sync::Arc::new(settings);
        self
    }

    fn reminder(&self, kind: ReminderKind, subject: uuid::Uuid, recipient: UserId, deadline: OffsetDateTime, due_at: OffsetDateTime) -> Reminder {
        Reminder { id: ReminderId::from_uuid(new_id()), kind, subject, recipient, deadline, due_at, created_at: self.now() }
    }

    /// Plans the "round closing soon" reminders of a round just opened: for
    /// every member of the committee (not its secretary), at each offset
    /// before the deadline that is still to come.
    pub(crate) async fn plan_round_reminders(
        &self,
        uow: &mut dyn UnitOfWork,
        committee: CommitteeId,
        round: &Round,
    ) -> Result<(), AppError> {
        let now = self.now();
        let calendar = calendar();
        let mut planned = Vec::new();
        for member in uow.memberships_of_committee(committee).await? {
            if member.role == CommitteeRole::Secretary {
                continue;
            }
            let Some(user) = uow.find_user(member.user).await? else { continue };
            for due_at in round_closing_times(&calendar, round.deadline, &self.reminders.round_offsets, &user.time_zone) {
                if due_at > now {
                    planned.push(self.reminder(ReminderKind::RoundClosing, round.id.as_uuid(), user.id, round.deadline, due_at));
                }
            }
        }
        uow.plan_reminders(&planned).await?;
        Ok(())
    }

    /// Plans the "answers owed" reminders of a round: to each of the
    /// drafting team, on the first working morning after `closes` (the
    /// deadline when the round opens, now when it is closed early). Both
    /// fall on mornings, so the daily chain of one meets the other's row
    /// and is not doubled.
    pub(crate) async fn plan_answers_owed(
        &self,
        uow: &mut dyn UnitOfWork,
        report: gopy_domain::ReportId,
        round: &Round,
        closes: OffsetDateTime,
    ) -> Result<(), AppError> {
        let calendar = calendar();
        let mut planned = Vec::new();
        for drafter in uow.drafting_team(report).await? {
            let Some(user) = uow.find_user(drafter.user).await? else { continue };
            if let Some(due_at) = next_working_morning(&calendar, closes, &user.time_zone) {
                planned.push(self.reminder(ReminderKind::AnswersOwed, round.id.as_uuid(), user.id, round.deadline, due_at));
            }
        }
        uow.plan_reminders(&planned).await?;
        Ok(())
    }

    /// Plans the reminders of a meeting's open action items: due soon and
    /// overdue to each assignee, the escalation to the presiding person.
    /// Planning again after any change is harmless (a planned reminder is
    /// kept once), and reminders planned for a deadline since moved are
    /// dropped when they fall due.
    pub(crate) async fn plan_action_reminders(&self, uow: &mut dyn UnitOfWork, meeting: &Meeting) -> Result<(), AppError> {
        if !meeting.actions.iter().any(|a| a.status == ActionStatus::Open) {
            return Ok(());
        }
        let now = self.now();
        let calendar = calendar();
        let people = uow.list_users().await?;
        let zone_of: HashMap<UserId, &str> = people.iter().map(|u| (u.id, u.time_zone.as_str())).collect();
        let zone = |id: UserId| zone_of.get(&id).copied().unwrap_or(User::DEFAULT_TIME_ZONE);
        let mut planned = Vec::new();
        for action in meeting.actions.iter().filter(|a| a.status == ActionStatus::Open) {
            let deadline = action_deadline(action.deadline);
            let subject = action.id.as_uuid();
            for person in assignees_of(action, &people) {
                let times = [
                    (ReminderKind::ActionDue, action_due_soon(&calendar, action.deadline, zone(person))),
                    (ReminderKind::ActionOverdue, action_first_overdue(&calendar, action.deadline, zone(person))),
                ];
                for (kind, due_at) in times {
                    if let Some(due_at) = due_at.filter(|t| *t > now) {
                        planned.push(self.reminder(kind, subject, person, deadline, due_at));
                    }
                }
            }
            let after = self.reminders.escalate_after_working_days;
            if let Some(due_at) = action_escalation(&calendar, action.deadline, after, zone(meeting.presiding)).filter(|t| *t > now) {
                planned.push(self.reminder(ReminderKind::ActionEscalated, subject, meeting.presiding, deadline, due_at));
            }
        }
        uow.plan_reminders(&planned).await?;
        Ok(())
    }

    /// Sends (into the outbox) or drops up to `limit` reminders due now, in
    /// one unit of work: two workers never take the same reminder, and a
    /// reminder's mail and its end are written together.
    pub async fn send_due_reminders(&self, limit: u64) -> Result<ReminderRound, AppError> {
        let now = self.now();
        let mut uow = self.store.begin().await?;
        let due = uow.take_due_reminders(now, limit).await?;
        let mut round = ReminderRound::default();
        for reminder in due {
            match self.reason(uow.as_mut(), &reminder, now).await? {
                Some((notice, next)) => {
                    let message = self.outbox_message(reminder.recipient, notice);
                    uow.enqueue(&message).await?;
                    uow.finish_reminder(reminder.id, ReminderOutcome::Sent, now).await?;
                    if let Some(next) = next {
                        uow.plan_reminders(&[next]).await?;
                    }
                    round.sent += 1;
                }
                None => {
                    uow.finish_reminder(reminder.id, ReminderOutcome::Dropped, now).await?;
                    round.dropped += 1;
                }
            }
        }
        uow.commit().await?;
        Ok(round)
    }

    /// Whether `reminder`'s reason still holds at `now`: if so, what its
    /// mail says and the reminder that follows it (weekly, while overdue).
    async fn reason(
        &self,
        uow: &mut dyn UnitOfWork,
        reminder: &Reminder,
        now: OffsetDateTime,
    ) -> Result<Option<(Notice, Option<Reminder>)>, AppError> {
        let Some(recipient) = uow.find_user(reminder.recipient).await? else { return Ok(None) };
        if !recipient.active || uow.superseded(reminder, now).await? {
            return Ok(None);
        }
        match reminder.kind {
            ReminderKind::RoundClosing => self.round_reason(uow, reminder, &recipient, now).await,
            ReminderKind::AnswersOwed => self.answers_reason(uow, reminder, &recipient, now).await,
            ReminderKind::ActionDue | ReminderKind::ActionOverdue | ReminderKind::ActionEscalated => {
                self.action_reason(uow, reminder, &recipient, now).await
            }
        }
    }

    async fn round_reason(
        &self,
        uow: &mut dyn UnitOfWork,
        reminder: &Reminder,
        recipient: &User,
        now: OffsetDateTime,
    ) -> Result<Option<(Notice, Option<Reminder>)>, AppError> {
        let Some((report_id, round)) = uow.find_round(RoundId::from_uuid(reminder.subject)).await? else { return Ok(None) };
        if round.closed_at.is_some() || now >= round.deadline || round.deadline != reminder.deadline {
            return Ok(None);
        }
        let Some(report) = uow.find_report(report_id).await? else { return Ok(None) };
        let member = uow
            .memberships_of_committee(report.committee)
            .await?
            .iter()
            .any(|m| m.user == recipient.id && m.role != CommitteeRole::Secretary);
        if !member {
            return Ok(None);
        }
        let owes = if round.ballot {
            !uow.ballots_of(round.id).await?.iter().any(|b| b.voter == recipient.id)
        } else {
            !uow.commenters_on(report_id, round.version).await?.contains(&recipient.id)
        };
        if !owes {
            return Ok(None);
        }
        let (weekday, deadline) = deadline_words(round.deadline, &recipient.time_zone, recipient.language, true);
        let notice = Notice::RoundClosing(RoundClosingV1 {
            report: report.id,
            report_title: report.title.to_string(),
            round: round.number,
            version: round.version,
            ballot: round.ballot,
            weekday,
            deadline,
        });
        Ok(Some((notice, None)))
    }

    async fn answers_reason(
        &self,
        uow: &mut dyn UnitOfWork,
        reminder: &Reminder,
        recipient: &User,
        now: OffsetDateTime,
    ) -> Result<Option<(Notice, Option<Reminder>)>, AppError> {
        let Some((report_id, round)) = uow.find_round(RoundId::from_uuid(reminder.subject)).await? else { return Ok(None) };
        // Not closed yet, by a step or by its deadline: nothing is owed yet.
        if round.closed_at.is_none() && now < round.deadline {
            return Ok(None);
        }
        if !uow.drafting_team(report_id).await?.iter().any(|d| d.user == recipient.id) {
            return Ok(None);
        }
        let unanswered = uow.comments_of_report(report_id).await?.iter().filter(|c| c.awaits_answer()).count();
        if unanswered == 0 {
            return Ok(None);
        }
        let Some(report) = uow.find_report(report_id).await? else { return Ok(None) };
        let notice = Notice::AnswersOwed(AnswersOwedV1 {
            report: report.id,
            report_title: report.title.to_string(),
            round: round.number,
            unanswered: unanswered as u64,
        });
        let next = next_working_morning(&calendar(), now, &recipient.time_zone)
            .map(|due_at| self.reminder(ReminderKind::AnswersOwed, reminder.subject, recipient.id, reminder.deadline, due_at));
        Ok(Some((notice, next)))
    }

    async fn action_reason(
        &self,
        uow: &mut dyn UnitOfWork,
        reminder: &Reminder,
        recipient: &User,
        now: OffsetDateTime,
    ) -> Result<Option<(Notice, Option<Reminder>)>, AppError> {
        let action_id = ActionItemId::from_uuid(reminder.subject);
        let Some(meeting_id) = uow.meeting_of_action(action_id).await? else { return Ok(None) };
        let Some(meeting) = uow.find_meeting(meeting_id).await? else { return Ok(None) };
        let Some(action) = meeting.actions.iter().find(|a| a.id == action_id) else { return Ok(None) };
        if action.status != ActionStatus::Open || action_deadline(action.deadline) != reminder.deadline {
            return Ok(None);
        }
        let people = uow.list_users().await?;
        let assignees = assignees_of(action, &people);
        let holds = match reminder.kind {
            ReminderKind::ActionDue => now < reminder.deadline && assignees.contains(&recipient.id),
            ReminderKind::ActionOverdue => action.is_overdue(now) && assignees.contains(&recipient.id),
            _ => action.is_overdue(now) && meeting.presiding == recipient.id,
        };
        if !holds {
            return Ok(None);
        }
        let bodies = uow.list_bodies().await?;
        let names: Vec<String> = action
            .assignees
            .iter()
            .filter_map(|a| match a {
                Assignee::Person(id) => people.iter().find(|u| u.id == *id).map(|u| u.name.as_str().to_owned()),
                Assignee::Body(id) => bodies.iter().find(|b| b.id == *id).map(|b| b.name.as_str().to_owned()),
            })
            .collect();
        let (weekday, deadline) = action_day_words(action.deadline, recipient.language);
        let overdue_days = (now.to_offset(gopy_domain::meeting::VIETNAM).date() - action.deadline).whole_days().max(0);
        let payload = ActionReminderV1 {
            meeting: meeting.id,
            meeting_title: meeting.title.to_string(),
            action: action.id,
            action_text: action.text.as_str().to_owned(),
            assignees: names.join(", "),
            weekday,
            deadline,
            overdue_days,
        };
        let notice = match reminder.kind {
            ReminderKind::ActionDue => Notice::ActionDue(payload),
            ReminderKind::ActionOverdue => Notice::ActionOverdue(payload),
            _ => Notice::ActionEscalated(payload),
        };
        let next = (reminder.kind == ReminderKind::ActionOverdue).then(|| {
            // A week after this one, or later if the worker was stopped for
            // weeks: the next is always to come, never a backlog.
            let mut due_at = reminder.due_at + OVERDUE_EVERY;
            while due_at <= now {
                due_at += OVERDUE_EVERY;
            }
            self.reminder(ReminderKind::ActionOverdue, reminder.subject, recipient.id, reminder.deadline, due_at)
        });
        Ok(Some((notice, next)))
    }
}
