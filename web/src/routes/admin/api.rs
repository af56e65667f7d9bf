//! The organisation in the JSON API, so a province provisions its bodies,
//! committees, terms, people and seats by script, as the pages do by hand:
//!
//! - `GET/POST /api/v1/bodies`, `GET/POST /api/v1/terms`;
//! - `GET/POST /api/v1/committees`, `GET /api/v1/committees/{id}` (with its
//!   members), `POST /api/v1/committees/{id}/members`;
//! - `GET/POST /api/v1/people` (POST invites: the person gets the mail that
//!   lets them set a password), `GET/PUT /api/v1/people/{id}`,
//!   `PUT/DELETE /api/v1/people/{id}/roles/{role}`.
//!
//! Bodies are checked whole at the edge ([`ValidJson`]): unknown keys are
//! refused and every invalid field is named at once. The domain's own rules
//! (a name taken, a term that ends before it starts) answer as everywhere.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::Router;
use gopy_app::mail::MailOverview;
use gopy_app::organisation::{CommitteePage, NewUser, Person, PersonChange};
use gopy_domain::{MailRecord, OutboxMessageId, Body, BodyId, Committee, CommitteeId, CommitteeRole, GlobalRole, Language, Term, UserId};
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};
use validator::Validate;

use crate::AppState;
use crate::rules::{self, NAME_MAX};
use crate::auth::ApiCaller;
use crate::i18n::parse_date;
use crate::routes::api::{ApiError, ApiPath, CommonRefusals, ValidJson, invalid_fields, respond, respond_empty, rfc3339};

/// The organisation's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(
        list_bodies, create_body, list_terms, create_term, list_committees, create_committee, get_committee,
        add_member, list_people, invite_person, get_person, change_person, grant_role, withdraw_role, mail_log, resend_mail,
    ),
    components(schemas(
        NameRequest, BodyResponse, TermRequest, TermResponse, CommitteeResponse, MemberResponse, SeatRequest,
        PersonRequest, PersonChangeRequest, PersonResponse, MailLogResponse, MailResponse, ApiError,
    )),
    modifiers(&CommonRefusals),
)]
pub struct OrganisationApi;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/bodies", get(list_bodies).post(create_body))
        .route("/v1/terms", get(list_terms).post(create_term))
        .route("/v1/committees", get(list_committees).post(create_committee))
        .route("/v1/committees/{id}", get(get_committee))
        .route("/v1/committees/{id}/members", post(add_member))
        .route("/v1/people", get(list_people).post(invite_person))
        .route("/v1/people/{id}", get(get_person).put(change_person))
        .route("/v1/people/{id}/roles/{role}", put(grant_role).delete(withdraw_role))
        .route("/v1/mail", get(mail_log))
        .route("/v1/mail/{id}/resend", post(resend_mail))
}

// --- Requests ------------------------------------------------------------------------


/// A body or a committee: its name.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NameRequest {
    #[validate(length(min = 1, max = NAME_MAX))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
}

/// A term (nhiệm kỳ); dates as `YYYY-MM-DD`.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TermRequest {
    #[validate(length(min = 1, max = NAME_MAX))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[validate(custom(function = "rules::date"))]
    pub starts_on: String,
    #[validate(custom(function = "rules::date"))]
    pub ends_on: String,
}

/// A seat on a committee.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SeatRequest {
    #[schema(value_type = String)]
    pub person: UserId,
    /// `chair`, `vice_chair`, `member` or `secretary`.
    #[validate(custom(function = "rules::committee_role"))]
    pub role: String,
}

/// A person to invite.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonRequest {
    #[validate(email, length(min = 3, max = 254))]
    pub email: String,
    #[validate(length(min = 1, max = NAME_MAX))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Chức vụ, e.g. "Phó Bí thư Tỉnh ủy".
    #[validate(length(min = 1, max = NAME_MAX))]
    pub title: Option<String>,
    #[schema(value_type = Option<String>)]
    pub body: Option<BodyId>,
    /// `vi` (the default) or `en`: the language of their pages and mail.
    #[validate(custom(function = "rules::language"))]
    pub language: Option<String>,
    /// `admin`, `secretariat`.
    #[serde(default)]
    #[validate(custom(function = "rules::global_roles"))]
    pub roles: Vec<String>,
}

/// What the secretariat keeps about someone else: the whole of it.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonChangeRequest {
    #[validate(length(min = 1, max = NAME_MAX))]
    pub title: Option<String>,
    #[schema(value_type = Option<String>)]
    pub body: Option<BodyId>,
    pub active: bool,
}





