//! What is still disputed (vấn đề còn ý kiến khác nhau): the secretariat
//! sets the deadline, each commenter agrees with the answer to their
//! comment or still disagrees with a reason, and the chair records a
//! decision on each comment still disputed. As a page and as JSON.
//!
//! Not tagged: whether a commenter may still disagree turns with the clock.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::AppError;
use gopy_app::changes::{CommentLine, Disputes};
use gopy_domain::dispute::{DisputeDecision, Stance, StanceTaken};
use gopy_domain::{CommentId, DispositionKind, Language, ReportId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationErrors};

use crate::rules;

use super::{ReportRefView, actor, zone};
use crate::AppState;
use crate::auth::{ApiCaller, CsrfForm, Ctx, PageResult};
use crate::i18n::{Catalog, OfferView, format_date_time, local_input_value, parse_local_date_time};
use crate::paths::{ApiPath, PagePath};
use crate::routes::api::{ApiError, ValidJson};

/// A comment and the answer it was given.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AnsweredCommentResponse {
    pub id: String,
    pub commenter: String,
    pub commenter_body: Option<String>,
    pub text: String,
    pub quote: Option<String>,
    pub disposition_label: String,
    pub response: Option<String>,
}

/// A commenter's stance on an answer.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StanceResponse {
    /// `agree` or `disagree`.
    pub stance: String,
    pub reason: Option<String>,
    /// dd/mm/yyyy HH:MM in the reader's zone.
    pub at: String,
}

/// An answer the caller speaks for.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AnswerToJudgeResponse {
    pub comment: AnsweredCommentResponse,
    pub stance: Option<StanceResponse>,
    /// Whether the caller may say (or change) their stance now.
    pub open: bool,
    pub why_not: Option<String>,
}

/// The chair's decision on a dispute.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DecisionResponse {
    pub decision: String,
    pub meeting: Option<String>,
    pub at: String,
}

/// A comment still disagreed with.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DisputeResponse {
    pub comment: AnsweredCommentResponse,
    pub reason: String,
    pub disagreed_by: String,
    pub disagreed_at: String,
    pub decision: Option<DecisionResponse>,
}

/// The disputes of a report.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DisputesResponse {
    /// Until when commenters may disagree (dd/mm/yyyy HH:MM), if set.
    pub deadline: Option<String>,
    /// The same as RFC 3339.
    pub deadline_at: Option<String>,
    pub mine: Vec<AnswerToJudgeResponse>,
    pub disputed: Vec<DisputeResponse>,
    /// The meeting a decision recorded now is taken at.
    pub meeting: Option<String>,
}

fn answered(catalog: &Catalog, language: Language, line: &CommentLine) -> AnsweredCommentResponse {
    let key = match line.disposition {
        None => "disposition_none",
        Some(DispositionKind::Accepted) => "disposition_accepted",
        Some(DispositionKind::PartlyAccepted) => "disposition_partly_accepted",
        Some(DispositionKind::Explained) => "disposition_explained",
    };
    AnsweredCommentResponse {
        id: line.id.to_string(),
        commenter: line.commenter.clone(),
        commenter_body: line.commenter_body.clone(),
        text: line.text.clone(),
        quote: line.quote.clone(),
        disposition_label: catalog.text(language, key).to_owned(),
        response: line.response.clone(),
    }
}

fn stance_response(stance: &StanceTaken, zone: &str) -> StanceResponse {
    StanceResponse {
        stance: stance.stance.as_str().to_owned(),
        reason: stance.reason.as_ref().map(ToString::to_string),
        at: format_date_time(stance.at, zone),
    }
}

fn decision_response(decision: &DisputeDecision, meeting: Option<&(gopy_domain::MeetingId, String)>, zone: &str) -> DecisionResponse {
    DecisionResponse {
        decision: decision.decision.to_string(),
        meeting: decision.meeting.and_then(|m| meeting.filter(|(id, _)| *id == m).map(|(_, title)| title.clone())),
        at: format_date_time(decision.at, zone),
    }
}

