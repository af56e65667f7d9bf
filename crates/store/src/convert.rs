//! Rows to domain values and back. A stored value that the domain refuses is
//! reported as corrupt, never patched up.

use std::fmt::Display;

use gopy_app::StoreError;
use gopy_domain::{
    AuditEvent, AuditEventId, Body, BodyId, Committee, CommitteeId, Email, Membership,
    MembershipId, Name, Term, TermId, User, UserId,
};
use sea_orm::ActiveValue::Set;

use crate::entity::{audit_event, body, committee, membership, term, user};

fn corrupt(table: &str, column: &str, err: impl Display) -> StoreError {
    StoreError::Corrupt(format!("{table}.{column}: {err}"))
}

fn name(table: &str, column: &str, raw: &str) -> Result<Name, StoreError> {
    Name::parse(raw).map_err(|e| corrupt(table, column, e))
}

impl TryFrom<body::Model> for Body {
    type Error = StoreError;

    fn try_from(row: body::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: BodyId::from_uuid(row.id),
            name: name("bodies", "name", &row.name)?,
            created_at: row.created_at,
        })
    }
}

impl From<&Body> for body::ActiveModel {
    fn from(body: &Body) -> Self {
        Self {
            id: Set(body.id.as_uuid()),
            name: Set(body.name.to_string()),
            created_at: Set(body.created_at),
        }
    }
}

impl TryFrom<user::Model> for User {
    type Error = StoreError;

    fn try_from(row: user::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: UserId::from_uuid(row.id),
            email: Email::parse(&row.email).map_err(|e| corrupt("users", "email", e))?,
            name: name("users", "name", &row.name)?,
            title: row.title.as_deref().map(|t| name("users", "title", t)).transpose()?,
            body: row.body_id.map(BodyId::from_uuid),
            language: row.language.parse().map_err(|e| corrupt("users", "language", e))?,
            time_zone: row.time_zone,
            active: row.active,
            created_at: row.created_at,
        })
    }
}

impl From<&User> for user::ActiveModel {
    fn from(user: &User) -> Self {
        Self {
            id: Set(user.id.as_uuid()),
            email: Set(user.email.to_string()),
            name: Set(user.name.to_string()),
            title: Set(user.title.as_ref().map(ToString::to_string)),
            body_id: Set(user.body.map(|b| b.as_uuid())),
            language: Set(user.language.code().to_owned()),
            time_zone: Set(user.time_zone.clone()),
            active: Set(user.active),
            created_at: Set(user.created_at),
        }
    }
}

impl TryFrom<committee::Model> for Committee {
    type Error = StoreError;

    fn try_from(row: committee::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: CommitteeId::from_uuid(row.id),
            name: name("committees", "name", &row.name)?,
            created_at: row.created_at,
        })
    }
}

impl From<&Committee> for committee::ActiveModel {
    fn from(committee: &Committee) -> Self {
        Self {
            id: Set(committee.id.as_uuid()),
            name: Set(committee.name.to_string()),
            created_at: Set(committee.created_at),
        }
    }
}

impl TryFrom<membership::Model> for Membership {
    type Error = StoreError;

    fn try_from(row: membership::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: MembershipId::from_uuid(row.id),
            committee: CommitteeId::from_uuid(row.committee_id),
            user: UserId::from_uuid(row.user_id),
            role: row.role.parse().map_err(|e| corrupt("memberships", "role", e))?,
            created_at: row.created_at,
        })
    }
}

impl From<&Membership> for membership::ActiveModel {
    fn from(m: &Membership) -> Self {
        Self {
            id: Set(m.id.as_uuid()),
            committee_id: Set(m.committee.as_uuid()),
            user_id: Set(m.user.as_uuid()),
            role: Set(m.role.as_str().to_owned()),
            created_at: Set(m.created_at),
        }
    }
}

impl TryFrom<term::Model> for Term {
    type Error = StoreError;

    fn try_from(row: term::Model) -> Result<Self, Self::Error> {
        Term::new(
            TermId::from_uuid(row.id),
            name("terms", "name", &row.name)?,
            row.starts_on,
            row.ends_on,
        )
        .map_err(|e| corrupt("terms", "ends_on", e))
    }
}

impl From<&Term> for term::ActiveModel {
    fn from(term: &Term) -> Self {
        Self {
            id: Set(term.id.as_uuid()),
            name: Set(term.name.to_string()),
            starts_on: Set(term.starts_on),
            ends_on: Set(term.ends_on),
        }
    }
}

impl From<audit_event::Model> for AuditEvent {
    fn from(row: audit_event::Model) -> Self {
        Self {
            id: AuditEventId::from_uuid(row.id),
            occurred_at: row.occurred_at,
            actor: row.actor_id.map(UserId::from_uuid),
            action: row.action,
            subject_kind: row.subject_kind,
            subject_id: row.subject_id,
            details: row.details,
        }
    }
}

impl From<&AuditEvent> for audit_event::ActiveModel {
    fn from(event: &AuditEvent) -> Self {
        Self {
            id: Set(event.id.as_uuid()),
            occurred_at: Set(event.occurred_at),
            actor_id: Set(event.actor.map(|a| a.as_uuid())),
            action: Set(event.action.clone()),
            subject_kind: Set(event.subject_kind.clone()),
            subject_id: Set(event.subject_id),
            details: Set(event.details.clone()),
        }
    }
}

/// Converts rows and sorts them the way a Vietnamese reader expects.
pub(crate) fn sorted_by_name<M, T>(rows: Vec<M>, name: impl Fn(&T) -> &Name) -> Result<Vec<T>, StoreError>
where
    T: TryFrom<M, Error = StoreError>,
{
    let mut items = rows.into_iter().map(T::try_from).collect::<Result<Vec<_>, _>>()?;
    items.sort_by_cached_key(|item| gopy_domain::text::collation_key(name(item).as_str()));
    Ok(items)
}
