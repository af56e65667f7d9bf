//! Comments that arrive in Word: the secretariat uploads a body's copy of
//! the draft with Word's review comments, sees every comment and where it
//! lands, and stores them on the body's behalf. Pages and JSON API alike.
//!
//! Reading the file stages an import (`POST …/word-comments`, then the
//! preview at `…/word-comments/{import}`); storing it is a second post to
//! the preview, so a reload of any page changes nothing.

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use gopy_app::word_comments::{Landing, RowProblem, StagedComment, WordCommentsPage, WordImport, WordImportPage};
use gopy_app::{AppError, Offer};
use gopy_domain::{BodyId, ReportId};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{ReportRefView, actor, import_limits, zone};
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, CsrfForm, CsrfUpload, PageResult, read_upload};
use crate::i18n::{OfferView, format_bytes, format_count, format_date_time};
use crate::routes::api::{ApiError, refuse, rfc3339};
use crate::paths::{ApiPath, PagePath};
use crate::rules;
use validator::{Validate, ValidationErrors};

// --- The upload page ------------------------------------------------------------

#[derive(Serialize)]
struct WordCommentsView {
    report: ReportRefView,
    bodies: Vec<BodyOption>,
    may_record: bool,
    /// Why comments cannot be recorded now, when the role allows it.
    why_not: Option<String>,
    has_version: bool,
    upload_limit: String,
    errors: UploadErrors,
}

/// A refusal beside the field it concerns, or above the form.
#[derive(Default, Serialize)]
struct UploadErrors {
    body: Option<String>,
    file: Option<String>,
    form: Option<String>,
}

impl UploadErrors {
    fn of(ctx: &Ctx, err: &AppError) -> Self {
        let message = Some(ctx.describe(err));
        match err {
            AppError::Invalid { field: "body", .. } => Self { body: message, ..Self::default() },
            AppError::Invalid { field: "file", .. } => Self { file: message, ..Self::default() },
            _ => Self { form: message, ..Self::default() },
        }
    }
}

#[derive(Serialize)]
struct BodyOption {
    id: String,
    name: String,
    selected: bool,
}

fn upload_view(state: &AppState, ctx: &Ctx, page: WordCommentsPage, chosen: &str, errors: UploadErrors) -> WordCommentsView {
    WordCommentsView {
        report: ReportRefView::of(&page.report),
        bodies: page
            .bodies
            .iter()
            .map(|b| BodyOption { id: b.id.to_string(), name: b.name.to_string(), selected: b.id.to_string() == chosen })
            .collect(),
        may_record: page.record.is_yes(),
        why_not: OfferView::new(ctx.pages.catalog(), ctx.language, &page.record).why_not,
        has_version: page.latest_version.is_some(),
        upload_limit: format_bytes(state.settings.server.upload_limit_bytes),
        errors,
    }
}

