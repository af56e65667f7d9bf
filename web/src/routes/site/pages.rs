//! The start page, the language switch, the embedded assets, and the page
//! for addresses Gopy does not know.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION, REFERER, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use gopy_domain::Language;
use serde::Serialize;

use crate::AppState;
use crate::auth::{Ctx, PageResult};
use crate::i18n::LANGUAGE_COOKIE;
use crate::routes::views::Named;

/// Assets built into the binary: (path under /static/, content type, bytes).
const STATIC_FILES: &[(&str, &str, &[u8])] = &[
    ("gopy.css", "text/css; charset=utf-8", include_bytes!("../../../static/gopy.css")),
    ("review.js", "text/javascript; charset=utf-8", include_bytes!("../../../static/review.js")),
    ("menu.js", "text/javascript; charset=utf-8", include_bytes!("../../../static/menu.js")),
];

/// The start page's view.
#[derive(Serialize)]
pub struct HomeView {
    pub signed_in: bool,
    pub needs_setup: bool,
    /// What a new installation still needs, for the secretariat; `None`
    /// once every step is done.
    pub first_steps: Option<Vec<FirstStepView>>,
    pub committees: Vec<Named>,
}

#[derive(Serialize)]
pub struct FirstStepView {
    pub text: String,
    pub link: &'static str,
    pub done: bool,
}

/// The start page: what Gopy is for; once signed in, one's committees; on a
/// fresh installation, the way to the first-run page.
pub async fn home(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = ctx.identity.as_ref().map(|i| &i.actor);
    let home = state.app.home(actor).await.map_err(|e| ctx.failure(&e))?;
    let catalog = ctx.pages.catalog();
    let first_steps = home.first_steps.map(|steps| {
        [
            ("first_step_bodies", "/admin/bodies", steps.bodies),
            ("first_step_committee", "/committees", steps.committee),
            ("first_step_meeting", "/meetings", steps.meeting),
            ("first_step_report", "/reports", steps.report),
        ]
        .into_iter()
        .map(|(key, link, done)| FirstStepView { text: catalog.text(ctx.language, key).to_owned(), link, done })
        .collect()
    });
    let page = HomeView {
        signed_in: home.committees.is_some(),
        needs_setup: home.needs_setup,
        first_steps,
        committees: home.committees.unwrap_or_default().iter().map(|c| Named::new(c.id, &c.name)).collect(),
    };
    Ok(ctx.render("pages/home", "home_title", page))
}

/// Remembers the chosen language for a year and goes back to the page the
/// person came from (on this site only).
pub async fn choose_language(State(state): State<AppState>, ctx: Ctx, Path(code): Path<String>, headers: HeaderMap) -> Response {
    let Ok(language) = code.parse::<Language>() else {
        return ctx.not_found();
    };
    let back = same_site_referer(&headers).unwrap_or_else(|| "/".to_owned());
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{}",
        language.code(),
        state.secure_cookie_suffix()
    );
    (StatusCode::SEE_OTHER, [(LOCATION, back), (SET_COOKIE, cookie)]).into_response()
}

/// The path of the `Referer`, if it points at this host.
fn same_site_referer(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(HOST)?.to_str().ok()?;
    let referer: Uri = headers.get(REFERER)?.to_str().ok()?.parse().ok()?;
    let path = referer.path_and_query()?.as_str();
    (referer.authority()?.as_str() == host && path.starts_with('/') && !path.starts_with("//"))
        .then(|| path.to_owned())
}

pub async fn static_file(ctx: Ctx, Path(file): Path<String>) -> Response {
    match STATIC_FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => {
            ([(CONTENT_TYPE, *content_type), (CACHE_CONTROL, "public, max-age=3600")], *bytes).into_response()
        }
        None => ctx.not_found(),
    }
}

/// Any address Gopy does not know: a page in the person's language.
pub async fn not_found(ctx: Ctx) -> Response {
    ctx.not_found()
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let home = HomeView {
        signed_in: true,
        needs_setup: true,
        first_steps: Some(vec![FirstStepView { text: "Tạo các ban".into(), link: "/admin/bodies", done: true }]),
        committees: vec![Named::new("c1", "Ban Thường vụ Tỉnh ủy")],
    };
    let message = crate::pages::MessageView { heading: "Không tìm thấy", body: "Trang này không có." };
    vec![
        ("pages/home", serde_json::to_value(home).expect("home view")),
        ("pages/message", serde_json::to_value(message).expect("message view")),
    ]
}
