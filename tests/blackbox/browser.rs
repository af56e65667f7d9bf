//! The accounts pages in headless Chromium, as the people who use them do:
//! the first-run page, signing in, bodies, committees, an invitation and its
//! link, and a member who then finds the committee. Each page checked leaves
//! a screenshot in `target/screenshots/`.

use gopy_tests::{Browser, Server};

const ADMIN: (&str, &str) = ("Nguyễn Văn Quản", "admin@tinhuy.vn");
const ADMIN_PASSWORD: &str = "mùa thu Hà Nội 1945";
const MEMBER: (&str, &str) = ("Trần Thị Thu Hương", "huong@tinhuy.vn");
const MEMBER_PASSWORD: &str = "hoa phượng đỏ Hải Phòng";
const BODY: &str = "Ban Tuyên giáo Tỉnh ủy";
const COMMITTEE: &str = "Ban Thường vụ Tỉnh ủy";

/// Signs in at /sign-in and waits for the start page it leads to.
pub(crate) fn sign_in(browser: &Browser, server: &Server, (name, email): (&str, &str), password: &str) {
    browser.open(&server.url("/sign-in"));
    assert_eq!(browser.text("main h1"), "Đăng nhập");
    browser.fill("#email", email);
    browser.fill("#password", password);
    browser.screenshot(&format!("sign_in_{}", email.split('@').next().unwrap_or(email)));
    browser.submit("main form[action='/sign-in']");
    browser.wait_for_path("/");
    browser.wait_for_text("header", name);
}

#[test]
fn an_admin_sets_up_a_committee_and_an_invited_member_signs_in_and_sees_it() {
    const TEST: &str = "an_admin_sets_up_a_committee_and_an_invited_member_signs_in_and_sees_it";
    let server = Server::start();
    let Some(admin) = Browser::start(TEST) else { return };

    // A fresh installation leads to the first-run page.
    admin.open(&server.url("/"));
    admin.wait_for_text("main", "Gopy chưa có quản trị viên.");
    admin.screenshot("start_page_before_setup");
    admin.click("main a[href='/setup']");
    admin.wait_for_path("/setup");
    assert_eq!(admin.text("main h1"), "Tạo tài khoản quản trị đầu tiên");
    admin.fill("#name", ADMIN.0);
    admin.fill("#email", ADMIN.1);
    admin.fill("#password", ADMIN_PASSWORD);
    admin.screenshot("setup");
    admin.submit("main form[action='/setup']");
    // Setting up signs the admin in and leads on to the bodies.
    admin.wait_for_path("/admin/bodies");
    admin.wait_for_text("header", ADMIN.0);

    // Out and in again, through the sign-in page.
    admin.submit("header form[action='/sign-out']");
    admin.wait_for_text("header", "Đăng nhập");
    sign_in(&admin, &server, ADMIN, ADMIN_PASSWORD);
    // A new installation's start page says what to set up next.
    admin.wait_for_text("main .first-steps", "Tạo ủy ban");
    admin.wait_for_text("main", "Ủy ban của tôi");

    admin.open(&server.url("/admin/bodies"));
    assert_eq!(admin.text("main h1"), "Cơ quan, đơn vị");
    admin.fill("#name", BODY);
    admin.submit("main form[action='/admin/bodies']");
    admin.wait_for_text("main ul.bodies", BODY);
    admin.screenshot("body_created");

    admin.open(&server.url("/committees"));
    assert_eq!(admin.text("main h1"), "Các ủy ban");
    admin.fill("#name", COMMITTEE);
    admin.submit("main form[action='/committees']");
    // One reading of the address: reading it twice could straddle the redirect.
    let committee_url = admin.wait_until("the new committee's page", |b| {
        let url = b.url();
        url.split_once("/committees/").is_some_and(|(_, id)| !id.is_empty()).then_some(url)
    });
    assert_eq!(admin.text("main h1"), COMMITTEE);
    admin.wait_for_text("main", "Ủy ban chưa có thành viên.");
    admin.screenshot("committee_created");

    admin.open(&server.url("/admin/people"));
    assert_eq!(admin.text("main h1"), "Người dùng");
    admin.fill("#name", MEMBER.0);
    admin.fill("#email", MEMBER.1);
    admin.fill("#title", "Phó Trưởng Ban Tuyên giáo Tỉnh ủy");
    admin.choose("#body", BODY);
    admin.screenshot("invitation_filled_in");
    admin.submit("main form[action='/admin/people']");
    let invited = admin.wait_for_text("main .callout", MEMBER.0);
    assert!(invited.contains("Đã mời") && invited.contains(MEMBER.1), "{invited}");
    let link = admin.text("#invitation-link");
    assert!(link.starts_with(&server.url("/set-password/")), "the link leads to this server: {link}");
    let people = admin.text("main table");
    assert!(people.contains(MEMBER.0) && people.contains(BODY), "the list shows the new person: {people}");
    admin.screenshot("invited");

    admin.open(&committee_url);
    admin.choose("#person", MEMBER.0);
    admin.choose("#role", "Ủy viên");
    admin.submit("main form[action$='/members']");
    let members = admin.wait_for_text("main table.members", MEMBER.0);
    assert!(members.contains("Ủy viên") && members.contains("Phó Trưởng Ban Tuyên giáo Tỉnh ủy"), "{members}");
    admin.screenshot("member_added");
    admin.close();

    // The member, in a browser of their own (no cookies of the admin's).
    let Some(member) = Browser::start(TEST) else { return };
    member.open(&link);
    assert_eq!(member.text("main h1"), "Đặt mật khẩu");
    let welcome = member.text("main p");
    assert!(welcome.contains("Chào mừng đến với Gopy") && welcome.contains(MEMBER.0), "{welcome}");
    member.fill("#password", MEMBER_PASSWORD);
    member.screenshot("set_password");
    member.submit("main form");
    member.wait_for_text("main h1", "Đã đặt mật khẩu");
    member.screenshot("password_set");

    member.click("main a[href='/sign-in']");
    member.wait_for_path("/sign-in");
    sign_in(&member, &server, MEMBER, MEMBER_PASSWORD);
    let mine = member.wait_for_text("main ul.committees", COMMITTEE);
    assert_eq!(mine, COMMITTEE, "the member's one committee is listed");
    let header = member.text("header");
    assert!(!header.contains("Người dùng"), "a member has no admin pages in the menu: {header}");
    member.screenshot("my_committees");

    member.click("main ul.committees a");
    member.wait_until("the committee's page", |b| (b.url() == committee_url).then_some(()));
    assert_eq!(member.text("main h1"), COMMITTEE);
    let members = member.text("main table.members");
    assert!(members.contains(MEMBER.0) && members.contains("Ủy viên"), "{members}");
    assert!(!member.text("main").contains("Thêm thành viên"), "a member cannot add members");
    member.screenshot("committee_as_member");
    member.close();
}
