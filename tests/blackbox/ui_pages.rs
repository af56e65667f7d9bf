//! Every page of Gopy, as each role of the demo sees it, checked in
//! headless Chromium with axe-core (no serious or critical violation) at a
//! desk's 1280 pixels and a phone's 390, and for sideways scrolling at 390
//! and 360. Each page says which template drew it (`<main data-page>`); the
//! walk fails when a template under web/templates/pages/ was never seen, so
//! a new page cannot be forgotten here.

use std::collections::{BTreeMap, BTreeSet};

use gopy_tests::browser::describe_violations;
use gopy_tests::{Browser, Server};

use crate::browser::sign_in;

const TEST: &str = "every_page_is_accessible_and_fits_a_phone_for_each_role";
const PASSWORD: &str = "gopy-demo-2023";
/// The demo's draft with comments, a round and two versions.
const REVIEW: &str = "Báo cáo sơ kết giữa nhiệm kỳ";
/// The demo's draft whose open round consults bodies.
const ASSESSMENT: &str = "kiểm điểm";

/// A desk, then a phone, then a small phone: axe runs at the first two, the
/// sideways check at the last two.
const DESK: u32 = 1280;
const PHONE: u32 = 390;
const SMALL_PHONE: u32 = 360;

/// The folded header's greatest height on a phone, in CSS pixels.
const PHONE_HEADER: f64 = 64.0;

/// What the walk saw: the templates, and every failure (all of them are
/// reported at the end, so one run lists everything to fix).
#[derive(Default)]
struct Walk {
    seen: BTreeMap<String, String>,
    failures: Vec<String>,
}

impl Walk {
    /// Checks the page at `path` at each width, as `who`.
    fn check(&mut self, browser: &Browser, server: &Server, who: &str, path: &str) {
        self.check_url(browser, who, path, &server.url(path));
    }

    fn check_url(&mut self, browser: &Browser, who: &str, label: &str, url: &str) {
        for width in [DESK, PHONE, SMALL_PHONE] {
            browser.resize(width, 900);
            browser.open(url);
            self.look(browser, who, label, width);
        }
    }

    /// Checks the page the browser shows now, at `width`.
    fn look(&mut self, browser: &Browser, who: &str, label: &str, width: u32) {
        let page = browser
            .wait_until("the page's <main data-page>", |b| {
                let found = b.execute("const m = document.querySelector('main[data-page]'); return m && m.dataset.page;", &[]);
                found.as_str().map(str::to_owned)
            });
        self.seen.entry(page.clone()).or_insert_with(|| format!("{label} as {who}"));
        let name = format!("{page} ({label}) as {who} at {width} px");
        if width != SMALL_PHONE {
            let violations = browser.axe();
            if !violations.is_empty() {
                self.failures.push(describe_violations(&name, &violations));
            }
            browser.screenshot(&format!("{who}-{page}-{}-{width}", slug(label)));
        }
        if width != DESK {
            if let Some(excess) = browser.sideways_overflow() {
                self.failures.push(format!("{name}: scrolls sideways by {excess} px"));
            }
            let header = browser.execute("return document.querySelector('header').getBoundingClientRect().height;", &[]);
            let header = header.as_f64().unwrap_or(f64::MAX);
            if header > PHONE_HEADER {
                self.failures.push(format!("{name}: the folded header is {header:.0} px tall (at most {PHONE_HEADER})"));
            }
        }
    }
}

/// A page's label as part of a file name, its ids shortened to `id`:
/// `/reports/0192…/diff?from=1&to=2` → `reports_id_diff_from_1_to_2`.
fn slug(label: &str) -> String {
    let parts: Vec<&str> = label
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|part| !part.is_empty())
        .map(|part| if part.len() >= 12 && part.chars().any(|c| c.is_ascii_digit()) { "id" } else { part })
        .collect();
    parts.join("_").replace('-', "_")
}


