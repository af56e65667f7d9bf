//! Meetings on SQLite and PostgreSQL alike: the meeting of 27/6 planned,
//! its agenda and attendance, an opinion turned into a comment on the
//! draft, the conclusion and its action items, approval, follow-up and the
//! exports; and each bad input refused with its reason.

mod support;

use gopy_app::meetings::{AttendanceInput, FollowUpFilter, FollowUpStatus, NewAction, NewAgendaItem, NewMeeting};
use gopy_app::reports::NewReport;
use gopy_app::{App, AppError, InvalidReason};
use gopy_documents::ImportLimits;
use gopy_domain::{
    ActionStatus, Assignee, Body, Meeting, MeetingProblem, MeetingStatus, Presence, Report, ReportKind,
};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use support::{Story, file, story};
use time::Duration;
use time::macros::date;

struct Setting {
    s: Story,
    office: Body,
    meeting: Meeting,
    other_report: Report,
}

/// The story's committee meets on 27/6, presided by its chair, with the
/// story's report on the agenda; another committee has a report of its own.
async fn setting(app: &App) -> Setting {
    let s = story(app).await;
    let office = app.create_body(None, "Văn phòng Tỉnh ủy").await.expect("body");
    let other = app.create_committee(None, "Ban Thường vụ Huyện ủy").await.expect("committee");
    let other_report = app
        .create_report(
            &s.secretariat,
            NewReport {
                kind: ReportKind::Annual,
                title: "Báo cáo năm của huyện".into(),
                term: None,
                body: Some(office.id),
                committee: Some(other.id),
                drafters: vec![s.drafter.user],
                lead: None,
            },
        )
        .await
        .expect("other report");
    let meeting = app.plan_meeting(&s.secretariat, new_meeting(&s)).await.expect("planned");
    Setting { s, office, meeting, other_report }
}

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

fn rule(err: AppError) -> Option<MeetingProblem> {
    match err {
        AppError::Invalid { reason: InvalidReason::Meeting(p), .. } => Some(p),
        _ => None,
    }
}

