//! The review pages: a version with its comments beside their passages, the
//! comment form (a passage chosen by selecting text, or a whole block), the
//! threads' replies, edits, withdrawals and dispositions, the comment list,
//! and the live stream that keeps open pages up to date.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::AppError;
use gopy_app::comments::{NewAnchor, NewComment, ReviewView, Thread};
use gopy_app::reports::report_resource;
use gopy_domain::document::BlockContent;
use gopy_domain::document::label::citation_labels;
use gopy_domain::{
    Action, Body, Comment, CommentId, DispositionKind, Placement, Report, ReportId, User, UserId, Version,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::reports::{actor, kind_label, report_id};
use crate::AppState;
use crate::auth::{Ctx, CsrfForm, PageResult};
use crate::i18n::{format_date_time, form_errors};
use crate::live::Change;
use crate::pages::merge;
use crate::render::{block_element_html, kind_name};

/// People and bodies by id, to name who said what.
pub(crate) struct Directory {
    users: HashMap<UserId, User>,
    bodies: HashMap<gopy_domain::BodyId, Body>,
}

impl Directory {
    pub(crate) async fn load(state: &AppState) -> Result<Self, AppError> {
        let users = state.app.users().await?.into_iter().map(|u| (u.id, u)).collect();
        let bodies = state.app.list_bodies().await?.into_iter().map(|b| (b.id, b)).collect();
        Ok(Self { users, bodies })
    }

    pub(crate) fn name(&self, user: UserId) -> String {
        self.users.get(&user).map(|u| u.name.to_string()).unwrap_or_default()
    }

    pub(crate) fn body_name(&self, body: gopy_domain::BodyId) -> Option<String> {
        self.bodies.get(&body).map(|b| b.name.to_string())
    }

    pub(crate) fn body_of(&self, user: UserId) -> Option<String> {
        let body = self.users.get(&user)?.body?;
        self.bodies.get(&body).map(|b| b.name.to_string())
    }
}

fn disposition_label(ctx: &Ctx, kind: Option<DispositionKind>) -> String {
    let key = match kind {
        None => "disposition_none",
        Some(DispositionKind::Accepted) => "disposition_accepted",
        Some(DispositionKind::PartlyAccepted) => "disposition_partly_accepted",
        Some(DispositionKind::Explained) => "disposition_explained",
    };
    ctx.pages.catalog().text(ctx.language, key).to_owned()
}

/// A thread as the templates draw it, with what the viewer may do to it.
pub(crate) fn thread_view(
    ctx: &Ctx,
    report: &Report,
    thread: &Thread,
    labels: &HashMap<String, String>,
    people: &Directory,
    zone: &str,
) -> Value {
    let actor = ctx.identity.as_ref().map(|i| &i.actor);
    let comment = &thread.comment;
    let may = |action| {
        let resource = gopy_domain::Resource::Comment {
            report: report.id,
            committee: report.committee,
            author: comment.author,
            recorded_by: comment.recorded_by,
        };
        actor.is_some_and(|a| gopy_domain::authorize(a, action, resource).is_ok())
    };
    let on_report = |action| ctx.can(action, report_resource(report));
    let placement = thread.placement.as_ref();
    let shown = placement.and_then(|p| p.anchor.as_ref());
    let original_quote = comment.anchor.as_ref().and_then(|a| a.span.as_ref()).map(|s| s.quote.clone());
    let placement_kind = placement.map_or(Placement::Current, |p| p.placement);
    let disposition = comment.disposition.as_ref();
    json!({
        "id": comment.id,
        "author": people.name(comment.author),
        "author_body": people.body_of(comment.author),
        "recorded_by": comment.recorded_by.map(|u| people.name(u)),
        "at_meeting": comment.at_meeting,
        "label": shown.and_then(|a| labels.get(a.block.as_str())),
        "block": shown.map(|a| a.block.to_string()),
        "quote": shown.and_then(|a| a.span.as_ref()).map(|s| s.quote.clone()).or(original_quote.clone()),
        "original_quote": original_quote,
        "made_on": comment.version_number,
        "passage_changed": placement_kind == Placement::PassageChanged,
        "outdated": placement_kind == Placement::Outdated,
        "body": comment.body,
        "created_at": format_date_time(comment.created_at, zone),
        "edited": comment.edited_at.is_some(),
        "withdrawn": comment.is_withdrawn(),
        "late": comment.late,
        "awaiting": comment.awaits_answer(),
        "disposition": disposition.map(|d| json!({
            "kind": d.kind.as_str(),
            "response": d.response,
            "addressed_in": d.addressed_in,
            "by": people.name(d.decided_by),
        })),
        "disposition_kind": disposition.map(|d| d.kind.as_str()),
        "disposition_label": disposition_label(ctx, disposition.map(|d| d.kind)),
        "replies": thread.replies.iter().map(|r| reply_view(r, people, zone)).collect::<Vec<_>>(),
        "may_edit": !comment.is_withdrawn() && may(Action::EditComment),
        "may_withdraw": !comment.is_withdrawn() && may(Action::WithdrawComment),
        "may_answer": !comment.is_withdrawn() && on_report(Action::AnswerComment),
        "may_reply": on_report(Action::Reply),
        "may_history": comment.edited_at.is_some() && on_report(Action::ViewCommentHistory),
        "dispositions": DispositionKind::ALL.iter().map(|k| json!({
            "value": k.as_str(),
            "label": disposition_label(ctx, Some(*k)),
            "selected": disposition.is_some_and(|d| d.kind == *k),
        })).collect::<Vec<_>>(),
    })
}

fn reply_view(reply: &Comment, people: &Directory, zone: &str) -> Value {
    json!({
        "id": reply.id,
        "author": people.name(reply.author),
        "body": reply.body,
        "created_at": format_date_time(reply.created_at, zone),
        "edited": reply.edited_at.is_some(),
    })
}

/// Citation labels of a version, by block id.
pub(crate) fn labels_by_block(version: Option<&Version>) -> HashMap<String, String> {
    let Some(version) = version else { return HashMap::new() };
    let labels = citation_labels(version.blocks.iter().map(|b| &b.content));
    version.blocks.iter().zip(labels).map(|(b, l)| (b.id.to_string(), l)).collect()
}

fn zone(ctx: &Ctx) -> String {
    ctx.identity.as_ref().map_or_else(|| gopy_domain::User::DEFAULT_TIME_ZONE.to_owned(), |i| i.user.time_zone.clone())
}

// --- The version page ------------------------------------------------------------

#[derive(Deserialize)]
pub struct VersionQuery {
    /// A block to comment on, from the per-block link (pages without script).
    comment_on: Option<String>,
}

pub async fn version_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
    Query(query): Query<VersionQuery>,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let number: u32 = number.parse().map_err(|_| ctx.not_found())?;
    let extra = json!({ "values": { "block": query.comment_on } });
    version_view(&state, &ctx, id, number, extra, StatusCode::OK).await
}

