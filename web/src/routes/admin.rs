//! The secretariat's and admins' pages: people, bodies, committees and their
//! members. Every handler asks the authorization function first.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::organisation::{NewUser, PersonChange};
use gopy_app::{AppError, link_path};
use gopy_domain::{Action, BodyId, CommitteeId, CommitteeRole, GlobalRole, Language, Resource, UserId};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{Ctx, CsrfForm, PageResult};
use crate::i18n::form_errors;
use crate::pages::merge;

/// The absolute link a person is given, until the notifier mails it.
fn full_link(state: &AppState, secret: &str) -> String {
    format!("{}{}", state.public_url(), link_path(secret))
}

fn bodies_view(bodies: &[gopy_domain::Body], selected: Option<BodyId>) -> Vec<Value> {
    bodies
        .iter()
        .map(|b| json!({ "id": b.id, "name": b.name, "selected": Some(b.id) == selected }))
        .collect()
}

// --- People ------------------------------------------------------------------

pub async fn people_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    people_view(&state, &ctx, json!({}), StatusCode::OK).await
}

async fn people_view(state: &AppState, ctx: &Ctx, extra: Value, status: StatusCode) -> PageResult {
    ctx.may(Action::ViewPeople, Resource::Organisation)?;
    let people = state.app.people().await.map_err(|e| ctx.failure(&e))?;
    let bodies = state.app.list_bodies().await.map_err(|e| ctx.failure(&e))?;
    let body_name = |id: Option<BodyId>| bodies.iter().find(|b| Some(b.id) == id).map(|b| b.name.to_string());
    let mut page = json!({
        "people": people.iter().map(|p| json!({
            "id": p.user.id,
            "name": p.user.name,
            "email": p.user.email,
            "title": p.user.title,
            "body": body_name(p.user.body),
            "active": p.user.active,
            "admin": p.global_roles.contains(&GlobalRole::Admin),
            "secretariat": p.global_roles.contains(&GlobalRole::Secretariat),
        })).collect::<Vec<_>>(),
        "bodies": bodies_view(&bodies, None),
        "may_grant": ctx.can(Action::GrantGlobalRole, Resource::Person(ctx.signed_in()?.user.id)),
        "values": {},
    });
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/admin_people", "people_title", page))
}

#[derive(Deserialize, Serialize)]
pub struct InviteForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    role: String,
}

pub async fn invite(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<InviteForm>) -> PageResult {
    let identity = ctx.may(Action::InvitePerson, Resource::Organisation)?;
    let global_roles: Vec<GlobalRole> = form.role.parse().into_iter().collect();
    if !global_roles.is_empty() {
        // Granting a global role is its own, stricter permission.
        ctx.may(Action::GrantGlobalRole, Resource::Person(identity.user.id))?;
    }
    let new_user = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        title: Some(form.title.clone()),
        body: form.body.parse().ok(),
        language: form.language.parse().unwrap_or(Language::Vi),
        global_roles,
    };
    match state.app.invite_person(Some(identity.user.id), new_user).await {
        Ok((user, secret)) => {
            let extra = json!({ "invited": { "name": user.name, "email": user.email, "link": full_link(&state, &secret) } });
            people_view(&state, &ctx, extra, StatusCode::OK).await
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let extra = json!({ "values": form, "errors": form_errors(&ctx, &err) });
            people_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

fn person_id(ctx: &Ctx, raw: &str) -> Result<UserId, Response> {
    raw.parse().map_err(|_| ctx.not_found())
}

pub async fn person_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = person_id(&ctx, &id)?;
    person_view(&state, &ctx, id, json!({}), StatusCode::OK).await
}

async fn person_view(state: &AppState, ctx: &Ctx, id: UserId, extra: Value, status: StatusCode) -> PageResult {
    ctx.may(Action::ChangePerson, Resource::Person(id))?;
    let person = state.app.person(id).await.map_err(|e| ctx.failure(&e))?;
    let bodies = state.app.list_bodies().await.map_err(|e| ctx.failure(&e))?;
    let mut page = json!({
        "id": person.user.id,
        "name": person.user.name,
        "email": person.user.email,
        "title": person.user.title,
        "active": person.user.active,
        "bodies": bodies_view(&bodies, person.user.body),
        "admin": person.global_roles.contains(&GlobalRole::Admin),
        "secretariat": person.global_roles.contains(&GlobalRole::Secretariat),
        "may_grant": ctx.can(Action::GrantGlobalRole, Resource::Person(id)),
        "may_reset": ctx.can(Action::ResetPassword, Resource::Person(id)),
    });
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/admin_person", "person_title", page))
}

#[derive(Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    active: Option<String>,
}

