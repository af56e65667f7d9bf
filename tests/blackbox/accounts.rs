//! Accounts over HTTP and on the command line: the first admin, invitation
//! links, sign-in and its throttling, CSRF, and API tokens.

use gopy_tests::{Server, client, run_gopy};
use reqwest::StatusCode;
use reqwest::header::{LOCATION, ORIGIN};
use serde_json::Value;

pub(crate) const PASSWORD: &str = "mùa thu Hà Nội 1945";

/// The CSRF token a page put in its forms.
pub(crate) fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).map(|i| i + marker.len()).expect("the page has a form with a CSRF token");
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

/// `gopy user add` against the server's database; returns the link's path.
pub(crate) fn add_user(server: &Server, email: &str, name: &str, role: Option<&str>) -> String {
    let mut args = vec!["user", "add", "--email", email, "--name", name];
    if let Some(role) = role {
        args.extend(["--role", role]);
    }
    let output = server.gopy(&args);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let link = stdout.lines().find(|l| l.contains("/set-password/")).expect("a link is printed");
    link[link.find("/set-password/").expect("path")..].trim().to_owned()
}

pub(crate) async fn set_password(http: &reqwest::Client, server: &Server, path: &str, password: &str) -> reqwest::Response {
    let page = http.get(server.url(path)).send().await.expect("link page").text().await.expect("html");
    let csrf = csrf_of(&page);
    http.post(server.url(path)).form(&[("csrf", csrf.as_str()), ("password", password)]).send().await.expect("post")
}

pub(crate) async fn sign_in(http: &reqwest::Client, server: &Server, email: &str, password: &str) -> reqwest::Response {
    let page = http.get(server.url("/sign-in")).send().await.expect("sign-in page").text().await.expect("html");
    let csrf = csrf_of(&page);
    http.post(server.url("/sign-in"))
        .form(&[("csrf", csrf.as_str()), ("email", email), ("password", password), ("next", "/account")])
        .send()
        .await
        .expect("post")
}

#[tokio::test]
async fn the_first_admin_from_the_command_line_sets_a_password_once_and_signs_in() {
    let server = Server::start();
    let http = client();
    let link = add_user(&server, "admin@tinhuy.vn", "Nguyễn Văn Quản", Some("admin"));

    let weak = set_password(&http, &server, &link, "ngắn").await;
    assert_eq!(weak.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.text().await.expect("html").contains("ít nhất 12 ký tự"), "the rule is said");

    let done = set_password(&http, &server, &link, PASSWORD).await;
    assert_eq!(done.status(), StatusCode::OK);
    let reused = http.get(server.url(&link)).send().await.expect("reuse");
    assert_eq!(reused.status(), StatusCode::GONE);
    assert!(reused.text().await.expect("html").contains("đã được dùng"));

    let signed_in = sign_in(&http, &server, "admin@tinhuy.vn", PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_in.headers()[LOCATION], "/account");
    let cookie = signed_in.headers().get_all("set-cookie").iter().find_map(|v| v.to_str().ok().filter(|v| v.starts_with("gopy_session=")));
    let cookie = cookie.expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let account = http.get(server.url("/account")).send().await.expect("account").text().await.expect("html");
    assert!(account.contains("Nguyễn Văn Quản") && account.contains("phiên này"), "{account}");
    let people = http.get(server.url("/admin/people")).send().await.expect("people");
    assert_eq!(people.status(), StatusCode::OK, "an admin sees the people page");
}

#[tokio::test]
async fn an_unknown_email_and_a_wrong_password_get_the_same_answer_and_ten_in_a_row_are_throttled() {
    let server = Server::start();
    let http = client();
    let link = add_user(&server, "lan@tinhuy.vn", "Trần Thị Lan", None);
    set_password(&http, &server, &link, PASSWORD).await;

    let unknown = sign_in(&http, &server, "ai.do@tinhuy.vn", PASSWORD).await.text().await.expect("html");
    let wrong = sign_in(&http, &server, "lan@tinhuy.vn", "không phải mật khẩu").await.text().await.expect("html");
    let message = "Thư điện tử hoặc mật khẩu không đúng.";
    assert!(unknown.contains(message) && wrong.contains(message));
    assert!(wrong.contains("value=\"lan@tinhuy.vn\""), "the email typed is kept");

    for _ in 0..9 {
        sign_in(&http, &server, "lan@tinhuy.vn", "không phải mật khẩu").await;
    }
    let throttled = sign_in(&http, &server, "lan@tinhuy.vn", PASSWORD).await;
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.text().await.expect("html").contains("thử lại sau 15 phút"));
}

