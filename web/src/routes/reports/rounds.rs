//! A report's life on its page: its state, the open round, the steps the
//! viewer may take, the ballot; the secretariat's dashboard; each report's
//! timeline; and the same through the JSON API.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use gopy_app::reports::Timeline;
use gopy_app::rounds::{DashboardRow, ReportState, RoundSchedule, StepRequest, parse_offsets};
use gopy_app::{AppError, Fresh};
use gopy_domain::workflow::{Round, Step, StepRefused, Vote, allowed_steps};
use gopy_domain::{AuditEvent, CommentCounts, Language, ReportStatus};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::pages::{ReportForms, StepFormView, StepValues, VoteFormView, VoteValues, report_with_forms};
use super::{ReportRefView, actor, kind_label, revalidate, zone};
use crate::live::{Change, ChangeKind};
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, CsrfForm, CsrfFormPairs, PageResult};
use crate::etag::Tag;
use crate::i18n::{Catalog, format_date_time, parse_local_date_time, status_label, step_label};
use crate::routes::api::{ApiError, ApiJson, if_match, refuse, respond, rfc3339, stale, with_etag};
use crate::paths::{ApiPath, PagePath};
use gopy_domain::ReportId;

#[derive(Deserialize, Serialize)]
pub struct StepForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    deadline: String,
    late_allowed: Option<String>,
    ballot: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    working_days: String,
    #[serde(default)]
    reminder_offsets: String,
    /// The report's revision the page was opened at.
    revision: Option<u32>,
}

/// A deadline in working days as typed: empty is none; anything but a
/// whole number is refused on its field.
fn working_days_of(raw: &str) -> Result<Option<u32>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        n => n
            .parse()
            .map(Some)
            .map_err(|_| AppError::invalid("working_days", gopy_app::InvalidReason::Rule("err_working_days_range".into()))),
    }
}

/// The round's schedule from a form's or a script's text; empty offsets
/// leave the defaults.
fn schedule_of(working_days: &str, offsets: &str) -> Result<RoundSchedule, AppError> {
    let reminder_offsets = match offsets.trim() {
        "" => None,
        raw => Some(parse_offsets(raw)?),
    };
    Ok(RoundSchedule { working_days: working_days_of(working_days)?, reminder_offsets })
}

/// The bodies a round consults, from the open-round form's boxes: a
/// `consult` field per body picked, and `silence_agrees`.
fn consult_request(pairs: &[(String, String)]) -> Result<gopy_app::consultations::ConsultRequest, AppError> {
    let mut bodies = Vec::new();
    for (_, raw) in pairs.iter().filter(|(key, _)| key == "consult") {
        bodies.push(raw.parse().map_err(|_| AppError::invalid("bodies", gopy_app::InvalidReason::Missing))?);
    }
    let silence_agrees = pairs.iter().any(|(key, _)| key == "silence_agrees");
    Ok(gopy_app::consultations::ConsultRequest { bodies, silence_agrees })
}

