//! The review pages: the version, one passage's threads (a page, or a
//! fragment for the script), the comment list, a comment's history, one
//! thread's card for live updates, and the forms that change threads.

use axum::extract::{Query, State};
use axum::http::header::{ACCEPT, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::review::{CommentFormModel, PassageRef, PassageThreads, ThreadCard, ThreadList, ThreadsRequest, VersionPage};
use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::{AppError, Fresh};
use gopy_domain::document::BlockContent;
use gopy_domain::{Comment, CommentId, DispositionKind, ReportId};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationErrors};

use super::api::{Answer, DispositionRequest};
use super::{Choice, CountsView, ReportLink, ThreadFormView, ThreadView, counts_text, disposition_label, thread_view, zone};
use crate::AppState;
use crate::auth::{Ctx, CsrfForm, PageResult};
use crate::etag::Tag;
use crate::i18n::format_date_time;
use crate::live::{Change, ChangeKind};
use crate::render::{block_element_html, kind_name};
use crate::routes::reports::{actor, kind_label, refused_query};
use crate::paths::PagePath;
use crate::rules;

// --- Views ---------------------------------------------------------------------------

#[derive(Serialize)]
pub struct VersionRef {
    pub number: u32,
}

#[derive(Serialize)]
pub struct ReportHead {
    pub id: String,
    pub title: String,
    pub kind: String,
}

#[derive(Serialize)]
pub struct VersionHead {
    pub number: u32,
    pub created_at: String,
    pub author: String,
    pub change_note: Option<String>,
    pub words: String,
    /// What the uploaded file held that could not be imported, by passage.
    pub left_out: Vec<LeftOutView>,
}

/// One thing left out of the version, and the passage holding its placeholder.
#[derive(Serialize)]
pub struct LeftOutView {
    pub kind: String,
    pub block: String,
    pub label: String,
}

#[derive(Serialize)]
pub struct ApprovalView {
    pub by: String,
    pub at: String,
}

#[derive(Serialize)]
pub struct TocEntry {
    pub id: String,
    pub level: u8,
    pub text: String,
}

#[derive(Serialize)]
pub struct VersionLink {
    pub number: u32,
    pub current: bool,
}

/// One passage of the version page: its text, its counts, and its threads
/// when they are drawn in full.
#[derive(Serialize)]
pub struct BlockView {
    pub id: String,
    pub n: usize,
    pub label: String,
    /// How its links name it: its label ("II.1 ¶2"), or its number when it has none.
    pub name: String,
    pub kind: &'static str,
    pub is_table: bool,
    pub html: String,
    pub counts: CountsView,
    /// Its threads are drawn below (all of them).
    pub open: bool,
    pub comments: Vec<ThreadView>,
    /// The passage's own page with its threads.
    pub threads_url: String,
}

/// Threads on the whole report, or outdated ones: the first few, and a link
/// to all when there are more.
#[derive(Serialize)]
pub struct ThreadListView {
    pub threads: Vec<ThreadView>,
    pub counts: CountsView,
    pub more: bool,
    pub url: String,
}

/// What was typed into the comment form.
#[derive(Serialize, Default)]
pub struct CommentValues {
    pub block: String,
    pub start: String,
    pub end: String,
    pub quote: String,
    pub body: String,
    pub author: String,
    pub at_meeting: bool,
}

/// Why the comment form was refused, beside each field.
#[derive(Serialize, Default)]
pub struct CommentErrors {
    pub anchor: Option<String>,
    pub version: Option<String>,
    pub body: Option<String>,
    pub author: Option<String>,
    /// Any other refusal.
    pub form: Option<String>,
}

#[derive(Serialize)]
pub struct CommentFormView {
    pub may_comment: bool,
    /// Why no comment may be made here now, when the viewer could comment
    /// at another time or on another version ("the round closed on …").
    pub why_not: Option<String>,
    pub may_record: bool,
    pub members: Vec<Choice>,
    /// Opened: after a refusal, or when a passage was chosen.
    pub open: bool,
    pub refused: bool,
    pub values: CommentValues,
    pub errors: CommentErrors,
    pub chosen_label: Option<String>,
    pub limit: String,
}

#[derive(Serialize)]
pub struct VersionPageView {
    pub report: ReportHead,
    pub version: VersionHead,
    pub latest: u32,
    pub is_latest: bool,
    pub approval: Option<ApprovalView>,
    pub toc: Vec<TocEntry>,
    pub blocks: Vec<BlockView>,
    pub whole: ThreadListView,
    pub outdated: ThreadListView,
    pub counts: CountsView,
    pub previous: Option<u32>,
    pub versions: Vec<VersionLink>,
    pub form: CommentFormView,
}

/// The passage whose threads are listed.
#[derive(Serialize)]
pub struct PassageHead {
    /// A block's id, `whole` or `outdated`.
    pub key: String,
    pub label: Option<String>,
    pub n: Option<usize>,
    pub html: Option<String>,
    pub is_table: bool,
    pub whole: bool,
    pub outdated: bool,
}

/// The filters of a list of threads, as chosen.
#[derive(Serialize)]
pub struct FiltersView {
    pub awaiting: bool,
    pub mine: bool,
    pub bodies: Vec<Choice>,
    pub dispositions: Vec<Choice>,
    pub any: bool,
}

/// A passage's threads: the whole page (no script), or the fragment the
/// script puts under the passage.
#[derive(Serialize)]
pub struct PassagePageView {
    pub report: ReportHead,
    pub version: VersionRef,
    pub latest: u32,
    pub is_latest: bool,
    pub passage: PassageHead,
    pub counts: CountsView,
    pub threads: Vec<ThreadView>,
    pub next_url: Option<String>,
    /// The next page as a fragment, for the script's "more" button.
    pub next_fragment_url: Option<String>,
    pub filters: FiltersView,
    pub version_url: String,
    pub form: CommentFormView,
}

