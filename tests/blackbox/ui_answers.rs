//! The drafting team's answer desk in the browser, at a desk's 1280 pixels
//! and a phone's 390, on the demo's self-assessment with mail going to a
//! real SMTP server: the lead confirms a suggested group of three comments
//! from two bodies and answers it once, applies a template to five other
//! comments (editing one before saving), publishes, and each commenter
//! receives exactly one mail listing their answers. A template with an
//! unknown placeholder is refused with the reason, what was typed kept.

use std::time::{Duration, Instant};

use gopy_tests::{Browser, Server, SmtpServer, client, run_gopy};
use serde_json::{Value, json};

use crate::browser::sign_in;

const PASSWORD: &str = "gopy-demo-2023";
const DEMO_DATABASE: (&str, &str) = ("GOPY__DATABASE__URL", "sqlite://data/demo.db");
const LEAD: (&str, &str) = ("Đặng Văn Hùng", "tochuc@tinhuy.vn");
/// Two members of two bodies (the Mass Mobilisation Commission, the
/// Fatherland Front), and two more commenters.
const MEMBER: &str = "uyvien@tinhuy.vn";
const MEMBER2: &str = "uyvien2@tinhuy.vn";
const VICE: &str = "phobithu@tinhuy.vn";
const CHAIR: &str = "bithu@tinhuy.vn";
const SUBJECT: &str = "đã công bố ý kiến tiếp thu, giải trình";

