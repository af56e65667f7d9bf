//! Search on SQLite and PostgreSQL alike: queries typed without tones, a
//! phrase, filters, and nothing from a report the person cannot see.

mod support;

use gopy_app::AppError;
use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::search::SearchRequest;
use gopy_documents::ImportLimits;
use gopy_domain::DispositionKind;
use gopy_domain::search::EntryKind;
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use support::{file, story};

fn ask(query: &str) -> SearchRequest {
    SearchRequest { query: query.to_owned(), ..SearchRequest::default() }
}

on_both_engines! {
    async fn folded_queries_phrases_and_filters_find_the_same_on_both_engines(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let limits = ImportLimits::default();
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
        let comment = app
            .post_comment(&s.member, s.report.id, NewComment {
                version: 1,
                anchor: NewAnchor::default(),
                body: "Đề nghị bổ sung kết quả kết nạp đảng viên và công tác hoà giải.".into(),
                on_behalf_of: None,
                at_meeting: false,
            })
            .await
            .expect("comment");
        app.answer_comment(&s.lead, (comment.id, None), DispositionKind::Explained, "Giải trình: số liệu đảng viên đã có ở bảng chỉ tiêu.", None)
            .await
            .expect("answered");
        app.publish_answers(&s.lead, s.report.id).await.expect("published");

        let hits = app.search(&s.member, ask("tham nhung")).await.expect("search");
        assert!(!hits.is_empty() && hits.iter().all(|h| h.entry.text.to_lowercase().contains("tham nhũng")), "{hits:?}");
        let hits = app.search(&s.member, ask("dang vien")).await.expect("search");
        let kinds: Vec<EntryKind> = hits.iter().map(|h| h.entry.kind).collect();
        assert!(kinds.contains(&EntryKind::Comment) && kinds.contains(&EntryKind::Answer) && kinds.contains(&EntryKind::Passage), "{kinds:?}");
        assert_eq!(app.search(&s.member, ask("\"hòa giải\"")).await.expect("search").len(), 1, "hòa finds hoà");
        let phrase = app.search(&s.member, ask("\"phong chong tham nhung\"")).await.expect("phrase");
        assert_eq!(phrase.len(), 1);
        assert!(phrase[0].entry.text.contains("phòng, chống tham nhũng"));
        assert!(app.search(&s.member, ask("\"nhung tham\"")).await.expect("phrase").is_empty());
        let only_comments = SearchRequest { kinds: vec![EntryKind::Comment], ..ask("dang vien") };
        assert_eq!(app.search(&s.member, only_comments).await.expect("filtered").len(), 1);
        let by_author = SearchRequest { author: Some(s.lead.user), kinds: vec![EntryKind::Answer], ..ask("dang vien") };
        assert_eq!(app.search(&s.member, by_author).await.expect("filtered").len(), 1);
        let highlighted = &app.search(&s.member, ask("dang vien")).await.expect("search")[0];
        let chars: Vec<char> = highlighted.entry.text.chars().collect();
        let shown: Vec<String> = highlighted.highlights.iter().map(|(s, e)| chars[*s..*e].iter().collect::<String>().to_lowercase()).collect();
        assert!(shown.contains(&"đảng viên".to_owned()), "{shown:?}");

        // A person of another committee never gets hits from this report.
        assert!(app.search(&s.stranger, ask("tham nhung")).await.expect("search").is_empty());
        assert!(!app.search(&s.secretariat, ask("tham nhung")).await.expect("search").is_empty());

        // A new version replaces the passages searched by default.
        app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v2.md"), "", &limits).await.expect("v2");
        let growth = app.search(&s.member, ask("\"dat 81 muc tieu\"")).await.expect("search");
        assert_eq!(growth.len(), 1, "the new passage is found");
        assert!(app.search(&s.member, ask("\"thap hon muc tieu\"")).await.expect("search").is_empty(), "the old one only on request");
        let all = SearchRequest { all_versions: true, ..ask("\"thap hon muc tieu\"") };
        assert_eq!(app.search(&s.member, all).await.expect("search")[0].entry.version, Some(1));

        for bad in ["", "  ?!  ", &"x".repeat(300)] {
            assert!(matches!(app.search(&s.member, ask(bad)).await, Err(AppError::Invalid { field: "q", .. })), "{bad:?}");
        }
        assert!(app.search(&s.member, ask("%_' OR 1=1 --")).await.expect("syntax is only text").is_empty());
    }
}
