//! Use cases for bodies, people, committees, memberships and terms.
//!
//! Who may call them is decided by the authorization function when accounts
//! land; `actor` is `None` for an operator's command line.

use gopy_domain::{
    Body, BodyId, Committee, CommitteeId, CommitteeRole, Email, GlobalRole, Language, Membership,
    MembershipId, Name, Term, TermId, User, UserId,
};
use serde_json::json;
use time::Date;
use tracing::instrument;

use crate::{App, AppError, new_id};

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
        Ok(self.store.begin().await?.list_bodies().await?)
    }

    #[instrument(skip(self, new_user), fields(user.email = %new_user.email))]
    pub async fn create_user(&self, actor: Option<UserId>, new_user: NewUser) -> Result<User, AppError> {
        let email = Email::parse(&new_user.email).map_err(|e| AppError::invalid("email", e))?;
        let name = Name::parse(&new_user.name).map_err(|e| AppError::invalid("name", e))?;
        let title = match new_user.title.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(title) => Some(Name::parse(title).map_err(|e| AppError::invalid("title", e))?),
        };
        let now = self.now();
        let user = User {
            id: UserId::from_uuid(new_id()),
            email,
            name,
            title,
            body: new_user.body,
            language: new_user.language,
            time_zone: User::DEFAULT_TIME_ZONE.to_owned(),
            active: true,
            created_at: now,
        };
        let mut uow = self.store.begin().await?;
        uow.insert_user(&user).await.map_err(|e| AppError::from_store(e, "user"))?;
        for role in &new_user.global_roles {
            uow.grant_global_role(user.id, *role, now).await?;
        }
        let event = self.audit(
            actor,
            "user.created",
            "user",
            Some(user.id.as_uuid()),
            json!({ "global_roles": new_user.global_roles }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(user)
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
        Ok(self.store.begin().await?.memberships_of_committee(committee).await?)
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
