//! A meeting as an iCalendar file (RFC 5545), so members put it in their
//! calendars: times in UTC (`…Z`), lines ended by CRLF and folded at 75
//! octets, text with `\`, `;`, `,` and new lines escaped.

use time::OffsetDateTime;

/// One event, worded by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across downloads, so a calendar updates rather than duplicates it.
    pub uid: String,
    pub stamp: OffsetDateTime,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub summary: String,
    pub location: String,
    pub description: String,
}

/// `20230627T010000Z`.
fn utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// TEXT as RFC 5545 §3.3.11 wants it.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.replace("\r\n", "\n").chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line at 75 octets without splitting a character, each
/// continuation starting with a space (§3.1).
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

/// The whole `.ics` file for one event.
pub fn meeting_ics(event: &CalendarEvent) -> String {
    let mut out = String::new();
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Gopy//Meetings//VI".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}", escape_text(&event.uid)),
        format!("DTSTAMP:{}", utc(event.stamp)),
        format!("DTSTART:{}", utc(event.starts_at)),
        format!("DTEND:{}", utc(event.ends_at)),
        format!("SUMMARY:{}", escape_text(&event.summary)),
        format!("LOCATION:{}", escape_text(&event.location)),
        format!("DESCRIPTION:{}", escape_text(&event.description)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    for line in &lines {
        fold(line, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn an_event_has_utc_times_crlf_lines_escaped_text_and_folded_long_lines() {
        let event = CalendarEvent {
            uid: "meeting-1@gopy".into(),
            stamp: datetime!(2023-06-20 01:00 UTC),
            starts_at: datetime!(2023-06-27 08:00 +7),
            ends_at: datetime!(2023-06-27 11:30 +7),
            summary: "Hội nghị Ban Thường vụ; sơ kết, kiểm điểm".into(),
            location: "Phòng họp 1\\Tỉnh ủy".into(),
            description: "Dòng 1\nDòng 2 ".repeat(10),
        };
        let ics = meeting_ics(&event);
        assert!(ics.contains("DTSTART:20230627T010000Z\r\n"));
        assert!(ics.contains("DTEND:20230627T043000Z\r\n"));
        assert!(ics.contains("SUMMARY:Hội nghị Ban Thường vụ\\; sơ kết\\, kiểm điểm\r\n"));
        assert!(ics.contains("LOCATION:Phòng họp 1\\\\Tỉnh ủy\r\n"));
        assert!(ics.contains("Dòng 1\\nDòng 2"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
        assert!(ics.split("\r\n").all(|line| line.len() <= 75), "lines are folded at 75 octets");
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }
}
