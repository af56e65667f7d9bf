//! The review loop, as pages and as JSON: a version with every passage and
//! its comments counted by state, the threads of a passage loaded when the
//! reader opens it, the comment form (a passage chosen by selecting text,
//! or a whole block), replies, edits, withdrawals and dispositions, the
//! comment list, a comment's history, and the live stream that keeps open
//! pages up to date.
//!
//! Each page handler calls one read use case of `gopy_app::review` and
//! renders one typed view from this module; what the viewer may do comes
//! decided with the read model.

pub mod api;
mod pages;


use axum::Router;
use axum::routing::{get, post};
use gopy_app::review::{PassageRef, ThreadModel};
use gopy_domain::{CommentCounts, DispositionKind, Placement, User};
use serde::Serialize;

use crate::AppState;
use crate::auth::Ctx;
use crate::i18n::format_date_time;

/// The pages' routes; the JSON API's are in [`api::router`].
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports/{id}/versions/{number}", get(pages::version_page))
        .route("/reports/{id}/versions/{number}/passages/{block}/threads", get(pages::passage_page))
        .route("/reports/{id}/comments", get(pages::comments_page).post(pages::post_comment))
        .route("/reports/{id}/events", get(pages::events))
        .route("/comments/{id}/replies", post(pages::reply))
        .route("/comments/{id}/edit", post(pages::edit_comment))
        .route("/comments/{id}/withdraw", post(pages::withdraw_comment))
        .route("/comments/{id}/disposition", post(pages::answer_comment))
        .route("/comments/{id}/card", get(pages::thread_card))
        .route("/comments/{id}/history", get(pages::history_page))
}

// --- Shared pieces of the views ------------------------------------------------------

/// A report as the review pages link back to it.
#[derive(Serialize)]
pub struct ReportLink {
    pub id: String,
    pub title: String,
}

/// A choice in a list (a filter, a disposition), and whether it is chosen.
#[derive(Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A passage's (or a list's) comments counted by state, and in words.
#[derive(Serialize)]
pub struct CountsView {
    /// Every comment, withdrawn ones included.
    pub total: usize,
    pub comments: usize,
    pub awaiting: usize,
    pub accepted: usize,
    pub partly_accepted: usize,
    pub explained: usize,
    pub withdrawn: usize,
    /// "3 ý kiến, 1 chưa trả lời".
    pub text: String,
}

impl CountsView {
    pub fn new(ctx: &Ctx, counts: &CommentCounts) -> Self {
        Self {
            total: counts.comments + counts.withdrawn,
            comments: counts.comments,
            awaiting: counts.awaiting,
            accepted: counts.accepted,
            partly_accepted: counts.partly_accepted,
            explained: counts.explained,
            withdrawn: counts.withdrawn,
            text: counts_text(ctx, counts.comments, counts.awaiting),
        }
    }
}

/// The drafting team's answer as a thread shows it.
#[derive(Serialize)]
pub struct AnswerView {
    pub kind: &'static str,
    pub response: Option<String>,
    pub addressed_in: Option<u32>,
    pub by: String,
    /// Not yet published: the drafting team's draft (only the team and the
    /// secretariat are shown one).
    pub draft: bool,
}

#[derive(Serialize)]
pub struct ReplyView {
    pub id: String,
    pub author: String,
    pub body: String,
    pub created_at: String,
    pub edited: bool,
}

/// What was typed into a thread's form that was refused, and why: the
/// message goes beside the form it is about (`reply`, `edit`, `answer` or
/// `withdraw`), which is drawn open with what was typed.
#[derive(Serialize, Default)]
pub struct ThreadFormView {
    pub reply: Option<String>,
    pub edit: Option<String>,
    pub response: Option<String>,
    /// The reason typed for a withdrawal.
    pub reason: Option<String>,
    /// The disposition chosen in a refused answer: it stays ticked.
    pub disposition: Option<String>,
    pub reply_error: Option<String>,
    pub edit_error: Option<String>,
    pub answer_error: Option<String>,
    pub withdraw_error: Option<String>,
}

/// A thread as the templates draw it, with what the viewer may do to it.
#[derive(Serialize)]
pub struct ThreadView {
    pub id: String,
    /// The comment's revision, which its edit and answer forms send back so
    /// that a change made meanwhile by someone else is not overwritten.
    pub revision: u32,
    pub author: String,
    pub author_body: Option<String>,
    pub recorded_by: Option<String>,
    pub at_meeting: bool,
    pub label: Option<String>,
    /// The block it is shown on, or `whole` / `outdated`.
    pub passage: String,
    pub quote: Option<String>,
    pub original_quote: Option<String>,
    pub made_on: u32,
    pub passage_changed: bool,
    /// The version in which the passage changed, when known.
    pub changed_in: Option<u32>,
    pub outdated: bool,
    pub body: String,
    pub created_at: String,
    pub edited: bool,
    pub withdrawn: bool,
    /// Who withdrew it, when not its author, and why.
    pub withdrawn_by: Option<String>,
    pub withdrawal_reason: Option<String>,
    pub late: bool,
    pub awaiting: bool,
    pub disposition: Option<AnswerView>,
    /// `none`, or the disposition's kind: the badge's class.
    pub disposition_kind: &'static str,
    pub disposition_label: String,
    pub replies: Vec<ReplyView>,
    pub may_edit: bool,
    pub may_withdraw: bool,
    pub may_answer: bool,
    pub may_reply: bool,
    pub may_history: bool,
    /// Withdrawing asks for a reason: it is someone else's comment.
    pub withdraw_needs_reason: bool,
    /// Why the thread takes no more answers or replies, told to those whose
    /// role would otherwise allow them.
    pub closed: Option<String>,
    pub dispositions: Vec<Choice>,
    /// The refused form of this thread, when there is one.
    pub form: Option<ThreadFormView>,
}

