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

/// Opens the confirmation of `step`, a step that cannot be undone, and
/// returns what it says. Nothing is sent: the state badge still shows `status`.
fn ask(browser: &Browser, step: &str, status: &str) -> String {
    browser.click(&format!("#confirm-{step} summary"));
    let question = browser.wait_for_text(&format!("#confirm-{step} .step-form"), "không thể hoàn tác");
    assert_eq!(browser.text("#life .badge.status"), status, "the first click of {step} only asks");
    browser.execute("document.getElementById(arguments[0]).scrollIntoView({ block: 'center' });", &[json!(format!("confirm-{step}"))]);
    question
}

/// Takes the step `step` with its form in the report's `#life` section,
/// through its confirmation when it asks first.
fn take_step(browser: &Browser, step: &str) {
    let closed = browser.execute("const d = document.getElementById(arguments[0]); return d ? !d.open : false;", &[json!(format!("confirm-{step}"))]);
    if closed == json!(true) {
        browser.click(&format!("#confirm-{step} summary"));
    }
    browser.submit(&format!("#life form:has(input[name=step][value={step}])"));
}

/// The names the ballot lists as not having voted.
fn not_voted(browser: &Browser) -> usize {
    let line = browser.wait_for_text("#ballot", "Chưa biểu quyết");
    line.lines().find_map(|l| l.strip_prefix("Chưa biểu quyết: ")).map_or(0, |names| names.split(", ").count())
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

    // The secretariat closes the round early; the first click asks, naming
    // who has not voted or commented, on a computer and on a phone.
    switch_to(&browser, server, SECRETARIAT);
    browser.open(&report);
    let waiting = not_voted(&browser);
    let members = waiting + 1;
    assert!(waiting >= 1, "someone besides the member has not voted");
    for (width, height, shot) in [(390, 844, "close-round-asks-phone"), (1280, 900, "close-round-asks")] {
        browser.resize(width, height);
        browser.open(&report);
        let question = ask(&browser, "close_round", "Đang lấy ý kiến");
        assert!(question.contains(&format!("Vòng 1 kết thúc ngay bây giờ, trước hạn {shown}")), "{question}");
        assert!(question.contains(&format!("{waiting}/{members} thành viên chưa biểu quyết")), "{question}");
        assert!(question.contains(&format!("{waiting}/{members} thành viên chưa góp ý về dự thảo lần 1")), "{question}");
        let button = browser.execute(
            "const b = document.querySelector('#confirm-close_round button[type=submit]'); const r = b.getBoundingClientRect();
             return r.width > 0 && r.right <= window.innerWidth;",
            &[],
        );
        assert_eq!(button, json!(true), "the confirming button is in view at {width} px");
        browser.screenshot(shot);
    }
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
    // Published, so the chair reads it answered before approving.
    browser.open(&format!("{report}/answers"));
    browser.submit("#publish-form");
    browser.wait_for_text("#answers-notice", "Đã công bố");
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
    let ballots = browser.execute("return document.querySelectorAll('#ballot').length;", &[]);
    assert_eq!(ballots, json!(0), "round 2 has no ballot, and round 1's is not shown as if it were");
    take_step(&browser, "close_round");
    browser.wait_for_text("#life .badge.status", "Đang chỉnh sửa");

    // The drafter submits, told first what it leads to.
    switch_to(&browser, server, DRAFTER);
    browser.open(&report);
    let question = ask(&browser, "submit", "Đang chỉnh sửa");
    assert!(question.contains("Dự thảo lần 2 được trình chủ trì phê duyệt") && question.contains("0 ý kiến chưa được trả lời"), "{question}");
    take_step(&browser, "submit");
    browser.wait_for_text("#life .badge.status", "Đã trình duyệt");
    switch_to(&browser, server, SECRETARIAT);
    dashboard_shows(&browser, server, title, "Đã trình duyệt", &[], "dashboard-submitted");

    // The chair returns it with a reason; the drafting team reads it on the
    // report's page, on a phone too, until it submits again.
    switch_to(&browser, server, CHAIR);
    browser.open(&report);
    let question = ask(&browser, "return", "Đã trình duyệt");
    assert!(question.contains("trả về tổ biên tập"), "{question}");
    browser.fill("#reason", "Cần làm rõ nguyên nhân các chỉ tiêu chưa đạt");
    take_step(&browser, "return");
    browser.wait_for_text("#life .badge.status", "Đang chỉnh sửa");
    switch_to(&browser, server, DRAFTER);
    for (width, height, shot) in [(390, 844, "returned-phone"), (1280, 900, "returned")] {
        browser.resize(width, height);
        browser.open(&report);
        let returned = browser.wait_for_text("#returned", "Cần làm rõ nguyên nhân các chỉ tiêu chưa đạt");
        assert!(returned.contains("Báo cáo đã bị trả lại để chỉnh sửa") && returned.contains("Trả lại bởi Võ Văn Bí Thư"), "{returned}");
        browser.screenshot(shot);
    }
    take_step(&browser, "submit");
    browser.wait_for_text("#life .badge.status", "Đã trình duyệt");
    let shown = browser.execute("return document.querySelectorAll('#returned').length;", &[]);
    assert_eq!(shown, json!(0), "the reason goes once the report is submitted again");

    // The chair reads the counts and the diff against round 1, and approves.
    switch_to(&browser, server, CHAIR);
    browser.open(&report);
    let before = browser.wait_for_text("#life .before-approval", "Trước khi phê duyệt");
    assert!(before.contains("tổng số ý kiến 1: Tiếp thu 1,") && before.contains("Chưa trả lời 0"), "{before}");
    let diff = format!("#life .before-approval a[href='/reports/{}/diff?from=1&to=2']", s.report);
    assert_eq!(browser.text(&diff), "So sánh với bản của vòng lấy ý kiến trước");
    browser.screenshot("before-approval");
    // Approving asks first: the version that becomes final, and what stands.
    for (width, height, shot) in [(390, 844, "approve-asks-phone"), (1280, 900, "approve-asks")] {
        browser.resize(width, height);
        browser.open(&report);
        let question = ask(&browser, "approve", "Đã trình duyệt");
        assert!(question.contains("Dự thảo lần 2 trở thành bản cuối cùng"), "{question}");
        assert!(question.contains(&format!("{members}/{members} thành viên chưa góp ý về dự thảo lần 2")), "{question}");
        assert!(question.contains("0 ý kiến chưa được trả lời") && !question.contains("chưa biểu quyết"), "{question}");
        browser.screenshot(shot);
    }
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
