//! Word files as they really are, on SQLite and PostgreSQL alike: a version
//! keeps what its file left out, and a copy of the draft with Word's review
//! comments is read, previewed and stored once on a body's behalf.

mod support;

use gopy_app::consultations::ConsultRequest;
use gopy_app::rounds::StepRequest;
use gopy_app::word_comments::{Landing, WordImport};
use gopy_app::{AppError, InvalidReason, Offer, WhyNot, reports::VersionInput};
use gopy_domain::workflow::Step;
use time::Duration;
use gopy_documents::{ImportLimits, LeftOutKind};
use gopy_domain::BodyId;
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use support::story;

const WORD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/word/");

fn word(name: &str) -> Vec<u8> {
    std::fs::read(format!("{WORD}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn upload(name: &str) -> VersionInput {
    VersionInput::File { bytes: word(name), file_name: Some(name.to_owned()) }
}

on_both_engines! {
    async fn a_version_keeps_what_its_word_file_left_out_by_passage(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let v1 = app.add_version(&s.lead, s.report.id, upload("left-out.docx"), "", &ImportLimits::default()).await.expect("v1");
        let kinds: Vec<LeftOutKind> = v1.left_out.iter().map(|l| l.kind).collect();
        assert_eq!(kinds, [LeftOutKind::Chart, LeftOutKind::Picture, LeftOutKind::TextBox, LeftOutKind::Equation]);
        let picture = v1.blocks.iter().find(|b| b.id == v1.left_out[1].block).expect("the picture's block");
        assert_eq!(picture.content.plain_text(), "[Hình ảnh]");
        let (_, stored) = app.version(&s.member, s.report.id, 1).await.expect("read back");
        assert_eq!(stored.left_out, v1.left_out);
    }

    async fn word_review_comments_are_stored_anchored_for_the_body_once_however_often_the_file_comes(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let limits = ImportLimits::default();
        app.add_version(&s.lead, s.report.id, upload("auto-numbering.docx"), "", &limits).await.expect("v1");
        let body = app.create_body(None, "Sở Tài chính").await.expect("body").id;
        let outsider = app.create_body(None, "Sở Nội vụ").await.expect("body").id;
        let file = || (word("review-comments.docx"), Some("gop-y-so-tai-chinh.docx".to_owned()));
        let not_consulted = |result: Result<WordImport, AppError>| {
            matches!(result, Err(AppError::Invalid { field: "body", reason: InvalidReason::Rule(key) }) if key == "err_body_not_consulted")
        };

        // No round consults bodies yet: no body's comments are taken.
        let early = app.read_word_comments(&s.secretariat, s.report.id, Some(body), file(), &limits).await;
        assert!(not_consulted(early));
        assert_eq!(app.word_comments_page(&s.secretariat, s.report.id).await.expect("page").record, Offer::No(WhyNot::NoBodiesConsulted));
        let open = StepRequest {
            step: Step::OpenRound, deadline: Some(meeting_day() + Duration::days(2)), late_allowed: false, ballot: false,
            reason: None, schedule: Default::default(), seen: None,
        };
        let consult = ConsultRequest { bodies: vec![body], silence_agrees: false };
        app.take_step_consulting(&s.secretariat, s.report.id, open, consult).await.expect("the round consults the body");
        let page = app.word_comments_page(&s.secretariat, s.report.id).await.expect("page");
        assert!(page.record.is_yes());
        assert_eq!(page.bodies.iter().map(|b| b.id).collect::<Vec<_>>(), [body], "only the consulted body is offered");

        // A body the round does not consult is refused, and nothing is staged or stored.
        let stray = app.read_word_comments(&s.secretariat, s.report.id, Some(outsider), file(), &limits).await;
        assert!(not_consulted(stray));
        assert!(app.review(&s.secretariat, s.report.id).await.expect("review").threads.is_empty());

        let refused = app.read_word_comments(&s.member, s.report.id, Some(body), file(), &limits).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
        let no_body = app.read_word_comments(&s.secretariat, s.report.id, None, file(), &limits).await;
        assert!(matches!(no_body, Err(AppError::Invalid { .. })), "{no_body:?}");
        let unknown = BodyId::from_uuid(uuid::Uuid::from_u128(7));
        let not_a_body = app.read_word_comments(&s.secretariat, s.report.id, Some(unknown), file(), &limits).await;
        assert!(matches!(not_a_body, Err(AppError::Invalid { .. })), "{not_a_body:?}");
        let not_word = app.read_word_comments(&s.secretariat, s.report.id, Some(body), (b"# md".to_vec(), None), &limits).await;
        assert!(matches!(not_word, Err(AppError::Invalid { .. })), "{not_word:?}");

        let import = app.read_word_comments(&s.secretariat, s.report.id, Some(body), file(), &limits).await.expect("read");
        assert_eq!(import.rows.len(), 3);
        let Landing::Passage { label, anchor } = &import.rows[0].landing else { panic!("{:?}", import.rows[0].landing) };
        assert_eq!(label, "II.1 ¶2");
        assert_eq!(anchor.span.as_ref().map(|s| s.quote.as_str()), Some("vượt dự toán được giao"));
        assert_eq!(import.rows[1].landing, Landing::WholeReport { quote_gone: true });
        assert!(matches!(&import.rows[2].landing, Landing::Passage { label, .. } if label == "II.2 ¶1"));
        let page = app.word_import_page(&s.secretariat, s.report.id, import.id).await.expect("preview");
        assert_eq!(page.already, [false, false, false]);
        assert!(page.store.is_yes());
        assert!(app.review(&s.member, s.report.id).await.expect("review").threads.is_empty(), "nothing stored before storing");

        let stored = app.store_word_comments(&s.secretariat, s.report.id, import.id).await.expect("stored");
        assert_eq!((stored.added, stored.on_whole_report, stored.already), (3, 1, 0));
        let again = app.store_word_comments(&s.secretariat, s.report.id, import.id).await;
        assert!(matches!(again, Err(AppError::Conflict { .. })), "{again:?}");
        let threads = app.review(&s.member, s.report.id).await.expect("review").threads;
        assert_eq!(threads.len(), 3);
        assert!(threads.iter().all(|t| t.comment.on_behalf_of == Some(body) && t.comment.recorded_by == Some(s.secretariat.user)));
        let whole = threads.iter().find(|t| t.comment.anchor.is_none()).expect("the comment on the whole report");
        assert_eq!(whole.comment.body.as_str(), "Về đoạn: “Nội dung này đã được lược bỏ ở dự thảo hiện hành.”\n\nĐề nghị giữ lại đoạn này.");

        // The same file again: previewed as stored, and adds nothing.
        let twice = app.read_word_comments(&s.secretariat, s.report.id, Some(body), file(), &limits).await.expect("read again");
        let page = app.word_import_page(&s.secretariat, s.report.id, twice.id).await.expect("preview");
        assert_eq!(page.already, [true, true, true]);
        let stored = app.store_word_comments(&s.secretariat, s.report.id, twice.id).await.expect("stored again");
        assert_eq!((stored.added, stored.already), (0, 3));
        assert_eq!(app.review(&s.member, s.report.id).await.expect("review").threads.len(), 3);
    }
}