/// The version page: the document with each block's comments beside it.
/// `extra` carries a refused form's values and errors.
async fn version_view(
    state: &AppState,
    ctx: &Ctx,
    id: ReportId,
    number: u32,
    extra: Value,
    status: StatusCode,
) -> PageResult {
    let actor = actor(ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let ReviewView { report, version, threads, counts } =
        state.app.review_on(actor, id, Some(number)).await.map_err(fail)?;
    let Some(version) = version else { return Err(ctx.not_found()) };
    let detail = state.app.report_detail(actor, id).await.map_err(fail)?;
    let people = Directory::load(state).await.map_err(fail)?;
    let zone = zone(ctx);
    let labels = labels_by_block(Some(&version));
    let mut by_block: HashMap<String, Vec<Value>> = HashMap::new();
    let (mut whole, mut outdated) = (Vec::new(), Vec::new());
    for thread in &threads {
        let view = thread_view(ctx, &report, thread, &labels, &people, &zone);
        match thread.placement.as_ref().and_then(|p| p.anchor.as_ref()) {
            Some(anchor) => by_block.entry(anchor.block.to_string()).or_default().push(view),
            None if view["outdated"] == true => outdated.push(view),
            None => whole.push(view),
        }
    }
    let chosen = extra["values"]["block"].as_str().map(str::to_owned);
    let blocks: Vec<Value> = version
        .blocks
        .iter()
        .enumerate()
        .map(|(i, block)| {
            let label = labels.get(block.id.as_str());
            json!({
                "id": block.id,
                "n": i + 1,
                "label": label,
                "kind": kind_name(&block.content),
                "is_table": matches!(block.content, BlockContent::Table { .. }),
                "html": block_element_html(&block.content),
                "comments": by_block.remove(block.id.as_str()).unwrap_or_default(),
            })
        })
        .collect();
    let toc: Vec<Value> = version
        .blocks
        .iter()
        .filter_map(|b| match &b.content {
            BlockContent::Heading { level, text } if *level > 1 => {
                Some(json!({ "id": b.id, "level": level, "text": text.text() }))
            }
            _ => None,
        })
        .collect();
    let latest = detail.versions.last().map_or(number, |v| v.number);
    let resource = report_resource(&report);
    let may_comment = number == latest && ctx.can(Action::PostComment, resource);
    let may_record = may_comment && ctx.can(Action::RecordComment, resource);
    let members: Vec<Value> = if may_record {
        state
            .app
            .memberships_of_committee(report.committee)
            .await
            .map_err(fail)?
            .iter()
            .map(|m| json!({ "id": m.user, "name": people.name(m.user) }))
            .collect()
    } else {
        Vec::new()
    };
    let catalog = ctx.pages.catalog();
    let mut page = json!({
        "report": { "id": report.id, "title": report.title, "kind": kind_label(ctx, report.kind) },
        "version": {
            "number": version.number,
            "created_at": format_date_time(version.created_at, &zone),
            "author": people.name(version.created_by),
            "change_note": version.change_note,
            "words": crate::i18n::format_count(version.word_count() as u64),
        },
        "latest": latest,
        "is_latest": number == latest,
        "approval": report.approval.filter(|a| a.version == number).map(|a| json!({
            "by": people.name(a.by), "at": format_date_time(a.at, &zone),
        })),
        "toc": toc,
        "blocks": blocks,
        "whole": whole,
        "outdated": outdated,
        "counts": counts,
        "counts_text": counts_text(ctx, counts.comments, counts.awaiting),
        "previous": (number > 1).then(|| number - 1),
        "versions": detail.versions.iter().map(|v| json!({ "number": v.number, "current": v.number == number })).collect::<Vec<_>>(),
        "may_comment": may_comment,
        "may_record": may_record,
        "members": members,
        "chosen_label": chosen.as_deref().and_then(|b| labels.get(b)),
        "comment_limit": catalog.text(ctx.language, "comment_limit").replace("{max}", &crate::i18n::format_count(gopy_domain::CommentText::MAX_CHARS as u64)),
        "values": {},
    });
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/version", "version_title", page))
}

/// "14 ý kiến, 3 chưa trả lời".
pub(crate) fn counts_text(ctx: &Ctx, comments: usize, awaiting: usize) -> String {
    ctx.pages
        .catalog()
        .text(ctx.language, "comments_counts")
        .replace("{comments}", &crate::i18n::format_count(comments as u64))
        .replace("{awaiting}", &crate::i18n::format_count(awaiting as u64))
}

// --- Posting and answering ---------------------------------------------------------

#[derive(Deserialize, serde::Serialize)]
pub struct CommentForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    block: String,
    #[serde(default)]
    start: String,
    #[serde(default)]
    end: String,
    #[serde(default)]
    quote: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    author: String,
    at_meeting: Option<String>,
}

