//! The bodies consulted in review rounds, as the use cases' [`ConsultationStore`].

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::ConsultationStore;
use gopy_domain::consultation::{Answer, Consultation, ConsultedBody, LetterNumber, ReplyLetter};
use gopy_domain::text::Name;
use gopy_domain::workflow::Round;
use gopy_domain::{BodyId, LetterId, ReportId, RoundId, UserId};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use crate::entity::{consultation, consulted_body, reply_letter, review_round};
use crate::error::map_db_err;
use crate::rounds::round_of;
use crate::unit_of_work::SeaUnitOfWork;

fn corrupt(column: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{column}: {err}"))
}

/// Times are written in UTC, as the reminders' are: SQLite compares text.
fn utc(at: OffsetDateTime) -> OffsetDateTime {
    at.to_offset(time::UtcOffset::UTC)
}

fn consulted_of(row: consulted_body::Model) -> Result<ConsultedBody, StoreError> {
    let answer = match (row.answer, row.answered_at) {
        (Some(kind), Some(at)) => Some(Answer {
            kind: kind.parse().map_err(|e| corrupt("consulted_bodies.answer", e))?,
            at,
            by: row.answered_by.map(UserId::from_uuid),
        }),
        (None, _) => None,
        (Some(_), None) => return Err(corrupt("consulted_bodies.answered_at", "missing")),
    };
    Ok(ConsultedBody { body: BodyId::from_uuid(row.body_id), answer })
}

fn letter_of(row: reply_letter::Model) -> Result<(ReplyLetter, Option<Vec<u8>>), StoreError> {
    let letter = ReplyLetter {
        id: LetterId::from_uuid(row.id),
        round: RoundId::from_uuid(row.round_id),
        body: BodyId::from_uuid(row.body_id),
        number: LetterNumber::parse(&row.number).map_err(|e| corrupt("reply_letters.number", e))?,
        signed_on: row.signed_on,
        signer: Name::parse(&row.signer).map_err(|e| corrupt("reply_letters.signer", e))?,
        file_name: row.file_name,
        recorded_by: UserId::from_uuid(row.recorded_by),
        recorded_at: row.recorded_at,
    };
    Ok((letter, row.file))
}

#[async_trait]
impl ConsultationStore for SeaUnitOfWork {
    async fn insert_consultation(&mut self, c: &Consultation) -> Result<(), StoreError> {
        let row = consultation::ActiveModel {
            round_id: Set(c.round.as_uuid()),
            silence_agrees: Set(c.silence_agrees),
            deemed_at: Set(c.deemed_at.map(utc)),
        };
        consultation::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        let rows: Vec<consulted_body::ActiveModel> = c
            .bodies
            .iter()
            .map(|b| consulted_body::ActiveModel {
                round_id: Set(c.round.as_uuid()),
                body_id: Set(b.body.as_uuid()),
                answer: Set(b.answer.as_ref().map(|a| a.kind.as_str().to_owned())),
                answered_at: Set(b.answer.as_ref().map(|a| utc(a.at))),
                answered_by: Set(b.answer.as_ref().and_then(|a| a.by.map(|u| u.as_uuid()))),
            })
            .collect();
        if !rows.is_empty() {
            consulted_body::Entity::insert_many(rows).exec(self.tx().await?).await.map_err(map_db_err)?;
        }
        Ok(())
    }

