//! The review loop in headless Chromium, as the committee does it: a member
//! selects a passage and comments on it, the drafting team answers on the
//! thread, a new version is uploaded on the report page and carries every
//! comment; a second window sees a new comment without reloading; a phone
//! shows the comments under their passages. Each page checked leaves a
//! screenshot in `target/screenshots/`.
//!
//! The people and the report are set up over HTTP with the shared helpers
//! (they are async, so a runtime runs them); the browser steps run outside
//! it, since the WebDriver client blocks.

use std::path::Path;
use std::time::{Duration, Instant};

use gopy_tests::{Browser, client};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::accounts::{PASSWORD, set_password};
use crate::browser::sign_in;
use crate::comments::{first_round, fixture_comments};
use crate::reports::{FIXTURES, Setup, setup, upload};

const ADMIN: (&str, &str) = ("Nguyễn Văn Quản", "admin@tinhuy.vn");
const DRAFTER: (&str, &str) = ("Trần Tổ Trưởng", "tbt@tinhuy.vn");
const MEMBER: (&str, &str) = ("Lê Thị Ủy Viên", "uv@tinhuy.vn");
const PASSAGE_CHANGED: &str = "Đoạn văn đã thay đổi ở Dự thảo lần 2";

/// Selects exactly the first occurrence of `arguments[0]` inside a block's
/// text, as a person dragging the mouse over it, and lets the page hear the
/// mouse button go up. Returns the block's id, or null when no block holds
/// the quote. The quote may cross inline markup, so the block's text nodes
/// are joined and the range mapped back onto them.
const SELECT_QUOTE: &str = r#"
const quote = arguments[0];
for (const body of document.querySelectorAll('.block .block-body')) {
  const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let text = '';
  while (walker.nextNode()) { nodes.push([walker.currentNode, text.length]); text += walker.currentNode.data; }
  const at = text.indexOf(quote);
  if (at < 0) { continue; }
  const point = (offset, end) => {
    for (const [node, from] of nodes) {
      const to = from + node.data.length;
      if (offset < to || (end && offset === to)) { return [node, offset - from]; }
    }
    return null;
  };
  const [startNode, startOffset] = point(at, false);
  const [endNode, endOffset] = point(at + quote.length, true);
  const range = document.createRange();
  range.setStart(startNode, startOffset);
  range.setEnd(endNode, endOffset);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
  return body.closest('.block').getAttribute('data-block');
}
return null;
"#;

/// The passage the comment form is under (its block's id), or null when it
/// is in its place at the end of the page.
const FORM_UNDER: &str = "const row = document.getElementById('new-comment').closest('.block-row');
 return row ? row.getAttribute('data-row') : null;";

/// The runtime the async HTTP helpers run on, and what they set up.
fn set_up() -> (tokio::runtime::Runtime, Setup) {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let s = runtime.block_on(setup());
    (runtime, s)
}

/// Gives the person behind `link` the shared test password.
fn give_password(runtime: &tokio::runtime::Runtime, s: &Setup, link: &str) {
    let done = runtime.block_on(async { set_password(&client(), &s.server, link, PASSWORD).await.status() });
    assert_eq!(done, StatusCode::OK, "the password is set");
}

/// A browser signed in as `who`, or `None` when browser tests are skipped.
fn signed_in(test: &str, s: &Setup, who: (&str, &str)) -> Option<Browser> {
    let browser = Browser::start(test)?;
    sign_in(&browser, &s.server, who, PASSWORD);
    Some(browser)
}

/// The value of the form field with id `id`.
fn field(browser: &Browser, id: &str) -> String {
    let value = browser.execute("return document.getElementById(arguments[0]).value;", &[json!(id)]);
    value.as_str().unwrap_or_default().to_owned()
}

/// The comment id in the address the page was sent to after posting, once
/// it is none of `known`.
fn new_comment_id(browser: &Browser, known: &[String]) -> String {
    browser.wait_until("the address of the new comment", |b| {
        let url = b.url();
        let id = url.split_once("#comment-")?.1.to_owned();
        (!known.contains(&id)).then_some(id)
    })
}

