//! Signing in and out, the first-run page, setting a password through a
//! link, and a person's own account.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::organisation::NewUser;
use gopy_app::{AppError, link_path};
use std::collections::BTreeMap;

use gopy_domain::{AccessTokenId, CHOOSABLE_KINDS, Delivery, Language, LinkProblem, SessionId};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::AppState;
use crate::auth::{Ctx, CsrfForm, PageResult, cleared_session_cookie, session_cookie};
use crate::i18n::{format_date_time, form_errors};

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only a path on this site, so the sign-in page cannot send people away.
fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") => path.to_owned(),
        _ => "/".to_owned(),
    }
}

pub async fn sign_in_page(ctx: Ctx, Query(query): Query<NextQuery>) -> Response {
    let next = local_path(query.next.as_deref());
    if ctx.identity.is_some() {
        return Redirect::to(&next).into_response();
    }
    ctx.render("pages/sign_in", "sign_in_title", json!({ "next": next, "values": {} }))
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn sign_in(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<SignInForm>) -> Response {
    let next = local_path(form.next.as_deref());
    match state.app.sign_in(&form.email, &form.password, &ctx.client).await {
        Ok(signed_in) => {
            // A new session on every sign-in: a session id planted before
            // sign-in is never promoted, and the one signed in over ends.
            if let Some(identity) = &ctx.identity
                && let Some(session) = &identity.session
                && let Err(err) = state.app.end_session(identity.user.id, session.id).await
            {
                tracing::warn!(error = %err, "the session signed in over could not be ended");
            }
            let cookie = session_cookie(&state, &signed_in.session_secret);
            (StatusCode::SEE_OTHER, [(LOCATION, next), (SET_COOKIE, cookie)]).into_response()
        }
        Err(err @ (AppError::BadCredentials | AppError::Throttled(_))) => {
            let status = if matches!(err, AppError::Throttled(_)) { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::OK };
            let page = json!({ "next": next, "error": ctx.describe(&err), "values": { "email": form.email } });
            ctx.render_with_status(status, "pages/sign_in", "sign_in_title", page)
        }
        Err(err) => ctx.failure(&err),
    }
}

pub async fn sign_out(State(state): State<AppState>, ctx: Ctx, CsrfForm(_): CsrfForm<Value>) -> PageResult {
    let identity = ctx.signed_in()?;
    if let Some(session) = &identity.session {
        state.app.end_session(identity.user.id, session.id).await.map_err(|e| ctx.failure(&e))?;
    }
    Ok((StatusCode::SEE_OTHER, [(LOCATION, "/".to_owned()), (SET_COOKIE, cleared_session_cookie(&state))]).into_response())
}

/// The first-run page: only while Gopy has no admin.
pub async fn setup_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    if !state.app.needs_first_admin().await.map_err(|e| ctx.failure(&e))? {
        return Ok(Redirect::to("/sign-in").into_response());
    }
    Ok(ctx.render("pages/setup", "setup_title", json!({ "values": {} })))
}

#[derive(Deserialize, serde::Serialize)]
pub struct SetupForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default, skip_serializing)]
    password: String,
}

