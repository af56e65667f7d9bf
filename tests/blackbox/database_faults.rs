//! PostgreSQL goes away under a running server: pages answer a 503 page in
//! the person's language, the API a JSON 503, both well before the request
//! timeout; `/readyz` says not ready while `/healthz` stays up; and when the
//! database is back the same server process serves again, its mail worker
//! included, without being restarted.

use std::time::{Duration, Instant};

use gopy_tests::{PrivateCluster, Server, SmtpServer};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, RETRY_AFTER};
use serde_json::{Value, json};

use crate::accounts::{PASSWORD, set_password, sign_in};
use crate::reports::{Setup, setup_on, upload};

/// Well under `server.request_timeout_secs` (30 s), which would answer 408:
/// an answer after this long is a hang, whatever its status.
const NO_HANG: Duration = Duration::from_secs(15);

struct Answer {
    what: &'static str,
    status: StatusCode,
    retry_after: Option<String>,
    body: String,
    took: Duration,
}

async fn answer(what: &'static str, request: reqwest::RequestBuilder) -> Answer {
    let started = Instant::now();
    let response = request.send().await.unwrap_or_else(|e| panic!("{what}: no answer at all: {e}"));
    let status = response.status();
    let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let body = response.text().await.expect("a body");
    Answer { what, status, retry_after, body, took: started.elapsed() }
}

fn post_comment(s: &Setup, body: &str) -> reqwest::RequestBuilder {
    s.http
        .post(s.server.url(&format!("/api/v1/reports/{}/comments", s.report)))
        .bearer_auth(&s.member_token)
        .json(&json!({ "version": 1, "body": body }))
}

/// Every request a person or a script might send while the database is down.
async fn all_at_once(s: &Setup, drafter: &reqwest::Client) -> Vec<Answer> {
    let anonymous = gopy_tests::client();
    let (page, english_page, start_page, api_list, api_post, ready, health) = tokio::join!(
        answer("a signed-in page", s.http.get(s.server.url("/reports"))),
        answer("a signed-in page in English", drafter.get(s.server.url("/reports"))),
        answer("the start page, signed out, in English", anonymous.get(s.server.url("/")).header(COOKIE, "gopy_lang=en")),
        answer(
            "an API read",
            s.http.get(s.server.url("/api/v1/reports")).bearer_auth(&s.member_token).header(COOKIE, "gopy_lang=vi")
        ),
        answer("an API write", post_comment(s, "Ý kiến gửi khi cơ sở dữ liệu ngừng.")),
        answer("readyz", anonymous.get(s.server.url("/readyz"))),
        answer("healthz", anonymous.get(s.server.url("/healthz"))),
    );
    vec![page, english_page, start_page, api_list, api_post, ready, health]
}

#[tokio::test]
async fn with_postgresql_stopped_requests_get_a_quick_503_and_service_resumes_by_itself() {
    let Some(cluster) = PrivateCluster::start() else { return };
    let smtp = SmtpServer::start();
    let (database, smtp_url) = (cluster.url(), smtp.url());
    let server = Server::start_with(
        &[],
        &[
            ("GOPY__DATABASE__URL", database.as_str()),
            ("GOPY__MAIL__SMTP_URL", smtp_url.as_str()),
            ("GOPY__MAIL__POLL_INTERVAL_MS", "200"),
        ],
    );
    let s = setup_on(server).await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let drafter = gopy_tests::client();
    assert!(set_password(&drafter, &s.server, &s.drafter_link, PASSWORD).await.status().is_success());
    sign_in(&drafter, &s.server, "tbt@tinhuy.vn", PASSWORD).await;
    drafter.get(s.server.url("/language/en")).send().await.expect("language");
    assert_eq!(drafter.get(s.server.url("/reports")).send().await.expect("page").status(), StatusCode::OK);

    cluster.stop();
    let answers = all_at_once(&s, &drafter).await;

    for a in &answers {
        eprintln!("database down: {} answered {} in {:.2} s", a.what, a.status, a.took.as_secs_f64());
        assert!(a.took < NO_HANG, "{} took {:?}: a hang, not an answer", a.what, a.took);
        assert!(!a.body.contains("panicked"), "{}: {}", a.what, a.body);
    }
    let [page, english_page, start_page, api_list, api_post, ready, health] = answers.as_slice() else { unreachable!() };
    for a in [page, english_page, start_page, api_list, api_post, ready] {
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}: {}", a.what, a.body);
    }
    for a in [page, english_page, start_page, api_list, api_post] {
        assert_eq!(a.retry_after.as_deref(), Some("5"), "{} says when to come back", a.what);
    }
    assert!(page.body.contains("<html lang=\"vi\">") && page.body.contains("Cơ sở dữ liệu tạm thời không phản hồi"), "{}", page.body);
    for a in [english_page, start_page] {
        assert!(a.body.contains("<html lang=\"en\">") && a.body.contains("The database is not answering"), "{}: {}", a.what, a.body);
    }
    for a in [api_list, api_post] {
        let error: Value = serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", a.what, a.body));
        assert_eq!(error["error"]["code"], "unavailable", "{}", a.body);
        assert!(error["error"]["message"].as_str().is_some_and(|m| m.contains("cơ sở dữ liệu")), "{}", a.body);
    }
    assert_eq!(health.status, StatusCode::OK, "the process itself is alive");

    cluster.resume();
    let started = Instant::now();
    let mut ready = StatusCode::SERVICE_UNAVAILABLE;
    while started.elapsed() < Duration::from_secs(60) {
        ready = s.http.get(s.server.url("/readyz")).send().await.expect("readyz").status();
        if ready == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(ready, StatusCode::OK, "ready again within 60 s of the database coming back");
    eprintln!("database back: ready again after {:.2} s", started.elapsed().as_secs_f64());
    assert_eq!(s.http.get(s.server.url("/reports")).send().await.expect("page").status(), StatusCode::OK);
    assert_eq!(drafter.get(s.server.url("/reports")).send().await.expect("page").status(), StatusCode::OK);
    let posted = post_comment(&s, "Ý kiến gửi sau khi cơ sở dữ liệu trở lại.").send().await.expect("post");
    assert_eq!(posted.status(), StatusCode::CREATED);
    let comment = posted.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_owned();

    // The mail worker outlived the outage: the new comment's mail arrives.
    let link = format!("#comment-{comment}");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && !smtp.messages().iter().any(|m| m.text.contains(&link)) {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(smtp.messages().iter().any(|m| m.text.contains(&link)), "the mail about {comment} never arrived");
}
