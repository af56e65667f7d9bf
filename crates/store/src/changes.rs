//! The change table's decisions ([`ChangeTableStore`]) and what is still
//! disputed ([`DisputeStore`]): small keyed rows, written by upsert so a
//! second decision on the same key replaces the first on both engines.

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::{ChangeTableStore, DisputeStore};
use gopy_domain::change_table::{ChangeLink, LinkState};
use gopy_domain::dispute::{DisputeDecision, Stance, StanceTaken};
use gopy_domain::document::BlockId;
use gopy_domain::{CommentId, CommentText, MeetingId, ReportId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use crate::entity::{answer_stance, change_link, dispute_deadline, dispute_decision, technical_edit};
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

fn corrupt(column: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{column}: {err}"))
}

fn version(to_version: u32) -> Result<i32, StoreError> {
    i32::try_from(to_version).map_err(|e| StoreError::Other(format!("version number: {e}")))
}

fn text(column: &str, raw: String) -> Result<CommentText, StoreError> {
    CommentText::parse(&raw).map_err(|e| corrupt(column, e))
}

#[async_trait]
impl ChangeTableStore for SeaUnitOfWork {
    async fn change_links(&mut self, report: ReportId, to_version: u32) -> Result<Vec<ChangeLink>, StoreError> {
        let rows = change_link::Entity::find()
            .filter(change_link::Column::ReportId.eq(report.as_uuid()))
            .filter(change_link::Column::ToVersion.eq(version(to_version)?))
            .order_by_asc(change_link::Column::Passage)
            .order_by_asc(change_link::Column::DecidedAt)
            .order_by_asc(change_link::Column::CommentId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter()
            .map(|row| {
                Ok(ChangeLink {
                    passage: BlockId::new(row.passage),
                    comment: CommentId::from_uuid(row.comment_id),
                    state: row.state.parse::<LinkState>().map_err(|e| corrupt("change_links.state", e))?,
                })
            })
            .collect()
    }

    async fn put_change_link(
        &mut self,
        report: ReportId,
        to_version: u32,
        link: &ChangeLink,
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let row = change_link::ActiveModel {
            report_id: Set(report.as_uuid()),
            to_version: Set(version(to_version)?),
            passage: Set(link.passage.as_str().to_owned()),
            comment_id: Set(link.comment.as_uuid()),
            state: Set(link.state.as_str().to_owned()),
            decided_by: Set(by.as_uuid()),
            decided_at: Set(at),
        };
        change_link::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    change_link::Column::ReportId,
                    change_link::Column::ToVersion,
                    change_link::Column::Passage,
                    change_link::Column::CommentId,
                ])
                .update_columns([change_link::Column::State, change_link::Column::DecidedBy, change_link::Column::DecidedAt])
                .to_owned(),
            )
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn delete_change_link(
        &mut self,
        report: ReportId,
        to_version: u32,
        passage: &BlockId,
        comment: CommentId,
    ) -> Result<bool, StoreError> {
        let result = change_link::Entity::delete_many()
            .filter(change_link::Column::ReportId.eq(report.as_uuid()))
            .filter(change_link::Column::ToVersion.eq(version(to_version)?))
            .filter(change_link::Column::Passage.eq(passage.as_str()))
            .filter(change_link::Column::CommentId.eq(comment.as_uuid()))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(result.rows_affected > 0)
    }

    async fn technical_edits(&mut self, report: ReportId, to_version: u32) -> Result<Vec<BlockId>, StoreError> {
        let rows = technical_edit::Entity::find()
            .filter(technical_edit::Column::ReportId.eq(report.as_uuid()))
            .filter(technical_edit::Column::ToVersion.eq(version(to_version)?))
            .order_by_asc(technical_edit::Column::Passage)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(rows.into_iter().map(|row| BlockId::new(row.passage)).collect())
    }

    async fn set_technical_edit(
        &mut self,
        report: ReportId,
        to_version: u32,
        passage: &BlockId,
        technical: bool,
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let to_version = version(to_version)?;
        if !technical {
            let result = technical_edit::Entity::delete_many()
                .filter(technical_edit::Column::ReportId.eq(report.as_uuid()))
                .filter(technical_edit::Column::ToVersion.eq(to_version))
                .filter(technical_edit::Column::Passage.eq(passage.as_str()))
                .exec(self.tx().await?)
                .await
                .map_err(map_db_err)?;
            return Ok(result.rows_affected > 0);
        }
        let row = technical_edit::ActiveModel {
            report_id: Set(report.as_uuid()),
            to_version: Set(to_version),
            passage: Set(passage.as_str().to_owned()),
            marked_by: Set(by.as_uuid()),
            marked_at: Set(at),
        };
        let result = technical_edit::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    technical_edit::Column::ReportId,
                    technical_edit::Column::ToVersion,
                    technical_edit::Column::Passage,
                ])
                .do_nothing()
                .to_owned(),
            )
            .exec_without_returning(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(result > 0)
    }
}

