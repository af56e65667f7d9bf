//! Drains 10,000 outbox rows to a local SMTP server (aiosmtpd, as the tests
//! use) and prints mails per second and the worker's peak memory, beside
//! two baselines measured in the same run: rendering the 10,000 mails
//! without sending, and draining them into `.eml` files (the whole worker
//! without SMTP), so the cost of the SMTP server itself shows.
//!
//!     cargo bench -p gopy-notifier --bench drain
//!
//! It prints and never asserts. Set GOPY_BENCH_ROWS for another count.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gopy_app::organisation::NewUser;
use gopy_app::{App, Store};
use gopy_domain::{Language, OutboxMessage, OutboxMessageId, User};
use gopy_notifier::{MailSettings, Notice, Notifier};
use gopy_store::testing::{FixedClock, TestDatabase, meeting_day};
use serde_json::json;

const RECIPIENTS: usize = 100;

fn peak_memory_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn settings(smtp_url: String, folder: &std::path::Path) -> MailSettings {
    MailSettings {
        smtp_url,
        from: "Gopy <gopy@tinhuy.vn>".to_owned(),
        folder: folder.to_path_buf(),
        public_url: "http://gopy.test".to_owned(),
        digest_window: Duration::ZERO,
        retry_base: Duration::from_secs(1),
        max_attempts: 5,
        poll_interval: Duration::from_millis(100),
        batch_size: 500,
        lease: Duration::from_secs(300),
        smtp_timeout: Duration::from_secs(30),
    }
}

struct Smtp(Child);

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_smtp(maildir: &std::path::Path) -> (Smtp, u16) {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a port");
    let child = Command::new("python3")
        .args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("python3 -m aiosmtpd (python3 -m pip install aiosmtpd)");
    let smtp = Smtp(child);
    for _ in 0..400 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return (smtp, port);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("aiosmtpd did not start");
}

async fn fill(db: &TestDatabase, people: &[User], rows: usize) {
    let mut uow = db.store.begin().await.expect("uow");
    for n in 0..rows {
        let recipient = &people[n % people.len()];
        uow.enqueue(&OutboxMessage {
            id: OutboxMessageId::from_uuid(uuid::Uuid::now_v7()),
            kind: "comment.posted".to_owned(),
            recipient: recipient.id,
            payload: json!({
                "report": uuid::Uuid::nil(),
                "report_title": "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI",
                "comment": uuid::Uuid::now_v7(),
                "author": people[(n + 1) % people.len()].id,
                "path": format!("/reports/x/versions/1#comment-{n}"),
            }),
            created_at: meeting_day(),
            due_at: meeting_day(),
            sent_at: None,
        })
        .await
        .expect("enqueue");
    }
    uow.commit().await.expect("commit");
}

async fn people(app: &App) -> Vec<User> {
    let mut people = Vec::new();
    for n in 0..RECIPIENTS {
        let new = NewUser {
            email: format!("nguoi{n}@tinhuy.vn"),
            name: format!("Người Thứ {n}"),
            title: None,
            body: None,
            language: if n % 2 == 0 { Language::Vi } else { Language::En },
            global_roles: vec![],
        };
        people.push(app.create_user(None, new).await.expect("person"));
    }
    people
}

async fn drain(label: &str, db: &TestDatabase, smtp_url: String, folder: &std::path::Path, rows: usize) {
    let clock = Arc::new(FixedClock(meeting_day()));
    let notifier = Notifier::new(Arc::new(db.store.clone()) as Arc<dyn Store>, clock, settings(smtp_url, folder))
        .expect("notifier");
    let started = Instant::now();
    let round = notifier.drain().await.expect("drained");
    let took = started.elapsed();
    println!(
        "{label:<34} {:>6} mails in {:>7.2} s = {:>8.0} mails/s  (failed {}, retried {}; peak memory so far {} KiB)",
        round.mails_sent,
        took.as_secs_f64(),
        round.mails_sent as f64 / took.as_secs_f64(),
        round.failed,
        round.retried,
        peak_memory_kib(),
    );
    if round.rows_sent != rows {
        println!("  note: {} of {rows} rows were sent", round.rows_sent);
    }
}

fn main() {
    let rows: usize = std::env::var("GOPY_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let scratch = std::env::temp_dir().join(format!("gopy-bench-{}", uuid::Uuid::new_v4().simple()));
        println!("gopy-notifier drain benchmark: {rows} outbox rows to {RECIPIENTS} people, SQLite, digest window 0");
        println!("peak memory at start: {} KiB", peak_memory_kib());

        // Baseline 1: rendering alone.
        let templates = gopy_notifier::Templates::load().expect("templates");
        let common = json!({ "recipient_name": "Người Thứ 1", "account_link": "http://gopy.test/account" });
        let started = Instant::now();
        let mut bytes = 0;
        for n in 0..rows {
            let notice = Notice {
                kind: "comment.posted".to_owned(),
                data: json!({
                    "report_title": "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI",
                    "author_name": "Trần Ủy Viên",
                    "link": format!("http://gopy.test/reports/x/versions/1#comment-{n}"),
                }),
            };
            let language = if n % 2 == 0 { Language::Vi } else { Language::En };
            let mail = templates.render(&[notice], language, &common).expect("rendered");
            bytes += mail.text.len() + mail.html.len();
        }
        let took = started.elapsed();
        println!(
            "{:<34} {rows:>6} mails in {:>7.2} s = {:>8.0} mails/s  ({} KiB of text and HTML)",
            "baseline: render only",
            took.as_secs_f64(),
            rows as f64 / took.as_secs_f64(),
            bytes / 1024
        );

        // Baseline 2: the whole worker, into .eml files.
        let db = TestDatabase::sqlite().await;
        let app = db.app_at(meeting_day());
        let everyone = people(&app).await;
        fill(&db, &everyone, rows).await;
        drain("baseline: drain into .eml files", &db, String::new(), &scratch.join("eml"), rows).await;
        db.finish().await;

        // The measure: the whole worker, to aiosmtpd.
        let db = TestDatabase::sqlite().await;
        let app = db.app_at(meeting_day());
        let everyone = people(&app).await;
        fill(&db, &everyone, rows).await;
        let (smtp, port) = start_smtp(&scratch.join("Maildir"));
        drain("drain to aiosmtpd over SMTP", &db, format!("smtp://127.0.0.1:{port}"), &scratch.join("unused"), rows).await;
        let received = std::fs::read_dir(scratch.join("Maildir/new")).map(|d| d.count()).unwrap_or(0);
        println!("aiosmtpd stored {received} mails");
        drop(smtp);
        db.finish().await;
        let _ = std::fs::remove_dir_all(&scratch);
        println!("worker peak memory (VmHWM, whole process): {} KiB", peak_memory_kib());
    });
}
