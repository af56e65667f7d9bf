//! The pages of draft reports: the list, one report with its versions, a
//! version to read, the difference between two versions, and downloads.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::AppError;
use gopy_app::reports::{Download, ExportFormat, NewReport, ReportDetail, VersionDiff, VersionInput};
use gopy_documents::ImportLimits;
use gopy_domain::document::align::ChangeKind;
use gopy_domain::document::label::citation_labels;
use gopy_domain::document::BlockContent;
use gopy_domain::{Action, Actor, ReportId, ReportKind, Resource, User, UserId};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{Ctx, CsrfForm, CsrfUpload, PageResult};
use crate::i18n::{format_date_time, form_errors};
use crate::pages::merge;
use crate::render::{Side, block_element_html, block_html, kind_name, words_html};

/// The limits on what a version may be made from, from the configuration.
pub fn import_limits(state: &AppState) -> ImportLimits {
    ImportLimits { max_file_bytes: state.settings.server.upload_limit_bytes, ..ImportLimits::default() }
}

pub(crate) fn report_id(ctx: &Ctx, raw: &str) -> Result<ReportId, Response> {
    raw.parse().map_err(|_| ctx.not_found())
}

pub(crate) fn actor(ctx: &Ctx) -> Result<&Actor, Response> {
    Ok(&ctx.signed_in()?.actor)
}

pub(crate) fn kind_label(ctx: &Ctx, kind: ReportKind) -> String {
    ctx.pages.catalog().text(ctx.language, &format!("report_kind_{}", kind.as_str())).to_owned()
}

pub(crate) fn names(users: &[User]) -> HashMap<UserId, String> {
    users.iter().map(|u| (u.id, u.name.to_string())).collect()
}

// --- The list ----------------------------------------------------------------

pub async fn reports_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    reports_view(&state, &ctx, json!({}), StatusCode::OK).await
}

