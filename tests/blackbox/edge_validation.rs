//! The edge: a request is parsed once into typed values, every field it
//! gets wrong is named at once in the person's language (beside the field
//! on a page, in `fields` in the API), what was typed stays on the page,
//! and a path that names nothing of ours is the 404 page or JSON.
//! Also the account's own API, end to end.

use gopy_tests::{Server, client, create_token};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::accounts::{csrf_of, sign_in};

/// A token for one of the demo's people.
fn token_for(server: &Server, email: &str) -> String {
    create_token(server, email, &[("GOPY__DATABASE__URL", "sqlite://data/demo.db")])
}

const PASSWORD: &str = "gopy-demo-2023";
const NOT_FOUND_TITLE: &str = "Không tìm thấy trang";

#[tokio::test]
async fn page_forms_name_every_refused_field_at_once_and_keep_what_was_typed() {
    let server = Server::demo();
    let admin = client();
    sign_in(&admin, &server, "quantri@tinhuy.vn", PASSWORD).await;

    // Inviting a person: one wrong value in each field.
    let page = admin.get(server.url("/admin/people")).send().await.expect("people").text().await.expect("html");
    let long_name = "Nguyễn Văn ".repeat(20);
    let form = [
        ("csrf", csrf_of(&page)),
        ("name", long_name.clone()),
        ("email", "không-phải-thư".to_owned()),
        ("title", "Phó ".repeat(60)),
        ("body", "không-có-ban-này".to_owned()),
        ("language", "fr".to_owned()),
        ("role", "chủ-tịch".to_owned()),
    ];
    let refused = admin.post(server.url("/admin/people")).form(&form).send().await.expect("invite");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    for field in ["name", "email", "title", "body", "language", "role"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "no message beside {field}");
    }
    assert!(html.contains("Không phải địa chỉ thư điện tử hợp lệ."), "the email's message is in Vietnamese");
    assert!(html.contains("value=\"không-phải-thư\""), "the email typed is kept");
    assert!(html.contains(&format!("value=\"{}\"", long_name.trim_end())) || html.contains(&format!("value=\"{long_name}\"")), "the name typed is kept");
    let people = admin.get(server.url("/api/v1/people")).bearer_auth(token_for(&server, "quantri@tinhuy.vn")).send().await.expect("list");
    let people: Value = people.json().await.expect("json");
    assert!(!people.to_string().contains("không-phải-thư"), "nothing was stored");

    // One's profile: the same, in English for who reads in English.
    let page = admin.get(server.url("/account")).send().await.expect("account").text().await.expect("html");
    let form = [("csrf", csrf_of(&page)), ("name", String::new()), ("language", "fr".to_owned()), ("time_zone", "Mars/Olympus".to_owned())];
    let refused = admin.post(server.url("/account/profile")).form(&form).send().await.expect("profile");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    for field in ["name", "language", "time_zone"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "no message beside {field}");
    }
    let me: Value = admin.get(server.url("/api/v1/me")).send().await.expect("me").json().await.expect("json");
    assert_eq!(me["language"], "vi", "a refused language is not taken for a default");
}

#[tokio::test]
async fn api_bodies_name_every_refused_field_nested_ones_by_their_path() {
    let server = Server::demo();
    let http = client();
    let token = token_for(&server, "uyvien@tinhuy.vn");

    let refused = http
        .patch(server.url("/api/v1/me/account"))
        .bearer_auth(&token)
        .json(&json!({ "name": "", "language": "fr", "time_zone": "Mars/Olympus" }))
        .send()
        .await
        .expect("patch");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.expect("json");
    let fields = body["error"]["fields"].as_object().expect("fields");
    assert_eq!(fields.keys().map(String::as_str).collect::<Vec<_>>(), ["language", "name", "time_zone"], "{body}");

    let refused = http
        .put(server.url("/api/v1/me/mail-choices"))
        .bearer_auth(&token)
        .json(&json!({ "choices": [{ "kind": "comment.posted", "delivery": "daily" }, { "kind": "no_such_kind", "delivery": "weekly" }] }))
        .send()
        .await
        .expect("put");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = refused.json().await.expect("json");
    let fields = body["error"]["fields"].as_object().expect("fields");
    assert_eq!(fields.keys().map(String::as_str).collect::<Vec<_>>(), ["choices[1].delivery", "choices[1].kind"], "{body}");

    let unknown_key = http.post(server.url("/api/v1/me/tokens")).bearer_auth(&token).json(&json!({ "name": "x", "scope": "all" })).send().await.expect("post");
    assert_eq!(unknown_key.status(), StatusCode::UNPROCESSABLE_ENTITY, "an unknown key is refused");
    let body: Value = unknown_key.json().await.expect("json");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("scope")), "the key is named: {body}");
}

