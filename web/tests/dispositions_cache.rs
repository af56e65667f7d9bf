//! The table of dispositions is built once per state of its report: a
//! reader whose copy is current gets `304 Not Modified`, the files made
//! from it are kept and served again until the report changes, and a kept
//! file is the same, byte for byte, as one made afresh. The report page,
//! its timeline and a diff revalidate the same way. A new comment changes
//! the report, so each comes back whole with a new tag.
//!
//! The requests go through the real router in-process, on SQLite and on
//! PostgreSQL.

mod support;

use std::net::SocketAddr;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::organisation::NewUser;
use gopy_app::reports::VersionInput;
use gopy_app::{App, Client};
use gopy_documents::ImportLimits;
use gopy_domain::{Actor, CommitteeRole, DispositionKind, GlobalRole, Language, ReportId};
use gopy_store::testing::TestDatabase;
use gopy_web::{AppState, Settings, routes, server};
use tower::ServiceExt;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/reports/so-ket-giua-nhiem-ky.v1.md");
const PASSWORD: &str = "Mật khẩu đủ dài 2023!";

struct Site {
    db_store: gopy_store::SeaStore,
    state: AppState,
    router: Router,
    app: App,
    cookies: String,
    report: ReportId,
    member: Actor,
}

fn new_user(email: &str, name: &str, roles: Vec<GlobalRole>) -> NewUser {
    NewUser { email: email.into(), name: name.into(), title: None, body: None, language: Language::Vi, global_roles: roles }
}

fn state_on(db: &TestDatabase) -> AppState {
    let settings = Settings::load(None).expect("settings");
    let (_stop, stopping) = tokio::sync::watch::channel(false);
    let addr: SocketAddr = "127.0.0.1:8080".parse().expect("address");
    server::app_state(db.store.clone(), settings, addr, stopping).expect("state")
}

/// A report with ten comments on its first version, every third answered.
async fn site(db: &TestDatabase) -> Site {
    let state = state_on(db);
    let app = state.app.clone();
    let router = server::with_middleware(routes::router(state.clone()), &state.settings);
    let office = app.create_user(None, new_user("vp@tinhuy.vn", "Lê Văn Phòng", vec![GlobalRole::Secretariat])).await.expect("office");
    let secret = app.password_reset_link(None, office.id).await.expect("link");
    app.set_password_with_link(&secret, PASSWORD).await.expect("password");
    let body = app.create_body(None, "Ban Tuyên giáo Tỉnh ủy").await.expect("body");
    let committee = app.create_committee(None, "Ban Thường vụ Tỉnh ủy").await.expect("committee");
    let lead = app.create_user(None, new_user("tbt@tinhuy.vn", "Nguyễn Tổ Trưởng", vec![])).await.expect("lead");
    let member = app.create_user(None, new_user("uv@tinhuy.vn", "Trần Ủy Viên", vec![])).await.expect("member");
    app.add_membership(None, committee.id, member.id, CommitteeRole::Member).await.expect("seat");
    let secretariat = app.actor_of(office.id).await.expect("actor");
    let report = support::mid_term_review(&app, &secretariat, body.id, committee.id, lead.id).await;
    let lead = app.actor_of(lead.id).await.expect("actor");
    let member = app.actor_of(member.id).await.expect("actor");
    let bytes = std::fs::read(FIXTURE).expect("fixture");
    let v1 = app
        .add_version(&lead, report.id, VersionInput::File { bytes, file_name: Some("v1.md".into()) }, "", &ImportLimits::default())
        .await
        .expect("v1");
    for k in 0..10 {
        let block = &v1.blocks[k * 3 % v1.blocks.len()];
        let posted = app.post_comment(&member, report.id, comment(Some(block.id.to_string()), k)).await.expect("comment");
        if k % 3 == 0 {
            app.answer_comment(&lead, (posted.id, None), DispositionKind::Accepted, "Tổ biên tập tiếp thu.", None).await.expect("answer");
        }
    }
    let signed_in = app.sign_in("vp@tinhuy.vn", PASSWORD, &Client::default()).await.expect("signed in");
    Site {
        db_store: db.store.clone(),
        state,
        router,
        app,
        cookies: format!("gopy_session={}; gopy_csrf={}", signed_in.session_secret, "c".repeat(64)),
        report: report.id,
        member,
    }
}

fn comment(block: Option<String>, k: usize) -> NewComment {
    NewComment {
        version: 1,
        anchor: NewAnchor { block, ..NewAnchor::default() },
        body: format!("Góp ý số {k}: đề nghị bổ sung số liệu."),
        on_behalf_of: None,
        at_meeting: false,
    }
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    statements: u64,
}

impl Site {
    async fn get_on(&self, router: &Router, path: &str, tag: Option<&str>) -> Answer {
        let mut request = Request::get(path).header(header::COOKIE, &self.cookies);
        if let Some(tag) = tag {
            request = request.header(header::IF_NONE_MATCH, tag);
        }
        let mut request = request.body(Body::empty()).expect("request");
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let before = self.db_store.statements_run();
        let response = router.clone().oneshot(request).await.expect("a response");
        let (status, headers) = (response.status(), response.headers().clone());
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        Answer { status, headers, body, statements: self.db_store.statements_run() - before }
    }

