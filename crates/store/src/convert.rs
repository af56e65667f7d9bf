//! Rows to domain values and back. A stored value that the domain refuses is
//! reported as corrupt, never patched up.

use std::fmt::Display;

use gopy_app::StoreError;
use gopy_domain::{
    AccessToken, Approval, AccessTokenId, AccountLink, AccountLinkId, AuditEvent, AuditEventId, Body, BodyId, Committee,
    CommitteeId, Email, LinkPurpose, Membership, MembershipId, Name, Notice, OutboxMessage, OutboxMessageId, Report,
    ReportId, Session, SessionId, Term, TermId, Title, User, UserId, Version, VersionId, VersionSummary,
};
use sea_orm::ActiveValue::{NotSet, Set};

use crate::entity::{
    access_token, account_link, audit_event, body, committee, membership, outbox, report, session, term, user,
    version,
};

/// Every column of `E` as `alias.column AS "alias_column"`, for a statement
/// that reads several tables' rows at once: each is then read back with
/// `Model::from_query_result(row, "alias_")`.
pub(crate) fn prefixed_columns<E: sea_orm::EntityTrait>(alias: &str) -> String {
    use sea_orm::{IdenStatic, Iterable};
    E::Column::iter().map(|c| format!("{alias}.{0} AS \"{alias}_{0}\"", c.as_str())).collect::<Vec<_>>().join(", ")
}

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

impl From<session::Model> for Session {
    fn from(row: session::Model) -> Self {
        Self {
            id: SessionId::from_uuid(row.id),
            user: UserId::from_uuid(row.user_id),
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
            revoked_at: row.revoked_at,
            user_agent: row.user_agent,
            address: row.address,
        }
    }
}

pub(crate) fn session_row(s: &Session, secret_hash: &str) -> session::ActiveModel {
    session::ActiveModel {
        id: Set(s.id.as_uuid()),
        secret_hash: Set(secret_hash.to_owned()),
        user_id: Set(s.user.as_uuid()),
        created_at: Set(s.created_at),
        last_seen_at: Set(s.last_seen_at),
        expires_at: Set(s.expires_at),
        revoked_at: Set(s.revoked_at),
        user_agent: Set(s.user_agent.clone()),
        address: Set(s.address.clone()),
    }
}

impl TryFrom<access_token::Model> for AccessToken {
    type Error = StoreError;

    fn try_from(row: access_token::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: AccessTokenId::from_uuid(row.id),
            user: UserId::from_uuid(row.user_id),
            name: name("access_tokens", "name", &row.name)?,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        })
    }
}

pub(crate) fn access_token_row(t: &AccessToken, secret_hash: &str) -> access_token::ActiveModel {
    access_token::ActiveModel {
        id: Set(t.id.as_uuid()),
        secret_hash: Set(secret_hash.to_owned()),
        user_id: Set(t.user.as_uuid()),
        name: Set(t.name.to_string()),
        created_at: Set(t.created_at),
        last_used_at: Set(t.last_used_at),
        revoked_at: Set(t.revoked_at),
    }
}

impl TryFrom<account_link::Model> for AccountLink {
    type Error = StoreError;

    fn try_from(row: account_link::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: AccountLinkId::from_uuid(row.id),
            user: UserId::from_uuid(row.user_id),
            purpose: LinkPurpose::parse(&row.purpose)
                .ok_or_else(|| corrupt("account_links", "purpose", &row.purpose))?,
            created_by: row.created_by.map(UserId::from_uuid),
            created_at: row.created_at,
            expires_at: row.expires_at,
            used_at: row.used_at,
        })
    }
}

pub(crate) fn account_link_row(l: &AccountLink, secret_hash: &str) -> account_link::ActiveModel {
    account_link::ActiveModel {
        id: Set(l.id.as_uuid()),
        secret_hash: Set(secret_hash.to_owned()),
        user_id: Set(l.user.as_uuid()),
        purpose: Set(l.purpose.as_str().to_owned()),
        created_by: Set(l.created_by.map(|u| u.as_uuid())),
        created_at: Set(l.created_at),
        expires_at: Set(l.expires_at),
        used_at: Set(l.used_at),
    }
}

impl From<outbox::Model> for OutboxMessage {
    fn from(row: outbox::Model) -> Self {
        Self {
            id: OutboxMessageId::from_uuid(row.id),
            recipient: UserId::from_uuid(row.recipient_id),
            notice: Notice::from_stored(&row.kind, &row.payload),
            created_at: row.created_at,
            due_at: row.due_at,
            sent_at: row.sent_at,
        }
    }
}

impl From<&OutboxMessage> for outbox::ActiveModel {
    fn from(m: &OutboxMessage) -> Self {
        Self {
            id: Set(m.id.as_uuid()),
            kind: Set(m.kind_name().to_owned()),
            recipient_id: Set(m.recipient.as_uuid()),
            // Use cases only ever write readable notices; an unreadable one
            // (read from another build) keeps its kind and no payload.
            payload: Set(m.payload()),
            created_at: Set(m.created_at),
            due_at: Set(m.due_at),
            sent_at: Set(m.sent_at),
            attempts: Set(0),
            last_error: Set(None),
            status: Set(if m.sent_at.is_some() { "sent" } else { "pending" }.to_owned()),
            claimed_until: Set(None),
            claimed_by: Set(None),
            message_id: Set(None),
        }
    }
}

impl TryFrom<report::Model> for Report {
    type Error = StoreError;

