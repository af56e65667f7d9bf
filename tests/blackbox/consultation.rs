//! Consulting bodies through the real binary: a round consults three
//! bodies, whose people are asked by mail; one comments in Gopy through its
//! person, one answers by its comment form, downloaded, filled in and
//! uploaded back (twice: nothing is added the second time), with its
//! letter's number; one stays silent and is deemed to agree when
//! `gopy worker --once --now` runs after the deadline (once, however often
//! it runs). The register page, its JSON and the Word table of
//! dispositions say exactly that.

use std::io::Read;

use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::{Value, json};

use crate::accounts::csrf_of;
use crate::reports::{option_value, setup, token_for, upload};

const ONLINE: &str = "Sở Tài chính";
const LETTER: &str = "Ban Tổ chức Tỉnh ủy";
const SILENT: &str = "Ủy ban Kiểm tra Tỉnh ủy";

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).expect("a time")
}

/// The text of a .docx's main part.
fn document_xml(docx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a .docx is a zip");
    let mut xml = String::new();
    archive.by_name("word/document.xml").expect("the main part").read_to_string(&mut xml).expect("utf-8");
    xml
}

/// The passage ids a comment form keeps in its first column, in order.
pub(crate) fn passage_ids(docx: &[u8]) -> Vec<String> {
    let xml = document_xml(docx);
    let marker = "<w:sz w:val=\"14\"/></w:rPr><w:t>";
    xml.match_indices(marker).map(|(i, _)| xml[i + marker.len()..].split('<').next().unwrap_or_default().to_owned()).collect()
}

/// The form with each comment written into its passage's row, as Word keeps it.
pub(crate) fn fill(docx: &[u8], rows: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).expect("part");
        let name = part.name().expect("a name").to_string();
        let mut text = String::new();
        part.read_to_string(&mut text).expect("utf-8");
        if name == "word/document.xml" {
            for (id, comment) in rows {
                let at = text.find(&format!(">{id}</w:t>")).unwrap_or_else(|| panic!("row {id}"));
                let cell_end = "</w:p></w:tc></w:tr>";
                let end = at + text[at..].find(cell_end).expect("the comment cell");
                text.insert_str(end, &format!("<w:r><w:t>{comment}</w:t></w:r>"));
            }
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).expect("start");
        out.write_all(text.as_bytes()).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

