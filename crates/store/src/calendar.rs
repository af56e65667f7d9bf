//! The admin's changes to the working-day calendar, as the use cases'
//! [`CalendarStore`]. The day is the table's key, so adding a day twice is
//! the same conflict on both engines.

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::CalendarStore;
use gopy_domain::UserId;
use gopy_domain::calendar::Adjustment;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::{Date, OffsetDateTime};

use crate::entity::calendar_day;
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

#[async_trait]
impl CalendarStore for SeaUnitOfWork {
    async fn calendar_adjustments(&mut self) -> Result<Vec<Adjustment>, StoreError> {
        let rows = calendar_day::Entity::find()
            .order_by_asc(calendar_day::Column::Day)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?;
        rows.into_iter()
            .map(|row| {
                let kind = row.kind.parse().map_err(|e| StoreError::Corrupt(format!("calendar_days.kind: {e}")))?;
                Ok(Adjustment { date: row.day, kind, note: row.note })
            })
            .collect()
    }

    async fn insert_calendar_adjustment(&mut self, a: &Adjustment, by: Option<UserId>, at: OffsetDateTime) -> Result<(), StoreError> {
        let row = calendar_day::ActiveModel {
            day: Set(a.date),
            kind: Set(a.kind.as_str().to_owned()),
            note: Set(a.note.clone()),
            created_by: Set(by.map(|u| u.as_uuid())),
            created_at: Set(at.to_offset(time::UtcOffset::UTC)),
        };
        calendar_day::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn delete_calendar_adjustment(&mut self, day: Date) -> Result<bool, StoreError> {
        let result = calendar_day::Entity::delete_many()
            .filter(calendar_day::Column::Day.eq(day))
            .exec(self.tx().await?)
            .await
            .map_err(map_db_err)?;
        Ok(result.rows_affected > 0)
    }
}
