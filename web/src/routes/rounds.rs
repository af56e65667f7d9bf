//! A report's life on its page: its state, the open round, the steps the
//! viewer may take, the ballot; the secretariat's dashboard; each report's
//! timeline; and the same through the JSON API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use gopy_app::rounds::{BallotView, StepRequest};
use gopy_app::{AppError, Identity};
use gopy_domain::workflow::{Step, StepRefused, Vote, allowed_steps};
use gopy_domain::{Action, AuditEvent, Report, ReportStatus, authorize};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::ToSchema;

use super::api::{ApiError, ApiJson, refuse};
use super::reports::{actor, kind_label, report_id};
use super::review::Directory;
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, CsrfForm, PageResult};
use crate::i18n::{format_date_time, form_errors, parse_local_date_time, status_label, step_label};

fn action_of(step: Step) -> Action {
    match step {
        Step::OpenRound | Step::CloseRound => Action::ManageRounds,
        Step::Submit => Action::SubmitReport,
        Step::Approve | Step::Return => Action::ApproveReport,
    }
}

/// The report's state, round, ballot and the steps the viewer may take, for
/// the report page.
pub async fn life_view(state: &AppState, ctx: &Ctx, report: &Report, people: &Directory) -> Result<Value, AppError> {
    let Some(identity) = ctx.identity.as_ref() else { return Ok(json!({})) };
    let catalog = ctx.pages.catalog();
    let zone = &identity.user.time_zone;
    let rounds = state.app.rounds(&identity.actor, report.id).await?;
    let resource = gopy_app::reports::report_resource(report);
    let steps: Vec<Value> = allowed_steps(report.status)
        .into_iter()
        .filter(|s| authorize(&identity.actor, action_of(*s), resource).is_ok())
        .map(|s| json!({ "step": s.as_str(), "label": step_label(catalog, ctx.language, s), "is_open": s == Step::OpenRound, "is_return": s == Step::Return }))
        .collect();
    let current = rounds.last().filter(|r| r.closed_at.is_none() && report.status == ReportStatus::OpenForComments);
    let now = time::OffsetDateTime::now_utc();
    let ballot = state.app.ballot(&identity.actor, report.id).await?;
    let review = state.app.review(&identity.actor, report.id).await?;
    let may_vote = ctx.can(Action::Vote, resource) && current.is_some_and(|r| r.takes_votes(now));
    Ok(json!({
        "status": report.status.as_str(),
        "status_label": status_label(catalog, ctx.language, report.status),
        "approval": report.approval.map(|a| json!({
            "version": a.version, "by": people.name(a.by), "at": format_date_time(a.at, zone),
        })),
        "round": current.map(|r| json!({
            "number": r.number,
            "version": r.version,
            "deadline": format_date_time(r.deadline, zone),
            "overdue": r.deadline <= now,
            "late_allowed": r.late_allowed,
        })),
        "rounds": rounds.iter().map(|r| json!({
            "number": r.number, "version": r.version,
            "opened_at": format_date_time(r.opened_at, zone), "deadline": format_date_time(r.deadline, zone),
            "closed_at": r.closed_at.map(|c| format_date_time(c, zone)),
        })).collect::<Vec<_>>(),
        "steps": steps,
        "counts": review.counts,
        // The chair decides on the version against the one the last round reviewed.
        "previous_round_version": rounds.iter().rev().map(|r| r.version).find(|v| Some(*v) != review.version.as_ref().map(|x| x.number)),
        "latest_version": review.version.as_ref().map(|v| v.number),
        "ballot": ballot.as_ref().map(|b| ballot_view(ctx, b, people, identity)),
        "may_vote": may_vote,
    }))
}

