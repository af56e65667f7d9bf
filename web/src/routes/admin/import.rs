//! People in bulk: the page and the API that import a list of people
//! (.xlsx or CSV) through one use case, [`gopy_app::App::import_people`].
//!
//! - `GET /admin/people/import`: the upload form, with the columns it reads;
//! - `POST /admin/people/import`: reads the file and shows the preview on
//!   the same page (nothing stored): each row new, changed (with what
//!   changes), unchanged, or its problems beside the cells. The store
//!   button is there only when every row is right and something changes;
//! - `POST /admin/people/import/store`: stores it. The preview page carries
//!   the file itself back (base64 in a hidden field, a list is small), not a
//!   copy kept on the server: any instance behind the load balancer can
//!   store it, nothing is left behind by a preview never confirmed, and the
//!   file is checked again against the organisation as it is then;
//! - `POST /api/v1/people/import?dry_run=true|false`: the file as
//!   `multipart/form-data` (part `file`) or as the raw body; answers the
//!   same preview. With `dry_run=false` a list with any row in error is
//!   refused (422) with every row's problems in `fields`, and nothing is stored.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use gopy_app::people_import::{CellProblem, ImportRow, PeopleImport, RowOutcome, RowProblem};
use gopy_app::{AppError, Identity, InvalidReason};
use gopy_documents::{PeopleColumn, SheetLimits};
use gopy_domain::Language;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::auth::{ApiCaller, Ctx, CsrfUpload, PageResult, read_upload};
use crate::i18n::{Catalog, OfferView, describe_error, format_bytes, format_count};
use crate::routes::api::{ApiError, ApiErrorBody, CommonRefusals, refuse};

/// The import's part of the OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    paths(import_people),
    components(schemas(PeopleImportResponse, ImportColumnResponse, ImportCountsResponse, ImportRowResponse, ImportChangeResponse, ImportProblemResponse, ApiError)),
    modifiers(&CommonRefusals),
)]
pub struct PeopleImportApi;

pub fn api_router() -> Router<AppState> {
    Router::new().route("/v1/people/import", post(import_people))
}

/// What a list may hold: the reader's own limits, and never more than an
/// upload may be.
fn limits(state: &AppState) -> SheetLimits {
    let default = SheetLimits::default();
    SheetLimits { max_file_bytes: default.max_file_bytes.min(state.settings.server.upload_limit_bytes), ..default }
}

// --- Words ---------------------------------------------------------------------------

fn column_label(catalog: &Catalog, language: Language, column: PeopleColumn) -> String {
    catalog.text(language, &format!("people_import_col_{}", column.as_str())).to_owned()
}

/// A row's problem in one cell, in the person's language.
fn describe_problem(catalog: &Catalog, language: Language, problem: &CellProblem) -> String {
    let text = |key: &str| catalog.text(language, key).to_owned();
    match &problem.problem {
        RowProblem::Missing => text("people_import_missing").replace("{column}", &column_label(catalog, language, problem.column)),
        RowProblem::Text(e) => describe_error(catalog, language, &AppError::invalid(problem.column.as_str(), InvalidReason::Text(e.clone()))),
        RowProblem::DuplicateEmail { first_row } => text("people_import_duplicate_email").replace("{row}", &first_row.to_string()),
        RowProblem::UnknownBody => text("people_import_unknown_body"),
        RowProblem::UnknownCommittee => text("people_import_unknown_committee"),
        RowProblem::UnknownSeat => text("people_import_unknown_seat"),
        RowProblem::UnknownLanguage => text("people_import_unknown_language"),
    }
}

/// A stable code for a row's problem, for programs.
fn problem_code(problem: &RowProblem) -> &'static str {
    match problem {
        RowProblem::Missing => "missing",
        RowProblem::Text(gopy_domain::TextError::InvalidEmail) => "invalid_email",
        RowProblem::Text(gopy_domain::TextError::TooLong { .. }) => "too_long",
        RowProblem::Text(_) => "invalid_text",
        RowProblem::DuplicateEmail { .. } => "duplicate_email",
        RowProblem::UnknownBody => "unknown_body",
        RowProblem::UnknownCommittee => "unknown_committee",
        RowProblem::UnknownSeat => "unknown_seat",
        RowProblem::UnknownLanguage => "unknown_language",
    }
}

