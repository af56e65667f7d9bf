//! Consulting bodies on SQLite and PostgreSQL alike: the bodies a round
//! consults, their people's comments counted for them, letters (a number
//! used twice refused), "no comment", silence deemed agreement once, and
//! the comment form read back: every row checked, each new one a comment
//! anchored on its passage for the body, nothing added twice, and a wrong
//! file refused whole with nothing stored.

mod support;

use std::io::{Cursor, Read, Write};

use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::consultations::{ConsultRequest, FormLetter, FormProblem, NewLetter, RowState};
use gopy_app::organisation::NewUser;
use gopy_app::rounds::StepRequest;
use gopy_app::{AppError, InvalidReason};
use gopy_documents::ImportLimits;
use gopy_domain::consultation::ReplyHow;
use gopy_domain::workflow::Step;
use gopy_domain::{BodyId, Language};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use support::{file, story};
use time::Duration;

fn open(deadline: time::OffsetDateTime) -> StepRequest {
    StepRequest { step: Step::OpenRound, deadline: Some(deadline), late_allowed: false, ballot: false, reason: None, schedule: Default::default(), seen: None }
}

/// The form with `comment` written into the row of passage `id` (as Word
/// would keep it) and every `from` in the document turned into `to`.
fn filled(docx: &[u8], rows: &[(&str, &str)], replace: Option<(&str, &str)>) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).expect("part");
        let name = part.name().expect("a name").to_string();
        let mut text = String::new();
        part.read_to_string(&mut text).expect("utf-8");
        if name == "word/document.xml" {
            for (id, comment) in rows {
                let at = text.find(&format!(">{id}</w:t>")).unwrap_or_else(|| panic!("row {id}"));
                let empty = "<w:spacing w:after=\"40\"/></w:pPr></w:p></w:tc></w:tr>";
                let end = at + text[at..].find(empty).expect("the comment cell") + empty.len() - "</w:p></w:tc></w:tr>".len();
                text.insert_str(end, &format!("<w:r><w:t>{comment}</w:t></w:r>"));
            }
        }
        if let Some((from, to)) = replace {
            text = text.replace(from, to);
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).expect("start");
        out.write_all(text.as_bytes()).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

fn form_docx(model: &gopy_app::consultations::CommentFormModel) -> Vec<u8> {
    let form = gopy_documents::CommentForm {
        heading: "Phiếu góp ý".into(),
        lines: vec![format!("Cơ quan góp ý: {}", model.body_name)],
        columns: ["Mã đoạn", "Vị trí", "Nội dung dự thảo", "Ý kiến góp ý"].map(String::from),
        ids: model.ids.clone(),
        rows: model.passages.clone(),
    };
    gopy_documents::comment_form_docx(&form).expect("the form")
}