/// Posts `body` with the form on the open version page, on `quote` when
/// given (selected in the page), else on the whole report; returns the new
/// comment's id and the block it was put on (empty for the whole report).
fn post_comment(browser: &Browser, quote: Option<&str>, body: &str, known: &[String]) -> (String, String) {
    let block = match quote {
        Some(quote) => {
            let block = browser.execute(SELECT_QUOTE, &[json!(quote)]);
            let block = block.as_str().unwrap_or_else(|| panic!("no block of the page holds «{quote}»")).to_owned();
            browser.wait_for_text("#comment-chosen", &format!("«{quote}»"));
            assert_eq!(field(browser, "comment-quote"), quote, "the quote goes with the form");
            assert_eq!(field(browser, "comment-block"), block);
            let start: usize = field(browser, "comment-start").parse().expect("a start offset");
            let end: usize = field(browser, "comment-end").parse().expect("an end offset");
            assert_eq!(end - start, quote.chars().count(), "offsets count characters");
            let under = browser.execute(FORM_UNDER, &[]);
            assert_eq!(under, json!(block), "with a passage chosen, the form opens under it");
            block
        }
        None => {
            let chosen = browser.text("#comment-chosen");
            assert_eq!(chosen, "Góp ý về toàn văn báo cáo.", "nothing selected: the whole report");
            assert_eq!(field(browser, "comment-block"), "");
            let under = browser.execute(FORM_UNDER, &[]);
            assert_eq!(under, Value::Null, "with nothing chosen, the form stays at the end of the page");
            String::new()
        }
    };
    browser.fill("#comment-body", body);
    browser.submit("#comment-form");
    let id = new_comment_id(browser, known);
    let list = if block.is_empty() { "whole" } else { block.as_str() };
    let thread = format!("[data-comments-for=\"{list}\"] #comment-{id}");
    browser.wait_for_text(&thread, body);
    if let Some(quote) = quote {
        browser.wait_for_text(&format!("{thread} .quote"), quote);
    }
    (id, block)
}

fn disposition_label(kind: &str) -> &'static str {
    match kind {
        "accepted" => "Tiếp thu",
        "partly_accepted" => "Tiếp thu một phần",
        "explained" => "Giải trình",
        other => panic!("an unknown disposition {other}"),
    }
}

/// Answers the thread `id` on the open page with its own answer form.
fn answer(browser: &Browser, id: &str, disposition: &str, response: &str) {
    let thread = format!("#comment-{id}");
    browser.click(&format!("{thread} details.answer-form summary"));
    browser.click(&format!("{thread} details.answer-form input[name=disposition][value={disposition}]"));
    browser.fill(&format!("{thread} details.answer-form textarea[name=response]"), response);
    browser.submit(&format!("{thread} details.answer-form form"));
    // The answer is shown once the page is back from saving it.
    browser.wait_for_text(&format!("{thread} .answer"), response);
    assert_eq!(browser.text(&format!("{thread} .badge.disposition")), disposition_label(disposition));
}

/// Where the thread `id` is on the open page: the block its list is for
/// (empty for the whole report), the text of that block, and the thread's.
fn placed(browser: &Browser, id: &str) -> (String, String, String) {
    let found = browser.execute(
        "const t = document.getElementById('comment-' + arguments[0]);
         if (!t) { return null; }
         const list = t.closest('[data-comments-for]');
         const block = list ? list.getAttribute('data-comments-for') : null;
         const passage = block ? document.getElementById(block) : null;
         const text = passage ? passage.querySelector('.block-body').innerText : '';
         return [block === 'whole' ? '' : block, text, t.innerText];",
        &[json!(id)],
    );
    let found = found.as_array().unwrap_or_else(|| panic!("the comment {id} is not on the page"));
    let block = found[0].as_str().unwrap_or_else(|| panic!("the comment {id} is in no list of comments"));
    (block.to_owned(), found[1].as_str().unwrap_or_default().to_owned(), found[2].as_str().unwrap_or_default().to_owned())
}

/// Scrolls so that the block the thread `id` is on sits near the top.
fn scroll_to_block_of(browser: &Browser, id: &str) {
    browser.execute(
        "const row = document.getElementById('comment-' + arguments[0]).closest('.block-row');
         row.scrollIntoView({ block: 'start' }); window.scrollBy(0, -16);",
        &[json!(id)],
    );
}