/// A value as the preview shows it: a seat's role and a language by their
/// names, everything else as it is.
fn shown_value(catalog: &Catalog, language: Language, column: PeopleColumn, value: Option<&str>) -> String {
    match (column, value) {
        (_, None | Some("")) => catalog.text(language, "none").to_owned(),
        (PeopleColumn::Seat, Some(role)) => catalog.text(language, &format!("role_{role}")).to_owned(),
        (PeopleColumn::Language, Some("en")) => "English".to_owned(),
        (PeopleColumn::Language, Some("vi")) => "Tiếng Việt".to_owned(),
        (_, Some(value)) => value.to_owned(),
    }
}

fn counts(import: &PeopleImport) -> ImportCountsResponse {
    let count = |f: fn(&RowOutcome) -> bool| import.rows.iter().filter(|r| f(&r.outcome)).count();
    ImportCountsResponse {
        new: count(|o| matches!(o, RowOutcome::New)),
        changed: count(|o| matches!(o, RowOutcome::Changed(_))),
        unchanged: count(|o| matches!(o, RowOutcome::Unchanged)),
        invalid: count(|o| matches!(o, RowOutcome::Invalid(_))),
    }
}

const fn status_of(outcome: &RowOutcome) -> &'static str {
    match outcome {
        RowOutcome::New => "new",
        RowOutcome::Changed(_) => "changed",
        RowOutcome::Unchanged => "unchanged",
        RowOutcome::Invalid(_) => "invalid",
    }
}

fn summary(catalog: &Catalog, language: Language, counts: &ImportCountsResponse) -> String {
    catalog
        .text(language, "people_import_summary")
        .replace("{new}", &format_count(counts.new as u64))
        .replace("{changed}", &format_count(counts.changed as u64))
        .replace("{unchanged}", &format_count(counts.unchanged as u64))
        .replace("{invalid}", &format_count(counts.invalid as u64))
}

// --- The page --------------------------------------------------------------------------

#[derive(Serialize)]
pub struct PeopleImportView {
    pub upload_limit: String,
    /// A refusal of the file itself (not of its rows).
    pub file_error: Option<String>,
    pub preview: Option<PreviewView>,
}

#[derive(Serialize)]
pub struct PreviewView {
    pub file_name: Option<String>,
    pub summary: String,
    /// The columns found: what Gopy calls each, and its header in the file.
    pub columns: Vec<ColumnView>,
    pub rows: Vec<PreviewRowView>,
    pub may_store: bool,
    pub why_not: Option<String>,
    /// The file, base64, sent back to store it.
    pub content: String,
}

#[derive(Serialize)]
pub struct ColumnView {
    pub label: String,
    pub header: String,
}

#[derive(Serialize)]
pub struct PreviewRowView {
    pub number: usize,
    /// `new`, `changed`, `unchanged` or `invalid`, for the row's look.
    pub status: &'static str,
    pub status_label: String,
    /// The badge's look: added, changed, removed (in error) or plain.
    pub badge: &'static str,
    pub cells: Vec<CellView>,
    /// Problems of columns the file does not have, and what changes.
    pub notes: Vec<String>,
}

#[derive(Serialize)]
pub struct CellView {
    pub label: String,
    pub value: String,
    pub error: Option<String>,
    /// The value it replaces, when the row changes it.
    pub was: Option<String>,
}

