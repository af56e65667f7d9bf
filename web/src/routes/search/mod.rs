//! The search page and `GET /api/v1/search`: one box over passages,
//! comments and answers, for what the person may see.

pub(crate) mod api;
mod pages;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(pages::search_page))
}

/// Routes under `/api`.
pub fn api_router() -> Router<AppState> {
    Router::new().route("/v1/search", get(api::api_search))
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    pages::view_samples()
}
