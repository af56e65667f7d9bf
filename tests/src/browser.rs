//! A headless Chromium driven over the W3C WebDriver protocol, for tests that
//! need what only a browser does: follow redirects and keep cookies as a
//! person's browser would, submit the forms the pages really render, and show
//! what the page looked like.
//!
//! It speaks to a running `chromedriver` named by `GOPY_TEST_WEBDRIVER_URL`
//! (`scripts/test` installs and starts one). The protocol is a handful of JSON
//! calls, so a small client on `reqwest` serves better than a WebDriver crate
//! whose TLS stack would add a C build to every test run.
//!
//! Every step that waits polls with a bounded timeout: pages change after a
//! click at their own pace, and a fixed sleep is either too short or too long.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::TempDir;

/// The variable naming the chromedriver the tests drive.
pub const WEBDRIVER_URL_VAR: &str = "GOPY_TEST_WEBDRIVER_URL";

/// Debian's Chromium, which `scripts/test` installs.
const CHROMIUM: &str = "/usr/bin/chromium";

/// The key under which W3C WebDriver returns an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// How long a step may wait for the page to show what it expects.
const PATIENCE: Duration = Duration::from_secs(15);

/// axe-core, the accessibility checker, as vendored in the repository
/// (`tests/vendor/axe-core`, with its licence): the tests never fetch it.
const AXE_CORE: &str = include_str!("../vendor/axe-core/axe.min.js");

/// How long a script such as axe's run may take: a version page with its
/// thousands of nodes takes seconds on a busy machine.
const SCRIPT_PATIENCE: Duration = Duration::from_secs(120);

/// Runs axe on the page and hands back the rules broken with a serious or
/// critical impact, each with the elements that break it.
const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] }).then((results) => done({
  violations: results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id, impact: v.impact, help: v.help, help_url: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String).join(' '), summary: n.failureSummary || '' })),
    })),
})).catch((e) => done({ error: String(e) }));
"#;

/// A rule of accessibility that axe-core found broken on a page, with a
/// serious or critical impact.
#[derive(Clone, Debug, Deserialize)]
pub struct Violation {
    /// axe's rule, e.g. `color-contrast`.
    pub id: String,
    /// `serious` or `critical`.
    pub impact: String,
    /// What the rule asks, in a sentence.
    pub help: String,
    pub help_url: String,
    pub nodes: Vec<ViolatingNode>,
}

/// One element that breaks a rule: its CSS selector and axe's explanation.
#[derive(Clone, Debug, Deserialize)]
pub struct ViolatingNode {
    pub target: String,
    pub summary: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{} ({}): {} <{}>", self.id, self.impact, self.help, self.help_url)?;
        for node in &self.nodes {
            writeln!(f, "    at {}: {}", node.target, node.summary.replace('\n', " "))?;
        }
        Ok(())
    }
}

/// What chromedriver answered instead of a value.
#[derive(Debug)]
pub struct WebDriverError {
    pub error: String,
    pub message: String,
}

impl std::fmt::Display for WebDriverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.message)
    }
}

/// One browser session with its own, empty profile (so its own cookies).
/// The session ends when [`Browser::close`] is called or the value dropped;
/// a test that panics leaves a `failed` screenshot behind.
///
/// Its calls block (reqwest's blocking client), so that tests read as steps
/// and the session can end in `Drop`: use it from a plain `#[test]`, not
/// inside a Tokio runtime.
pub struct Browser {
    http: reqwest::blocking::Client,
    /// `{driver}/session/{id}`: every command's prefix.
    session: String,
    test: String,
    open: bool,
    // Kept until the session has ended, then removed.
    _profile: TempDir,
}

