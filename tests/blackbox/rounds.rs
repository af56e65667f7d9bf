//! A report's life over HTTP: rounds, the ballot, submission refused while a
//! comment is unanswered, the chair's approval, the locks after it, the
//! timeline, the dashboard and the approved export.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::accounts::{PASSWORD, add_user, csrf_of, set_password};
use crate::reports::{Setup, setup, token_for, upload};

async fn call(s: &Setup, method: Method, token: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = s.http.request(method, s.server.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A chair for the report's committee, seated by the admin; returns a token.
pub(crate) async fn seat_chair(s: &Setup) -> String {
    let link = add_user(&s.server, "bithu@tinhuy.vn", "Võ Văn Bí Thư", None);
    // A client of its own with cookies: the link's form checks its CSRF cookie.
    let set = set_password(&gopy_tests::client(), &s.server, &link, PASSWORD).await;
    assert_eq!(set.status(), StatusCode::OK, "the chair's password is set");
    let (_, report) = call(s, Method::GET, &s.admin_token, &format!("/api/v1/reports/{}", s.report), None).await;
    let committee = report["committee"].as_str().expect("committee").to_owned();
    let page = s.http.get(s.server.url(&format!("/committees/{committee}"))).send().await.expect("page").text().await.expect("html");
    let end = page.find(">Võ Văn Bí Thư (bithu@tinhuy.vn)</option>").expect("the chair can be seated");
    let start = page[..end].rfind("value=\"").expect("value") + 7;
    let person = page[start..end].split('"').next().unwrap_or_default().to_owned();
    let seated = s
        .http
        .post(s.server.url(&format!("/committees/{committee}/members")))
        .form(&[("csrf", csrf_of(&page).as_str()), ("person", person.as_str()), ("role", "chair")])
        .send()
        .await
        .expect("seat");
    assert_eq!(seated.status(), StatusCode::SEE_OTHER);
    token_for(&s.server, "bithu@tinhuy.vn")
}

fn transition(action: &str) -> Value {
    json!({ "action": action })
}

fn in_days(days: i64) -> String {
    let at = time::OffsetDateTime::now_utc() + time::Duration::days(days);
    at.format(&time::format_description::well_known::Rfc3339).expect("a time")
}

#[tokio::test]
async fn a_report_walks_from_drafting_through_a_round_to_approval_and_is_locked() {
    let s = setup().await;
    let chair = seat_chair(&s).await;
    let steps = format!("/api/v1/reports/{}/transitions", s.report);
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);

    let (status, body) = call(&s, Method::POST, &chair, &steps, Some(transition("approve"))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"]["code"], "step_not_allowed");
    assert_eq!(body["error"]["state"], "drafting");
    assert_eq!(body["error"]["allowed"], json!(["open_round", "submit"]));
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("Đang dự thảo")), "{body}");
    let (status, _) = call(&s, Method::POST, &s.admin_token, &steps, Some(transition("approve"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the chair approves");

    let (status, body) = call(&s, Method::POST, &s.admin_token, &steps, Some(json!({ "action": "open_round", "deadline": in_days(-1) }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["deadline"].is_string());
    let (status, _) = call(&s, Method::POST, &s.admin_token, &steps, Some(transition("open_round"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a round without a deadline");
    let open = json!({ "action": "open_round", "deadline": in_days(2), "ballot": true });
    let (status, body) = call(&s, Method::POST, &s.admin_token, &steps, Some(open)).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("open_for_comments")), "{body}");

    let (status, comment) = call(
        &s,
        Method::POST,
        &s.member_token,
        &format!("/api/v1/reports/{}/comments", s.report),
        Some(json!({ "version": 1, "body": "Đề nghị rút gọn phần IV." })),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let comment = comment["id"].as_str().expect("id").to_owned();
    let ballot = format!("/api/v1/reports/{}/ballot", s.report);
    let (status, _) = call(&s, Method::PUT, &s.member_token, &ballot, Some(json!({ "vote": "other" }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "another opinion needs its words");
    let (status, _) = call(&s, Method::PUT, &s.member_token, &ballot, Some(json!({ "vote": "agree" }))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, tally) = call(&s, Method::GET, &chair, &ballot, None).await;
    assert_eq!((tally["agree"].as_u64(), tally["not_voted"].as_array().map(Vec::len)), (Some(1), Some(1)), "{tally}");

    call(&s, Method::POST, &s.admin_token, &steps, Some(transition("close_round"))).await;
    let (status, body) = call(&s, Method::POST, &s.drafter_token, &steps, Some(transition("submit"))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["error"]["code"], "comments_unanswered");
    assert_eq!(body["error"]["comments"], json!([comment]), "the refusal lists them");
    let answer = json!({ "disposition": "accepted", "response": "Tiếp thu." });
    let (status, _) = call(&s, Method::PUT, &s.drafter_token, &format!("/api/v1/comments/{comment}/disposition"), Some(answer)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = call(&s, Method::POST, &s.drafter_token, &steps, Some(transition("submit"))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = call(&s, Method::POST, &chair, &steps, Some(transition("approve"))).await;
    assert_eq!((status, body["status"].as_str(), body["approved_version"].as_u64()), (StatusCode::OK, Some("approved"), Some(1)));

    // Locked.
    let (status, body) = call(
        &s,
        Method::POST,
        &s.member_token,
        &format!("/api/v1/reports/{}/comments", s.report),
        Some(json!({ "version": 1, "body": "Thêm ý kiến." })),
    )
    .await;
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("closed")), "{body}");
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v2.md", "").await.status(), StatusCode::CONFLICT);

    let (_, timeline) = call(&s, Method::GET, &s.member_token, &format!("/api/v1/reports/{}/timeline", s.report), None).await;
    let actions: Vec<&str> = timeline.as_array().expect("events").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "report.created", "version.created", "report.step", "comment.posted", "ballot.cast", "report.step",
            "comment.answered", "report.step", "report.step",
        ]
    );

    let dashboard = s.http.get(s.server.url("/dashboard")).send().await.expect("dashboard").text().await.expect("html");
    assert!(dashboard.contains("Đã phê duyệt"), "{dashboard}");
    let report = s.http.get(s.server.url(&format!("/reports/{}", s.report))).send().await.expect("page").text().await.expect("html");
    assert!(report.contains("Đã phê duyệt bởi") && report.contains("Võ Văn Bí Thư"), "{report}");
    let timeline = s.http.get(s.server.url(&format!("/reports/{}/timeline", s.report))).send().await.expect("page").text().await.expect("html");
    assert!(timeline.contains("Phê duyệt") && timeline.contains("Trình duyệt") && timeline.contains("Mở vòng lấy ý kiến"), "{timeline}");
    let docx = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}/versions/1/export.docx", s.report)))
        .bearer_auth(&s.member_token)
        .send()
        .await
        .expect("export")
        .bytes()
        .await
        .expect("bytes");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx.to_vec())).expect("a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").expect("document"), &mut xml).expect("xml");
    assert!(xml.contains("đã được Võ Văn Bí Thư phê duyệt ngày"), "the export says who approved it");
}
