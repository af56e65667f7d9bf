//! The JSON API of draft reports: the same use cases as the pages.

use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gopy_app::reports::{DiffPage, LabelledVersion, NewReport, ReportDetail, VersionInput};
use gopy_app::{AppError, Fresh, Identity};
use gopy_domain::document::align::WordOp;
use gopy_domain::document::label::citation_labels;
use gopy_domain::document::{Block, BlockContent};
use gopy_domain::{Report, ReportId, Version};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::pages::change_kind_name;
use super::{attachment, import_limits};
use crate::live::{Change, ChangeKind};
use crate::routes::api::{ApiError, ValidJson, invalid_fields, refuse, rfc3339, with_etag};
use crate::rules;
use validator::{Validate, ValidationErrors};
use crate::AppState;
use crate::auth::{ApiCaller, read_upload};
use crate::render::kind_name;
use crate::paths::ApiPath;
use super::VersionFile;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/reports", post(create_report).get(list_reports))
        .route("/v1/reports/{id}", get(get_report))
        .route("/v1/reports/{id}/versions", post(add_version))
        .route("/v1/reports/{id}/versions/{number}", get(get_version))
        .route("/v1/reports/{id}/versions/{number}/{file}", get(export_version))
        .route("/v1/reports/{id}/diff", get(get_diff))
}


fn not_found(state: &AppState, identity: &Identity) -> Response {
    refuse(state, identity, &AppError::NotFound { what: "report" })
}



/// A new report. Ids are the UUIDs the API gives out elsewhere.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// `mid_term_review`, `self_assessment`, `thematic`, `annual` or `other`.
    #[validate(custom(function = "rules::report_kind"))]
    pub kind: String,
    #[validate(custom(function = "rules::title"))]
    #[schema(max_length = 500)]
    pub title: String,
    #[validate(custom(function = "rules::optional_term_id"))]
    pub term: Option<String>,
    /// The body that drafts and presents the report.
    #[validate(custom(function = "rules::body_id"))]
    pub body: String,
    /// The committee that reviews it.
    #[validate(custom(function = "rules::committee_id"))]
    pub committee: String,
    /// The drafting team's people.
    #[validate(custom(function = "rules::person_ids"))]
    pub drafters: Vec<String>,
    /// One of `drafters`; the first one when left out.
    #[validate(custom(function = "rules::optional_person_id"))]
    pub lead: Option<String>,
}

impl TryFrom<&ReportRequest> for NewReport {
    type Error = ValidationErrors;

    /// Checks every field at once, then reads the ids: an empty term or
    /// lead is none.
    fn try_from(request: &ReportRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        let drafters = request.drafters.iter().map(|d| rules::parsed(d, "drafters")).collect::<Result<_, _>>()?;
        Ok(NewReport {
            kind: rules::parsed(&request.kind, "kind")?,
            title: request.title.clone(),
            term: rules::parsed_choice(request.term.as_deref().unwrap_or_default(), "term")?,
            body: Some(rules::parsed(&request.body, "body")?),
            committee: Some(rules::parsed(&request.committee, "committee")?),
            drafters,
            lead: rules::parsed_choice(request.lead.as_deref().unwrap_or_default(), "lead")?,
        })
    }
}

#[derive(Serialize, ToSchema)]
pub struct ReportResponse {
    pub id: String,
    pub kind: &'static str,
    pub title: String,
    pub term: Option<String>,
    pub body: String,
    pub committee: String,
    pub status: &'static str,
    pub created_at: String,
    pub team: Vec<DrafterResponse>,
    pub versions: Vec<VersionSummaryResponse>,
    /// Moves on with every step and every new version; also the `ETag`,
    /// for `If-Match` on `POST …/transitions`.
    pub revision: u32,
}

#[derive(Serialize, ToSchema)]
pub struct DrafterResponse {
    pub user: String,
    pub lead: bool,
}

#[derive(Serialize, ToSchema)]
pub struct VersionSummaryResponse {
    pub number: u32,
    /// `markdown`, `docx` or `editor`.
    pub source: &'static str,
    pub file_name: Option<String>,
    pub change_note: Option<String>,
    pub words: u32,
    pub created_by: String,
    pub created_at: String,
}


