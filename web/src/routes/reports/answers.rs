//! The drafting team's answer desk, as a page and as JSON: groups of
//! comments that say the same thing (suggested, confirmed, split, answered
//! once), answer templates applied to chosen comments and edited before
//! saving, and the lead's publishing of the drafts.
//!
//! Every form that is refused comes back on the same page with what was
//! typed and the reason beside it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::AppError;
use gopy_app::answers::{AnswerDesk, AnswerDraft, DeskComment, GroupModel};
use gopy_domain::answers::{AnswerTemplate, PLACEHOLDERS};
use gopy_domain::{AnswerTemplateId, CommentGroupId, CommentId, DispositionKind, ReportId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationErrors};

use crate::rules;

use super::{ReportRefView, actor};
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, CsrfForm, PageResult};
use crate::i18n::OfferView;
use crate::paths::{ApiPath, PagePath};
use crate::routes::api::{ApiError, ValidJson, refuse};

fn text(ctx: &Ctx, key: &str) -> String {
    ctx.pages.catalog().text(ctx.language, key).to_owned()
}

// --- The page's view -----------------------------------------------------------

#[derive(Serialize)]
struct AnswerDeskView {
    report: ReportRefView,
    drafts: String,
    may_answer: bool,
    answer_why_not: Option<String>,
    may_publish: bool,
    publish_why_not: Option<String>,
    suggested: Vec<GroupView>,
    groups: Vec<GroupView>,
    comments: Vec<DeskCommentView>,
    templates: Vec<TemplateView>,
    template_form: TemplateFormView,
    preview: Option<PreviewView>,
    placeholders: String,
    /// A refusal or a confirmation above everything.
    message: Option<String>,
    notice: Option<String>,
}

#[derive(Serialize)]
struct GroupView {
    id: Option<String>,
    summary: String,
    comments: Vec<DeskCommentView>,
    choices: Vec<Choice>,
    response: String,
    error: Option<String>,
}

#[derive(Serialize, Clone)]
struct DeskCommentView {
    id: String,
    commenter: String,
    passage: String,
    version: u32,
    body: String,
    answer: Option<AnswerView>,
    grouped: bool,
}

#[derive(Serialize, Clone)]
struct AnswerView {
    kind: String,
    response: Option<String>,
    by: String,
    published: bool,
}

#[derive(Serialize)]
struct TemplateView {
    id: String,
    name: String,
    kind: String,
    text: String,
}

#[derive(Serialize, Clone)]
struct Choice {
    value: &'static str,
    label: String,
    selected: bool,
}

#[derive(Serialize, Default)]
struct TemplateFormView {
    name: String,
    text: String,
    choices: Vec<Choice>,
    name_error: Option<String>,
    text_error: Option<String>,
}

#[derive(Serialize)]
struct PreviewView {
    template: String,
    rows: Vec<PreviewRow>,
    error: Option<String>,
}

#[derive(Serialize)]
struct PreviewRow {
    comment: DeskCommentView,
    choices: Vec<Choice>,
    response: String,
}

fn choices(ctx: &Ctx, chosen: Option<DispositionKind>) -> Vec<Choice> {
    DispositionKind::ALL
        .iter()
        .map(|k| Choice { value: k.as_str(), label: text(ctx, &format!("disposition_{}", k.as_str())), selected: chosen == Some(*k) })
        .collect()
}

fn comment_view(ctx: &Ctx, c: &DeskComment) -> DeskCommentView {
    DeskCommentView {
        id: c.comment.id.to_string(),
        commenter: c.commenter.clone(),
        passage: if c.passage.is_empty() { text(ctx, "answers_whole_report") } else { c.passage.clone() },
        version: c.comment.version_number,
        body: c.comment.body.to_string(),
        answer: c.comment.disposition.as_ref().map(|d| AnswerView {
            kind: text(ctx, &format!("disposition_{}", d.kind.as_str())),
            response: d.response.as_ref().map(ToString::to_string),
            by: c.answered_by.clone().unwrap_or_default(),
            published: d.published_at.is_some(),
        }),
        grouped: c.comment.group.is_some(),
    }
}

