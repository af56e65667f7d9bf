//! The change table between versions 1 and 2 of the fixture draft and what
//! is still disputed once the answers are out, on SQLite and PostgreSQL
//! alike.

mod support;

use gopy_app::changes::ChangeDecision;
use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::meetings::{NewAgendaItem, NewMeeting};
use gopy_app::{App, AppError};
use gopy_documents::ImportLimits;
use gopy_domain::change_table::LinkKind;
use gopy_domain::dispute::Stance;
use gopy_domain::document::align::find_span;
use gopy_domain::{Actor, Comment, DispositionKind, Version};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use serde_json::Value;
use support::{Story, file, story};
use time::Duration;

const COMMENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/comments.so-ket-v1.json");

fn anchor_of(version: &Version, quote: Option<&str>) -> NewAnchor {
    let Some(quote) = quote else { return NewAnchor::default() };
    for block in &version.blocks {
        if let Some(span) = find_span(&block.content.plain_text(), quote) {
            return NewAnchor {
                block: Some(block.id.to_string()),
                start: Some(span.start),
                end: Some(span.end),
                quote: Some(quote.to_owned()),
            };
        }
    }
    panic!("{quote} is not in version {}", version.number)
}

/// Version 1, the fixture's six comments answered, and version 2.
async fn two_versions(app: &App, s: &Story) -> Vec<Comment> {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(COMMENTS).expect("fixture")).expect("json");
    let limits = ImportLimits::default();
    let v1 = app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
    let mut posted = Vec::new();
    for c in json["comments"].as_array().expect("comments") {
        let author: &Actor = if c["author_role"] == "chair" { &s.chair } else { &s.member };
        let new = NewComment {
            version: 1,
            anchor: anchor_of(&v1, c["quote"].as_str()),
            body: c["body"].as_str().expect("body").to_owned(),
            on_behalf_of: None,
            at_meeting: false,
        };
        let posted_one = app.post_comment(author, s.report.id, new).await.expect("posted");
        let kind: DispositionKind = c["disposition"].as_str().expect("kind").parse().expect("a kind");
        let answered = app
            .answer_comment(&s.lead, (posted_one.id, None), kind, c["response"].as_str().expect("response"), None)
            .await
            .expect("answered");
        posted.push(answered);
    }
    app.publish_answers(&s.lead, s.report.id).await.expect("published");
    app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v2.md"), "", &limits).await.expect("v2");
    posted
}

fn rule_of(result: Result<impl std::fmt::Debug, AppError>) -> String {
    match result {
        Err(AppError::Invalid { reason: gopy_app::InvalidReason::Rule(key), .. }) => key,
        other => panic!("expected a rule's refusal, got {other:?}"),
    }
}

