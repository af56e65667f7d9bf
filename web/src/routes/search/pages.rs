//! The search page: one box over passages, comments and answers, for what
//! the person may see.

use axum::extract::{Query, State};
use gopy_app::AppError;
use gopy_app::search::{Hit, SearchRequest};
use gopy_domain::search::EntryKind;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::AppState;
use crate::auth::{Ctx, PageResult};
use crate::i18n::format_date_time;
use crate::render::escape;
use crate::routes::views::Choice;

#[derive(Deserialize, IntoParams)]
pub struct SearchParams {
    /// What to look for; quotes ask for a phrase. Tones and case do not matter.
    q: Option<String>,
    /// `passage`, `comment`, `answer`, `minutes` or `conclusion`.
    kind: Option<String>,
    /// A report's id.
    report: Option<String>,
    /// A meeting's id.
    meeting: Option<String>,
    /// An author's id.
    author: Option<String>,
    /// Passages of every version, not only the latest: `1`.
    all: Option<String>,
}

impl SearchParams {
    pub(super) fn request(&self) -> SearchRequest {
        let some = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        SearchRequest {
            query: self.q.clone().unwrap_or_default(),
            kinds: some(&self.kind).and_then(|k| k.parse::<EntryKind>().ok()).into_iter().collect(),
            // A filter naming nothing that exists finds nothing, rather than everything.
            report: some(&self.report).map(|r| r.parse().unwrap_or(gopy_domain::ReportId::from_uuid(uuid::Uuid::nil()))),
            meeting: some(&self.meeting).map(|m| m.parse().unwrap_or(gopy_domain::MeetingId::from_uuid(uuid::Uuid::nil()))),
            author: some(&self.author).map(|a| a.parse().unwrap_or(gopy_domain::UserId::from_uuid(uuid::Uuid::nil()))),
            from: None,
            until: None,
            all_versions: self.all.as_deref() == Some("1"),
        }
    }
}

/// The text with its matching stretches in `<mark>`, escaped.
fn highlighted(hit: &Hit) -> String {
    let chars: Vec<char> = hit.entry.text.chars().collect();
    let mut out = String::new();
    let mut at = 0;
    for &(start, end) in &hit.highlights {
        let (start, end) = (start.min(chars.len()), end.min(chars.len()));
        if start < at {
            continue;
        }
        out.push_str(&escape(&chars[at..start].iter().collect::<String>()));
        out.push_str("<mark>");
        out.push_str(&escape(&chars[start..end].iter().collect::<String>()));
        out.push_str("</mark>");
        at = end;
    }
    out.push_str(&escape(&chars[at..].iter().collect::<String>()));
    out
}

/// Where a hit leads: the passage, the comment's thread.
pub(super) fn link(hit: &Hit) -> Option<String> {
    let e = &hit.entry;
    if let Some(meeting) = e.meeting {
        return Some(format!("/meetings/{meeting}"));
    }
    let report = e.report?;
    let version = e.version.unwrap_or(1);
    Some(match (e.kind, e.comment, &e.block) {
        (EntryKind::Comment | EntryKind::Answer, Some(c), _) => format!("/reports/{report}/versions/{version}#comment-{c}"),
        (_, _, Some(block)) => format!("/reports/{report}/versions/{version}#{block}"),
        _ => format!("/reports/{report}"),
    })
}

#[derive(Serialize)]
pub struct SearchView {
    /// What was asked, kept in the box.
    pub q: Option<String>,
    pub asked: bool,
    /// Why the query was refused (empty, too long).
    pub message: Option<String>,
    pub all: bool,
    pub kinds: Vec<Choice>,
    pub hits: Vec<HitView>,
}

#[derive(Serialize)]
pub struct HitView {
    pub kind: String,
    /// The text, escaped, its matches in `<mark>`.
    pub html: String,
    pub link: Option<String>,
    pub at: String,
    pub version: Option<u32>,
    /// The report or meeting it is from.
    pub source: Option<String>,
    /// `report` or `meeting`, to say which.
    pub source_kind: Option<String>,
}

pub async fn search_page(State(state): State<AppState>, ctx: Ctx, Query(params): Query<SearchParams>) -> PageResult {
    let identity = ctx.signed_in()?;
    let catalog = ctx.pages.catalog();
    let asked = params.q.as_deref().is_some_and(|q| !q.trim().is_empty());
    let (hits, message) = if asked {
        match state.app.search(&identity.actor, params.request()).await {
            Ok(hits) => (hits, None),
            Err(err @ AppError::Invalid { .. }) => (Vec::new(), Some(ctx.describe(&err))),
            Err(err) => return Err(ctx.failure(&err)),
        }
    } else {
        (Vec::new(), None)
    };
    let zone = &identity.user.time_zone;
    let label = |kind: &str| catalog.text(ctx.language, &format!("search_kind_{kind}")).to_owned();
    let page = SearchView {
        asked,
        message,
        all: params.all.as_deref() == Some("1"),
        kinds: KINDS.iter().map(|k| Choice::new(k, label(k), params.kind.as_deref() == Some(*k))).collect(),
        hits: hits
            .iter()
            .map(|h| HitView {
                kind: label(h.entry.kind.as_str()),
                html: highlighted(h),
                link: link(h),
                at: format_date_time(h.entry.at, zone),
                version: h.entry.version,
                source: h.source.clone(),
                source_kind: h.source.as_ref().map(|_| {
                    catalog.text(ctx.language, if h.entry.meeting.is_some() { "search_from_meeting" } else { "search_from_report" }).to_owned()
                }),
            })
            .collect(),
        q: params.q,
    };
    Ok(ctx.render("pages/search", "search_title", page))
}

/// The kinds of entry one can search in, as the filter lists them.
const KINDS: [&str; 5] = ["passage", "comment", "answer", "minutes", "conclusion"];

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let view = SearchView {
        q: Some("tham nhung".into()),
        asked: true,
        message: Some("Từ khóa quá dài".into()),
        all: true,
        kinds: vec![Choice::new("comment", "Ý kiến", true)],
        hits: vec![HitView {
            kind: "Ý kiến".into(),
            html: "<mark>tham nhũng</mark>".into(),
            link: Some("/reports/r/versions/1#b".into()),
            at: "27/06/2023 08:00".into(),
            version: Some(1),
            source: Some("Báo cáo sơ kết".into()),
            source_kind: Some("Báo cáo".into()),
        }],
    };
    vec![("pages/search", serde_json::to_value(view).expect("search view"))]
}