fn group_view(ctx: &Ctx, desk: &AnswerDesk, g: &GroupModel) -> GroupView {
    let comments: Vec<DeskCommentView> = g.comments.iter().filter_map(|id| desk.comment(*id)).map(|c| comment_view(ctx, c)).collect();
    let first = g.comments.first().and_then(|id| desk.comment(*id)).and_then(|c| c.comment.disposition.as_ref());
    GroupView {
        id: g.id.map(|id| id.to_string()),
        summary: text(ctx, "answers_group_summary")
            .replace("{comments}", &g.comments.len().to_string())
            .replace("{commenters}", &g.commenters.to_string()),
        comments,
        choices: choices(ctx, first.map(|d| d.kind)),
        response: first.and_then(|d| d.response.as_ref()).map(ToString::to_string).unwrap_or_default(),
        error: None,
    }
}

/// What a refused form brings back to the page.
#[derive(Default)]
struct Kept {
    message: Option<String>,
    notice: Option<String>,
    template_form: Option<TemplateFormView>,
    group_error: Option<(String, String, Option<DispositionKind>, String)>,
    preview: Option<PreviewView>,
}

fn desk_view(ctx: &Ctx, desk: AnswerDesk, kept: Kept) -> AnswerDeskView {
    let catalog = ctx.pages.catalog();
    let answer = OfferView::new(catalog, ctx.language, &desk.answer);
    let publish = OfferView::new(catalog, ctx.language, &desk.publish);
    let mut groups: Vec<GroupView> = desk.groups.iter().map(|g| group_view(ctx, &desk, g)).collect();
    if let Some((id, message, kind, response)) = kept.group_error {
        if let Some(g) = groups.iter_mut().find(|g| g.id.as_deref() == Some(id.as_str())) {
            g.error = Some(message);
            g.choices = choices(ctx, kind);
            g.response = response;
        }
    }
    AnswerDeskView {
        report: ReportRefView::of(&desk.report),
        drafts: text(ctx, "answers_drafts").replace("{count}", &desk.drafts.to_string()),
        may_answer: answer.open,
        answer_why_not: answer.why_not,
        may_publish: publish.open,
        publish_why_not: publish.why_not,
        suggested: desk.suggested.iter().map(|g| group_view(ctx, &desk, g)).collect(),
        groups,
        comments: desk.comments.iter().map(|c| comment_view(ctx, c)).collect(),
        templates: desk
            .templates
            .iter()
            .map(|t| TemplateView {
                id: t.id.to_string(),
                name: t.name.to_string(),
                kind: text(ctx, &format!("disposition_{}", t.kind.as_str())),
                text: t.text.as_str().to_owned(),
            })
            .collect(),
        template_form: kept.template_form.unwrap_or_else(|| TemplateFormView { choices: choices(ctx, None), ..TemplateFormView::default() }),
        preview: kept.preview,
        placeholders: PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect::<Vec<_>>().join(", "),
        message: kept.message,
        notice: kept.notice,
    }
}

async fn desk_page(state: &AppState, ctx: &Ctx, id: ReportId, kept: Kept, status: StatusCode) -> PageResult {
    let desk = state.app.answer_desk(actor(ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(ctx.render_with_status(status, "pages/answers", "answers_title", desk_view(ctx, desk, kept)))
}

fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    }
}

fn is_refusal(err: &AppError) -> bool {
    matches!(err, AppError::Invalid { .. } | AppError::Closed { .. } | AppError::Stale { .. } | AppError::Conflict { .. })
}

fn back(id: ReportId, notice: &str) -> Response {
    Redirect::to(&format!("/reports/{id}/answers?done={notice}")).into_response()
}

#[derive(Deserialize, Default)]
pub struct DeskQuery {
    #[serde(default)]
    done: String,
}

pub async fn answers_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(raw): PagePath<ReportId>,
    axum::extract::Query(query): axum::extract::Query<DeskQuery>,
) -> PageResult {
    let id = raw;
    // Only known words are shown back, never what the query string says.
    let notice = match query.done.as_str() {
        "grouped" | "split" | "answered" | "saved" | "published" | "template" | "deleted" => Some(text(&ctx, &format!("answers_done_{}", query.done))),
        _ => None,
    };
    desk_page(&state, &ctx, id, Kept { notice, ..Kept::default() }, StatusCode::OK).await
}

/// The comments a form names (`comment`, repeated), each one the page
/// offered: one that is no comment's id is refused, not dropped.
#[derive(Validate)]
struct ChosenComments {
    #[validate(custom(function = "rules::comment_choices"))]
    comment: Vec<String>,
}