#[tokio::test]
async fn a_forged_form_post_is_refused_with_a_readable_page() {
    let server = Server::start();
    let http = client();
    let no_token = http
        .post(server.url("/sign-in"))
        .form(&[("email", "admin@tinhuy.vn"), ("password", PASSWORD)])
        .send()
        .await
        .expect("post");
    assert_eq!(no_token.status(), StatusCode::FORBIDDEN);
    assert!(no_token.text().await.expect("html").contains("Biểu mẫu không hợp lệ"));

    let page = http.get(server.url("/sign-in")).send().await.expect("page").text().await.expect("html");
    let csrf = csrf_of(&page);
    let wrong_token = http
        .post(server.url("/sign-in"))
        .form(&[("csrf", "0".repeat(64).as_str()), ("email", "x@y.vn"), ("password", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(wrong_token.status(), StatusCode::FORBIDDEN);
    let cross_site = http
        .post(server.url("/sign-in"))
        .header(ORIGIN, "https://evil.example")
        .form(&[("csrf", csrf.as_str()), ("email", "x@y.vn"), ("password", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(cross_site.status(), StatusCode::FORBIDDEN);
    // Another visitor's token does not fit this visitor's cookie.
    let stranger = client();
    let taken = stranger
        .post(server.url("/sign-in"))
        .form(&[("csrf", csrf.as_str()), ("email", "x@y.vn"), ("password", "x")])
        .send()
        .await
        .expect("post");
    assert_eq!(taken.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_api_answers_a_token_and_refuses_a_missing_or_revoked_one() {
    let server = Server::start();
    let http = client();
    let link = add_user(&server, "bot@tinhuy.vn", "Máy đo tải", None);
    set_password(&http, &server, &link, PASSWORD).await;

    let missing = http.get(server.url("/api/v1/me")).send().await.expect("me");
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    let body: Value = missing.json().await.expect("json");
    assert_eq!(body["error"]["code"], "unauthorized");

    let output = run_gopy(server.dir.path(), &["token", "create", "--email", "bot@tinhuy.vn", "--name", "đo tải"], &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let token = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert!(token.starts_with("gopy_"), "{token}");

    let me: Value = http
        .get(server.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me["email"], "bot@tinhuy.vn");
    assert_eq!(me["name"], "Máy đo tải");

    // Revoked from the account page, as the person would.
    sign_in(&http, &server, "bot@tinhuy.vn", PASSWORD).await;
    let account = http.get(server.url("/account")).send().await.expect("account").text().await.expect("html");
    let revoke = account.find("/account/tokens/").map(|i| &account[i..]).expect("a revoke form");
    let action = revoke.split('"').next().expect("action");
    let revoked = http.post(server.url(action)).form(&[("csrf", csrf_of(&account))]).send().await.expect("revoke");
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    let refused = client().get(server.url("/api/v1/me")).bearer_auth(&token).send().await.expect("me");
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_member_cannot_open_the_admin_pages_and_signed_out_visitors_are_sent_to_sign_in() {
    let server = Server::start();
    let http = client();
    let signed_out = http.get(server.url("/admin/people")).send().await.expect("people");
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_out.headers()[LOCATION], "/sign-in?next=/admin/people");

    let link = add_user(&server, "uv@tinhuy.vn", "Ủy viên", None);
    set_password(&http, &server, &link, PASSWORD).await;
    sign_in(&http, &server, "uv@tinhuy.vn", PASSWORD).await;
    for path in ["/admin/people", "/admin/people/0190a8b0-0000-7000-8000-000000000000"] {
        let refused = http.get(server.url(path)).send().await.expect("page");
        assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{path}");
        assert!(refused.text().await.expect("html").contains("Không có quyền truy cập"));
    }
}

#[test]
fn adding_a_person_twice_or_with_a_bad_email_says_why() {
    let server = Server::start();
    add_user(&server, "lan@tinhuy.vn", "Trần Thị Lan", None);
    let again = run_gopy(server.dir.path(), &["user", "add", "--email", "LAN@tinhuy.vn", "--name", "Lan"], &[]);
    let line = gopy_tests::single_error_line(&again);
    assert!(line.contains("already exists"), "{line}");
    let bad = run_gopy(server.dir.path(), &["user", "add", "--email", "lan", "--name", "Lan"], &[]);
    let line = gopy_tests::single_error_line(&bad);
    assert!(line.contains("--email"), "{line}");
}
