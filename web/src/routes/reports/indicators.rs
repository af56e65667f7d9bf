//! The indicators of a version: each indicator table read and judged, the
//! review's summary sentence in both languages, and the chart.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use gopy_app::AppError;
use gopy_app::indicators::{IndicatorsPage, VersionIndicators};
use gopy_domain::indicator::{Direction, RowProblem, Verdict, format_number, summarise, summary_en, summary_vi};
use gopy_domain::ReportId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::{Validate, ValidationErrors};

use crate::rules;

use super::{ReportRefView, actor};
use crate::AppState;
use crate::auth::{ApiCaller, Ctx, CsrfForm, PageResult};
use crate::paths::{ApiPath, PagePath};
use crate::routes::api::{ApiError, ValidJson, respond};

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
    indicators_view_with(state, ctx, version, notes, StatusCode::OK).await
}

async fn indicators_view_with(state: &AppState, ctx: &Ctx, version: (ReportId, u32), notes: Notes, status: StatusCode) -> PageResult {
    let page = read(state, ctx, version).await?;
    Ok(ctx.render_with_status(status, "pages/indicators", "indicators_title", view(ctx, page, notes)))
}

/// A form refused by its rules: the page again, every refusal said in its banner.
async fn refused_form(state: &AppState, ctx: &Ctx, version: (ReportId, u32), refused: &ValidationErrors) -> PageResult {
    let message = rules::refused_fields(refused)
        .into_iter()
        .map(|(_, problem)| rules::message(ctx.pages.catalog(), ctx.language, problem))
        .collect::<Vec<_>>()
        .join(" ");
    indicators_view_with(state, ctx, version, Notes { message: Some(message), notice: None }, StatusCode::UNPROCESSABLE_ENTITY).await
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

/// A term indicator's direction, as its row's form sends it.
#[derive(Deserialize, Validate)]
pub struct DirectionForm {
    #[serde(default)]
    #[validate(custom(function = "rules::indicator_choice"))]
    indicator: String,
    #[serde(default)]
    #[validate(custom(function = "rules::direction"))]
    direction: String,
}

pub async fn set_direction(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(version): PagePath<(ReportId, u32)>,
    CsrfForm(form): CsrfForm<DirectionForm>,
) -> PageResult {
    let chosen = || -> Result<(gopy_domain::IndicatorId, Direction), ValidationErrors> {
        form.validate()?;
        Ok((rules::parsed(&form.indicator, "indicator")?, rules::parsed(&form.direction, "direction")?))
    };
    let (indicator, direction) = match chosen() {
        Ok(chosen) => chosen,
        Err(refused) => return refused_form(&state, &ctx, version, &refused).await,
    };
    let page = read(&state, &ctx, version).await?;
    // A version of a report with no term has no indicators to direct.
    let Some(term) = page.read.report.term else { return Err(ctx.not_found()) };
    state.app.set_indicator_direction(actor(&ctx)?, term, indicator, direction).await.map_err(|e| ctx.failure(&e))?;
    Ok(back(version))
}

/// The day results are recorded as of: the API's [`IndicatorResultsRequest`]
/// as the page's form sends it.
#[derive(Deserialize, Validate)]
pub struct RecordForm {
    #[serde(default)]
    #[validate(custom(function = "crate::rules::date"))]
    as_of: String,
}

impl TryFrom<&RecordForm> for time::Date {
    type Error = ValidationErrors;

    fn try_from(form: &RecordForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        time::Date::try_from(&IndicatorResultsRequest { as_of: form.as_of.clone() })
    }
}

impl TryFrom<&IndicatorResultsRequest> for time::Date {
    type Error = ValidationErrors;

    fn try_from(request: &IndicatorResultsRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        crate::i18n::parse_date(&request.as_of).ok_or_else(|| rules::refused("as_of", "date"))
    }
}

pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(version): PagePath<(ReportId, u32)>,
    CsrfForm(form): CsrfForm<RecordForm>,
) -> PageResult {
    let as_of = match time::Date::try_from(&form) {
        Ok(as_of) => as_of,
        Err(refused) => return refused_form(&state, &ctx, version, &refused).await,
    };
    let recorded = state.app.record_indicator_results(actor(&ctx)?, version.0, version.1, as_of).await.map_err(|e| ctx.failure(&e))?;
    let message = ctx.pages.catalog().text(ctx.language, "indicator_results_recorded").replace("{count}", &recorded.to_string());
    indicators_view(&state, &ctx, version, Notes { message: None, notice: Some(message) }).await
}

// --- The API ---------------------------------------------------------------------

/// A version's tables of indicators read against the term's indicators.
#[derive(Serialize, ToSchema)]
pub struct IndicatorsResponse {
    pub report: String,
    pub version: u32,
    pub term: Option<String>,
    /// The term's indicators, in the resolution's order.
    pub indicators: Vec<TermIndicatorResponse>,
    /// Each table of the version that reads as indicators, in document order.
    pub tables: Vec<IndicatorTableResponse>,
    /// The caller may adopt the tables as the term's indicators.
    pub may_manage: bool,
    /// The caller may record the version's results for the term.
    pub may_record: bool,
}