#[test]
fn members_comment_on_selected_passages_the_drafter_answers_each_and_version_2_keeps_every_comment() {
    const TEST: &str =
        "members_comment_on_selected_passages_the_drafter_answers_each_and_version_2_keeps_every_comment";
    let (runtime, s) = set_up();
    let v1 = runtime.block_on(async { upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status() });
    assert_eq!(v1, StatusCode::CREATED);
    give_password(&runtime, &s, &s.member_link);
    give_password(&runtime, &s, &s.drafter_link);
    let fixture = fixture_comments();
    let v1_url = s.server.url(&format!("/reports/{}/versions/1", s.report));

    // The member selects each quoted passage and comments on it.
    let Some(member) = signed_in(TEST, &s, MEMBER) else { return };
    member.open(&v1_url);
    member.wait_for_text("#comment-counts", "0 ý kiến");
    let mut ids: Vec<String> = Vec::new();
    let mut blocks: Vec<String> = Vec::new();
    for (i, c) in fixture.iter().enumerate() {
        let quote = c["quote"].as_str();
        let body = c["body"].as_str().expect("a comment");
        let (id, block) = post_comment(&member, quote, body, &ids);
        if i == 0 {
            member.screenshot("first-comment-posted");
        }
        ids.push(id);
        blocks.push(block);
    }
    assert_eq!(member.text("#comment-counts"), "6 ý kiến, 6 chưa trả lời");
    let whole = member.text("[data-comments-for=\"whole\"]");
    assert!(whole.contains(fixture[5]["body"].as_str().expect("body")), "{whole}");
    member.screenshot("all-comments-posted");

    // The drafter answers each on its thread.
    let Some(drafter) = signed_in(TEST, &s, DRAFTER) else { return };
    drafter.open(&v1_url);
    for (id, c) in ids.iter().zip(&fixture) {
        let (disposition, response) = (c["disposition"].as_str().expect("kind"), c["response"].as_str().expect("text"));
        answer(&drafter, id, disposition, response);
    }
    drafter.wait_for_text("#comment-counts", "6 ý kiến, 0 chưa trả lời");
    drafter.screenshot("all-answered");
    // The answers are the team's drafts until the lead publishes them.
    drafter.open(&s.server.url(&format!("/reports/{}/answers", s.report)));
    drafter.submit("#publish-form");
    drafter.wait_for_text("#answers-notice", "Đã công bố");

    // The member's page, reloaded: comments beside their passages, answered.
    member.open(&v1_url);
    member.wait_for_text("#comment-counts", "6 ý kiến, 0 chưa trả lời");
    scroll_to_block_of(&member, &ids[0]);
    member.screenshot("draft-with-comments");

    // Version 2, uploaded on the report page as a drafter does.
    drafter.open(&s.server.url(&format!("/reports/{}", s.report)));
    drafter.attach("#new-version input[type=file]", &Path::new(FIXTURES).join("so-ket-giua-nhiem-ky.v2.docx"));
    drafter.fill("#change_note", "Tiếp thu ý kiến tại cuộc họp ngày 27/6");
    drafter.screenshot("version-2-chosen");
    drafter.submit("#new-version form");
    drafter.wait_for_path(&format!("/reports/{}/versions/2", s.report));
    drafter.wait_for_text(".version-header", "Dự thảo lần 2");

    // Every comment is on version 2: on its passage, flagged where the
    // passage changed, the whole-report one with the whole report.
    member.open(&s.server.url(&format!("/reports/{}/versions/2", s.report)));
    member.wait_for_text("#comment-counts", "6 ý kiến, 0 chưa trả lời");
    let (mut unchanged, mut changed) = (0, 0);
    for (id, c) in ids.iter().zip(&fixture) {
        let (block, block_text, thread) = placed(&member, id);
        assert!(thread.contains(c["body"].as_str().expect("body")), "{thread}");
        assert!(thread.contains(disposition_label(c["disposition"].as_str().expect("kind"))), "{thread}");
        let Some(quote) = c["quote"].as_str() else {
            assert_eq!(block, "", "the whole-report comment stays with the whole report");
            assert!(!thread.contains(PASSAGE_CHANGED), "{thread}");
            continue;
        };
        assert_ne!(block, "", "«{quote}» is on a block of version 2");
        assert!(thread.contains(quote), "the quote is still shown: {thread}");
        if block_text.contains(quote) {
            assert!(!thread.contains(PASSAGE_CHANGED), "«{quote}» did not change: {thread}");
            unchanged += 1;
        } else {
            assert!(thread.contains(PASSAGE_CHANGED), "«{quote}» changed, so it is flagged: {thread}");
            changed += 1;
        }
    }
    assert_eq!((unchanged, changed), (2, 3), "two quoted passages unchanged, three changed, none lost");
    let outdated = member.execute("return document.querySelectorAll('.outdated-comments .thread').length;", &[]);
    assert_eq!(outdated, json!(0), "no passage is gone");
    let first_changed =
        ids.iter().find(|id| placed(&member, id).2.contains(PASSAGE_CHANGED)).expect("a changed passage");
    scroll_to_block_of(&member, first_changed);
    member.screenshot("version-2-with-comments");

    // The table of dispositions, in document order, and the diff.
    member.open(&s.server.url(&format!("/reports/{}/dispositions", s.report)));
    member.wait_for_text("main", "BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN");
    let table = member.text("main table");
    for c in &fixture {
        assert!(table.contains(c["response"].as_str().expect("response")), "{table}");
    }
    let rows = member.execute("return document.querySelectorAll('main table tbody tr').length;", &[]);
    assert_eq!(rows, json!(6), "six rows: {table}");
    let first = member.text("main table tbody tr:first-child");
    let last = member.text("main table tbody tr:last-child");
    assert!(first.starts_with("1") && first.contains("II.1"), "in document order: {first}");
    assert!(last.contains("Toàn văn"), "the whole report last: {last}");
    member.screenshot("disposition-table");

    member.open(&s.server.url(&format!("/reports/{}/diff?from=1&to=2", s.report)));
    member.wait_for_text("main", "đoạn sửa");
    member.screenshot("diff");
    drafter.close();
    member.close();
}

