//! The change table and what is still disputed, over HTTP: the fixture's
//! versions 1 → 2 list six changes with the comments behind them and flag
//! the comment taken in whose passage did not change; the table downloads
//! as Word and Excel; a link to another report's comment and a
//! disagreement without a reason are refused in the caller's language.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::comments::first_round;
use crate::reports::{Setup, setup, upload};

pub(crate) async fn call(s: &Setup, method: Method, token: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = s.http.request(method, s.server.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Version 1 with the fixture's comments answered, then version 2.
pub(crate) async fn two_versions(s: &Setup) -> Vec<String> {
    let ids = first_round(s).await;
    assert_eq!(upload(s, "so-ket-giua-nhiem-ky.v2.md", "Tiếp thu ý kiến").await.status(), StatusCode::CREATED);
    ids
}

#[tokio::test]
async fn the_change_table_of_the_fixture_lists_six_changes_and_flags_the_comment_taken_in_but_not_changed() {
    let s = setup().await;
    let ids = two_versions(&s).await;
    let path = format!("/api/v1/reports/{}/changes", s.report);
    let (status, table) = call(&s, Method::GET, &s.member_token, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!((table["from"].as_u64(), table["to"].as_u64()), (Some(1), Some(2)));
    let rows = table["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 6, "{table:#}");
    let linked: Vec<&str> = rows.iter().flat_map(|r| r["comments"].as_array().expect("comments")).filter_map(|c| c["comment"]["id"].as_str()).collect();
    assert_eq!(linked, vec![ids[0].as_str(), ids[2].as_str(), ids[3].as_str()], "the comments whose passage changed");
    let flagged: Vec<&str> = table["taken_in_unchanged"].as_array().expect("flagged").iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(flagged, vec![ids[1].as_str(), ids[5].as_str()], "taken in, but no change seen");
    assert_eq!(table["unexplained"], 3);
    assert_eq!(table["clean"], false);
    let growth = rows.iter().find(|r| r["new_text"].as_str().is_some_and(|t| t.contains("đạt 81%"))).expect("the growth row");
    assert!(growth["words"].as_array().expect("words").iter().any(|w| w["op"] == "insert" && w["text"].as_str().is_some_and(|t| t.contains("81%"))));

    // The drafting team links the budget comment to the new paragraph.
    let paragraph = rows.iter().find(|r| r["new_text"].as_str().is_some_and(|t| t.contains("7/24"))).expect("the new paragraph");
    let links = format!("/api/v1/reports/{}/changes/2/links", s.report);
    let link = json!({ "passage": paragraph["passage"], "comment": ids[1], "linked": true });
    assert_eq!(call(&s, Method::PUT, &s.member_token, &links, Some(link.clone())).await.0, StatusCode::FORBIDDEN);
    let (status, table) = call(&s, Method::PUT, &s.drafter_token, &links, Some(link)).await;
    assert_eq!(status, StatusCode::OK, "{table}");
    assert_eq!(table["taken_in_unchanged"].as_array().map(Vec::len), Some(1));
    let technical = format!("/api/v1/reports/{}/changes/2/technical", s.report);
    let subtitle = rows.iter().find(|r| r["new_text"].as_str().is_some_and(|t| t.contains("Dự thảo lần 2"))).expect("the subtitle");
    let (status, table) = call(&s, Method::PUT, &s.drafter_token, &technical, Some(json!({ "passage": subtitle["passage"], "technical": true }))).await;
    assert_eq!((status, table["unexplained"].as_u64()), (StatusCode::OK, Some(1)));

    // Refused, each with its reason: a passage that did not change, an
    // unknown field, a comment of another report.
    let (status, refused) = call(&s, Method::PUT, &s.drafter_token, &technical, Some(json!({ "passage": "bkhongdoi", "technical": true }))).await;
    assert_eq!((status, refused["error"]["fields"]["passage"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Đoạn này không thay đổi giữa hai bản dự thảo.")));
    let (status, _) = call(&s, Method::PUT, &s.drafter_token, &technical, Some(json!({ "passage": "b1", "technical": true, "extra": 1 }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an unknown field is refused");
    let first = the_report(&s).await;
    let (_, other) = call(&s, Method::POST, &s.admin_token, "/api/v1/reports", Some(json!({
        "kind": "self_assessment", "title": "Báo cáo kiểm điểm", "committee": first["committee"], "body": first["body"],
        "drafters": [first["team"][0]["user"]],
    }))).await;
    let other_id = other["id"].as_str().expect("another report").to_owned();
    let (status, _) = call(&s, Method::POST, &s.admin_token, &format!("/api/v1/reports/{other_id}/versions"), Some(json!({ "markdown": "# Báo cáo kiểm điểm\n\nĐoạn một." }))).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, elsewhere) = call(&s, Method::POST, &s.admin_token, &format!("/api/v1/reports/{other_id}/comments"), Some(json!({ "version": 1, "body": "Cần ngắn gọn." }))).await;
    assert_eq!(status, StatusCode::CREATED, "{elsewhere}");
    let link = json!({ "passage": paragraph["passage"], "comment": elsewhere["id"], "linked": true });
    let (status, refused) = call(&s, Method::PUT, &s.drafter_token, &links, Some(link)).await;
    assert_eq!((status, refused["error"]["fields"]["comment"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Ý kiến này không thuộc dự thảo báo cáo này.")));

    // The files.
    for (file, kind) in [("bang-so-sanh.docx", "wordprocessingml"), ("bang-so-sanh.xlsx", "spreadsheetml")] {
        let response = s.http.get(s.server.url(&format!("/reports/{}/changes/2/{file}", s.report))).send().await.expect("file");
        assert_eq!(response.status(), StatusCode::OK, "{file}");
        let content_type = response.headers()["content-type"].to_str().expect("type").to_owned();
        assert!(content_type.contains(kind), "{content_type}");
        assert!(response.bytes().await.expect("bytes").starts_with(b"PK"), "{file} is a zip package");
    }
    let missing = s.http.get(s.server.url(&format!("/reports/{}/changes/2/bang.pdf", s.report))).send().await.expect("file");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

async fn the_report(s: &Setup) -> Value {
    call(s, Method::GET, &s.admin_token, &format!("/api/v1/reports/{}", s.report), None).await.1
}

#[tokio::test]
async fn a_commenter_disagrees_with_a_reason_and_the_deadline_is_set_by_the_secretariat() {
    let s = setup().await;
    let ids = two_versions(&s).await;
    let stance = |id: &str| format!("/api/v1/comments/{id}/stance");
    let (status, refused) = call(&s, Method::PUT, &s.member_token, &stance(&ids[4]), Some(json!({ "stance": "disagree" }))).await;
    assert_eq!((status, refused["error"]["fields"]["reason"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Khi còn ý kiến khác, xin nêu lý do.")));
    let (status, _) = call(&s, Method::PUT, &s.drafter_token, &stance(&ids[4]), Some(json!({ "stance": "agree" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the commenter");
    let (status, taken) = call(&s, Method::PUT, &s.member_token, &stance(&ids[4]), Some(json!({ "stance": "disagree", "reason": "Số liệu của Sở là 75%." }))).await;
    assert_eq!((status, taken["stance"].as_str()), (StatusCode::OK, Some("disagree")));

    let deadline = format!("/api/v1/reports/{}/disputes/deadline", s.report);
    let (status, refused) = call(&s, Method::PUT, &s.admin_token, &deadline, Some(json!({ "deadline": "2020-01-01T17:00:00+07:00" }))).await;
    assert_eq!((status, refused["error"]["fields"]["deadline"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Hạn phải sau thời điểm hiện tại.")));
    assert_eq!(call(&s, Method::PUT, &s.member_token, &deadline, Some(json!({ "deadline": "2099-01-01T17:00:00+07:00" }))).await.0, StatusCode::FORBIDDEN);
    assert_eq!(call(&s, Method::PUT, &s.admin_token, &deadline, Some(json!({ "deadline": "2099-01-01T17:00:00+07:00" }))).await.0, StatusCode::NO_CONTENT);

    let (status, disputes) = call(&s, Method::GET, &s.member_token, &format!("/api/v1/reports/{}/disputes", s.report), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(disputes["deadline"], "01/01/2099 17:00");
    assert_eq!(disputes["disputed"][0]["reason"], "Số liệu của Sở là 75%.");
    assert_eq!(disputes["mine"].as_array().map(Vec::len), Some(6));
}
