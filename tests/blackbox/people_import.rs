//! People in bulk through the API: a workbook previewed stores nothing,
//! then stored; the same workbook again changes nothing; a CSV with rows in
//! error is refused with every row's problems and stores nothing; a CSV
//! sent as a multipart form changes only what differs.

use gopy_tests::Server;
use reqwest::StatusCode;
use serde_json::Value;

use crate::reports::setup;

pub(crate) const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/people/");

pub(crate) fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The list as an office keeps it in Excel: a title above the table, a
/// column of row numbers, Vietnamese headers, a number where a title
/// should be text. Against the story of `reports::setup`: Lê Thị Ủy Viên is
/// there already, seated as a member.
pub(crate) fn workbook() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows: [[&str; 8]; 4] = [
        ["STT", "Họ và tên", "E-mail", "Cơ quan/đơn vị", "Chức vụ", "Ban", "Vai trò trong ban", "Ngôn ngữ"],
        ["1", "Lê Thị Ủy Viên", "uv@tinhuy.vn", "Ban Tuyên giáo Tỉnh ủy", "", "Ban Thường vụ Tỉnh ủy", "Ủy viên", ""],
        ["2", "Phạm Minh Châu", "chau.pm@tinhuy.vn", "Ban Tuyên giáo Tỉnh ủy", "Phó trưởng ban", "Ban Thường vụ Tỉnh ủy", "Thư ký", "vi"],
        ["3", "Đỗ Quang Huy", "huy.dq@tinhuy.vn", "Ban Tuyên giáo Tỉnh ủy", "Chuyên viên", "", "", "English"],
    ];
    sheet.write_string(0, 0, "DANH SÁCH CÁN BỘ TỈNH ỦY").expect("cell");
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r).expect("few rows") + 2;
        for (c, text) in row.iter().enumerate() {
            let c = u16::try_from(c).expect("few columns");
            if c == 0 && r > 2 {
                sheet.write_number(r, c, f64::from(r - 2)).expect("cell");
            } else if !text.is_empty() {
                sheet.write_string(r, c, *text).expect("cell");
            }
        }
    }
    book.save_to_buffer().expect("a workbook")
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

async fn send(server: &Server, http: &reqwest::Client, token: &str, dry_run: bool, bytes: Vec<u8>, content_type: &str) -> (StatusCode, Value) {
    let answer = http
        .post(server.url(&format!("/api/v1/people/import?dry_run={dry_run}")))
        .bearer_auth(token)
        .header("content-type", content_type)
        .header("accept-language", "vi")
        .body(bytes)
        .send()
        .await
        .expect("post");
    let status = answer.status();
    (status, answer.json().await.expect("json"))
}

async fn people(server: &Server, http: &reqwest::Client, token: &str) -> Vec<Value> {
    let list: Value = http.get(server.url("/api/v1/people")).bearer_auth(token).send().await.expect("people").json().await.expect("json");
    list.as_array().expect("a list").clone()
}

#[tokio::test]
async fn a_workbook_is_previewed_then_stored_and_the_same_workbook_again_changes_nothing() {
    let s = setup().await;
    let (server, http, token) = (&s.server, &s.http, s.admin_token.as_str());
    let before = people(server, http, token).await.len();

    let (status, preview) = send(server, http, token, true, workbook(), XLSX).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["format"], "xlsx");
    assert_eq!(preview["stored"], false);
    assert_eq!(preview["counts"], serde_json::json!({ "new": 2, "changed": 1, "unchanged": 0, "invalid": 0 }), "{preview}");
    let rows = preview["rows"].as_array().expect("rows");
    assert_eq!(rows.iter().map(|r| r["row"].as_u64().unwrap_or(0)).collect::<Vec<_>>(), [4, 5, 6], "numbered as Excel shows them");
    assert_eq!(rows[0]["status"], "changed");
    assert_eq!(rows[0]["changes"][0]["column"], "body", "{preview}");
    assert_eq!(rows[2]["cells"]["language"], "English");
    assert_eq!(people(server, http, token).await.len(), before, "a dry run stores nothing");

    let (status, stored) = send(server, http, token, false, workbook(), XLSX).await;
    assert_eq!(status, StatusCode::OK, "{stored}");
    assert_eq!(stored["stored"], true);
    assert!(stored["import"].is_string(), "{stored}");
    let now = people(server, http, token).await;
    assert_eq!(now.len(), before + 2);
    let chau = now.iter().find(|p| p["email"] == "chau.pm@tinhuy.vn").expect("Phạm Minh Châu created");
    assert_eq!(chau["title"], "Phó trưởng ban");
    let huy = now.iter().find(|p| p["email"] == "huy.dq@tinhuy.vn").expect("Đỗ Quang Huy created");
    assert_eq!(huy["language"], "en");
    let committees: Value = http.get(server.url("/api/v1/committees")).bearer_auth(token).send().await.expect("list").json().await.expect("json");
    let id = committees[0]["id"].as_str().expect("the committee");
    let committee: Value =
        http.get(server.url(&format!("/api/v1/committees/{id}"))).bearer_auth(token).send().await.expect("one").json().await.expect("json");
    let members = committee["members"].as_array().expect("members");
    assert!(members.iter().any(|m| m["name"] == "Phạm Minh Châu" && m["role"] == "secretary"), "{committee}");

    let (status, again) = send(server, http, token, false, workbook(), XLSX).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["stored"], false, "nothing to store the second time");
    assert_eq!(again["counts"], serde_json::json!({ "new": 0, "changed": 0, "unchanged": 3, "invalid": 0 }), "{again}");
    assert_eq!(people(server, http, token).await.len(), before + 2);
}