#[test]
fn a_second_window_sees_a_new_comment_appear_without_reloading() {
    const TEST: &str = "a_second_window_sees_a_new_comment_appear_without_reloading";
    let (runtime, s) = set_up();
    let v1 = runtime.block_on(async { upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status() });
    assert_eq!(v1, StatusCode::CREATED);
    give_password(&runtime, &s, &s.member_link);
    let url = s.server.url(&format!("/reports/{}/versions/1", s.report));

    let Some(admin) = signed_in(TEST, &s, ADMIN) else { return };
    admin.open(&url);
    admin.wait_for_text("#comment-counts", "0 ý kiến, 0 chưa trả lời");
    // Gone if the page reloads.
    admin.execute("window.__marker = 1;", &[]);
    let Some(member) = signed_in(TEST, &s, MEMBER) else { return };
    member.open(&url);
    member.wait_for_text("#comment-counts", "0 ý kiến");

    let c = &fixture_comments()[0];
    let (quote, body) = (c["quote"].as_str().expect("quote"), c["body"].as_str().expect("body"));
    let (id, block) = post_comment(&member, Some(quote), body, &[]);
    let posted = Instant::now();

    let thread = format!("[data-comments-for=\"{block}\"] #comment-{id}");
    admin.wait_for_text(&thread, body);
    let waited = posted.elapsed();
    assert!(waited < Duration::from_secs(5), "the comment appeared {waited:?} after it was posted");
    admin.wait_for_text("#comment-counts", "1 ý kiến, 1 chưa trả lời");
    assert_eq!(admin.execute("return window.__marker;", &[]), json!(1), "the page was not reloaded");
    assert_eq!(admin.url(), url, "the window stayed where it was");
    scroll_to_block_of(&admin, &id);
    admin.screenshot("new-comment-appeared");
    member.close();
    admin.close();
}

#[test]
fn on_a_phone_the_comments_stack_under_each_passage() {
    const TEST: &str = "on_a_phone_the_comments_stack_under_each_passage";
    let (runtime, s) = set_up();
    let ids = runtime.block_on(first_round(&s));
    give_password(&runtime, &s, &s.member_link);

    let Some(member) = signed_in(TEST, &s, MEMBER) else { return };
    member.resize(390, 844);
    member.open(&s.server.url(&format!("/reports/{}/versions/1", s.report)));
    member.wait_for_text("#comment-counts", "6 ý kiến, 0 chưa trả lời");
    let width = member.execute("return document.documentElement.clientWidth;", &[]);
    assert!(width.as_u64().is_some_and(|w| w <= 390), "a phone's width: {width}");
    for id in &ids {
        // Shown, within the screen, and (on a passage) under it, not beside.
        let layout: Value = member.execute(
            "const t = document.getElementById('comment-' + arguments[0]);
             const r = t.getBoundingClientRect();
             const row = t.closest('.block-row');
             const block = row ? row.querySelector('.block').getBoundingClientRect() : null;
             return { width: r.width, left: r.left, right: r.right,
                      page: document.documentElement.clientWidth,
                      below: block ? r.top >= block.bottom - 1 : true };",
            &[json!(id)],
        );
        let (w, left, right, page) = (
            layout["width"].as_f64().unwrap_or(0.0),
            layout["left"].as_f64().unwrap_or(-1.0),
            layout["right"].as_f64().unwrap_or(f64::MAX),
            layout["page"].as_f64().unwrap_or(0.0),
        );
        assert!(w > page * 0.6, "the comment {id} takes the screen's width: {layout}");
        assert!(left >= 0.0 && right <= page + 1.0, "the comment {id} fits on the screen: {layout}");
        assert_eq!(layout["below"], json!(true), "the comment {id} is under its passage: {layout}");
    }
    scroll_to_block_of(&member, &ids[0]);
    member.screenshot("version-on-a-phone");
    member.close();
}

