//! Signing in and out, the first-run page, setting a password through a
//! link, and a person's own account.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::organisation::NewUser;
use gopy_app::{AppError, link_path};
use std::collections::BTreeMap;

use gopy_domain::{AccessTokenId, Delivery, Language, LinkProblem, NoticeKind, SessionId};
use serde::{Deserialize, Serialize};
use crate::rules::Confirm;
use time::OffsetDateTime;

use crate::AppState;
use crate::rules::{self, NAME_MAX};
use validator::Validate;
use crate::auth::{Ctx, CsrfForm, PageResult, cleared_session_cookie, session_cookie};
use crate::i18n::{FieldErrors, format_date_time, form_errors};
use crate::routes::views::Choice;
use crate::paths::{LinkSecret, PagePath};

// --- Views ---------------------------------------------------------------------

#[derive(Serialize)]
pub struct SignInView {
    /// Where to go once signed in.
    pub next: String,
    pub error: Option<String>,
    pub values: SignInValues,
}

/// What was typed, kept after a refusal (never the password).
#[derive(Default, Serialize)]
pub struct SignInValues {
    pub email: String,
}

#[derive(Serialize)]
pub struct SetupView {
    pub values: SetupForm,
    pub errors: FieldErrors,
}

#[derive(Serialize)]
pub struct SetPasswordView {
    /// Where the form posts: the link's own address.
    pub action: String,
    pub name: String,
    pub email: String,
    /// A first password (an invitation) rather than a new one (a reset).
    pub invitation: bool,
    pub errors: FieldErrors,
}

#[derive(Serialize)]
pub struct PasswordSetView {
    pub email: String,
}

#[derive(Serialize)]
pub struct AccountView {
    pub name: String,
    pub email: String,
    pub title: Option<String>,
    pub language_vi: bool,
    /// The zones one may choose, one's own (or the one just typed) selected.
    pub time_zones: Vec<Choice>,
    pub mail_saved: bool,
    pub mail_choices: Vec<MailChoiceView>,
    pub sessions: Vec<SessionView>,
    pub tokens: Vec<TokenView>,
    /// A token just made: shown once, on this page.
    pub new_token: Option<String>,
    /// The name typed for a new token, kept after a refusal.
    pub token_name: String,
    pub profile_errors: FieldErrors,
    pub password_errors: FieldErrors,
    pub token_errors: FieldErrors,
}

#[derive(Serialize)]
pub struct MailChoiceView {
    pub kind: &'static str,
    /// The kind as an element id.
    pub id: String,
    pub label: String,
    pub options: Vec<Choice>,
}

#[derive(Serialize)]
pub struct SessionView {
    pub id: String,
    pub current: bool,
    pub created_at: String,
    pub last_seen_at: String,
    pub user_agent: Option<String>,
    pub address: Option<String>,
}

#[derive(Serialize)]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked: bool,
}

/// What a post to the account page brings back to it: a message, what was
/// typed, and why it was refused.
#[derive(Default)]
struct AccountExtra {
    mail_saved: bool,
    new_token: Option<String>,
    name: Option<String>,
    /// The zone typed with a refused profile change.
    time_zone: Option<String>,
    token_name: String,
    profile_errors: FieldErrors,
    password_errors: FieldErrors,
    token_errors: FieldErrors,
}

/// The longest address kept to return to after signing in.
const NEXT_MAX: u64 = 2048;

/// The longest password read (the domain's rule), so a body of megabytes
/// is never hashed.
const PASSWORD_MAX: u64 = gopy_domain::account::MAX_PASSWORD_CHARS as u64;

#[derive(Deserialize, Validate)]
pub struct NextQuery {
    /// Where to go once signed in: a path on this site (any other is home).
    #[validate(length(max = NEXT_MAX))]
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
    if query.validate().is_err() {
        return ctx.message(StatusCode::UNPROCESSABLE_ENTITY, "bad_form_title", "bad_form_body");
    }
    let next = local_path(query.next.as_deref());
    if ctx.identity.is_some() {
        return Redirect::to(&next).into_response();
    }
    ctx.render("pages/sign_in", "sign_in_title", SignInView { next, error: None, values: SignInValues::default() })
}

