//! The edge of meetings, holidays, the organisation and the account: each
//! form and API body sent with one wrong value in every field answers with
//! every field named at once (beside the field on a page, with what was
//! typed kept; in `fields` in the API), before any use case runs.

use gopy_tests::{Server, client, create_token};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::accounts::{csrf_of, sign_in};

const PASSWORD: &str = "gopy-demo-2023";

fn token_for(server: &Server, email: &str) -> String {
    create_token(server, email, &[("GOPY__DATABASE__URL", "sqlite://data/demo.db")])
}

/// The field named `name` sits in a field marked refused, with a message in it.
fn refused_beside(html: &str, name: &str) -> bool {
    let marker = format!("name=\"{name}\"");
    html.match_indices(&marker).any(|(at, _)| {
        let Some(open) = html[..at].rfind("class=\"field") else { return false };
        let class = html[open + 7..].split('"').next().unwrap_or_default();
        let close = html[at..].find("</div>").into_iter().chain(html[at..].find("</fieldset>")).min().unwrap_or(0);
        class.contains("has-error") && html[at..at + close].contains("class=\"error\"")
    })
}

/// What was typed in `name` is in the page again: as an input's value or a box's text.
fn kept(html: &str, typed: &str) -> bool {
    html.contains(&format!("value=\"{typed}\"")) || html.contains(&format!(">{typed}</textarea>"))
}

/// One form: where it posts, what is typed, the fields that must be named
/// beside themselves, and the typed values that must come back.
struct PageCase {
    path: String,
    fields: Vec<(&'static str, String)>,
    refused: &'static [&'static str],
    kept: Vec<String>,
}

async fn post_each(http: &reqwest::Client, server: &Server, csrf: &str, cases: Vec<PageCase>) {
    for case in cases {
        let mut form = vec![("csrf", csrf.to_owned())];
        form.extend(case.fields.iter().cloned());
        let answer = http.post(server.url(&case.path)).form(&form).send().await.expect("post");
        assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY, "{}", case.path);
        let html = answer.text().await.expect("html");
        for field in case.refused {
            assert!(refused_beside(&html, field), "{}: no message beside {field}", case.path);
        }
        for typed in &case.kept {
            assert!(kept(&html, typed), "{}: {typed:?} is not kept", case.path);
        }
    }
}

/// Sends `body` and gives back the status and the fields named.
async fn fields_named(http: &reqwest::Client, method: reqwest::Method, url: String, token: &str, body: Value) -> (StatusCode, Vec<String>, Value) {
    let answer = http.request(method, url).bearer_auth(token).json(&body).send().await.expect("request");
    let status = answer.status();
    let body: Value = answer.json().await.expect("json");
    let mut fields: Vec<String> = body["error"]["fields"].as_object().map(|f| f.keys().cloned().collect()).unwrap_or_default();
    fields.sort();
    (status, fields, body)
}

/// A meeting planned through the API, its first agenda item, and a body's and a person's id.
async fn planned_meeting(http: &reqwest::Client, server: &Server, token: &str) -> (String, String, String, String) {
    let get = |path: &str| http.get(server.url(path)).bearer_auth(token).send();
    let committees: Value = get("/api/v1/committees").await.expect("committees").json().await.expect("json");
    let committee = committees[0]["id"].as_str().expect("a committee").to_owned();
    let seats: Value = get(&format!("/api/v1/committees/{committee}")).await.expect("committee").json().await.expect("json");
    let chair = seats["members"][0]["person"].as_str().expect("a member").to_owned();
    let bodies: Value = get("/api/v1/bodies").await.expect("bodies").json().await.expect("json");
    let body = bodies[0]["id"].as_str().expect("a body").to_owned();
    let meeting = json!({
        "committee": committee, "title": "Hội nghị kiểm tra biểu mẫu", "starts_at": "2031-06-27T08:00:00+07:00",
        "ends_at": "2031-06-27T11:00:00+07:00", "place": "Phòng họp số 2", "presiding": chair, "invited": [chair],
    });
    let made = http.post(server.url("/api/v1/meetings")).bearer_auth(token).json(&meeting).send().await.expect("plan");
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.expect("json");
    let id = made["id"].as_str().expect("id").to_owned();
    let item = json!({ "title": "Báo cáo sơ kết", "presenter": body, "minutes_allotted": 30 });
    let added: Value = http
        .post(server.url(&format!("/api/v1/meetings/{id}/agenda")))
        .bearer_auth(token)
        .json(&item)
        .send()
        .await
        .expect("agenda")
        .json()
        .await
        .expect("json");
    let item = added["agenda"][0]["id"].as_str().expect("an item").to_owned();
    (id, item, body, chair)
}

