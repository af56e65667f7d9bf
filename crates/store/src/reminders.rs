//! Planned reminders as the worker's [`ReminderStore`].
//!
//! As with the outbox, taking is where the engines differ: PostgreSQL locks
//! the due rows `FOR UPDATE SKIP LOCKED`, so a second worker passes over
//! them; SQLite's unit of work holds the one write lock from its start, so
//! a plain select inside it is already exclusive.

use async_trait::async_trait;
use gopy_app::ports::ReminderStore;
use gopy_app::StoreError;
use gopy_domain::reminder::{Reminder, ReminderOutcome};
use gopy_domain::workflow::Round;
use gopy_domain::{ActionItemId, MeetingId, ReminderId, ReportId, RoundId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, LockBehavior, LockType, OnConflict};
use sea_orm::{
    ColumnTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::entity::{action_item, reminder, review_round};
use crate::error::map_db_err;
use crate::rounds::round_of;
use crate::unit_of_work::SeaUnitOfWork;

const PENDING: &str = "pending";

/// Times are written and compared in UTC: SQLite compares them as text, so
/// a due time written at +07:00 would not sort with a `now` at +00:00.
fn utc(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(time::UtcOffset::UTC)
}

fn reminder_of(row: reminder::Model) -> Result<(Reminder, Option<ReminderOutcome>), StoreError> {
    let kind = row.kind.parse().map_err(|e| StoreError::Corrupt(format!("reminders.kind: {e}")))?;
    let outcome = match row.state.as_str() {
        PENDING => None,
        other => Some(other.parse().map_err(|e| StoreError::Corrupt(format!("reminders.state: {e}")))?),
    };
    let reminder = Reminder {
        id: ReminderId::from_uuid(row.id),
        kind,
        subject: row.subject_id,
        recipient: UserId::from_uuid(row.recipient_id),
        deadline: row.deadline,
        due_at: row.due_at,
        created_at: row.created_at,
    };
    Ok((reminder, outcome))
}

#[async_trait]
impl ReminderStore for SeaUnitOfWork {
    async fn plan_reminders(&mut self, reminders: &[Reminder]) -> Result<(), StoreError> {
        if reminders.is_empty() {
            return Ok(());
        }
        let rows = reminders.iter().map(|r| reminder::ActiveModel {
            id: Set(r.id.as_uuid()),
            kind: Set(r.kind.as_str().to_owned()),
            subject_id: Set(r.subject),
            recipient_id: Set(r.recipient.as_uuid()),
            deadline: Set(utc(r.deadline)),
            due_at: Set(utc(r.due_at)),
            created_at: Set(utc(r.created_at)),
            state: Set(PENDING.to_owned()),
            finished_at: Set(None),
        });
        reminder::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    reminder::Column::Kind,
                    reminder::Column::SubjectId,
                    reminder::Column::RecipientId,
                    reminder::Column::DueAt,
                ])
                .do_nothing()
                .to_owned(),
            )
            .try_insert()
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn take_due_reminders(&mut self, now: OffsetDateTime, limit: u64) -> Result<Vec<Reminder>, StoreError> {
        let mut query = reminder::Entity::find()
            .filter(reminder::Column::State.eq(PENDING))
            .filter(reminder::Column::DueAt.lte(utc(now)))
            .order_by_asc(reminder::Column::DueAt)
            .order_by_asc(reminder::Column::Id)
            .limit(limit);
        if self.backend() == DatabaseBackend::Postgres {
            query = query.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let rows = query.all(self.reader().await?).await.map_err(map_db_err)?;
        rows.into_iter().map(|row| reminder_of(row).map(|(r, _)| r)).collect()
    }

    async fn finish_reminder(&mut self, id: ReminderId, outcome: ReminderOutcome, at: OffsetDateTime) -> Result<(), StoreError> {
        reminder::Entity::update_many()
            .col_expr(reminder::Column::State, Expr::value(outcome.as_str()))
            .col_expr(reminder::Column::FinishedAt, Expr::value(Some(utc(at))))
            .filter(reminder::Column::Id.eq(id.as_uuid()))
            .filter(reminder::Column::State.eq(PENDING))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn superseded(&mut self, r: &Reminder, now: OffsetDateTime) -> Result<bool, StoreError> {
        let later = reminder::Entity::find()
            .filter(reminder::Column::State.ne(ReminderOutcome::Dropped.as_str()))
            .filter(reminder::Column::Kind.eq(r.kind.as_str()))
            .filter(reminder::Column::SubjectId.eq(r.subject))
            .filter(reminder::Column::RecipientId.eq(r.recipient.as_uuid()))
            .filter(reminder::Column::DueAt.gt(utc(r.due_at)))
            .filter(reminder::Column::DueAt.lte(utc(now)))
            .count(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(later > 0)
    }

    async fn reminders_about(&mut self, subject: Uuid) -> Result<Vec<(Reminder, Option<ReminderOutcome>)>, StoreError> {
        reminder::Entity::find()
            .filter(reminder::Column::SubjectId.eq(subject))
            .order_by_asc(reminder::Column::DueAt)
            .order_by_asc(reminder::Column::Kind)
            .order_by_asc(reminder::Column::RecipientId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(reminder_of)
            .collect()
    }

    async fn find_round(&mut self, round: RoundId) -> Result<Option<(ReportId, Round)>, StoreError> {
        let row = review_round::Entity::find_by_id(round.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)?;
        row.map(|row| {
            let report = ReportId::from_uuid(row.report_id);
            round_of(row).map(|round| (report, round))
        })
        .transpose()
    }

    async fn meeting_of_action(&mut self, action: ActionItemId) -> Result<Option<MeetingId>, StoreError> {
        let meeting: Option<Uuid> = action_item::Entity::find_by_id(action.as_uuid())
            .select_only()
            .column(action_item::Column::MeetingId)
            .into_tuple()
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(meeting.map(MeetingId::from_uuid))
    }

    async fn count_pending_reminders(&mut self) -> Result<u64, StoreError> {
        reminder::Entity::find().filter(reminder::Column::State.eq(PENDING)).count(self.reader().await?).await.map_err(map_db_err)
    }
}
