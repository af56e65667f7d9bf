//! The review loop on SQLite and PostgreSQL alike: the fixture comments on
//! version 1, their dispositions, version 2, and where every comment lands.

mod support;

use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::{App, AppError};
use gopy_documents::ImportLimits;
use gopy_domain::document::align::find_span;
use gopy_domain::{Actor, Comment, CommentText, DispositionKind, Placement, Version};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use serde_json::Value;
use support::{Story, file, story};

const COMMENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/comments.so-ket-v1.json");

/// The fixture's comments: (author role, quote, body, disposition, response).
fn fixture_comments() -> Vec<(String, Option<String>, String, DispositionKind, String)> {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(COMMENTS).expect("fixture")).expect("json");
    json["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| {
            let text = |k: &str| c[k].as_str().map(str::to_owned);
            (
                text("author_role").expect("role"),
                text("quote"),
                text("body").expect("body"),
                text("disposition").expect("disposition").parse().expect("a known disposition"),
                text("response").expect("response"),
            )
        })
        .collect()
}

/// Where `quote` is in `version`, as the browser would send it.
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

fn comment(version: u32, anchor: NewAnchor, body: &str) -> NewComment {
    NewComment { version, anchor, body: body.to_owned(), on_behalf_of: None, at_meeting: false }
}

/// Version 1, the fixture comments on it and the drafting team's answers.
async fn first_round(app: &App, s: &Story) -> (Version, Vec<Comment>) {
    let limits = ImportLimits::default();
    let v1 = app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
    let mut posted = Vec::new();
    for (role, quote, body, kind, response) in fixture_comments() {
        let author: &Actor = if role == "chair" { &s.chair } else { &s.member };
        let c = app.post_comment(author, s.report.id, comment(1, anchor_of(&v1, quote.as_deref()), &body)).await.expect("posted");
        app.answer_comment(&s.lead, (c.id, None), kind, &response, None).await.expect("answered");
        posted.push(c);
    }
    (v1, posted)
}

