//! The table of dispositions (bảng tổng hợp tiếp thu, giải trình ý kiến):
//! every comment on a report, in the order of the document, with who made
//! it and the drafting team's answer. As a page, as JSON, and as the .docx,
//! .xlsx and CSV files that go to the committee with the next version.
//!
//! Everything but the page is the same for every reader in one language, so
//! it is made once per state of the report and kept ([`ExportCache`]); a
//! reader whose copy is current gets `304 Not Modified`.
//!
//! [`ExportCache`]: crate::exports::ExportCache

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use gopy_app::consultations::ConsultationRegister;
use gopy_app::reports::{Dispositions, Passage, file_name};
use gopy_app::{AppError, Fresh, StoreError};
use gopy_documents::{DispositionRow, DispositionTable};
use gopy_domain::{Actor, DispositionKind, Language, ReportId};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ReportRefView, disposition_header, revalidate};
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, PageResult};
use crate::etag::Tag;
use crate::exports::{ExportKind, KeptFile};
use crate::i18n::Catalog;
use crate::routes::api::ApiError;
use crate::paths::{ApiPath, PagePath};

/// The table in `language`, from the report's read model.
pub fn disposition_table(catalog: &Catalog, language: Language, model: &Dispositions) -> DispositionTable {
    let text = |key: &str| catalog.text(language, key).to_owned();
    let rows = model
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| DispositionRow {
            number: i + 1,
            passage: match &row.passage {
                Passage::Label(label) => label.clone(),
                Passage::Gone => text("dispositions_passage_gone"),
                Passage::WholeReport => text("dispositions_whole_report"),
            },
            quote: row.quote.clone(),
            commenter: row.commenter.clone(),
            commenter_body: row.commenter_body.clone(),
            comment: row.comment.clone(),
            disposition: text(match row.disposition {
                None => "disposition_none",
                Some(DispositionKind::Accepted) => "disposition_accepted",
                Some(DispositionKind::PartlyAccepted) => "disposition_partly_accepted",
                Some(DispositionKind::Explained) => "disposition_explained",
            }),
            response: with_dispute(&text, row),
            // Grouped by section (nhóm vấn đề) when bodies were consulted: the
            // table then follows the consultation summary's layout; without
            // one it stays the plain list the committee is used to.
            group: model.register.as_ref().map(|_| match &row.section {
                Some(section) => text("dispositions_section").replace("{section}", section),
                None => text("dispositions_general"),
            }),
        })
        .collect();
    DispositionTable {
        summary: model.register.as_ref().map(|r| register_summary(catalog, language, r)).unwrap_or_default(),
        heading: text("dispositions_heading"),
        sheets: [text("dispositions_sheet_table"), text("dispositions_sheet_summary")],
        subtitle: text("dispositions_subtitle")
            .replace("{version}", &model.version.to_string())
            .replace("{title}", model.report.title.as_str()),
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

/// The drafting team's response, followed by what is still disputed about
/// it and the chair's decision, so every format of the table carries them.
fn with_dispute(text: &impl Fn(&str) -> String, row: &gopy_app::reports::DispositionLine) -> String {
    let mut response = row.response.clone();
    for (key, value) in [("dispositions_disagreement", &row.disagreement), ("dispositions_decision", &row.decision)] {
        if let Some(value) = value {
            if !response.is_empty() {
                response.push('\n');
            }
            response.push_str(&format!("{}: {value}", text(key)));
        }
    }
    response
}

/// The register's summary as the table opens with it, the way offices
/// write it: each group with its count and its bodies, then each body that
/// commented with what became of its comments.
fn register_summary(catalog: &Catalog, language: Language, register: &ConsultationRegister) -> Vec<String> {
    let text = |key: &str| catalog.text(language, key).to_owned();
    let s = &register.summary;
    let names = |ids: &[gopy_domain::BodyId]| ids.iter().map(|b| register.name_of(*b)).collect::<Vec<_>>().join(", ");
    let mut lines = vec![text("dispositions_register_intro").replace("{round}", &register.round.number.to_string())];
    for (key, ids) in [
        ("register_consulted", &s.consulted),
        ("register_with_comments", &s.with_comments),
        ("register_no_comment", &s.no_comment),
        ("register_deemed", &s.deemed),
        ("register_late", &s.late),
        ("register_not_replied", &s.not_replied),
    ] {
        if ids.is_empty() && key != "register_consulted" {
            continue;
        }
        lines.push(format!("- {}: {} ({}).", text(key), ids.len(), names(ids)));
    }
    for row in register.rows.iter().filter(|r| r.standing.comments > 0) {
        let st = &row.standing;
        lines.push(
            text("dispositions_register_body")
                .replace("{body}", &row.name)
                .replace("{comments}", &st.comments.to_string())
                .replace("{accepted}", &st.accepted.to_string())
                .replace("{partly}", &st.partly_accepted.to_string())
                .replace("{explained}", &st.explained.to_string()),
        );
    }
    lines
}

/// The table made into `kind`, off the async threads: a Word file of a
/// thousand rows takes a while.
async fn make_file(table: DispositionTable, report_title: String, kind: ExportKind) -> Result<KeptFile, AppError> {
    let failed = |e: String| AppError::Store(StoreError::Other(format!("export failed: {e}")));
    let name = move |extension: &str| Some(file_name(&["Bảng tổng hợp ý kiến", &report_title], extension));
    tokio::task::spawn_blocking(move || {
        Ok(match kind {
            ExportKind::Json => KeptFile {
                file_name: None,
                content_type: "application/json",
                bytes: Bytes::from(serde_json::to_vec(&table_response(&table)).map_err(|e| failed(e.to_string()))?),
            },
            ExportKind::Csv => KeptFile {
                file_name: name("csv"),
                content_type: "text/csv; charset=utf-8",
                bytes: Bytes::from(gopy_documents::dispositions_csv(&table)),
            },
            ExportKind::Docx => KeptFile {
                file_name: name("docx"),
                content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                bytes: Bytes::from(gopy_documents::dispositions_docx(&table).map_err(|e| failed(e.to_string()))?),
            },
            ExportKind::Xlsx => KeptFile {
                file_name: name("xlsx"),
                content_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                bytes: Bytes::from(gopy_documents::dispositions_xlsx(&table).map_err(|e| failed(e.to_string()))?),
            },
        })
    })
    .await
    .map_err(|e| failed(e.to_string()))?
}

fn send(file: &KeptFile) -> Response {
    let mut response = ([(CONTENT_TYPE, file.content_type)], file.bytes.clone()).into_response();
    if let Some(value) = file.file_name.as_deref().map(disposition_header).and_then(|v| v.parse().ok()) {
        response.headers_mut().insert(CONTENT_DISPOSITION, value);
    }
    response
}

/// The table as JSON or a file: `304` for a reader whose copy is current,
/// the kept file while the report is unchanged, a new one made and kept
/// otherwise. The one use case answers all three.
pub(crate) async fn table_file(
    state: &AppState,
    actor: &Actor,
    id: ReportId,
    language: Language,
    kind: ExportKind,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let tag = Tag::shared(language.code(), kind.as_str());
    let held = tag.known(headers);
    let kept = state.exports.get(id, language, kind);
    let known: Vec<u64> = held.into_iter().chain(kept.as_ref().map(|(count, _)| *count)).collect();
    let response = match state.app.dispositions(actor, id, &known).await? {
        Fresh::Unchanged { change_count } => match kept {
            Some((count, file)) if count == change_count && held != Some(change_count) => {
                let mut response = send(&file);
                tag.put(&mut response, change_count);
                response
            }
            // Unchanged at a count that is not the kept file's: the reader's.
            _ => tag.not_modified(change_count),
        },
        Fresh::Changed { change_count, model } => {
            let table = disposition_table(state.pages.catalog(), language, &model);
            let file = make_file(table, model.report.title.to_string(), kind).await?;
            let file = state.exports.put(id, language, kind, change_count, file);
            let mut response = send(&file);
            tag.put(&mut response, change_count);
            response
        }
    };
    Ok(revalidate(response))
}

#[derive(Serialize)]
struct DispositionsView {
    report: ReportRefView,
    table: DispositionTableResponse,
}

pub async fn dispositions_page(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, PagePath(id): PagePath<ReportId>) -> PageResult {
    let actor = &ctx.signed_in()?.actor;
    let tag = Tag::page(&ctx);
    let known: Vec<u64> = tag.known(&headers).into_iter().collect();
    let fresh = state.app.dispositions(actor, id, &known).await.map_err(|e| ctx.failure(&e))?;
    Ok(revalidate(match fresh {
        Fresh::Unchanged { change_count } => tag.not_modified(change_count),
        Fresh::Changed { change_count, model } => {
            let table = disposition_table(state.pages.catalog(), ctx.language, &model);
            let view = DispositionsView { report: ReportRefView::of(&model.report), table: table_response(&table) };
            let mut response = ctx.render("pages/dispositions", "dispositions_title", view);
            tag.put(&mut response, change_count);
            response
        }
    }))
}

pub async fn dispositions_file(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    PagePath((id, kind)): PagePath<(ReportId, ExportKind)>,
) -> PageResult {
    let actor = &ctx.signed_in()?.actor;
    table_file(&state, actor, id, ctx.language, kind, &headers).await.map_err(|e| ctx.failure(&e))
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
    /// The section of the draft the comment is about (nhóm vấn đề).
    pub group: Option<String>,
    /// The first row of its section: a heading row goes before it.
    pub starts_group: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DispositionTableResponse {
    pub heading: String,
    pub subtitle: String,
    /// Who was consulted and who answered, a sentence a line; empty when
    /// no round consulted bodies.
    pub summary: Vec<String>,
    pub columns: Vec<String>,
    pub rows: Vec<DispositionRowResponse>,
}

fn table_response(table: &DispositionTable) -> DispositionTableResponse {
    DispositionTableResponse {
        heading: table.heading.clone(),
        subtitle: table.subtitle.clone(),
        summary: table.summary.clone(),
        columns: table.columns.to_vec(),
        rows: table
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| DispositionRowResponse {
                starts_group: r.group.is_some() && (i == 0 || table.rows[i - 1].group != r.group),
                number: r.number,
                passage: r.passage.clone(),
                quote: r.quote.clone(),
                commenter: r.commenter.clone(),
                commenter_body: r.commenter_body.clone(),
                comment: r.comment.clone(),
                disposition: r.disposition.clone(),
                response: r.response.clone(),
                group: r.group.clone(),
            })
            .collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/dispositions", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The table of dispositions, in the caller's language and the document's order; with an `ETag`", body = DispositionTableResponse),
        (status = 304, description = "The copy whose tag was sent in `If-None-Match` is current"),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_dispositions(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    headers: HeaderMap,
    ApiPath(id): ApiPath<ReportId>,
) -> Response {
    let language = identity.user.language;
    let refuse = |err: &AppError| ApiError::from_app(state.pages.catalog(), language, err);
    match table_file(&state, &identity.actor, id, language, ExportKind::Json, &headers).await {
        Ok(response) => response,
        Err(err) => refuse(&err),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/{file}", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"),
        ("file" = String, Path, description = "`dispositions.docx`, `dispositions.xlsx` or `dispositions.csv`")),
    responses(
        (status = 200, description = "The table as a file, with an `ETag`", content(
            ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("text/csv"))),
        (status = 304, description = "The copy whose tag was sent in `If-None-Match` is current"),
        (status = 404, description = "No such report or format", body = ApiError)))]
pub async fn api_dispositions_file(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    headers: HeaderMap,
    ApiPath((id, kind)): ApiPath<(ReportId, ExportKind)>,
) -> Response {
    let language = identity.user.language;
    let refuse = |err: &AppError| ApiError::from_app(state.pages.catalog(), language, err);
    match table_file(&state, &identity.actor, id, language, kind, &headers).await {
        Ok(response) => response,
        Err(err) => refuse(&err),
    }
}

#[cfg(test)]
pub(super) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let view = DispositionsView {
        report: ReportRefView { id: "1".into(), title: "Báo cáo".into() },
        table: DispositionTableResponse {
            heading: "x".into(),
            subtitle: "x".into(),
            summary: vec!["x".into()],
            columns: vec!["STT".into()],
            rows: vec![DispositionRowResponse {
                number: 1,
                passage: "I ¶1".into(),
                quote: Some("x".into()),
                commenter: "x".into(),
                commenter_body: Some("x".into()),
                comment: "x".into(),
                disposition: "x".into(),
                response: "x".into(),
                group: Some("x".into()),
                starts_group: true,
            }],
        },
    };
    vec![("pages/dispositions", super::sample(&view))]
}
