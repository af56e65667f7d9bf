//! The JSON API of meetings: the same use cases as the pages, on few and
//! regular paths. Every change answers with the whole meeting as it now
//! stands, so a script never needs a second request to see the result.
//!
//! - `GET/POST /api/v1/meetings`, `GET/PATCH /api/v1/meetings/{id}`
//!   (PATCH changes the details and moves the status: `held`,
//!   `minutes_approved`);
//! - `POST …/agenda`, `PATCH/DELETE …/agenda/{item}` (edit, move, remove),
//!   `POST …/cancellation`, `PUT …/attendance`, `POST …/minutes`,
//!   `POST …/minutes/{entry}/comment`, `PUT …/conclusion`, `POST …/actions`,
//!   `PATCH …/actions/{action}`;
//! - `GET /api/v1/action-items`: the follow-up list across meetings.
//!
//! Every answer carries the meeting's revision as its `ETag`; every change
//! honours `If-Match` with it, and one made on an older revision answers
//! `409` with the meeting as it now is.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use gopy_app::meetings::{AttendanceInput, FollowUpFilter, NewAction, NewAgendaItem, NewMeeting};
use gopy_app::{AppError, Identity};
use gopy_domain::{ActionItem, ActionItemId, ActionStatus, AgendaItemId, Assignee, Meeting, MeetingId, MeetingStatus, MinuteEntryId, Presence, UserId};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::{IntoParams, ToSchema};
use validator::{Validate, ValidationErrors};

use crate::live::{Change, ChangeKind};
use crate::routes::api::{ApiError, ValidJson, if_match, invalid_fields, refuse, rfc3339, stale, with_etag};
use crate::rules::{self, CONCLUSION_MAX, TEXT_MAX, TITLE_MAX, parse_assignee, parsed, parsed_choice};
use crate::AppState;
use super::MeetingFile;
use crate::auth::ApiCaller;
use crate::i18n::parse_date;
use crate::paths::ApiPath;

/// The meetings API, under `/api`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/meetings", get(list_meetings).post(create_meeting))
        .route("/v1/meetings/{id}", get(get_meeting).patch(change_meeting))
        .route("/v1/meetings/{id}/files/{file}", get(meeting_file))
        .route("/v1/meetings/{id}/agenda", post(add_agenda_item))
        .route("/v1/meetings/{id}/agenda/{item}", patch(change_agenda_item).delete(remove_agenda_item))
        .route("/v1/meetings/{id}/cancellation", post(cancel_meeting))
        .route("/v1/meetings/{id}/attendance", put(record_attendance))
        .route("/v1/meetings/{id}/minutes", post(record_opinion))
        .route("/v1/meetings/{id}/minutes/{entry}/comment", post(opinion_to_comment))
        .route("/v1/meetings/{id}/conclusion", put(conclude))
        .route("/v1/meetings/{id}/actions", post(assign_action))
        .route("/v1/meetings/{id}/actions/{action}", patch(follow_up_action))
        .route("/v1/action-items", get(list_action_items))
}

/// A request its rules refused after all: `422` naming the field, in the
/// caller's language (the rules and the reading of a value agree, so only
/// a value the rules passed and the reading did not lands here).
fn refused_request(state: &AppState, identity: &Identity, errors: &ValidationErrors) -> Response {
    invalid_fields(state.pages.catalog(), identity.user.language, errors)
}

/// A meeting, or its new details. Times are RFC 3339 (`2023-06-27T08:00:00+07:00`).
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingRequest {
    /// Needed to create a meeting; ignored when changing one.
    #[validate(custom(function = "rules::committee_choice"))]
    pub committee: Option<String>,
    #[validate(length(min = 1, max = TITLE_MAX))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(required, custom(function = "rules::moment"))]
    pub starts_at: Option<String>,
    #[validate(required, custom(function = "rules::moment"))]
    pub ends_at: Option<String>,
    #[validate(length(min = 1, max = TITLE_MAX))]
    #[schema(min_length = 1, max_length = 500)]
    pub place: String,
    /// The person who presides: a committee member.
    #[validate(required, custom(function = "rules::person_choice"))]
    pub presiding: Option<String>,
    /// People invited besides the committee's members.
    #[serde(default)]
    #[validate(custom(function = "rules::person_choices"))]
    pub invited: Vec<String>,
}