on_both_engines! {
    async fn three_bodies_reply_by_comment_by_form_and_by_silence_and_the_register_counts_each(db) {
        let day = meeting_day();
        let app = db.app_at(day);
        let s = story(&app).await;
        let id = s.report.id;
        let limits = ImportLimits::default();
        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
        let finance = app.create_body(None, "Sở Tài chính").await.expect("body");
        let organisation = app.create_body(None, "Ban Tổ chức Tỉnh ủy").await.expect("body");
        let inspection = app.create_body(None, "Ủy ban Kiểm tra Tỉnh ủy").await.expect("body");
        let outsider = app.create_body(None, "Sở Nội vụ").await.expect("body");
        let person = |email: &str, name: &str, body: BodyId| NewUser {
            email: email.into(), name: name.into(), title: None, body: Some(body), language: Language::Vi, global_roles: vec![],
        };
        let finance_person = app.create_user(None, person("stc@tinhuy.vn", "Đỗ Tài Chính", finance.id)).await.expect("person");
        app.create_user(None, person("ubkt@tinhuy.vn", "Mai Kiểm Tra", inspection.id)).await.expect("person");

        // An unknown body is refused, and the round is not opened.
        let unknown = ConsultRequest { bodies: vec![BodyId::from_uuid(uuid::Uuid::nil())], silence_agrees: true };
        let refused = app.take_step_consulting(&s.secretariat, id, open(day + Duration::days(2)), unknown).await;
        assert!(matches!(refused, Err(AppError::Invalid { field: "bodies", reason: InvalidReason::Missing })), "{refused:?}");
        assert!(app.rounds(&s.secretariat, id).await.expect("rounds").is_empty());

        // Before the round, the body's person does not see the draft.
        assert!(matches!(app.actor_of(finance_person.id).await.map(|a| a.consulted), Ok(c) if c.is_empty()));
        let consult = ConsultRequest { bodies: vec![finance.id, organisation.id, inspection.id], silence_agrees: true };
        app.take_step_consulting(&s.secretariat, id, open(day + Duration::days(2)), consult).await.expect("opened");

        // (a) The body's person comments in Gopy: the comment speaks for the body.
        let finance_actor = app.actor_of(finance_person.id).await.expect("actor");
        assert_eq!(finance_actor.consulted, vec![id]);
        let whole = NewComment { version: 1, anchor: NewAnchor::default(), body: "Đề nghị làm rõ nguồn vốn.".into(), on_behalf_of: None, at_meeting: false };
        let online = app.post_comment(&finance_actor, id, whole).await.expect("the body's person comments");
        assert_eq!(online.on_behalf_of, Some(finance.id));

        // (b) The organisation body answers by its comment form.
        let model = app.body_comment_form(&s.secretariat, id, organisation.id).await.expect("form");
        let passage = model.passages[2].id.clone();
        let docx = filled(&form_docx(&model), &[(&passage, "Đề nghị bổ sung số liệu &amp; nguồn."), ("toan-van", "Nhất trí với bố cục.")], None);
        let preview = app.preview_comment_form(&s.secretariat, id, &docx, &limits).await.expect("preview");
        assert_eq!(preview.problem, None);
        assert_eq!(preview.body.as_ref().map(|(b, _)| *b), Some(organisation.id));
        assert_eq!(preview.to_add(), 2);
        assert_eq!(preview.rows.len(), model.passages.len(), "every row is shown");
        let letter = FormLetter { number: "125/BTCTU".into(), signed_on: Some(time::macros::date!(2023 - 06 - 26)), signer: "Vũ Tổ Chức".into() };
        let added = app.import_comment_form(&s.secretariat, id, &docx, "phieu.docx", letter.clone(), &limits).await.expect("imported");
        assert_eq!(added, 2);
        // Uploaded twice: every row is already recorded, nothing is added.
        let again = app.preview_comment_form(&s.secretariat, id, &docx, &limits).await.expect("preview");
        assert_eq!(again.to_add(), 0);
        assert_eq!(again.rows.iter().filter(|r| r.state == RowState::AlreadyRecorded).count(), 2);
        assert_eq!(app.import_comment_form(&s.secretariat, id, &docx, "phieu.docx", FormLetter::default(), &limits).await.expect("again"), 0);
        // The same letter number again is refused, and nothing is stored.
        let twice = app.import_comment_form(&s.secretariat, id, &docx, "phieu.docx", letter, &limits).await;
        assert!(matches!(twice, Err(AppError::Invalid { field: "number", .. })), "{twice:?}");

        // Bad forms: another report's passage, a body not consulted, not a form at all.
        let other_passage = filled(&form_docx(&model), &[(&passage, "Ý kiến lạc chỗ.")], Some((&passage, "khong-co-doan-nay")));
        let preview = app.preview_comment_form(&s.secretariat, id, &other_passage, &limits).await.expect("preview");
        assert!(preview.blocked());
        assert_eq!(preview.rows.iter().filter(|r| r.state == RowState::UnknownPassage).count(), 1);
        let refused = app.import_comment_form(&s.secretariat, id, &other_passage, "x.docx", FormLetter::default(), &limits).await;
        assert!(matches!(refused, Err(AppError::Invalid { field: "file", .. })), "{refused:?}");
        let outsider_form = filled(&form_docx(&model), &[], Some((&organisation.id.to_string(), &outsider.id.to_string())));
        let preview = app.preview_comment_form(&s.secretariat, id, &outsider_form, &limits).await.expect("preview");
        assert_eq!(preview.problem, Some(FormProblem::NotConsulted));
        let other_report = filled(&form_docx(&model), &[], Some((&id.to_string(), &uuid::Uuid::nil().to_string())));
        let preview = app.preview_comment_form(&s.secretariat, id, &other_report, &limits).await.expect("preview");
        assert_eq!(preview.problem, Some(FormProblem::OtherReport));
        // A form of another round of this report (its round id is not this round's): refused whole.
        let other_round = filled(&form_docx(&model), &[(&passage, "Ý kiến đợt khác.")], Some((&model.ids.round, &uuid::Uuid::nil().to_string())));
        let preview = app.preview_comment_form(&s.secretariat, id, &other_round, &limits).await.expect("preview");
        assert_eq!(preview.problem, Some(FormProblem::OtherRound));
        let refused = app.import_comment_form(&s.secretariat, id, &other_round, "x.docx", FormLetter::default(), &limits).await;
        assert!(matches!(refused, Err(AppError::Invalid { field: "file", .. })), "{refused:?}");
        // No file at all: refused on its field, after the access check.
        let empty = app.preview_comment_form(&s.secretariat, id, &[], &limits).await;
        assert!(matches!(empty, Err(AppError::Invalid { field: "file", .. })), "{empty:?}");
        let stranger = app.preview_comment_form(&s.member, id, &[], &limits).await;
        assert!(matches!(stranger, Err(AppError::Forbidden)), "{stranger:?}");
        let preview = app.preview_comment_form(&s.secretariat, id, b"PK not a zip", &limits).await.expect("preview");
        assert_eq!(preview.problem, Some(FormProblem::NotAForm));
        // A letter for a body not consulted is refused.
        let stray = NewLetter {
            body: outsider.id.to_string(), number: "9/SNV".into(), signed_on: Some(time::macros::date!(2023 - 06 - 26)),
            signer: "Người ký".into(), file: None, comments: vec!["Ý kiến.".into()],
        };
        assert!(matches!(app.record_letter(&s.secretariat, id, stray).await, Err(AppError::Invalid { field: "body", .. })));

        // (d) The deadline passes: the silent body is deemed to agree, once.
        let after = db.app_at(day + Duration::days(3));
        assert_eq!(after.deem_silent_bodies().await.expect("deemed"), 1);
        assert_eq!(after.deem_silent_bodies().await.expect("deemed"), 0);

        let register = after.consultation_register(&s.secretariat, id).await.expect("register").expect("a consultation");
        let how = |body: BodyId| register.rows.iter().find(|r| r.standing.body == body).and_then(|r| r.standing.reply.clone()).map(|r| (r.how, r.letter.map(|l| l.to_string())));
        assert_eq!(how(finance.id), Some((ReplyHow::Online, None)));
        assert_eq!(how(organisation.id), Some((ReplyHow::Letter, Some("125/BTCTU".into()))));
        assert_eq!(how(inspection.id), Some((ReplyHow::Deemed, None)));
        let comments = |body: BodyId| register.rows.iter().find(|r| r.standing.body == body).map(|r| r.standing.comments);
        assert_eq!((comments(finance.id), comments(organisation.id), comments(inspection.id)), (Some(1), Some(2), Some(0)));
        assert_eq!(register.summary.with_comments.len(), 2);
        assert_eq!(register.summary.deemed, vec![inspection.id]);
        assert!(register.summary.not_replied.is_empty() && register.summary.late.is_empty());
        // The form's comments are anchored on their passage, for the body.
        let anchored: Vec<_> = after
            .review(&s.secretariat, id)
            .await
            .expect("review")
            .threads
            .into_iter()
            .filter(|t| t.comment.on_behalf_of == Some(organisation.id))
            .map(|t| t.comment.anchor.map(|a| a.block.to_string()))
            .collect();
        assert_eq!(anchored.len(), 2);
        assert!(anchored.contains(&Some(passage.clone())) && anchored.contains(&None), "{anchored:?}");
    }
}

