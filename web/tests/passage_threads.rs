//! A passage's threads on demand, through the real router in-process, on
//! SQLite and PostgreSQL: the JSON route's filters (awaiting an answer,
//! mine, by the author's body, by disposition) and its cursor, which walks
//! every thread once in the order of the document; the page and the
//! fragment the script loads; refused filters; and `304 Not Modified` when
//! the reader's copy is current, until the report changes.

mod support;

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::organisation::NewUser;
use gopy_app::reports::VersionInput;
use gopy_app::{App, Client};
use gopy_documents::ImportLimits;
use gopy_domain::{Actor, BodyId, CommitteeRole, DispositionKind, GlobalRole, Language, ReportId};
use gopy_store::testing::TestDatabase;
use gopy_web::{Settings, routes, server};
use serde_json::Value;
use tower::ServiceExt;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/reports/");
const PASSWORD: &str = "Mật khẩu đủ dài 2023!";

struct Site {
    router: Router,
    app: App,
    report: ReportId,
    block: String,
    /// The secretariat's token and session cookie.
    token: String,
    cookies: String,
    body: BodyId,
    lead: Actor,
}

fn new_user(email: &str, name: &str, body: Option<BodyId>, roles: Vec<GlobalRole>) -> NewUser {
    NewUser { email: email.into(), name: name.into(), title: None, body, language: Language::Vi, global_roles: roles }
}

/// A report whose busiest passage has 7 comments: 3 by a member of the
/// Propaganda Department (the first answered), 4 by the secretariat (the
/// last withdrawn); and one comment on the whole report.
async fn site(db: &TestDatabase) -> Site {
    let settings = Settings::load(None).expect("settings");
    let (_stop, stopping) = tokio::sync::watch::channel(false);
    let addr: SocketAddr = "127.0.0.1:8080".parse().expect("address");
    let state = server::app_state(db.store.clone(), settings, addr, stopping).expect("state");
    let app = state.app.clone();
    let router = server::with_middleware(routes::router(state.clone()), &state.settings);

    let body = app.create_body(None, "Ban Tuyên giáo Tỉnh ủy").await.expect("body");
    let office = app
        .create_user(None, new_user("vp@tinhuy.vn", "Lê Văn Phòng", None, vec![GlobalRole::Secretariat]))
        .await
        .expect("secretariat");
    let secret = app.password_reset_link(None, office.id).await.expect("link");
    app.set_password_with_link(&secret, PASSWORD).await.expect("password");
    let committee = app.create_committee(None, "Ban Thường vụ Tỉnh ủy").await.expect("committee");
    let lead = app.create_user(None, new_user("tbt@tinhuy.vn", "Nguyễn Tổ Trưởng", None, vec![])).await.expect("lead");
    let member = app.create_user(None, new_user("uv@tinhuy.vn", "Trần Ủy Viên", Some(body.id), vec![])).await.expect("member");
    app.add_membership(None, committee.id, member.id, CommitteeRole::Member).await.expect("seat");
    let secretariat = app.actor_of(office.id).await.expect("actor");
    let report = support::mid_term_review(&app, &secretariat, body.id, committee.id, lead.id).await;
    let lead = app.actor_of(lead.id).await.expect("actor");
    let member = app.actor_of(member.id).await.expect("actor");
    let bytes = std::fs::read(format!("{FIXTURES}so-ket-giua-nhiem-ky.v1.md")).expect("fixture");
    let v1 = app
        .add_version(&lead, report.id, VersionInput::File { bytes, file_name: None }, "", &ImportLimits::default())
        .await
        .expect("v1");
    let block = v1.blocks.iter().find(|b| b.content.plain_text().chars().count() > 30).expect("a long block");
    let on_block = |k: usize| NewComment {
        version: 1,
        anchor: NewAnchor { block: Some(block.id.to_string()), ..NewAnchor::default() },
        body: format!("Ý kiến {k} về đoạn này."),
        on_behalf_of: None,
        at_meeting: false,
    };
    for k in 0..3 {
        let posted = app.post_comment(&member, report.id, on_block(k)).await.expect("comment");
        if k == 0 {
            app.answer_comment(&lead, (posted.id, None), DispositionKind::Accepted, "", None).await.expect("answer");
        }
    }
    for k in 3..7 {
        let posted = app.post_comment(&secretariat, report.id, on_block(k)).await.expect("comment");
        if k == 6 {
            app.withdraw_comment(&secretariat, posted.id, "").await.expect("withdraw");
        }
    }
    let whole = NewComment { anchor: NewAnchor::default(), ..on_block(7) };
    app.post_comment(&member, report.id, whole).await.expect("whole");

    let signed_in = app.sign_in("vp@tinhuy.vn", PASSWORD, &Client::default()).await.expect("signed in");
    let (_, token) = app.create_access_token(None, "vp@tinhuy.vn", "threads").await.expect("token");
    Site {
        router,
        app,
        report: report.id,
        block: block.id.to_string(),
        token,
        cookies: format!("gopy_session={}; gopy_csrf={}", signed_in.session_secret, "c".repeat(64)),
        body: body.id,
        lead,
    }
}