fn stance_of(row: answer_stance::Model) -> Result<StanceTaken, StoreError> {
    Ok(StanceTaken {
        comment: CommentId::from_uuid(row.comment_id),
        stance: row.stance.parse::<Stance>().map_err(|e| corrupt("answer_stances.stance", e))?,
        reason: row.reason.map(|r| text("answer_stances.reason", r)).transpose()?,
        by: UserId::from_uuid(row.taken_by),
        at: row.taken_at,
    })
}

fn decision_of(row: dispute_decision::Model) -> Result<(ReportId, DisputeDecision), StoreError> {
    Ok((
        ReportId::from_uuid(row.report_id),
        DisputeDecision {
            comment: CommentId::from_uuid(row.comment_id),
            decision: text("dispute_decisions.decision", row.decision)?,
            meeting: row.meeting_id.map(MeetingId::from_uuid),
            by: UserId::from_uuid(row.decided_by),
            at: row.decided_at,
        },
    ))
}

#[async_trait]
impl DisputeStore for SeaUnitOfWork {
    async fn dispute_deadline(&mut self, report: ReportId) -> Result<Option<OffsetDateTime>, StoreError> {
        let row = dispute_deadline::Entity::find_by_id(report.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)?;
        Ok(row.map(|r| r.deadline))
    }

    async fn set_dispute_deadline(
        &mut self,
        report: ReportId,
        deadline: OffsetDateTime,
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let row = dispute_deadline::ActiveModel {
            report_id: Set(report.as_uuid()),
            deadline: Set(deadline),
            set_by: Set(by.as_uuid()),
            set_at: Set(at),
        };
        dispute_deadline::Entity::insert(row)
            .on_conflict(
                OnConflict::column(dispute_deadline::Column::ReportId)
                    .update_columns([
                        dispute_deadline::Column::Deadline,
                        dispute_deadline::Column::SetBy,
                        dispute_deadline::Column::SetAt,
                    ])
                    .to_owned(),
            )
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn stances_on(&mut self, report: ReportId) -> Result<Vec<StanceTaken>, StoreError> {
        let rows = answer_stance::Entity::find()
            .filter(answer_stance::Column::ReportId.eq(report.as_uuid()))
            .order_by_asc(answer_stance::Column::TakenAt)
            .order_by_asc(answer_stance::Column::CommentId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter().map(stance_of).collect()
    }

    async fn put_stance(&mut self, report: ReportId, stance: &StanceTaken) -> Result<(), StoreError> {
        let row = answer_stance::ActiveModel {
            comment_id: Set(stance.comment.as_uuid()),
            report_id: Set(report.as_uuid()),
            stance: Set(stance.stance.as_str().to_owned()),
            reason: Set(stance.reason.as_ref().map(|r| r.as_str().to_owned())),
            taken_by: Set(stance.by.as_uuid()),
            taken_at: Set(stance.at),
        };
        answer_stance::Entity::insert(row)
            .on_conflict(
                OnConflict::column(answer_stance::Column::CommentId)
                    .update_columns([
                        answer_stance::Column::Stance,
                        answer_stance::Column::Reason,
                        answer_stance::Column::TakenBy,
                        answer_stance::Column::TakenAt,
                    ])
                    .to_owned(),
            )
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn decisions_on(&mut self, report: ReportId) -> Result<Vec<DisputeDecision>, StoreError> {
        let rows = dispute_decision::Entity::find()
            .filter(dispute_decision::Column::ReportId.eq(report.as_uuid()))
            .order_by_asc(dispute_decision::Column::DecidedAt)
            .order_by_asc(dispute_decision::Column::CommentId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter().map(|row| decision_of(row).map(|(_, d)| d)).collect()
    }

    async fn decisions_at(&mut self, meeting: MeetingId) -> Result<Vec<(ReportId, DisputeDecision)>, StoreError> {
        let rows = dispute_decision::Entity::find()
            .filter(dispute_decision::Column::MeetingId.eq(meeting.as_uuid()))
            .order_by_asc(dispute_decision::Column::DecidedAt)
            .order_by_asc(dispute_decision::Column::CommentId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter().map(decision_of).collect()
    }

    async fn put_decision(&mut self, report: ReportId, decision: &DisputeDecision) -> Result<(), StoreError> {
        let row = dispute_decision::ActiveModel {
            comment_id: Set(decision.comment.as_uuid()),
            report_id: Set(report.as_uuid()),
            decision: Set(decision.decision.as_str().to_owned()),
            meeting_id: Set(decision.meeting.map(|m| m.as_uuid())),
            decided_by: Set(decision.by.as_uuid()),
            decided_at: Set(decision.at),
        };
        dispute_decision::Entity::insert(row)
            .on_conflict(
                OnConflict::column(dispute_decision::Column::CommentId)
                    .update_columns([
                        dispute_decision::Column::Decision,
                        dispute_decision::Column::MeetingId,
                        dispute_decision::Column::DecidedBy,
                        dispute_decision::Column::DecidedAt,
                    ])
                    .to_owned(),
            )
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }
}