#[tokio::test]
async fn meeting_forms_name_every_refused_field_beside_it_and_keep_what_was_typed() {
    let server = Server::demo();
    let http = client();
    let token = token_for(&server, "vanphong@tinhuy.vn");
    let (meeting, item, _, chair) = planned_meeting(&http, &server, &token).await;
    sign_in(&http, &server, "vanphong@tinhuy.vn", PASSWORD).await;
    let page = http.get(server.url(&format!("/meetings/{meeting}"))).send().await.expect("meeting").text().await.expect("html");
    let csrf = csrf_of(&page);
    let long = "Hội nghị ".repeat(60);
    let details = |committee: bool| {
        let mut fields = vec![
            ("title", long.clone()),
            ("starts_at", "27-06-2031 tám giờ".to_owned()),
            ("ends_at", "trưa mai".to_owned()),
            ("place", String::new()),
            ("presiding", "chủ-tọa".to_owned()),
            ("invited", "không-phải-mã".to_owned()),
        ];
        if committee {
            fields.push(("committee", "ban-nào".to_owned()));
        }
        fields
    };
    let at = |path: &str| format!("/meetings/{meeting}{path}");
    let planned = vec![
        PageCase {
            path: "/meetings".to_owned(),
            fields: details(true),
            refused: &["committee", "title", "starts_at", "ends_at", "place", "presiding", "invited"],
            kept: vec!["27-06-2031 tám giờ".to_owned(), "trưa mai".to_owned()],
        },
        PageCase {
            path: at("/details"),
            fields: details(false),
            refused: &["title", "starts_at", "ends_at", "place", "presiding", "invited"],
            kept: vec!["27-06-2031 tám giờ".to_owned(), "trưa mai".to_owned()],
        },
        PageCase {
            path: at("/agenda"),
            fields: vec![("title", String::new()), ("presenter", "ban-x".to_owned()), ("report", "dự-thảo".to_owned()), ("minutes_allotted", "bốn mươi".to_owned())],
            refused: &["title", "presenter", "report", "minutes_allotted"],
            kept: vec!["bốn mươi".to_owned()],
        },
        PageCase {
            path: at(&format!("/agenda/{item}")),
            fields: vec![("title", long.clone()), ("presenter", String::new()), ("report", "dự-thảo".to_owned()), ("minutes_allotted", "1441".to_owned())],
            refused: &["title", "presenter", "report", "minutes_allotted"],
            kept: vec!["1441".to_owned()],
        },
        PageCase {
            path: at("/cancel"),
            fields: vec![("reason", "Trùng lịch ".repeat(500))],
            refused: &["reason"],
            kept: vec!["Trùng lịch ".repeat(500)],
        },
    ];
    post_each(&http, &server, &csrf, planned).await;

    // A position that is no number: told on the agenda, the item unmoved.
    let moved = http
        .post(server.url(&at(&format!("/agenda/{item}/move"))))
        .form(&[("csrf", csrf.as_str()), ("to", "đầu")])
        .send()
        .await
        .expect("move");
    assert_eq!(moved.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(moved.text().await.expect("html").contains("Vị trí đếm từ 1"), "the position's rule is told");

    // The attendance: each refused row says why in its own row, the reason typed kept.
    let presence = format!("presence_{chair}");
    let (reason, by) = (format!("reason_{chair}"), format!("by_{chair}"));
    let attendance = [("csrf", csrf.clone()), (presence.as_str(), "có lẽ".to_owned()), (reason.as_str(), "Đi công tác".to_owned()), (by.as_str(), "ai-đó".to_owned())];
    let refused = http.post(server.url(&at("/attendance"))).form(&attendance).send().await.expect("attendance");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    assert!(html.contains(&format!("id=\"attendance-{chair}-error\"")), "the row says why");
    assert!(kept(&html, "Đi công tác"), "the reason typed is kept");

    // Held: the minutes, the conclusion and the action items.
    let held = http
        .patch(server.url(&format!("/api/v1/meetings/{meeting}")))
        .bearer_auth(&token)
        .json(&json!({ "status": "held" }))
        .send()
        .await
        .expect("held");
    assert_eq!(held.status(), StatusCode::OK);
    let action: Value = http
        .post(server.url(&format!("/api/v1/meetings/{meeting}/actions")))
        .bearer_auth(&token)
        .json(&json!({ "text": "Tiếp thu ý kiến", "assignees": [format!("person:{chair}")], "working_days": 5 }))
        .send()
        .await
        .expect("action")
        .json()
        .await
        .expect("json");
    let action = action["actions"][0]["id"].as_str().expect("an action").to_owned();
    let held = vec![
        PageCase {
            path: at("/minutes"),
            fields: vec![("agenda_item", "mục-x".to_owned()), ("speaker", "người-nói".to_owned()), ("summary", "Ý kiến ".repeat(800))],
            refused: &["agenda_item", "speaker", "summary"],
            kept: vec!["Ý kiến ".repeat(800)],
        },
        PageCase { path: at("/conclusion"), fields: vec![("conclusion", "   ".to_owned())], refused: &["conclusion"], kept: vec!["   ".to_owned()] },
        PageCase {
            path: at("/actions"),
            fields: vec![("text", String::new()), ("deadline", "31/02/2031".to_owned()), ("working_days", "66".to_owned()), ("bodies", "ban-x".to_owned())],
            refused: &["text", "deadline", "working_days", "bodies"],
            kept: vec!["31/02/2031".to_owned(), "66".to_owned()],
        },
    ];
    post_each(&http, &server, &csrf, held).await;

    let followed = http
        .post(server.url(&at(&format!("/actions/{action}"))))
        .form(&[("csrf", csrf.as_str()), ("status", "xong-rồi"), ("note", "")])
        .send()
        .await
        .expect("follow up");
    assert_eq!(followed.status(), StatusCode::UNPROCESSABLE_ENTITY, "an unknown status is not taken for done");
    let now: Value = http.get(server.url(&format!("/api/v1/meetings/{meeting}"))).bearer_auth(&token).send().await.expect("get").json().await.expect("json");
    assert_eq!(now["actions"][0]["status"], "open");
    assert_eq!(now["minutes"].as_array().map(Vec::len), Some(0), "nothing refused was stored");
    let filtered = http.get(server.url("/follow-up?status=xong&meeting=họp")).send().await.expect("follow-up");
    assert_eq!(filtered.status(), StatusCode::UNPROCESSABLE_ENTITY, "a filter naming nothing is refused, not dropped");
}

#[tokio::test]
async fn organisation_holiday_and_account_forms_name_every_refused_field_beside_it() {
    let server = Server::demo();
    let http = client();
    sign_in(&http, &server, "quantri@tinhuy.vn", PASSWORD).await;
    let token = token_for(&server, "quantri@tinhuy.vn");
    let people: Value = http.get(server.url("/api/v1/people")).bearer_auth(&token).send().await.expect("people").json().await.expect("json");
    let person = people[0]["id"].as_str().expect("a person").to_owned();
    let committees: Value = http.get(server.url("/api/v1/committees")).bearer_auth(&token).send().await.expect("committees").json().await.expect("json");
    let committee = committees[0]["id"].as_str().expect("a committee").to_owned();
    let page = http.get(server.url("/admin/holidays")).send().await.expect("holidays").text().await.expect("html");
    let csrf = csrf_of(&page);
    let long = "Ban ".repeat(60);
    let cases = vec![
        PageCase {
            path: "/admin/holidays".to_owned(),
            fields: vec![("date", "31/02/2031".to_owned()), ("kind", "nghỉ-bù".to_owned()), ("note", "Thông báo ".repeat(600))],
            refused: &["date", "kind", "note"],
            kept: vec!["31/02/2031".to_owned()],
        },
        PageCase {
            path: format!("/admin/people/{person}"),
            fields: vec![("title", long.clone()), ("body", "ban-x".to_owned())],
            refused: &["title", "body"],
            kept: vec![long.clone()],
        },
        PageCase {
            path: format!("/committees/{committee}/members"),
            fields: vec![("person", "ai-đó".to_owned()), ("role", "thủ-quỹ".to_owned())],
            refused: &["person", "role"],
            kept: vec![],
        },
        PageCase {
            path: "/admin/terms".to_owned(),
            fields: vec![("name", String::new()), ("starts_on", "01/10/2030".to_owned()), ("ends_on", "cuối nhiệm kỳ".to_owned())],
            refused: &["name", "starts_on", "ends_on"],
            kept: vec!["01/10/2030".to_owned(), "cuối nhiệm kỳ".to_owned()],
        },
        PageCase { path: "/admin/bodies".to_owned(), fields: vec![("name", long.clone())], refused: &["name"], kept: vec![long.clone()] },
        PageCase { path: "/committees".to_owned(), fields: vec![("name", String::new())], refused: &["name"], kept: vec![] },
        PageCase {
            path: "/account/password".to_owned(),
            fields: vec![("current_password", "x".repeat(2000)), ("new_password", "y".repeat(2000))],
            refused: &["current_password", "new_password"],
            kept: vec![],
        },
        PageCase { path: "/account/tokens".to_owned(), fields: vec![("token_name", long.clone())], refused: &["token_name"], kept: vec![long.clone()] },
    ];
    post_each(&http, &server, &csrf, cases).await;
    let terms: Value = http.get(server.url("/api/v1/terms")).bearer_auth(&token).send().await.expect("terms").json().await.expect("json");
    assert!(!terms.to_string().contains("cuối nhiệm kỳ"), "nothing refused was stored");
}

#[tokio::test]
async fn meeting_and_holiday_bodies_name_every_refused_field_at_once() {
    use reqwest::Method;
    let server = Server::demo();
    let http = client();
    let token = token_for(&server, "vanphong@tinhuy.vn");
    let admin = token_for(&server, "quantri@tinhuy.vn");
    let (meeting, item, _, _) = planned_meeting(&http, &server, &token).await;
    let url = |path: &str| server.url(&format!("/api/v1{path}"));
    let at = |path: &str| url(&format!("/meetings/{meeting}{path}"));
    let details = json!({
        "title": "", "starts_at": "27/06/2031 08:00", "ends_at": "trưa mai", "place": "x".repeat(501),
        "presiding": "chủ-tọa", "invited": ["không-phải-mã"],
    });
    let mut planning = details.clone();
    planning["committee"] = json!("ban-nào");
    let item_body = json!({ "title": "", "presenter": "ban-x", "report": "dự-thảo", "minutes_allotted": 0 });
    let action = "0190a8b0-0000-7000-8000-000000000000";
    let cases: Vec<(Method, String, &str, Value, Vec<&str>)> = vec![
        (Method::POST, url("/meetings"), &token, planning, vec!["committee", "ends_at", "invited", "place", "presiding", "starts_at", "title"]),
        (
            Method::PATCH,
            url(&format!("/meetings/{meeting}")),
            &token,
            json!({ "details": details, "status": "xong" }),
            vec!["details.ends_at", "details.invited", "details.place", "details.presiding", "details.starts_at", "details.title", "status"],
        ),
        (Method::POST, at("/agenda"), &token, item_body.clone(), vec!["minutes_allotted", "presenter", "report", "title"]),
        (
            Method::PATCH,
            at(&format!("/agenda/{item}")),
            &token,
            json!({ "item": item_body, "position": 0 }),
            vec!["item.minutes_allotted", "item.presenter", "item.report", "item.title", "position"],
        ),
        (Method::POST, at("/cancellation"), &token, json!({ "reason": "" }), vec!["reason"]),
        (
            Method::PUT,
            at("/attendance"),
            &token,
            json!([{ "person": "ai", "presence": "có lẽ", "reason": "", "represented_by": "người-khác" }]),
            vec!["attendance[0].person", "attendance[0].presence", "attendance[0].reason", "attendance[0].represented_by"],
        ),
        (Method::POST, at("/minutes"), &token, json!({ "agenda_item": "mục", "speaker": "ai", "summary": "" }), vec!["agenda_item", "speaker", "summary"]),
        (Method::PUT, at("/conclusion"), &token, json!({ "text": "" }), vec!["text"]),
        (
            Method::POST,
            at("/actions"),
            &token,
            json!({ "text": "", "assignees": ["ban:x"], "deadline": "31/02/2031", "working_days": 66 }),
            vec!["assignees", "deadline", "text", "working_days"],
        ),
        (Method::PATCH, at(&format!("/actions/{action}")), &token, json!({ "status": "xong", "note": "x".repeat(5001) }), vec!["note", "status"]),
        (Method::POST, url("/holidays"), &admin, json!({ "date": "31/02/2031", "kind": "nghỉ", "note": "x".repeat(5001) }), vec!["date", "kind", "note"]),
    ];
    for (method, path, token, body, expected) in cases {
        let (status, fields, answer) = fields_named(&http, method.clone(), path.clone(), token, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{method} {path}: {answer}");
        assert_eq!(fields, expected, "{method} {path}: {answer}");
    }

    // The follow-up list's filter, and a key no request knows.
    let listed = http.get(url("/action-items?assignee=ban:x&meeting=họp&status=xong")).bearer_auth(&token).send().await.expect("list");
    assert_eq!(listed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let listed: Value = listed.json().await.expect("json");
    let mut named: Vec<&String> = listed["error"]["fields"].as_object().expect("fields").keys().collect();
    named.sort();
    assert_eq!(named, ["assignee", "meeting", "status"], "{listed}");
    let unknown = http.post(at("/cancellation")).bearer_auth(&token).json(&json!({ "reason": "Trùng lịch", "notify": false })).send().await.expect("post");
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown: Value = unknown.json().await.expect("json");
    assert!(unknown["error"]["message"].as_str().is_some_and(|m| m.contains("notify")), "the key is named: {unknown}");
    let now: Value = http.get(at("")).bearer_auth(&token).send().await.expect("get").json().await.expect("json");
    assert_eq!(now["status"], "planned", "nothing refused was done");
}
