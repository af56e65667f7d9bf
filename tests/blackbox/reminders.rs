//! Reminders through the real binary and a real SMTP server (aiosmtpd): the
//! story is set up in this process on each engine, then at each morning two
//! `gopy worker --once --now …` processes run side by side on the same
//! database. Each reminder kind arrives once, to the right people, in their
//! language; a reminder whose reason has gone (the member commented, the
//! action was done) is not sent. Time moves by `--now`, not by sleeping.

use std::time::{Duration, Instant};

use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::meetings::{NewAction, NewMeeting};
use gopy_app::rounds::StepRequest;
use gopy_documents::ImportLimits;
use gopy_domain::workflow::Step;
use gopy_domain::{ActionStatus, Language};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use gopy_tests::{Mail, SmtpServer, TempDir, gopy_command};
use gopy_app::reports::VersionInput;
use crate::mail::support::story;
use time::macros::{date, datetime};

/// Subjects of the reminder kinds, in both languages: the other notices
/// the story causes (a round opened, a comment posted) are not counted.
const REMINDER_SUBJECTS: &[&str] = &[
    "Sắp hết hạn góp ý", "Closing soon", "Sắp đến hạn", "Due soon", "Quá hạn", "Overdue by", "Nhiệm vụ quá hạn",
    "Still not done", "Còn ", "Still unanswered",
];

fn reminders(mails: &[Mail]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = mails
        .iter()
        .map(|m| (m.recipient(), m.subject()))
        .filter(|(_, subject)| REMINDER_SUBJECTS.iter().any(|p| subject.starts_with(p)))
        .collect();
    out.sort();
    out
}

/// Two workers at `now`, side by side; returns how many reminders they sent
/// between them, as each printed.
fn two_workers_at(now: &str, url: &str, smtp: &SmtpServer) -> usize {
    let dir = TempDir::new();
    let smtp_url = smtp.url();
    let env = [("GOPY__DATABASE__URL", url), ("GOPY__MAIL__SMTP_URL", smtp_url.as_str())];
    let args = ["worker", "--once", "--now", now];
    let children: Vec<_> = (0..2)
        .map(|_| gopy_command(dir.path(), &args, &env).stdout(std::process::Stdio::piped()).spawn().expect("gopy worker"))
        .collect();
    let mut sent = 0;
    for child in children {
        let out = child.wait_with_output().expect("the worker ends");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "gopy worker --once failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
        let line = stdout.lines().find(|l| l.starts_with("Reminders: ")).unwrap_or_else(|| panic!("no summary: {stdout}"));
        sent += line["Reminders: ".len()..].split(' ').next().and_then(|n| n.parse::<usize>().ok()).expect("a count");
    }
    sent
}