on_both_engines! {
    async fn the_change_table_of_the_fixture_lists_six_changes_with_their_comments_and_flags_a_comment_taken_in_but_not_changed(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let posted = two_versions(&app, &s).await;
        let table = app.change_table(&s.member, s.report.id, None).await.expect("the table");
        assert_eq!((table.from, table.to), (1, 2));
        assert_eq!(table.rows.len(), 6, "{:#?}", table.rows.iter().map(|r| &r.passage.new_text).collect::<Vec<_>>());
        assert!(!table.edit.is_yes(), "a member reads the table but does not decide in it");

        let row_with = |text: &str| {
            table.rows.iter().find(|r| r.passage.new_text.contains(text)).unwrap_or_else(|| panic!("no change with {text}"))
        };
        let commenters = |text: &str| -> Vec<gopy_domain::CommentId> { row_with(text).comments.iter().map(|(c, _)| c.id).collect() };
        // The comments whose passage changed are suggested behind the change.
        assert_eq!(commenters("đạt 81% mục tiêu"), vec![posted[0].id]);
        assert_eq!(commenters("an ninh chính trị, trật tự"), vec![posted[2].id]);
        assert_eq!(commenters("Nguyên nhân chủ quan"), vec![posted[3].id], "a split passage is one change");
        assert!(row_with("Nguyên nhân khách quan").passage.new_text.contains('\n'));
        assert!(row_with("đạt 81%").comments.iter().all(|(_, kind)| *kind == LinkKind::Suggested));
        let old_words = |text: &str| row_with(text).passage.words.iter().filter(|w| w.op == gopy_domain::document::align::WordOp::Delete).count();
        assert!(old_words("đạt 81%") > 0, "the words changed are marked");

        // Taken in, but its passage (the budget sentence) did not change; the
        // whole-report comment has no passage to change. The explained one
        // needs no change.
        let flagged: Vec<_> = table.taken_in_unchanged.iter().map(|c| c.id).collect();
        assert_eq!(flagged, vec![posted[1].id, posted[5].id]);
        // The subtitle, the new paragraph on indicators, the administrative reform.
        assert_eq!(table.checks.unexplained.len(), 3);

        // The team links the budget comment to the new paragraph and marks
        // the subtitle a technical edit.
        let new_paragraph = row_with("7/24 chỉ tiêu").passage.passage.clone();
        let subtitle = row_with("Dự thảo lần 2").passage.passage.clone();
        let link = ChangeDecision::Link { passage: new_paragraph.clone(), comment: posted[1].id };
        let table = app.decide_change(&s.lead, s.report.id, 2, link).await.expect("linked");
        assert_eq!(table.taken_in_unchanged.iter().map(|c| c.id).collect::<Vec<_>>(), vec![posted[5].id]);
        let table = app
            .decide_change(&s.drafter, s.report.id, 2, ChangeDecision::Technical { passage: subtitle.clone(), technical: true })
            .await
            .expect("marked");
        assert_eq!(table.taken_in_unchanged.iter().map(|c| c.id).collect::<Vec<_>>(), vec![posted[5].id]);
        assert_eq!(table.checks.unexplained.len(), 1, "only the administrative reform is left");
        assert!(table.rows.iter().any(|r| r.passage.passage == subtitle && r.technical));
        // Dismissing a suggestion flags its comment.
        let growth = row_with("đạt 81%").passage.passage.clone();
        let table = app
            .decide_change(&s.lead, s.report.id, 2, ChangeDecision::Unlink { passage: growth, comment: posted[0].id })
            .await
            .expect("dismissed");
        assert!(table.taken_in_unchanged.iter().any(|c| c.id == posted[0].id));

        // Refused: a passage that did not change, a comment of another
        // report, a member deciding.
        let unchanged = gopy_domain::document::BlockId::new("bkhongcodoannay");
        let refused = app.decide_change(&s.lead, s.report.id, 2, ChangeDecision::Technical { passage: unchanged, technical: true }).await;
        assert_eq!(rule_of(refused), "err_passage_not_changed");
        let other = app
            .create_report(&s.secretariat, gopy_app::reports::NewReport {
                kind: gopy_domain::ReportKind::SelfAssessment,
                title: "Báo cáo kiểm điểm giữa nhiệm kỳ".to_owned(),
                term: None,
                body: Some(s.report.body),
                committee: Some(s.report.committee),
                drafters: vec![s.lead.user],
                lead: Some(s.lead.user),
            })
            .await
            .expect("another report");
        app.add_version(&s.secretariat, other.id, file("kiem-diem-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let elsewhere = app
            .post_comment(&s.member, other.id, NewComment { version: 1, anchor: NewAnchor::default(), body: "Cần ngắn gọn.".into(), on_behalf_of: None, at_meeting: false })
            .await
            .expect("a comment elsewhere");
        let refused = app.decide_change(&s.lead, s.report.id, 2, ChangeDecision::Link { passage: new_paragraph.clone(), comment: elsewhere.id }).await;
        assert_eq!(rule_of(refused), "err_comment_of_another_report");
        let refused = app.decide_change(&s.member, s.report.id, 2, ChangeDecision::Technical { passage: subtitle, technical: false }).await;
        assert!(matches!(refused, Err(AppError::Forbidden)));
        // Nothing refused was written.
        let table = app.change_table(&s.lead, s.report.id, Some(1)).await.expect("the table");
        assert!(table.edit.is_yes());
        assert!(table.rows.iter().all(|r| r.comments.iter().all(|(c, _)| c.id != elsewhere.id)));
    }

    async fn a_commenter_still_disagrees_until_the_deadline_and_the_chair_decides_at_the_meeting(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let posted = two_versions(&app, &s).await;
        let explained = posted[4].id;
        let meeting = app
            .plan_meeting(&s.secretariat, NewMeeting {
                committee: Some(s.report.committee),
                title: "Hội nghị Ban Thường vụ Tỉnh ủy tháng 6".into(),
                starts_at: Some(meeting_day() + Duration::days(5)),
                ends_at: Some(meeting_day() + Duration::days(5) + Duration::hours(3)),
                place: "Phòng họp số 1".into(),
                presiding: Some(s.chair.user),
                invited: vec![s.chair.user, s.member.user],
            })
            .await
            .expect("planned");
        let item = NewAgendaItem { title: "Báo cáo sơ kết".into(), presenter: Some(s.report.body), report: Some(s.report.id), minutes_allotted: Some(30) };
        app.add_agenda_item(&s.secretariat, (meeting.id, None), item).await.expect("agenda");

        // The member's answers are theirs to judge; the chair's one comment is the chair's.
        let disputes = app.disputes(&s.member, s.report.id).await.expect("disputes");
        assert_eq!(disputes.mine.len(), 5);
        assert!(disputes.mine.iter().all(|a| a.judge.is_yes()));
        assert!(disputes.disputed.is_empty());

        let refused = app.take_stance(&s.member, explained, Stance::Disagree, "  ").await;
        assert_eq!(rule_of(refused), "err_disagreement_reason_required");
        assert!(matches!(app.take_stance(&s.chair, explained, Stance::Agree, "").await, Err(AppError::Forbidden)));
        let refused = app.set_dispute_deadline(&s.secretariat, s.report.id, meeting_day() - Duration::days(1)).await;
        assert_eq!(rule_of(refused), "err_dispute_deadline_in_past");
        assert!(matches!(app.set_dispute_deadline(&s.member, s.report.id, meeting_day() + Duration::days(3)).await, Err(AppError::Forbidden)));
        app.set_dispute_deadline(&s.secretariat, s.report.id, meeting_day() + Duration::days(3)).await.expect("deadline");

        app.take_stance(&s.member, posted[0].id, Stance::Agree, "").await.expect("agreed");
        app.take_stance(&s.member, explained, Stance::Disagree, "Số liệu của Sở Nông nghiệp là 75%.").await.expect("disagreed");
        let refused = app.decide_dispute(&s.chair, posted[0].id, "Giữ nguyên.").await;
        assert_eq!(rule_of(refused), "err_not_disputed");

        // After the deadline: refused, and the page says why.
        let later = db.app_at(meeting_day() + Duration::days(4));
        let refused = later.take_stance(&s.member, posted[3].id, Stance::Disagree, "Vẫn chưa rõ trách nhiệm người đứng đầu.").await;
        assert_eq!(rule_of(refused), "err_dispute_deadline_passed");
        let disputes = later.disputes(&s.member, s.report.id).await.expect("disputes");
        assert!(disputes.mine.iter().all(|a| !a.judge.is_yes() && a.judge.why_not().is_some()));
        assert_eq!(disputes.disputed.len(), 1);
        assert_eq!(disputes.disputed[0].reason, "Số liệu của Sở Nông nghiệp là 75%.");

        // The chair decides at the meeting.
        assert!(matches!(later.decide_dispute(&s.member, explained, "x").await, Err(AppError::Forbidden)));
        let decided = later.decide_dispute(&s.chair, explained, "Giữ số liệu 78% theo Cục Thống kê.").await.expect("decided");
        assert_eq!(decided.meeting, Some(meeting.id));
        let page = later.meeting_page(&s.chair, meeting.id).await.expect("the meeting");
        assert_eq!(page.decisions.len(), 1);
        assert_eq!(page.decisions[0].decision.decision.as_str(), "Giữ số liệu 78% theo Cục Thống kê.");
        let table = match later.dispositions(&s.member, s.report.id, &[]).await.expect("dispositions") {
            gopy_app::Fresh::Changed { model, .. } => model,
            gopy_app::Fresh::Unchanged { .. } => panic!("nothing was known"),
        };
        let row = table.rows.iter().find(|r| r.comment.contains("78%")).expect("the row");
        assert_eq!(row.disagreement.as_deref(), Some("Số liệu của Sở Nông nghiệp là 75%."));
        assert_eq!(row.decision.as_deref(), Some("Giữ số liệu 78% theo Cục Thống kê."));
    }
}
