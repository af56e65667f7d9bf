//! Crash safety: sixteen clients post comments through the API while the
//! server is killed with SIGKILL at a random moment; after a restart every
//! comment that was answered 201 is there exactly once with its outbox row,
//! and every one of those mails reaches a real SMTP server. Every fourth
//! post has an anchor outside its passage: refused with 422 inside the same
//! group commits as the good ones, none of those is there.
//!
//! The kill moments come from a seeded generator; the seed is printed, and
//! `GOPY_CRASH_SEED=N` replays a run. The server killed is the release
//! `gopy` that `scripts/test` builds (`GOPY_RELEASE_BIN`), the binary that
//! is deployed; run alone without it, the test says so and uses the debug
//! one.
//!
//! The default test command runs 3 rounds per engine; `GOPY_CRASH_ROUNDS=20
//! scripts/test -E 'test(/crash::/)'` runs the full count.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use gopy_store::testing::TestDatabase;
use gopy_tests::{Server, SmtpServer, TempDir, release_gopy_bin};
use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, Database, Statement};
use serde_json::{Value, json};
use tokio::sync::Mutex;

use crate::reports::{setup_on, upload};

/// Rounds per engine unless `GOPY_CRASH_ROUNDS` says otherwise.
const ROUNDS: usize = 3;
const CLIENTS: usize = 16;
/// The kill comes this long after the clients start, at random in between.
const KILL_AFTER_MS: std::ops::Range<u64> = 300..2500;

/// How many kill rounds to run per engine.
fn rounds() -> usize {
    match std::env::var("GOPY_CRASH_ROUNDS") {
        Ok(raw) => raw.parse().ok().filter(|n| *n > 0).unwrap_or_else(|| panic!("GOPY_CRASH_ROUNDS={raw} is not a count of rounds")),
        Err(_) => ROUNDS,
    }
}

/// SplitMix64: enough randomness for kill moments, and replayable.
struct Seeded(u64);

impl Seeded {
    fn from_env() -> Self {
        let seed = std::env::var("GOPY_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
        });
        eprintln!("crash test seed: {seed} (replay with GOPY_CRASH_SEED={seed})");
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn in_range(&mut self, range: std::ops::Range<u64>) -> u64 {
        range.start + self.next() % (range.end - range.start)
    }
}

/// Where a round's database lives; it outlives the killed server.
enum Place {
    Sqlite(TempDir),
    Postgres(TestDatabase),
}

impl Place {
    fn url(&self) -> String {
        match self {
            Self::Sqlite(dir) => format!("sqlite://{}/gopy.db", dir.path().display()),
            Self::Postgres(db) => db.url.clone(),
        }
    }

    async fn finish(self) {
        if let Self::Postgres(db) = self {
            db.finish().await;
        }
    }
}

/// What the clients were told: comment id → the body they sent.
type Acknowledged = Arc<Mutex<BTreeMap<String, String>>>;

/// The bodies of the posts answered with an error (422).
type Refused = Arc<Mutex<BTreeSet<String>>>;

/// Where a bad post points: a block of version 1, and offsets past its end.
#[derive(Clone)]
struct Outside {
    block: String,
    start: usize,
}

/// Posts comments until the server stops answering; records each 201.
/// Ends when a request gets no whole answer (the kill), which may or may
/// not have been committed: it was not acknowledged, so either is right.
async fn client_posts(
    http: reqwest::Client,
    url: String,
    token: String,
    client: usize,
    outside: Outside,
    acknowledged: Acknowledged,
    refused: Refused,
) {
    for n in 0.. {
        let bad = n % 4 == 3;
        let (body, request) = if bad {
            let body = format!("Ý kiến sai chỗ của máy khách {client}, số {n}.");
            let request = json!({ "version": 1, "body": body, "block": outside.block, "start": outside.start, "end": outside.start + 2 });
            (body, request)
        } else {
            let body = format!("Ý kiến của máy khách {client}, số {n}.");
            (body.clone(), json!({ "version": 1, "body": body }))
        };
        let Ok(response) = http.post(&url).bearer_auth(&token).json(&request).send().await else {
            return;
        };
        match response.status() {
            StatusCode::CREATED if !bad => {
                let Ok(posted) = response.json::<Value>().await else { return };
                let id = posted["id"].as_str().expect("an id").to_owned();
                assert!(acknowledged.lock().await.insert(id, body).is_none(), "an id handed out twice");
            }
            StatusCode::UNPROCESSABLE_ENTITY if bad => {
                refused.lock().await.insert(body);
            }
            other => panic!("client {client}: {other} before the kill for {request}: {:?}", response.text().await),
        }
    }
}