async fn upload_page(state: &AppState, ctx: &Ctx, id: ReportId, chosen: &str, errors: UploadErrors, status: StatusCode) -> PageResult {
    let page = state.app.word_comments_page(actor(ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
    // A viewer whose role never allows it is not shown the page at all.
    if matches!(page.record, Offer::No(gopy_app::WhyNot::Role)) {
        return Err(ctx.failure(&AppError::Forbidden));
    }
    let view = upload_view(state, ctx, page, chosen, errors);
    Ok(ctx.render_with_status(status, "pages/word_comments", "word_comments_title", view))
}

pub async fn word_comments_page(State(state): State<AppState>, ctx: Ctx, PagePath(id): PagePath<ReportId>) -> PageResult {
    upload_page(&state, &ctx, id, "", UploadErrors::default(), StatusCode::OK).await
}

/// A copy of the draft with Word's comments, as the page's form or the
/// API's multipart body sends it: the file and the body whose comments
/// they are. A missing file is the use case's to refuse (it checks who
/// asks first).
#[derive(Validate)]
pub(crate) struct WordUpload {
    #[validate(custom(function = "rules::body_chosen"))]
    body: String,
    file: Option<crate::auth::UploadedFile>,
}

impl From<crate::auth::UploadForm> for WordUpload {
    fn from(mut form: crate::auth::UploadForm) -> Self {
        Self { body: form.fields.remove("body").unwrap_or_default(), file: form.file }
    }
}

impl WordUpload {
    /// The body chosen and the file's bytes and name (none: empty bytes).
    fn read(self) -> Result<(BodyId, (Vec<u8>, Option<String>)), ValidationErrors> {
        self.validate()?;
        let body = rules::parsed(&self.body, "body")?;
        Ok((body, self.file.map(|f| (f.bytes, f.name)).unwrap_or_default()))
    }
}

/// Reads the uploaded file and shows its preview; what was chosen is kept
/// beside a refusal.
pub async fn read_word_comments(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfUpload(form): CsrfUpload,
) -> PageResult {
    let upload = WordUpload::from(form);
    let chosen = upload.body.clone();
    let (body, file) = match upload.read() {
        Ok(read) => read,
        Err(refused) => {
            let message = rules::refused_fields(&refused).into_iter().find(|(field, _)| field == "body");
            let message = message.map(|(_, problem)| rules::message(ctx.pages.catalog(), ctx.language, problem));
            let errors = UploadErrors { body: message, ..UploadErrors::default() };
            return upload_page(&state, &ctx, id, &chosen, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.app.read_word_comments(actor(&ctx)?, id, Some(body), file, &import_limits(&state)).await {
        Ok(import) => Ok(Redirect::to(&format!("/reports/{id}/word-comments/{}", import.id)).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Closed { .. })) => {
            let status = if matches!(err, AppError::Invalid { .. }) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::CONFLICT };
            upload_page(&state, &ctx, id, &chosen, UploadErrors::of(&ctx, &err), status).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- The preview --------------------------------------------------------------

#[derive(Serialize)]
struct WordImportView {
    report: ReportRefView,
    import: String,
    body: String,
    file_name: Option<String>,
    uploaded: String,
    version: u32,
    rows: Vec<RowView>,
    summary: String,
    may_store: bool,
    store_label: String,
    why_not: Option<String>,
    stored: Option<String>,
    message: Option<String>,
}

#[derive(Serialize)]
struct RowView {
    n: usize,
    word_author: Option<String>,
    word_date: Option<String>,
    text: String,
    quote: Option<String>,
    /// The citation label of the passage it lands on, or "the whole report".
    lands: String,
    /// A link to the passage in the version.
    passage: Option<String>,
    /// Why it lands on the whole report.
    whole_report_reason: Option<String>,
    already: bool,
    problem: Option<String>,
}

fn text(ctx: &Ctx, key: &str) -> String {
    ctx.pages.catalog().text(ctx.language, key).to_owned()
}

/// Word writes dates as RFC 3339 in UTC; shown as people here write them.
fn word_date(raw: &str, zone: &str) -> String {
    time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339)
        .map_or_else(|_| raw.to_owned(), |at| format_date_time(at, zone))
}

fn problem_text(ctx: &Ctx, problem: RowProblem) -> String {
    match problem {
        RowProblem::Empty => text(ctx, "word_import_problem_empty"),
        RowProblem::TooLong { max, actual } => text(ctx, "word_import_problem_too_long")
            .replace("{max}", &format_count(max as u64))
            .replace("{actual}", &format_count(actual as u64)),
    }
}

fn row_view(ctx: &Ctx, import: &WordImport, n: usize, row: &StagedComment, already: bool, zone: &str) -> RowView {
    let (lands, passage, reason) = match &row.landing {
        Landing::Passage { anchor, label } => (
            if label.is_empty() { text(ctx, "word_import_passage") } else { label.clone() },
            Some(format!("/reports/{}/versions/{}#{}", import.report, import.version_number, anchor.block)),
            None,
        ),
        Landing::WholeReport { quote_gone } => {
            let reason = if *quote_gone {
                text(ctx, "word_import_quote_gone").replace("{version}", &import.version_number.to_string())
            } else {
                text(ctx, "word_import_no_place")
            };
            (text(ctx, "word_import_whole_report"), None, Some(reason))
        }
    };
    RowView {
        n,
        word_author: row.word_author.clone(),
        word_date: row.word_date.as_deref().map(|d| word_date(d, zone)),
        text: row.text.clone(),
        quote: Some(row.quote.clone()).filter(|q| !q.is_empty()),
        lands,
        passage,
        whole_report_reason: reason,
        already,
        problem: row.problem.map(|p| problem_text(ctx, p)),
    }
}

fn import_view(ctx: &Ctx, page: WordImportPage, message: Option<String>) -> WordImportView {
    let zone = zone(ctx);
    let WordImportPage { report, import, body_name, uploaded_by, already, latest_version: _, store } = page;
    let rows: Vec<RowView> =
        import.rows.iter().zip(&already).enumerate().map(|(i, (row, known))| row_view(ctx, &import, i + 1, row, *known, &zone)).collect();
    let new = rows.iter().filter(|r| !r.already).count();
    let whole = rows.iter().filter(|r| !r.already && r.passage.is_none()).count();
    let count = |n: usize| format_count(n as u64);
    let summary = text(ctx, "word_import_summary")
        .replace("{total}", &count(rows.len()))
        .replace("{new}", &count(new))
        .replace("{already}", &count(rows.len() - new))
        .replace("{whole}", &count(whole));
    let problems = rows.iter().any(|r| r.problem.is_some());
    WordImportView {
        report: ReportRefView::of(&report),
        import: import.id.to_string(),
        body: body_name,
        file_name: import.file_name.clone(),
        uploaded: format!("{uploaded_by}, {}", format_date_time(import.created_at, &zone)),
        version: import.version_number,
        summary,
        may_store: store.is_yes() && !problems,
        store_label: if new == 0 { text(ctx, "word_import_store_none") } else { text(ctx, "word_import_store").replace("{count}", &count(new)) },
        why_not: match OfferView::new(ctx.pages.catalog(), ctx.language, &store).why_not {
            Some(why) => Some(why),
            None if problems && store.is_yes() => Some(text(ctx, "err_word_import_problems")),
            None => None,
        },
        stored: import.stored_at.map(|at| text(ctx, "word_import_stored").replace("{at}", &format_date_time(at, &zone))),
        message,
        rows,
    }
}

async fn import_page(state: &AppState, ctx: &Ctx, id: ReportId, import: Uuid, message: Option<String>, status: StatusCode) -> PageResult {
    let page = state.app.word_import_page(actor(ctx)?, id, import).await.map_err(|e| ctx.failure(&e))?;
    Ok(ctx.render_with_status(status, "pages/word_import", "word_import_title", import_view(ctx, page, message)))
}

pub async fn word_import_page(State(state): State<AppState>, ctx: Ctx, PagePath((id, import)): PagePath<(ReportId, Uuid)>) -> PageResult {
    import_page(&state, &ctx, id, import, None, StatusCode::OK).await
}

/// Stores the previewed comments, then shows the import as stored.
pub async fn store_word_comments(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, import)): PagePath<(ReportId, Uuid)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    match state.app.store_word_comments(actor(&ctx)?, id, import).await {
        Ok(_) => {
            state.live.announce(crate::live::Change::report(id, crate::live::ChangeKind::Posted)).await;
            Ok(Redirect::to(&format!("/reports/{id}/word-comments/{import}")).into_response())
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Closed { .. } | AppError::Conflict { .. })) => {
            import_page(&state, &ctx, id, import, Some(ctx.describe(&err)), StatusCode::CONFLICT).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- The JSON API -----------------------------------------------------------------

/// A Word file's comments, read and anchored, as the API shows them.
#[derive(Serialize, ToSchema)]
pub struct WordImportResponse {
    pub id: String,
    pub report: String,
    pub body: String,
    pub version: u32,
    pub file_name: Option<String>,
    /// SHA-256 of the file, in hex.
    pub file_hash: String,
    pub created_at: String,
    pub stored_at: Option<String>,
    pub comments: Vec<WordImportRowResponse>,
}

/// One Word comment: what it says, what it covers, and where it lands.
#[derive(Serialize, ToSchema)]
pub struct WordImportRowResponse {
    /// Its `w:id` in the file.
    pub word_id: String,
    pub word_author: Option<String>,
    pub word_date: Option<String>,
    pub text: String,
    pub quote: String,
    /// `passage` or `whole_report`.
    pub lands_on: &'static str,
    /// The passage's block id and citation label, when it lands on one.
    pub block: Option<String>,
    pub label: Option<String>,
    /// On the whole report because its text is no longer in the version.
    pub quote_gone: bool,
    /// Stored already (from this file or an earlier one): storing again adds nothing.
    pub already: bool,
    /// `empty` or `too_long` when it cannot be stored as it is.
    pub problem: Option<&'static str>,
}

/// What storing did.
#[derive(Serialize, ToSchema)]
pub struct WordStoreResponse {
    pub added: usize,
    pub on_whole_report: usize,
    pub already: usize,
    pub version: u32,
}

fn import_response(import: &WordImport, already: &[bool]) -> WordImportResponse {
    WordImportResponse {
        id: import.id.to_string(),
        report: import.report.to_string(),
        body: import.body.to_string(),
        version: import.version_number,
        file_name: import.file_name.clone(),
        file_hash: import.file_hash.clone(),
        created_at: rfc3339(import.created_at),
        stored_at: import.stored_at.map(rfc3339),
        comments: import
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let (lands_on, block, label, quote_gone) = match &row.landing {
                    Landing::Passage { anchor, label } => ("passage", Some(anchor.block.to_string()), Some(label.clone()), false),
                    Landing::WholeReport { quote_gone } => ("whole_report", None, None, *quote_gone),
                };
                WordImportRowResponse {
                    word_id: row.word_id.clone(),
                    word_author: row.word_author.clone(),
                    word_date: row.word_date.clone(),
                    text: row.text.clone(),
                    quote: row.quote.clone(),
                    lands_on,
                    block,
                    label,
                    quote_gone,
                    already: already.get(i).copied().unwrap_or(false),
                    problem: row.problem.map(|p| match p {
                        RowProblem::Empty => "empty",
                        RowProblem::TooLong { .. } => "too_long",
                    }),
                }
            })
            .collect(),
    }
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/word-comments", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body(content_type = "multipart/form-data", description = "`file`: the copy of the draft with Word's review comments (.docx); `body`: the id of the body whose comments they are"),
    responses(
        (status = 201, description = "The comments read and anchored on the latest version, not stored yet", body = WordImportResponse),
        (status = 400, description = "The body is not a multipart form", body = ApiError),
        (status = 413, description = "The file is over the size limit", body = ApiError),
        (status = 422, description = "No body, not a body, a body the report's consulting round does not consult, a file that is not Word, a Word file without comments", body = ApiError),
        (status = 409, description = "Comments are closed on the report", body = ApiError),
        (status = 403, description = "Only the secretariat records a body's comments", body = ApiError)))]
pub async fn api_read_word_comments(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    request: Request,
) -> Response {
    let catalog = state.pages.catalog();
    let bad = |status: StatusCode, code, key| ApiError::response(status, code, catalog.text(identity.user.language, key).to_owned());
    let form = match Multipart::from_request(request, &state).await {
        Ok(multipart) => match read_upload(multipart).await {
            Ok(form) => form,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return bad(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "too_large_body"),
            Err(_) => return bad(StatusCode::BAD_REQUEST, "bad_request", "bad_form_body"),
        },
        Err(_) => return bad(StatusCode::BAD_REQUEST, "bad_request", "bad_form_body"),
    };
    let (body, file) = match WordUpload::from(form).read() {
        Ok(read) => read,
        Err(refused) => return crate::routes::api::invalid_fields(catalog, identity.user.language, &refused),
    };
    match state.app.read_word_comments(&identity.actor, id, Some(body), file, &import_limits(&state)).await {
        Ok(import) => {
            let already = vec![false; import.rows.len()];
            (StatusCode::CREATED, Json(import_response(&import, &already))).into_response()
        }
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/word-comments/{import}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), ("import" = String, Path, description = "The import's id")),
    responses(
        (status = 200, description = "The import, with what of it is stored already", body = WordImportResponse),
        (status = 404, description = "No such report or import", body = ApiError)))]
