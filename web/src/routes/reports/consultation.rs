//! The response register of a round (sổ theo dõi ý kiến các cơ quan): the
//! bodies consulted, how and when each replied, who is deemed to agree,
//! who is late, and what became of each body's comments. The secretariat
//! records replies here: an official letter with its comments, or "no
//! comment / agree". As a page and as JSON.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use gopy_app::consultations::{ConsultationRegister, FormLetter, FormPreview, FormProblem, NewLetter, RowState};
use gopy_app::AppError;
use gopy_domain::consultation::ReplyHow;
use gopy_domain::{BodyId, Language, LetterId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ReportRefView, actor, disposition_header, zone};
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, CsrfForm, CsrfUpload, PageResult};
use crate::i18n::{Catalog, FieldErrors, form_errors, format_date, format_date_time, parse_date};
use crate::routes::api::{ApiError, refuse};
use crate::paths::{ApiPath, PagePath};
use crate::rules;
use validator::{Validate, ValidationErrors};
use gopy_domain::{ReportId};

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
    /// An uploaded comment form, checked, before it is imported.
    preview: Option<FormPreviewView>,
}

#[derive(Serialize)]
struct FormPreviewView {
    body: Option<String>,
    /// What is wrong with the whole file.
    problem: Option<String>,
    rows: Vec<PreviewRowView>,
    to_add: usize,
    blocked: bool,
    /// The file itself, hex-encoded, so the import posts what was previewed.
    data: String,
    file_name: String,
}

#[derive(Serialize)]
struct PreviewRowView {
    number: usize,
    label: String,
    comment: String,
    /// `new`, `empty`, `already_recorded`, `unknown_passage`, `invalid`.
    state: &'static str,
    state_label: String,
    error: bool,
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
    /// The body's comment form to send it.
    form: String,
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

fn consultation_view(
    ctx: &Ctx,
    model: &ConsultationRegister,
    letter: LetterValues,
    errors: FieldErrors,
    preview: Option<FormPreviewView>,
) -> ConsultationView {
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
                form: format!("/reports/{}/consultation/forms/{}", model.report.id, s.body),
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
        preview,
    }
}

async fn render_register(state: &AppState, ctx: &Ctx, id: gopy_domain::ReportId, letter: LetterValues, errors: FieldErrors, status: StatusCode) -> PageResult {
    render_register_with(state, ctx, id, letter, errors, None, status).await
}

async fn render_register_with(
    state: &AppState,
    ctx: &Ctx,
    id: gopy_domain::ReportId,
    letter: LetterValues,
    errors: FieldErrors,
    preview: Option<FormPreviewView>,
    status: StatusCode,
) -> PageResult {
    let actor = actor(ctx)?;
    let model = state.app.consultation_register(actor, id).await.map_err(|e| ctx.failure(&e))?;
    let Some(model) = model else { return Err(ctx.not_found()) };
    let view = consultation_view(ctx, &model, letter, errors, preview);
    Ok(ctx.render_with_status(status, "pages/consultation", "consultation_title", view))
}

/// Not tagged: whether a body is overdue turns with the clock.
pub async fn consultation_page(State(state): State<AppState>, ctx: Ctx, PagePath(id): PagePath<ReportId>) -> PageResult {
    render_register(&state, &ctx, id, LetterValues::default(), FieldErrors::default(), StatusCode::OK).await
}

/// A consulted body that replied it has no comment.
#[derive(Deserialize, Serialize, Validate)]
pub struct NoCommentForm {
    #[serde(default)]
    #[validate(custom(function = "rules::body_chosen"))]
    body: String,
}