    async fn get(&self, path: &str, tag: Option<&str>) -> Answer {
        self.get_on(&self.router, path, tag).await
    }
}

fn etag(answer: &Answer) -> String {
    answer.headers.get(header::ETAG).and_then(|v| v.to_str().ok()).expect("an ETag").to_owned()
}

async fn the_table_is_revalidated_kept_and_rebuilt_when_the_report_changes(db: &TestDatabase) {
    let s = site(db).await;
    let id = s.report;
    let files = [
        format!("/reports/{id}/dispositions.csv"),
        format!("/reports/{id}/dispositions.docx"),
        format!("/reports/{id}/dispositions.xlsx"),
        format!("/api/v1/reports/{id}/dispositions"),
    ];
    let mut held = Vec::new();
    for path in &files {
        let first = s.get(path, None).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        let tag = etag(&first);
        assert!(!first.body.is_empty(), "{path}");

        let again = s.get(path, Some(&tag)).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}: the reader's copy is current");
        assert!(again.body.is_empty(), "{path}: a 304 has no body");
        assert_eq!(etag(&again), tag, "{path}");

        let kept = s.get(path, None).await;
        assert_eq!(kept.status, StatusCode::OK, "{path}");
        assert_eq!(kept.body, first.body, "{path}: the kept file is served");
        assert_eq!(etag(&kept), tag, "{path}");
        assert!(
            kept.statements < first.statements,
            "{path}: a kept file is sent without reading the comments again ({} statements, {} when made)",
            kept.statements,
            first.statements
        );

        // A server that has kept nothing makes the same file.
        let fresh_state = state_on(db);
        let fresh_router = server::with_middleware(routes::router(fresh_state.clone()), &fresh_state.settings);
        let fresh = s.get_on(&fresh_router, path, None).await;
        assert_eq!(fresh.status, StatusCode::OK, "{path}");
        assert_eq!(fresh.body, kept.body, "{path}: the kept file is the one made afresh");
        assert_eq!(etag(&fresh), tag, "{path}");
        held.push((tag, first.body));
    }
    assert_eq!(s.state.exports.size().0, files.len(), "one file kept per format");

    // The page is tagged too, for its reader.
    let page_path = format!("/reports/{id}/dispositions");
    let page = s.get(&page_path, None).await;
    assert_eq!(page.status, StatusCode::OK);
    let page_tag = etag(&page);
    assert_eq!(s.get(&page_path, Some(&page_tag)).await.status, StatusCode::NOT_MODIFIED);

    // The other pages about the report are tagged alike.
    let mut pages = Vec::new();
    for path in [format!("/reports/{id}"), format!("/reports/{id}/timeline"), format!("/reports/{id}/diff?from=1&to=1")] {
        let page = s.get(&path, None).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let tag = etag(&page);
        let again = s.get(&path, Some(&tag)).await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}: unchanged");
        assert!(again.statements < page.statements, "{path}: nothing is built for a 304");
        pages.push((path, tag));
    }

    // A new comment changes the report: every form of the table is new.
    s.app.post_comment(&s.member, id, comment(None, 99)).await.expect("a new comment");
    for (path, tag) in &pages {
        let changed = s.get(path, Some(tag)).await;
        assert_eq!(changed.status, StatusCode::OK, "{path}: changed with the report");
        assert_ne!(&etag(&changed), tag, "{path}");
    }
    for (path, (old_tag, old_body)) in files.iter().zip(&held) {
        let changed = s.get(path, Some(old_tag)).await;
        assert_eq!(changed.status, StatusCode::OK, "{path}: the held copy is stale");
        assert_ne!(&etag(&changed), old_tag, "{path}: with a new tag");
        assert_ne!(&changed.body, old_body, "{path}: and a new table");
    }
    let csv = String::from_utf8(s.get(&files[0], None).await.body.to_vec()).expect("utf-8");
    assert!(csv.contains("Góp ý số 99"), "the new comment is in the table: {csv}");
    let changed_page = s.get(&page_path, Some(&page_tag)).await;
    assert_eq!(changed_page.status, StatusCode::OK, "the page is built again");
    assert_ne!(etag(&changed_page), page_tag, "with a new tag");
}

#[tokio::test]
async fn the_table_of_dispositions_is_revalidated_kept_and_rebuilt_on_sqlite() {
    let db = TestDatabase::sqlite().await;
    the_table_is_revalidated_kept_and_rebuilt_when_the_report_changes(&db).await;
    db.finish().await;
}

#[tokio::test]
async fn the_table_of_dispositions_is_revalidated_kept_and_rebuilt_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    the_table_is_revalidated_kept_and_rebuilt_when_the_report_changes(&db).await;
    db.finish().await;
}