/// One thread for a live update, with the counts it changes.
#[derive(Serialize)]
pub struct ThreadCardView {
    pub version: VersionRef,
    pub thread: ThreadView,
    pub passage: String,
    pub passage_counts: CountsView,
    pub counts_text: String,
}

/// One thread whose form was refused, with what was typed and why.
#[derive(Serialize)]
pub struct ThreadPageView {
    pub report: ReportLink,
    pub version: VersionRef,
    pub passage_url: String,
    pub thread: ThreadView,
}

#[derive(Serialize)]
pub struct CommentsPageView {
    pub report: ReportLink,
    pub version: VersionRef,
    pub counts: CountsView,
    pub threads: Vec<ThreadView>,
    pub filtered: bool,
    pub dispositions: Vec<Choice>,
    pub authors: Vec<Choice>,
    pub bodies: Vec<Choice>,
    pub sections: Vec<Choice>,
    pub next_url: Option<String>,
}

#[derive(Serialize)]
pub struct HistoryComment {
    pub id: String,
    pub author: String,
    pub body: String,
}

#[derive(Serialize)]
pub struct RevisionView {
    pub body: String,
    pub replaced_at: String,
}

#[derive(Serialize)]
pub struct HistoryView {
    pub report: ReportLink,
    pub version: u32,
    pub comment: HistoryComment,
    pub revisions: Vec<RevisionView>,
}

/// A refusal in words, on the message page.
#[derive(Serialize)]
pub struct MessageView {
    pub heading: String,
    pub body: String,
}

// --- Building the views ----------------------------------------------------------------

fn threads_url(report: ReportId, number: u32, passage: &str) -> String {
    format!("/reports/{report}/versions/{number}/passages/{passage}/threads")
}

fn report_head(ctx: &Ctx, report: &gopy_domain::Report) -> ReportHead {
    ReportHead { id: report.id.to_string(), title: report.title.to_string(), kind: kind_label(ctx, report.kind) }
}

fn list_view(ctx: &Ctx, list: &ThreadList, url: String, zone: &str) -> ThreadListView {
    ThreadListView {
        threads: list.threads.iter().map(|t| thread_view(ctx, t, zone)).collect(),
        counts: CountsView::new(ctx, &list.counts),
        more: list.more,
        url,
    }
}

fn form_view(ctx: &Ctx, form: &CommentFormModel, values: CommentValues, mut errors: CommentErrors, chosen_label: Option<String>) -> CommentFormView {
    // The member's field is drawn only for who may record: its refusal is
    // then said above the form.
    if !form.may_record && errors.form.is_none() {
        errors.form = errors.author.take();
    }
    let refused = errors.anchor.is_some()
        || errors.version.is_some()
        || errors.body.is_some()
        || errors.author.is_some()
        || errors.form.is_some();
    let limit = ctx
        .pages
        .catalog()
        .text(ctx.language, "comment_limit")
        .replace("{max}", &crate::i18n::format_count(gopy_domain::CommentText::MAX_CHARS as u64));
    let why_not = form.comment.why_not().and_then(|why| crate::i18n::describe_why_not(ctx.pages.catalog(), ctx.language, why));
    CommentFormView {
        // A refused comment keeps its form, so nothing typed is lost, even
        // when comments closed meanwhile (the form then says so, beside it).
        may_comment: form.comment.is_yes() || refused,
        why_not,
        may_record: form.may_record,
        members: form
            .members
            .iter()
            .map(|(id, name)| Choice { value: id.to_string(), label: name.clone(), selected: values.author == id.to_string() })
            .collect(),
        open: refused || !values.block.is_empty(),
        refused,
        values,
        errors,
        chosen_label,
        limit,
    }
}

fn version_view(ctx: &Ctx, page: &VersionPage, values: CommentValues, errors: CommentErrors) -> VersionPageView {
    let zone = zone(ctx);
    let report = page.report.id;
    let number = page.version.number;
    let version = &page.version;
    let chosen_label = page.passages.iter().find(|p| p.block.id.as_str() == values.block).map(|p| p.label.clone());
    VersionPageView {
        report: report_head(ctx, &page.report),
        version: VersionHead {
            number,
            created_at: format_date_time(version.created_at, &zone),
            author: page.author.clone(),
            change_note: version.change_note.clone(),
            words: crate::i18n::format_count(version.word_count() as u64),
            left_out: version
                .left_out
                .iter()
                .map(|l| LeftOutView {
                    kind: ctx.pages.catalog().text(ctx.language, &format!("left_out_{}", l.kind.as_str())).to_owned(),
                    block: l.block.to_string(),
                    label: page.passages.iter().find(|p| p.block.id == l.block).map(|p| p.label.clone()).unwrap_or_default(),
                })
                .collect(),
        },
        latest: page.latest,
        is_latest: number == page.latest,
        approval: page.approval.as_ref().map(|(by, at)| ApprovalView { by: by.clone(), at: format_date_time(*at, &zone) }),
        toc: version
            .blocks
            .iter()
            .filter_map(|b| match &b.content {
                BlockContent::Heading { level, text } if *level > 1 => {
                    Some(TocEntry { id: b.id.to_string(), level: *level, text: text.text() })
                }
                _ => None,
            })
            .collect(),
        blocks: page
            .passages
            .iter()
            .map(|p| BlockView {
                id: p.block.id.to_string(),
                n: p.number,
                label: p.label.clone(),
                name: if p.label.is_empty() { p.number.to_string() } else { p.label.clone() },
                kind: kind_name(&p.block.content),
                is_table: matches!(p.block.content, BlockContent::Table { .. }),
                html: block_element_html(&p.block.content),
                counts: CountsView::new(ctx, &p.counts),
                open: p.threads.is_some(),
                comments: p.threads.iter().flatten().map(|t| thread_view(ctx, t, &zone)).collect(),
                threads_url: threads_url(report, number, p.block.id.as_str()),
            })
            .collect(),
        whole: list_view(ctx, &page.whole, threads_url(report, number, "whole"), &zone),
        outdated: list_view(ctx, &page.outdated, threads_url(report, number, "outdated"), &zone),
        counts: CountsView::new(ctx, &page.counts),
        previous: (number > 1).then(|| number - 1),
        versions: page.versions.iter().map(|n| VersionLink { number: *n, current: *n == number }).collect(),
        form: form_view(ctx, &page.form, values, errors, chosen_label),
    }
}