fn worker_once(server: &gopy_tests::Server, now: &str) -> String {
    let out = server.gopy(&["worker", "--once", "--now", now]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "gopy worker failed: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout.lines().find(|l| l.starts_with("Deemed to agree: ")).unwrap_or_else(|| panic!("no deemed line: {stdout}")).to_owned()
}

#[tokio::test]
async fn three_bodies_reply_online_by_comment_form_and_by_silence_and_the_register_says_so() {
    let s = setup().await;
    let admin = |path: &str| s.server.url(path);
    // Three bodies, each with a person of its own.
    let page = s.http.get(admin("/admin/bodies")).send().await.expect("bodies").text().await.expect("html");
    for name in [ONLINE, LETTER, SILENT] {
        let made = s.http.post(admin("/admin/bodies")).form(&[("csrf", csrf_of(&page).as_str()), ("name", name)]).send().await.expect("body");
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let people = s.http.get(admin("/admin/people")).send().await.expect("people").text().await.expect("html");
    let body_id = |name: &str| option_value(&people, name);
    let people_of = [(ONLINE, "stc@tinhuy.vn", "Đỗ Tài Chính"), (LETTER, "btc@tinhuy.vn", "Vũ Tổ Chức"), (SILENT, "ubkt@tinhuy.vn", "Mai Kiểm Tra")];
    for (body, email, name) in people_of {
        let form = [("csrf", csrf_of(&people)), ("name", name.to_owned()), ("email", email.to_owned()), ("body", body_id(body)), ("language", "vi".to_owned())];
        let invited = s.http.post(admin("/admin/people")).form(&form).send().await.expect("invite");
        assert!(invited.status().is_success() || invited.status() == StatusCode::SEE_OTHER, "{name}: {}", invited.status());
    }
    let online_token = token_for(&s.server, "stc@tinhuy.vn");
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);

    // Before the round, a body's person cannot read the draft.
    let report_api = format!("/api/v1/reports/{}", s.report);
    let hidden = s.http.get(admin(&report_api)).bearer_auth(&online_token).send().await.expect("report");
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);

    let deadline = time::OffsetDateTime::now_utc() + time::Duration::days(3);
    let consulted = [body_id(ONLINE), body_id(LETTER), body_id(SILENT)];
    let opened = s
        .http
        .post(admin(&format!("{report_api}/transitions")))
        .bearer_auth(&s.admin_token)
        .json(&json!({ "action": "open_round", "deadline": rfc3339(deadline), "bodies": consulted, "silence_agrees": true }))
        .send()
        .await
        .expect("open");
    assert_eq!(opened.status(), StatusCode::OK, "{}", opened.text().await.unwrap_or_default());

    let register_api = format!("{report_api}/consultation");
    let register: Value = s.http.get(admin(&register_api)).bearer_auth(&s.admin_token).send().await.expect("register").json().await.expect("json");
    assert_eq!(register["consulted"].as_array().map(Vec::len), Some(3));
    assert_eq!(register["not_replied"].as_array().map(Vec::len), Some(3), "{register}");

    // The body's person now reads the draft and comments for the body.
    let posted = s
        .http
        .post(admin(&format!("{report_api}/comments")))
        .bearer_auth(&online_token)
        .json(&json!({ "version": 1, "body": "Đề nghị làm rõ nguồn vốn đầu tư công." }))
        .send()
        .await
        .expect("comment");
    assert_eq!(posted.status(), StatusCode::CREATED, "{}", posted.text().await.unwrap_or_default());

    // The other body answers by its comment form: downloaded, filled in,
    // uploaded back (previewed, then imported), and uploaded a second time.
    let register_page = admin(&format!("/reports/{}/consultation", s.report));
    let forms = admin(&format!("/reports/{}/consultation/forms", s.report));
    let form = s.http.get(format!("{forms}/{}", body_id(LETTER))).send().await.expect("form");
    assert_eq!(form.status(), StatusCode::OK);
    let form = form.bytes().await.expect("bytes").to_vec();
    let filled = fill(&form, &[("toan-van", "Nhất trí với bố cục của dự thảo."), (&passage_ids(&form)[1], "Đề nghị bổ sung đánh giá công tác cán bộ.")]);
    let page = s.http.get(&register_page).send().await.expect("page").text().await.expect("html");
    let upload = |bytes: Vec<u8>| {
        Form::new()
            .text("csrf", csrf_of(&page))
            .text("action", "preview")
            .part("file", reqwest::multipart::Part::bytes(bytes).file_name("phieu-gop-y-btc.docx"))
    };
    let import = |data: String, number: &str| {
        Form::new()
            .text("csrf", csrf_of(&page))
            .text("action", "import")
            .text("data", data)
            .text("file_name", "phieu-gop-y-btc.docx")
            .text("number", number.to_owned())
            .text("signed_on", "2023-07-05")
            .text("signer", "Vũ Tổ Chức")
    };
    let data_of = |html: &str| {
        let marker = "name=\"data\" value=\"";
        let start = html.find(marker).expect("the previewed file") + marker.len();
        html[start..].split('"').next().unwrap_or_default().to_owned()
    };
    let preview = s.http.post(&forms).multipart(upload(filled.clone())).send().await.expect("preview");
    assert_eq!(preview.status(), StatusCode::OK);
    let preview = preview.text().await.expect("html");
    assert!(preview.contains("<strong id=\"form-to-add\">2</strong>"), "{preview}");
    assert!(preview.contains("Không có ý kiến") && preview.contains("Sẽ ghi nhận"), "every row is shown");
    let imported = s.http.post(&forms).multipart(import(data_of(&preview), "125/BTCTU")).send().await.expect("import");
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    // The same file again: nothing new to record, and nothing recorded.
    let again = s.http.post(&forms).multipart(upload(filled.clone())).send().await.expect("preview").text().await.expect("html");
    assert!(again.contains("<strong id=\"form-to-add\">0</strong>") && again.contains("Đã ghi nhận trước đây"), "{again}");
    let imported = s.http.post(&forms).multipart(import(data_of(&again), "")).send().await.expect("import");
    assert_eq!(imported.status(), StatusCode::SEE_OTHER);
    // The letter number already recorded is refused beside its field.
    let refused = s.http.post(&forms).multipart(import(data_of(&again), "125/BTCTU")).send().await.expect("import");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused = refused.text().await.expect("html");
    assert!(refused.contains("Công văn số này của cơ quan đã được ghi nhận."), "{refused}");
    assert!(refused.contains("value=\"125/BTCTU\""), "what was typed is kept");
    // A file that is not a comment form is refused whole.
    let stray = s.http.post(&forms).multipart(upload(b"# Not a form".to_vec())).send().await.expect("preview");
    assert_eq!(stray.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stray.text().await.expect("html").contains("không phải phiếu góp ý"));

    // After the deadline the worker records the silent body, once.
    let after = rfc3339(deadline + time::Duration::hours(1));
    assert_eq!(worker_once(&s.server, &after), "Deemed to agree: 1 bodies.");
    assert_eq!(worker_once(&s.server, &after), "Deemed to agree: 0 bodies.");
    // Each consulted body's person was asked by mail, once, with the deadline.
    let mails: Vec<gopy_tests::Mail> = std::fs::read_dir(s.server.dir.path().join("data/mail"))
        .expect("the mail folder")
        .flatten()
        .map(|entry| gopy_tests::Mail::read(&entry.path()))
        .collect();
    let mut asked: Vec<String> =
        mails.iter().filter(|m| m.subject().starts_with("Đề nghị góp ý dự thảo")).map(gopy_tests::Mail::recipient).collect();
    asked.sort();
    assert_eq!(asked, ["Mai Kiểm Tra <ubkt@tinhuy.vn>", "Vũ Tổ Chức <btc@tinhuy.vn>", "Đỗ Tài Chính <stc@tinhuy.vn>"]);

    let register: Value = s.http.get(admin(&register_api)).bearer_auth(&s.admin_token).send().await.expect("register").json().await.expect("json");
    let ids = |key: &str| register[key].as_array().expect(key).iter().map(|v| v.as_str().expect("id").to_owned()).collect::<Vec<_>>();
    let mut commented = vec![body_id(ONLINE), body_id(LETTER)];
    commented.sort();
    let mut with_comments = ids("with_comments");
    with_comments.sort();
    assert_eq!(with_comments, commented);
    assert_eq!(ids("deemed"), vec![body_id(SILENT)]);
    assert!(ids("not_replied").is_empty() && ids("no_comment").is_empty() && ids("late").is_empty(), "{register}");
    let body = |name: &str| register["bodies"].as_array().expect("bodies").iter().find(|b| b["name"] == name).cloned().expect(name);
    assert_eq!((body(ONLINE)["replied"].clone(), body(ONLINE)["comments"].clone()), (json!("online"), json!(1)));
    assert_eq!(
        (body(LETTER)["replied"].clone(), body(LETTER)["letter"].clone(), body(LETTER)["comments"].clone()),
        (json!("letter"), json!("125/BTCTU"), json!(2))
    );
    assert_eq!((body(SILENT)["replied"].clone(), body(SILENT)["comments"].clone()), (json!("deemed"), json!(0)));
    let page = s.http.get(&register_page).send().await.expect("page").text().await.expect("html");
    for needed in [
        "Số cơ quan được lấy ý kiến: 3",
        "Số cơ quan có ý kiến góp ý: 2",
        "Số cơ quan không gửi ý kiến, xem như thống nhất: 1</strong> (Ủy ban Kiểm tra Tỉnh ủy)",
        "Góp ý trực tiếp trên Gopy",
        "Công văn số 125/BTCTU",
        "Xem như thống nhất",
        "phieu-gop-y-btc.docx",
    ] {
        assert!(page.contains(needed), "the register page lacks {needed:?}: {page}");
    }

    let docx = s.http.get(admin(&format!("/reports/{}/dispositions.docx", s.report))).send().await.expect("docx").bytes().await.expect("bytes");
    let xml = document_xml(&docx);
    for needed in [
        "Kết quả lấy ý kiến các cơ quan (đợt 1):",
        "- Số cơ quan được lấy ý kiến: 3 (Ban Tổ chức Tỉnh ủy, Sở Tài chính, Ủy ban Kiểm tra Tỉnh ủy).",
        "- Số cơ quan có ý kiến góp ý: 2 (Ban Tổ chức Tỉnh ủy, Sở Tài chính).",
        "- Số cơ quan không gửi ý kiến, xem như thống nhất: 1 (Ủy ban Kiểm tra Tỉnh ủy).",
        "- Ban Tổ chức Tỉnh ủy: 2 ý kiến; tiếp thu 0, tiếp thu một phần 0, giải trình 0.",
        "- Sở Tài chính: 1 ý kiến; tiếp thu 0, tiếp thu một phần 0, giải trình 0.",
        "Ý kiến chung về toàn văn",
        "Đề nghị bổ sung đánh giá công tác cán bộ.",
    ] {
        assert!(xml.contains(needed), "the Word table lacks {needed:?}");
    }
    // The summary comes before the table.
    assert!(xml.find("Kết quả lấy ý kiến").expect("summary") < xml.find("<w:tbl>").expect("table"));

    // The workbook and the CSV carry the same summary, after their table.
    let summary = [
        "Kết quả lấy ý kiến các cơ quan (đợt 1):",
        "- Số cơ quan được lấy ý kiến: 3 (Ban Tổ chức Tỉnh ủy, Sở Tài chính, Ủy ban Kiểm tra Tỉnh ủy).",
        "- Số cơ quan không gửi ý kiến, xem như thống nhất: 1 (Ủy ban Kiểm tra Tỉnh ủy).",
        "- Ban Tổ chức Tỉnh ủy: 2 ý kiến; tiếp thu 0, tiếp thu một phần 0, giải trình 0.",
    ];
    let xlsx = s.http.get(admin(&format!("/reports/{}/dispositions.xlsx", s.report))).send().await.expect("xlsx").bytes().await.expect("bytes");
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).expect("an .xlsx is a zip");
    let mut part = |name: &str| {
        let mut text = String::new();
        archive.by_name(name).unwrap_or_else(|_| panic!("{name}")).read_to_string(&mut text).expect("xml");
        text
    };
    let (workbook, strings) = (part("xl/workbook.xml"), part("xl/sharedStrings.xml"));
    assert!(workbook.contains("name=\"Kết quả lấy ý kiến\""), "{workbook}");
    for line in summary {
        assert!(strings.contains(&line.replace('&', "&amp;")), "the workbook lacks {line:?}");
    }
    let csv = s.http.get(admin(&format!("/reports/{}/dispositions.csv", s.report))).send().await.expect("csv").text().await.expect("utf-8");
    assert!(csv.trim_start_matches('\u{feff}').starts_with("STT,"), "the CSV's first record is still the header");
    let table_end = csv.find("\r\n,,,,,\r\n").expect("an empty record after the table");
    for line in summary {
        let at = csv.find(line).unwrap_or_else(|| panic!("the CSV lacks {line:?}"));
        assert!(at > table_end, "{line:?} follows the table");
    }
}

