//! The review loop over HTTP: the fixture comments posted through the API on
//! version 1, answered by the drafting team, carried to version 2; the table
//! of dispositions in each format read back; the pages; the live stream.

use std::io::Read;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::reports::{Setup, setup, upload};

const COMMENTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/comments.so-ket-v1.json");

pub(crate) fn fixture_comments() -> Vec<Value> {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(COMMENTS).expect("fixture")).expect("json");
    json["comments"].as_array().expect("comments").clone()
}

/// The block holding `quote` in a version's JSON, and the quote's offsets in
/// characters, as a browser sends them.
fn locate(version: &Value, quote: &str) -> (String, usize, usize) {
    for block in version["blocks"].as_array().expect("blocks") {
        let text = block["text"].as_str().expect("text");
        if let Some(at) = text.find(quote) {
            let start = text[..at].chars().count();
            return (block["id"].as_str().expect("id").to_owned(), start, start + quote.chars().count());
        }
    }
    panic!("{quote} is not in the version")
}

async fn api(s: &Setup, method: reqwest::Method, token: &str, path: &str, body: Option<Value>) -> reqwest::Response {
    let mut request = s.http.request(method, s.server.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

/// Version 1 with the fixture's comments, each answered as the fixture says.
pub(crate) async fn first_round(s: &Setup) -> Vec<String> {
    assert_eq!(upload(s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let v1: Value = api(s, reqwest::Method::GET, &s.member_token, &format!("/api/v1/reports/{}/versions/1", s.report), None)
        .await
        .json()
        .await
        .expect("json");
    let mut ids = Vec::new();
    for c in fixture_comments() {
        let mut body = json!({ "version": 1, "body": c["body"] });
        if let Some(quote) = c["quote"].as_str() {
            let (block, start, end) = locate(&v1, quote);
            body = json!({ "version": 1, "body": c["body"], "block": block, "start": start, "end": end, "quote": quote });
        }
        let posted = api(s, reqwest::Method::POST, &s.member_token, &format!("/api/v1/reports/{}/comments", s.report), Some(body)).await;
        assert_eq!(posted.status(), StatusCode::CREATED);
        let id = posted.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_owned();
        let answer = json!({ "disposition": c["disposition"], "response": c["response"] });
        let answered = api(s, reqwest::Method::PUT, &s.drafter_token, &format!("/api/v1/comments/{id}/disposition"), Some(answer)).await;
        assert_eq!(answered.status(), StatusCode::OK);
        ids.push(id);
    }
    // The answers are the team's drafts until the lead publishes them.
    let published = api(s, reqwest::Method::POST, &s.drafter_token, &format!("/api/v1/reports/{}/answers/publish", s.report), None).await;
    assert_eq!(published.status(), StatusCode::OK);
    ids
}

/// A minimal RFC 4180 reader: quoted fields may hold commas, quotes and new lines.
fn csv_records(text: &str) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field, mut quoted) = (Vec::new(), Vec::new(), String::new(), false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => record.push(std::mem::take(&mut field)),
            ('\r', false) => {}
            ('\n', false) => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (c, _) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

async fn download(s: &Setup, file: &str) -> Vec<u8> {
    let response = api(s, reqwest::Method::GET, &s.member_token, &format!("/api/v1/reports/{}/{file}", s.report), None).await;
    assert_eq!(response.status(), StatusCode::OK, "{file}");
    response.bytes().await.expect("bytes").to_vec()
}

#[tokio::test]
async fn the_fixture_comments_are_answered_carried_to_version_2_and_tabled_in_every_format() {
    let s = setup().await;
    let ids = first_round(&s).await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v2.docx", "").await.status(), StatusCode::CREATED);

    let review: Value = api(&s, reqwest::Method::GET, &s.member_token, &format!("/api/v1/reports/{}/comments", s.report), None)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(review["version"], 2);
    assert_eq!((review["comments"].as_u64(), review["awaiting"].as_u64()), (Some(6), Some(0)));
    let threads = review["threads"].as_array().expect("threads");
    let mut found: Vec<&str> = threads.iter().filter_map(|t| t["comment"]["id"].as_str()).collect();
    found.sort_unstable();
    let mut expected: Vec<&str> = ids.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(found, expected, "every comment is still there");
    let placements: Vec<&str> = threads.iter().filter_map(|t| t["placement"].as_str()).collect();
    assert_eq!(placements.iter().filter(|p| **p == "current").count(), 3, "{placements:?}");
    assert_eq!(placements.iter().filter(|p| **p == "passage_changed").count(), 3, "{placements:?}");

    let fixture = fixture_comments();
    let csv = String::from_utf8(download(&s, "dispositions.csv").await).expect("utf-8");
    assert!(csv.starts_with('\u{feff}'), "a BOM, so Excel reads Vietnamese right");
    let records = csv_records(csv.trim_start_matches('\u{feff}'));
    assert_eq!(records.len(), 7, "a header and six rows");
    assert_eq!(records[0][0], "STT");
    for (row, number) in records[1..].iter().zip(1..) {
        assert_eq!(row[0], number.to_string());
        let source = fixture.iter().find(|c| c["body"].as_str() == Some(row[3].as_str())).expect("a fixture comment");
        let label = match source["disposition"].as_str() {
            Some("accepted") => "Tiếp thu",
            Some("partly_accepted") => "Tiếp thu một phần",
            _ => "Giải trình",
        };
        assert_eq!(row[4], label);
        assert_eq!(Some(row[5].as_str()), source["response"].as_str());
    }
    // In document order: II.1 before II.3 before III, the whole report last.
    let passages: Vec<&str> = records[1..].iter().map(|r| r[1].as_str()).collect();
    assert!(passages[0].starts_with("II.1"), "{passages:?}");
    assert!(passages[5].starts_with("Toàn văn"), "{passages:?}");

    let docx = download(&s, "dispositions.docx").await;
    let imported = gopy_documents::import(&docx, &gopy_documents::ImportLimits::default()).expect("the .docx reads back");
    let rows = imported
        .blocks
        .iter()
        .find_map(|b| match b {
            gopy_domain::document::BlockContent::Table { rows } => Some(rows.clone()),
            _ => None,
        })
        .expect("a table");
    assert_eq!(rows.len(), 7);
    for (docx_row, csv_row) in rows[1..].iter().zip(&records[1..]) {
        assert_eq!(docx_row[4], csv_row[4], "the same disposition in both");
        let start: String = csv_row[3].chars().take(20).collect();
        assert!(docx_row[3].contains(&start), "the same comment in both");
    }

    let xlsx = download(&s, "dispositions.xlsx").await;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("an .xlsx is a zip");
    let mut sheet = String::new();
    archive.by_name("xl/worksheets/sheet1.xml").expect("a sheet").read_to_string(&mut sheet).expect("xml");
    assert_eq!(sheet.matches("<row ").count(), 7, "a header and six rows");
    // The texts are shared strings, as rust_xlsxwriter writes them.
    let mut strings = String::new();
    archive.by_name("xl/sharedStrings.xml").expect("shared strings").read_to_string(&mut strings).expect("xml");
    for c in &fixture {
        let response = c["response"].as_str().expect("response");
        let escaped = response.replace('&', "&amp;").replace('<', "&lt;");
        assert!(strings.contains(&escaped), "{response}");
    }
    assert!(archive.by_name("xl/worksheets/sheet2.xml").is_err(), "no bodies consulted, no summary sheet");

    // The pages: the version with comments beside their passages, the table.
    let page = s.http.get(s.server.url(&format!("/reports/{}/versions/2", s.report))).send().await.expect("page");
    let html = page.text().await.expect("html");
    assert!(html.contains("6 ý kiến, 0 chưa trả lời"), "the counters");
    assert!(html.contains("Đoạn văn đã thay đổi ở Dự thảo lần 2"), "a changed passage is flagged, with the version it changed in");
    for id in &ids {
        assert!(html.contains(&format!("id=\"comment-{id}\"")), "{id} is shown on v2");
    }
    let table = s.http.get(s.server.url(&format!("/reports/{}/dispositions", s.report))).send().await.expect("page");
    let html = table.text().await.expect("html");
    assert!(html.contains("BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN") && html.contains("Tiếp thu một phần"), "{html}");
    let filtered = s
        .http
        .get(s.server.url(&format!("/reports/{}/comments?disposition=explained", s.report)))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("html");
    assert_eq!(filtered.matches("<article class=\"thread").count(), 1, "one comment was explained");
}

#[tokio::test]
async fn bad_comments_get_a_clear_error_and_markup_is_shown_as_text() {
    let s = setup().await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let path = format!("/api/v1/reports/{}/comments", s.report);
    let empty = api(&s, reqwest::Method::POST, &s.member_token, &path, Some(json!({ "version": 1, "body": "  " }))).await;
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = empty.json().await.expect("json");
    assert!(body["error"]["fields"]["body"].is_string(), "{body}");
    let outside = json!({ "version": 1, "body": "x", "block": "bkhongco", "start": 0, "end": 3 });
    let refused = api(&s, reqwest::Method::POST, &s.member_token, &path, Some(outside)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let markup = json!({ "version": 1, "body": "<script>alert('x')</script>" });
    let posted = api(&s, reqwest::Method::POST, &s.member_token, &path, Some(markup)).await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let id = posted.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_owned();
    let no_reason = json!({ "disposition": "explained", "response": "" });
    let refused = api(&s, reqwest::Method::PUT, &s.drafter_token, &format!("/api/v1/comments/{id}/disposition"), Some(no_reason)).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let by_member = json!({ "disposition": "accepted" });
    let refused = api(&s, reqwest::Method::PUT, &s.member_token, &format!("/api/v1/comments/{id}/disposition"), Some(by_member)).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let html = s
        .http
        .get(s.server.url(&format!("/reports/{}/versions/1", s.report)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") || html.contains("&lt;script&gt;"), "escaped");
    assert!(!html.contains("<script>alert"), "never markup");

    // A refused form on the page comes back with what was typed.
    let page = s.http.get(s.server.url(&format!("/reports/{}/versions/1", s.report))).send().await.expect("page").text().await.expect("html");
    let csrf = crate::accounts::csrf_of(&page);
    let long = "ý".repeat(gopy_domain::CommentText::MAX_CHARS + 1);
    let refused = s
        .http
        .post(s.server.url(&format!("/reports/{}/comments", s.report)))
        .form(&[("csrf", csrf.as_str()), ("version", "1"), ("body", long.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    assert!(html.contains(&long), "the text typed is kept");
    assert!(html.contains("role=\"alert\""));
}

#[tokio::test]
async fn an_open_page_hears_of_a_new_comment_within_a_second() {
    let s = setup().await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let mut events = s
        .http
        .get(s.server.url(&format!("/reports/{}/events", s.report)))
        .send()
        .await
        .expect("events");
    assert_eq!(events.status(), StatusCode::OK);
    assert!(events.headers()["content-type"].to_str().expect("type").starts_with("text/event-stream"));
    let posted = api(
        &s,
        reqwest::Method::POST,
        &s.member_token,
        &format!("/api/v1/reports/{}/comments", s.report),
        Some(json!({ "version": 1, "body": "Ý kiến mới" })),
    )
    .await;
    let id = posted.json::<Value>().await.expect("json")["id"].as_str().expect("id").to_owned();
    let mut seen = String::new();
    let heard = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(chunk) = events.chunk().await.expect("stream") {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains(&id) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(heard, Ok(true), "the stream said: {seen}");
    assert!(seen.contains("event: change") && seen.contains("\"kind\":\"posted\""), "{seen}");
    let card = s.http.get(s.server.url(&format!("/comments/{id}/card"))).send().await.expect("card");
    let html = card.text().await.expect("html");
    assert!(html.contains("Ý kiến mới") && html.contains("data-counts=\"1 ý kiến, 1 chưa trả lời\""), "{html}");
}

/// Comments posted at once share the writer's batches: one with an anchor
/// outside its passage (offsets past the end of the block) is refused with
/// its 422 and leaves nothing, while every good one beside it is stored.
async fn a_bad_comment_among_good_ones_posted_at_once(server: gopy_tests::Server) {
    let s = crate::reports::setup_on(server).await;
    let version = upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await;
    assert_eq!(version.status(), StatusCode::CREATED);
    let version: Value = version.json().await.expect("json");
    let block = &version["blocks"][3];
    let past_the_end = block["text"].as_str().expect("text").chars().count() + 5;
    let path = format!("/api/v1/reports/{}/comments", s.report);
    let posts: Vec<_> = (0..24)
        .map(|n| {
            let mut request = json!({ "version": 1, "body": format!("Ý kiến đồng thời số {n}.") });
            if n == 11 {
                request["block"] = block["id"].clone();
                request["start"] = json!(past_the_end);
                request["end"] = json!(past_the_end + 3);
            }
            let post = s.http.post(s.server.url(&path)).bearer_auth(&s.member_token).json(&request);
            tokio::spawn(async move { post.send().await.expect("request") })
        })
        .collect();
    for (n, post) in posts.into_iter().enumerate() {
        let response = post.await.expect("a task");
        if n == 11 {
            assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "the bad comment");
            let error: Value = response.json().await.expect("json");
            assert!(error["error"]["fields"]["anchor"].is_string(), "the error names the anchor: {error}");
        } else {
            assert_eq!(response.status(), StatusCode::CREATED, "comment {n}: {:?}", response.text().await);
        }
    }
    let listed: Value = api(&s, reqwest::Method::GET, &s.member_token, &path, None).await.json().await.expect("json");
    let mut bodies: Vec<String> =
        listed["threads"].as_array().expect("threads").iter().map(|t| t["comment"]["body"].as_str().expect("body").to_owned()).collect();
    bodies.sort();
    let mut expected: Vec<String> = (0..24).filter(|&n| n != 11).map(|n| format!("Ý kiến đồng thời số {n}.")).collect();
    expected.sort();
    assert_eq!(bodies, expected, "every good comment is stored once, the bad one not at all");
}

#[tokio::test]
async fn a_bad_comment_among_good_ones_posted_at_once_is_refused_alone_on_sqlite() {
    a_bad_comment_among_good_ones_posted_at_once(gopy_tests::Server::start()).await;
}

#[tokio::test]
async fn a_bad_comment_among_good_ones_posted_at_once_is_refused_alone_on_postgresql() {
    let Some(db) = gopy_store::testing::TestDatabase::postgres().await else { return };
    a_bad_comment_among_good_ones_posted_at_once(gopy_tests::Server::start_with(&[], &[("GOPY__DATABASE__URL", &db.url)])).await;
    db.finish().await;
}

#[tokio::test]
async fn the_secretariat_withdraws_a_members_comment_only_with_a_reason_and_its_card_says_who_and_why() {
    let s = setup().await;
    let ids = first_round(&s).await;
    let theirs = &ids[1];
    let page_url = s.server.url(&format!("/reports/{}/versions/1", s.report));
    let page = s.http.get(&page_url).send().await.expect("page").text().await.expect("html");
    assert!(page.contains(&format!("id=\"reason-{theirs}\"")), "withdrawing a member's comment asks why");
    let csrf = crate::accounts::csrf_of(&page);
    let withdraw = |reason: &'static str| {
        s.http
            .post(s.server.url(&format!("/comments/{theirs}/withdraw")))
            .form(&[("csrf", csrf.as_str()), ("version", "1"), ("reason", reason)])
            .send()
    };

    let refused = withdraw("  ").await.expect("refused");
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text().await.expect("html");
    let error = format!("id=\"reason-error-{theirs}\">Cần ghi lý do khi rút ý kiến của người khác.");
    assert!(html.contains(&error), "the reason is asked for beside its field");
    assert!(!html.contains("Đã rút bởi"), "nothing was withdrawn");

    let reason = "Trùng với ý kiến đã ghi tại cuộc họp.";
    let done = withdraw(reason).await.expect("withdrawn");
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let page = s.http.get(&page_url).send().await.expect("page").text().await.expect("html");
    assert!(
        page.contains(&format!("Đã rút bởi <strong>Nguyễn Văn Quản</strong>: {reason}")),
        "the card says who withdrew it and why"
    );
    // The same, as JSON.
    let json: Value = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}/comments", s.report)))
        .bearer_auth(&s.member_token)
        .send()
        .await
        .expect("comments")
        .json()
        .await
        .expect("json");
    let thread = json["threads"]
        .as_array()
        .expect("threads")
        .iter()
        .find(|t| t["comment"]["id"] == theirs.as_str())
        .expect("the withdrawn comment is still listed");
    assert_eq!(thread["comment"]["withdrawal_reason"], reason);
    assert!(thread["comment"]["withdrawn_by"].is_string());
}

#[tokio::test]
async fn a_refused_answer_comes_back_on_its_card_with_the_choice_still_ticked_and_the_reason_beside_it() {
    use crate::accounts::{PASSWORD, csrf_of, set_password, sign_in};
    let s = setup().await;
    let ids = first_round(&s).await;
    let drafter = gopy_tests::client();
    set_password(&drafter, &s.server, &s.drafter_link, PASSWORD).await;
    sign_in(&drafter, &s.server, "tbt@tinhuy.vn", PASSWORD).await;
    let page = drafter
        .get(s.server.url(&format!("/reports/{}/versions/1", s.report)))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    let id = &ids[0];
    // From the version page (its script names the report), and from a page
    // without the script: the same version page, or the card alone.
    for report in [s.report.as_str(), ""] {
        let refused = drafter
            .post(s.server.url(&format!("/comments/{id}/disposition")))
            .form(&[
                ("csrf", csrf_of(&page).as_str()),
                ("version", "1"),
                ("report", report),
                ("disposition", "explained"),
                ("response", " "),
            ])
            .send()
            .await
            .expect("answer");
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text().await.expect("html");
        let on_version_page = html.contains(&format!("data-report=\"{}\" data-version=\"1\"", s.report));
        assert_eq!(on_version_page, !report.is_empty(), "the version page it came from, when it came from there");
        let card = &html[html.find(&format!("id=\"comment-{id}\"")).expect("the card it came from")..];
        let card = &card[..card.find("</article>").expect("the card's end")];
        assert!(card.contains("<details class=\"thread-form answer-form\" open>"), "the answer form is open");
        assert!(card.contains("value=\"explained\" checked"), "the choice made is still ticked");
        assert!(!card.contains("value=\"accepted\" checked"), "and only it");
        let error = format!("id=\"answer-error-{id}\">Khi tiếp thu một phần hoặc giải trình, cần ghi rõ lý do.");
        assert!(card.contains(&error), "the reason is beside the choice");
        assert!(card.contains("autofocus"), "the focus goes to the form");
        assert!(!html.contains("không bị mất"), "no page claims what is not true");
    }
}
