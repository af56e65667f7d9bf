//! The indicators of the fixture report over HTTP and in the browser: the
//! table read, the sentence in both languages, and the chart looked at.

use gopy_tests::Browser;
use reqwest::StatusCode;

use crate::accounts::PASSWORD;
use crate::reports::{setup, upload};

#[tokio::test]
async fn the_fixture_table_is_read_and_the_review_sentence_said_in_both_languages() {
    let s = setup().await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.docx", "").await.status(), StatusCode::CREATED);
    let page = s.http.get(s.server.url(&format!("/reports/{}/versions/1/indicators", s.report))).send().await.expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.expect("html");
    assert!(html.contains("Có 7/24 chỉ tiêu đạt và vượt Nghị quyết; các chỉ tiêu còn lại đạt từ 41% trở lên."), "{html}");
    assert!(html.contains("7 of 24 indicators met or exceeded the resolution; the rest reached 41% or more."));
    assert_eq!(html.matches("<tr class=\"verdict-").count(), 24, "24 rows");
    assert!(html.contains("81,3%"), "6,1 of 7,5 is 81,3%");
    let chart = s.http.get(s.server.url(&format!("/reports/{}/versions/1/indicators/0.svg", s.report))).send().await.expect("chart");
    assert_eq!(chart.status(), StatusCode::OK);
    assert!(chart.headers()["content-type"].to_str().expect("type").starts_with("image/svg+xml"));
    let svg = chart.text().await.expect("svg");
    assert_eq!(svg.matches("<rect x=").count(), 24);
    assert!(svg.contains(">100%<"));
    // The exports still answer beside the indicator pages.
    let export = s.http.get(s.server.url(&format!("/reports/{}/versions/1/export.md", s.report))).send().await.expect("export");
    assert_eq!(export.status(), StatusCode::OK);
}

#[test]
fn the_indicator_chart_renders_in_chromium() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let s = runtime.block_on(async {
        let s = setup().await;
        assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
        s
    });
    let Some(browser) = Browser::start("the_indicator_chart_renders_in_chromium") else { return };
    browser.open(&s.server.url("/sign-in"));
    browser.fill("#email", "admin@tinhuy.vn");
    browser.fill("#password", PASSWORD);
    browser.submit("main form[action='/sign-in']");
    browser.wait_until("signed in", |b| (b.path() == "/").then_some(()));
    browser.open(&s.server.url(&format!("/reports/{}/versions/1/indicators", s.report)));
    browser.wait_for_text("main", "Có 7/24 chỉ tiêu đạt và vượt Nghị quyết");
    let loaded = browser.wait_until("the chart has loaded", |b| {
        let source = b.source();
        source.contains("indicators/0.svg").then_some(source)
    });
    assert!(loaded.contains("<img"), "the chart is on the page");
    browser.screenshot("indicators-chart");
    browser.open(&s.server.url(&format!("/reports/{}/versions/1/indicators/0.svg", s.report)));
    browser.wait_for_text("svg", "100%");
    browser.screenshot("chart-alone");
    browser.close();
}