/// The query string of a list of threads: its filters and page. Every
/// filter is checked at once; one that is not valid is refused, never
/// taken for "no filter".
#[derive(Deserialize, Default, Clone, Validate)]
pub struct ThreadsQuery {
    #[validate(custom(function = "rules::flag"))]
    pub awaiting: Option<String>,
    #[validate(custom(function = "rules::flag"))]
    pub mine: Option<String>,
    #[validate(custom(function = "rules::optional_body_id"))]
    pub body: Option<String>,
    #[validate(custom(function = "rules::disposition_filter"))]
    pub disposition: Option<String>,
    #[validate(custom(function = "rules::optional_person_id"))]
    pub author: Option<String>,
    #[validate(length(max = 64, code = "choice"))]
    pub section: Option<String>,
    #[validate(length(max = 256, code = "cursor"))]
    pub cursor: Option<String>,
    #[validate(custom(function = "rules::page_size"))]
    pub limit: Option<String>,
    /// Asks for the fragment the script puts under the passage.
    #[validate(custom(function = "rules::flag"))]
    pub fragment: Option<String>,
}

impl ThreadsQuery {
    /// The use case's request: the same for the page and the API.
    pub fn request(&self) -> Result<ThreadsRequest, ValidationErrors> {
        self.validate()?;
        let limit = match self.limit.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(raw) => Some(rules::parsed::<u32>(raw, "limit")?),
        };
        Ok(ThreadsRequest {
            awaiting: rules::flagged(self.awaiting.as_deref()),
            mine: rules::flagged(self.mine.as_deref()),
            body: self.body.clone(),
            disposition: self.disposition.clone(),
            author: self.author.clone(),
            section: self.section.clone(),
            cursor: self.cursor.clone(),
            limit,
        })
    }

    /// This query with another cursor, as a query string.
    fn with_cursor(&self, cursor: &str, fragment: bool) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        let mut keep = |name: &'static str, value: &Option<String>| {
            if let Some(v) = value.as_deref().filter(|v| !v.trim().is_empty()) {
                pairs.push((name, v.to_owned()));
            }
        };
        keep("awaiting", &self.awaiting);
        keep("mine", &self.mine);
        keep("body", &self.body);
        keep("disposition", &self.disposition);
        keep("author", &self.author);
        keep("section", &self.section);
        keep("limit", &self.limit);
        pairs.push(("cursor", cursor.to_owned()));
        if fragment {
            pairs.push(("fragment", "1".to_owned()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }

    fn filtered(&self) -> bool {
        [&self.awaiting, &self.mine, &self.body, &self.disposition, &self.author, &self.section]
            .iter()
            .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty() && v != "0"))
    }
}

fn state_choices(ctx: &Ctx, chosen: Option<&str>) -> Vec<Choice> {
    let mut choices: Vec<Choice> = [None, Some(DispositionKind::Accepted), Some(DispositionKind::PartlyAccepted), Some(DispositionKind::Explained)]
        .into_iter()
        .map(|kind| {
            let value = kind.map_or("none", DispositionKind::as_str);
            Choice { value: value.to_owned(), label: disposition_label(ctx, kind), selected: chosen == Some(value) }
        })
        .collect();
    choices.push(Choice {
        value: "withdrawn".to_owned(),
        label: ctx.pages.catalog().text(ctx.language, "comment_withdrawn").to_owned(),
        selected: chosen == Some("withdrawn"),
    });
    choices
}

fn passage_view(ctx: &Ctx, model: &PassageThreads, query: &ThreadsQuery, values: CommentValues) -> PassagePageView {
    let zone = zone(ctx);
    let report = model.report.id;
    let number = model.version.number;
    let key = model.passage.as_str().to_owned();
    let url = threads_url(report, number, &key);
    let chosen_label = model.block.as_ref().map(|(_, _, label)| label.clone());
    PassagePageView {
        report: report_head(ctx, &model.report),
        version: VersionRef { number },
        latest: model.latest,
        is_latest: number == model.latest,
        passage: PassageHead {
            label: model.block.as_ref().map(|(_, _, label)| label.clone()),
            n: model.block.as_ref().map(|(_, n, _)| *n),
            html: model.block.as_ref().map(|(block, _, _)| block_element_html(&block.content)),
            is_table: model.block.as_ref().is_some_and(|(b, _, _)| matches!(b.content, BlockContent::Table { .. })),
            whole: model.passage == PassageRef::Whole,
            outdated: model.passage == PassageRef::Outdated,
            key,
        },
        counts: CountsView::new(ctx, &model.counts),
        threads: model.threads.iter().map(|t| thread_view(ctx, t, &zone)).collect(),
        next_url: model.next.as_ref().map(|c| format!("{url}?{}", query.with_cursor(c, false))),
        next_fragment_url: model.next.as_ref().map(|c| format!("{url}?{}", query.with_cursor(c, true))),
        filters: FiltersView {
            awaiting: rules::flagged(query.awaiting.as_deref()),
            mine: rules::flagged(query.mine.as_deref()),
            bodies: model
                .bodies
                .iter()
                .map(|(id, name)| Choice {
                    value: id.to_string(),
                    label: name.clone(),
                    selected: query.body.as_deref() == Some(id.to_string().as_str()),
                })
                .collect(),
            dispositions: state_choices(ctx, query.disposition.as_deref()),
            any: query.filtered(),
        },
        version_url: format!("/reports/{report}/versions/{number}#{}", model.passage.as_str()),
        form: form_view(ctx, &model.form, values, CommentErrors::default(), chosen_label),
    }
}

