//! A meeting as an iCalendar file (RFC 5545), written with the `icalendar`
//! crate: the download from the meeting's page (`METHOD:PUBLISH`), and the
//! invitations mailed to its guests (RFC 5546, iTIP): `METHOD:REQUEST` for
//! an invitation or an update, `METHOD:CANCEL` when it is called off.
//!
//! Every one carries the meeting's stable `UID` and its current `SEQUENCE`,
//! so a calendar program keeps one event and moves it, and a cancellation
//! removes that event. Times are written in UTC (`…Z`): an instant nobody
//! can misread, which every program shows in its own zone (Việt Nam has
//! no daylight saving, so nothing is lost by not naming Asia/Ho_Chi_Minh).

use icalendar::{Attendee, Calendar, Component, EventLike, EventStatus, PartStat, Role};
use time::OffsetDateTime;

/// What the `.ics` asks of the calendar that reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalendarMethod {
    /// A copy to keep (the download): no reply is asked for.
    Publish,
    /// An invitation, or an update at a higher sequence.
    Request,
    /// The event is called off (for everyone, or for this guest).
    Cancel,
}

impl CalendarMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "PUBLISH",
            Self::Request => "REQUEST",
            Self::Cancel => "CANCEL",
        }
    }
}

/// A person in an invitation: who sends it, or who it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarPerson {
    pub name: String,
    pub email: String,
}

/// One event, worded by the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarEvent {
    /// Stable across downloads and mails, so a calendar updates rather than duplicates it.
    pub uid: String,
    /// Raised with each change a calendar should follow.
    pub sequence: u32,
    pub method: CalendarMethod,
    /// When this copy was written (DTSTAMP).
    pub stamp: OffsetDateTime,
    pub starts_at: OffsetDateTime,
    pub ends_at: OffsetDateTime,
    pub summary: String,
    pub location: String,
    pub description: String,
    /// Who sends invitations (REQUEST and CANCEL need one).
    pub organizer: Option<CalendarPerson>,
    /// The guest an invitation is for.
    pub attendee: Option<CalendarPerson>,
}

/// The whole `.ics` file for one event.
pub fn meeting_ics(event: &CalendarEvent) -> String {
    let mut vevent = icalendar::Event::new();
    vevent
        .uid(&event.uid)
        .sequence(event.sequence)
        .add_property("DTSTAMP", utc(event.stamp))
        .starts(event.starts_at)
        .ends(event.ends_at)
        .summary(&event.summary)
        .location(&event.location)
        .description(&event.description)
        .status(if event.method == CalendarMethod::Cancel { EventStatus::Cancelled } else { EventStatus::Confirmed });
    if let Some(organizer) = &event.organizer {
        let mut property = icalendar::Property::new("ORGANIZER", format!("mailto:{}", organizer.email));
        property.add_parameter("CN", &organizer.name);
        vevent.append_property(property);
    }
    if let Some(guest) = &event.attendee {
        let attendee = Attendee::new(format!("mailto:{}", guest.email))
            .cn(guest.name.clone())
            .role(Role::ReqParticipant)
            .partstat(PartStat::NeedsAction)
            .rsvp(event.method == CalendarMethod::Request);
        vevent.attendee(attendee);
    }
    let mut calendar = Calendar::new();
    calendar.append_property(("PRODID", "-//Gopy//Meetings//VI")).append_property(("METHOD", event.method.as_str()));
    calendar.push(vevent.done());
    calendar.done().to_string()
}

/// `20230627T010000Z`: DTSTAMP is always in UTC.
fn utc(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!("{:04}{:02}{:02}T{:02}{:02}{:02}Z", at.year(), u8::from(at.month()), at.day(), at.hour(), at.minute(), at.second())
}

#[cfg(test)]
mod tests {
    use super::*;
    use icalendar::{CalendarComponent, DatePerhapsTime, parser};
    use time::macros::datetime;

