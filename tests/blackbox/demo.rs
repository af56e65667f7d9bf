//! `gopy demo`: the story served, as a newcomer first sees it.

use gopy_tests::{Server, client};
use reqwest::StatusCode;

use crate::accounts::csrf_of;

const PASSWORD: &str = "gopy-demo-2023";

pub(crate) async fn signed_in(server: &Server, email: &str) -> reqwest::Client {
    let http = client();
    let page = http.get(server.url("/sign-in")).send().await.expect("page").text().await.expect("html");
    let done = http
        .post(server.url("/sign-in"))
        .form(&[("csrf", csrf_of(&page).as_str()), ("email", email), ("password", PASSWORD), ("next", "/reports")])
        .send()
        .await
        .expect("sign in");
    assert_eq!(done.status(), StatusCode::SEE_OTHER, "{email} signs in");
    http
}

#[tokio::test]
async fn the_demo_serves_the_review_with_its_comments_and_the_table_of_dispositions() {
    let server = Server::demo();
    let member = signed_in(&server, "uyvien@tinhuy.vn").await;
    let reports = member.get(server.url("/reports")).send().await.expect("reports").text().await.expect("html");
    for title in ["Báo cáo sơ kết giữa nhiệm kỳ", "Báo cáo kiểm điểm giữa nhiệm kỳ", "kiểm tra, giám sát", "phòng, chống tham nhũng"] {
        assert!(reports.contains(title), "{title}");
    }
    let title = reports.find("Báo cáo sơ kết giữa nhiệm kỳ").expect("the review");
    let start = reports[..title].rfind("/reports/").expect("its link");
    let review_link = reports[start..].split('"').next().expect("link").to_owned();
    let review = member.get(server.url(&format!("{review_link}/versions/2"))).send().await.expect("v2").text().await.expect("html");
    assert!(review.contains("6 ý kiến, 0 chưa trả lời"), "the six comments are answered");
    assert!(review.contains("Tiếp thu một phần") && review.contains("Giải trình"));
    let table = member.get(server.url(&format!("{review_link}/dispositions"))).send().await.expect("table").text().await.expect("html");
    assert!(table.contains("BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN"));
    let indicators = member.get(server.url(&format!("{review_link}/versions/2/indicators"))).send().await.expect("ind").text().await.expect("html");
    assert!(indicators.contains("Có 7/24 chỉ tiêu đạt và vượt Nghị quyết"), "{indicators}");

    let meetings = member.get(server.url("/meetings")).send().await.expect("meetings").text().await.expect("html");
    assert!(meetings.contains("27/06/2023"), "the meeting of the story: {meetings}");
    let follow_up = member.get(server.url("/follow-up")).send().await.expect("follow-up").text().await.expect("html");
    assert!(follow_up.contains("Văn phòng Tỉnh ủy ban hành thông báo kết luận"), "{follow_up}");
    let title = reports.find("Báo cáo kiểm điểm giữa nhiệm kỳ").expect("the self-assessment");
    let start = reports[..title].rfind("/reports/").expect("its link");
    let assessment = reports[start..].split('"').next().expect("link").to_owned();
    let open = member.get(server.url(&format!("{assessment}/versions/1"))).send().await.expect("v1").text().await.expect("html");
    assert!(open.contains("Tại cuộc họp") && open.contains("1 ý kiến, 1 chưa trả lời"), "the opinion said at the meeting awaits an answer");

    // The minutes and the conclusion are searched too, without tones.
    let minutes = member.get(server.url("/search?q=trach+nhiem+nguoi+dung+dau&kind=minutes")).send().await.expect("search").text().await.expect("html");
    assert!(minutes.contains("/meetings/") && minutes.contains("<mark>"), "{minutes}");
    let conclusion = member.get(server.url("/search?q=%22co+ban+dat+yeu+cau%22&kind=conclusion")).send().await.expect("search").text().await.expect("html");
    assert!(conclusion.contains("cơ bản đạt yêu cầu"), "{conclusion}");

    let office = signed_in(&server, "vanphong@tinhuy.vn").await;
    let dashboard = office.get(server.url("/dashboard")).send().await.expect("dashboard").text().await.expect("html");
    assert!(dashboard.contains("Đang lấy ý kiến") && dashboard.contains("Đang chỉnh sửa"), "{dashboard}");
    assert!(dashboard.contains("27/06/2023 08:00"), "each report with its meeting: {dashboard}");
}
