//! The change table and what is still disputed, in headless Chromium at
//! 1280 and 390 px wide: the drafting team reads the change table with the
//! comment taken in but not changed flagged; a member still disagrees with
//! an answer, first without a reason (refused, the choice kept) then with
//! one; the chair sees the dispute and records a decision, which the
//! meeting's conclusion and the table of dispositions then show.

use gopy_tests::{Browser, Server};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::accounts::{PASSWORD, set_password};
use crate::browser::sign_in;
use crate::changes::{call, two_versions};
use crate::reports::setup;
use crate::rounds::seat_chair;

const DRAFTER: (&str, &str) = ("Trần Tổ Trưởng", "tbt@tinhuy.vn");
const MEMBER: (&str, &str) = ("Lê Thị Ủy Viên", "uv@tinhuy.vn");
const CHAIR: (&str, &str) = ("Võ Văn Bí Thư", "bithu@tinhuy.vn");
const REASON: &str = "Số liệu của Sở Nông nghiệp là 75%, đề nghị đối chiếu lại.";
const DECISION: &str = "Giữ số liệu 78% theo xác nhận của Cục Thống kê tỉnh.";

fn switch_to(browser: &Browser, server: &Server, person: (&str, &str)) {
    browser.open(&server.url("/"));
    if browser.source().contains("action=\"/sign-out\"") {
        browser.submit("header form[action='/sign-out']");
        browser.wait_for_text("header", "Đăng nhập");
    }
    sign_in(browser, server, person, PASSWORD);
}

/// The page at both widths: nothing spills sideways, a screenshot of each.
fn at_both_widths(browser: &Browser, shot: &str) {
    for (width, height) in [(1280, 900), (390, 844)] {
        browser.resize(width, height);
        assert_eq!(browser.sideways_overflow(), None, "{shot} at {width} px");
        browser.screenshot(&format!("{shot}-{width}"));
    }
    browser.resize(1280, 900);
}

#[test]
fn a_member_still_disagrees_and_the_chair_records_a_decision_that_the_conclusion_and_the_dispositions_show() {
    const TEST: &str = "a_member_still_disagrees_and_the_chair_records_a_decision_that_the_conclusion_and_the_dispositions_show";
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let (s, ids, meeting) = runtime.block_on(async {
        let s = setup().await;
        let chair_token = seat_chair(&s).await;
        for link in [&s.drafter_link, &s.member_link] {
            assert!(set_password(&gopy_tests::client(), &s.server, link, PASSWORD).await.status().is_success());
        }
        let ids = two_versions(&s).await;
        let (_, report) = call(&s, Method::GET, &s.admin_token, &format!("/api/v1/reports/{}", s.report), None).await;
        let (_, chair) = call(&s, Method::GET, &chair_token, "/api/v1/me", None).await;
        let meeting = json!({
            "committee": report["committee"], "title": "Hội nghị Ban Thường vụ Tỉnh ủy tháng 12",
            "starts_at": "2099-12-20T08:00:00+07:00", "ends_at": "2099-12-20T11:30:00+07:00",
            "place": "Phòng họp số 1", "presiding": chair["id"], "invited": [chair["id"]],
        });
        let (status, meeting) = call(&s, Method::POST, &s.admin_token, "/api/v1/meetings", Some(meeting)).await;
        assert_eq!(status, StatusCode::CREATED, "{meeting}");
        let meeting = meeting["id"].as_str().expect("a meeting").to_owned();
        let item = json!({ "title": "Báo cáo sơ kết giữa nhiệm kỳ", "presenter": report["body"], "report": s.report, "minutes_allotted": 45 });
        let (status, _) = call(&s, Method::POST, &s.admin_token, &format!("/api/v1/meetings/{meeting}/agenda"), Some(item)).await;
        assert_eq!(status, StatusCode::CREATED);
        (s, ids, meeting)
    });
    let server = &s.server;
    let Some(browser) = Browser::start(TEST) else { return };

    // The drafting team's change table: six changes, the budget comment flagged.
    switch_to(&browser, server, DRAFTER);
    browser.open(&server.url(&format!("/reports/{}/changes", s.report)));
    let flagged = browser.wait_for_text("#taken-in-unchanged", "Tiếp thu nhưng chưa thấy sửa");
    assert!(flagged.contains("các chỉ tiêu cơ bản đã đạt"), "{flagged}");
    let rows = browser.execute("return document.querySelectorAll('tr.change-row').length;", &[]);
    assert_eq!(rows, json!(6));
    at_both_widths(&browser, "changes");

    // The member still disagrees with the explained answer on the 78% figure.
    switch_to(&browser, server, MEMBER);
    let disputes = server.url(&format!("/reports/{}/disputes", s.report));
    browser.open(&disputes);
    let card = format!("#a-{}", ids[4]);
    browser.wait_for_text(&card, "78%");
    at_both_widths(&browser, "disputes-member");
    browser.click(&format!("{card} input[value=disagree]"));
    browser.submit(&format!("{card} form"));
    let refused = browser.wait_for_text(&format!("{card} .error"), "xin nêu lý do");
    assert!(refused.contains("Khi còn ý kiến khác"), "{refused}");
    let kept = browser.execute(&format!("return document.querySelector('{card} input[value=disagree]').checked;"), &[]);
    assert_eq!(kept, json!(true), "the choice is kept");
    browser.fill(&format!("{card} textarea"), REASON);
    browser.submit(&format!("{card} form"));
    let said = browser.wait_for_text(&format!("{card} .stance"), "Bạn vẫn còn ý kiến khác");
    assert!(said.contains(REASON), "{said}");

    // The chair sees the dispute and records the decision.
    switch_to(&browser, server, CHAIR);
    browser.open(&disputes);
    let dispute = format!("#d-{}", ids[4]);
    let shown = browser.wait_for_text(&dispute, REASON);
    assert!(shown.contains("Vẫn còn ý kiến khác"), "{shown}");
    at_both_widths(&browser, "disputes-chair");
    browser.fill(&format!("{dispute} textarea"), DECISION);
    browser.submit(&format!("{dispute} form"));
    browser.wait_for_text(&format!("{dispute} .decision"), DECISION);

    // In the meeting's conclusion and the table of dispositions.
    browser.open(&server.url(&format!("/meetings/{meeting}")));
    let decisions = browser.wait_for_text("#dispute-decisions", DECISION);
    assert!(decisions.contains(REASON), "{decisions}");
    at_both_widths(&browser, "meeting-decisions");
    browser.open(&server.url(&format!("/reports/{}/dispositions", s.report)));
    let table = browser.wait_for_text("table.dispositions", DECISION);
    assert!(table.contains("Còn ý kiến khác"), "the disagreement is in the table");
    at_both_widths(&browser, "dispositions-decision");
    browser.close();
}