// --- Responses -----------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub struct BodyResponse {
    pub id: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct TermResponse {
    pub id: String,
    pub name: String,
    /// `YYYY-MM-DD`.
    pub starts_on: String,
    pub ends_on: String,
}

#[derive(Serialize, ToSchema)]
pub struct CommitteeResponse {
    pub id: String,
    pub name: String,
    /// Its seats; listed only where one committee is read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<MemberResponse>>,
}

#[derive(Serialize, ToSchema)]
pub struct MemberResponse {
    pub person: String,
    pub name: String,
    pub title: Option<String>,
    pub role: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct PersonResponse {
    pub id: String,
    pub email: String,
    pub name: String,
    pub title: Option<String>,
    pub body: Option<String>,
    pub language: &'static str,
    pub active: bool,
    pub roles: Vec<&'static str>,
}

fn body_response(body: &Body) -> BodyResponse {
    BodyResponse { id: body.id.to_string(), name: body.name.to_string() }
}

fn term_response(term: &Term) -> TermResponse {
    TermResponse { id: term.id.to_string(), name: term.name.to_string(), starts_on: term.starts_on.to_string(), ends_on: term.ends_on.to_string() }
}

fn committee_response(committee: &Committee) -> CommitteeResponse {
    CommitteeResponse { id: committee.id.to_string(), name: committee.name.to_string(), members: None }
}

fn committee_page_response(page: CommitteePage) -> CommitteeResponse {
    let members = page
        .members
        .into_iter()
        .map(|m| MemberResponse { person: m.user.to_string(), name: m.name, title: m.title, role: m.role.as_str() })
        .collect();
    CommitteeResponse { members: Some(members), ..committee_response(&page.committee) }
}

fn person_response(person: &Person) -> PersonResponse {
    let user = &person.user;
    PersonResponse {
        id: user.id.to_string(),
        email: user.email.to_string(),
        name: user.name.to_string(),
        title: user.title.as_ref().map(ToString::to_string),
        body: user.body.map(|b| b.to_string()),
        language: user.language.code(),
        active: user.active,
        roles: person.global_roles.iter().map(|r| r.as_str()).collect(),
    }
}


// --- Handlers ------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/v1/bodies", tag = "organisation", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every body (ban, sở, đơn vị)", body = [BodyResponse]),
        (status = 403, description = "Not for the caller's roles", body = ApiError)))]
pub async fn list_bodies(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    let result = state.app.bodies_page(&identity.actor).await;
    respond(&state, &identity, result, StatusCode::OK, |page| page.bodies.iter().map(body_response).collect::<Vec<_>>())
}

#[utoipa::path(post, path = "/api/v1/bodies", tag = "organisation", security(("bearer" = [])), request_body = NameRequest,
    responses(
        (status = 201, description = "The body, created", body = BodyResponse),
        (status = 409, description = "A body of that name exists", body = ApiError)))]
pub async fn create_body(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ValidJson(request): ValidJson<NameRequest>) -> Response {
    let result = state.app.create_body_as(&identity.actor, &request.name).await;
    respond(&state, &identity, result, StatusCode::CREATED, |body| body_response(&body))
}

#[utoipa::path(get, path = "/api/v1/terms", tag = "organisation", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every term (nhiệm kỳ)", body = [TermResponse]),
        (status = 403, description = "Only who keeps the indicators reads the terms", body = ApiError)))]
pub async fn list_terms(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    let result = state.app.terms_page(&identity.actor).await;
    respond(&state, &identity, result, StatusCode::OK, |terms| terms.iter().map(term_response).collect::<Vec<_>>())
}

#[utoipa::path(post, path = "/api/v1/terms", tag = "organisation", security(("bearer" = [])), request_body = TermRequest,
    responses(
        (status = 201, description = "The term, created", body = TermResponse),
        (status = 409, description = "A term of that name exists", body = ApiError),
        (status = 422, description = "A field is not valid, or the term ends before it starts", body = ApiError)))]
pub async fn create_term(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ValidJson(request): ValidJson<TermRequest>) -> Response {
    let (starts_on, ends_on) = (parse_date(&request.starts_on), parse_date(&request.ends_on));
    let result = state.app.create_term_as(&identity.actor, &request.name, starts_on, ends_on).await;
    respond(&state, &identity, result, StatusCode::CREATED, |term| term_response(&term))
}

#[utoipa::path(get, path = "/api/v1/committees", tag = "organisation", security(("bearer" = [])),
    responses((status = 200, description = "The committees the caller may see", body = [CommitteeResponse])))]
pub async fn list_committees(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    let result = state.app.committees_page(&identity.actor).await;
    respond(&state, &identity, result, StatusCode::OK, |page| page.committees.iter().map(committee_response).collect::<Vec<_>>())
}