pub async fn post_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let number: u32 = form.version.parse().unwrap_or(0);
    let blank = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
    let new = NewComment {
        version: number,
        anchor: NewAnchor {
            block: blank(&form.block),
            start: form.start.trim().parse().ok(),
            end: form.end.trim().parse().ok(),
            quote: blank(&form.quote),
        },
        body: form.body.clone(),
        on_behalf_of: form.author.parse().ok(),
        at_meeting: form.at_meeting.is_some(),
    };
    match state.app.post_comment(actor, id, new).await {
        Ok(comment) => {
            state.live.announce(Change { report: id, thread: comment.id, kind: "posted" });
            Ok(Redirect::to(&format!("/reports/{id}/versions/{number}#comment-{}", comment.id)).into_response())
        }
        Err(err @ AppError::Invalid { .. }) => {
            let extra = json!({ "values": form, "errors": form_errors(&ctx, &err), "form_open": true });
            let shown = if number == 0 { 1 } else { number };
            version_view(&state, &ctx, id, shown, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

fn comment_id(ctx: &Ctx, raw: &str) -> Result<CommentId, Response> {
    raw.parse().map_err(|_| ctx.not_found())
}

/// After a change to a thread: back to it on the version it is shown on,
/// or, when refused, the same page with what was typed and why.
async fn after_thread_change(
    state: &AppState,
    ctx: &Ctx,
    id: CommentId,
    result: Result<Comment, AppError>,
    kind: &'static str,
    typed: Value,
) -> PageResult {
    match result {
        Ok(changed) => {
            let thread = changed.parent.unwrap_or(changed.id);
            state.live.announce(Change { report: changed.report, thread, kind });
            let latest = state.app.report_detail(actor(ctx)?, changed.report).await.map_err(|e| ctx.failure(&e))?;
            let number = latest.versions.last().map_or(changed.version_number, |v| v.number);
            Ok(Redirect::to(&format!("/reports/{}/versions/{number}#comment-{thread}", changed.report)).into_response())
        }
        Err(err @ AppError::Invalid { .. }) => {
            let (report, _) = state.app.comment(actor(ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
            let latest = state.app.report_detail(actor(ctx)?, report.id).await.map_err(|e| ctx.failure(&e))?;
            let number = latest.versions.last().map_or(1, |v| v.number);
            let extra = json!({ "thread_form": { "id": id, "values": typed, "errors": form_errors(ctx, &err) } });
            version_view(state, ctx, report.id, number, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

#[derive(Deserialize, serde::Serialize)]
pub struct TextForm {
    #[serde(default)]
    body: String,
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> PageResult {
    let id = comment_id(&ctx, &id)?;
    let result = state.app.reply(actor(&ctx)?, id, &form.body).await;
    after_thread_change(&state, &ctx, id, result, "replied", json!({ "reply": form.body })).await
}

pub async fn edit_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> PageResult {
    let id = comment_id(&ctx, &id)?;
    let result = state.app.edit_comment(actor(&ctx)?, id, &form.body).await;
    after_thread_change(&state, &ctx, id, result, "edited", json!({ "edit": form.body })).await
}

pub async fn withdraw_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Value>,
) -> PageResult {
    let id = comment_id(&ctx, &id)?;
    let result = state.app.withdraw_comment(actor(&ctx)?, id).await;
    after_thread_change(&state, &ctx, id, result, "withdrawn", json!({})).await
}

#[derive(Deserialize, serde::Serialize)]
pub struct DispositionForm {
    #[serde(default)]
    disposition: String,
    #[serde(default)]
    response: String,
    #[serde(default)]
    addressed_in: String,
}

pub async fn answer_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DispositionForm>,
) -> PageResult {
    let id = comment_id(&ctx, &id)?;
    let result = match form.disposition.parse::<DispositionKind>() {
        Ok(kind) => {
            let addressed_in = form.addressed_in.trim().parse().ok();
            state.app.answer_comment(actor(&ctx)?, id, kind, &form.response, addressed_in).await
        }
        Err(_) => Err(AppError::invalid("disposition", gopy_app::InvalidReason::Missing)),
    };
    after_thread_change(&state, &ctx, id, result, "answered", json!(form)).await
}

// --- Live updates ----------------------------------------------------------------

/// The live stream of a report's changes, for its open pages.
pub async fn events(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = report_id(&ctx, &id)?;
    // Reading the report checks that the person may see it.
    state.app.report_detail(actor(&ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(state.live.events(id).into_response())
}

#[derive(Deserialize)]
pub struct CardQuery {
    version: Option<u32>,
}

/// One thread drawn as on the version page, for the live update to put in
/// place; its counts go along in a header.
pub async fn thread_card(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<CardQuery>,
) -> PageResult {
    let id = comment_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let (report, _) = state.app.comment(actor, id).await.map_err(fail)?;
    let review = state.app.review_on(actor, report.id, query.version).await.map_err(fail)?;
    let thread = review.threads.iter().find(|t| t.comment.id == id).ok_or_else(|| ctx.not_found())?;
    let people = Directory::load(&state).await.map_err(fail)?;
    let labels = labels_by_block(review.version.as_ref());
    let view = thread_view(&ctx, &review.report, thread, &labels, &people, &zone(&ctx));
    let page = json!({ "thread": view, "report": { "id": report.id }, "counts_text": counts_text(&ctx, review.counts.comments, review.counts.awaiting) });
    Ok(ctx.pages.render_fragment(&ctx.frame(), "partials/thread_card", page))
}

// --- The comment list ------------------------------------------------------------

#[derive(Deserialize)]
pub struct ListQuery {
    disposition: Option<String>,
    author: Option<String>,
    body: Option<String>,
    section: Option<String>,
}

/// Every comment of a report with its answer, filterable by disposition,
/// author, the author's body and the section of the document.
pub async fn comments_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(query): Query<ListQuery>,
) -> PageResult {
    let id = report_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let review = state.app.review(actor, id).await.map_err(fail)?;
    let people = Directory::load(&state).await.map_err(fail)?;
    let labels = labels_by_block(review.version.as_ref());
    let zone = zone(&ctx);
    let wanted = |q: &Option<String>| q.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
    let (disposition, author, body, section) =
        (wanted(&query.disposition), wanted(&query.author), wanted(&query.body), wanted(&query.section));
    let sections: Vec<String> = {
        let mut all: Vec<String> = labels.values().filter_map(|l| section_of(l)).collect();
        all.sort_by_key(|s| (s.len(), s.clone()));
        all.dedup();
        all
    };
    let threads: Vec<Value> = review
        .threads
        .iter()
        .filter(|t| {
            let c = &t.comment;
            let kind = if c.is_withdrawn() {
                "withdrawn"
            } else {
                c.disposition.as_ref().map_or("none", |d| d.kind.as_str())
            };
            let label = t.placement.as_ref().and_then(|p| p.anchor.as_ref()).and_then(|a| labels.get(a.block.as_str()));
            disposition.as_deref().is_none_or(|d| d == kind)
                && author.as_deref().is_none_or(|a| a == c.author.to_string())
                && body.as_deref().is_none_or(|b| people.users.get(&c.author).and_then(|u| u.body).is_some_and(|ub| ub.to_string() == b))
                && section.as_deref().is_none_or(|s| label.and_then(|l| section_of(l)).is_some_and(|ls| ls == s))
        })
        .map(|t| thread_view(&ctx, &review.report, t, &labels, &people, &zone))
        .collect();
    let mut authors: Vec<UserId> = review.threads.iter().map(|t| t.comment.author).collect();
    authors.sort_by_cached_key(|u| gopy_domain::collation_key(&people.name(*u)));
    authors.dedup();
    let mut bodies: Vec<(String, String)> = authors
        .iter()
        .filter_map(|u| people.users.get(u).and_then(|u| u.body))
        .filter_map(|b| people.bodies.get(&b).map(|body| (b.to_string(), body.name.to_string())))
        .collect();
    bodies.sort();
    bodies.dedup();
    let catalog = ctx.pages.catalog();
    let option = |value: &str, label: String, chosen: &Option<String>| {
        json!({ "value": value, "label": label, "selected": chosen.as_deref() == Some(value) })
    };
    let page = json!({
        "report": { "id": review.report.id, "title": review.report.title },
        "version": review.version.as_ref().map(|v| v.number),
        "counts": review.counts,
        "counts_text": counts_text(&ctx, review.counts.comments, review.counts.awaiting),
        "threads": threads,
        "filtered": disposition.is_some() || author.is_some() || body.is_some() || section.is_some(),
        "dispositions": [
            option("none", disposition_label(&ctx, None), &disposition),
            option("accepted", disposition_label(&ctx, Some(DispositionKind::Accepted)), &disposition),
            option("partly_accepted", disposition_label(&ctx, Some(DispositionKind::PartlyAccepted)), &disposition),
            option("explained", disposition_label(&ctx, Some(DispositionKind::Explained)), &disposition),
            option("withdrawn", catalog.text(ctx.language, "comment_withdrawn").to_owned(), &disposition),
        ],
        "authors": authors.iter().map(|u| option(&u.to_string(), people.name(*u), &author)).collect::<Vec<_>>(),
        "bodies": bodies.iter().map(|(id, name)| option(id, name.clone(), &body)).collect::<Vec<_>>(),
        "sections": sections.iter().map(|s| option(s, s.clone(), &section)).collect::<Vec<_>>(),
    });
    Ok(ctx.render("pages/comments", "comments_title", page))
}

/// The top-level part a label belongs to: "II" for "II.1 ¶2".
fn section_of(label: &str) -> Option<String> {
    let chain = label.split_whitespace().next().filter(|c| !c.starts_with('¶'))?;
    chain.split('.').next().map(str::to_owned)
}

/// The earlier texts of an edited comment, for the secretariat.
pub async fn history_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = comment_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let revisions = state.app.comment_history(actor, id).await.map_err(fail)?;
    let (report, comment) = state.app.comment(actor, id).await.map_err(fail)?;
    let people = Directory::load(&state).await.map_err(fail)?;
    let zone = zone(&ctx);
    let page = json!({
        "report": { "id": report.id, "title": report.title },
        "version": comment.version_number,
        "comment": { "id": comment.id, "author": people.name(comment.author), "body": comment.body },
        "revisions": revisions.iter().map(|r| json!({
            "body": r.body, "replaced_at": format_date_time(r.replaced_at, &zone),
        })).collect::<Vec<_>>(),
    });
    Ok(ctx.render("pages/comment_history", "comment_history", page))
}