fn row_view(catalog: &Catalog, language: Language, import: &PeopleImport, row: &ImportRow) -> PreviewRowView {
    let problems: &[CellProblem] = match &row.outcome {
        RowOutcome::Invalid(problems) => problems,
        _ => &[],
    };
    let changes = match &row.outcome {
        RowOutcome::Changed(changes) => changes.as_slice(),
        _ => &[],
    };
    let cells = import
        .columns
        .iter()
        .map(|(column, _)| {
            let errors: Vec<String> =
                problems.iter().filter(|p| p.column == *column).map(|p| describe_problem(catalog, language, p)).collect();
            let was = changes.iter().find(|c| c.column == *column).map(|c| {
                catalog.text(language, "people_import_was").replace("{value}", &shown_value(catalog, language, *column, c.from.as_deref()))
            });
            CellView {
                label: column_label(catalog, language, *column),
                value: row.cell(*column).unwrap_or_default().to_owned(),
                error: (!errors.is_empty()).then(|| errors.join(" ")),
                was,
            }
        })
        .collect();
    let present = |column: PeopleColumn| import.columns.iter().any(|(c, _)| *c == column);
    let notes = problems
        .iter()
        .filter(|p| !present(p.column))
        .map(|p| describe_problem(catalog, language, p))
        .collect();
    PreviewRowView {
        number: row.number,
        status: status_of(&row.outcome),
        status_label: catalog.text(language, &format!("people_import_status_{}", status_of(&row.outcome))).to_owned(),
        badge: match row.outcome {
            RowOutcome::New => "badge-added",
            RowOutcome::Changed(_) => "badge-changed",
            RowOutcome::Unchanged => "",
            RowOutcome::Invalid(_) => "badge-removed",
        },
        cells,
        notes,
    }
}

fn preview_view(ctx: &Ctx, import: &PeopleImport, file: &[u8], file_name: Option<String>) -> PreviewView {
    let (catalog, language) = (ctx.pages.catalog(), ctx.language);
    PreviewView {
        file_name,
        summary: summary(catalog, language, &counts(import)),
        columns: import
            .columns
            .iter()
            .map(|(c, header)| ColumnView { label: column_label(catalog, language, *c), header: header.clone() })
            .collect(),
        rows: import.rows.iter().map(|r| row_view(catalog, language, import, r)).collect(),
        may_store: import.store.is_yes(),
        why_not: OfferView::new(catalog, language, &import.store).why_not,
        content: BASE64.encode(file),
    }
}

fn render(state: &AppState, ctx: &Ctx, status: StatusCode, file_error: Option<String>, preview: Option<PreviewView>) -> Response {
    let view = PeopleImportView { upload_limit: format_bytes(limits(state).max_file_bytes), file_error, preview };
    ctx.render_with_status(status, "pages/people_import", "people_import_title", view)
}

fn signed_in(ctx: &Ctx) -> Result<&Identity, Response> {
    ctx.signed_in()
}

/// The upload form, for who may invite people.
pub async fn import_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let identity = signed_in(&ctx)?;
    state.app.may_import_people(&identity.actor).map_err(|e| ctx.failure(&e))?;
    Ok(render(&state, &ctx, StatusCode::OK, None, None))
}

/// Reads the file and shows what storing it would do.
pub async fn preview(State(state): State<AppState>, ctx: Ctx, CsrfUpload(form): CsrfUpload) -> PageResult {
    let identity = signed_in(&ctx)?;
    let (bytes, name) = form.file.map(|f| (f.bytes, f.name)).unwrap_or_default();
    read(&state, &ctx, identity, bytes, name, false).await
}

/// Stores the file the preview carried back.
pub async fn store(State(state): State<AppState>, ctx: Ctx, CsrfUpload(form): CsrfUpload) -> PageResult {
    let identity = signed_in(&ctx)?;
    // Content that is not base64 is no file: refused as one missing.
    let bytes = BASE64.decode(form.field("content").trim()).unwrap_or_default();
    let name = Some(form.field("file_name").to_owned()).filter(|n| !n.is_empty());
    read(&state, &ctx, identity, bytes, name, true).await
}