#[tokio::test]
async fn a_list_with_rows_in_error_is_refused_with_every_rows_problems_and_nothing_is_stored() {
    let s = setup().await;
    let (server, http, token) = (&s.server, &s.http, s.admin_token.as_str());
    let before = people(server, http, token).await.len();

    let (status, preview) = send(server, http, token, true, fixture("danh-sach-loi.csv"), "text/csv").await;
    assert_eq!(status, StatusCode::OK, "a dry run answers the preview, errors and all: {preview}");
    assert_eq!(preview["counts"]["invalid"], 3);
    assert_eq!(preview["rows"][0]["status"], "new", "Ban Tuyen giao Tinh uy is found without its tones");
    let codes: Vec<(&str, &str)> = preview["rows"][3]["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| (e["column"].as_str().unwrap_or_default(), e["code"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(codes, [("email", "duplicate_email"), ("seat", "unknown_seat")]);

    let (status, refused) = send(server, http, token, false, fixture("danh-sach-loi.csv"), "text/csv").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["error"]["code"], "invalid");
    let fields = refused["error"]["fields"].as_object().expect("fields");
    let mut named: Vec<&str> = fields.keys().map(String::as_str).collect();
    named.sort_unstable();
    assert_eq!(named, ["rows.3.name", "rows.4.body", "rows.4.email", "rows.5.email", "rows.5.seat"], "{refused}");
    assert_eq!(fields["rows.5.email"], "Email này đã có ở dòng 2.");
    assert_eq!(fields["rows.3.name"], "Thiếu Họ và tên.");
    assert!(refused["error"]["message"].as_str().is_some_and(|m| m.contains("3 dòng có lỗi")), "{refused}");
    assert_eq!(people(server, http, token).await.len(), before, "nothing stored");

    let (status, unreadable) = send(server, http, token, true, b"%PDF-1.7".to_vec(), "application/pdf").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{unreadable}");
    assert!(unreadable["error"]["fields"]["file"].as_str().is_some_and(|m| m.contains("PDF")), "{unreadable}");

    let member = crate::reports::token_for(server, "uv@tinhuy.vn");
    let (status, _) = send(server, http, &member, true, fixture("danh-sach.csv"), "text/csv").await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only who invites people imports them");
}

#[tokio::test]
async fn a_csv_sent_as_a_form_changes_only_what_differs() {
    let s = setup().await;
    let (server, http, token) = (&s.server, &s.http, s.admin_token.as_str());
    let form = || {
        reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(fixture("danh-sach.csv")).file_name("danh-sach.csv"))
    };
    let answer = http.post(server.url("/api/v1/people/import?dry_run=false")).bearer_auth(token).multipart(form()).send().await.expect("post");
    assert_eq!(answer.status(), StatusCode::OK);
    let stored: Value = answer.json().await.expect("json");
    assert_eq!(stored["format"], "csv");
    assert_eq!(stored["counts"], serde_json::json!({ "new": 2, "changed": 1, "unchanged": 0, "invalid": 0 }), "{stored}");
    let changed: Vec<&str> = stored["rows"][0]["changes"].as_array().expect("changes").iter().filter_map(|c| c["column"].as_str()).collect();
    assert_eq!(changed, ["title", "body"], "the seat was a member's already: {stored}");
    let now = people(server, http, token).await;
    let huy = now.iter().find(|p| p["email"] == "huy.dq@tinhuy.vn").expect("created");
    assert_eq!(huy["title"], "Chuyên viên; tổ biên tập", "a quoted field keeps its semicolon");

    let answer = http.post(server.url("/api/v1/people/import?dry_run=false")).bearer_auth(token).multipart(form()).send().await.expect("post");
    let again: Value = answer.json().await.expect("json");
    assert_eq!(again["counts"]["unchanged"], 3, "{again}");

    let bad_flag = http.post(server.url("/api/v1/people/import?dry_run=maybe")).bearer_auth(token).multipart(form()).send().await.expect("post");
    assert_eq!(bad_flag.status(), StatusCode::BAD_REQUEST);
}
