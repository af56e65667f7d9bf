//! Draft reports over HTTP: setting one up, uploading the fixture versions
//! through the API, reading them, the diff, the exports, and the pages.

use gopy_tests::{Server, client};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_DISPOSITION, CONTENT_TYPE, LOCATION};
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::accounts::{PASSWORD, add_user, csrf_of, set_password, sign_in};

pub(crate) const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/reports/");

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub(crate) fn token_for(server: &Server, email: &str) -> String {
    let output = server.gopy(&["token", "create", "--email", email, "--name", "kiểm thử"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// The value of the `<option>` whose label is `label`, in a page's select.
pub(crate) fn option_value(html: &str, label: &str) -> String {
    let end = html.find(&format!(">{label}</option>")).unwrap_or_else(|| panic!("no option {label}"));
    let start = html[..end].rfind("value=\"").expect("an option value") + "value=\"".len();
    html[start..end].split('"').next().unwrap_or_default().to_owned()
}

/// A server with an admin signed in (`http`), a body, a committee, and a
/// drafter; returns the report set up through the API and the tokens.
pub(crate) struct Setup {
    pub(crate) server: Server,
    pub(crate) http: reqwest::Client,
    pub(crate) admin_token: String,
    pub(crate) drafter_token: String,
    /// A member of the reviewing committee.
    pub(crate) member_token: String,
    /// The set-password links `gopy user add` printed, for tests that sign
    /// these people in.
    pub(crate) drafter_link: String,
    pub(crate) member_link: String,
    pub(crate) report: String,
}

pub(crate) async fn setup() -> Setup {
    setup_on(Server::start()).await
}

/// The same story on a server started as the caller chose (with mail, say).
pub(crate) async fn setup_on(server: Server) -> Setup {
    let http = client();
    let link = add_user(&server, "admin@tinhuy.vn", "Nguyễn Văn Quản", Some("admin"));
    set_password(&http, &server, &link, PASSWORD).await;
    sign_in(&http, &server, "admin@tinhuy.vn", PASSWORD).await;
    let drafter_link = add_user(&server, "tbt@tinhuy.vn", "Trần Tổ Trưởng", None);
    let member_link = add_user(&server, "uv@tinhuy.vn", "Lê Thị Ủy Viên", None);
    let admin_token = token_for(&server, "admin@tinhuy.vn");
    let drafter_token = token_for(&server, "tbt@tinhuy.vn");
    let member_token = token_for(&server, "uv@tinhuy.vn");

    let page = http.get(server.url("/admin/bodies")).send().await.expect("bodies").text().await.expect("html");
    let made = http
        .post(server.url("/admin/bodies"))
        .form(&[("csrf", csrf_of(&page).as_str()), ("name", "Ban Tuyên giáo Tỉnh ủy")])
        .send()
        .await
        .expect("body");
    assert_eq!(made.status(), StatusCode::SEE_OTHER);
    let made = http
        .post(server.url("/committees"))
        .form(&[("csrf", csrf_of(&page).as_str()), ("name", "Ban Thường vụ Tỉnh ủy")])
        .send()
        .await
        .expect("committee");
    let committee = made.headers()[LOCATION].to_str().expect("location").trim_start_matches("/committees/").to_owned();
    let committee_page =
        http.get(server.url(&format!("/committees/{committee}"))).send().await.expect("page").text().await.expect("html");
    let member = option_value(&committee_page, "Lê Thị Ủy Viên (uv@tinhuy.vn)");
    let seated = http
        .post(server.url(&format!("/committees/{committee}/members")))
        .form(&[("csrf", csrf_of(&page).as_str()), ("person", member.as_str()), ("role", "member")])
        .send()
        .await
        .expect("seat");
    assert_eq!(seated.status(), StatusCode::SEE_OTHER);

    let reports_page = http.get(server.url("/reports")).send().await.expect("reports").text().await.expect("html");
    assert!(reports_page.contains("Chưa có dự thảo báo cáo nào"), "the empty state says what to do");
    let body = option_value(&reports_page, "Ban Tuyên giáo Tỉnh ủy");
    let drafter = option_value(&reports_page, "Trần Tổ Trưởng");

    let created = http
        .post(server.url("/api/v1/reports"))
        .bearer_auth(&admin_token)
        .json(&json!({
            "kind": "mid_term_review",
            "title": "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI",
            "body": body,
            "committee": committee,
            "drafters": [drafter],
        }))
        .send()
        .await
        .expect("create report");
    assert_eq!(created.status(), StatusCode::CREATED);
    let report: Value = created.json().await.expect("json");
    assert_eq!(report["team"][0]["lead"], true);
    let report = report["id"].as_str().expect("an id").to_owned();
    Setup { server, http, admin_token, drafter_token, member_token, drafter_link, member_link, report }
}

pub(crate) async fn upload(s: &Setup, name: &str, note: &str) -> reqwest::Response {
    let form = Form::new()
        .part("file", Part::bytes(fixture(name)).file_name(name.to_owned()))
        .text("change_note", note.to_owned());
    s.http
        .post(s.server.url(&format!("/api/v1/reports/{}/versions", s.report)))
        .bearer_auth(&s.drafter_token)
        .multipart(form)
        .send()
        .await
        .expect("upload")
}

#[tokio::test]
async fn the_drafting_team_uploads_two_versions_and_everyone_reads_the_diff_and_the_exports() {
    let s = setup().await;
    let v1 = upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await;
    assert_eq!(v1.status(), StatusCode::CREATED);
    let v2 = upload(&s, "so-ket-giua-nhiem-ky.v2.docx", "Tiếp thu ý kiến tại cuộc họp ngày 27/6").await;
    assert_eq!(v2.status(), StatusCode::CREATED);
    let v2: Value = v2.json().await.expect("json");
    assert_eq!(v2["number"], 2);
    assert_eq!(v2["source"], "docx");
    let labels: Vec<&str> = v2["blocks"].as_array().expect("blocks").iter().filter_map(|b| b["label"].as_str()).collect();
    assert!(labels.contains(&"II.1 ¶1"), "{labels:?}");

    let version: Value = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}/versions/1", s.report)))
        .bearer_auth(&s.admin_token)
        .send()
        .await
        .expect("version")
        .json()
        .await
        .expect("json");
    let table = version["blocks"].as_array().expect("blocks").iter().find(|b| b["kind"] == "table").expect("a table");
    assert_eq!(table["rows"].as_array().map(Vec::len), Some(25));

    let diff = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}/diff?from=1&to=2", s.report)))
        .bearer_auth(&s.admin_token)
        .send()
        .await
        .expect("diff");
    assert_eq!(diff.status(), StatusCode::OK);
    let diff: Value = diff.json().await.expect("json");
    assert_eq!(diff["counts"]["changed"], 5, "{}", diff["counts"]);
    assert_eq!(diff["counts"]["removed"], 0);
    let added: Vec<&str> = diff["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["kind"] == "added")
        .filter_map(|c| c["new"]["text"].as_str())
        .collect();
    assert!(added.iter().any(|t| t.starts_with("Tính đến giữa nhiệm kỳ, có 7/24 chỉ tiêu")), "{added:?}");

    let docx = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}/versions/2/export.docx", s.report)))
        .bearer_auth(&s.admin_token)
        .send()
        .await
        .expect("export");
    assert_eq!(docx.status(), StatusCode::OK);
    assert!(docx.headers()[CONTENT_TYPE].to_str().expect("type").contains("wordprocessingml"));
    assert!(docx.headers()[CONTENT_DISPOSITION].to_str().expect("name").contains("du-thao-lan-2.docx"));
    assert!(docx.bytes().await.expect("bytes").starts_with(b"PK"), "a .docx is a zip");

    // The pages, as the admin's browser sees them.
    let page = s.http.get(s.server.url(&format!("/reports/{}/versions/2", s.report))).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("Mục lục") && html.contains("II.1 ¶1") && html.contains("Dự thảo lần 2"), "{html}");
    let diff_page = s.http.get(s.server.url(&format!("/reports/{}/diff?from=1&to=2", s.report))).send().await.expect("diff page");
    let html = diff_page.text().await.expect("html");
    assert!(html.contains("<ins>") && html.contains("<del>") && html.contains("đoạn sửa"), "{html}");
    let report_page = s.http.get(s.server.url(&format!("/reports/{}", s.report))).send().await.expect("report page");
    let html = report_page.text().await.expect("html");
    assert!(html.contains("Tiếp thu ý kiến tại cuộc họp ngày 27/6") && html.contains("Tệp Word"), "{html}");
}