impl TryFrom<MeetingRequest> for NewMeeting {
    type Error = ValidationErrors;

    /// Reads what the rules passed; a meeting asks no more of the edge.
    fn try_from(request: MeetingRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        let time = |raw: &Option<String>, field| match raw.as_deref().map(|r| OffsetDateTime::parse(r.trim(), &Rfc3339)) {
            Some(Ok(at)) => Ok(at),
            _ => Err(rules::refused(field, "moment")),
        };
        Ok(NewMeeting {
            committee: parsed_choice(request.committee.as_deref().unwrap_or_default(), "committee")?,
            starts_at: Some(time(&request.starts_at, "starts_at")?),
            ends_at: Some(time(&request.ends_at, "ends_at")?),
            presiding: Some(parsed(request.presiding.as_deref().unwrap_or_default(), "presiding")?),
            invited: request.invited.iter().map(|p| parsed::<UserId>(p, "invited")).collect::<Result<_, _>>()?,
            title: request.title,
            place: request.place,
        })
    }
}

/// A change to a meeting: its details, its status, or both.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingChangeRequest {
    #[validate(nested)]
    pub details: Option<MeetingRequest>,
    /// `held` or `minutes_approved`.
    #[validate(custom(function = "rules::meeting_step"))]
    pub status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingResponse {
    pub id: String,
    pub committee: String,
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub presiding: String,
    /// `planned`, `held`, `minutes_approved` or `cancelled`.
    pub status: &'static str,
    /// Why, by whom and when it was cancelled, once it was.
    pub cancellation: Option<CancellationResponse>,
    /// The iCalendar SEQUENCE of its invitations: raised when the time,
    /// place or agenda changes while it is planned, and when it is cancelled.
    pub sequence: u32,
    pub invited: Vec<String>,
    pub attendance: Vec<AttendanceResponse>,
    pub agenda: Vec<AgendaItemResponse>,
    pub minutes: Vec<MinuteEntryResponse>,
    pub conclusion: Option<String>,
    pub actions: Vec<ActionItemResponse>,
    /// Moves on with every change; also the `ETag`, for `If-Match`.
    pub revision: u32,
}

