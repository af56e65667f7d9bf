//! The JSON API of the review loop: comments, replies, edits, withdrawals
//! and dispositions, a passage's threads a page at a time, and (wired here
//! until it moves with its feature) the table of dispositions.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gopy_app::comments::{NewAnchor, NewComment, Thread};
use gopy_app::review::{PassageRef, ThreadModel};
use gopy_app::{AppError, Fresh, Identity};
use gopy_domain::{Comment, CommentId, DispositionKind};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::pages::ThreadsQuery;
use crate::AppState;
use crate::etag::Tag;
use crate::routes::api::{ApiError, ValidJson, if_match, invalid_fields, refuse, rfc3339, stale, with_etag};
use crate::rules;
use validator::{Validate, ValidationErrors};
use crate::routes::dispositions::{api_dispositions, api_dispositions_file};
use crate::auth::ApiCaller;
use crate::live::{Change, ChangeKind};
use crate::paths::ApiPath;
use gopy_domain::{ReportId};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/v1/reports/{id}/comments", get(list_comments).post(post_comment))
        .route("/v1/reports/{id}/dispositions", get(api_dispositions))
        .route("/v1/reports/{id}/{file}", get(api_dispositions_file))
        .route("/v1/comments/{id}/replies", post(reply))
        .route("/v1/comments/{id}", get(get_comment).patch(change_comment))
        .route("/v1/comments/{id}/history", get(comment_history))
        .route("/v1/comments/{id}/disposition", axum::routing::put(answer))
        .route("/v1/reports/{id}/versions/{number}/passages/{block}/threads", get(passage_threads))
}


/// A comment or reply as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct CommentResponse {
    pub id: String,
    pub report: String,
    /// The version it was made on.
    pub version: u32,
    pub parent: Option<String>,
    pub author: String,
    pub recorded_by: Option<String>,
    pub at_meeting: bool,
    /// The block it is about, on the version it was made on; none for the whole report.
    pub block: Option<String>,
    pub start: Option<usize>,
    pub end: Option<usize>,
    pub quote: Option<String>,
    pub body: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub withdrawn_at: Option<String>,
    /// Who withdrew it (their id), when not its author, and why.
    pub withdrawn_by: Option<String>,
    pub withdrawal_reason: Option<String>,
    /// `accepted`, `partly_accepted`, `explained`, or none yet.
    pub disposition: Option<&'static str>,
    pub response: Option<String>,
    pub addressed_in: Option<u32>,
    /// Whether the answer is published. Until then it is the drafting
    /// team's draft: only the team and the secretariat see it at all.
    pub answer_published: bool,
    /// Moves on with every change; also the `ETag`, for `If-Match`.
    pub revision: u32,
}

/// A comment with its replies and where it stands on the latest version.
#[derive(Serialize, ToSchema)]
pub struct ThreadResponse {
    pub comment: CommentResponse,
    /// `current`, `passage_changed` or `outdated`.
    pub placement: Option<&'static str>,
    /// The block it is shown on in the latest version.
    pub shown_on_block: Option<String>,
    pub replies: Vec<CommentResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewResponse {
    pub report: String,
    /// The latest version, on which the comments are placed.
    pub version: Option<u32>,
    pub comments: usize,
    pub awaiting: usize,
    pub accepted: usize,
    pub partly_accepted: usize,
    pub explained: usize,
    pub withdrawn: usize,
    /// In the order of the document.
    pub threads: Vec<ThreadResponse>,
}


fn comment_response(c: &Comment) -> CommentResponse {
    let span = c.anchor.as_ref().and_then(|a| a.span.as_ref());
    CommentResponse {
        revision: c.revision,
        id: c.id.to_string(),
        report: c.report.to_string(),
        version: c.version_number,
        parent: c.parent.map(|p| p.to_string()),
        author: c.author.to_string(),
        recorded_by: c.recorded_by.map(|u| u.to_string()),
        at_meeting: c.at_meeting,
        block: c.anchor.as_ref().map(|a| a.block.to_string()),
        start: span.map(|s| s.start),
        end: span.map(|s| s.end),
        quote: span.map(|s| s.quote.clone()),
        body: c.body.to_string(),
        created_at: rfc3339(c.created_at),
        edited_at: c.edited_at.map(rfc3339),
        withdrawn_at: c.withdrawn_at.map(rfc3339),
        withdrawn_by: c.withdrawn_by.map(|u| u.to_string()),
        withdrawal_reason: c.withdrawal_reason.as_ref().map(ToString::to_string),
        disposition: c.disposition.as_ref().map(|d| d.kind.as_str()),
        response: c.disposition.as_ref().and_then(|d| d.response.as_ref()).map(ToString::to_string),
        addressed_in: c.disposition.as_ref().and_then(|d| d.addressed_in),
        answer_published: c.answer_published(),
    }
}

fn thread_response(t: &Thread) -> ThreadResponse {
    ThreadResponse {
        comment: comment_response(&t.comment),
        placement: t.placement.as_ref().map(|p| p.placement.as_str()),
        shown_on_block: t.placement.as_ref().and_then(|p| p.anchor.as_ref()).map(|a| a.block.to_string()),
        replies: t.replies.iter().map(comment_response).collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/comments", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    responses(
        (status = 200, description = "Every comment, placed on the latest version, in document order", body = ReviewResponse),
        (status = 404, description = "No such report", body = ApiError)))]
