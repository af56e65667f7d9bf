//! A person's own account in the JSON API, as the account page offers it:
//!
//! - `GET /api/v1/me/account`: the profile, live sessions, tokens and mail
//!   choices; `PATCH /api/v1/me/account`: the name, language and time zone;
//! - `PUT /api/v1/me/mail-choices`: how each kind of mail is delivered;
//! - `POST /api/v1/me/tokens` (the secret is in this answer only) and
//!   `DELETE /api/v1/me/tokens/{id}`;
//! - `DELETE /api/v1/me/sessions/{id}`: signs one browser out.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{delete, get, put};
use axum::Router;
use gopy_app::accounts::AccountPage;
use gopy_domain::{AccessToken, AccessTokenId, Delivery, NoticeKind, Session, SessionId};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use validator::{Validate, ValidationError};

use crate::AppState;
use crate::rules::{self, NAME_MAX};
use crate::auth::ApiCaller;
use crate::routes::api::{ApiError, ApiPath, CommonRefusals, ValidJson, invalid_fields, refuse, respond, respond_empty, rfc3339};

/// The account's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(get_account, change_account, choose_mail, create_token, revoke_token, end_session),
    components(schemas(
        AccountResponse, SessionResponse, TokenResponse, MailChoiceResponse, AccountChangeRequest, MailChoicesRequest,
        MailChoiceRequest, TokenRequest, NewTokenResponse, ApiError,
    )),
    modifiers(&CommonRefusals),
)]
pub struct AccountApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/me/account", get(get_account).patch(change_account))
        .route("/v1/me/mail-choices", put(choose_mail))
        .route("/v1/me/tokens", axum::routing::post(create_token))
        .route("/v1/me/tokens/{id}", delete(revoke_token))
        .route("/v1/me/sessions/{id}", delete(end_session))
}

// --- Requests ------------------------------------------------------------------------

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountChangeRequest {
    #[validate(length(min = 1, max = NAME_MAX))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// `vi` or `en`: the language of the person's pages and mail.
    #[validate(custom(function = "rules::language"))]
    pub language: String,
    /// An IANA zone from the list the account page offers, e.g.
    /// `Asia/Ho_Chi_Minh`; absent keeps the zone.
    #[validate(custom(function = "rules::time_zone"))]
    pub time_zone: Option<String>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailChoicesRequest {
    #[validate(nested)]
    pub choices: Vec<MailChoiceRequest>,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MailChoiceRequest {
    /// A kind of mail one may choose for (`comment.posted`, …).
    #[validate(custom(function = "a_choosable_kind"))]
    pub kind: String,
    /// `at_once`, `hourly`, `daily` or `off`.
    #[validate(custom(function = "a_delivery"))]
    pub delivery: String,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for, to tell one's tokens apart.
    #[validate(length(min = 1, max = NAME_MAX))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}



fn a_choosable_kind(raw: &str) -> Result<(), ValidationError> {
    match raw.parse::<NoticeKind>() {
        Ok(kind) if kind.is_choosable() => Ok(()),
        _ => Err(ValidationError::new("mail_kind")),
    }
}

fn a_delivery(raw: &str) -> Result<(), ValidationError> {
    raw.parse::<Delivery>().map(|_| ()).map_err(|_| ValidationError::new("delivery"))
}

// --- Responses -----------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct AccountResponse {
    pub id: String,
    pub name: String,
    pub email: String,
    pub language: &'static str,
    pub time_zone: String,
    /// Live sessions, newest first.
    pub sessions: Vec<SessionResponse>,
    /// Revoked ones included, newest first.
    pub tokens: Vec<TokenResponse>,
    /// Every kind of mail one may choose for, with the choice.
    pub mail_choices: Vec<MailChoiceResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct SessionResponse {
    pub id: String,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
    pub user_agent: Option<String>,
    pub address: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A new token: its secret is shown here once, and only its hash is kept.
#[derive(Serialize, ToSchema)]
pub struct NewTokenResponse {
    #[serde(flatten)]
    pub token: TokenResponse,
    pub secret: String,
}

#[derive(Serialize, ToSchema)]
pub struct MailChoiceResponse {
    pub kind: &'static str,
    pub delivery: &'static str,
}

fn account_response(page: AccountPage) -> AccountResponse {
    let AccountPage { user, sessions, tokens, mail_choices } = page;
    AccountResponse {
        id: user.id.to_string(),
        name: user.name.to_string(),
        email: user.email.to_string(),
        language: user.language.code(),
        time_zone: user.time_zone,
        sessions: sessions.iter().map(session_response).collect(),
        tokens: tokens.iter().map(token_response).collect(),
        mail_choices: mail_choices
            .iter()
            .map(|(kind, delivery)| MailChoiceResponse { kind: kind.as_str(), delivery: delivery.as_str() })
            .collect(),
    }
}

fn session_response(session: &Session) -> SessionResponse {
    SessionResponse {
        id: session.id.to_string(),
        created_at: rfc3339(session.created_at),
        last_seen_at: rfc3339(session.last_seen_at),
        expires_at: rfc3339(session.expires_at),
        user_agent: session.user_agent.clone(),
        address: session.address.clone(),
    }
}

fn token_response(token: &AccessToken) -> TokenResponse {
    TokenResponse {
        id: token.id.to_string(),
        name: token.name.to_string(),
        created_at: rfc3339(token.created_at),
        last_used_at: token.last_used_at.map(rfc3339),
        revoked_at: token.revoked_at.map(rfc3339),
    }
}

// --- Handlers ------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/v1/me/account", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "The caller's account: profile, sessions, tokens and mail choices", body = AccountResponse)))]
pub async fn get_account(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    let result = state.app.account_page(&identity.actor).await;
    respond(&state, &identity, result, StatusCode::OK, account_response)
}

#[utoipa::path(patch, path = "/api/v1/me/account", tag = "accounts", security(("bearer" = [])), request_body = AccountChangeRequest,
    responses(
        (status = 200, description = "The account as it now is", body = AccountResponse),
        (status = 422, description = "A field is not valid; every one is named", body = ApiError)))]
pub async fn change_account(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ValidJson(request): ValidJson<AccountChangeRequest>,
) -> Response {
    // The rules above passed, so the language is one of ours.
    let language = match rules::parsed(&request.language, "language") {
        Ok(language) => language,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    let changed = state.app.update_own_account(identity.user.id, &request.name, language, request.time_zone.as_deref()).await;
    if let Err(err) = changed {
        return refuse(&state, &identity, &err);
    }
    let result = state.app.account_page(&identity.actor).await;
    respond(&state, &identity, result, StatusCode::OK, account_response)
}

#[utoipa::path(put, path = "/api/v1/me/mail-choices", tag = "accounts", security(("bearer" = [])), request_body = MailChoicesRequest,
    responses(
        (status = 200, description = "Every kind of mail one may choose for, with the choice", body = [MailChoiceResponse]),
        (status = 422, description = "A kind that cannot be chosen, or an unknown delivery", body = ApiError)))]
pub async fn choose_mail(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ValidJson(request): ValidJson<MailChoicesRequest>,
) -> Response {
    // The rules above passed: every kind and delivery reads.
    let read: Result<Vec<(NoticeKind, Delivery)>, _> =
        request.choices.iter().map(|c| Ok((rules::parsed(&c.kind, "kind")?, rules::parsed(&c.delivery, "delivery")?))).collect();
    let choices = match read {
        Ok(choices) => choices,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    if let Err(err) = state.app.choose_deliveries(&identity.actor, &choices).await {
        return refuse(&state, &identity, &err);
    }
    let result = state.app.account_page(&identity.actor).await;
    respond(&state, &identity, result, StatusCode::OK, |page| account_response(page).mail_choices)
}

#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", security(("bearer" = [])), request_body = TokenRequest,
    responses(
        (status = 201, description = "The token, with its secret (shown this once)", body = NewTokenResponse),
        (status = 422, description = "The name is not valid", body = ApiError)))]