fn ballot_view(ctx: &Ctx, ballot: &BallotView, people: &Directory, identity: &Identity) -> Value {
    let vote_label = |v: Vote| ctx.pages.catalog().text(ctx.language, &format!("vote_{}", v.as_str())).to_owned();
    let mine = ballot.votes.iter().find(|v| v.voter == identity.user.id);
    json!({
        "round": ballot.round.number,
        "agree": ballot.agree,
        "disagree": ballot.disagree,
        "other": ballot.other,
        "votes": ballot.votes.iter().map(|v| json!({
            "voter": people.name(v.voter), "vote": vote_label(v.vote), "text": v.text,
        })).collect::<Vec<_>>(),
        "not_voted": ballot.not_voted.iter().map(|u| people.name(*u)).collect::<Vec<_>>(),
        "choices": Vote::ALL.iter().map(|v| json!({
            "value": v.as_str(), "label": vote_label(*v), "selected": mine.is_some_and(|m| m.vote == *v),
        })).collect::<Vec<_>>(),
        "my_text": mine.and_then(|m| m.text.clone()),
    })
}

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
}

pub async fn take_step(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<StepForm>,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let Ok(step) = form.step.parse::<Step>() else { return Err(ctx.not_found()) };
    let request = StepRequest {
        step,
        deadline: parse_local_date_time(&form.deadline),
        late_allowed: form.late_allowed.is_some(),
        ballot: form.ballot.is_some(),
        reason: Some(form.reason.clone()).filter(|r| !r.trim().is_empty()),
    };
    match state.app.take_step(actor, id, request).await {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}")).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Step(_) | AppError::Closed { .. })) => {
            let unanswered = match &err {
                AppError::Step(StepRefused::Unanswered(open)) => open.iter().map(|c| c.to_string()).collect(),
                _ => Vec::new(),
            };
            let status = if matches!(err, AppError::Invalid { .. }) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::CONFLICT };
            let extra = json!({
                "step_form": { "step": form.step, "values": form, "errors": form_errors(&ctx, &err), "message": ctx.describe(&err) },
                "unanswered": unanswered,
            });
            super::reports::report_view(&state, &ctx, id, extra, status).await
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
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<VoteForm>,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let result = match form.vote.parse::<Vote>() {
        Ok(vote) => state.app.vote(actor, id, vote, &form.text).await,
        Err(_) => Err(AppError::invalid("vote", gopy_app::InvalidReason::Missing)),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}#ballot")).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Closed { .. })) => {
            let extra = json!({ "vote_form": { "values": form, "message": ctx.describe(&err) } });
            super::reports::report_view(&state, &ctx, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- The dashboard and the timeline ---------------------------------------------

pub async fn dashboard_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let actor = actor(&ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let rows = state.app.dashboard(actor).await.map_err(fail)?;
    let committees = state.app.list_committees().await.map_err(fail)?;
    let zone = ctx.signed_in()?.user.time_zone.clone();
    let catalog = ctx.pages.catalog();
    let page = json!({
        "rows": rows.iter().map(|r| json!({
            "id": r.report.id,
            "title": r.report.title,
            "kind": kind_label(&ctx, r.report.kind),
            "committee": committees.iter().find(|c| c.id == r.report.committee).map(|c| c.name.to_string()),
            "status": r.report.status.as_str(),
            "status_label": status_label(catalog, ctx.language, r.report.status),
            "round": r.round.as_ref().map(|x| x.number),
            "deadline": r.round.as_ref().filter(|_| r.report.status == ReportStatus::OpenForComments).map(|x| format_date_time(x.deadline, &zone)),
            "overdue": r.overdue,
            "meeting": r.meeting.as_ref().map(|(id, title, at)| json!({ "id": id, "title": title, "at": format_date_time(*at, &zone) })),
            "counts": r.counts,
            "versions": r.versions,
        })).collect::<Vec<_>>(),
    });
    Ok(ctx.render("pages/dashboard", "dashboard_title", page))
}

/// An audit event in words: what happened, by whom, when.
fn event_view(ctx: &Ctx, event: &AuditEvent, people: &Directory, zone: &str) -> Value {
    let catalog = ctx.pages.catalog();
    let details = &event.details;
    let what = match event.action.as_str() {
        "report.step" => {
            let step = details["step"].as_str().and_then(|s| s.parse::<Step>().ok());
            let mut text = step.map(|s| step_label(catalog, ctx.language, s)).unwrap_or_default();
            if let Some(round) = details["round"].as_u64() {
                text.push_str(&format!(" ({} {round})", catalog.text(ctx.language, "round")));
            }
            if let Some(reason) = details["reason"].as_str() {
                text.push_str(&format!(": {reason}"));
            }
            text
        }
        "version.created" => format!("{} {}", catalog.text(ctx.language, "event_version"), details["number"]),
        "comment.answered" => {
            let kind = details["disposition"].as_str().unwrap_or("none");
            format!("{}: {}", catalog.text(ctx.language, "event_comment.answered"), catalog.text(ctx.language, &format!("disposition_{kind}")))
        }
        "ballot.cast" => {
            let vote = details["vote"].as_str().unwrap_or("other");
            format!("{}: {}", catalog.text(ctx.language, "event_ballot.cast"), catalog.text(ctx.language, &format!("vote_{vote}")))
        }
        other => catalog.text(ctx.language, &format!("event_{other}")).to_owned(),
    };
    json!({
        "at": format_date_time(event.occurred_at, zone),
        "who": event.actor.map(|u| people.name(u)),
        "what": what,
        "action": event.action,
    })
}

pub async fn timeline_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let events = state.app.timeline(actor, id).await.map_err(fail)?;
    let detail = state.app.report_detail(actor, id).await.map_err(fail)?;
    let people = Directory::load(&state).await.map_err(fail)?;
    let zone = ctx.signed_in()?.user.time_zone.clone();
    let page = json!({
        "report": { "id": detail.report.id, "title": detail.report.title },
        "events": events.iter().map(|e| event_view(&ctx, e, &people, &zone)).collect::<Vec<_>>(),
    });
    Ok(ctx.render("pages/timeline", "timeline_title", page))
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
}

