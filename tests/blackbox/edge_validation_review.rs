//! The edge of the review loop, reports and search: each API body and form
//! is posted with one wrong value in every field at once, and every field
//! must be named at once (in `fields` for the API, beside the field or in
//! the form's message on a page) with what was typed kept on the page.
//! One demo server per test; the rows are a table.

use gopy_tests::{Server, client, create_token};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::accounts::{csrf_of, sign_in};

const PASSWORD: &str = "gopy-demo-2023";
const DEMO_DATABASE: (&str, &str) = ("GOPY__DATABASE__URL", "sqlite://data/demo.db");
/// A made-up id: well formed, naming nothing.
const UNKNOWN: &str = "0190f5c4-0000-7000-8000-000000000000";

/// The demo's ids the rows need, read through the API.
struct Story {
    report: String,
    assessment: String,
    comment: String,
}

async fn story(server: &Server, http: &reqwest::Client, token: &str) -> Story {
    let get = |path: String| async move {
        http.get(server.url(&path)).bearer_auth(token).send().await.expect("get").json::<Value>().await.expect("json")
    };
    let reports = get("/api/v1/reports".to_owned()).await;
    let titled = |words: &str| {
        reports.as_array().expect("reports").iter().find(|r| r["title"].as_str().is_some_and(|t| t.contains(words))).expect(words)["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let (report, assessment) = (titled("sơ kết giữa nhiệm kỳ"), titled("kiểm điểm giữa nhiệm kỳ"));
    let review = get(format!("/api/v1/reports/{report}/comments")).await;
    let comment = review["threads"][0]["comment"]["id"].as_str().expect("a comment").to_owned();
    Story { report, assessment, comment }
}

/// The messages of the rules, in Vietnamese (the demo's people read Vietnamese).
const REQUIRED: &str = "Không được để trống.";
const TOO_LONG: &str = "Quá dài:";
const CHOICE: &str = "Hãy chọn một mục có trong danh sách.";
const DISPOSITION: &str = "Hãy chọn Tiếp thu, Tiếp thu một phần hoặc Giải trình";
const FLAG: &str = "Chỉ nhận 1 (có) hoặc 0 (không).";
const PAGE_SIZE: &str = "Số ý kiến mỗi trang phải từ 1 đến 100.";

#[tokio::test]
async fn review_and_report_api_bodies_name_every_refused_field_at_once() {
    let server = Server::demo();
    let http = client();
    let token = create_token(&server, "vanphong@tinhuy.vn", &[DEMO_DATABASE]);
    let Story { report, assessment, comment } = story(&server, &http, &token).await;
    let long = "ý".repeat(5_001);
    let long_note = "ý".repeat(2_001);

    // (method, path, body or none for a query, the fields named)
    let rows: Vec<(Method, String, Option<Value>, Vec<&str>)> = vec![
        (
            Method::POST,
            format!("/api/v1/reports/{report}/comments"),
            Some(json!({ "version": 0, "block": "", "quote": long, "body": "", "on_behalf_of": "ai-đó" })),
            vec!["block", "body", "on_behalf_of", "quote", "version"],
        ),
        (Method::POST, format!("/api/v1/comments/{comment}/replies"), Some(json!({ "body": "   " })), vec!["body"]),
        (Method::PATCH, format!("/api/v1/comments/{comment}"), Some(json!({ "body": "", "reason": long })), vec!["body", "reason"]),
        (
            Method::PUT,
            format!("/api/v1/comments/{comment}/disposition"),
            Some(json!({ "disposition": "có-lẽ", "response": long, "addressed_in": 0 })),
            vec!["addressed_in", "disposition", "response"],
        ),
        (
            Method::POST,
            format!("/api/v1/reports/{report}/transitions"),
            Some(json!({
                "action": "bay", "deadline": "ngày mai", "reason": long, "working_days": 0,
                "reminder_offsets": [99], "bodies": ["không-phải-mã"]
            })),
            vec!["action", "bodies", "deadline", "reason", "reminder_offsets", "working_days"],
        ),
        (Method::PUT, format!("/api/v1/reports/{report}/ballot"), Some(json!({ "vote": "có-lẽ", "text": long })), vec!["text", "vote"]),
        (
            Method::POST,
            "/api/v1/reports".to_owned(),
            Some(json!({
                "kind": "thơ", "title": "", "term": "x", "body": "x", "committee": "x", "drafters": [UNKNOWN, "x"], "lead": "x"
            })),
            vec!["body", "committee", "drafters", "kind", "lead", "term", "title"],
        ),
        (Method::POST, format!("/api/v1/reports/{report}/versions"), Some(json!({ "markdown": "# Dự thảo", "change_note": long_note })), vec!["change_note"]),
        (
            Method::POST,
            format!("/api/v1/reports/{report}/answers/preview"),
            Some(json!({ "template": "x", "comments": ["x"] })),
            vec!["comments", "template"],
        ),
        (Method::POST, format!("/api/v1/reports/{report}/groups"), Some(json!({ "comments": [comment, "x"] })), vec!["comments"]),
        (Method::POST, format!("/api/v1/reports/{report}/versions/2/indicators/results"), Some(json!({ "as_of": "30/06/2023" })), vec!["as_of"]),
        (
            Method::GET,
            format!("/api/v1/reports/{report}/versions/2/passages/whole/threads?awaiting=có&mine=2&body=x&disposition=x&limit=0"),
            None,
            vec!["awaiting", "body", "disposition", "limit", "mine"],
        ),
        (Method::GET, "/api/v1/search?q=tham&kind=x&report=x&meeting=x&author=x&all=x".to_owned(), None, vec!["all", "author", "kind", "meeting", "report"]),
        (Method::GET, format!("/api/v1/reports/{report}/diff?from=0&to=0"), None, vec!["from", "to"]),
        (Method::GET, format!("/api/v1/reports/{report}/changes?from=0"), None, vec!["from"]),
    ];
    for (method, path, body, fields) in rows {
        let mut request = http.request(method.clone(), server.url(&path)).bearer_auth(&token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let answer = request.send().await.expect("sent");
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{method} {path}");
        let body: Value = answer.json().await.expect("json");
        assert_eq!(body["error"]["code"], "invalid", "{method} {path}: {body}");
        let named: Vec<&str> = body["error"]["fields"].as_object().expect("fields").keys().map(String::as_str).collect();
        assert_eq!(named, fields, "{method} {path}: every field at once, none other: {body}");
    }

    // Uploads are typed too: a version's note and button, a Word file's body.
    let form = reqwest::multipart::Form::new().text("markdown", "# Dự thảo").text("change_note", long_note.clone()).text("action", "bay");
    let answer = http.post(server.url(&format!("/api/v1/reports/{report}/versions"))).bearer_auth(&token).multipart(form).send().await.expect("upload");
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = answer.json().await.expect("json");
    assert_eq!(body["error"]["fields"].as_object().expect("fields").keys().map(String::as_str).collect::<Vec<_>>(), ["action", "change_note"], "{body}");
    let form = reqwest::multipart::Form::new().text("body", "không-phải-mã");
    let answer = http.post(server.url(&format!("/api/v1/reports/{assessment}/word-comments"))).bearer_auth(&token).multipart(form).send().await.expect("upload");
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = answer.json().await.expect("json");
    assert_eq!(body["error"]["fields"].as_object().expect("fields").keys().map(String::as_str).collect::<Vec<_>>(), ["body"], "{body}");

    // Unknown keys are refused, and named, rather than ignored.
    for (path, body) in [
        (format!("/api/v1/reports/{report}/comments"), json!({ "version": 2, "body": "Ý kiến", "colour": "đỏ" })),
        (format!("/api/v1/comments/{comment}/disposition"), json!({ "disposition": "accepted", "colour": "đỏ" })),
        (format!("/api/v1/reports/{report}/transitions"), json!({ "action": "close_round", "colour": "đỏ" })),
    ] {
        let answer = http.post(server.url(&path)).bearer_auth(&token).json(&body).send().await.expect("sent");
        let answer = if answer.status() == StatusCode::METHOD_NOT_ALLOWED {
            http.put(server.url(&path)).bearer_auth(&token).json(&body).send().await.expect("sent")
        } else {
            answer
        };
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let body: Value = answer.json().await.expect("json");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("colour")), "{path}: the key is named: {body}");
    }

    // Nothing of it was stored: the report has the versions it had.
    let detail: Value = http.get(server.url(&format!("/api/v1/reports/{report}"))).bearer_auth(&token).send().await.expect("get").json().await.expect("json");
    assert_eq!(detail["versions"].as_array().map(Vec::len), Some(2), "{detail}");
}

/// A page answered to a refused form: its status and its HTML.
async fn post_form(http: &reqwest::Client, server: &Server, page: &str, action: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let html = http.get(server.url(page)).send().await.expect("page").text().await.expect("html");
    let mut form: Vec<(&str, String)> = vec![("csrf", csrf_of(&html))];
    form.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
    let answer = http.post(server.url(action)).form(&form).send().await.expect("post");
    (answer.status(), answer.text().await.expect("html"))
}

#[tokio::test]
async fn review_and_report_forms_name_every_refused_field_and_keep_what_was_typed() {
    let server = Server::demo();
    let secretariat = client();
    sign_in(&secretariat, &server, "vanphong@tinhuy.vn", PASSWORD).await;
    let lead = client();
    sign_in(&lead, &server, "tuyengiao@tinhuy.vn", PASSWORD).await;
    let token = create_token(&server, "vanphong@tinhuy.vn", &[DEMO_DATABASE]);
    let Story { report, assessment, comment } = story(&server, &client(), &token).await;
    let version = format!("/reports/{report}/versions/2");
    let long_body = "Đề nghị bổ sung số liệu. ".repeat(210);

    // A comment: the passage's fields, the version, the text and the member.
    let (status, html) = post_form(&secretariat, &server, &version, &format!("/reports/{report}/comments"), &[
        ("version", "hai"),
        ("block", &"b".repeat(70)),
        ("start", "đầu"),
        ("end", "cuối"),
        ("quote", "tăng trưởng"),
        ("body", &long_body),
        ("author", "ai-đó"),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for id in ["comment-anchor-error", "comment-version-error", "comment-body-error"] {
        assert!(html.contains(&format!("id=\"{id}\"")), "the comment form: no {id}");
    }
    // The member's field is drawn only while a round is open: said above the form.
    assert!(html.contains(CHOICE), "the member refused");
    assert!(html.contains(long_body.trim_end()), "the text typed is kept");
    assert!(html.contains("value=\"đầu\""), "the passage's start as typed is kept");

    // A new report: every field at once, the title kept.
    let long_title = "Báo cáo ".repeat(70);
    let (status, html) = post_form(&secretariat, &server, "/reports", "/reports", &[
        ("title", long_title.trim_end()),
        ("kind", "thơ"),
        ("term", "x"),
        ("body", "x"),
        ("committee", "x"),
        ("drafters", "x"),
        ("lead", "x"),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["title", "kind", "body", "committee", "drafters", "lead"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "the new report: no message beside {field}");
    }
    assert!(html.contains(long_title.trim_end()), "the title typed is kept");

    // A thread's forms: a reply, a withdrawal, and (for the drafting team) an answer.
    let (status, html) = post_form(&secretariat, &server, &version, &format!("/comments/{comment}/replies"), &[("body", "  "), ("version", "0")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!("id=\"reply-error-{comment}\"")), "the reply's message beside it");
    assert!(html.contains(REQUIRED) && html.contains("Cần số của một bản dự thảo"), "the text and the version, both said");
    let (status, html) = post_form(&secretariat, &server, &version, &format!("/comments/{comment}/withdraw"), &[("reason", &long_body), ("version", "2")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(TOO_LONG) && html.contains(long_body.trim_end()), "the reason refused and kept");
    let (status, html) = post_form(&lead, &server, &version, &format!("/comments/{comment}/disposition"), &[
        ("disposition", "có-lẽ"),
        ("response", &long_body),
        ("addressed_in", "ba"),
        ("version", "2"),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(&format!("id=\"answer-error-{comment}\"")), "the answer's message beside it");
    assert!(html.contains(DISPOSITION) && html.contains(TOO_LONG) && html.contains("Cần số của một bản dự thảo"), "all three said");
    assert!(html.contains(long_body.trim_end()), "the response typed is kept");

    // A step and a vote.
    let report_page = format!("/reports/{report}");
    let (status, html) = post_form(&secretariat, &server, &report_page, &format!("/reports/{report}/steps"), &[
        ("step", "bay"),
        ("deadline", "ngày mai"),
        ("working_days", "0"),
        ("reminder_offsets", "99"),
        ("consult", "x"),
        ("late_allowed", "có"),
    ])
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown step is refused, not a 404");
    assert!(html.contains("Bước phải là một trong") && html.contains(FLAG), "the fields without a place of their own, in the banner");
    // The report is being revised: the form that opens a round is drawn, each field's message beside it.
    for field in ["deadline", "working_days", "reminder_offsets"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "the step: no message beside {field}");
    }
    assert!(html.contains("value=\"99\""), "the offsets typed are kept");
    let (status, html) = post_form(&secretariat, &server, &report_page, &format!("/reports/{report}/ballot"), &[("vote", "có-lẽ"), ("text", &long_body)]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Hãy chọn Đồng ý, Không đồng ý") && html.contains(TOO_LONG), "both said");

    // The consultation register: a letter (an upload) and a "no comment".
    let register = format!("/reports/{assessment}/consultation");
    let page = secretariat.get(server.url(&register)).send().await.expect("register").text().await.expect("html");
    let long_number = "CV-".repeat(30);
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf_of(&page))
        .text("body", "x")
        .text("number", long_number.clone())
        .text("signed_on", "30/06/2023")
        .text("signer", "")
        .text("comments", long_body.clone());
    let answer = secretariat.post(server.url(&format!("{register}/letters"))).multipart(form).send().await.expect("letter");
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = answer.text().await.expect("html");
    for field in ["body", "number", "signed_on", "signer", "comments"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "the letter: no message beside {field}");
    }
    assert!(html.contains(&long_number), "the number typed is kept");
    let (status, html) = post_form(&secretariat, &server, &register, &format!("{register}/no-comment"), &[("body", "x")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains(CHOICE), "{html}");

    // Indicators: a direction that names nothing is said, not a 404.
    let indicators = format!("/reports/{report}/versions/2/indicators");
    let (status, html) = post_form(&secretariat, &server, &indicators, &format!("{indicators}/direction"), &[("indicator", "x"), ("direction", "lên")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(html.matches(CHOICE).count(), 2, "both fields said");
    let (status, html) = post_form(&secretariat, &server, &indicators, &format!("{indicators}/record"), &[("as_of", "30/06/2023")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Ngày phải viết dạng năm-tháng-ngày"), "the day's rule said");

    // Query strings: each bad filter named, none taken for a default.
    for (path, said) in [
        (format!("/reports/{report}/comments?awaiting=có&limit=0&disposition=x"), vec![FLAG, PAGE_SIZE, CHOICE]),
        (format!("/reports/{report}/diff?from=một&to=0"), vec!["from:", "to:"]),
        (format!("/reports/{report}/changes?from=x"), vec!["from:"]),
        ("/search?q=tham&kind=x&report=x".to_owned(), vec!["kind:", "report:"]),
    ] {
        let answer = secretariat.get(server.url(&path)).send().await.expect("get");
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let html = answer.text().await.expect("html");
        for text in said {
            assert!(html.contains(text), "{path}: {text} is said");
        }
    }
    let html = secretariat.get(server.url("/search?q=tham+nh%C5%A9ng&kind=x")).send().await.expect("search").text().await.expect("html");
    assert!(html.contains("tham nhũng"), "the words searched for are kept");

    // Nothing was stored: no comment, report or letter came of it.
    let review: Value = client()
        .get(server.url(&format!("/api/v1/reports/{report}/comments")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("review")
        .json()
        .await
        .expect("json");
    assert!(!review.to_string().contains("Đề nghị bổ sung số liệu. Đề nghị"), "the refused comment was not stored");
}