/// The reminder mails once `count` of them have arrived (or what came
/// within ten seconds, for the assertion to show).
fn reminder_mails(smtp: &SmtpServer, count: usize) -> Vec<(String, String)> {
    let start = Instant::now();
    loop {
        let got = reminders(&smtp.messages());
        if got.len() >= count || start.elapsed() > Duration::from_secs(10) {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn new_ones(all: &[(String, String)], before: &[(String, String)]) -> Vec<(String, String)> {
    let mut rest = all.to_vec();
    for seen in before {
        if let Some(i) = rest.iter().position(|m| m == seen) {
            rest.remove(i);
        }
    }
    rest
}

on_both_engines! {
    async fn each_reminder_arrives_once_to_the_right_people_in_their_language_and_none_without_a_reason(db) {
        let smtp = SmtpServer::start();
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        app.update_own_account(s.chair.user, "Võ Bí Thư", Language::En).await.expect("the chair reads English");
        let text = "# Báo cáo sơ kết\n\nĐoạn thứ nhất của dự thảo.\n";
        app.add_version(&s.lead, s.report.id, VersionInput::Markdown(text.to_owned()), "", &ImportLimits::default())
            .await
            .expect("v1");
        // Friday 7/7, 17:00 in Hà Nội: reminders on Tuesday 4/7 and Thursday 6/7.
        let open = StepRequest {
            step: Step::OpenRound,
            deadline: Some(datetime!(2023-07-07 17:00 +7)),
            late_allowed: false,
            ballot: false,
            reason: None,
            seen: None,
        };
        app.take_step(&s.secretariat, s.report.id, open).await.expect("round opened");
        let meeting = NewMeeting {
            committee: Some(s.report.committee),
            title: "Hội nghị Ban Thường vụ Tỉnh ủy tháng 6".into(),
            starts_at: Some(meeting_day()),
            ends_at: Some(meeting_day() + time::Duration::hours(3)),
            place: "Phòng họp số 1".into(),
            presiding: Some(s.chair.user),
            invited: vec![s.chair.user, s.member.user],
        };
        let meeting = app.plan_meeting(&s.secretariat, meeting).await.expect("planned");
        app.mark_meeting_held(&s.secretariat, (meeting.id, None)).await.expect("held");
        app.conclude(&s.chair, (meeting.id, None), "Giao nhiệm vụ.").await.expect("concluded");
        let task = |text: &str| NewAction { text: text.into(), bodies: vec![], people: vec![s.member.user], deadline: Some(date!(2023-07-07)) };
        app.assign_action(&s.chair, (meeting.id, None), task("Hoàn thiện dự thảo")).await.expect("assigned");
        let (_, sent_early) = app.assign_action(&s.chair, (meeting.id, None), task("Gửi tài liệu")).await.expect("assigned");
        let member = "uv@tinhuy.vn".to_owned();
        let chair = "bithu@tinhuy.vn".to_owned();

        // Tuesday: both members owe an opinion.
        assert_eq!(two_workers_at("2023-07-04T08:00:00+07:00", &db.url, &smtp), 2);
        let tuesday = reminder_mails(&smtp, 2);
        let report = &s.report.title;
        assert_eq!(tuesday, vec![
            (chair.clone(), format!("Closing soon: {report} (Friday, 07/07/2023 17:00)")),
            (member.clone(), format!("Sắp hết hạn góp ý: {report} (Thứ Sáu, 07/07/2023 17:00)")),
        ]);

        // Wednesday: the member comments; the second item is done.
        let wednesday = db.app_at(datetime!(2023-07-05 10:00 +7));
        let body = NewComment { version: 1, anchor: NewAnchor::default(), body: "Đề nghị bổ sung số liệu.".into(), on_behalf_of: None, at_meeting: false };
        let comment = wednesday.post_comment(&s.member, s.report.id, body).await.expect("comment");
        wednesday.follow_up_action(&s.secretariat, (meeting.id, None), sent_early.id, ActionStatus::Done, "Đã gửi.").await.expect("done");

        // Thursday: only the chair is reminded of the round; the open item is due.
        assert_eq!(two_workers_at("2023-07-06T08:00:00+07:00", &db.url, &smtp), 2);
        let thursday = reminder_mails(&smtp, 4);
        assert_eq!(new_ones(&thursday, &tuesday), vec![
            (chair.clone(), format!("Closing soon: {report} (Friday, 07/07/2023 17:00)")),
            (member.clone(), "Sắp đến hạn: Hoàn thiện dự thảo (Thứ Sáu, 07/07/2023)".to_owned()),
        ]);

        // Monday: overdue, to the assignee; the round has closed with the
        // member's comment unanswered, which the drafting team hears.
        assert_eq!(two_workers_at("2023-07-10T08:00:00+07:00", &db.url, &smtp), 3);
        let monday = reminder_mails(&smtp, 7);
        let owed = format!("Còn 1 ý kiến chưa tiếp thu, giải trình: {report}");
        assert_eq!(new_ones(&monday, &thursday), vec![
            ("btv@tinhuy.vn".to_owned(), owed.clone()),
            ("tbt@tinhuy.vn".to_owned(), owed),
            (member.clone(), "Quá hạn 3 ngày: Hoàn thiện dự thảo".to_owned()),
        ]);
        // Wednesday: the lead answers it, so Tuesday's reminders, still
        // waiting when the next worker runs, are dropped.
        db.app_at(datetime!(2023-07-12 10:00 +7))
            .answer_comment(&s.lead, (comment.id, None), gopy_domain::DispositionKind::Accepted, "Đã bổ sung.", None)
            .await
            .expect("answered");

        // Friday, five working days late: the presiding chair hears, in English.
        assert_eq!(two_workers_at("2023-07-14T08:00:00+07:00", &db.url, &smtp), 1);
        let friday = reminder_mails(&smtp, 8);
        assert_eq!(
            new_ones(&friday, &monday),
            vec![(chair.clone(), "Still not done, 7 days overdue: Hoàn thiện dự thảo".to_owned())]
        );
        let escalation = smtp.messages().into_iter().find(|m| m.subject().starts_with("Still not done")).expect("the mail");
        assert!(escalation.text.contains("Trần Ủy Viên"), "names who it was assigned to:\n{}", escalation.text);
        assert!(escalation.text.contains(&format!("/meetings/{}", meeting.id)), "{}", escalation.text);

        assert!(friday.iter().all(|(_, subject)| !subject.contains("Gửi tài liệu")), "nothing about the item done early");
        // Nothing more is due that morning: running again sends nothing.
        assert_eq!(two_workers_at("2023-07-14T08:00:00+07:00", &db.url, &smtp), 0);
        assert_eq!(reminders(&smtp.messages()).len(), 8, "each reminder once");
    }
}