pub async fn record_no_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfForm(form): CsrfForm<NoCommentForm>,
) -> PageResult {
    let actor = actor(&ctx)?;
    if let Err(refused) = form.validate() {
        // The form's one field: its refusal is the form's banner.
        let message = rules::refused_fields(&refused)
            .into_iter()
            .map(|(_, problem)| rules::message(ctx.pages.catalog(), ctx.language, problem))
            .collect::<Vec<_>>()
            .join(" ");
        let errors = FieldErrors::one("answer", message);
        return render_register(&state, &ctx, id, LetterValues::default(), errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
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

/// A body's letter as the register's upload form sends it.
#[derive(Validate)]
pub(crate) struct LetterUpload {
    #[validate(custom(function = "rules::body_chosen"))]
    body: String,
    #[validate(custom(function = "rules::letter_number"))]
    number: String,
    #[validate(custom(function = "rules::date"))]
    signed_on: String,
    #[validate(custom(function = "rules::name"))]
    signer: String,
    #[validate(custom(function = "rules::paragraphs"))]
    comments: String,
    file: Option<crate::auth::UploadedFile>,
}

impl From<crate::auth::UploadForm> for LetterUpload {
    fn from(mut form: crate::auth::UploadForm) -> Self {
        let mut take = |name: &str| form.fields.remove(name).unwrap_or_default();
        Self {
            body: take("body"),
            number: take("number"),
            signed_on: take("signed_on"),
            signer: take("signer"),
            comments: take("comments"),
            file: form.file,
        }
    }
}

impl TryFrom<LetterUpload> for NewLetter {
    type Error = ValidationErrors;

    fn try_from(upload: LetterUpload) -> Result<Self, ValidationErrors> {
        upload.validate()?;
        Ok(NewLetter {
            signed_on: Some(parse_date(&upload.signed_on).ok_or_else(|| rules::refused("signed_on", "date"))?),
            comments: paragraphs(&upload.comments),
            body: upload.body,
            number: upload.number,
            signer: upload.signer,
            file: upload.file.map(|f| (f.name.unwrap_or_else(|| "cong-van".to_owned()), f.bytes)),
        })
    }
}

pub async fn record_letter(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfUpload(form): CsrfUpload,
) -> PageResult {
    let actor = actor(&ctx)?;
    let upload = LetterUpload::from(form);
    let values = LetterValues {
        body: upload.body.clone(),
        number: upload.number.clone(),
        signed_on: upload.signed_on.clone(),
        signer: upload.signer.clone(),
        comments: upload.comments.clone(),
    };
    let letter = match NewLetter::try_from(upload) {
        Ok(letter) => letter,
        Err(refused) => {
            let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
            return render_register(&state, &ctx, id, values, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
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

pub async fn letter_file(State(state): State<AppState>, ctx: Ctx, PagePath((id, letter)): PagePath<(ReportId, LetterId)>) -> PageResult {
    let actor = actor(&ctx)?;
    let (name, bytes) = state.app.letter_file(actor, id, letter).await.map_err(|e| ctx.failure(&e))?;
    let mut response = ([(CONTENT_TYPE, "application/octet-stream")], bytes).into_response();
    if let Ok(value) = disposition_header(&name).parse() {
        response.headers_mut().insert(CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

// --- The comment form --------------------------------------------------------------

/// A body's comment form as a Word file.
pub async fn comment_form_file(State(state): State<AppState>, ctx: Ctx, PagePath((id, body)): PagePath<(ReportId, BodyId)>) -> PageResult {
    let actor = actor(&ctx)?;
    let model = state.app.body_comment_form(actor, id, body).await.map_err(|e| ctx.failure(&e))?;
    let catalog = ctx.pages.catalog();
    let text = |key: &str| catalog.text(ctx.language, key).to_owned();
    let zone = zone(&ctx);
    let mut passages = model.passages.clone();
    if let Some(whole) = passages.first_mut() {
        whole.label = text("dispositions_whole_report");
    }
    let form = gopy_documents::CommentForm {
        heading: text("form_heading"),
        lines: vec![
            text("form_line_draft").replace("{title}", model.report.title.as_str()).replace("{version}", &model.round.version.to_string()),
            text("form_line_body").replace("{body}", &model.body_name),
            text("form_line_deadline").replace("{deadline}", &format_date_time(model.round.deadline, &zone)),
            text("form_line_how"),
        ],
        columns: [text("form_col_id"), text("form_col_label"), text("form_col_text"), text("form_col_comment")],
        ids: model.ids.clone(),
        rows: passages,
    };
    let bytes = gopy_documents::comment_form_docx(&form)
        .map_err(|e| ctx.failure(&AppError::Store(gopy_app::StoreError::Other(format!("form: {e}")))))?;
    let file_name = gopy_app::reports::file_name(&[&text("form_heading"), &model.body_name, model.report.title.as_str()], "docx");
    Ok(super::attachment(gopy_app::reports::Download {
        file_name,
        content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        bytes,
    }))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim().as_bytes();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    text.chunks(2).map(|pair| std::str::from_utf8(pair).ok().and_then(|p| u8::from_str_radix(p, 16).ok())).collect()
}

fn problem_text(catalog: &Catalog, language: Language, problem: &FormProblem) -> String {
    match problem {
        FormProblem::Unreadable(error) => crate::i18n::describe_import_error(catalog, language, error),
        other => catalog
            .text(language, match other {
                FormProblem::NotAForm | FormProblem::Unreadable(_) => "form_not_a_form",
                FormProblem::OtherReport => "form_other_report",
                FormProblem::OtherRound => "form_other_round",
                FormProblem::NotConsulted => "err_body_not_consulted",
                FormProblem::NewerVersion => "form_newer_version",
            })
            .to_owned(),
    }
}

fn preview_view(catalog: &Catalog, language: Language, preview: &FormPreview, bytes: &[u8], file_name: &str) -> FormPreviewView {
    FormPreviewView {
        body: preview.body.as_ref().map(|(_, name)| name.clone()),
        problem: preview.problem.as_ref().map(|p| problem_text(catalog, language, p)),
        rows: preview
            .rows
            .iter()
            .map(|row| {
                let (state, key) = match &row.state {
                    RowState::New => ("new", "form_row_new"),
                    RowState::Empty => ("empty", "form_row_empty"),
                    RowState::AlreadyRecorded => ("already_recorded", "form_row_already"),
                    RowState::UnknownPassage => ("unknown_passage", "form_row_unknown"),
                    RowState::Invalid(_) => ("invalid", "form_row_invalid"),
                };
                let state_label = match &row.state {
                    RowState::Invalid(e) => crate::i18n::describe_error(
                        catalog,
                        language,
                        &AppError::invalid("comment", gopy_app::InvalidReason::Text(e.clone())),
                    ),
                    _ => catalog.text(language, key).to_owned(),
                };
                PreviewRowView {
                    number: row.number,
                    label: row.label.clone(),
                    comment: row.comment.clone(),
                    state,
                    state_label,
                    error: matches!(row.state, RowState::UnknownPassage | RowState::Invalid(_)),
                }
            })
            .collect(),
        to_add: preview.to_add(),
        blocked: preview.blocked(),
        data: hex(bytes),
        file_name: file_name.to_owned(),
    }
}

/// A body's comment form as its upload sends it: the file (or, once
/// previewed, its bytes in `data`), and the letter it came with.
#[derive(Validate)]
pub(crate) struct CommentFormUpload {
    /// `preview` (the default) or `import`.
    #[validate(custom(function = "rules::form_action"))]
    action: String,
    #[validate(custom(function = "rules::optional_letter_number"))]
    number: String,
    #[validate(custom(function = "rules::optional_date"))]
    signed_on: String,
    #[validate(custom(function = "rules::optional_name"))]
    signer: String,
    #[validate(custom(function = "rules::hex"))]
    data: String,
    #[validate(length(max = 255, code = "too_long"))]
    file_name: String,
    file: Option<crate::auth::UploadedFile>,
}

impl From<crate::auth::UploadForm> for CommentFormUpload {
    fn from(mut form: crate::auth::UploadForm) -> Self {
        let mut take = |name: &str| form.fields.remove(name).unwrap_or_default();
        Self {
            action: take("action"),
            number: take("number"),
            signed_on: take("signed_on"),
            signer: take("signer"),
            data: take("data"),
            file_name: take("file_name"),
            file: form.file,
        }
    }
}

/// An uploaded comment form: `action=preview` shows every row and every
/// error; `action=import` (posting back the previewed file) stores it.
pub async fn upload_comment_form(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfUpload(form): CsrfUpload,
) -> PageResult {
    let actor = actor(&ctx)?;
    let limits = super::import_limits(&state);
    let upload = CommentFormUpload::from(form);
    let letter = LetterValues {
        body: String::new(),
        number: upload.number.clone(),
        signed_on: upload.signed_on.clone(),
        signer: upload.signer.clone(),
        comments: String::new(),
    };
    if let Err(refused) = upload.validate() {
        // Refused before any preview: the letter's fields are drawn with a
        // preview only, so every refusal is said in the upload's banner.
        let message = rules::refused_fields(&refused)
            .into_iter()
            .map(|(_, problem)| rules::message(ctx.pages.catalog(), ctx.language, problem))
            .collect::<Vec<_>>()
            .join(" ");
        let errors = FieldErrors::one("form_file", message);
        return render_register(&state, &ctx, id, letter, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let form = upload;
    // No file (nor a previewed one) goes on as empty bytes: the use case
    // checks who is asking before it refuses the missing file, so a person
    // without access learns nothing of what the form needs.
    let (bytes, file_name) = match (&form.file, unhex(&form.data)) {
        (Some(file), _) => (file.bytes.clone(), file.name.clone().unwrap_or_else(|| "phieu-gop-y.docx".to_owned())),
        (None, Some(bytes)) if !bytes.is_empty() => (bytes, form.file_name.clone()),
        _ => (Vec::new(), String::new()),
    };
    let catalog = ctx.pages.catalog();
    if form.action.trim() == "import" {
        let fields = FormLetter { number: letter.number.clone(), signed_on: parse_date(&letter.signed_on), signer: letter.signer.clone() };
        match state.app.import_comment_form(actor, id, &bytes, &file_name, fields, &limits).await {
            Ok(_) => return Ok(Redirect::to(&format!("/reports/{id}/consultation")).into_response()),
            Err(err @ (AppError::Invalid { .. } | AppError::Closed { .. })) => {
                // The file refused as missing has no preview to show again.
                let view = if bytes.is_empty() {
                    None
                } else {
                    let preview = state.app.preview_comment_form(actor, id, &bytes, &limits).await.map_err(|e| ctx.failure(&e))?;
                    Some(preview_view(catalog, ctx.language, &preview, &bytes, &file_name))
                };
                let field = match &err {
                    AppError::Invalid { field: "number", .. } => "form_number",
                    AppError::Invalid { field: "signer", .. } => "form_signer",
                    AppError::Invalid { field: "signed_on", .. } => "form_signed_on",
                    _ => "form_file",
                };
                let errors = FieldErrors::one(field, ctx.describe(&err));
                return render_register_with(&state, &ctx, id, letter, errors, view, StatusCode::UNPROCESSABLE_ENTITY).await;
            }
            Err(err) => return Err(ctx.failure(&err)),
        }
    }
    let preview = match state.app.preview_comment_form(actor, id, &bytes, &limits).await {
        Ok(preview) => preview,
        Err(err @ AppError::Invalid { .. }) => {
            let errors = FieldErrors::one("form_file", ctx.describe(&err));
            return render_register(&state, &ctx, id, letter, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
        Err(err) => return Err(ctx.failure(&err)),
    };
    let view = preview_view(catalog, ctx.language, &preview, &bytes, &file_name);
    let status = if preview.blocked() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    render_register_with(&state, &ctx, id, letter, FieldErrors::default(), Some(view), status).await
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
pub async fn api_consultation(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<ReportId>) -> Response {
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
            form: "/x".into(),
        }],
        may_record: true,
        record_why_not: some(),
        bodies: vec![BodyChoiceView { id: "1".into(), name: "Ban Tổ chức".into(), selected: true }],
        letter: LetterValues::default(),
        errors: FieldErrors::one("number", "x"),
        preview: Some(FormPreviewView {
            body: some(),
            problem: some(),
            rows: vec![PreviewRowView { number: 1, label: "I ¶1".into(), comment: "x".into(), state: "new", state_label: "x".into(), error: true }],
            to_add: 1,
            blocked: true,
            data: "00".into(),
            file_name: "x.docx".into(),
        }),
    };
    vec![("pages/consultation", super::sample(&view))]
}