#[utoipa::path(post, path = "/api/v1/committees", tag = "organisation", security(("bearer" = [])), request_body = NameRequest,
    responses(
        (status = 201, description = "The committee, created", body = CommitteeResponse),
        (status = 409, description = "A committee of that name exists", body = ApiError)))]
pub async fn create_committee(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ValidJson(request): ValidJson<NameRequest>,
) -> Response {
    let result = state.app.create_committee_as(&identity.actor, &request.name).await;
    respond(&state, &identity, result, StatusCode::CREATED, |committee| committee_response(&committee))
}

#[utoipa::path(get, path = "/api/v1/committees/{id}", tag = "organisation", security(("bearer" = [])),
    params(("id" = String, Path, description = "The committee's id")),
    responses(
        (status = 200, description = "The committee and its seats", body = CommitteeResponse),
        (status = 403, description = "Not a committee the caller may see", body = ApiError)))]
pub async fn get_committee(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<CommitteeId>) -> Response {
    let result = state.app.committee_page(&identity.actor, id).await;
    respond(&state, &identity, result, StatusCode::OK, committee_page_response)
}

#[utoipa::path(post, path = "/api/v1/committees/{id}/members", tag = "organisation", security(("bearer" = [])),
    params(("id" = String, Path, description = "The committee's id")), request_body = SeatRequest,
    responses(
        (status = 201, description = "The seat; the committee as it now is", body = CommitteeResponse),
        (status = 409, description = "The person already has a seat", body = ApiError)))]
pub async fn add_member(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<CommitteeId>,
    ValidJson(request): ValidJson<SeatRequest>,
) -> Response {
    let role = match rules::parsed::<CommitteeRole>(&request.role, "role") {
        Ok(role) => role,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    let result = state.app.seat_and_show(&identity.actor, id, Some(request.person), Some(role)).await;
    respond(&state, &identity, result, StatusCode::CREATED, committee_page_response)
}

#[utoipa::path(get, path = "/api/v1/people", tag = "organisation", security(("bearer" = [])),
    responses(
        (status = 200, description = "Everyone, in Vietnamese order of name", body = [PersonResponse]),
        (status = 403, description = "Only the secretariat and admins list people", body = ApiError)))]
pub async fn list_people(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    let result = state.app.people_page(&identity.actor).await;
    respond(&state, &identity, result, StatusCode::OK, |page| {
        page.people
            .into_iter()
            .map(|row| person_response(&Person { user: row.user, global_roles: row.global_roles }))
            .collect::<Vec<_>>()
    })
}

#[utoipa::path(post, path = "/api/v1/people", tag = "organisation", security(("bearer" = [])), request_body = PersonRequest,
    responses(
        (status = 201, description = "The person, invited: they get the mail to set their password", body = PersonResponse),
        (status = 409, description = "Someone has this address", body = ApiError)))]
pub async fn invite_person(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ValidJson(request): ValidJson<PersonRequest>,
) -> Response {
    // The rules above have been checked: what is read here reads; no
    // language given is Vietnamese, as documented.
    let read = request
        .roles
        .iter()
        .map(|r| rules::parsed::<GlobalRole>(r, "roles"))
        .collect::<Result<Vec<_>, _>>()
        .and_then(|roles| Ok((roles, rules::parsed_choice::<Language>(request.language.as_deref().unwrap_or_default(), "language")?)));
    let (global_roles, language) = match read {
        Ok(read) => read,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    let new_user = NewUser {
        email: request.email,
        name: request.name,
        title: request.title,
        body: request.body,
        language: language.unwrap_or(Language::Vi),
        global_roles: global_roles.clone(),
    };
    let result = state.app.invite_as(&identity.actor, new_user).await;
    respond(&state, &identity, result, StatusCode::CREATED, |(user, _)| person_response(&Person { user, global_roles }))
}

#[utoipa::path(get, path = "/api/v1/people/{id}", tag = "organisation", security(("bearer" = [])),
    params(("id" = String, Path, description = "The person's id")),
    responses(
        (status = 200, description = "The person and their global roles", body = PersonResponse),
        (status = 403, description = "Only the secretariat and admins read people", body = ApiError)))]
pub async fn get_person(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<UserId>) -> Response {
    let result = state.app.person_page(&identity.actor, id).await;
    respond(&state, &identity, result, StatusCode::OK, |page| person_response(&page.person))
}

#[utoipa::path(put, path = "/api/v1/people/{id}", tag = "organisation", security(("bearer" = [])),
    params(("id" = String, Path, description = "The person's id")), request_body = PersonChangeRequest,
    responses((status = 200, description = "The person as they now are", body = PersonResponse)))]
