//! A report's life in headless Chromium, as the secretariat, a member, the
//! drafter and the chair live it: two rounds of comments, a submission
//! refused while a comment is unanswered, a return and the approval, with the
//! dashboard showing each state and the timeline every step in order.
//!
//! The data (people, committee, report, version uploads) is made over HTTP
//! with the helpers the API tests use; everything a person decides is done on
//! the pages.

use gopy_tests::{Browser, Server};
use serde_json::json;

use crate::accounts::{PASSWORD, set_password};
use crate::browser::sign_in;
use crate::reports::{setup, upload};
use crate::rounds::seat_chair;

const SECRETARIAT: (&str, &str) = ("Nguyễn Văn Quản", "admin@tinhuy.vn");
const DRAFTER: (&str, &str) = ("Trần Tổ Trưởng", "tbt@tinhuy.vn");
const MEMBER: (&str, &str) = ("Lê Thị Ủy Viên", "uv@tinhuy.vn");
const CHAIR: (&str, &str) = ("Võ Văn Bí Thư", "bithu@tinhuy.vn");

/// Signs `person` in, signing out whoever was signed in first.
fn switch_to(browser: &Browser, server: &Server, person: (&str, &str)) {
    browser.open(&server.url("/"));
    if browser.source().contains("action=\"/sign-out\"") {
        browser.submit("header form[action='/sign-out']");
        browser.wait_for_text("header", "Đăng nhập");
    }
    sign_in(browser, server, person, PASSWORD);
}

/// A deadline `days` ahead in Hà Nội time, as the `datetime-local` field
/// takes it and as the pages show it.
fn deadline_in(days: i64) -> (String, String) {
    let at = time::OffsetDateTime::now_utc().to_offset(time::macros::offset!(+7)) + time::Duration::days(days);
    let field = at.format(time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]")).expect("a time");
    let shown = at.format(time::macros::format_description!("[day]/[month]/[year] [hour]:[minute]")).expect("a time");
    (field, shown)
}

/// Types the deadline into the round's `datetime-local` field. Typing is
/// tried first; Chromium orders that field's parts by its locale, so when the
/// keys do not land, the value is set as the field itself would set it.
fn fill_deadline(browser: &Browser, value: &str) {
    browser.fill("#deadline", value);
    let typed = browser.execute("return document.querySelector('#deadline').value;", &[]);
    if typed.as_str() != Some(value) {
        browser.execute(
            "const field = document.querySelector('#deadline');
             field.value = arguments[0];
             field.dispatchEvent(new Event('input', { bubbles: true }));
             field.dispatchEvent(new Event('change', { bubbles: true }));
             return field.value;",
            &[json!(value)],
        );
    }
    let set = browser.execute("return document.querySelector('#deadline').value;", &[]);
    assert_eq!(set.as_str(), Some(value), "the deadline field holds the deadline");
}

/// Takes the step `step` with its form in the report's `#life` section.
fn take_step(browser: &Browser, step: &str) {
    browser.submit(&format!("#life form:has(input[name=step][value={step}])"));
}

/// The secretariat's dashboard, checked to show the report `title` as
/// `status` (and `also`, such as its deadline), and screenshot as `shot`.
fn dashboard_shows(browser: &Browser, server: &Server, title: &str, status: &str, also: &[&str], shot: &str) {
    browser.open(&server.url("/dashboard"));
    // The report is the only one, so its row is the table's one row.
    let row = browser.wait_for_text("table.dashboard tbody tr", status);
    assert!(row.contains(title), "{row}");
    for needle in also {
        assert!(row.contains(needle), "the dashboard's row shows {needle}: {row}");
    }
    browser.screenshot(shot);
}

/// The step names in a timeline page's text, in the order they appear.
fn steps_in(timeline: &str) -> Vec<&'static str> {
    // Longest first: no label may be read as a shorter one it contains.
    const STEPS: [&str; 5] =
        ["Kết thúc vòng lấy ý kiến", "Mở vòng lấy ý kiến", "Trả lại để chỉnh sửa", "Trình duyệt", "Phê duyệt"];
    timeline.lines().filter_map(|line| STEPS.into_iter().find(|step| line.contains(step))).collect()
}

