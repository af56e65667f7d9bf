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
use crate::routes::api::{ApiError, ValidJson, if_match, invalid_fields, refuse, respond, rfc3339, stale, with_etag};
use crate::rules;
use validator::{Validate, ValidationErrors};
use crate::paths::{ApiPath, PagePath};
use gopy_domain::ReportId;

/// A step as the report page's forms send it; every field is checked at
/// once, the bodies ticked (`consult`, one field each) with them.
#[derive(Deserialize, Serialize, Validate)]
pub struct StepForm {
    #[serde(default)]
    #[validate(custom(function = "rules::step"))]
    step: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_local_date_time"))]
    deadline: String,
    #[validate(custom(function = "rules::flag"))]
    late_allowed: Option<String>,
    #[validate(custom(function = "rules::flag"))]
    ballot: Option<String>,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_text"))]
    reason: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_working_days"))]
    working_days: String,
    #[serde(default)]
    #[validate(custom(function = "rules::offsets"))]
    reminder_offsets: String,
    #[validate(custom(function = "rules::flag"))]
    silence_agrees: Option<String>,
    /// The report's revision the page was opened at.
    revision: Option<u32>,
}

/// A step read from a form or a script: the use case's two requests.
pub(crate) struct Transition {
    pub step: StepRequest,
    pub consult: gopy_app::consultations::ConsultRequest,
}

/// The bodies consulted, every id checked.
fn consulted(raw: &[String], silence_agrees: bool) -> Result<gopy_app::consultations::ConsultRequest, ValidationErrors> {
    let bodies = raw.iter().map(|b| rules::parsed(b, "bodies")).collect::<Result<_, _>>()?;
    Ok(gopy_app::consultations::ConsultRequest { bodies, silence_agrees })
}

/// Reads a form's form, its bodies from the fields named `consult`.
fn transition_of_form(form: &StepForm, pairs: &[(String, String)]) -> Result<Transition, ValidationErrors> {
    let consult: Vec<String> = pairs.iter().filter(|(key, _)| key == "consult").map(|(_, id)| id.clone()).collect();
    let mut refused = match form.validate() {
        Ok(()) => ValidationErrors::new(),
        Err(refused) => refused,
    };
    if let Err(problem) = rules::body_ids(&consult) {
        refused.add("bodies", problem);
    }
    if !refused.is_empty() {
        return Err(refused);
    }
    let reminder_offsets = match form.reminder_offsets.trim() {
        "" => None,
        raw => Some(parse_offsets(raw).map_err(|_| rules::refused("reminder_offsets", "offsets"))?),
    };
    let deadline = match form.deadline.trim() {
        "" => None,
        raw => Some(parse_local_date_time(raw).ok_or_else(|| rules::refused("deadline", "date_time"))?),
    };
    Ok(Transition {
        step: StepRequest {
            step: rules::parsed(&form.step, "step")?,
            deadline,
            late_allowed: rules::flagged(form.late_allowed.as_deref()),
            ballot: rules::flagged(form.ballot.as_deref()),
            reason: Some(form.reason.clone()).filter(|r| !r.trim().is_empty()),
            schedule: RoundSchedule { working_days: rules::parsed_choice(&form.working_days, "working_days")?, reminder_offsets },
            seen: form.revision,
        },
        consult: consulted(&consult, rules::flagged(form.silence_agrees.as_deref()))?,
    })
}

/// The fields of the step form that show their refusal beside them.
const STEP_FIELDS: [&str; 4] = ["deadline", "working_days", "reminder_offsets", "bodies"];

pub async fn take_step(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfFormPairs(form, pairs): CsrfFormPairs<StepForm>,
) -> PageResult {
    let actor = actor(&ctx)?;
    let catalog = ctx.pages.catalog();
    let (status, message, errors, unanswered) = match transition_of_form(&form, &pairs) {
        // Every field refused at once: beside the field where the form has
        // one, in the banner for the others.
        Err(refused) => {
            let mut message = vec![catalog.text(ctx.language, "err_form_fields").to_owned()];
            let mut errors = crate::i18n::FieldErrors::default();
            for (field, problem) in rules::refused_fields(&refused) {
                let text = rules::message(catalog, ctx.language, problem);
                match STEP_FIELDS.iter().find(|f| **f == field) {
                    Some(slot) => errors.insert(std::borrow::Cow::Borrowed(*slot), text),
                    None => message.push(text),
                }
            }
            (StatusCode::UNPROCESSABLE_ENTITY, message.join(" "), errors, Vec::new())
        }
        Ok(transition) => match state.app.take_step_consulting(actor, id, transition.step, transition.consult).await {
            Ok(_) => {
                state.live.announce(Change::report(id, ChangeKind::Round)).await;
                return Ok(Redirect::to(&format!("/reports/{id}")).into_response());
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
                    AppError::Invalid { field, .. } if STEP_FIELDS.contains(field) => crate::i18n::FieldErrors::one(field, ctx.describe(&err)),
                    _ => crate::i18n::FieldErrors::default(),
                };
                (status, ctx.describe(&err), errors, unanswered)
            }
            Err(err) => return Err(ctx.failure(&err)),
        },
    };
    let step_form = StepFormView {
        values: StepValues {
            late_allowed: rules::flagged(form.late_allowed.as_deref()),
            ballot: rules::flagged(form.ballot.as_deref()),
            consult: pairs.iter().filter(|(key, _)| key == "consult").map(|(_, id)| id.clone()).collect(),
            silence_agrees: rules::flagged(form.silence_agrees.as_deref()),
            deadline: form.deadline,
            reason: form.reason,
            working_days: form.working_days,
            reminder_offsets: form.reminder_offsets,
        },
        step: form.step,
        message: Some(message),
        errors,
    };
    report_with_forms(&state, &ctx, id, ReportForms { step_form, unanswered, ..ReportForms::default() }, status).await
}

