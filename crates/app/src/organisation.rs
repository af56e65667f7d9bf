//! Use cases for bodies, people, committees, memberships and terms.
//!
//! Who may call them is decided by the authorization function when accounts
//! land; `actor` is `None` for an operator's command line.

use std::collections::HashMap;

use gopy_domain::text::collation_key;
use gopy_domain::{
    Action, Actor, Body, BodyId, Committee, CommitteeId, CommitteeRole, Email, GlobalRole, Language, Membership,
    MembershipId, Name, Resource, Term, TermId, User, UserId, authorize,
};
use serde_json::json;
use time::Date;
use tracing::instrument;

use crate::{App, AppError, Directory, InvalidReason, UnitOfWork, new_id};

/// What is needed to create a person.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub title: Option<String>,
    pub body: Option<BodyId>,
    pub language: Language,
    pub global_roles: Vec<GlobalRole>,
}

impl App {
    #[instrument(skip(self))]
    pub async fn create_body(&self, actor: Option<UserId>, name: &str) -> Result<Body, AppError> {
        let name = Name::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let body = Body { id: BodyId::from_uuid(new_id()), name, created_at: self.now() };
        let mut uow = self.store.begin().await?;
        uow.insert_body(&body).await.map_err(|e| AppError::from_store(e, "body"))?;
        let event = self.audit(
            actor,
            "body.created",
            "body",
            Some(body.id.as_uuid()),
            json!({ "name": body.name }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(body)
    }

    pub async fn list_bodies(&self) -> Result<Vec<Body>, AppError> {
        Ok(self.store.begin_read().await?.list_bodies().await?)
    }

    #[instrument(skip(self, new_user), fields(user.email = %new_user.email))]
    pub async fn create_user(&self, actor: Option<UserId>, new_user: NewUser) -> Result<User, AppError> {
        let user = self.user_record(&new_user)?;
        let mut uow = self.store.begin().await?;
        self.insert_user_with_roles(uow.as_mut(), actor, &user, &new_user.global_roles).await?;
        uow.commit().await?;
        Ok(user)
    }

    /// A new person as `new_user` describes them, checked.
    pub(crate) fn user_record(&self, new_user: &NewUser) -> Result<User, AppError> {
        let email = Email::parse(&new_user.email).map_err(|e| AppError::invalid("email", e))?;
        let name = Name::parse(&new_user.name).map_err(|e| AppError::invalid("name", e))?;
        let title = match new_user.title.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(title) => Some(Name::parse(title).map_err(|e| AppError::invalid("title", e))?),
        };
        Ok(User {
            id: UserId::from_uuid(new_id()),
            email,
            name,
            title,
            body: new_user.body,
            language: new_user.language,
            time_zone: User::DEFAULT_TIME_ZONE.to_owned(),
            active: true,
            created_at: self.now(),
        })
    }

    /// Writes a new person, their global roles and the audit event.
    pub(crate) async fn insert_user_with_roles(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: Option<UserId>,
        user: &User,
        global_roles: &[GlobalRole],
    ) -> Result<(), AppError> {
        uow.insert_user(user).await.map_err(|e| AppError::from_store(e, "user"))?;
        for role in global_roles {
            uow.grant_global_role(user.id, *role, user.created_at).await?;
        }
        let event = self.audit(
            actor,
            "user.created",
            "user",
            Some(user.id.as_uuid()),
            json!({ "global_roles": global_roles }),
        );
        uow.record_audit_event(&event).await?;
        Ok(())
    }

    #[instrument(skip(self))]
    pub async fn create_committee(&self, actor: Option<UserId>, name: &str) -> Result<Committee, AppError> {
        let name = Name::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let committee = Committee { id: CommitteeId::from_uuid(new_id()), name, created_at: self.now() };
        let mut uow = self.store.begin().await?;
        uow.insert_committee(&committee).await.map_err(|e| AppError::from_store(e, "committee"))?;
        let event = self.audit(
            actor,
            "committee.created",
            "committee",
            Some(committee.id.as_uuid()),
            json!({ "name": committee.name }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(committee)
    }

    pub async fn list_committees(&self) -> Result<Vec<Committee>, AppError> {
        Ok(self.store.begin_read().await?.list_committees().await?)
    }

    /// Seats a person on a committee. A person holds one seat per committee.
    #[instrument(skip(self))]
    pub async fn add_membership(
        &self,
        actor: Option<UserId>,
        committee: CommitteeId,
        user: UserId,
        role: CommitteeRole,
    ) -> Result<Membership, AppError> {
        let mut uow = self.store.begin().await?;
        if uow.find_committee(committee).await?.is_none() {
            return Err(AppError::NotFound { what: "committee" });
        }
        if uow.find_user(user).await?.is_none() {
            return Err(AppError::NotFound { what: "user" });
        }
        let membership = Membership {
            id: MembershipId::from_uuid(new_id()),
            committee,
            user,
            role,
            created_at: self.now(),
        };
        uow.insert_membership(&membership).await.map_err(|e| AppError::from_store(e, "membership"))?;
        let event = self.audit(
            actor,
            "membership.added",
            "committee",
            Some(committee.as_uuid()),
            json!({ "user": user, "role": role }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(membership)
    }

    pub async fn memberships_of_committee(&self, committee: CommitteeId) -> Result<Vec<Membership>, AppError> {
        Ok(self.store.begin_read().await?.memberships_of_committee(committee).await?)
    }

    #[instrument(skip(self))]
    pub async fn create_term(
        &self,
        actor: Option<UserId>,
        name: &str,
        starts_on: Date,
        ends_on: Date,
    ) -> Result<Term, AppError> {
        let name = Name::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let term = Term::new(TermId::from_uuid(new_id()), name, starts_on, ends_on)
            .map_err(|e| AppError::invalid("ends_on", crate::InvalidReason::Rule(e.to_string())))?;
        let mut uow = self.store.begin().await?;
        uow.insert_term(&term).await.map_err(|e| AppError::from_store(e, "term"))?;
        let event = self.audit(
            actor,
            "term.created",
            "term",
            Some(term.id.as_uuid()),
            json!({ "name": term.name, "starts_on": term.starts_on, "ends_on": term.ends_on }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(term)
    }

    pub async fn list_terms(&self) -> Result<Vec<Term>, AppError> {
        Ok(self.store.begin_read().await?.list_terms().await?)
    }
}

/// A person with their global roles, as the people page lists them.
#[derive(Clone, Debug)]
pub struct Person {
    pub user: User,
    pub global_roles: Vec<GlobalRole>,
}

/// What the secretariat may change about someone else.
#[derive(Clone, Debug)]
pub struct PersonChange {
    pub title: Option<String>,
    pub body: Option<BodyId>,
    pub active: bool,
}

impl App {
    /// Everyone, with their global roles, in Vietnamese order of name.
    pub async fn people(&self) -> Result<Vec<Person>, AppError> {
        let mut uow = self.store.begin_read().await?;
        let users = uow.list_users().await?;
        let mut roles: HashMap<UserId, Vec<GlobalRole>> = HashMap::new();
        for (user, role) in uow.all_global_roles().await? {
            roles.entry(user).or_default().push(role);
        }
        Ok(users
            .into_iter()
            .map(|user| {
                let mut global_roles = roles.remove(&user.id).unwrap_or_default();
                // In the same order as one person's roles are read.
                global_roles.sort();
                Person { user, global_roles }
            })
            .collect())
    }

    /// Everyone, without their roles: for showing names and choosing people.
    pub async fn users(&self) -> Result<Vec<User>, AppError> {
        Ok(self.store.begin_read().await?.list_users().await?)
    }

    pub async fn person(&self, id: UserId) -> Result<Person, AppError> {
        let mut uow = self.store.begin_read().await?;
        let user = uow.find_user(id).await?.ok_or(AppError::NotFound { what: "user" })?;
        let global_roles = uow.global_roles(id).await?;
        Ok(Person { user, global_roles })
    }

    pub async fn committee(&self, id: CommitteeId) -> Result<Committee, AppError> {
        self.store.begin_read().await?.find_committee(id).await?.ok_or(AppError::NotFound { what: "committee" })
    }

    /// Changes someone's title, body and whether they are active. Making a
    /// person inactive ends their sessions at once.
    pub async fn change_person(&self, actor: UserId, id: UserId, change: PersonChange) -> Result<User, AppError> {
        let title = match change.title.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(title) => Some(Name::parse(title).map_err(|e| AppError::invalid("title", e))?),
        };
        let mut uow = self.store.begin().await?;
        let mut user = uow.find_user(id).await?.ok_or(AppError::NotFound { what: "user" })?;
        let was_active = user.active;
        user.title = title;
        user.body = change.body;
        user.active = change.active;
        uow.update_user(&user).await?;
        if was_active && !user.active {
            uow.revoke_sessions_of(id, self.now()).await?;
        }
        let event = self.audit(
            Some(actor),
            "user.changed",
            "user",
            Some(id.as_uuid()),
            json!({ "title": user.title, "body": user.body, "active": user.active }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(user)
    }

    /// Grants or takes back a global role. The last admin cannot be removed,
    /// or nobody could manage Gopy any more.
    pub async fn set_global_role(&self, actor: UserId, id: UserId, role: GlobalRole, held: bool) -> Result<(), AppError> {
        let mut uow = self.store.begin().await?;
        uow.find_user(id).await?.ok_or(AppError::NotFound { what: "user" })?;
        let has = uow.global_roles(id).await?.contains(&role);
        if has == held {
            return Ok(());
        }
        if held {
            uow.grant_global_role(id, role, self.now()).await?;
        } else {
            if role == GlobalRole::Admin && uow.count_users_with_role(GlobalRole::Admin).await? <= 1 {
                return Err(AppError::invalid("role", InvalidReason::LastAdmin));
            }
            uow.revoke_global_role(id, role).await?;
        }
        let action = if held { "role.granted" } else { "role.revoked" };
        let event = self.audit(Some(actor), action, "user", Some(id.as_uuid()), json!({ "role": role }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }
}

// --- Read models of the organisation's pages ------------------------------------
//
// Each page is read in one read unit of work; names come from one
// [`Directory`]; what the viewer may do is asked of the domain here, so the
// web only shows it.

/// Everyone in the directory, in Vietnamese order of name (then by e-mail,
/// so two people of one name keep one order).
pub(crate) fn people_by_name(directory: &Directory) -> Vec<&User> {
    let mut people: Vec<&User> = directory.users().collect();
    people.sort_by_cached_key(|u| (collation_key(u.name.as_str()), u.email.as_str().to_owned()));
    people
}

/// Every body in the directory, in Vietnamese order of name.
pub(crate) fn bodies_by_name(directory: &Directory) -> Vec<Body> {
    let mut bodies: Vec<Body> = directory.bodies().cloned().collect();
    bodies.sort_by_cached_key(|b| collation_key(b.name.as_str()));
    bodies
}

fn may(actor: &Actor, action: Action, resource: Resource) -> bool {
    authorize(actor, action, resource).is_ok()
}

/// The committees `actor` may see: all for the secretariat, else their own.
fn visible(actor: &Actor, committees: Vec<Committee>) -> Vec<Committee> {
    if may(actor, Action::ViewAllCommittees, Resource::Organisation) {
        return committees;
    }
    committees.into_iter().filter(|c| actor.role_in(c.id).is_some()).collect()
}

/// The start page.
#[derive(Clone, Debug)]
pub struct HomePage {
    /// Gopy has no admin yet: the first-run page is the way in.
    pub needs_setup: bool,
    /// The committees of the signed-in person; `None` for a visitor.
    pub committees: Option<Vec<Committee>>,
    /// What a new installation still needs, for the secretariat; `None`
    /// once every step is done, and for everyone else.
    pub first_steps: Option<FirstSteps>,
    /// What awaits the signed-in person ("việc của tôi"); `None` for a visitor.
    pub work: Option<crate::work::MyWork>,
}

/// The steps of a new installation, each done or not, in their order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirstSteps {
    pub bodies: bool,
    /// A committee with at least one member.
    pub committee: bool,
    pub meeting: bool,
    pub report: bool,
}

/// The people page: everyone with their body and global roles.
#[derive(Clone, Debug)]
pub struct PeoplePage {
    pub people: Vec<PersonRow>,
    /// For the invitation form.
    pub bodies: Vec<Body>,
    /// The viewer may make people admins or secretariat.
    pub may_grant: bool,
}

#[derive(Clone, Debug)]
pub struct PersonRow {
    pub user: User,
    pub body: Option<String>,
    pub global_roles: Vec<GlobalRole>,
}

/// One person's page, for the secretariat.
#[derive(Clone, Debug)]
pub struct PersonPage {
    pub person: Person,
    pub bodies: Vec<Body>,
    pub may_grant: bool,
    pub may_reset: bool,
}

#[derive(Clone, Debug)]
pub struct BodiesPage {
    pub bodies: Vec<Body>,
    pub may_create: bool,
}

#[derive(Clone, Debug)]
pub struct CommitteesPage {
    pub committees: Vec<Committee>,
    pub may_create: bool,
}

/// A committee with its members and, for who may seat people, who else
/// could be seated.
#[derive(Clone, Debug)]
pub struct CommitteePage {
    pub committee: Committee,
    pub members: Vec<CommitteeMember>,
    /// Active people without a seat; empty unless `may_manage`.
    pub candidates: Vec<User>,
    pub may_manage: bool,
}

#[derive(Clone, Debug)]
pub struct CommitteeMember {
    pub user: UserId,
    pub name: String,
    pub title: Option<String>,
    pub role: CommitteeRole,
}

impl App {
    /// The start page: whether Gopy still needs its first admin; once
    /// signed in, what awaits one and one's committees; for the
    /// secretariat, the first steps.
    pub async fn home(&self, actor: Option<&Actor>) -> Result<HomePage, AppError> {
        let mut uow = self.store.begin_read().await?;
        let needs_setup = uow.count_users_with_role(GlobalRole::Admin).await? == 0;
        let Some(actor) = actor else {
            return Ok(HomePage { needs_setup, committees: None, first_steps: None, work: None });
        };
        let committees = uow.list_committees().await?;
        let first_steps = if actor.organises() {
            let bodies = !uow.list_bodies().await?.is_empty();
            // Stops at the first committee with a member: once one has
            // members the step is done, however many committees there are.
            let mut seated = false;
            for committee in &committees {
                if !uow.memberships_of_committee(committee.id).await?.is_empty() {
                    seated = true;
                    break;
                }
            }
            let meeting = uow
                .list_meetings()
                .await?
                .iter()
                .any(|m| may(actor, Action::ViewMeeting, crate::meetings::meeting_resource(m)));
            let report = uow
                .list_reports()
                .await?
                .iter()
                .any(|r| may(actor, Action::ViewReport, crate::reports::report_resource(r)));
            let steps = FirstSteps { bodies, committee: !committees.is_empty() && seated, meeting, report };
            (!(steps.bodies && steps.committee && steps.meeting && steps.report)).then_some(steps)
        } else {
            None
        };
        let work = self.work_in(uow.as_mut(), actor).await?;
        self.work_counts.put(actor.user, work.awaiting());
        Ok(HomePage { needs_setup, committees: Some(visible(actor, committees)), first_steps, work: Some(work) })
    }

    /// The people page, for the secretariat.
    pub async fn people_page(&self, actor: &Actor) -> Result<PeoplePage, AppError> {
        authorize(actor, Action::ViewPeople, Resource::Organisation)?;
        let mut uow = self.store.begin_read().await?;
        let directory = Directory::load(uow.as_mut()).await?;
        let mut roles: HashMap<UserId, Vec<GlobalRole>> = HashMap::new();
        for (user, role) in uow.all_global_roles().await? {
            roles.entry(user).or_default().push(role);
        }
        let people = people_by_name(&directory)
            .into_iter()
            .map(|user| {
                let mut global_roles = roles.remove(&user.id).unwrap_or_default();
                global_roles.sort();
                PersonRow { body: user.body.and_then(|b| directory.body_name(b)), user: user.clone(), global_roles }
            })
            .collect();
        Ok(PeoplePage {
            people,
            bodies: bodies_by_name(&directory),
            may_grant: may(actor, Action::GrantGlobalRole, Resource::Person(actor.user)),
        })
    }

    /// One person, as the secretariat changes them.
    pub async fn person_page(&self, actor: &Actor, id: UserId) -> Result<PersonPage, AppError> {
        authorize(actor, Action::ChangePerson, Resource::Person(id))?;
        let mut uow = self.store.begin_read().await?;
        let user = uow.find_user(id).await?.ok_or(AppError::NotFound { what: "user" })?;
        let global_roles = uow.global_roles(id).await?;
        let bodies = uow.list_bodies().await?;
        Ok(PersonPage {
            person: Person { user, global_roles },
            bodies,
            may_grant: may(actor, Action::GrantGlobalRole, Resource::Person(id)),
            may_reset: may(actor, Action::ResetPassword, Resource::Person(id)),
        })
    }

    pub async fn bodies_page(&self, actor: &Actor) -> Result<BodiesPage, AppError> {
        authorize(actor, Action::ViewBodies, Resource::Organisation)?;
        let bodies = self.store.begin_read().await?.list_bodies().await?;
        Ok(BodiesPage { bodies, may_create: may(actor, Action::CreateBody, Resource::Organisation) })
    }

    /// The terms (nhiệm kỳ), for who sets indicators.
    pub async fn terms_page(&self, actor: &Actor) -> Result<Vec<Term>, AppError> {
        authorize(actor, Action::ManageIndicators, Resource::Organisation)?;
        Ok(self.store.begin_read().await?.list_terms().await?)
    }

    pub async fn committees_page(&self, actor: &Actor) -> Result<CommitteesPage, AppError> {
        let committees = self.store.begin_read().await?.list_committees().await?;
        Ok(CommitteesPage {
            committees: visible(actor, committees),
            may_create: may(actor, Action::CreateCommittee, Resource::Organisation),
        })
    }

    pub async fn committee_page(&self, actor: &Actor, id: CommitteeId) -> Result<CommitteePage, AppError> {
        authorize(actor, Action::ViewCommittee, Resource::Committee(id))?;
        let mut uow = self.store.begin_read().await?;
        let committee = uow.find_committee(id).await?.ok_or(AppError::NotFound { what: "committee" })?;
        let seats = uow.memberships_of_committee(id).await?;
        let directory = Directory::load(uow.as_mut()).await?;
        let may_manage = may(actor, Action::ManageMemberships, Resource::Committee(id));
        let members = seats
            .iter()
            .filter_map(|seat| {
                let user = directory.user(seat.user)?;
                Some(CommitteeMember {
                    user: user.id,
                    name: user.name.to_string(),
                    title: user.title.as_ref().map(ToString::to_string),
                    role: seat.role,
                })
            })
            .collect();
        let candidates = if may_manage {
            people_by_name(&directory)
                .into_iter()
                .filter(|u| u.active && !seats.iter().any(|s| s.user == u.id))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        Ok(CommitteePage { committee, members, candidates, may_manage })
    }
}

// --- The same changes, asked for by someone signed in ------------------------------
//
// The pages call these: each asks the authorization function for the
// person acting, then makes the change as the operator's use case does
// (the command line calls those directly, as no one in particular).

impl App {
    /// Invites a person; giving them a global role is its own, stricter permission.
    pub async fn invite_as(&self, actor: &Actor, new_user: NewUser) -> Result<(User, String), AppError> {
        authorize(actor, Action::InvitePerson, Resource::Organisation)?;
        if !new_user.global_roles.is_empty() {
            authorize(actor, Action::GrantGlobalRole, Resource::Person(actor.user))?;
        }
        self.invite_person(Some(actor.user), new_user).await
    }

    pub async fn change_person_as(&self, actor: &Actor, id: UserId, change: PersonChange) -> Result<User, AppError> {
        authorize(actor, Action::ChangePerson, Resource::Person(id))?;
        self.change_person(actor.user, id, change).await
    }

    pub async fn set_global_role_as(&self, actor: &Actor, id: UserId, role: GlobalRole, held: bool) -> Result<(), AppError> {
        authorize(actor, Action::GrantGlobalRole, Resource::Person(id))?;
        self.set_global_role(actor.user, id, role, held).await
    }

    pub async fn password_reset_link_as(&self, actor: &Actor, id: UserId) -> Result<String, AppError> {
        authorize(actor, Action::ResetPassword, Resource::Person(id))?;
        self.password_reset_link(Some(actor.user), id).await
    }

    pub async fn create_body_as(&self, actor: &Actor, name: &str) -> Result<Body, AppError> {
        authorize(actor, Action::CreateBody, Resource::Organisation)?;
        self.create_body(Some(actor.user), name).await
    }

    pub async fn create_committee_as(&self, actor: &Actor, name: &str) -> Result<Committee, AppError> {
        authorize(actor, Action::CreateCommittee, Resource::Organisation)?;
        self.create_committee(Some(actor.user), name).await
    }

    /// Seats a person; `None` for a person or a seat the form did not name
    /// (refused as `member`, once the actor is known to be allowed).
    pub async fn add_membership_as(
        &self,
        actor: &Actor,
        committee: CommitteeId,
        user: Option<UserId>,
        role: Option<CommitteeRole>,
    ) -> Result<Membership, AppError> {
        authorize(actor, Action::ManageMemberships, Resource::Committee(committee))?;
        let (Some(user), Some(role)) = (user, role) else {
            return Err(AppError::invalid("member", InvalidReason::Missing));
        };
        self.add_membership(Some(actor.user), committee, user, role).await
    }

    /// Seats a person, then reads the committee as it now stands: what the
    /// API answers a change with.
    pub async fn seat_and_show(
        &self,
        actor: &Actor,
        committee: CommitteeId,
        user: Option<UserId>,
        role: Option<CommitteeRole>,
    ) -> Result<CommitteePage, AppError> {
        self.add_membership_as(actor, committee, user, role).await?;
        self.committee_page(actor, committee).await
    }

    /// Changes a person, then reads them with their roles.
    pub async fn change_person_and_show(&self, actor: &Actor, id: UserId, change: PersonChange) -> Result<Person, AppError> {
        self.change_person_as(actor, id, change).await?;
        self.person(id).await
    }

    /// Grants or withdraws a global role, then reads the person.
    pub async fn set_global_role_and_show(&self, actor: &Actor, id: UserId, role: GlobalRole, held: bool) -> Result<Person, AppError> {
        self.set_global_role_as(actor, id, role, held).await?;
        self.person(id).await
    }

    /// A term; `None` for a date the form did not give as one.
    pub async fn create_term_as(
        &self,
        actor: &Actor,
        name: &str,
        starts_on: Option<Date>,
        ends_on: Option<Date>,
    ) -> Result<Term, AppError> {
        authorize(actor, Action::ManageIndicators, Resource::Organisation)?;
        let starts_on = starts_on.ok_or_else(|| AppError::invalid("starts_on", InvalidReason::Missing))?;
        let ends_on = ends_on.ok_or_else(|| AppError::invalid("ends_on", InvalidReason::Missing))?;
        self.create_term(Some(actor.user), name, starts_on, ends_on).await
    }
}
