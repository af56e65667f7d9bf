//! The JSON API under `/api`: its root, its OpenAPI document, and its errors.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::i18n::language_of;

/// The OpenAPI document; later issues add their paths here.
#[derive(OpenApi)]
#[openapi(
    info(title = "Gopy API", description = "Meetings, draft reports, comments and their dispositions."),
    paths(super::health::healthz, super::health::readyz, api_root, openapi_document),
    components(schemas(ApiRoot, ApiError, ApiErrorBody)),
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1", get(api_root))
        .route("/openapi.json", get(openapi_document))
        .fallback(api_not_found)
}

/// What the API root says about itself.
#[derive(Serialize, ToSchema)]
pub struct ApiRoot {
    pub name: &'static str,
    pub version: &'static str,
    /// Where the OpenAPI document is.
    pub openapi: &'static str,
}

#[utoipa::path(get, path = "/api/v1", tag = "api",
    responses((status = 200, description = "The API root", body = ApiRoot)))]
pub async fn api_root() -> Json<ApiRoot> {
    Json(ApiRoot { name: "Gopy", version: env!("CARGO_PKG_VERSION"), openapi: "/api/openapi.json" })
}

#[utoipa::path(get, path = "/api/openapi.json", tag = "api",
    responses((status = 200, description = "This document", content_type = "application/json")))]
pub async fn openapi_document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// Every API error has this shape: a stable code for programs and a message
/// in the caller's language for people.
#[derive(Serialize, ToSchema)]
pub struct ApiError {
    pub error: ApiErrorBody,
}

#[derive(Serialize, ToSchema)]
pub struct ApiErrorBody {
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn response(status: StatusCode, code: &'static str, message: String) -> Response {
        (status, Json(Self { error: ApiErrorBody { code, message } })).into_response()
    }
}

async fn api_not_found(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let language = language_of(&headers, state.default_language);
    let message = state.pages.catalog().text(language, "api_not_found").to_owned();
    ApiError::response(StatusCode::NOT_FOUND, "not_found", message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_openapi_document_lists_the_foundation_routes() {
        let document = ApiDoc::openapi();
        for path in ["/healthz", "/readyz", "/api/v1", "/api/openapi.json"] {
            assert!(document.paths.paths.contains_key(path), "{path} is missing");
        }
    }
}
