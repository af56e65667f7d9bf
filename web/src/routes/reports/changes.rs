//! The change table (bảng so sánh, thuyết minh sửa đổi) between a version
//! and the next: as a page where the drafting team confirms or dismisses
//! the links suggested between comments and changes and marks technical
//! edits, as JSON, and as the .docx and .xlsx that go to the committee.
//!
//! Not tagged: the table is cheap next to the diff it reads, and a form's
//! refusal re-renders it with what was chosen kept.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::changes::{ChangeDecision, ChangeTable, CommentLine};
use gopy_app::reports::file_name;
use gopy_app::{AppError, StoreError};
use gopy_documents::{ChangeTableDocument, ChangeTableRow, Mark};
use gopy_domain::change_table::LinkKind;
use gopy_domain::document::BlockId;
use gopy_domain::document::align::WordOp;
use gopy_domain::{CommentId, DispositionKind, Language, ReportId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationErrors};

use crate::rules;

use super::pages::change_kind_name;
use super::{ReportRefView, actor, disposition_header};
use crate::AppState;
use crate::auth::{ApiCaller, CsrfForm, Ctx, PageResult};
use crate::i18n::{Catalog, FieldErrors, OfferView, form_errors};
use crate::paths::{ApiPath, PagePath};
use crate::routes::api::{ApiError, ValidJson};

/// A comment as the change table shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChangeCommentResponse {
    pub id: String,
    pub commenter: String,
    pub commenter_body: Option<String>,
    pub text: String,
    pub quote: Option<String>,
    /// `accepted`, `partly_accepted`, `explained`, or none yet.
    pub disposition: Option<String>,
    /// The disposition in the reader's language.
    pub disposition_label: String,
    pub response: Option<String>,
}

/// A comment behind a change: `suggested` (its passage is the one that
/// changed) or `confirmed` by the drafting team.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct LinkedCommentResponse {
    pub comment: ChangeCommentResponse,
    pub link: String,
    pub suggested: bool,
}

/// A piece of a changed passage's text.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct WordResponse {
    /// `equal`, `insert` or `delete`.
    pub op: String,
    pub text: String,
}

/// One changed passage.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChangeRowResponse {
    /// The passage's key (its block id), for links and technical edits.
    pub passage: String,
    pub label: Option<String>,
    /// `changed`, `added`, `removed` or `moved`.
    pub kind: String,
    pub kind_label: String,
    pub old_text: String,
    pub new_text: String,
    pub words: Vec<WordResponse>,
    pub technical: bool,
    pub comments: Vec<LinkedCommentResponse>,
    /// No comment behind it and not marked a technical edit.
    pub unexplained: bool,
}

/// The change table from version `from` to version `to`.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChangeTableResponse {
    pub from: u32,
    pub to: u32,
    pub rows: Vec<ChangeRowResponse>,
    /// Comments taken in (or partly) with no change linked to them.
    pub taken_in_unchanged: Vec<ChangeCommentResponse>,
    /// How many changes have no comment and are not technical edits.
    pub unexplained: usize,
    /// Both checks pass.
    pub clean: bool,
}

fn disposition_label(catalog: &Catalog, language: Language, kind: Option<DispositionKind>) -> String {
    catalog
        .text(
            language,
            match kind {
                None => "disposition_none",
                Some(DispositionKind::Accepted) => "disposition_accepted",
                Some(DispositionKind::PartlyAccepted) => "disposition_partly_accepted",
                Some(DispositionKind::Explained) => "disposition_explained",
            },
        )
        .to_owned()
}

fn comment_response(catalog: &Catalog, language: Language, line: &CommentLine) -> ChangeCommentResponse {
    ChangeCommentResponse {
        id: line.id.to_string(),
        commenter: line.commenter.clone(),
        commenter_body: line.commenter_body.clone(),
        text: line.text.clone(),
        quote: line.quote.clone(),
        disposition: line.disposition.map(|d| d.as_str().to_owned()),
        disposition_label: disposition_label(catalog, language, line.disposition),
        response: line.response.clone(),
    }
}

