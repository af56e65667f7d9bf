//! The response register of a round (sổ theo dõi ý kiến các cơ quan): the
//! bodies consulted, how and when each replied, who is deemed to agree,
//! who is late, and what became of each body's comments. The secretariat
//! records replies here: an official letter with its comments, or "no
//! comment / agree". As a page and as JSON.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use gopy_app::consultations::{ConsultationRegister, NewLetter};
use gopy_app::AppError;
use gopy_domain::consultation::ReplyHow;
use gopy_domain::{BodyId, Language, LetterId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ReportRefView, actor, disposition_header, report_id, zone};
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, CsrfForm, CsrfUpload, PageResult};
use crate::i18n::{Catalog, FieldErrors, form_errors, format_date, format_date_time, parse_date};
use crate::routes::api::{ApiError, refuse};

/// How a reply was made, in words.
pub fn how_label(catalog: &Catalog, language: Language, how: ReplyHow) -> String {
    catalog
        .text(language, match how {
            ReplyHow::Online => "reply_online",
            ReplyHow::Letter => "reply_letter",
            ReplyHow::Recorded => "reply_recorded",
            ReplyHow::NoComment => "reply_no_comment",
            ReplyHow::Deemed => "reply_deemed",
        })
        .to_owned()
}

#[derive(Serialize)]
struct ConsultationView {
    report: ReportRefView,
    round: u32,
    version: u32,
    deadline: String,
    silence_agrees: bool,
    summary: Vec<SummaryGroupView>,
    rows: Vec<BodyRowView>,
    may_record: bool,
    record_why_not: Option<String>,
    /// The consulted bodies, for the forms' choice.
    bodies: Vec<BodyChoiceView>,
    letter: LetterValues,
    errors: FieldErrors,
}

#[derive(Serialize)]
struct SummaryGroupView {
    key: &'static str,
    label: String,
    count: usize,
    names: String,
}

#[derive(Serialize)]
struct BodyRowView {
    id: String,
    name: String,
    /// `online`, `letter`, `recorded`, `no_comment`, `deemed`; `none` before a reply.
    how: &'static str,
    how_label: String,
    at: Option<String>,
    letter: Option<String>,
    late: bool,
    overdue: bool,
    people: usize,
    comments: usize,
    accepted: usize,
    partly_accepted: usize,
    explained: usize,
    awaiting: usize,
    letters: Vec<LetterView>,
}

#[derive(Serialize)]
struct LetterView {
    id: String,
    number: String,
    signed_on: String,
    signer: String,
    file_name: Option<String>,
}

#[derive(Serialize)]
struct BodyChoiceView {
    id: String,
    name: String,
    selected: bool,
}

/// What was typed in the letter form, kept when it is refused.
#[derive(Clone, Debug, Default, Serialize)]
struct LetterValues {
    body: String,
    number: String,
    signed_on: String,
    signer: String,
    comments: String,
}

fn how_key(how: Option<ReplyHow>) -> &'static str {
    match how {
        None => "none",
        Some(ReplyHow::Online) => "online",
        Some(ReplyHow::Letter) => "letter",
        Some(ReplyHow::Recorded) => "recorded",
        Some(ReplyHow::NoComment) => "no_comment",
        Some(ReplyHow::Deemed) => "deemed",
    }
}

/// The summary's groups in the order Vietnamese offices write them.
fn summary_groups(catalog: &Catalog, language: Language, model: &ConsultationRegister) -> Vec<SummaryGroupView> {
    let s = &model.summary;
    let names = |ids: &[BodyId]| ids.iter().map(|b| model.name_of(*b)).collect::<Vec<_>>().join(", ");
    [
        ("consulted", &s.consulted),
        ("with_comments", &s.with_comments),
        ("no_comment", &s.no_comment),
        ("deemed", &s.deemed),
        ("late", &s.late),
        ("not_replied", &s.not_replied),
    ]
    .into_iter()
    .map(|(key, ids)| SummaryGroupView {
        key,
        label: catalog.text(language, &format!("register_{key}")).to_owned(),
        count: ids.len(),
        names: names(ids),
    })
    .collect()
}