#[derive(Serialize, ToSchema)]
pub struct CancellationResponse {
    pub reason: String,
    pub by: String,
    pub at: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct AttendanceResponse {
    pub person: String,
    /// `present`, `absent` or `represented`.
    pub presence: String,
    pub reason: Option<String>,
    pub represented_by: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AgendaItemResponse {
    pub id: String,
    pub position: u32,
    pub title: String,
    pub presenter: String,
    pub report: Option<String>,
    pub minutes_allotted: u32,
    /// The version and round of the draft the item was about, fixed when
    /// the meeting was held (`null` while it is planned or has no draft).
    pub version: Option<u32>,
    pub round: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct MinuteEntryResponse {
    pub id: String,
    pub agenda_item: String,
    pub speaker: String,
    pub summary: String,
    /// The comment it was turned into.
    pub comment: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ActionItemResponse {
    pub id: String,
    pub meeting: String,
    pub text: String,
    /// `body:<id>` or `person:<id>`.
    pub assignees: Vec<String>,
    /// `yyyy-mm-dd`, a day in Việt Nam.
    pub deadline: String,
    /// `open` or `done`.
    pub status: &'static str,
    /// Open and past its deadline, as of the answer.
    pub overdue: bool,
    pub note: Option<String>,
}

fn assignee_text(who: &Assignee) -> String {
    match who {
        Assignee::Body(b) => format!("body:{b}"),
        Assignee::Person(p) => format!("person:{p}"),
    }
}

fn action_response(meeting: MeetingId, a: &ActionItem, overdue: bool) -> ActionItemResponse {
    ActionItemResponse {
        id: a.id.to_string(),
        meeting: meeting.to_string(),
        text: a.text.to_string(),
        assignees: a.assignees.iter().map(assignee_text).collect(),
        deadline: a.deadline.to_string(),
        status: a.status.as_str(),
        overdue,
        note: a.note.as_ref().map(ToString::to_string),
    }
}

fn meeting_response(m: &Meeting) -> MeetingResponse {
    let now = OffsetDateTime::now_utc();
    MeetingResponse {
        id: m.id.to_string(),
        committee: m.committee.to_string(),
        title: m.title.to_string(),
        starts_at: rfc3339(m.starts_at),
        ends_at: rfc3339(m.ends_at),
        place: m.place.to_string(),
        presiding: m.presiding.to_string(),
        status: m.status.as_str(),
        cancellation: m.cancellation.as_ref().map(|c| CancellationResponse {
            reason: c.reason.to_string(),
            by: c.by.to_string(),
            at: rfc3339(c.at),
        }),
        sequence: m.sequence,
        revision: m.revision,
        invited: m.invited.iter().map(ToString::to_string).collect(),
        attendance: m
            .attendance
            .iter()
            .map(|a| AttendanceResponse {
                person: a.person.to_string(),
                presence: a.presence.as_str().to_owned(),
                reason: match &a.presence {
                    Presence::Absent { reason } => Some(reason.to_string()),
                    _ => None,
                },
                represented_by: match a.presence {
                    Presence::Represented { by } => Some(by.to_string()),
                    _ => None,
                },
            })
            .collect(),
        agenda: m
            .agenda
            .iter()
            .map(|a| AgendaItemResponse {
                id: a.id.to_string(),
                position: a.position,
                title: a.title.to_string(),
                presenter: a.presenter.to_string(),
                report: a.report.map(|r| r.to_string()),
                minutes_allotted: a.minutes_allotted,
                version: (m.status != gopy_domain::MeetingStatus::Planned).then_some(a.about.version).flatten(),
                round: (m.status != gopy_domain::MeetingStatus::Planned).then_some(a.about.round).flatten(),
            })
            .collect(),
        minutes: m
            .minutes
            .iter()
            .map(|e| MinuteEntryResponse {
                id: e.id.to_string(),
                agenda_item: e.agenda_item.to_string(),
                speaker: e.speaker.to_string(),
                summary: e.summary.to_string(),
                comment: e.comment.map(|c| c.to_string()),
            })
            .collect(),
        conclusion: m.conclusion.as_ref().map(|c| c.text.to_string()),
        actions: m.actions.iter().map(|a| action_response(m.id, a, a.is_overdue(now))).collect(),
    }
}

fn answer(state: &AppState, identity: &Identity, result: Result<Meeting, AppError>, status: StatusCode) -> Response {
    match result {
        Ok(meeting) => with_etag((status, Json(meeting_response(&meeting))).into_response(), meeting.revision),
        Err(err) => refuse(state, identity, &err),
    }
}

/// As [`answer`], and a change refused as stale answers `409` with the
/// meeting as it now is.
async fn answer_change(
    state: &AppState,
    identity: &Identity,
    id: MeetingId,
    result: Result<Meeting, AppError>,
    status: StatusCode,
) -> Response {
    match result {
        Err(err @ AppError::Stale { .. }) => match state.app.meeting_as_written(&identity.actor, id).await {
            Ok(now) => stale(state, identity, &err, meeting_response(&now), now.revision),
            Err(other) => refuse(state, identity, &other),
        },
        other => answer(state, identity, other, status),
    }
}


#[utoipa::path(get, path = "/api/v1/meetings", tag = "meetings", security(("bearer" = [])),
    responses((status = 200, description = "The meetings the caller may read, the latest first", body = [MeetingResponse])))]
pub async fn list_meetings(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    match state.app.meetings_for(&identity.actor).await {
        Ok(meetings) => Json(meetings.iter().map(meeting_response).collect::<Vec<_>>()).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(post, path = "/api/v1/meetings", tag = "meetings", security(("bearer" = [])),
    request_body = MeetingRequest,
    responses(
        (status = 201, description = "The meeting, planned", body = MeetingResponse),
        (status = 422, description = "A field is not valid (e.g. it ends before it starts); `fields` says which", body = ApiError),
        (status = 403, description = "Only the secretariat and the committee's secretary plan meetings", body = ApiError)))]
pub async fn create_meeting(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ValidJson(request): ValidJson<MeetingRequest>,
) -> Response {
    let new = match NewMeeting::try_from(request) {
        Ok(new) => new,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    let result = state.app.plan_meeting(&identity.actor, new).await;
    answer(&state, &identity, result, StatusCode::CREATED)
}

#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id")),
    responses(
        (status = 200, description = "The meeting with all its parts", body = MeetingResponse),
        (status = 404, description = "No such meeting, or not one the caller may read", body = ApiError)))]
pub async fn get_meeting(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<MeetingId>) -> Response {
    let result = state.app.meeting_detail(&identity.actor, id).await.map(|d| d.meeting);
    answer(&state, &identity, result, StatusCode::OK)
}

#[utoipa::path(get, path = "/api/v1/meetings/{id}/files/{file}", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting"),
        ("file" = String, Path, description = "`bien-ban.docx` (the minutes), `thong-bao-ket-luan.docx` (the notice of conclusions) or `meeting.ics` (the invitation)")),
    responses(
        (status = 200, description = "The file, as an attachment", content_type = "application/octet-stream"),
        (status = 404, description = "No such meeting or file, or not one the caller may read", body = ApiError)))]
