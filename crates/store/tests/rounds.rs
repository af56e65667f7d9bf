//! A report's life on SQLite and PostgreSQL alike: rounds with deadlines,
//! submission and approval, returns, ballots, the locks, and the timeline.

mod support;

use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::rounds::StepRequest;
use gopy_app::{AppError, InvalidReason};
use gopy_documents::ImportLimits;
use gopy_domain::workflow::{Step, StepRefused, Vote};
use gopy_domain::{DispositionKind, ReportStatus};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use support::{file, story};
use time::Duration;

fn step(step: Step) -> StepRequest {
    StepRequest { step, deadline: None, late_allowed: false, ballot: false, reason: None, schedule: Default::default(), seen: None }
}

fn open_until(deadline: time::OffsetDateTime, ballot: bool, late_allowed: bool) -> StepRequest {
    StepRequest { deadline: Some(deadline), ballot, late_allowed, ..step(Step::OpenRound) }
}

fn whole(version: u32, body: &str) -> NewComment {
    NewComment { version, anchor: NewAnchor::default(), body: body.to_owned(), on_behalf_of: None, at_meeting: false }
}

on_both_engines! {
    async fn the_report_page_counts_what_a_step_leaves_behind_and_keeps_the_return_reason_until_the_next_submission(db) {
        use gopy_app::Fresh;
        use gopy_app::reports::{Consequences, ReportPage};
        let day = meeting_day();
        let app = db.app_at(day);
        let s = story(&app).await;
        let id = s.report.id;
        let limits = ImportLimits::default();
        let page = |actor| {
            let app = &app;
            async move {
                match app.report_page(actor, id, None).await.expect("page") {
                    Fresh::Changed { model, .. } => model,
                    Fresh::Unchanged { .. } => panic!("a reader holding nothing gets the page"),
                }
            }
        };
        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
        // Round 1 with a ballot: the member comments (and withdraws a second
        // comment, which does not count) and votes; the chair does neither.
        app.take_step(&s.secretariat, id, open_until(day + Duration::days(2), true, false)).await.expect("open");
        let kept = app.post_comment(&s.member, id, whole(1, "Cần bổ sung số liệu.")).await.expect("comment");
        let gone = app.post_comment(&s.member, id, whole(1, "Ý kiến rút lại.")).await.expect("comment");
        app.withdraw_comment(&s.member, gone.id, "").await.expect("withdrawn");
        app.vote(&s.member, id, Vote::Agree, "").await.expect("vote");
        let ReportPage { life, .. } = page(&s.secretariat).await;
        assert_eq!(
            life.consequences,
            Consequences { latest_version: Some(1), round: Some((1, 1)), members: 2, not_commented: 1, not_voted: Some(1), unanswered: 1 }
        );
        assert_eq!(life.ballot.as_ref().map(|b| (b.round, b.version)), Some((1, 1)));
        app.take_step(&s.secretariat, id, step(Step::CloseRound)).await.expect("closed");
        app.answer_comment(&s.lead, (kept.id, None), DispositionKind::Accepted, "Đã bổ sung.", None).await.expect("answered");
        app.publish_answers(&s.lead, id).await.expect("published, so the member counts it answered");
        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v2.md"), "", &limits).await.expect("v2");

        // Round 2 without a ballot: round 1's tally is not shown as if current.
        app.take_step(&s.secretariat, id, open_until(day + Duration::days(2), false, false)).await.expect("open 2");
        let ReportPage { life, .. } = page(&s.member).await;
        assert!(life.ballot.is_none(), "round 2 has no ballot");
        assert_eq!(life.consequences.round, Some((2, 2)));
        assert_eq!((life.consequences.not_commented, life.consequences.not_voted, life.consequences.unanswered), (2, None, 0));
        app.take_step(&s.secretariat, id, step(Step::CloseRound)).await.expect("closed 2");
        app.take_step(&s.lead, id, step(Step::Submit)).await.expect("submitted");
        let reason = StepRequest { reason: Some("Cần làm rõ nguyên nhân".into()), ..step(Step::Return) };
        app.take_step(&s.chair, id, reason).await.expect("returned");

        // The drafting team reads the reason on the report page, until it submits again.
        let returned = page(&s.drafter).await.life.returned.expect("the reason is shown");
        assert_eq!((returned.reason.as_str(), returned.by.as_deref(), returned.at), ("Cần làm rõ nguyên nhân", Some("Võ Bí Thư"), day));
        app.take_step(&s.lead, id, step(Step::Submit)).await.expect("submitted again");
        assert_eq!(page(&s.drafter).await.life.returned, None, "gone once submitted again");
    }
    async fn a_report_goes_through_two_rounds_to_approval_and_is_locked_after(db) {
        let day = meeting_day();
        let app = db.app_at(day);
        let s = story(&app).await;
        let limits = ImportLimits::default();
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
        let opened = app.take_step(&s.secretariat, s.report.id, open_until(day + Duration::days(2), true, false)).await.expect("open");
        assert_eq!(opened.status, ReportStatus::OpenForComments);
        let during = app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v2.md"), "", &limits).await;
        assert!(matches!(during, Err(AppError::Closed { what: "versions", .. })), "{during:?}");
        let comment = app.post_comment(&s.member, s.report.id, whole(1, "Cần ngắn gọn hơn.")).await.expect("comment");
        assert!(!comment.late);
        app.vote(&s.member, s.report.id, Vote::Disagree, "").await.expect("vote");
        app.vote(&s.member, s.report.id, Vote::Other, "Đồng ý nếu rút gọn phần IV").await.expect("changed vote");
        let ballot = app.ballot(&s.chair, s.report.id).await.expect("ballot").expect("a ballot");
        assert_eq!((ballot.agree, ballot.disagree, ballot.other), (0, 0, 1), "a changed vote counts once");
        assert!(ballot.not_voted.contains(&s.chair.user) && !ballot.not_voted.contains(&s.member.user));

        app.take_step(&s.secretariat, s.report.id, step(Step::CloseRound)).await.expect("closed");
        let after = app.post_comment(&s.member, s.report.id, whole(1, "Muộn.")).await;
        assert!(matches!(after, Err(AppError::Closed { what: "comments", .. })), "{after:?}");
        let early = app.take_step(&s.lead, s.report.id, step(Step::Submit)).await;
        match early {
            Err(AppError::Step(StepRefused::Unanswered(open))) => assert_eq!(open, vec![comment.id]),
            other => panic!("submission with an unanswered comment: {other:?}"),
        }
        app.answer_comment(&s.lead, (comment.id, None), DispositionKind::Accepted, "", Some(2)).await.err();
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v2.md"), "", &limits).await.expect("v2");
        app.answer_comment(&s.lead, (comment.id, None), DispositionKind::Accepted, "", Some(2)).await.expect("answered");

        // Round 2, then submission, a return with a reason, and approval.
        app.take_step(&s.secretariat, s.report.id, open_until(day + Duration::days(1), false, false)).await.expect("round 2");
        app.take_step(&s.secretariat, s.report.id, step(Step::CloseRound)).await.expect("closed");
        app.take_step(&s.lead, s.report.id, step(Step::Submit)).await.expect("submitted");
        let by_member = app.take_step(&s.member, s.report.id, step(Step::Approve)).await;
        assert!(matches!(by_member, Err(AppError::Forbidden)), "{by_member:?}");
        let silent = app.take_step(&s.chair, s.report.id, step(Step::Return)).await;
        assert!(matches!(silent, Err(AppError::Invalid { field: "reason", .. })), "{silent:?}");
        let returned = StepRequest { reason: Some("Bổ sung số liệu 6 tháng".into()), ..step(Step::Return) };
        assert_eq!(app.take_step(&s.chair, s.report.id, returned).await.expect("returned").status, ReportStatus::Revising);
        app.take_step(&s.lead, s.report.id, step(Step::Submit)).await.expect("submitted again");
        let approved = app.take_step(&s.chair, s.report.id, step(Step::Approve)).await.expect("approved");
        assert_eq!(approved.status, ReportStatus::Approved);
        let approval = approved.approval.expect("who and when");
        assert_eq!((approval.version, approval.by, approval.at), (2, s.chair.user, day));
        let detail = app.report_detail(&s.member, s.report.id).await.expect("detail");
        assert_eq!(detail.report.approval, Some(approval), "the approval is stored");

        // Locked: no version, comment, answer or reply; no step at all.
        let version = app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await;
        assert!(matches!(version, Err(AppError::Closed { .. })), "{version:?}");
        assert!(matches!(app.post_comment(&s.member, s.report.id, whole(2, "x")).await, Err(AppError::Closed { .. })));
        let answer = app.answer_comment(&s.lead, (comment.id, None), DispositionKind::Explained, "Giải trình", None).await;
        assert!(matches!(answer, Err(AppError::Closed { .. })), "{answer:?}");
        assert!(matches!(app.reply(&s.member, comment.id, "x").await, Err(AppError::Closed { .. })));
        // And the pages offer none of it, saying why: the version approved on that day.
        let approved_on = gopy_app::WhyNot::Approved { on: day.to_offset(gopy_domain::meeting::VIETNAM).date() };
        let Ok(gopy_app::Fresh::Changed { model: page, .. }) = app.version_page(&s.member, s.report.id, 2, None).await else {
            panic!("the approved version's page")
        };
        assert_eq!(page.form.comment, gopy_app::Offer::No(approved_on.clone()));
        let thread = app.thread_card(&s.member, comment.id, Some(2)).await.expect("the comment's card").thread;
        assert!(!thread.may.reply && !thread.may.withdraw && !thread.may.edit);
        assert_eq!(thread.closed, Some(approved_on), "the card says why it takes no reply");
        match app.take_step(&s.secretariat, s.report.id, open_until(day + Duration::days(1), false, false)).await {
            Err(AppError::Step(StepRefused::NotNow { state, allowed, .. })) => {
                assert_eq!(state, ReportStatus::Approved);
                assert!(allowed.is_empty());
            }
            other => panic!("{other:?}"),
        }

        let timeline = app.timeline(&s.member, s.report.id).await.expect("timeline");
        let actions: Vec<&str> = timeline.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions.first(), Some(&"report.created"));
        assert_eq!(actions.iter().filter(|a| **a == "report.step").count(), 8, "{actions:?}");
        assert!(actions.contains(&"ballot.cast") && actions.contains(&"comment.answered") && actions.contains(&"version.created"));
        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        let to_chair = uow.unsent_messages_to(s.chair.user).await.expect("outbox");
        assert_eq!(to_chair.iter().filter(|m| m.kind_name() == "report.submitted").count(), 2);
        let to_lead = uow.unsent_messages_to(s.lead.user).await.expect("outbox");
        assert!(to_lead.iter().any(|m| m.kind_name() == "report.approved") && to_lead.iter().any(|m| m.kind_name() == "report.returned"));
    }

    async fn a_round_needs_a_future_deadline_and_late_comments_are_taken_only_when_allowed(db) {
        let day = meeting_day();
        let app = db.app_at(day);
        let s = story(&app).await;
        let none = app.take_step(&s.secretariat, s.report.id, open_until(day + Duration::days(1), false, false)).await;
        assert!(matches!(none, Err(AppError::Step(StepRefused::NoVersion))), "{none:?}");
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let past = app.take_step(&s.secretariat, s.report.id, open_until(day - Duration::hours(1), false, false)).await;
        assert!(matches!(past, Err(AppError::Invalid { field: "deadline", reason: InvalidReason::Rule(_) })), "{past:?}");
        let missing = app.take_step(&s.secretariat, s.report.id, step(Step::OpenRound)).await;
        assert!(matches!(missing, Err(AppError::Invalid { field: "deadline", .. })), "{missing:?}");
        let by_drafter = app.take_step(&s.lead, s.report.id, open_until(day + Duration::days(1), false, true)).await;
        assert!(matches!(by_drafter, Err(AppError::Forbidden)), "{by_drafter:?}");
        app.take_step(&s.secretariat, s.report.id, open_until(day + Duration::days(1), false, true)).await.expect("open");

        let later = db.app_at(day + Duration::days(2));
        let late = later.post_comment(&s.member, s.report.id, whole(1, "Gửi sau hạn.")).await.expect("late comment");
        assert!(late.late, "marked late");
        let vote = later.vote(&s.member, s.report.id, Vote::Agree, "").await;
        assert!(matches!(vote, Err(AppError::Closed { what: "ballot", .. })), "no ballot in this round: {vote:?}");
        let dashboard = later.dashboard(&s.secretariat).await.expect("dashboard");
        let row = dashboard.iter().find(|r| r.report.id == s.report.id).expect("the report");
        assert!(row.overdue, "the open round's deadline has passed");
        assert_eq!((row.counts.comments, row.counts.awaiting, row.versions), (1, 1, 1));
        assert!(matches!(later.dashboard(&s.member).await, Err(AppError::Forbidden)));
        let again = app.take_step(&s.chair, s.report.id, step(Step::Approve)).await;
        match again {
            Err(AppError::Step(StepRefused::NotNow { state, allowed, .. })) => {
                assert_eq!(state, ReportStatus::OpenForComments);
                assert_eq!(allowed, vec![Step::CloseRound]);
            }
            other => panic!("{other:?}"),
        }
    }
}