#[derive(Serialize, ToSchema)]
pub struct TermIndicatorResponse {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub target: f64,
    /// `higher_is_better` or `lower_is_better`.
    pub direction: &'static str,
    pub group: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorTableResponse {
    /// The block the table is in.
    pub block: String,
    /// Why the table could not be read, if it could not.
    pub problem: Option<String>,
    pub rows: Vec<IndicatorRowResponse>,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorRowResponse {
    /// The table's own numbering (STT), as written.
    pub number: String,
    pub name: String,
    pub unit: String,
    pub target: Option<f64>,
    pub result: Option<f64>,
    /// The result's share of the target, as a fraction (1.0 is the target met).
    pub share: Option<f64>,
    /// `exceeded`, `met` or `not_met`; none when it cannot be judged.
    #[schema(value_type = Option<String>)]
    pub verdict: Option<Verdict>,
    /// Why a number or the row could not be judged.
    pub problems: Vec<String>,
}

/// How many indicators a step adopted or recorded.
#[derive(Serialize, ToSchema)]
pub struct IndicatorCountResponse {
    pub count: usize,
}

#[derive(Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorResultsRequest {
    /// The day the results stand at, `2025-06-30`.
    #[validate(custom(function = "crate::rules::date"))]
    pub as_of: String,
}


fn indicators_response(page: IndicatorsPage) -> IndicatorsResponse {
    let IndicatorsPage { read: VersionIndicators { report, version, indicators, tables }, may_manage, may_record } = page;
    IndicatorsResponse {
        report: report.id.to_string(),
        version: version.number,
        term: report.term.map(|t| t.to_string()),
        indicators: indicators
            .iter()
            .map(|i| TermIndicatorResponse {
                id: i.id.to_string(),
                name: i.name.to_string(),
                unit: i.unit.clone(),
                target: i.target,
                direction: i.direction.as_str(),
                group: i.group.clone(),
            })
            .collect(),
        tables: tables
            .into_iter()
            .map(|(block, read)| match read {
                Ok(rows) => IndicatorTableResponse {
                    block: block.to_string(),
                    problem: None,
                    rows: rows
                        .into_iter()
                        .map(|r| IndicatorRowResponse {
                            number: r.number,
                            name: r.name,
                            unit: r.unit,
                            target: r.target,
                            result: r.result,
                            share: r.share,
                            verdict: r.verdict,
                            problems: r.problems.iter().map(ToString::to_string).collect(),
                        })
                        .collect(),
                },
                Err(problem) => IndicatorTableResponse { block: block.to_string(), problem: Some(problem.to_string()), rows: Vec::new() },
            })
            .collect(),
        may_manage,
        may_record,
    }
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/versions/{number}/indicators", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report"), ("number" = u32, Path, description = "The version's number")),
    responses((status = 200, description = "The version's tables read as indicators", body = IndicatorsResponse),
        (status = 404, description = "No such report or version, or not one the caller may read", body = ApiError)))]
pub async fn api_indicators(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath((id, number)): ApiPath<(ReportId, u32)>) -> Response {
    let result = state.app.indicators_page(&identity.actor, id, number).await;
    respond(&state, &identity, result, StatusCode::OK, indicators_response)
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/versions/{number}/indicators/adoption", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report"), ("number" = u32, Path, description = "The version's number")),
    responses((status = 200, description = "The version's table adopted as the term's indicators: how many", body = IndicatorCountResponse),
        (status = 403, description = "Only who keeps the indicators adopts them", body = ApiError),
        (status = 404, description = "No such report or version", body = ApiError),
        (status = 422, description = "The report has no term, or no table reads as indicators", body = ApiError)))]
pub async fn api_adopt_indicators(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath((id, number)): ApiPath<(ReportId, u32)>) -> Response {
    let result = state.app.adopt_indicators(&identity.actor, id, number).await;
    respond(&state, &identity, result, StatusCode::OK, |count| IndicatorCountResponse { count })
}

#[utoipa::path(post, path = "/api/v1/reports/{id}/versions/{number}/indicators/results", tag = "reports", security(("bearer" = [])),
    params(("id" = String, Path, description = "The report"), ("number" = u32, Path, description = "The version's number")),
    request_body = IndicatorResultsRequest,
    responses((status = 200, description = "The version's results recorded for the term's indicators: how many", body = IndicatorCountResponse),
        (status = 403, description = "The caller may not record results", body = ApiError),
        (status = 404, description = "No such report or version", body = ApiError),
        (status = 422, description = "The day is not a date, or nothing can be recorded", body = ApiError)))]
pub async fn api_record_indicator_results(
    State(state): State<AppState>,
    ApiCaller(identity): ApiCaller,
    ApiPath((id, number)): ApiPath<(ReportId, u32)>,
    ValidJson(request): ValidJson<IndicatorResultsRequest>,
) -> Response {
    let as_of = match time::Date::try_from(&request) {
        Ok(as_of) => as_of,
        Err(refused) => return crate::routes::api::invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    let result = state.app.record_indicator_results(&identity.actor, id, number, as_of).await;
    respond(&state, &identity, result, StatusCode::OK, |count| IndicatorCountResponse { count })
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