pub async fn meeting_file(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, file)): ApiPath<(MeetingId, MeetingFile)>,
) -> Response {
    match super::meeting_file(&state.app, &identity.actor, id, file).await {
        Ok(download) => crate::routes::reports::attachment(download),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(patch, path = "/api/v1/meetings/{id}", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id")), request_body = MeetingChangeRequest,
    responses(
        (status = 200, description = "The meeting as changed", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError),
        (status = 422, description = "Refused with its reason: approved minutes, not held yet…", body = ApiError)))]
pub async fn change_meeting(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<MeetingId>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<MeetingChangeRequest>,
) -> Response {
    let actor = &identity.actor;
    let details = match request.details.map(NewMeeting::try_from).transpose() {
        Ok(details) => details,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    let status = match request.status.as_deref().map(|s| parsed::<MeetingStatus>(s, "status")).transpose() {
        Ok(status) => status,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    // `If-Match` guards the first change; the second (details, then the
    // status) builds on the revision the first made.
    let mut seen = if_match(&headers);
    let mut result = state.app.meeting_detail(actor, id).await.map(|d| d.meeting);
    if let Some(details) = details {
        result = state.app.change_meeting(actor, (id, seen), details).await;
        seen = result.as_ref().ok().map(|m| m.revision).or(seen);
    }
    if result.is_ok() {
        result = match status {
            Some(MeetingStatus::Held) => state.app.mark_meeting_held(actor, (id, seen)).await,
            Some(MeetingStatus::MinutesApproved) => state.app.approve_minutes(actor, (id, seen)).await,
            // The rules let no other status through.
            _ => result.and_then(|m| match seen {
                Some(seen) if seen != m.revision => Err(AppError::Stale { what: "meeting" }),
                _ => Ok(m),
            }),
        };
    }
    answer_change(&state, &identity, id, result, StatusCode::OK).await
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemRequest {
    #[validate(length(min = 1, max = TITLE_MAX))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    /// The presenting body.
    #[validate(custom(function = "rules::body_chosen"))]
    pub presenter: String,
    /// A report of the meeting's committee.
    #[validate(custom(function = "rules::report_choice"))]
    pub report: Option<String>,
    /// From 1 to 1,440 (a day).
    #[validate(range(min = 1, max = rules::MINUTES_MAX))]
    #[schema(minimum = 1, maximum = 1440)]
    pub minutes_allotted: u32,
}

impl TryFrom<AgendaItemRequest> for NewAgendaItem {
    type Error = ValidationErrors;

    fn try_from(request: AgendaItemRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        Ok(NewAgendaItem {
            presenter: Some(parsed(&request.presenter, "presenter")?),
            report: parsed_choice(request.report.as_deref().unwrap_or_default(), "report")?,
            minutes_allotted: Some(request.minutes_allotted),
            title: request.title,
        })
    }
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/agenda", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id")), request_body = AgendaItemRequest,
    responses(
        (status = 201, description = "The meeting with the item at the end of its agenda", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError),
        (status = 422, description = "E.g. the report is another committee's", body = ApiError)))]
pub async fn add_agenda_item(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<MeetingId>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<AgendaItemRequest>,
) -> Response {
    let new = match NewAgendaItem::try_from(request) {
        Ok(new) => new,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    let result = state.app.add_agenda_item(&identity.actor, (id, if_match(&headers)), new).await;
    answer_change(&state, &identity, id, result, StatusCode::CREATED).await
}

/// A change to one agenda item: its fields, its place in the agenda, or both.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItemChangeRequest {
    /// The item's new title, presenter, draft and time.
    #[validate(nested)]
    pub item: Option<AgendaItemRequest>,
    /// Where it goes: 1 for the first; past the end is the end.
    #[validate(custom(function = "rules::position_number"))]
    #[schema(minimum = 1)]
    pub position: Option<u32>,
}


#[utoipa::path(patch, path = "/api/v1/meetings/{id}/agenda/{item}", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id"), ("item" = String, Path, description = "The agenda item's id")),
    request_body = AgendaItemChangeRequest,
    responses(
        (status = 200, description = "The meeting with the item changed or moved; its guests are sent an update while it is planned", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError),
        (status = 422, description = "E.g. no time allotted, the minutes approved, the meeting cancelled", body = ApiError)))]
