//! The start page, the language switch, the embedded assets, and the page
//! for addresses Gopy does not know.

use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION, REFERER, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use gopy_domain::Language;
use serde::Serialize;

use crate::AppState;
use crate::auth::{Ctx, PageResult};
use crate::i18n::LANGUAGE_COOKIE;
use crate::i18n::{format_count, format_date_time};
use crate::routes::views::Named;
use crate::paths::PagePath;
use gopy_app::work::{MyWork, ReportRef};

/// Assets built into the binary: (path under /static/, content type, bytes).
const STATIC_FILES: &[(&str, &str, &[u8])] = &[
    ("gopy.css", "text/css; charset=utf-8", include_bytes!("../../../static/gopy.css")),
    ("review.js", "text/javascript; charset=utf-8", include_bytes!("../../../static/review.js")),
    ("menu.js", "text/javascript; charset=utf-8", include_bytes!("../../../static/menu.js")),
];

/// The start page's view.
#[derive(Serialize)]
pub struct HomeView {
    pub signed_in: bool,
    pub needs_setup: bool,
    /// What a new installation still needs, for the secretariat; `None`
    /// once every step is done.
    pub first_steps: Option<Vec<FirstStepView>>,
    pub committees: Vec<Named>,
    /// "Việc của tôi"; `None` for a visitor.
    pub work: Option<WorkView>,
    /// Say "not a member of any committee" only to someone with no
    /// committee and nothing awaiting them: a drafting lead has work.
    pub no_committee: bool,
}

/// What awaits the signed-in person, section by section, in words.
#[derive(Serialize)]
pub struct WorkView {
    /// How many items wait for them to act (the header's count).
    pub awaiting: usize,
    /// "3 việc đang chờ bạn".
    pub awaiting_text: String,
    /// Only the sections that have items.
    pub sections: Vec<WorkSectionView>,
    pub dashboard: bool,
}

#[derive(Serialize)]
pub struct WorkSectionView {
    /// For the section's anchor: `to-comment`, `to-answer`, ...
    pub id: &'static str,
    pub title: String,
    pub count: usize,
    pub items: Vec<WorkItemView>,
}

/// One thing to do, linking where it is done.
#[derive(Serialize)]
pub struct WorkItemView {
    pub link: String,
    pub title: String,
    /// Where it stands, with its date: "Hạn góp ý: 08/12/2026 17:00 (còn 2 ngày)".
    pub detail: String,
    /// What the person has done of it, or a reason.
    pub note: Option<String>,
    /// Past its deadline, or due within a day.
    pub urgent: bool,
}

#[derive(Serialize)]
pub struct FirstStepView {
    pub text: String,
    pub link: &'static str,
    pub done: bool,
}

/// The start page: what Gopy is for; once signed in, what awaits one and
/// one's committees; on a fresh installation, the way to the first-run page.
pub async fn home(State(state): State<AppState>, mut ctx: Ctx) -> PageResult {
    let actor = ctx.identity.as_ref().map(|i| &i.actor);
    let home = state.app.home(actor).await.map_err(|e| ctx.failure(&e))?;
    // The header shows the count just read, not the one kept for other pages.
    if let Some(work) = &home.work {
        ctx.awaiting = Some(work.awaiting());
    }
    let catalog = ctx.pages.catalog();
    let first_steps = home.first_steps.map(|steps| {
        [
            ("first_step_bodies", "/admin/bodies", steps.bodies),
            ("first_step_committee", "/committees", steps.committee),
            ("first_step_meeting", "/meetings", steps.meeting),
            ("first_step_report", "/reports", steps.report),
        ]
        .into_iter()
        .map(|(key, link, done)| FirstStepView { text: catalog.text(ctx.language, key).to_owned(), link, done })
        .collect()
    });
    let zone = ctx.identity.as_ref().map_or_else(|| "Asia/Ho_Chi_Minh".to_owned(), |i| i.user.time_zone.clone());
    let work = home.work.as_ref().map(|w| work_view(&ctx, w, &zone));
    let committees: Vec<Named> = home.committees.unwrap_or_default().iter().map(|c| Named::new(c.id, &c.name)).collect();
    let page = HomeView {
        signed_in: work.is_some(),
        needs_setup: home.needs_setup,
        first_steps,
        no_committee: committees.is_empty() && work.as_ref().is_none_or(|w| w.sections.is_empty()),
        committees,
        work,
    };
    // Signed in, the home is one's work, and its tab says so.
    let title = if page.signed_in { "work_title" } else { "home_title" };
    Ok(ctx.render("pages/home", title, page))
}

fn days_text(ctx: &Ctx, days: i64) -> String {
    crate::i18n::days_left_text(ctx.pages.catalog(), ctx.language, days)
}