/// Version 1 with 1,000 comments from the member, spread over its passages
/// (a whole passage each), posted through the API.
async fn thousand_comments(s: &Setup) {
    assert_eq!(upload(s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let version: Value = s
        .http
        .get(s.server.url(&format!("/api/v1/reports/{}/versions/1", s.report)))
        .bearer_auth(&s.member_token)
        .send()
        .await
        .expect("version")
        .json()
        .await
        .expect("json");
    let blocks: Vec<String> =
        version["blocks"].as_array().expect("blocks").iter().map(|b| b["id"].as_str().expect("id").to_owned()).collect();
    let path = s.server.url(&format!("/api/v1/reports/{}/comments", s.report));
    for k in 0..1_000 {
        let body = json!({ "version": 1, "block": blocks[k % blocks.len()], "body": format!("Góp ý số {k}: đề nghị bổ sung số liệu.") });
        let posted = s.http.post(&path).bearer_auth(&s.member_token).json(&body).send().await.expect("comment");
        assert_eq!(posted.status(), StatusCode::CREATED, "comment {k}");
    }
}

/// On the open version page of 1,000 comments: opens a passage whose
/// threads are not drawn, comments on a selection of it, and sees the
/// drafter's reply (made through the API) arrive without reloading.
fn open_comment_and_hear_a_reply(
    runtime: &tokio::runtime::Runtime,
    s: &Setup,
    member: &Browser,
    url: &str,
    step: &str,
    known: &[String],
) -> String {
    member.open(url);
    member.wait_for_text("#comment-counts", " ý kiến");
    let drawn = member.execute("return document.querySelectorAll('.document .thread').length;", &[]);
    assert!(drawn.as_u64().is_some_and(|n| (1..=50).contains(&n)), "at most 50 threads drawn in full: {drawn}");
    // A passage whose threads wait to be opened.
    let passage = member.execute(
        "const link = [...document.querySelectorAll('[data-passage-link]')]
           .find(l => !l.hidden && !document.querySelector('[data-comments-for=\"' + l.getAttribute('data-passage-link') + '\"]').classList.contains('open'));
         if (!link) { return null; }
         link.scrollIntoView({ block: 'center' });
         return link.getAttribute('data-passage-link');",
        &[],
    );
    let passage = passage.as_str().expect("a passage whose threads are not drawn").to_owned();
    member.click(&format!("[data-passage-link=\"{passage}\"]"));
    let list = format!("[data-comments-for=\"{passage}\"]");
    member.wait_for_text(&format!("{list} .thread"), "Góp ý số");
    let loaded = member.execute("return document.querySelectorAll(arguments[0] + ' .thread').length;", &[json!(list)]);
    assert!(loaded.as_u64().is_some_and(|n| (1..=20).contains(&n)), "the passage's first page of threads: {loaded}");
    member.screenshot(&format!("{step}-passage-opened"));

    // A selection in that passage, and a comment on it.
    let text = member.execute("return document.getElementById(arguments[0]).querySelector('.block-body').innerText;", &[json!(passage)]);
    let quote: String = text.as_str().expect("the passage's text").trim().chars().take(24).collect();
    let quote = quote.trim_end().to_owned();
    let body = format!("Đề nghị viết lại đoạn này ({step}).");
    let block = member.execute(SELECT_QUOTE, &[json!(quote)]);
    assert_eq!(block.as_str(), Some(passage.as_str()), "«{quote}» is selected in the passage");
    member.wait_for_text("#comment-chosen", &format!("«{quote}»"));
    member.fill("#comment-body", &body);
    member.submit("#comment-form");
    let id = new_comment_id(member, known);
    let thread = format!("{list} #comment-{id}");
    member.wait_for_text(&thread, &body);
    member.wait_for_text(&format!("{thread} .quote"), &quote);
    member.wait_for_text("#comment-counts", if known.is_empty() { "1.001 ý kiến" } else { "1.002 ý kiến" });
    member.execute("window.__marker = 1;", &[]);
    member.screenshot(&format!("{step}-commented"));

    // The drafter replies through the API; the reply arrives where the member is.
    let reply = format!("Tổ biên tập sẽ viết lại ({step}).");
    let replied = runtime.block_on(async {
        s.http
            .post(s.server.url(&format!("/api/v1/comments/{id}/replies")))
            .bearer_auth(&s.drafter_token)
            .json(&json!({ "body": reply }))
            .send()
            .await
            .expect("reply")
            .status()
    });
    assert_eq!(replied, StatusCode::CREATED);
    member.wait_for_text(&format!("{thread} .reply"), &reply);
    assert_eq!(member.execute("return window.__marker;", &[]), json!(1), "the page was not reloaded");
    member.screenshot(&format!("{step}-reply-arrived"));
    id
}

#[test]
fn on_a_report_of_1000_comments_a_member_opens_a_passage_comments_on_a_selection_and_sees_a_reply_arrive() {
    const TEST: &str = "on_a_report_of_1000_comments_a_member_opens_a_passage_comments_on_a_selection_and_sees_a_reply_arrive";
    let (runtime, s) = set_up();
    runtime.block_on(thousand_comments(&s));
    give_password(&runtime, &s, &s.member_link);
    let url = s.server.url(&format!("/reports/{}/versions/1", s.report));
    let Some(member) = signed_in(TEST, &s, MEMBER) else { return };
    member.resize(1280, 900);
    let first = open_comment_and_hear_a_reply(&runtime, &s, &member, &url, "desktop", &[]);
    member.resize(390, 844);
    let width = member.execute("return document.documentElement.clientWidth;", &[]);
    assert!(width.as_u64().is_some_and(|w| w <= 390), "a phone's width: {width}");
    open_comment_and_hear_a_reply(&runtime, &s, &member, &url, "phone", &[first]);
    member.close();
}

// --- Forms only where they work, refusals beside the field, phone and keyboard ----------

/// A desk's screen and a phone's: every page below is walked at both.
const WIDTHS: [(u32, u32); 2] = [(1280, 900), (390, 844)];

/// A step of the report's life over the API, as the secretariat takes it.
async fn step(s: &Setup, body: Value) {
    let response = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/transitions", s.report)))
        .bearer_auth(&s.admin_token)
        .json(&body)
        .send()
        .await
        .expect("a step");
    assert_eq!(response.status(), StatusCode::OK, "{body}");
}

/// The id of the block whose text holds `text`, on the open page.
fn block_holding(browser: &Browser, text: &str) -> String {
    let id = browser.execute(
        "for (const b of document.querySelectorAll('.block[data-block]')) {
           if (b.querySelector('.block-body').textContent.includes(arguments[0])) { return b.getAttribute('data-block'); }
         }
         return null;",
        &[json!(text)],
    );
    id.as_str().unwrap_or_else(|| panic!("no block holds «{text}»")).to_owned()
}

/// Where the focus is: the active element's id.
fn focused(browser: &Browser) -> Value {
    browser.execute("return document.activeElement ? document.activeElement.id : null;", &[])
}

/// Whether the element with id `id` is wholly inside the window.
fn in_view(browser: &Browser, id: &str) -> bool {
    browser.execute(
        "const r = document.getElementById(arguments[0]).getBoundingClientRect();
         return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0;",
        &[json!(id)],
    ) == json!(true)
}

/// Today in Vietnam, as the pages write a date.
fn today_in_vietnam() -> String {
    let offset = time::UtcOffset::from_hms(7, 0, 0).expect("an offset");
    let today = time::OffsetDateTime::now_utc().to_offset(offset).date();
    format!("{:02}/{:02}/{}", today.day(), u8::from(today.month()), today.year())
}

#[test]
fn a_closed_round_shows_no_comment_form_and_says_why() {
    const TEST: &str = "a_closed_round_shows_no_comment_form_and_says_why";
    let (runtime, s) = set_up();
    runtime.block_on(async {
        assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
        let deadline = (time::OffsetDateTime::now_utc() + time::Duration::days(2))
            .format(&time::format_description::well_known::Rfc3339)
            .expect("a time");
        step(&s, json!({ "action": "open_round", "deadline": deadline })).await;
        step(&s, json!({ "action": "close_round" })).await;
    });
    give_password(&runtime, &s, &s.member_link);
    let Some(member) = signed_in(TEST, &s, MEMBER) else { return };
    let why = format!("Vòng lấy ý kiến đã kết thúc ngày {}", today_in_vietnam());
    for (width, height) in WIDTHS {
        member.resize(width, height);
        member.open(&s.server.url(&format!("/reports/{}/versions/1", s.report)));
        member.wait_for_text("#comment-closed", &why);
        let offered = member.execute(
            "return document.querySelectorAll('#comment-form, .comment-here, a[href=\"#new-comment\"]').length;",
            &[],
        );
        assert_eq!(offered, json!(0), "no comment form, nor a link to one, at {width} px");
        assert!(in_view(&member, "comment-closed"), "the reason is told at the top of the page at {width} px");
        member.screenshot(&format!("closed-round-{width}"));
    }
    member.close();
}

#[test]
fn a_refused_comment_keeps_its_text_beside_its_error_with_the_form_in_view() {
    const TEST: &str = "a_refused_comment_keeps_its_text_beside_its_error_with_the_form_in_view";
    let (runtime, s) = set_up();
    let v1 = runtime.block_on(async { upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status() });
    assert_eq!(v1, StatusCode::CREATED);
    give_password(&runtime, &s, &s.member_link);
    let Some(member) = signed_in(TEST, &s, MEMBER) else { return };
    let too_long = "ý".repeat(5_001);
    for (width, height) in WIDTHS {
        member.resize(width, height);
        member.open(&s.server.url(&format!("/reports/{}/versions/1", s.report)));
        let block = block_holding(&member, "Thu ngân sách nhà nước");
        let link = format!("[data-comment-on=\"{block}\"]");
        assert!(member.text(&link).starts_with("Góp ý đoạn "), "the link names its passage");
        member.click(&link);
        assert_eq!(member.execute(FORM_UNDER, &[]), json!(block), "the form opens under the passage at {width} px");
        assert_eq!(focused(&member), json!("comment-body"), "the focus is in the comment box");

        // Empty: refused, the message beside the box, the passage kept, the form in view.
        member.fill("#comment-body", "   ");
        member.submit("#comment-form");
        member.wait_for_text("#comment-body-error", "");
        let error = member.text("#comment-body-error");
        assert!(!error.is_empty(), "the refusal says why");
        assert_eq!(field(&member, "comment-block"), block, "the passage chosen is kept");
        member.wait_until("the refused form under its passage", |b| (b.execute(FORM_UNDER, &[]) == json!(block)).then_some(()));
        assert_eq!(focused(&member), json!("comment-body"), "the focus is back in the box at {width} px");
        assert!(in_view(&member, "comment-body"), "the box is in view at {width} px");
        assert!(in_view(&member, "comment-body-error"), "its error is in view beside it at {width} px");
        let gap = member.execute(
            "const e = document.getElementById('comment-body-error').getBoundingClientRect();
             const t = document.getElementById('comment-body').getBoundingClientRect();
             return Math.abs(t.top - e.bottom);",
            &[],
        );
        assert!(gap.as_f64().is_some_and(|g| g < 40.0), "the error sits beside the box: {gap}");
        member.screenshot(&format!("refused-empty-{width}"));

        // Too long: refused, and every character typed is still there.
        member.execute("document.getElementById('comment-body').value = arguments[0];", &[json!(too_long)]);
        member.submit("#comment-form");
        member.wait_for_text("#comment-body-error", "5.000");
        assert_eq!(field(&member, "comment-body"), too_long, "what was typed is kept");
        assert!(in_view(&member, "comment-body-error"), "the error is in view at {width} px");
        assert!(!member.source().contains("không bị mất"), "no page claims what is not true");
    }
    member.close();
}

#[test]
fn a_phone_selects_part_of_a_passage_by_touch_and_reaches_the_form_under_it() {
    const TEST: &str = "a_phone_selects_part_of_a_passage_by_touch_and_reaches_the_form_under_it";
    let (runtime, s) = set_up();
    let ids = runtime.block_on(first_round(&s));
    give_password(&runtime, &s, &s.member_link);
    let Some(member) = signed_in(TEST, &s, MEMBER) else { return };
    let quotes = ["mô hình nuôi tôm ứng dụng công nghệ cao", "tỷ lệ trường đạt chuẩn quốc gia"];
    let mut known = ids.clone();
    for ((width, height), quote) in WIDTHS.into_iter().zip(quotes) {
        member.resize(width, height);
        member.open(&s.server.url(&format!("/reports/{}/versions/1", s.report)));
        member.wait_for_text("#comment-counts", "ý kiến");
        let block = block_holding(&member, quote);
        // Every passage's button is there to tap, without hovering first.
        let shown = member.execute(
            "const a = document.querySelector('[data-comment-on=\"' + arguments[0] + '\"]');
             const r = a.getBoundingClientRect(); const c = getComputedStyle(a);
             return r.height > 0 && c.opacity === '1' && c.visibility === 'visible';",
            &[json!(block)],
        );
        assert_eq!(shown, json!(true), "the passage's comment button is visible at {width} px");
        // A touch selection: the range set as the selection handles set it,
        // with no mouse event after it; the page hears `selectionchange`.
        let select = SELECT_QUOTE.replace("document.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));", "");
        assert_eq!(member.execute(&select, &[json!(quote)]), json!(block));
        member.wait_until("the quote from the touch selection", |b| (field(b, "comment-quote") == quote).then_some(()));
        member.wait_for_text("#comment-chosen", &format!("«{quote}»"));
        assert_eq!(member.execute(FORM_UNDER, &[]), json!(block), "the form is under the passage at {width} px");
        let reach = member.execute(
            "const f = document.getElementById('new-comment').getBoundingClientRect();
             const b = document.getElementById(arguments[0]).getBoundingClientRect();
             return f.top - b.bottom;",
            &[json!(block)],
        );
        assert!(reach.as_f64().is_some_and(|d| (0.0..60.0).contains(&d)), "the form follows the passage: {reach}");
        let body = if width < 400 {
            "Đề nghị nêu rõ số trường đạt chuẩn quốc gia tăng thêm trong nửa nhiệm kỳ.".to_owned()
        } else {
            "Đề nghị nêu số hộ nuôi tôm công nghệ cao và sản lượng.".to_owned()
        };
        member.fill("#comment-body", &body);
        member.submit("#comment-form");
        let id = new_comment_id(&member, &known);
        let thread = format!("[data-comments-for=\"{block}\"] #comment-{id}");
        member.wait_for_text(&format!("{thread} .quote"), quote);
        known.push(id.clone());
        if width < 400 {
            scroll_to_block_of(&member, &id);
            member.screenshot_for_readme("version_page_phone");
        }
    }
    member.close();
}

#[test]
fn a_keyboard_reaches_the_passages_and_chooses_a_quote_without_a_mouse() {
    const TEST: &str = "a_keyboard_reaches_the_passages_and_chooses_a_quote_without_a_mouse";
    const TAB: &str = "\u{E004}";
    const ENTER: &str = "\u{E007}";
    const DOWN: &str = "\u{E015}";
    let (runtime, s) = set_up();
    let v1 = runtime.block_on(async { upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status() });
    assert_eq!(v1, StatusCode::CREATED);
    give_password(&runtime, &s, &s.member_link);
    let Some(member) = signed_in(TEST, &s, MEMBER) else { return };
    let mut known: Vec<String> = Vec::new();
    for (width, height) in WIDTHS {
        member.resize(width, height);
        member.open(&s.server.url(&format!("/reports/{}/versions/1", s.report)));
        // From the top: the page's skip link to its content, then the
        // first stop there is the skip link to the passages.
        member.press(TAB);
        member.press(ENTER);
        member.press(TAB);
        let skip = member.execute("return document.activeElement.textContent;", &[]);
        assert_eq!(skip, json!("Đến nội dung dự thảo"), "a skip link to the passages at {width} px");
        member.press(ENTER);
        assert_eq!(focused(&member), json!("document"), "the passages have the focus");

        // Each passage's link names it; Enter opens the form with the focus in its box.
        let names = member.execute(
            "return Array.from(document.querySelectorAll('.comment-here')).map(a => a.textContent);",
            &[],
        );
        let names: Vec<&str> = names.as_array().expect("links").iter().filter_map(Value::as_str).collect();
        let distinct: std::collections::BTreeSet<&&str> = names.iter().collect();
        assert_eq!(distinct.len(), names.len(), "no two links read the same: {names:?}");
        let block = block_holding(&member, "Tốc độ tăng trưởng tổng sản phẩm");
        member.execute("document.querySelector('[data-comment-on=\"' + arguments[0] + '\"]').focus();", &[json!(block)]);
        member.press(ENTER);
        member.wait_until("the focus in the comment box", |b| (focused(b) == json!("comment-body")).then_some(()));

        // The quote's first and last word, from the picker's lists, by arrow keys.
        member.execute("document.getElementById('quote-from').focus();", &[]);
        for _ in 0..3 {
            member.press(DOWN);
        }
        member.press(TAB);
        assert_eq!(focused(&member), json!("quote-to"));
        for _ in 0..3 {
            member.press(DOWN);
        }
        let quote = "tăng trưởng tổng sản";
        member.wait_until("the quote picked by keyboard", |b| (field(b, "comment-quote") == quote).then_some(()));
        assert_eq!((field(&member, "comment-start"), field(&member, "comment-end")), ("7".to_owned(), "27".to_owned()));
        member.wait_for_text("#comment-chosen", &format!("«{quote}»"));
        member.screenshot(&format!("keyboard-quote-{width}"));
        member.fill("#comment-body", &format!("Nêu rõ cách tính tăng trưởng ({width} px)."));
        member.submit("#comment-form");
        let id = new_comment_id(&member, &known);
        member.wait_for_text(&format!("[data-comments-for=\"{block}\"] #comment-{id} .quote"), quote);
        known.push(id);
    }
    member.close();
}