on_both_engines! {
    async fn the_report_page_is_unchanged_until_the_report_changes_or_the_rounds_deadline_passes(db) {
        use gopy_app::Fresh;
        let day = meeting_day();
        let app = db.app_at(day);
        let s = story(&app).await;
        let id = s.report.id;
        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        app.take_step(&s.secretariat, id, open_until(day + Duration::days(2), true, false)).await.expect("open");
        let Fresh::Changed { change_count: held, model } = app.report_page(&s.member, id, None).await.expect("page") else {
            panic!("a reader holding nothing gets the page")
        };
        assert!(model.life.vote.is_yes() && !model.life.overdue, "the ballot is open");
        assert!(model.life.steps.is_empty(), "a member takes no step");
        assert!(matches!(app.report_page(&s.member, id, Some(held)).await, Ok(Fresh::Unchanged { change_count }) if change_count == held));
        assert!(
            matches!(app.report_page(&s.stranger, id, Some(held)).await, Err(AppError::NotFound { .. })),
            "one who may not read the report is not told it is unchanged"
        );

        // The deadline passing changes what the page offers, with no change recorded.
        let later = db.app_at(day + Duration::days(3));
        match later.report_page(&s.member, id, Some(held)).await.expect("page after the deadline") {
            Fresh::Changed { change_count, model } => {
                assert_ne!(change_count, held);
                assert!(model.life.overdue && !model.life.vote.is_yes(), "overdue, and the ballot closed");
                let closed_on = (day + Duration::days(2)).to_offset(gopy_domain::meeting::VIETNAM).date();
                assert_eq!(model.life.vote.why_not(), Some(&gopy_app::WhyNot::RoundClosed { on: closed_on }), "and says since when");
            }
            Fresh::Unchanged { .. } => panic!("the page before the deadline is stale after it"),
        }

        // A comment changes the report, its table of dispositions with it.
        let Fresh::Changed { change_count: table, model } = app.dispositions(&s.member, id, &[]).await.expect("table") else {
            panic!("a reader holding nothing gets the table")
        };
        assert!(model.rows.is_empty());
        assert!(matches!(app.dispositions(&s.member, id, &[table]).await, Ok(Fresh::Unchanged { .. })));
        app.post_comment(&s.member, id, whole(1, "Cần số liệu cụ thể hơn.")).await.expect("comment");
        match app.report_page(&s.member, id, Some(held)).await.expect("page") {
            Fresh::Changed { model, .. } => assert_eq!(model.life.counts.comments, 1),
            Fresh::Unchanged { .. } => panic!("a new comment changes the page"),
        }
        match app.dispositions(&s.member, id, &[table]).await.expect("table") {
            Fresh::Changed { change_count, model } => {
                assert_ne!(change_count, table);
                assert_eq!(model.rows.len(), 1);
                assert_eq!(model.rows[0].passage, gopy_app::reports::Passage::WholeReport);
                assert_eq!(model.rows[0].commenter, "Trần Ủy Viên", "named through the directory");
            }
            Fresh::Unchanged { .. } => panic!("a new comment changes the table"),
        }
    }
}

