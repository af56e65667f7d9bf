//! "Việc của tôi" in headless Chromium, on the demo: the member, the
//! drafting lead, the secretariat, the chair and a consulted body's person
//! (who also finds the draft in search) each sign in and their home
//! lists what awaits them, at 1280 and at 390 pixels wide, with the count
//! of what awaits them beside their name in the header. The member's home
//! on a phone is photographed for the README (`home_member_phone`). The
//! same work comes as JSON from `GET /api/v1/me/work`.

use gopy_tests::{Browser, Server};

use crate::browser::sign_in;

const TEST: &str = "each_demo_roles_home_lists_what_awaits_them";
const PASSWORD: &str = "gopy-demo-2023";

/// One role of the demo: who, what their home must list, what it must not
/// say, and how many items await them (the header's count).
struct Role {
    who: &'static str,
    person: (&'static str, &'static str),
    lists: &'static [&'static str],
    never: &'static [&'static str],
    awaiting: u32,
}

const ROLES: &[Role] = &[
    Role {
        who: "member",
        person: ("Phạm Quốc Dũng", "uyvien@tinhuy.vn"),
        lists: &[
            "Dự thảo chờ ý kiến của bạn",
            "Báo cáo kiểm điểm giữa nhiệm kỳ",
            "còn 2 ngày",
            "Bạn chưa góp ý",
            "chưa biểu quyết",
            "Ý kiến của bạn đã được trả lời",
            "Báo cáo sơ kết giữa nhiệm kỳ",
        ],
        never: &["Báo cáo chờ phê duyệt", "Nhiệm vụ cần theo dõi"],
        awaiting: 1,
    },
    Role {
        who: "drafting_lead",
        person: ("Vũ Đức Hạnh", "tuyengiao@tinhuy.vn"),
        lists: &["Báo cáo đã hoàn chỉnh, chờ trình", "Báo cáo sơ kết giữa nhiệm kỳ", "Dự thảo lần 2, mọi ý kiến đã được trả lời"],
        never: &["Bạn chưa là thành viên của ủy ban nào", "Dự thảo chờ ý kiến của bạn"],
        awaiting: 1,
    },
    Role {
        who: "secretariat",
        person: ("Lê Văn Cường", "vanphong@tinhuy.vn"),
        lists: &[
            "Vòng lấy ý kiến đang mở",
            "Báo cáo kiểm điểm giữa nhiệm kỳ",
            "Nhiệm vụ cần theo dõi",
            "Văn phòng Tỉnh ủy ban hành thông báo kết luận",
            "quá hạn",
            "Vòng 1, dự thảo lần 1",
            "Báo cáo đã hoàn chỉnh, chờ trình",
        ],
        never: &["Báo cáo chờ phê duyệt"],
        // The draft open for their comments (they keep the committee's
        // minutes), the overdue action item, the report ready to submit.
        awaiting: 3,
    },
    Role {
        who: "chair",
        person: ("Nguyễn Văn An", "bithu@tinhuy.vn"),
        lists: &[
            "Báo cáo chờ phê duyệt",
            "kiểm tra, giám sát",
            "Phiếu lấy ý kiến đang mở",
            "0/5 thành viên đã biểu quyết",
            "Dự thảo chờ ý kiến của bạn",
        ],
        never: &["Báo cáo đã hoàn chỉnh, chờ trình"],
        // The draft to comment on, the report to approve, the overdue
        // action item of the meeting they presided.
        awaiting: 3,
    },
    Role {
        // Off the committee, but her body is consulted on the self-assessment.
        who: "consulted",
        person: ("Bùi Thị Hoa", "kiemtra@tinhuy.vn"),
        lists: &[
            "Dự thảo chờ ý kiến của bạn",
            "Báo cáo kiểm điểm giữa nhiệm kỳ",
            "Góp ý cho Ủy ban Kiểm tra Tỉnh ủy",
            "Bạn chưa góp ý",
            "còn 2 ngày",
        ],
        never: &["Báo cáo chờ phê duyệt", "chưa biểu quyết", "Cơ quan đã trả lời"],
        // The draft her body is asked about, until the body replies.
        awaiting: 1,
    },
];

/// The header's count, read from the page (a phone's menu may hide it).
fn header_count(browser: &Browser) -> String {
    let count = browser.execute("const c = document.querySelector('header .awaiting-count'); return c ? c.textContent : '';", &[]);
    count.as_str().unwrap_or_default().trim().to_owned()
}

/// The home lists all of `role`'s work and none of what is not theirs.
fn home_lists(browser: &Browser, role: &Role) {
    let work = browser.wait_for_text("#my-work", role.lists[0]);
    for needle in role.lists {
        assert!(work.contains(needle), "{}'s home lists “{needle}”: {work}", role.who);
    }
    let main = browser.text("main");
    for needle in role.never {
        assert!(!main.contains(needle), "{}'s home does not say “{needle}”: {main}", role.who);
    }
    assert_eq!(header_count(browser), role.awaiting.to_string(), "{}'s count in the header", role.who);
    let badge = browser.text("#my-work .work-summary .awaiting");
    assert!(badge.starts_with(&format!("{} việc", role.awaiting)), "{badge}");
}


