//! The secretariat's and admins' pages: people, bodies, terms, committees
//! and their members. Each page is one read use case; what the viewer may
//! do comes decided with it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use gopy_app::organisation::{NewUser, PersonChange};
use gopy_app::{AppError, link_path};
use gopy_domain::{BodyId, CommitteeId, CommitteeRole, GlobalRole, UserId};
use validator::{Validate, ValidationErrors};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::rules::{self, Confirm, NAME_MAX};
use crate::auth::{Ctx, CsrfForm, PageResult};
use crate::i18n::{FieldErrors, format_date, form_errors};
use crate::routes::views::{Choice, Named};
use crate::paths::PagePath;

/// The absolute link a person is given, until the notifier mails it.
fn full_link(state: &AppState, secret: &str) -> String {
    format!("{}{}", state.public_url(), link_path(secret))
}

/// A body as a `<select>` shows it.
#[derive(Serialize)]
pub struct BodyOption {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

fn body_options(bodies: &[gopy_domain::Body], selected: Option<BodyId>) -> Vec<BodyOption> {
    bodies.iter().map(|b| BodyOption { id: b.id.to_string(), name: b.name.to_string(), selected: Some(b.id) == selected }).collect()
}

// --- People ------------------------------------------------------------------

#[derive(Serialize)]
pub struct PeopleView {
    pub people: Vec<PersonRowView>,
    pub bodies: Vec<BodyOption>,
    pub may_grant: bool,
    /// The person just invited, with their link.
    pub invited: Option<InvitedView>,
    pub values: InviteForm,
    pub errors: FieldErrors,
}

#[derive(Serialize)]
pub struct PersonRowView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub title: Option<String>,
    pub body: Option<String>,
    pub active: bool,
    pub admin: bool,
    pub secretariat: bool,
}

#[derive(Serialize)]
pub struct InvitedView {
    pub name: String,
    pub email: String,
    pub link: String,
}

pub async fn people_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    people_view(&state, &ctx, None, InviteForm::default(), FieldErrors::default(), StatusCode::OK).await
}