impl Browser {
    /// A new headless Chromium session for the test named `test` (used to
    /// name its screenshots), or `None` when browser tests are skipped on
    /// purpose with `GOPY_TEST_BROWSER=skip`.
    pub fn start(test: &str) -> Option<Self> {
        let driver = match std::env::var(WEBDRIVER_URL_VAR) {
            Ok(url) if !url.is_empty() => url.trim_end_matches('/').to_owned(),
            _ if std::env::var("GOPY_TEST_BROWSER").as_deref() == Ok("skip") => {
                eprintln!("GOPY_TEST_BROWSER=skip: the browser test {test} was skipped");
                return None;
            }
            _ => panic!(
                "{WEBDRIVER_URL_VAR} is not set, so the browser test {test} cannot run. \
                 scripts/test installs Debian's chromium and chromium-driver and starts chromedriver; \
                 by hand: `chromedriver --port=9515 &` then {WEBDRIVER_URL_VAR}=http://127.0.0.1:9515. \
                 Set GOPY_TEST_BROWSER=skip to skip browser tests on purpose."
            ),
        };
        let http = reqwest::blocking::Client::builder()
            // Starting Chromium on a busy two-core machine takes seconds.
            .timeout(Duration::from_secs(90))
            // chromedriver is on loopback; a proxy from the environment must not get in between.
            .no_proxy()
            .build()
            .expect("an HTTP client for chromedriver");
        let profile = TempDir::new();
        let args = [
            "--headless".to_owned(),
            // Tests run as root in containers, where Chromium's sandbox cannot start.
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            // The machine's network is closed: background connections only fail, many at a time.
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            // Containers often have a tiny /dev/shm, where Chromium's tabs crash.
            "--disable-dev-shm-usage".to_owned(),
            "--window-size=1280,1024".to_owned(),
            // A browser in Việt Nam: pages follow `Accept-Language` when no
            // one has chosen a language, and the tests read Vietnamese.
            "--lang=vi-VN".to_owned(),
            "--accept-lang=vi-VN,vi".to_owned(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": CHROMIUM, "args": args, "prefs": { "intl.accept_languages": "vi-VN,vi" } },
        }}});
        let created = send(&http, reqwest::Method::POST, &format!("{driver}/session"), Some(capabilities))
            .unwrap_or_else(|e| panic!("chromedriver at {driver} did not start Chromium ({CHROMIUM}): {e}"));
        let id = created["sessionId"].as_str().expect("a new session has an id");
        let session = format!("{driver}/session/{id}");
        let script = json!({ "script": SCRIPT_PATIENCE.as_millis() as u64 });
        send(&http, reqwest::Method::POST, &format!("{session}/timeouts"), Some(script))
            .unwrap_or_else(|e| panic!("setting the script timeout: {e}"));
        Some(Self {
            http,
            session,
            test: test.to_owned(),
            open: true,
            _profile: profile,
        })
    }

    fn command(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Result<Value, WebDriverError> {
        send(&self.http, method, &format!("{}{path}", self.session), body)
    }

    fn post(&self, path: &str, body: Value) -> Result<Value, WebDriverError> {
        self.command(reqwest::Method::POST, path, Some(body))
    }

    fn get(&self, path: &str) -> Result<Value, WebDriverError> {
        self.command(reqwest::Method::GET, path, None)
    }

    /// Goes to `url` and waits for it to load.
    pub fn open(&self, url: &str) {
        self.post("/url", json!({ "url": url })).unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// The address the browser shows.
    pub fn url(&self) -> String {
        let value = self.get("/url").unwrap_or_else(|e| panic!("reading the address: {e}"));
        value.as_str().expect("the address is a string").to_owned()
    }

    /// The path of the address the browser shows, without the query.
    pub fn path(&self) -> String {
        path_of(&self.url()).to_owned()
    }

    /// The page's HTML as the browser holds it now.
    pub fn source(&self) -> String {
        let value = self.get("/source").unwrap_or_else(|e| panic!("reading the page source: {e}"));
        value.as_str().expect("the source is a string").to_owned()
    }

    fn try_find_all(&self, css: &str) -> Result<Vec<String>, WebDriverError> {
        let found = self.post("/elements", json!({ "using": "css selector", "value": css }))?;
        Ok(found
            .as_array()
            .map(|elements| elements.iter().filter_map(|e| e[ELEMENT_KEY].as_str().map(str::to_owned)).collect())
            .unwrap_or_default())
    }

    /// The first element matching `css`, waiting for it to appear.
    fn find(&self, css: &str) -> String {
        self.wait_until(&format!("an element matching `{css}`"), |b| {
            b.try_find_all(css).ok().and_then(|all| all.into_iter().next())
        })
    }

    fn try_text(&self, css: &str) -> Result<Option<String>, WebDriverError> {
        let Some(element) = self.try_find_all(css)?.into_iter().next() else {
            return Ok(None);
        };
        let text = self.get(&format!("/element/{element}/text"))?;
        Ok(text.as_str().map(str::to_owned))
    }

    /// Types `text` into the field matching `css`, replacing what was there.
    pub fn fill(&self, css: &str, text: &str) {
        let element = self.find(css);
        self.post(&format!("/element/{element}/clear"), json!({})).unwrap_or_else(|e| panic!("clearing `{css}`: {e}"));
        self.post(&format!("/element/{element}/value"), json!({ "text": text }))
            .unwrap_or_else(|e| panic!("typing into `{css}`: {e}"));
    }

    /// Picks the option whose visible text contains `label` in the `<select>`
    /// matching `css`, as a person reading the list would.
    pub fn choose(&self, css: &str, label: &str) {
        let option_css = format!("{css} option");
        let option = self.wait_until(&format!("an option `{label}` in `{css}`"), |b| {
            b.try_find_all(&option_css).ok()?.into_iter().find(|option| {
                b.get(&format!("/element/{option}/text")).ok().and_then(|t| t.as_str().map(|t| t.contains(label)))
                    == Some(true)
            })
        });
        self.post(&format!("/element/{option}/click"), json!({}))
            .unwrap_or_else(|e| panic!("choosing `{label}` in `{css}`: {e}"));
    }

    /// Runs `script` in the page as the body of a function called with
    /// `args` (`arguments[0]`, …) and returns what it returned: for steps a
    /// person does that WebDriver has no command for, such as selecting an
    /// exact span of text or typing into a `datetime-local` field (whose
    /// keystrokes depend on the browser's locale).
    pub fn execute(&self, script: &str, args: &[Value]) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .unwrap_or_else(|e| panic!("running a script in the page: {e}\n{script}"))
    }

    /// Presses and releases `key` on the keyboard, as typed into whatever
    /// has the focus: a character, or a WebDriver key such as [`Browser::TAB`].
    pub fn press(&self, key: &str) {
        let actions = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": [
            { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key },
        ]}]});
        self.post("/actions", actions).unwrap_or_else(|e| panic!("pressing {key:?}: {e}"));
    }

    /// WebDriver's Tab and Enter keys, for [`Browser::press`].
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";

    /// Runs axe-core in the page as it is now and returns the serious and
    /// critical violations it finds (none is the goal).
    pub fn axe(&self) -> Vec<Violation> {
        // Each page starts without axe; the script defines `window.axe`.
        self.post("/execute/sync", json!({ "script": AXE_CORE, "args": [] }))
            .unwrap_or_else(|e| panic!("loading axe-core into the page: {e}"));
        let result = self
            .post("/execute/async", json!({ "script": AXE_RUN, "args": [] }))
            .unwrap_or_else(|e| panic!("running axe-core: {e}"));
        if let Some(error) = result["error"].as_str() {
            panic!("axe-core failed on {}: {error}", self.url());
        }
        serde_json::from_value(result["violations"].clone())
            .unwrap_or_else(|e| panic!("axe-core's answer is not understood: {e}\n{result}"))
    }

    /// Fails, naming each rule, its impact, the elements and what to do,
    /// when axe-core finds a serious or critical violation on the page.
    pub fn assert_accessible(&self, page: &str) {
        let violations = self.axe();
        assert!(violations.is_empty(), "{}", describe_violations(page, &violations));
    }

    /// How far the page reaches past the window's right edge, in CSS
    /// pixels: `Some` when a person would have to scroll sideways.
    pub fn sideways_overflow(&self) -> Option<i64> {
        let widths = self.execute("return [document.documentElement.scrollWidth, window.innerWidth];", &[]);
        let (scroll, window) = (widths[0].as_i64().unwrap_or(0), widths[1].as_i64().unwrap_or(0));
        (scroll > window).then_some(scroll - window)
    }

    /// Chooses the file at `path` in the `<input type=file>` matching `css`,
    /// as a person picking it in the file dialog.
    pub fn attach(&self, css: &str, path: &Path) {
        let element = self.find(css);
        let path = path.canonicalize().unwrap_or_else(|e| panic!("the file {}: {e}", path.display()));
        self.post(&format!("/element/{element}/value"), json!({ "text": path.display().to_string() }))
            .unwrap_or_else(|e| panic!("choosing {} in `{css}`: {e}", path.display()));
    }

    /// Resizes the window, for instance to a phone's width.
    pub fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .unwrap_or_else(|e| panic!("resizing the window to {width}×{height}: {e}"));
    }

    /// Clicks the element matching `css`. An element folded away in a
    /// closed `<details>` (the header's menu on a phone) is first unfolded,
    /// as a person opens the menu before choosing in it.
    pub fn click(&self, css: &str) {
        let element = self.find(css);
        // Not the details whose own summary is clicked: that click opens it.
        let unfold = "const e = arguments[0];
            for (let d = e.closest('details:not([open])'); d; d = d.parentElement && d.parentElement.closest('details:not([open])')) {
              const summary = d.querySelector(':scope > summary');
              if (!(summary && summary.contains(e))) d.open = true;
            }";
        let mut reference = serde_json::Map::new();
        reference.insert(ELEMENT_KEY.to_owned(), Value::String(element.clone()));
        self.post("/execute/sync", json!({ "script": unfold, "args": [reference] }))
            .unwrap_or_else(|e| panic!("unfolding `{css}`: {e}"));
        self.post(&format!("/element/{element}/click"), json!({})).unwrap_or_else(|e| panic!("clicking `{css}`: {e}"));
    }

    /// Submits the form matching `form_css` with its own submit button, the
    /// way a person does (the header's sign-out form has one too, so a bare
    /// `button[type=submit]` would sign out).
    pub fn submit(&self, form_css: &str) {
        self.click(&format!("{form_css} [type=submit]"));
    }

    /// The visible text of the first element matching `css`, waiting for it.
    pub fn text(&self, css: &str) -> String {
        self.wait_until(&format!("the text of `{css}`"), |b| b.try_text(css).ok().flatten())
    }

    /// Waits until the element matching `css` shows `needle`, and returns its
    /// whole text; a page that is still loading is simply looked at again.
    pub fn wait_for_text(&self, css: &str, needle: &str) -> String {
        self.wait_until(&format!("`{css}` to show “{needle}”"), |b| {
            b.try_text(css).ok().flatten().filter(|text| text.contains(needle))
        })
    }

    /// Waits until the address's path is `path`.
    pub fn wait_for_path(&self, path: &str) -> String {
        self.wait_until(&format!("the address to be {path}"), |b| {
            let url = b.get("/url").ok()?.as_str()?.to_owned();
            (path_of(&url) == path).then_some(url)
        })
    }

    /// Waits until `check` gives a value, looking again every 100 ms for at
    /// most 15 s; then fails, naming `what` it waited for and where it was.
    pub fn wait_until<T>(&self, what: &str, mut check: impl FnMut(&Self) -> Option<T>) -> T {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(value) = check(self) {
                return value;
            }
            if Instant::now() >= deadline {
                let at = self.get("/url").ok().and_then(|u| u.as_str().map(str::to_owned)).unwrap_or_default();
                let body = self.try_text("body").ok().flatten().unwrap_or_default();
                panic!("waited {PATIENCE:?} for {what}; the browser is at {at} showing:\n{body}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn try_screenshot(&self, step: &str) -> Result<PathBuf, String> {
        let png = self.get("/screenshot").map_err(|e| e.to_string())?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().ok_or("the screenshot is not a string")?)
            .map_err(|e| format!("the screenshot is not base64: {e}"))?;
        let folder = screenshots_dir();
        std::fs::create_dir_all(&folder).map_err(|e| format!("creating {}: {e}", folder.display()))?;
        let file = folder.join(format!("{}-{:02}-{step}.png", self.test, next_shot(&self.test)));
        std::fs::write(&file, png).map_err(|e| format!("writing {}: {e}", file.display()))?;
        Ok(file)
    }

    /// Saves what the browser shows as `<test>-<nn>-<step>.png` in
    /// [`screenshots_dir`] and returns its path; `nn` counts the test's
    /// screenshots in all its sessions.
    pub fn screenshot(&self, step: &str) -> PathBuf {
        self.try_screenshot(step).unwrap_or_else(|e| panic!("screenshot {step}: {e}"))
    }

    /// A screenshot that the README shows: also kept as `docs/screenshots/
    /// {name}.png` when `GOPY_README_SCREENSHOTS` names that folder
    /// (scripts/screenshots sets it).
    pub fn screenshot_for_readme(&self, name: &str) -> PathBuf {
        let taken = self.screenshot(name);
        if let Some(folder) = std::env::var_os("GOPY_README_SCREENSHOTS") {
            let folder = PathBuf::from(folder);
            std::fs::create_dir_all(&folder).expect("the README's screenshot folder");
            std::fs::copy(&taken, folder.join(format!("{name}.png"))).expect("copying a screenshot");
        }
        taken
    }

    /// Ends the session and quits Chromium.
    pub fn close(mut self) {
        self.open = false;
        self.command(reqwest::Method::DELETE, "", None).unwrap_or_else(|e| panic!("ending the browser session: {e}"));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.open {
            return;
        }
        // Nothing here may panic: a panic while unwinding aborts the tests.
        if std::thread::panicking() {
            match self.try_screenshot("failed") {
                Ok(file) => eprintln!("the browser's last page: {}", file.display()),
                Err(e) => eprintln!("no screenshot of the browser's last page: {e}"),
            }
        }
        let _ = self.command(reqwest::Method::DELETE, "", None);
    }
}

