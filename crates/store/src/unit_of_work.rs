//! One transaction, as the use cases' [`UnitOfWork`].

use async_trait::async_trait;
use gopy_app::{StoreError, UnitOfWork};
use gopy_domain::{
    Actor, ReportId, AccessToken, AccessTokenId, AccountLink, AccountLinkId, AuditEvent, Body, Committee, CommitteeId, Email,
    GlobalRole, Membership, OutboxMessage, Session, SessionId, Term, User, UserId,
};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, DbBackend, EntityTrait, FromQueryResult, PaginatorTrait, QueryFilter,
    QueryOrder, QueryResult, QueryTrait, Statement,
};
use time::OffsetDateTime;

use crate::convert::{access_token_row, account_link_row, session_row, sorted_by_name};
use crate::entity::{
    access_token, account_link, audit_event, body, committee, credential, global_role, membership, outbox, session,
    sign_in_attempt, term, user,
};
use crate::error::map_db_err;
use crate::writer::{Held, Turn};

pub(crate) struct SeaUnitOfWork {
    inner: Inner,
    watch: Watch,
    /// Writes held back until the unit reads or commits (on the writer
    /// only; see [`Held`]).
    held: Held,
}

/// Whether a unit of work may write: for `/metrics`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Read,
    Write,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Read => "read",
            Kind::Write => "write",
        }
    }
}

/// Counts a unit of work by its kind and how it ended, and times it from
/// its start (its transaction begun) to its end, for `/metrics`: committed,
/// or rolled back (a failed commit; a unit dropped unfinished, by an error
/// or a request gone; a read unit simply let go, which writes nothing).
struct Watch {
    kind: Kind,
    started: std::time::Instant,
    ended: bool,
}

impl Watch {
    fn start(kind: Kind) -> Self {
        Self { kind, started: std::time::Instant::now(), ended: false }
    }

    fn end(&mut self, committed: bool) {
        if std::mem::replace(&mut self.ended, true) {
            return;
        }
        let kind = self.kind.as_str();
        let outcome = if committed { "committed" } else { "rolled_back" };
        metrics::counter!("gopy_db_units_total", "kind" => kind, "outcome" => outcome).increment(1);
        metrics::histogram!("gopy_db_unit_duration_seconds", "kind" => kind).record(self.started.elapsed().as_secs_f64());
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.end(false);
    }
}

enum Inner {
    /// A transaction of its own, on a pooled connection: read units, and
    /// every unit on PostgreSQL.
    Own(DatabaseTransaction),
    /// A savepoint in the writer's batch (SQLite): the unit holds the
    /// writer's turn until it commits or is dropped. Lent to a task of its
    /// own while held writes are sent; gone only if that task failed.
    Batched(Option<Turn>),
}

impl SeaUnitOfWork {
    pub(crate) fn new(tx: DatabaseTransaction, kind: Kind) -> Self {
        Self { inner: Inner::Own(tx), watch: Watch::start(kind), held: Held::default() }
    }

    pub(crate) fn batched(turn: Turn) -> Self {
        Self { inner: Inner::Batched(Some(turn)), watch: Watch::start(Kind::Write), held: Held::default() }
    }

    /// The transaction to write through, for the other features' store
    /// traits: the writes held so far are sent first, and on the writer the
    /// unit's savepoint is open, so what is written can be undone alone.
    pub(crate) async fn tx(&mut self) -> Result<&DatabaseTransaction, StoreError> {
        self.send(true).await?;
        self.current()
    }

    /// The transaction to read through: the writes held so far are sent
    /// first, so the reads see them; a read opens no savepoint.
    pub(crate) async fn reader(&mut self) -> Result<&DatabaseTransaction, StoreError> {
        self.send(false).await?;
        self.current()
    }

    fn current(&self) -> Result<&DatabaseTransaction, StoreError> {
        match &self.inner {
            Inner::Own(tx) => Ok(tx),
            Inner::Batched(Some(turn)) => Ok(turn.tx()),
            Inner::Batched(None) => Err(lost_turn()),
        }
    }

    /// The engine the statements are written for.
    pub(crate) fn backend(&self) -> DbBackend {
        match &self.inner {
            Inner::Own(tx) => tx.get_database_backend(),
            Inner::Batched(_) => DbBackend::Sqlite,
        }
    }