/// The comment ids named by `comment.posted` outbox rows, each with how many
/// rows name it, read straight from the database.
async fn outbox_rows_by_comment(url: &str) -> BTreeMap<String, usize> {
    let db = Database::connect(url).await.expect("the database opens");
    let backend = db.get_database_backend();
    let sql = "SELECT CAST(payload AS TEXT) AS payload FROM outbox WHERE kind = 'comment.posted'";
    let rows = db.query_all_raw(Statement::from_string(backend, sql)).await.expect("outbox rows");
    let mut counts = BTreeMap::new();
    for row in rows {
        let payload: String = row.try_get("", "payload").expect("payload");
        let payload: Value = serde_json::from_str(&payload).expect("a JSON payload");
        *counts.entry(payload["comment"].as_str().expect("a comment id").to_owned()).or_insert(0) += 1;
    }
    let _ = db.close().await;
    counts
}

fn served_env(url: &str, smtp: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GOPY__DATABASE__URL", url.to_owned()),
        ("GOPY__MAIL__SMTP_URL", smtp.to_owned()),
        ("GOPY__MAIL__POLL_INTERVAL_MS", "100".to_owned()),
        ("GOPY__MAIL__RETRY_BASE_SECS", "1".to_owned()),
        ("GOPY__MAIL__MAX_ATTEMPTS", "50".to_owned()),
        // Rows the killed worker had claimed are free again after this.
        ("GOPY__MAIL__LEASE_SECS", "10".to_owned()),
        ("GOPY__MAIL__SMTP_TIMEOUT_SECS", "5".to_owned()),
    ]
}

