//! Use cases for bodies, people, committees, memberships and terms.
//!
//! Who may call them is decided by the authorization function when accounts
//! land; `actor` is `None` for an operator's command line.

use std::collections::HashMap;

use gopy_domain::{
    Body, BodyId, Committee, CommitteeId, CommitteeRole, Email, GlobalRole, Language, Membership,
    MembershipId, Name, Term, TermId, User, UserId,
};
use serde_json::json;
use time::Date;
use tracing::instrument;

use crate::{App, AppError, InvalidReason, UnitOfWork, new_id};

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
        Ok(self.store.begin().await?.list_committees().await?)
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
        Ok(self.store.begin().await?.list_terms().await?)
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
        let mut uow = self.store.begin().await?;
        let user = uow.find_user(id).await?.ok_or(AppError::NotFound { what: "user" })?;
        let global_roles = uow.global_roles(id).await?;
        Ok(Person { user, global_roles })
    }

    pub async fn committee(&self, id: CommitteeId) -> Result<Committee, AppError> {
        self.store.begin().await?.find_committee(id).await?.ok_or(AppError::NotFound { what: "committee" })
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
