//! `gopy serve` over HTTP: probes, the start page in both languages, the
//! API root, errors, middleware, and a graceful stop.

use gopy_store::testing::TestDatabase;
use gopy_tests::{Server, client};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, LOCATION, REFERER};
use serde_json::Value;

#[tokio::test]
async fn healthz_answers_ok_and_readyz_answers_when_the_database_does() {
    let server = Server::start();
    let http = client();
    let health = http.get(server.url("/healthz")).send().await.expect("healthz");
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().contains_key("x-request-id"), "every response carries a request id");
    assert_eq!(health.text().await.expect("body"), "ok");
    let ready = http.get(server.url("/readyz")).send().await.expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_start_page_is_vietnamese_and_switches_to_english_and_back() {
    let server = Server::start();
    let http = client();
    let page = http.get(server.url("/")).send().await.expect("start page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("<html lang=\"vi\">"), "{html}");
    assert!(html.contains("Góp ý, tiếp thu và hoàn thiện dự thảo báo cáo"), "{html}");
    assert!(html.contains("href=\"/setup\""), "a fresh installation leads to the first-run page");

    let switch = http
        .get(server.url("/language/en"))
        .header(REFERER, server.url("/"))
        .send()
        .await
        .expect("switch");
    assert_eq!(switch.status(), StatusCode::SEE_OTHER);
    assert_eq!(switch.headers()[LOCATION], "/");
    let html = http.get(server.url("/")).send().await.expect("again").text().await.expect("html");
    assert!(html.contains("<html lang=\"en\">") && html.contains("Comment on, take in and finalise draft reports"), "{html}");

    http.get(server.url("/language/vi")).send().await.expect("back");
    let html = http.get(server.url("/")).send().await.expect("again").text().await.expect("html");
    assert!(html.contains("<html lang=\"vi\">"), "{html}");
}

#[tokio::test]
async fn the_language_switch_never_redirects_off_site() {
    let server = Server::start();
    let switch = client()
        .get(server.url("/language/en"))
        .header(REFERER, "https://elsewhere.example/phish")
        .send()
        .await
        .expect("switch");
    assert_eq!(switch.headers()[LOCATION], "/");
}

#[tokio::test]
async fn unknown_pages_say_so_in_the_persons_language_and_the_api_answers_json() {
    let server = Server::start();
    let http = client();
    let page = http.get(server.url("/khong-co")).send().await.expect("404 page");
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.expect("html").contains("Không tìm thấy trang"));

    let language = http.get(server.url("/language/fr")).send().await.expect("unknown language");
    assert_eq!(language.status(), StatusCode::NOT_FOUND);

    let api = http.get(server.url("/api/v1/khong-co")).send().await.expect("api 404");
    assert_eq!(api.status(), StatusCode::NOT_FOUND);
    let body: Value = api.json().await.expect("json");
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn the_api_root_and_the_openapi_document_are_served() {
    let server = Server::start();
    let http = client();
    let root: Value = http.get(server.url("/api/v1")).send().await.expect("root").json().await.expect("json");
    assert_eq!(root["openapi"], "/api/openapi.json");
    let document: Value =
        http.get(server.url("/api/openapi.json")).send().await.expect("doc").json().await.expect("json");
    assert!(document["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    for path in ["/healthz", "/readyz", "/api/v1"] {
        assert!(document["paths"].get(path).is_some(), "{path} missing from the OpenAPI document");
    }
}

#[tokio::test]
async fn pages_are_compressed_and_assets_are_embedded() {
    let server = Server::start();
    let http = client();
    let page = http.get(server.url("/")).header("accept-encoding", "gzip").send().await.expect("page");
    assert_eq!(page.headers().get(CONTENT_ENCODING).map(|v| v.as_bytes()), Some(&b"gzip"[..]));
    let css = http.get(server.url("/static/gopy.css")).send().await.expect("css");
    assert_eq!(css.status(), StatusCode::OK);
    assert!(css.headers()[CONTENT_TYPE].to_str().is_ok_and(|t| t.starts_with("text/css")));
    let missing = http.get(server.url("/static/../Cargo.toml")).send().await.expect("missing");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let server = Server::start();
    client().get(server.url("/healthz")).send().await.expect("healthz");
    let status = server.terminate();
    assert!(status.success(), "gopy exits 0 after SIGTERM: {status:?}");
}

#[tokio::test]
async fn serves_on_postgresql_too() {
    let Some(database) = TestDatabase::postgres().await else { return };
    let server = Server::start_with(&[], &[("GOPY__DATABASE__URL", &database.url)]);
    let http = client();
    let ready = http.get(server.url("/readyz")).send().await.expect("readyz");
    assert_eq!(ready.status(), StatusCode::OK);
    let page = http.get(server.url("/")).send().await.expect("start page");
    assert_eq!(page.status(), StatusCode::OK);
    drop(server);
    database.finish().await;
}

#[tokio::test]
async fn a_browser_that_asks_for_english_gets_it_and_a_choice_in_the_header_moves_the_account_too() {
    let server = Server::demo();
    let page = client()
        .get(server.url("/sign-in"))
        .header(reqwest::header::ACCEPT_LANGUAGE, "en-GB,en;q=0.9,vi;q=0.5")
        .send()
        .await
        .expect("sign-in page");
    assert!(page.text().await.expect("html").contains("<html lang=\"en\">"), "no cookie, no account: the browser's language");

    let member = crate::demo::signed_in(&server, "uyvien@tinhuy.vn").await;
    let me: Value = member.get(server.url("/api/v1/me")).send().await.expect("me").json().await.expect("json");
    assert_eq!(me["language"], "vi");
    // A link from another site changes the visitor's cookie, never the account.
    member.get(server.url("/language/en")).header(REFERER, "https://elsewhere.example/").send().await.expect("switch");
    let me: Value = member.get(server.url("/api/v1/me")).send().await.expect("me").json().await.expect("json");
    assert_eq!(me["language"], "vi");
    member.get(server.url("/language/en")).header(REFERER, server.url("/reports")).send().await.expect("switch");
    let me: Value = member.get(server.url("/api/v1/me")).send().await.expect("me").json().await.expect("json");
    assert_eq!(me["language"], "en", "the mail follows the pages");
}