pub async fn create_token(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ValidJson(request): ValidJson<TokenRequest>) -> Response {
    let result = state.app.create_access_token(Some(identity.user.id), identity.user.email.as_str(), &request.name).await;
    respond(&state, &identity, result, StatusCode::CREATED, |(token, secret)| NewTokenResponse { token: token_response(&token), secret })
}

#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "One of the caller's tokens")),
    responses(
        (status = 204, description = "Revoked: it no longer opens the API"),
        (status = 404, description = "None of the caller's tokens", body = ApiError)))]
pub async fn revoke_token(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<AccessTokenId>) -> Response {
    let result = state.app.revoke_access_token(identity.user.id, id).await;
    respond_empty(&state, &identity, result)
}

#[utoipa::path(delete, path = "/api/v1/me/sessions/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "One of the caller's sessions")),
    responses(
        (status = 204, description = "Ended: that browser is signed out"),
        (status = 404, description = "None of the caller's sessions", body = ApiError)))]
pub async fn end_session(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<SessionId>) -> Response {
    let result = state.app.end_session(identity.user.id, id).await;
    respond_empty(&state, &identity, result)
}

#[cfg(test)]
mod tests {
    use validator::Validate;

    use super::*;

    #[test]
    fn every_invalid_field_of_an_account_change_is_named_at_once() {
        let request = AccountChangeRequest { name: String::new(), language: "fr".into(), time_zone: Some("Mars/Olympus".into()) };
        let errors = request.validate().expect_err("three fields are wrong");
        let fields = errors.field_errors();
        let mut named: Vec<&str> = fields.keys().map(|k| k.as_ref()).collect();
        named.sort_unstable();
        assert_eq!(named, ["language", "name", "time_zone"]);
    }

    #[test]
    fn a_kind_of_mail_that_cannot_be_chosen_is_refused_at_the_edge() {
        let unchoosable = NoticeKind::ALL.iter().find(|k| !k.is_choosable()).expect("some kind is always sent");
        let request = MailChoicesRequest {
            choices: vec![MailChoiceRequest { kind: unchoosable.as_str().into(), delivery: "weekly".into() }],
        };
        let errors = request.validate().expect_err("both are wrong");
        assert!(errors.to_string().contains("mail_kind") && errors.to_string().contains("delivery"), "{errors}");
    }
}
