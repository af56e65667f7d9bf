//! Search over HTTP: the page and the API, with bad queries answered clearly.

use reqwest::StatusCode;
use serde_json::Value;

use crate::reports::{setup, upload};

#[tokio::test]
async fn a_query_without_tones_finds_the_passage_and_bad_queries_get_a_message() {
    let s = setup().await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.nfd.md", "").await.status(), StatusCode::CREATED);
    let hits: Value = s
        .http
        .get(s.server.url("/api/v1/search?q=tham%20nhung"))
        .bearer_auth(&s.member_token)
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    let first = &hits.as_array().expect("hits")[0];
    assert!(first["text"].as_str().is_some_and(|t| t.contains("tham nhũng")), "NFD in, NFC out: {first}");
    assert!(first["link"].as_str().is_some_and(|l| l.contains(&s.report)));
    let page = s.http.get(s.server.url("/search?q=dang+vien")).send().await.expect("page").text().await.expect("html");
    assert!(page.contains("<mark>đảng viên</mark>"), "{page}");
    for bad in ["/search?q=%21%3F", "/search?q=%22%22", &format!("/search?q={}", "a".repeat(300))] {
        let response = s.http.get(s.server.url(bad)).send().await.expect("page");
        assert_eq!(response.status(), StatusCode::OK, "{bad}");
        assert!(response.text().await.expect("html").contains("role=\"alert\""), "{bad}");
    }
    let refused = s.http.get(s.server.url("/api/v1/search?q=")).bearer_auth(&s.member_token).send().await.expect("api");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let not_an_id = s
        .http
        .get(s.server.url("/api/v1/search?q=tham&report=khong-co&kind=thu"))
        .bearer_auth(&s.member_token)
        .send()
        .await
        .expect("api");
    assert_eq!(not_an_id.status(), StatusCode::UNPROCESSABLE_ENTITY, "a filter that is no id is refused, not ignored");
    let body: Value = not_an_id.json().await.expect("json");
    let fields = body["error"]["fields"].as_object().expect("fields");
    assert_eq!(fields.keys().map(String::as_str).collect::<Vec<_>>(), ["kind", "report"], "{body}");
    let nothing = s
        .http
        .get(s.server.url("/api/v1/search?q=tham&report=0190a8b0-0000-7000-8000-000000000000"))
        .bearer_auth(&s.member_token)
        .send()
        .await
        .expect("api");
    assert_eq!(nothing.json::<Value>().await.expect("json").as_array().map(Vec::len), Some(0), "a filter naming nothing finds nothing");
}
