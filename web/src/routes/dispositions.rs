//! The table of dispositions (bảng tổng hợp tiếp thu, giải trình ý kiến):
//! every comment on a report, in the order of the document, with who made
//! it and the drafting team's answer. As a page, as JSON, and as the .docx,
//! .xlsx and CSV files that go to the committee with the next version.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gopy_app::AppError;
use gopy_app::comments::ReviewView;
use gopy_app::reports::Download;
use gopy_documents::{DispositionRow, DispositionTable};
use gopy_domain::{DispositionKind, Language};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::api::ApiError;
use super::reports::{attachment, report_id};
use super::review::{Directory, labels_by_block};
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, PageResult};
use crate::i18n::Catalog;

/// The table in `language`, from the report's comments as they stand on its
/// latest version. Withdrawn comments and replies are left out: the table
/// holds the opinions the drafting team must answer.
pub fn disposition_table(catalog: &Catalog, language: Language, review: &ReviewView, people: &Directory) -> DispositionTable {
    let text = |key: &str| catalog.text(language, key).to_owned();
    let labels = labels_by_block(review.version.as_ref());
    let rows = review
        .threads
        .iter()
        .filter(|t| !t.comment.is_withdrawn())
        .enumerate()
        .map(|(i, thread)| {
            let comment = &thread.comment;
            let shown = thread.placement.as_ref().and_then(|p| p.anchor.as_ref());
            let passage = match (shown, comment.anchor.as_ref()) {
                (Some(anchor), _) => labels.get(anchor.block.as_str()).cloned().unwrap_or_default(),
                (None, Some(_)) => text("dispositions_passage_gone"),
                (None, None) => text("dispositions_whole_report"),
            };
            let quote = shown
                .and_then(|a| a.span.as_ref())
                .or_else(|| comment.anchor.as_ref().and_then(|a| a.span.as_ref()))
                .map(|s| s.quote.clone());
            let kind = comment.disposition.as_ref().map(|d| d.kind);
            DispositionRow {
                number: i + 1,
                passage,
                quote,
                commenter: people.name(comment.author),
                commenter_body: people.body_of(comment.author),
                comment: comment.body.to_string(),
                disposition: text(match kind {
                    None => "disposition_none",
                    Some(DispositionKind::Accepted) => "disposition_accepted",
                    Some(DispositionKind::PartlyAccepted) => "disposition_partly_accepted",
                    Some(DispositionKind::Explained) => "disposition_explained",
                }),
                response: comment
                    .disposition
                    .as_ref()
                    .and_then(|d| d.response.as_ref())
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            }
        })
        .collect();
    let version = review.version.as_ref().map_or(0, |v| v.number);
    DispositionTable {
        heading: text("dispositions_heading"),
        subtitle: text("dispositions_subtitle")
            .replace("{version}", &version.to_string())
            .replace("{title}", review.report.title.as_str()),
        columns: [
            text("dispositions_col_number"),
            text("dispositions_col_passage"),
            text("dispositions_col_commenter"),
            text("dispositions_col_comment"),
            text("dispositions_col_disposition"),
            text("dispositions_col_response"),
        ],
        rows,
    }
}

/// The table, in the format a file name asks for.
fn download(table: &DispositionTable, report_title: &str, file: &str) -> Result<Option<Download>, AppError> {
    let stem = format!("bang-tong-hop-y-kien-{}", gopy_app::reports::file_stem(report_title));
    let failed = |e: gopy_documents::ExportError| AppError::Store(gopy_app::StoreError::Other(format!("export failed: {e}")));
    Ok(Some(match file {
        "dispositions.docx" => Download {
            file_name: format!("{stem}.docx"),
            content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            bytes: gopy_documents::dispositions_docx(table).map_err(failed)?,
        },
        "dispositions.xlsx" => Download {
            file_name: format!("{stem}.xlsx"),
            content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            bytes: gopy_documents::dispositions_xlsx(table).map_err(failed)?,
        },
        "dispositions.csv" => Download {
            file_name: format!("{stem}.csv"),
            content_type: "text/csv; charset=utf-8",
            bytes: gopy_documents::dispositions_csv(table).into_bytes(),
        },
        _ => return Ok(None),
    }))
}