/// The model in words, one section per kind of work that has items.
fn work_view(ctx: &Ctx, work: &MyWork, zone: &str) -> WorkView {
    let catalog = ctx.pages.catalog();
    let text = |key: &str| catalog.text(ctx.language, key).to_owned();
    let when = |at| format_date_time(at, zone);
    let deadline = |at, days| {
        let date = crate::i18n::format_deadline(ctx.language, at, zone);
        format!("{} ({})", text("work_deadline").replace("{date}", &date), days_text(ctx, days))
    };
    let count = |key: &str, n: usize| text(key).replace("{n}", &format_count(n as u64));
    let report_title = |r: &ReportRef| match &r.committee {
        Some(committee) => format!("{} · {committee}", r.title),
        None => r.title.clone(),
    };
    let mut sections = Vec::new();
    let mut section = |id: &'static str, key: &str, items: Vec<WorkItemView>| {
        if !items.is_empty() {
            sections.push(WorkSectionView { id, title: text(key), count: items.len(), items });
        }
    };
    section("to-approve", "work_to_approve", work.to_approve.iter().map(|r| WorkItemView {
        link: format!("/reports/{}", r.report.id),
        title: report_title(&r.report),
        detail: text("work_to_approve_detail").replace("{version}", &r.version.to_string()),
        note: None,
        urgent: false,
    }).collect());
    section("returned", "work_returned", work.returned.iter().map(|r| WorkItemView {
        link: format!("/reports/{}", r.report.id),
        title: report_title(&r.report),
        detail: text("work_returned_detail")
            .replace("{date}", &when(r.at))
            .replace("{name}", r.by.as_deref().unwrap_or("—")),
        note: Some(r.reason.clone()),
        urgent: true,
    }).collect());
    section("to-comment", "work_to_comment", work.to_comment.iter().map(|d| {
        let mut done = vec![if d.commented > 0 { count("work_commented", d.commented) } else { text("work_not_commented") }];
        if let Some(body) = &d.for_body {
            done.insert(0, text("work_for_body").replace("{body}", &body.name));
            if body.replied {
                done.push(text("work_body_replied"));
            }
        }
        if d.ballot {
            done.push(text(if d.voted { "work_voted" } else { "work_not_voted" }));
        }
        if d.late {
            done.push(text("work_late"));
        }
        WorkItemView {
            link: format!("/reports/{}/versions/{}", d.report.id, d.version),
            title: report_title(&d.report),
            detail: format!(
                "{} · {}",
                text("work_round_version").replace("{round}", &d.round.to_string()).replace("{version}", &d.version.to_string()),
                deadline(d.deadline, d.days_left)
            ),
            note: Some(done.join(" · ")),
            urgent: d.untouched() && d.days_left <= 1,
        }
    }).collect());
    section("to-answer", "work_to_answer", work.to_answer.iter().map(|a| WorkItemView {
        link: format!("/reports/{}/comments?awaiting=1", a.report.id),
        title: report_title(&a.report),
        detail: count("work_awaiting_n", a.awaiting),
        note: None,
        urgent: false,
    }).collect());
    section("to-submit", "work_to_submit", work.to_submit.iter().map(|r| WorkItemView {
        link: format!("/reports/{}", r.report.id),
        title: report_title(&r.report),
        detail: text("work_to_submit_detail").replace("{version}", &r.version.to_string()),
        note: None,
        urgent: false,
    }).collect());
    section("actions", "work_actions", work.actions.iter().map(|a| WorkItemView {
        link: format!("/meetings/{}#actions", a.meeting),
        title: a.text.clone(),
        detail: format!(
            "{} · {}",
            a.meeting_title,
            text("work_action_deadline").replace("{date}", &crate::i18n::format_day_with_weekday(ctx.language, a.deadline))
        ),
        // An item listed though not overdue is one assigned to the viewer.
        note: Some(if a.overdue {
            days_text(ctx, a.days_left)
        } else {
            format!("{} · {}", text("work_assigned_to_you"), days_text(ctx, a.days_left))
        }),
        urgent: a.overdue,
    }).collect());
    section("rounds", "work_rounds", work.rounds.iter().map(|r| WorkItemView {
        link: format!("/reports/{}", r.report.id),
        title: report_title(&r.report),
        detail: format!(
            "{} · {}",
            text("work_round_version").replace("{round}", &r.round.to_string()).replace("{version}", &r.version.to_string()),
            deadline(r.deadline, r.days_left)
        ),
        note: Some(if r.overdue && r.may_close { text("work_close_round") } else { count("work_awaiting_n", r.awaiting) }),
        urgent: r.overdue && r.may_close,
    }).collect());
    section("ballots", "work_ballots", work.ballots.iter().map(|b| WorkItemView {
        link: format!("/reports/{}#ballot", b.report.id),
        title: report_title(&b.report),
        detail: format!(
            "{} · {}",
            text("work_ballot_detail").replace("{voted}", &b.voted.to_string()).replace("{members}", &b.members.to_string()),
            deadline(b.deadline, b.days_left)
        ),
        note: Some(text(if b.mine_cast { "work_voted" } else { "work_not_voted" })),
        urgent: false,
    }).collect());
    section("answered", "work_answered", work.answered.iter().map(|a| WorkItemView {
        link: format!("/reports/{}/comments?mine=1", a.report.id),
        title: report_title(&a.report),
        detail: count("work_answered_n", a.answered).replace("{date}", &when(a.latest)),
        note: None,
        urgent: false,
    }).collect());
    let awaiting = work.awaiting();
    WorkView {
        awaiting,
        awaiting_text: awaiting_text(catalog, ctx.language, awaiting),
        sections,
        dashboard: work.may_view_dashboard,
    }
}

