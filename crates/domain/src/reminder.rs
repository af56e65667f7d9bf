//! Reminders: mail planned for one person at one time, for a reason that
//! may go away before then.
//!
//! A reminder is planned from the data (a round opens, an action item is
//! assigned or changed), kept as a row with its due time, and re-checked
//! when it falls due: a member who has commented since, an action marked
//! done, a round closed early or a deadline moved drop it instead of
//! sending it. Its due time is a morning in the recipient's working day,
//! counted in working days ([`WorkingCalendar`]) and in their time zone.

use time::{Date, Duration, OffsetDateTime, Time, UtcOffset};
use uuid::Uuid;

use crate::calendar::WorkingCalendar;
use crate::id::{ReminderId, UserId};
use crate::meeting::VIETNAM;

/// What a reminder is about; its name is also the outbox kind of its mail,
/// so each is a choice on the account page like any other notice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReminderKind {
    /// A round closes soon and the member has not commented (or voted).
    RoundClosing,
    /// An action item is due on the next working day.
    ActionDue,
    /// An action item is past its deadline (then weekly while it stays open).
    ActionOverdue,
    /// To the presiding person: an action item is long overdue.
    ActionEscalated,
    /// To the drafting team: a round has closed with comments unanswered
    /// (then each working morning while any remain).
    AnswersOwed,
}

crate::organisation::stored_as_snake_case!(
    ReminderKind, "reminder kind",
    RoundClosing => "reminder.round_closing",
    ActionDue => "reminder.action_due",
    ActionOverdue => "reminder.action_overdue",
    ActionEscalated => "reminder.action_escalated",
    AnswersOwed => "reminder.answers_owed",
);

/// One planned reminder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reminder {
    pub id: ReminderId,
    pub kind: ReminderKind,
    /// The round or the action item it is about.
    pub subject: Uuid,
    pub recipient: UserId,
    /// The deadline it was planned against: once the subject's deadline
    /// moves, the reminder is dropped and the new deadline's are sent.
    pub deadline: OffsetDateTime,
    pub due_at: OffsetDateTime,
    pub created_at: OffsetDateTime,
}

/// How a reminder ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReminderOutcome {
    /// Its mail went into the outbox.
    Sent,
    /// Its reason had gone when it fell due.
    Dropped,
}

crate::organisation::stored_as_snake_case!(ReminderOutcome, "reminder outcome", Sent => "sent", Dropped => "dropped");

/// When reminders go out, as the `[reminders]` settings give it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReminderSettings {
    /// Working days before a round's deadline at which members who owe an
    /// opinion are reminded.
    pub round_offsets: Vec<u32>,
    /// Working days after an action item's deadline at which the presiding
    /// person hears that it is still open.
    pub escalate_after_working_days: u32,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        Self { round_offsets: vec![3, 1], escalate_after_working_days: 5 }
    }
}

/// The hour of a person's day at which reminders reach them: the start of
/// an office day, not the middle of the night in UTC.
pub const MORNING: Time = match Time::from_hms(8, 0, 0) {
    Ok(t) => t,
    Err(_) => Time::MIDNIGHT,
};

/// The time zones a person may choose on their account page, with their
/// offsets from UTC in hours. All keep no daylight saving, so one offset is
/// exact the year round; Việt Nam's comes first, as the default.
pub const TIME_ZONES: &[(&str, i8)] = &[
    ("Asia/Ho_Chi_Minh", 7),
    ("Asia/Bangkok", 7),
    ("Asia/Jakarta", 7),
    ("Asia/Vientiane", 7),
    ("Asia/Phnom_Penh", 7),
    ("Asia/Shanghai", 8),
    ("Asia/Singapore", 8),
    ("Asia/Kuala_Lumpur", 8),
    ("Asia/Manila", 8),
    ("Asia/Tokyo", 9),
    ("Asia/Seoul", 9),
    ("UTC", 0),
];

/// Whether `zone` is one a person may choose.
pub fn is_known_zone(zone: &str) -> bool {
    TIME_ZONES.iter().any(|(name, _)| *name == zone)
}

/// The offset of a time zone Gopy's people live in (see [`TIME_ZONES`]);
/// an unknown zone counts as Việt Nam's, where the committees sit.
pub fn zone_offset(zone: &str) -> UtcOffset {
    let zone = if zone == "Etc/UTC" { "UTC" } else { zone };
    TIME_ZONES
        .iter()
        .find(|(name, _)| *name == zone)
        .and_then(|(_, hours)| UtcOffset::from_hms(*hours, 0, 0).ok())
        .unwrap_or(VIETNAM)
}

/// 08:00 of `date` in `zone`.
pub fn morning(date: Date, zone: &str) -> OffsetDateTime {
    date.with_time(MORNING).assume_offset(zone_offset(zone)).to_offset(UtcOffset::UTC)
}