/// The sign-in form. Its rules only bound what is read: a wrong address
/// or password is told as one, never which of the two.
#[derive(Deserialize, Validate)]
pub struct SignInForm {
    #[serde(default)]
    #[validate(length(max = 254))]
    email: String,
    #[serde(default)]
    #[validate(length(max = PASSWORD_MAX))]
    password: String,
    #[validate(length(max = NEXT_MAX))]
    next: Option<String>,
}

pub async fn sign_in(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<SignInForm>) -> Response {
    let next = local_path(form.next.as_deref());
    let signed_in = match form.validate() {
        Ok(()) => state.app.sign_in(&form.email, &form.password, &ctx.client).await,
        Err(_) => Err(AppError::BadCredentials),
    };
    match signed_in {
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
            let page = SignInView { next, error: Some(ctx.describe(&err)), values: SignInValues { email: form.email } };
            ctx.render_with_status(status, "pages/sign_in", "sign_in_title", page)
        }
        Err(err) => ctx.failure(&err),
    }
}

pub async fn sign_out(State(state): State<AppState>, ctx: Ctx, CsrfForm(Confirm {}): CsrfForm<Confirm>) -> PageResult {
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
    Ok(ctx.render("pages/setup", "setup_title", SetupView { values: SetupForm::default(), errors: FieldErrors::default() }))
}

/// The first admin, as typed; every field is checked at once.
#[derive(Default, Deserialize, Serialize, Validate)]
pub struct SetupForm {
    #[serde(default)]
    #[validate(length(min = 1, max = NAME_MAX))]
    name: String,
    #[serde(default)]
    #[validate(email, length(min = 3, max = 254))]
    email: String,
    /// Never shown again. The domain also asks that it not be the address.
    #[serde(default, skip_serializing)]
    #[validate(length(min = MIN_PASSWORD, max = PASSWORD_MAX))]
    password: String,
}

/// The fewest characters of a password (the domain's rule).
const MIN_PASSWORD: u64 = gopy_domain::account::MIN_PASSWORD_CHARS as u64;

