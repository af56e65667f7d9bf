//! Report states, review rounds and ballots, as the use cases' [`RoundStore`].

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::RoundStore;
use gopy_domain::workflow::{Ballot, Round};
use gopy_domain::{Report, ReportId, RoundId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use crate::entity::{ballot_vote, report, review_round};
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

fn corrupt(column: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{column}: {err}"))
}

fn number(raw: u32) -> Result<i32, StoreError> {
    i32::try_from(raw).map_err(|e| StoreError::Other(format!("round number: {e}")))
}

pub(crate) fn round_of(row: review_round::Model) -> Result<Round, StoreError> {
    let to_u32 = |column: &str, v: i32| u32::try_from(v).map_err(|e| corrupt(column, e));
    Ok(Round {
        id: RoundId::from_uuid(row.id),
        number: to_u32("review_rounds.number", row.number)?,
        version: to_u32("review_rounds.version_number", row.version_number)?,
        opened_at: row.opened_at,
        deadline: row.deadline,
        late_allowed: row.late_allowed,
        ballot: row.ballot,
        closed_at: row.closed_at,
        reminder_offsets: offsets_of(&row.reminder_offsets)?,
        revision: to_u32("review_rounds.revision", row.revision)?,
    })
}

/// The offsets as stored: "3,1", or "" for none.
fn offsets_of(raw: &str) -> Result<Vec<u32>, StoreError> {
    raw.split(',')
        .filter(|n| !n.trim().is_empty())
        .map(|n| n.trim().parse().map_err(|e| corrupt("review_rounds.reminder_offsets", e)))
        .collect()
}

fn ballot_of(row: ballot_vote::Model) -> Result<Ballot, StoreError> {
    Ok(Ballot {
        round: RoundId::from_uuid(row.round_id),
        voter: UserId::from_uuid(row.user_id),
        vote: row.vote.parse().map_err(|e| corrupt("ballot_votes.vote", e))?,
        text: row.text,
        cast_at: row.cast_at,
    })
}

#[async_trait]
impl RoundStore for SeaUnitOfWork {
    async fn update_report_state(&mut self, r: &mut Report) -> Result<(), StoreError> {
        use report::Column;
        let read_at = i32::try_from(r.revision).map_err(|e| StoreError::Other(format!("revision: {e}")))?;
        let full = report::ActiveModel::from(&*r);
        // Only what a step changes is written, and only on the revision it
        // was decided on: UPDATE ... WHERE revision = read. On PostgreSQL a
        // second writer waits on the row lock, then finds the revision moved.
        let row = report::ActiveModel {
            status: full.status,
            approved_version: full.approved_version,
            approved_by: full.approved_by,
            approved_at: full.approved_at,
            revision: Set(read_at + 1),
            ..Default::default()
        };
        let updated = report::Entity::update_many()
            .set(row)
            .filter(Column::Id.eq(r.id.as_uuid()))
            .filter(Column::Revision.eq(read_at))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        if updated.rows_affected != 1 {
            return Err(StoreError::Stale { what: "report" });
        }
        r.revision += 1;
        Ok(())
    }

    async fn insert_round(&mut self, report: ReportId, round: &Round) -> Result<(), StoreError> {
        let row = review_round::ActiveModel {
            id: Set(round.id.as_uuid()),
            report_id: Set(report.as_uuid()),
            number: Set(number(round.number)?),
            version_number: Set(number(round.version)?),
            opened_at: Set(round.opened_at),
            deadline: Set(round.deadline),
            late_allowed: Set(round.late_allowed),
            ballot: Set(round.ballot),
            closed_at: Set(round.closed_at),
            reminder_offsets: Set(round.reminder_offsets.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")),
            revision: Set(i32::try_from(round.revision).map_err(|e| StoreError::Other(format!("revision: {e}")))?),
        };
        review_round::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn close_round(&mut self, round: &mut Round, at: OffsetDateTime) -> Result<(), StoreError> {
        use review_round::Column;
        let read_at = i32::try_from(round.revision).map_err(|e| StoreError::Other(format!("revision: {e}")))?;
        let updated = review_round::Entity::update_many()
            .col_expr(Column::ClosedAt, Expr::value(at))
            .col_expr(Column::Revision, Expr::value(read_at + 1))
            .filter(Column::Id.eq(round.id.as_uuid()))
            .filter(Column::Revision.eq(read_at))
            .filter(Column::ClosedAt.is_null())
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        if updated.rows_affected != 1 {
            return Err(StoreError::Stale { what: "round" });
        }
        round.closed_at = Some(at);
        round.revision += 1;
        Ok(())
    }

    async fn rounds_of(&mut self, report: ReportId) -> Result<Vec<Round>, StoreError> {
        review_round::Entity::find()
            .filter(review_round::Column::ReportId.eq(report.as_uuid()))
            .order_by_asc(review_round::Column::Number)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(round_of)
            .collect()
    }

    async fn latest_rounds(&mut self) -> Result<Vec<(ReportId, Round)>, StoreError> {
        let rows = review_round::Entity::find()
            .order_by_asc(review_round::Column::ReportId)
            .order_by_asc(review_round::Column::Number)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let mut latest: Vec<(ReportId, Round)> = Vec::new();
        for row in rows {
            let report = ReportId::from_uuid(row.report_id);
            let round = round_of(row)?;
            // Rows come by report, then number: a report's last row is its latest round.
            match latest.last_mut() {
                Some((r, last)) if *r == report => *last = round,
                _ => latest.push((report, round)),
            }
        }
        Ok(latest)
    }

    async fn put_ballot(&mut self, ballot: &Ballot) -> Result<(), StoreError> {
        let row = ballot_vote::ActiveModel {
            round_id: Set(ballot.round.as_uuid()),
            user_id: Set(ballot.voter.as_uuid()),
            vote: Set(ballot.vote.as_str().to_owned()),
            text: Set(ballot.text.clone()),
            cast_at: Set(ballot.cast_at),
        };
        ballot_vote::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([ballot_vote::Column::RoundId, ballot_vote::Column::UserId])
                    .update_columns([ballot_vote::Column::Vote, ballot_vote::Column::Text, ballot_vote::Column::CastAt])
                    .to_owned(),
            )
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn ballots_of(&mut self, round: RoundId) -> Result<Vec<Ballot>, StoreError> {
        ballot_vote::Entity::find()
            .filter(ballot_vote::Column::RoundId.eq(round.as_uuid()))
            .order_by_asc(ballot_vote::Column::CastAt)
            .order_by_asc(ballot_vote::Column::UserId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(ballot_of)
            .collect()
    }

    async fn ballots_by(&mut self, voter: UserId) -> Result<Vec<Ballot>, StoreError> {
        ballot_vote::Entity::find()
            .filter(ballot_vote::Column::UserId.eq(voter.as_uuid()))
            .order_by_asc(ballot_vote::Column::CastAt)
            .order_by_asc(ballot_vote::Column::RoundId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(ballot_of)
            .collect()
    }
}
