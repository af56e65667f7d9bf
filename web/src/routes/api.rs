//! The JSON API under `/api`: its root, its OpenAPI document, and its errors.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use gopy_app::AppError;
use gopy_domain::Language;

use crate::AppState;
use crate::auth::ApiCaller;
use crate::i18n::{Catalog, describe_error, language_of};

/// The OpenAPI document; later issues add their paths here.
#[derive(OpenApi)]
#[openapi(
    info(title = "Gopy API", description = "Meetings, draft reports, comments and their dispositions."),
    paths(
        super::health::healthz, super::health::readyz, api_root, openapi_document, me, my_work,
        super::reports::api::create_report, super::reports::api::list_reports, super::reports::api::get_report,
        super::reports::api::add_version, super::reports::api::get_version, super::reports::api::get_diff,
        super::reports::api::export_version,
        super::reports::word_comments::api_read_word_comments, super::reports::word_comments::api_word_import,
        super::reports::word_comments::api_store_word_comments,
        super::reports::answers::api_answer_desk, super::reports::answers::api_save_answers,
        super::reports::answers::api_apply_template, super::reports::answers::api_publish_answers,
        super::reports::answers::api_confirm_group, super::reports::answers::api_split_group,
        super::reports::answers::api_answer_group, super::reports::answers::api_create_template,
        super::reports::answers::api_delete_template,
        super::review::api::list_comments, super::review::api::post_comment, super::review::api::reply,
        super::review::api::get_comment, super::review::api::change_comment, super::review::api::answer, super::review::api::passage_threads,
        super::reports::dispositions::api_dispositions, super::reports::dispositions::api_dispositions_file,
        super::reports::rounds::api_transition, super::reports::rounds::api_ballot, super::reports::rounds::api_vote, super::reports::rounds::api_timeline,
        super::search::api::api_search,
        super::reports::consultation::api_consultation,
        super::meetings::api::list_meetings, super::meetings::api::create_meeting, super::meetings::api::get_meeting,
        super::meetings::api::change_meeting, super::meetings::api::add_agenda_item, super::meetings::api::record_attendance,
        super::meetings::api::record_opinion, super::meetings::api::opinion_to_comment, super::meetings::api::conclude,
        super::meetings::api::assign_action, super::meetings::api::follow_up_action, super::meetings::api::list_action_items,
        super::admin::holidays::api_holidays, super::admin::holidays::api_add_holiday, super::admin::holidays::api_remove_holiday,
        super::meetings::api::change_agenda_item, super::meetings::api::remove_agenda_item, super::meetings::api::cancel_meeting,
        super::reports::changes::api_changes, super::reports::changes::api_link_change, super::reports::changes::api_technical_edit,
        super::reports::disputes::api_disputes, super::reports::disputes::api_set_deadline,
        super::reports::disputes::api_take_stance, super::reports::disputes::api_decide_dispute,
        super::meetings::api::meeting_file, super::review::api::comment_history, super::reports::rounds::api_dashboard,
        super::reports::indicators::api_indicators, super::reports::indicators::api_adopt_indicators,
        super::reports::indicators::api_record_indicator_results,
    ),
    components(schemas(
        ApiRoot, ApiError, ApiErrorBody, Me, MeMembership,
        WorkResponse, WorkReportRef, DraftToCommentResponse, ForBodyResponse, AnswersToMeResponse, CommentsToAnswerResponse,
        ReturnedReportResponse, OpenRoundResponse, ReportVersionResponse, ActionToDoResponse, OpenBallotResponse,
        super::reports::api::ReportRequest, super::reports::api::ReportResponse, super::reports::api::DrafterResponse,
        super::reports::api::VersionSummaryResponse, super::reports::api::VersionRequest,
        super::reports::api::VersionResponse, super::reports::api::BlockResponse, super::reports::api::DiffResponse,
        super::reports::api::ChangeResponse, super::reports::api::BlockRef, super::reports::api::WordEditResponse,
        super::reports::api::CountsResponse,
        super::reports::word_comments::WordImportResponse, super::reports::word_comments::WordImportRowResponse,
        super::reports::word_comments::WordStoreResponse,
        super::reports::answers::AnswerDeskResponse, super::reports::answers::DeskCommentResponse,
        super::reports::answers::GroupResponse, super::reports::answers::TemplateResponse,
        super::reports::answers::CommentsRequest, super::reports::answers::GroupMadeResponse,
        super::reports::answers::CountResponse, super::reports::answers::GroupAnswerRequest,
        super::reports::answers::AnswerItem, super::reports::answers::AnswersRequest,
        super::reports::answers::ApplyTemplateRequest, super::reports::answers::FilledAnswer,
        super::reports::answers::TemplateRequest, super::reports::answers::PublishedResponse, super::reports::api::LeftOutResponse,
        super::review::api::CommentResponse, super::review::api::ThreadResponse, super::review::api::ReviewResponse,
        super::review::api::CommentRequest, super::review::api::ReplyRequest, super::review::api::CommentChangeRequest,
        super::review::api::DispositionRequest, super::review::api::PassageThreadsResponse,
        super::review::api::ThreadCountsResponse, super::reports::dispositions::DispositionRowResponse,
        super::reports::dispositions::DispositionTableResponse,
        super::reports::rounds::TransitionRequest, super::reports::rounds::StateResponse, super::reports::rounds::RoundResponse, super::reports::rounds::VoteRequest,
        super::reports::rounds::BallotResponse, super::reports::rounds::VoteResponse, super::reports::rounds::EventResponse,
        super::search::api::SearchHitResponse,
        super::reports::consultation::RegisterResponse, super::reports::consultation::RegisterBodyResponse,
        super::meetings::api::MeetingRequest, super::meetings::api::MeetingChangeRequest, super::meetings::api::MeetingResponse,
        super::meetings::api::AttendanceResponse, super::meetings::api::AttendanceRequest, super::meetings::api::AgendaItemResponse,
        super::meetings::api::MinuteEntryResponse, super::meetings::api::ActionItemResponse,
        super::meetings::api::AgendaItemRequest, super::meetings::api::OpinionRequest, super::meetings::api::ConclusionRequest,
        super::meetings::api::ActionRequest, super::meetings::api::FollowUpRequest,
        super::admin::holidays::HolidayRequest, super::admin::holidays::HolidayResponse,
        super::meetings::api::AgendaItemChangeRequest, super::meetings::api::CancellationRequest,
        super::meetings::api::CancellationResponse,
        super::reports::changes::ChangeTableResponse, super::reports::changes::ChangeRowResponse,
        super::reports::changes::ChangeCommentResponse, super::reports::changes::LinkedCommentResponse,
        super::reports::changes::WordResponse, super::reports::changes::ChangeLinkRequest,
        super::reports::changes::TechnicalEditRequest,
        super::reports::disputes::DisputesResponse, super::reports::disputes::AnswerToJudgeResponse,
        super::reports::disputes::AnsweredCommentResponse, super::reports::disputes::StanceResponse,
        super::reports::disputes::DecisionResponse, super::reports::disputes::DisputeResponse,
        super::reports::disputes::DisputeDeadlineRequest, super::reports::disputes::StanceRequest,
        super::reports::disputes::DecisionRequest,
        super::review::api::CommentHistoryResponse, super::review::api::CommentRevisionResponse,
        super::reports::rounds::DashboardRowResponse, super::reports::rounds::DashboardMeetingResponse,
        super::reports::indicators::IndicatorsResponse, super::reports::indicators::TermIndicatorResponse,
        super::reports::indicators::IndicatorTableResponse, super::reports::indicators::IndicatorRowResponse,
        super::reports::indicators::IndicatorCountResponse, super::reports::indicators::IndicatorResultsRequest,
    )),
    modifiers(&BearerAuth, &CommonRefusals),
)]
pub struct ApiDoc;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1", get(api_root))
        .route("/openapi.json", get(openapi_document))
        .route("/v1/me", get(me))
        .route("/v1/me/work", get(my_work))
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
    Json(document())
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

