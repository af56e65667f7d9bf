//! The start page, the language switch, the embedded assets, and the page
//! for addresses Gopy does not know.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION, REFERER, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use gopy_domain::Language;
use serde_json::json;

use crate::AppState;
use crate::auth::{Ctx, PageResult};
use crate::i18n::LANGUAGE_COOKIE;
use crate::routes::admin::visible_committees;

/// Assets built into the binary: (path under /static/, content type, bytes).
const STATIC_FILES: &[(&str, &str, &[u8])] = &[
    ("gopy.css", "text/css; charset=utf-8", include_bytes!("../../static/gopy.css")),
    ("review.js", "text/javascript; charset=utf-8", include_bytes!("../../static/review.js")),
];

/// The start page: what Gopy is for; once signed in, one's committees; on a
/// fresh installation, the way to the first-run page.
pub async fn home(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let committees = match ctx.identity {
        Some(_) => Some(visible_committees(&state, &ctx).await?),
        None => None,
    };
    let needs_setup = state.app.needs_first_admin().await.map_err(|e| ctx.failure(&e))?;
    let first_steps = match ctx.identity.as_ref().filter(|i| i.actor.organises()) {
        Some(identity) => Some(first_steps(&state, &ctx, identity).await?),
        None => None,
    };
    let page = json!({
        "signed_in": committees.is_some(),
        "needs_setup": needs_setup,
        "first_steps": first_steps,
        "committees": committees.unwrap_or_default().iter()
            .map(|c| json!({ "id": c.id, "name": c.name }))
            .collect::<Vec<_>>(),
    });
    Ok(ctx.render("pages/home", "home_title", page))
}

/// What a new installation still needs, in the order it needs it: bodies, a
/// committee with its members, the first meeting, the first draft. Shown to
/// the secretariat until every step is done.
async fn first_steps(state: &AppState, ctx: &Ctx, identity: &gopy_app::Identity) -> Result<Option<serde_json::Value>, Response> {
    let fail = |e: gopy_app::AppError| ctx.failure(&e);
    let bodies = !state.app.list_bodies().await.map_err(fail)?.is_empty();
    let committees = state.app.list_committees().await.map_err(fail)?;
    let mut members = false;
    for committee in &committees {
        members |= !state.app.memberships_of_committee(committee.id).await.map_err(fail)?.is_empty();
    }
    let meetings = !state.app.meetings_for(&identity.actor).await.map_err(fail)?.is_empty();
    let reports = !state.app.reports_for(&identity.actor).await.map_err(fail)?.is_empty();
    let steps = [
        ("first_step_bodies", "/admin/bodies", bodies),
        ("first_step_committee", "/committees", !committees.is_empty() && members),
        ("first_step_meeting", "/meetings", meetings),
        ("first_step_report", "/reports", reports),
    ];
    if steps.iter().all(|(_, _, done)| *done) {
        return Ok(None);
    }
    let catalog = ctx.pages.catalog();
    Ok(Some(json!(steps
        .iter()
        .map(|(key, link, done)| json!({ "text": catalog.text(ctx.language, key), "link": link, "done": done }))
        .collect::<Vec<_>>())))
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
