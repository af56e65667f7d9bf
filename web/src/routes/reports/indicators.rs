//! The indicators of a version: each indicator table read and judged, the
//! review's summary sentence in both languages, and the chart.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use gopy_app::AppError;
use gopy_app::indicators::{IndicatorsPage, VersionIndicators};
use gopy_domain::indicator::{Direction, RowProblem, Verdict, format_number, summarise, summary_en, summary_vi};
use serde::{Deserialize, Serialize};

use super::{ReportRefView, actor};
use crate::paths::PagePath;
use gopy_domain::ReportId;
use crate::AppState;
use crate::auth::{Ctx, CsrfForm, PageResult};

#[derive(Serialize)]
struct IndicatorsView {
    report: IndicatorReportView,
    version: u32,
    tables: Vec<IndicatorTableView>,
    indicators: Vec<TermIndicatorView>,
    may_manage: bool,
    may_record: bool,
    /// A refusal, above the page.
    message: Option<String>,
    /// What was done, above the page.
    notice: Option<String>,
}

#[derive(Serialize)]
struct IndicatorReportView {
    #[serde(flatten)]
    report: ReportRefView,
    /// The report's term; only a report of a term has indicators to adopt.
    term: Option<String>,
}

/// An indicator table of the version: read (`rows`, the summary) or not
/// (`error`).
#[derive(Serialize)]
struct IndicatorTableView {
    block: String,
    index: usize,
    error: Option<String>,
    summary_vi: String,
    summary_en: String,
    rows: Vec<IndicatorRowView>,
}

#[derive(Serialize)]
struct IndicatorRowView {
    number: String,
    name: String,
    unit: String,
    target: Option<String>,
    result: Option<String>,
    share: Option<String>,
    verdict: Option<Verdict>,
    verdict_label: String,
    problems: Vec<String>,
}

#[derive(Serialize)]
struct TermIndicatorView {
    id: String,
    name: String,
    unit: String,
    target: String,
    directions: Vec<DirectionView>,
}

#[derive(Serialize)]
struct DirectionView {
    value: &'static str,
    label: String,
    selected: bool,
}

fn problem_text(ctx: &Ctx, problem: &RowProblem) -> String {
    let catalog = ctx.pages.catalog();
    match problem {
        RowProblem::NotANumber { column, text } => catalog
            .text(ctx.language, "indicator_not_a_number")
            .replace("{column}", catalog.text(ctx.language, &format!("indicator_col_{column}")))
            .replace("{text}", text),
        RowProblem::ZeroTarget => catalog.text(ctx.language, "indicator_zero_target").to_owned(),
        RowProblem::UnitMismatch { expected, found } => catalog
            .text(ctx.language, "indicator_unit_mismatch")
            .replace("{expected}", expected)
            .replace("{found}", found),
    }
}

async fn read(state: &AppState, ctx: &Ctx, (id, number): (ReportId, u32)) -> Result<IndicatorsPage, axum::response::Response> {
    state.app.indicators_page(actor(ctx)?, id, number).await.map_err(|e: AppError| ctx.failure(&e))
}

pub async fn indicators_page(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(version): PagePath<(ReportId, u32)>,
) -> PageResult {
    indicators_view(&state, &ctx, version, Notes::default()).await
}

/// What a form's answer puts above the page.
#[derive(Default)]
struct Notes {
    message: Option<String>,
    notice: Option<String>,
}

async fn indicators_view(state: &AppState, ctx: &Ctx, version: (ReportId, u32), notes: Notes) -> PageResult {
    let page = read(state, ctx, version).await?;
    Ok(ctx.render("pages/indicators", "indicators_title", view(ctx, page, notes)))
}

fn view(ctx: &Ctx, page: IndicatorsPage, notes: Notes) -> IndicatorsView {
    let IndicatorsPage { read: VersionIndicators { report, version, indicators, tables }, may_manage, may_record } = page;
    let catalog = ctx.pages.catalog();
    let verdict_label = |v: Option<Verdict>| {
        let key = match v {
            Some(Verdict::Exceeded) => "verdict_exceeded",
            Some(Verdict::Met) => "verdict_met",
            Some(Verdict::NotMet) => "verdict_not_met",
            None => "verdict_unknown",
        };
        catalog.text(ctx.language, key).to_owned()
    };
    let tables = tables
        .into_iter()
        .enumerate()
        .map(|(index, (block, read))| match read {
            Err(reason) => IndicatorTableView {
                block: block.to_string(),
                index,
                error: Some(reason.to_string()),
                summary_vi: String::new(),
                summary_en: String::new(),
                rows: Vec::new(),
            },
            Ok(rows) => {
                let summary = summarise(&rows);
                IndicatorTableView {
                    block: block.to_string(),
                    index,
                    error: None,
                    summary_vi: summary_vi(&summary),
                    summary_en: summary_en(&summary),
                    rows: rows
                        .iter()
                        .map(|r| IndicatorRowView {
                            number: r.number.to_string(),
                            name: r.name.clone(),
                            unit: r.unit.clone(),
                            target: r.target.map(|t| format_number(t, 2)),
                            result: r.result.map(|x| format_number(x, 2)),
                            share: r.share.map(|s| format!("{}%", format_number(s * 100.0, 1))),
                            verdict: r.verdict,
                            verdict_label: verdict_label(r.verdict),
                            problems: r.problems.iter().map(|p| problem_text(ctx, p)).collect(),
                        })
                        .collect(),
                }
            }
        })
        .collect();
    let direction_label = |d: Direction| catalog.text(ctx.language, &format!("direction_{}", d.as_str())).to_owned();
    IndicatorsView {
        report: IndicatorReportView { report: ReportRefView::of(&report), term: report.term.map(|t| t.to_string()) },
        version: version.number,
        tables,
        indicators: indicators
            .iter()
            .map(|i| TermIndicatorView {
                id: i.id.to_string(),
                name: i.name.to_string(),
                unit: i.unit.clone(),
                target: format_number(i.target, 2),
                directions: Direction::ALL
                    .iter()
                    .map(|d| DirectionView { value: d.as_str(), label: direction_label(*d), selected: *d == i.direction })
                    .collect(),
            })
            .collect(),
        may_manage,
        may_record,
        message: notes.message,
        notice: notes.notice,
    }
}