on_both_engines! {
    async fn the_agenda_keeps_the_version_and_round_its_meeting_discussed_after_newer_ones(db) {
        use gopy_app::rounds::StepRequest;
        use gopy_domain::workflow::Step;
        let app = db.app_at(meeting_day());
        let Setting { s, meeting, .. } = setting(&app).await;
        let limits = ImportLimits::default();
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
        let item = NewAgendaItem { title: "Báo cáo sơ kết".into(), presenter: Some(s.report.body), report: Some(s.report.id), minutes_allotted: Some(40) };
        app.add_agenda_item(&s.secretariat, (meeting.id, None), item).await.expect("agenda");
        let open = StepRequest { step: Step::OpenRound, deadline: Some(meeting_day() + Duration::days(2)), late_allowed: false, ballot: false, reason: None, schedule: Default::default(), seen: None };
        let close = StepRequest { step: Step::CloseRound, deadline: None, ..open.clone() };
        app.take_step(&s.secretariat, s.report.id, open).await.expect("round 1");
        let about = |app: &App| {
            let (app, actor, id) = (app.clone(), s.member.clone(), meeting.id);
            async move {
                let page = app.meeting_page(&actor, id).await.expect("page");
                page.agenda[0].report.as_ref().map(|r| (r.version, r.round)).expect("a draft")
            }
        };
        // Planned: the draft as it stands.
        assert_eq!(about(&app).await, (Some(1), Some(1)));
        app.mark_meeting_held(&s.secretariat, (meeting.id, None)).await.expect("held");
        app.take_step(&s.secretariat, s.report.id, close).await.expect("closed");
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v2.md"), "", &limits).await.expect("v2");
        // Held: what it discussed, read back from the store.
        assert_eq!(about(&app).await, (Some(1), Some(1)), "the record does not move");
        let stored = app.meeting_detail(&s.member, meeting.id).await.expect("meeting").meeting;
        assert_eq!(stored.agenda[0].about, gopy_domain::DraftAt { version: Some(1), round: Some(1) });
        let minutes = app.export_minutes(&s.member, meeting.id).await.expect("minutes");
        let text = format!("{:?}", gopy_documents::import(&minutes.bytes, &limits).expect("reads back").blocks);
        assert!(text.contains("(dự thảo lần 1)") && !text.contains("dự thảo lần 2"), "{text}");
        assert_eq!(minutes.file_name, "Biên bản - Hội nghị Ban Thường vụ Tỉnh ủy tháng 6.docx");
    }
    async fn the_meeting_of_the_story_is_written_whole_and_an_opinion_becomes_a_comment_awaiting_an_answer(db) {
        let app = db.app_at(meeting_day());
        let Setting { s, office, meeting, .. } = setting(&app).await;
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let item = NewAgendaItem {
            title: "Báo cáo sơ kết giữa nhiệm kỳ".into(),
            presenter: Some(s.report.body),
            report: Some(s.report.id),
            minutes_allotted: Some(45),
        };
        let meeting = app.add_agenda_item(&s.secretariat, (meeting.id, None), item).await.expect("agenda item");
        let attendance = vec![
            AttendanceInput { person: s.chair.user, presence: "present".into(), reason: String::new(), represented_by: None },
            AttendanceInput { person: s.member.user, presence: "absent".into(), reason: "Đi công tác".into(), represented_by: None },
        ];
        app.record_attendance(&s.secretariat, (meeting.id, None), attendance).await.expect("attendance");
        app.mark_meeting_held(&s.secretariat, (meeting.id, None)).await.expect("held");
        let agenda = meeting.agenda[0].id;
        let (_, first) = app
            .record_opinion(&s.secretariat, (meeting.id, None), Some(agenda), Some(s.member.user), "Cần nêu rõ 7/24 chỉ tiêu đạt và vượt.")
            .await
            .expect("opinion");
        app.record_opinion(&s.secretariat, (meeting.id, None), Some(agenda), Some(s.chair.user), "Thống nhất với bố cục.").await.expect("opinion");
        let comment = app.opinion_to_comment(&s.secretariat, (meeting.id, None), first.id).await.expect("comment");
        assert!(comment.at_meeting && comment.awaits_answer());
        assert_eq!((comment.author, comment.recorded_by), (s.member.user, Some(s.secretariat.user)));
        let review = app.review(&s.lead, s.report.id).await.expect("review");
        assert_eq!(review.counts.awaiting, 1);
        let again = app.opinion_to_comment(&s.secretariat, (meeting.id, None), first.id).await.expect_err("once only");
        assert_eq!(rule(again), Some(MeetingProblem::AlreadyAComment));

        app.conclude(&s.chair, (meeting.id, None), "Các dự thảo cơ bản đạt yêu cầu.\nTổ biên tập tiếp thu đầy đủ các ý kiến.").await.expect("concluded");
        let action = NewAction {
            text: "Tiếp thu, hoàn chỉnh dự thảo".into(),
            bodies: vec![office.id],
            people: vec![s.lead.user],
            deadline: Some(date!(2023 - 07 - 10)),
            working_days: None,
        };
        let (_, action) = app.assign_action(&s.chair, (meeting.id, None), action).await.expect("assigned");
        let approved = app.approve_minutes(&s.chair, (meeting.id, None)).await.expect("approved");
        assert_eq!(approved.status, MeetingStatus::MinutesApproved);

        let stored = app.meeting_detail(&s.member, meeting.id).await.expect("the member reads it");
        assert_eq!(stored.meeting, approved, "the meeting reads back as it was written");
        assert_eq!(stored.meeting.minutes[0].comment, Some(comment.id));
        assert!(matches!(stored.meeting.attendance[1].presence, Presence::Absent { .. }));
        assert_eq!(stored.reports[0].1, Some(1));

        let refused = app.record_opinion(&s.secretariat, (meeting.id, None), Some(agenda), Some(s.chair.user), "Thêm").await.expect_err("approved");
        assert_eq!(rule(refused), Some(MeetingProblem::MinutesApproved));
        let refused = app.conclude(&s.chair, (meeting.id, None), "Khác").await.expect_err("approved");
        assert_eq!(rule(refused), Some(MeetingProblem::MinutesApproved));

        // Follow-up goes on after approval; overdue comes from the clock.
        let late = db.app_at(meeting_day() + Duration::days(30));
        let rows = late.follow_up(&s.secretariat, FollowUpFilter { status: Some(FollowUpStatus::Overdue), ..Default::default() }).await.expect("rows");
        assert_eq!(rows.len(), 1);
        let mine = late.follow_up(&s.secretariat, FollowUpFilter { assignee: Some(Assignee::Person(s.lead.user)), ..Default::default() }).await.expect("rows");
        assert_eq!(mine.len(), 1);
        late.follow_up_action(&s.secretariat, (meeting.id, None), action.id, ActionStatus::Done, "Đã gửi dự thảo lần 2").await.expect("done");
        let rows = late.follow_up(&s.secretariat, FollowUpFilter::default()).await.expect("rows");
        assert!(!rows[0].overdue && rows[0].action.status == ActionStatus::Done);

        let events = {
            let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
            uow.audit_events_about("meeting", meeting.id.as_uuid()).await.expect("events")
        };
        let names: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
        for expected in ["meeting.planned", "meeting.opinion_commented", "meeting.minutes_approved", "meeting.action_followed_up"] {
            assert!(names.contains(&expected), "{expected} in {names:?}");
        }
    }

    async fn bad_meetings_agenda_items_and_action_items_are_refused_with_their_reasons(db) {
        let app = db.app_at(meeting_day());
        let Setting { s, office, meeting, other_report } = setting(&app).await;
        let backwards = NewMeeting { ends_at: Some(meeting_day() - Duration::hours(1)), ..new_meeting(&s) };
        let err = app.plan_meeting(&s.secretariat, backwards).await.expect_err("ends before it starts");
        assert!(matches!(err, AppError::Invalid { field: "ends_at", .. }));
        let item = NewAgendaItem {
            title: "Báo cáo của huyện".into(),
            presenter: Some(office.id),
            report: Some(other_report.id),
            minutes_allotted: Some(20),
        };
        let err = app.add_agenda_item(&s.secretariat, (meeting.id, None), item).await.expect_err("another committee's report");
        assert_eq!(rule(err), Some(MeetingProblem::ReportOfAnotherCommittee));
        let nobody = NewAction { text: "Báo cáo lại".into(), bodies: vec![], people: vec![], deadline: Some(date!(2023 - 07 - 10)), working_days: None };
        assert_eq!(rule(app.assign_action(&s.chair, (meeting.id, None), nobody).await.expect_err("no assignee")), Some(MeetingProblem::NoAssignee));
        let undated = NewAction { text: "Báo cáo lại".into(), bodies: vec![office.id], people: vec![], deadline: None, working_days: None };
        assert_eq!(rule(app.assign_action(&s.chair, (meeting.id, None), undated).await.expect_err("no deadline")), Some(MeetingProblem::NoDeadline));
        // The member reads the meeting but neither writes minutes nor concludes it.
        assert!(app.meeting_detail(&s.member, meeting.id).await.is_ok());
        assert!(matches!(app.conclude(&s.member, (meeting.id, None), "Kết luận").await, Err(AppError::Forbidden)));
        assert!(matches!(app.mark_meeting_held(&s.member, (meeting.id, None)).await, Err(AppError::Forbidden)));
        // Another committee's member does not even see it.
        assert!(matches!(app.meeting_detail(&s.stranger, meeting.id).await, Err(AppError::NotFound { .. })));
        assert!(app.meetings_for(&s.stranger).await.expect("list").is_empty());
        let unchanged = app.meeting_detail(&s.secretariat, meeting.id).await.expect("meeting").meeting;
        assert_eq!(unchanged, meeting, "nothing refused was written");
    }

    async fn the_minutes_and_the_notice_read_back_with_attendance_agenda_conclusion_and_actions(db) {
        let app = db.app_at(meeting_day());
        let Setting { s, office, meeting, .. } = setting(&app).await;
        let item = NewAgendaItem { title: "Báo cáo sơ kết giữa nhiệm kỳ".into(), presenter: Some(s.report.body), report: Some(s.report.id), minutes_allotted: Some(45) };
        app.add_agenda_item(&s.secretariat, (meeting.id, None), item).await.expect("agenda");
        let attendance = vec![AttendanceInput { person: s.member.user, presence: "represented".into(), reason: String::new(), represented_by: Some(s.drafter.user) }];
        app.record_attendance(&s.secretariat, (meeting.id, None), attendance).await.expect("attendance");
        app.conclude(&s.secretariat, (meeting.id, None), "Các dự thảo cơ bản đạt yêu cầu.").await.expect("concluded");
        let action = NewAction { text: "Văn phòng Tỉnh ủy theo dõi, đôn đốc".into(), bodies: vec![office.id], people: vec![], deadline: Some(date!(2023 - 07 - 15)), working_days: None };
        app.assign_action(&s.secretariat, (meeting.id, None), action).await.expect("assigned");
        for download in [
            app.export_minutes(&s.member, meeting.id).await.expect("minutes"),
            app.export_conclusion_notice(&s.member, meeting.id).await.expect("notice"),
        ] {
            let imported = gopy_documents::import(&download.bytes, &ImportLimits::default()).expect("reads back");
            let text: String = imported.blocks.iter().map(|b| format!("{b:?}\n")).collect();
            for expected in ["Báo cáo sơ kết giữa nhiệm kỳ", "Ban Tuyên giáo Tỉnh ủy", "Các dự thảo cơ bản đạt yêu cầu", "Văn phòng Tỉnh ủy theo dõi, đôn đốc", "15/07/2023"] {
                assert!(text.contains(expected), "{} lacks {expected}", download.file_name);
            }
        }
        let minutes = app.export_minutes(&s.member, meeting.id).await.expect("minutes");
        let text = format!("{:?}", gopy_documents::import(&minutes.bytes, &ImportLimits::default()).expect("reads back").blocks);
        assert!(text.contains("Trần Ủy Viên") && text.contains("Hoàng Biên Tập"), "attendance with who came instead");
        let ics = String::from_utf8(app.export_ics(&s.member, meeting.id).await.expect("ics").bytes).expect("utf-8");
        assert!(ics.contains("DTSTART:20230627T010000Z\r\n"));
    }
}

