//! Reminders on SQLite and PostgreSQL alike: planned from the data when a
//! round opens or an action item is assigned, sent once each when due (two
//! workers never take the same one), and dropped instead of sent once their
//! reason has gone. Time moves by the test's clock: each step is an `App`
//! at a later moment, as a worker waking then would be.

mod support;

use std::time::Duration as StdDuration;

use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::meetings::{NewAction, NewMeeting};
use gopy_app::rounds::StepRequest;
use gopy_app::{App, Store};
use gopy_documents::ImportLimits;
use gopy_domain::reminder::{ReminderKind, ReminderOutcome};
use gopy_domain::workflow::{Round, Step};
use gopy_domain::{ActionStatus, OutboxMessage, UserId};
use gopy_store::testing::{TestDatabase, meeting_day};
use gopy_store::{DatabaseSettings, SeaStore, on_both_engines};
use support::{Story, file, story};
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};

/// Friday 7/7/2023, 17:00 in Hà Nội: three working days before is Tuesday
/// 4/7, one is Thursday 6/7, each at 08:00 (01:00 UTC).
const DEADLINE: OffsetDateTime = datetime!(2023-07-07 17:00 +7);
const TUESDAY_MORNING: OffsetDateTime = datetime!(2023-07-04 08:00 +7);
const THURSDAY_MORNING: OffsetDateTime = datetime!(2023-07-06 08:00 +7);

async fn open_round(app: &App, s: &Story, ballot: bool) -> Round {
    app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default())
        .await
        .expect("v1");
    let open = StepRequest { step: Step::OpenRound, deadline: Some(DEADLINE), late_allowed: false, ballot, reason: None, seen: None };
    app.take_step(&s.secretariat, s.report.id, open).await.expect("round opened");
    app.rounds(&s.secretariat, s.report.id).await.expect("rounds").pop().expect("a round")
}

async fn outbox_of(db: &TestDatabase, user: UserId, kind: ReminderKind) -> Vec<OutboxMessage> {
    let mut uow = db.store.begin().await.expect("uow");
    let all = uow.unsent_messages_to(user).await.expect("outbox");
    all.into_iter().filter(|m| m.kind_name() == kind.as_str()).collect()
}

type Row = (ReminderKind, UserId, OffsetDateTime, Option<ReminderOutcome>);

async fn reminders_about(db: &TestDatabase, subject: uuid::Uuid) -> Vec<Row> {
    let mut uow = db.store.begin().await.expect("uow");
    let rows = uow.reminders_about(subject).await.expect("reminders");
    rows.into_iter().map(|(r, outcome)| (r.kind, r.recipient, r.due_at, outcome)).collect()
}

async fn reminders_of_kind(db: &TestDatabase, subject: uuid::Uuid, kind: ReminderKind) -> Vec<Row> {
    reminders_about(db, subject).await.into_iter().filter(|r| r.0 == kind).collect()
}

