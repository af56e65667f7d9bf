//! `GET /api/v1/search`: the search page's use case for scripts.

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::pages::{SearchParams, link};
use crate::AppState;
use crate::auth::ApiCaller;
use crate::routes::api::ApiError;

#[derive(Serialize, ToSchema)]
pub struct SearchHitResponse {
    /// `passage`, `comment`, `answer`, `minutes` or `conclusion`.
    pub kind: &'static str,
    pub report: Option<String>,
    /// The meeting a minute or conclusion is from.
    pub meeting: Option<String>,
    /// The title of the report or meeting it is from.
    pub source: Option<String>,
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
        (status = 422, description = "An empty or too long query, or a filter that is not valid; `fields` names each", body = ApiError)))]
pub async fn api_search(State(state): State<AppState>, ApiCaller(identity): ApiCaller, Query(params): Query<SearchParams>) -> Response {
    let request = match params.request() {
        Ok(request) => request,
        Err(refused) => return crate::routes::api::invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    match state.app.search(&identity.actor, request).await {
        Ok(hits) => Json(
            hits.iter()
                .map(|h| SearchHitResponse {
                    kind: h.entry.kind.as_str(),
                    report: h.entry.report.map(|r| r.to_string()),
                    meeting: h.entry.meeting.map(|m| m.to_string()),
                    source: h.source.clone(),
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
