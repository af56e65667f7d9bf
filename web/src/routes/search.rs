//! The search page and `GET /api/v1/search`: one box over passages,
//! comments and answers, for what the person may see.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use gopy_app::AppError;
use gopy_app::search::{Hit, SearchRequest};
use gopy_domain::search::EntryKind;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::api::ApiError;
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, PageResult};
use crate::i18n::format_date_time;
use crate::render::escape;

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// What to look for; quotes ask for a phrase. Tones and case do not matter.
    q: Option<String>,
    /// `passage`, `comment`, `answer`, `minutes` or `conclusion`.
    kind: Option<String>,
    /// A report's id.
    report: Option<String>,
    /// A meeting's id.
    meeting: Option<String>,
    /// An author's id.
    author: Option<String>,
    /// Passages of every version, not only the latest: `1`.
    all: Option<String>,
}

impl SearchParams {
    fn request(&self) -> SearchRequest {
        let some = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        SearchRequest {
            query: self.q.clone().unwrap_or_default(),
            kinds: some(&self.kind).and_then(|k| k.parse::<EntryKind>().ok()).into_iter().collect(),
            // A filter naming nothing that exists finds nothing, rather than everything.
            report: some(&self.report).map(|r| r.parse().unwrap_or(gopy_domain::ReportId::from_uuid(uuid::Uuid::nil()))),
            meeting: some(&self.meeting).map(|m| m.parse().unwrap_or(gopy_domain::MeetingId::from_uuid(uuid::Uuid::nil()))),
            author: some(&self.author).map(|a| a.parse().unwrap_or(gopy_domain::UserId::from_uuid(uuid::Uuid::nil()))),
            from: None,
            until: None,
            all_versions: self.all.as_deref() == Some("1"),
        }
    }
}

/// The text with its matching stretches in `<mark>`, escaped.
fn highlighted(hit: &Hit) -> String {
    let chars: Vec<char> = hit.entry.text.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for &(start, end) in &hit.highlights {
        let (start, end) = (start.min(chars.len()), end.min(chars.len()));
        if start < at {
            continue;
        }
        out.push_str(&escape(&chars[at..start].iter().collect::<String>()));
        out.push_str("<mark>");
        out.push_str(&escape(&chars[start..end].iter().collect::<String>()));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&escape(&chars[at..].iter().collect::<String>()));
    out
}

/// Where a hit leads: the passage, the comment's thread.
fn link(hit: &Hit) -> Option<String> {
    let e = &hit.entry;
    if let Some(meeting) = e.meeting {
        return Some(format!("/meetings/{meeting}"));
    }
    let report = e.report?;
    let version = e.version.unwrap_or(1);
    Some(match (e.kind, e.comment, &e.block) {
        (EntryKind::Comment | EntryKind::Answer, Some(c), _) => format!("/reports/{report}/versions/{version}#comment-{c}"),
        (_, _, Some(block)) => format!("/reports/{report}/versions/{version}#{block}"),
        _ => format!("/reports/{report}"),
    })
}

pub async fn search_page(State(state): State<AppState>, ctx: Ctx, Query(params): Query<SearchParams>) -> PageResult {
    let identity = ctx.signed_in()?;
    let catalog = ctx.pages.catalog();
    let asked = params.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let (hits, message) = if asked {
        match state.app.search(&identity.actor, params.request()).await {
            Ok(hits) => (hits, None),
            Err(err @ AppError::Invalid { .. }) => (Vec::new(), Some(ctx.describe(&err))),
            Err(err) => return Err(ctx.failure(&err)),
        }
    } else {
        (Vec::new(), None)
    };
    let zone = identity.user.time_zone.clone();
    let kinds: Vec<serde_json::Value> = ["passage", "comment", "answer", "minutes", "conclusion"]
        .iter()
        .map(|k| json!({
            "value": k, "label": catalog.text(ctx.language, &format!("search_kind_{k}")), "selected": params.kind.as_deref() == Some(*k),
        }))
        .collect();
    let page = json!({
        "q": params.q,
        "asked": asked,
        "message": message,
        "all": params.all.as_deref() == Some("1"),
        "kinds": kinds,
        "hits": hits.iter().map(|h| json!({
            "kind": catalog.text(ctx.language, &format!("search_kind_{}", h.entry.kind.as_str())),
            "html": highlighted(h),
            "link": link(h),
            "at": format_date_time(h.entry.at, &zone),
            "version": h.entry.version,
        })).collect::<Vec<_>>(),
    });
    Ok(ctx.render("pages/search", "search_title", page))
}

#[derive(Serialize, ToSchema)]
pub struct SearchHitResponse {
    /// `passage`, `comment`, `answer`, `minutes` or `conclusion`.
    pub kind: &'static str,
    pub report: Option<String>,
    pub version: Option<u32>,
    pub block: Option<String>,
    pub comment: Option<String>,
    pub text: String,
    /// The matching stretches, as character offsets into `text`.
    pub highlights: Vec<(usize, usize)>,
    pub score: u32,
    pub link: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/search", tag = "search", security(("bearer" = [])),
    params(SearchParams),
    responses((status = 200, description = "The best hits first, only from what the caller may see", body = [SearchHitResponse]),
        (status = 422, description = "An empty or too long query", body = ApiError)))]
pub async fn api_search(State(state): State<AppState>, ApiCaller(identity): ApiCaller, Query(params): Query<SearchParams>) -> Response {
    match state.app.search(&identity.actor, params.request()).await {
        Ok(hits) => Json(
            hits.iter()
                .map(|h| SearchHitResponse {
                    kind: h.entry.kind.as_str(),
                    report: h.entry.report.map(|r| r.to_string()),
                    version: h.entry.version,
                    block: h.entry.block.clone(),
                    comment: h.entry.comment.map(|c| c.to_string()),
                    text: h.entry.text.clone(),
                    highlights: h.highlights.clone(),
                    score: h.score,
                    link: link(h),
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(err) => ApiError::from_app(state.pages.catalog(), identity.user.language, &err),
    }
}