pub async fn setup(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<SetupForm>) -> PageResult {
    if let Err(refused) = form.validate() {
        let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
        let page = SetupView { values: form, errors };
        return Ok(ctx.render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/setup", "setup_title", page));
    }
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
            let errors = form_errors(&ctx, &err);
            let page = SetupView { values: form, errors };
            Ok(ctx.render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/setup", "setup_title", page))
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

/// The page behind an invitation or password-reset link.
pub async fn set_password_page(State(state): State<AppState>, ctx: Ctx, PagePath(LinkSecret(secret)): PagePath<LinkSecret>) -> Response {
    match state.app.open_link(&secret).await {
        Ok((link, user)) => ctx.render("pages/set_password", "set_password_title", set_password_view(&secret, &link, &user, FieldErrors::default())),
        Err(AppError::Link(problem)) => link_problem(&ctx, problem),
        Err(err) => ctx.failure(&err),
    }
}

fn set_password_view(secret: &str, link: &gopy_domain::AccountLink, user: &gopy_domain::User, errors: FieldErrors) -> SetPasswordView {
    SetPasswordView {
        action: link_path(secret),
        name: user.name.to_string(),
        email: user.email.to_string(),
        invitation: link.purpose == gopy_domain::LinkPurpose::Invitation,
        errors,
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

/// A password set through a link. How short is too short is the domain's
/// to tell, with its own words; the rule here only bounds what is read.
#[derive(Deserialize, Validate)]
pub struct SetPasswordForm {
    #[serde(default)]
    #[validate(length(max = PASSWORD_MAX))]
    password: String,
}

pub async fn set_password(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(LinkSecret(secret)): PagePath<LinkSecret>,
    CsrfForm(form): CsrfForm<SetPasswordForm>,
) -> Response {
    let set = match form.validate() {
        Ok(()) => state.app.set_password_with_link(&secret, &form.password).await,
        Err(refused) => Err(refused_as_invalid(&refused)),
    };
    match set {
        Ok(user) => {
            ctx.render("pages/password_set", "password_set_title", PasswordSetView { email: user.email.to_string() })
        }
        Err(AppError::Link(problem)) => link_problem(&ctx, problem),
        Err(err @ AppError::Invalid { .. }) => match state.app.open_link(&secret).await {
            Ok((link, user)) => {
                let page = set_password_view(&secret, &link, &user, form_errors(&ctx, &err));
                ctx.render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/set_password", "set_password_title", page)
            }
            Err(err) => ctx.failure(&err),
        },
        Err(err) => ctx.failure(&err),
    }
}

/// What the account page was sent back after: `mail`, `profile`, `password`.
#[derive(Deserialize, Validate)]
pub struct SavedQuery {
    #[validate(length(max = 32))]
    saved: Option<String>,
}

/// A password over the longest read, told in the domain's words (its one
/// rule at the edge is that bound).
fn refused_as_invalid(_: &validator::ValidationErrors) -> AppError {
    AppError::invalid("password", gopy_domain::PasswordProblem::TooLong)
}

/// My account: name and language, password, sessions and tokens.
pub async fn account_page(State(state): State<AppState>, ctx: Ctx, Query(saved): Query<SavedQuery>) -> PageResult {
    if saved.validate().is_err() {
        return Err(ctx.message(StatusCode::UNPROCESSABLE_ENTITY, "bad_form_title", "bad_form_body"));
    }
    let extra = AccountExtra { mail_saved: saved.saved.as_deref() == Some("mail"), ..AccountExtra::default() };
    account_view(&state, &ctx, extra, StatusCode::OK).await
}

async fn account_view(state: &AppState, ctx: &Ctx, extra: AccountExtra, status: StatusCode) -> PageResult {
    let identity = ctx.signed_in()?;
    let account = state.app.account_page(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let user = &account.user;
    let catalog = ctx.pages.catalog();
    let mail_choices = account
        .mail_choices
        .iter()
        .map(|(kind, chosen)| MailChoiceView {
            kind: kind.as_str(),
            id: kind.as_str().replace('.', "-"),
            label: catalog.text(ctx.language, &crate::i18n::notice_kind_key(*kind)).to_owned(),
            options: Delivery::ALL
                .iter()
                .map(|d| Choice::new(d.as_str(), catalog.text(ctx.language, &format!("delivery_{}", d.as_str())), d == chosen))
                .collect(),
        })
        .collect();
    let current = identity.session.as_ref().map(|s| s.id);
    let when = |at: OffsetDateTime| format_date_time(at, &user.time_zone);
    let page = AccountView {
        name: extra.name.unwrap_or_else(|| user.name.to_string()),
        email: user.email.to_string(),
        title: user.title.as_ref().map(ToString::to_string),
        language_vi: user.language == Language::Vi,
        time_zones: time_zone_choices(extra.time_zone.as_deref().unwrap_or(&user.time_zone)),
        mail_saved: extra.mail_saved,
        mail_choices,
        sessions: account
            .sessions
            .iter()
            .map(|s| SessionView {
                id: s.id.to_string(),
                current: Some(s.id) == current,
                created_at: when(s.created_at),
                last_seen_at: when(s.last_seen_at),
                user_agent: s.user_agent.clone(),
                address: s.address.clone(),
            })
            .collect(),
        tokens: account
            .tokens
            .iter()
            .map(|t| TokenView {
                id: t.id.to_string(),
                name: t.name.to_string(),
                created_at: when(t.created_at),
                last_used_at: t.last_used_at.map(when),
                revoked: t.revoked_at.is_some(),
            })
            .collect(),
        new_token: extra.new_token,
        token_name: extra.token_name,
        profile_errors: extra.profile_errors,
        password_errors: extra.password_errors,
        token_errors: extra.token_errors,
    };
    Ok(ctx.render_with_status(status, "pages/account", "account_title", page))
}

/// The account's mail choices: one field per kind, named by the kind.
#[derive(Deserialize, Validate)]
pub struct MailChoicesForm {
    #[serde(flatten)]
    #[validate(custom(function = "deliveries"))]
    choices: BTreeMap<String, String>,
}

/// Each kind one may choose for that the form names has a delivery we know.
fn deliveries(choices: &BTreeMap<String, String>) -> Result<(), validator::ValidationError> {
    let known = NoticeKind::choosable().filter_map(|kind| choices.get(kind.as_str())).all(|d| d.parse::<Delivery>().is_ok());
    if known { Ok(()) } else { Err(validator::ValidationError::new("delivery")) }
}

impl TryFrom<&MailChoicesForm> for Vec<(NoticeKind, Delivery)> {
    type Error = validator::ValidationErrors;

    fn try_from(form: &MailChoicesForm) -> Result<Self, Self::Error> {
        form.validate()?;
        NoticeKind::choosable()
            .filter_map(|kind| Some((kind, form.choices.get(kind.as_str())?)))
            .map(|(kind, delivery)| Ok((kind, rules::parsed(delivery, "choices")?)))
            .collect()
    }
}

pub async fn choose_notifications(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(form): CsrfForm<MailChoicesForm>,
) -> PageResult {
    let identity = ctx.signed_in()?;
    // Each choice is a list of our own options: another value was not
    // picked from it, and is refused whole.
    let choices = Vec::<(NoticeKind, Delivery)>::try_from(&form)
        .map_err(|_| ctx.message(StatusCode::UNPROCESSABLE_ENTITY, "bad_form_title", "bad_form_body"))?;
    state.app.choose_deliveries(&identity.actor, &choices).await.map_err(|e| ctx.failure(&e))?;
    Ok(Redirect::to("/account?saved=mail").into_response())
}

/// The zones a person may choose, as "Asia/Ho_Chi_Minh (UTC+7)".
fn time_zone_choices(chosen: &str) -> Vec<Choice> {
    gopy_domain::reminder::TIME_ZONES
        .iter()
        .map(|(zone, hours)| {
            let label = if *hours == 0 { format!("{zone} (UTC)") } else { format!("{zone} (UTC{hours:+})") };
            Choice::new(zone, label, *zone == chosen)
        })
        .collect()
}

/// The profile form as typed; every field is checked at once.
#[derive(Deserialize, Validate)]
pub struct ProfileForm {
    #[serde(default)]
    #[validate(length(min = 1, max = NAME_MAX))]
    name: String,
    #[serde(default)]
    #[validate(custom(function = "rules::language"))]
    language: String,
    /// Absent from older forms and scripts: the zone is then kept.
    #[validate(custom(function = "rules::time_zone"))]
    time_zone: Option<String>,
}

pub async fn update_profile(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<ProfileForm>) -> PageResult {
    let identity = ctx.signed_in()?;
    let checked = form.validate().and_then(|()| rules::parsed::<Language>(&form.language, "language"));
    let language = match checked {
        Ok(language) => language,
        Err(refused) => {
            let extra = AccountExtra {
                profile_errors: rules::field_errors(ctx.pages.catalog(), ctx.language, &refused),
                name: Some(form.name),
                time_zone: form.time_zone,
                ..AccountExtra::default()
            };
            return account_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.app.update_own_account(identity.user.id, &form.name, language, form.time_zone.as_deref()).await {
        Ok(_) => Ok(Redirect::to("/account?saved=profile").into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let extra = AccountExtra {
                profile_errors: form_errors(&ctx, &err),
                name: Some(form.name),
                time_zone: form.time_zone,
                ..AccountExtra::default()
            };
            account_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

/// Changing one's password. The rules bound what is read; whether the
/// current one is right and the new one long enough is the domain's.
#[derive(Deserialize, Validate)]
pub struct PasswordForm {
    #[serde(default)]
    #[validate(length(max = PASSWORD_MAX))]
    current_password: String,
    #[serde(default)]
    #[validate(length(max = PASSWORD_MAX))]
    new_password: String,
}

pub async fn change_password(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<PasswordForm>) -> PageResult {
    let identity = ctx.signed_in()?;
    let changed = match form.validate() {
        Ok(()) => state.app.change_password(&identity.user, &form.current_password, &form.new_password).await,
        Err(refused) => {
            let extra = AccountExtra { password_errors: rules::field_errors(ctx.pages.catalog(), ctx.language, &refused), ..AccountExtra::default() };
            return account_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match changed {
        Ok(()) => Ok(Redirect::to("/account?saved=password").into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let extra = AccountExtra { password_errors: form_errors(&ctx, &err), ..AccountExtra::default() };
            account_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn end_session(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<SessionId>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> PageResult {
    let identity = ctx.signed_in()?;
    state.app.end_session(identity.user.id, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(Redirect::to("/account").into_response())
}

pub async fn end_all_sessions(State(state): State<AppState>, ctx: Ctx, CsrfForm(Confirm {}): CsrfForm<Confirm>) -> PageResult {
    let identity = ctx.signed_in()?;
    state.app.end_all_sessions(identity.user.id).await.map_err(|e| ctx.failure(&e))?;
    Ok((StatusCode::SEE_OTHER, [(LOCATION, "/sign-in".to_owned()), (SET_COOKIE, cleared_session_cookie(&state))]).into_response())
}

/// A new token's name, as typed.
#[derive(Deserialize, Validate)]
pub struct TokenForm {
    #[serde(default, rename = "token_name")]
    #[validate(length(min = 1, max = NAME_MAX))]
    name: String,
}

pub async fn create_token(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<TokenForm>) -> PageResult {
    let identity = ctx.signed_in()?;
    if let Err(refused) = form.validate() {
        let token_errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
        let extra = AccountExtra { token_errors, token_name: form.name, ..AccountExtra::default() };
        return account_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match state.app.create_access_token(Some(identity.user.id), identity.user.email.as_str(), &form.name).await {
        // Shown once, on this page; only its hash is kept.
        Ok((_, secret)) => {
            let extra = AccountExtra { new_token: Some(secret), ..AccountExtra::default() };
            account_view(&state, &ctx, extra, StatusCode::OK).await
        }
        Err(err @ AppError::Invalid { .. }) => {
            let extra = AccountExtra { token_errors: form_errors(&ctx, &err), token_name: form.name, ..AccountExtra::default() };
            account_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<AccessTokenId>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> PageResult {
    let identity = ctx.signed_in()?;
    state.app.revoke_access_token(identity.user.id, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(Redirect::to("/account").into_response())
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let errors = || FieldErrors::one("form", "Không hợp lệ");
    let sign_in = SignInView { next: "/".into(), error: Some("Sai mật khẩu".into()), values: SignInValues { email: "a@b.vn".into() } };
    let setup = SetupView { values: SetupForm { name: "Lê Văn A".into(), email: "a@b.vn".into(), password: String::new() }, errors: errors() };
    let set_password = SetPasswordView {
        action: "/set-password/x".into(),
        name: "Lê Văn A".into(),
        email: "a@b.vn".into(),
        invitation: true,
        errors: errors(),
    };
    let account = AccountView {
        name: "Lê Văn A".into(),
        email: "a@b.vn".into(),
        title: Some("Chánh Văn phòng".into()),
        language_vi: true,
        time_zones: time_zone_choices("Asia/Ho_Chi_Minh"),
        mail_saved: true,
        mail_choices: vec![MailChoiceView {
            kind: "comment.posted",
            id: "comment-posted".into(),
            label: "Ý kiến mới".into(),
            options: vec![Choice::new("now", "Ngay", true)],
        }],
        sessions: vec![SessionView {
            id: "s1".into(),
            current: true,
            created_at: "27/06/2023 08:00".into(),
            last_seen_at: "27/06/2023 09:00".into(),
            user_agent: Some("Firefox".into()),
            address: Some("127.0.0.1".into()),
        }],
        tokens: vec![TokenView {
            id: "t1".into(),
            name: "Báo cáo".into(),
            created_at: "27/06/2023 08:00".into(),
            last_used_at: Some("27/06/2023 09:00".into()),
            revoked: false,
        }],
        new_token: Some("gopy_x".into()),
        token_name: "Báo cáo".into(),
        profile_errors: errors(),
        password_errors: errors(),
        token_errors: errors(),
    };
    let json = |v: serde_json::Result<serde_json::Value>| v.expect("a view becomes JSON");
    vec![
        ("pages/sign_in", json(serde_json::to_value(sign_in))),
        ("pages/setup", json(serde_json::to_value(setup))),
        ("pages/set_password", json(serde_json::to_value(set_password))),
        ("pages/password_set", json(serde_json::to_value(PasswordSetView { email: "a@b.vn".into() }))),
        ("pages/account", json(serde_json::to_value(account))),
    ]
}
