//! The organisation through the JSON API: an installation provisioned by
//! `scripts/provision` alone (five bodies, a committee, twenty people and
//! their seats), twice, the second time changing nothing; bodies checked
//! whole at the edge, every invalid field named at once.

use std::process::Command;

use gopy_tests::{Server, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::reports::token_for;

const PLAN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/provision/province.json");
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/provision");

fn provision(server: &Server, token: &str) -> String {
    let output = Command::new("python3").arg(SCRIPT).arg(&server.base).arg(PLAN).env("GOPY_TOKEN", token).output().expect("python3 runs");
    let printed = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{printed}{}", String::from_utf8_lossy(&output.stderr));
    printed
}

#[tokio::test]
async fn a_script_provisions_an_installation_through_the_api_alone_and_a_second_run_changes_nothing() {
    let server = Server::start();
    let added = server.gopy(&["user", "add", "--email", "quantri@tinhuy.vn", "--name", "Quản trị", "--role", "admin"]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let token = token_for(&server, "quantri@tinhuy.vn");

    let first = provision(&server, &token);
    assert!(first.contains("created: 5 bodies, 1 committees, 20 people, 18 seats, 1 roles"), "{first}");
    let http = client();
    let committees: Value = http.get(server.url("/api/v1/committees")).bearer_auth(&token).send().await.expect("list").json().await.expect("json");
    let id = committees[0]["id"].as_str().expect("the committee");
    let committee: Value =
        http.get(server.url(&format!("/api/v1/committees/{id}"))).bearer_auth(&token).send().await.expect("one").json().await.expect("json");
    assert_eq!(committee["name"], "Ban Thường vụ Tỉnh ủy");
    let members = committee["members"].as_array().expect("members");
    assert_eq!(members.len(), 18);
    assert!(members.iter().any(|m| m["name"] == "Nguyễn Văn An" && m["role"] == "chair"), "{committee}");
    let people: Value = http.get(server.url("/api/v1/people")).bearer_auth(&token).send().await.expect("people").json().await.expect("json");
    let secretariat = people.as_array().expect("people").iter().find(|p| p["email"] == "thang.cv@tinhuy.vn").expect("Cao Văn Thắng");
    assert_eq!(secretariat["roles"], json!(["secretariat"]));
    assert_eq!(people.as_array().map(Vec::len), Some(21), "twenty people and the admin");

    let second = provision(&server, &token);
    assert!(second.contains("created: 0 bodies, 0 committees, 0 people, 0 seats, 0 roles"), "{second}");
}

#[tokio::test]
async fn a_request_body_is_checked_whole_and_every_bad_field_is_named_at_once() {
    let server = Server::start();
    let added = server.gopy(&["user", "add", "--email", "quantri@tinhuy.vn", "--name", "Quản trị", "--role", "admin"]);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let token = token_for(&server, "quantri@tinhuy.vn");
    let http = client();

    let bad = json!({ "email": "không-phải-thư", "name": "", "title": "x".repeat(201), "language": "fr", "roles": ["vua"] });
    let answer = http.post(server.url("/api/v1/people")).bearer_auth(&token).header("accept-language", "vi").json(&bad).send().await.expect("post");
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = answer.json().await.expect("json");
    assert_eq!(body["error"]["code"], "invalid");
    let fields = body["error"]["fields"].as_object().expect("fields");
    let named: Vec<&str> = fields.keys().map(String::as_str).collect();
    assert_eq!(named, ["email", "language", "name", "roles", "title"], "{body}");
    assert_eq!(fields["name"], "Cần từ 1 đến 200 ký tự.");
    assert_eq!(fields["language"], "Ngôn ngữ phải là vi hoặc en.");

    let term = json!({ "name": "2020-2025", "starts_on": "01/10/2020", "ends_on": "2025-02-30" });
    let answer = http.post(server.url("/api/v1/terms")).bearer_auth(&token).json(&term).send().await.expect("post");
    let body: Value = answer.json().await.expect("json");
    let fields = body["error"]["fields"].as_object().expect("fields");
    assert!(fields.contains_key("starts_on") && fields.contains_key("ends_on"), "{body}");

    let unknown = http.post(server.url("/api/v1/bodies")).bearer_auth(&token).json(&json!({ "name": "Ban Dân vận", "code": "BDV" })).send().await.expect("post");
    assert!(unknown.status().is_client_error(), "an unknown key is refused, not ignored");
    let bodies: Value = http.get(server.url("/api/v1/bodies")).bearer_auth(&token).send().await.expect("list").json().await.expect("json");
    assert_eq!(bodies, json!([]), "nothing was stored");

    let not_an_id = http.get(server.url("/api/v1/committees/khong-phai-ma")).bearer_auth(&token).send().await.expect("get");
    assert_eq!(not_an_id.status(), StatusCode::NOT_FOUND);
    let body: Value = not_an_id.json().await.expect("json");
    assert_eq!(body["error"]["code"], "not_found");
}