pub fn disputes_response(catalog: &Catalog, language: Language, zone: &str, model: &Disputes) -> DisputesResponse {
    DisputesResponse {
        deadline: model.deadline.map(|d| format_date_time(d, zone)),
        deadline_at: model.deadline.and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok()),
        mine: model
            .mine
            .iter()
            .map(|a| {
                let offer = OfferView::new(catalog, language, &a.judge);
                AnswerToJudgeResponse {
                    comment: answered(catalog, language, &a.comment),
                    stance: a.stance.as_ref().map(|s| stance_response(s, zone)),
                    open: offer.open,
                    why_not: offer.why_not,
                }
            })
            .collect(),
        disputed: model
            .disputed
            .iter()
            .map(|d| DisputeResponse {
                comment: answered(catalog, language, &d.comment),
                reason: d.reason.clone(),
                disagreed_by: d.disagreed_by.clone(),
                disagreed_at: format_date_time(d.disagreed_at, zone),
                decision: d.decision.as_ref().map(|x| decision_response(x, model.meeting.as_ref(), zone)),
            })
            .collect(),
        meeting: model.meeting.as_ref().map(|(_, title)| title.clone()),
    }
}

/// A refused form: which one, the message, and what was typed in it.
#[derive(Clone, Debug, Default, Serialize)]
struct FailedView {
    /// The comment whose form was refused; `deadline` for the deadline's.
    form: String,
    message: String,
    stance: String,
    reason: String,
    decision: String,
    deadline: String,
}

#[derive(Serialize)]
struct DisputesView {
    report: ReportRefView,
    disputes: DisputesResponse,
    set_deadline: bool,
    decide: bool,
    /// The deadline as the `datetime-local` input shows it.
    deadline_value: String,
    failed: FailedView,
}

fn render(ctx: &Ctx, model: &Disputes, failed: FailedView, status: StatusCode) -> Response {
    let catalog = ctx.pages.catalog();
    let deadline_value =
        if failed.form == "deadline" { failed.deadline.clone() } else { model.deadline.map(local_input_value).unwrap_or_default() };
    let view = DisputesView {
        report: ReportRefView::of(&model.report),
        disputes: disputes_response(catalog, ctx.language, &zone(ctx), model),
        set_deadline: model.set_deadline.is_yes(),
        decide: model.decide.is_yes(),
        deadline_value,
        failed,
    };
    ctx.render_with_status(status, "pages/disputes", "disputes_title", view)
}