impl ChosenComments {
    fn of(pairs: &[(String, String)]) -> Self {
        Self { comment: pairs.iter().filter(|(k, _)| k == "comment").map(|(_, v)| v.clone()).collect() }
    }

    fn read(&self) -> Result<Vec<CommentId>, ValidationErrors> {
        self.validate()?;
        self.comment.iter().map(|c| rules::parsed(c, "comment")).collect()
    }
}

fn chosen(pairs: &[(String, String)]) -> Result<Vec<CommentId>, ValidationErrors> {
    ChosenComments::of(pairs).read()
}

/// One answer for a group or a comment as the desk's forms send it.
#[derive(Validate)]
struct AnswerForm {
    #[validate(custom(function = "rules::disposition"))]
    disposition: String,
    #[validate(custom(function = "rules::optional_comment_text"))]
    response: String,
}

impl AnswerForm {
    fn read(&self) -> Result<DispositionKind, ValidationErrors> {
        self.validate()?;
        rules::parsed(&self.disposition, "disposition")
    }
}

/// A new template as the desk's form sends it: the API's [`TemplateRequest`].
#[derive(Validate)]
struct TemplateForm {
    #[validate(custom(function = "rules::template_name"))]
    name: String,
    #[validate(custom(function = "rules::disposition"))]
    disposition: String,
    #[validate(custom(function = "rules::comment_text"))]
    text: String,
}

/// A template applied to comments, as the desk's form sends it: the API's
/// [`ApplyTemplateRequest`].
#[derive(Validate)]
struct ApplyForm {
    #[validate(custom(function = "rules::template_choice"))]
    template: String,
    #[validate(custom(function = "rules::comment_choices"))]
    comment: Vec<String>,
}

fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

fn missing(field: &'static str) -> AppError {
    AppError::invalid(field, gopy_app::InvalidReason::Missing)
}