pub async fn change_agenda_item(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, item)): ApiPath<(MeetingId, AgendaItemId)>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<AgendaItemChangeRequest>,
) -> Response {
    let actor = &identity.actor;
    let fields = match request.item.map(NewAgendaItem::try_from).transpose() {
        Ok(fields) => fields,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    // `If-Match` guards the first change; the move builds on the revision
    // the edit made.
    let mut seen = if_match(&headers);
    let mut result = state.app.meeting_detail(actor, id).await.map(|d| d.meeting);
    if let Some(new) = fields {
        result = state.app.change_agenda_item(actor, (id, seen), item, new).await;
        seen = result.as_ref().ok().map(|m| m.revision).or(seen);
    }
    if result.is_ok() {
        result = match request.position {
            Some(to) => state.app.move_agenda_item(actor, (id, seen), item, to).await,
            None => result.and_then(|m| match seen {
                Some(seen) if seen != m.revision => Err(AppError::Stale { what: "meeting" }),
                _ => Ok(m),
            }),
        };
    }
    answer_change(&state, &identity, id, result, StatusCode::OK).await
}

#[utoipa::path(delete, path = "/api/v1/meetings/{id}/agenda/{item}", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id"), ("item" = String, Path, description = "The agenda item's id")),
    responses(
        (status = 200, description = "The meeting without the item, the rest numbered again", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError),
        (status = 422, description = "Opinions are recorded under it, or the meeting is closed", body = ApiError)))]