    fn try_from(row: report::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: ReportId::from_uuid(row.id),
            kind: row.kind.parse().map_err(|e| corrupt("reports", "kind", e))?,
            title: Title::parse(&row.title).map_err(|e| corrupt("reports", "title", e))?,
            term: row.term_id.map(TermId::from_uuid),
            body: BodyId::from_uuid(row.body_id),
            committee: CommitteeId::from_uuid(row.committee_id),
            status: row.status.parse().map_err(|e| corrupt("reports", "status", e))?,
            created_by: row.created_by.map(UserId::from_uuid),
            created_at: row.created_at,
            approval: match (row.approved_version, row.approved_by, row.approved_at) {
                (None, None, None) => None,
                (Some(version), Some(by), Some(at)) => Some(Approval {
                    version: version_number("reports", version)?,
                    by: UserId::from_uuid(by),
                    at,
                }),
                _ => return Err(corrupt("reports", "approved_version", "an approval stored only in part")),
            },
            revision: u32::try_from(row.revision).map_err(|e| corrupt("reports", "revision", e))?,
        })
    }
}

impl From<&Report> for report::ActiveModel {
    fn from(r: &Report) -> Self {
        Self {
            id: Set(r.id.as_uuid()),
            kind: Set(r.kind.as_str().to_owned()),
            title: Set(r.title.to_string()),
            term_id: Set(r.term.map(|t| t.as_uuid())),
            body_id: Set(r.body.as_uuid()),
            committee_id: Set(r.committee.as_uuid()),
            status: Set(r.status.as_str().to_owned()),
            created_by: Set(r.created_by.map(|u| u.as_uuid())),
            created_at: Set(r.created_at),
            // A version's number came from an i32 column, so it fits back.
            approved_version: Set(r.approval.map(|a| i32::try_from(a.version).unwrap_or(i32::MAX))),
            approved_by: Set(r.approval.map(|a| a.by.as_uuid())),
            approved_at: Set(r.approval.map(|a| a.at)),
            // Only the store raises it, with the audit event of each change.
            change_count: NotSet,
            // Written as it was read; `update_report_state` moves it on.
            revision: Set(i32::try_from(r.revision).unwrap_or(i32::MAX)),
        }
    }
}

/// A version's number as stored; numbers past `i32::MAX` cannot be reached
/// one upload at a time, so the conversion is checked rather than assumed.
fn version_number(table: &str, raw: i32) -> Result<u32, StoreError> {
    u32::try_from(raw).map_err(|e| corrupt(table, "number", e))
}

impl TryFrom<version::Model> for Version {
    type Error = StoreError;

    fn try_from(row: version::Model) -> Result<Self, Self::Error> {
        Ok(Self {
            id: VersionId::from_uuid(row.id),
            report: ReportId::from_uuid(row.report_id),
            number: version_number("versions", row.number)?,
            blocks: serde_json::from_str(&row.blocks).map_err(|e| corrupt("versions", "blocks", e))?,
            source: row.source.parse().map_err(|e| corrupt("versions", "source", e))?,
            file_name: row.file_name,
            change_note: row.change_note,
            created_by: UserId::from_uuid(row.created_by),
            created_at: row.created_at,
            left_out: match row.left_out.as_deref() {
                None | Some("") => Vec::new(),
                Some(json) => serde_json::from_str(json).map_err(|e| corrupt("versions", "left_out", e))?,
            },
        })
    }
}

pub(crate) fn version_row(v: &Version) -> Result<version::ActiveModel, StoreError> {
    let blocks = serde_json::to_string(&v.blocks).map_err(|e| StoreError::Other(format!("version blocks: {e}")))?;
    Ok(version::ActiveModel {
        id: Set(v.id.as_uuid()),
        report_id: Set(v.report.as_uuid()),
        number: Set(i32::try_from(v.number).map_err(|e| StoreError::Other(format!("version number: {e}")))?),
        blocks: Set(blocks),
        source: Set(v.source.as_str().to_owned()),
        file_name: Set(v.file_name.clone()),
        change_note: Set(v.change_note.clone()),
        word_count: Set(i32::try_from(v.word_count()).unwrap_or(i32::MAX)),
        created_by: Set(v.created_by.as_uuid()),
        created_at: Set(v.created_at),
        left_out: Set(match v.left_out.as_slice() {
            [] => None,
            left_out => Some(serde_json::to_string(left_out).map_err(|e| StoreError::Other(format!("version left_out: {e}")))?),
        }),
    })
}

/// The columns of `versions` a listing reads: everything but the blocks.
#[derive(Debug, sea_orm::FromQueryResult)]
pub(crate) struct VersionSummaryRow {
    pub id: uuid::Uuid,
    pub number: i32,
    pub source: String,
    pub file_name: Option<String>,
    pub change_note: Option<String>,
    pub word_count: i32,
    pub created_by: uuid::Uuid,
    pub created_at: time::OffsetDateTime,
}

impl TryFrom<VersionSummaryRow> for VersionSummary {
    type Error = StoreError;

    fn try_from(row: VersionSummaryRow) -> Result<Self, Self::Error> {
        Ok(Self {
            id: VersionId::from_uuid(row.id),
            number: version_number("versions", row.number)?,
            source: row.source.parse().map_err(|e| corrupt("versions", "source", e))?,
            file_name: row.file_name,
            change_note: row.change_note,
            created_by: UserId::from_uuid(row.created_by),
            created_at: row.created_at,
            word_count: u32::try_from(row.word_count).map_err(|e| corrupt("versions", "word_count", e))?,
        })
    }
}
