//! An admin imports a list of people on the pages, at a desk's 1280 pixels
//! and a phone's 390: the upload form; a list with rows in error, whose
//! preview names each problem beside its cell and offers no way to store;
//! the corrected workbook, its preview, storing it, and the people listed.
//! Each page passes axe and does not scroll sideways on the phone.

use gopy_tests::Browser;

use crate::accounts::PASSWORD;
use crate::browser::sign_in;
use crate::people_import::{FIXTURES, workbook};
use crate::reports::setup;

const ADMIN: (&str, &str) = ("Nguyễn Văn Quản", "admin@tinhuy.vn");

fn check(browser: &Browser, page: &str, width: u32) {
    browser.assert_accessible(&format!("{page} at {width} px"));
    if width < 1000 {
        assert_eq!(browser.sideways_overflow(), None, "{page} scrolls sideways at {width} px");
    }
    browser.screenshot(&format!("people-import-{page}-{width}"));
}

#[test]
fn an_admin_previews_a_list_with_errors_then_stores_the_corrected_one_at_a_desk_and_on_a_phone() {
    // The browser's client blocks; the HTTP set-up runs on a runtime of its own.
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let Some(browser) = Browser::start("ui_people_import") else { return };
    let bad = std::path::Path::new(FIXTURES).join("danh-sach-loi.csv");
    let good = std::env::temp_dir().join(format!("gopy-danh-sach-{}.xlsx", std::process::id()));
    std::fs::write(&good, workbook()).expect("the workbook written");
    for width in [1280, 390] {
        // A new installation each time: the list stored at one width would be unchanged at the next.
        let s = runtime.block_on(setup());
        browser.resize(width, 900);
        sign_in(&browser, &s.server, ADMIN, PASSWORD);
        browser.open(&s.server.url("/admin/people"));
        browser.click("#people-import-link");
        browser.wait_for_text("main h1", "Nhập danh sách cán bộ");
        check(&browser, "upload", width);

        browser.attach("#file", &bad);
        browser.submit("#people-import-form");
        let rows = browser.wait_for_text("#people-import-rows", "Email này đã có ở dòng 2.");
        for problem in ["Thiếu Họ và tên.", "Không có cơ quan, đơn vị nào tên như vậy", "Vai trò trong ban phải là một trong"] {
            assert!(rows.contains(problem), "{problem} is shown: {rows}");
        }
        assert!(browser.text("#people-import-summary").contains("3 dòng có lỗi"));
        assert!(browser.text("#people-import-why-not").contains("chưa lưu dòng nào"));
        let offered = browser.execute("return document.querySelector('#people-import-store') !== null;", &[]);
        assert_eq!(offered, serde_json::Value::Bool(false), "a list in error cannot be stored");
        check(&browser, "errors", width);

        browser.attach("#file", &good);
        browser.submit("#people-import-form");
        let summary = browser.wait_for_text("#people-import-summary", "2 người mới");
        assert!(summary.contains("1 người thay đổi") && summary.contains("0 dòng có lỗi"), "{summary}");
        let rows = browser.text("#people-import-rows");
        assert!(rows.contains("trước đây: (không)"), "the body Lê Thị Ủy Viên had is shown: {rows}");
        check(&browser, "preview", width);
        browser.submit("#people-import-store");
        browser.wait_for_path("/admin/people");
        let listed = browser.wait_for_text("main", "Phạm Minh Châu");
        assert!(listed.contains("Đỗ Quang Huy") && listed.contains("chau.pm@tinhuy.vn"), "{listed}");
        check(&browser, "stored", width);
    }
    let _ = std::fs::remove_file(&good);
    browser.close();
}