async fn reports_view(state: &AppState, ctx: &Ctx, extra: Value, status: StatusCode) -> PageResult {
    let actor = actor(ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let reports = state.app.reports_for(actor).await.map_err(fail)?;
    let committees = state.app.list_committees().await.map_err(fail)?;
    let bodies = state.app.list_bodies().await.map_err(fail)?;
    let may_create = ctx.can(Action::CreateReport, Resource::Organisation);
    let committee_name = |id| committees.iter().find(|c| c.id == id).map(|c| c.name.to_string());
    let body_name = |id| bodies.iter().find(|b| b.id == id).map(|b| b.name.to_string());
    let mut page = json!({
        "reports": reports.iter().map(|r| json!({
            "id": r.id,
            "title": r.title,
            "kind": kind_label(ctx, r.kind),
            "committee": committee_name(r.committee),
            "body": body_name(r.body),
        })).collect::<Vec<_>>(),
        "may_create": may_create,
        "values": {},
    });
    if may_create {
        let users = state.app.users().await.map_err(fail)?;
        let terms = state.app.list_terms().await.map_err(fail)?;
        merge(&mut page, json!({
            "kinds": ReportKind::ALL.iter().map(|k| json!({ "value": k.as_str(), "label": kind_label(ctx, *k) })).collect::<Vec<_>>(),
            "bodies": bodies.iter().map(|b| json!({ "id": b.id, "name": b.name })).collect::<Vec<_>>(),
            "committees": committees.iter().map(|c| json!({ "id": c.id, "name": c.name })).collect::<Vec<_>>(),
            "terms": terms.iter().map(|t| json!({ "id": t.id, "name": t.name })).collect::<Vec<_>>(),
            "people": users.iter().filter(|u| u.active).map(|u| json!({ "id": u.id, "name": u.name, "email": u.email })).collect::<Vec<_>>(),
        }));
    }
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/reports", "reports_title", page))
}

/// The new-report form, read as pairs: several drafters share one name.
pub async fn create_report(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let actor = actor(&ctx)?;
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    let drafters: Vec<UserId> =
        pairs.iter().filter(|(k, _)| k == "drafters").filter_map(|(_, v)| v.parse().ok()).collect();
    let new = NewReport {
        kind: field("kind").parse().unwrap_or(ReportKind::Other),
        title: field("title").to_owned(),
        term: field("term").parse().ok(),
        body: field("body").parse().ok(),
        committee: field("committee").parse().ok(),
        drafters: drafters.clone(),
        lead: field("lead").parse().ok(),
    };
    match state.app.create_report(actor, new).await {
        Ok(report) => Ok(Redirect::to(&format!("/reports/{}", report.id)).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let values = json!({
                "title": field("title"), "kind": field("kind"), "term": field("term"), "body": field("body"),
                "committee": field("committee"), "lead": field("lead"), "drafters": drafters,
            });
            let extra = json!({ "values": values, "errors": form_errors(&ctx, &err) });
            reports_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- One report ------------------------------------------------------------------

pub async fn report_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = report_id(&ctx, &id)?;
    report_view(&state, &ctx, id, json!({}), StatusCode::OK).await
}

pub(crate) async fn report_view(state: &AppState, ctx: &Ctx, id: ReportId, extra: Value, status: StatusCode) -> PageResult {
    let actor = actor(ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let ReportDetail { report, team, versions } = state.app.report_detail(actor, id).await.map_err(fail)?;
    let people = super::review::Directory::load(state).await.map_err(fail)?;
    let committee = state.app.committee(report.committee).await.map_err(fail)?;
    let zone = &ctx.signed_in()?.user.time_zone;
    let resource = gopy_app::reports::report_resource(&report);
    let mut page = json!({
        "id": report.id,
        "title": report.title,
        "kind": kind_label(ctx, report.kind),
        "committee": { "id": committee.id, "name": committee.name },
        "body": people.body_name(report.body),
        "team": team.iter().map(|d| json!({ "name": people.name(d.user), "lead": d.lead })).collect::<Vec<_>>(),
        "versions": versions.iter().rev().map(|v| json!({
            "number": v.number,
            "created_at": format_date_time(v.created_at, zone),
            "author": people.name(v.created_by),
            "source": ctx.pages.catalog().text(ctx.language, &format!("version_source_{}", v.source.as_str())),
            "file_name": v.file_name,
            "change_note": v.change_note,
            "words": crate::i18n::format_count(u64::from(v.word_count)),
            "previous": (v.number > 1).then(|| v.number - 1),
        })).collect::<Vec<_>>(),
        "next_number": versions.last().map_or(1, |v| v.number + 1),
        "may_add_version": ctx.can(Action::AddVersion, resource) && gopy_domain::workflow::versions_open(report.status),
        "upload_limit": crate::i18n::format_bytes(state.settings.server.upload_limit_bytes),
        "life": super::rounds::life_view(state, ctx, &report, &people).await.map_err(fail)?,
        "values": {},
    });
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/report", "report_title", page))
}

/// A new version from an uploaded file or from Markdown written on the page.
/// "Preview" shows the Markdown's blocks without making a version.
pub async fn add_version(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfUpload(form): CsrfUpload,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let note = form.field("change_note").to_owned();
    let markdown = form.field("markdown").to_owned();
    let kept = json!({ "values": { "change_note": note, "markdown": markdown } });
    if form.field("action") == "preview" {
        let preview = match gopy_documents::import_markdown(&markdown, &import_limits(&state)) {
            Ok(imported) => json!({ "preview": blocks_view(&imported.blocks) }),
            Err(err) => {
                let err = AppError::invalid("markdown", gopy_app::InvalidReason::Import(err));
                json!({ "errors": form_errors(&ctx, &err) })
            }
        };
        let mut extra = kept;
        merge(&mut extra, preview);
        return report_view(&state, &ctx, id, extra, StatusCode::OK).await;
    }
    let input = match form.file {
        Some(file) => VersionInput::File { bytes: file.bytes, file_name: file.name },
        None => VersionInput::Markdown(markdown),
    };
    match state.app.add_version(actor, id, input, &note, &import_limits(&state)).await {
        Ok(version) => Ok(Redirect::to(&format!("/reports/{id}/versions/{}", version.number)).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let mut extra = kept;
            merge(&mut extra, json!({ "errors": form_errors(&ctx, &err) }));
            report_view(&state, &ctx, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- Reading a version -----------------------------------------------------------

/// Blocks as the version page draws them (also the preview of Markdown).
pub(crate) fn blocks_view(contents: &[BlockContent]) -> Vec<Value> {
    let labels = citation_labels(contents);
    contents
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (content, label))| {
            json!({ "n": i + 1, "label": label, "kind": kind_name(content), "html": block_element_html(content) })
        })
        .collect()
}

// --- Comparing two versions ----------------------------------------------------

#[derive(Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
    view: Option<String>,
}

pub async fn diff_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<DiffQuery>,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let detail = state.app.report_detail(actor, id).await.map_err(fail)?;
    let latest = detail.versions.last().map_or(1, |v| v.number);
    let to = query.to.as_deref().and_then(|n| n.parse().ok()).unwrap_or(latest);
    let from = query.from.as_deref().and_then(|n| n.parse().ok()).unwrap_or(to.saturating_sub(1).max(1));
    let inline = query.view.as_deref() == Some("inline");
    let diff = state.app.diff(actor, id, from, to).await.map_err(fail)?;
    let page = json!({
        "report": { "id": diff.report.id, "title": diff.report.title },
        "from": from,
        "to": to,
        "inline": inline,
        "counts": diff.alignment.counts(),
        "rows": diff_rows(&diff, inline, |kind| {
            ctx.pages.catalog().text(ctx.language, &format!("diff_kind_{}", change_kind_name(kind))).to_owned()
        }),
        "versions": detail.versions.iter().map(|v| json!({
            "number": v.number, "is_from": v.number == from, "is_to": v.number == to,
        })).collect::<Vec<_>>(),
    });
    Ok(ctx.render("pages/diff", "diff_title", page))
}

/// The rows of a diff page. Runs of kept blocks fold into one row that says
/// how many passages are unchanged, so the changes stand out.
fn diff_rows(diff: &VersionDiff, inline: bool, kind_label: impl Fn(ChangeKind) -> String) -> Vec<Value> {
    let old: Vec<&BlockContent> = diff.from.blocks.iter().map(|b| &b.content).collect();
    let new: Vec<&BlockContent> = diff.to.blocks.iter().map(|b| &b.content).collect();
    let old_labels = citation_labels(old.iter().copied());
    let new_labels = citation_labels(new.iter().copied());
    let mut rows: Vec<Value> = Vec::new();
    let mut kept_run: Vec<&str> = Vec::new();
    let flush = |rows: &mut Vec<Value>, kept_run: &mut Vec<&str>| {
        if let (Some(first), Some(last)) = (kept_run.first(), kept_run.last()) {
            rows.push(json!({ "kept": true, "count": kept_run.len(), "first": first, "last": last }));
            kept_run.clear();
        }
    };
    for change in &diff.alignment.changes {
        if change.kind == ChangeKind::Kept {
            if let Some(n) = change.new {
                kept_run.push(new_labels.get(n).map_or("", String::as_str));
            }
            continue;
        }
        flush(&mut rows, &mut kept_run);
        let old_block = change.old.and_then(|i| old.get(i));
        let new_block = change.new.and_then(|i| new.get(i));
        let old_html = match (change.words.is_empty(), old_block) {
            (false, _) => Some(words_html(&change.words, Side::Old)),
            (true, Some(b)) => Some(block_html(b)),
            _ => None,
        };
        let new_html = match (change.words.is_empty(), new_block) {
            (false, _) => Some(words_html(&change.words, Side::New)),
            (true, Some(b)) => Some(block_html(b)),
            _ => None,
        };
        let inline_html = if change.words.is_empty() {
            match change.kind {
                ChangeKind::Removed => old_html.as_ref().map(|h| format!("<del>{h}</del>")),
                ChangeKind::Added => new_html.as_ref().map(|h| format!("<ins>{h}</ins>")),
                _ => new_html.clone(),
            }
        } else {
            Some(words_html(&change.words, Side::Inline))
        };
        rows.push(json!({
            "kind": change.kind,
            "kind_label": kind_label(change.kind),
            "old_label": change.old.and_then(|i| old_labels.get(i)),
            "new_label": change.new.and_then(|i| new_labels.get(i)),
            "split_from": change.split_from.and_then(|i| old_labels.get(i)),
            "old_html": old_html,
            "new_html": new_html,
            "inline_html": if inline { inline_html } else { None },
            "is_added": change.kind == ChangeKind::Added,
            "is_removed": change.kind == ChangeKind::Removed,
            "is_moved": change.kind == ChangeKind::Moved,
        }));
    }
    flush(&mut rows, &mut kept_run);
    rows
}

fn change_kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Kept => "kept",
        ChangeKind::Changed => "changed",
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Moved => "moved",
    }
}

// --- Downloads -------------------------------------------------------------------

/// `attachment; filename=…` with the name in both the plain and the RFC 5987
/// form, so browsers keep a Vietnamese name whole.
pub fn attachment(download: Download) -> Response {
    let ascii: String = download.file_name.chars().filter(|c| c.is_ascii_graphic() && *c != '"').collect();
    let encoded: String = download
        .file_name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    ([(CONTENT_TYPE, download.content_type.to_owned()), (CONTENT_DISPOSITION, disposition)], download.bytes).into_response()
}

pub async fn export_version(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number, format)): Path<(String, String, String)>,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let number: u32 = number.parse().map_err(|_| ctx.not_found())?;
    let format = match format.as_str() {
        "export.docx" => ExportFormat::Docx,
        "export.md" => ExportFormat::Markdown,
        _ => return Err(ctx.not_found()),
    };
    let actor = actor(&ctx)?;
    let download = state.app.export_version(actor, id, number, format).await.map_err(|e| ctx.failure(&e))?;
    Ok(attachment(download))
}