fn report_response(report: &Report, detail: Option<&ReportDetail>) -> ReportResponse {
    ReportResponse {
        id: report.id.to_string(),
        kind: report.kind.as_str(),
        title: report.title.to_string(),
        term: report.term.map(|t| t.to_string()),
        body: report.body.to_string(),
        committee: report.committee.to_string(),
        status: report.status.as_str(),
        created_at: rfc3339(report.created_at),
        revision: report.revision,
        team: detail
            .map(|d| d.team.iter().map(|t| DrafterResponse { user: t.user.to_string(), lead: t.lead }).collect())
            .unwrap_or_default(),
        versions: detail
            .map(|d| {
                d.versions
                    .iter()
                    .map(|v| VersionSummaryResponse {
                        number: v.number,
                        source: v.source.as_str(),
                        file_name: v.file_name.clone(),
                        change_note: v.change_note.clone(),
                        words: v.word_count,
                        created_by: v.created_by.to_string(),
                        created_at: rfc3339(v.created_at),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", security(("bearer" = [])),
    request_body = ReportRequest,
    responses(
        (status = 201, description = "The report, set up", body = ReportResponse),
        (status = 422, description = "A field is not valid; `fields` says which", body = ApiError),
        (status = 403, description = "Only the secretariat sets up reports", body = ApiError),
        (status = 401, description = "No valid token or session", body = ApiError)))]
pub async fn create_report(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ValidJson(request): ValidJson<ReportRequest>,
) -> Response {
    let new = match NewReport::try_from(&request) {
        Ok(new) => new,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    match state.app.create_report(&identity.actor, new).await {
        Ok(report) => match state.app.report_detail(&identity.actor, report.id).await {
            Ok(detail) => (StatusCode::CREATED, Json(report_response(&detail.report, Some(&detail)))).into_response(),
            Err(err) => refuse(&state, &identity, &err),
        },
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", security(("bearer" = [])),
    responses((status = 200, description = "The reports the caller may read, newest first", body = [ReportResponse])))]
pub async fn list_reports(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    match state.app.reports_for(&identity.actor).await {
        Ok(reports) => Json(reports.iter().map(|r| report_response(r, None)).collect::<Vec<_>>()).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The report, its team and its versions; its revision is the `ETag`, for `If-Match` on its transitions", body = ReportResponse),
        (status = 404, description = "No such report, or not one the caller may read", body = ApiError)))]
pub async fn get_report(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<ReportId>) -> Response {
    match state.app.report_detail(&identity.actor, id).await {
        Ok(detail) => with_etag(Json(report_response(&detail.report, Some(&detail))).into_response(), detail.report.revision),
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// A version written in Markdown, sent as JSON. A file is sent instead as
/// `multipart/form-data` with the parts `file` and `change_note`.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionRequest {
    pub markdown: String,
    #[serde(default)]
    #[validate(custom(function = "rules::change_note"))]
    #[schema(max_length = 2000)]
    pub change_note: String,
}

#[derive(Serialize, ToSchema)]
pub struct VersionResponse {
    pub report: String,
    pub number: u32,
    pub source: &'static str,
    pub file_name: Option<String>,
    pub change_note: Option<String>,
    pub words: usize,
    pub created_by: String,
    pub created_at: String,
    pub blocks: Vec<BlockResponse>,
    /// What the uploaded file held that could not be imported, each with
    /// the block holding its placeholder ("[Hình ảnh]").
    pub left_out: Vec<LeftOutResponse>,
}

/// Something of the uploaded file left out of the version.
#[derive(Serialize, ToSchema)]
pub struct LeftOutResponse {
    /// `picture`, `text_box`, `equation`, `chart` or `object`.
    pub kind: &'static str,
    pub block: String,
    pub label: String,
}

/// One block, with its text and, by kind, its level, list place or cells.
#[derive(Serialize, ToSchema)]
pub struct BlockResponse {
    pub id: String,
    /// The citation label: "II.1 ¶2".
    pub label: String,
    /// `heading`, `paragraph`, `list_item` or `table`.
    pub kind: &'static str,
    /// The text without styles; a table's cells joined by tabs, rows by new lines.
    pub text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ordered: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub depth: Option<u8>,
    /// The styled runs of a heading, paragraph or list item.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub runs: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<Vec<String>>>,
}

fn block_response(block: &Block, label: String) -> BlockResponse {
    let mut response = BlockResponse {
        id: block.id.to_string(),
        label,
        kind: kind_name(&block.content),
        text: block.content.plain_text(),
        level: None,
        ordered: None,
        depth: None,
        runs: None,
        rows: None,
    };
    match &block.content {
        BlockContent::Heading { level, text } => {
            response.level = Some(*level);
            response.runs = serde_json::to_value(text).ok();
        }
        BlockContent::Paragraph { text } => response.runs = serde_json::to_value(text).ok(),
        BlockContent::ListItem { ordered, depth, text } => {
            response.ordered = Some(*ordered);
            response.depth = Some(*depth);
            response.runs = serde_json::to_value(text).ok();
        }
        BlockContent::Table { rows } => response.rows = Some(rows.clone()),
    }
    response
}

fn version_response(version: &Version) -> VersionResponse {
    let labels = citation_labels(version.blocks.iter().map(|b| &b.content));
    VersionResponse {
        report: version.report.to_string(),
        number: version.number,
        source: version.source.as_str(),
        file_name: version.file_name.clone(),
        change_note: version.change_note.clone(),
        words: version.word_count(),
        created_by: version.created_by.to_string(),
        created_at: rfc3339(version.created_at),
        left_out: version
            .left_out
            .iter()
            .map(|l| LeftOutResponse {
                kind: l.kind.as_str(),
                block: l.block.to_string(),
                label: version.blocks.iter().position(|b| b.id == l.block).and_then(|i| labels.get(i).cloned()).unwrap_or_default(),
            })
            .collect(),
        blocks: version.blocks.iter().zip(labels.iter()).map(|(b, l)| block_response(b, l.clone())).collect(),
    }
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/versions", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body(content = VersionRequest, description = "JSON with Markdown, or multipart/form-data with `file` (.docx or .md) and `change_note`"),
    responses(
        (status = 201, description = "The new version, with its blocks", body = VersionResponse),
        (status = 422, description = "The file or text cannot be read; the message says why and what is accepted", body = ApiError),
        (status = 409, description = "Another version was saved at the same moment; send again", body = ApiError),
        (status = 413, description = "The request is over the size limit", body = ApiError),
        (status = 403, description = "Only the drafting team and the secretariat add versions", body = ApiError)))]
pub async fn add_version(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    request: Request,
) -> Response {
    let is_multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (input, note) = if is_multipart {
        let catalog = state.pages.catalog();
        let language = identity.user.language;
        let bad = |status: StatusCode, code, key| ApiError::response(status, code, catalog.text(language, key).to_owned());
        let form = match Multipart::from_request(request, &state).await {
            Ok(multipart) => match read_upload(multipart).await {
                Ok(form) => form,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return bad(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "too_large_body");
                }
                Err(_) => return bad(StatusCode::BAD_REQUEST, "bad_request", "bad_form_body"),
            },
            Err(_) => return bad(StatusCode::BAD_REQUEST, "bad_request", "bad_form_body"),
        };
        let upload = super::VersionUpload::from(form);
        if let Err(refused) = upload.validate() {
            return invalid_fields(catalog, language, &refused);
        }
        upload.input()
    } else {
        match ValidJson::<VersionRequest>::from_request(request, &state).await {
            Ok(ValidJson(body)) => (VersionInput::Markdown(body.markdown), body.change_note),
            Err(response) => return response,
        }
    };
    match state.app.add_version(&identity.actor, id, input, &note, &import_limits(&state)).await {
        Ok(version) => {
            state.live.announce(Change::report(id, ChangeKind::Version)).await;
            (StatusCode::CREATED, Json(version_response(&version))).into_response()
        }
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/versions/{number}", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), ("number" = u32, Path, description = "1 for dự thảo lần 1")),
    responses(
        (status = 200, description = "The version and its blocks", body = VersionResponse),
        (status = 404, description = "No such report or version", body = ApiError)))]
pub async fn get_version(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, number)): ApiPath<(ReportId, u32)>,
) -> Response {
    match state.app.version(&identity.actor, id, number).await {
        Ok((_, version)) => Json(version_response(&version)).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/versions/{number}/{file}", tag = "reports", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The report's id"),
        ("number" = u32, Path, description = "The version's number"),
        ("file" = String, Path, description = "`export.docx` or `export.md`")),
    responses(
        (status = 200, description = "The version as a Word or Markdown file", content(
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"), ("text/markdown"))),
        (status = 404, description = "No such report, version or format", body = ApiError)))]
pub async fn export_version(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, number, file)): ApiPath<(ReportId, u32, VersionFile)>,
) -> Response {
    match state.app.export_version(&identity.actor, id, number, file.into()).await {
        Ok(download) => attachment(download),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[derive(Deserialize, Validate, IntoParams)]
pub struct DiffParams {
    /// The older version's number, from 1.
    #[validate(range(min = 1, code = "version"))]
    #[param(minimum = 1)]
    from: u32,
    /// The newer version's number, from 1.
    #[validate(range(min = 1, code = "version"))]
    #[param(minimum = 1)]
    to: u32,
}

#[derive(Serialize, ToSchema)]
pub struct DiffResponse {
    pub report: String,
    pub from: u32,
    pub to: u32,
    pub counts: CountsResponse,
    /// In the order of the newer version; removed blocks where they stood.
    pub changes: Vec<ChangeResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct CountsResponse {
    pub kept: usize,
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
    pub moved: usize,
}

#[derive(Serialize, ToSchema)]
pub struct ChangeResponse {
    /// `kept`, `changed`, `added`, `removed` or `moved`.
    pub kind: &'static str,
    pub old: Option<BlockRef>,
    pub new: Option<BlockRef>,
    /// For a block added as the later part of a split: the block it was split from.
    pub split_from: Option<BlockRef>,
    /// Word-level edits of a changed block.
    pub words: Vec<WordEditResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct BlockRef {
    pub id: String,
    pub label: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct WordEditResponse {
    /// `equal`, `insert` or `delete`.
    pub op: &'static str,
    pub text: String,
}

fn diff_response(diff: &DiffPage) -> DiffResponse {
    let block_ref = |side: &LabelledVersion, i: usize| {
        side.version.blocks.get(i).map(|b| BlockRef {
            id: b.id.to_string(),
            label: side.labels.get(i).cloned().unwrap_or_default(),
            text: b.content.plain_text(),
        })
    };
    let counts = diff.alignment.counts();
    DiffResponse {
        report: diff.report.id.to_string(),
        from: diff.from.version.number,
        to: diff.to.version.number,
        counts: CountsResponse {
            kept: counts.kept,
            changed: counts.changed,
            added: counts.added,
            removed: counts.removed,
            moved: counts.moved,
        },
        changes: diff
            .alignment
            .changes
            .iter()
            .map(|c| ChangeResponse {
                kind: change_kind_name(c.kind),
                old: c.old.and_then(|i| block_ref(&diff.from, i)),
                new: c.new.and_then(|i| block_ref(&diff.to, i)),
                split_from: c.split_from.and_then(|i| block_ref(&diff.from, i)),
                words: c
                    .words
                    .iter()
                    .map(|w| WordEditResponse {
                        op: match w.op {
                            WordOp::Equal => "equal",
                            WordOp::Insert => "insert",
                            WordOp::Delete => "delete",
                        },
                        text: w.text.clone(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/diff", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), DiffParams),
    responses(
        (status = 200, description = "How version `to` differs from version `from`", body = DiffResponse),
        (status = 400, description = "`from` or `to` is missing or not a number", body = ApiError),
        (status = 422, description = "`from` or `to` is not a version's number (0); `fields` names each", body = ApiError),
        (status = 404, description = "No such report or version", body = ApiError)))]
pub async fn get_diff(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    query: Result<Query<DiffParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(params)) = query else {
        let message = state.pages.catalog().text(identity.user.language, "api_diff_params").to_owned();
        return ApiError::response(StatusCode::BAD_REQUEST, "bad_request", message);
    };
    if let Err(refused) = params.validate() {
        return invalid_fields(state.pages.catalog(), identity.user.language, &refused);
    }
    match state.app.diff_page(&identity.actor, id, Some(params.from), Some(params.to), None).await {
        Ok(Fresh::Changed { model, .. }) => Json(diff_response(&model)).into_response(),
        // Asked with no state held, the report is never unchanged.
        Ok(Fresh::Unchanged { .. }) => not_found(&state, &identity),
        Err(err) => refuse(&state, &identity, &err),
    }
}
