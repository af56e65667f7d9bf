//! The JSON API under `/api`: its root, its OpenAPI document, and its errors.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;
use crate::auth::ApiCaller;
use crate::i18n::language_of;

/// The OpenAPI document; later issues add their paths here.
#[derive(OpenApi)]
#[openapi(
    info(title = "Gopy API", description = "Meetings, draft reports, comments and their dispositions."),
    paths(super::health::healthz, super::health::readyz, api_root, openapi_document, me),
    components(schemas(ApiRoot, ApiError, ApiErrorBody, Me, MeMembership)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1", get(api_root))
        .route("/openapi.json", get(openapi_document))
        .route("/v1/me", get(me))
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

/// Declares the bearer scheme: personal access tokens.
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The caller, as `GET /api/v1/me` describes them.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: String,
    pub name: String,
    pub email: String,
    pub title: Option<String>,
    pub body: Option<String>,
    /// `vi` or `en`.
    pub language: &'static str,
    pub time_zone: String,
    /// `admin`, `secretariat`.
    pub global_roles: Vec<&'static str>,
    pub memberships: Vec<MeMembership>,
}

#[derive(Serialize, ToSchema)]
pub struct MeMembership {
    pub committee: String,
    /// `chair`, `vice_chair`, `member`, `secretary`.
    pub role: &'static str,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid token or session", body = ApiError)))]
pub async fn me(ApiCaller(identity): ApiCaller) -> Json<Me> {
    let user = identity.user;
    Json(Me {
        id: user.id.to_string(),
        name: user.name.to_string(),
        email: user.email.to_string(),
        title: user.title.map(|t| t.to_string()),
        body: user.body.map(|b| b.to_string()),
        language: user.language.code(),
        time_zone: user.time_zone,
        global_roles: identity.actor.global_roles.iter().map(|r| r.as_str()).collect(),
        memberships: identity
            .actor
            .memberships
            .iter()
            .map(|(committee, role)| MeMembership { committee: committee.to_string(), role: role.as_str() })
            .collect(),
    })
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
        for path in ["/healthz", "/readyz", "/api/v1", "/api/openapi.json", "/api/v1/me"] {
            assert!(document.paths.paths.contains_key(path), "{path} is missing");
        }
    }
}