pub async fn remove_agenda_item(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, item)): ApiPath<(MeetingId, AgendaItemId)>,
    headers: HeaderMap,
) -> Response {
    let result = state.app.remove_agenda_item(&identity.actor, (id, if_match(&headers)), item).await;
    answer_change(&state, &identity, id, result, StatusCode::OK).await
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancellationRequest {
    /// Told to every guest with the cancellation.
    #[validate(length(min = 1, max = TEXT_MAX))]
    #[schema(min_length = 1, max_length = 5000)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/cancellation", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id")), request_body = CancellationRequest,
    responses(
        (status = 200, description = "The meeting, cancelled; its guests are sent the cancellation (METHOD:CANCEL)", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError),
        (status = 422, description = "No reason, or the meeting was already held or cancelled", body = ApiError)))]
pub async fn cancel_meeting(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<MeetingId>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<CancellationRequest>,
) -> Response {
    let result = state.app.cancel_meeting(&identity.actor, (id, if_match(&headers)), &request.reason).await;
    answer_change(&state, &identity, id, result, StatusCode::OK).await
}

#[utoipa::path(put, path = "/api/v1/meetings/{id}/attendance", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id")), request_body = [AttendanceRequest],
    responses(
        (status = 200, description = "The meeting with each listed person's attendance recorded", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError),
        (status = 422, description = "An absence without a reason, a representation without who", body = ApiError)))]
pub async fn record_attendance(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<MeetingId>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<AttendanceList>,
) -> Response {
    let inputs = match request.attendance.into_iter().map(AttendanceInput::try_from).collect::<Result<Vec<_>, _>>() {
        Ok(inputs) => inputs,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    let result = state.app.record_attendance(&identity.actor, (id, if_match(&headers)), inputs).await;
    answer_change(&state, &identity, id, result, StatusCode::OK).await
}

/// One person's attendance, as the API records it.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    #[validate(custom(function = "rules::person_choice"))]
    pub person: String,
    /// `present`, `absent` or `represented`.
    #[validate(custom(function = "rules::recorded_presence"))]
    pub presence: String,
    /// Why they were absent; needed when they were.
    #[validate(length(min = 1, max = TEXT_MAX))]
    pub reason: Option<String>,
    /// Who came in their place; needed when someone did.
    #[validate(custom(function = "rules::person_choice"))]
    pub represented_by: Option<String>,
}

/// The attendance body: a list of rows, each checked, named `[i].field`.
#[derive(Deserialize, Validate)]
#[serde(transparent)]
pub struct AttendanceList {
    #[validate(nested)]
    attendance: Vec<AttendanceRequest>,
}

impl TryFrom<AttendanceRequest> for AttendanceInput {
    type Error = ValidationErrors;

    /// An absence without a reason, or a representation without who, is
    /// the domain's to refuse: it knows which presence needs which.
    fn try_from(row: AttendanceRequest) -> Result<Self, ValidationErrors> {
        row.validate()?;
        Ok(AttendanceInput {
            person: parsed(&row.person, "person")?,
            represented_by: parsed_choice(row.represented_by.as_deref().unwrap_or_default(), "represented_by")?,
            presence: row.presence.trim().to_owned(),
            reason: row.reason.unwrap_or_default(),
        })
    }
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpinionRequest {
    #[validate(custom(function = "rules::agenda_item_choice"))]
    pub agenda_item: String,
    #[validate(custom(function = "rules::person_choice"))]
    pub speaker: String,
    #[validate(length(min = 1, max = TEXT_MAX))]
    #[schema(min_length = 1, max_length = 5000)]
    pub summary: String,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/minutes", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id")), request_body = OpinionRequest,
    responses(
        (status = 201, description = "The meeting with the opinion in its minutes", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError),
        (status = 422, description = "E.g. the minutes are approved", body = ApiError)))]