impl Site {
    async fn send(&self, request: Request<Body>) -> (StatusCode, Option<String>, String) {
        let mut request = request;
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let response = self.router.clone().oneshot(request).await.expect("a response");
        let status = response.status();
        let etag = response.headers().get(header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
        (status, etag, String::from_utf8_lossy(&body).into_owned())
    }

    fn api(&self, query: &str, etag: Option<&str>) -> Request<Body> {
        let path = format!("/api/v1/reports/{}/versions/1/passages/{}/threads{query}", self.report, self.block);
        let mut request = Request::get(path).header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        request.body(Body::empty()).expect("request")
    }

    fn page(&self, query: &str, etag: Option<&str>) -> Request<Body> {
        let path = format!("/reports/{}/versions/1/passages/{}/threads{query}", self.report, self.block);
        let mut request = Request::get(path).header(header::COOKIE, &self.cookies);
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        request.body(Body::empty()).expect("request")
    }

    async fn threads(&self, query: &str) -> Value {
        let (status, _, body) = self.send(self.api(query, None)).await;
        assert_eq!(status, StatusCode::OK, "{query}: {body}");
        serde_json::from_str(&body).expect("JSON")
    }
}

fn bodies(page: &Value) -> Vec<String> {
    page["threads"].as_array().expect("threads").iter().map(|t| t["comment"]["body"].as_str().expect("body").to_owned()).collect()
}

async fn filters_and_cursor(db: &TestDatabase) {
    let site = site(db).await;
    let all = site.threads("").await;
    assert_eq!(all["counts"]["comments"], 6, "{all}");
    assert_eq!(all["counts"]["withdrawn"], 1);
    assert_eq!(all["counts"]["awaiting"], 5);
    assert_eq!(bodies(&all).len(), 7);
    assert!(all["next"].is_null(), "one page holds them all");

    let awaiting = bodies(&site.threads("?awaiting=true").await);
    assert_eq!(awaiting.len(), 5, "{awaiting:?}");
    assert!(!awaiting.iter().any(|b| b.starts_with("Ý kiến 0 ") || b.starts_with("Ý kiến 6 ")));
    let mine = bodies(&site.threads("?mine=true").await);
    assert_eq!(mine, ["Ý kiến 3 về đoạn này.", "Ý kiến 4 về đoạn này.", "Ý kiến 5 về đoạn này.", "Ý kiến 6 về đoạn này."]);
    let by_body = bodies(&site.threads(&format!("?body={}", site.body)).await);
    assert_eq!(by_body, ["Ý kiến 0 về đoạn này.", "Ý kiến 1 về đoạn này.", "Ý kiến 2 về đoạn này."]);
    assert_eq!(bodies(&site.threads("?disposition=accepted").await), ["Ý kiến 0 về đoạn này."]);
    assert_eq!(bodies(&site.threads("?disposition=withdrawn").await), ["Ý kiến 6 về đoạn này."]);
    assert_eq!(bodies(&site.threads(&format!("?disposition=none&body={}", site.body)).await).len(), 2);

    // Three at a time: every thread once, in the same order as one page.
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let query = match &cursor {
            Some(c) => format!("?limit=3&cursor={c}"),
            None => "?limit=3".to_owned(),
        };
        let page = site.threads(&query).await;
        walked.extend(bodies(&page));
        pages += 1;
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(pages < 5, "the cursor does not move on");
    }
    assert_eq!(pages, 3);
    assert_eq!(walked, bodies(&all));

    // The whole report's comments are a passage of their own.
    let whole = format!("/api/v1/reports/{}/versions/1/passages/whole/threads", site.report);
    let request = Request::get(whole).header(header::AUTHORIZATION, format!("Bearer {}", site.token)).body(Body::empty()).expect("request");
    let (status, _, body) = site.send(request).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Ý kiến 7"), "{body}");

    // Refusals say which field, in the API's error shape.
    for (query, field) in [("?limit=0", "limit"), ("?limit=101", "limit"), ("?cursor=abc", "cursor"), ("?disposition=maybe", "disposition"), ("?body=nobody", "body")] {
        let (status, _, body) = site.send(site.api(query, None)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}: {body}");
        let error: Value = serde_json::from_str(&body).expect("JSON");
        assert!(error["error"]["fields"].get(field).is_some(), "{query}: {body}");
    }
    let missing = format!("/api/v1/reports/{}/versions/1/passages/b00000000000000/threads", site.report);
    let request = Request::get(missing).header(header::AUTHORIZATION, format!("Bearer {}", site.token)).body(Body::empty()).expect("request");
    assert_eq!(site.send(request).await.0, StatusCode::NOT_FOUND);