#[test]
fn a_report_walks_from_drafting_through_two_rounds_to_approval_in_the_browser() {
    const TEST: &str = "a_report_walks_from_drafting_through_two_rounds_to_approval_in_the_browser";
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let s = runtime.block_on(async {
        let s = setup().await;
        seat_chair(&s).await;
        for link in [&s.drafter_link, &s.member_link] {
            let set = set_password(&gopy_tests::client(), &s.server, link, PASSWORD).await;
            assert!(set.status().is_success(), "the password is set: {}", set.status());
        }
        assert!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status().is_success());
        s
    });
    let server = &s.server;
    let report = server.url(&format!("/reports/{}", s.report));
    let Some(browser) = Browser::start(TEST) else { return };
    let title = "Báo cáo sơ kết giữa nhiệm kỳ";

    // Round 1, opened by the secretariat with a ballot.
    switch_to(&browser, server, SECRETARIAT);
    browser.open(&report);
    browser.wait_for_text("#life .badge.status", "Đang dự thảo");
    let (deadline, shown) = deadline_in(2);
    fill_deadline(&browser, &deadline);
    browser.click("#life input[name=ballot]");
    take_step(&browser, "open_round");
    browser.wait_for_text("#life .badge.status", "Đang lấy ý kiến");
    let life = browser.wait_for_text("#life", &shown);
    assert!(life.contains("vòng 1"), "{life}");
    dashboard_shows(&browser, server, title, "Đang lấy ý kiến", &[&shown], "dashboard-open");

    // The member comments on the whole report and votes.
    switch_to(&browser, server, MEMBER);
    browser.open(&format!("{report}/versions/1"));
    browser.fill("#comment-body", "Đề nghị bổ sung số liệu về chuyển đổi số ở phần II.");
    browser.submit("#comment-form");
    browser.wait_for_text(".whole-report", "Đề nghị bổ sung số liệu về chuyển đổi số");
    browser.open(&report);
    browser.click("#ballot input[name=vote][value=agree]");
    browser.submit("#ballot form");
    let ballot = browser.wait_for_text("#ballot", "Lê Thị Ủy Viên: Đồng ý");
    assert!(ballot.contains("Đồng ý: 1"), "{ballot}");

    // The secretariat closes the round.
    switch_to(&browser, server, SECRETARIAT);
    browser.open(&report);
    take_step(&browser, "close_round");
    browser.wait_for_text("#life .badge.status", "Đang chỉnh sửa");
    dashboard_shows(&browser, server, title, "Đang chỉnh sửa", &[], "dashboard-revising");

    // The drafter may not submit while the comment is unanswered; the refusal
    // links to it, and the drafter answers it there.
    switch_to(&browser, server, DRAFTER);
    browser.open(&report);
    take_step(&browser, "submit");
    let refusal = browser.wait_for_text("#life .error.banner", "Còn 1 ý kiến chưa được tiếp thu");
    assert!(refusal.contains("Ý kiến chưa trả lời"), "the refusal lists the comment: {refusal}");
    browser.wait_for_text("#life .badge.status", "Đang chỉnh sửa");
    browser.screenshot("submission-refused");
    browser.click("#life .error.banner a");
    browser.wait_for_path(&format!("/reports/{}/versions/1", s.report));
    let comment = browser.url().split_once("#comment-").map(|(_, id)| id.to_owned()).expect("the link names the comment");
    let thread = format!("#comment-{comment}");
    browser.click(&format!("{thread} details.answer-form summary"));
    browser.click(&format!("{thread} input[name=disposition][value=accepted]"));
    browser.fill(&format!("#response-{comment}"), "Tiếp thu, đã bổ sung số liệu ở mục II.3.");
    browser.submit(&format!("{thread} form[action$='/disposition']"));
    browser.wait_for_text(&format!("{thread} .answer"), "Tiếp thu, đã bổ sung số liệu");
    browser.wait_for_text(&format!("{thread} .badge.disposition"), "Tiếp thu");
    let v2 = runtime.block_on(upload(&s, "so-ket-giua-nhiem-ky.v2.md", "Tiếp thu ý kiến vòng 1"));
    assert!(v2.status().is_success(), "version 2 uploads: {}", v2.status());

    // Round 2 opens on version 2 and closes without comments.
    switch_to(&browser, server, SECRETARIAT);
    browser.open(&report);
    let (deadline, shown) = deadline_in(2);
    fill_deadline(&browser, &deadline);
    take_step(&browser, "open_round");
    browser.wait_for_text("#life .badge.status", "Đang lấy ý kiến");
    let life = browser.wait_for_text("#life", &shown);
    assert!(life.contains("vòng 2") && life.contains("Dự thảo lần 2"), "{life}");
    take_step(&browser, "close_round");
    browser.wait_for_text("#life .badge.status", "Đang chỉnh sửa");

    // The drafter submits.
    switch_to(&browser, server, DRAFTER);
    browser.open(&report);
    take_step(&browser, "submit");
    browser.wait_for_text("#life .badge.status", "Đã trình duyệt");
    switch_to(&browser, server, SECRETARIAT);
    dashboard_shows(&browser, server, title, "Đã trình duyệt", &[], "dashboard-submitted");

    // The chair returns it with a reason; the drafter submits again.
    switch_to(&browser, server, CHAIR);
    browser.open(&report);
    browser.fill("#reason", "Cần làm rõ nguyên nhân các chỉ tiêu chưa đạt");
    take_step(&browser, "return");
    browser.wait_for_text("#life .badge.status", "Đang chỉnh sửa");
    switch_to(&browser, server, DRAFTER);
    browser.open(&report);
    take_step(&browser, "submit");
    browser.wait_for_text("#life .badge.status", "Đã trình duyệt");

    // The chair reads the counts and the diff against round 1, and approves.
    switch_to(&browser, server, CHAIR);
    browser.open(&report);
    let before = browser.wait_for_text("#life .before-approval", "Trước khi phê duyệt");
    assert!(before.contains("tổng số ý kiến 1: Tiếp thu 1,") && before.contains("Chưa trả lời 0"), "{before}");
    let diff = format!("#life .before-approval a[href='/reports/{}/diff?from=1&to=2']", s.report);
    assert_eq!(browser.text(&diff), "So sánh với bản của vòng lấy ý kiến trước");
    browser.screenshot("before-approval");
    take_step(&browser, "approve");
    browser.wait_for_text("#life .badge.status", "Đã phê duyệt");
    let approved = browser.text("#life .callout.approved");
    assert!(approved.contains("Đã phê duyệt bởi Võ Văn Bí Thư") && approved.contains("Dự thảo lần 2"), "{approved}");

    switch_to(&browser, server, SECRETARIAT);
    dashboard_shows(&browser, server, title, "Đã phê duyệt", &[], "dashboard-approved");
    browser.open(&format!("{report}/timeline"));
    let timeline = browser.text("ol.timeline");
    assert_eq!(
        steps_in(&timeline),
        [
            "Mở vòng lấy ý kiến", "Kết thúc vòng lấy ý kiến", "Mở vòng lấy ý kiến", "Kết thúc vòng lấy ý kiến",
            "Trình duyệt", "Trả lại để chỉnh sửa", "Trình duyệt", "Phê duyệt",
        ],
        "{timeline}"
    );
    for event in ["Góp ý", "Biểu quyết: Đồng ý", "Tổ biên tập trả lời: Tiếp thu", "Thêm dự thảo lần 2", "Cần làm rõ nguyên nhân"] {
        assert!(timeline.contains(event), "the timeline lists {event}: {timeline}");
    }
    browser.screenshot("timeline");
    browser.close();
}
