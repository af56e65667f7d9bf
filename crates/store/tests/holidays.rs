//! The working-day calendar on SQLite and PostgreSQL alike: the admin's
//! days off and make-up working days are kept one per day, refused when
//! malformed, doubled or pointless, and every deadline given in working
//! days, and every reminder, counts in the calendar they make.

mod support;

use gopy_app::holidays::NewHoliday;
use gopy_app::meetings::{NewAction, NewMeeting};
use gopy_app::rounds::{RoundSchedule, StepRequest};
use gopy_app::{App, AppError, InvalidReason, Store};
use gopy_documents::ImportLimits;
use gopy_domain::calendar::AdjustmentKind;
use gopy_domain::reminder::ReminderKind;
use gopy_domain::workflow::Step;
use gopy_domain::{Actor, GlobalRole};
use gopy_store::on_both_engines;
use gopy_store::testing::{TestDatabase, meeting_day};
use support::{Story, file, person, story};
use time::Duration;
use time::macros::{date, datetime};

async fn admin(app: &App) -> Actor {
    let admin = person(app, "quantri@tinhuy.vn", "Nguyễn Văn Quản", vec![GlobalRole::Admin]).await;
    app.actor_of(admin.id).await.expect("actor")
}

fn day(date: time::Date, kind: AdjustmentKind, note: &str) -> NewHoliday {
    NewHoliday { date: Some(date), kind: Some(kind), note: note.to_owned() }
}

/// The field a refusal names and the catalogue key of its message.
fn refusal(err: AppError) -> (&'static str, String) {
    match err {
        AppError::Invalid { field, reason: InvalidReason::Rule(key) } => (field, key),
        AppError::Invalid { field, reason } => (field, format!("{reason:?}")),
        other => panic!("not a refusal of a field: {other:?}"),
    }
}

fn open_round(schedule: RoundSchedule, deadline: Option<time::OffsetDateTime>) -> StepRequest {
    StepRequest { step: Step::OpenRound, deadline, late_allowed: false, ballot: false, reason: None, schedule, seen: None }
}

async fn with_version(app: &App, s: &Story) {
    app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default())
        .await
        .expect("v1");
}

async fn round_reminders(db: &TestDatabase, app: &App, s: &Story) -> (gopy_domain::workflow::Round, Vec<time::OffsetDateTime>) {
    let round = app.rounds(&s.secretariat, s.report.id).await.expect("rounds").pop().expect("a round");
    let mut uow = db.store.begin().await.expect("uow");
    let mut times: Vec<_> = uow
        .reminders_about(round.id.as_uuid())
        .await
        .expect("reminders")
        .into_iter()
        .filter(|(r, _)| r.kind == ReminderKind::RoundClosing && r.recipient == s.member.user)
        .map(|(r, _)| r.due_at)
        .collect();
    times.sort();
    (round, times)
}