pub async fn record_opinion(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<MeetingId>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<OpinionRequest>,
) -> Response {
    let read = parsed(&request.agenda_item, "agenda_item").and_then(|item| Ok((item, parsed(&request.speaker, "speaker")?)));
    let (agenda_item, speaker) = match read {
        Ok(read) => read,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    let result = state
        .app
        .record_opinion(&identity.actor, (id, if_match(&headers)), Some(agenda_item), Some(speaker), &request.summary)
        .await
        .map(|(m, _)| m);
    answer_change(&state, &identity, id, result, StatusCode::CREATED).await
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/minutes/{entry}/comment", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id"), ("entry" = String, Path, description = "The opinion's id")),
    responses(
        (status = 201, description = "The meeting, the opinion linked to its new comment on the draft", body = MeetingResponse),
        (status = 422, description = "Already a comment, or no draft linked", body = ApiError),
        (status = 409, description = "No round of comments is open on the draft; or `If-Match` names an older revision (code `stale`: the meeting as it now is, under `current`)", body = ApiError)))]
pub async fn opinion_to_comment(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, entry)): ApiPath<(MeetingId, MinuteEntryId)>,
    headers: HeaderMap,
) -> Response {
    let result = match state.app.opinion_to_comment(&identity.actor, (id, if_match(&headers)), entry).await {
        Ok(comment) => {
            state.live.announce(Change::thread(comment.report, comment.id, ChangeKind::Posted)).await;
            state.app.meeting_detail(&identity.actor, id).await.map(|d| d.meeting)
        }
        Err(err) => Err(err),
    };
    answer_change(&state, &identity, id, result, StatusCode::CREATED).await
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConclusionRequest {
    #[validate(length(min = 1, max = CONCLUSION_MAX))]
    #[schema(min_length = 1, max_length = 30000)]
    pub text: String,
}

#[utoipa::path(put, path = "/api/v1/meetings/{id}/conclusion", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id")), request_body = ConclusionRequest,
    responses(
        (status = 200, description = "The meeting with its conclusion", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError),
        (status = 403, description = "Only the presiding person or the secretariat concludes", body = ApiError)))]
pub async fn conclude(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<MeetingId>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<ConclusionRequest>,
) -> Response {
    let result = state.app.conclude(&identity.actor, (id, if_match(&headers)), &request.text).await;
    answer_change(&state, &identity, id, result, StatusCode::OK).await
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    #[validate(length(min = 1, max = TEXT_MAX))]
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
    /// `body:<id>` or `person:<id>`; at least one.
    #[serde(default)]
    #[validate(length(min = 1), custom(function = "rules::assignees"))]
    pub assignees: Vec<String>,
    /// `yyyy-mm-dd`, today or later; or give `working_days`.
    #[validate(custom(function = "rules::day_choice"))]
    pub deadline: Option<String>,
    /// "trong n ngày làm việc": the n-th working day from today (1 to 65),
    /// counted in the working-day calendar; instead of `deadline`.
    #[validate(range(min = 1, max = gopy_app::rounds::MAX_WORKING_DAYS))]
    #[schema(minimum = 1, maximum = 65)]
    pub working_days: Option<u32>,
}

impl TryFrom<ActionRequest> for NewAction {
    type Error = ValidationErrors;

    /// A deadline and a number of working days both given, or a deadline
    /// past, is the domain's to refuse.
    fn try_from(request: ActionRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        let deadline = match request.deadline.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(raw) => Some(parse_date(raw).ok_or_else(|| rules::refused("deadline", "date"))?),
        };
        let mut new = NewAction { text: request.text, deadline, working_days: request.working_days, ..Default::default() };
        for raw in &request.assignees {
            match parse_assignee(raw) {
                Some(Assignee::Body(b)) => new.bodies.push(b),
                Some(Assignee::Person(p)) => new.people.push(p),
                None => return Err(rules::refused("assignees", "assignee")),
            }
        }
        Ok(new)
    }
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/actions", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id")), request_body = ActionRequest,
    responses(
        (status = 201, description = "The meeting with the new action item", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError),
        (status = 422, description = "No assignee or no deadline", body = ApiError)))]
