//! A meeting's invitations through a real SMTP server (aiosmtpd) and two
//! `gopy worker` processes running: planning the meeting sends each guest
//! one invitation in their language, whose `.ics` a calendar parser (the
//! `icalendar` crate) reads back with METHOD:REQUEST, the meeting's UID and
//! its start instant; moving it sends an update under the same UID at a
//! higher SEQUENCE; cancelling it sends METHOD:CANCEL, same UID. The use
//! cases run in this process on each engine; the workers are the binary.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use gopy_app::meetings::NewMeeting;
use gopy_domain::{Language, calendar_uid};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use gopy_tests::{Mail, SmtpServer, TempDir, gopy_command};
use icalendar::{CalendarComponent, CalendarDateTime, Component, DatePerhapsTime};
use time::OffsetDateTime;

use crate::mail::support::story;

/// A `gopy worker` running until dropped.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// What a calendar program reads from one mail's `.ics`.
#[derive(Debug, PartialEq, Eq)]
struct Invitation {
    to: String,
    subject: String,
    method: String,
    uid: String,
    sequence: u32,
    starts_at: i64,
}

fn read_invitation(mail: &Mail) -> Invitation {
    let ics: Vec<_> = mail.attachments.iter().filter(|a| a.content_type.starts_with("text/calendar")).collect();
    assert_eq!(ics.len(), 1, "one calendar per mail: {:?}", mail.attachments);
    let file = ics[0];
    let unfolded = icalendar::parser::unfold(&file.body);
    let calendar: icalendar::Calendar = icalendar::parser::read_calendar(&unfolded).expect("an .ics a parser reads").into();
    let events: Vec<&icalendar::Event> = calendar
        .components
        .iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect();
    assert_eq!(events.len(), 1, "one event:\n{}", file.body);
    let event = events[0];
    let method = calendar.property_value("METHOD").expect("a METHOD").to_owned();
    assert!(file.content_type.contains(&format!("method={method}")), "the part says its method: {}", file.content_type);
    let starts_at = match event.get_start() {
        Some(DatePerhapsTime::DateTime(CalendarDateTime::Utc(at))) => at.timestamp(),
        other => panic!("a start instant in UTC, not {other:?}"),
    };
    Invitation {
        to: mail.recipient(),
        subject: mail.subject(),
        method,
        uid: event.get_uid().expect("a UID").to_owned(),
        sequence: event.get_sequence().expect("a SEQUENCE"),
        starts_at,
    }
}

