//! Requests abandoned mid-flight leave nothing behind: clients that give up
//! after a few milliseconds, many at once, cut requests in the middle of
//! their units of work (while beginning, querying, committing); afterwards
//! the same server answers a clean run without error, and PostgreSQL has
//! logged no warning or error (such as "there is already a transaction in
//! progress", the sign of a connection returned to the pool mid-transaction).

use std::time::Duration;

use gopy_tests::{PrivateCluster, Server};
use reqwest::StatusCode;
use serde_json::json;

use crate::reports::{Setup, setup_on, upload};

const CLIENTS: u64 = 16;
const ROUNDS: u64 = 40;

/// One request of the mix: a comment (a write) or the version page (a read).
fn request(s: &Setup, n: u64) -> reqwest::RequestBuilder {
    if n.is_multiple_of(2) {
        s.http
            .post(s.server.url(&format!("/api/v1/reports/{}/comments", s.report)))
            .bearer_auth(&s.member_token)
            .json(&json!({ "version": 1, "body": format!("Ý kiến số {n}.") }))
    } else {
        s.http.get(s.server.url(&format!("/reports/{}/versions/1", s.report)))
    }
}

/// Clients that give up after a few milliseconds, many at once; then a
/// clean run, every request of which must be answered 2xx.
async fn abandon_then_run_clean(s: Setup) {
    let s = std::sync::Arc::new(s);
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let s = std::sync::Arc::clone(&s);
            tokio::spawn(async move {
                for round in 0..ROUNDS {
                    let n = client * ROUNDS + round;
                    // Spread over 1 to 40 ms: some give up before their unit
                    // begins, some during it, some after it.
                    let patience = Duration::from_millis(1 + (n * 7 + client * 13) % 40);
                    let _ = request(&s, n).timeout(patience).send().await;
                }
            })
        })
        .collect();
    for client in clients {
        client.await.expect("a client");
    }
    for n in 0..40 {
        let response = request(&s, n).send().await.expect("an answer");
        let status = response.status();
        assert!(status.is_success(), "request {n} was answered {status}: {}", response.text().await.unwrap_or_default());
    }
}

#[tokio::test]
async fn requests_abandoned_mid_flight_leave_no_transaction_open_on_postgresql() {
    let Some(cluster) = PrivateCluster::start() else { return };
    let url = cluster.url();
    // A short limit, so the server's own timeout cuts some requests too.
    let env = [("GOPY__DATABASE__URL", url.as_str()), ("GOPY__SERVER__REQUEST_TIMEOUT_SECS", "1")];
    let s = setup_on(Server::start_with(&[], &env)).await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    let logged_before = cluster.log_text().len();
    abandon_then_run_clean(s).await;
    let log = cluster.log_text();
    let troubles: Vec<&str> = log[logged_before..]
        .lines()
        // By severity. A connection closed in the middle of a query is
        // logged at LOG level ("unexpected EOF on client connection with an
        // open transaction"): sqlx closes a connection whose state it cannot
        // know rather than pool it, and PostgreSQL rolls the transaction
        // back; nothing is left open on a pooled connection. Pooling one
        // mid-transaction shows as a WARNING ("there is already a
        // transaction in progress"), which is what this looks for.
        .filter(|line| ["WARNING:", "ERROR:", "FATAL:", "PANIC:"].iter().any(|sign| line.contains(sign)))
        .collect();
    assert!(troubles.is_empty(), "PostgreSQL logged:\n{}", troubles.join("\n"));
}

#[tokio::test]
async fn requests_abandoned_mid_flight_leave_the_sqlite_writer_and_readers_serving() {
    let s = setup_on(Server::start_with(&[], &[("GOPY__SERVER__REQUEST_TIMEOUT_SECS", "1")])).await;
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v1.md", "").await.status(), StatusCode::CREATED);
    abandon_then_run_clean(s).await;
}