    fn event(method: CalendarMethod, sequence: u32) -> CalendarEvent {
        CalendarEvent {
            uid: "meeting-1@gopy".into(),
            sequence,
            method,
            stamp: datetime!(2023-06-20 01:00 UTC),
            starts_at: datetime!(2023-06-27 08:00 +7),
            ends_at: datetime!(2023-06-27 11:30 +7),
            summary: "Hội nghị Ban Thường vụ; sơ kết, kiểm điểm".into(),
            location: "Phòng họp 1\\Tỉnh ủy".into(),
            description: "Dòng 1\nDòng 2 ".repeat(10),
            organizer: Some(CalendarPerson { name: "Gopy".into(), email: "gopy@tinhuy.vn".into() }),
            attendee: Some(CalendarPerson { name: "Nguyễn Văn Ủy".into(), email: "uy@tinhuy.vn".into() }),
        }
    }

    /// The one event of an `.ics`, read back by the crate's parser.
    fn read_back(ics: &str) -> (Calendar, icalendar::Event) {
        let calendar: Calendar = parser::read_calendar(&parser::unfold(ics)).expect("an .ics the parser reads").into();
        let events: Vec<icalendar::Event> = calendar
            .components
            .iter()
            .filter_map(|c| match c {
                CalendarComponent::Event(e) => Some(e.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(events.len(), 1, "{ics}");
        (calendar, events[0].clone())
    }

    #[test]
    fn an_invitation_reads_back_with_its_instant_uid_sequence_and_method() {
        let ics = meeting_ics(&event(CalendarMethod::Request, 2));
        let (calendar, read) = read_back(&ics);
        assert_eq!(calendar.property_value("METHOD"), Some("REQUEST"));
        assert_eq!(read.get_uid(), Some("meeting-1@gopy"));
        assert_eq!(read.get_sequence(), Some(2));
        assert_eq!(read.get_summary(), Some("Hội nghị Ban Thường vụ; sơ kết, kiểm điểm"), "escaped and read back");
        assert_eq!(read.get_location(), Some("Phòng họp 1\\Tỉnh ủy"));
        let start = match read.get_start() {
            Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(utc))) => utc,
            other => panic!("no start time: {other:?}"),
        };
        assert_eq!(start.timestamp(), datetime!(2023-06-27 01:00 UTC).unix_timestamp(), "08:00 in Hà Nội");
        assert!(ics.contains("DTSTART:20230627T010000Z\r\n"), "{ics}");
        assert!(ics.contains("ORGANIZER;CN=Gopy:mailto:gopy@tinhuy.vn\r\n"), "{ics}");
        assert!(ics.contains("STATUS:CONFIRMED"), "{ics}");
        assert_eq!(read.get_attendees().len(), 1);
        assert!(!ics.replace("\r\n", "").contains('\n'), "every line ends with CRLF");
        assert!(ics.split("\r\n").all(|line| line.len() <= 75), "lines are folded at 75 octets");
    }

    #[test]
    fn a_cancellation_keeps_the_uid_and_says_cancelled() {
        let ics = meeting_ics(&event(CalendarMethod::Cancel, 3));
        let (calendar, read) = read_back(&ics);
        assert_eq!(calendar.property_value("METHOD"), Some("CANCEL"));
        assert_eq!((read.get_uid(), read.get_sequence(), read.get_status()), (Some("meeting-1@gopy"), Some(3), Some(EventStatus::Cancelled)));
    }

    #[test]
    fn the_download_publishes_without_guests() {
        let mut download = event(CalendarMethod::Publish, 0);
        download.organizer = None;
        download.attendee = None;
        let ics = meeting_ics(&download);
        let (calendar, read) = read_back(&ics);
        assert_eq!(calendar.property_value("METHOD"), Some("PUBLISH"));
        assert!(read.get_attendees().is_empty() && !ics.contains("ORGANIZER"), "{ics}");
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
    }
}
