//! Meetings over HTTP: planned through the API with a draft on its agenda,
//! an opinion turned into a comment the drafting team must answer, the
//! conclusion with an action item past its deadline, approval, the refusals,
//! the follow-up page and the downloads.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::reports::{Setup, setup, upload};

/// Assigns an action item on the server's own database as if on `at`: a
/// deadline since passed was still to come then, which the running server,
/// on today's clock, refuses. How a test comes by an overdue item without
/// waiting for one. `by`, `meeting` and `body` are ids as the API gives them.
pub(crate) async fn assign_back_then(server: &gopy_tests::Server, at: time::OffsetDateTime, by: &str, meeting: &str, body: &str, text: &str, deadline: time::Date) {
    use std::sync::Arc;
    let settings = gopy_store::DatabaseSettings {
        url: format!("sqlite://{}/data/gopy.db", server.dir.path().display()),
        max_connections: 1,
        connect_timeout: std::time::Duration::from_secs(10),
        busy_timeout: std::time::Duration::from_secs(10),
        group_commit_max: 1,
        group_commit_wait: std::time::Duration::ZERO,
    };
    let store = gopy_store::SeaStore::connect(&settings).await.expect("the server's database");
    let app = gopy_app::App::new(Arc::new(store.clone()), Arc::new(gopy_store::testing::FixedClock(at)));
    let actor = app.actor_of(by.parse().expect("a person's id")).await.expect("the person");
    let new = gopy_app::meetings::NewAction {
        text: text.to_owned(),
        bodies: vec![body.parse().expect("a body's id")],
        deadline: Some(deadline),
        ..Default::default()
    };
    app.assign_action(&actor, (meeting.parse().expect("a meeting's id"), None), new).await.expect("assigned back then");
    store.close().await;
}