#[tokio::test]
async fn a_refused_open_round_form_keeps_its_bodies_and_a_form_upload_checks_access_before_its_file() {
    let s = setup().await;
    let page = s.http.get(s.server.url("/admin/bodies")).send().await.expect("bodies").text().await.expect("html");
    for name in [ONLINE, LETTER] {
        let made = s.http.post(s.server.url("/admin/bodies")).form(&[("csrf", csrf_of(&page).as_str()), ("name", name)]).send().await.expect("body");
        assert_eq!(made.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let people = s.http.get(s.server.url("/admin/people")).send().await.expect("people").text().await.expect("html");
    let (online, letter) = (option_value(&people, ONLINE), option_value(&people, LETTER));
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);

    // A deadline and working days both: refused, and the form comes back
    // with the deadline, the two bodies and silence as agreement as ticked.
    let report_page = s.server.url(&format!("/reports/{}", s.report));
    let page = s.http.get(&report_page).send().await.expect("page").text().await.expect("html");
    let csrf = csrf_of(&page);
    let form = [
        ("csrf", csrf.as_str()),
        ("step", "open_round"),
        ("deadline", "2099-07-10T17:00"),
        ("working_days", "5"),
        ("consult", online.as_str()),
        ("consult", letter.as_str()),
        ("silence_agrees", "1"),
    ];
    let refused = s.http.post(format!("{report_page}/steps")).form(&form).send().await.expect("step");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    assert!(html.contains("Chỉ nhập hạn chót hoặc số ngày làm việc"), "{html}");
    for id in [&online, &letter] {
        assert!(html.contains(&format!("name=\"consult\" value=\"{id}\" checked")), "the body {id} stays ticked: {html}");
    }
    assert!(html.contains("name=\"silence_agrees\" value=\"1\" checked"), "silence as agreement stays ticked");
    assert!(html.contains("value=\"2099-07-10T17:00\"") && html.contains("value=\"5\""), "what was typed is kept");
    // Nothing ticked on a refusal comes back unticked.
    let bare = [("csrf", csrf.as_str()), ("step", "open_round"), ("deadline", "2099-07-10T17:00"), ("working_days", "5")];
    let html = s.http.post(format!("{report_page}/steps")).form(&bare).send().await.expect("step").text().await.expect("html");
    assert!(!html.contains(&format!("value=\"{online}\" checked")), "nothing ticked");
    assert!(!html.contains("name=\"silence_agrees\" value=\"1\" checked"));

    let deadline = time::OffsetDateTime::now_utc() + time::Duration::days(3);
    let opened = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/transitions", s.report)))
        .bearer_auth(&s.admin_token)
        .json(&json!({ "action": "open_round", "deadline": rfc3339(deadline), "bodies": [online, letter], "silence_agrees": true }))
        .send()
        .await
        .expect("open");
    assert_eq!(opened.status(), StatusCode::OK);

    // A member uploads a comment form without a file: refused for who they
    // are (403), not told what the upload lacks.
    let member = gopy_tests::client();
    crate::accounts::set_password(&member, &s.server, &s.member_link, crate::accounts::PASSWORD).await;
    crate::accounts::sign_in(&member, &s.server, "uv@tinhuy.vn", crate::accounts::PASSWORD).await;
    let forms = s.server.url(&format!("/reports/{}/consultation/forms", s.report));
    let register = s.server.url(&format!("/reports/{}/consultation", s.report));
    let theirs = member.get(&register).send().await.expect("register").text().await.expect("html");
    let empty = |csrf: String| Form::new().text("csrf", csrf).text("action", "preview");
    let refused = member.post(&forms).multipart(empty(csrf_of(&theirs))).send().await.expect("upload");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let missing = "Hãy chọn tệp phiếu góp ý (.docx) để tải lên.";
    let said = refused.text().await.expect("html");
    assert!(!said.contains(missing), "{said}");
    // The secretariat, without a file: told beside the file's field.
    let ours = s.http.get(&register).send().await.expect("register").text().await.expect("html");
    let refused = s.http.post(&forms).multipart(empty(csrf_of(&ours))).send().await.expect("upload");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let said = refused.text().await.expect("html");
    assert!(said.contains(missing) && !said.contains("id=\"form-preview\""), "{missing}: {said}");
}