/// A vote as the ballot's form sends it: the API's [`VoteRequest`].
#[derive(Deserialize, Serialize, Validate)]
pub struct VoteForm {
    #[serde(default)]
    #[validate(custom(function = "rules::vote"))]
    vote: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_text"))]
    text: String,
}

impl TryFrom<&VoteForm> for Vote {
    type Error = ValidationErrors;

    fn try_from(form: &VoteForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        Vote::try_from(&VoteRequest { vote: form.vote.clone(), text: form.text.clone() })
    }
}

pub async fn vote(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfForm(form): CsrfForm<VoteForm>,
) -> PageResult {
    let actor = actor(&ctx)?;
    let message = match Vote::try_from(&form) {
        Err(refused) => rules::refused_fields(&refused)
            .into_iter()
            .map(|(_, problem)| rules::message(ctx.pages.catalog(), ctx.language, problem))
            .collect::<Vec<_>>()
            .join(" "),
        Ok(vote) => match state.app.vote(actor, id, vote, &form.text).await {
            Ok(_) => return Ok(Redirect::to(&format!("/reports/{id}#ballot")).into_response()),
            Err(err @ (AppError::Invalid { .. } | AppError::Closed { .. })) => ctx.describe(&err),
            Err(err) => return Err(ctx.failure(&err)),
        },
    };
    let vote_form = VoteFormView { values: VoteValues { vote: form.vote, text: form.text }, message };
    let forms = ReportForms { vote_form: Some(vote_form), ..ReportForms::default() };
    report_with_forms(&state, &ctx, id, forms, StatusCode::UNPROCESSABLE_ENTITY).await
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
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// `open_round`, `close_round`, `submit`, `approve` or `return`.
    #[validate(custom(function = "rules::step"))]
    pub action: String,
    /// For `open_round`: when commenting closes (RFC 3339).
    #[validate(custom(function = "rules::optional_rfc3339"))]
    pub deadline: Option<String>,
    #[serde(default)]
    pub late_allowed: bool,
    /// For `open_round`: with a ballot.
    #[serde(default)]
    pub ballot: bool,
    /// For `return`: why.
    #[validate(custom(function = "rules::optional_comment_text"))]
    #[schema(max_length = 5000)]
    pub reason: Option<String>,
    /// For `open_round`, instead of `deadline`: "trong n ngày làm việc",
    /// 17:00 in Hà Nội on the n-th working day from today (1 to 65).
    #[validate(range(min = 1, max = 65, code = "working_days"))]
    #[schema(minimum = 1, maximum = 65)]
    pub working_days: Option<u32>,
    /// For `open_round`: the working days before the deadline at which
    /// members who owe an opinion are reminded (default: 3 and 1, those
    /// that fit the round). Each must fall after the opening and before
    /// the deadline.
    #[validate(custom(function = "rules::offset_list"))]
    pub reminder_offsets: Option<Vec<u32>>,
    /// For `open_round`: the ids of the bodies consulted beside the committee.
    #[serde(default)]
    #[validate(custom(function = "rules::body_ids"))]
    pub bodies: Vec<String>,
    /// For `open_round`: a consulted body silent at the deadline is deemed to agree.
    #[serde(default)]
    pub silence_agrees: bool,
}

impl TryFrom<&TransitionRequest> for Transition {
    type Error = ValidationErrors;

    /// Checks every field at once, then reads them; `seen` is the caller's
    /// `If-Match`, set by the handler.
    fn try_from(request: &TransitionRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        let deadline = match request.deadline.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => None,
            Some(raw) => Some(
                time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
                    .map_err(|_| rules::refused("deadline", "rfc3339"))?,
            ),
        };
        Ok(Transition {
            step: StepRequest {
                step: rules::parsed(&request.action, "action")?,
                deadline,
                late_allowed: request.late_allowed,
                ballot: request.ballot,
                reason: request.reason.clone(),
                schedule: RoundSchedule { working_days: request.working_days, reminder_offsets: request.reminder_offsets.clone() },
                seen: None,
            },
            consult: consulted(&request.bodies, request.silence_agrees)?,
        })
    }
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
    ValidJson(request): ValidJson<TransitionRequest>,
) -> Response {
    let Transition { step: mut request, consult } = match Transition::try_from(&request) {
        Ok(transition) => transition,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    request.seen = if_match(&headers);
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

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoteRequest {
    /// `agree`, `disagree` or `other`.
    #[validate(custom(function = "rules::vote"))]
    pub vote: String,
    /// Required with `other`.
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_text"))]
    #[schema(max_length = 5000)]
    pub text: String,
}

impl TryFrom<&VoteRequest> for Vote {
    type Error = ValidationErrors;

    fn try_from(request: &VoteRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        rules::parsed(&request.vote, "vote")
    }
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
    ValidJson(request): ValidJson<VoteRequest>,
) -> Response {
    let vote = match Vote::try_from(&request) {
        Ok(vote) => vote,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
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
