//! Web safety: hostile text shown as text everywhere people see it, the
//! security headers (HSTS when reached over TLS), no inline script in any
//! template, a new session id on every sign-in, the body limit's page, and
//! the per-person write rate limit on pages and the API.

use std::path::PathBuf;

use gopy_tests::{Server, client, run_gopy};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER, SET_COOKIE};
use serde_json::{Value, json};

use crate::accounts::{PASSWORD, add_user, csrf_of, set_password, sign_in};

/// Text a person might type to break out of the page: a script, an
/// attribute, and handlebars' own braces.
const HOSTILE: &str = "<script>alert(1)</script>\"onerror=alert(2) {{7*7}}";
/// How the script part shows once escaped (the rest is escaped further: `=` as `&#x3D;`).
const SCRIPT_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;onerror";

/// A page (or mail) showed hostile text as markup rather than as text.
fn assert_shown_as_text(what: &str, html: &str) {
    assert!(!html.contains("<script>alert"), "{what}: a typed <script> became markup:\n{html}");
    assert!(!html.contains("\"onerror="), "{what}: a typed quote closed an attribute:\n{html}");
    assert!(!html.contains("alert(2) 49"), "{what}: typed braces were evaluated");
}

async fn demo_person(server: &Server, email: &str) -> reqwest::Client {
    let http = client();
    let done = sign_in(&http, server, email, "gopy-demo-2023").await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "{email} signs in");
    http
}

async fn csrf(http: &reqwest::Client, server: &Server) -> String {
    csrf_of(&http.get(server.url("/account")).send().await.expect("account").text().await.expect("html"))
}

/// The demo's mid-term review, with its two versions and its comments.
fn the_review(reports: &Value) -> &Value {
    let review = |r: &&Value| r["title"].as_str().is_some_and(|t| t.contains("sơ kết giữa nhiệm kỳ"));
    reports.as_array().expect("a list").iter().find(review).expect("the mid-term review")
}

/// The demo's self-assessment, whose first version is open for comments.
fn the_open_report(reports: &Value) -> String {
    let open = |r: &&Value| r["title"].as_str().is_some_and(|t| t.contains("kiểm điểm giữa nhiệm kỳ"));
    reports.as_array().expect("a list").iter().find(open).expect("the self-assessment")["id"].as_str().expect("id").to_owned()
}

async fn json_ok(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.expect("body");
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).expect("JSON")
}

