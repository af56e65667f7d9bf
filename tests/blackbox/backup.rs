//! `gopy backup` and `gopy restore` on both engines: a review story backed up
//! while the server runs, restored into a fresh database and served again,
//! shows every report, version, comment and disposition as before.

use gopy_store::testing::TestDatabase;
use gopy_tests::{Server, TempDir, run_gopy, single_error_line};
use reqwest::StatusCode;
use serde_json::Value;

use crate::comments::{first_round, fixture_comments};
use crate::reports::{Setup, setup_on, upload};

/// What the API shows of the story, as the admin reads it.
async fn listings(s: &Setup, base: &str) -> Vec<(String, Value)> {
    let report = &s.report;
    let paths = [
        "/api/v1/reports".to_owned(),
        format!("/api/v1/reports/{report}"),
        format!("/api/v1/reports/{report}/versions/1"),
        format!("/api/v1/reports/{report}/versions/2"),
        format!("/api/v1/reports/{report}/comments"),
        format!("/api/v1/reports/{report}/dispositions"),
        format!("/api/v1/reports/{report}/timeline"),
    ];
    let mut found = Vec::new();
    for path in paths {
        let response = s.http.get(format!("{base}{path}")).bearer_auth(&s.admin_token).send().await.expect("request");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        found.push((path, response.json().await.expect("json")));
    }
    found
}

/// The report with two versions and the fixture's comments, each answered.
async fn story(server: Server) -> Setup {
    let s = setup_on(server).await;
    let comments = first_round(&s).await;
    assert_eq!(comments.len(), fixture_comments().len());
    assert_eq!(upload(&s, "so-ket-giua-nhiem-ky.v2.docx", "Tiếp thu ý kiến").await.status(), StatusCode::CREATED);
    s
}

fn succeeded(output: &std::process::Output) -> String {
    assert!(output.status.success(), "gopy failed: {}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Backs the story up from `before` (still serving), restores it into the
/// database at `fresh_url`, serves that, and compares the listings.
async fn backed_up_and_restored(before: Setup, fresh_url: &str, file_name: &str) {
    let expected = listings(&before, &before.server.base).await;
    let comments = expected.iter().find(|(p, _)| p.ends_with("/comments")).map(|(_, v)| v.to_string()).unwrap_or_default();
    for answer in ["\"accepted\"", "\"partly_accepted\"", "\"explained\""] {
        assert!(comments.contains(answer), "the story has {answer} dispositions: {comments}");
    }

    let folder = TempDir::new();
    let file = folder.path().join(file_name);
    let file_arg = file.to_str().expect("a UTF-8 path");
    let said = succeeded(&before.server.gopy(&["backup", file_arg]));
    assert!(said.starts_with("Backed up the database at "), "{said}");
    let again = before.server.gopy(&["backup", file_arg]);
    assert!(single_error_line(&again).contains("already exists"), "a backup never overwrites a file");

    let refused = before.server.gopy(&["restore", file_arg]);
    let line = single_error_line(&refused);
    assert!(line.contains("already holds data") && line.contains("--force"), "{line}");

    let restored_dir = TempDir::new();
    let fresh = [("GOPY__DATABASE__URL", fresh_url)];
    let said = succeeded(&run_gopy(restored_dir.path(), &["restore", file_arg], &fresh));
    assert!(said.starts_with("Restored "), "{said}");
    let after = Server::start_with(&[], &fresh);
    let restored = Setup { server: after, ..before };
    let found = listings(&restored, &restored.server.base).await;
    assert_eq!(found.len(), expected.len());
    for ((path, want), (_, got)) in expected.iter().zip(&found) {
        assert_eq!(got, want, "{path} differs after the restore");
    }
    // The restored database is live: it takes new comments.
    let posted = restored
        .http
        .post(restored.server.url(&format!("/api/v1/reports/{}/comments", restored.report)))
        .bearer_auth(&restored.member_token)
        .json(&serde_json::json!({ "version": 2, "body": "Ý kiến sau khi khôi phục." }))
        .send()
        .await
        .expect("post");
    assert_eq!(posted.status(), StatusCode::CREATED);

    // --force replaces a database that holds data: the new comment is gone.
    let Setup { server, http, admin_token, drafter_token, member_token, drafter_link, member_link, report } = restored;
    drop(server);
    let said = succeeded(&run_gopy(restored_dir.path(), &["restore", "--force", file_arg], &fresh));
    assert!(said.starts_with("Restored "), "{said}");
    let server = Server::start_with(&[], &fresh);
    let again = Setup { server, http, admin_token, drafter_token, member_token, drafter_link, member_link, report };
    assert_eq!(listings(&again, &again.server.base).await, expected, "after restore --force");
}

#[tokio::test]
async fn an_sqlite_backup_made_while_serving_restores_every_report_version_comment_and_disposition() {
    let s = story(Server::start()).await;
    let fresh = TempDir::new();
    let url = format!("sqlite://{}/gopy.db", fresh.path().display());
    backed_up_and_restored(s, &url, "gopy-backup.db").await;

    let dir = TempDir::new();
    let dump = dir.path().join("not-sqlite.dump");
    std::fs::write(&dump, b"PGDMP\x01\x0e\x00").expect("write");
    let out = run_gopy(dir.path(), &["restore", dump.to_str().expect("utf-8")], &[]);
    assert!(single_error_line(&out).contains("is not an SQLite database file"));
}

#[tokio::test]
async fn a_postgresql_backup_made_while_serving_restores_every_report_version_comment_and_disposition() {
    let Some(source) = TestDatabase::postgres().await else { return };
    let Some(target) = TestDatabase::postgres().await else { return };
    let s = story(Server::start_with(&[], &[("GOPY__DATABASE__URL", &source.url)])).await;
    // The target is migrated and empty: pg_restore --clean replaces its schema.
    backed_up_and_restored(s, &target.url, "gopy-backup.dump").await;
    source.finish().await;
    target.finish().await;
}