async fn one_round(place: &Place, kill_after: Duration, round: usize, engine: &str) {
    let smtp = SmtpServer::start();
    let url = place.url();
    let env = served_env(&url, &smtp.url());
    let pairs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let s = setup_on(Server::start_binary(&release_gopy_bin(), &[], &pairs)).await;
    let version = upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await;
    assert_eq!(version.status(), StatusCode::CREATED);
    let version: Value = version.json().await.expect("json");
    let block = &version["blocks"][2];
    let outside = Outside {
        block: block["id"].as_str().expect("a block id").to_owned(),
        start: block["text"].as_str().expect("text").chars().count() + 1,
    };

    let acknowledged: Acknowledged = Arc::default();
    let refused: Refused = Arc::default();
    let post_url = s.server.url(&format!("/api/v1/reports/{}/comments", s.report));
    let http = reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("a client");
    let clients: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (url, token) = (post_url.clone(), s.member_token.clone());
            tokio::spawn(client_posts(http.clone(), url, token, c, outside.clone(), acknowledged.clone(), refused.clone()))
        })
        .collect();
    tokio::time::sleep(kill_after).await;
    let crate::reports::Setup { server, member_token, report, .. } = s;
    server.kill();
    for client in clients {
        client.await.expect("a client task");
    }
    let acknowledged = std::mem::take(&mut *acknowledged.lock().await);
    assert!(!acknowledged.is_empty(), "no comment was acknowledged before the kill");
    let refused = std::mem::take(&mut *refused.lock().await);

    let restarted = Server::start_binary(&release_gopy_bin(), &[], &pairs);
    let listed: Value = http
        .get(restarted.url(&format!("/api/v1/reports/{report}/comments")))
        .bearer_auth(&member_token)
        .send()
        .await
        .expect("comments")
        .json()
        .await
        .expect("json");
    let threads = listed["threads"].as_array().expect("threads");
    let mut bodies: BTreeMap<String, usize> = BTreeMap::new();
    let mut ids = BTreeSet::new();
    for thread in threads {
        ids.insert(thread["comment"]["id"].as_str().expect("id").to_owned());
        *bodies.entry(thread["comment"]["body"].as_str().expect("body").to_owned()).or_insert(0) += 1;
    }
    for (id, body) in &acknowledged {
        assert!(ids.contains(id), "round {round}: comment {id} was answered 201 but is gone after the crash");
        assert_eq!(bodies.get(body), Some(&1), "round {round}: {body:?} is stored {:?} times", bodies.get(body));
    }
    assert!(bodies.values().all(|&n| n == 1), "no comment stored twice");
    let stored_refused: Vec<&String> = refused.iter().filter(|body| bodies.contains_key(*body)).collect();
    assert!(stored_refused.is_empty(), "round {round}: answered 422 yet stored: {stored_refused:?}");
    let outbox = outbox_rows_by_comment(&url).await;
    for id in acknowledged.keys() {
        assert_eq!(outbox.get(id), Some(&1), "round {round}: comment {id} has {:?} outbox rows, not one", outbox.get(id));
    }

    // Every acknowledged comment's mail reaches the SMTP server (at least
    // once: a mail sent just before the kill, not yet marked, goes again).
    let deadline = Instant::now() + Duration::from_secs(120);
    let (mut missing, mut mails) = (acknowledged.len(), Vec::new());
    while Instant::now() < deadline {
        mails = smtp.messages();
        missing = acknowledged.keys().filter(|id| !mails.iter().any(|m| m.text.contains(&format!("#comment-{id}")))).count();
        if missing == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let mentions: usize = ids.iter().map(|id| mails.iter().filter(|m| m.text.contains(&format!("#comment-{id}"))).count()).sum();
    // A mail sent again keeps its Message-ID, so a mail client shows it once.
    let comment_mails: Vec<_> = mails.iter().filter(|m| m.text.contains("#comment-")).collect();
    let message_ids: BTreeSet<String> = comment_mails.iter().map(|m| m.message_id()).collect();
    eprintln!(
        "crash {engine} round {round}: killed after {} ms; {} comments answered 201, {} stored \
         ({} committed as the answer was cut off); {} refused with 422, none stored; {} outbox rows; {} mails, naming stored comments {mentions} times \
         ({} sent again after the restart; {} comment mails under {} Message-IDs); {missing} missing",
        kill_after.as_millis(),
        acknowledged.len(),
        ids.len(),
        ids.len() - acknowledged.len(),
        refused.len(),
        outbox.values().sum::<usize>(),
        mails.len(),
        mentions.saturating_sub(ids.len()),
        comment_mails.len(),
        message_ids.len(),
    );
    assert_eq!(missing, 0, "round {round}: {missing} of {} mails never arrived", acknowledged.len());
    drop(restarted);
}

#[tokio::test]
async fn comments_answered_201_survive_sigkill_with_their_mail_on_sqlite() {
    let mut seeded = Seeded::from_env();
    for round in 1..=rounds() {
        let place = Place::Sqlite(TempDir::new());
        one_round(&place, Duration::from_millis(seeded.in_range(KILL_AFTER_MS)), round, "sqlite").await;
        place.finish().await;
    }
}

#[tokio::test]
async fn comments_answered_201_survive_sigkill_with_their_mail_on_postgresql() {
    let mut seeded = Seeded::from_env();
    for round in 1..=rounds() {
        let Some(db) = TestDatabase::postgres().await else { return };
        let place = Place::Postgres(db);
        one_round(&place, Duration::from_millis(seeded.in_range(KILL_AFTER_MS)), round, "postgresql").await;
        place.finish().await;
    }
}
