//! How many SQL statements the review pages run, counted by the store, with
//! a report of 10 comments and with one of 1,000 (their replies, answers
//! and authors growing with them): the counts must be the same. A page or a
//! comment post that reads once per comment, per block or per person fails
//! here, on SQLite and on PostgreSQL alike.
//!
//! The review pages (the version, a passage's threads, the comment list)
//! must also each be read in exactly one unit of work.
//!
//! The requests go through the real router (sessions, CSRF, templates)
//! in-process, so the count is of what a browser's request costs; the
//! store's counter sees every statement of every unit of work it opens.

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
use gopy_domain::{Actor, CommitteeId, CommitteeRole, DispositionKind, GlobalRole, Language, ReportId, UserId, Version};
use gopy_store::testing::TestDatabase;
use gopy_web::{Settings, routes, server};
use tower::ServiceExt;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/reports/");
const PASSWORD: &str = "Mật khẩu đủ dài 2023!";

/// What is counted: each page a reviewer opens, and the comment post.
const STEPS: [&str; 11] = [
    "version page",
    "passage threads (page)",
    "passage threads (fragment)",
    "passage threads (JSON)",
    "comment post",
    "report page",
    "dashboard",
    "comments list",
    "table of dispositions",
    "people",
    "committee page",
];

/// Statements of one comment POST, identification included: the session,
/// its person and their roles, seats and teams (1); the report, its latest
/// round, the latest version's number with the anchored block, and the
/// drafting team (1); the comment, its search row, its placement, its
/// outbox rows, its audit event and the report's change counter (6). It was
/// 17 before the lean write of issue #20, then 12 with the reads apart. On
/// SQLite the six writes are held back and sent to the writer as one text,
/// one round trip (each is still counted here), so the POST makes 3 round
/// trips, 2 of them at the writer.
const COMMENT_POST_STATEMENTS: u64 = 8;

struct Site {
    router: Router,
    app: App,
    store: gopy_store::SeaStore,
    cookies: String,
    csrf: String,
    report: ReportId,
    committee: CommitteeId,
    block: String,
    /// The block of version 2 with the most comments.
    busiest: String,
    token: String,
    /// The secretariat's session secret.
    session: String,
}

