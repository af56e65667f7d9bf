//! Mail, proven against a real SMTP server (aiosmtpd) per test: the
//! drafting team hears of a comment and its author does not; mail waits
//! while the server is down and all of it arrives, once, when it is back;
//! two workers on one database send each mail once; a digest window makes
//! five comments one mail; and `gopy send-test-email` says what happened.
//!
//! Most comment tests run the use cases and the notifier in this process on
//! both engines, with the story of the store tests; one posts through the
//! API of the real binary; the others run the real binary too.

#[path = "../../crates/store/tests/support/mod.rs"]
pub(crate) mod support;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::reports::VersionInput;
use gopy_app::{App, Clock, Store};
use gopy_documents::ImportLimits;
use gopy_domain::{Comment, Delivery, MailStatus, Version};
use gopy_notifier::{MailSettings, Notifier};
use gopy_store::testing::{TestDatabase, meeting_day};
use gopy_store::{DatabaseSettings, SeaStore, on_both_engines};
use gopy_tests::{Mail, SmtpServer, TempDir, free_port, run_gopy, single_error_line};
use support::{Story, story};

use crate::accounts::{PASSWORD, add_user, csrf_of, set_password, sign_in};
use time::OffsetDateTime;

/// A clock the test moves by hand.
struct TestClock(Mutex<OffsetDateTime>);

impl TestClock {
    fn at(now: OffsetDateTime) -> Arc<Self> {
        Arc::new(Self(Mutex::new(now)))
    }

    fn advance(&self, by: time::Duration) {
        let mut now = self.0.lock().expect("clock");
        *now += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().expect("clock")
    }
}

fn mail_settings(smtp: &SmtpServer, folder: &TempDir, digest_window_secs: u64) -> MailSettings {
    MailSettings {
        smtp_url: smtp.url(),
        from: "Gopy <gopy@tinhuy.vn>".to_owned(),
        folder: folder.path().to_path_buf(),
        public_url: "http://gopy.test".to_owned(),
        digest_window: Duration::from_secs(digest_window_secs),
        retry_base: Duration::from_secs(1),
        max_attempts: 5,
        poll_interval: Duration::from_millis(100),
        batch_size: 100,
        lease: Duration::from_secs(60),
        smtp_timeout: Duration::from_secs(10),
    }
}

async fn first_version(app: &App, s: &Story) -> Version {
    let text = "# Báo cáo sơ kết\n\nĐoạn thứ nhất của dự thảo.\n\nĐoạn thứ hai của dự thảo.\n";
    app.add_version(&s.secretariat, s.report.id, VersionInput::Markdown(text.to_owned()), "Bản đầu", &ImportLimits::default())
        .await
        .expect("version 1")
}

async fn comment(app: &App, s: &Story, version: &Version, body: &str) -> Comment {
    let new = NewComment {
        version: version.number,
        anchor: NewAnchor::default(),
        body: body.to_owned(),
        on_behalf_of: None,
        at_meeting: false,
    };
    app.post_comment(&s.member, s.report.id, new).await.expect("comment posted")
}

async fn pending_rows(db: &TestDatabase) -> u64 {
    let mut uow = db.store.begin().await.expect("uow");
    uow.count_mail(MailStatus::Pending).await.expect("count")
}

fn recipients(mails: &[Mail]) -> Vec<String> {
    let mut to: Vec<String> = mails.iter().map(Mail::recipient).collect();
    to.sort();
    to
}

fn message_ids(mails: &[Mail]) -> HashSet<String> {
    mails.iter().map(Mail::message_id).collect()
}