pub async fn take_step(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfFormPairs(form, pairs): CsrfFormPairs<StepForm>,
) -> PageResult {
    let actor = actor(&ctx)?;
    let Ok(step) = form.step.parse::<Step>() else { return Err(ctx.not_found()) };
    let deadline = match form.deadline.trim() {
        "" => Ok(None),
        raw => parse_local_date_time(raw)
            .map(Some)
            .ok_or_else(|| AppError::invalid("deadline", gopy_app::InvalidReason::Rule("err_date_format".into()))),
    };
    let result = match (deadline, schedule_of(&form.working_days, &form.reminder_offsets), consult_request(&pairs)) {
        (Ok(deadline), Ok(schedule), Ok(consult)) => {
            let request = StepRequest {
                step,
                deadline,
                late_allowed: form.late_allowed.is_some(),
                ballot: form.ballot.is_some(),
                reason: Some(form.reason.clone()).filter(|r| !r.trim().is_empty()),
                schedule,
                seen: form.revision,
            };
            state.app.take_step_consulting(actor, id, request, consult).await
        }
        (Err(err), _, _) | (_, Err(err), _) | (_, _, Err(err)) => Err(err),
    };
    match result {
        Ok(_) => {
            state.live.announce(Change::report(id, ChangeKind::Round)).await;
            Ok(Redirect::to(&format!("/reports/{id}")).into_response())
        }
        // Refused, or changed by someone else since the page was opened:
        // the page as it now is, the message, what was typed and ticked,
        // and the form carrying the revision it now shows.
        Err(err @ (AppError::Invalid { .. } | AppError::Step(_) | AppError::Closed { .. } | AppError::Stale { .. })) => {
            let unanswered = match &err {
                AppError::Step(StepRefused::Unanswered(open)) => open.iter().map(|c| c.to_string()).collect(),
                _ => Vec::new(),
            };
            let status = if matches!(err, AppError::Invalid { .. }) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::CONFLICT };
            let errors = match &err {
                AppError::Invalid { field: field @ ("deadline" | "working_days" | "reminder_offsets" | "bodies"), .. } => {
                    crate::i18n::FieldErrors::one(field, ctx.describe(&err))
                }
                _ => crate::i18n::FieldErrors::default(),
            };
            let step_form = StepFormView {
                step: form.step,
                values: StepValues {
                    deadline: form.deadline,
                    reason: form.reason,
                    working_days: form.working_days,
                    reminder_offsets: form.reminder_offsets,
                    late_allowed: form.late_allowed.is_some(),
                    ballot: form.ballot.is_some(),
                    consult: pairs.iter().filter(|(key, _)| key == "consult").map(|(_, id)| id.clone()).collect(),
                    silence_agrees: pairs.iter().any(|(key, _)| key == "silence_agrees"),
                },
                message: Some(ctx.describe(&err)),
                errors,
            };
            report_with_forms(&state, &ctx, id, ReportForms { step_form, unanswered, ..ReportForms::default() }, status).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

#[derive(Deserialize, Serialize)]
pub struct VoteForm {
    #[serde(default)]
    vote: String,
    #[serde(default)]
    text: String,
}

pub async fn vote(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfForm(form): CsrfForm<VoteForm>,
) -> PageResult {
    let actor = actor(&ctx)?;
    let result = match form.vote.parse::<Vote>() {
        Ok(vote) => state.app.vote(actor, id, vote, &form.text).await,
        Err(_) => Err(AppError::invalid("vote", gopy_app::InvalidReason::Missing)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}#ballot")).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Closed { .. })) => {
            let vote_form = VoteFormView { values: VoteValues { vote: form.vote, text: form.text }, message: ctx.describe(&err) };
            let forms = ReportForms { vote_form: Some(vote_form), ..ReportForms::default() };
            report_with_forms(&state, &ctx, id, forms, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- The dashboard and the timeline ---------------------------------------------

#[derive(Serialize)]
struct DashboardView {
    rows: Vec<DashboardRowView>,
}

#[derive(Serialize)]
struct DashboardRowView {
    id: String,
    title: String,
    kind: String,
    committee: Option<String>,
    status: &'static str,
    status_label: String,
    round: Option<u32>,
    deadline: Option<String>,
    overdue: bool,
    meeting: Option<MeetingRefView>,
    counts: CommentCounts,
    versions: usize,
}

#[derive(Serialize)]
struct MeetingRefView {
    id: String,
    title: String,
    at: String,
}

fn dashboard_row(ctx: &Ctx, row: DashboardRow, zone: &str) -> DashboardRowView {
    let report = &row.report;
    DashboardRowView {
        id: report.id.to_string(),
        title: report.title.to_string(),
        kind: kind_label(ctx, report.kind),
        committee: row.committee,
        status: report.status.as_str(),
        status_label: status_label(ctx.pages.catalog(), ctx.language, report.status),
        round: row.round.as_ref().map(|r| r.number),
        deadline: row
            .round
            .as_ref()
            .filter(|_| report.status == ReportStatus::OpenForComments)
            .map(|r| crate::i18n::format_deadline(ctx.language, r.deadline, zone)),
        overdue: row.overdue,
        meeting: row.meeting.map(|(id, title, at)| MeetingRefView { id: id.to_string(), title: title.to_string(), at: format_date_time(at, zone) }),
        counts: row.counts,
        versions: row.versions,
    }
}

pub async fn dashboard_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let rows = state.app.dashboard(actor(&ctx)?).await.map_err(|e| ctx.failure(&e))?;
    let zone = zone(&ctx);
    let view = DashboardView { rows: rows.into_iter().map(|r| dashboard_row(&ctx, r, &zone)).collect() };
    Ok(ctx.render("pages/dashboard", "dashboard_title", view))
}

#[derive(Serialize)]
struct TimelineView {
    report: ReportRefView,
    events: Vec<EventView>,
}

#[derive(Serialize)]
struct EventView {
    at: String,
    who: Option<String>,
    what: String,
    action: String,
}

/// An audit event in words: what happened. An event this page has no
/// words for yet is told as "a change" rather than by its stored name.
fn event_text(catalog: &Catalog, language: Language, event: &AuditEvent) -> String {
    let text = |key: &str| catalog.text(language, key).to_owned();
    let details = &event.details;
    match event.action.as_str() {
        "report.step" => {
            let step = details["step"].as_str().and_then(|s| s.parse::<Step>().ok());
            let mut said = step.map(|s| step_label(catalog, language, s)).unwrap_or_default();
            if let Some(round) = details["round"].as_u64() {
                said.push_str(&format!(" ({} {round})", text("round")));
            }
            if let Some(reason) = details["reason"].as_str() {
                said.push_str(&format!(": {reason}"));
            }
            said
        }
        "version.created" => format!("{} {}", text("event_version"), details["number"]),
        "comment.answered" => {
            let kind = details["disposition"].as_str().unwrap_or("none");
            format!("{}: {}", text("event_comment.answered"), text(&format!("disposition_{kind}")))
        }
        "ballot.cast" => {
            let vote = details["vote"].as_str().unwrap_or("other");
            format!("{}: {}", text("event_ballot.cast"), text(&format!("vote_{vote}")))
        }
        "indicator_results.recorded" => text("event_indicator_results.recorded")
            .replace("{n}", &details["recorded"].as_u64().unwrap_or(0).to_string())
            .replace("{version}", &details["version"].as_u64().unwrap_or(0).to_string()),
        other => {
            let key = format!("event_{other}");
            match catalog.text(language, &key) {
                found if found != key => found.to_owned(),
                _ => text("event_other"),
            }
        }
    }
}

fn timeline_view(ctx: &Ctx, timeline: &Timeline, zone: &str) -> TimelineView {
    TimelineView {
        report: ReportRefView::of(&timeline.report),
        events: timeline
            .events
            .iter()
            .map(|e| EventView {
                at: format_date_time(e.event.occurred_at, zone),
                who: e.who.clone(),
                what: event_text(ctx.pages.catalog(), ctx.language, &e.event),
                action: e.event.action.clone(),
            })
            .collect(),
    }
}

pub async fn timeline_page(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, PagePath(id): PagePath<ReportId>) -> PageResult {
    let tag = Tag::page(&ctx);
    let fresh = state.app.report_timeline(actor(&ctx)?, id, tag.known(&headers)).await.map_err(|e| ctx.failure(&e))?;
    Ok(revalidate(match fresh {
        Fresh::Unchanged { change_count } => tag.not_modified(change_count),
        Fresh::Changed { change_count, model } => {
            let view = timeline_view(&ctx, &model, &zone(&ctx));
            let mut response = ctx.render("pages/timeline", "timeline_title", view);
            tag.put(&mut response, change_count);
            response
        }
    }))
}

// --- The API -----------------------------------------------------------------------


/// A step in the report's life.
#[derive(Deserialize, ToSchema)]
pub struct TransitionRequest {
    /// `open_round`, `close_round`, `submit`, `approve` or `return`.
    pub action: String,
    /// For `open_round`: when commenting closes (RFC 3339).
    pub deadline: Option<String>,
    #[serde(default)]
    pub late_allowed: bool,
    /// For `open_round`: with a ballot.
    #[serde(default)]
    pub ballot: bool,
    /// For `return`: why.
    pub reason: Option<String>,
    /// For `open_round`, instead of `deadline`: "trong n ngày làm việc",
    /// 17:00 in Hà Nội on the n-th working day from today (1 to 65).
    pub working_days: Option<u32>,
    /// For `open_round`: the working days before the deadline at which
    /// members who owe an opinion are reminded (default: 3 and 1, those
    /// that fit the round). Each must fall after the opening and before
    /// the deadline.
    pub reminder_offsets: Option<Vec<u32>>,
    /// For `open_round`: the ids of the bodies consulted beside the committee.
    #[serde(default)]
    pub bodies: Vec<String>,
    /// For `open_round`: a consulted body silent at the deadline is deemed to agree.
    #[serde(default)]
    pub silence_agrees: bool,
}

#[derive(Serialize, ToSchema)]
pub struct StateResponse {
    pub report: String,
    /// `drafting`, `open_for_comments`, `revising`, `submitted` or `approved`.
    pub status: &'static str,
    pub approved_version: Option<u32>,
    pub approved_by: Option<String>,
    /// The steps the report's state allows next.
    pub allowed: Vec<&'static str>,
    /// The report's revision: moves on with every step and every new
    /// version; also the `ETag`, for `If-Match`.
    pub revision: u32,
    /// The latest round, open or closed; `null` before the first.
    pub round: Option<RoundResponse>,
}

/// A round of comments on one version.
#[derive(Serialize, ToSchema)]
pub struct RoundResponse {
    pub number: u32,
    /// The version opened for comments.
    pub version: u32,
    pub opened_at: String,
    pub deadline: String,
    pub late_allowed: bool,
    pub ballot: bool,
    pub closed_at: Option<String>,
    /// Moves on with every change of the round (its closing).
    pub revision: u32,
}

fn state_response(state: &ReportState) -> StateResponse {
    let report = &state.report;
    StateResponse {
        report: report.id.to_string(),
        status: report.status.as_str(),
        approved_version: report.approval.map(|a| a.version),
        approved_by: report.approval.map(|a| a.by.to_string()),
        allowed: allowed_steps(report.status).iter().map(|s| s.as_str()).collect(),
        revision: report.revision,
        round: state.round.as_ref().map(round_response),
    }
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/transitions", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "The report's new state, with its `ETag`", body = StateResponse),
        (status = 409, description = "The state does not allow the step (the answer gives the state and the allowed steps), or comments are unanswered (the answer lists them), or `If-Match` names an older revision (code `stale`: the report's state as it now is, under `current`)", body = ApiError),
        (status = 403, description = "The caller may not take this step", body = ApiError),
        (status = 422, description = "A deadline missing or past, a return without a reason", body = ApiError)))]
pub async fn api_transition(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    headers: HeaderMap,
    ApiJson(request): ApiJson<TransitionRequest>,
) -> Response {
    let Ok(step) = request.action.parse::<Step>() else {
        return refuse(&state, &identity, &AppError::invalid("action", gopy_app::InvalidReason::Missing));
    };
    let deadline = match request.deadline.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(raw) => match time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339) {
            Ok(at) => Some(at),
            Err(_) => return refuse(&state, &identity, &AppError::invalid("deadline", gopy_app::InvalidReason::Rule("err_deadline_format".into()))),
        },
    };
    if let Some(offsets) = &request.reminder_offsets {
        let listed = offsets.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
        if let Err(err) = parse_offsets(&listed) {
            return refuse(&state, &identity, &err);
        }
    }
    let schedule = RoundSchedule { working_days: request.working_days, reminder_offsets: request.reminder_offsets };
    let mut bodies = Vec::new();
    for raw in &request.bodies {
        match raw.trim().parse() {
            Ok(body) => bodies.push(body),
            Err(_) => return refuse(&state, &identity, &AppError::invalid("bodies", gopy_app::InvalidReason::Missing)),
        }
    }
    let consult = gopy_app::consultations::ConsultRequest { bodies, silence_agrees: request.silence_agrees };
    let request = StepRequest {
        step,
        deadline,
        late_allowed: request.late_allowed,
        ballot: request.ballot,
        reason: request.reason,
        schedule,
        seen: if_match(&headers),
    };
    match state.app.step_consulting(&identity.actor, id, request, consult).await {
        Ok(now) => {
            state.live.announce(Change::report(id, ChangeKind::Round)).await;
            with_etag(Json(state_response(&now)).into_response(), now.report.revision)
        }
        Err(err @ AppError::Stale { .. }) => match state.app.report_as_written(&identity.actor, id).await {
            Ok(now) => stale(&state, &identity, &err, state_response(&now), now.report.revision),
            Err(other) => refuse(&state, &identity, &other),
        },
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct VoteRequest {
    /// `agree`, `disagree` or `other`.
    pub vote: String,
    /// Required with `other`.
    #[serde(default)]
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct BallotResponse {
    pub round: u32,
    pub agree: usize,
    pub disagree: usize,
    pub other: usize,
    /// The committee members who have not voted.
    pub not_voted: Vec<String>,
    pub votes: Vec<VoteResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct VoteResponse {
    pub voter: String,
    pub vote: &'static str,
    pub text: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/ballot", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses((status = 200, description = "The latest round's ballot: tally, votes and who has not voted", body = BallotResponse),
        (status = 404, description = "No such report, or no ballot", body = ApiError)))]
pub async fn api_ballot(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<ReportId>) -> Response {
    match state.app.ballot(&identity.actor, id).await {
        Ok(Some(b)) => Json(BallotResponse {
            round: b.round.number,
            agree: b.agree,
            disagree: b.disagree,
            other: b.other,
            not_voted: b.not_voted.iter().map(ToString::to_string).collect(),
            votes: b.votes.iter().map(|v| VoteResponse { voter: v.voter.to_string(), vote: v.vote.as_str(), text: v.text.clone() }).collect(),
        })
        .into_response(),
        Ok(None) => refuse(&state, &identity, &AppError::NotFound { what: "ballot" }),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(put, path = "/api/v1/reports/{id}/ballot", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = VoteRequest,
    responses((status = 200, description = "The vote, cast or changed", body = VoteResponse),
        (status = 409, description = "No ballot is open", body = ApiError),
        (status = 403, description = "Not a member of the reviewing committee", body = ApiError)))]
pub async fn api_vote(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    ApiJson(request): ApiJson<VoteRequest>,
) -> Response {
    let Ok(vote) = request.vote.parse::<Vote>() else {
        return refuse(&state, &identity, &AppError::invalid("vote", gopy_app::InvalidReason::Missing));
    };
    match state.app.vote(&identity.actor, id, vote, &request.text).await {
        Ok(b) => Json(VoteResponse { voter: b.voter.to_string(), vote: b.vote.as_str(), text: b.text }).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[derive(Serialize, ToSchema)]
pub struct EventResponse {
    pub at: String,
    pub actor: Option<String>,
    /// A stable dotted name: `version.created`, `comment.posted`, `report.step`…
    pub action: String,
    #[schema(value_type = Object)]
    pub details: Value,
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/timeline", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses((status = 200, description = "Every event of the report, in order", body = [EventResponse]),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_timeline(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<ReportId>) -> Response {
    match state.app.report_timeline(&identity.actor, id, None).await {
        Ok(Fresh::Changed { model, .. }) => Json(
            model
                .events
                .iter()
                .map(|e| EventResponse {
                    at: rfc3339(e.event.occurred_at),
                    actor: e.event.actor.map(|a| a.to_string()),
                    action: e.event.action.clone(),
                    details: e.event.details.clone(),
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        // Asked with no state held, the report is never unchanged.
        Ok(Fresh::Unchanged { .. }) => refuse(&state, &identity, &AppError::NotFound { what: "report" }),
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// One report on the secretariat's dashboard: where its review stands.
#[derive(Serialize, ToSchema)]
pub struct DashboardRowResponse {
    pub report: String,
    pub title: String,
    /// `draft`, `in_review`, `submitted`, `approved` or `returned`.
    pub status: &'static str,
    /// The reviewing committee's name.
    pub committee: Option<String>,
    /// The latest round, open or closed.
    pub round: Option<RoundResponse>,
    pub versions: usize,
    /// The open round's deadline has passed.
    pub overdue: bool,
    pub comments: crate::routes::review::api::ThreadCountsResponse,
    /// The latest meeting whose agenda presents the report.
    pub meeting: Option<DashboardMeetingResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct DashboardMeetingResponse {
    pub id: String,
    pub title: String,
    pub starts_at: String,
}

fn round_response(r: &Round) -> RoundResponse {
    RoundResponse {
        number: r.number,
        version: r.version,
        opened_at: rfc3339(r.opened_at),
        deadline: rfc3339(r.deadline),
        late_allowed: r.late_allowed,
        ballot: r.ballot,
        closed_at: r.closed_at.map(rfc3339),
        revision: r.revision,
    }
}

#[utoipa::path(get, path = "/api/v1/dashboard", tag = "reports", security(("bearer" = [])),
    responses(
        (status = 200, description = "Every report under review: its round, its comments counted, its meeting", body = [DashboardRowResponse]),
        (status = 403, description = "The dashboard is the secretariat's", body = ApiError)))]
pub async fn api_dashboard(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    let result = state.app.dashboard(&identity.actor).await;
    respond(&state, &identity, result, StatusCode::OK, |rows| {
        rows.iter()
            .map(|row| DashboardRowResponse {
                report: row.report.id.to_string(),
                title: row.report.title.to_string(),
                status: row.report.status.as_str(),
                committee: row.committee.clone(),
                round: row.round.as_ref().map(round_response),
                versions: row.versions,
                overdue: row.overdue,
                comments: crate::routes::review::api::counts_response(&row.counts),
                meeting: row.meeting.as_ref().map(|(id, title, at)| DashboardMeetingResponse {
                    id: id.to_string(),
                    title: title.to_string(),
                    starts_at: rfc3339(*at),
                }),
            })
            .collect::<Vec<_>>()
    })
}

#[cfg(test)]
pub(super) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let dashboard = DashboardView {
        rows: vec![DashboardRowView {
            id: "1".into(),
            title: "Báo cáo".into(),
            kind: "x".into(),
            committee: Some("x".into()),
            status: "open_for_comments",
            status_label: "x".into(),
            round: Some(1),
            deadline: Some("27/06/2023 08:00".into()),
            overdue: true,
            meeting: Some(MeetingRefView { id: "1".into(), title: "x".into(), at: "x".into() }),
            counts: CommentCounts::default(),
            versions: 2,
        }],
    };
    let timeline = TimelineView {
        report: ReportRefView { id: "1".into(), title: "x".into() },
        events: vec![EventView { at: "x".into(), who: Some("x".into()), what: "x".into(), action: "report.step".into() }],
    };
    vec![("pages/dashboard", super::sample(&dashboard)), ("pages/timeline", super::sample(&timeline))]
}

#[cfg(test)]
mod tests {
    use gopy_domain::{AuditEvent, Language};

    use super::event_text;
    use crate::i18n::Catalog;

    /// Every event the app records about a report, as the timeline reads it.
    const REPORT_EVENTS: [(&str, &str); 10] = [
        ("report.created", "{}"),
        ("version.created", r#"{"number": 2}"#),
        ("comment.posted", "{}"),
        ("comment.replied", "{}"),
        ("comment.edited", "{}"),
        ("comment.withdrawn", "{}"),
        ("comment.answered", r#"{"disposition": "accepted"}"#),
        ("ballot.cast", r#"{"vote": "agree"}"#),
        ("report.step", r#"{"step": "return", "reason": "Cần bổ sung"}"#),
        ("indicator_results.recorded", r#"{"version": 2, "recorded": 24}"#),
    ];

    #[test]
    fn the_timeline_tells_every_report_event_in_words_in_both_languages() {
        let catalog = Catalog::load().expect("the catalog");
        for language in [Language::Vi, Language::En] {
            for (action, details) in REPORT_EVENTS.iter().chain([("something.new", "{}")].iter()) {
                let event = AuditEvent {
                    id: gopy_domain::AuditEventId::from_uuid(uuid::Uuid::nil()),
                    actor: None,
                    action: (*action).to_owned(),
                    subject_kind: "report".into(),
                    subject_id: None,
                    details: serde_json::from_str(details).expect("each event's details are JSON"),
                    occurred_at: time::OffsetDateTime::UNIX_EPOCH,
                };
                let said = event_text(&catalog, language, &event);
                assert!(!said.trim().is_empty(), "{action} in {language:?}");
                assert!(!said.contains("event_") && !said.contains(action) && !said.contains('{'), "{action} in {language:?}: {said}");
            }
        }
    }
}