#[tokio::test]
async fn a_path_that_names_nothing_of_ours_is_the_404_page_or_json() {
    let server = Server::demo();
    let member = client();
    sign_in(&member, &server, "uyvien@tinhuy.vn", PASSWORD).await;
    for path in ["/reports/not-an-id", "/reports/0190a8b0-0000-7000-8000-000000000000/versions/two", "/meetings/x/bien-ban.docx", "/static/nothing.css", "/language/fr"] {
        let answer = member.get(server.url(path)).send().await.expect("get");
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{path}");
        let html = answer.text().await.expect("html");
        assert!(html.contains(NOT_FOUND_TITLE), "{path}: the 404 page, in Vietnamese");
    }
    let token = token_for(&server, "uyvien@tinhuy.vn");
    for path in ["/api/v1/reports/not-an-id", "/api/v1/reports/0190a8b0-0000-7000-8000-000000000000/versions/two", "/api/v1/meetings/x/files/bien-ban.docx"] {
        let answer = member.get(server.url(path)).bearer_auth(&token).send().await.expect("get");
        assert_eq!(answer.status(), StatusCode::NOT_FOUND, "{path}");
        let body: Value = answer.json().await.expect("JSON");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
}

#[tokio::test]
async fn a_person_keeps_their_account_through_the_api() {
    let server = Server::demo();
    let http = client();
    let token = token_for(&server, "uyvien@tinhuy.vn");
    let api = |path: &str| server.url(&format!("/api/v1{path}"));

    let account: Value = http.get(api("/me/account")).bearer_auth(&token).send().await.expect("get").json().await.expect("json");
    assert_eq!(account["email"], "uyvien@tinhuy.vn");
    assert!(!account["mail_choices"].as_array().expect("choices").is_empty());

    let changed = http
        .patch(api("/me/account"))
        .bearer_auth(&token)
        .json(&json!({ "name": "Trần Ủy Viên", "language": "en", "time_zone": "Asia/Ho_Chi_Minh" }))
        .send()
        .await
        .expect("patch");
    assert_eq!(changed.status(), StatusCode::OK);
    let me: Value = http.get(api("/me")).bearer_auth(&token).send().await.expect("me").json().await.expect("json");
    assert_eq!((me["name"].as_str(), me["language"].as_str()), (Some("Trần Ủy Viên"), Some("en")));

    let chosen: Value = http
        .put(api("/me/mail-choices"))
        .bearer_auth(&token)
        .json(&json!({ "choices": [{ "kind": "comment.posted", "delivery": "daily" }] }))
        .send()
        .await
        .expect("put")
        .json()
        .await
        .expect("json");
    assert!(chosen.as_array().expect("choices").iter().any(|c| c["kind"] == "comment.posted" && c["delivery"] == "daily"), "{chosen}");

    let made = http.post(api("/me/tokens")).bearer_auth(&token).json(&json!({ "name": "Cổng thông tin" })).send().await.expect("post");
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.expect("json");
    let (id, secret) = (made["id"].as_str().expect("id").to_owned(), made["secret"].as_str().expect("secret").to_owned());
    assert_eq!(http.get(api("/me")).bearer_auth(&secret).send().await.expect("me").status(), StatusCode::OK, "the new token opens the API");
    let revoked = http.delete(api(&format!("/me/tokens/{id}"))).bearer_auth(&token).send().await.expect("delete");
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    assert_eq!(http.get(api("/me")).bearer_auth(&secret).send().await.expect("me").status(), StatusCode::UNAUTHORIZED, "revoked");

    // The secretariat's reading of the dashboard, and the admin's of the mail log.
    let secretariat = token_for(&server, "vanphong@tinhuy.vn");
    let dashboard: Value = http.get(api("/dashboard")).bearer_auth(&secretariat).send().await.expect("dashboard").json().await.expect("json");
    assert!(dashboard.as_array().is_some_and(|rows| !rows.is_empty() && rows.iter().all(|r| r["comments"]["comments"].is_u64())), "{dashboard}");
    assert_eq!(http.get(api("/mail")).bearer_auth(&secretariat).send().await.expect("mail").status(), StatusCode::FORBIDDEN);
    let admin = token_for(&server, "quantri@tinhuy.vn");
    let mail: Value = http.get(api("/mail")).bearer_auth(&admin).send().await.expect("mail").json().await.expect("json");
    assert!(mail["sent_count"].is_u64() && mail["pending"].is_array(), "{mail}");
}