on_both_engines! {
    async fn posting_a_comment_emails_the_drafting_team_once_and_not_its_author(db) {
        let smtp = SmtpServer::start();
        let folder = TempDir::new();
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let version = first_version(&app, &s).await;
        let posted = comment(&app, &s, &version, "Đề nghị bổ sung số liệu về giảm nghèo.").await;
        let clock = TestClock::at(meeting_day());
        let notifier = Notifier::new(Arc::new(db.store.clone()), clock, mail_settings(&smtp, &folder, 0)).expect("notifier");

        let round = notifier.drain().await.expect("a round");

        assert_eq!((round.mails_sent, round.retried, round.failed), (2, 0, 0), "{round:?}");
        let mails = smtp.wait_for(2, Duration::from_secs(10));
        assert_eq!(recipients(&mails), ["btv@tinhuy.vn", "tbt@tinhuy.vn"], "the drafting team, not the member");
        let link = format!("http://gopy.test/reports/{}/versions/1#comment-{}", s.report.id, posted.id);
        for mail in &mails {
            assert_eq!(mail.subject(), format!("Ý kiến mới về dự thảo: {}", s.report.title));
            assert!(mail.text.contains(&link), "no link to the comment in:\n{}", mail.text);
            assert!(mail.html.contains(&format!("href=\"{link}\"")), "no link in the HTML:\n{}", mail.html);
            assert!(mail.text.contains("Trần Ủy Viên"), "the author is named:\n{}", mail.text);
        }
        assert_eq!(message_ids(&mails).len(), 2);
        assert_eq!(notifier.drain().await.expect("a second round").claimed, 0, "nothing goes twice");
        assert_eq!(smtp.messages().len(), 2);
        assert_eq!(pending_rows(db).await, 0);
    }

    async fn two_workers_on_one_database_deliver_each_mail_exactly_once(db) {
        let smtp = SmtpServer::start();
        let folder = TempDir::new();
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let version = first_version(&app, &s).await;
        for n in 0..20 {
            comment(&app, &s, &version, &format!("Ý kiến số {n}.")).await;
        }
        let second_store = SeaStore::connect(&DatabaseSettings {
            url: db.url.clone(),
            max_connections: 5,
            connect_timeout: Duration::from_secs(10),
            busy_timeout: Duration::from_secs(10),
            group_commit_max: 64,
            group_commit_wait: Duration::from_millis(2),
        })
        .await
        .expect("a second connection pool");
        let settings = MailSettings { batch_size: 3, ..mail_settings(&smtp, &folder, 0) };
        let clock = TestClock::at(meeting_day());
        let one = Notifier::new(Arc::new(db.store.clone()), clock.clone(), settings.clone()).expect("worker one");
        let two = Notifier::new(Arc::new(second_store.clone()), clock, settings).expect("worker two");

        let (first, second) = tokio::join!(one.drain(), two.drain());

        let (first, second) = (first.expect("worker one"), second.expect("worker two"));
        assert_eq!(first.rows_sent + second.rows_sent, 40, "{first:?} {second:?}");
        let mails = smtp.wait_for(40, Duration::from_secs(20));
        assert_eq!(mails.len(), 40, "each of the 40 mails once");
        assert_eq!(message_ids(&mails).len(), 40, "no Message-ID twice");
        assert_eq!(pending_rows(db).await, 0);
        second_store.close().await;
    }

    async fn five_comments_inside_a_digest_window_reach_a_person_as_one_mail(db) {
        let smtp = SmtpServer::start();
        let folder = TempDir::new();
        let clock = TestClock::at(meeting_day());
        let app = App::new(Arc::new(db.store.clone()) as Arc<dyn Store>, clock.clone());
        let s = story(&app).await;
        let version = first_version(&app, &s).await;
        let notifier =
            Notifier::new(Arc::new(db.store.clone()), clock.clone(), mail_settings(&smtp, &folder, 600)).expect("notifier");
        for n in 1..=5 {
            comment(&app, &s, &version, &format!("Ý kiến thứ {n}.")).await;
            clock.advance(time::Duration::minutes(1));
        }

        assert_eq!(notifier.drain().await.expect("round").claimed, 0, "the window is still open");
        clock.advance(time::Duration::minutes(6));
        let round = notifier.drain().await.expect("round");

        assert_eq!((round.mails_sent, round.rows_sent), (2, 10), "{round:?}");
        let mails = smtp.wait_for(2, Duration::from_secs(10));
        assert_eq!(recipients(&mails), ["btv@tinhuy.vn", "tbt@tinhuy.vn"]);
        for mail in &mails {
            assert_eq!(mail.subject(), format!("Gopy: 5 thông báo mới về dự thảo: {}", s.report.title));
            assert_eq!(mail.text.matches("#comment-").count(), 5, "{}", mail.text);
        }
        assert_eq!(pending_rows(db).await, 0);
    }

    async fn a_person_who_turned_comments_off_gets_none_and_an_hourly_digest_waits_for_the_hour(db) {
        let smtp = SmtpServer::start();
        let folder = TempDir::new();
        let clock = TestClock::at(meeting_day());
        let app = App::new(Arc::new(db.store.clone()) as Arc<dyn Store>, clock.clone());
        let s = story(&app).await;
        let version = first_version(&app, &s).await;
        app.choose_deliveries(&s.lead, &[(gopy_domain::NoticeKind::CommentPosted, Delivery::Off)]).await.expect("lead: off");
        app.choose_deliveries(&s.drafter, &[(gopy_domain::NoticeKind::CommentPosted, Delivery::Hourly)]).await.expect("drafter: hourly");
        let notifier =
            Notifier::new(Arc::new(db.store.clone()), clock.clone(), mail_settings(&smtp, &folder, 0)).expect("notifier");
        comment(&app, &s, &version, "Ý kiến thứ nhất.").await;
        clock.advance(time::Duration::minutes(10));
        comment(&app, &s, &version, "Ý kiến thứ hai.").await;

        let round = notifier.drain().await.expect("round");
        assert_eq!((round.mails_sent, round.skipped, round.postponed), (0, 2, 2), "{round:?}");
        clock.advance(time::Duration::minutes(50));
        let round = notifier.drain().await.expect("round");

        assert_eq!((round.mails_sent, round.rows_sent), (1, 2), "{round:?}");
        let mails = smtp.wait_for(1, Duration::from_secs(10));
        assert_eq!(recipients(&mails), ["btv@tinhuy.vn"]);
        assert!(mails[0].subject().starts_with("Gopy: 2 thông báo mới"), "{}", mails[0].subject());
        assert_eq!(pending_rows(db).await, 0);
    }
}