/// Whether the header's link to `href` is shown (not folded away).
fn menu_link_shown(browser: &Browser, href: &str) -> bool {
    let script = "const a = document.querySelector(`header a[href='${arguments[0]}']`);
        return !!a && a.checkVisibility({ contentVisibilityAuto: true, visibilityProperty: true });";
    browser.execute(script, &[href.into()]) == true
}

/// The address of the first link in the main part whose text holds `text`
/// and whose address starts with `prefix`, on the page shown.
fn link(browser: &Browser, prefix: &str, text: &str) -> String {
    let script = "return [...document.querySelectorAll('main a')]
        .filter((a) => (a.getAttribute('href') || '').startsWith(arguments[0]) && a.textContent.includes(arguments[1]))
        .map((a) => a.href)[0] || null;";
    browser.wait_until(&format!("a link to {prefix}… reading “{text}”"), |b| {
        b.execute(script, &[prefix.into(), text.into()]).as_str().map(str::to_owned)
    })
}

/// Runs `script` on the page shown and returns the string it gives.
fn read(browser: &Browser, what: &str, script: &str) -> String {
    browser.wait_until(what, |b| b.execute(script, &[]).as_str().map(str::to_owned))
}

/// The templates of web/templates/pages/, by name without `.hbs`.
fn page_templates() -> BTreeSet<String> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/templates/pages");
    std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("a template").path())
        .filter(|path| path.extension().is_some_and(|e| e == "hbs"))
        .map(|path| path.file_stem().expect("a name").to_string_lossy().into_owned())
        .collect()
}