pub async fn setup(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<SetupForm>) -> PageResult {
    let admin = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        title: None,
        body: None,
        language: ctx.language,
        global_roles: vec![],
    };
    match state.app.create_first_admin(admin, &form.password).await {
        Ok(user) => {
            let signed_in = state
                .app
                .sign_in(user.email.as_str(), &form.password, &ctx.client)
                .await
                .map_err(|e| ctx.failure(&e))?;
            let cookie = session_cookie(&state, &signed_in.session_secret);
            Ok((StatusCode::SEE_OTHER, [(LOCATION, "/admin/bodies".to_owned()), (SET_COOKIE, cookie)]).into_response())
        }
        Err(AppError::Conflict { what: "first admin" }) => Ok(Redirect::to("/sign-in").into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let page = json!({ "values": form, "errors": form_errors(&ctx, &err) });
            Ok(ctx.render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/setup", "setup_title", page))
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

/// The page behind an invitation or password-reset link.
pub async fn set_password_page(State(state): State<AppState>, ctx: Ctx, Path(secret): Path<String>) -> Response {
    match state.app.open_link(&secret).await {
        Ok((link, user)) => ctx.render(
            "pages/set_password",
            "set_password_title",
            json!({ "action": link_path(&secret), "name": user.name, "email": user.email, "invitation": link.purpose == gopy_domain::LinkPurpose::Invitation }),
        ),
        Err(AppError::Link(problem)) => link_problem(&ctx, problem),
        Err(err) => ctx.failure(&err),
    }
}

fn link_problem(ctx: &Ctx, problem: LinkProblem) -> Response {
    let body = match problem {
        LinkProblem::Unknown => "link_unknown",
        LinkProblem::Expired => "link_expired",
        LinkProblem::Used => "link_used",
    };
    ctx.message(StatusCode::GONE, "link_problem_title", body)
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn set_password(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(secret): Path<String>,
    CsrfForm(form): CsrfForm<SetPasswordForm>,
) -> Response {
    match state.app.set_password_with_link(&secret, &form.password).await {
        Ok(user) => {
            let page = json!({ "email": user.email });
            ctx.render("pages/password_set", "password_set_title", page)
        }
        Err(AppError::Link(problem)) => link_problem(&ctx, problem),
        Err(err @ AppError::Invalid { .. }) => match state.app.open_link(&secret).await {
            Ok((link, user)) => {
                let page = json!({
                    "action": link_path(&secret),
                    "name": user.name,
                    "email": user.email,
                    "invitation": link.purpose == gopy_domain::LinkPurpose::Invitation,
                    "errors": form_errors(&ctx, &err),
                });
                ctx.render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/set_password", "set_password_title", page)
            }
            Err(err) => ctx.failure(&err),
        },
        Err(err) => ctx.failure(&err),
    }
}

#[derive(Deserialize)]
pub struct SavedQuery {
    saved: Option<String>,
}

/// My account: name and language, password, sessions and tokens.
pub async fn account_page(State(state): State<AppState>, ctx: Ctx, Query(saved): Query<SavedQuery>) -> PageResult {
    let extra = json!({ "mail_saved": saved.saved.as_deref() == Some("mail") });
    account_view(&state, &ctx, extra, StatusCode::OK).await
}

async fn account_view(state: &AppState, ctx: &Ctx, extra: Value, status: StatusCode) -> PageResult {
    let identity = ctx.account_owner()?;
    let user = &identity.user;
    let sessions = state.app.live_sessions(user.id).await.map_err(|e| ctx.failure(&e))?;
    let tokens = state.app.access_tokens(user.id).await.map_err(|e| ctx.failure(&e))?;
    let choices = state.app.delivery_choices(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let catalog = ctx.pages.catalog();
    let mail_choices: Vec<Value> = choices
        .iter()
        .map(|(kind, chosen)| {
            let id = kind.replace('.', "-");
            json!({
                "kind": kind,
                "id": id,
                "label": catalog.text(ctx.language, &format!("mail_kind_{}", kind.replace('.', "_"))),
                "options": Delivery::ALL.iter().map(|d| json!({
                    "value": d.as_str(),
                    "label": catalog.text(ctx.language, &format!("delivery_{}", d.as_str())),
                    "selected": d == chosen,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let current = identity.session.as_ref().map(|s| s.id);
    let when = |at: OffsetDateTime| format_date_time(at, &user.time_zone);
    let mut page = json!({
        "name": user.name,
        "email": user.email,
        "title": user.title,
        "language_vi": user.language == Language::Vi,
        "mail_choices": mail_choices,
        "sessions": sessions.iter().map(|s| json!({
            "id": s.id,
            "current": Some(s.id) == current,
            "created_at": when(s.created_at),
            "last_seen_at": when(s.last_seen_at),
            "user_agent": s.user_agent,
            "address": s.address,
        })).collect::<Vec<_>>(),
        "tokens": tokens.iter().map(|t| json!({
            "id": t.id,
            "name": t.name,
            "created_at": when(t.created_at),
            "last_used_at": t.last_used_at.map(when),
            "revoked": t.revoked_at.is_some(),
        })).collect::<Vec<_>>(),
    });
    if let (Some(page), Value::Object(extra)) = (page.as_object_mut(), extra) {
        page.extend(extra);
    }
    Ok(ctx.render_with_status(status, "pages/account", "account_title", page))
}

/// The account's mail choices: one field per kind, named by the kind.
pub async fn choose_notifications(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<BTreeMap<String, String>>,
) -> PageResult {
    let identity = ctx.account_owner()?;
    let mut choices = Vec::new();
    for kind in CHOOSABLE_KINDS {
        if let Some(value) = form.get(*kind) {
            let delivery: Delivery = value.parse().map_err(|_| ctx.message(StatusCode::BAD_REQUEST, "bad_form_title", "bad_form_body"))?;
            choices.push(((*kind).to_owned(), delivery));
        }
    }
    state.app.choose_deliveries(&identity.actor, &choices).await.map_err(|e| ctx.failure(&e))?;
    Ok(Redirect::to("/account?saved=mail").into_response())
}

#[derive(Deserialize, serde::Serialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    language: String,
}

pub async fn update_profile(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<ProfileForm>) -> PageResult {
    let identity = ctx.account_owner()?;
    let language = form.language.parse().unwrap_or(identity.user.language);
    match state.app.update_own_account(identity.user.id, &form.name, language).await {
        Ok(_) => Ok(Redirect::to("/account?saved=profile").into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let extra = json!({ "profile_errors": form_errors(&ctx, &err), "name": form.name });
            account_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<PasswordForm>) -> PageResult {
    let identity = ctx.account_owner()?;
    match state.app.change_password(&identity.user, &form.current_password, &form.new_password).await {
        Ok(()) => Ok(Redirect::to("/account?saved=password").into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let extra = json!({ "password_errors": form_errors(&ctx, &err) });
            account_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn end_session(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Value>,
) -> PageResult {
    let identity = ctx.account_owner()?;
    let id: SessionId = id.parse().map_err(|_| ctx.not_found())?;
    state.app.end_session(identity.user.id, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(Redirect::to("/account").into_response())
}

pub async fn end_all_sessions(State(state): State<AppState>, ctx: Ctx, CsrfForm(_): CsrfForm<Value>) -> PageResult {
    let identity = ctx.account_owner()?;
    state.app.end_all_sessions(identity.user.id).await.map_err(|e| ctx.failure(&e))?;
    Ok((StatusCode::SEE_OTHER, [(LOCATION, "/sign-in".to_owned()), (SET_COOKIE, cleared_session_cookie(&state))]).into_response())
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default, rename = "token_name")]
    name: String,
}

pub async fn create_token(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<TokenForm>) -> PageResult {
    let identity = ctx.account_owner()?;
    match state.app.create_access_token(Some(identity.user.id), identity.user.email.as_str(), &form.name).await {
        // Shown once, on this page; only its hash is kept.
        Ok((_, secret)) => account_view(&state, &ctx, json!({ "new_token": secret }), StatusCode::OK).await,
        Err(err @ AppError::Invalid { .. }) => {
            let extra = json!({ "token_errors": form_errors(&ctx, &err), "token_name": form.name });
            account_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Value>,
) -> PageResult {
    let identity = ctx.account_owner()?;
    let id: AccessTokenId = id.parse().map_err(|_| ctx.not_found())?;
    state.app.revoke_access_token(identity.user.id, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(Redirect::to("/account").into_response())
}