/// "3 việc đang chờ bạn": the header's count, said in words.
pub fn awaiting_text(catalog: &crate::i18n::Catalog, language: Language, n: usize) -> String {
    catalog.text(language, "work_awaiting").replace("{n}", &format_count(n as u64))
}

/// Remembers the chosen language for a year and goes back to the page the
/// person came from (on this site only). A signed-in person's account takes
/// the language too, so their mail follows; only when the choice was made
/// on one of our pages, so a link from elsewhere cannot change an account.
pub async fn choose_language(State(state): State<AppState>, ctx: Ctx, PagePath(language): PagePath<Language>, headers: HeaderMap) -> Response {
    let from_our_page = same_site_referer(&headers);
    if let (Some(identity), Some(_)) = (ctx.identity.as_ref(), from_our_page.as_ref()) {
        if let Err(err) = state.app.choose_language(identity.user.id, language).await {
            return ctx.failure(&err);
        }
    }
    let back = from_our_page.unwrap_or_else(|| "/".to_owned());
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{}",
        language.code(),
        state.secure_cookie_suffix()
    );
    (StatusCode::SEE_OTHER, [(LOCATION, back), (SET_COOKIE, cookie)]).into_response()
}

/// The path of the `Referer`, if it points at this host.
fn same_site_referer(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(HOST)?.to_str().ok()?;
    let referer: Uri = headers.get(REFERER)?.to_str().ok()?.parse().ok()?;
    let path = referer.path_and_query()?.as_str();
    (referer.authority()?.as_str() == host && path.starts_with('/') && !path.starts_with("//"))
        .then(|| path.to_owned())
}

/// One of [`STATIC_FILES`], by its name in the address.
pub struct StaticFile {
    content_type: &'static str,
    bytes: &'static [u8],
}

impl<'de> serde::Deserialize<'de> for StaticFile {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        match STATIC_FILES.iter().find(|(known, _, _)| *known == name) {
            Some((_, content_type, bytes)) => Ok(Self { content_type, bytes }),
            None => Err(serde::de::Error::custom("no such file")),
        }
    }
}

pub async fn static_file(PagePath(file): PagePath<StaticFile>) -> Response {
    ([(CONTENT_TYPE, file.content_type), (CACHE_CONTROL, "public, max-age=3600")], file.bytes).into_response()
}

/// Any address Gopy does not know: a page in the person's language.
pub async fn not_found(ctx: Ctx) -> Response {
    ctx.not_found()
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let home = HomeView {
        signed_in: true,
        needs_setup: true,
        first_steps: Some(vec![FirstStepView { text: "Tạo các ban".into(), link: "/admin/bodies", done: true }]),
        committees: vec![Named::new("c1", "Ban Thường vụ Tỉnh ủy")],
        work: Some(WorkView {
            awaiting: 1,
            awaiting_text: "1 việc đang chờ bạn".into(),
            sections: vec![WorkSectionView {
                id: "to-comment",
                title: "Dự thảo chờ ý kiến của bạn".into(),
                count: 1,
                items: vec![WorkItemView {
                    link: "/reports/r1/versions/1".into(),
                    title: "Báo cáo kiểm điểm".into(),
                    detail: "Hạn góp ý: 08/12/2026 17:00 (còn 2 ngày)".into(),
                    note: Some("Bạn chưa góp ý".into()),
                    urgent: true,
                }],
            }],
            dashboard: true,
        }),
        no_committee: true,
    };
    let message = crate::pages::MessageView { heading: "Không tìm thấy", body: "Trang này không có." };
    vec![
        ("pages/home", serde_json::to_value(home).expect("home view")),
        ("pages/message", serde_json::to_value(message).expect("message view")),
    ]
}
