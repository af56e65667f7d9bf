//! The drafting team's answer desk on SQLite and PostgreSQL alike: groups
//! suggested and confirmed, answered once with every comment keeping its
//! own row, a group across two reports refused, and templates whose
//! unknown placeholder is refused and whose known ones are filled in.

mod support;

use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::reports::NewReport;
use gopy_app::{AppError, InvalidReason};
use gopy_documents::ImportLimits;
use gopy_domain::answers::TemplateProblem;
use gopy_domain::{DispositionKind, ReportKind};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use support::{file, story};

fn whole(body: &str) -> NewComment {
    NewComment { version: 1, anchor: NewAnchor::default(), body: body.to_owned(), on_behalf_of: None, at_meeting: false }
}

on_both_engines! {
    async fn comments_that_say_the_same_thing_are_grouped_answered_once_and_never_across_reports(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let id = s.report.id;
        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let a = app.post_comment(&s.member, id, whole("Đề nghị bổ sung số liệu về tăng trưởng kinh tế năm 2023.")).await.expect("a");
        let b = app.post_comment(&s.chair, id, whole("de nghi bo sung so lieu ve tang truong kinh te nam 2023")).await.expect("b");
        let c = app.post_comment(&s.member, id, whole("ĐỀ NGHỊ BỔ SUNG SỐ LIỆU VỀ TĂNG TRƯỞNG KINH TẾ NĂM 2023")).await.expect("c");
        let other = app.post_comment(&s.chair, id, whole("Phần kết luận cần ngắn gọn hơn.")).await.expect("other");

        assert!(matches!(app.answer_desk(&s.member, id).await, Err(AppError::Forbidden)), "drafts are the team's");
        let desk = app.answer_desk(&s.secretariat, id).await.expect("the secretariat sees the desk");
        assert_eq!(desk.suggested.len(), 1);
        assert_eq!(desk.suggested[0].comments, vec![a.id, b.id, c.id]);
        assert_eq!(desk.suggested[0].commenters, 2);

        let group = app.confirm_group(&s.drafter, id, &[a.id, b.id, c.id]).await.expect("confirmed");
        let answered = app.answer_group(&s.drafter, id, group, DispositionKind::Accepted, "Đã bổ sung tại mục II.").await.expect("answered");
        assert_eq!(answered, 3);
        let desk = app.answer_desk(&s.lead, id).await.expect("desk");
        assert_eq!(desk.groups.len(), 1);
        assert!(desk.suggested.is_empty(), "answered comments are suggested no more");
        assert_eq!(desk.drafts, 3);
        for comment in [a.id, b.id, c.id] {
            let on_desk = desk.comment(comment).expect("its own row");
            assert_eq!(on_desk.comment.group, Some(group));
            assert_eq!(on_desk.comment.disposition.as_ref().and_then(|d| d.response.as_ref()).map(|r| r.as_str()), Some("Đã bổ sung tại mục II."));
        }
        assert_eq!(desk.comment(a.id).map(|c| c.comment.author), Some(s.member.user), "each keeps its author");
        assert_eq!(desk.comment(b.id).map(|c| c.comment.author), Some(s.chair.user));
        assert!(desk.comment(other.id).is_some_and(|c| c.comment.disposition.is_none()));

        // Split: two taken out leaves one, which is no group.
        assert_eq!(app.split_group(&s.lead, id, group, &[a.id, b.id]).await.expect("split"), 3);
        assert!(app.answer_desk(&s.lead, id).await.expect("desk").groups.is_empty());

        // A group across two reports is refused with the reason.
        let second = app
            .create_report(&s.secretariat, NewReport {
                kind: ReportKind::MidTermReview,
                title: "Báo cáo thứ hai".to_owned(),
                term: None,
                body: Some(s.report.body),
                committee: Some(s.report.committee),
                drafters: vec![s.lead.user],
                lead: Some(s.lead.user),
            })
            .await
            .expect("a second report");
        let lead = app.actor_of(s.lead.user).await.expect("the lead, now on two teams");
        app.add_version(&lead, second.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let elsewhere = app.post_comment(&s.member, second.id, whole("Đề nghị bổ sung số liệu về tăng trưởng kinh tế năm 2023.")).await.expect("posted");
        let refused = app.confirm_group(&lead, id, &[other.id, elsewhere.id]).await;
        assert!(
            matches!(&refused, Err(AppError::Invalid { field: "comments", reason: InvalidReason::Rule(key) }) if key == "err_group_across_reports"),
            "{refused:?}"
        );
        assert!(app.answer_desk(&lead, id).await.expect("desk").groups.is_empty(), "nothing was grouped");
    }

    async fn a_template_with_an_unknown_placeholder_is_refused_and_a_known_one_is_filled_for_each_comment(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let id = s.report.id;
        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let a = app.post_comment(&s.member, id, whole("Cần nêu rõ nguyên nhân.")).await.expect("a");
        let b = app.post_comment(&s.chair, id, whole("Bổ sung kiến nghị.")).await.expect("b");
        let refused = app.create_answer_template(&s.lead, id, "Mẫu", DispositionKind::Explained, "Cảm ơn {nguoi}.").await;
        assert!(
            matches!(&refused, Err(AppError::Invalid { field: "text", reason: InvalidReason::Template(TemplateProblem::UnknownPlaceholder(name)) }) if name == "nguoi"),
            "{refused:?}"
        );
        assert!(matches!(app.create_answer_template(&s.member, id, "Mẫu", DispositionKind::Explained, "x").await, Err(AppError::Forbidden)));
        let template = app
            .create_answer_template(&s.lead, id, "Giải trình chung", DispositionKind::Explained, "Cảm ơn {commenter} về {passage}, dự thảo lần {version}.")
            .await
            .expect("template");
        let (_, _, drafts) = app.apply_template(&s.drafter, id, template.id, &[a.id, b.id], "toàn bộ báo cáo").await.expect("applied");
        let texts: Vec<&str> = drafts.iter().map(|d| d.response.as_str()).collect();
        assert_eq!(texts, vec!["Cảm ơn Trần Ủy Viên về toàn bộ báo cáo, dự thảo lần 1.", "Cảm ơn Võ Bí Thư về toàn bộ báo cáo, dự thảo lần 1."]);
        assert!(drafts.iter().all(|d| d.kind == DispositionKind::Explained));
        // Edited before saving, then saved together as drafts.
        let mut edited = drafts.clone();
        edited[1].response = "Giải trình riêng cho đồng chí Bí thư.".to_owned();
        assert_eq!(app.save_answers(&s.drafter, id, &edited).await.expect("saved"), 2);
        let desk = app.answer_desk(&s.lead, id).await.expect("desk");
        assert_eq!(desk.drafts, 2);
        assert_eq!(desk.comment(b.id).and_then(|c| c.comment.disposition.as_ref()).and_then(|d| d.response.as_ref()).map(|r| r.as_str()), Some("Giải trình riêng cho đồng chí Bí thư."));
        assert!(desk.publish.is_yes());
        assert_eq!(app.answer_desk(&s.drafter, id).await.expect("desk").publish, gopy_app::Offer::No(gopy_app::WhyNot::Role));
    }
}