async fn table_for(state: &AppState, actor: &gopy_domain::Actor, id: gopy_domain::ReportId, language: Language) -> Result<(ReviewView, DispositionTable), AppError> {
    let review = state.app.review(actor, id).await?;
    let people = Directory::load(state).await?;
    let table = disposition_table(state.pages.catalog(), language, &review, &people);
    Ok((review, table))
}

pub async fn dispositions_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = &ctx.signed_in()?.actor;
    let (review, table) = table_for(&state, actor, id, ctx.language).await.map_err(|e| ctx.failure(&e))?;
    let page = json!({ "report": { "id": review.report.id, "title": review.report.title }, "table": table_json(&table) });
    Ok(ctx.render("pages/dispositions", "dispositions_title", page))
}

pub async fn dispositions_file(State(state): State<AppState>, ctx: Ctx, Path((id, file)): Path<(String, String)>) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = &ctx.signed_in()?.actor;
    let (review, table) = table_for(&state, actor, id, ctx.language).await.map_err(|e| ctx.failure(&e))?;
    match download(&table, review.report.title.as_str(), &file).map_err(|e| ctx.failure(&e))? {
        Some(file) => Ok(attachment(file)),
        None => Err(ctx.not_found()),
    }
}

/// One row of the table of dispositions.
#[derive(Serialize, ToSchema)]
pub struct DispositionRowResponse {
    pub number: usize,
    /// The citation label of the passage, or a word for the whole report.
    pub passage: String,
    pub quote: Option<String>,
    pub commenter: String,
    pub commenter_body: Option<String>,
    pub comment: String,
    pub disposition: String,
    pub response: String,
}

#[derive(Serialize, ToSchema)]
pub struct DispositionTableResponse {
    pub heading: String,
    pub subtitle: String,
    pub columns: Vec<String>,
    pub rows: Vec<DispositionRowResponse>,
}

fn table_json(table: &DispositionTable) -> DispositionTableResponse {
    DispositionTableResponse {
        heading: table.heading.clone(),
        subtitle: table.subtitle.clone(),
        columns: table.columns.to_vec(),
        rows: table
            .rows
            .iter()
            .map(|r| DispositionRowResponse {
                number: r.number,
                passage: r.passage.clone(),
                quote: r.quote.clone(),
                commenter: r.commenter.clone(),
                commenter_body: r.commenter_body.clone(),
                comment: r.comment.clone(),
                disposition: r.disposition.clone(),
                response: r.response.clone(),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/dispositions", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The table of dispositions, in the caller's language and the document's order", body = DispositionTableResponse),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_dispositions(State(state): State<AppState>, ApiCaller(identity): ApiCaller, Path(id): Path<String>) -> Response {
    let language = identity.user.language;
    let Ok(id) = id.parse() else {
        return ApiError::from_app(state.pages.catalog(), language, &AppError::NotFound { what: "report" });
    };
    match table_for(&state, &identity.actor, id, language).await {
        Ok((_, table)) => Json(table_json(&table)).into_response(),
        Err(err) => ApiError::from_app(state.pages.catalog(), language, &err),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/{file}", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"),
        ("file" = String, Path, description = "`dispositions.docx`, `dispositions.xlsx` or `dispositions.csv`")),
    responses(
        (status = 200, description = "The table as a file", content(
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
        (status = 404, description = "No such report or format", body = ApiError)))]
pub async fn api_dispositions_file(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let language = identity.user.language;
    let refuse = |err: &AppError| ApiError::from_app(state.pages.catalog(), language, err);
    let Ok(id) = id.parse() else { return refuse(&AppError::NotFound { what: "report" }) };
    let (review, table) = match table_for(&state, &identity.actor, id, language).await {
        Ok(found) => found,
        Err(err) => return refuse(&err),
    };
    match download(&table, review.report.title.as_str(), &file) {
        Ok(Some(file)) => attachment(file),
        Ok(None) => refuse(&AppError::NotFound { what: "format" }),
        Err(err) => refuse(&err),
    }
}