/// When to remind someone in `zone` of a round closing at `deadline`: the
/// morning `n` working days before the deadline's day, for each offset, as
/// long as it is still before the deadline. Earliest first, without repeats.
pub fn round_closing_times(
    calendar: &WorkingCalendar,
    deadline: OffsetDateTime,
    offsets: &[u32],
    zone: &str,
) -> Vec<OffsetDateTime> {
    let day = deadline.to_offset(zone_offset(zone)).date();
    let mut times: Vec<OffsetDateTime> = offsets
        .iter()
        .filter_map(|n| calendar.subtract_working_days(day, *n))
        .map(|d| morning(d, zone))
        .filter(|t| *t < deadline)
        .collect();
    times.sort();
    times.dedup();
    times
}

/// Why a round's "closing soon" offsets are refused: each names the offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OffsetProblem {
    /// Its reminder would fall on or after the deadline (0 working days
    /// before a deadline earlier than the morning, say).
    #[error("{0} working days before the deadline is not before it")]
    AfterDeadline(u32),
    /// Its reminder would fall before the round opens.
    #[error("{0} working days before the deadline is before the round opens")]
    BeforeOpening(u32),
}

/// The most offsets a round may set, and the furthest one: a round is weeks
/// long, not months.
pub const MAX_OFFSETS: usize = 5;
pub const MAX_OFFSET: u32 = 60;

/// Checks a round's offsets against its opening and deadline, counted in
/// the committee's zone (Việt Nam): each reminder's morning must fall after
/// the round opens and before it closes.
pub fn check_round_offsets(
    calendar: &WorkingCalendar,
    opened_at: OffsetDateTime,
    deadline: OffsetDateTime,
    offsets: &[u32],
) -> Result<(), OffsetProblem> {
    let zone = crate::User::DEFAULT_TIME_ZONE;
    let day = deadline.to_offset(zone_offset(zone)).date();
    for &n in offsets {
        let at = calendar.subtract_working_days(day, n).map(|d| morning(d, zone));
        match at {
            Some(at) if at >= deadline => return Err(OffsetProblem::AfterDeadline(n)),
            Some(at) if at > opened_at => {}
            _ => return Err(OffsetProblem::BeforeOpening(n)),
        }
    }
    Ok(())
}

/// The default offsets that fit a round: a short round keeps those of the
/// defaults that fall inside it rather than being refused for offsets
/// nobody typed.
pub fn fitting_offsets(calendar: &WorkingCalendar, opened_at: OffsetDateTime, deadline: OffsetDateTime, defaults: &[u32]) -> Vec<u32> {
    defaults.iter().copied().filter(|n| check_round_offsets(calendar, opened_at, deadline, &[*n]).is_ok()).collect()
}

/// An action item's deadline day as an instant: its end in Việt Nam,
/// where deadlines are kept as local days.
pub fn action_deadline(deadline: Date) -> OffsetDateTime {
    let end = deadline.next_day().unwrap_or(deadline);
    end.midnight().assume_offset(VIETNAM).to_offset(UtcOffset::UTC)
}

/// The morning of the working day before an action item's deadline.
pub fn action_due_soon(calendar: &WorkingCalendar, deadline: Date, zone: &str) -> Option<OffsetDateTime> {
    calendar.subtract_working_days(deadline, 1).map(|d| morning(d, zone))
}

/// The first overdue reminder: the morning of the working day after the deadline.
pub fn action_first_overdue(calendar: &WorkingCalendar, deadline: Date, zone: &str) -> Option<OffsetDateTime> {
    calendar.add_working_days(deadline, 1).map(|d| morning(d, zone))
}

/// The escalation to the presiding person: `after` working days past the deadline.
pub fn action_escalation(calendar: &WorkingCalendar, deadline: Date, after: u32, zone: &str) -> Option<OffsetDateTime> {
    calendar.add_working_days(deadline, after.max(1)).map(|d| morning(d, zone))
}

/// The first working morning in `zone` after `at`: when a round that closed
/// at `at` first tells its drafting team what it still owes, and the day
/// after each such mail.
pub fn next_working_morning(calendar: &WorkingCalendar, at: OffsetDateTime, zone: &str) -> Option<OffsetDateTime> {
    let day = at.to_offset(zone_offset(zone)).date();
    if calendar.is_working_day(day) && at < morning(day, zone) {
        return Some(morning(day, zone));
    }
    calendar.add_working_days(day, 1).map(|d| morning(d, zone))
}