fn state_response(report: &Report) -> StateResponse {
    StateResponse {
        report: report.id.to_string(),
        status: report.status.as_str(),
        approved_version: report.approval.map(|a| a.version),
        approved_by: report.approval.map(|a| a.by.to_string()),
        allowed: allowed_steps(report.status).iter().map(|s| s.as_str()).collect(),
    }
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/transitions", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = TransitionRequest,
    responses(
        (status = 200, description = "The report's new state", body = StateResponse),
        (status = 409, description = "The state does not allow the step (the answer gives the state and the allowed steps), or comments are unanswered (the answer lists them)", body = ApiError),
        (status = 403, description = "The caller may not take this step", body = ApiError),
        (status = 422, description = "A deadline missing or past, a return without a reason", body = ApiError)))]
pub async fn api_transition(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    Path(id): Path<String>,
    ApiJson(request): ApiJson<TransitionRequest>,
) -> Response {
    let Ok(id) = id.parse() else { return refuse(&state, &identity, &AppError::NotFound { what: "report" }) };
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
    let request = StepRequest { step, deadline, late_allowed: request.late_allowed, ballot: request.ballot, reason: request.reason };
    match state.app.take_step(&identity.actor, id, request).await {
        Ok(report) => Json(state_response(&report)).into_response(),
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
pub async fn api_ballot(State(state): State<AppState>, ApiCaller(identity): ApiCaller, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse() else { return refuse(&state, &identity, &AppError::NotFound { what: "report" }) };
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
    Path(id): Path<String>,
    ApiJson(request): ApiJson<VoteRequest>,
) -> Response {
    let Ok(id) = id.parse() else { return refuse(&state, &identity, &AppError::NotFound { what: "report" }) };
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
pub async fn api_timeline(State(state): State<AppState>, ApiCaller(identity): ApiCaller, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse() else { return refuse(&state, &identity, &AppError::NotFound { what: "report" }) };
    match state.app.timeline(&identity.actor, id).await {
        Ok(events) => Json(
            events
                .iter()
                .map(|e| EventResponse {
                    at: super::api::rfc3339(e.occurred_at),
                    actor: e.actor.map(|a| a.to_string()),
                    action: e.action.clone(),
                    details: e.details.clone(),
                })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}
