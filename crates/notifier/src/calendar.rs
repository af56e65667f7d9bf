//! A meeting's invitation, update and cancellation mails: the text from the
//! `meeting.*` templates, and the `.ics` each carries (RFC 6047, iMIP),
//! written for its one recipient (the ATTENDEE) from the typed payload the
//! use case stored, with the meeting's UID and the SEQUENCE of the change.
//!
//! They travel alone, never in a digest (a mail client reads the calendar
//! part of a mail, not of one gathered from several), and when several of
//! one meeting wait for the same person, only the latest goes: a calendar
//! then gets one event at its latest state rather than three versions of it.

use gopy_app::ClaimedMail;
use gopy_domain::calendar::weekday_vi;
use gopy_domain::reminder::zone_offset;
use gopy_domain::{CalendarMail, Language, MeetingId, MeetingNoticeV1, User, calendar_uid};
use gopy_documents::{CalendarEvent, CalendarMethod, CalendarPerson, meeting_ics};
use serde_json::json;
use time::{OffsetDateTime, UtcOffset};

use crate::render::MailItem;
use crate::NotifierError;

/// A file sent with a mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    /// The full Content-Type, parameters included.
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The meeting a calendar row is about, to gather one meeting's rows.
pub(crate) fn meeting_of(row: &ClaimedMail) -> Option<MeetingId> {
    let notice = row.message.notice.as_ref().ok()?;
    CalendarMail::of(notice).map(|(_, payload)| payload.meeting)
}

/// What the `meeting.*` templates read: the payload in the recipient's
/// words (the time in their zone and language) and the link to the meeting.
pub fn mail_item(
    mail: CalendarMail,
    notice: &MeetingNoticeV1,
    language: Language,
    time_zone: &str,
    public_url: &str,
    recipient_name: &str,
) -> MailItem {
    let when = when_words(notice.starts_at, notice.ends_at, zone_offset(time_zone), language);
    let data = json!({
        "title": notice.title,
        "committee": notice.committee,
        "when": when,
        "place": notice.place,
        "presiding": notice.presiding,
        "agenda": notice.agenda,
        "reason": notice.reason,
        "link": crate::link(public_url, &format!("/meetings/{}", notice.meeting)),
        "recipient_name": recipient_name,
    });
    MailItem { kind: mail.notice(notice.clone()).kind(), data }
}

/// The mail for `rows` (one meeting's, for one person): the latest of them,
/// worded as an invitation if the person had not been invited yet, and its
/// `.ics`.
pub(crate) fn compose(
    rows: &[ClaimedMail],
    recipient: &User,
    organizer: CalendarPerson,
    public_url: &str,
) -> Result<(MailItem, Attachment), NotifierError> {
    let mut mails: Vec<(CalendarMail, &MeetingNoticeV1, OffsetDateTime)> = rows
        .iter()
        .filter_map(|r| r.message.notice.as_ref().ok().and_then(CalendarMail::of).map(|(m, n)| (m, n, r.message.created_at)))
        .collect();
    mails.sort_by_key(|(_, notice, created_at)| (notice.sequence, *created_at));
    let &(mut mail, notice, stamp) = mails.last().ok_or_else(|| NotifierError::Build("a calendar mail without its notice".to_owned()))?;
    if mail == CalendarMail::Updated && mails.iter().any(|(m, _, _)| *m == CalendarMail::Invited) {
        mail = CalendarMail::Invited;
    }
    let language = recipient.language;
    let item = mail_item(mail, notice, language, &recipient.time_zone, public_url, recipient.name.as_str());
    let method = if mail == CalendarMail::Cancelled { CalendarMethod::Cancel } else { CalendarMethod::Request };
    let event = CalendarEvent {
        uid: calendar_uid(notice.meeting),
        sequence: notice.sequence,
        method,
        stamp,
        starts_at: notice.starts_at,
        ends_at: notice.ends_at,
        summary: format!("{} – {}", notice.committee, notice.title),
        location: notice.place.clone(),
        description: description(notice, language),
        organizer: Some(organizer),
        attendee: Some(CalendarPerson { name: recipient.name.to_string(), email: recipient.email.to_string() }),
    };
    let attachment = Attachment {
        file_name: if method == CalendarMethod::Cancel { "cancel.ics" } else { "invite.ics" }.to_owned(),
        content_type: format!("text/calendar; charset=utf-8; method={}", method.as_str()),
        bytes: meeting_ics(&event).into_bytes(),
    };
    Ok((item, attachment))
}

/// The event's description in the recipient's language: who presides, the
/// agenda, and why it was cancelled.
fn description(notice: &MeetingNoticeV1, language: Language) -> String {
    let (presiding, minutes, reason) = match language {
        Language::Vi => ("Chủ trì", "phút", "Lý do hủy"),
        Language::En => ("Presiding", "min", "Cancelled because"),
    };
    let mut lines = vec![format!("{presiding}: {}", notice.presiding)];
    lines.extend(
        notice.agenda.iter().enumerate().map(|(i, a)| format!("{}. {} — {} ({} {minutes})", i + 1, a.title, a.presenter, a.minutes_allotted)),
    );
    if let Some(why) = &notice.reason {
        lines.push(format!("{reason}: {why}"));
    }
    lines.join("\n")
}

/// "Thứ Ba, 27/06/2023, 08:00–11:30 (GMT+7)" in the recipient's zone.
pub(crate) fn when_words(starts: OffsetDateTime, ends: OffsetDateTime, offset: UtcOffset, language: Language) -> String {
    let (s, e) = (starts.to_offset(offset), ends.to_offset(offset));
    let day = |t: OffsetDateTime| format!("{:02}/{:02}/{}", t.day(), u8::from(t.month()), t.year());
    let clock = |t: OffsetDateTime| format!("{:02}:{:02}", t.hour(), t.minute());
    let weekday = match language {
        Language::Vi => weekday_vi(s.date()).to_owned(),
        Language::En => s.weekday().to_string(),
    };
    let zone = match (offset.whole_hours(), offset.minutes_past_hour()) {
        (0, 0) => "GMT".to_owned(),
        (h, 0) => format!("GMT{h:+}"),
        (h, m) => format!("GMT{h:+}:{:02}", m.abs()),
    };
    if s.date() == e.date() {
        format!("{weekday}, {}, {}–{} ({zone})", day(s), clock(s), clock(e))
    } else {
        format!("{weekday}, {} {} – {} {} ({zone})", day(s), clock(s), day(e), clock(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_time_is_told_in_the_recipients_zone_and_language() {
        let (s, e) = (datetime!(2023-06-27 01:00 UTC), datetime!(2023-06-27 04:30 UTC));
        let vietnam = UtcOffset::from_hms(7, 0, 0).expect("offset");
        assert_eq!(when_words(s, e, vietnam, Language::Vi), "Thứ Ba, 27/06/2023, 08:00–11:30 (GMT+7)");
        assert_eq!(when_words(s, e, UtcOffset::UTC, Language::En), "Tuesday, 27/06/2023, 01:00–04:30 (GMT)");
        let late = datetime!(2023-06-27 16:00 UTC);
        assert_eq!(when_words(late, late + time::Duration::hours(2), vietnam, Language::Vi), "Thứ Ba, 27/06/2023 23:00 – 28/06/2023 01:00 (GMT+7)");
    }
}