pub async fn list_comments(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<ReportId>) -> Response {
    match state.app.review(&identity.actor, id).await {
        Ok(review) => Json(ReviewResponse {
            report: review.report.id.to_string(),
            version: review.version.as_ref().map(|v| v.number),
            comments: review.counts.comments,
            awaiting: review.counts.awaiting,
            accepted: review.counts.accepted,
            partly_accepted: review.counts.partly_accepted,
            explained: review.counts.explained,
            withdrawn: review.counts.withdrawn,
            threads: review.threads.iter().map(thread_response).collect(),
        })
        .into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// A new comment on the latest version: on a passage (block with
/// character offsets and the quote), on a whole block, or on the whole report.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    /// The number of the version commented on: the latest.
    #[validate(range(min = 1, code = "version"))]
    #[schema(minimum = 1)]
    pub version: u32,
    #[validate(length(min = 1, max = 64, code = "choice"))]
    pub block: Option<String>,
    /// Character offsets into the block's text.
    pub start: Option<usize>,
    pub end: Option<usize>,
    #[validate(custom(function = "rules::optional_comment_text"))]
    pub quote: Option<String>,
    #[validate(custom(function = "rules::comment_text"))]
    #[schema(max_length = 5000)]
    pub body: String,
    /// The member whose opinion the secretariat records.
    #[validate(custom(function = "rules::optional_person_id"))]
    pub on_behalf_of: Option<String>,
    #[serde(default)]
    pub at_meeting: bool,
}

impl TryFrom<CommentRequest> for NewComment {
    type Error = ValidationErrors;

    /// Checks every field at once, then reads the person recorded for.
    fn try_from(request: CommentRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        let on_behalf_of = match request.on_behalf_of.as_deref() {
            Some(raw) => rules::parsed_choice(raw, "on_behalf_of")?,
            None => None,
        };
        Ok(NewComment {
            version: request.version,
            anchor: NewAnchor { block: request.block, start: request.start, end: request.end, quote: request.quote },
            body: request.body,
            on_behalf_of,
            at_meeting: request.at_meeting,
        })
    }
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/comments", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report's id")),
    request_body = CommentRequest,
    responses(
        (status = 201, description = "The comment", body = CommentResponse),
        (status = 422, description = "Empty or too long, or an anchor outside its passage; `fields` names every field refused", body = ApiError),
        (status = 403, description = "Not a member of the reviewing committee", body = ApiError),
        (status = 404, description = "No such report", body = ApiError),
        (status = 409, description = "No round of comments is open on the report", body = ApiError)))]
