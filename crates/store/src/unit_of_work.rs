//! One transaction, as the use cases' [`UnitOfWork`].

use async_trait::async_trait;
use gopy_app::{StoreError, UnitOfWork};
use gopy_domain::{
    AuditEvent, Body, Committee, CommitteeId, Email, GlobalRole, Membership, Term, User, UserId,
};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;
use tokio::sync::OwnedMutexGuard;

use crate::convert::sorted_by_name;
use crate::entity::{audit_event, body, committee, global_role, membership, term, user};
use crate::error::map_db_err;

pub(crate) struct SeaUnitOfWork {
    tx: DatabaseTransaction,
    /// Held until commit or drop on SQLite, where writers take turns.
    _turn: Option<OwnedMutexGuard<()>>,
}

impl SeaUnitOfWork {
    pub(crate) fn new(tx: DatabaseTransaction, turn: Option<OwnedMutexGuard<()>>) -> Self {
        Self { tx, _turn: turn }
    }
}

#[async_trait]
impl UnitOfWork for SeaUnitOfWork {
    async fn insert_body(&mut self, body: &Body) -> Result<(), StoreError> {
        body::Entity::insert(body::ActiveModel::from(body)).exec(&self.tx).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn list_bodies(&mut self) -> Result<Vec<Body>, StoreError> {
        let rows = body::Entity::find().all(&self.tx).await.map_err(map_db_err)?;
        sorted_by_name(rows, |b: &Body| &b.name)
    }

    async fn insert_user(&mut self, user: &User) -> Result<(), StoreError> {
        user::Entity::insert(user::ActiveModel::from(user)).exec(&self.tx).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn find_user(&mut self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find_by_id(id.as_uuid()).one(&self.tx).await.map_err(map_db_err)?;
        row.map(User::try_from).transpose()
    }

    async fn find_user_by_email(&mut self, email: &Email) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(&self.tx)
            .await
            .map_err(map_db_err)?;
        row.map(User::try_from).transpose()
    }

    async fn grant_global_role(
        &mut self,
        user: UserId,
        role: GlobalRole,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let row = global_role::ActiveModel {
            user_id: Set(user.as_uuid()),
            role: Set(role.as_str().to_owned()),
            created_at: Set(at),
        };
        global_role::Entity::insert(row).exec(&self.tx).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn global_roles(&mut self, user: UserId) -> Result<Vec<GlobalRole>, StoreError> {
        let rows = global_role::Entity::find()
            .filter(global_role::Column::UserId.eq(user.as_uuid()))
            .all(&self.tx)
            .await
            .map_err(map_db_err)?;
        let mut roles = rows
            .into_iter()
            .map(|r| r.role.parse().map_err(|e| StoreError::Corrupt(format!("global_roles.role: {e}"))))
            .collect::<Result<Vec<GlobalRole>, _>>()?;
        roles.sort();
        Ok(roles)
    }

    async fn insert_committee(&mut self, committee: &Committee) -> Result<(), StoreError> {
        committee::Entity::insert(committee::ActiveModel::from(committee))
            .exec(&self.tx)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn find_committee(&mut self, id: CommitteeId) -> Result<Option<Committee>, StoreError> {
        let row = committee::Entity::find_by_id(id.as_uuid()).one(&self.tx).await.map_err(map_db_err)?;
        row.map(Committee::try_from).transpose()
    }

    async fn list_committees(&mut self) -> Result<Vec<Committee>, StoreError> {
        let rows = committee::Entity::find().all(&self.tx).await.map_err(map_db_err)?;
        sorted_by_name(rows, |c: &Committee| &c.name)
    }

    async fn insert_membership(&mut self, m: &Membership) -> Result<(), StoreError> {
        membership::Entity::insert(membership::ActiveModel::from(m))
            .exec(&self.tx)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn memberships_of_committee(
        &mut self,
        committee: CommitteeId,
    ) -> Result<Vec<Membership>, StoreError> {
        membership::Entity::find()
            .filter(membership::Column::CommitteeId.eq(committee.as_uuid()))
            .order_by_asc(membership::Column::Id)
            .all(&self.tx)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(Membership::try_from)
            .collect()
    }

    async fn insert_term(&mut self, term: &Term) -> Result<(), StoreError> {
        term::Entity::insert(term::ActiveModel::from(term)).exec(&self.tx).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn list_terms(&mut self) -> Result<Vec<Term>, StoreError> {
        term::Entity::find()
            .order_by_asc(term::Column::StartsOn)
            .order_by_asc(term::Column::Id)
            .all(&self.tx)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(Term::try_from)
            .collect()
    }

    async fn record_audit_event(&mut self, event: &AuditEvent) -> Result<(), StoreError> {
        audit_event::Entity::insert(audit_event::ActiveModel::from(event))
            .exec(&self.tx)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn audit_events_about(
        &mut self,
        subject_kind: &str,
        subject_id: uuid::Uuid,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = audit_event::Entity::find()
            .filter(audit_event::Column::SubjectKind.eq(subject_kind))
            .filter(audit_event::Column::SubjectId.eq(subject_id))
            .order_by_asc(audit_event::Column::Id)
            .all(&self.tx)
            .await
            .map_err(map_db_err)?;
        Ok(rows.into_iter().map(AuditEvent::from).collect())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        self.tx.commit().await.map_err(map_db_err)
    }
}
