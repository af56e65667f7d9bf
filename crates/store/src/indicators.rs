//! A term's indicators and reports' results, as the use cases' [`IndicatorStore`].

use async_trait::async_trait;
use gopy_app::StoreError;
use gopy_app::ports::IndicatorStore;
use gopy_domain::indicator::{Indicator, IndicatorResult};
use gopy_domain::{IndicatorId, Name, ReportId, TermId};
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use time::OffsetDateTime;

use crate::entity::{indicator, indicator_result};
use crate::error::map_db_err;
use crate::unit_of_work::SeaUnitOfWork;

fn corrupt(column: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{column}: {err}"))
}

fn row(i: &Indicator, at: OffsetDateTime) -> Result<indicator::ActiveModel, StoreError> {
    Ok(indicator::ActiveModel {
        id: Set(i.id.as_uuid()),
        term_id: Set(i.term.as_uuid()),
        name: Set(i.name.to_string()),
        unit: Set(i.unit.clone()),
        target: Set(i.target),
        direction: Set(i.direction.as_str().to_owned()),
        group_name: Set(i.group.clone()),
        position: Set(i32::try_from(i.position).map_err(|e| StoreError::Other(e.to_string()))?),
        created_at: Set(at),
    })
}

#[async_trait]
impl IndicatorStore for SeaUnitOfWork {
    async fn insert_indicator(&mut self, i: &Indicator, at: OffsetDateTime) -> Result<(), StoreError> {
        indicator::Entity::insert(row(i, at)?).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn update_indicator(&mut self, i: &Indicator) -> Result<(), StoreError> {
        let mut changed = row(i, OffsetDateTime::UNIX_EPOCH)?;
        changed.created_at = sea_orm::ActiveValue::NotSet;
        indicator::Entity::update(changed).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn indicators_of_term(&mut self, term: TermId) -> Result<Vec<Indicator>, StoreError> {
        indicator::Entity::find()
            .filter(indicator::Column::TermId.eq(term.as_uuid()))
            .order_by_asc(indicator::Column::Position)
            .order_by_asc(indicator::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|r| {
                Ok(Indicator {
                    id: IndicatorId::from_uuid(r.id),
                    term: TermId::from_uuid(r.term_id),
                    name: Name::parse(&r.name).map_err(|e| corrupt("indicators.name", e))?,
                    unit: r.unit,
                    target: r.target,
                    direction: r.direction.parse().map_err(|e| corrupt("indicators.direction", e))?,
                    group: r.group_name,
                    position: u32::try_from(r.position).map_err(|e| corrupt("indicators.position", e))?,
                })
            })
            .collect()
    }

    async fn insert_indicator_result(&mut self, r: &IndicatorResult, at: OffsetDateTime) -> Result<(), StoreError> {
        let row = indicator_result::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            indicator_id: Set(r.indicator.as_uuid()),
            report_id: Set(r.report.as_uuid()),
            value: Set(r.value),
            as_of: Set(r.as_of),
            source: Set(r.source.clone()),
            created_at: Set(at),
        };
        indicator_result::Entity::insert(row).exec(self.tx().await?).await.map_err(map_db_err)?;
        Ok(())
    }

    async fn indicator_results_of(&mut self, report: ReportId) -> Result<Vec<IndicatorResult>, StoreError> {
        Ok(indicator_result::Entity::find()
            .filter(indicator_result::Column::ReportId.eq(report.as_uuid()))
            .order_by_asc(indicator_result::Column::CreatedAt)
            .order_by_asc(indicator_result::Column::Id)
            .all(self.reader().await?)
            .await
            .map_err(map_db_err)?
            .into_iter()
            .map(|r| IndicatorResult {
                indicator: IndicatorId::from_uuid(r.indicator_id),
                report: ReportId::from_uuid(r.report_id),
                value: r.value,
                as_of: r.as_of,
                source: r.source,
            })
            .collect())
    }
}