fn op_name(op: WordOp) -> &'static str {
    match op {
        WordOp::Equal => "equal",
        WordOp::Insert => "insert",
        WordOp::Delete => "delete",
    }
}

pub fn table_response(catalog: &Catalog, language: Language, model: &ChangeTable) -> ChangeTableResponse {
    let rows = model
        .rows
        .iter()
        .map(|row| {
            let kind = change_kind_name(row.passage.kind);
            ChangeRowResponse {
                passage: row.passage.passage.to_string(),
                label: row.label.clone(),
                kind: kind.to_owned(),
                kind_label: catalog.text(language, &format!("diff_kind_{kind}")).to_owned(),
                old_text: row.passage.old_text.clone(),
                new_text: row.passage.new_text.clone(),
                words: row.passage.words.iter().map(|w| WordResponse { op: op_name(w.op).to_owned(), text: w.text.clone() }).collect(),
                technical: row.technical,
                unexplained: model.checks.unexplained.contains(&row.passage.passage),
                comments: row
                    .comments
                    .iter()
                    .map(|(line, kind)| LinkedCommentResponse {
                        comment: comment_response(catalog, language, line),
                        link: match kind {
                            LinkKind::Suggested => "suggested",
                            LinkKind::Confirmed => "confirmed",
                        }
                        .to_owned(),
                        suggested: *kind == LinkKind::Suggested,
                    })
                    .collect(),
            }
        })
        .collect();
    ChangeTableResponse {
        from: model.from,
        to: model.to,
        rows,
        taken_in_unchanged: model.taken_in_unchanged.iter().map(|c| comment_response(catalog, language, c)).collect(),
        unexplained: model.checks.unexplained.len(),
        clean: model.checks.is_clean(),
    }
}

/// The table as the Word and Excel files write it, in `language`.
pub fn table_document(catalog: &Catalog, language: Language, model: &ChangeTable) -> ChangeTableDocument {
    let text = |key: &str| catalog.text(language, key).to_owned();
    let rows = model
        .rows
        .iter()
        .map(|row| {
            let pieces = row
                .passage
                .words
                .iter()
                .map(|w| {
                    let mark = match w.op {
                        WordOp::Equal => Mark::Kept,
                        WordOp::Insert => Mark::Inserted,
                        WordOp::Delete => Mark::Deleted,
                    };
                    (mark, w.text.clone())
                })
                .collect();
            let mut comments: Vec<String> = row
                .comments
                .iter()
                .map(|(c, _)| {
                    let who = match &c.commenter_body {
                        Some(body) => format!("{} ({body})", c.commenter),
                        None => c.commenter.clone(),
                    };
                    let answer = disposition_label(catalog, language, c.disposition);
                    match &c.response {
                        Some(response) => format!("{who}: {}\n→ {answer}: {response}", c.text),
                        None => format!("{who}: {}\n→ {answer}", c.text),
                    }
                })
                .collect();
            if row.technical {
                comments.push(text("changes_technical_edit"));
            }
            ChangeTableRow { passage: row.label.clone().unwrap_or_default(), pieces, comments }
        })
        .collect();
    ChangeTableDocument {
        heading: text("changes_heading"),
        subtitle: text("changes_subtitle")
            .replace("{from}", &model.from.to_string())
            .replace("{to}", &model.to.to_string())
            .replace("{title}", model.report.title.as_str()),
        columns: [
            text("changes_col_passage"),
            text("changes_col_old").replace("{from}", &model.from.to_string()),
            text("changes_col_new").replace("{to}", &model.to.to_string()),
            text("changes_col_comments"),
        ],
        rows,
    }
}

#[derive(Serialize)]
struct VersionChoiceView {
    number: u32,
    selected: bool,
}

/// The drafting team's decision on a change as its form sends it; kept
/// when refused, to choose it again.
#[derive(Clone, Debug, Default, Deserialize, Serialize, Validate)]
pub struct LinkForm {
    #[serde(default)]
    #[validate(length(min = 1, max = 32, code = "choice"))]
    passage: String,
    /// A comment's id: needed to link or unlink.
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_choice"))]
    comment: String,
    /// `link`, `unlink`, `technical` or `not_technical`.
    #[serde(default)]
    #[validate(custom(function = "rules::change_action"))]
    action: String,
}