on_both_engines! {
    async fn the_version_page_offers_the_comment_form_only_while_it_works_and_says_why_not(db) {
        use gopy_app::{Fresh, Offer, WhyNot};
        let day = meeting_day();
        let app = db.app_at(day);
        let s = story(&app).await;
        let id = s.report.id;
        let limits = ImportLimits::default();
        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
        let page = |app: gopy_app::App, known| {
            let member = s.member.clone();
            async move { app.version_page(&member, id, 1, known).await.expect("the version page") }
        };
        app.take_step(&s.secretariat, id, open_until(day + Duration::days(2), false, false)).await.expect("open");
        let Fresh::Changed { change_count: held, model } = page(app.clone(), None).await else { panic!("the page") };
        assert_eq!(model.form.comment, Offer::Yes, "the round is open");
        assert!(matches!(page(app.clone(), Some(held)).await, Fresh::Unchanged { .. }));

        // The deadline passes: the page a reader holds is stale, and says why no form.
        let later = db.app_at(day + Duration::days(3));
        let Fresh::Changed { change_count, model } = page(later.clone(), Some(held)).await else {
            panic!("the page seen before the deadline is stale after it")
        };
        assert_ne!(change_count, held);
        let deadline = (day + Duration::days(2)).to_offset(gopy_domain::meeting::VIETNAM).date();
        assert_eq!(model.form.comment, Offer::No(WhyNot::RoundClosed { on: deadline }));
        // A stranger to the committee is not told why: the form is simply not theirs.
        let stranger = later.version_page(&s.stranger, id, 1, None).await;
        assert!(!matches!(stranger, Ok(Fresh::Changed { ref model, .. }) if model.form.comment.why_not().is_some()));

        // Closed early, the round says the day it closed; an older version points to the latest.
        later.take_step(&s.secretariat, id, step(Step::CloseRound)).await.expect("closed");
        let Fresh::Changed { model, .. } = page(later.clone(), None).await else { panic!("the page") };
        let closed = (day + Duration::days(3)).to_offset(gopy_domain::meeting::VIETNAM).date();
        assert_eq!(model.form.comment, Offer::No(WhyNot::RoundClosed { on: closed }));
        later.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v2.md"), "", &limits).await.expect("v2");
        let Fresh::Changed { model, .. } = page(later.clone(), None).await else { panic!("the page") };
        assert_eq!(model.form.comment, Offer::No(WhyNot::NotLatest { latest: 2 }));
    }
}
