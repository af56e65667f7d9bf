//! No lost update, on SQLite and PostgreSQL alike: a meeting, a comment, a
//! report and a review round each carry a revision; a change made on an older reading is refused as
//! stale and the change made meanwhile stays, whether the older reading is
//! the person's (a form, an `If-Match`) or the unit of work's own. In the
//! writer's shared batch (SQLite), a stale unit is rolled back alone.

mod support;

use std::sync::Arc;

use gopy_app::comments::NewComment;
use gopy_app::meetings::{NewAgendaItem, NewMeeting};
use gopy_app::rounds::StepRequest;
use gopy_app::{AppError, Store, StoreError};
use gopy_documents::ImportLimits;
use gopy_domain::workflow::Step;
use gopy_domain::{Body, BodyId, DispositionKind, Name, ReportStatus};
use gopy_store::testing::meeting_day;
use gopy_store::{Engine, on_both_engines};
use support::{Story, file, story};
use time::Duration;

fn new_meeting(s: &Story) -> NewMeeting {
    NewMeeting {
        committee: Some(s.report.committee),
        title: "Hội nghị Ban Thường vụ Tỉnh ủy tháng 6".into(),
        starts_at: Some(meeting_day()),
        ends_at: Some(meeting_day() + Duration::hours(3)),
        place: "Phòng họp số 1, Tỉnh ủy".into(),
        presiding: Some(s.chair.user),
        invited: vec![s.chair.user, s.member.user],
    }
}

fn step(step: Step, seen: Option<u32>) -> StepRequest {
    let deadline = (step == Step::OpenRound).then(|| meeting_day() + Duration::days(7));
    StepRequest { step, deadline, late_allowed: false, ballot: false, reason: None, seen }
}

fn is_stale(result: Result<impl std::fmt::Debug, AppError>) -> bool {
    matches!(result, Err(AppError::Stale { what: _ }))
}

