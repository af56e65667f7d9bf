//! The working-day calendar's page in headless Chromium, on the demo, at a
//! desk's 1280 pixels and a phone's 390: the admin adds a day off and a
//! make-up working Saturday; a malformed date and a "make-up" Wednesday are
//! refused beside the day's field in Vietnamese, what was typed kept; a day
//! is removed again. The secretariat reads the page without its form.

use gopy_tests::{Browser, Server};

use crate::browser::sign_in;

const TEST: &str = "the_admin_keeps_the_holidays_on_their_page_at_a_desk_and_on_a_phone";
const PASSWORD: &str = "gopy-demo-2023";

fn add(browser: &Browser, date: &str, kind: &str, note: &str) {
    browser.fill("#date", date);
    browser.execute("document.getElementById('kind').value = arguments[0];", &[serde_json::json!(kind)]);
    browser.fill("#note", note);
    browser.submit("main form.holiday-form");
}

#[test]
fn the_admin_keeps_the_holidays_on_their_page_at_a_desk_and_on_a_phone() {
    let server = Server::demo();
    let Some(browser) = Browser::start(TEST) else { return };
    sign_in(&browser, &server, ("Đỗ Minh Quản", "quantri@tinhuy.vn"), PASSWORD);

    // Each width adds its own pair of days, so each sees its refusals and
    // its additions; the years shown are this one and the next.
    let days = [(1280, "24/04/2026", "2026-04-18", "Thứ Sáu, 24/04/2026", "Thứ Bảy, 18/04/2026"), (390, "2026-10-16", "10/10/2026", "Thứ Sáu, 16/10/2026", "Thứ Bảy, 10/10/2026")];
    for (width, day_off, make_up, day_off_shown, make_up_shown) in days {
        browser.resize(width, 900);
        browser.open(&server.url("/admin/holidays"));
        browser.wait_for_text("main h1", "Ngày nghỉ lễ và ngày làm bù");
        let built_in = browser.text("main");
        assert!(built_in.contains("Tết Nguyên đán") && built_in.contains("Quốc khánh"), "the built-in holidays are listed: {built_in}");

        add(&browser, "31/02/2026", "day_off", "Nghỉ hoán đổi");
        let error = browser.wait_for_text("#date-error", "dd/mm/yyyy");
        assert!(error.contains("Ngày cần theo dạng"), "{error}");
        let kept: serde_json::Value = browser.execute("return [document.getElementById('date').value, document.getElementById('note').value];", &[]);
        assert_eq!(kept, serde_json::json!(["31/02/2026", "Nghỉ hoán đổi"]), "what was typed is kept");
        assert_eq!(browser.execute("return document.getElementById('date').getAttribute('aria-invalid');", &[]), "true");
        browser.assert_accessible(&format!("the refused holiday at {width} px"));
        browser.screenshot(&format!("holidays-refused-{width}"));

        // A Wednesday is a working day already: no make-up day.
        add(&browser, "2026-04-22", "working_day", "");
        browser.wait_for_text("#date-error", "thứ Bảy, Chủ nhật");

        add(&browser, day_off, "day_off", "Thông báo 1/TB-BNV");
        browser.wait_for_text("ul.holidays", day_off_shown);
        add(&browser, make_up, "working_day", "Làm bù");
        let listed = browser.wait_for_text("ul.holidays", make_up_shown);
        assert!(listed.contains("Ngày làm bù") && listed.contains("Thông báo 1/TB-BNV"), "{listed}");
        assert_eq!(browser.sideways_overflow(), None, "no sideways scrolling at {width} px");
        browser.assert_accessible(&format!("the holidays page at {width} px"));
        browser.screenshot(&format!("holidays-{width}"));

        // Doubled: refused, the first one kept.
        add(&browser, day_off, "day_off", "");
        browser.wait_for_text("#date-error", "đã có trong lịch");
    }

    // The phone's make-up day removed again.
    browser.open(&server.url("/admin/holidays"));
    browser.submit("li[data-day='2026-10-10'] form");
    browser.wait_until("the day removed", |b| {
        let text = b.text("main");
        (!text.contains("Thứ Bảy, 10/10/2026")).then_some(())
    });
    assert!(browser.text("ul.holidays").contains("Thứ Sáu, 16/10/2026"));
    browser.close();

    // The secretariat reads the calendar but does not keep it.
    let Some(browser) = Browser::start(TEST) else { return };
    sign_in(&browser, &server, ("Lê Văn Cường", "vanphong@tinhuy.vn"), PASSWORD);
    for width in [1280, 390] {
        browser.resize(width, 900);
        browser.open(&server.url("/admin/holidays"));
        let list = browser.wait_for_text("ul.holidays", "Thứ Sáu, 24/04/2026");
        assert!(!list.contains("Bỏ"), "no removal offered: {list}");
        let forms: serde_json::Value = browser.execute("return document.querySelectorAll('main form').length;", &[]);
        assert_eq!(forms, 0, "no form at {width} px");
        browser.screenshot(&format!("holidays-secretariat-{width}"));
    }
    browser.close();
}