/// The whole document: [`ApiDoc`] and the parts described beside their
/// routes, each with the common refusals.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(super::admin::OrganisationApi::openapi());
    document.merge(super::admin::PeopleImportApi::openapi());
    document.merge(super::accounts::AccountApi::openapi());
    utoipa::Modify::modify(&CommonRefusals, &mut document);
    document
}

/// The refusals every operation of a kind can give, added to each that can
/// meet them rather than repeated in every annotation: 401 where a token is
/// required ([`ApiCaller`]); 404 where the path names something by id; 403
/// for a change, since every change asks `authorize`, and 429 for a change
/// over the per-person write limit; and where a JSON body
/// is read ([`ApiJson`]) 400 (not JSON), 415 (not sent as JSON), 422 (a
/// field missing or of the wrong type) and 413 (over the size limit). An
/// operation's own description of a status is kept.
pub(crate) struct CommonRefusals;

impl utoipa::Modify for CommonRefusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let refusal = |description: &str| {
            let content = ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build();
            RefOr::T(ResponseBuilder::new().description(description).content("application/json", content).build())
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let by_id = path.contains('{');
            let operations = [(&mut item.get, true), (&mut item.put, false), (&mut item.post, false), (&mut item.delete, false), (&mut item.patch, false)];
            for (operation, read) in operations {
                let Some(operation) = operation else { continue };
                let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let json_body = matches!(&operation.request_body, Some(RefOr::T(body)) if body.content.contains_key("application/json"));
                let mut refusals = Vec::new();
                if secured {
                    refusals.push(("401", "No valid token or session"));
                    if !read {
                        refusals.push(("403", "The caller may not make this change"));
                        refusals.push(("429", "Over the caller's writes per minute (limits.writes_per_minute); see Retry-After"));
                    }
                    if by_id {
                        refusals.push(("404", "Nothing with that id, or nothing the caller may see"));
                    }
                }
                if json_body {
                    refusals.extend([
                        ("400", "The body is not JSON"),
                        ("413", "The request is over the size limit"),
                        ("415", "The body is not sent as application/json"),
                        ("422", "A field is missing, of the wrong type or not valid"),
                    ]);
                }
                for (status, description) in refusals {
                    operation.responses.responses.entry(status.to_owned()).or_insert_with(|| refusal(description));
                }
            }
        }
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