#[tokio::test]
async fn a_file_that_is_not_a_draft_is_refused_with_what_is_accepted_and_nothing_is_made() {
    let s = setup().await;
    let form = Form::new().part("file", Part::bytes(b"%PDF-1.4 x".to_vec()).file_name("du-thao.docx"));
    let refused = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/versions", s.report)))
        .bearer_auth(&s.drafter_token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid");
    let message = body["error"]["fields"]["file"].as_str().expect("a message for the file field");
    assert!(message.contains("PDF") && message.contains(".docx"), "{message}");

    let garbage = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/versions", s.report)))
        .bearer_auth(&s.drafter_token)
        .header(CONTENT_TYPE, "application/json")
        .body("{not json")
        .send()
        .await
        .expect("post");
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    assert_eq!(garbage.json::<Value>().await.expect("json")["error"]["code"], "bad_request");

    let missing = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}/versions/9", s.report)))
        .bearer_auth(&s.admin_token)
        .send()
        .await
        .expect("get");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let report: Value = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}", s.report)))
        .bearer_auth(&s.admin_token)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(report["versions"].as_array().map(Vec::len), Some(0), "nothing half-imported is left");
}

#[tokio::test]
async fn markdown_written_on_the_page_is_previewed_then_saved_and_a_refusal_keeps_what_was_typed() {
    let s = setup().await;
    let page = s.http.get(s.server.url(&format!("/reports/{}", s.report))).send().await.expect("page").text().await.expect("html");
    let csrf = csrf_of(&page);
    let markdown = "# Báo cáo\n\n## I. Tình hình\n\nĐoạn <b>một</b> về tham nhũng.";
    let form = |action: &str| {
        Form::new()
            .text("csrf", csrf.clone())
            .text("markdown", markdown.to_owned())
            .text("change_note", "Bản soạn trên Gopy".to_owned())
            .text("action", action.to_owned())
    };
    let preview = s
        .http
        .post(s.server.url(&format!("/reports/{}/versions", s.report)))
        .multipart(form("preview"))
        .send()
        .await
        .expect("preview");
    assert_eq!(preview.status(), StatusCode::OK);
    let html = preview.text().await.expect("html");
    assert!(html.contains("Đoạn &lt;b&gt;một&lt;/b&gt; về tham nhũng."), "markup typed is shown as text: {html}");
    assert!(html.contains("Bản soạn trên Gopy"), "the note typed is kept");

    let saved = s
        .http
        .post(s.server.url(&format!("/reports/{}/versions", s.report)))
        .multipart(form("save"))
        .send()
        .await
        .expect("save");
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved.headers()[LOCATION].to_str().expect("location"), format!("/reports/{}/versions/1", s.report));

    let empty = Form::new().text("csrf", csrf.clone()).text("markdown", "   ").text("change_note", "ghi chú giữ lại");
    let refused = s
        .http
        .post(s.server.url(&format!("/reports/{}/versions", s.report)))
        .multipart(empty)
        .send()
        .await
        .expect("save empty");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    assert!(html.contains("ghi chú giữ lại") && html.contains("role=\"alert\""), "{html}");
}