    /// A write whose outcome the caller does not read (no rows counted,
    /// nothing returned): on the writer it is held and sent with the
    /// unit's next read or its commit, so its error, if any, comes then.
    pub(crate) async fn write(&mut self, statement: Statement) -> Result<(), StoreError> {
        match &self.inner {
            Inner::Batched(_) => {
                self.held.push(statement);
                if self.held.values() > Held::MAX_VALUES {
                    self.send(false).await?;
                }
                Ok(())
            }
            Inner::Own(tx) => tx.execute_raw(statement).await.map(drop).map_err(map_db_err),
        }
    }

    /// Sends the held writes, if any, in a task of the writer's that runs
    /// to its end; with `open`, opens the unit's savepoint if it is not yet.
    async fn send(&mut self, open: bool) -> Result<(), StoreError> {
        let Inner::Batched(slot) = &mut self.inner else { return Ok(()) };
        let opening = open && !slot.as_ref().is_some_and(Turn::savepoint_open);
        if self.held.is_empty() && !opening {
            return Ok(());
        }
        let turn = slot.take().ok_or_else(lost_turn)?;
        let (turn, sent) = turn.send(std::mem::take(&mut self.held)).await?;
        *slot = Some(turn);
        sent
    }
}

impl SeaUnitOfWork {
    /// A caller's credential row (session or token, from `table`, found by
    /// its secret's hash), their person, and their roles, seats and teams:
    /// one row per role (the credential and person repeated), or one with
    /// no role when they have none. `who` is the person's id as SQL, with
    /// one `?` for the hash.
    async fn caller_rows<E: EntityTrait>(&mut self, table: &str, who: &str, secret_hash: &str) -> Result<Vec<QueryResult>, StoreError> {
        let sql = format!(
            "SELECT {}, {}, a.part, a.subject, a.role, a.lead FROM {table} s JOIN users u ON u.id = s.user_id \
             LEFT JOIN ({}) a ON 1 = 1 WHERE s.secret_hash = ? ORDER BY a.part, a.subject",
            crate::convert::prefixed_columns::<E>("s"),
            crate::convert::prefixed_columns::<user::Entity>("u"),
            actor_parts(who),
        );
        let backend = self.backend();
        self.reader().await?.query_all_raw(one_value(backend, &sql, secret_hash)).await.map_err(map_db_err)
    }
}

/// `sql` with every `?` bound to `value`: PostgreSQL's `$1` is put for each.
fn one_value(backend: DbBackend, sql: &str, value: impl Into<sea_orm::Value> + Clone) -> Statement {
    match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(backend, sql.replace('?', "$1"), [value.into()]),
        _ => {
            let values: Vec<sea_orm::Value> = (0..sql.matches('?').count()).map(|_| value.clone().into()).collect();
            Statement::from_sql_and_values(backend, sql, values)
        }
    }
}

/// `user` before their roles are read.
fn no_roles(user: UserId) -> Actor {
    Actor { user, global_roles: Vec::new(), memberships: Vec::new(), drafting: Vec::new(), consulted: Vec::new() }
}

/// The person and their [`Actor`] from [`SeaUnitOfWork::caller_rows`].
fn caller_of(rows: &[QueryResult]) -> Result<(User, Actor), StoreError> {
    let Some(first) = rows.first() else { return Err(StoreError::Corrupt("a caller without a row".into())) };
    let user = User::try_from(user::Model::from_query_result(first, "u_").map_err(map_db_err)?)?;
    let mut actor = no_roles(user.id);
    for row in rows {
        actor_part(&mut actor, row, "")?;
    }
    actor.global_roles.sort();
    Ok((user, actor))
}

/// Adds one row of [`actor_parts`] to `actor`; a row without a part (a
/// person with no role, read through a LEFT JOIN) adds nothing.
fn actor_part(actor: &mut Actor, row: &QueryResult, pre: &str) -> Result<(), StoreError> {
    let corrupt = |column: &str, e: &dyn std::fmt::Display| StoreError::Corrupt(format!("{column}: {e}"));
    let part: Option<String> = row.try_get(pre, "part").map_err(map_db_err)?;
    let Some(part) = part else { return Ok(()) };
    let subject: Option<uuid::Uuid> = row.try_get(pre, "subject").map_err(map_db_err)?;
    let role: Option<String> = row.try_get(pre, "role").map_err(map_db_err)?;
    let lead: Option<bool> = row.try_get(pre, "lead").map_err(map_db_err)?;
    match (part.as_str(), subject, role, lead) {
        ("role", _, Some(role), _) => {
            actor.global_roles.push(role.parse().map_err(|e| corrupt("global_roles.role", &e))?);
        }
        ("seat", Some(committee), Some(role), _) => actor
            .memberships
            .push((CommitteeId::from_uuid(committee), role.parse().map_err(|e| corrupt("memberships.role", &e))?)),
        ("draft", Some(report), _, Some(lead)) => actor.drafting.push((ReportId::from_uuid(report), lead)),
        ("consulted", Some(report), _, _) => {
            let report = ReportId::from_uuid(report);
            if !actor.consulted.contains(&report) {
                actor.consulted.push(report);
            }
        }
        _ => return Err(corrupt("the actor's roles", &part)),
    }
    Ok(())
}

