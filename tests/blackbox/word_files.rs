//! Word files as they really are, over HTTP: automatic heading numbers give
//! the typed labels, what a file holds that cannot be imported is listed to
//! the uploader, and a body's copy of the draft with Word's review comments
//! becomes comments anchored on the current version, once however often it
//! is sent.

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::accounts::csrf_of;
use crate::reports::{Setup, option_value, setup};

pub(crate) const WORD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/word/");

pub(crate) fn word(name: &str) -> Vec<u8> {
    std::fs::read(format!("{WORD}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

async fn upload_version(s: &Setup, name: &str) -> Value {
    let form = Form::new().part("file", Part::bytes(word(name)).file_name(name.to_owned()));
    let response = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/versions", s.report)))
        .bearer_auth(&s.drafter_token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), StatusCode::CREATED, "{name}");
    response.json().await.expect("json")
}

fn label_of<'a>(version: &'a Value, prefix: &str) -> &'a str {
    let blocks = version["blocks"].as_array().expect("blocks");
    let block = blocks.iter().find(|b| b["text"].as_str().is_some_and(|t| t.starts_with(prefix))).unwrap_or_else(|| panic!("{prefix}"));
    block["label"].as_str().expect("a label")
}

/// The body whose Word comments are recorded: the round consults it.
pub(crate) const CONSULTED: &str = "Sở Tài chính";

/// Makes the body [`CONSULTED`] and opens a round on the report that
/// consults it (the report needs a version); returns the body's id.
pub(crate) async fn consult_finance(s: &Setup) -> String {
    let page = s.http.get(s.server.url("/admin/bodies")).send().await.expect("bodies").text().await.expect("html");
    let made = s.http.post(s.server.url("/admin/bodies")).form(&[("csrf", csrf_of(&page).as_str()), ("name", CONSULTED)]).send().await.expect("body");
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let body = body_named(s, CONSULTED).await;
    let deadline = (time::OffsetDateTime::now_utc() + time::Duration::days(3))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("a time");
    let opened = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/transitions", s.report)))
        .bearer_auth(&s.admin_token)
        .json(&serde_json::json!({ "action": "open_round", "deadline": deadline, "bodies": [body], "silence_agrees": false }))
        .send()
        .await
        .expect("open");
    assert_eq!(opened.status(), StatusCode::OK, "{}", opened.text().await.unwrap_or_default());
    body
}

/// A body's id, as the people page's form offers it.
async fn body_named(s: &Setup, name: &str) -> String {
    let page = s.http.get(s.server.url("/admin/people")).send().await.expect("people").text().await.expect("html");
    option_value(&page, name)
}

async fn read_comments(s: &Setup, body: &str) -> reqwest::Response {
    let form = Form::new()
        .text("body", body.to_owned())
        .part("file", Part::bytes(word("review-comments.docx")).file_name("gop-y-ban-tuyen-giao.docx"));
    s.http
        .post(s.server.url(&format!("/api/v1/reports/{}/word-comments", s.report)))
        .bearer_auth(&s.admin_token)
        .multipart(form)
        .send()
        .await
        .expect("read")
}

async fn store(s: &Setup, import: &str) -> reqwest::Response {
    s.http
        .post(s.server.url(&format!("/api/v1/reports/{}/word-comments/{import}/store", s.report)))
        .bearer_auth(&s.admin_token)
        .send()
        .await
        .expect("store")
}