#[tokio::test]
async fn hostile_text_in_titles_comments_minutes_names_and_drafts_is_shown_as_text() {
    let server = Server::demo();
    let office = demo_person(&server, "vanphong@tinhuy.vn").await;
    let member = demo_person(&server, "uyvien@tinhuy.vn").await;
    let api = |http: &reqwest::Client, method: &str, path: &str, body: Value| {
        http.request(method.parse().expect("method"), server.url(path)).json(&body).send()
    };

    // A report, a version written in Markdown with raw HTML and a script link, both hostile.
    let reports = json_ok(office.get(server.url("/api/v1/reports")).send().await.expect("reports")).await;
    let demo = the_review(&reports).clone();
    let me = json_ok(office.get(server.url("/api/v1/me")).send().await.expect("me")).await;
    let report = json_ok(api(&office, "POST", "/api/v1/reports", json!({
        "kind": demo["kind"], "title": HOSTILE, "body": demo["body"], "committee": demo["committee"],
        "drafters": [me["id"]], "lead": me["id"],
    })).await.expect("create")).await;
    let report_id = report["id"].as_str().expect("id").to_owned();
    let markdown = format!(
        "# {HOSTILE}\n\n<img src=x onerror=alert(3)> and <script>alert(1)</script>\n\n[a link](javascript:alert(4)) **{HOSTILE}**\n"
    );
    json_ok(api(&office, "POST", &format!("/api/v1/reports/{report_id}/versions"), json!({ "markdown": markdown, "change_note": HOSTILE })).await.expect("version")).await;

    // A comment and the member's name.
    let demo_id = the_open_report(&reports);
    json_ok(api(&member, "POST", &format!("/api/v1/reports/{demo_id}/comments"), json!({ "version": 1, "body": HOSTILE })).await.expect("comment")).await;
    let token = csrf(&member, &server).await;
    let renamed = member
        .post(server.url("/account/profile"))
        .form(&[("csrf", token.as_str()), ("name", HOSTILE), ("language", "vi"), ("time_zone", "Asia/Ho_Chi_Minh")])
        .send()
        .await
        .expect("profile");
    assert!(renamed.status().is_redirection() || renamed.status().is_success(), "{}", renamed.status());

    // A meeting with a hostile title, agenda item and opinion in its minutes.
    let meeting = json_ok(api(&office, "POST", "/api/v1/meetings", json!({
        "committee": demo["committee"], "title": HOSTILE, "starts_at": "2023-07-20T08:00:00+07:00",
        "ends_at": "2023-07-20T11:00:00+07:00", "place": HOSTILE, "presiding": me["id"], "invited": [],
    })).await.expect("meeting")).await;
    let meeting_id = meeting["id"].as_str().expect("id").to_owned();
    let with_item = json_ok(api(&office, "POST", &format!("/api/v1/meetings/{meeting_id}/agenda"), json!({
        "title": HOSTILE, "presenter": demo["body"], "report": null, "minutes_allotted": 15,
    })).await.expect("agenda")).await;
    let item = with_item["agenda"][0]["id"].as_str().expect("item").to_owned();
    json_ok(api(&office, "POST", &format!("/api/v1/meetings/{meeting_id}/minutes"), json!({
        "agenda_item": item, "speaker": me["id"], "summary": HOSTILE,
    })).await.expect("opinion")).await;

    let pages = [
        "/reports".to_owned(),
        format!("/reports/{report_id}"),
        format!("/reports/{report_id}/versions/1"),
        format!("/reports/{demo_id}/versions/1"),
        format!("/reports/{demo_id}/comments"),
        format!("/reports/{demo_id}/dispositions"),
        "/dashboard".to_owned(),
        "/search?q=alert".to_owned(),
        "/meetings".to_owned(),
        format!("/meetings/{meeting_id}"),
        "/admin/people".to_owned(),
    ];
    for page in &pages {
        let html = office.get(server.url(page)).send().await.expect(page).text().await.expect("html");
        assert_shown_as_text(page, &html);
        assert!(!html.contains("javascript:alert") || !html.contains("href=\"javascript:"), "{page}: a script link");
        assert!(!html.contains("<img src=x"), "{page}: raw HTML from Markdown became markup");
        // Search marks the words found, inside the escaped text.
        let shown = if page.starts_with("/search") { "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;" } else { SCRIPT_ESCAPED };
        assert!(html.contains(shown) && html.contains("{{7*7}}"), "{page} shows the hostile text, escaped:\n{html}");
    }

    // The Markdown preview goes through the same escaping.
    let token = csrf(&office, &server).await;
    let preview = office
        .post(server.url(&format!("/reports/{report_id}/versions")))
        .multipart(reqwest::multipart::Form::new().text("csrf", token).text("source", "write").text("markdown", markdown.clone()).text("action", "preview"))
        .send()
        .await
        .expect("preview")
        .text()
        .await
        .expect("html");
    assert_shown_as_text("the preview", &preview);
    assert!(preview.contains(SCRIPT_ESCAPED), "the preview shows the Markdown's text, escaped");
    assert!(!preview.contains("<img src=x"), "the preview keeps raw HTML out");
}

#[tokio::test]
async fn security_headers_are_sent_and_hsts_only_when_reached_over_tls() {
    let plain = Server::start();
    let response = client().get(plain.url("/sign-in")).send().await.expect("page");
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().expect("csp");
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "no inline script: {csp}");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    assert!(headers.get("strict-transport-security").is_none(), "no HSTS over plain http");

    let behind_tls = Server::start_with(&[], &[("GOPY__SERVER__PUBLIC_URL", "https://gopy.tinhuy.vn")]);
    let response = client().get(behind_tls.url("/sign-in")).send().await.expect("page");
    let hsts = response.headers().get("strict-transport-security").expect("HSTS behind TLS");
    assert!(hsts.to_str().expect("hsts").starts_with("max-age=31536000"), "{hsts:?}");
    let cookie = response.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>().join("\n");
    assert!(cookie.contains("gopy_csrf=") && cookie.contains("Secure"), "{cookie}");
}

