//! The search page: one box over passages, comments and answers, for what
//! the person may see.

use axum::extract::{Query, State};
use gopy_app::AppError;
use gopy_app::search::{Hit, SearchRequest};
use gopy_domain::search::EntryKind;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use validator::{Validate, ValidationErrors};

use crate::AppState;
use crate::auth::{Ctx, PageResult};
use crate::i18n::format_date_time;
use crate::render::escape;
use crate::routes::views::Choice;
use crate::rules;
use axum::http::StatusCode;

/// The search box and its filters. A filter that names nothing of ours is
/// refused with the others, never taken for "everything" or "nothing".
#[derive(Deserialize, Validate, IntoParams)]
pub struct SearchParams {
    /// What to look for; quotes ask for a phrase. Tones and case do not matter.
    q: Option<String>,
    /// `passage`, `comment`, `answer`, `minutes` or `conclusion`.
    #[validate(custom(function = "rules::search_kind"))]
    kind: Option<String>,
    /// A report's id.
    #[validate(custom(function = "rules::optional_report_id"))]
    report: Option<String>,
    /// A meeting's id.
    #[validate(custom(function = "rules::optional_meeting_id"))]
    meeting: Option<String>,
    /// An author's id.
    #[validate(custom(function = "rules::optional_person_id"))]
    author: Option<String>,
    /// Passages of every version, not only the latest: `1`.
    #[validate(custom(function = "rules::flag"))]
    all: Option<String>,
}

impl SearchParams {
    /// The use case's request, every filter checked at once.
    pub(super) fn request(&self) -> Result<SearchRequest, ValidationErrors> {
        self.validate()?;
        let chosen = |v: &Option<String>| v.as_deref().unwrap_or_default().to_owned();
        Ok(SearchRequest {
            query: self.q.clone().unwrap_or_default(),
            kinds: rules::parsed_choice::<EntryKind>(&chosen(&self.kind), "kind")?.into_iter().collect(),
            report: rules::parsed_choice(&chosen(&self.report), "report")?,
            meeting: rules::parsed_choice(&chosen(&self.meeting), "meeting")?,
            author: rules::parsed_choice(&chosen(&self.author), "author")?,
            from: None,
            until: None,
            all_versions: rules::flagged(self.all.as_deref()),
        })
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
    let (hits, message, status) = match params.request() {
        Err(refused) => {
            let text = rules::refused_fields(&refused)
                .into_iter()
                .map(|(field, problem)| format!("{field}: {}", rules::message(catalog, ctx.language, problem)))
                .collect::<Vec<_>>()
                .join(" ");
            (Vec::new(), Some(text), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Ok(_) if !asked => (Vec::new(), None, StatusCode::OK),
        Ok(request) => match state.app.search(&identity.actor, request).await {
            Ok(hits) => (hits, None, StatusCode::OK),
            Err(err @ AppError::Invalid { .. }) => (Vec::new(), Some(ctx.describe(&err)), StatusCode::OK),
            Err(err) => return Err(ctx.failure(&err)),
        },
    };
    let zone = &identity.user.time_zone;
    let label = |kind: &str| catalog.text(ctx.language, &format!("search_kind_{kind}")).to_owned();
    let page = SearchView {
        asked,
        message,
        all: rules::flagged(params.all.as_deref()),
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
    Ok(ctx.render_with_status(status, "pages/search", "search_title", page))
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