/// The invitations received, once `count` of them have (or what came
/// within twenty seconds, for the assertion to show), by recipient.
fn invitations(smtp: &SmtpServer, count: usize) -> Vec<Invitation> {
    let start = Instant::now();
    loop {
        let mut got: Vec<Invitation> = smtp
            .messages()
            .iter()
            .filter(|m| m.attachments.iter().any(|a| a.content_type.starts_with("text/calendar")))
            .map(read_invitation)
            .collect();
        if got.len() >= count || start.elapsed() > Duration::from_secs(20) {
            got.sort_by(|a, b| (a.sequence, &a.to).cmp(&(b.sequence, &b.to)));
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

on_both_engines! {
    async fn a_planned_meeting_invites_its_guests_then_moves_and_cancels_one_calendar_event(db) {
        let smtp = SmtpServer::start();
        let dir = TempDir::new();
        let smtp_url = smtp.url();
        let env = [
            ("GOPY__DATABASE__URL", db.url.as_str()),
            ("GOPY__MAIL__SMTP_URL", smtp_url.as_str()),
            ("GOPY__MAIL__POLL_INTERVAL_MS", "100"),
        ];
        let _workers: Vec<Worker> = (0..2)
            .map(|_| Worker(gopy_command(dir.path(), &["worker"], &env).stdin(Stdio::null()).stdout(Stdio::null()).spawn().expect("gopy worker")))
            .collect();

        let app = db.app_at(meeting_day() - time::Duration::days(7));
        let s = story(&app).await;
        app.update_own_account(s.chair.user, "Võ Bí Thư", Language::En, None).await.expect("the chair reads English");
        let planned = NewMeeting {
            committee: Some(s.report.committee),
            title: "Hội nghị Ban Thường vụ Tỉnh ủy tháng 6".into(),
            starts_at: Some(meeting_day()),
            ends_at: Some(meeting_day() + time::Duration::hours(3)),
            place: "Phòng họp số 1, Tỉnh ủy".into(),
            presiding: Some(s.chair.user),
            invited: vec![s.chair.user, s.member.user],
        };
        let meeting = app.plan_meeting(&s.secretariat, planned.clone()).await.expect("planned");
        let uid = calendar_uid(meeting.id);
        let at = |t: OffsetDateTime| t.unix_timestamp();
        let (chair, member) = ("bithu@tinhuy.vn".to_owned(), "uv@tinhuy.vn".to_owned());
        let when_vi = "Thứ Ba, 27/06/2023, 08:00–11:00 (GMT+7)";

        // Planned: the presiding chair (in English) and the member (in
        // Vietnamese) each get one invitation, 08:00 in Hà Nội.
        let got = invitations(&smtp, 2);
        assert_eq!(got, vec![
            Invitation { to: chair.clone(), subject: format!("Invitation: {} (Tuesday, 27/06/2023, 08:00–11:00 (GMT+7))", meeting.title), method: "REQUEST".into(), uid: uid.clone(), sequence: 0, starts_at: at(meeting_day()) },
            Invitation { to: member.clone(), subject: format!("Giấy mời: {} ({when_vi})", meeting.title), method: "REQUEST".into(), uid: uid.clone(), sequence: 0, starts_at: at(meeting_day()) },
        ]);
        let invitation = smtp.messages().into_iter().find(|m| m.recipient() == member).expect("the member's invitation");
        assert!(invitation.text.contains("Phòng họp số 1, Tỉnh ủy") && invitation.text.contains(&format!("/meetings/{}", meeting.id)), "{}", invitation.text);

        // Moved to the next afternoon: an update, same UID, higher SEQUENCE, the new instant.
        let later = meeting_day() + time::Duration::hours(30);
        let moved = NewMeeting { starts_at: Some(later), ends_at: Some(later + time::Duration::hours(2)), ..planned };
        let meeting = app.change_meeting(&s.secretariat, (meeting.id, Some(meeting.revision)), moved).await.expect("moved");
        let got = invitations(&smtp, 4);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(
            got[2..].iter().map(|i| (i.to.as_str(), i.method.as_str(), i.uid.as_str(), i.sequence, i.starts_at)).collect::<Vec<_>>(),
            vec![(chair.as_str(), "REQUEST", uid.as_str(), 1, at(later)), (member.as_str(), "REQUEST", uid.as_str(), 1, at(later))]
        );
        assert!(got[3].subject.starts_with("Thay đổi cuộc họp:"), "{}", got[3].subject);

        // Cancelled: METHOD:CANCEL, same UID, higher again; the reason is told.
        app.cancel_meeting(&s.secretariat, (meeting.id, Some(meeting.revision)), "Trùng lịch hội nghị Trung ương").await.expect("cancelled");
        let got = invitations(&smtp, 6);
        assert_eq!(
            got[4..].iter().map(|i| (i.to.as_str(), i.method.as_str(), i.uid.as_str(), i.sequence)).collect::<Vec<_>>(),
            vec![(chair.as_str(), "CANCEL", uid.as_str(), 2), (member.as_str(), "CANCEL", uid.as_str(), 2)]
        );
        let cancellation = smtp.messages().into_iter().find(|m| m.subject().starts_with("Hủy cuộc họp")).expect("the member's cancellation");
        assert!(cancellation.text.contains("Trùng lịch hội nghị Trung ương"), "{}", cancellation.text);

        // Each mail once, though two workers share the outbox.
        std::thread::sleep(Duration::from_millis(500));
        assert_eq!(invitations(&smtp, 6).len(), 6, "no mail twice");
    }
}