    async fn consultation_of(&mut self, round: RoundId) -> Result<Option<Consultation>, StoreError> {
        let Some(row) = consultation::Entity::find_by_id(round.as_uuid()).one(self.reader().await?).await.map_err(map_db_err)? else {
            return Ok(None);
        };
        // Bodies in a stable order on both engines: by id (the page sorts by name).
        let bodies = consulted_body::Entity::find()
            .filter(consulted_body::Column::RoundId.eq(round.as_uuid()))
            .order_by_asc(consulted_body::Column::BodyId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(consulted_of)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Consultation { round, silence_agrees: row.silence_agrees, deemed_at: row.deemed_at, bodies }))
    }

    async fn set_answer(&mut self, round: RoundId, body: BodyId, answer: &Answer) -> Result<bool, StoreError> {
        let done = consulted_body::Entity::update_many()
            .col_expr(consulted_body::Column::Answer, Expr::value(answer.kind.as_str()))
            .col_expr(consulted_body::Column::AnsweredAt, Expr::value(utc(answer.at)))
            .col_expr(consulted_body::Column::AnsweredBy, Expr::value(answer.by.map(|u| u.as_uuid())))
            .filter(consulted_body::Column::RoundId.eq(round.as_uuid()))
            .filter(consulted_body::Column::BodyId.eq(body.as_uuid()))
            .filter(consulted_body::Column::Answer.is_null())
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(done.rows_affected == 1)
    }

    async fn insert_letter(&mut self, letter: &ReplyLetter, file: Option<&[u8]>) -> Result<(), StoreError> {
        let row = reply_letter::ActiveModel {
            id: Set(letter.id.as_uuid()),
            round_id: Set(letter.round.as_uuid()),
            body_id: Set(letter.body.as_uuid()),
            number: Set(letter.number.as_str().to_owned()),
            signed_on: Set(letter.signed_on),
            signer: Set(letter.signer.to_string()),
            file_name: Set(letter.file_name.clone()),
            file: Set(file.map(<[u8]>::to_vec)),
            recorded_by: Set(letter.recorded_by.as_uuid()),
            recorded_at: Set(utc(letter.recorded_at)),
        };
        reply_letter::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn letters_of(&mut self, round: RoundId) -> Result<Vec<ReplyLetter>, StoreError> {
        reply_letter::Entity::find()
            .filter(reply_letter::Column::RoundId.eq(round.as_uuid()))
            .order_by_asc(reply_letter::Column::RecordedAt)
            .order_by_asc(reply_letter::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|row| letter_of(row).map(|(letter, _)| letter))
            .collect()
    }

    async fn letter_numbered(&mut self, body: BodyId, number: &str) -> Result<bool, StoreError> {
        let n = reply_letter::Entity::find()
            .filter(reply_letter::Column::BodyId.eq(body.as_uuid()))
            .filter(reply_letter::Column::Number.eq(number))
            .count(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        Ok(n > 0)
    }

    async fn letter_file(&mut self, letter: LetterId) -> Result<Option<(ReplyLetter, Option<Vec<u8>>)>, StoreError> {
        reply_letter::Entity::find_by_id(letter.as_uuid())
            .one(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .map(letter_of)
            .transpose()
    }

    async fn rounds_due_for_deeming(&mut self, now: OffsetDateTime) -> Result<Vec<(ReportId, Round)>, StoreError> {
        let waiting: Vec<uuid::Uuid> = consultation::Entity::find()
            .filter(consultation::Column::SilenceAgrees.eq(true))
            .filter(consultation::Column::DeemedAt.is_null())
            .order_by_asc(consultation::Column::RoundId)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|c| c.round_id)
            .collect();
        if waiting.is_empty() {
            return Ok(Vec::new());
        }
        let rows = review_round::Entity::find()
            .filter(review_round::Column::Id.is_in(waiting))
            .order_by_asc(review_round::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        let mut due = Vec::new();
        for row in rows {
            let report = ReportId::from_uuid(row.report_id);
            let round = round_of(row)?;
            // Compared here, not in SQL: deadlines are stored in the zone
            // they were given in, and SQLite compares times as text.
            if round.deadline <= now {
                due.push((report, round));
            }
        }
        Ok(due)
    }

    async fn mark_deemed(&mut self, round: RoundId, at: OffsetDateTime) -> Result<bool, StoreError> {
        let done = consultation::Entity::update_many()
            .col_expr(consultation::Column::DeemedAt, Expr::value(utc(at)))
            .filter(consultation::Column::RoundId.eq(round.as_uuid()))
            .filter(consultation::Column::DeemedAt.is_null())
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(done.rows_affected == 1)
    }
}
