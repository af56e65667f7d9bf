//! The outbox as the notifier's [`NotifierStore`]: claims with a lease,
//! marks, delivery choices and the admin's view.
//!
//! Claiming is the one place the engines differ. On PostgreSQL the rows are
//! selected `FOR UPDATE SKIP LOCKED`, so two workers claiming at the same
//! moment each get rows the other did not; on SQLite there is one writer at
//! a time (and our units of work take turns), so a plain select and update
//! inside the transaction is already exclusive.

use async_trait::async_trait;
use gopy_app::ports::{Claim, ClaimedMail, NotifierStore};
use gopy_app::StoreError;
use gopy_domain::{Delivery, MailRecord, MailStatus, OutboxMessage, OutboxMessageId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, ExprTrait, Func, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, DatabaseBackend, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{notification_preference, outbox};
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

const PENDING: &str = "pending";

fn uuids(ids: &[OutboxMessageId]) -> Vec<Uuid> {
    ids.iter().map(OutboxMessageId::as_uuid).collect()
}

fn attempts_of(row: &outbox::Model) -> Result<u32, StoreError> {
    u32::try_from(row.attempts).map_err(|e| StoreError::Corrupt(format!("outbox.attempts: {e}")))
}

fn record(row: outbox::Model) -> Result<MailRecord, StoreError> {
    let status = row.status.parse().map_err(|e| StoreError::Corrupt(format!("outbox.status: {e}")))?;
    let attempts = attempts_of(&row)?;
    let last_error = row.last_error.clone();
    let message_id = row.message_id.clone();
    Ok(MailRecord { message: OutboxMessage::from(row), status, attempts, last_error, message_id })
}

/// Rows leased to `worker` and still pending: what a worker may mark.
fn held_by(ids: &[OutboxMessageId], worker: &str) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(outbox::Column::Id.is_in(uuids(ids)))
        .add(outbox::Column::ClaimedBy.eq(worker))
        .add(outbox::Column::Status.eq(PENDING))
}

/// Pending and not leased to anyone at `now`.
fn claimable(now: OffsetDateTime) -> sea_orm::Condition {
    sea_orm::Condition::all().add(outbox::Column::Status.eq(PENDING)).add(
        sea_orm::Condition::any()
            .add(outbox::Column::ClaimedUntil.is_null())
            .add(outbox::Column::ClaimedUntil.lte(now)),
    )
}