fn lost_turn() -> StoreError {
    StoreError::Other("the unit of work lost its turn at the writer".into())
}

#[async_trait]
impl UnitOfWork for SeaUnitOfWork {
    async fn insert_body(&mut self, body: &Body) -> Result<(), StoreError> {
        body::Entity::insert(body::ActiveModel::from(body)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn list_bodies(&mut self) -> Result<Vec<Body>, StoreError> {
        let rows = body::Entity::find().all(self.reader().await?).await.map_err(map_db_err)?;
        sorted_by_name(rows, |b: &Body| &b.name)
    }

    async fn insert_user(&mut self, user: &User) -> Result<(), StoreError> {
        user::Entity::insert(user::ActiveModel::from(user)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn find_user(&mut self, id: UserId) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find_by_id(id.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)?;
        row.map(User::try_from).transpose()
    }

    async fn find_user_by_email(&mut self, email: &Email) -> Result<Option<User>, StoreError> {
        let row = user::Entity::find()
            .filter(user::Column::Email.eq(email.as_str()))
            .one(self.reader().await?)
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
        global_role::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn global_roles(&mut self, user: UserId) -> Result<Vec<GlobalRole>, StoreError> {
        let rows = global_role::Entity::find()
            .filter(global_role::Column::UserId.eq(user.as_uuid()))
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let mut roles = rows
            .into_iter()
            .map(|r| r.role.parse().map_err(|e| StoreError::Corrupt(format!("global_roles.role: {e}"))))
            .collect::<Result<Vec<GlobalRole>, _>>()?;
        roles.sort();
        Ok(roles)
    }

    async fn all_global_roles(&mut self) -> Result<Vec<(UserId, GlobalRole)>, StoreError> {
        let rows = global_role::Entity::find().all(self.reader().await?).await.map_err(map_db_err)?;
        rows.into_iter()
            .map(|r| {
                let role = r.role.parse().map_err(|e| StoreError::Corrupt(format!("global_roles.role: {e}")))?;
                Ok((UserId::from_uuid(r.user_id), role))
            })
            .collect()
    }

    async fn revoke_global_role(&mut self, user: UserId, role: GlobalRole) -> Result<(), StoreError> {
        global_role::Entity::delete_many()
            .filter(global_role::Column::UserId.eq(user.as_uuid()))
            .filter(global_role::Column::Role.eq(role.as_str()))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn count_users_with_role(&mut self, role: GlobalRole) -> Result<u64, StoreError> {
        global_role::Entity::find()
            .filter(global_role::Column::Role.eq(role.as_str()))
            .count(self.reader().await?)
            .await
            .map_err(map_db_err)
    }

    async fn update_user(&mut self, user: &User) -> Result<(), StoreError> {
        user::Entity::update(user::ActiveModel::from(user)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn list_users(&mut self) -> Result<Vec<User>, StoreError> {
        let rows = user::Entity::find().all(self.reader().await?).await.map_err(map_db_err)?;
        sorted_by_name(rows, |u: &User| &u.name)
    }

    async fn memberships_of_user(&mut self, user: UserId) -> Result<Vec<Membership>, StoreError> {
        membership::Entity::find()
            .filter(membership::Column::UserId.eq(user.as_uuid()))
            .order_by_asc(membership::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(Membership::try_from)
            .collect()
    }

    async fn actor(&mut self, user: UserId) -> Result<Actor, StoreError> {
        // Four small lists in one round trip: this runs for every request.
        let backend = self.backend();
        let sql = format!("{} ORDER BY 1, 2", actor_parts("?"));
        let rows = self.reader().await?.query_all_raw(one_value(backend, &sql, user.as_uuid())).await.map_err(map_db_err)?;
        let mut actor = no_roles(user);
        for row in &rows {
            actor_part(&mut actor, row, "")?;
        }
        actor.global_roles.sort();
        Ok(actor)
    }

    async fn set_password_hash(&mut self, user: UserId, hash: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        let row = credential::ActiveModel {
            user_id: Set(user.as_uuid()),
            password_hash: Set(hash.to_owned()),
            changed_at: Set(at),
        };
        credential::Entity::insert(row)
            .on_conflict(
                OnConflict::column(credential::Column::UserId)
                    .update_columns([credential::Column::PasswordHash, credential::Column::ChangedAt])
                    .to_owned(),
            )
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn password_hash(&mut self, user: UserId) -> Result<Option<String>, StoreError> {
        let row = credential::Entity::find_by_id(user.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)?;
        Ok(row.map(|r| r.password_hash))
    }

    async fn insert_session(&mut self, s: &Session, secret_hash: &str) -> Result<(), StoreError> {
        session::Entity::insert(session_row(s, secret_hash)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn find_session(&mut self, secret_hash: &str) -> Result<Option<Session>, StoreError> {
        let row = session::Entity::find()
            .filter(session::Column::SecretHash.eq(secret_hash))
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(row.map(Session::from))
    }

    async fn find_session_with_actor(&mut self, secret_hash: &str) -> Result<Option<(Session, User, Actor)>, StoreError> {
        let who = "(SELECT user_id FROM sessions WHERE secret_hash = ?)";
        let rows = self.caller_rows::<session::Entity>("sessions", who, secret_hash).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let session = session::Model::from_query_result(first, "s_").map_err(map_db_err)?;
        let (user, actor) = caller_of(&rows)?;
        Ok(Some((Session::from(session), user, actor)))
    }

    async fn touch_session(&mut self, id: SessionId, at: OffsetDateTime) -> Result<(), StoreError> {
        stamp::<session::Entity>(self.tx().await?, session::Column::LastSeenAt, session::Column::Id, id.as_uuid(), at, Always).await
    }

    async fn revoke_session(&mut self, id: SessionId, at: OffsetDateTime) -> Result<(), StoreError> {
        stamp::<session::Entity>(self.tx().await?, session::Column::RevokedAt, session::Column::Id, id.as_uuid(), at, Once).await
    }

    async fn revoke_sessions_of(&mut self, user: UserId, at: OffsetDateTime) -> Result<u64, StoreError> {
        let result = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(at))
            .filter(session::Column::UserId.eq(user.as_uuid()))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(at))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(result.rows_affected)
    }

    async fn live_sessions_of(&mut self, user: UserId, now: OffsetDateTime) -> Result<Vec<Session>, StoreError> {
        let rows = session::Entity::find()
            .filter(session::Column::UserId.eq(user.as_uuid()))
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(now))
            .order_by_desc(session::Column::CreatedAt)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(rows.into_iter().map(Session::from).collect())
    }

    async fn insert_access_token(&mut self, t: &AccessToken, secret_hash: &str) -> Result<(), StoreError> {
        access_token::Entity::insert(access_token_row(t, secret_hash)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn find_access_token(&mut self, secret_hash: &str) -> Result<Option<AccessToken>, StoreError> {
        let row = access_token::Entity::find()
            .filter(access_token::Column::SecretHash.eq(secret_hash))
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        row.map(AccessToken::try_from).transpose()
    }

    async fn find_access_token_with_actor(
        &mut self,
        secret_hash: &str,
    ) -> Result<Option<(AccessToken, User, Actor)>, StoreError> {
        let who = "(SELECT user_id FROM access_tokens WHERE secret_hash = ?)";
        let rows = self.caller_rows::<access_token::Entity>("access_tokens", who, secret_hash).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let token = access_token::Model::from_query_result(first, "s_").map_err(map_db_err)?;
        let (user, actor) = caller_of(&rows)?;
        Ok(Some((AccessToken::try_from(token)?, user, actor)))
    }

    async fn touch_access_token(&mut self, id: AccessTokenId, at: OffsetDateTime) -> Result<(), StoreError> {
        use access_token::Column;
        stamp::<access_token::Entity>(self.tx().await?, Column::LastUsedAt, Column::Id, id.as_uuid(), at, Always).await
    }

    async fn revoke_access_token(&mut self, id: AccessTokenId, at: OffsetDateTime) -> Result<(), StoreError> {
        use access_token::Column;
        stamp::<access_token::Entity>(self.tx().await?, Column::RevokedAt, Column::Id, id.as_uuid(), at, Once).await
    }

    async fn access_tokens_of(&mut self, user: UserId) -> Result<Vec<AccessToken>, StoreError> {
        access_token::Entity::find()
            .filter(access_token::Column::UserId.eq(user.as_uuid()))
            .order_by_desc(access_token::Column::CreatedAt)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(AccessToken::try_from)
            .collect()
    }

    async fn insert_account_link(&mut self, link: &AccountLink, secret_hash: &str) -> Result<(), StoreError> {
        account_link::Entity::insert(account_link_row(link, secret_hash)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn find_account_link(&mut self, secret_hash: &str) -> Result<Option<AccountLink>, StoreError> {
        let row = account_link::Entity::find()
            .filter(account_link::Column::SecretHash.eq(secret_hash))
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        row.map(AccountLink::try_from).transpose()
    }

    async fn mark_account_link_used(&mut self, id: AccountLinkId, at: OffsetDateTime) -> Result<(), StoreError> {
        use account_link::Column;
        stamp::<account_link::Entity>(self.tx().await?, Column::UsedAt, Column::Id, id.as_uuid(), at, Once).await
    }

    async fn record_sign_in_attempt(
        &mut self,
        email: &str,
        address: &str,
        at: OffsetDateTime,
        succeeded: bool,
    ) -> Result<(), StoreError> {
        let row = sign_in_attempt::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            email: Set(email.to_owned()),
            address: Set(address.to_owned()),
            attempted_at: Set(at),
            succeeded: Set(succeeded),
        };
        sign_in_attempt::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn failed_sign_ins(
        &mut self,
        email: &str,
        address: &str,
        since: OffsetDateTime,
    ) -> Result<(u64, u64), StoreError> {
        use sign_in_attempt::Column;
        let last_success = sign_in_attempt::Entity::find()
            .filter(Column::Email.eq(email))
            .filter(Column::Succeeded.eq(true))
            .filter(Column::AttemptedAt.gte(since))
            .order_by_desc(Column::AttemptedAt)
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .map_or(since, |row| row.attempted_at);
        let for_account = sign_in_attempt::Entity::find()
            .filter(Column::Email.eq(email))
            .filter(Column::Succeeded.eq(false))
            .filter(Column::AttemptedAt.gte(last_success))
            .count(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let for_address = sign_in_attempt::Entity::find()
            .filter(Column::Address.eq(address))
            .filter(Column::Succeeded.eq(false))
            .filter(Column::AttemptedAt.gte(since))
            .count(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok((for_account, for_address))
    }

    async fn enqueue(&mut self, message: &OutboxMessage) -> Result<(), StoreError> {
        let insert = outbox::Entity::insert(outbox::ActiveModel::from(message)).build(self.backend());
        self.write(insert).await
    }

    async fn enqueue_all(&mut self, messages: &[OutboxMessage]) -> Result<(), StoreError> {
        // In slices, under the engines' limits on bound parameters.
        for chunk in messages.chunks(500) {
            let insert = outbox::Entity::insert_many(chunk.iter().map(outbox::ActiveModel::from)).build(self.backend());
            self.write(insert).await?;
        }
        Ok(())
    }

    async fn unsent_messages_to(&mut self, recipient: UserId) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = outbox::Entity::find()
            .filter(outbox::Column::RecipientId.eq(recipient.as_uuid()))
            .filter(outbox::Column::SentAt.is_null())
            .order_by_asc(outbox::Column::CreatedAt)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(rows.into_iter().map(OutboxMessage::from).collect())
    }

    async fn insert_committee(&mut self, committee: &Committee) -> Result<(), StoreError> {
        committee::Entity::insert(committee::ActiveModel::from(committee))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn find_committee(&mut self, id: CommitteeId) -> Result<Option<Committee>, StoreError> {
        let row = committee::Entity::find_by_id(id.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)?;
        row.map(Committee::try_from).transpose()
    }

    async fn list_committees(&mut self) -> Result<Vec<Committee>, StoreError> {
        let rows = committee::Entity::find().all(self.reader().await?).await.map_err(map_db_err)?;
        sorted_by_name(rows, |c: &Committee| &c.name)
    }

    async fn insert_membership(&mut self, m: &Membership) -> Result<(), StoreError> {
        membership::Entity::insert(membership::ActiveModel::from(m))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn update_membership(&mut self, m: &Membership) -> Result<(), StoreError> {
        membership::Entity::update(membership::ActiveModel::from(m)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn memberships_of_committee(
        &mut self,
        committee: CommitteeId,
    ) -> Result<Vec<Membership>, StoreError> {
        membership::Entity::find()
            .filter(membership::Column::CommitteeId.eq(committee.as_uuid()))
            .order_by_asc(membership::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(Membership::try_from)
            .collect()
    }

    async fn insert_term(&mut self, term: &Term) -> Result<(), StoreError> {
        term::Entity::insert(term::ActiveModel::from(term)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn list_terms(&mut self) -> Result<Vec<Term>, StoreError> {
        term::Entity::find()
            .order_by_asc(term::Column::StartsOn)
            .order_by_asc(term::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(Term::try_from)
            .collect()
    }

    async fn record_audit_event(&mut self, event: &AuditEvent) -> Result<(), StoreError> {
        let insert = audit_event::Entity::insert(audit_event::ActiveModel::from(event)).build(self.backend());
        self.write(insert).await?;
        // Every change to a report, its comments, versions and steps is
        // recorded as an event about the report: counting them here is the
        // one place that cannot be forgotten by a new use case.
        if let ("report", Some(id)) = (event.subject_kind.as_str(), event.subject_id) {
            self.write(crate::reports::count_report_change(self.backend(), id)).await?;
        }
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
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(rows.into_iter().map(AuditEvent::from).collect())
    }

    async fn audit_events_named(
        &mut self,
        subject_kind: &str,
        subject_id: uuid::Uuid,
        action: &str,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = audit_event::Entity::find()
            .filter(audit_event::Column::SubjectKind.eq(subject_kind))
            .filter(audit_event::Column::SubjectId.eq(subject_id))
            .filter(audit_event::Column::Action.eq(action))
            .order_by_asc(audit_event::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(rows.into_iter().map(AuditEvent::from).collect())
    }

    async fn commit(self: Box<Self>) -> Result<(), StoreError> {
        let Self { inner, mut watch, held } = *self;
        let committed = match inner {
            // In a task of its own, so it finishes even if the request is
            // dropped meanwhile: dropped mid-COMMIT, the transaction would
            // queue a ROLLBACK after the COMMIT had gone ("there is no
            // transaction in progress"), and the caller could not know which won.
            Inner::Own(tx) => tokio::spawn(async move { tx.commit().await.map_err(map_db_err) })
                .await
                .map_err(|e| StoreError::Unavailable(format!("committing: {e}")))?,
            // Answers once the batch holding the unit is on disk.
            Inner::Batched(turn) => match turn {
                Some(turn) => turn.commit(held).await,
                None => Err(lost_turn()),
            },
        };
        watch.end(committed.is_ok());
        committed
    }
}

/// A person's global roles, seats, drafting teams and the reports their
/// body is consulted on, one row each; `who` is the person's id as SQL (a
/// `?`, or a subquery that finds it), put in each branch. The first branch
/// names each column's type: PostgreSQL resolves a UNION's types branch by
/// branch, and two bare NULLs would make `lead` text.
fn actor_parts(who: &str) -> String {
    format!(
        "SELECT 'role' AS part, CAST(NULL AS uuid) AS subject, role, CAST(NULL AS boolean) AS lead \
         FROM global_roles WHERE user_id = {who} \
         UNION ALL SELECT 'seat', committee_id, role, NULL FROM memberships WHERE user_id = {who} \
         UNION ALL SELECT 'draft', report_id, NULL, lead FROM report_drafters WHERE user_id = {who} \
         UNION ALL SELECT 'consulted', rr.report_id, NULL, NULL FROM consulted_bodies cb \
           JOIN review_rounds rr ON rr.id = cb.round_id JOIN users cu ON cu.body_id = cb.body_id WHERE cu.id = {who}"
    )
}

/// Whether a time stamp may overwrite an earlier one.
enum Stamp {
    /// Moves with every use (last seen, last used).
    Always,
    /// Set once and kept (revoked, used): the first time is the record.
    Once,
}
use Stamp::{Always, Once};

/// Sets the time column `column` to `at` on the row whose `id_column` is `id`.
async fn stamp<E: EntityTrait>(
    tx: &DatabaseTransaction,
    column: E::Column,
    id_column: E::Column,
    id: uuid::Uuid,
    at: OffsetDateTime,
    rule: Stamp,
) -> Result<(), StoreError> {
    let mut update = E::update_many().col_expr(column, Expr::value(at)).filter(id_column.eq(id));
    if matches!(rule, Once) {
        update = update.filter(column.is_null());
    }
    update.exec(tx).await.map_err(map_db_err)?;
    Ok(())
}