pub async fn assign_action(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<MeetingId>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<ActionRequest>,
) -> Response {
    let new = match NewAction::try_from(request) {
        Ok(new) => new,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    let result = state.app.assign_action(&identity.actor, (id, if_match(&headers)), new).await.map(|(m, _)| m);
    answer_change(&state, &identity, id, result, StatusCode::CREATED).await
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpRequest {
    /// `open` or `done`.
    #[validate(custom(function = "rules::action_status"))]
    pub status: String,
    #[validate(length(max = TEXT_MAX))]
    #[schema(max_length = 5000)]
    pub note: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/meetings/{id}/actions/{action}", tag = "meetings", security(("bearer" = [])),
    params(("id" = String, Path, description = "The meeting's id"), ("action" = String, Path, description = "The action item's id")),
    request_body = FollowUpRequest,
    responses(
        (status = 200, description = "The meeting with the action item followed up", body = MeetingResponse),
        (status = 409, description = "`If-Match` names an older revision: the meeting as it now is, under `current`", body = ApiError)))]
pub async fn follow_up_action(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, action)): ApiPath<(MeetingId, ActionItemId)>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<FollowUpRequest>,
) -> Response {
    let status = match parsed::<ActionStatus>(&request.status, "status") {
        Ok(status) => status,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    // No note is an empty one: the domain keeps none.
    let note = request.note.unwrap_or_default();
    let result = state.app.follow_up_action(&identity.actor, (id, if_match(&headers)), action, status, &note).await.map(|(m, _)| m);
    answer_change(&state, &identity, id, result, StatusCode::OK).await
}

#[derive(Deserialize, Validate, IntoParams)]
pub struct ActionItemsQuery {
    /// `body:<id>` or `person:<id>`.
    #[validate(custom(function = "rules::assignee_choice"))]
    pub assignee: Option<String>,
    #[validate(custom(function = "rules::meeting_choice"))]
    pub meeting: Option<String>,
    /// `open`, `overdue` or `done`.
    #[validate(custom(function = "rules::follow_up_status_choice"))]
    pub status: Option<String>,
}

impl TryFrom<&ActionItemsQuery> for FollowUpFilter {
    type Error = ValidationErrors;

    /// A filter that names nothing is refused, not read as no filter.
    fn try_from(query: &ActionItemsQuery) -> Result<Self, ValidationErrors> {
        query.validate()?;
        let assignee = match query.assignee.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => None,
            Some(raw) => Some(parse_assignee(raw).ok_or_else(|| rules::refused("assignee", "choice"))?),
        };
        Ok(FollowUpFilter {
            assignee,
            meeting: parsed_choice(query.meeting.as_deref().unwrap_or_default(), "meeting")?,
            status: parsed_choice(query.status.as_deref().unwrap_or_default(), "status")?,
        })
    }
}

#[utoipa::path(get, path = "/api/v1/action-items", tag = "meetings", security(("bearer" = [])),
    params(ActionItemsQuery),
    responses((status = 200, description = "Every action item the caller may read, overdue first", body = [ActionItemResponse]),
        (status = 422, description = "A filter that names no assignee, meeting or status; `fields` says which", body = ApiError)))]
pub async fn list_action_items(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    Query(query): Query<ActionItemsQuery>,
) -> Response {
    let filter = match FollowUpFilter::try_from(&query) {
        Ok(filter) => filter,
        Err(errors) => return refused_request(&state, &identity, &errors),
    };
    match state.app.follow_up(&identity.actor, filter).await {
        Ok(rows) => Json(rows.iter().map(|r| action_response(r.meeting, &r.action, r.overdue)).collect::<Vec<_>>()).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}