fn template_files() -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    let mut folders = vec![root.join("web/templates"), root.join("crates/notifier/templates")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a template folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "hbs") {
                files.push(path);
            }
        }
    }
    assert!(files.len() > 30, "the templates were not found: {files:?}");
    files
}

/// The CSP forbids inline script, so a template with one would break; and
/// `{{{ }}}` (unescaped) is kept to the values built as HTML by `render.rs`
/// or the mail layout, never a person's text.
#[test]
fn no_template_has_inline_script_or_unescaped_person_text() {
    const UNESCAPED: [&str; 5] = ["{{{html}}}", "{{{inline_html}}}", "{{{old_html}}}", "{{{new_html}}}", "{{{content}}}"];
    let mut problems = Vec::new();
    for file in template_files() {
        let text = std::fs::read_to_string(&file).expect("a template");
        let lower = text.to_lowercase();
        for (at, _) in lower.match_indices("<script") {
            let tag = &lower[at..lower[at..].find('>').map_or(lower.len(), |e| at + e)];
            if !tag.contains(" src=") {
                problems.push(format!("{}: an inline <script>", file.display()));
            }
        }
        for (at, _) in lower.match_indices(" on") {
            let name: String = lower[at + 1..].chars().take_while(|c| c.is_ascii_alphabetic()).collect();
            if name.len() > 2 && lower[at + 1 + name.len()..].starts_with('=') {
                problems.push(format!("{}: an inline event handler {name}=", file.display()));
            }
        }
        if lower.contains("javascript:") {
            problems.push(format!("{}: a javascript: URL", file.display()));
        }
        for (at, _) in text.match_indices("{{{") {
            let end = text[at..].find("}}}").map_or(text.len(), |e| at + e + 3);
            let used = text[at..end].replace("this.", "");
            if !UNESCAPED.contains(&used.as_str()) {
                problems.push(format!("{}: unescaped {}", file.display(), &text[at..end]));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

fn session_of(response: &reqwest::Response) -> Option<String> {
    response.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        v.strip_prefix("gopy_session=").map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
    })
}

#[tokio::test]
async fn every_sign_in_starts_a_new_session_and_a_planted_one_is_never_kept() {
    let server = Server::start();
    let link = add_user(&server, "lan@tinhuy.vn", "Trần Thị Lan", None);
    set_password(&client(), &server, &link, PASSWORD).await;

    // A session id planted in the browser before sign-in (session fixation).
    let planted = "a".repeat(43);
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let page = http.get(server.url("/sign-in")).header("cookie", format!("gopy_session={planted}")).send().await.expect("page");
    let csrf_cookie = page.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find(|v| v.starts_with("gopy_csrf=")).expect("csrf cookie").split(';').next().expect("pair").to_owned();
    let token = csrf_of(&page.text().await.expect("html"));
    let sign_in_with = |session: String| {
        http.post(server.url("/sign-in"))
            .header("cookie", format!("{csrf_cookie}; gopy_session={session}"))
            .form(&[("csrf", token.as_str()), ("email", "lan@tinhuy.vn"), ("password", PASSWORD), ("next", "/account")])
            .send()
    };
    let first = sign_in_with(planted.clone()).await.expect("sign in");
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let first_session = session_of(&first).expect("a session cookie");
    assert_ne!(first_session, planted, "the planted id is not promoted");

    let second = sign_in_with(first_session.clone()).await.expect("sign in again");
    let second_session = session_of(&second).expect("a new session cookie");
    assert_ne!(second_session, first_session, "signing in again rotates the session id");
    let account = |session: String| http.get(server.url("/account")).header("cookie", format!("gopy_session={session}")).send();
    assert_eq!(account(second_session).await.expect("account").status(), StatusCode::OK);
    let old = account(first_session).await.expect("old session");
    assert_eq!(old.status(), StatusCode::SEE_OTHER, "the session signed in over is ended");
}

#[tokio::test]
async fn a_body_or_an_upload_over_its_limit_is_refused_in_the_persons_language_keeping_the_form() {
    let limits = [("GOPY__SERVER__BODY_LIMIT_BYTES", "8192"), ("GOPY__SERVER__UPLOAD_LIMIT_BYTES", "2048")];
    let server = Server::demo_with(&limits);
    let http = client();
    let token = csrf_of(&http.get(server.url("/sign-in")).send().await.expect("page").text().await.expect("html"));
    let huge = "x".repeat(10_000);
    let refused = http
        .post(server.url("/sign-in"))
        .form(&[("csrf", token.as_str()), ("email", huge.as_str()), ("password", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = refused.text().await.expect("html");
    assert!(page.contains("vượt quá giới hạn cho phép"), "said in the visitor's language: {page}");

    // A file over the upload limit, inside the body limit: the form comes back with its note.
    let office = demo_person(&server, "vanphong@tinhuy.vn").await;
    let reports = json_ok(office.get(server.url("/api/v1/reports")).send().await.expect("reports")).await;
    let demo = the_review(&reports);
    let me = json_ok(office.get(server.url("/api/v1/me")).send().await.expect("me")).await;
    let created = office.post(server.url("/api/v1/reports")).json(&json!({
        "kind": demo["kind"], "title": "Báo cáo chuyên đề", "body": demo["body"], "committee": demo["committee"],
        "drafters": [me["id"]], "lead": me["id"],
    }));
    let report = json_ok(created.send().await.expect("create")).await["id"].as_str().expect("id").to_owned();
    let token = csrf(&office, &server).await;
    let file = format!("# Báo cáo\n\n{}\n", "Nội dung dự thảo. ".repeat(200));
    assert!(file.len() > 2048 && file.len() < 8000);
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .text("change_note", "Ghi chú đã gõ")
        .part("file", reqwest::multipart::Part::bytes(file.into_bytes()).file_name("du-thao.md"));
    let refused = office.post(server.url(&format!("/reports/{report}/versions"))).multipart(form).send().await.expect("upload");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("html");
    assert!(page.contains("vượt giới hạn 2"), "the upload limit is said: {page}");
    assert!(page.contains("Ghi chú đã gõ"), "the note typed is kept");
}

#[tokio::test]
async fn writes_beyond_the_per_person_rate_get_429_with_retry_after_on_pages_and_the_api() {
    let server = Server::start_with(&[], &[("GOPY__LIMITS__WRITES_PER_MINUTE", "3")]);
    let link = add_user(&server, "lan@tinhuy.vn", "Trần Thị Lan", None);
    let http = client();
    set_password(&http, &server, &link, PASSWORD).await;
    assert_eq!(sign_in(&http, &server, "lan@tinhuy.vn", PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let token = csrf(&http, &server).await;
    let post = || {
        http.post(server.url("/account/tokens")).form(&[("csrf", token.as_str()), ("token_name", "thử")]).send()
    };
    for n in 0..3 {
        let response = post().await.expect("post");
        assert!(response.status().is_success(), "write {n} is taken: {}", response.status());
    }
    let refused = post().await.expect("post");
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = refused.headers()[RETRY_AFTER].to_str().expect("text").parse().expect("seconds");
    assert!((1..=20).contains(&wait), "Retry-After: {wait}");
    assert!(refused.text().await.expect("html").contains("Vui lòng chờ một phút"), "said in Vietnamese");
    // Reading is never limited.
    assert_eq!(http.get(server.url("/account")).send().await.expect("read").status(), StatusCode::OK);

    // Through the API, with the person's own bucket and their language.
    add_user(&server, "an@tinhuy.vn", "Nguyễn Văn An", None);
    let output = run_gopy(server.dir.path(), &["token", "create", "--email", "an@tinhuy.vn", "--name", "script"], &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let bearer = stdout.split_whitespace().find(|w| w.len() >= 40).expect("the token").to_owned();
    let write = || {
        client()
            .post(server.url("/api/v1/meetings"))
            .bearer_auth(&bearer)
            .header("cookie", "gopy_lang=en")
            .header(CONTENT_TYPE, "application/json")
            .body("{}")
            .send()
    };
    for _ in 0..3 {
        assert_ne!(write().await.expect("write").status(), StatusCode::TOO_MANY_REQUESTS);
    }
    let refused = write().await.expect("write");
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().get(RETRY_AFTER).is_some());
    let body: Value = refused.json().await.expect("JSON");
    assert_eq!(body["error"]["code"], "too_many_requests");
    assert!(body["error"]["message"].as_str().expect("message").contains("wait a minute"), "{body}");
}

#[tokio::test]
async fn a_comment_over_its_length_says_the_limit_in_the_persons_language_and_keeps_the_text() {
    let server = Server::demo();
    let member = demo_person(&server, "uyvien@tinhuy.vn").await;
    let reports = json_ok(member.get(server.url("/api/v1/reports")).send().await.expect("reports")).await;
    let demo = the_review(&reports);
    let id = demo["id"].as_str().expect("id");
    let token = csrf(&member, &server).await;
    // Over 5 000 characters, the last ones marking the end so a cut would show.
    let typed = format!("{}KẾT-THÚC", "ý kiến ".repeat(714));
    assert_eq!(typed.chars().count(), 5_006);
    let refused = member
        .post(server.url(&format!("/reports/{id}/comments")))
        .form(&[("csrf", token.as_str()), ("version", "2"), ("body", typed.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.expect("html");
    assert!(page.contains("5.006 ký tự, tối đa 5.000 ký tự"), "the limit is said in Vietnamese");
    assert!(page.contains(&typed), "what was typed is kept, whole");
}

#[tokio::test]
async fn hostile_text_in_a_comment_and_a_name_is_escaped_in_the_mail_the_drafting_team_gets() {
    let smtp = gopy_tests::SmtpServer::start();
    let url = smtp.url();
    let server = Server::demo_with(&[("GOPY__MAIL__SMTP_URL", url.as_str()), ("GOPY__MAIL__POLL_INTERVAL_MS", "100")]);
    let member = demo_person(&server, "uyvien@tinhuy.vn").await;
    let token = csrf(&member, &server).await;
    let renamed = member.post(server.url("/account/profile")).form(&[("csrf", token.as_str()), ("name", HOSTILE), ("language", "vi")]).send().await.expect("profile");
    assert!(renamed.status().is_redirection(), "{}", renamed.status());
    let reports = json_ok(member.get(server.url("/api/v1/reports")).send().await.expect("reports")).await;
    let id = the_open_report(&reports);
    let posted = member.post(server.url(&format!("/api/v1/reports/{id}/comments"))).json(&json!({ "version": 1, "body": HOSTILE })).send().await.expect("comment");
    assert!(posted.status().is_success(), "{}", posted.status());

    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mail = loop {
        if let Some(mail) = smtp.messages().into_iter().find(|m| m.text.contains("alert(1)")) {
            break mail;
        }
        assert!(std::time::Instant::now() < deadline, "no mail of the comment came");
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert_shown_as_text("the mail's HTML part", &mail.html);
    assert!(mail.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{}", mail.html);
    assert!(mail.text.contains(HOSTILE), "the text part says it as typed: {}", mail.text);
    assert!(!mail.subject().contains("&lt;"), "the subject is text, not HTML: {}", mail.subject());
}

/// Beside the ten failures for one account (the accounts test), one address
/// trying many accounts is paused too, and a right password does not lift it.
#[tokio::test]
async fn sign_in_from_one_address_pauses_after_thirty_failures_across_accounts() {
    let server = Server::start();
    let link = add_user(&server, "lan@tinhuy.vn", "Trần Thị Lan", None);
    let http = client();
    set_password(&http, &server, &link, PASSWORD).await;
    for n in 0..30 {
        let tried = sign_in(&http, &server, &format!("nguoi{n}@tinhuy.vn"), "không phải mật khẩu").await;
        assert_eq!(tried.status(), StatusCode::OK, "failure {n} is answered, not yet paused");
    }
    let paused = sign_in(&http, &server, "lan@tinhuy.vn", PASSWORD).await;
    assert_eq!(paused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(paused.text().await.expect("html").contains("thử lại sau 15 phút"));
}