#[derive(Serialize)]
struct ChangeTableView {
    report: ReportRefView,
    table: ChangeTableResponse,
    /// The versions a table can start from (all but the latest).
    versions: Vec<VersionChoiceView>,
    edit: OfferView,
    /// The table's comments, to link one to a change.
    comments: Vec<ChangeCommentResponse>,
    errors: FieldErrors,
    form: LinkForm,
}

/// The version the table starts from; empty for the one before the latest.
#[derive(Deserialize, Validate)]
pub struct ChangesQuery {
    #[validate(custom(function = "rules::optional_version_number"))]
    from: Option<String>,
}

fn parse_from(ctx: &Ctx, query: &ChangesQuery) -> Result<Option<u32>, Response> {
    let read = || -> Result<Option<u32>, ValidationErrors> {
        query.validate()?;
        rules::parsed_choice(query.from.as_deref().unwrap_or_default(), "from")
    };
    read().map_err(|refused| super::refused_query(ctx, &refused))
}

fn render(ctx: &Ctx, model: &ChangeTable, errors: FieldErrors, form: LinkForm, status: StatusCode) -> Response {
    let catalog = ctx.pages.catalog();
    let latest = model.numbers.last().copied().unwrap_or(0);
    let view = ChangeTableView {
        report: ReportRefView::of(&model.report),
        table: table_response(catalog, ctx.language, model),
        versions: model
            .numbers
            .iter()
            .filter(|n| **n < latest)
            .map(|n| VersionChoiceView { number: *n, selected: *n == model.from })
            .collect(),
        edit: OfferView::new(catalog, ctx.language, &model.edit),
        comments: model.comments.iter().map(|c| comment_response(catalog, ctx.language, c)).collect(),
        errors,
        form,
    };
    ctx.render_with_status(status, "pages/changes", "changes_title", view)
}

pub async fn changes_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    Query(query): Query<ChangesQuery>,
) -> PageResult {
    let from = parse_from(&ctx, &query)?;
    let model = state.app.change_table(actor(&ctx)?, id, from).await.map_err(|e| ctx.failure(&e))?;
    Ok(render(&ctx, &model, FieldErrors::default(), LinkForm::default(), StatusCode::OK))
}

impl TryFrom<&LinkForm> for ChangeDecision {
    type Error = ValidationErrors;

    /// Checks every field at once; linking and unlinking need the comment.
    fn try_from(form: &LinkForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        let passage = BlockId::new(form.passage.trim());
        let comment = || match rules::parsed_choice::<CommentId>(&form.comment, "comment")? {
            Some(comment) => Ok(comment),
            None => Err(rules::refused("comment", "choice")),
        };
        Ok(match form.action.trim() {
            "link" => ChangeDecision::Link { passage, comment: comment()? },
            "unlink" => ChangeDecision::Unlink { passage, comment: comment()? },
            "technical" => ChangeDecision::Technical { passage, technical: true },
            "not_technical" => ChangeDecision::Technical { passage, technical: false },
            _ => return Err(rules::refused("action", "choice")),
        })
    }
}

/// The drafting team's decision from the page: back to the table at the
/// passage, or the table again with the refusal beside the form and the
/// choice kept.
pub async fn decide_change(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, to)): PagePath<(ReportId, u32)>,
    CsrfForm(form): CsrfForm<LinkForm>,
) -> PageResult {
    let actor = actor(&ctx)?;
    let errors = match ChangeDecision::try_from(&form) {
        Err(refused) => rules::field_errors(ctx.pages.catalog(), ctx.language, &refused),
        Ok(decision) => match state.app.decide_change(actor, id, to, decision).await {
            Ok(_) => {
                let to_page = format!("/reports/{id}/changes?from={}#p-{}", to.saturating_sub(1), form.passage.trim());
                return Ok(Redirect::to(&to_page).into_response());
            }
            Err(err @ AppError::Invalid { .. }) => form_errors(&ctx, &err),
            Err(err) => return Err(ctx.failure(&err)),
        },
    };
    let model = state.app.change_table(actor, id, Some(to.saturating_sub(1).max(1))).await.map_err(|e| ctx.failure(&e))?;
    Ok(render(&ctx, &model, errors, form, StatusCode::UNPROCESSABLE_ENTITY))
}

