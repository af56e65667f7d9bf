//! The demo in headless Chromium: each role signs in and lands where it
//! should; the pages the README shows are photographed here, so the README's
//! pictures never go stale (`scripts/screenshots` copies them to docs/).

use gopy_tests::{Browser, Server};

use crate::browser::sign_in;

const TEST: &str = "each_demo_role_signs_in_and_sees_its_work";
const PASSWORD: &str = "gopy-demo-2023";


/// The link of the report whose title holds `title`, from the reports page.
fn report_link(browser: &Browser, title: &str) -> String {
    let source = browser.source();
    let at = source.find(title).unwrap_or_else(|| panic!("{title} is listed"));
    let start = source[..at].rfind("/reports/").expect("its link");
    source[start..].split('"').next().expect("a link").to_owned()
}

#[test]
fn each_demo_role_signs_in_and_sees_its_work() {
    let server = Server::demo();
    let roles = [
        ("Đỗ Minh Quản", "quantri@tinhuy.vn", "/admin/people", "Người dùng"),
        ("Lê Văn Cường", "vanphong@tinhuy.vn", "/dashboard", "Theo dõi các dự thảo"),
        ("Nguyễn Văn An", "bithu@tinhuy.vn", "/", "Ban Thường vụ Tỉnh ủy khóa XI"),
        ("Phạm Quốc Dũng", "uyvien@tinhuy.vn", "/reports", "Báo cáo kiểm điểm giữa nhiệm kỳ"),
        ("Vũ Đức Hạnh", "tuyengiao@tinhuy.vn", "/reports", "Báo cáo sơ kết giữa nhiệm kỳ"),
    ];
    for (name, email, landing, expect) in roles {
        let Some(browser) = Browser::start(TEST) else { return };
        sign_in(&browser, &server, (name, email), PASSWORD);
        browser.open(&server.url(landing));
        browser.wait_for_text("main", expect);
        browser.screenshot(&format!("landing-{}", email.split('@').next().unwrap_or(email)));
        match email {
            "uyvien@tinhuy.vn" => {
                let review = report_link(&browser, "Báo cáo sơ kết giữa nhiệm kỳ");
                browser.open(&server.url(&format!("{review}/versions/2")));
                browser.wait_for_text("#comment-counts", "6 ý kiến, 0 chưa trả lời");
                browser.execute("document.querySelector('.block-comments .thread').scrollIntoView({block: 'center'});", &[]);
                browser.screenshot_for_readme("draft-with-comments");
                browser.open(&server.url(&format!("{review}/dispositions")));
                browser.wait_for_text("main", "BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN");
                browser.screenshot_for_readme("disposition-table");
                browser.open(&server.url(&format!("{review}/diff?from=1&to=2")));
                browser.wait_for_text("main", "đoạn sửa");
                browser.screenshot_for_readme("diff");
            }
            "vanphong@tinhuy.vn" => {
                browser.wait_for_text("main", "Đang lấy ý kiến");
                browser.screenshot_for_readme("dashboard");
            }
            _ => {}
        }
        browser.close();
    }
}