pub async fn indicators_chart(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, number, ChartFile(index))): PagePath<(ReportId, u32, ChartFile)>,
) -> PageResult {
    let page = read(&state, &ctx, (id, number)).await?;
    let Some((_, Ok(rows))) = page.read.tables.into_iter().nth(index) else { return Err(ctx.not_found()) };
    let title = ctx.pages.catalog().text(ctx.language, "indicators_chart_title");
    let svg = crate::chart::indicator_chart(&rows, title);
    Ok(([(CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response())
}

/// A chart's file in its address: the version's table number, `2.svg`.
pub struct ChartFile(usize);

impl<'de> Deserialize<'de> for ChartFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        let index = name.strip_suffix(".svg").and_then(|n| n.parse().ok());
        index.map(Self).ok_or_else(|| serde::de::Error::custom("not a chart's file name"))
    }
}

fn back((id, number): (ReportId, u32)) -> axum::response::Response {
    axum::response::Redirect::to(&format!("/reports/{id}/versions/{number}/indicators")).into_response()
}

/// Adopts the version's table as the term's indicators.
pub async fn adopt(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(version): PagePath<(ReportId, u32)>,
    CsrfForm(_): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    match state.app.adopt_indicators(actor(&ctx)?, version.0, version.1).await {
        Ok(_) => Ok(back(version)),
        Err(err @ AppError::Invalid { .. }) => {
            indicators_view(&state, &ctx, version, Notes { message: Some(ctx.describe(&err)), notice: None }).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

#[derive(Deserialize)]
pub struct DirectionForm {
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    direction: String,
}

pub async fn set_direction(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(version): PagePath<(ReportId, u32)>,
    CsrfForm(form): CsrfForm<DirectionForm>,
) -> PageResult {
    let page = read(&state, &ctx, version).await?;
    let (Some(term), Ok(indicator), Ok(direction)) =
        (page.read.report.term, form.indicator.parse(), form.direction.parse::<Direction>())
    else {
        return Err(ctx.not_found());
    };
    state.app.set_indicator_direction(actor(&ctx)?, term, indicator, direction).await.map_err(|e| ctx.failure(&e))?;
    Ok(back(version))
}

#[derive(Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    as_of: String,
}

pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(version): PagePath<(ReportId, u32)>,
    CsrfForm(form): CsrfForm<RecordForm>,
) -> PageResult {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let Ok(as_of) = time::Date::parse(form.as_of.trim(), &format) else {
        let message = ctx.pages.catalog().text(ctx.language, "err_as_of").to_owned();
        return indicators_view(&state, &ctx, version, Notes { message: Some(message), notice: None }).await;
    };
    let recorded = state.app.record_indicator_results(actor(&ctx)?, version.0, version.1, as_of).await.map_err(|e| ctx.failure(&e))?;
    let message = ctx.pages.catalog().text(ctx.language, "indicator_results_recorded").replace("{count}", &recorded.to_string());
    indicators_view(&state, &ctx, version, Notes { message: None, notice: Some(message) }).await
}

#[cfg(test)]
pub(super) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let table = |error: Option<String>| IndicatorTableView {
        block: "b1".into(),
        index: 0,
        error,
        summary_vi: "x".into(),
        summary_en: "x".into(),
        rows: vec![IndicatorRowView {
            number: "1".into(),
            name: "x".into(),
            unit: "%".into(),
            target: Some("1".into()),
            result: Some("1".into()),
            share: Some("100%".into()),
            verdict: Some(Verdict::Met),
            verdict_label: "x".into(),
            problems: vec!["x".into()],
        }],
    };
    let page = |may: bool| IndicatorsView {
        report: IndicatorReportView { report: ReportRefView { id: "1".into(), title: "x".into() }, term: Some("1".into()) },
        version: 1,
        tables: vec![table(None), table(Some("x".into()))],
        indicators: vec![TermIndicatorView {
            id: "1".into(),
            name: "x".into(),
            unit: "%".into(),
            target: "1".into(),
            directions: vec![DirectionView { value: "higher_is_better", label: "x".into(), selected: true }],
        }],
        may_manage: may,
        may_record: may,
        message: Some("x".into()),
        notice: Some("x".into()),
    };
    vec![("pages/indicators", super::sample(&page(true))), ("pages/indicators", super::sample(&page(false)))]
}