async fn make_file(model: &ChangeTable, catalog: &Catalog, language: Language, extension: &str) -> Result<Response, AppError> {
    let document = table_document(catalog, language, model);
    let name = file_name(&[catalog.text(language, "changes_file_name"), model.report.title.as_str()], extension);
    let failed = |e: String| AppError::Store(StoreError::Other(format!("export failed: {e}")));
    let docx = extension == "docx";
    let bytes = tokio::task::spawn_blocking(move || {
        if docx { gopy_documents::change_table_docx(&document) } else { gopy_documents::change_table_xlsx(&document) }
    })
    .await
    .map_err(|e| failed(e.to_string()))?
    .map_err(|e| failed(e.to_string()))?;
    let content_type = if docx {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    Ok(([(CONTENT_TYPE, content_type.to_owned()), (CONTENT_DISPOSITION, disposition_header(&name))], bytes).into_response())
}

/// `bang-so-sanh.docx` or `bang-so-sanh.xlsx` of the table ending at `to`.
pub async fn changes_file(State(state): State<AppState>, ctx: Ctx, PagePath((id, to, file)): PagePath<(ReportId, u32, String)>) -> PageResult {
    let extension = match file.as_str() {
        "bang-so-sanh.docx" => "docx",
        "bang-so-sanh.xlsx" => "xlsx",
        _ => return Err(ctx.not_found()),
    };
    let from = to.checked_sub(1).filter(|n| *n >= 1).ok_or_else(|| ctx.not_found())?;
    let model = state.app.change_table(actor(&ctx)?, id, Some(from)).await.map_err(|e| ctx.failure(&e))?;
    make_file(&model, state.pages.catalog(), ctx.language, extension).await.map_err(|e| ctx.failure(&e))
}

// --- API ------------------------------------------------------------------------------

#[derive(Deserialize, Validate, ToSchema, utoipa::IntoParams)]
pub struct ChangesApiQuery {
    /// The older version; the table runs to the next one. Defaults to the
    /// one before the latest.
    #[validate(range(min = 1, code = "version"))]
    #[param(minimum = 1)]
    from: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/changes", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), ChangesApiQuery),
    responses(
        (status = 200, description = "The change table: each changed passage, its old and new text word by word, the comments behind it, and the two checks", body = ChangeTableResponse),
        (status = 400, description = "`from` is not a version number", body = ApiError),
        (status = 422, description = "`from` is 0, which names no version; `fields` says so", body = ApiError),
        (status = 404, description = "No such report, or no such pair of versions", body = ApiError)))]
pub async fn api_changes(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    query: Result<Query<ChangesApiQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let language = identity.user.language;
    let catalog = state.pages.catalog();
    let Ok(Query(query)) = query else {
        return ApiError::response(StatusCode::BAD_REQUEST, "bad_request", catalog.text(language, "api_changes_params").to_owned());
    };
    if let Err(refused) = query.validate() {
        return crate::routes::api::invalid_fields(catalog, language, &refused);
    }
    match state.app.change_table(&identity.actor, id, query.from).await {
        Ok(model) => axum::Json(table_response(catalog, language, &model)).into_response(),
        Err(err) => ApiError::from_app(catalog, language, &err),
    }
}

/// A link between a comment and a change, confirmed (`linked: true`) or
/// dismissed (`linked: false`).
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeLinkRequest {
    /// The changed passage's key, as the table gives it.
    #[validate(length(min = 1, max = 32))]
    pub passage: String,
    #[schema(value_type = String)]
    pub comment: CommentId,
    pub linked: bool,
}

/// A change marked as a technical edit (`technical: true`), or unmarked.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TechnicalEditRequest {
    #[validate(length(min = 1, max = 32))]
    pub passage: String,
    pub technical: bool,
}