pub async fn change_person(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<UserId>,
    ValidJson(request): ValidJson<PersonChangeRequest>,
) -> Response {
    let change = PersonChange { title: request.title, body: request.body, active: request.active };
    let result = state.app.change_person_and_show(&identity.actor, id, change).await;
    respond(&state, &identity, result, StatusCode::OK, |person| person_response(&person))
}

#[utoipa::path(put, path = "/api/v1/people/{id}/roles/{role}", tag = "organisation", security(("bearer" = [])),
    params(("id" = String, Path, description = "The person's id"), ("role" = String, Path, description = "`admin` or `secretariat`")),
    responses(
        (status = 200, description = "The person, holding the role", body = PersonResponse),
        (status = 422, description = "Not a change that may be made", body = ApiError)))]
pub async fn grant_role(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath((id, role)): ApiPath<(UserId, GlobalRole)>) -> Response {
    let result = state.app.set_global_role_and_show(&identity.actor, id, role, true).await;
    respond(&state, &identity, result, StatusCode::OK, |person| person_response(&person))
}

#[utoipa::path(delete, path = "/api/v1/people/{id}/roles/{role}", tag = "organisation", security(("bearer" = [])),
    params(("id" = String, Path, description = "The person's id"), ("role" = String, Path, description = "`admin` or `secretariat`")),
    responses(
        (status = 200, description = "The person, without the role", body = PersonResponse),
        (status = 422, description = "The last admin stays an admin", body = ApiError)))]
pub async fn withdraw_role(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath((id, role)): ApiPath<(UserId, GlobalRole)>) -> Response {
    let result = state.app.set_global_role_and_show(&identity.actor, id, role, false).await;
    respond(&state, &identity, result, StatusCode::OK, |person| person_response(&person))
}

// --- The mail log --------------------------------------------------------------------

/// The outbox as admins see it: how many in each state, the latest of each.
#[derive(Serialize, ToSchema)]
pub struct MailLogResponse {
    pub pending_count: u64,
    pub sent_count: u64,
    pub failed_count: u64,
    /// The latest waiting mail, newest first.
    pub pending: Vec<MailResponse>,
    pub sent: Vec<MailResponse>,
    /// Given up on; each may be resent.
    pub failed: Vec<MailResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct MailResponse {
    pub id: String,
    /// The kind of notice (`comment.posted`, `meeting.invited`, …).
    pub kind: String,
    pub recipient: String,
    pub recipient_email: Option<String>,
    pub created_at: String,
    pub due_at: String,
    pub sent_at: Option<String>,
    pub attempts: u32,
    /// Why the last attempt failed, in words safe to show an admin.
    pub error: Option<String>,
}

fn mail_log_response(overview: MailOverview) -> MailLogResponse {
    let rows = |records: &[MailRecord]| {
        records
            .iter()
            .map(|r| MailResponse {
                id: r.message.id.to_string(),
                kind: r.message.kind_name().to_owned(),
                recipient: r.message.recipient.to_string(),
                recipient_email: overview.recipients.get(&r.message.recipient).map(|u| u.email.to_string()),
                created_at: rfc3339(r.message.created_at),
                due_at: rfc3339(r.message.due_at),
                sent_at: r.message.sent_at.map(rfc3339),
                attempts: r.attempts,
                error: r.last_error.clone(),
            })
            .collect()
    };
    let (pending_count, sent_count, failed_count) = overview.counts;
    MailLogResponse {
        pending_count,
        sent_count,
        failed_count,
        pending: rows(&overview.pending),
        sent: rows(&overview.sent),
        failed: rows(&overview.failed),
    }
}

#[utoipa::path(get, path = "/api/v1/mail", tag = "organisation", security(("bearer" = [])),
    responses(
        (status = 200, description = "The outbox: counts and the latest mail of each state", body = MailLogResponse),
        (status = 403, description = "Only admins read the mail log", body = ApiError)))]
pub async fn mail_log(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    let result = state.app.mail_log(&identity.actor).await;
    respond(&state, &identity, result, StatusCode::OK, mail_log_response)
}

#[utoipa::path(post, path = "/api/v1/mail/{id}/resend", tag = "organisation", security(("bearer" = [])),
    params(("id" = String, Path, description = "A failed mail")),
    responses(
        (status = 204, description = "Queued again: the notifier tries it anew"),
        (status = 403, description = "Only admins resend mail", body = ApiError),
        (status = 404, description = "No failed mail by that id", body = ApiError)))]
pub async fn resend_mail(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<OutboxMessageId>) -> Response {
    let result = state.app.resend_mail(&identity.actor, id).await;
    respond_empty(&state, &identity, result)
}
