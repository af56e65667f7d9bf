//! The secretariat imports a body's Word review comments on the pages, at a
//! desk's 1280 pixels and a phone's 390: the upload form with the body
//! chosen, the preview of every comment and where it lands, storing, and
//! the same file again adding nothing. Each page passes axe and does not
//! scroll sideways on the phone.

use gopy_tests::{Browser, Server};

use crate::accounts::PASSWORD;
use crate::browser::sign_in;
use crate::reports::setup;
use crate::word_files::WORD;

const SECRETARIAT: (&str, &str) = ("Nguyễn Văn Quản", "admin@tinhuy.vn");

fn check(browser: &Browser, page: &str, width: u32) {
    browser.assert_accessible(&format!("{page} at {width} px"));
    if width < 1000 {
        assert_eq!(browser.sideways_overflow(), None, "{page} scrolls sideways at {width} px");
    }
    browser.screenshot(&format!("word-comments-{page}-{width}"));
}

#[test]
fn the_secretariat_previews_a_bodys_word_comments_and_stores_them_once_at_a_desk_and_on_a_phone() {
    // The browser's client blocks; the HTTP set-up runs on a runtime of its own.
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let s = runtime.block_on(setup());
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(crate::word_files::word("auto-numbering.docx")).file_name("auto-numbering.docx"),
    );
    let uploaded = runtime
        .block_on(s.http.post(s.server.url(&format!("/api/v1/reports/{}/versions", s.report))).bearer_auth(&s.drafter_token).multipart(form).send())
        .expect("upload");
    assert_eq!(uploaded.status(), reqwest::StatusCode::CREATED);
    // The round consults the body whose comments are recorded.
    runtime.block_on(crate::word_files::consult_finance(&s));
    let server: &Server = &s.server;
    let Some(browser) = Browser::start("ui_word_comments") else { return };
    sign_in(&browser, server, SECRETARIAT, PASSWORD);
    let file = std::path::Path::new(WORD).join("review-comments.docx");
    for (width, first) in [(1280, true), (390, false)] {
        browser.resize(width, 900);
        browser.open(&server.url(&format!("/reports/{}", s.report)));
        browser.click("#word-comments-link");
        browser.wait_for_text("main h1", "Nhập ý kiến góp ý từ tệp Word");
        check(&browser, "upload", width);
        browser.choose("#body", crate::word_files::CONSULTED);
        browser.attach("#file", &file);
        browser.submit("#word-comments-form");
        let rows = browser.wait_for_text("#word-import-rows", "II.1 ¶2");
        assert!(rows.contains("Cả báo cáo"), "the comment whose text is gone lands on the whole report: {rows}");
        assert!(rows.contains("Đề nghị ghi rõ số vượt dự toán của từng năm."), "{rows}");
        let summary = browser.text("#word-import-summary");
        if first {
            assert!(summary.contains("3 ý kiến mới"), "{summary}");
        } else {
            assert!(summary.contains("3 ý kiến đã nhập trước đây"), "the same file again: {summary}");
            assert!(rows.contains("Đã nhập trước đây"), "{rows}");
        }
        check(&browser, if first { "preview" } else { "preview-again" }, width);
        browser.submit("#word-import-store");
        browser.wait_for_text("#word-import-stored", "Đã lưu lúc");
        check(&browser, "stored", width);
    }
    // Three comments on the version, however often the file came.
    let review: serde_json::Value = runtime
        .block_on(async {
            s.http.get(s.server.url(&format!("/api/v1/reports/{}/comments", s.report))).bearer_auth(&s.admin_token).send().await?.json().await
        })
        .expect("the comments");
    assert_eq!(review["comments"], 3);
    browser.close();
}