on_both_engines! {
    async fn a_round_reminds_the_members_who_have_not_commented_and_drops_the_reminder_of_one_who_has(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let round = open_round(&app, &s, false).await;

        let planned = reminders_of_kind(db, round.id.as_uuid(), ReminderKind::RoundClosing).await;
        assert_eq!(planned.len(), 4, "two members (not the secretariat), two offsets: {planned:?}");
        for (kind, who, due, outcome) in &planned {
            assert_eq!((*kind, *outcome), (ReminderKind::RoundClosing, None));
            assert!([s.member.user, s.chair.user].contains(who));
            assert!([TUESDAY_MORNING, THURSDAY_MORNING].contains(due), "{due}");
        }
        let before = db.app_at(TUESDAY_MORNING - Duration::minutes(1)).send_due_reminders(100).await.expect("round");
        assert_eq!(before.taken(), 0, "nothing before its time");

        let tuesday = db.app_at(TUESDAY_MORNING).send_due_reminders(100).await.expect("tuesday");
        assert_eq!((tuesday.sent, tuesday.dropped), (2, 0));
        let mail = outbox_of(db, s.member.user, ReminderKind::RoundClosing).await;
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].payload()["weekday"], "Thứ Sáu");
        assert_eq!(mail[0].payload()["deadline"], "07/07/2023 17:00");
        assert_eq!(mail[0].payload()["report"], s.report.id.to_string());
        assert_eq!(db.app_at(TUESDAY_MORNING).send_due_reminders(100).await.expect("again").taken(), 0, "each once");

        let wednesday = db.app_at(datetime!(2023-07-05 10:00 +7));
        let body = NewComment { version: 1, anchor: NewAnchor::default(), body: "Đề nghị bổ sung số liệu.".into(), on_behalf_of: None, at_meeting: false };
        wednesday.post_comment(&s.member, s.report.id, body).await.expect("the member comments");

        let thursday = db.app_at(THURSDAY_MORNING).send_due_reminders(100).await.expect("thursday");
        assert_eq!((thursday.sent, thursday.dropped), (1, 1), "the chair still owes an opinion, the member does not");
        assert_eq!(outbox_of(db, s.member.user, ReminderKind::RoundClosing).await.len(), 1, "no second mail to the member");
        assert_eq!(outbox_of(db, s.chair.user, ReminderKind::RoundClosing).await.len(), 2);
        let ended = reminders_of_kind(db, round.id.as_uuid(), ReminderKind::RoundClosing).await;
        let dropped: Vec<_> = ended.iter().filter(|r| r.3 == Some(ReminderOutcome::Dropped)).collect();
        assert_eq!(dropped.len(), 1);
        assert_eq!((dropped[0].1, dropped[0].2), (s.member.user, THURSDAY_MORNING));
    }

    async fn a_round_closed_early_drops_its_reminders_and_a_ballot_asks_for_votes(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let round = open_round(&app, &s, true).await;
        let monday = db.app_at(datetime!(2023-07-03 09:00 +7));
        // With a ballot, a comment is not enough: the member is reminded to vote.
        let body = NewComment { version: 1, anchor: NewAnchor::default(), body: "Nhất trí.".into(), on_behalf_of: None, at_meeting: false };
        monday.post_comment(&s.member, s.report.id, body).await.expect("comment");
        monday.vote(&s.chair, s.report.id, gopy_domain::workflow::Vote::Agree, "").await.expect("the chair votes");
        let tuesday = db.app_at(TUESDAY_MORNING).send_due_reminders(100).await.expect("tuesday");
        assert_eq!((tuesday.sent, tuesday.dropped), (1, 1), "the member has not voted; the chair has");
        assert_eq!(outbox_of(db, s.member.user, ReminderKind::RoundClosing).await[0].payload()["ballot"], true);

        let close = StepRequest { step: Step::CloseRound, deadline: None, late_allowed: false, ballot: false, reason: None, seen: None };
        db.app_at(datetime!(2023-07-05 09:00 +7)).take_step(&s.secretariat, s.report.id, close).await.expect("closed early");
        let thursday = db.app_at(THURSDAY_MORNING).send_due_reminders(100).await.expect("thursday");
        assert_eq!((thursday.sent, thursday.dropped), (2, 2), "the round closed: no member is reminded, the drafting team is");
        let closing = reminders_of_kind(db, round.id.as_uuid(), ReminderKind::RoundClosing).await;
        assert!(closing.iter().all(|r| r.3.is_some()), "none left pending: {closing:?}");
        let owed = outbox_of(db, s.lead.user, ReminderKind::AnswersOwed).await;
        assert_eq!(owed.len(), 1, "the morning after the round closed early, the comment is unanswered");
        assert_eq!(owed[0].payload()["unanswered"], 1);
    }

    async fn two_workers_never_take_the_same_reminder(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let round = open_round(&app, &s, false).await;
        let second = SeaStore::connect(&DatabaseSettings {
            url: db.url.clone(),
            max_connections: 5,
            connect_timeout: StdDuration::from_secs(10),
            busy_timeout: StdDuration::from_secs(10),
            group_commit_max: 64,
            group_commit_wait: StdDuration::from_millis(2),
        })
        .await
        .expect("a second pool");
        let clock = std::sync::Arc::new(gopy_store::testing::FixedClock(THURSDAY_MORNING));
        let one = db.app_at(THURSDAY_MORNING);
        let two = App::new(std::sync::Arc::new(second.clone()), clock);
        // Each takes one reminder at a time, until none is left for it.
        let drain = |app: App| async move {
            let mut sent = 0;
            loop {
                let round = app.send_due_reminders(1).await.expect("a round");
                if round.taken() == 0 {
                    return sent;
                }
                sent += round.sent;
            }
        };
        let (a, b) = tokio::join!(drain(one), drain(two));
        // Both offsets are due by Thursday (the workers were not running on
        // Tuesday): each member gets the latest, once; the earlier is dropped.
        assert_eq!(a + b, 2, "one mail a member, each taken once: {a} + {b}");
        for who in [s.member.user, s.chair.user] {
            let mail = outbox_of(db, who, ReminderKind::RoundClosing).await;
            assert_eq!(mail.len(), 1, "one mail, not one per missed morning");
        }
        let closing = reminders_of_kind(db, round.id.as_uuid(), ReminderKind::RoundClosing).await;
        let ended = |outcome| closing.iter().filter(|r| r.3 == Some(outcome)).map(|r| r.2).collect::<Vec<_>>();
        assert_eq!(ended(ReminderOutcome::Sent), vec![THURSDAY_MORNING, THURSDAY_MORNING], "{closing:?}");
        assert_eq!(ended(ReminderOutcome::Dropped), vec![TUESDAY_MORNING, TUESDAY_MORNING], "{closing:?}");
        second.close().await;
    }

    async fn an_action_item_is_due_then_overdue_weekly_then_escalated_until_it_is_done(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let new = NewMeeting {
            committee: Some(s.report.committee),
            title: "Hội nghị Ban Thường vụ Tỉnh ủy tháng 6".into(),
            starts_at: Some(meeting_day()),
            ends_at: Some(meeting_day() + Duration::hours(3)),
            place: "Phòng họp số 1".into(),
            presiding: Some(s.chair.user),
            invited: vec![s.chair.user, s.member.user],
        };
        let meeting = app.plan_meeting(&s.secretariat, new).await.expect("planned");
        app.mark_meeting_held(&s.secretariat, (meeting.id, None)).await.expect("held");
        app.conclude(&s.chair, (meeting.id, None), "Giao nhiệm vụ.").await.expect("concluded");
        let task = |text: &str| NewAction { text: text.into(), bodies: vec![], people: vec![s.member.user], deadline: Some(date!(2023-07-07)) };
        let (_, open) = app.assign_action(&s.chair, (meeting.id, None), task("Hoàn thiện dự thảo")).await.expect("assigned");
        let (_, done) = app.assign_action(&s.chair, (meeting.id, None), task("Gửi tài liệu")).await.expect("assigned");

        let planned = reminders_about(db, open.id.as_uuid()).await;
        let expected = vec![
            (ReminderKind::ActionDue, s.member.user, THURSDAY_MORNING, None),
            (ReminderKind::ActionOverdue, s.member.user, datetime!(2023-07-10 08:00 +7), None),
            (ReminderKind::ActionEscalated, s.chair.user, datetime!(2023-07-14 08:00 +7), None),
        ];
        assert_eq!(planned, expected, "the working day before, the one after, five working days after");
        // Assigning another item plans this one's again: no second copy.
        assert_eq!(reminders_about(db, open.id.as_uuid()).await.len(), 3);

        db.app_at(datetime!(2023-07-05 09:00 +7))
            .follow_up_action(&s.secretariat, (meeting.id, None), done.id, ActionStatus::Done, "Đã gửi.")
            .await
            .expect("done early");
        let thursday = db.app_at(THURSDAY_MORNING).send_due_reminders(100).await.expect("thursday");
        assert_eq!((thursday.sent, thursday.dropped), (1, 1), "the open item is due; the done one is not");
        let due = outbox_of(db, s.member.user, ReminderKind::ActionDue).await;
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].payload()["action_text"], "Hoàn thiện dự thảo");

        let monday = db.app_at(datetime!(2023-07-10 08:00 +7)).send_due_reminders(100).await.expect("monday");
        assert_eq!((monday.sent, monday.dropped), (1, 1));
        let next = reminders_about(db, open.id.as_uuid()).await;
        assert!(next.contains(&(ReminderKind::ActionOverdue, s.member.user, datetime!(2023-07-17 08:00 +7), None)), "a week later: {next:?}");
        let friday = db.app_at(datetime!(2023-07-14 08:00 +7)).send_due_reminders(100).await.expect("friday");
        assert_eq!((friday.sent, friday.dropped), (1, 1), "the chair hears of the open item only");
        let escalated = outbox_of(db, s.chair.user, ReminderKind::ActionEscalated).await;
        assert_eq!(escalated.len(), 1);
        assert_eq!(escalated[0].payload()["overdue_days"], 7);

        db.app_at(datetime!(2023-07-15 09:00 +7))
            .follow_up_action(&s.secretariat, (meeting.id, None), open.id, ActionStatus::Done, "Đã hoàn thiện.")
            .await
            .expect("done late");
        let week_after = db.app_at(datetime!(2023-07-17 08:00 +7)).send_due_reminders(100).await.expect("a week after");
        assert_eq!((week_after.sent, week_after.dropped), (0, 1), "done: the weekly reminder stops");
        assert_eq!(outbox_of(db, s.member.user, ReminderKind::ActionOverdue).await.len(), 1);
    }

    async fn a_person_in_another_time_zone_is_reminded_in_their_morning(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        {
            let mut uow = db.store.begin().await.expect("uow");
            let mut chair = uow.find_user(s.chair.user).await.expect("read").expect("chair");
            chair.time_zone = "UTC".into();
            uow.update_user(&chair).await.expect("zone");
            uow.commit().await.expect("commit");
        }
        let round = open_round(&app, &s, false).await;
        let chair: Vec<OffsetDateTime> = reminders_of_kind(db, round.id.as_uuid(), ReminderKind::RoundClosing)
            .await
            .into_iter()
            .filter(|r| r.1 == s.chair.user)
            .map(|r| r.2)
            .collect();
        assert_eq!(chair, vec![datetime!(2023-07-04 08:00 UTC), datetime!(2023-07-06 08:00 UTC)]);
    }

    async fn the_drafting_team_hears_of_unanswered_comments_each_working_morning_until_none_remain(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let round = open_round(&app, &s, false).await;
        let body = NewComment { version: 1, anchor: NewAnchor::default(), body: "Đề nghị bổ sung số liệu.".into(), on_behalf_of: None, at_meeting: false };
        let comment = db.app_at(datetime!(2023-07-05 10:00 +7)).post_comment(&s.member, s.report.id, body).await.expect("comment");
        db.app_at(datetime!(2023-07-07 12:00 +7)).send_due_reminders(100).await.expect("friday");
        for drafter in [s.lead.user, s.drafter.user] {
            assert!(outbox_of(db, drafter, ReminderKind::AnswersOwed).await.is_empty(), "the round is still open: nothing owed yet");
        }

        // Friday's deadline passed: Monday morning is the first working one.
        let monday = db.app_at(datetime!(2023-07-10 08:00 +7)).send_due_reminders(100).await.expect("monday");
        assert_eq!((monday.sent, monday.dropped), (2, 0), "the lead and the drafter");
        let owed = outbox_of(db, s.drafter.user, ReminderKind::AnswersOwed).await;
        assert_eq!((owed.len(), &owed[0].payload()["unanswered"]), (1, &serde_json::json!(1)));
        assert_eq!(owed[0].payload()["report"], s.report.id.to_string());
        let next = reminders_of_kind(db, round.id.as_uuid(), ReminderKind::AnswersOwed).await;
        assert!(next.contains(&(ReminderKind::AnswersOwed, s.lead.user, datetime!(2023-07-11 08:00 +7), None)), "{next:?}");

        db.app_at(datetime!(2023-07-10 10:00 +7))
            .answer_comment(&s.lead, (comment.id, None), gopy_domain::DispositionKind::Accepted, "Đã bổ sung.", None)
            .await
            .expect("answered");
        let tuesday = db.app_at(datetime!(2023-07-11 08:00 +7)).send_due_reminders(100).await.expect("tuesday");
        assert_eq!((tuesday.sent, tuesday.dropped), (0, 2), "none remain: the daily reminder stops");
        assert_eq!(outbox_of(db, s.lead.user, ReminderKind::AnswersOwed).await.len(), 1);
    }
}
