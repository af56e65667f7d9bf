//! Use cases for indicators: reading a version's indicator tables against
//! the term's indicators, adopting a table's rows as the term's indicators,
//! choosing which way each counts, and recording a report's results.

use gopy_domain::document::BlockId;
use gopy_domain::indicator::{
    Direction, Indicator, IndicatorResult, IndicatorRow, KnownIndicator, TableProblem, read_indicator_table,
};
use gopy_domain::text::fold;
use gopy_domain::{Action, Actor, IndicatorId, Name, Report, Resource, TermId, Version, authorize};
use serde_json::json;
use time::Date;

use crate::reports::report_resource;
use crate::{App, AppError, InvalidReason, new_id};

/// A version's indicator tables, read against its term's indicators.
#[derive(Clone, Debug)]
pub struct VersionIndicators {
    pub report: Report,
    pub version: Version,
    pub indicators: Vec<Indicator>,
    pub tables: Vec<(BlockId, Result<Vec<IndicatorRow>, TableProblem>)>,
}

/// The indicators page: a version's tables read against the term's
/// indicators, and what the viewer may do with them.
#[derive(Clone, Debug)]
pub struct IndicatorsPage {
    pub read: VersionIndicators,
    /// May adopt the table as the term's indicators and set their directions.
    pub may_manage: bool,
    /// May record the version's results for the term's indicators.
    pub may_record: bool,
}

impl App {
    /// The indicators page, read in one read unit of work.
    pub async fn indicators_page(&self, actor: &Actor, id: gopy_domain::ReportId, number: u32) -> Result<IndicatorsPage, AppError> {
        let read = self.version_indicators(actor, id, number).await?;
        let may_manage = authorize(actor, Action::ManageIndicators, Resource::Organisation).is_ok() && read.report.term.is_some();
        let may_record =
            authorize(actor, Action::AddVersion, report_resource(&read.report)).is_ok() && !read.indicators.is_empty();
        Ok(IndicatorsPage { read, may_manage, may_record })
    }

    pub async fn version_indicators(&self, actor: &Actor, id: gopy_domain::ReportId, number: u32) -> Result<VersionIndicators, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let version = uow.find_version(id, number).await?.ok_or(AppError::NotFound { what: "version" })?;
        let indicators = match report.term {
            Some(term) => uow.indicators_of_term(term).await?,
            None => Vec::new(),
        };
        let known: Vec<KnownIndicator> = indicators.iter().map(Indicator::known).collect();
        let tables = version
            .blocks
            .iter()
            .filter_map(|b| read_indicator_table(&b.content, &known).map(|read| (b.id.clone(), read)))
            .collect();
        Ok(VersionIndicators { report, version, indicators, tables })
    }

    /// Makes the rows of the version's first indicator table the indicators
    /// of the report's term, with their targets; rows already known by name
    /// are left as they are. Returns how many were added.
    pub async fn adopt_indicators(&self, actor: &Actor, id: gopy_domain::ReportId, number: u32) -> Result<usize, AppError> {
        authorize(actor, Action::ManageIndicators, Resource::Organisation)?;
        let read = self.version_indicators(actor, id, number).await?;
        let term = read.report.term.ok_or_else(|| AppError::invalid("term", InvalidReason::Rule("err_report_without_term".into())))?;
        let rows = read.tables.into_iter().find_map(|(_, t)| t.ok()).unwrap_or_default();
        let mut uow = self.store.begin().await?;
        let existing = uow.indicators_of_term(term).await?;
        let now = self.now();
        let mut added = 0;
        for row in rows {
            let (Some(target), Ok(name)) = (row.target, Name::parse(&row.name)) else { continue };
            if existing.iter().any(|i| fold(i.name.as_str()) == fold(name.as_str())) {
                continue;
            }
            let indicator = Indicator {
                id: IndicatorId::from_uuid(new_id()),
                term,
                name,
                unit: row.unit.chars().take(64).collect(),
                target,
                direction: Direction::HigherIsBetter,
                group: None,
                position: u32::try_from(existing.len() + added + 1).unwrap_or(u32::MAX),
            };
            uow.insert_indicator(&indicator, now).await?;
            added += 1;
        }
        let event = self.audit(Some(actor.user), "indicators.adopted", "term", Some(term.as_uuid()), json!({ "added": added, "report": id, "version": number }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(added)
    }

    /// Says whether a bigger or a smaller result is better for an indicator.
    pub async fn set_indicator_direction(
        &self,
        actor: &Actor,
        term: TermId,
        indicator: IndicatorId,
        direction: Direction,
    ) -> Result<Indicator, AppError> {
        authorize(actor, Action::ManageIndicators, Resource::Organisation)?;
        let mut uow = self.store.begin().await?;
        let mut found = uow
            .indicators_of_term(term)
            .await?
            .into_iter()
            .find(|i| i.id == indicator)
            .ok_or(AppError::NotFound { what: "indicator" })?;
        found.direction = direction;
        uow.update_indicator(&found).await?;
        let event = self.audit(Some(actor.user), "indicator.changed", "term", Some(term.as_uuid()), json!({ "indicator": indicator, "direction": direction }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(found)
    }

    /// Records, for the report, the results its version gives for the
    /// term's indicators, as of `as_of`. Returns how many were recorded.
    pub async fn record_indicator_results(
        &self,
        actor: &Actor,
        id: gopy_domain::ReportId,
        number: u32,
        as_of: Date,
    ) -> Result<usize, AppError> {
        let read = self.version_indicators(actor, id, number).await?;
        authorize(actor, Action::AddVersion, report_resource(&read.report))?;
        let rows = read.tables.into_iter().find_map(|(_, t)| t.ok()).unwrap_or_default();
        let mut uow = self.store.begin().await?;
        let now = self.now();
        let mut recorded = 0;
        for row in rows {
            let Some(value) = row.result else { continue };
            let Some(indicator) = read.indicators.iter().find(|i| fold(i.name.as_str()) == fold(&row.name)) else { continue };
            let result = IndicatorResult { indicator: indicator.id, report: id, value, as_of, source: format!("Dự thảo lần {number}") };
            uow.insert_indicator_result(&result, now).await?;
            recorded += 1;
        }
        let event = self.audit(Some(actor.user), "indicator_results.recorded", "report", Some(id.as_uuid()), json!({ "version": number, "recorded": recorded, "as_of": as_of }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(recorded)
    }

    /// The results recorded for a report.
    pub async fn indicator_results(&self, actor: &Actor, id: gopy_domain::ReportId) -> Result<Vec<IndicatorResult>, AppError> {
        let mut uow = self.store.begin_read().await?;
        self.readable(uow.as_mut(), actor, id).await?;
        Ok(uow.indicator_results_of(id).await?)
    }
}