pub async fn disputes_page(State(state): State<AppState>, ctx: Ctx, PagePath(id): PagePath<ReportId>) -> PageResult {
    let model = state.app.disputes(actor(&ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(render(&ctx, &model, FailedView::default(), StatusCode::OK))
}

/// After a form: back to the page, or the page again with the refusal
/// beside the form that was sent and what was typed in it.
async fn answer(state: &AppState, ctx: &Ctx, id: ReportId, result: Result<(), AppError>, mut failed: FailedView, anchor: &str) -> PageResult {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}/disputes#{anchor}")).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            failed.message = ctx.describe(&err);
            let model = state.app.disputes(actor(ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
            Ok(render(ctx, &model, failed, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

/// A form refused by its rules: the page again, the form open with what
/// was typed and every refusal in its message.
async fn refused_form(state: &AppState, ctx: &Ctx, id: ReportId, mut failed: FailedView, refused: &ValidationErrors) -> PageResult {
    failed.message = rules::refused_fields(refused)
        .into_iter()
        .map(|(_, problem)| rules::message(ctx.pages.catalog(), ctx.language, problem))
        .collect::<Vec<_>>()
        .join(" ");
    let model = state.app.disputes(actor(ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(render(ctx, &model, failed, StatusCode::UNPROCESSABLE_ENTITY))
}

/// Until when commenters may disagree, as the page's field gives it.
#[derive(Deserialize, Validate)]
pub struct DeadlineForm {
    #[serde(default)]
    #[validate(custom(function = "rules::dispute_deadline"))]
    deadline: String,
}

pub async fn set_deadline(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfForm(form): CsrfForm<DeadlineForm>,
) -> PageResult {
    let failed = FailedView { form: "deadline".into(), deadline: form.deadline.clone(), ..FailedView::default() };
    let read = || -> Result<time::OffsetDateTime, ValidationErrors> {
        form.validate()?;
        parse_local_date_time(&form.deadline).ok_or_else(|| rules::refused("deadline", "dispute_deadline"))
    };
    let deadline = match read() {
        Ok(deadline) => deadline,
        Err(refused) => return refused_form(&state, &ctx, id, failed, &refused).await,
    };
    let result = state.app.set_dispute_deadline(actor(&ctx)?, id, deadline).await;
    answer(&state, &ctx, id, result, failed, "deadline").await
}

/// A commenter's stance as the page's form sends it: the API's
/// [`StanceRequest`] in a form's words.
#[derive(Deserialize, Validate)]
pub struct StanceForm {
    #[serde(default)]
    #[validate(custom(function = "rules::stance"))]
    stance: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_text"))]
    reason: String,
}

impl TryFrom<&StanceForm> for Stance {
    type Error = ValidationErrors;

    fn try_from(form: &StanceForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        rules::parsed(&form.stance, "stance")
    }
}

pub async fn take_stance(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, comment)): PagePath<(ReportId, CommentId)>,
    CsrfForm(form): CsrfForm<StanceForm>,
) -> PageResult {
    let failed = FailedView { form: comment.to_string(), stance: form.stance.clone(), reason: form.reason.clone(), ..FailedView::default() };
    let stance = match Stance::try_from(&form) {
        Ok(stance) => stance,
        Err(refused) => return refused_form(&state, &ctx, id, failed, &refused).await,
    };
    let result = state.app.take_stance(actor(&ctx)?, comment, stance, &form.reason).await.map(|_| ());
    answer(&state, &ctx, id, result, failed, &format!("a-{comment}")).await
}

/// The chair's decision as the page's form sends it.
#[derive(Deserialize, Validate)]
pub struct DecisionForm {
    #[serde(default)]
    #[validate(custom(function = "rules::comment_text"))]
    decision: String,
}

pub async fn decide_dispute(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, comment)): PagePath<(ReportId, CommentId)>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> PageResult {
    let failed = FailedView { form: comment.to_string(), decision: form.decision.clone(), ..FailedView::default() };
    if let Err(refused) = form.validate() {
        return refused_form(&state, &ctx, id, failed, &refused).await;
    }
    let result = state.app.decide_dispute(actor(&ctx)?, comment, &form.decision).await.map(|_| ());
    answer(&state, &ctx, id, result, failed, &format!("d-{comment}")).await
}

// --- API ------------------------------------------------------------------------------

#[utoipa::path(get, path = "/api/v1/reports/{id}/disputes", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The deadline, the answers the caller may agree or disagree with, and the comments still disputed with the chair's decisions", body = DisputesResponse),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_disputes(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<ReportId>) -> Response {
    let language = identity.user.language;
    let catalog = state.pages.catalog();
    match state.app.disputes(&identity.actor, id).await {
        Ok(model) => axum::Json(disputes_response(catalog, language, &identity.user.time_zone, &model)).into_response(),
        Err(err) => ApiError::from_app(catalog, language, &err),
    }
}

/// Until when commenters may still disagree.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeDeadlineRequest {
    /// RFC 3339, e.g. `2026-12-20T17:00:00+07:00`; not in the past.
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub deadline: time::OffsetDateTime,
}

#[utoipa::path(put, path = "/api/v1/reports/{id}/disputes/deadline", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = DisputeDeadlineRequest,
    responses(
        (status = 204, description = "The deadline is set"),
        (status = 400, description = "The body is not JSON of this shape", body = ApiError),
        (status = 403, description = "Only the secretariat sets the deadline", body = ApiError),
        (status = 404, description = "No such report", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 422, description = "The deadline is in the past", body = ApiError)))]
pub async fn api_set_deadline(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    ValidJson(request): ValidJson<DisputeDeadlineRequest>,
) -> Response {
    match state.app.set_dispute_deadline(&identity.actor, id, request.deadline).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => ApiError::from_app(state.pages.catalog(), identity.user.language, &err),
    }
}