on_both_engines! {
    async fn a_consulted_bodys_people_find_the_draft_in_search_and_on_their_home_until_the_body_replies(db) {
        let day = meeting_day();
        let app = db.app_at(day);
        let s = story(&app).await;
        let id = s.report.id;
        app.add_version(&s.lead, id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default()).await.expect("v1");
        let finance = app.create_body(None, "Sở Tài chính").await.expect("body");
        let person = |email: &str, name: &str| NewUser {
            email: email.into(), name: name.into(), title: None, body: Some(finance.id), language: Language::Vi, global_roles: vec![],
        };
        let first = app.create_user(None, person("stc@tinhuy.vn", "Đỗ Tài Chính")).await.expect("person").id;
        let second = app.create_user(None, person("stc2@tinhuy.vn", "Lý Tài Chính")).await.expect("person").id;
        let ask = |query: &str| gopy_app::search::SearchRequest { query: query.to_owned(), ..Default::default() };

        // Before the round consults their body, they see nothing of the draft.
        let before = app.actor_of(first).await.expect("actor");
        assert!(app.search(&before, ask("tham nhung")).await.expect("search").is_empty());
        assert!(app.my_work(&before).await.expect("work").is_empty());

        let consult = ConsultRequest { bodies: vec![finance.id], silence_agrees: false };
        app.take_step_consulting(&s.secretariat, id, open(day + Duration::days(2)), consult).await.expect("opened");
        let (first, second) = (app.actor_of(first).await.expect("actor"), app.actor_of(second).await.expect("actor"));

        // Search finds the draft's passages, and nothing of any other report.
        let hits = app.search(&first, ask("tham nhung")).await.expect("search");
        assert!(!hits.is_empty(), "the consulted body's person finds the draft");
        assert!(hits.iter().all(|h| h.entry.report == Some(id)), "{hits:?}");

        // Their home: the draft, for their body, awaiting them.
        let work = app.my_work(&first).await.expect("work");
        assert_eq!(work.to_comment.len(), 1, "{work:?}");
        let draft = &work.to_comment[0];
        assert_eq!((draft.report.id, draft.round, draft.version, draft.ballot), (id, 1, 1, false));
        assert_eq!(draft.for_body.as_ref().map(|b| (b.name.as_str(), b.replied)), Some(("Sở Tài chính", false)));
        assert_eq!(work.awaiting(), 1);

        // A colleague comments for the body: the body has replied, and the
        // draft no longer awaits the first person, who finds the comment too.
        let comment = NewComment { version: 1, anchor: NewAnchor::default(), body: "Đề nghị làm rõ nguồn vốn.".into(), on_behalf_of: None, at_meeting: false };
        app.post_comment(&second, id, comment).await.expect("the colleague comments");
        let work = app.my_work(&first).await.expect("work");
        let draft = &work.to_comment[0];
        assert_eq!((draft.commented, draft.for_body.as_ref().map(|b| b.replied)), (0, Some(true)));
        assert!(!draft.untouched());
        assert_eq!(work.awaiting(), 0);
        let found = app.search(&first, ask("nguon von")).await.expect("search");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].entry.kind, gopy_domain::search::EntryKind::Comment);

        // A person of another committee still finds nothing.
        assert!(app.search(&s.stranger, ask("tham nhung")).await.expect("search").is_empty());
    }
}