async fn api_decide(state: &AppState, identity: &gopy_app::Identity, id: ReportId, to: u32, decision: ChangeDecision) -> Response {
    let language = identity.user.language;
    let catalog = state.pages.catalog();
    match state.app.decide_change(&identity.actor, id, to, decision).await {
        Ok(model) => axum::Json(table_response(catalog, language, &model)).into_response(),
        Err(err) => ApiError::from_app(catalog, language, &err),
    }
}

#[utoipa::path(put, path = "/api/v1/reports/{id}/changes/{to}/links", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), ("to" = u32, Path, description = "The newer version of the table")),
    request_body = ChangeLinkRequest,
    responses(
        (status = 200, description = "The table with the link decided", body = ChangeTableResponse),
        (status = 400, description = "The body is not JSON of this shape", body = ApiError),
        (status = 403, description = "Only the report's drafting team decides links", body = ApiError),
        (status = 404, description = "No such report or version", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 422, description = "The passage did not change in this version, or the comment is of another report", body = ApiError)))]
pub async fn api_link_change(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, to)): ApiPath<(ReportId, u32)>,
    ValidJson(request): ValidJson<ChangeLinkRequest>,
) -> Response {
    let passage = BlockId::new(request.passage);
    let decision = if request.linked {
        ChangeDecision::Link { passage, comment: request.comment }
    } else {
        ChangeDecision::Unlink { passage, comment: request.comment }
    };
    api_decide(&state, &identity, id, to, decision).await
}

#[utoipa::path(put, path = "/api/v1/reports/{id}/changes/{to}/technical", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), ("to" = u32, Path, description = "The newer version of the table")),
    request_body = TechnicalEditRequest,
    responses(
        (status = 200, description = "The table with the change marked or unmarked", body = ChangeTableResponse),
        (status = 400, description = "The body is not JSON of this shape", body = ApiError),
        (status = 403, description = "Only the report's drafting team marks technical edits", body = ApiError),
        (status = 404, description = "No such report or version", body = ApiError),
        (status = 413, description = "The body is too large", body = ApiError),
        (status = 422, description = "The passage did not change in this version", body = ApiError)))]
pub async fn api_technical_edit(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, to)): ApiPath<(ReportId, u32)>,
    ValidJson(request): ValidJson<TechnicalEditRequest>,
) -> Response {
    let decision = ChangeDecision::Technical { passage: BlockId::new(request.passage), technical: request.technical };
    api_decide(&state, &identity, id, to, decision).await
}

#[cfg(test)]
pub(super) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let comment = ChangeCommentResponse {
        id: "c1".into(),
        commenter: "x".into(),
        commenter_body: Some("x".into()),
        text: "x".into(),
        quote: Some("x".into()),
        disposition: Some("accepted".into()),
        disposition_label: "x".into(),
        response: Some("x".into()),
    };
    let view = ChangeTableView {
        report: ReportRefView { id: "1".into(), title: "Báo cáo".into() },
        table: ChangeTableResponse {
            from: 1,
            to: 2,
            rows: vec![ChangeRowResponse {
                passage: "b1".into(),
                label: Some("II.1 ¶1".into()),
                kind: "changed".into(),
                kind_label: "x".into(),
                old_text: "x".into(),
                new_text: "y".into(),
                words: vec![
                    WordResponse { op: "equal".into(), text: "x".into() },
                    WordResponse { op: "delete".into(), text: "x".into() },
                    WordResponse { op: "insert".into(), text: "y".into() },
                ],
                technical: true,
                comments: vec![LinkedCommentResponse { comment: comment.clone(), link: "suggested".into(), suggested: true }],
                unexplained: true,
            }],
            taken_in_unchanged: vec![comment.clone()],
            unexplained: 1,
            clean: false,
        },
        versions: vec![VersionChoiceView { number: 1, selected: true }],
        edit: OfferView { open: true, why_not: Some("x".into()) },
        comments: vec![comment],
        errors: FieldErrors::one("form", "x"),
        form: LinkForm { passage: "b1".into(), comment: "c1".into(), action: "link".into() },
    };
    vec![("pages/changes", super::sample(&view))]
}