pub(crate) async fn call(s: &Setup, method: reqwest::Method, path: &str, token: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = s.http.request(method, s.server.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_meeting_is_run_through_the_api_and_its_overdue_action_shows_on_the_follow_up_page() {
    use reqwest::Method;
    let s = setup().await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let (_, report) = call(&s, Method::GET, &format!("/api/v1/reports/{}", s.report), &s.admin_token, None).await;
    let (_, admin) = call(&s, Method::GET, "/api/v1/me", &s.admin_token, None).await;
    let (_, member) = call(&s, Method::GET, "/api/v1/me", &s.member_token, None).await;
    let meeting = json!({
        "committee": report["committee"], "title": "Hội nghị Ban Thường vụ Tỉnh ủy",
        "starts_at": "2023-06-27T08:00:00+07:00", "ends_at": "2023-06-27T11:30:00+07:00",
        "place": "Phòng họp số 1", "presiding": admin["id"], "invited": [member["id"]],
    });
    let mut backwards = meeting.clone();
    backwards["ends_at"] = json!("2023-06-27T07:00:00+07:00");
    let (status, refused) = call(&s, Method::POST, "/api/v1/meetings", &s.admin_token, Some(backwards)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["fields"]["ends_at"], "Cuộc họp phải kết thúc sau khi bắt đầu.");
    let (status, created) = call(&s, Method::POST, "/api/v1/meetings", &s.admin_token, Some(meeting)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    assert_eq!(created["starts_at"], "2023-06-27T01:00:00Z");
    let id = created["id"].as_str().expect("id").to_owned();
    let path = |rest: &str| format!("/api/v1/meetings/{id}{rest}");

    let item = json!({ "title": "Báo cáo sơ kết giữa nhiệm kỳ", "presenter": report["body"], "report": s.report, "minutes_allotted": 45 });
    let (status, m) = call(&s, Method::POST, &path("/agenda"), &s.admin_token, Some(item)).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let agenda_item = m["agenda"][0]["id"].clone();
    let attendance = json!([{ "person": member["id"], "presence": "absent" }]);
    let (status, refused) = call(&s, Method::PUT, &path("/attendance"), &s.admin_token, Some(attendance)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an absence needs a reason: {refused}");
    let attendance = json!([{ "person": member["id"], "presence": "present" }]);
    assert_eq!(call(&s, Method::PUT, &path("/attendance"), &s.admin_token, Some(attendance)).await.0, StatusCode::OK);

    let opinion = json!({ "agenda_item": agenda_item, "speaker": member["id"], "summary": "Cần nêu rõ 7/24 chỉ tiêu đạt và vượt." });
    let (_, m) = call(&s, Method::POST, &path("/minutes"), &s.admin_token, Some(opinion)).await;
    let entry = m["minutes"][0]["id"].as_str().expect("entry").to_owned();
    let (status, m) = call(&s, Method::POST, &path(&format!("/minutes/{entry}/comment")), &s.admin_token, None).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert!(m["minutes"][0]["comment"].is_string());
    let (_, review) = call(&s, Method::GET, &format!("/api/v1/reports/{}/comments", s.report), &s.drafter_token, None).await;
    assert_eq!(review["awaiting"], 1, "the drafting team has the opinion to answer: {review}");
    let (status, _) = call(&s, Method::POST, &path(&format!("/minutes/{entry}/comment")), &s.admin_token, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an opinion becomes a comment once");

    let conclusion = json!({ "text": "Các dự thảo cơ bản đạt yêu cầu." });
    assert_eq!(call(&s, Method::PUT, &path("/conclusion"), &s.member_token, Some(conclusion.clone())).await.0, StatusCode::FORBIDDEN);
    assert_eq!(call(&s, Method::PUT, &path("/conclusion"), &s.admin_token, Some(conclusion)).await.0, StatusCode::OK);
    let undated = json!({ "text": "Báo cáo kết quả", "assignees": [format!("body:{}", report["body"].as_str().expect("body"))] });
    let (status, refused) = call(&s, Method::POST, &path("/actions"), &s.admin_token, Some(undated)).await;
    assert_eq!((status, refused["error"]["fields"]["deadline"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Nhiệm vụ cần có thời hạn.")));
    // Today, a deadline of 2023 is past: refused on its field. The item was
    // assigned at the meeting, when it was still to come.
    let action = json!({ "text": "Tổ biên tập tiếp thu đầy đủ các ý kiến", "assignees": [format!("body:{}", report["body"].as_str().expect("body"))], "deadline": "2023-07-10" });
    let (status, refused) = call(&s, Method::POST, &path("/actions"), &s.admin_token, Some(action)).await;
    assert_eq!((status, refused["error"]["fields"]["deadline"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("Hạn hoàn thành không được ở quá khứ.")));
    let body = report["body"].as_str().expect("body");
    let admin_id = admin["id"].as_str().expect("the admin's id");
    assign_back_then(&s.server, time::macros::datetime!(2023-06-27 11:30 +7), admin_id, &id, body, "Tổ biên tập tiếp thu đầy đủ các ý kiến", time::macros::date!(2023 - 07 - 10)).await;
    let soon = json!({ "text": "Văn phòng theo dõi", "assignees": [format!("body:{body}")], "working_days": 5 });
    let (status, m) = call(&s, Method::POST, &path("/actions"), &s.admin_token, Some(soon)).await;
    assert_eq!(status, StatusCode::CREATED, "in five working days: {m}");

    let (status, refused) = call(&s, Method::PATCH, &path(""), &s.admin_token, Some(json!({ "status": "minutes_approved" }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not held yet: {refused}");
    assert_eq!(call(&s, Method::PATCH, &path(""), &s.admin_token, Some(json!({ "status": "held" }))).await.0, StatusCode::OK);
    let (status, m) = call(&s, Method::PATCH, &path(""), &s.admin_token, Some(json!({ "status": "minutes_approved" }))).await;
    assert_eq!((status, m["status"].as_str()), (StatusCode::OK, Some("minutes_approved")));
    let late = json!({ "agenda_item": agenda_item, "speaker": member["id"], "summary": "Thêm" });
    let (status, refused) = call(&s, Method::POST, &path("/minutes"), &s.admin_token, Some(late)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused["error"]["fields"]["form"], "Biên bản đã được duyệt nên không sửa được nữa.");

    let (_, overdue) = call(&s, Method::GET, "/api/v1/action-items?status=overdue", &s.member_token, None).await;
    assert_eq!(overdue.as_array().map(Vec::len), Some(1), "{overdue}");
    let page = s.http.get(s.server.url("/follow-up")).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("Tổ biên tập tiếp thu đầy đủ các ý kiến") && page.contains("Quá hạn"));
    let page = s.http.get(s.server.url(&format!("/meetings/{id}"))).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("Cần nêu rõ 7/24 chỉ tiêu đạt và vượt.") && page.contains("27/06/2023 08:00"));

    let docx = s.http.get(s.server.url(&format!("/meetings/{id}/bien-ban.docx"))).send().await.expect("docx").bytes().await.expect("bytes");
    let blocks = gopy_documents::import(&docx, &gopy_documents::ImportLimits::default()).expect("reads back").blocks;
    let text = format!("{blocks:?}");
    assert!(text.contains("Lê Thị Ủy Viên") && text.contains("Các dự thảo cơ bản đạt yêu cầu") && text.contains("10/07/2023"));
    let ics = s.http.get(s.server.url(&format!("/meetings/{id}/meeting.ics"))).send().await.expect("ics").text().await.expect("text");
    assert!(ics.contains("DTSTART:20230627T010000Z\r\n") && ics.contains("LOCATION:Phòng họp số 1\r\n"));
}
