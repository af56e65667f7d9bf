//! Drains 10,000 outbox rows to a local SMTP server (aiosmtpd, as the tests
//! use) and prints mails per second and the worker's peak memory, beside
//! three baselines measured in the same run: rendering the 10,000 mails
//! without sending, draining them into `.eml` files (the whole worker
//! without SMTP), and the SMTP server's own ceiling, what the same aiosmtpd
//! accepts from Python's smtplib on as many connections as the worker uses
//! (`smtp_ceiling.py`), so the cost of the server itself shows.
//!
//!     cargo bench -p gopy-notifier --bench drain
//!
//! It prints and never asserts. Set GOPY_BENCH_ROWS for another count. The
//! issue's target is 1,000 mails/s.

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gopy_app::organisation::NewUser;
use gopy_app::{App, Store};
use gopy_domain::{CommentId, CommentV1, Language, Notice, OutboxMessage, OutboxMessageId, ReportId, User};
use gopy_notifier::{MailItem, MailSettings, Notifier};
use gopy_store::testing::{FixedClock, TestDatabase, meeting_day};
use serde_json::json;

const RECIPIENTS: usize = 100;
/// As many as the worker sends at once.
const CONNECTIONS: usize = 8;

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

/// What aiosmtpd does with each mail.
#[derive(Clone, Copy, Debug)]
enum Handler {
    /// Stores it in a Maildir, as the tests' server does.
    Mailbox,
    /// Accepts and discards it: the server's fastest.
    Sink,
}

fn start_smtp(handler: Handler, maildir: &std::path::Path) -> (Smtp, u16) {
    let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a port");
    let mut command = Command::new("python3");
    command.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", &format!("aiosmtpd.handlers.{handler:?}")]);
    if let Handler::Mailbox = handler {
        command.arg(maildir);
    }
    let child = command
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
        let comment = CommentId::from_uuid(uuid::Uuid::now_v7());
        uow.enqueue(&OutboxMessage {
            id: OutboxMessageId::from_uuid(uuid::Uuid::now_v7()),
            recipient: recipient.id,
            notice: Ok(Notice::CommentPosted(CommentV1 {
                report: ReportId::from_uuid(uuid::Uuid::nil()),
                report_title: "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI".to_owned(),
                comment,
                thread: comment,
                version: 1,
                author: people[(n + 1) % people.len()].id,
            })),
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

async fn drain(label: &str, db: &TestDatabase, smtp_url: String, folder: &std::path::Path, rows: usize) -> f64 {
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
    round.mails_sent as f64 / took.as_secs_f64()
}

/// Mails per second that aiosmtpd at `port` accepts from smtplib on
/// `connections` connections, or `None` if the script could not run.
fn smtp_ceiling(port: u16, mails: usize, connections: usize) -> Option<f64> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/smtp_ceiling.py");
    let output = Command::new("python3")
        .args([script, &port.to_string(), &mails.to_string(), &connections.to_string()])
        .stdin(Stdio::null())
        .output()
        .ok()?;
    String::from_utf8_lossy(&output.stdout).trim().parse().ok()
}

/// The worker draining `rows` rows to aiosmtpd with `handler`, beside that
/// server's ceiling measured just before on a server of its own (so the
/// count of what the worker delivered stays exact).
async fn over_smtp(handler: Handler, scratch: &std::path::Path, rows: usize, render_rate: f64, eml_rate: f64) {
    let db = TestDatabase::sqlite().await;
    let app = db.app_at(meeting_day());
    let everyone = people(&app).await;
    fill(&db, &everyone, rows).await;
    let (ceiling_server, ceiling_port) = start_smtp(handler, &scratch.join(format!("Ceiling{handler:?}")));
    let probe = rows.min(3_000);
    let ceiling = smtp_ceiling(ceiling_port, probe, CONNECTIONS);
    drop(ceiling_server);
    let label = format!("aiosmtpd {handler:?}'s ceiling");
    match ceiling {
        Some(rate) => println!(
            "{label:<34} {probe:>6} mails             = {rate:>8.0} mails/s  (Python smtplib, {CONNECTIONS} connections)"
        ),
        None => println!("{label}: could not be measured (python3 benches/smtp_ceiling.py)"),
    }
    let maildir = scratch.join(format!("Maildir{handler:?}"));
    let (smtp, port) = start_smtp(handler, &maildir);
    let label = format!("drain to aiosmtpd {handler:?}");
    let smtp_rate = drain(&label, &db, format!("smtp://127.0.0.1:{port}"), &scratch.join("unused"), rows).await;
    if let Handler::Mailbox = handler {
        let received = std::fs::read_dir(maildir.join("new")).map(|d| d.count()).unwrap_or(0);
        println!("  aiosmtpd stored {received} mails");
    }
    drop(smtp);
    println!(
        "  {handler:?}: {smtp_rate:.0} mails/s = {:.3}× render only, {:.2}× the .eml drain{}; target 1,000 mails/s",
        smtp_rate / render_rate,
        smtp_rate / eml_rate,
        ceiling.map_or(String::new(), |c| format!(", {:.0}% of this server's ceiling", 100.0 * smtp_rate / c)),
    );
    db.finish().await;
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
            let notice = MailItem {
                kind: gopy_domain::NoticeKind::CommentPosted,
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
        let render_rate = rows as f64 / took.as_secs_f64();
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
        let eml_rate = drain("baseline: drain into .eml files", &db, String::new(), &scratch.join("eml"), rows).await;
        db.finish().await;

        // The measure: the whole worker, to aiosmtpd storing every mail in a
        // Maildir (as the tests' server does), then to one that discards them.
        for handler in [Handler::Mailbox, Handler::Sink] {
            over_smtp(handler, &scratch, rows, render_rate, eml_rate).await;
        }
        let _ = std::fs::remove_dir_all(&scratch);
        println!("worker peak memory (VmHWM, whole process): {} KiB", peak_memory_kib());
    });
}