fn served_with_smtp(smtp_url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GOPY__MAIL__SMTP_URL", smtp_url.to_owned()),
        ("GOPY__MAIL__RETRY_BASE_SECS", "1".to_owned()),
        ("GOPY__MAIL__MAX_ATTEMPTS", "50".to_owned()),
        ("GOPY__MAIL__POLL_INTERVAL_MS", "200".to_owned()),
    ]
}

fn env<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn with_the_smtp_server_down_invitations_wait_and_all_arrive_once_when_it_is_back() {
    let mut smtp = SmtpServer::start();
    smtp.stop();
    let vars = served_with_smtp(&smtp.url());
    let server = gopy_tests::Server::start_with(&[], &env(&vars));
    let people: Vec<String> = (1..=5).map(|n| format!("nguoi{n}@tinhuy.vn")).collect();
    for (n, email) in people.iter().enumerate() {
        let name = format!("Người Thứ {}", n + 1);
        let out = run_gopy(server.dir.path(), &["user", "add", "--email", email, "--name", &name], &env(&vars));
        assert!(out.status.success(), "gopy user add: {}", String::from_utf8_lossy(&out.stderr));
    }
    // The worker keeps trying (and failing) meanwhile; the server keeps answering.
    std::thread::sleep(Duration::from_secs(3));
    let ready = reqwest::blocking::get(server.url("/readyz")).expect("readyz answers");
    assert!(ready.status().is_success());

    smtp.restart();
    let mails = smtp.wait_for(5, Duration::from_secs(60));
    // Anything sent twice would arrive by now.
    std::thread::sleep(Duration::from_secs(3));
    let mails = if smtp.messages().len() > mails.len() { smtp.messages() } else { mails };

    assert_eq!(recipients(&mails), people, "every invitation, once");
    assert_eq!(message_ids(&mails).len(), 5);
    for mail in &mails {
        assert_eq!(mail.subject(), "Lời mời tham gia Gopy");
        assert!(mail.text.contains(&format!("{}/set-password/", server.base)), "{}", mail.text);
    }
    drop(server);
}

#[test]
fn send_test_email_says_plainly_whether_the_mail_went() {
    let smtp = SmtpServer::start();
    let dir = TempDir::new();
    let url = smtp.url();
    let out = run_gopy(dir.path(), &["send-test-email", "--to", "admin@tinhuy.vn"], &[("GOPY__MAIL__SMTP_URL", &url)]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("was sent through the SMTP server at smtp://127.0.0.1:"), "{said}");
    let mails = smtp.wait_for(1, Duration::from_secs(10));
    assert_eq!(recipients(&mails), ["admin@tinhuy.vn"]);
    assert_eq!(mails[0].subject(), "Gopy: thư thử");

    let closed = format!("smtp://127.0.0.1:{}", free_port());
    let out = run_gopy(dir.path(), &["send-test-email", "--to", "admin@tinhuy.vn"], &[("GOPY__MAIL__SMTP_URL", &closed)]);
    let line = single_error_line(&out);
    assert!(line.contains("the test mail to admin@tinhuy.vn was not sent"), "{line}");
}