#[async_trait]
impl NotifierStore for SeaUnitOfWork {
    async fn claim_due(&mut self, claim: &Claim) -> Result<Vec<ClaimedMail>, StoreError> {
        // On SQLite the unit of work holds the write lock from its start (see
        // `SeaStore::begin`), so the reads below cannot race another process.
        // Whose mail is ripe: someone with a row due since the digest window began.
        let recipients: Vec<Uuid> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::RecipientId)
            .filter(claimable(claim.now))
            .filter(outbox::Column::DueAt.lte(claim.ripe_before))
            .group_by(outbox::Column::RecipientId)
            .order_by(Expr::from(Func::min(Expr::col(outbox::Column::DueAt))), Order::Asc)
            .order_by_asc(outbox::Column::RecipientId)
            .limit(claim.limit)
            .into_tuple()
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        if recipients.is_empty() {
            return Ok(Vec::new());
        }
        let mut rows = outbox::Entity::find()
            .filter(claimable(claim.now))
            .filter(outbox::Column::DueAt.lte(claim.now))
            .filter(outbox::Column::RecipientId.is_in(recipients))
            .order_by_asc(outbox::Column::RecipientId)
            .order_by_asc(outbox::Column::CreatedAt)
            .order_by_asc(outbox::Column::Id)
            .limit(claim.limit);
        if self.backend() == DatabaseBackend::Postgres {
            rows = rows.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let rows = rows.all(self.reader().await?).await.map_err(map_db_err)?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        outbox::Entity::update_many()
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(claim.lease_until))
            .col_expr(outbox::Column::ClaimedBy, Expr::value(claim.worker.clone()))
            .filter(outbox::Column::Id.is_in(rows.iter().map(|r| r.id)))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter()
            .map(|row| Ok(ClaimedMail { attempts: attempts_of(&row)?, message: OutboxMessage::from(row) }))
            .collect()
    }

    async fn mark_sent(
        &mut self,
        ids: &[OutboxMessageId],
        worker: &str,
        message_id: &str,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let result = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(MailStatus::Sent.as_str()))
            .col_expr(outbox::Column::SentAt, Expr::value(Some(at)))
            .col_expr(outbox::Column::MessageId, Expr::value(Some(message_id.to_owned())))
            .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<OffsetDateTime>::None))
            .col_expr(outbox::Column::ClaimedBy, Expr::value(Option::<String>::None))
            .filter(held_by(ids, worker))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(result.rows_affected)
    }

    async fn mark_attempt_failed(
        &mut self,
        ids: &[OutboxMessageId],
        worker: &str,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let mut update = outbox::Entity::update_many()
            .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
            .col_expr(outbox::Column::LastError, Expr::value(Some(error.to_owned())))
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<OffsetDateTime>::None))
            .col_expr(outbox::Column::ClaimedBy, Expr::value(Option::<String>::None));
        update = match retry_at {
            Some(at) => update.col_expr(outbox::Column::DueAt, Expr::value(at)),
            None => update.col_expr(outbox::Column::Status, Expr::value(MailStatus::Failed.as_str())),
        };
        update.filter(held_by(ids, worker)).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn postpone(&mut self, ids: &[OutboxMessageId], worker: &str, due_at: OffsetDateTime) -> Result<(), StoreError> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::DueAt, Expr::value(due_at))
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<OffsetDateTime>::None))
            .col_expr(outbox::Column::ClaimedBy, Expr::value(Option::<String>::None))
            .filter(held_by(ids, worker))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn mark_skipped(&mut self, ids: &[OutboxMessageId], worker: &str, at: OffsetDateTime) -> Result<(), StoreError> {
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(MailStatus::Skipped.as_str()))
            .col_expr(outbox::Column::SentAt, Expr::value(Some(at)))
            .col_expr(outbox::Column::ClaimedUntil, Expr::value(Option::<OffsetDateTime>::None))
            .col_expr(outbox::Column::ClaimedBy, Expr::value(Option::<String>::None))
            .filter(held_by(ids, worker))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn delivery_choices(&mut self, user: UserId) -> Result<Vec<(String, Delivery)>, StoreError> {
        let rows = notification_preference::Entity::find()
            .filter(notification_preference::Column::UserId.eq(user.as_uuid()))
            .order_by_asc(notification_preference::Column::Kind)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter()
            .map(|row| {
                let delivery = row
                    .delivery
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("notification_preferences.delivery: {e}")))?;
                Ok((row.kind, delivery))
            })
            .collect()
    }

    async fn set_delivery_choice(
        &mut self,
        user: UserId,
        kind: &str,
        delivery: Delivery,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let row = notification_preference::ActiveModel {
            user_id: Set(user.as_uuid()),
            kind: Set(kind.to_owned()),
            delivery: Set(delivery.as_str().to_owned()),
            updated_at: Set(at),
        };
        notification_preference::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([notification_preference::Column::UserId, notification_preference::Column::Kind])
                    .update_columns([notification_preference::Column::Delivery, notification_preference::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn recent_mail(&mut self, status: MailStatus, limit: u64) -> Result<Vec<MailRecord>, StoreError> {
        let newest = match status {
            MailStatus::Sent | MailStatus::Skipped => outbox::Column::SentAt,
            MailStatus::Pending | MailStatus::Failed => outbox::Column::CreatedAt,
        };
        let rows = outbox::Entity::find()
            .filter(outbox::Column::Status.eq(status.as_str()))
            .order_by_desc(newest)
            .order_by_desc(outbox::Column::Id)
            .limit(limit)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter().map(record).collect()
    }

    async fn count_mail(&mut self, status: MailStatus) -> Result<u64, StoreError> {
        outbox::Entity::find()
            .filter(outbox::Column::Status.eq(status.as_str()))
            .count(self.reader().await?)
            .await
            .map_err(map_db_err)
    }

    async fn resend_failed(&mut self, id: OutboxMessageId, at: OffsetDateTime) -> Result<bool, StoreError> {
        let result = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(PENDING))
            .col_expr(outbox::Column::DueAt, Expr::value(at))
            .col_expr(outbox::Column::Attempts, Expr::value(0))
            .filter(outbox::Column::Id.eq(id.as_uuid()))
            .filter(outbox::Column::Status.eq(MailStatus::Failed.as_str()))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(result.rows_affected == 1)
    }
}