on_both_engines! {
    async fn the_admin_keeps_the_years_days_off_and_make_up_days_and_refuses_malformed_doubled_or_pointless_ones(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let admin = admin(&app).await;
        // Friday 30/6/2023 off in exchange for Saturday 8/7, as a decision would say.
        app.add_holiday(&admin, day(date!(2023 - 07 - 08), AdjustmentKind::WorkingDay, "Làm bù theo Thông báo 1/TB-BNV")).await.expect("make-up day");
        app.add_holiday(&admin, day(date!(2023 - 06 - 30), AdjustmentKind::DayOff, "  Nghỉ   hoán đổi ")).await.expect("day off");

        let page = app.holidays_page(&admin).await.expect("page");
        let kept: Vec<_> = page.adjustments.iter().map(|a| (a.date, a.kind, a.note.as_str())).collect();
        assert_eq!(kept, vec![
            (date!(2023 - 06 - 30), AdjustmentKind::DayOff, "Nghỉ hoán đổi"),
            (date!(2023 - 07 - 08), AdjustmentKind::WorkingDay, "Làm bù theo Thông báo 1/TB-BNV"),
        ], "earliest first, the note folded as any line");
        assert!(page.may_manage);
        assert_eq!(page.built_in.iter().map(|(y, _)| *y).collect::<Vec<_>>(), vec![2023, 2024]);
        let tet = page.built_in[0].1.iter().filter(|d| d.holiday == gopy_domain::calendar::Holiday::LunarNewYear).count();
        assert_eq!(tet, 5, "Tết Quý Mão: the eve and four days");

        // The secretariat reads the calendar but does not keep it; a member neither.
        assert!(!app.holidays_page(&s.secretariat).await.expect("read").may_manage);
        assert!(matches!(app.add_holiday(&s.secretariat, day(date!(2023 - 07 - 14), AdjustmentKind::DayOff, "")).await, Err(AppError::Forbidden)));
        assert!(matches!(app.holidays_page(&s.member).await, Err(AppError::Forbidden)));

        let refused = |new| async { refusal(app.add_holiday(&admin, new).await.expect_err("refused")) };
        assert_eq!(refused(day(date!(2023 - 06 - 30), AdjustmentKind::DayOff, "")).await, ("date", "err_holiday_duplicate".into()));
        assert_eq!(refused(NewHoliday { date: None, kind: Some(AdjustmentKind::DayOff), note: String::new() }).await, ("date", "err_date_format".into()));
        assert_eq!(refused(day(date!(2023 - 07 - 05), AdjustmentKind::WorkingDay, "")).await, ("date", "err_holiday_not_weekend".into()));
        assert_eq!(refused(day(date!(2023 - 09 - 02), AdjustmentKind::DayOff, "")).await, ("date", "err_holiday_already_off".into()));
        assert_eq!(refused(NewHoliday { date: Some(date!(2023 - 07 - 14)), kind: None, note: String::new() }).await.0, "kind");
        assert_eq!(app.holidays_page(&admin).await.expect("page").adjustments.len(), 2, "nothing refused was kept");

        app.remove_holiday(&admin, date!(2023 - 07 - 08)).await.expect("removed");
        assert!(matches!(app.remove_holiday(&admin, date!(2023 - 07 - 08)).await, Err(AppError::NotFound { .. })));
        assert!(matches!(app.remove_holiday(&s.secretariat, date!(2023 - 06 - 30)).await, Err(AppError::Forbidden)));
        let left: Vec<_> = app.holidays_page(&admin).await.expect("page").adjustments.iter().map(|a| a.date).collect();
        assert_eq!(left, vec![date!(2023 - 06 - 30)]);
    }

    async fn a_round_opened_in_working_days_counts_the_admins_day_off_and_reminds_at_its_own_offsets(db) {
        // Tuesday 27/6/2023; Friday 30/6 declared off.
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let admin = admin(&app).await;
        app.add_holiday(&admin, day(date!(2023 - 06 - 30), AdjustmentKind::DayOff, "")).await.expect("day off");
        with_version(&app, &s).await;

        // Refusals first, each on its field: both kinds of deadline, a
        // number out of range, offsets after the deadline or before the opening.
        let both = RoundSchedule { working_days: Some(5), reminder_offsets: None };
        let err = app.take_step(&s.secretariat, s.report.id, open_round(both, Some(datetime!(2023-07-10 17:00 +7)))).await;
        assert_eq!(refusal(err.expect_err("refused")), ("working_days", "err_deadline_twice".into()));
        let none = RoundSchedule { working_days: Some(0), reminder_offsets: None };
        assert_eq!(refusal(app.take_step(&s.secretariat, s.report.id, open_round(none, None)).await.expect_err("refused")).0, "working_days");
        let early = datetime!(2023-07-05 07:00 +7);
        let same_day = RoundSchedule { working_days: None, reminder_offsets: Some(vec![2, 0]) };
        let err = app.take_step(&s.secretariat, s.report.id, open_round(same_day, Some(early))).await;
        assert_eq!(refusal(err.expect_err("refused")), ("reminder_offsets", "err_offset_after_deadline".into()));
        let too_far = RoundSchedule { working_days: None, reminder_offsets: Some(vec![6]) };
        let err = app.take_step(&s.secretariat, s.report.id, open_round(too_far, Some(early))).await;
        assert_eq!(refusal(err.expect_err("refused")), ("reminder_offsets", "err_offset_before_opening".into()));
        let past = app.take_step(&s.secretariat, s.report.id, open_round(RoundSchedule::default(), Some(meeting_day() - Duration::hours(1)))).await;
        assert_eq!(refusal(past.expect_err("refused")), ("deadline", "err_deadline_passed".into()));

        // Five working days from Tuesday: Wed, Thu, (Fri off), Mon, Tue, Wed 5/7, at 17:00.
        let custom = RoundSchedule { working_days: Some(5), reminder_offsets: Some(vec![4, 2]) };
        app.take_step(&s.secretariat, s.report.id, open_round(custom, None)).await.expect("opened");
        let (round, times) = round_reminders(db, &app, &s).await;
        assert_eq!(round.deadline, datetime!(2023-07-05 17:00 +7));
        assert_eq!(round.reminder_offsets, vec![4, 2], "read back as it was opened");
        // Four working days before Wed 5/7: Tue, Mon, (Fri off), Thu, Wed
        // 28/6 (Tue 27/6 without the day off); two is Mon 3/7.
        assert_eq!(times, vec![datetime!(2023-06-28 08:00 +7), datetime!(2023-07-03 08:00 +7)]);
    }

    async fn a_short_round_keeps_the_default_offsets_that_fit_it(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        with_version(&app, &s).await;
        // Closing Thursday 29/6 at 17:00: three working days before is
        // before the opening, so only the reminder one day before is kept.
        let open = open_round(RoundSchedule::default(), Some(datetime!(2023-06-29 17:00 +7)));
        app.take_step(&s.secretariat, s.report.id, open).await.expect("opened");
        let (round, times) = round_reminders(db, &app, &s).await;
        assert_eq!(round.reminder_offsets, vec![1]);
        assert_eq!(times, vec![datetime!(2023-06-28 08:00 +7)]);
    }

    async fn an_action_item_due_in_working_days_counts_the_stored_calendar_and_a_past_deadline_is_refused(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let admin = admin(&app).await;
        app.add_holiday(&admin, day(date!(2023 - 06 - 30), AdjustmentKind::DayOff, "")).await.expect("day off");
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
        let task = |deadline, working_days| NewAction { text: "Hoàn thiện dự thảo".into(), bodies: vec![], people: vec![s.member.user], deadline, working_days };

        let past = app.assign_action(&s.chair, (meeting.id, None), task(Some(date!(2023 - 06 - 26)), None)).await;
        assert_eq!(refusal(past.expect_err("refused")), ("deadline", "err_action_deadline_passed".into()));
        let both = app.assign_action(&s.chair, (meeting.id, None), task(Some(date!(2023 - 07 - 10)), Some(3))).await;
        assert_eq!(refusal(both.expect_err("refused")).0, "working_days");
        let (_, today) = app.assign_action(&s.chair, (meeting.id, None), task(Some(date!(2023 - 06 - 27)), None)).await.expect("today is not past");
        assert_eq!(today.deadline, date!(2023 - 06 - 27));

        let (_, action) = app.assign_action(&s.chair, (meeting.id, None), task(None, Some(5))).await.expect("in five working days");
        assert_eq!(action.deadline, date!(2023 - 07 - 05), "Friday 30/6 is not counted");
    }
}