pub async fn change_person(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> PageResult {
    let id = person_id(&ctx, &id)?;
    let identity = ctx.may(Action::ChangePerson, Resource::Person(id))?;
    let change = PersonChange { title: Some(form.title), body: form.body.parse().ok(), active: form.active.is_some() };
    match state.app.change_person(identity.user.id, id, change).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/people/{id}")).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let extra = json!({ "errors": form_errors(&ctx, &err) });
            person_view(&state, &ctx, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

#[derive(Deserialize)]
pub struct RolesForm {
    admin: Option<String>,
    secretariat: Option<String>,
}

pub async fn set_roles(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RolesForm>,
) -> PageResult {
    let id = person_id(&ctx, &id)?;
    let identity = ctx.may(Action::GrantGlobalRole, Resource::Person(id))?;
    for (role, held) in [(GlobalRole::Admin, form.admin.is_some()), (GlobalRole::Secretariat, form.secretariat.is_some())] {
        if let Err(err) = state.app.set_global_role(identity.user.id, id, role, held).await {
            return match err {
                AppError::Invalid { .. } => {
                    let extra = json!({ "errors": form_errors(&ctx, &err) });
                    person_view(&state, &ctx, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await
                }
                other => Err(ctx.failure(&other)),
            };
        }
    }
    Ok(Redirect::to(&format!("/admin/people/{id}")).into_response())
}

pub async fn reset_link(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Value>,
) -> PageResult {
    let id = person_id(&ctx, &id)?;
    let identity = ctx.may(Action::ResetPassword, Resource::Person(id))?;
    let secret = state.app.password_reset_link(Some(identity.user.id), id).await.map_err(|e| ctx.failure(&e))?;
    person_view(&state, &ctx, id, json!({ "reset_link": full_link(&state, &secret) }), StatusCode::OK).await
}

// --- Bodies ------------------------------------------------------------------

pub async fn bodies_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    bodies_page_with(&state, &ctx, json!({}), StatusCode::OK).await
}

async fn bodies_page_with(state: &AppState, ctx: &Ctx, extra: Value, status: StatusCode) -> PageResult {
    ctx.may(Action::ViewBodies, Resource::Organisation)?;
    let bodies = state.app.list_bodies().await.map_err(|e| ctx.failure(&e))?;
    let mut page = json!({
        "bodies": bodies_view(&bodies, None),
        "may_create": ctx.can(Action::CreateBody, Resource::Organisation),
        "values": {},
    });
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/admin_bodies", "bodies_title", page))
}

#[derive(Deserialize, Serialize)]
pub struct NameForm {
    #[serde(default)]
    name: String,
}

pub async fn create_body(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<NameForm>) -> PageResult {
    let identity = ctx.may(Action::CreateBody, Resource::Organisation)?;
    match state.app.create_body(Some(identity.user.id), &form.name).await {
        Ok(_) => Ok(Redirect::to("/admin/bodies").into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let extra = json!({ "values": form, "errors": form_errors(&ctx, &err) });
            bodies_page_with(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- Committees ----------------------------------------------------------------

/// The committees the person may see: all for the secretariat, else their own.
pub async fn visible_committees(state: &AppState, ctx: &Ctx) -> Result<Vec<gopy_domain::Committee>, Response> {
    let identity = ctx.signed_in()?;
    let all = state.app.list_committees().await.map_err(|e| ctx.failure(&e))?;
    if ctx.can(Action::ViewAllCommittees, Resource::Organisation) {
        return Ok(all);
    }
    Ok(all.into_iter().filter(|c| identity.actor.role_in(c.id).is_some()).collect())
}

pub async fn committees_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    committees_page_with(&state, &ctx, json!({}), StatusCode::OK).await
}

async fn committees_page_with(state: &AppState, ctx: &Ctx, extra: Value, status: StatusCode) -> PageResult {
    let committees = visible_committees(state, ctx).await?;
    let mut page = json!({
        "committees": committees.iter().map(|c| json!({ "id": c.id, "name": c.name })).collect::<Vec<_>>(),
        "may_create": ctx.can(Action::CreateCommittee, Resource::Organisation),
        "values": {},
    });
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/committees", "committees_title", page))
}

pub async fn create_committee(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<NameForm>) -> PageResult {
    let identity = ctx.may(Action::CreateCommittee, Resource::Organisation)?;
    match state.app.create_committee(Some(identity.user.id), &form.name).await {
        Ok(committee) => Ok(Redirect::to(&format!("/committees/{}", committee.id)).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let extra = json!({ "values": form, "errors": form_errors(&ctx, &err) });
            committees_page_with(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

fn committee_id(ctx: &Ctx, raw: &str) -> Result<CommitteeId, Response> {
    raw.parse().map_err(|_| ctx.not_found())
}

pub async fn committee_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = committee_id(&ctx, &id)?;
    committee_view(&state, &ctx, id, json!({}), StatusCode::OK).await
}

async fn committee_view(state: &AppState, ctx: &Ctx, id: CommitteeId, extra: Value, status: StatusCode) -> PageResult {
    ctx.may(Action::ViewCommittee, Resource::Committee(id))?;
    let committee = state.app.committee(id).await.map_err(|e| ctx.failure(&e))?;
    let seats = state.app.memberships_of_committee(id).await.map_err(|e| ctx.failure(&e))?;
    let may_manage = ctx.can(Action::ManageMemberships, Resource::Committee(id));
    let people = state.app.people().await.map_err(|e| ctx.failure(&e))?;
    let catalog = ctx.pages.catalog();
    let members: Vec<Value> = seats
        .iter()
        .filter_map(|seat| {
            let person = people.iter().find(|p| p.user.id == seat.user)?;
            Some(json!({
                "name": person.user.name,
                "title": person.user.title,
                "role": catalog.text(ctx.language, &format!("role_{}", seat.role.as_str())),
            }))
        })
        .collect();
    let candidates: Vec<Value> = if may_manage {
        people
            .iter()
            .filter(|p| p.user.active && !seats.iter().any(|s| s.user == p.user.id))
            .map(|p| json!({ "id": p.user.id, "name": p.user.name, "email": p.user.email }))
            .collect()
    } else {
        Vec::new()
    };
    let roles: Vec<Value> = CommitteeRole::ALL
        .iter()
        .map(|r| json!({ "value": r.as_str(), "label": catalog.text(ctx.language, &format!("role_{}", r.as_str())) }))
        .collect();
    let mut page = json!({
        "id": committee.id,
        "name": committee.name,
        "members": members,
        "may_manage": may_manage,
        "candidates": candidates,
        "roles": roles,
    });
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/committee", "committee_title", page))
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    person: String,
    #[serde(default)]
    role: String,
}

pub async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> PageResult {
    let id = committee_id(&ctx, &id)?;
    let identity = ctx.may(Action::ManageMemberships, Resource::Committee(id))?;
    let (Ok(person), Ok(role)) = (form.person.parse::<UserId>(), form.role.parse::<CommitteeRole>()) else {
        let extra = json!({ "errors": { "member": ctx.pages.catalog().text(ctx.language, "err_choose_member") } });
        return committee_view(&state, &ctx, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    match state.app.add_membership(Some(identity.user.id), id, person, role).await {
        Ok(_) => Ok(Redirect::to(&format!("/committees/{id}")).into_response()),
        Err(err @ (AppError::Conflict { .. } | AppError::NotFound { what: "user" })) => {
            let extra = json!({ "errors": { "member": ctx.describe(&err) } });
            committee_view(&state, &ctx, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- Terms ---------------------------------------------------------------------

pub async fn terms_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    terms_page_with(&state, &ctx, json!({}), StatusCode::OK).await
}

async fn terms_page_with(state: &AppState, ctx: &Ctx, extra: Value, status: StatusCode) -> PageResult {
    ctx.may(Action::ManageIndicators, Resource::Organisation)?;
    let terms = state.app.list_terms().await.map_err(|e| ctx.failure(&e))?;
    let date = |d: time::Date| format!("{:02}/{:02}/{}", d.day(), u8::from(d.month()), d.year());
    let mut page = json!({
        "terms": terms.iter().map(|t| json!({ "name": t.name, "starts_on": date(t.starts_on), "ends_on": date(t.ends_on) })).collect::<Vec<_>>(),
        "values": {},
    });
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/admin_terms", "terms_title", page))
}

#[derive(Deserialize, Serialize)]
pub struct TermForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
}

/// A term (nhiệm kỳ), e.g. 2020 - 2025, with the dates the resolution covers.
pub async fn create_term(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<TermForm>) -> PageResult {
    let identity = ctx.may(Action::ManageIndicators, Resource::Organisation)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let parse = |raw: &str| time::Date::parse(raw.trim(), &format).ok();
    let result = match (parse(&form.starts_on), parse(&form.ends_on)) {
        (Some(starts_on), Some(ends_on)) => state.app.create_term(Some(identity.user.id), &form.name, starts_on, ends_on).await,
        (None, _) => Err(AppError::invalid("starts_on", gopy_app::InvalidReason::Missing)),
        (_, None) => Err(AppError::invalid("ends_on", gopy_app::InvalidReason::Missing)),
    };
    match result {
        Ok(_) => Ok(Redirect::to("/admin/terms").into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let extra = json!({ "values": form, "errors": form_errors(&ctx, &err) });
            terms_page_with(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}