/// A desk form refused by its rules: the desk again, every refusal said.
async fn refused_desk(state: &AppState, ctx: &Ctx, id: ReportId, refused: &ValidationErrors) -> PageResult {
    let kept = Kept { message: Some(rules::messages(ctx.pages.catalog(), ctx.language, refused)), ..Kept::default() };
    desk_page(state, ctx, id, kept, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub async fn confirm_group(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(raw): PagePath<ReportId>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let id = raw;
    let comments = match chosen(&pairs) {
        Ok(comments) => comments,
        Err(refused) => return refused_desk(&state, &ctx, id, &refused).await,
    };
    match state.app.confirm_group(actor(&ctx)?, id, &comments).await {
        Ok(_) => Ok(back(id, "grouped")),
        Err(err) if is_refusal(&err) => {
            desk_page(&state, &ctx, id, Kept { message: Some(ctx.describe(&err)), ..Kept::default() }, status_of(&err)).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn split_group(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(raw): PagePath<(ReportId, CommentGroupId)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let (id, group) = raw;
    let comments = match chosen(&pairs) {
        Ok(comments) => comments,
        Err(refused) => return refused_desk(&state, &ctx, id, &refused).await,
    };
    match state.app.split_group(actor(&ctx)?, id, group, &comments).await {
        Ok(_) => Ok(back(id, "split")),
        Err(err) if is_refusal(&err) => {
            desk_page(&state, &ctx, id, Kept { message: Some(ctx.describe(&err)), ..Kept::default() }, status_of(&err)).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn answer_group(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(raw): PagePath<(ReportId, CommentGroupId)>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let (id, group) = raw;
    let form = AnswerForm { disposition: field(&pairs, "disposition").to_owned(), response: field(&pairs, "response").to_owned() };
    let kind = form.read().ok();
    let response = form.response.clone();
    let result = match form.read() {
        Ok(kind) => state.app.answer_group(actor(&ctx)?, id, group, kind, &response).await,
        Err(refused) => {
            let message = rules::messages(ctx.pages.catalog(), ctx.language, &refused);
            let kept = Kept { group_error: Some((group.to_string(), message, kind, response)), ..Kept::default() };
            return desk_page(&state, &ctx, id, kept, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match result {
        Ok(_) => {
            state.live.announce(crate::live::Change::report(id, crate::live::ChangeKind::Answered)).await;
            Ok(back(id, "answered"))
        }
        Err(err) if is_refusal(&err) => {
            let kept = Kept { group_error: Some((group.to_string(), ctx.describe(&err), kind, response)), ..Kept::default() };
            desk_page(&state, &ctx, id, kept, status_of(&err)).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

/// A template applied to the chosen comments: the page again, with each
/// filled-in answer to edit before saving. Nothing is written.
pub async fn apply_template(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(raw): PagePath<ReportId>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let id = raw;
    let form = ApplyForm { template: field(&pairs, "template").to_owned(), comment: ChosenComments::of(&pairs).comment };
    let read = || -> Result<(AnswerTemplateId, Vec<CommentId>), ValidationErrors> {
        form.validate()?;
        Ok((rules::parsed(&form.template, "template")?, chosen(&pairs)?))
    };
    let (template, comments) = match read() {
        Ok(read) => read,
        Err(refused) => return refused_desk(&state, &ctx, id, &refused).await,
    };
    let whole = text(&ctx, "answers_whole_report");
    let result = state.app.apply_template(actor(&ctx)?, id, template, &comments, &whole).await;
    match result {
        Ok((desk, template, drafts)) => {
            let preview = preview_view(&ctx, &desk, &template.name.to_string(), &drafts, None);
            let view = desk_view(&ctx, desk, Kept { preview: Some(preview), ..Kept::default() });
            Ok(ctx.render_with_status(StatusCode::OK, "pages/answers", "answers_title", view))
        }
        Err(err) if is_refusal(&err) => {
            desk_page(&state, &ctx, id, Kept { message: Some(ctx.describe(&err)), ..Kept::default() }, status_of(&err)).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

fn preview_view(ctx: &Ctx, desk: &AnswerDesk, template: &str, drafts: &[AnswerDraft], error: Option<String>) -> PreviewView {
    PreviewView {
        template: template.to_owned(),
        rows: drafts
            .iter()
            .filter_map(|d| {
                desk.comment(d.comment).map(|c| PreviewRow {
                    comment: comment_view(ctx, c),
                    choices: choices(ctx, Some(d.kind)),
                    response: d.response.clone(),
                })
            })
            .collect(),
        error,
    }
}

/// The answers edited in the preview, saved together (all or none).
pub async fn save_answers(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(raw): PagePath<ReportId>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let id = raw;
    let template = field(&pairs, "template_name").to_owned();
    let comments = match chosen(&pairs) {
        Ok(comments) => comments,
        Err(refused) => return refused_desk(&state, &ctx, id, &refused).await,
    };
    // Every answer read, each checked at once: one refused is said with
    // the others, and what was typed stays in the preview.
    let mut drafts = Vec::new();
    let mut refused = Vec::new();
    for comment in comments {
        let form = AnswerForm {
            disposition: field(&pairs, &format!("disposition_{comment}")).to_owned(),
            response: field(&pairs, &format!("response_{comment}")).to_owned(),
        };
        match form.read() {
            Ok(kind) => drafts.push(AnswerDraft { comment, kind, response: form.response }),
            Err(problem) => {
                refused.push(rules::messages(ctx.pages.catalog(), ctx.language, &problem));
                // Shown again as typed; nothing is saved while one is refused.
                drafts.push(AnswerDraft { comment, kind: DispositionKind::Accepted, response: form.response });
            }
        }
    }
    if !refused.is_empty() {
        let desk = state.app.answer_desk(actor(&ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
        let preview = preview_view(&ctx, &desk, &template, &drafts, Some(refused.join(" ")));
        let view = desk_view(&ctx, desk, Kept { preview: Some(preview), ..Kept::default() });
        return Ok(ctx.render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/answers", "answers_title", view));
    }
    let result = state.app.save_answers(actor(&ctx)?, id, &drafts).await;
    match result {
        Ok(_) => {
            state.live.announce(crate::live::Change::report(id, crate::live::ChangeKind::Answered)).await;
            Ok(back(id, "saved"))
        }
        Err(err) if is_refusal(&err) => {
            let desk = state.app.answer_desk(actor(&ctx)?, id).await.map_err(|e| ctx.failure(&e))?;
            let preview = preview_view(&ctx, &desk, &template, &drafts, Some(ctx.describe(&err)));
            let view = desk_view(&ctx, desk, Kept { preview: Some(preview), ..Kept::default() });
            Ok(ctx.render_with_status(status_of(&err), "pages/answers", "answers_title", view))
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn create_template(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(raw): PagePath<ReportId>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let id = raw;
    let (name, body) = (field(&pairs, "name").to_owned(), field(&pairs, "text").to_owned());
    let form = TemplateForm { name: name.clone(), disposition: field(&pairs, "disposition").to_owned(), text: body.clone() };
    let kind = rules::parsed_choice::<DispositionKind>(&form.disposition, "disposition").ok().flatten();
    if let Err(refused) = form.validate() {
        let mut form = TemplateFormView { name, text: body, choices: choices(&ctx, kind), ..TemplateFormView::default() };
        let mut kept = Kept::default();
        for (field, problem) in rules::refused_fields(&refused) {
            let message = Some(rules::message(ctx.pages.catalog(), ctx.language, problem));
            match field.as_str() {
                "name" => form.name_error = message,
                "text" => form.text_error = message,
                _ => kept.message = message,
            }
        }
        kept.template_form = Some(form);
        return desk_page(&state, &ctx, id, kept, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let result = match kind {
        Some(kind) => state.app.create_answer_template(actor(&ctx)?, id, &name, kind, &body).await,
        None => Err(missing("disposition")),
    };
    match result {
        Ok(_) => Ok(back(id, "template")),
        Err(err) if is_refusal(&err) => {
            let message = ctx.describe(&err);
            let mut form = TemplateFormView { name, text: body, choices: choices(&ctx, kind), ..TemplateFormView::default() };
            let mut kept = Kept::default();
            match &err {
                AppError::Invalid { field: "name", .. } => form.name_error = Some(message),
                AppError::Invalid { field: "text", .. } => form.text_error = Some(message),
                _ => kept.message = Some(message),
            }
            kept.template_form = Some(form);
            desk_page(&state, &ctx, id, kept, status_of(&err)).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn delete_template(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(raw): PagePath<(ReportId, AnswerTemplateId)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let (id, template) = raw;
    match state.app.delete_answer_template(actor(&ctx)?, id, template).await {
        Ok(()) => Ok(back(id, "deleted")),
        Err(err) if is_refusal(&err) => {
            desk_page(&state, &ctx, id, Kept { message: Some(ctx.describe(&err)), ..Kept::default() }, status_of(&err)).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn publish_answers(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(raw): PagePath<ReportId>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let id = raw;
    match state.app.publish_answers(actor(&ctx)?, id).await {
        Ok(_) => {
            state.live.announce(crate::live::Change::report(id, crate::live::ChangeKind::Answered)).await;
            Ok(back(id, "published"))
        }
        Err(err) if is_refusal(&err) => {
            desk_page(&state, &ctx, id, Kept { message: Some(ctx.describe(&err)), ..Kept::default() }, status_of(&err)).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- The JSON API ------------------------------------------------------------------

/// A comment on the answer desk.
#[derive(Serialize, ToSchema)]
pub struct DeskCommentResponse {
    pub id: String,
    pub author: String,
    /// The body it speaks for, or its author, by name.
    pub commenter: String,
    pub on_behalf_of: Option<String>,
    /// The passage's citation label on the latest version; empty for the whole report.
    pub passage: String,
    pub version: u32,
    pub body: String,
    pub group: Option<String>,
    /// `accepted`, `partly_accepted`, `explained`, or none yet.
    pub disposition: Option<&'static str>,
    pub response: Option<String>,
    /// Whether the answer is published; a draft until then.
    pub published: bool,
}

/// A group of comments: suggested (no id) or confirmed.
#[derive(Serialize, ToSchema)]
pub struct GroupResponse {
    pub id: Option<String>,
    pub comments: Vec<String>,
    /// How many bodies or people it gathers.
    pub commenters: usize,
}

#[derive(Serialize, ToSchema)]
pub struct TemplateResponse {
    pub id: String,
    pub name: String,
    pub disposition: &'static str,
    pub text: String,
}

/// The answer desk of a report.
#[derive(Serialize, ToSchema)]
pub struct AnswerDeskResponse {
    pub report: String,
    pub comments: Vec<DeskCommentResponse>,
    pub suggested: Vec<GroupResponse>,
    pub groups: Vec<GroupResponse>,
    pub templates: Vec<TemplateResponse>,
    /// Answers not yet published.
    pub drafts: usize,
    pub may_answer: bool,
    pub may_publish: bool,
}

fn group_response(g: &GroupModel) -> GroupResponse {
    GroupResponse { id: g.id.map(|id| id.to_string()), comments: g.comments.iter().map(ToString::to_string).collect(), commenters: g.commenters }
}

fn template_response(t: &AnswerTemplate) -> TemplateResponse {
    TemplateResponse { id: t.id.to_string(), name: t.name.to_string(), disposition: t.kind.as_str(), text: t.text.as_str().to_owned() }
}

fn desk_response(desk: &AnswerDesk) -> AnswerDeskResponse {
    AnswerDeskResponse {
        report: desk.report.id.to_string(),
        comments: desk
            .comments
            .iter()
            .map(|c| DeskCommentResponse {
                id: c.comment.id.to_string(),
                author: c.comment.author.to_string(),
                commenter: c.commenter.clone(),
                on_behalf_of: c.comment.on_behalf_of.map(|b| b.to_string()),
                passage: c.passage.clone(),
                version: c.comment.version_number,
                body: c.comment.body.to_string(),
                group: c.comment.group.map(|g| g.to_string()),
                disposition: c.comment.disposition.as_ref().map(|d| d.kind.as_str()),
                response: c.comment.disposition.as_ref().and_then(|d| d.response.as_ref()).map(ToString::to_string),
                published: c.comment.answer_published(),
            })
            .collect(),
        suggested: desk.suggested.iter().map(group_response).collect(),
        groups: desk.groups.iter().map(group_response).collect(),
        templates: desk.templates.iter().map(template_response).collect(),
        drafts: desk.drafts,
        may_answer: desk.answer.is_yes(),
        may_publish: desk.publish.is_yes(),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/answers", tag = "answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "The comments with their draft or published answers, the suggested and confirmed groups, the templates", body = AnswerDeskResponse),
        (status = 403, description = "Only the drafting team and the secretariat see draft answers", body = ApiError),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_answer_desk(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<ReportId>) -> Response {
    match state.app.answer_desk(&identity.actor, id).await {
        Ok(desk) => Json(desk_response(&desk)).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// Comments chosen by id.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentsRequest {
    #[validate(length(min = 1, max = 1000), custom(function = "rules::comment_ids"))]
    #[schema(min_items = 1, max_items = 1000)]
    pub comments: Vec<String>,
}

/// Ids that do not read as ids name no comment: refused like an unknown one.
fn comment_ids(raw: &[String]) -> Result<Vec<CommentId>, AppError> {
    raw.iter().map(|c| c.parse().map_err(|_| missing("comments"))).collect()
}

/// The group made.
#[derive(Serialize, ToSchema)]
pub struct GroupMadeResponse {
    pub group: String,
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/groups", tag = "answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")), request_body = CommentsRequest,
    responses(
        (status = 201, description = "The comments, confirmed as one group to answer once", body = GroupMadeResponse),
        (status = 422, description = "Fewer than two comments, a comment of another report, a reply or a withdrawn comment", body = ApiError),
        (status = 409, description = "Answers are closed on the report, or a comment changed meanwhile", body = ApiError),
        (status = 403, description = "Only the drafting team groups comments", body = ApiError),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_confirm_group(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    ValidJson(request): ValidJson<CommentsRequest>,
) -> Response {
    let result = match comment_ids(&request.comments) {
        Ok(ids) => state.app.confirm_group(&identity.actor, id, &ids).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(group) => (StatusCode::CREATED, Json(GroupMadeResponse { group: group.to_string() })).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// How many comments a change touched.
#[derive(Serialize, ToSchema)]
pub struct CountResponse {
    pub comments: usize,
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/groups/{group}/split", tag = "answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), ("group" = String, Path, description = "The group's id")),
    request_body = CommentsRequest,
    responses(
        (status = 200, description = "The comments taken out of the group (the last one too, when one would be left)", body = CountResponse),
        (status = 422, description = "A comment not in the group", body = ApiError),
        (status = 409, description = "Answers are closed on the report", body = ApiError),
        (status = 403, description = "Only the drafting team splits groups", body = ApiError),
        (status = 404, description = "No such report or group", body = ApiError)))]
pub async fn api_split_group(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, group)): ApiPath<(ReportId, CommentGroupId)>,
    ValidJson(request): ValidJson<CommentsRequest>,
) -> Response {
    let result = match comment_ids(&request.comments) {
        Ok(ids) => state.app.split_group(&identity.actor, id, group, &ids).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(n) => Json(CountResponse { comments: n }).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// One answer: its disposition and the response that says why.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupAnswerRequest {
    /// `accepted`, `partly_accepted` or `explained`.
    #[schema(value_type = String, example = "partly_accepted")]
    pub disposition: DispositionKind,
    #[serde(default)]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub response: String,
}

#[utoipa::path(put, path = "/api/v1/reports/{id}/groups/{group}/answer", tag = "answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), ("group" = String, Path, description = "The group's id")),
    request_body = GroupAnswerRequest,
    responses(
        (status = 200, description = "Every comment of the group answered alike, as drafts", body = CountResponse),
        (status = 422, description = "A response is needed to partly accept or explain", body = ApiError),
        (status = 409, description = "Answers are closed on the report, or a comment changed meanwhile", body = ApiError),
        (status = 403, description = "Only the drafting team answers", body = ApiError),
        (status = 404, description = "No such report or group", body = ApiError)))]
pub async fn api_answer_group(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, group)): ApiPath<(ReportId, CommentGroupId)>,
    ValidJson(request): ValidJson<GroupAnswerRequest>,
) -> Response {
    match state.app.answer_group(&identity.actor, id, group, request.disposition, &request.response).await {
        Ok(n) => {
            state.live.announce(crate::live::Change::report(id, crate::live::ChangeKind::Answered)).await;
            Json(CountResponse { comments: n }).into_response()
        }
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// One answer to save.
#[derive(Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerItem {
    pub comment: String,
    #[schema(value_type = String, example = "accepted")]
    pub disposition: DispositionKind,
    #[serde(default)]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub response: String,
}

/// Answers saved together, all or none.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersRequest {
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_items = 1, max_items = 1000)]
    pub answers: Vec<AnswerItem>,
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/answers", tag = "answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")), request_body = AnswersRequest,
    responses(
        (status = 200, description = "The answers saved as drafts", body = CountResponse),
        (status = 422, description = "A comment that is not the report's, or a response missing where it is needed", body = ApiError),
        (status = 409, description = "Answers are closed on the report, or a comment changed meanwhile", body = ApiError),
        (status = 403, description = "Only the drafting team answers", body = ApiError),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_save_answers(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    ValidJson(request): ValidJson<AnswersRequest>,
) -> Response {
    let drafts: Result<Vec<AnswerDraft>, AppError> = request
        .answers
        .into_iter()
        .map(|a| Ok(AnswerDraft { comment: a.comment.parse().map_err(|_| missing("comments"))?, kind: a.disposition, response: a.response }))
        .collect();
    let result = match drafts {
        Ok(drafts) => state.app.save_answers(&identity.actor, id, &drafts).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(n) => {
            state.live.announce(crate::live::Change::report(id, crate::live::ChangeKind::Answered)).await;
            Json(CountResponse { comments: n }).into_response()
        }
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// A template to apply to chosen comments.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyTemplateRequest {
    #[validate(custom(function = "rules::template_id"))]
    pub template: String,
    #[validate(length(min = 1, max = 1000), custom(function = "rules::comment_ids"))]
    #[schema(min_items = 1, max_items = 1000)]
    pub comments: Vec<String>,
}

/// The template filled in for each comment, to edit and save.
#[derive(Serialize, ToSchema)]
pub struct FilledAnswer {
    pub comment: String,
    pub disposition: &'static str,
    pub response: String,
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/answers/preview", tag = "answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")), request_body = ApplyTemplateRequest,
    responses(
        (status = 200, description = "The template filled in for each comment; nothing is saved", body = [FilledAnswer]),
        (status = 422, description = "No such template of the committee, or a comment that is not the report's", body = ApiError),
        (status = 403, description = "Only the drafting team answers", body = ApiError),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_apply_template(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    ValidJson(request): ValidJson<ApplyTemplateRequest>,
) -> Response {
    let whole = state.pages.catalog().text(identity.user.language, "answers_whole_report").to_owned();
    let template = request.template.parse::<AnswerTemplateId>().map_err(|_| missing("template"));
    let result = match (template, comment_ids(&request.comments)) {
        (Ok(template), Ok(ids)) => state.app.apply_template(&identity.actor, id, template, &ids, &whole).await,
        (Err(err), _) | (_, Err(err)) => Err(err),
    };
    match result {
        Ok((_, _, drafts)) => Json(
            drafts
                .into_iter()
                .map(|d| FilledAnswer { comment: d.comment.to_string(), disposition: d.kind.as_str(), response: d.response })
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// A new answer template of the report's committee.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRequest {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[schema(value_type = String, example = "accepted")]
    pub disposition: DispositionKind,
    /// May name `{commenter}`, `{version}` and `{passage}`, nothing else in braces.
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/answer-templates", tag = "answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")), request_body = TemplateRequest,
    responses(
        (status = 201, description = "The template, kept for the committee's drafting teams", body = TemplateResponse),
        (status = 422, description = "An empty name or text, or an unknown placeholder", body = ApiError),
        (status = 409, description = "Answers are closed on the report", body = ApiError),
        (status = 403, description = "Only a drafting team keeps templates", body = ApiError),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_create_template(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    ValidJson(request): ValidJson<TemplateRequest>,
) -> Response {
    match state.app.create_answer_template(&identity.actor, id, &request.name, request.disposition, &request.text).await {
        Ok(template) => (StatusCode::CREATED, Json(template_response(&template))).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(delete, path = "/api/v1/reports/{id}/answer-templates/{template}", tag = "answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id"), ("template" = String, Path, description = "The template's id")),
    responses(
        (status = 204, description = "The template, deleted"),
        (status = 409, description = "Answers are closed on the report", body = ApiError),
        (status = 403, description = "Only a drafting team keeps templates", body = ApiError),
        (status = 404, description = "No such report, or no such template of its committee", body = ApiError)))]
pub async fn api_delete_template(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, template)): ApiPath<(ReportId, AnswerTemplateId)>,
) -> Response {
    match state.app.delete_answer_template(&identity.actor, id, template).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// What publishing did.
#[derive(Serialize, ToSchema)]
pub struct PublishedResponse {
    pub answers: usize,
    /// The commenters told, one mail each.
    pub commenters: usize,
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/answers/publish", tag = "answers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "Every draft answer published; each commenter is mailed once, listing their answers", body = PublishedResponse),
        (status = 422, description = "Nothing to publish: every answer is published already", body = ApiError),
        (status = 409, description = "Answers are closed on the report", body = ApiError),
        (status = 403, description = "Only the drafting team's lead publishes", body = ApiError),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn api_publish_answers(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<ReportId>) -> Response {
    match state.app.publish_answers(&identity.actor, id).await {
        Ok(published) => {
            state.live.announce(crate::live::Change::report(id, crate::live::ChangeKind::Answered)).await;
            Json(PublishedResponse { answers: published.answers, commenters: published.commenters }).into_response()
        }
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[cfg(test)]
pub(super) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let s = |t: &str| t.to_owned();
    let choice = || Choice { value: "accepted", label: s("Tiếp thu"), selected: true };
    let comment = || DeskCommentView {
        id: s("c"),
        commenter: s("Sở Tài chính"),
        passage: s("II.1 ¶2"),
        version: 1,
        body: s("x"),
        answer: Some(AnswerView { kind: s("Tiếp thu"), response: Some(s("x")), by: s("A"), published: true }),
        grouped: true,
    };
    let group = || GroupView {
        id: Some(s("g")),
        summary: s("x"),
        comments: vec![comment()],
        choices: vec![choice()],
        response: s("x"),
        error: Some(s("x")),
    };
    let view = AnswerDeskView {
        report: ReportRefView { id: s("r"), title: s("t") },
        drafts: s("x"),
        may_answer: true,
        answer_why_not: Some(s("x")),
        may_publish: true,
        publish_why_not: Some(s("x")),
        suggested: vec![group()],
        groups: vec![group()],
        comments: vec![comment()],
        templates: vec![TemplateView { id: s("t"), name: s("n"), kind: s("k"), text: s("x") }],
        template_form: TemplateFormView {
            name: s("n"),
            text: s("x"),
            choices: vec![choice()],
            name_error: Some(s("x")),
            text_error: Some(s("x")),
        },
        preview: Some(PreviewView {
            template: s("t"),
            rows: vec![PreviewRow { comment: comment(), choices: vec![choice()], response: s("x") }],
            error: Some(s("x")),
        }),
        placeholders: s("{commenter}"),
        message: Some(s("x")),
        notice: Some(s("x")),
    };
    vec![("pages/answers", super::sample(&view))]
}