pub fn disposition_label(ctx: &Ctx, kind: Option<DispositionKind>) -> String {
    let key = match kind {
        None => "disposition_none",
        Some(DispositionKind::Accepted) => "disposition_accepted",
        Some(DispositionKind::PartlyAccepted) => "disposition_partly_accepted",
        Some(DispositionKind::Explained) => "disposition_explained",
    };
    ctx.pages.catalog().text(ctx.language, key).to_owned()
}

/// The passage a thread is on, as the pages and the script name it.
pub fn passage_key(thread: &ThreadModel) -> String {
    match (thread.block(), thread.placement_kind()) {
        (Some(block), _) => block.to_string(),
        (None, Placement::Outdated) => PassageRef::Outdated.as_str().to_owned(),
        (None, _) => PassageRef::Whole.as_str().to_owned(),
    }
}

pub fn thread_view(ctx: &Ctx, thread: &ThreadModel, zone: &str) -> ThreadView {
    let comment = &thread.comment;
    let shown = thread.placement.as_ref().and_then(|p| p.anchor.as_ref());
    let original_quote = comment.anchor.as_ref().and_then(|a| a.span.as_ref()).map(|s| s.quote.clone());
    let placement = thread.placement_kind();
    let disposition = comment.disposition.as_ref();
    ThreadView {
        id: comment.id.to_string(),
        revision: comment.revision,
        author: thread.author.clone(),
        author_body: thread.author_body.clone(),
        recorded_by: thread.recorded_by.clone(),
        at_meeting: comment.at_meeting,
        label: thread.label.clone(),
        passage: passage_key(thread),
        quote: shown.and_then(|a| a.span.as_ref()).map(|s| s.quote.clone()).or_else(|| original_quote.clone()),
        original_quote,
        made_on: comment.version_number,
        passage_changed: placement == Placement::PassageChanged,
        changed_in: thread.placement.as_ref().filter(|p| p.placement == Placement::PassageChanged).and_then(|p| p.changed_in),
        outdated: placement == Placement::Outdated,
        body: comment.body.to_string(),
        created_at: format_date_time(comment.created_at, zone),
        edited: comment.edited_at.is_some(),
        withdrawn: comment.is_withdrawn(),
        withdrawn_by: thread.withdrawn_by.clone(),
        withdrawal_reason: comment.withdrawal_reason.as_ref().map(ToString::to_string),
        late: comment.late,
        awaiting: comment.awaits_answer(),
        disposition: disposition.map(|d| AnswerView {
            kind: d.kind.as_str(),
            response: d.response.as_ref().map(ToString::to_string),
            addressed_in: d.addressed_in,
            by: thread.answered_by.clone().unwrap_or_default(),
            draft: d.published_at.is_none(),
        }),
        disposition_kind: disposition.map_or("none", |d| d.kind.as_str()),
        disposition_label: disposition_label(ctx, disposition.map(|d| d.kind)),
        replies: thread
            .replies
            .iter()
            .map(|r| ReplyView {
                id: r.reply.id.to_string(),
                author: r.author.clone(),
                body: r.reply.body.to_string(),
                created_at: format_date_time(r.reply.created_at, zone),
                edited: r.reply.edited_at.is_some(),
            })
            .collect(),
        may_edit: thread.may.edit,
        may_withdraw: thread.may.withdraw,
        may_answer: thread.may.answer,
        may_reply: thread.may.reply,
        may_history: thread.may.history,
        withdraw_needs_reason: thread.may.withdraw_needs_reason,
        closed: thread.closed.as_ref().and_then(|why| crate::i18n::describe_why_not(ctx.pages.catalog(), ctx.language, why)),
        dispositions: DispositionKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: disposition_label(ctx, Some(*k)),
                selected: disposition.is_some_and(|d| d.kind == *k),
            })
            .collect(),
        form: None,
    }
}

/// "14 ý kiến, 3 chưa trả lời".
pub(crate) fn counts_text(ctx: &Ctx, comments: usize, awaiting: usize) -> String {
    ctx.pages
        .catalog()
        .text(ctx.language, "comments_counts")
        .replace("{comments}", &crate::i18n::format_count(comments as u64))
        .replace("{awaiting}", &crate::i18n::format_count(awaiting as u64))
}

fn zone(ctx: &Ctx) -> String {
    ctx.identity.as_ref().map_or_else(|| User::DEFAULT_TIME_ZONE.to_owned(), |i| i.user.time_zone.clone())
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    pages::view_samples()
}
