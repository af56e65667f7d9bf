//! Several instances on one PostgreSQL database, as behind a load balancer:
//! two `gopy serve` and two `gopy worker` processes. A comment posted
//! through one instance reaches a page open on the other (LISTEN/NOTIFY),
//! also after the database went away and came back, and every mail is sent
//! once.

use std::collections::HashSet;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use gopy_tests::{Mail, PrivateCluster, Server, SmtpServer, gopy_command};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::reports::{Setup, setup_on, upload};

/// A `gopy worker`, stopped when dropped.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An open live stream, read until a deadline.
struct Stream {
    response: reqwest::Response,
    seen: String,
}

impl Stream {
    async fn open(s: &Setup, server: &Server) -> Self {
        let response = s.http.get(server.url(&format!("/reports/{}/events", s.report))).send().await.expect("events");
        assert_eq!(response.status(), StatusCode::OK);
        Self { response, seen: String::new() }
    }

    /// Whether `wanted` arrives on the stream within `within`.
    async fn hears(&mut self, wanted: &str, within: Duration) -> bool {
        let (response, seen) = (&mut self.response, &mut self.seen);
        let heard = tokio::time::timeout(within, async {
            while !seen.contains(wanted) {
                match response.chunk().await.expect("the stream") {
                    Some(chunk) => seen.push_str(&String::from_utf8_lossy(&chunk)),
                    None => return false,
                }
            }
            true
        })
        .await;
        heard == Ok(true)
    }
}

async fn post_comment(s: &Setup, on: &Server, body: &str) -> String {
    let posted = s
        .http
        .post(on.url(&format!("/api/v1/reports/{}/comments", s.report)))
        .bearer_auth(&s.member_token)
        .json(&json!({ "version": 1, "body": body }))
        .send()
        .await
        .expect("comment");
    assert_eq!(posted.status(), StatusCode::CREATED);
    let posted: Value = posted.json().await.expect("json");
    posted["id"].as_str().expect("an id").to_owned()
}

#[tokio::test]
async fn a_comment_posted_on_one_instance_appears_on_the_other_and_each_mail_goes_once() {
    let Some(cluster) = PrivateCluster::start() else { return };
    let smtp = SmtpServer::start();
    let vars = [
        ("GOPY__DATABASE__URL", cluster.url()),
        ("GOPY__MAIL__SMTP_URL", smtp.url()),
        ("GOPY__MAIL__POLL_INTERVAL_MS", "100".to_owned()),
        ("GOPY__MAIL__RETRY_BASE_SECS", "1".to_owned()),
        // Only the two workers send.
        ("GOPY__MAIL__WORKER_IN_SERVE", "false".to_owned()),
    ];
    let env: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let s = setup_on(Server::start_with(&[], &env)).await;
    let other = Server::start_with(&[], &env);
    let workers: Vec<Worker> = (0..2)
        .map(|_| {
            let child = gopy_command(s.server.dir.path(), &["worker"], &env)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .spawn()
                .expect("gopy worker starts");
            Worker(child)
        })
        .collect();
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);

    // Open on the second instance, posted through the first.
    let mut stream = Stream::open(&s, &other).await;
    let first = post_comment(&s, &s.server, "Ý kiến gửi qua máy chủ thứ nhất.").await;
    assert!(stream.hears(&first, Duration::from_secs(1)).await, "the stream said: {}", stream.seen);
    assert!(stream.seen.contains("event: change") && stream.seen.contains("\"kind\":\"posted\""), "{}", stream.seen);
    // The card the page then fetches, from the instance it is open on.
    let card = s.http.get(other.url(&format!("/comments/{first}/card"))).send().await.expect("card");
    assert!(card.text().await.expect("html").contains("Ý kiến gửi qua máy chủ thứ nhất."));

    // The database goes away and comes back: the second instance listens
    // again and tells its pages to reload what they may have missed.
    cluster.stop();
    cluster.resume();
    assert!(stream.hears("event: reload", Duration::from_secs(30)).await, "the stream said: {}", stream.seen);
    let second = post_comment(&s, &s.server, "Ý kiến sau khi cơ sở dữ liệu trở lại.").await;
    assert!(stream.hears(&second, Duration::from_secs(1)).await, "the stream said: {}", stream.seen);

    // A new version made on the first instance is told on the second too.
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v2.docx", "").await.status(), StatusCode::CREATED);
    assert!(stream.hears("\"kind\":\"version\"", Duration::from_secs(1)).await, "the stream said: {}", stream.seen);
    // So is a round opened there; both ask the page to show the report anew.
    let deadline = (time::OffsetDateTime::now_utc() + time::Duration::days(2))
        .format(&time::format_description::well_known::Rfc3339)
        .expect("a time");
    let opened = s
        .http
        .post(s.server.url(&format!("/api/v1/reports/{}/transitions", s.report)))
        .bearer_auth(&s.admin_token)
        .json(&json!({ "action": "open_round", "deadline": deadline }))
        .send()
        .await
        .expect("open a round");
    assert_eq!(opened.status(), StatusCode::OK);
    assert!(stream.hears("\"kind\":\"round\"", Duration::from_secs(1)).await, "the stream said: {}", stream.seen);
    assert_eq!(stream.seen.matches("event: report").count(), 2, "{}", stream.seen);

    // Each comment reaches the drafting team in one mail (alone or in a
    // digest), whichever worker sends it.
    let telling = |mails: &[Mail], comment: &str| mails.iter().filter(|m| m.text.contains(&format!("#comment-{comment}"))).count();
    let deadline = Instant::now() + Duration::from_secs(60);
    while (telling(&smtp.messages(), &first) == 0 || telling(&smtp.messages(), &second) == 0) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Both workers poll every 100 ms: a second copy would be here by now.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails = smtp.messages();
    let subjects: Vec<String> = mails.iter().map(Mail::subject).collect();
    assert_eq!(telling(&mails, &first), 1, "{subjects:?}");
    assert_eq!(telling(&mails, &second), 1, "{subjects:?}");
    let ids: HashSet<String> = mails.iter().map(Mail::message_id).collect();
    assert_eq!(ids.len(), mails.len(), "no mail twice: {subjects:?}");
    drop(workers);
}