fn consultation_view(ctx: &Ctx, model: &ConsultationRegister, letter: LetterValues, errors: FieldErrors) -> ConsultationView {
    let catalog = ctx.pages.catalog();
    let zone = zone(ctx);
    let rows = model
        .rows
        .iter()
        .map(|row| {
            let s = &row.standing;
            let how = s.reply.as_ref().map(|r| r.how);
            BodyRowView {
                id: s.body.to_string(),
                name: row.name.clone(),
                how: how_key(how),
                how_label: match how {
                    Some(how) => how_label(catalog, ctx.language, how),
                    None => catalog.text(ctx.language, if s.overdue { "reply_overdue" } else { "reply_awaited" }).to_owned(),
                },
                at: s.reply.as_ref().map(|r| format_date_time(r.at, &zone)),
                letter: s.reply.as_ref().and_then(|r| r.letter.as_ref()).map(ToString::to_string),
                late: s.reply.as_ref().is_some_and(|r| r.late),
                overdue: s.overdue,
                people: row.people,
                comments: s.comments,
                accepted: s.accepted,
                partly_accepted: s.partly_accepted,
                explained: s.explained,
                awaiting: s.awaiting_answer(),
                letters: row
                    .letters
                    .iter()
                    .map(|l| LetterView {
                        id: l.id.to_string(),
                        number: l.number.to_string(),
                        signed_on: format_date(l.signed_on),
                        signer: l.signer.to_string(),
                        file_name: l.file_name.clone(),
                    })
                    .collect(),
            }
        })
        .collect();
    let offer = crate::i18n::OfferView::new(catalog, ctx.language, &model.record);
    ConsultationView {
        report: ReportRefView::of(&model.report),
        round: model.round.number,
        version: model.round.version,
        deadline: format_date_time(model.round.deadline, &zone),
        silence_agrees: model.silence_agrees,
        summary: summary_groups(catalog, ctx.language, model),
        bodies: model
            .rows
            .iter()
            .map(|r| BodyChoiceView { id: r.standing.body.to_string(), name: r.name.clone(), selected: letter.body == r.standing.body.to_string() })
            .collect(),
        rows,
        may_record: offer.open,
        record_why_not: offer.why_not,
        letter,
        errors,
    }
}

async fn render_register(state: &AppState, ctx: &Ctx, id: gopy_domain::ReportId, letter: LetterValues, errors: FieldErrors, status: StatusCode) -> PageResult {
    let actor = actor(ctx)?;
    let model = state.app.consultation_register(actor, id).await.map_err(|e| ctx.failure(&e))?;
    let Some(model) = model else { return Err(ctx.not_found()) };
    let view = consultation_view(ctx, &model, letter, errors);
    Ok(ctx.render_with_status(status, "pages/consultation", "consultation_title", view))
}

/// Not tagged: whether a body is overdue turns with the clock.
pub async fn consultation_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = report_id(&ctx, &id)?;
    render_register(&state, &ctx, id, LetterValues::default(), FieldErrors::default(), StatusCode::OK).await
}

#[derive(Deserialize, Serialize)]
pub struct NoCommentForm {
    #[serde(default)]
    body: String,
}