pub async fn post_comment(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<ReportId>,
    ValidJson(request): ValidJson<CommentRequest>,
) -> Response {
    let new = match NewComment::try_from(request) {
        Ok(new) => new,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    match state.app.post_comment(&identity.actor, id, new).await {
        Ok(comment) => {
            state.live.announce(Change::thread(id, comment.id, ChangeKind::Posted)).await;
            (StatusCode::CREATED, Json(comment_response(&comment))).into_response()
        }
        Err(err) => refuse(&state, &identity, &err),
    }
}

async fn changed(
    state: &AppState,
    identity: &Identity,
    result: Result<Comment, AppError>,
    kind: ChangeKind,
    status: StatusCode,
) -> Response {
    match result {
        Ok(comment) => {
            let thread = comment.parent.unwrap_or(comment.id);
            state.live.announce(Change::thread(comment.report, thread, kind)).await;
            with_etag((status, Json(comment_response(&comment))).into_response(), comment.revision)
        }
        Err(err) => refuse(state, identity, &err),
    }
}

/// As [`changed`], and a change refused as stale answers `409` with the
/// comment as it now is.
async fn changed_or_stale(
    state: &AppState,
    identity: &Identity,
    id: CommentId,
    result: Result<Comment, AppError>,
    kind: ChangeKind,
) -> Response {
    match result {
        Err(err @ AppError::Stale { .. }) => match state.app.comment_as_written(&identity.actor, id).await {
            Ok(now) => stale(state, identity, &err, comment_response(&now), now.revision),
            Err(other) => refuse(state, identity, &other),
        },
        other => changed(state, identity, other, kind, StatusCode::OK).await,
    }
}

#[utoipa::path(get, path = "/api/v1/comments/{id}", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment")),
    responses((status = 200, description = "The comment as it now is, its revision as the `ETag`", body = CommentResponse),
        (status = 404, description = "No such comment, or not one the caller may read", body = ApiError)))]
pub async fn get_comment(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<CommentId>) -> Response {
    match state.app.comment(&identity.actor, id).await {
        Ok((_, comment)) => with_etag(Json(comment_response(&comment)).into_response(), comment.revision),
        Err(err) => refuse(&state, &identity, &err),
    }
}

/// A comment's texts before it was edited, oldest first, with the text it
/// has now: what the drafting team answered may have been said of an
/// earlier wording.
#[derive(Serialize, ToSchema)]
pub struct CommentHistoryResponse {
    pub comment: CommentResponse,
    pub author: String,
    pub revisions: Vec<CommentRevisionResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct CommentRevisionResponse {
    pub body: String,
    /// When this text was replaced by the next.
    pub replaced_at: String,
}

#[utoipa::path(get, path = "/api/v1/comments/{id}/history", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment")),
    responses((status = 200, description = "The comment and its earlier texts, oldest first", body = CommentHistoryResponse),
        (status = 403, description = "A comment's history is the secretariat's to read", body = ApiError),
        (status = 404, description = "No such comment, or not one the caller may read", body = ApiError)))]
pub async fn comment_history(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(id): ApiPath<CommentId>) -> Response {
    match state.app.comment_history_page(&identity.actor, id).await {
        Ok(history) => Json(CommentHistoryResponse {
            comment: comment_response(&history.comment),
            author: history.author,
            revisions: history
                .revisions
                .iter()
                .map(|r| CommentRevisionResponse { body: r.body.to_string(), replaced_at: rfc3339(r.replaced_at) })
                .collect(),
        })
        .into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}


#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    #[validate(custom(function = "rules::comment_text"))]
    #[schema(max_length = 5000)]
    pub body: String,
}

#[utoipa::path(post, path = "/api/v1/comments/{id}/replies", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment replied to")),
    request_body = ReplyRequest,
    responses((status = 201, description = "The reply", body = CommentResponse),
        (status = 422, description = "Empty or too long", body = ApiError),
        (status = 404, description = "No such comment", body = ApiError)))]
pub async fn reply(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<CommentId>,
    ValidJson(request): ValidJson<ReplyRequest>,
) -> Response {
    let result = state.app.reply(&identity.actor, id, &request.body).await;
    changed(&state, &identity, result, ChangeKind::Replied, StatusCode::CREATED).await
}

/// A change to one's comment: a new text, or withdrawing it.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentChangeRequest {
    #[validate(custom(function = "rules::comment_text"))]
    #[schema(max_length = 5000)]
    pub body: Option<String>,
    #[serde(default)]
    pub withdrawn: bool,
    /// Why it is withdrawn: required when withdrawing someone else's comment.
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_text"))]
    #[schema(max_length = 5000)]
    pub reason: String,
}