#[test]
fn without_smtp_the_test_mail_is_written_as_an_eml_file() {
    let dir = TempDir::new();
    let out = run_gopy(dir.path(), &["send-test-email", "--to", "admin@tinhuy.vn"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains(".eml files in data/mail"));
    let files: Vec<_> = std::fs::read_dir(dir.path().join("data/mail")).expect("data/mail").collect();
    assert_eq!(files.len(), 1);
    let mail = Mail::read(&files[0].as_ref().expect("entry").path());
    assert_eq!(mail.header("to"), Some("admin@tinhuy.vn"));
}

#[tokio::test]
async fn an_admin_sees_failed_mail_with_its_error_and_sends_it_again() {
    let mut smtp = SmtpServer::start();
    smtp.stop();
    let mut vars = served_with_smtp(&smtp.url());
    vars.retain(|(k, _)| *k != "GOPY__MAIL__MAX_ATTEMPTS");
    vars.push(("GOPY__MAIL__MAX_ATTEMPTS", "1".to_owned()));
    let server = gopy_tests::Server::start_with(&[], &env(&vars));
    let http = gopy_tests::client();
    let link = add_user(&server, "admin@tinhuy.vn", "Nguyễn Văn Quản", Some("admin"));
    assert!(set_password(&http, &server, &link, PASSWORD).await.status().is_success());
    assert_eq!(sign_in(&http, &server, "admin@tinhuy.vn", PASSWORD).await.status(), reqwest::StatusCode::SEE_OTHER);

    // One attempt allowed, and the server is down: the invitation fails.
    let mut page = String::new();
    for _ in 0..100 {
        page = http.get(server.url("/admin/mail")).send().await.expect("mail page").text().await.expect("html");
        if page.contains("/resend") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(page.contains("Gửi lỗi (1)"), "{page}");
    assert!(page.contains("Connection refused"), "the error is shown: {page}");
    let start = page.find("/admin/mail/").expect("a resend form");
    let action = page[start..].split('"').next().expect("action").to_owned();

    smtp.restart();
    let resent = http.post(server.url(&action)).form(&[("csrf", csrf_of(&page).as_str())]).send().await.expect("resend");
    assert_eq!(resent.status(), reqwest::StatusCode::SEE_OTHER);
    let mails = smtp.wait_for(1, Duration::from_secs(20));
    assert_eq!(recipients(&mails), ["admin@tinhuy.vn"]);
    assert_eq!(mails[0].subject(), "Lời mời tham gia Gopy");
}

#[tokio::test]
async fn a_person_chooses_per_kind_how_notices_arrive_on_the_account_page() {
    let server = gopy_tests::Server::start();
    let http = gopy_tests::client();
    let link = add_user(&server, "tbt@tinhuy.vn", "Nguyễn Tổ Trưởng", None);
    assert!(set_password(&http, &server, &link, PASSWORD).await.status().is_success());
    sign_in(&http, &server, "tbt@tinhuy.vn", PASSWORD).await;
    let page = http.get(server.url("/account")).send().await.expect("account").text().await.expect("html");
    assert!(page.contains("Thư thông báo") && page.contains("Gộp theo giờ"), "{page}");

    let csrf = csrf_of(&page);
    let form = [("csrf", csrf.as_str()), ("comment.posted", "hourly"), ("answers.published", "off")];
    let saved = http.post(server.url("/account/notifications")).form(&form).send().await.expect("post");
    assert_eq!(saved.status(), reqwest::StatusCode::SEE_OTHER);
    let page = http.get(server.url("/account?saved=mail")).send().await.expect("account").text().await.expect("html");
    assert!(page.contains("Đã lưu lựa chọn nhận thư."), "{page}");
    assert!(page.contains("<option value=\"hourly\" selected>"), "{page}");
    assert!(page.contains("<option value=\"off\" selected>"), "{page}");
    let admin_page = http.get(server.url("/admin/mail")).send().await.expect("mail page");
    assert_eq!(admin_page.status(), reqwest::StatusCode::FORBIDDEN, "only admins see the mail");
}

#[tokio::test]
async fn a_comment_posted_through_the_api_mails_the_drafting_team_once_with_a_link_to_it() {
    let smtp = SmtpServer::start();
    let url = smtp.url();
    let server = gopy_tests::Server::start_with(&[], &[("GOPY__MAIL__SMTP_URL", url.as_str()), ("GOPY__MAIL__POLL_INTERVAL_MS", "100")]);
    let s = crate::reports::setup_on(server).await;
    assert_eq!(crate::reports::upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), reqwest::StatusCode::CREATED);
    let posted: serde_json::Value = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/comments", s.report)))
        .bearer_auth(&s.member_token)
        .json(&serde_json::json!({ "version": 1, "body": "Đề nghị bổ sung số liệu 6 tháng." }))
        .send()
        .await
        .expect("comment")
        .json()
        .await
        .expect("json");
    let comment = posted["id"].as_str().expect("an id").to_owned();
    let about_comments = |mails: &[Mail]| mails.iter().filter(|m| m.subject().contains("Ý kiến mới")).cloned().collect::<Vec<_>>();
    for _ in 0..150 {
        if !about_comments(&smtp.messages()).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // A moment more, so a second copy would have arrived if one were sent.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let found = about_comments(&smtp.messages());
    assert_eq!(found.len(), 1, "one mail, to the drafter only: {:?}", found.iter().map(Mail::recipient).collect::<Vec<_>>());
    let mail = &found[0];
    assert!(mail.recipient().contains("tbt@tinhuy.vn"), "{}", mail.recipient());
    assert!(mail.subject().contains("Báo cáo sơ kết giữa nhiệm kỳ"), "the subject names the report: {}", mail.subject());
    assert!(mail.text.contains(&format!("/reports/{}/versions/1#comment-{comment}", s.report)), "{}", mail.text);
}