/// What awaits the caller ("việc của tôi"), from all their roles at once:
/// the same model as the home page. Times are RFC 3339 in UTC; days are
/// counted in Việt Nam.
#[derive(Serialize, ToSchema)]
pub struct WorkResponse {
    /// How many items wait for the caller to act (the page header's count).
    pub awaiting: usize,
    /// Today in Việt Nam (`YYYY-MM-DD`), the day `days_left` counts from.
    pub today: Option<String>,
    /// As a committee member: drafts open for comments.
    pub to_comment: Vec<DraftToCommentResponse>,
    /// As a committee member: their comments answered in the last 14 days, per report.
    pub answered: Vec<AnswersToMeResponse>,
    /// On a drafting team: comments awaiting an answer, per report.
    pub to_answer: Vec<CommentsToAnswerResponse>,
    /// On a drafting team: reports returned for revision.
    pub returned: Vec<ReturnedReportResponse>,
    /// On a drafting team (their reports) or the secretariat (all): open rounds.
    pub rounds: Vec<OpenRoundResponse>,
    /// Drafting done, not submitted.
    pub to_submit: Vec<ReportVersionResponse>,
    /// Overdue action items to follow up, and open ones assigned to the caller.
    pub actions: Vec<ActionToDoResponse>,
    /// As a committee's chair: reports awaiting approval.
    pub to_approve: Vec<ReportVersionResponse>,
    /// As a committee's chair: open ballots.
    pub ballots: Vec<OpenBallotResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct WorkReportRef {
    pub id: String,
    pub title: String,
    pub committee: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DraftToCommentResponse {
    pub report: WorkReportRef,
    pub round: u32,
    pub version: u32,
    pub deadline: String,
    pub days_left: i64,
    pub late: bool,
    pub ballot: bool,
    pub commented: usize,
    pub voted: bool,
    /// For a consulted body's person: the body they comment for.
    pub for_body: Option<ForBodyResponse>,
}

/// The consulted body a person comments for, and whether it has replied.
#[derive(Serialize, ToSchema)]
pub struct ForBodyResponse {
    pub name: String,
    /// The body replied in the round, whichever way and through whomever.
    pub replied: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AnswersToMeResponse {
    pub report: WorkReportRef,
    pub answered: usize,
    pub latest: String,
}

#[derive(Serialize, ToSchema)]
pub struct CommentsToAnswerResponse {
    pub report: WorkReportRef,
    pub awaiting: usize,
    /// The report's status.
    pub status: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct ReturnedReportResponse {
    pub report: WorkReportRef,
    pub reason: String,
    pub by: Option<String>,
    pub at: String,
}

#[derive(Serialize, ToSchema)]
pub struct OpenRoundResponse {
    pub report: WorkReportRef,
    pub round: u32,
    pub version: u32,
    pub deadline: String,
    pub days_left: i64,
    pub overdue: bool,
    /// The caller may close it.
    pub may_close: bool,
    pub awaiting: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ReportVersionResponse {
    pub report: WorkReportRef,
    pub version: u32,
}

#[derive(Serialize, ToSchema)]
pub struct ActionToDoResponse {
    pub meeting: String,
    pub meeting_title: String,
    pub text: String,
    /// The last day (`YYYY-MM-DD`, Việt Nam).
    pub deadline: String,
    /// Days from today (Việt Nam) to the deadline; negative once past.
    pub days_left: i64,
    pub overdue: bool,
    /// Assigned to the caller by name.
    pub mine: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OpenBallotResponse {
    pub report: WorkReportRef,
    pub round: u32,
    pub deadline: String,
    pub days_left: i64,
    pub voted: usize,
    pub members: usize,
    pub mine_cast: bool,
}

fn work_response(work: gopy_app::work::MyWork) -> WorkResponse {
    let r = |r: gopy_app::work::ReportRef| WorkReportRef { id: r.id.to_string(), title: r.title, committee: r.committee };
    WorkResponse {
        awaiting: work.awaiting(),
        today: work.today.map(|d| d.to_string()),
        to_comment: work
            .to_comment
            .into_iter()
            .map(|d| DraftToCommentResponse {
                report: r(d.report),
                round: d.round,
                version: d.version,
                deadline: rfc3339(d.deadline),
                days_left: d.days_left,
                late: d.late,
                ballot: d.ballot,
                commented: d.commented,
                voted: d.voted,
                for_body: d.for_body.map(|b| ForBodyResponse { name: b.name, replied: b.replied }),
            })
            .collect(),
        answered: work
            .answered
            .into_iter()
            .map(|a| AnswersToMeResponse { report: r(a.report), answered: a.answered, latest: rfc3339(a.latest) })
            .collect(),
        to_answer: work
            .to_answer
            .into_iter()
            .map(|a| CommentsToAnswerResponse { report: r(a.report), awaiting: a.awaiting, status: a.status.as_str() })
            .collect(),
        returned: work
            .returned
            .into_iter()
            .map(|x| ReturnedReportResponse { report: r(x.report), reason: x.reason, by: x.by, at: rfc3339(x.at) })
            .collect(),
        rounds: work
            .rounds
            .into_iter()
            .map(|x| OpenRoundResponse {
                report: r(x.report),
                round: x.round,
                version: x.version,
                deadline: rfc3339(x.deadline),
                days_left: x.days_left,
                overdue: x.overdue,
                may_close: x.may_close,
                awaiting: x.awaiting,
            })
            .collect(),
        to_submit: work.to_submit.into_iter().map(|x| ReportVersionResponse { report: r(x.report), version: x.version }).collect(),
        actions: work
            .actions
            .into_iter()
            .map(|a| ActionToDoResponse {
                meeting: a.meeting.to_string(),
                meeting_title: a.meeting_title,
                text: a.text,
                deadline: a.deadline.to_string(),
                days_left: a.days_left,
                overdue: a.overdue,
                mine: a.mine,
            })
            .collect(),
        to_approve: work.to_approve.into_iter().map(|x| ReportVersionResponse { report: r(x.report), version: x.version }).collect(),
        ballots: work
            .ballots
            .into_iter()
            .map(|b| OpenBallotResponse {
                report: r(b.report),
                round: b.round,
                deadline: rfc3339(b.deadline),
                days_left: b.days_left,
                voted: b.voted,
                members: b.members,
                mine_cast: b.mine_cast,
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/me/work", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "What awaits the caller, from all their roles", body = WorkResponse),
        (status = 401, description = "No valid token or session", body = ApiError)))]
pub async fn my_work(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    match state.app.my_work(&identity.actor).await {
        Ok(work) => Json(work_response(work)).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
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
    /// For invalid input: the message for each field, by field name.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub fields: Option<serde_json::Value>,
}

impl ApiError {
    pub fn response(status: StatusCode, code: &'static str, message: String) -> Response {
        (status, Json(Self { error: ApiErrorBody { code, message, fields: None } })).into_response()
    }

    /// A use case's refusal as the API answers it, in `language`.
    pub fn from_app(catalog: &Catalog, language: Language, err: &AppError) -> Response {
        let message = describe_error(catalog, language, err);
        let crate::answer::Answer { status, code } = crate::answer::answer(err);
        let code = code.as_str();
        // What a program needs beyond the code: the field, the step's
        // state, the comments still unanswered.
        match err {
            AppError::Invalid { field, .. } => {
                let fields = serde_json::json!({ *field: message.clone() });
                let body = ApiErrorBody { code, message, fields: Some(fields) };
                (status, Json(Self { error: body })).into_response()
            }
            AppError::Step(gopy_domain::workflow::StepRefused::NotNow { state, allowed, .. }) => {
                let error = StepRefusalBody { code, message, state: Some(state), allowed: Some(allowed.as_slice()), comments: None };
                (status, Json(StepRefusal { error })).into_response()
            }
            AppError::Step(gopy_domain::workflow::StepRefused::Unanswered(open)) => {
                let error = StepRefusalBody { code, message, state: None, allowed: None, comments: Some(open.as_slice()) };
                (status, Json(StepRefusal { error })).into_response()
            }
            AppError::Store(gopy_app::StoreError::Unavailable(_)) => {
                crate::auth::with_retry_after(Self::response(status, code, message))
            }
            _ => Self::response(status, code, message),
        }
    }
}

/// A step refused: the API's error shape, with the report's state and the
/// steps it allows now, or the comments still unanswered.
#[derive(Serialize)]
struct StepRefusal<'a> {
    error: StepRefusalBody<'a>,
}

#[derive(Serialize)]
struct StepRefusalBody<'a> {
    code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    state: Option<&'a gopy_domain::ReportStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed: Option<&'a [gopy_domain::workflow::Step]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comments: Option<&'a [gopy_domain::CommentId]>,
}

/// The revision an `If-Match` header names: `"7"` (or `W/"7"`), as the
/// `ETag` of the resource gave it. `*` and no header ask for no check. A
/// value that is no revision of ours can match none: it reads as one no
/// resource is at, so the change is refused as stale.
pub fn if_match(headers: &HeaderMap) -> Option<u32> {
    let raw = headers.get(axum::http::header::IF_MATCH)?.to_str().unwrap_or("").trim();
    if raw == "*" {
        return None;
    }
    let tag = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
    Some(tag.parse().unwrap_or(u32::MAX))
}

/// `response` with the `ETag` of the revision it shows.
pub fn with_etag(mut response: Response, revision: u32) -> Response {
    if let Ok(value) = axum::http::HeaderValue::from_str(&format!("\"{revision}\"")) {
        response.headers_mut().insert(axum::http::header::ETAG, value);
    }
    response
}

/// A change refused as stale: `409` with the resource as it now is (and
/// its `ETag`), so the caller can look at it and try again on it.
pub fn stale<T: Serialize>(state: &AppState, identity: &gopy_app::Identity, err: &AppError, current: T, revision: u32) -> Response {
    let message = describe_error(state.pages.catalog(), identity.user.language, err);
    let body = StaleAnswer { error: ApiErrorBody { code: "stale", message, fields: None }, current };
    with_etag((StatusCode::CONFLICT, Json(body)).into_response(), revision)
}

/// The API's error shape, and the resource as it now is.
#[derive(Serialize)]
struct StaleAnswer<T> {
    error: ApiErrorBody,
    current: T,
}

/// A use case's refusal, in the caller's language.
pub fn refuse(state: &AppState, identity: &gopy_app::Identity, err: &AppError) -> Response {
    ApiError::from_app(state.pages.catalog(), identity.user.language, err)
}

/// A moment as the API writes it: RFC 3339, in UTC.
/// A use case's result as the API answers it: the value in `shape`'s JSON
/// with `status`, or the refusal in the error table's shape.
pub fn respond<T, R: Serialize>(
    state: &AppState,
    identity: &gopy_app::Identity,
    result: Result<T, AppError>,
    status: StatusCode,
    shape: impl FnOnce(T) -> R,
) -> Response {
    match result {
        Ok(value) => (status, Json(shape(value))).into_response(),
        Err(err) => refuse(state, identity, &err),
    }
}

/// A use case that returns nothing, as the API answers it: `204`, or the refusal.
pub fn respond_empty(state: &AppState, identity: &gopy_app::Identity, result: Result<(), AppError>) -> Response {
    match result {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => refuse(state, identity, &err),
    }
}

pub fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// A JSON request body whose rejection (not JSON, a missing or mistyped
/// field) is answered in the API's error shape rather than as plain text.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let language = language_of(request.headers(), state.default_language);
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => {
                let status = rejection.status();
                let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "too_large" } else { "bad_request" };
                let key = if status == StatusCode::PAYLOAD_TOO_LARGE { "too_large_body" } else { "api_bad_json" };
                let message = format!("{} ({})", state.pages.catalog().text(language, key), rejection.body_text());
                Err(ApiError::response(status, code, message))
            }
        }
    }
}


/// A JSON body checked whole, once, at the edge: it must deserialize (no
/// unknown keys: request types deny them) and pass its `validator` rules.
/// Every field that fails is named at once in `fields`, in the caller's
/// language; the handler only ever sees a valid request.
pub struct ValidJson<T>(pub T);

impl<T: serde::de::DeserializeOwned + validator::Validate> axum::extract::FromRequest<AppState> for ValidJson<T> {
    type Rejection = Response;

    async fn from_request(request: axum::extract::Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let language = language_of(request.headers(), state.default_language);
        let ApiJson(value) = ApiJson::<T>::from_request(request, state).await?;
        match value.validate() {
            Ok(()) => Ok(Self(value)),
            Err(errors) => Err(invalid_fields(state.pages.catalog(), language, &errors)),
        }
    }
}

/// `422` naming every field `errors` holds (nested ones by their path,
/// `choices[2].kind`), each with its message.
pub fn invalid_fields(catalog: &Catalog, language: Language, errors: &validator::ValidationErrors) -> Response {
    let mut fields = serde_json::Map::new();
    for (field, problem) in crate::rules::refused_fields(errors) {
        fields.insert(field, serde_json::Value::String(crate::rules::message(catalog, language, problem)));
    }
    let message = catalog.text(language, "api_invalid_fields").to_owned();
    let body = ApiErrorBody { code: crate::answer::ErrorCode::Invalid.as_str(), message, fields: Some(fields.into()) };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(ApiError { error: body })).into_response()
}

pub use crate::paths::ApiPath;

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
        let document = document();
        for path in ["/api/v1/bodies", "/api/v1/committees/{id}/members", "/api/v1/people/{id}/roles/{role}","/healthz", "/readyz", "/api/v1", "/api/openapi.json", "/api/v1/me", "/api/v1/me/work", "/api/v1/meetings", "/api/v1/meetings/{id}", "/api/v1/action-items"] {
            assert!(document.paths.paths.contains_key(path), "{path} is missing");
        }
    }
}