#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment")),
    request_body = CommentChangeRequest,
    responses((status = 200, description = "The comment as it now is", body = CommentResponse),
        (status = 409, description = "`If-Match` names an older revision: the comment as it now is, under `current`", body = ApiError),
        (status = 403, description = "Not one's own comment", body = ApiError),
        (status = 422, description = "Empty or too long, or someone else's withdrawn without a reason; `fields` names every field refused", body = ApiError)))]
pub async fn change_comment(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<CommentId>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<CommentChangeRequest>,
) -> Response {
    let (result, kind) = match (request.withdrawn, request.body) {
        (true, _) => (state.app.withdraw_comment(&identity.actor, id, &request.reason).await, ChangeKind::Withdrawn),
        (false, Some(body)) => (state.app.edit_comment(&identity.actor, (id, if_match(&headers)), &body).await, ChangeKind::Edited),
        (false, None) => {
            return invalid_fields(state.pages.catalog(), identity.user.language, &rules::refused("body", "required"));
        }
    };
    changed_or_stale(&state, &identity, id, result, kind).await
}

/// The drafting team's answer to a comment; the page's answer form is
/// read into the same request.
#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispositionRequest {
    /// `accepted`, `partly_accepted` or `explained`.
    #[validate(custom(function = "rules::disposition"))]
    pub disposition: String,
    /// Required for `partly_accepted` and `explained`.
    #[serde(default)]
    #[validate(custom(function = "rules::optional_comment_text"))]
    #[schema(max_length = 5000)]
    pub response: String,
    /// The version in which the comment was taken into account.
    #[validate(range(min = 1, code = "version"))]
    #[schema(minimum = 1)]
    pub addressed_in: Option<u32>,
}

/// A [`DispositionRequest`] read: its kind, response and version.
pub(crate) struct Answer {
    pub kind: DispositionKind,
    pub response: String,
    pub addressed_in: Option<u32>,
}

impl TryFrom<&DispositionRequest> for Answer {
    type Error = ValidationErrors;

    fn try_from(request: &DispositionRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        Ok(Answer {
            kind: rules::parsed(&request.disposition, "disposition")?,
            response: request.response.clone(),
            addressed_in: request.addressed_in,
        })
    }
}

#[utoipa::path(put, path = "/api/v1/comments/{id}/disposition", tag = "comments", security(("bearer" = [])),
    params(("id" = String, Path, description = "The comment")),
    request_body = DispositionRequest,
    responses((status = 200, description = "The comment with its disposition", body = CommentResponse),
        (status = 409, description = "`If-Match` names an older revision: the comment as it now is, under `current`", body = ApiError),
        (status = 403, description = "Not on the drafting team", body = ApiError),
        (status = 422, description = "An unknown disposition, or one without its required response; `fields` names every field refused", body = ApiError)))]
