//! The indicators of a version: each indicator table read and judged, the
//! review's summary sentence in both languages, and the chart.

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use gopy_app::AppError;
use gopy_domain::Version;
use gopy_domain::indicator::{IndicatorRow, RowProblem, Verdict, format_number, read_indicator_table, summarise, summary_en, summary_vi};
use serde_json::{Value, json};

use super::reports::{actor, report_id};
use crate::AppState;
use crate::auth::{Ctx, PageResult};

/// The version's indicator tables: their block ids and rows, or why a table
/// that names indicators could not be read.
fn tables(version: &Version) -> Vec<(String, Result<Vec<IndicatorRow>, String>)> {
    version
        .blocks
        .iter()
        .filter_map(|b| read_indicator_table(&b.content, &[]).map(|read| (b.id.to_string(), read.map_err(|e| e.to_string()))))
        .collect()
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

async fn version_of(state: &AppState, ctx: &Ctx, id: &str, number: &str) -> Result<(gopy_domain::Report, Version), axum::response::Response> {
    let id = report_id(ctx, id)?;
    let number: u32 = number.parse().map_err(|_| ctx.not_found())?;
    state.app.version(actor(ctx)?, id, number).await.map_err(|e: AppError| ctx.failure(&e))
}

pub async fn indicators_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number)): Path<(String, String)>,
) -> PageResult {
    let (report, version) = version_of(&state, &ctx, &id, &number).await?;
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
    let views: Vec<Value> = tables(&version)
        .into_iter()
        .enumerate()
        .map(|(i, (block, read))| match read {
            Err(reason) => json!({ "block": block, "index": i, "error": reason }),
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
                        "problems": r.problems.iter().map(|p| problem_text(&ctx, p)).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })
            }
        })
        .collect();
    let page = json!({
        "report": { "id": report.id, "title": report.title },
        "version": version.number,
        "tables": views,
    });
    Ok(ctx.render("pages/indicators", "indicators_title", page))
}

pub async fn indicators_chart(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, number, index)): Path<(String, String, String)>,
) -> PageResult {
    let (_, version) = version_of(&state, &ctx, &id, &number).await?;
    let index: usize = index.trim_end_matches(".svg").parse().map_err(|_| ctx.not_found())?;
    let Some((_, Ok(rows))) = tables(&version).into_iter().nth(index) else { return Err(ctx.not_found()) };
    let title = ctx.pages.catalog().text(ctx.language, "indicators_chart_title");
    let svg = crate::chart::indicator_chart(&rows, title);
    Ok(([(CONTENT_TYPE, "image/svg+xml; charset=utf-8")], svg).into_response())
}