fn fixture(name: &str) -> VersionInput {
    let bytes = std::fs::read(format!("{FIXTURES}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    VersionInput::File { bytes, file_name: Some(name.to_owned()) }
}

fn new_user(email: String, name: String, roles: Vec<GlobalRole>) -> NewUser {
    NewUser { email, name, title: None, body: None, language: Language::Vi, global_roles: roles }
}

/// A report on version 2 with `comments` comments made on version 1 by
/// `comments / 25 + 4` members (so people grow too), every third answered
/// and every fifth replied to, carried onto version 2.
async fn site(db: &TestDatabase, comments: usize) -> Site {
    let settings = Settings::load(None).expect("settings");
    let (_stop, stopping) = tokio::sync::watch::channel(false);
    let addr: SocketAddr = "127.0.0.1:8080".parse().expect("address");
    let state = server::app_state(db.store.clone(), settings, addr, stopping).expect("state");
    let app = state.app.clone();
    let router = server::with_middleware(routes::router(state.clone()), &state.settings);

    let office = app
        .create_user(None, new_user("vp@tinhuy.vn".into(), "Lê Văn Phòng".into(), vec![GlobalRole::Secretariat]))
        .await
        .expect("secretariat");
    let secret = app.password_reset_link(None, office.id).await.expect("link");
    app.set_password_with_link(&secret, PASSWORD).await.expect("password");
    let body = app.create_body(None, "Ban Tuyên giáo Tỉnh ủy").await.expect("body");
    let committee = app.create_committee(None, "Ban Thường vụ Tỉnh ủy").await.expect("committee");
    let lead = app.create_user(None, new_user("tbt@tinhuy.vn".into(), "Nguyễn Tổ Trưởng".into(), vec![])).await.expect("lead");
    let mut members: Vec<Actor> = Vec::new();
    for k in 0..comments / 25 + 4 {
        let user = app
            .create_user(None, new_user(format!("uv{k}@tinhuy.vn"), format!("Trần Ủy Viên {k}"), vec![]))
            .await
            .expect("member");
        app.add_membership(None, committee.id, user.id, CommitteeRole::Member).await.expect("seat");
        members.push(app.actor_of(user.id).await.expect("actor"));
    }
    let secretariat = app.actor_of(office.id).await.expect("actor");
    let report = support::mid_term_review(&app, &secretariat, body.id, committee.id, lead.id).await;
    let lead = app.actor_of(lead.id).await.expect("actor");
    let limits = ImportLimits::default();
    let v1 = app.add_version(&lead, report.id, fixture("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
    for k in 0..comments {
        let author = &members[k % members.len()];
        let posted = app.post_comment(author, report.id, comment_on(&v1, k)).await.expect("comment");
        if k % 3 == 0 {
            app.answer_comment(&lead, (posted.id, None), DispositionKind::Accepted, "Tổ biên tập tiếp thu.", None)
                .await
                .expect("answer");
        }
        if k % 5 == 0 {
            app.reply(&members[(k + 1) % members.len()], posted.id, "Đồng ý với ý kiến này.").await.expect("reply");
        }
    }
    let v2 = app.add_version(&lead, report.id, fixture("so-ket-giua-nhiem-ky.v2.md"), "", &limits).await.expect("v2");
    let busiest = busiest_block(&app, &secretariat, report.id).await;
    let (_, token) = app.create_access_token(None, "vp@tinhuy.vn", "query counts").await.expect("token");

    let signed_in = app.sign_in("vp@tinhuy.vn", PASSWORD, &Client::default()).await.expect("signed in");
    let csrf = "c".repeat(64);
    Site {
        router,
        app,
        store: db.store.clone(),
        cookies: format!("gopy_session={}; gopy_csrf={csrf}", signed_in.session_secret),
        csrf,
        report: report.id,
        committee: committee.id,
        block: v2.blocks[v2.blocks.len() / 2].id.to_string(),
        busiest,
        token,
        session: signed_in.session_secret.clone(),
    }
}

/// The block of the latest version with the most comments on it.
async fn busiest_block(app: &App, actor: &Actor, report: ReportId) -> String {
    let review = app.review(actor, report).await.expect("review");
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for thread in &review.threads {
        if let Some(anchor) = thread.placement.as_ref().and_then(|p| p.anchor.as_ref()) {
            *counts.entry(anchor.block.to_string()).or_default() += 1;
        }
    }
    counts.into_iter().max_by_key(|(block, n)| (*n, block.clone())).map(|(block, _)| block).expect("a commented block")
}

/// Comment `k` on version 1: on a block, on a quote in it, or on the whole report.
fn comment_on(v1: &Version, k: usize) -> NewComment {
    let block = &v1.blocks[k * 7 % v1.blocks.len()];
    let text: Vec<char> = block.content.plain_text().chars().collect();
    let anchor = match k % 3 {
        0 => NewAnchor::default(),
        1 => NewAnchor { block: Some(block.id.to_string()), ..NewAnchor::default() },
        _ if text.len() > 20 => NewAnchor {
            block: Some(block.id.to_string()),
            start: Some(5),
            end: Some(15),
            quote: Some(text[5..15].iter().collect()),
        },
        _ => NewAnchor { block: Some(block.id.to_string()), ..NewAnchor::default() },
    };
    NewComment {
        version: 1,
        anchor,
        body: format!("Góp ý số {k}: đề nghị bổ sung số liệu cụ thể."),
        on_behalf_of: None,
        at_meeting: false,
    }
}

impl Site {
    /// The statements one request runs, and its status.
    async fn count(&self, request: Request<Body>) -> (u64, StatusCode) {
        let (statements, _, status) = self.measure(request).await;
        (statements, status)
    }

    /// The statements and units of work one request runs, and its status.
    async fn measure(&self, request: Request<Body>) -> (u64, u64, StatusCode) {
        let mut request = request;
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let (before, units) = (self.store.statements_run(), self.store.units_begun());
        let response = self.router.clone().oneshot(request).await.expect("a response");
        let status = response.status();
        // The body is read, so anything rendered lazily is counted too.
        let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        (self.store.statements_run() - before, self.store.units_begun() - units, status)
    }

    /// A review page's statements; it must be read in one unit of work
    /// besides those that identify the session (measured the same way
    /// just before, so a session touched meanwhile counts on both sides).
    async fn page(&self, name: &str, request: Request<Body>) -> u64 {
        let before = self.store.units_begun();
        self.app.identify_session(&self.session).await.expect("the session").expect("a live session");
        let identifying = self.store.units_begun() - before;
        let (statements, units, status) = self.measure(request).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        let own = units - identifying;
        assert_eq!(own, 1, "the {name} began {own} units of work of its own: one read unit of work per page");
        statements
    }

    fn get(&self, path: &str) -> Request<Body> {
        Request::get(path).header(header::COOKIE, &self.cookies).body(Body::empty()).expect("request")
    }

    async fn counts(&self) -> Vec<u64> {
        let id = self.report;
        let mut counts = Vec::new();
        counts.push(self.page("version page", self.get(&format!("/reports/{id}/versions/2"))).await);
        let threads = format!("/reports/{id}/versions/2/passages/{}/threads", self.busiest);
        counts.push(self.page("passage threads page", self.get(&threads)).await);
        counts.push(self.page("passage threads fragment", self.get(&format!("{threads}?fragment=1"))).await);
        let api = Request::get(format!("/api{}", threads.replace("/reports/", "/v1/reports/")))
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .body(Body::empty())
            .expect("request");
        // A token's use is recorded in a unit of its own: the JSON's statements are counted, not its units.
        let (n, status) = self.count(api).await;
        assert_eq!(status, StatusCode::OK, "passage threads JSON");
        counts.push(n);
        let form = serde_urlencoded::to_string([
            ("csrf", self.csrf.as_str()),
            ("version", "2"),
            ("block", self.block.as_str()),
            ("body", "Đề nghị làm rõ nguyên nhân của hạn chế."),
        ])
        .expect("form");
        let post = Request::post(format!("/reports/{id}/comments"))
            .header(header::COOKIE, &self.cookies)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .expect("request");
        let (n, status) = self.count(post).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "comment post");
        counts.push(n);
        let pages = [
            format!("/reports/{id}"),
            "/".to_owned(),
            format!("/reports/{id}/comments"),
            format!("/reports/{id}/dispositions"),
            "/admin/people".to_owned(),
            format!("/committees/{}", self.committee),
        ];
        for path in pages {
            if path.ends_with("/comments") {
                counts.push(self.page("comments list", self.get(&path)).await);
                continue;
            }
            let (n, status) = self.count(self.get(&path)).await;
            assert_eq!(status, StatusCode::OK, "{path}");
            counts.push(n);
        }
        counts
    }
}

async fn compare(small: &TestDatabase, large: &TestDatabase) {
    let (few, many) = (10, 1_000);
    let few_site = site(small, few).await;
    let few_counts = few_site.counts().await;
    let many_site = site(large, many).await;
    let many_counts = many_site.counts().await;
    let people: Vec<UserId> = many_site.app.users().await.expect("users").iter().map(|u| u.id).collect();
    println!("{:<24} {:>14} {:>16}", "statements on", format!("{few} comments"), format!("{many} comments"));
    for ((step, a), b) in STEPS.iter().zip(&few_counts).zip(&many_counts) {
        println!("{step:<24} {a:>14} {b:>16}");
    }
    println!("({} people on the larger report)", people.len());
    let post = STEPS.iter().position(|s| *s == "comment post").expect("the comment post is a step");
    assert_eq!(few_counts[post], COMMENT_POST_STATEMENTS, "a comment POST runs {} statements", few_counts[post]);
    for ((step, a), b) in STEPS.iter().zip(&few_counts).zip(&many_counts) {
        assert_eq!(
            a, b,
            "the {step} runs {a} statements on the report of {few} comments but {b} on the one of {many} \
             (more comments, replies, answers and people): it reads once per row"
        );
    }
    report_pages(&few_site, &many_site).await;
}

/// The report-side pages: each reads in one unit of work (besides the one
/// that finds who asks), and as many statements for 1,000 comments as for 10.
async fn report_pages(few: &Site, many: &Site) {
    let (few_counts, many_counts) = (few.report_side().await, many.report_side().await);
    for ((page, a), (_, b)) in few_counts.iter().zip(&many_counts) {
        println!("{page:<24} {a:>14} {b:>16}");
        assert_eq!(a, b, "the {page} runs {a} statements for 10 comments but {b} for 1,000");
    }
}

impl Site {
    /// The units of work the session's look-up begins, which every page
    /// request pays before its own.
    async fn session_units(&self) -> u64 {
        let session = self.cookies.split("; ").find_map(|c| c.strip_prefix("gopy_session=")).expect("a session cookie");
        let before = self.store.units_begun();
        self.app.identify_session(session).await.expect("session").expect("signed in");
        self.store.units_begun() - before
    }

    /// Statements per report-side page, checking each begins one unit of work.
    async fn report_side(&self) -> Vec<(&'static str, u64)> {
        let id = self.report;
        let pages = [
            ("report page", format!("/reports/{id}")),
            ("dashboard page", "/dashboard".to_owned()),
            ("dispositions page", format!("/reports/{id}/dispositions")),
            ("dispositions as CSV", format!("/reports/{id}/dispositions.csv")),
            ("dispositions as JSON", format!("/api/v1/reports/{id}/dispositions")),
            ("timeline", format!("/reports/{id}/timeline")),
            ("diff", format!("/reports/{id}/diff")),
            ("reports list", "/reports".to_owned()),
        ];
        let session = self.session_units().await;
        let mut counts = Vec::new();
        for (page, path) in pages {
            let units = self.store.units_begun();
            let (n, status) = self.count(self.get(&path)).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            let units = self.store.units_begun() - units - session;
            assert_eq!(units, 1, "the {page} reads in {units} units of work, not one");
            counts.push((page, n));
        }
        counts
    }
}

#[tokio::test]
async fn the_review_pages_run_as_many_statements_for_1000_comments_as_for_10_on_sqlite() {
    let (small, large) = (TestDatabase::sqlite().await, TestDatabase::sqlite().await);
    compare(&small, &large).await;
    small.finish().await;
    large.finish().await;
}

#[tokio::test]
async fn the_review_pages_run_as_many_statements_for_1000_comments_as_for_10_on_postgres() {
    let Some(small) = TestDatabase::postgres().await else { return };
    let Some(large) = TestDatabase::postgres().await else { return };
    compare(&small, &large).await;
    small.finish().await;
    large.finish().await;
}

// --- One unit of work per page ---------------------------------------------------
//
// Each page outside the review screen is one read use case: one unit of
// work besides the one that finds who is asking (the session look-up every
// signed-in request makes, measured on an asset that reads nothing else).
// The meeting page also runs as many statements for a meeting of many
// agenda items, opinions and action items as for a meeting of one.

impl Site {
    /// The units of work a request begins, and its status.
    async fn units(&self, request: Request<Body>) -> (u64, StatusCode) {
        let mut request = request;
        request.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        let before = self.store.units_begun();
        let response = self.router.clone().oneshot(request).await.expect("a response");
        let status = response.status();
        let _ = axum::body::to_bytes(response.into_body(), usize::MAX).await;
        (self.store.units_begun() - before, status)
    }

    /// A meeting of the site's committee on its report, held, with
    /// `items` agenda items, as many opinions and action items.
    async fn meeting(&self, items: usize) -> gopy_domain::MeetingId {
        use gopy_app::meetings::{NewAction, NewAgendaItem, NewMeeting};
        let office = self.app.users().await.expect("users").into_iter().find(|u| u.email.as_str() == "vp@tinhuy.vn").expect("office");
        let secretariat = self.app.actor_of(office.id).await.expect("actor");
        let body = self.app.list_bodies().await.expect("bodies")[0].id;
        let starts_at = time::macros::datetime!(2023-06-27 01:00 UTC);
        let meeting = self
            .app
            .plan_meeting(
                &secretariat,
                NewMeeting {
                    committee: Some(self.committee),
                    title: format!("Hội nghị Ban Thường vụ ({items} nội dung)"),
                    starts_at: Some(starts_at),
                    ends_at: Some(starts_at + time::Duration::hours(3)),
                    place: "Phòng họp số 1".to_owned(),
                    presiding: Some(office.id),
                    invited: vec![office.id],
                },
            )
            .await
            .expect("meeting");
        for k in 0..items {
            let new = NewAgendaItem {
                title: format!("Nội dung {k}"),
                presenter: Some(body),
                report: Some(self.report),
                minutes_allotted: Some(10),
            };
            self.app.add_agenda_item(&secretariat, (meeting.id, None), new).await.expect("agenda item");
        }
        let meeting = self.app.mark_meeting_held(&secretariat, (meeting.id, None)).await.expect("held");
        for (k, item) in meeting.agenda.iter().enumerate() {
            self.app
                .record_opinion(&secretariat, (meeting.id, None), Some(item.id), Some(office.id), &format!("Ý kiến số {k}."))
                .await
                .expect("opinion");
            let action = NewAction {
                text: format!("Việc số {k}"),
                bodies: vec![body],
                people: vec![office.id],
                deadline: Some(time::macros::date!(2099 - 07 - 10)),
                working_days: None,
            };
            self.app.assign_action(&secretariat, (meeting.id, None), action).await.expect("action");
        }
        meeting.id
    }
}

async fn one_unit_per_page(db: &TestDatabase) {
    let site = site(db, 10).await;
    let small = site.meeting(1).await;
    let large = site.meeting(12).await;
    let person = site.app.users().await.expect("users")[0].id;
    // Choosing a language only finds who asks (a static file does not even
    // do that: it is served without a session lookup).
    let (asking, status) = site.units(site.get("/language/vi")).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (css, status) = site.units(site.get("/static/gopy.css")).await;
    assert_eq!((css, status), (0, StatusCode::OK), "a static file runs no statement");
    let pages = [
        "/".to_owned(),
        "/admin/people".to_owned(),
        format!("/admin/people/{person}"),
        "/admin/bodies".to_owned(),
        "/admin/terms".to_owned(),
        "/committees".to_owned(),
        format!("/committees/{}", site.committee),
        "/meetings".to_owned(),
        format!("/meetings/{small}"),
        format!("/meetings/{large}"),
        "/follow-up".to_owned(),
        "/account".to_owned(),
        "/search?q=s%E1%BB%91+li%E1%BB%87u".to_owned(),
    ];
    for path in pages {
        let (units, status) = site.units(site.get(&path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(units - asking, 1, "{path} begins {} units of work besides finding who asks, not one", units - asking);
    }
    let (few, status) = site.count(site.get(&format!("/meetings/{small}"))).await;
    assert_eq!(status, StatusCode::OK);
    let (many, status) = site.count(site.get(&format!("/meetings/{large}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(few, many, "the meeting page runs {few} statements for one agenda item but {many} for twelve");
}

#[tokio::test]
async fn every_page_besides_the_review_screen_is_one_unit_of_work_on_sqlite() {
    let db = TestDatabase::sqlite().await;
    one_unit_per_page(&db).await;
    db.finish().await;
}

#[tokio::test]
async fn every_page_besides_the_review_screen_is_one_unit_of_work_on_postgres() {
    let Some(db) = TestDatabase::postgres().await else { return };
    one_unit_per_page(&db).await;
    db.finish().await;
}
