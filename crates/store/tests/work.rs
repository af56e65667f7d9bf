//! "Việc của tôi" on SQLite and PostgreSQL alike: what awaits each person
//! of the story as a report goes through a round, its answers, submission
//! and a return; and the dashboard as a chair sees it.

mod support;

use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::rounds::StepRequest;
use gopy_documents::ImportLimits;
use gopy_domain::workflow::{Step, Vote};
use gopy_domain::DispositionKind;
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use support::{file, story};
use time::Duration;

fn step(step: Step) -> StepRequest {
    StepRequest { step, deadline: None, late_allowed: false, ballot: false, reason: None, schedule: Default::default(), seen: None }
}

/// What a freshly started instance (its own memory) keeps for the member: nothing.
fn later_app_count(db: &gopy_store::testing::TestDatabase, s: &support::Story) -> Option<usize> {
    db.app_at(meeting_day()).kept_work_count(s.member.user)
}

on_both_engines! {
    async fn each_person_is_told_what_awaits_them_as_a_report_goes_round(db) {
        let day = meeting_day();
        let app = db.app_at(day);
        let s = story(&app).await;
        let limits = ImportLimits::default();
        let id = s.report.id;

        // Nothing yet, for anyone: the report has no version.
        for actor in [&s.member, &s.chair, &s.lead, &s.stranger] {
            let work = app.my_work(actor).await.expect("work");
            assert!(work.is_empty(), "{work:?}");
            assert_eq!(app.kept_work_count(actor.user), Some(0), "the count is kept for the header");
        }

        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
        let deadline = day + Duration::days(2);
        let open = StepRequest { deadline: Some(deadline), ballot: true, ..step(Step::OpenRound) };
        app.take_step(&s.secretariat, id, open).await.expect("round 1");

        // The member: a draft open for their comments, two days left, untouched.
        let work = app.my_work(&s.member).await.expect("member's work");
        assert_eq!(work.to_comment.len(), 1, "{work:?}");
        let draft = &work.to_comment[0];
        assert_eq!((draft.report.id, draft.round, draft.version, draft.days_left), (id, 1, 1, 2));
        assert_eq!(draft.deadline, deadline);
        assert!(draft.ballot && draft.untouched() && !draft.late);
        assert_eq!(draft.report.committee.as_deref(), Some("Ban Thường vụ Tỉnh ủy"));
        assert_eq!(work.awaiting(), 1);
        assert_eq!(app.kept_work_count(s.member.user), Some(1));
        assert_eq!(later_app_count(db, &s), None, "another instance has counted nothing");
        assert!(!work.may_view_dashboard);

        // The chair: the same draft, and the open ballot with nobody voted.
        let work = app.my_work(&s.chair).await.expect("chair's work");
        assert_eq!(work.to_comment.len(), 1);
        assert_eq!(work.ballots.len(), 1, "{work:?}");
        assert_eq!((work.ballots[0].voted, work.ballots[0].members, work.ballots[0].mine_cast), (0, 2, false));
        assert!(work.may_view_dashboard);

        // The member comments and votes: the draft stays, done.
        let comment = NewComment {
            version: 1,
            anchor: NewAnchor::default(),
            body: "Cần bổ sung số liệu.".into(),
            on_behalf_of: None,
            at_meeting: false,
        };
        let comment = app.post_comment(&s.member, id, comment).await.expect("comment");
        app.vote(&s.member, id, Vote::Agree, "").await.expect("vote");
        let work = app.my_work(&s.member).await.expect("member's work");
        assert_eq!((work.to_comment[0].commented, work.to_comment[0].voted), (1, true));
        assert_eq!(work.awaiting(), 0);
        let ballot = &app.my_work(&s.chair).await.expect("chair's work").ballots[0];
        assert_eq!((ballot.voted, ballot.members), (1, 2));

        // The drafting team: one comment to answer, the round open on their report.
        let work = app.my_work(&s.lead).await.expect("lead's work");
        assert_eq!(work.to_answer.len(), 1, "{work:?}");
        assert_eq!(work.to_answer[0].awaiting, 1);
        assert_eq!(work.rounds.len(), 1);
        assert!(!work.rounds[0].may_close && !work.rounds[0].overdue);
        assert!(work.to_comment.is_empty(), "the team does not sit on the committee");
        assert_eq!(work.awaiting(), 1);

        // The secretariat: the round, which they may close, and no more.
        let work = app.my_work(&s.secretariat).await.expect("secretariat's work");
        assert_eq!(work.rounds.len(), 1);
        assert!(work.rounds[0].may_close && !work.rounds[0].overdue);
        assert_eq!(work.awaiting(), 0);

        // Three days on, the deadline has passed: the member's draft is
        // gone, the round is overdue for the secretariat to close.
        let later = db.app_at(day + Duration::days(3));
        assert!(later.my_work(&s.member).await.expect("work").to_comment.is_empty());
        let work = later.my_work(&s.secretariat).await.expect("work");
        assert!(work.rounds[0].overdue && work.rounds[0].days_left < 0);
        assert_eq!(work.awaiting(), 1);

        // Closed, revised, answered: ready to submit; the member hears the answer.
        app.take_step(&s.secretariat, id, step(Step::CloseRound)).await.expect("closed");
        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v2.md"), "", &limits).await.expect("v2");
        app.answer_comment(&s.lead, (comment.id, None), DispositionKind::Accepted, "", Some(2)).await.expect("answered");
        app.publish_answers(&s.lead, id).await.expect("published");
        let work = app.my_work(&s.lead).await.expect("lead's work");
        assert!(work.to_answer.is_empty() && work.rounds.is_empty(), "{work:?}");
        assert_eq!(work.to_submit.len(), 1);
        assert_eq!(work.to_submit[0].version, 2);
        assert_eq!(app.my_work(&s.secretariat).await.expect("work").to_submit.len(), 1);
        let work = app.my_work(&s.member).await.expect("member's work");
        assert_eq!(work.answered.len(), 1, "{work:?}");
        assert_eq!(work.answered[0].answered, 1);
        assert_eq!(work.awaiting(), 0, "an answer is news, not work");

        // Submitted: the chair has it to approve.
        app.take_step(&s.lead, id, step(Step::Submit)).await.expect("submitted");
        assert!(app.my_work(&s.lead).await.expect("work").to_submit.is_empty());
        let work = app.my_work(&s.chair).await.expect("chair's work");
        assert_eq!(work.to_approve.len(), 1, "{work:?}");
        assert_eq!(work.to_approve[0].version, 2);
        assert!(app.my_work(&s.member).await.expect("work").to_approve.is_empty(), "only the chair approves");

        // Returned with a reason: the team sees it, and who returned it.
        let back = StepRequest { reason: Some("Bổ sung số liệu 6 tháng".into()), ..step(Step::Return) };
        app.take_step(&s.chair, id, back).await.expect("returned");
        let work = app.my_work(&s.lead).await.expect("lead's work");
        assert_eq!(work.returned.len(), 1, "{work:?}");
        assert_eq!(work.returned[0].reason, "Bổ sung số liệu 6 tháng");
        assert_eq!(work.returned[0].by.as_deref(), Some("Võ Bí Thư"));
        assert!(work.to_submit.is_empty(), "a returned report is listed once");
        assert_eq!(app.my_work(&s.drafter).await.expect("work").returned.len(), 1);

        // The home carries the same model, and keeps its count.
        let fresh = db.app_at(day);
        let home = fresh.home(Some(&s.lead)).await.expect("home");
        assert_eq!(home.work.expect("work").returned.len(), 1);
        assert_eq!(fresh.kept_work_count(s.lead.user), Some(1));

        // Another committee's chair sees none of it, and an empty dashboard.
        assert!(app.my_work(&s.stranger).await.expect("work").is_empty());
        assert!(app.dashboard(&s.stranger).await.expect("dashboard").is_empty());
        let rows = app.dashboard(&s.chair).await.expect("the chair's dashboard");
        assert_eq!(rows.iter().map(|r| r.report.id).collect::<Vec<_>>(), vec![id]);
        assert!(app.dashboard(&s.member).await.is_err(), "a member has no dashboard");
    }
}