#[test]
fn each_demo_roles_home_lists_what_awaits_them() {
    let server = Server::demo();
    for role in ROLES {
        let Some(browser) = Browser::start(TEST) else { return };
        browser.resize(1280, 900);
        sign_in(&browser, &server, role.person, PASSWORD);
        home_lists(&browser, role);
        browser.screenshot(&format!("home_{}_desktop", role.who));

        // Each item links where the person acts: the first one opens.
        let link = browser.execute("return document.querySelector('#my-work .work-item a').getAttribute('href');", &[]);
        let link = link.as_str().expect("a link").to_owned();
        browser.open(&server.url(&link));
        browser.wait_until("the first item's page", |b| (b.path() == link.split(['?', '#']).next().unwrap_or(&link)).then_some(()));
        assert_eq!(header_count(&browser), role.awaiting.to_string(), "the count is in the header of other pages too");

        if role.who == "chair" {
            // The chair opens the dashboard from the home: their committee's reports.
            browser.open(&server.url("/"));
            browser.click("#my-work a[href='/dashboard']");
            browser.wait_for_path("/dashboard");
            browser.wait_for_text("table.dashboard", "Đã trình duyệt");
        }
        if role.who == "consulted" {
            // Search finds the draft her body is consulted on.
            browser.open(&server.url("/search?q=tap+trung+dan+chu"));
            let hits = browser.wait_for_text("ol.hits", "tập trung dân chủ");
            assert!(hits.contains("Báo cáo kiểm điểm giữa nhiệm kỳ"), "{hits}");
            browser.assert_accessible("the consulted person's search at 1280 px");
            browser.resize(390, 844);
            browser.open(&server.url("/search?q=tap+trung+dan+chu"));
            browser.wait_for_text("ol.hits", "Báo cáo kiểm điểm giữa nhiệm kỳ");
            browser.assert_accessible("the consulted person's search at 390 px");
            assert_eq!(browser.sideways_overflow(), None, "the search scrolls sideways at 390 px");
            browser.screenshot("search_consulted_phone");
            browser.resize(1280, 900);
        }
        if role.who == "member" {
            // The list of reports shows each one's status and the open round's deadline.
            browser.open(&server.url("/reports"));
            let row = browser.wait_for_text("table.reports", "Đang lấy ý kiến");
            assert!(row.contains("còn 2 ngày") && row.contains("Đang chỉnh sửa"), "{row}");
        }

        browser.resize(390, 844);
        browser.open(&server.url("/"));
        home_lists(&browser, role);
        let name = format!("home_{}_phone", role.who);
        if role.who == "member" {
            browser.screenshot_for_readme(&name);
        } else {
            browser.screenshot(&name);
        }
        browser.close();
    }
}

/// The same work as JSON: `GET /api/v1/me/work` answers each role with the
/// lists and the count its home shows.
#[tokio::test]
async fn the_api_gives_each_demo_role_the_work_its_home_lists() {
    let server = Server::demo();
    for role in ROLES {
        let http = crate::demo::signed_in(&server, role.person.1).await;
        let response = http.get(server.url("/api/v1/me/work")).send().await.expect("me/work");
        assert_eq!(response.status(), reqwest::StatusCode::OK, "{}", role.who);
        let work: serde_json::Value = response.json().await.expect("JSON");
        assert_eq!(work["awaiting"], serde_json::json!(role.awaiting), "{}: {work}", role.who);
        let listed = |list: &str| work[list].as_array().map_or(0, Vec::len);
        match role.who {
            "member" => {
                let draft = &work["to_comment"][0];
                assert_eq!((draft["days_left"].as_i64(), draft["commented"].as_u64(), draft["voted"].as_bool()), (Some(2), Some(0), Some(false)), "{work}");
                assert!(draft["report"]["title"].as_str().is_some_and(|t| t.contains("kiểm điểm")), "{work}");
                assert_eq!(listed("answered"), 1, "{work}");
            }
            "drafting_lead" => assert_eq!((listed("to_submit"), listed("to_comment")), (1, 0), "{work}"),
            "secretariat" => {
                assert_eq!((listed("rounds"), listed("to_submit"), listed("actions")), (1, 1, 1), "{work}");
                assert!(work["actions"][0]["overdue"].as_bool() == Some(true) && work["rounds"][0]["may_close"].as_bool() == Some(true), "{work}");
            }
            "chair" => {
                assert_eq!((listed("to_approve"), listed("ballots")), (1, 1), "{work}");
                assert_eq!((work["ballots"][0]["voted"].as_u64(), work["ballots"][0]["members"].as_u64()), (Some(0), Some(5)), "{work}");
            }
            "consulted" => {
                let draft = &work["to_comment"][0];
                assert_eq!(listed("to_comment"), 1, "{work}");
                assert!(draft["report"]["title"].as_str().is_some_and(|t| t.contains("kiểm điểm")), "{work}");
                assert_eq!(draft["for_body"], serde_json::json!({ "name": "Ủy ban Kiểm tra Tỉnh ủy", "replied": false }), "{work}");
                assert_eq!(draft["ballot"], false, "{work}");
            }
            other => panic!("no expectation for {other}"),
        }
    }
    let anonymous = gopy_tests::client().get(server.url("/api/v1/me/work")).send().await.expect("me/work");
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
}
