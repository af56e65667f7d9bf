//! The pages people read, the language switch, and the embedded assets.

use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION, REFERER, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use gopy_domain::Language;
use serde_json::json;

use crate::AppState;
use crate::i18n::{LANGUAGE_COOKIE, language_of};

/// Assets built into the binary: (path under /static/, content type, bytes).
const STATIC_FILES: &[(&str, &str, &[u8])] =
    &[("gopy.css", "text/css; charset=utf-8", include_bytes!("../../static/gopy.css"))];

/// The start page: what Gopy is for, and the committees it holds.
pub async fn home(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let language = language_of(&headers, state.default_language);
    match state.app.list_committees().await {
        Ok(committees) => {
            let names: Vec<&str> = committees.iter().map(|c| c.name.as_str()).collect();
            state.pages.render("pages/home", language, "home_title", json!({ "committees": names }))
        }
        Err(err) => {
            tracing::error!(error = %err, "start page: committees could not be listed");
            state.pages.error_page(StatusCode::SERVICE_UNAVAILABLE, language)
        }
    }
}

/// Remembers the chosen language for a year and goes back to the page the
/// person came from (on this site only).
pub async fn choose_language(State(state): State<AppState>, Path(code): Path<String>, headers: HeaderMap) -> Response {
    let Ok(language) = code.parse::<Language>() else {
        return not_found(State(state), headers).await;
    };
    let back = same_site_referer(&headers).unwrap_or_else(|| "/".to_owned());
    let cookie = format!("{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", language.code());
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

pub async fn static_file(State(state): State<AppState>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    match STATIC_FILES.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, bytes)) => {
            ([(CONTENT_TYPE, *content_type), (CACHE_CONTROL, "public, max-age=3600")], *bytes).into_response()
        }
        None => not_found(State(state), headers).await,
    }
}

/// Any address Gopy does not know: a page in the person's language.
pub async fn not_found(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let language = language_of(&headers, state.default_language);
    let catalog = state.pages.catalog();
    state.pages.render_with_status(
        StatusCode::NOT_FOUND,
        "pages/message",
        language,
        "not_found_title",
        json!({
            "heading": catalog.text(language, "not_found_title"),
            "body": catalog.text(language, "not_found_body"),
        }),
    )
}
