//! Consulting bodies in headless Chromium, at a desk's 1280 pixels and a
//! phone's 390: the secretariat opens a round picking two bodies and
//! silence as agreement (refused once, for a deadline given twice, and
//! given back with every box ticked), reads the register, uploads a body's filled-in
//! comment form, sees every row in the preview, and records it.

use gopy_tests::{Browser, TempDir};
use reqwest::StatusCode;

use crate::accounts::{PASSWORD, csrf_of};
use crate::browser::sign_in;
use crate::consultation::{fill, passage_ids};
use crate::reports::{option_value, setup, upload};

const TEST: &str = "the_secretariat_consults_two_bodies_and_records_a_comment_form_on_the_pages";
const SECRETARIAT: (&str, &str) = ("Nguyễn Văn Quản", "admin@tinhuy.vn");

/// Axe and the sideways check at both widths, for the page shown at `path`.
fn look(browser: &Browser, url: &str, what: &str) {
    for width in [1280, 390] {
        browser.resize(width, 900);
        browser.open(url);
        browser.wait_for_text("main h1", "Theo dõi ý kiến các cơ quan");
        browser.assert_accessible(&format!("{what} at {width} px"));
        assert_eq!(browser.sideways_overflow(), None, "{what} scrolls sideways at {width} px");
        browser.screenshot(&format!("{what}-{width}"));
    }
}

#[test]
fn the_secretariat_consults_two_bodies_and_records_a_comment_form_on_the_pages() {
    // The browser's WebDriver client blocks: the setup runs on a runtime of its own.
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let (s, finance, organisation) = runtime.block_on(async {
        let s = setup().await;
        let page = s.http.get(s.server.url("/admin/bodies")).send().await.expect("bodies").text().await.expect("html");
        for name in ["Sở Tài chính", "Ban Tổ chức Tỉnh ủy"] {
            let form = [("csrf", csrf_of(&page)), ("name", name.to_owned())];
            let made = s.http.post(s.server.url("/admin/bodies")).form(&form).send().await.expect("body");
            assert_eq!(made.status(), StatusCode::SEE_OTHER);
        }
        let people = s.http.get(s.server.url("/admin/people")).send().await.expect("people").text().await.expect("html");
        let (finance, organisation) = (option_value(&people, "Sở Tài chính"), option_value(&people, "Ban Tổ chức Tỉnh ủy"));
        assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
        (s, finance, organisation)
    });
    let Some(browser) = Browser::start(TEST) else { return };
    sign_in(&browser, &s.server, SECRETARIAT, PASSWORD);
    let report = s.server.url(&format!("/reports/{}", s.report));

    // Opening the round: the deadline, the two bodies, silence as agreement;
    // first with working days as well, which is refused: the form comes
    // back with every box as ticked, on a phone and at a desk.
    let deadline = (time::OffsetDateTime::now_utc() + time::Duration::days(5))
        .to_offset(time::macros::offset!(+7))
        .format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .expect("a time");
    let open_form = "#life form:has(input[name=step][value=open_round])";
    let ticked = |browser: &Browser, css: &str| browser.execute("return document.querySelector(arguments[0]).checked;", &[css.into()]) == true;
    let boxes = [
        format!("input[name='consult'][value='{finance}']"),
        format!("input[name='consult'][value='{organisation}']"),
        "input[name='silence_agrees']".to_owned(),
    ];
    for width in [390, 1280] {
        browser.resize(width, 900);
        browser.open(&report);
        browser.execute(
            "const f = document.querySelector('#deadline'); f.value = arguments[0]; f.dispatchEvent(new Event('change', { bubbles: true }));",
            &[deadline.clone().into()],
        );
        browser.fill("#working_days", "5");
        for css in &boxes {
            browser.click(css);
        }
        browser.submit(open_form);
        browser.wait_for_text("#life", "Chỉ nhập hạn chót hoặc số ngày làm việc");
        for css in &boxes {
            assert!(ticked(&browser, css), "{css} stays ticked on the refused form at {width} px");
        }
        browser.assert_accessible(&format!("the refused open-round form at {width} px"));
        assert_eq!(browser.sideways_overflow(), None, "the refused form scrolls sideways at {width} px");
        browser.screenshot(&format!("open-round-refused-{width}"));
    }
    // Only the working days to take out: the rest is as it was typed.
    browser.fill("#working_days", "");
    browser.screenshot("open-round-with-bodies");
    browser.submit(open_form);
    browser.wait_for_text("#life", "Theo dõi ý kiến các cơ quan");

    let register = format!("{report}/consultation");
    look(&browser, &register, "register");
    assert!(browser.text("#summary-consulted").contains("2"), "two bodies consulted");
    assert!(browser.text("#summary-not_replied").contains("Ban Tổ chức Tỉnh ủy"));

    // A body's form, filled in and uploaded: the preview, then the import.
    let form = runtime.block_on(async {
        s.http.get(format!("{register}/forms/{organisation}")).send().await.expect("form").bytes().await.expect("bytes").to_vec()
    });
    let ids = passage_ids(&form);
    let filled = fill(&form, &[(&ids[1], "Đề nghị nêu rõ số liệu năm 2023.")]);
    let dir = TempDir::new();
    let path = dir.path().join("phieu-gop-y.docx");
    std::fs::write(&path, filled).expect("the filled form");
    for width in [1280, 390] {
        browser.resize(width, 900);
        browser.open(&register);
        browser.attach("#form-upload", &path);
        browser.submit("#upload-form form");
        browser.wait_for_text("#form-preview", "Xem trước phiếu góp ý");
        assert_eq!(browser.text("#form-to-add"), "1");
        browser.assert_accessible(&format!("the form's preview at {width} px"));
        assert_eq!(browser.sideways_overflow(), None, "the preview scrolls sideways at {width} px");
        browser.screenshot(&format!("form-preview-{width}"));
    }
    browser.submit("#form-preview form");
    browser.wait_for_text(&format!("#body-{organisation}"), "Bằng phiếu góp ý");
    assert!(browser.text("#summary-with_comments").contains("Ban Tổ chức Tỉnh ủy"));
    look(&browser, &register, "register-after-form");
    browser.close();
}