fn card_view(ctx: &Ctx, card: &ThreadCard) -> ThreadCardView {
    ThreadCardView {
        version: VersionRef { number: card.version },
        thread: thread_view(ctx, &card.thread, &zone(ctx)),
        passage: card.passage.as_str().to_owned(),
        passage_counts: CountsView::new(ctx, &card.passage_counts),
        counts_text: counts_text(ctx, card.counts.comments, card.counts.awaiting),
    }
}

/// A refusal that no form shows beside a field: a 422 page that says why
/// for bad input, the usual page for the rest.
fn refused(ctx: &Ctx, err: &AppError) -> Response {
    match err {
        AppError::Invalid { .. } => {
            let catalog = ctx.pages.catalog();
            let view = MessageView { heading: catalog.text(ctx.language, "error_title").to_owned(), body: ctx.describe(err) };
            ctx.render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/message", "error_title", view)
        }
        other => ctx.failure(other),
    }
}

// --- The version page ------------------------------------------------------------------

#[derive(Deserialize, Validate)]
pub struct VersionQuery {
    /// A block to comment on, from the per-block link (pages without script).
    #[validate(length(max = 64, code = "choice"))]
    comment_on: Option<String>,
}

pub async fn version_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    PagePath((id, number)): PagePath<(ReportId, u32)>,
    Query(query): Query<VersionQuery>,
) -> PageResult {
    query.validate().map_err(|refused| refused_query(&ctx, &refused))?;
    let tag = Tag::page(&ctx);
    match state.app.version_page(actor(&ctx)?, id, number, tag.known(&headers)).await {
        Ok(Fresh::Unchanged { change_count }) => Ok(tag.not_modified(change_count)),
        Ok(Fresh::Changed { change_count, model }) => {
            let values = CommentValues { block: query.comment_on.unwrap_or_default(), ..CommentValues::default() };
            let view = version_view(&ctx, &model, values, CommentErrors::default());
            let mut response = ctx.render("pages/version", "version_title", view);
            tag.put(&mut response, change_count);
            Ok(response)
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- A passage's threads ---------------------------------------------------------------

pub async fn passage_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    PagePath((id, number, passage)): PagePath<(ReportId, u32, PassageRef)>,
    Query(query): Query<ThreadsQuery>,
) -> PageResult {
    let request = query.request().map_err(|e| refused_query(&ctx, &e))?;
    let fragment = rules::flagged(query.fragment.as_deref())
        || headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html-fragment"));
    let tag = Tag::page(&ctx);
    let mut response = match state.app.passage_threads(actor(&ctx)?, id, number, &passage, &request, tag.known(&headers)).await {
        Ok(Fresh::Unchanged { change_count }) => tag.not_modified(change_count),
        Ok(Fresh::Changed { change_count, model }) => {
            let values = CommentValues {
                block: model.block.as_ref().map(|(b, _, _)| b.id.to_string()).unwrap_or_default(),
                ..CommentValues::default()
            };
            let view = passage_view(&ctx, &model, &query, values);
            let mut response = if fragment {
                ctx.pages.render_fragment(&ctx.frame(), "partials/thread_page", view)
            } else {
                ctx.render("pages/passage", "passage_title", view)
            };
            tag.put(&mut response, change_count);
            response
        }
        Err(err) => return Err(refused(&ctx, &err)),
    };
    // The page and the fragment share a URL when the fragment is asked for by header.
    response.headers_mut().insert(VARY, HeaderValue::from_static("Accept"));
    Ok(response)
}

// --- Posting and answering -------------------------------------------------------------

/// The comment form as typed; every field is checked at once, and the page
/// comes back with what was typed and a message beside each refused field.
#[derive(Deserialize, Serialize, Validate)]
pub struct CommentForm {
    #[serde(default)]
    #[validate(custom(function = "rules::version_number"))]
    version: String,
    #[serde(default)]
    #[validate(length(max = 64, code = "choice"))]
    block: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_number"))]
    start: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_number"))]
    end: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_text"))]
    quote: String,
    #[serde(default)]
    #[validate(custom(function = "rules::comment_text"))]
    body: String,
    /// A member whose opinion the secretariat records, or empty for oneself.
    #[serde(default)]
    #[validate(custom(function = "rules::person_choice_or_none"))]
    author: String,
    #[validate(custom(function = "rules::flag"))]
    at_meeting: Option<String>,
}

impl TryFrom<&CommentForm> for NewComment {
    type Error = ValidationErrors;

    /// Checks every field at once, then reads them: empty is none.
    fn try_from(form: &CommentForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        let blank = |s: &str| (!s.trim().is_empty()).then(|| s.to_owned());
        Ok(NewComment {
            version: rules::parsed(&form.version, "version")?,
            anchor: NewAnchor {
                block: blank(&form.block),
                start: rules::parsed_choice(&form.start, "start")?,
                end: rules::parsed_choice(&form.end, "end")?,
                quote: blank(&form.quote),
            },
            body: form.body.clone(),
            on_behalf_of: rules::parsed_choice(&form.author, "author")?,
            at_meeting: rules::flagged(form.at_meeting.as_deref()),
        })
    }
}

fn comment_errors(ctx: &Ctx, err: &AppError) -> CommentErrors {
    let message = Some(ctx.describe(err));
    match err {
        AppError::Invalid { field: "body", .. } => CommentErrors { body: message, ..CommentErrors::default() },
        AppError::Invalid { field: "anchor", .. } => CommentErrors { anchor: message, ..CommentErrors::default() },
        AppError::Invalid { field: "version", .. } => CommentErrors { version: message, ..CommentErrors::default() },
        AppError::Invalid { field: "author", .. } => CommentErrors { author: message, ..CommentErrors::default() },
        _ => CommentErrors { form: message, ..CommentErrors::default() },
    }
}

/// The fields the edge refused, each beside where the form shows it: the
/// passage's four hidden fields are the one choice of a passage.
fn comment_refusals(ctx: &Ctx, refused: &ValidationErrors) -> CommentErrors {
    let mut errors = CommentErrors::default();
    for (field, problem) in rules::refused_fields(refused) {
        let message = rules::message(ctx.pages.catalog(), ctx.language, problem);
        let slot = match field.as_str() {
            "block" | "start" | "end" | "quote" => &mut errors.anchor,
            "version" => &mut errors.version,
            "body" => &mut errors.body,
            "author" => &mut errors.author,
            _ => &mut errors.form,
        };
        slot.get_or_insert(message);
    }
    errors
}

pub async fn post_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfForm(form): CsrfForm<CommentForm>,
) -> PageResult {
    let actor = actor(&ctx)?;
    let errors = match NewComment::try_from(&form) {
        Err(refused) => comment_refusals(&ctx, &refused),
        Ok(new) => match state.app.post_comment(actor, id, new).await {
            Ok(comment) => {
                state.live.announce(Change::thread(id, comment.id, ChangeKind::Posted)).await;
                let to = format!("/reports/{id}/versions/{}#comment-{}", comment.version_number, comment.id);
                return Ok(Redirect::to(&to).into_response());
            }
            Err(err @ (AppError::Invalid { .. } | AppError::Closed { .. })) => comment_errors(&ctx, &err),
            Err(err) => return Err(ctx.failure(&err)),
        },
    };
    // The page again, the text kept and the reason beside the field.
    let shown = form.version.trim().parse::<u32>().ok().filter(|n| *n > 0).unwrap_or(1);
    let model = match state.app.version_page(actor, id, shown, None).await {
        Ok(Fresh::Changed { model, .. }) => model,
        Ok(Fresh::Unchanged { .. }) => return Err(ctx.not_found()),
        // A version that is not the report's: the latest, the message kept.
        Err(AppError::NotFound { .. }) if shown != 1 => match state.app.version_page(actor, id, 1, None).await.map_err(|e| ctx.failure(&e))? {
            Fresh::Changed { model, .. } => model,
            Fresh::Unchanged { .. } => return Err(ctx.not_found()),
        },
        Err(err) => return Err(ctx.failure(&err)),
    };
    let values = CommentValues {
        at_meeting: rules::flagged(form.at_meeting.as_deref()),
        block: form.block,
        start: form.start,
        end: form.end,
        quote: form.quote,
        body: form.body,
        author: form.author,
    };
    let view = version_view(&ctx, &model, values, errors);
    Ok(ctx.render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/version", "version_title", view))
}

/// Where a thread's form was sent from: the version it was shown on and,
/// when the script says the form was on that version's page, its report.
#[derive(Deserialize, Serialize, Default, Validate)]
pub struct FormOrigin {
    #[serde(default)]
    #[validate(custom(function = "rules::optional_version_number"))]
    version: String,
    /// Set by the script on the version page: a refusal comes back there.
    #[serde(default)]
    #[validate(custom(function = "rules::optional_report_id"))]
    report: String,
}

impl FormOrigin {
    /// The version the form was on; none when not said (or refused by its rule).
    fn version(&self) -> Option<u32> {
        rules::parsed_choice(&self.version, "version").ok().flatten().filter(|n: &u32| *n > 0)
    }

    /// The report whose version page the form was on.
    fn report(&self) -> Option<ReportId> {
        rules::parsed_choice(&self.report, "report").ok().flatten()
    }
}

/// Why a change to a thread was refused: by the edge (every field it
/// refused, in words), or by the use case.
enum ThreadRefusal {
    Fields(String),
    App(AppError),
}

impl From<AppError> for ThreadRefusal {
    fn from(err: AppError) -> Self {
        Self::App(err)
    }
}

/// Every refused field's message, in one line beside the form.
fn refusals_text(ctx: &Ctx, refused: &ValidationErrors) -> ThreadRefusal {
    let catalog = ctx.pages.catalog();
    let text = rules::refused_fields(refused)
        .into_iter()
        .map(|(_, problem)| rules::message(catalog, ctx.language, problem))
        .collect::<Vec<_>>()
        .join(" ");
    ThreadRefusal::Fields(text)
}

/// After a change to a thread: back to it on the version the form was on.
/// When refused: the version page the form was on, the thread's form open
/// with what was typed and why; or, when the form was elsewhere (or its
/// passage is not drawn in full there), the thread alone.
async fn after_thread_change(
    state: &AppState,
    ctx: &Ctx,
    id: CommentId,
    origin: &FormOrigin,
    result: Result<Comment, ThreadRefusal>,
    kind: ChangeKind,
    typed: ThreadFormView,
) -> PageResult {
    let version = origin.version();
    let refusal = match result {
        Ok(changed) => {
            let thread = changed.parent.unwrap_or(changed.id);
            state.live.announce(Change::thread(changed.report, thread, kind)).await;
            let number = version.unwrap_or(changed.version_number);
            return Ok(Redirect::to(&format!("/reports/{}/versions/{number}#comment-{thread}", changed.report)).into_response());
        }
        Err(ThreadRefusal::Fields(text)) => (StatusCode::UNPROCESSABLE_ENTITY, text),
        Err(ThreadRefusal::App(err @ (AppError::Invalid { .. } | AppError::Closed { .. } | AppError::Stale { .. }))) => {
            // A change lost to someone else's comes back as it now is, with
            // what was typed, the form carrying the new revision.
            let status = match err {
                AppError::Stale { .. } => StatusCode::CONFLICT,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            (status, ctx.describe(&err))
        }
        Err(ThreadRefusal::App(err)) => return Err(ctx.failure(&err)),
    };
    let (status, error) = refusal;
    let mut typed = typed;
    let error = Some(error);
    match kind {
        ChangeKind::Replied => typed.reply_error = error,
        ChangeKind::Edited => typed.edit_error = error,
        ChangeKind::Withdrawn => typed.withdraw_error = error,
        _ => typed.answer_error = error,
    }
    let on_page = origin.report().zip(version);
    if let Some((report, number)) = on_page {
        let page = match state.app.version_page(actor(ctx)?, report, number, None).await {
            Ok(Fresh::Changed { model, .. }) => Some(model),
            Ok(Fresh::Unchanged { .. }) | Err(_) => None,
        };
        if let Some(page) = page {
            let mut view = version_view(ctx, &page, CommentValues::default(), CommentErrors::default());
            let wanted = id.to_string();
            let shown = view
                .blocks
                .iter_mut()
                .flat_map(|b| b.comments.iter_mut())
                .chain(view.whole.threads.iter_mut())
                .chain(view.outdated.threads.iter_mut())
                .find(|t| t.id == wanted);
            if let Some(thread) = shown {
                refill(thread, typed);
                return Ok(ctx.render_with_status(status, "pages/version", "version_title", view));
            }
        }
    }
    let card = state.app.thread_card(actor(ctx)?, id, version).await.map_err(|e| ctx.failure(&e))?;
    let mut thread = thread_view(ctx, &card.thread, &zone(ctx));
    refill(&mut thread, typed);
    let view = ThreadPageView {
        report: ReportLink { id: card.report.id.to_string(), title: card.report.title.to_string() },
        version: VersionRef { number: card.version },
        passage_url: threads_url(card.report.id, card.version, card.passage.as_str()),
        thread,
    };
    Ok(ctx.render_with_status(status, "pages/thread", "comment_thread", view))
}

/// Puts a refused form back on its thread: what was typed, why it was
/// refused, and the disposition chosen still ticked.
fn refill(thread: &mut ThreadView, typed: ThreadFormView) {
    // A form the thread no longer offers (the round closed meanwhile) is
    // not drawn: its refusal is said where the thread says it is closed.
    let unshown = [
        (&typed.reply_error, thread.may_reply),
        (&typed.edit_error, thread.may_edit),
        (&typed.withdraw_error, thread.may_withdraw),
        (&typed.answer_error, thread.may_answer),
    ]
    .into_iter()
    .find_map(|(error, offered)| error.clone().filter(|_| !offered));
    if unshown.is_some() {
        thread.closed = unshown;
    }
    if let Some(chosen) = typed.disposition.as_deref() {
        for choice in &mut thread.dispositions {
            choice.selected = choice.value == chosen;
        }
    }
    thread.form = Some(typed);
}

/// A reply, or a comment's new text.
#[derive(Deserialize, Serialize, Validate)]
pub struct TextForm {
    #[serde(default)]
    #[validate(custom(function = "rules::comment_text"))]
    body: String,
    /// The revision of the comment the edit form was opened at.
    #[serde(default)]
    revision: Option<u32>,
    /// The version the form was on, to come back to.
    #[serde(flatten)]
    #[validate(nested)]
    origin: FormOrigin,
}

pub async fn reply(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<CommentId>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> PageResult {
    let result = match form.validate() {
        Ok(()) => state.app.reply(actor(&ctx)?, id, &form.body).await.map_err(ThreadRefusal::from),
        Err(refused) => Err(refusals_text(&ctx, &refused)),
    };
    let typed = ThreadFormView { reply: Some(form.body), ..ThreadFormView::default() };
    after_thread_change(&state, &ctx, id, &form.origin, result, ChangeKind::Replied, typed).await
}

pub async fn edit_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<CommentId>,
    CsrfForm(form): CsrfForm<TextForm>,
) -> PageResult {
    let result = match form.validate() {
        Ok(()) => state.app.edit_comment(actor(&ctx)?, (id, form.revision), &form.body).await.map_err(ThreadRefusal::from),
        Err(refused) => Err(refusals_text(&ctx, &refused)),
    };
    let typed = ThreadFormView { edit: Some(form.body), ..ThreadFormView::default() };
    after_thread_change(&state, &ctx, id, &form.origin, result, ChangeKind::Edited, typed).await
}

#[derive(Deserialize, Validate)]
pub struct WithdrawForm {
    #[serde(flatten)]
    #[validate(nested)]
    origin: FormOrigin,
    /// Why: required when withdrawing someone else's comment.
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_text"))]
    reason: String,
}

pub async fn withdraw_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<CommentId>,
    CsrfForm(form): CsrfForm<WithdrawForm>,
) -> PageResult {
    let result = match form.validate() {
        Ok(()) => state.app.withdraw_comment(actor(&ctx)?, id, &form.reason).await.map_err(ThreadRefusal::from),
        Err(refused) => Err(refusals_text(&ctx, &refused)),
    };
    let typed = ThreadFormView { reason: Some(form.reason), ..ThreadFormView::default() };
    after_thread_change(&state, &ctx, id, &form.origin, result, ChangeKind::Withdrawn, typed).await
}

/// The answer form: the API's [`DispositionRequest`] as a page sends it.
#[derive(Deserialize, Serialize, Validate)]
pub struct DispositionForm {
    #[serde(default)]
    #[validate(custom(function = "rules::disposition"))]
    disposition: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_text"))]
    response: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_version_number"))]
    addressed_in: String,
    /// The revision of the comment the form was opened at.
    #[serde(default)]
    revision: Option<u32>,
    #[serde(flatten)]
    #[validate(nested)]
    origin: FormOrigin,
}

impl TryFrom<&DispositionForm> for Answer {
    type Error = ValidationErrors;

    /// Checks every field at once, then reads them as the API's answer.
    fn try_from(form: &DispositionForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        let request = DispositionRequest {
            disposition: form.disposition.clone(),
            response: form.response.clone(),
            addressed_in: rules::parsed_choice(&form.addressed_in, "addressed_in")?,
        };
        Answer::try_from(&request)
    }
}

pub async fn answer_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<CommentId>,
    CsrfForm(form): CsrfForm<DispositionForm>,
) -> PageResult {
    let result = match Answer::try_from(&form) {
        Ok(answer) => state
            .app
            .answer_comment(actor(&ctx)?, (id, form.revision), answer.kind, &answer.response, answer.addressed_in)
            .await
            .map_err(ThreadRefusal::from),
        Err(refused) => Err(refusals_text(&ctx, &refused)),
    };
    let typed = ThreadFormView {
        response: Some(form.response),
        disposition: Some(form.disposition).filter(|d| !d.is_empty()),
        ..ThreadFormView::default()
    };
    after_thread_change(&state, &ctx, id, &form.origin, result, ChangeKind::Answered, typed).await
}

// --- Live updates ------------------------------------------------------------------------

/// The live stream of a report's changes, for its open pages.
pub async fn events(State(state): State<AppState>, ctx: Ctx, PagePath(id): PagePath<ReportId>) -> PageResult {
    // Reading the report checks that the person may see it.
    state.app.report_detail(actor(&ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(state.live.events(id).into_response())
}

#[derive(Deserialize, Validate)]
pub struct CardQuery {
    /// The version the card is drawn on: from 1.
    #[validate(range(min = 1, code = "version"))]
    version: Option<u32>,
}

/// One thread drawn as on the version page, for the live update to put in
/// place, with the counts of its passage and of the report.
pub async fn thread_card(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<CommentId>,
    Query(query): Query<CardQuery>,
) -> PageResult {
    query.validate().map_err(|refused| refused_query(&ctx, &refused))?;
    let card = state.app.thread_card(actor(&ctx)?, id, query.version).await.map_err(|e| ctx.failure(&e))?;
    Ok(ctx.pages.render_fragment(&ctx.frame(), "partials/thread_card", card_view(&ctx, &card)))
}

// --- The comment list ------------------------------------------------------------------

/// A report's comments with their answers, a page at a time, filterable by
/// disposition, author, the author's body and the section of the document.
pub async fn comments_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    Query(query): Query<ThreadsQuery>,
) -> PageResult {
    let request = query.request().map_err(|e| refused_query(&ctx, &e))?;
    let list = state.app.comment_list(actor(&ctx)?, id, &request).await.map_err(|e| refused(&ctx, &e))?;
    let zone = zone(&ctx);
    let chosen = |value: &Option<String>, option: &str| value.as_deref() == Some(option);
    let view = CommentsPageView {
        report: ReportLink { id: list.report.id.to_string(), title: list.report.title.to_string() },
        version: VersionRef { number: list.version.unwrap_or(0) },
        counts: CountsView::new(&ctx, &list.counts),
        threads: list.threads.iter().map(|t| thread_view(&ctx, t, &zone)).collect(),
        filtered: query.filtered(),
        dispositions: state_choices(&ctx, query.disposition.as_deref()),
        authors: list
            .authors
            .iter()
            .map(|(u, name)| Choice { value: u.to_string(), label: name.clone(), selected: chosen(&query.author, &u.to_string()) })
            .collect(),
        bodies: list
            .bodies
            .iter()
            .map(|(b, name)| Choice { value: b.to_string(), label: name.clone(), selected: chosen(&query.body, &b.to_string()) })
            .collect(),
        sections: list
            .sections
            .iter()
            .map(|s| Choice { value: s.clone(), label: s.clone(), selected: chosen(&query.section, s) })
            .collect(),
        next_url: list.next.as_ref().map(|c| format!("/reports/{id}/comments?{}", query.with_cursor(c, false))),
    };
    Ok(ctx.render("pages/comments", "comments_title", view))
}

/// The earlier texts of an edited comment, for the secretariat.
pub async fn history_page(State(state): State<AppState>, ctx: Ctx, PagePath(id): PagePath<CommentId>) -> PageResult {
    let history = state.app.comment_history_page(actor(&ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
    let zone = zone(&ctx);
    let view = HistoryView {
        report: ReportLink { id: history.report.id.to_string(), title: history.report.title.to_string() },
        version: history.comment.version_number,
        comment: HistoryComment { id: history.comment.id.to_string(), author: history.author, body: history.comment.body.to_string() },
        revisions: history
            .revisions
            .iter()
            .map(|r| RevisionView { body: r.body.to_string(), replaced_at: format_date_time(r.replaced_at, &zone) })
            .collect(),
    };
    Ok(ctx.render("pages/comment_history", "comment_history", view))
}

// --- Samples for the strict-mode test ------------------------------------------------------

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    samples::all()
}

#[cfg(test)]
mod samples {
    use super::*;
    use crate::routes::review::{AnswerView, ReplyView};

    fn s(text: &str) -> String {
        text.to_owned()
    }

    fn choice() -> Choice {
        Choice { value: s("accepted"), label: s("Tiếp thu"), selected: true }
    }

    fn counts() -> CountsView {
        CountsView { total: 3, comments: 2, awaiting: 1, accepted: 1, partly_accepted: 0, explained: 0, withdrawn: 1, text: s("2 ý kiến, 1 chưa trả lời") }
    }

    pub(super) fn thread() -> ThreadView {
        ThreadView {
            revision: 3,
            id: s("0190a5c3-0000-7000-8000-000000000001"),
            author: s("Trần Ủy Viên"),
            author_body: Some(s("Ban Tuyên giáo")),
            recorded_by: Some(s("Lê Văn Phòng")),
            at_meeting: true,
            label: Some(s("II.1 ¶2")),
            passage: s("b2345678923456"),
            quote: Some(s("tăng trưởng")),
            original_quote: Some(s("tăng trưởng kinh tế")),
            made_on: 1,
            passage_changed: true,
            changed_in: Some(2),
            outdated: false,
            body: s("Đề nghị bổ sung số liệu."),
            created_at: s("27/06/2023 08:00"),
            edited: true,
            withdrawn: false,
            late: true,
            awaiting: false,
            disposition: Some(AnswerView { kind: "accepted", response: Some(s("Tiếp thu.")), addressed_in: Some(2), by: s("Nguyễn Tổ Trưởng"), draft: true }),
            disposition_kind: "accepted",
            disposition_label: s("Tiếp thu"),
            replies: vec![ReplyView { id: s("r1"), author: s("Phạm Thị B"), body: s("Đồng ý."), created_at: s("27/06/2023 09:00"), edited: true }],
            may_edit: true,
            may_withdraw: true,
            may_answer: true,
            may_reply: true,
            may_history: true,
            dispositions: vec![choice()],
            withdrawn_by: Some(s("Lê Văn Phòng")),
            withdrawal_reason: Some(s("Trùng ý kiến.")),
            withdraw_needs_reason: true,
            closed: Some(s("Bản dự thảo này đã được phê duyệt ngày 03/12/2026.")),
            form: Some(ThreadFormView {
                reply: Some(s("Trả lời")),
                edit: Some(s("Sửa")),
                response: Some(s("Giải trình")),
                reason: Some(s("Trùng")),
                disposition: Some(s("explained")),
                reply_error: Some(s("Không được để trống.")),
                edit_error: Some(s("Không được để trống.")),
                answer_error: Some(s("Không được để trống.")),
                withdraw_error: Some(s("Cần ghi lý do.")),
            }),
        }
    }

    fn form() -> CommentFormView {
        CommentFormView {
            may_comment: true,
            why_not: Some(s("Vòng lấy ý kiến đã kết thúc ngày 03/12/2026.")),
            may_record: true,
            members: vec![choice()],
            open: true,
            refused: true,
            values: CommentValues { block: s("b2345678923456"), start: s("1"), end: s("5"), quote: s("tăng"), body: s("Ý kiến"), author: s("x"), at_meeting: true },
            errors: CommentErrors { anchor: Some(s("a")), version: Some(s("v")), body: Some(s("b")), author: Some(s("c")), form: Some(s("f")) },
            chosen_label: Some(s("II.1 ¶2")),
            limit: s("Tối đa 5.000 ký tự."),
        }
    }

    fn head() -> ReportHead {
        ReportHead { id: s("r"), title: s("Báo cáo sơ kết"), kind: s("Báo cáo sơ kết") }
    }

    fn list() -> ThreadListView {
        ThreadListView { threads: vec![thread()], counts: counts(), more: true, url: s("/x") }
    }

    fn passage() -> PassagePageView {
        PassagePageView {
            report: head(),
            version: VersionRef { number: 2 },
            latest: 2,
            is_latest: true,
            passage: PassageHead { key: s("b2345678923456"), label: Some(s("II.1 ¶2")), n: Some(4), html: Some(s("<p>x</p>")), is_table: true, whole: true, outdated: true },
            counts: counts(),
            threads: vec![thread()],
            next_url: Some(s("/next")),
            next_fragment_url: Some(s("/next?fragment=1")),
            filters: FiltersView { awaiting: true, mine: true, bodies: vec![choice()], dispositions: vec![choice()], any: true },
            version_url: s("/v"),
            form: form(),
        }
    }

    pub(super) fn all() -> Vec<(&'static str, serde_json::Value)> {
        fn value(view: &impl Serialize) -> serde_json::Value {
            serde_json::to_value(view).expect("a view serializes")
        }
        vec![
            ("pages/version", value(&VersionPageView {
                report: head(),
                version: VersionHead {
                    number: 2, created_at: s("27/06/2023 08:00"), author: s("A"), change_note: Some(s("n")), words: s("3.850"),
                    left_out: vec![LeftOutView { kind: s("Hình ảnh"), block: s("b1"), label: s("I ¶1") }],
                },
                latest: 2,
                is_latest: true,
                approval: Some(ApprovalView { by: s("Bí thư"), at: s("27/06/2023 08:00") }),
                toc: vec![TocEntry { id: s("b1"), level: 2, text: s("I. Kết quả") }],
                blocks: vec![BlockView {
                    id: s("b1"), n: 1, label: s("I"), name: s("I"), kind: "paragraph", is_table: true, html: s("<p>x</p>"),
                    counts: counts(), open: true, comments: vec![thread()], threads_url: s("/t"),
                }],
                whole: list(),
                outdated: list(),
                counts: counts(),
                previous: Some(1),
                versions: vec![VersionLink { number: 1, current: true }],
                form: form(),
            })),
            ("pages/passage", value(&passage())),
            ("partials/thread_page", value(&passage())),
            ("partials/thread_card", value(&ThreadCardView {
                version: VersionRef { number: 2 }, thread: thread(), passage: s("b1"), passage_counts: counts(), counts_text: s("c"),
            })),
            ("pages/thread", value(&ThreadPageView {
                report: ReportLink { id: s("r"), title: s("t") }, version: VersionRef { number: 2 }, passage_url: s("/p"), thread: thread(),
            })),
            ("pages/comments", value(&CommentsPageView {
                report: ReportLink { id: s("r"), title: s("t") },
                version: VersionRef { number: 2 },
                counts: counts(),
                threads: vec![thread()],
                filtered: true,
                dispositions: vec![choice()],
                authors: vec![choice()],
                bodies: vec![choice()],
                sections: vec![choice()],
                next_url: Some(s("/n")),
            })),
            ("pages/comment_history", value(&HistoryView {
                report: ReportLink { id: s("r"), title: s("t") },
                version: 1,
                comment: HistoryComment { id: s("c"), author: s("a"), body: s("b") },
                revisions: vec![RevisionView { body: s("b0"), replaced_at: s("27/06/2023 08:00") }],
            })),
        ]
    }
}

#[cfg(test)]
mod tests {
    use crate::pages::{Frame, Pages};
    use axum::http::StatusCode;
    use gopy_domain::Language;

    /// Every review template renders from its view in strict mode, in both
    /// languages: a field the template reads and the view lacks fails here.
    #[test]
    fn the_review_templates_render_strictly_from_their_views() {
        let pages = Pages::load_with(true).expect("templates load");
        for language in [Language::Vi, Language::En] {
            let frame = Frame { language, viewer: None, csrf: "c".repeat(64) };
            for (template, view) in crate::routes::review::view_samples() {
                let response = if template.starts_with("partials/") {
                    pages.render_fragment(&frame, template, view)
                } else {
                    pages.render(&frame, StatusCode::OK, template, "home_title", view)
                };
                assert_eq!(response.status(), StatusCode::OK, "{template} in {language:?}");
            }
        }
    }
}