async fn people_view(
    state: &AppState,
    ctx: &Ctx,
    invited: Option<InvitedView>,
    values: InviteForm,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let identity = ctx.signed_in()?;
    let people = state.app.people_page(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let page = PeopleView {
        people: people
            .people
            .iter()
            .map(|p| PersonRowView {
                id: p.user.id.to_string(),
                name: p.user.name.to_string(),
                email: p.user.email.to_string(),
                title: p.user.title.as_ref().map(ToString::to_string),
                body: p.body.clone(),
                active: p.user.active,
                admin: p.global_roles.contains(&GlobalRole::Admin),
                secretariat: p.global_roles.contains(&GlobalRole::Secretariat),
            })
            .collect(),
        bodies: body_options(&people.bodies, values.body.parse().ok()),
        may_grant: people.may_grant,
        invited,
        values,
        errors,
    };
    Ok(ctx.render_with_status(status, "pages/admin_people", "people_title", page))
}

/// The invitation form as typed; every field is checked at once, and the
/// page shows it back with a message beside each that was refused.
#[derive(Default, Deserialize, Serialize, Validate)]
pub struct InviteForm {
    #[serde(default)]
    #[validate(length(min = 1, max = NAME_MAX))]
    name: String,
    #[serde(default)]
    #[validate(email, length(min = 3, max = 254))]
    email: String,
    #[serde(default)]
    #[validate(length(max = NAME_MAX))]
    title: String,
    /// A body's id, or empty for none.
    #[serde(default)]
    #[validate(custom(function = "rules::body_choice"))]
    body: String,
    #[serde(default)]
    #[validate(custom(function = "rules::language"))]
    language: String,
    /// `admin`, `secretariat`, or empty for neither.
    #[serde(default)]
    #[validate(custom(function = "rules::global_role_choice"))]
    role: String,
}

impl TryFrom<&InviteForm> for NewUser {
    type Error = ValidationErrors;

    /// Checks every field at once, then reads the choices: an empty one is none.
    fn try_from(form: &InviteForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        let (body, role) = (form.body.trim(), form.role.trim());
        Ok(NewUser {
            email: form.email.clone(),
            name: form.name.clone(),
            title: Some(form.title.clone()),
            body: rules::parsed_choice(body, "body")?,
            language: rules::parsed(&form.language, "language")?,
            global_roles: rules::parsed_choice::<GlobalRole>(role, "role")?.into_iter().collect(),
        })
    }
}

pub async fn invite(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<InviteForm>) -> PageResult {
    let identity = ctx.signed_in()?;
    let new_user = match NewUser::try_from(&form) {
        Ok(new_user) => new_user,
        Err(refused) => {
            let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
            return people_view(&state, &ctx, None, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.app.invite_as(&identity.actor, new_user).await {
        Ok((user, secret)) => {
            let invited = InvitedView { name: user.name.to_string(), email: user.email.to_string(), link: full_link(&state, &secret) };
            people_view(&state, &ctx, Some(invited), InviteForm::default(), FieldErrors::default(), StatusCode::OK).await
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let errors = form_errors(&ctx, &err);
            people_view(&state, &ctx, None, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}


#[derive(Serialize)]
pub struct PersonView {
    pub id: String,
    pub name: String,
    pub email: String,
    /// As stored, or as typed when a change was refused.
    pub title: Option<String>,
    pub active: bool,
    pub bodies: Vec<BodyOption>,
    pub admin: bool,
    pub secretariat: bool,
    pub may_grant: bool,
    pub may_reset: bool,
    /// A password link just made.
    pub reset_link: Option<String>,
    pub errors: FieldErrors,
}

/// What a post to a person's page brings back to it.
#[derive(Default)]
struct PersonExtra {
    reset_link: Option<String>,
    /// The change refused, as typed.
    typed: Option<PersonForm>,
    errors: FieldErrors,
}

pub async fn person_page(State(state): State<AppState>, ctx: Ctx, PagePath(id): PagePath<UserId>) -> PageResult {
    person_view(&state, &ctx, id, PersonExtra::default(), StatusCode::OK).await
}

async fn person_view(state: &AppState, ctx: &Ctx, id: UserId, extra: PersonExtra, status: StatusCode) -> PageResult {
    let identity = ctx.signed_in()?;
    let found = state.app.person_page(&identity.actor, id).await.map_err(|e| ctx.failure(&e))?;
    let user = &found.person.user;
    let (title, body, active) = match &extra.typed {
        Some(typed) => (Some(typed.title.clone()), typed.body.parse().ok(), typed.active.is_some()),
        None => (user.title.as_ref().map(ToString::to_string), user.body, user.active),
    };
    let page = PersonView {
        id: user.id.to_string(),
        name: user.name.to_string(),
        email: user.email.to_string(),
        title,
        active,
        bodies: body_options(&found.bodies, body),
        admin: found.person.global_roles.contains(&GlobalRole::Admin),
        secretariat: found.person.global_roles.contains(&GlobalRole::Secretariat),
        may_grant: found.may_grant,
        may_reset: found.may_reset,
        reset_link: extra.reset_link,
        errors: extra.errors,
    };
    Ok(ctx.render_with_status(status, "pages/admin_person", "person_title", page))
}

/// What the secretariat keeps about someone, as typed.
#[derive(Deserialize, Validate)]
pub struct PersonForm {
    #[serde(default)]
    #[validate(length(max = NAME_MAX))]
    title: String,
    /// A body's id, or empty for none.
    #[serde(default)]
    #[validate(custom(function = "rules::body_choice"))]
    body: String,
    /// The box is ticked: any value sent.
    active: Option<String>,
}

impl TryFrom<&PersonForm> for PersonChange {
    type Error = ValidationErrors;

    fn try_from(form: &PersonForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        Ok(PersonChange { title: Some(form.title.clone()), body: rules::parsed_choice(&form.body, "body")?, active: form.active.is_some() })
    }
}

pub async fn change_person(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<UserId>,
    CsrfForm(form): CsrfForm<PersonForm>,
) -> PageResult {
    let identity = ctx.signed_in()?;
    let change = match PersonChange::try_from(&form) {
        Ok(change) => change,
        Err(refused) => {
            let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
            let extra = PersonExtra { errors, typed: Some(form), ..PersonExtra::default() };
            return person_view(&state, &ctx, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.app.change_person_as(&identity.actor, id, change).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/people/{id}")).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let extra = PersonExtra { errors: form_errors(&ctx, &err), typed: Some(form), ..PersonExtra::default() };
            person_view(&state, &ctx, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

/// A person's global roles: a box each, ticked or not (any value sent is ticked).
#[derive(Deserialize, Validate)]
pub struct RolesForm {
    admin: Option<String>,
    secretariat: Option<String>,
}

pub async fn set_roles(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<UserId>,
    CsrfForm(form): CsrfForm<RolesForm>,
) -> PageResult {
    let identity = ctx.signed_in()?;
    for (role, held) in [(GlobalRole::Admin, form.admin.is_some()), (GlobalRole::Secretariat, form.secretariat.is_some())] {
        if let Err(err) = state.app.set_global_role_as(&identity.actor, id, role, held).await {
            return match err {
                AppError::Invalid { .. } => {
                    let extra = PersonExtra { errors: form_errors(&ctx, &err), ..PersonExtra::default() };
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
    PagePath(id): PagePath<UserId>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> PageResult {
    let identity = ctx.signed_in()?;
    let secret = state.app.password_reset_link_as(&identity.actor, id).await.map_err(|e| ctx.failure(&e))?;
    let extra = PersonExtra { reset_link: Some(full_link(&state, &secret)), ..PersonExtra::default() };
    person_view(&state, &ctx, id, extra, StatusCode::OK).await
}

// --- Bodies ------------------------------------------------------------------

#[derive(Serialize)]
pub struct BodiesView {
    pub bodies: Vec<Named>,
    pub may_create: bool,
    pub values: NameForm,
    pub errors: FieldErrors,
}

pub async fn bodies_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    bodies_page_with(&state, &ctx, NameForm::default(), FieldErrors::default(), StatusCode::OK).await
}

async fn bodies_page_with(state: &AppState, ctx: &Ctx, values: NameForm, errors: FieldErrors, status: StatusCode) -> PageResult {
    let identity = ctx.signed_in()?;
    let found = state.app.bodies_page(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let page = BodiesView {
        bodies: found.bodies.iter().map(|b| Named::new(b.id, &b.name)).collect(),
        may_create: found.may_create,
        values,
        errors,
    };
    Ok(ctx.render_with_status(status, "pages/admin_bodies", "bodies_title", page))
}

/// A body's or a committee's name, as typed.
#[derive(Default, Deserialize, Serialize, Validate)]
pub struct NameForm {
    #[serde(default)]
    #[validate(length(min = 1, max = NAME_MAX))]
    name: String,
}

pub async fn create_body(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<NameForm>) -> PageResult {
    let identity = ctx.signed_in()?;
    if let Err(refused) = form.validate() {
        let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
        return bodies_page_with(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match state.app.create_body_as(&identity.actor, &form.name).await {
        Ok(_) => Ok(Redirect::to("/admin/bodies").into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let errors = form_errors(&ctx, &err);
            bodies_page_with(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- Committees ----------------------------------------------------------------

#[derive(Serialize)]
pub struct CommitteesView {
    pub committees: Vec<Named>,
    pub may_create: bool,
    pub values: NameForm,
    pub errors: FieldErrors,
}

pub async fn committees_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    committees_page_with(&state, &ctx, NameForm::default(), FieldErrors::default(), StatusCode::OK).await
}

async fn committees_page_with(state: &AppState, ctx: &Ctx, values: NameForm, errors: FieldErrors, status: StatusCode) -> PageResult {
    let identity = ctx.signed_in()?;
    let found = state.app.committees_page(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let page = CommitteesView {
        committees: found.committees.iter().map(|c| Named::new(c.id, &c.name)).collect(),
        may_create: found.may_create,
        values,
        errors,
    };
    Ok(ctx.render_with_status(status, "pages/committees", "committees_title", page))
}

pub async fn create_committee(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<NameForm>) -> PageResult {
    let identity = ctx.signed_in()?;
    if let Err(refused) = form.validate() {
        let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
        return committees_page_with(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match state.app.create_committee_as(&identity.actor, &form.name).await {
        Ok(committee) => Ok(Redirect::to(&format!("/committees/{}", committee.id)).into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let errors = form_errors(&ctx, &err);
            committees_page_with(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}


#[derive(Serialize)]
pub struct CommitteeView {
    pub id: String,
    pub name: String,
    pub members: Vec<MemberView>,
    pub may_manage: bool,
    pub candidates: Vec<CandidateView>,
    pub roles: Vec<Choice>,
    pub errors: FieldErrors,
}

#[derive(Serialize)]
pub struct MemberView {
    pub name: String,
    pub title: Option<String>,
    pub role: String,
}

#[derive(Serialize)]
pub struct CandidateView {
    pub id: String,
    pub name: String,
    pub email: String,
    pub selected: bool,
}

pub async fn committee_page(State(state): State<AppState>, ctx: Ctx, PagePath(id): PagePath<CommitteeId>) -> PageResult {
    committee_view(&state, &ctx, id, None, FieldErrors::default(), StatusCode::OK).await
}

async fn committee_view(
    state: &AppState,
    ctx: &Ctx,
    id: CommitteeId,
    typed: Option<&MemberForm>,
    errors: FieldErrors,
    status: StatusCode,
) -> PageResult {
    let identity = ctx.signed_in()?;
    let found = state.app.committee_page(&identity.actor, id).await.map_err(|e| ctx.failure(&e))?;
    let catalog = ctx.pages.catalog();
    let role_label = |role: CommitteeRole| catalog.text(ctx.language, &format!("role_{}", role.as_str())).to_owned();
    let (person, role) = typed.map_or(("", ""), |t| (t.person.as_str(), t.role.as_str()));
    let page = CommitteeView {
        id: found.committee.id.to_string(),
        name: found.committee.name.to_string(),
        members: found
            .members
            .iter()
            .map(|m| MemberView { name: m.name.clone(), title: m.title.clone(), role: role_label(m.role) })
            .collect(),
        may_manage: found.may_manage,
        candidates: found
            .candidates
            .iter()
            .map(|u| {
                let id = u.id.to_string();
                CandidateView { selected: id == person, id, name: u.name.to_string(), email: u.email.to_string() }
            })
            .collect(),
        roles: CommitteeRole::ALL.iter().map(|r| Choice::new(r.as_str(), role_label(*r), r.as_str() == role)).collect(),
        errors,
    };
    Ok(ctx.render_with_status(status, "pages/committee", "committee_title", page))
}

/// A seat on a committee, as chosen.
#[derive(Deserialize, Validate)]
pub struct MemberForm {
    #[serde(default)]
    #[validate(custom(function = "rules::person_choice"))]
    person: String,
    #[serde(default)]
    #[validate(custom(function = "rules::committee_role"))]
    role: String,
}

pub async fn add_member(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<CommitteeId>,
    CsrfForm(form): CsrfForm<MemberForm>,
) -> PageResult {
    let identity = ctx.signed_in()?;
    let read = form.validate().and_then(|()| Ok((rules::parsed::<UserId>(&form.person, "person")?, rules::parsed::<CommitteeRole>(&form.role, "role")?)));
    let (person, role) = match read {
        Ok(read) => read,
        Err(refused) => {
            let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
            return committee_view(&state, &ctx, id, Some(&form), errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.app.add_membership_as(&identity.actor, id, Some(person), Some(role)).await {
        Ok(_) => Ok(Redirect::to(&format!("/committees/{id}")).into_response()),
        Err(AppError::Invalid { field: "member", .. }) => {
            let errors = FieldErrors::one("member", ctx.pages.catalog().text(ctx.language, "err_choose_member"));
            committee_view(&state, &ctx, id, Some(&form), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err @ (AppError::Conflict { .. } | AppError::NotFound { what: "user" })) => {
            let errors = FieldErrors::one("member", ctx.describe(&err));
            committee_view(&state, &ctx, id, Some(&form), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- Terms ---------------------------------------------------------------------

#[derive(Serialize)]
pub struct TermsView {
    pub terms: Vec<TermView>,
    pub values: TermForm,
    pub errors: FieldErrors,
}

#[derive(Serialize)]
pub struct TermView {
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
}

pub async fn terms_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    terms_page_with(&state, &ctx, TermForm::default(), FieldErrors::default(), StatusCode::OK).await
}

async fn terms_page_with(state: &AppState, ctx: &Ctx, values: TermForm, errors: FieldErrors, status: StatusCode) -> PageResult {
    let identity = ctx.signed_in()?;
    let terms = state.app.terms_page(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let page = TermsView {
        terms: terms
            .iter()
            .map(|t| TermView { name: t.name.to_string(), starts_on: format_date(t.starts_on), ends_on: format_date(t.ends_on) })
            .collect(),
        values,
        errors,
    };
    Ok(ctx.render_with_status(status, "pages/admin_terms", "terms_title", page))
}

/// A term as typed; dates as a date input sends them (`2025-10-01`).
#[derive(Default, Deserialize, Serialize, Validate)]
pub struct TermForm {
    #[serde(default)]
    #[validate(length(min = 1, max = NAME_MAX))]
    name: String,
    #[serde(default)]
    #[validate(custom(function = "rules::date"))]
    starts_on: String,
    #[serde(default)]
    #[validate(custom(function = "rules::date"))]
    ends_on: String,
}

/// A term (nhiệm kỳ), e.g. 2020 - 2025, with the dates the resolution covers.
pub async fn create_term(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<TermForm>) -> PageResult {
    let identity = ctx.signed_in()?;
    let read = form.validate().and_then(|()| {
        let day = |raw: &str, field| crate::i18n::parse_date(raw).ok_or_else(|| rules::refused(field, "date"));
        Ok((day(&form.starts_on, "starts_on")?, day(&form.ends_on, "ends_on")?))
    });
    let (starts_on, ends_on) = match read {
        Ok(read) => read,
        Err(refused) => {
            let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
            return terms_page_with(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let result = state.app.create_term_as(&identity.actor, &form.name, Some(starts_on), Some(ends_on)).await;
    match result {
        Ok(_) => Ok(Redirect::to("/admin/terms").into_response()),
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. })) => {
            let errors = form_errors(&ctx, &err);
            terms_page_with(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let errors = || FieldErrors::one("name", "Không hợp lệ");
    let body = || BodyOption { id: "b1".into(), name: "Ban Tuyên giáo".into(), selected: true };
    let invite = InviteForm {
        name: "Lê Văn A".into(),
        email: "a@b.vn".into(),
        title: "Chánh Văn phòng".into(),
        body: "b1".into(),
        language: "vi".into(),
        role: "admin".into(),
    };
    let people = PeopleView {
        people: vec![PersonRowView {
            id: "u1".into(),
            name: "Lê Văn A".into(),
            email: "a@b.vn".into(),
            title: Some("Chánh Văn phòng".into()),
            body: Some("Ban Tuyên giáo".into()),
            active: true,
            admin: true,
            secretariat: true,
        }],
        bodies: vec![body()],
        may_grant: true,
        invited: Some(InvitedView { name: "Lê Văn A".into(), email: "a@b.vn".into(), link: "http://x/set-password/y".into() }),
        values: invite,
        errors: errors(),
    };
    let person = PersonView {
        id: "u1".into(),
        name: "Lê Văn A".into(),
        email: "a@b.vn".into(),
        title: Some("Chánh Văn phòng".into()),
        active: true,
        bodies: vec![body()],
        admin: true,
        secretariat: true,
        may_grant: true,
        may_reset: true,
        reset_link: Some("http://x/set-password/y".into()),
        errors: errors(),
    };
    let bodies = BodiesView {
        bodies: vec![Named::new("b1", "Ban Tuyên giáo")],
        may_create: true,
        values: NameForm { name: "Ban Tổ chức".into() },
        errors: errors(),
    };
    let terms = TermsView {
        terms: vec![TermView { name: "2020 - 2025".into(), starts_on: "01/10/2020".into(), ends_on: "30/09/2025".into() }],
        values: TermForm { name: "2025 - 2030".into(), starts_on: "2025-10-01".into(), ends_on: "2030-09-30".into() },
        errors: errors(),
    };
    let committees = CommitteesView {
        committees: vec![Named::new("c1", "Ban Thường vụ")],
        may_create: true,
        values: NameForm { name: "Ban Chấp hành".into() },
        errors: errors(),
    };
    let committee = CommitteeView {
        id: "c1".into(),
        name: "Ban Thường vụ".into(),
        members: vec![MemberView { name: "Lê Văn A".into(), title: Some("Bí thư".into()), role: "Chủ trì".into() }],
        may_manage: true,
        candidates: vec![CandidateView { id: "u2".into(), name: "Trần B".into(), email: "b@b.vn".into(), selected: true }],
        roles: vec![Choice::new("member", "Ủy viên", true)],
        errors: FieldErrors::one("member", "Đã là thành viên"),
    };
    let json = |v: serde_json::Result<serde_json::Value>| v.expect("a view becomes JSON");
    vec![
        ("pages/admin_people", json(serde_json::to_value(people))),
        ("pages/admin_person", json(serde_json::to_value(person))),
        ("pages/admin_bodies", json(serde_json::to_value(bodies))),
        ("pages/admin_terms", json(serde_json::to_value(terms))),
        ("pages/committees", json(serde_json::to_value(committees))),
        ("pages/committee", json(serde_json::to_value(committee))),
    ]
}