/// Overdue reminders repeat weekly while the item stays open.
pub const OVERDUE_EVERY: Duration = Duration::weeks(1);

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn a_round_reminds_three_and_one_working_days_before_at_eight_in_the_morning() {
        let calendar = WorkingCalendar::new(&[]);
        // Wednesday 10/3/2027, 17:00 in Hà Nội: three working days before is
        // Friday 5/3 (the weekend does not count), one is Tuesday 9/3.
        let deadline = datetime!(2027-03-10 17:00 +7);
        let times = round_closing_times(&calendar, deadline, &[3, 1], "Asia/Ho_Chi_Minh");
        assert_eq!(times, vec![datetime!(2027-03-05 08:00 +7), datetime!(2027-03-09 08:00 +7)]);
    }

    #[test]
    fn a_person_in_another_zone_is_reminded_in_their_own_morning() {
        let calendar = WorkingCalendar::new(&[]);
        let deadline = datetime!(2027-03-10 17:00 +7);
        let times = round_closing_times(&calendar, deadline, &[1], "UTC");
        assert_eq!(times, vec![datetime!(2027-03-09 08:00 UTC)]);
    }

    #[test]
    fn tet_is_not_counted_among_the_working_days_before_a_deadline() {
        let calendar = WorkingCalendar::new(&[]);
        // Tết Bính Ngọ: 17/2/2026; the days off run through the week of Tết,
        // so one working day before Monday 23/2 falls before them.
        let before = action_due_soon(&calendar, date!(2026-02-23), "Asia/Ho_Chi_Minh").expect("a day");
        assert!(before < datetime!(2026-02-16 00:00 +7), "{before}");
    }

    #[test]
    fn an_offset_that_falls_after_the_deadline_is_left_out() {
        let calendar = WorkingCalendar::new(&[]);
        // A deadline at 07:00: the morning of its own day (offset 0) is after it.
        let deadline = datetime!(2027-03-10 07:00 +7);
        assert_eq!(round_closing_times(&calendar, deadline, &[0, 1], "Asia/Ho_Chi_Minh"), vec![datetime!(2027-03-09 08:00 +7)]);
    }

    #[test]
    fn an_action_item_is_overdue_the_next_working_day_and_escalated_later() {
        let calendar = WorkingCalendar::new(&[]);
        let friday = date!(2027-03-12);
        assert_eq!(action_first_overdue(&calendar, friday, "Asia/Ho_Chi_Minh"), Some(datetime!(2027-03-15 08:00 +7)));
        assert_eq!(action_escalation(&calendar, friday, 5, "Asia/Ho_Chi_Minh"), Some(datetime!(2027-03-19 08:00 +7)));
        assert_eq!(action_deadline(friday), datetime!(2027-03-13 00:00 +7));
    }

    #[test]
    fn answers_are_asked_for_on_the_next_working_morning() {
        let calendar = WorkingCalendar::new(&[]);
        let friday_evening = datetime!(2027-03-12 17:00 +7);
        assert_eq!(next_working_morning(&calendar, friday_evening, "Asia/Ho_Chi_Minh"), Some(datetime!(2027-03-15 08:00 +7)));
        let tuesday_dawn = datetime!(2027-03-16 06:00 +7);
        assert_eq!(next_working_morning(&calendar, tuesday_dawn, "Asia/Ho_Chi_Minh"), Some(datetime!(2027-03-16 08:00 +7)));
        // 2/9/2027 is a Thursday: National Day and the day after are off.
        let before_national_day = datetime!(2027-09-01 09:00 +7);
        assert_eq!(next_working_morning(&calendar, before_national_day, "Asia/Ho_Chi_Minh"), Some(datetime!(2027-09-06 08:00 +7)));
    }

    #[test]
    fn a_rounds_offsets_must_fall_between_its_opening_and_its_deadline() {
        let calendar = WorkingCalendar::new(&[]);
        // Opened Monday 1/3/2027 10:00, closing Wednesday 10/3 at 07:00.
        let opened = datetime!(2027-03-01 10:00 +7);
        let deadline = datetime!(2027-03-10 07:00 +7);
        assert_eq!(check_round_offsets(&calendar, opened, deadline, &[3, 1]), Ok(()));
        assert_eq!(check_round_offsets(&calendar, opened, deadline, &[0]), Err(OffsetProblem::AfterDeadline(0)));
        // Seven working days before 10/3 is Monday 1/3 at 08:00, before 10:00.
        assert_eq!(check_round_offsets(&calendar, opened, deadline, &[2, 7]), Err(OffsetProblem::BeforeOpening(7)));
        assert_eq!(check_round_offsets(&calendar, opened, deadline, &[6]), Ok(()));
        assert_eq!(fitting_offsets(&calendar, opened, deadline, &[7, 3, 0, 1]), vec![3, 1]);
    }

    #[test]
    fn the_zones_offered_are_those_whose_offset_is_known() {
        assert_eq!(zone_offset("Asia/Tokyo"), UtcOffset::from_hms(9, 0, 0).expect("an offset"));
        assert_eq!(zone_offset("Etc/UTC"), UtcOffset::UTC);
        assert_eq!(zone_offset("Mars/Olympus"), VIETNAM);
        assert!(is_known_zone("Asia/Ho_Chi_Minh") && !is_known_zone("Europe/Paris"));
    }

    #[test]
    fn kinds_and_outcomes_read_back_what_they_write() {
        for k in ReminderKind::ALL {
            assert_eq!(k.as_str().parse::<ReminderKind>(), Ok(*k));
        }
        for o in ReminderOutcome::ALL {
            assert_eq!(o.as_str().parse::<ReminderOutcome>(), Ok(*o));
        }
    }
}
