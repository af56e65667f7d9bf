//! A planned meeting changed on its page in headless Chromium, at 1280 and
//! 390 px: the secretariat of the demo plans one, adds two agenda items,
//! changes its place, moves and edits an item, then, on a phone, opens the
//! same forms and cancels the meeting with a reason, after which nothing
//! on the page offers a change.

use gopy_tests::{Browser, Server};

use crate::browser::sign_in;

const TEST: &str = "a_planned_meeting_is_changed_and_cancelled_on_its_page_at_desk_and_phone_widths";
const PASSWORD: &str = "gopy-demo-2023";
const SECRETARY: (&str, &str) = ("Lê Văn Cường", "vanphong@tinhuy.vn");

/// Sets a `datetime-local` input as its picker would (keystrokes there
/// depend on the browser's locale).
fn set_value(browser: &Browser, css: &str, value: &str) {
    browser.execute("document.querySelector(arguments[0]).value = arguments[1];", &[css.into(), value.into()]);
}

fn agenda_titles(browser: &Browser) -> Vec<String> {
    let titles = browser.execute("return [...document.querySelectorAll('ol.agenda > li > strong')].map(e => e.textContent);", &[]);
    titles.as_array().map(|a| a.iter().filter_map(|t| t.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn add_item(browser: &Browser, title: &str, presenter: &str) {
    browser.fill("#agenda-form #title", title);
    browser.choose("#agenda-form #presenter", presenter);
    browser.fill("#agenda-form #minutes_allotted", "30");
    browser.submit("#agenda-form");
    browser.wait_for_text("ol.agenda", title);
}

#[test]
fn a_planned_meeting_is_changed_and_cancelled_on_its_page_at_desk_and_phone_widths() {
    let server = Server::demo();
    let Some(browser) = Browser::start(TEST) else { return };
    browser.resize(1280, 900);
    sign_in(&browser, &server, SECRETARY, PASSWORD);

    // Planned on the meetings page.
    browser.open(&server.url("/meetings"));
    browser.choose("#committee", "Ban Thường vụ");
    browser.fill("#new-meeting #title", "Hội nghị Ban Thường vụ tháng 7");
    set_value(&browser, "#new-meeting #starts_at", "2027-07-15T08:00");
    set_value(&browser, "#new-meeting #ends_at", "2027-07-15T11:00");
    browser.fill("#new-meeting #place", "Phòng họp số 1");
    browser.choose("#new-meeting #presiding", "Nguyễn Văn An");
    browser.click("#new-meeting input[name=invited]");
    browser.submit("#new-meeting");
    browser.wait_for_text("main h1", "Hội nghị Ban Thường vụ tháng 7");
    let page = browser.url();

    add_item(&browser, "Sơ kết công tác tuyên giáo", "Ban Tuyên giáo");
    add_item(&browser, "Kiểm điểm công tác tổ chức", "Ban Tổ chức");

    // The details: a new place, saved, shown.
    browser.click("#edit-details");
    browser.fill("#details-place", "Hội trường lớn Tỉnh ủy");
    browser.screenshot("meeting-details-form-desk");
    browser.submit("#details-form");
    browser.wait_for_text("#meeting-place", "Hội trường lớn Tỉnh ủy");

    // The second item moved first, then edited.
    browser.click("ol.agenda > li:nth-child(2) .move-up");
    browser.wait_until("the item moved up", |b| (agenda_titles(b).first().map(String::as_str) == Some("Kiểm điểm công tác tổ chức")).then_some(()));
    browser.click("ol.agenda > li:nth-child(1) .edit-item summary");
    browser.fill("ol.agenda > li:nth-child(1) .item-form input[name=title]", "Kiểm điểm tập thể Ban Thường vụ");
    browser.fill("ol.agenda > li:nth-child(1) .item-form input[name=minutes_allotted]", "0");
    browser.submit("ol.agenda > li:nth-child(1) .item-form");
    // No time allotted: refused beside that form, with what was typed kept.
    browser.wait_for_text("ol.agenda > li:nth-child(1) .item-form .error", "");
    let typed = browser.execute("return document.querySelector('ol.agenda > li:nth-child(1) .item-form input[name=title]').value;", &[]);
    assert_eq!(typed.as_str(), Some("Kiểm điểm tập thể Ban Thường vụ"));
    assert!(browser.execute("return document.querySelector('#details-form .error') === null;", &[]).as_bool() == Some(true), "the details form is not blamed");
    browser.screenshot("meeting-item-refused-desk");
    browser.fill("ol.agenda > li:nth-child(1) .item-form input[name=minutes_allotted]", "45");
    browser.submit("ol.agenda > li:nth-child(1) .item-form");
    browser.wait_for_text("ol.agenda", "Kiểm điểm tập thể Ban Thường vụ");
    assert_eq!(agenda_titles(&browser), vec!["Kiểm điểm tập thể Ban Thường vụ".to_owned(), "Sơ kết công tác tuyên giáo".to_owned()]);
    assert_eq!(browser.sideways_overflow(), None, "nothing runs off the side at 1280 px");

    // On a phone: the same forms fit; the meeting is cancelled with a reason.
    browser.resize(390, 844);
    browser.open(&page);
    browser.click("#edit-details");
    browser.wait_for_text("#details-form", "");
    browser.screenshot("meeting-details-form-phone");
    assert_eq!(browser.sideways_overflow(), None, "nothing runs off the side at 390 px");
    browser.click("#cancel-meeting");
    browser.fill("#cancel-reason", "Trùng lịch hội nghị Trung ương");
    browser.submit("#cancel-form");
    browser.wait_for_text("#meeting-cancelled", "Trùng lịch hội nghị Trung ương");
    assert_eq!(browser.text("#meeting-status"), "Đã hủy");
    let offered = browser.execute(
        "return ['#details-form', '#cancel-form', '#agenda-form', '.item-form', '.move-up', '.remove-item'].filter(c => document.querySelector(c));",
        &[],
    );
    assert_eq!(offered, serde_json::json!([]), "a cancelled meeting offers no change");
    browser.wait_for_text("#change-why-not", "Đã hủy");
    browser.screenshot("meeting-cancelled-phone");
    assert_eq!(browser.sideways_overflow(), None);
    browser.close();
}