fn token(server: &Server, email: &str) -> String {
    let output = run_gopy(server.dir.path(), &["token", "create", "--email", email, "--name", "kiểm thử"], &[DEMO_DATABASE]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// Whether a mail went to `email` (and not to an address that only contains it).
fn to(mail: &gopy_tests::Mail, email: &str) -> bool {
    mail.recipient().split(['<', '>', ',', ' ']).any(|part| part == email)
}

fn check(browser: &Browser, page: &str, width: u32) {
    browser.assert_accessible(&format!("{page} at {width} px"));
    if width < 1000 {
        assert_eq!(browser.sideways_overflow(), None, "{page} scrolls sideways at {width} px");
    }
    browser.screenshot(&format!("answers-{page}-{width}"));
}

/// Gives the first element matching `css` that shows `needle` the id `id`.
fn mark(browser: &Browser, css: &str, needle: &str, id: &str) {
    let found = browser.execute(
        "const [css, needle, id] = arguments;
         const e = [...document.querySelectorAll(css)].find(e => e.textContent.includes(needle));
         if (!e) return false; e.id = id; return true;",
        &[json!(css), json!(needle), json!(id)],
    );
    assert_eq!(found, json!(true), "no `{css}` shows “{needle}”");
}

/// Ticks the desk's rows that show any of `needles`.
fn tick(browser: &Browser, needles: &[String]) -> u64 {
    browser
        .execute(
            "const needles = arguments[0]; let n = 0;
             for (const row of document.querySelectorAll('#answers-table tbody tr')) {
               if (needles.some(t => row.textContent.includes(t))) { row.querySelector('input[type=checkbox]').checked = true; n++; }
             }
             return n;",
            &[json!(needles)],
        )
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn the_lead_answers_a_group_once_applies_a_template_and_publishes_one_mail_per_commenter_at_a_desk_and_on_a_phone() {
    let runtime = tokio::runtime::Runtime::new().expect("a Tokio runtime");
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let server = Server::demo_with(&[("GOPY__MAIL__SMTP_URL", url.as_str()), ("GOPY__MAIL__POLL_INTERVAL_MS", "100")]);
    let http = client();
    let tokens: Vec<(&str, String)> = [MEMBER, MEMBER2, VICE, CHAIR].iter().map(|e| (*e, token(&server, e))).collect();
    let token_of = |email: &str| tokens.iter().find(|(e, _)| *e == email).map(|(_, t)| t.clone()).expect("a token");
    let reports: Value = runtime
        .block_on(async { http.get(server.url("/api/v1/reports")).bearer_auth(token_of(CHAIR)).send().await?.json().await })
        .expect("reports");
    let assessment = reports
        .as_array()
        .expect("reports")
        .iter()
        .find(|r| r["title"].as_str().is_some_and(|t| t.contains("kiểm điểm giữa nhiệm kỳ")))
        .expect("the self-assessment")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let Some(browser) = Browser::start("ui_answers") else { return };
    sign_in(&browser, &server, LEAD, PASSWORD);

    for (round, width) in [(1, 1280), (2, 390)] {
        browser.resize(width, 900);
        // Three comments saying the same thing, from two bodies, on the
        // whole report (one without its tones), and five others.
        let same = format!("Đề nghị bổ sung số liệu cụ thể về kết quả khắc phục hạn chế, khuyết điểm đợt {round}");
        let folded = format!("de nghi bo sung so lieu cu the ve ket qua khac phuc han che khuyet diem dot {round}");
        let others: Vec<(String, &str)> = vec![
            (format!("Phần đánh giá công tác cán bộ cần nêu rõ trách nhiệm người đứng đầu ({round}a)"), VICE),
            (format!("Làm rõ nguyên nhân chủ quan của việc chậm triển khai chuyển đổi số ({round}b)"), VICE),
            (format!("Đề xuất bỏ đoạn trích dẫn dài ở phần mở đầu cho gọn ({round}c)"), CHAIR),
            (format!("Cần thống nhất cách ghi tên các cơ quan trong toàn văn ({round}d)"), MEMBER2),
            (format!("Bổ sung kiến nghị với Trung ương về cơ chế tài chính ({round}e)"), MEMBER2),
        ];
        let mut posts: Vec<(String, &str)> = vec![(same.clone(), MEMBER), (folded.clone(), MEMBER2), (same.to_uppercase(), MEMBER)];
        posts.extend(others.iter().cloned());
        for (body, who) in &posts {
            let made = runtime
                .block_on(
                    http.post(server.url(&format!("/api/v1/reports/{assessment}/comments")))
                        .bearer_auth(token_of(who))
                        .json(&json!({ "version": 1, "body": body }))
                        .send(),
                )
                .expect("a comment");
            assert_eq!(made.status(), reqwest::StatusCode::CREATED, "{body}");
        }

        // The suggested group: three comments, two commenters; confirmed and answered once.
        browser.open(&server.url(&format!("/reports/{assessment}/answers")));
        browser.wait_for_text("main h1", "Tiếp thu, giải trình ý kiến");
        mark(&browser, "#answers-suggested form", &folded, "the-suggestion");
        let suggestion = browser.text("#the-suggestion");
        assert!(suggestion.contains("3 ý kiến của 2 chủ thể góp ý"), "{suggestion}");
        check(&browser, "desk", width);
        browser.submit("#the-suggestion");
        browser.wait_for_text("#answers-notice", "Đã xác nhận nhóm");
        mark(&browser, "#answers-groups .group", &folded, "the-group");
        browser.choose("#the-group select", "Tiếp thu");
        browser.fill("#the-group textarea", "Tổ biên tập tiếp thu, bổ sung số liệu tại mục II.");
        browser.submit("#the-group form.group-answer");
        browser.wait_for_text("#answers-notice", "Đã trả lời chung");
        // A new page: the group is found again by what it says.
        mark(&browser, "#answers-groups .group", &folded, "the-group");
        let group = browser.text("#the-group");
        assert_eq!(group.matches("Bản nháp").count(), 3, "one answer, three comments, drafts: {group}");

        // A template with an unknown placeholder is refused, what was typed kept.
        let name = format!("Mẫu giải trình {round}");
        browser.fill("#template-name", &name);
        browser.choose("#template-disposition", "Giải trình");
        browser.fill("#template-text", "Cảm ơn {nguoi_gop_y}.");
        browser.submit("#template-form");
        let refused = browser.wait_for_text("#template-text-error", "{nguoi_gop_y}");
        assert!(refused.contains("{commenter}"), "the reason names what may be used: {refused}");
        assert_eq!(browser.execute("return document.querySelector('#template-name').value", &[]), json!(name));
        check(&browser, "template-refused", width);
        browser.fill("#template-text", "Xin cảm ơn {commenter}; ý kiến về {passage} (dự thảo lần {version}) đã được giải trình tại tờ trình.");
        browser.submit("#template-form");
        browser.wait_for_text("#answers-notice", "Đã thêm mẫu");

        // The template applied to five comments, one edited before saving.
        let needles: Vec<String> = others.iter().map(|(t, _)| t.clone()).collect();
        assert_eq!(tick(&browser, &needles), 5);
        browser.choose("#apply-template", &format!("{name} (Giải trình)"));
        browser.submit("#apply-form");
        browser.wait_for_text("#answers-preview h2", &name);
        let filled = browser.execute("return [...document.querySelectorAll('#answers-preview textarea')].map(t => t.value)", &[]);
        assert_eq!(filled.as_array().map(Vec::len), Some(5), "{filled}");
        assert_eq!(
            filled[0],
            json!("Xin cảm ơn Trần Thị Bình; ý kiến về toàn bộ báo cáo (dự thảo lần 1) đã được giải trình tại tờ trình."),
            "the placeholders filled for the vice chair's comment"
        );
        check(&browser, "preview", width);
        browser.execute("document.querySelector('#answers-preview textarea').value = 'Giải trình riêng: đã nêu tại phụ lục.'", &[]);
        browser.submit("#save-form");
        browser.wait_for_text("#answers-notice", "Đã lưu các câu trả lời");
        let drafts = browser.text("#answers-drafts");
        assert!(drafts.starts_with('8'), "eight drafts wait: {drafts}");

        // Published in one step: each commenter gets one mail.
        let before = smtp.messages().iter().filter(|m| m.subject().contains(SUBJECT)).count();
        browser.submit("#publish-form");
        browser.wait_for_text("#answers-notice", "Đã công bố");
        check(&browser, "published", width);
        let deadline = Instant::now() + Duration::from_secs(30);
        let published = loop {
            let mails: Vec<_> = smtp.messages().into_iter().filter(|m| m.subject().contains(SUBJECT)).collect();
            if mails.len() >= before + 4 || Instant::now() > deadline {
                break mails;
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        let new = &published[before..];
        assert_eq!(new.len(), 4, "one mail for each of four commenters");
        for (email, answers) in [(MEMBER, 2), (MEMBER2, 3), (VICE, 2), (CHAIR, 1)] {
            let theirs: Vec<_> = new.iter().filter(|m| to(m, email)).collect();
            assert_eq!(theirs.len(), 1, "exactly one mail to {email}");
            let text = &theirs[0].text;
            let listed = text.lines().filter(|l| l.starts_with("- Ý kiến")).count();
            assert_eq!(listed, answers, "{email}'s mail lists their answers: {text}");
        }
        let to_member = new.iter().find(|m| to(m, MEMBER)).map(|m| m.text.clone()).unwrap_or_default();
        assert!(to_member.contains("Tổ biên tập tiếp thu, bổ sung số liệu tại mục II."), "{to_member}");
    }
    browser.close();
}