/// The calendar mails waiting for `user`: (kind, sequence, reason), by sequence.
async fn calendar_mails(db: &gopy_store::testing::TestDatabase, user: gopy_domain::UserId) -> Vec<(String, u64, Option<String>)> {
    let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
    let all = uow.unsent_messages_to(user).await.expect("outbox");
    let mut mails: Vec<(String, u64, Option<String>)> = all
        .iter()
        .filter_map(|m| m.notice.as_ref().ok().and_then(gopy_domain::CalendarMail::of))
        .map(|(mail, notice)| (mail.kind().to_owned(), u64::from(notice.sequence), notice.reason.clone()))
        .collect();
    // The test clock stands still, so the order they were written in is the sequence's.
    mails.sort_by_key(|m| m.1);
    mails
}

on_both_engines! {
    async fn a_meeting_changed_on_its_page_invites_updates_and_cancels_its_guests_under_one_sequence(db) {
        let app = db.app_at(meeting_day() - Duration::days(7));
        let Setting { s, office, meeting, .. } = setting(&app).await;
        // Planned: the presiding chair and the invited member each get one invitation.
        assert_eq!(calendar_mails(&db, s.chair.user).await, vec![("meeting.invited".into(), 0, None)]);
        assert_eq!(calendar_mails(&db, s.member.user).await, vec![("meeting.invited".into(), 0, None)]);

        // Two agenda items, then the second moved first, edited, and the first removed.
        let item = |title: &str| NewAgendaItem { title: title.into(), presenter: Some(office.id), report: None, minutes_allotted: Some(30) };
        let m = app.add_agenda_item(&s.secretariat, (meeting.id, None), item("Báo cáo sơ kết")).await.expect("first");
        let m = app.add_agenda_item(&s.secretariat, (m.id, Some(m.revision)), item("Báo cáo kiểm điểm")).await.expect("second");
        let (first, second) = (m.agenda[0].id, m.agenda[1].id);
        let m = app.move_agenda_item(&s.secretariat, (m.id, Some(m.revision)), second, 1).await.expect("moved");
        assert_eq!(m.agenda.iter().map(|a| (a.position, a.title.to_string())).collect::<Vec<_>>(), vec![(1, "Báo cáo kiểm điểm".into()), (2, "Báo cáo sơ kết".into())]);
        let stale = app.move_agenda_item(&s.secretariat, (m.id, Some(m.revision - 1)), second, 2).await.expect_err("stale");
        assert!(matches!(stale, AppError::Stale { .. }), "{stale:?}");
        let m = app
            .change_agenda_item(&s.secretariat, (m.id, Some(m.revision)), second, NewAgendaItem { minutes_allotted: Some(45), ..item("Kiểm điểm tập thể") })
            .await
            .expect("edited");
        let refused = app
            .change_agenda_item(&s.secretariat, (m.id, Some(m.revision)), second, NewAgendaItem { minutes_allotted: Some(0), ..item("x") })
            .await
            .expect_err("no time");
        assert_eq!(rule(refused), Some(MeetingProblem::TimeAllotted));
        let m = app.remove_agenda_item(&s.secretariat, (m.id, Some(m.revision)), first).await.expect("removed");
        assert_eq!(m.agenda.len(), 1);
        assert_eq!((m.agenda[0].position, m.agenda[0].minutes_allotted), (1, 45));
        assert_eq!(m.sequence, 5, "two items added, one moved, one edited, one removed");

        // Moved a day later, the member taken off the list, the office's head added.
        let mut moved = new_meeting(&s);
        moved.starts_at = moved.starts_at.map(|t| t + Duration::days(1));
        moved.ends_at = moved.ends_at.map(|t| t + Duration::days(1));
        moved.invited = vec![s.chair.user, s.lead.user];
        let m = app.change_meeting(&s.secretariat, (m.id, Some(m.revision)), moved).await.expect("moved");
        assert_eq!(m.sequence, 6);
        let chair = calendar_mails(&db, s.chair.user).await;
        assert_eq!(chair.len(), 7, "the invitation and six updates: {chair:?}");
        assert_eq!(chair.last(), Some(&("meeting.updated".into(), 6, None)));
        assert_eq!(calendar_mails(&db, s.member.user).await.last(), Some(&("meeting.cancelled".into(), 6, None)), "taken off the list: no reason told");
        assert_eq!(calendar_mails(&db, s.lead.user).await, vec![("meeting.invited".into(), 6, None)]);

        // Cancelled with a reason: everyone still invited hears it, once.
        let refused = app.cancel_meeting(&s.secretariat, (m.id, Some(m.revision)), "  ").await.expect_err("a reason is needed");
        assert!(matches!(refused, AppError::Invalid { field: "reason", .. }), "{refused:?}");
        let m = app.cancel_meeting(&s.secretariat, (m.id, Some(m.revision)), "Trùng lịch hội nghị Trung ương").await.expect("cancelled");
        assert_eq!((m.status, m.sequence), (MeetingStatus::Cancelled, 7));
        let reason = Some("Trùng lịch hội nghị Trung ương".to_owned());
        assert_eq!(calendar_mails(&db, s.lead.user).await.last(), Some(&("meeting.cancelled".into(), 7, reason.clone())));
        assert_eq!(calendar_mails(&db, s.chair.user).await.last(), Some(&("meeting.cancelled".into(), 7, reason)));
        assert_eq!(calendar_mails(&db, s.member.user).await.len(), 7, "no longer invited: nothing more");

        // It reads back cancelled, and nothing changes it any more.
        let stored = app.meeting_detail(&s.member, m.id).await.expect("read").meeting;
        assert_eq!(stored, m);
        assert_eq!(stored.cancellation.as_ref().map(|c| c.by), Some(s.secretariat.user));
        let refused = app.add_agenda_item(&s.secretariat, (m.id, None), item("Thêm")).await.expect_err("cancelled");
        assert_eq!(rule(refused), Some(MeetingProblem::Cancelled));
        let refused = app.cancel_meeting(&s.secretariat, (m.id, None), "Lần nữa").await.expect_err("once");
        assert_eq!(rule(refused), Some(MeetingProblem::Cancelled));
        let page = app.meeting_page(&s.secretariat, m.id).await.expect("page");
        assert!(!page.may.change.is_yes() && !page.may.manage && !page.may.mark_held);
        assert_eq!(page.may.cancel.why_not(), Some(&gopy_app::WhyNot::MeetingState(MeetingStatus::Cancelled)));
        // A member is not offered what the role does not allow, and not told why.
        let page = app.meeting_page(&s.member, m.id).await.expect("page");
        assert_eq!(page.may.change, gopy_app::Offer::No(gopy_app::WhyNot::Role));

        // The download is the cancellation, under the same UID and sequence.
        let ics = String::from_utf8(app.export_ics(&s.member, m.id).await.expect("ics").bytes).expect("utf-8");
        assert!(ics.contains("METHOD:CANCEL") && ics.contains("SEQUENCE:7"), "{ics}");
        assert!(ics.contains(&format!("UID:{}", gopy_domain::calendar_uid(m.id))), "{ics}");
    }
}