pub async fn answer(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath(id): ApiPath<CommentId>,
    headers: HeaderMap,
    ValidJson(request): ValidJson<DispositionRequest>,
) -> Response {
    let answer = match Answer::try_from(&request) {
        Ok(answer) => answer,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    let seen = if_match(&headers);
    let result = state.app.answer_comment(&identity.actor, (id, seen), answer.kind, &answer.response, answer.addressed_in).await;
    changed_or_stale(&state, &identity, id, result, ChangeKind::Answered).await
}

/// A passage's comments counted by state (withdrawn ones apart).
#[derive(Serialize, ToSchema)]
pub struct ThreadCountsResponse {
    pub comments: usize,
    pub awaiting: usize,
    pub accepted: usize,
    pub partly_accepted: usize,
    pub explained: usize,
    pub withdrawn: usize,
}

pub(crate) fn counts_response(counts: &gopy_domain::CommentCounts) -> ThreadCountsResponse {
    ThreadCountsResponse {
        comments: counts.comments,
        awaiting: counts.awaiting,
        accepted: counts.accepted,
        partly_accepted: counts.partly_accepted,
        explained: counts.explained,
        withdrawn: counts.withdrawn,
    }
}

/// One page of a passage's threads, in the order of the document.
#[derive(Serialize, ToSchema)]
pub struct PassageThreadsResponse {
    pub report: String,
    pub version: u32,
    /// The block's id, `whole` or `outdated`.
    pub passage: String,
    /// The passage's citation label ("II.1 ¶2"), for a block.
    pub label: Option<String>,
    /// Every comment of the passage, whatever the filters.
    pub counts: ThreadCountsResponse,
    pub threads: Vec<ThreadResponse>,
    /// The cursor of the next page; none on the last page.
    pub next: Option<String>,
}

/// The filters and the page of a list of threads. Every filter narrows;
/// one that is not valid is refused with the others, never ignored.
#[derive(Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThreadsParams {
    /// `true`: only comments awaiting an answer.
    #[validate(custom(function = "rules::flag"))]
    pub awaiting: Option<String>,
    /// `true`: only the caller's own comments.
    #[validate(custom(function = "rules::flag"))]
    pub mine: Option<String>,
    /// Only comments by members of this body (its id).
    #[validate(custom(function = "rules::optional_body_id"))]
    pub body: Option<String>,
    /// `none`, `accepted`, `partly_accepted`, `explained` or `withdrawn`.
    #[validate(custom(function = "rules::disposition_filter"))]
    pub disposition: Option<String>,
    /// The `next` of the page before.
    #[validate(length(max = 256, code = "cursor"))]
    pub cursor: Option<String>,
    /// From 1 to 100; 20 when not given.
    #[validate(custom(function = "rules::page_size"))]
    pub limit: Option<String>,
}

impl From<ThreadsParams> for ThreadsQuery {
    fn from(params: ThreadsParams) -> Self {
        ThreadsQuery {
            awaiting: params.awaiting,
            mine: params.mine,
            body: params.body,
            disposition: params.disposition,
            cursor: params.cursor,
            limit: params.limit,
            ..ThreadsQuery::default()
        }
    }
}

fn model_thread(t: &ThreadModel) -> ThreadResponse {
    ThreadResponse {
        comment: comment_response(&t.comment),
        placement: t.placement.as_ref().map(|p| p.placement.as_str()),
        shown_on_block: t.block().map(ToString::to_string),
        replies: t.replies.iter().map(|r| comment_response(&r.reply)).collect(),
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/versions/{number}/passages/{block}/threads", tag = "comments",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The report's id"),
        ("number" = u32, Path, description = "The version's number"),
        ("block" = String, Path, description = "A block's id, `whole` (comments on the whole report) or `outdated`"),
        ThreadsParams),
    responses(
        (status = 200, description = "A page of the passage's threads", body = PassageThreadsResponse),
        (status = 304, description = "Unchanged since the `ETag` sent in `If-None-Match`"),
        (status = 404, description = "No such report, version or passage", body = ApiError),
        (status = 422, description = "A filter, cursor or page size that is not valid; `fields` says which", body = ApiError)))]
pub async fn passage_threads(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    headers: HeaderMap,
    ApiPath((id, number, passage)): ApiPath<(ReportId, u32, PassageRef)>,
    Query(params): Query<ThreadsParams>,
) -> Response {
    let checked = params.validate().and_then(|()| ThreadsQuery::from(params).request());
    let request = match checked {
        Ok(request) => request,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    // The answer depends on the caller ("mine"), so the tag names them.
    let tag = Tag::shared("json", &format!("threads.{}", identity.user.id));
    let passage = passage;
    match state.app.passage_threads(&identity.actor, id, number, &passage, &request, tag.known(&headers)).await {
        Ok(Fresh::Unchanged { change_count }) => tag.not_modified(change_count),
        Ok(Fresh::Changed { change_count, model }) => {
            let counts = &model.counts;
            let mut response = Json(PassageThreadsResponse {
                report: model.report.id.to_string(),
                version: model.version.number,
                passage: model.passage.as_str().to_owned(),
                label: model.block.as_ref().map(|(_, _, label)| label.clone()),
                counts: counts_response(&counts),
                threads: model.threads.iter().map(model_thread).collect(),
                next: model.next,
            })
            .into_response();
            tag.put(&mut response, change_count);
            response
        }
        Err(err) => refuse(&state, &identity, &err),
    }
}