/// A commenter's stance on the answer to their comment.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StanceRequest {
    /// `agree` or `disagree`.
    #[schema(value_type = String)]
    pub stance: Stance,
    /// Why they still disagree: needed with `disagree`.
    #[serde(default)]
    #[validate(length(max = 5000))]
    pub reason: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/comments/{id}/stance", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment's id")),
    request_body = StanceRequest,
    responses(
        (status = 200, description = "The stance as recorded", body = StanceResponse),
        (status = 400, description = "The body is not JSON of this shape", body = ApiError),
        (status = 403, description = "Only the commenter, or a contact of the body it speaks for, takes a stance", body = ApiError),
        (status = 404, description = "No such comment", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 422, description = "The answer is not published, the deadline has passed, or a disagreement has no reason", body = ApiError)))]
pub async fn api_take_stance(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<CommentId>,
    ValidJson(request): ValidJson<StanceRequest>,
) -> Response {
    let reason = request.reason.unwrap_or_default();
    match state.app.take_stance(&identity.actor, id, request.stance, &reason).await {
        Ok(taken) => axum::Json(stance_response(&taken, &identity.user.time_zone)).into_response(),
        Err(err) => ApiError::from_app(state.pages.catalog(), identity.user.language, &err),
    }
}

/// The chair's decision on a comment still disputed.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    #[validate(length(min = 1, max = 5000))]
    pub decision: String,
}

#[utoipa::path(put, path = "/api/v1/comments/{id}/decision", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment's id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The decision as recorded", body = DecisionResponse),
        (status = 400, description = "The body is not JSON of this shape", body = ApiError),
        (status = 403, description = "Only the chair of the reviewing committee decides", body = ApiError),
        (status = 404, description = "No such comment", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 422, description = "The comment is not disputed, or the decision is empty", body = ApiError)))]
pub async fn api_decide_dispute(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<CommentId>,
    ValidJson(request): ValidJson<DecisionRequest>,
) -> Response {
    match state.app.decide_dispute(&identity.actor, id, &request.decision).await {
        Ok(decided) => axum::Json(decision_response(&decided, None, &identity.user.time_zone)).into_response(),
        Err(err) => ApiError::from_app(state.pages.catalog(), identity.user.language, &err),
    }
}

#[cfg(test)]
pub(super) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let comment = AnsweredCommentResponse {
        id: "c1".into(),
        commenter: "x".into(),
        commenter_body: Some("x".into()),
        text: "x".into(),
        quote: Some("x".into()),
        disposition_label: "x".into(),
        response: Some("x".into()),
    };
    let stance = StanceResponse { stance: "disagree".into(), reason: Some("x".into()), at: "x".into() };
    let view = DisputesView {
        report: ReportRefView { id: "1".into(), title: "Báo cáo".into() },
        disputes: DisputesResponse {
            deadline: Some("x".into()),
            deadline_at: Some("x".into()),
            mine: vec![AnswerToJudgeResponse { comment: comment.clone(), stance: Some(stance), open: true, why_not: Some("x".into()) }],
            disputed: vec![DisputeResponse {
                comment,
                reason: "x".into(),
                disagreed_by: "x".into(),
                disagreed_at: "x".into(),
                decision: Some(DecisionResponse { decision: "x".into(), meeting: Some("x".into()), at: "x".into() }),
            }],
            meeting: Some("x".into()),
        },
        set_deadline: true,
        decide: true,
        deadline_value: "x".into(),
        failed: FailedView { form: "c1".into(), message: "x".into(), ..FailedView::default() },
    };
    vec![("pages/disputes", super::sample(&view))]
}