on_both_engines! {
    async fn a_minutes_change_on_an_older_reading_is_refused_and_the_newer_stays(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let planned = app.plan_meeting(&s.secretariat, new_meeting(&s)).await.expect("planned");
        assert_eq!(planned.revision, 0);
        let item = NewAgendaItem { title: "Báo cáo sơ kết".into(), presenter: Some(s.report.body), report: None, minutes_allotted: Some(30) };
        let meeting = app.add_agenda_item(&s.secretariat, (planned.id, None), item).await.expect("agenda");
        assert_eq!(meeting.revision, 1);
        let agenda = Some(meeting.agenda[0].id);
        let held = app.mark_meeting_held(&s.secretariat, (meeting.id, None)).await.expect("held");
        let opened_at = held.revision;

        // Two secretaries opened the minutes at the same revision.
        let (first, _) = app
            .record_opinion(&s.secretariat, (held.id, Some(opened_at)), agenda, Some(s.member.user), "Cần nêu rõ 7/24 chỉ tiêu.")
            .await
            .expect("the first is recorded");
        assert_eq!(first.revision, opened_at + 1);
        let second = app
            .record_opinion(&s.secretariat, (held.id, Some(opened_at)), agenda, Some(s.chair.user), "Thống nhất bố cục.")
            .await;
        assert!(is_stale(second), "the second, on the older reading, is refused");
        let concluded = app.conclude(&s.chair, (held.id, Some(opened_at)), "Kết luận trên trang cũ").await;
        assert!(is_stale(concluded));

        // The unit of work's own older reading: a meeting read, then changed
        // by another unit, then written from the older copy.
        let mut older = db.store.begin_read().await.expect("read").find_meeting(held.id).await.expect("found").expect("there");
        app.conclude(&s.chair, (held.id, Some(first.revision)), "Các dự thảo đạt yêu cầu.").await.expect("concluded");
        older.minutes.clear();
        let mut uow = db.store.begin().await.expect("unit");
        assert!(matches!(uow.save_meeting(&mut older).await, Err(StoreError::Stale { what: "meeting" })));
        drop(uow);

        let now = app.meeting_detail(&s.member, held.id).await.expect("meeting").meeting;
        assert_eq!(now.minutes.len(), 1, "nothing vanished");
        assert_eq!(now.minutes[0].summary.as_str(), "Cần nêu rõ 7/24 chỉ tiêu.");
        assert_eq!(now.conclusion.map(|c| c.text.to_string()).as_deref(), Some("Các dự thảo đạt yêu cầu."));
        assert_eq!(now.revision, opened_at + 2);
        // With the revision it now is at, the second secretary's entry is taken.
        app.record_opinion(&s.secretariat, (held.id, Some(now.revision)), agenda, Some(s.chair.user), "Thống nhất bố cục.")
            .await
            .expect("recorded on the current reading");
        let now = app.meeting_detail(&s.member, held.id).await.expect("meeting").meeting;
        assert_eq!(now.minutes.iter().map(|m| m.summary.as_str()).collect::<Vec<_>>(), ["Cần nêu rõ 7/24 chỉ tiêu.", "Thống nhất bố cục."]);
    }

    async fn an_edit_and_an_answer_on_the_same_reading_do_not_undo_each_other(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let new = NewComment { version: 1, anchor: Default::default(), body: "Cần số liệu cụ thể.".into(), on_behalf_of: None, at_meeting: false };
        let posted = app.post_comment(&s.member, s.report.id, new).await.expect("posted");
        assert_eq!(posted.revision, 0);

        let edited = app.edit_comment(&s.member, (posted.id, Some(0)), "Cần số liệu cụ thể của 24 chỉ tiêu.").await.expect("edited");
        assert_eq!(edited.revision, 1);
        // The drafting team answered what it read before the edit: refused.
        let answered = app.answer_comment(&s.lead, (posted.id, Some(0)), DispositionKind::Explained, "Đã có ở phụ lục.", None).await;
        assert!(is_stale(answered));
        let answered = app
            .answer_comment(&s.lead, (posted.id, Some(1)), DispositionKind::Accepted, "", Some(1))
            .await
            .expect("answered on the current reading");
        assert_eq!(answered.revision, 2);
        // And the author's form opened before the answer: refused too.
        assert!(is_stale(app.edit_comment(&s.member, (posted.id, Some(1)), "Bỏ ý kiến này.").await));

        // The unit of work's own older reading.
        let mut older = db.store.begin_read().await.expect("read").find_comment(posted.id).await.expect("found").expect("there");
        app.edit_comment(&s.member, (posted.id, Some(2)), "Cần số liệu của 24 chỉ tiêu, theo năm.").await.expect("edited again");
        older.disposition = None;
        let mut uow = db.store.begin().await.expect("unit");
        assert!(matches!(uow.update_comment(&mut older).await, Err(StoreError::Stale { what: "comment" })));
        drop(uow);

        let (_, now) = app.comment(&s.lead, posted.id).await.expect("comment");
        assert_eq!(now.body.as_str(), "Cần số liệu của 24 chỉ tiêu, theo năm.");
        assert_eq!(now.disposition.map(|d| d.kind), Some(DispositionKind::Accepted), "the answer stays");
        assert_eq!(now.revision, 3);
    }

    async fn a_stale_unit_in_a_shared_batch_is_rolled_back_alone(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let planned = app.plan_meeting(&s.secretariat, new_meeting(&s)).await.expect("planned");
        let mut older = db.store.begin_read().await.expect("read").find_meeting(planned.id).await.expect("found").expect("there");
        app.mark_meeting_held(&s.secretariat, (planned.id, None)).await.expect("held");
        let store = Arc::new(db.store.clone());
        let body = |name: &str| Body { id: BodyId::from_uuid(uuid::Uuid::now_v7()), name: Name::parse(name).expect("name"), created_at: meeting_day() };

        // The first unit holds the writer's turn, so that (on SQLite) the two
        // behind it queue and land in its batch.
        let mut first = store.begin().await.expect("first");
        first.insert_body(&body("Văn phòng Tỉnh ủy")).await.expect("written");
        let good = {
            let (store, b) = (Arc::clone(&store), body("Ban Tổ chức Tỉnh ủy"));
            tokio::spawn(async move {
                let mut uow = store.begin().await?;
                uow.insert_body(&b).await?;
                uow.commit().await
            })
        };
        let stale = {
            let (store, b) = (Arc::clone(&store), body("Ban Dân vận Tỉnh ủy"));
            tokio::spawn(async move {
                let mut uow = store.begin().await?;
                uow.insert_body(&b).await?;
                older.title = gopy_domain::Title::parse("Tên cũ").expect("title");
                uow.save_meeting(&mut older).await?;
                uow.commit().await
            })
        };
        if store.engine() == Engine::Sqlite {
            while store.writes_waiting() < 2 {
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        }
        first.commit().await.expect("the first is stored");
        good.await.expect("task").expect("the good unit is stored");
        assert!(matches!(stale.await.expect("task"), Err(StoreError::Stale { what: "meeting" })));
        let names: Vec<String> = store.begin_read().await.expect("read").list_bodies().await.expect("bodies").into_iter().map(|b| b.name.to_string()).collect();
        assert!(names.contains(&"Văn phòng Tỉnh ủy".to_owned()) && names.contains(&"Ban Tổ chức Tỉnh ủy".to_owned()), "{names:?}");
        assert!(!names.contains(&"Ban Dân vận Tỉnh ủy".to_owned()), "the stale unit's write is undone with it");
        let now = app.meeting_detail(&s.member, planned.id).await.expect("meeting").meeting;
        assert_eq!(now.title.as_str(), "Hội nghị Ban Thường vụ Tỉnh ủy tháng 6");
        assert_eq!(now.status, gopy_domain::MeetingStatus::Held);
    }

    async fn changes_that_name_no_revision_made_at_once_are_all_kept(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let planned = app.plan_meeting(&s.secretariat, new_meeting(&s)).await.expect("planned");
        let item = NewAgendaItem { title: "Báo cáo sơ kết".into(), presenter: Some(s.report.body), report: None, minutes_allotted: Some(30) };
        let meeting = app.add_agenda_item(&s.secretariat, (planned.id, None), item).await.expect("agenda");
        let agenda = Some(meeting.agenda[0].id);
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let new = NewComment { version: 1, anchor: Default::default(), body: "Cần số liệu cụ thể.".into(), on_behalf_of: None, at_meeting: false };
        let posted = app.post_comment(&s.member, s.report.id, new).await.expect("posted");

        // Eight opinions, four edits and four answers at once, none naming
        // the revision it read: on PostgreSQL they race for the same rows,
        // and each loses at most once to each of the seven others.
        let mut tasks = Vec::new();
        for k in 0..8 {
            let (app, secretariat, id) = (app.clone(), s.secretariat.clone(), meeting.id);
            let speaker = Some(s.member.user);
            tasks.push(tokio::spawn(async move {
                app.record_opinion(&secretariat, (id, None), agenda, speaker, &format!("Ý kiến số {k}.")).await.map(|_| ())
            }));
        }
        for k in 0..4 {
            let (editor, member, id) = (app.clone(), s.member.clone(), posted.id);
            tasks.push(tokio::spawn(async move {
                editor.edit_comment(&member, (id, None), &format!("Cần số liệu cụ thể, lần sửa {k}.")).await.map(|_| ())
            }));
            let (answerer, lead) = (app.clone(), s.lead.clone());
            tasks.push(tokio::spawn(async move {
                answerer.answer_comment(&lead, (id, None), DispositionKind::Explained, &format!("Giải trình lần {k}."), None).await.map(|_| ())
            }));
        }
        for task in tasks {
            task.await.expect("task").expect("each change is made, on the state it finds");
        }
        let now = app.meeting_detail(&s.member, meeting.id).await.expect("meeting").meeting;
        assert_eq!(now.minutes.len(), 8, "no opinion vanished");
        assert_eq!(now.revision, meeting.revision + 8);
        let (_, comment) = app.comment(&s.lead, posted.id).await.expect("comment");
        assert_eq!(comment.revision, 8, "each edit and answer moved it once");
        assert!(comment.body.as_str().starts_with("Cần số liệu cụ thể, lần sửa"));
        assert!(comment.disposition.and_then(|d| d.response).is_some_and(|r| r.as_str().starts_with("Giải trình lần")));
    }

    async fn a_step_or_a_round_closed_on_an_older_reading_is_refused_and_the_newer_stays(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        assert_eq!(s.report.revision, 0);
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let report = app.report_detail(&s.secretariat, s.report.id).await.expect("report").report;
        assert_eq!(report.revision, 1, "a version moves the report's revision");

        // The secretariat opens the round on the page it read; the drafting
        // lead, on the same reading, submits: the second is refused and the
        // round stays open.
        let opened = app.step(&s.secretariat, s.report.id, step(Step::OpenRound, Some(1))).await.expect("opened");
        assert_eq!(opened.report.revision, 2);
        let round = opened.round.clone().expect("the round opened");
        assert_eq!((round.number, round.revision, round.closed_at), (1, 0, None));
        assert!(is_stale(app.take_step(&s.lead, s.report.id, step(Step::Submit, Some(1))).await));
        // A version made on the older reading is refused too: the report's
        // state no longer takes one.
        let version = app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v2.md"), "", &ImportLimits::default()).await;
        assert!(matches!(version, Err(AppError::Closed { .. })), "{version:?}");

        // The unit of work's own older reading: the report and its round
        // read, the round closed by another unit, then written from the
        // older copies.
        let mut uow = db.store.begin_read().await.expect("read");
        let mut older = uow.find_report(s.report.id).await.expect("found").expect("there");
        let mut older_round = uow.rounds_of(s.report.id).await.expect("rounds").pop().expect("a round");
        drop(uow);
        let closed = app.step(&s.secretariat, s.report.id, step(Step::CloseRound, Some(2))).await.expect("closed");
        assert_eq!(closed.report.revision, 3);
        assert_eq!(closed.round.as_ref().map(|r| (r.revision, r.closed_at.is_some())), Some((1, true)));
        let mut uow = db.store.begin().await.expect("unit");
        older.status = ReportStatus::Submitted;
        assert!(matches!(uow.update_report_state(&mut older).await, Err(StoreError::Stale { what: "report" })));
        drop(uow);
        let mut uow = db.store.begin().await.expect("unit");
        assert!(matches!(uow.close_round(&mut older_round, meeting_day()).await, Err(StoreError::Stale { what: "round" })));
        drop(uow);

        let now = app.report_as_written(&s.secretariat, s.report.id).await.expect("report");
        assert_eq!(now.report.status, ReportStatus::Revising, "nothing was undone");
        assert_eq!(now.report.revision, 3);
        assert_eq!(now.round.map(|r| (r.number, r.revision)), Some((1, 1)));
        // With no revision named, the step is decided on the report as it is.
        let submitted = app.take_step(&s.lead, s.report.id, step(Step::Submit, None)).await.expect("submitted");
        assert_eq!((submitted.status, submitted.revision), (ReportStatus::Submitted, 4));
    }

    async fn steps_and_versions_that_name_no_revision_made_at_once_each_see_the_state_they_find(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");

        // Four openings of a round and four new versions at once, none
        // naming a revision: exactly one opening is taken (the others find
        // the round open), and every version taken came before it.
        let mut openings = Vec::new();
        let mut versions = Vec::new();
        for _ in 0..4 {
            let (opener, secretariat, id) = (app.clone(), s.secretariat.clone(), s.report.id);
            openings.push(tokio::spawn(async move { opener.step(&secretariat, id, step(Step::OpenRound, None)).await }));
            let (drafter, lead) = (app.clone(), s.lead.clone());
            versions.push(tokio::spawn(async move {
                drafter.add_version(&lead, id, file("so-ket-giua-nhiem-ky.v2.md"), "", &ImportLimits::default()).await
            }));
        }
        let mut opened = Vec::new();
        for task in openings {
            match task.await.expect("task") {
                Ok(state) => opened.push(state),
                Err(AppError::Step(_)) => {}
                Err(other) => panic!("an opening is taken or finds the round open: {other:?}"),
            }
        }
        let mut made = 0;
        for task in versions {
            match task.await.expect("task") {
                Ok(_) => made += 1,
                Err(AppError::Closed { .. }) => {}
                Err(other) => panic!("a version is made or finds versions closed: {other:?}"),
            }
        }
        assert_eq!(opened.len(), 1, "one round opened");
        let round = opened[0].round.clone().expect("its round");
        assert_eq!(round.version, 1 + made, "the round is on the latest version, made before it");
        let now = app.report_as_written(&s.secretariat, s.report.id).await.expect("report");
        assert_eq!(now.report.revision, 1 + made + 1, "each version and the opening moved it once");
        assert_eq!(now.round.map(|r| r.number), Some(1));
    }
}