async fn read(state: &AppState, ctx: &Ctx, identity: &Identity, bytes: Vec<u8>, name: Option<String>, store: bool) -> PageResult {
    match state.app.import_people(&identity.actor, &bytes, &limits(state), store).await {
        Ok(import) if import.stored => Ok(Redirect::to("/admin/people").into_response()),
        Ok(import) => {
            let status = if import.rows.iter().any(|r| matches!(r.outcome, RowOutcome::Invalid(_))) {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let preview = preview_view(ctx, &import, &bytes, name);
            Ok(render(state, ctx, status, None, Some(preview)))
        }
        Err(err @ AppError::Invalid { .. }) => {
            let message = describe_error(ctx.pages.catalog(), ctx.language, &err);
            Ok(render(state, ctx, StatusCode::UNPROCESSABLE_ENTITY, Some(message), None))
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- The API -----------------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// `true` (the default): check and answer what storing would do, store
    /// nothing; `false`: store, if every row is right.
    pub dry_run: Option<bool>,
}

#[derive(Serialize, ToSchema)]
pub struct PeopleImportResponse {
    pub dry_run: bool,
    /// Whether this request stored the list: false on a dry run, and when
    /// it would change nobody.
    pub stored: bool,
    /// The import's id once stored (the subject of its audit event).
    pub import: Option<String>,
    /// SHA-256 of the file, in hex.
    pub file_hash: String,
    /// `xlsx` or `csv`.
    pub format: &'static str,
    pub columns: Vec<ImportColumnResponse>,
    pub counts: ImportCountsResponse,
    pub rows: Vec<ImportRowResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportColumnResponse {
    /// `name`, `email`, `body`, `title`, `committee`, `seat` or `language`.
    pub column: &'static str,
    /// Its header as written in the file.
    pub header: String,
}

#[derive(Serialize, ToSchema)]
pub struct ImportCountsResponse {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub invalid: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ImportRowResponse {
    /// The row's number in the sheet (or line in the CSV file).
    pub row: usize,
    /// `new`, `changed`, `unchanged` or `invalid`.
    pub status: &'static str,
    /// The cells of the columns found, by column.
    #[schema(value_type = Object)]
    pub cells: serde_json::Map<String, serde_json::Value>,
    pub changes: Vec<ImportChangeResponse>,
    pub errors: Vec<ImportProblemResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportChangeResponse {
    pub column: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportProblemResponse {
    pub column: &'static str,
    /// `missing`, `invalid_email`, `too_long`, `invalid_text`, `duplicate_email`,
    /// `unknown_body`, `unknown_committee`, `unknown_seat` or `unknown_language`.
    pub code: &'static str,
    pub message: String,
}

fn import_response(catalog: &Catalog, language: Language, import: &PeopleImport, dry_run: bool) -> PeopleImportResponse {
    PeopleImportResponse {
        dry_run,
        stored: import.stored,
        import: import.id.map(|id| id.to_string()),
        file_hash: import.file_hash.clone(),
        format: match import.format {
            gopy_documents::SheetFormat::Xlsx => "xlsx",
            gopy_documents::SheetFormat::Csv => "csv",
        },
        columns: import.columns.iter().map(|(c, h)| ImportColumnResponse { column: c.as_str(), header: h.clone() }).collect(),
        counts: counts(import),
        rows: import
            .rows
            .iter()
            .map(|row| ImportRowResponse {
                row: row.number,
                status: status_of(&row.outcome),
                cells: row.cells.iter().map(|(c, v)| (c.as_str().to_owned(), serde_json::Value::from(v.clone()))).collect(),
                changes: match &row.outcome {
                    RowOutcome::Changed(changes) => changes
                        .iter()
                        .map(|c| ImportChangeResponse { column: c.column.as_str(), from: c.from.clone(), to: c.to.clone() })
                        .collect(),
                    _ => Vec::new(),
                },
                errors: match &row.outcome {
                    RowOutcome::Invalid(problems) => problems
                        .iter()
                        .map(|p| ImportProblemResponse {
                            column: p.column.as_str(),
                            code: problem_code(&p.problem),
                            message: describe_problem(catalog, language, p),
                        })
                        .collect(),
                    _ => Vec::new(),
                },
            })
            .collect(),
    }
}

/// The refusal of a list with rows in error: every row's problems, by
/// `rows.<row>.<column>`.
fn rows_refused(catalog: &Catalog, language: Language, import: &PeopleImport) -> Response {
    let mut fields = serde_json::Map::new();
    for row in &import.rows {
        if let RowOutcome::Invalid(problems) = &row.outcome {
            for problem in problems {
                let key = format!("rows.{}.{}", row.number, problem.column.as_str());
                let message = describe_problem(catalog, language, problem);
                match fields.get_mut(&key) {
                    Some(serde_json::Value::String(text)) => {
                        text.push(' ');
                        text.push_str(&message);
                    }
                    _ => {
                        fields.insert(key, serde_json::Value::String(message));
                    }
                }
            }
        }
    }
    let message = OfferView::new(catalog, language, &import.store).why_not.unwrap_or_default();
    let body = ApiErrorBody { code: "invalid", message, fields: Some(serde_json::Value::Object(fields)) };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(ApiError { error: body })).into_response()
}

/// The file of an API request: the `file` part of a multipart form, or the body itself.
async fn file_of(state: &AppState, request: Request) -> Result<Vec<u8>, (StatusCode, &'static str, &'static str)> {
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    let too_large = (StatusCode::PAYLOAD_TOO_LARGE, "too_large", "too_large_body");
    let bad = (StatusCode::BAD_REQUEST, "bad_request", "bad_form_body");
    if multipart {
        let multipart = Multipart::from_request(request, state).await.map_err(|_| bad)?;
        let form = read_upload(multipart).await.map_err(|e| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large } else { bad })?;
        return Ok(form.file.map(|f| f.bytes).unwrap_or_default());
    }
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(|e| if e.status() == StatusCode::PAYLOAD_TOO_LARGE { too_large } else { bad })?;
    Ok(bytes.to_vec())
}

#[utoipa::path(post, path = "/api/v1/people/import", tag = "organisation", security(("bearer" = [])),
    params(ImportQuery),
    request_body(
        content_type = "multipart/form-data",
        description = "`file`: the list of people, an Excel workbook (.xlsx, its first sheet) or CSV (UTF-8, comma or semicolon). The file may also be sent as the raw body, with any other content type. Columns by their headers, in Vietnamese or English: Họ và tên (name), Email, Cơ quan/đơn vị (body), Chức vụ (title), Ban (committee), Vai trò trong ban (seat), Ngôn ngữ (language)."),
    responses(
        (status = 200, description = "What storing the list does (or did, with `dry_run=false`): each row new, changed, unchanged or invalid", body = PeopleImportResponse),
        (status = 400, description = "A multipart body that cannot be read, or `dry_run` not `true` or `false`", body = ApiError),
        (status = 413, description = "The file is over the size limit", body = ApiError),
        (status = 422, description = "No file, a file that is not a list of people, or (with `dry_run=false`) rows in error: each in `fields` as `rows.<row>.<column>`; nothing is stored", body = ApiError),
        (status = 403, description = "Only who invites people imports them", body = ApiError)))]
pub async fn import_people(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    query: Result<Query<ImportQuery>, axum::extract::rejection::QueryRejection>,
    request: Request,
) -> Response {
    let catalog = state.pages.catalog();
    let language = identity.user.language;
    let Ok(Query(query)) = query else {
        return ApiError::response(StatusCode::BAD_REQUEST, "bad_request", catalog.text(language, "people_import_dry_run").to_owned());
    };
    let dry_run = query.dry_run.unwrap_or(true);
    let file = match file_of(&state, request).await {
        Ok(file) => file,
        Err((status, code, key)) => return ApiError::response(status, code, catalog.text(language, key).to_owned()),
    };
    match state.app.import_people(&identity.actor, &file, &limits(&state), !dry_run).await {
        Ok(import) if !dry_run && counts(&import).invalid > 0 => rows_refused(catalog, language, &import),
        Ok(import) => Json(import_response(catalog, language, &import, dry_run)).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let s = |t: &str| t.to_owned();
    let cell = CellView { label: s("Email"), value: s("an@tinhuy.vn"), error: Some(s("x")), was: Some(s("x")) };
    let view = PeopleImportView {
        upload_limit: s("1 MB"),
        file_error: Some(s("x")),
        preview: Some(PreviewView {
            file_name: Some(s("danh-sach.xlsx")),
            summary: s("x"),
            columns: vec![ColumnView { label: s("Email"), header: s("E-mail") }],
            rows: vec![PreviewRowView { number: 2, status: "invalid", status_label: s("x"), badge: "badge-removed", cells: vec![cell], notes: vec![s("x")] }],
            may_store: true,
            why_not: Some(s("x")),
            content: s("eA=="),
        }),
    };
    vec![("pages/people_import", serde_json::to_value(&view).expect("a view serializes"))]
}