pub async fn api_word_import(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, import)): ApiPath<(ReportId, Uuid)>,
) -> Response {
    match state.app.word_import_page(&identity.actor, id, import).await {
        Ok(page) => Json(import_response(&page.import, &page.already)).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/word-comments/{import}/store", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), ("import" = String, Path, description = "The import's id")),
    responses(
        (status = 201, description = "The comments not stored before, now comments on the body's behalf", body = WordStoreResponse),
        (status = 409, description = "Stored already, a new version since the file was read, or comments closed", body = ApiError),
        (status = 422, description = "A comment cannot be stored as it is (empty, too long)", body = ApiError),
        (status = 404, description = "No such report or import", body = ApiError)))]
pub async fn api_store_word_comments(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, import)): ApiPath<(ReportId, Uuid)>,
) -> Response {
    match state.app.store_word_comments(&identity.actor, id, import).await {
        Ok(stored) => {
            state.live.announce(crate::live::Change::report(id, crate::live::ChangeKind::Posted)).await;
            let response = WordStoreResponse {
                added: stored.added,
                on_whole_report: stored.on_whole_report,
                already: stored.already,
                version: stored.version_number,
            };
            (StatusCode::CREATED, Json(response)).into_response()
        }
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[cfg(test)]
pub(super) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let s = |t: &str| t.to_owned();
    let report = || ReportRefView { id: s("r"), title: s("t") };
    let upload = WordCommentsView {
        report: report(),
        bodies: vec![BodyOption { id: s("b"), name: s("Sở Tài chính"), selected: true }],
        may_record: true,
        why_not: Some(s("x")),
        has_version: true,
        upload_limit: s("10 MB"),
        errors: UploadErrors { body: Some(s("x")), file: Some(s("x")), form: Some(s("x")) },
    };
    let row = |already| RowView {
        n: 1,
        word_author: Some(s("A")),
        word_date: Some(s("01/12/2026 16:00")),
        text: s("x"),
        quote: Some(s("q")),
        lands: s("II.1 ¶2"),
        passage: Some(s("/p")),
        whole_report_reason: Some(s("x")),
        already,
        problem: Some(s("x")),
    };
    let preview = WordImportView {
        report: report(),
        import: s("i"),
        body: s("Sở Tài chính"),
        file_name: Some(s("f.docx")),
        uploaded: s("A, 01/12/2026 16:00"),
        version: 1,
        rows: vec![row(false), row(true)],
        summary: s("x"),
        may_store: true,
        store_label: s("x"),
        why_not: Some(s("x")),
        stored: Some(s("x")),
        message: Some(s("x")),
    };
    vec![("pages/word_comments", super::sample(&upload)), ("pages/word_import", super::sample(&preview))]
}