on_both_engines! {
    async fn every_fixture_comment_lands_on_version_2_on_its_passage_or_flagged_and_none_is_lost(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let (_, posted) = first_round(&app, &s).await;
        app.publish_answers(&s.lead, s.report.id).await.expect("published");
        let v2 = app
            .add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v2.docx"), "", &ImportLimits::default())
            .await
            .expect("v2");
        let review = app.review(&s.member, s.report.id).await.expect("review");
        assert_eq!(review.version.as_ref().map(|v| v.number), Some(2));
        assert_eq!(review.threads.len(), posted.len(), "no comment is lost");
        assert_eq!(review.counts.comments, 6);
        assert_eq!(review.counts.awaiting, 0);
        assert_eq!((review.counts.accepted, review.counts.partly_accepted, review.counts.explained), (4, 1, 1));

        let text_of = |block: &gopy_domain::document::BlockId| {
            v2.blocks.iter().find(|b| &b.id == block).map(|b| b.content.plain_text()).expect("the block is in v2")
        };
        let expectations = [
            ("thấp hơn mục tiêu", Placement::PassageChanged, Some("đạt 81% mục tiêu Nghị quyết")),
            ("Thu ngân sách", Placement::Current, Some("Thu ngân sách nhà nước trên địa bàn năm 2022")),
            ("công tác đối ngoại", Placement::PassageChanged, Some("an ninh chính trị")),
            ("Nguyên nhân chủ yếu", Placement::PassageChanged, Some("Nguyên nhân khách quan")),
            ("diện tích lúa", Placement::Current, Some("diện tích lúa chất lượng cao đạt 78%")),
        ];
        for thread in &review.threads {
            let placement = thread.placement.as_ref().expect("every comment is placed on v2");
            let quote = thread.comment.anchor.as_ref().and_then(|a| a.span.as_ref()).map(|s| s.quote.clone());
            let Some(quote) = quote else {
                assert_eq!(placement.placement, Placement::Current, "a whole-report comment stays");
                assert!(placement.anchor.is_none());
                continue;
            };
            let (_, expected, block_text) = expectations
                .iter()
                .find(|(start, _, _)| quote.contains(start))
                .unwrap_or_else(|| panic!("no expectation for {quote}"));
            assert_eq!(placement.placement, *expected, "{quote}");
            let changed_in = (*expected == Placement::PassageChanged).then_some(2);
            assert_eq!(placement.changed_in, changed_in, "a changed passage names the version it changed in: {quote}");
            let anchor = placement.anchor.as_ref().expect("anchored on v2");
            if let Some(block_text) = block_text {
                assert!(text_of(&anchor.block).contains(block_text), "{quote} landed on {}", text_of(&anchor.block));
            }
        }
        // In document order: the whole-report comment comes last.
        assert!(review.threads.last().is_some_and(|t| t.comment.anchor.is_none()));

        // Version 3 changes nothing: the flags stay as they were, naming version 2.
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v2.docx"), "", &ImportLimits::default())
            .await
            .expect("v3");
        let on_v3 = app.review(&s.member, s.report.id).await.expect("review");
        let flags = |r: &gopy_app::comments::ReviewView| -> Vec<(Placement, Option<u32>)> {
            r.threads.iter().filter_map(|t| t.placement.as_ref().map(|p| (p.placement, p.changed_in))).collect()
        };
        assert_eq!(on_v3.version.as_ref().map(|v| v.number), Some(3));
        assert_eq!(flags(&on_v3), flags(&review), "nothing changed in version 3");
    }

    async fn a_comment_is_told_to_the_drafting_team_and_its_answers_to_its_author_once_when_published(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let (_, posted) = first_round(&app, &s).await;
        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        let to_lead = uow.unsent_messages_to(s.lead.user).await.expect("outbox");
        let to_drafter = uow.unsent_messages_to(s.drafter.user).await.expect("outbox");
        assert_eq!(to_lead.iter().filter(|m| m.kind_name() == "comment.posted").count(), 6);
        assert_eq!(to_drafter.iter().filter(|m| m.kind_name() == "comment.posted").count(), 6);
        // The answers are the team's drafts: the author hears nothing, and
        // sees no answer, until the lead publishes them.
        assert!(uow.unsent_messages_to(s.member.user).await.expect("outbox").is_empty(), "no mail per answer");
        drop(uow);
        let seen = app.review(&s.member, s.report.id).await.expect("review");
        assert!(seen.threads.iter().all(|t| t.comment.disposition.is_none()), "drafts are the team's");
        assert_eq!(seen.counts.awaiting, 6);
        // The report's page and the dashboard count the same way: the
        // chair, outside the team, sees six awaiting; the team sees none.
        let life = |page: gopy_app::Fresh<gopy_app::reports::ReportPage>| match page {
            gopy_app::Fresh::Changed { model, .. } => model.life.counts,
            gopy_app::Fresh::Unchanged { .. } => panic!("asked afresh"),
        };
        assert_eq!(life(app.report_page(&s.member, s.report.id, None).await.expect("page")).awaiting, 6);
        assert_eq!(life(app.report_page(&s.lead, s.report.id, None).await.expect("page")).awaiting, 0);
        let dashboard = app.dashboard(&s.chair).await.expect("dashboard");
        assert_eq!(dashboard.iter().map(|r| r.counts.awaiting).collect::<Vec<_>>(), [6]);
        assert_eq!(app.dashboard(&s.secretariat).await.expect("dashboard")[0].counts.awaiting, 0, "the secretariat sees the drafts");
        let team = app.review(&s.drafter, s.report.id).await.expect("review");
        assert!(team.threads.iter().all(|t| t.comment.disposition.is_some() && !t.comment.answer_published()));
        let refused = app.publish_answers(&s.drafter, s.report.id).await;
        assert!(matches!(refused, Err(gopy_app::AppError::Forbidden)), "only the lead publishes: {refused:?}");
        let published = app.publish_answers(&s.lead, s.report.id).await.expect("published");
        assert_eq!(published, gopy_app::answers::Published { answers: 6, commenters: 2 });
        let again = app.publish_answers(&s.lead, s.report.id).await;
        assert!(
            matches!(&again, Err(gopy_app::AppError::Invalid { field: "answers", reason: gopy_app::InvalidReason::Rule(key) }) if key == "err_nothing_to_publish"),
            "{again:?}"
        );
        let seen = app.review(&s.member, s.report.id).await.expect("review");
        assert!(seen.threads.iter().all(|t| t.comment.answer_published()));
        assert_eq!(app.dashboard(&s.chair).await.expect("dashboard")[0].counts.awaiting, 0);
        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        let to_member = uow.unsent_messages_to(s.member.user).await.expect("outbox");
        assert_eq!(to_member.len(), 1, "one mail listing every answer");
        assert_eq!(to_member[0].kind_name(), "answers.published");
        assert_eq!(to_member[0].payload()["answers"].as_array().map(Vec::len), Some(5));
        assert_eq!(uow.unsent_messages_to(s.chair.user).await.expect("outbox").len(), 1);
        assert_eq!(
            (&to_lead[0].payload()["thread"], &to_lead[0].payload()["version"]),
            (&serde_json::json!(posted[0].id), &serde_json::json!(1))
        );
        let events = uow.audit_events_about("report", s.report.id.as_uuid()).await.expect("events");
        assert_eq!(events.iter().filter(|e| e.action == "comment.answered").count(), 6);
    }

    async fn an_edit_keeps_the_earlier_text_and_a_withdrawn_comment_stays_marked(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let (_, posted) = first_round(&app, &s).await;
        let edited = app.edit_comment(&s.member, (posted[0].id, None), "Nêu rõ tỷ lệ đạt 81%.").await.expect("edited");
        assert!(edited.edited_at.is_some());
        let history = app.comment_history(&s.secretariat, posted[0].id).await.expect("history");
        assert_eq!(history.len(), 1);
        assert!(history[0].body.as_str().starts_with("Đề nghị Tổ biên tập"));
        assert!(matches!(app.comment_history(&s.member, posted[0].id).await, Err(AppError::Forbidden)));
        assert!(matches!(app.edit_comment(&s.chair, (posted[0].id, None), "x").await, Err(AppError::Forbidden)));

        app.withdraw_comment(&s.member, posted[1].id, "").await.expect("withdrawn");
        let review = app.review(&s.member, s.report.id).await.expect("review");
        assert_eq!(review.threads.len(), 6, "a withdrawn comment is still shown");
        assert_eq!(review.counts.withdrawn, 1);
        assert!(review.threads.iter().any(|t| t.comment.id == posted[1].id && t.comment.is_withdrawn()));
    }

    async fn the_secretariat_withdraws_a_members_comment_only_with_a_reason_kept_with_who_did_it(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let (_, posted) = first_round(&app, &s).await;
        let theirs = posted[2].id;
        let refused = app.withdraw_comment(&s.secretariat, theirs, "  ").await;
        assert!(matches!(refused, Err(AppError::Invalid { field: "reason", .. })), "{refused:?}");
        let (_, unchanged) = app.comment(&s.member, theirs).await.expect("read");
        assert!(!unchanged.is_withdrawn(), "a refused withdrawal writes nothing");

        let reason = "Trùng với ý kiến đã ghi tại cuộc họp.";
        let withdrawn = app.withdraw_comment(&s.secretariat, theirs, reason).await.expect("withdrawn");
        assert_eq!(withdrawn.withdrawn_by, Some(s.secretariat.user));
        // Read back from the store, as a page reads it.
        let (_, stored) = app.comment(&s.member, theirs).await.expect("read");
        assert!(stored.is_withdrawn());
        assert_eq!(stored.withdrawn_by, Some(s.secretariat.user));
        assert_eq!(stored.withdrawal_reason.as_ref().map(|r| r.as_str()), Some(reason));

        // The author withdraws their own without a word, and is not named as someone else.
        let own = app.withdraw_comment(&s.member, posted[1].id, "").await.expect("own withdrawn");
        assert_eq!((own.withdrawn_by, own.withdrawal_reason), (None, None));

        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        let events = uow.audit_events_about("report", s.report.id.as_uuid()).await.expect("events");
        let event = events
            .iter()
            .find(|e| e.action == "comment.withdrawn" && e.details["comment"] == theirs.to_string())
            .expect("the withdrawal's audit event");
        assert_eq!(event.actor, Some(s.secretariat.user));
        assert_eq!(event.details["reason"], reason);
    }

    async fn bad_comments_and_answers_are_refused_with_the_field_and_nothing_is_written(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let (v1, posted) = first_round(&app, &s).await;
        let block = v1.blocks[3].id.to_string();
        let at = |start, end, quote: Option<&str>| NewAnchor {
            block: Some(block.clone()),
            start,
            end,
            quote: quote.map(str::to_owned),
        };
        let refusals = [
            (comment(1, NewAnchor::default(), "   "), "body"),
            (comment(1, NewAnchor::default(), &"ý".repeat(CommentText::MAX_CHARS + 1)), "body"),
            (comment(1, at(Some(5), Some(100_000), None), "ngoài đoạn"), "anchor"),
            (comment(1, at(Some(5), Some(2), None), "ngược"), "anchor"),
            (comment(1, at(Some(0), Some(4), Some("không khớp")), "sai trích"), "anchor"),
            (comment(1, NewAnchor { block: Some("bkhongcodoannay".into()), ..NewAnchor::default() }, "không có"), "anchor"),
            (comment(9, NewAnchor::default(), "bản không có"), "version"),
        ];
        for (new, field) in refusals {
            match app.post_comment(&s.member, s.report.id, new).await {
                Err(AppError::Invalid { field: got, .. }) => assert_eq!(got, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        let explained = app.answer_comment(&s.lead, (posted[0].id, None), DispositionKind::Explained, "  ", None).await;
        assert!(matches!(explained, Err(AppError::Invalid { field: "response", .. })), "{explained:?}");
        let by_member = app.answer_comment(&s.member, (posted[0].id, None), DispositionKind::Accepted, "", None).await;
        assert!(matches!(by_member, Err(AppError::Forbidden)), "{by_member:?}");
        let by_stranger = app.post_comment(&s.stranger, s.report.id, comment(1, NewAnchor::default(), "x")).await;
        assert!(matches!(by_stranger, Err(AppError::NotFound { .. })), "{by_stranger:?}");
        let markup = app
            .post_comment(&s.member, s.report.id, comment(1, NewAnchor::default(), "<script>alert(1)</script>"))
            .await
            .expect("markup is only text");
        assert_eq!(markup.body.as_str(), "<script>alert(1)</script>");
        assert_eq!(app.review(&s.member, s.report.id).await.expect("review").threads.len(), 7);
    }

    async fn the_secretariat_records_an_opinion_said_at_the_meeting_for_a_member(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        first_round(&app, &s).await;
        let new = NewComment { on_behalf_of: Some(s.chair.user), at_meeting: true, ..comment(1, NewAnchor::default(), "Ý kiến phát biểu tại cuộc họp.") };
        let recorded = app.post_comment(&s.secretariat, s.report.id, new.clone()).await.expect("recorded");
        assert_eq!((recorded.author, recorded.recorded_by, recorded.at_meeting), (s.chair.user, Some(s.secretariat.user), true));
        assert!(matches!(app.post_comment(&s.member, s.report.id, new).await, Err(AppError::Forbidden)));
        let reply = app.reply(&s.lead, recorded.id, "Tổ biên tập xin tiếp thu.").await.expect("reply");
        let review = app.review(&s.chair, s.report.id).await.expect("review");
        let thread = review.threads.iter().find(|t| t.comment.id == recorded.id).expect("thread");
        assert_eq!(thread.replies.iter().map(|r| r.id).collect::<Vec<_>>(), [reply.id]);
        assert_eq!(review.counts.comments, 7, "a reply is not a comment to answer");
    }
}