    // The page without script: the passage, its threads and the filters.
    let (status, _, page) = site.send(site.page("?awaiting=1", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Ý kiến 1 về đoạn này.") && !page.contains("Ý kiến 0 về đoạn này."), "awaiting only");
    assert!(page.contains("id=\"comment-form\""), "the comment form is on the passage's page");
    let (status, _, fragment) = site.send(site.page("?fragment=1", None)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(fragment.starts_with("<div class=\"thread-page\"") && !fragment.contains("<html"), "{fragment}");
    let (status, _, _) = site.send(site.page("?limit=abc", None)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // A refused reply comes back as its thread, with the reason and what was typed.
    let first = all["threads"][0]["comment"]["id"].as_str().expect("id").to_owned();
    let long = "ý".repeat(gopy_domain::CommentText::MAX_CHARS + 1);
    let form = serde_urlencoded::to_string([("csrf", "c".repeat(64).as_str()), ("version", "1"), ("body", long.as_str())]).expect("form");
    let post = Request::post(format!("/comments/{first}/replies"))
        .header(header::COOKIE, &site.cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .expect("request");
    let (status, _, page) = site.send(post).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains(&format!("id=\"comment-{first}\"")) && page.contains("role=\"alert\""), "{page}");
    assert!(page.contains(&long), "the reply typed is kept");
    assert!(page.contains(&format!("/passages/{}/threads", site.block)), "a way back to the passage");
}

async fn revalidation(db: &TestDatabase) {
    let site = site(db).await;
    let version_page = |etag: Option<&str>| {
        let mut request = Request::get(format!("/reports/{}/versions/1", site.report)).header(header::COOKIE, &site.cookies);
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        request.body(Body::empty()).expect("request")
    };
    let (status, page_tag, _) = site.send(version_page(None)).await;
    assert_eq!(status, StatusCode::OK);
    let page_tag = page_tag.expect("the version page has an ETag");
    let (_, json_tag, _) = site.send(site.api("", None)).await;
    let json_tag = json_tag.expect("the JSON has an ETag");
    let (_, threads_tag, _) = site.send(site.page("", None)).await;
    let threads_tag = threads_tag.expect("the passage's page has an ETag");
    let (_, fragment_tag, _) = site.send(site.page("?fragment=1", None)).await;
    let fragment_tag = fragment_tag.expect("the fragment has an ETag");

    let (status, again, body) = site.send(version_page(Some(&page_tag))).await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_MODIFIED, ""));
    assert_eq!(again.as_deref(), Some(page_tag.as_str()));
    assert_eq!(site.send(site.api("", Some(&json_tag))).await.0, StatusCode::NOT_MODIFIED);
    assert_eq!(site.send(site.page("", Some(&threads_tag))).await.0, StatusCode::NOT_MODIFIED);
    assert_eq!(site.send(site.page("?fragment=1", Some(&fragment_tag))).await.0, StatusCode::NOT_MODIFIED);

    // A reply changes the report: every copy is stale.
    let first = site.threads("").await["threads"][0]["comment"]["id"].as_str().expect("id").parse().expect("a comment id");
    site.app.reply(&site.lead, first, "Tổ biên tập xin tiếp thu.").await.expect("reply");
    let (status, _, body) = site.send(version_page(Some(&page_tag))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Tổ biên tập xin tiếp thu."), "the reply is on the page");
    assert_eq!(site.send(site.api("", Some(&json_tag))).await.0, StatusCode::OK);
    assert_eq!(site.send(site.page("", Some(&threads_tag))).await.0, StatusCode::OK);
    // Another reader's tag is not this reader's.
    let (_, member_token) = site.app.create_access_token(None, "uv@tinhuy.vn", "member").await.expect("token");
    let (_, current, _) = site.send(site.api("", None)).await;
    let path = format!("/api/v1/reports/{}/versions/1/passages/{}/threads", site.report, site.block);
    let request = Request::get(path)
        .header(header::AUTHORIZATION, format!("Bearer {member_token}"))
        .header(header::IF_NONE_MATCH, current.expect("a tag"))
        .body(Body::empty())
        .expect("request");
    assert_eq!(site.send(request).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_passages_threads_filter_and_page_by_cursor_on_sqlite() {
    let db = TestDatabase::sqlite().await;
    filters_and_cursor(&db).await;
    db.finish().await;
}

#[tokio::test]
async fn a_passages_threads_filter_and_page_by_cursor_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    filters_and_cursor(&db).await;
    db.finish().await;
}

#[tokio::test]
async fn the_review_pages_answer_304_until_the_report_changes_on_sqlite() {
    let db = TestDatabase::sqlite().await;
    revalidation(&db).await;
    db.finish().await;
}

#[tokio::test]
async fn the_review_pages_answer_304_until_the_report_changes_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    revalidation(&db).await;
    db.finish().await;
}