#[test]
fn every_page_is_accessible_and_fits_a_phone_for_each_role() {
    let server = Server::demo();
    let mut walk = Walk::default();
    let Some(browser) = Browser::start(TEST) else { return };

    // Before signing in: the sign-in page and a page that does not exist.
    walk.check(&browser, &server, "anonymous", "/sign-in");
    walk.check(&browser, &server, "anonymous", "/no-such-page");

    // The admin: the people (and their import), bodies, terms, holidays, mail, committees; and an
    // invitation, whose link the new person opens below.
    sign_in(&browser, &server, ("Đỗ Minh Quản", "quantri@tinhuy.vn"), PASSWORD);
    for path in ["/", "/admin/people", "/admin/people/import", "/admin/bodies", "/admin/terms", "/admin/holidays", "/admin/mail", "/committees", "/account"] {
        walk.check(&browser, &server, "admin", path);
    }
    browser.resize(DESK, 900);
    browser.open(&server.url("/admin/people"));
    let person = link(&browser, "/admin/people/", "Phạm Quốc Dũng");
    walk.check_url(&browser, "admin", "/admin/people/{id}", &person);
    browser.open(&server.url("/committees"));
    let committee = link(&browser, "/committees/", "Ban Thường vụ");
    walk.check_url(&browser, "admin", "/committees/{id}", &committee);
    browser.open(&server.url("/admin/people"));
    browser.fill("#name", "Trịnh Văn Mới");
    browser.fill("#email", "moi@tinhuy.vn");
    browser.submit("main form[action='/admin/people']");
    let invitation = browser.text("#invitation-link");
    browser.close();

    // The secretariat: the whole review of the demo's draft, the meeting,
    // its follow-up, and an edited comment's history.
    let Some(browser) = Browser::start(TEST) else { return };
    sign_in(&browser, &server, ("Lê Văn Cường", "vanphong@tinhuy.vn"), PASSWORD);
    browser.open(&server.url("/reports"));
    let report = link(&browser, "/reports/", REVIEW);
    let report_path = report.strip_prefix(&server.base).expect("a link of this server").to_owned();
    let version = format!("{report_path}/versions/2");
    for path in [
        "/".to_owned(),
        "/reports".to_owned(),
        report_path.clone(),
        "/dashboard".to_owned(),
        format!("{report_path}/timeline"),
        format!("{report_path}/diff?from=1&to=2"),
        format!("{version}/indicators"),
        format!("{report_path}/comments"),
        format!("{report_path}/dispositions"),
        // The answer desk: the secretariat sees the drafting team's drafts.
        format!("{report_path}/answers"),
        format!("{report_path}/changes?from=1"),
        format!("{report_path}/disputes"),
        "/meetings".to_owned(),
        "/follow-up".to_owned(),
        "/search?q=kinh+t%E1%BA%BF".to_owned(),
    ] {
        walk.check(&browser, &server, "secretariat", &path);
    }
    // A body's Word review comments on the draft open for comments: the
    // upload form, then the preview of what the file holds.
    browser.resize(DESK, 900);
    browser.open(&server.url("/reports"));
    let assessment = link(&browser, "/reports/", "Báo cáo kiểm điểm giữa nhiệm kỳ");
    let assessment_path = assessment.strip_prefix(&server.base).expect("a link of this server").to_owned();
    walk.check(&browser, &server, "secretariat", &format!("{assessment_path}/word-comments"));
    browser.resize(DESK, 900);
    browser.open(&server.url(&format!("{assessment_path}/word-comments")));
    // Only the bodies its round consults are offered.
    browser.choose("#body", "Ủy ban Kiểm tra Tỉnh ủy");
    browser.attach("#file", &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/word/review-comments.docx"));
    browser.submit("#word-comments-form");
    browser.wait_for_text("#word-import-rows", "Cả báo cáo");
    let preview = browser.url();
    walk.check_url(&browser, "secretariat", "/reports/{id}/word-comments/{import}", &preview);
    // The self-assessment's round consults two bodies: its register.
    browser.resize(DESK, 900);
    browser.open(&server.url("/reports"));
    let assessment = link(&browser, "/reports/", ASSESSMENT);
    walk.check_url(&browser, "secretariat", "/reports/{id}/consultation", &format!("{assessment}/consultation"));
    browser.resize(DESK, 900);
    browser.open(&server.url("/meetings"));
    let meeting = link(&browser, "/meetings/", "Hội nghị");
    walk.check_url(&browser, "secretariat", "/meetings/{id}", &meeting);
    browser.resize(DESK, 900);
    browser.open(&report);
    browser.wait_for_text("main h1", REVIEW);
    browser.screenshot_for_readme("report_page_desk");
    browser.open(&server.url(&version));
    let comment = read(&browser, "a comment on the version", "const t = document.querySelector('[data-thread]'); return t && t.dataset.thread;");
    walk.check(&browser, &server, "secretariat", &format!("/comments/{comment}/history"));
    browser.close();

    // A member of the committee: the version with its comments, a passage,
    // and a reply refused (empty), which shows the thread on its own.
    let Some(browser) = Browser::start(TEST) else { return };
    sign_in(&browser, &server, ("Phạm Quốc Dũng", "uyvien@tinhuy.vn"), PASSWORD);
    for path in ["/", "/reports", &report_path, &version, "/meetings", "/committees", "/account"] {
        walk.check(&browser, &server, "member", path);
    }
    // On a phone the header's links fold behind one button, which opens
    // them over the page; the opened menu passes axe too.
    browser.resize(PHONE, 844);
    browser.open(&server.url("/"));
    assert!(!menu_link_shown(&browser, "/reports"), "on a phone the menu starts folded");
    browser.click("header .menu > summary");
    browser.wait_until("the menu to open", |b| menu_link_shown(b, "/reports").then_some(()));
    assert!(menu_link_shown(&browser, "/account"), "the opened menu holds the account");
    let violations = browser.axe();
    if !violations.is_empty() {
        walk.failures.push(describe_violations("the opened menu as member at 390 px", &violations));
    }
    browser.screenshot_for_readme("menu_phone");
    // The first Tab reaches the skip link, shown on the screen; Enter on it
    // moves the focus to the page's own content, past the menu.
    browser.open(&server.url("/"));
    browser.press(Browser::TAB);
    let skip = browser.execute(
        "const a = document.activeElement, r = a.getBoundingClientRect();
         return a.matches('a.skip') && r.left >= 0 && r.top >= 0 && r.width > 0;",
        &[],
    );
    assert_eq!(skip, true, "the first Tab shows the skip link");
    browser.press(Browser::ENTER);
    browser.wait_until("the focus on the content", |b| {
        (b.execute("return document.activeElement.id;", &[]) == "content").then_some(())
    });
    browser.resize(DESK, 900);
    browser.open(&server.url("/"));
    assert!(menu_link_shown(&browser, "/reports"), "at a desk the menu's links are always shown");
    browser.open(&server.url(&version));
    let passage = read(
        &browser,
        "a passage's own page",
        "const a = [...document.querySelectorAll('main a')].find((a) => (a.getAttribute('href') || '').includes('/passages/')); return a && a.getAttribute('href');",
    );
    walk.check(&browser, &server, "member", &passage);
    for width in [DESK, PHONE, SMALL_PHONE] {
        browser.resize(width, 900);
        browser.open(&server.url(&version));
        // The form's own submit, without the browser's check of `required`:
        // an empty reply is what the server refuses.
        let sent = browser.execute(
            "const f = document.querySelector(\"form[action$='/replies']\");
             if (!f) return false;
             f.querySelectorAll('textarea').forEach((t) => { t.value = ''; });
             HTMLFormElement.prototype.submit.call(f); return true;",
            &[],
        );
        assert_eq!(sent, true, "the member may reply to a comment on {version}");
        browser.wait_until("the refused reply's page", |b| (!b.url().contains("/versions/2")).then_some(()));
        walk.look(&browser, "member", "a refused reply", width);
    }
    // The same person's day in English: the other language's words must
    // fit the phone and pass axe as well.
    browser.resize(DESK, 900);
    browser.open(&server.url("/language/en"));
    browser.wait_for_text("header", "Tiếng Việt");
    for path in ["/", "/reports", &report_path, &version, "/follow-up"] {
        walk.check(&browser, &server, "member-en", path);
    }
    browser.close();

    // The drafting team's lead and the chair.
    for (role, name, email) in [("lead", "Vũ Đức Hạnh", "tuyengiao@tinhuy.vn"), ("chair", "Nguyễn Văn An", "bithu@tinhuy.vn")] {
        let Some(browser) = Browser::start(TEST) else { return };
        sign_in(&browser, &server, (name, email), PASSWORD);
        for path in ["/", "/reports", &report_path, &version, "/dashboard", "/follow-up"] {
            walk.check(&browser, &server, role, path);
        }
        browser.close();
    }

    // The invited person opens their link and sets a password.
    let Some(browser) = Browser::start(TEST) else { return };
    walk.check_url(&browser, "invited", "/set-password/{secret}", &invitation);
    browser.resize(DESK, 900);
    browser.open(&invitation);
    browser.fill("#password", "lá vàng rơi trên phố cổ");
    browser.submit("main form");
    browser.wait_for_text("main h1", "Đã đặt mật khẩu");
    for width in [DESK, PHONE, SMALL_PHONE] {
        browser.resize(width, 900);
        walk.look(&browser, "invited", "the password set", width);
    }
    browser.close();

    // The first-run page exists only on an installation without an admin.
    let fresh = Server::start();
    let Some(browser) = Browser::start(TEST) else { return };
    walk.check(&browser, &fresh, "first run", "/setup");
    browser.close();

    let unseen: Vec<_> = page_templates().into_iter().filter(|t| !walk.seen.contains_key(t)).collect();
    if !unseen.is_empty() {
        walk.failures.push(format!("templates never shown by the walk (add their pages to it): {unseen:?}"));
    }
    assert!(walk.failures.is_empty(), "{} problem(s):\n{}", walk.failures.len(), walk.failures.join("\n"));
    let seen: Vec<_> = walk.seen.iter().map(|(page, first)| format!("{page}: {first}")).collect();
    eprintln!("every page template walked:\n  {}", seen.join("\n  "));
}
