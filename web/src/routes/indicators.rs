//! The indicators of a version: each indicator table read and judged, the
//! review's summary sentence in both languages, and the chart.

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use gopy_app::AppError;
use gopy_app::indicators::VersionIndicators;
use gopy_domain::indicator::{Direction, RowProblem, Verdict, format_number, summarise, summary_en, summary_vi};
use gopy_domain::{Action, Resource};
use serde_json::{Value, json};

use super::reports::{actor, report_id};
use crate::AppState;
use crate::auth::{Ctx, CsrfForm, PageResult};
use serde::Deserialize;

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

async fn read(state: &AppState, ctx: &Ctx, id: &str, number: &str) -> Result<VersionIndicators, axum::response::Response> {
    let id = report_id(ctx, id)?;
    let number: u32 = number.parse().map_err(|_| ctx.not_found())?;
    state.app.version_indicators(actor(ctx)?, id, number).await.map_err(|e: AppError| ctx.failure(&e))
}

pub async fn indicators_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> PageResult {
    indicators_view(&state, &ctx, &id, &number, json!({})).await
}

async fn indicators_view(state: &AppState, ctx: &Ctx, id: &str, number: &str, extra: Value) -> PageResult {
    let VersionIndicators { report, version, indicators, tables } = read(state, ctx, id, number).await?;
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
    let views: Vec<Value> = tables
        .into_iter()
        .enumerate()
        .map(|(i, (block, read))| match read {
            Err(reason) => json!({ "block": block, "index": i, "error": reason.to_string() }),
            Ok(rows) => {
                let summary = summarise(&rows);
                json!({
                    "block": block,
                    "index": i,
                    "summary_vi": summary_vi(&summary),
                    "summary_en": summary_en(&summary),
                    "summary": summary,
                    "rows": rows.iter().map(|r| json!({
                        "number": r.number,
                        "name": r.name,
                        "unit": r.unit,
                        "target": r.target.map(|t| format_number(t, 2)),
                        "result": r.result.map(|x| format_number(x, 2)),
                        "share": r.share.map(|s| format!("{}%", format_number(s * 100.0, 1))),
                        "verdict": r.verdict,
                        "verdict_label": verdict_label(r.verdict),
                        "problems": r.problems.iter().map(|p| problem_text(ctx, p)).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })
            }
        })
        .collect();
    let direction_label = |d: Direction| catalog.text(ctx.language, &format!("direction_{}", d.as_str())).to_owned();
    let mut page = json!({
        "report": { "id": report.id, "title": report.title, "term": report.term },
        "version": version.number,
        "tables": views,
        "indicators": indicators.iter().map(|i| json!({
            "id": i.id,
            "name": i.name,
            "unit": i.unit,
            "target": format_number(i.target, 2),
            "directions": Direction::ALL.iter().map(|d| json!({
                "value": d.as_str(), "label": direction_label(*d), "selected": *d == i.direction,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "may_manage": ctx.can(Action::ManageIndicators, Resource::Organisation) && report.term.is_some(),
        "may_record": ctx.can(Action::AddVersion, gopy_app::reports::report_resource(&report)) && !indicators.is_empty(),
    });
    crate::pages::merge(&mut page, extra);
    Ok(ctx.render("pages/indicators", "indicators_title", page))
}

pub async fn indicators_chart(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number, index)): Path<(String, String, String)>,
) -> PageResult {
    let read = read(&state, &ctx, &id, &number).await?;
    let index: usize = index.trim_end_matches(".svg").parse().map_err(|_| ctx.not_found())?;
    let Some((_, Ok(rows))) = read.tables.into_iter().nth(index) else { return Err(ctx.not_found()) };
    let title = ctx.pages.catalog().text(ctx.language, "indicators_chart_title");
    let svg = crate::chart::indicator_chart(&rows, title);
    Ok(([(CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response())
}

fn back(id: &str, number: &str) -> axum::response::Response {
    axum::response::Redirect::to(&format!("/reports/{id}/versions/{number}/indicators")).into_response()
}

/// Adopts the version's table as the term's indicators.
pub async fn adopt(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Value>,
) -> PageResult {
    let report = report_id(&ctx, &id)?;
    let n: u32 = number.parse().map_err(|_| ctx.not_found())?;
    match state.app.adopt_indicators(actor(&ctx)?, report, n).await {
        Ok(_) => Ok(back(&id, &number)),
        Err(err @ AppError::Invalid { .. }) => {
            indicators_view(&state, &ctx, &id, &number, json!({ "message": ctx.describe(&err) })).await
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
    Path((id, number)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<DirectionForm>,
) -> PageResult {
    let read = read(&state, &ctx, &id, &number).await?;
    let (Some(term), Ok(indicator), Ok(direction)) =
        (read.report.term, form.indicator.parse(), form.direction.parse::<Direction>())
    else {
        return Err(ctx.not_found());
    };
    state.app.set_indicator_direction(actor(&ctx)?, term, indicator, direction).await.map_err(|e| ctx.failure(&e))?;
    Ok(back(&id, &number))
}

#[derive(Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    as_of: String,
}

pub async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
    CsrfForm(form): CsrfForm<RecordForm>,
) -> PageResult {
    let report = report_id(&ctx, &id)?;
    let n: u32 = number.parse().map_err(|_| ctx.not_found())?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let Ok(as_of) = time::Date::parse(form.as_of.trim(), &format) else {
        let message = ctx.pages.catalog().text(ctx.language, "err_as_of").to_owned();
        return indicators_view(&state, &ctx, &id, &number, json!({ "message": message })).await;
    };
    let recorded = state.app.record_indicator_results(actor(&ctx)?, report, n, as_of).await.map_err(|e| ctx.failure(&e))?;
    let message = ctx.pages.catalog().text(ctx.language, "indicator_results_recorded").replace("{count}", &recorded.to_string());
    indicators_view(&state, &ctx, &id, &number, json!({ "notice": message })).await
}