/// axe-core's violations on `page` as a report: rule id, impact, the
/// elements' selectors, and the rule's help.
pub fn describe_violations(page: &str, violations: &[Violation]) -> String {
    let mut out = format!("{page}: {} serious or critical accessibility violation(s)\n", violations.len());
    for violation in violations {
        out.push_str("  ");
        out.push_str(&violation.to_string());
    }
    out
}

/// The next number of a test's screenshots, counted across all its browser
/// sessions, so that a second person's pages follow the first's in order.
fn next_shot(test: &str) -> usize {
    static SHOTS: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());
    // A test that panicked while holding the lock leaves the counts intact.
    let mut shots = SHOTS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let count = shots.entry(test.to_owned()).or_default();
    *count += 1;
    *count
}

/// One WebDriver call: the `value` of a success, or the error it reported.
fn send(
    http: &reqwest::blocking::Client,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> Result<Value, WebDriverError> {
    let mut request = http.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    // Errors, not panics: `Drop` ends sessions through here while unwinding.
    let transport =
        |error: &str, e: reqwest::Error| WebDriverError { error: error.to_owned(), message: format!("{url}: {e}") };
    let response = request.send().map_err(|e| transport("chromedriver does not answer", e))?;
    let ok = response.status().is_success();
    let reply: Value = response.json().map_err(|e| transport("chromedriver's answer is not JSON", e))?;
    let value = reply.get("value").cloned().unwrap_or(Value::Null);
    if ok {
        return Ok(value);
    }
    Err(WebDriverError {
        error: value["error"].as_str().unwrap_or("unknown error").to_owned(),
        message: value["message"].as_str().unwrap_or_default().to_owned(),
    })
}

/// `http://host:port/a/b?c` → `/a/b`.
fn path_of(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
    let path = after_scheme.find('/').map_or("/", |i| &after_scheme[i..]);
    path.split(['?', '#']).next().unwrap_or(path)
}

/// `$CARGO_TARGET_DIR/screenshots`, else `target/screenshots` in the workspace.
pub fn screenshots_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the workspace");
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace.join(dir),
        _ => workspace.join("target"),
    };
    target.join("screenshots")
}

#[cfg(test)]
mod tests {
    use super::path_of;

    #[test]
    fn the_path_of_an_address_drops_host_query_and_fragment() {
        assert_eq!(path_of("http://127.0.0.1:3000/committees/abc?x=1#top"), "/committees/abc");
        assert_eq!(path_of("http://127.0.0.1:3000"), "/");
        assert_eq!(path_of("http://127.0.0.1:3000/"), "/");
    }
}