#[tokio::test]
async fn a_word_file_with_automatic_heading_numbers_gets_the_typed_labels_and_hears_what_was_left_out() {
    let s = setup().await;
    let v1 = upload_version(&s, "left-out.docx").await;
    let kinds: Vec<&str> = v1["left_out"].as_array().expect("left out").iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(kinds, ["chart", "picture", "text_box", "equation"]);
    assert_eq!(v1["left_out"][1]["label"], "I ¶2");
    // The uploader's page after an upload: the version, which lists them.
    let page = s.http.get(s.server.url(&format!("/reports/{}/versions/1", s.report))).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("Không nhập được từ tệp tải lên"), "the version page lists what was left out");
    assert!(page.contains("Hình ảnh · I ¶2"), "by passage");
    assert!(page.contains("[Hình ảnh]"), "the placeholder keeps its place");

    let v2 = upload_version(&s, "auto-numbering.docx").await;
    assert_eq!(label_of(&v2, "II. KẾT QUẢ"), "II");
    assert_eq!(label_of(&v2, "1. Về phát triển kinh tế"), "II.1");
    assert_eq!(label_of(&v2, "Thu ngân sách nhà nước"), "II.1 ¶2");
    assert_eq!(label_of(&v2, "b) Y tế"), "II.2 ¶3");
    assert_eq!(v2["left_out"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn a_drafts_word_review_comments_are_imported_anchored_and_the_same_file_twice_adds_nothing() {
    let s = setup().await;
    upload_version(&s, "auto-numbering.docx").await;
    let body = consult_finance(&s).await;

    // A body the round does not consult is refused, and nothing is read.
    let not_consulted = read_comments(&s, &body_named(&s, "Ban Tuyên giáo Tỉnh ủy").await).await;
    assert_eq!(not_consulted.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refusal: Value = not_consulted.json().await.expect("json");
    let said = refusal["error"]["fields"]["body"].as_str().unwrap_or_default();
    assert!(said.contains("Cơ quan này không được lấy ý kiến trong đợt này."), "{refusal}");

    let refused = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/word-comments", s.report)))
        .bearer_auth(&s.member_token)
        .multipart(Form::new().text("body", body.clone()).part("file", Part::bytes(word("review-comments.docx")).file_name("x.docx")))
        .send()
        .await
        .expect("a member tries");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let not_word = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/word-comments", s.report)))
        .bearer_auth(&s.admin_token)
        .multipart(Form::new().text("body", body.clone()).part("file", Part::bytes(b"%PDF-1.7 ...".to_vec()).file_name("x.pdf")))
        .send()
        .await
        .expect("a pdf");
    assert_eq!(not_word.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let read = read_comments(&s, &body).await;
    assert_eq!(read.status(), StatusCode::CREATED);
    let import: Value = read.json().await.expect("json");
    let rows = import["comments"].as_array().expect("comments");
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[0]["lands_on"].as_str(), rows[0]["label"].as_str()), (Some("passage"), Some("II.1 ¶2")));
    assert_eq!(rows[0]["quote"], "vượt dự toán được giao");
    assert_eq!((rows[1]["lands_on"].as_str(), rows[1]["quote_gone"].as_bool()), (Some("whole_report"), Some(true)));
    assert_eq!(rows[2]["label"], "II.2 ¶1");
    let listed = |s: &Setup| {
        let http = s.http.clone();
        let url = s.server.url(&format!("/api/v1/reports/{}/comments", s.report));
        let token = s.admin_token.clone();
        async move { http.get(url).bearer_auth(token).send().await.expect("list").json::<Value>().await.expect("json") }
    };
    assert_eq!(listed(&s).await["comments"], 0, "the preview stores nothing");

    let import_id = import["id"].as_str().expect("an id");
    let stored = store(&s, import_id).await;
    assert_eq!(stored.status(), StatusCode::CREATED);
    let stored: Value = stored.json().await.expect("json");
    assert_eq!((stored["added"].as_u64(), stored["on_whole_report"].as_u64(), stored["already"].as_u64()), (Some(3), Some(1), Some(0)));
    assert_eq!(store(&s, import_id).await.status(), StatusCode::CONFLICT, "an import is stored once");

    let review = listed(&s).await;
    assert_eq!(review["comments"], 3);
    let threads = review["threads"].as_array().expect("threads");
    let anchored = threads.iter().find(|t| t["comment"]["quote"] == "vượt dự toán được giao").expect("the anchored comment");
    assert_eq!(anchored["comment"]["body"], "Đề nghị ghi rõ số vượt dự toán của từng năm.");
    let whole = threads.iter().find(|t| t["comment"]["block"].is_null()).expect("the comment on the whole report");
    let text = whole["comment"]["body"].as_str().expect("text");
    assert!(text.contains("Nội dung này đã được lược bỏ ở dự thảo hiện hành.") && text.ends_with("Đề nghị giữ lại đoạn này."), "{text}");

    // The body sends the same file again.
    let again: Value = read_comments(&s, &body).await.json().await.expect("json");
    let preview: Value = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}/word-comments/{}", s.report, again["id"].as_str().expect("id"))))
        .bearer_auth(&s.admin_token)
        .send()
        .await
        .expect("preview")
        .json()
        .await
        .expect("json");
    assert!(preview["comments"].as_array().expect("rows").iter().all(|r| r["already"] == true), "{preview}");
    let stored: Value = store(&s, again["id"].as_str().expect("id")).await.json().await.expect("json");
    assert_eq!((stored["added"].as_u64(), stored["already"].as_u64()), (Some(0), Some(3)));
    assert_eq!(listed(&s).await["comments"], 3, "nothing added twice");
}

#[tokio::test]
async fn the_secretariats_pages_preview_every_comment_and_store_them() {
    let s = setup().await;
    upload_version(&s, "auto-numbering.docx").await;
    let consulted = consult_finance(&s).await;
    let stray = body_named(&s, "Ban Tuyên giáo Tỉnh ủy").await;
    let report_page = s.http.get(s.server.url(&format!("/reports/{}", s.report))).send().await.expect("page").text().await.expect("html");
    assert!(report_page.contains(&format!("/reports/{}/word-comments", s.report)), "the report page links to the import");
    let page = s.http.get(s.server.url(&format!("/reports/{}/word-comments", s.report))).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.expect("html");
    let body = option_value(&page, CONSULTED);
    assert_eq!(body, consulted);
    assert!(!page.contains(&format!("value=\"{stray}\"")), "a body not consulted is not offered");

    // No body chosen: refused beside the field, nothing read.
    let form = |body: &str| {
        Form::new()
            .text("csrf", csrf_of(&page))
            .text("body", body.to_owned())
            .part("file", Part::bytes(word("review-comments.docx")).file_name("gop-y.docx"))
    };
    let refused = s.http.post(s.server.url(&format!("/reports/{}/word-comments", s.report))).multipart(form("")).send().await.expect("post");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.expect("html").contains("class=\"field has-error\""));
    // A body the round does not consult (sent by hand): refused beside the
    // field in the person's language, nothing read nor stored.
    let refused = s.http.post(s.server.url(&format!("/reports/{}/word-comments", s.report))).multipart(form(&stray)).send().await.expect("post");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.expect("html");
    assert!(refused.contains("Cơ quan này không được lấy ý kiến trong đợt này.") && refused.contains("class=\"field has-error\""), "{refused}");
    let comments: Value = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}/comments", s.report)))
        .bearer_auth(&s.admin_token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(comments["comments"], 0);

    let read = s.http.post(s.server.url(&format!("/reports/{}/word-comments", s.report))).multipart(form(&body)).send().await.expect("post");
    assert_eq!(read.status(), StatusCode::SEE_OTHER);
    let preview_path = read.headers()[LOCATION].to_str().expect("location").to_owned();
    let preview = s.http.get(s.server.url(&preview_path)).send().await.expect("preview").text().await.expect("html");
    assert!(preview.contains("II.1 ¶2") && preview.contains("Cả báo cáo") && preview.contains("Lưu 3 ý kiến"), "{preview}");
    let stored = s
        .http
        .post(s.server.url(&preview_path))
        .form(&[("csrf", csrf_of(&preview).as_str())])
        .send()
        .await
        .expect("store");
    assert_eq!(stored.status(), StatusCode::SEE_OTHER);
    let after = s.http.get(s.server.url(&preview_path)).send().await.expect("page").text().await.expect("html");
    assert!(after.contains("Đã lưu lúc"), "the preview says it is stored");
    assert!(!after.contains("id=\"word-import-store\""), "and offers no second store");
}