pub async fn record_no_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<NoCommentForm>,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    match state.app.record_no_comment(actor, id, &form.body).await {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}/consultation")).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Closed { .. })) => {
            let errors = FieldErrors::one("answer", ctx.describe(&err));
            render_register(&state, &ctx, id, LetterValues::default(), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

/// The comments a letter form's box holds: one per paragraph (blank lines
/// between them), as secretaries copy them from a letter.
fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n").split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

pub async fn record_letter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfUpload(form): CsrfUpload,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let values = LetterValues {
        body: form.field("body").to_owned(),
        number: form.field("number").to_owned(),
        signed_on: form.field("signed_on").to_owned(),
        signer: form.field("signer").to_owned(),
        comments: form.field("comments").to_owned(),
    };
    let letter = NewLetter {
        body: values.body.clone(),
        number: values.number.clone(),
        signed_on: parse_date(&values.signed_on),
        signer: values.signer.clone(),
        file: form.file.map(|f| (f.name.unwrap_or_else(|| "cong-van".to_owned()), f.bytes)),
        comments: paragraphs(&values.comments),
    };
    match state.app.record_letter(actor, id, letter).await {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}/consultation")).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Closed { .. })) => {
            let errors = form_errors(&ctx, &err);
            render_register(&state, &ctx, id, values, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn letter_file(State(state): State<AppState>, ctx: Ctx, Path((id, letter)): Path<(String, String)>) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let Ok(letter) = letter.parse::<LetterId>() else { return Err(ctx.not_found()) };
    let (name, bytes) = state.app.letter_file(actor, id, letter).await.map_err(|e| ctx.failure(&e))?;
    let mut response = ([(CONTENT_TYPE, "application/octet-stream")], bytes).into_response();
    if let Ok(value) = disposition_header(&name).parse() {
        response.headers_mut().insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

// --- The API -----------------------------------------------------------------------

/// One consulted body in the register.
#[derive(Serialize, ToSchema)]
pub struct RegisterBodyResponse {
    pub body: String,
    pub name: String,
    /// `online`, `letter`, `recorded`, `no_comment`, `deemed`; absent before a reply.
    pub replied: Option<&'static str>,
    /// When it replied (RFC 3339); a deemed agreement is dated at the deadline.
    pub replied_at: Option<String>,
    pub letter: Option<String>,
    /// Replied after the deadline.
    pub late: bool,
    /// No reply by the deadline, where silence is not agreement.
    pub overdue: bool,
    pub comments: usize,
    pub accepted: usize,
    pub partly_accepted: usize,
    pub explained: usize,
}

/// The response register of a report's latest consulting round.
#[derive(Serialize, ToSchema)]
pub struct RegisterResponse {
    pub report: String,
    pub round: u32,
    pub version: u32,
    pub deadline: String,
    pub silence_agrees: bool,
    /// Body ids in each group.
    pub consulted: Vec<String>,
    pub with_comments: Vec<String>,
    pub no_comment: Vec<String>,
    pub deemed: Vec<String>,
    pub late: Vec<String>,
    pub not_replied: Vec<String>,
    pub bodies: Vec<RegisterBodyResponse>,
}

fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn register_response(model: &ConsultationRegister) -> RegisterResponse {
    let ids = |v: &[BodyId]| v.iter().map(ToString::to_string).collect();
    let s = &model.summary;
    RegisterResponse {
        report: model.report.id.to_string(),
        round: model.round.number,
        version: model.round.version,
        deadline: rfc3339(model.round.deadline),
        silence_agrees: model.silence_agrees,
        consulted: ids(&s.consulted),
        with_comments: ids(&s.with_comments),
        no_comment: ids(&s.no_comment),
        deemed: ids(&s.deemed),
        late: ids(&s.late),
        not_replied: ids(&s.not_replied),
        bodies: model
            .rows
            .iter()
            .map(|row| {
                let st = &row.standing;
                RegisterBodyResponse {
                    body: st.body.to_string(),
                    name: row.name.clone(),
                    replied: st.reply.as_ref().map(|r| how_key(Some(r.how))),
                    replied_at: st.reply.as_ref().map(|r| rfc3339(r.at)),
                    letter: st.reply.as_ref().and_then(|r| r.letter.as_ref()).map(ToString::to_string),
                    late: st.reply.as_ref().is_some_and(|r| r.late),
                    overdue: st.overdue,
                    comments: st.comments,
                    accepted: st.accepted,
                    partly_accepted: st.partly_accepted,
                    explained: st.explained,
                }
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/consultation", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The response register of the report's latest round that consulted bodies", body = RegisterResponse),
        (status = 404, description = "No such report, or no round of it consulted bodies", body = ApiError)))]
pub async fn api_consultation(State(state): State<AppState>, ApiCaller(identity): ApiCaller, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse() else { return refuse(&state, &identity, &AppError::NotFound { what: "report" }) };
    match state.app.consultation_register(&identity.actor, id).await {
        Ok(Some(model)) => Json(register_response(&model)).into_response(),
        Ok(None) => refuse(&state, &identity, &AppError::NotFound { what: "consultation" }),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[cfg(test)]
pub(super) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let some = || Some("x".to_owned());
    let view = ConsultationView {
        report: ReportRefView { id: "1".into(), title: "Báo cáo".into() },
        round: 1,
        version: 1,
        deadline: "07/07/2023 17:00".into(),
        silence_agrees: true,
        summary: vec![SummaryGroupView { key: "consulted", label: "x".into(), count: 1, names: "Ban Tổ chức".into() }],
        rows: vec![BodyRowView {
            id: "1".into(),
            name: "Ban Tổ chức".into(),
            how: "letter",
            how_label: "x".into(),
            at: some(),
            letter: some(),
            late: true,
            overdue: true,
            people: 2,
            comments: 3,
            accepted: 1,
            partly_accepted: 1,
            explained: 1,
            awaiting: 0,
            letters: vec![LetterView { id: "1".into(), number: "125/BTC".into(), signed_on: "x".into(), signer: "x".into(), file_name: some() }],
        }],
        may_record: true,
        record_why_not: some(),
        bodies: vec![BodyChoiceView { id: "1".into(), name: "Ban Tổ chức".into(), selected: true }],
        letter: LetterValues::default(),
        errors: FieldErrors::one("number", "x"),
    };
    vec![("pages/consultation", super::sample(&view))]
}
