//! The pages of draft reports: the list, one report with its versions and
//! its life, the difference between two versions, and a version's files.

use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use gopy_app::reports::{
    BallotModel, DiffPage, NewReport, ReportLife, ReportPage, ReportsPage,
};
use gopy_app::{AppError, Fresh};
use gopy_documents::ImportLimits;
use gopy_domain::document::BlockContent;
use gopy_domain::document::align::ChangeKind;
use gopy_domain::document::label::citation_labels;
use gopy_domain::workflow::{Step, Vote};
use gopy_domain::{CommentCounts, ReportId, ReportKind};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationErrors};

use super::api::ReportRequest;
use super::{ReportRefView, VersionUpload, actor, attachment, import_limits, kind_label, refusal, revalidate, zone};
use crate::live::{self, Change};
use crate::AppState;
use crate::auth::{Ctx, CsrfFormPairs, CsrfUpload, PageResult};
use crate::rules;
use crate::etag::Tag;
use crate::i18n::{OfferView, format_bytes, format_count, format_date_time, status_label, step_label};
use crate::render::{Side, block_element_html, block_html, kind_name, words_html};
use crate::paths::PagePath;
use super::VersionFile;

// --- The list ----------------------------------------------------------------

#[derive(Serialize)]
struct ReportsView {
    reports: Vec<ReportLineView>,
    may_create: bool,
    kinds: Vec<ChoiceView>,
    bodies: Vec<NamedView>,
    committees: Vec<NamedView>,
    terms: Vec<NamedView>,
    people: Vec<PersonView>,
    values: NewReportValues,
    errors: NewReportErrors,
}

#[derive(Serialize)]
struct ReportLineView {
    id: String,
    title: String,
    kind: String,
    committee: Option<String>,
    body: Option<String>,
    status: &'static str,
    status_label: String,
    /// The open round's deadline, with the days left: "08/12/2026 17:00 (còn 2 ngày)".
    deadline: Option<String>,
    overdue: bool,
}

#[derive(Serialize)]
struct ChoiceView {
    value: &'static str,
    label: String,
}

#[derive(Serialize)]
struct NamedView {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct PersonView {
    id: String,
    name: String,
    email: String,
}

/// What was typed in the new-report form, kept on a refusal.
#[derive(Default, Serialize)]
struct NewReportValues {
    title: String,
    kind: String,
    term: String,
    body: String,
    committee: String,
    lead: String,
    drafters: Vec<String>,
}

#[derive(Default, Serialize)]
struct NewReportErrors {
    form: Option<String>,
    title: Option<String>,
    kind: Option<String>,
    term: Option<String>,
    body: Option<String>,
    committee: Option<String>,
    drafters: Option<String>,
    lead: Option<String>,
}

impl NewReportErrors {
    fn slot(&mut self, field: &str) -> &mut Option<String> {
        match field {
            "title" => &mut self.title,
            "kind" => &mut self.kind,
            "term" => &mut self.term,
            "body" => &mut self.body,
            "committee" => &mut self.committee,
            "drafters" => &mut self.drafters,
            "lead" => &mut self.lead,
            _ => &mut self.form,
        }
    }

    fn of(ctx: &Ctx, err: &AppError) -> Self {
        let (field, message) = refusal(ctx, err);
        let mut errors = Self::default();
        *errors.slot(field) = Some(message);
        errors
    }

    /// Every field the edge refused, each beside its own.
    fn refused(ctx: &Ctx, refused: &ValidationErrors) -> Self {
        let mut errors = Self::default();
        for (field, problem) in rules::refused_fields(refused) {
            let field = field.split('[').next().unwrap_or_default().to_owned();
            errors.slot(&field).get_or_insert_with(|| rules::message(ctx.pages.catalog(), ctx.language, problem));
        }
        errors
    }
}

/// A round's deadline as the list shows it: its day and hour, and how many
/// days are left ("còn 2 ngày") or past.
fn deadline_text(ctx: &Ctx, deadline: time::OffsetDateTime, today: time::Date) -> String {
    let days = (deadline.to_offset(gopy_domain::meeting::VIETNAM).date() - today).whole_days();
    let left = crate::i18n::days_left_text(ctx.pages.catalog(), ctx.language, days);
    format!("{} ({left})", crate::i18n::format_deadline(ctx.language, deadline, &zone(ctx)))
}

fn reports_view(ctx: &Ctx, model: ReportsPage, values: NewReportValues, errors: NewReportErrors) -> ReportsView {
    let named = |items: Vec<(String, String)>| items.into_iter().map(|(id, name)| NamedView { id, name }).collect();
    let choices = model.new_report.as_ref();
    ReportsView {
        reports: model
            .reports
            .into_iter()
            .map(|line| ReportLineView {
                id: line.report.id.to_string(),
                title: line.report.title.to_string(),
                kind: kind_label(ctx, line.report.kind),
                committee: line.committee,
                body: line.body,
                status: line.report.status.as_str(),
                status_label: status_label(ctx.pages.catalog(), ctx.language, line.report.status),
                deadline: line.round.as_ref().map(|r| deadline_text(ctx, r.deadline, model.today)),
                overdue: line.round.as_ref().is_some_and(|r| r.deadline <= model.now),
            })
            .collect(),
        may_create: choices.is_some(),
        kinds: match choices {
            Some(_) => ReportKind::ALL.iter().map(|k| ChoiceView { value: k.as_str(), label: kind_label(ctx, *k) }).collect(),
            None => Vec::new(),
        },
        bodies: named(choices.map(|c| c.bodies.iter().map(|(id, n)| (id.to_string(), n.clone())).collect()).unwrap_or_default()),
        committees: named(choices.map(|c| c.committees.iter().map(|(id, n)| (id.to_string(), n.clone())).collect()).unwrap_or_default()),
        terms: named(choices.map(|c| c.terms.iter().map(|(id, n)| (id.to_string(), n.clone())).collect()).unwrap_or_default()),
        people: choices
            .map(|c| {
                c.people
                    .iter()
                    .map(|u| PersonView { id: u.id.to_string(), name: u.name.to_string(), email: u.email.to_string() })
                    .collect()
            })
            .unwrap_or_default(),
        values,
        errors,
    }
}

pub async fn reports_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let model = state.app.reports_page(actor(&ctx)?).await.map_err(|e| ctx.failure(&e))?;
    let view = reports_view(&ctx, model, NewReportValues::default(), NewReportErrors::default());
    Ok(ctx.render("pages/reports", "reports_title", view))
}

/// The new-report form as typed; the drafters ticked (one `drafters` field
/// each) are read from the pairs. Read into the API's [`ReportRequest`],
/// so the page and the API set up a report alike.
#[derive(Deserialize, Validate)]
pub struct ReportForm {
    #[serde(default)]
    #[validate(custom(function = "rules::title"))]
    title: String,
    #[serde(default)]
    #[validate(custom(function = "rules::report_kind"))]
    kind: String,
    #[serde(default)]
    #[validate(custom(function = "rules::optional_term_id"))]
    term: String,
    #[serde(default)]
    #[validate(custom(function = "rules::body_chosen"))]
    body: String,
    #[serde(default)]
    #[validate(custom(function = "rules::committee_choice"))]
    committee: String,
    /// Empty: the first drafter leads.
    #[serde(default)]
    #[validate(custom(function = "rules::person_choice_or_none"))]
    lead: String,
    #[serde(skip)]
    #[validate(custom(function = "rules::person_choices"))]
    drafters: Vec<String>,
}

impl TryFrom<&ReportForm> for NewReport {
    type Error = ValidationErrors;

    fn try_from(form: &ReportForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        let request = ReportRequest {
            kind: form.kind.clone(),
            title: form.title.clone(),
            term: Some(form.term.clone()),
            body: form.body.clone(),
            committee: form.committee.clone(),
            drafters: form.drafters.clone(),
            lead: Some(form.lead.clone()),
        };
        NewReport::try_from(&request)
    }
}

pub async fn create_report(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfFormPairs(mut form, pairs): CsrfFormPairs<ReportForm>,
) -> PageResult {
    let actor = actor(&ctx)?;
    form.drafters = pairs.iter().filter(|(k, _)| k == "drafters").map(|(_, v)| v.clone()).collect();
    let errors = match NewReport::try_from(&form) {
        Err(refused) => NewReportErrors::refused(&ctx, &refused),
        Ok(new) => match state.app.create_report(actor, new).await {
            Ok(report) => return Ok(Redirect::to(&format!("/reports/{}", report.id)).into_response()),
            Err(err @ AppError::Invalid { .. }) => NewReportErrors::of(&ctx, &err),
            Err(err) => return Err(ctx.failure(&err)),
        },
    };
    let values = NewReportValues {
        title: form.title,
        kind: form.kind,
        term: form.term,
        body: form.body,
        committee: form.committee,
        lead: form.lead,
        drafters: form.drafters,
    };
    let model = state.app.reports_page(actor).await.map_err(|e| ctx.failure(&e))?;
    let view = reports_view(&ctx, model, values, errors);
    Ok(ctx.render_with_status(StatusCode::UNPROCESSABLE_ENTITY, "pages/reports", "reports_title", view))
}

// --- One report ------------------------------------------------------------------

#[derive(Serialize)]
pub(super) struct ReportView {
    id: String,
    title: String,
    kind: String,
    body: Option<String>,
    committee: NamedView,
    team: Vec<DrafterView>,
    /// Newest first.
    versions: Vec<VersionRowView>,
    /// There are two versions or more, so a change table to read.
    has_change_table: bool,
    next_number: u32,
    /// The report's revision the page shows, carried back by its step
    /// forms: a step sent after someone else changed the report is
    /// refused as stale.
    revision: u32,
    may_add_version: bool,
    /// Why the drafting team cannot add a version now.
    add_version_why_not: Option<String>,
    /// The secretariat may import a body's comments from a Word file now.
    may_import_word_comments: bool,
    /// A link to the answer desk, for the drafting team and the secretariat.
    may_open_answer_desk: bool,
    upload_limit: String,
    life: LifeView,
    values: VersionValues,
    errors: VersionErrors,
    preview: Vec<BlockView>,
    step_form: StepFormView,
    /// The comments that keep the report from being submitted.
    unanswered: Vec<String>,
    vote_form: Option<VoteFormView>,
    /// The change table's checks, said in one sentence, with the table's
    /// version to link to; shown where the team submits.
    change_checks: Option<ChangeChecksView>,
}

#[derive(Serialize)]
struct ChangeChecksView {
    from: u32,
    text: String,
    clean: bool,
}

#[derive(Serialize)]
struct DrafterView {
    name: String,
    lead: bool,
}

#[derive(Serialize)]
struct VersionRowView {
    number: u32,
    created_at: String,
    author: String,
    source: String,
    file_name: Option<String>,
    change_note: Option<String>,
    words: String,
    previous: Option<u32>,
}

#[derive(Serialize)]
struct LifeView {
    status: &'static str,
    status_label: String,
    approval: Option<ApprovalView>,
    round: Option<RoundView>,
    rounds: Vec<RoundLineView>,
    steps: Vec<StepView>,
    counts: CommentCounts,
    previous_round_version: Option<u32>,
    latest_version: Option<u32>,
    ballot: Option<BallotView>,
    may_vote: bool,
    /// Why a member cannot vote now (the round closed on a day).
    vote_why_not: Option<String>,
    /// The last return, until the next submission.
    returned: Option<ReturnedView>,
    /// The bodies that may be consulted when opening a round.
    consult_bodies: Vec<ConsultBodyView>,
    /// The latest round consults bodies: a link to its register.
    consults: bool,
}

#[derive(Serialize)]
struct ConsultBodyView {
    id: String,
    name: String,
    /// Ticked on a refused form that comes back.
    checked: bool,
}

#[derive(Serialize)]
struct ReturnedView {
    reason: String,
    /// "Returned by … on …".
    by: String,
}

#[derive(Serialize)]
struct ApprovalView {
    version: u32,
    by: String,
    at: String,
}

#[derive(Serialize)]
struct RoundView {
    number: u32,
    version: u32,
    deadline: String,
    overdue: bool,
    late_allowed: bool,
}

#[derive(Serialize)]
struct RoundLineView {
    number: u32,
    version: u32,
    opened_at: String,
    deadline: String,
    closed_at: Option<String>,
}

#[derive(Serialize)]
struct StepView {
    step: &'static str,
    label: String,
    is_open: bool,
    is_return: bool,
    /// A step that cannot be undone asks first, naming what it leaves
    /// behind; empty for opening a round, which can be closed again.
    consequences: Vec<String>,
    /// Its confirmation is shown open: the step was refused and comes back.
    open: bool,
}

#[derive(Serialize)]
struct BallotView {
    round: u32,
    version: u32,
    /// "vòng 2, dự thảo lần 3": the ballot names what it was about.
    round_of: String,
    agree: usize,
    disagree: usize,
    other: usize,
    votes: Vec<VoteLineView>,
    not_voted: Vec<String>,
    choices: Vec<VoteChoiceView>,
    my_text: Option<String>,
}

#[derive(Serialize)]
struct VoteLineView {
    voter: String,
    vote: String,
    text: Option<String>,
}

#[derive(Serialize)]
struct VoteChoiceView {
    value: &'static str,
    label: String,
    selected: bool,
}

/// What was typed in the new-version form, kept on a refusal or a preview.
#[derive(Default, Serialize)]
pub(super) struct VersionValues {
    change_note: String,
    markdown: String,
}

#[derive(Default, Serialize)]
pub(super) struct VersionErrors {
    form: Option<String>,
    file: Option<String>,
    markdown: Option<String>,
    change_note: Option<String>,
}

impl VersionErrors {
    fn of(ctx: &Ctx, err: &AppError) -> Self {
        let (field, message) = refusal(ctx, err);
        let mut errors = Self::default();
        let slot = match field {
            "file" => &mut errors.file,
            "markdown" => &mut errors.markdown,
            "change_note" => &mut errors.change_note,
            _ => &mut errors.form,
        };
        *slot = Some(message);
        errors
    }

    /// Every field the edge refused, each beside its own.
    fn refused(ctx: &Ctx, refused: &ValidationErrors) -> Self {
        let mut errors = Self::default();
        for (field, problem) in rules::refused_fields(refused) {
            let slot = match field.as_str() {
                "file" => &mut errors.file,
                "markdown" => &mut errors.markdown,
                "change_note" => &mut errors.change_note,
                _ => &mut errors.form,
            };
            slot.get_or_insert_with(|| rules::message(ctx.pages.catalog(), ctx.language, problem));
        }
        errors
    }
}

/// A block as the preview of Markdown draws it.
#[derive(Serialize)]
pub(super) struct BlockView {
    n: usize,
    label: String,
    kind: &'static str,
    html: String,
}

/// A refused step, with what was typed.
#[derive(Default, Serialize)]
pub(super) struct StepFormView {
    pub step: String,
    pub values: StepValues,
    pub message: Option<String>,
    /// The refusal beside the field it concerns, for the fields that have one.
    pub errors: crate::i18n::FieldErrors,
}

#[derive(Default, Serialize)]
pub(super) struct StepValues {
    pub deadline: String,
    pub reason: String,
    /// "trong n ngày làm việc", instead of a deadline.
    pub working_days: String,
    /// "3, 1": the working days before the deadline of each reminder.
    pub reminder_offsets: String,
    pub late_allowed: bool,
    pub ballot: bool,
    /// The ids of the bodies ticked to consult.
    pub consult: Vec<String>,
    /// "A body silent at the deadline agrees" was ticked.
    pub silence_agrees: bool,
}

/// A refused vote, with what was typed.
#[derive(Serialize)]
pub(super) struct VoteFormView {
    pub values: VoteValues,
    pub message: String,
}

#[derive(Serialize)]
pub(super) struct VoteValues {
    pub vote: String,
    pub text: String,
}

/// What a refused form puts on the report page beside the report.
#[derive(Default)]
pub(super) struct ReportForms {
    pub values: VersionValues,
    pub errors: VersionErrors,
    pub preview: Vec<BlockView>,
    pub step_form: StepFormView,
    pub unanswered: Vec<String>,
    pub vote_form: Option<VoteFormView>,
}

fn vote_label(ctx: &Ctx, vote: Vote) -> String {
    ctx.pages.catalog().text(ctx.language, &format!("vote_{}", vote.as_str())).to_owned()
}

fn life_view(ctx: &Ctx, life: ReportLife, zone: &str) -> LifeView {
    let catalog = ctx.pages.catalog();
    LifeView {
        status: life.status.as_str(),
        status_label: status_label(catalog, ctx.language, life.status),
        approval: life.approval.as_ref().map(|(a, by)| ApprovalView { version: a.version, by: by.clone(), at: format_date_time(a.at, zone) }),
        round: life.round.as_ref().map(|r| RoundView {
            number: r.number,
            version: r.version,
            deadline: crate::i18n::format_deadline(ctx.language, r.deadline, zone),
            overdue: life.overdue,
            late_allowed: r.late_allowed,
        }),
        rounds: life
            .rounds
            .iter()
            .map(|r| RoundLineView {
                number: r.number,
                version: r.version,
                opened_at: format_date_time(r.opened_at, zone),
                deadline: crate::i18n::format_deadline(ctx.language, r.deadline, zone),
                closed_at: r.closed_at.map(|c| format_date_time(c, zone)),
            })
            .collect(),
        steps: life
            .steps
            .iter()
            .map(|s| StepView {
                step: s.as_str(),
                label: step_label(catalog, ctx.language, *s),
                is_open: *s == Step::OpenRound,
                is_return: *s == Step::Return,
                consequences: consequences(ctx, *s, &life, zone),
                open: false,
            })
            .collect(),
        returned: life.returned.as_ref().map(|r| ReturnedView {
            reason: r.reason.clone(),
            by: catalog
                .text(ctx.language, "returned_by")
                .replace("{by}", r.by.as_deref().unwrap_or_default())
                .replace("{at}", &format_date_time(r.at, zone)),
        }),
        counts: life.counts,
        previous_round_version: life.previous_round_version,
        latest_version: life.latest_version,
        ballot: life.ballot.map(|b| ballot_view(ctx, b)),
        may_vote: life.vote.is_yes(),
        vote_why_not: OfferView::new(catalog, ctx.language, &life.vote).why_not,
        consult_bodies: life
            .consultable
            .iter()
            .map(|(id, name)| ConsultBodyView { id: id.to_string(), name: name.clone(), checked: false })
            .collect(),
        consults: life.consults,
    }
}

/// What taking `step` now leaves behind, in sentences, from the read
/// model's counts: the page asks before a step that cannot be undone.
fn consequences(ctx: &Ctx, step: Step, life: &ReportLife, zone: &str) -> Vec<String> {
    let text = |key: &str| ctx.pages.catalog().text(ctx.language, key).to_owned();
    let c = &life.consequences;
    let version = |v: Option<u32>| v.map_or_else(String::new, |n| n.to_string());
    let round_version = c.round.map(|(_, v)| v).or(c.latest_version);
    let not_commented = || {
        text("confirm_not_commented")
            .replace("{n}", &c.not_commented.to_string())
            .replace("{members}", &c.members.to_string())
            .replace("{version}", &version(round_version))
    };
    let not_voted = || {
        c.not_voted.map(|n| text("confirm_not_voted").replace("{n}", &n.to_string()).replace("{members}", &c.members.to_string()))
    };
    let unanswered = || text("confirm_unanswered").replace("{n}", &c.unanswered.to_string());
    let mut said = Vec::new();
    match step {
        Step::OpenRound => return said,
        Step::CloseRound => {
            let round = c.round.map_or(0, |(n, _)| n).to_string();
            said.push(match &life.round {
                Some(open) if !life.overdue => text("confirm_close_round")
                    .replace("{round}", &round)
                    .replace("{deadline}", &format_date_time(open.deadline, zone)),
                _ => text("confirm_close_round_overdue").replace("{round}", &round),
            });
            said.push(not_commented());
            said.extend(not_voted());
        }
        Step::Submit => {
            said.push(text("confirm_submit").replace("{version}", &version(c.latest_version)));
            said.push(unanswered());
        }
        Step::Approve => {
            said.push(text("confirm_approve").replace("{version}", &version(c.latest_version)));
            if c.round.is_some() {
                said.push(not_commented());
                said.extend(not_voted());
            }
            said.push(unanswered());
        }
        Step::Return => {
            said.push(text("confirm_return"));
            said.push(unanswered());
        }
    }
    said
}

fn ballot_view(ctx: &Ctx, ballot: BallotModel) -> BallotView {
    let mine = ballot.mine.as_ref();
    BallotView {
        round: ballot.round,
        version: ballot.version,
        round_of: ctx
            .pages
            .catalog()
            .text(ctx.language, "ballot_round_of")
            .replace("{round}", &ballot.round.to_string())
            .replace("{version}", &ballot.version.to_string()),
        agree: ballot.agree,
        disagree: ballot.disagree,
        other: ballot.other,
        choices: Vote::ALL
            .iter()
            .map(|v| VoteChoiceView { value: v.as_str(), label: vote_label(ctx, *v), selected: mine.is_some_and(|(m, _)| m == v) })
            .collect(),
        my_text: mine.and_then(|(_, text)| text.clone()),
        votes: ballot
            .votes
            .into_iter()
            .map(|(voter, vote, text)| VoteLineView { voter, vote: vote_label(ctx, vote), text })
            .collect(),
        not_voted: ballot.not_voted,
    }
}

fn report_view(state: &AppState, ctx: &Ctx, model: ReportPage, forms: ReportForms) -> ReportView {
    let zone = zone(ctx);
    let catalog = ctx.pages.catalog();
    let ReportPage { report, committee, body, team, versions, add_version, word_comments, answer_desk, life, change_checks } = model;
    ReportView {
        id: report.id.to_string(),
        title: report.title.to_string(),
        kind: kind_label(ctx, report.kind),
        body,
        committee: NamedView { id: report.committee.to_string(), name: committee.unwrap_or_default() },
        team: team.into_iter().map(|(name, lead)| DrafterView { name, lead }).collect(),
        next_number: versions.last().map_or(1, |v| v.summary.number + 1),
        revision: report.revision,
        versions: versions
            .iter()
            .rev()
            .map(|v| VersionRowView {
                number: v.summary.number,
                created_at: format_date_time(v.summary.created_at, &zone),
                author: v.author.clone(),
                source: catalog.text(ctx.language, &format!("version_source_{}", v.summary.source.as_str())).to_owned(),
                file_name: v.summary.file_name.clone(),
                change_note: v.summary.change_note.clone(),
                words: format_count(u64::from(v.summary.word_count)),
                previous: (v.summary.number > 1).then(|| v.summary.number - 1),
            })
            .collect(),
        has_change_table: versions.len() > 1,
        may_add_version: add_version.is_yes(),
        add_version_why_not: OfferView::new(catalog, ctx.language, &add_version).why_not,
        may_import_word_comments: word_comments.is_yes(),
        may_open_answer_desk: answer_desk,
        upload_limit: format_bytes(state.settings.server.upload_limit_bytes),
        life: {
            let mut life = life_view(ctx, life, &zone);
            // A refused step comes back with its confirmation open.
            for step in &mut life.steps {
                step.open = !forms.step_form.step.is_empty() && step.step == forms.step_form.step;
            }
            // The bodies ticked on a refused open-round form stay ticked.
            for body in &mut life.consult_bodies {
                body.checked = forms.step_form.values.consult.contains(&body.id);
            }
            life
        },
        values: forms.values,
        errors: forms.errors,
        preview: forms.preview,
        step_form: forms.step_form,
        unanswered: forms.unanswered,
        vote_form: forms.vote_form,
        change_checks: change_checks.map(|c| ChangeChecksView {
            from: c.from,
            clean: c.taken_in_unchanged == 0 && c.unexplained == 0,
            text: catalog
                .text(ctx.language, "changes_before_submit")
                .replace("{from}", &c.from.to_string())
                .replace("{to}", &c.to.to_string())
                .replace("{taken_in}", &c.taken_in_unchanged.to_string())
                .replace("{unexplained}", &c.unexplained.to_string()),
        }),
    }
}

pub async fn report_page(State(state): State<AppState>, ctx: Ctx, headers: HeaderMap, PagePath(id): PagePath<ReportId>) -> PageResult {
    let tag = Tag::page(&ctx);
    let fresh = state.app.report_page(actor(&ctx)?, id, tag.known(&headers)).await.map_err(|e| ctx.failure(&e))?;
    Ok(match fresh {
        Fresh::Unchanged { change_count } => revalidate(tag.not_modified(change_count)),
        Fresh::Changed { change_count, model } => {
            let view = report_view(&state, &ctx, model, ReportForms::default());
            let mut response = ctx.render("pages/report", "report_title", view);
            tag.put(&mut response, change_count);
            revalidate(response)
        }
    })
}

/// The report page again, with a refused form's values and messages (no
/// tag: what was typed is not the report's state).
pub(super) async fn report_with_forms(state: &AppState, ctx: &Ctx, id: ReportId, forms: ReportForms, status: StatusCode) -> PageResult {
    let fresh = state.app.report_page(actor(ctx)?, id, None).await.map_err(|e| ctx.failure(&e))?;
    match fresh {
        Fresh::Changed { model, .. } => {
            let view = report_view(state, ctx, model, forms);
            Ok(ctx.render_with_status(status, "pages/report", "report_title", view))
        }
        // Asked with no state held, the report is never unchanged.
        Fresh::Unchanged { .. } => Err(ctx.not_found()),
    }
}

/// A new version from an uploaded file or from Markdown written on the page.
/// "Preview" shows the Markdown's blocks without making a version.
pub async fn add_version(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<ReportId>,
    CsrfUpload(form): CsrfUpload,
) -> PageResult {
    let actor = actor(&ctx)?;
    let upload = VersionUpload::from(form);
    let values = VersionValues { change_note: upload.change_note.clone(), markdown: upload.markdown.clone() };
    if let Err(refused) = upload.validate() {
        let forms = ReportForms { errors: VersionErrors::refused(&ctx, &refused), values, ..ReportForms::default() };
        return report_with_forms(&state, &ctx, id, forms, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    if upload.action.trim() == "preview" {
        let mut forms = ReportForms::default();
        match preview(&values.markdown, &import_limits(&state)) {
            Ok(blocks) => forms.preview = blocks,
            Err(err) => forms.errors = VersionErrors::of(&ctx, &err),
        }
        forms.values = values;
        return report_with_forms(&state, &ctx, id, forms, StatusCode::OK).await;
    }
    let (input, _) = upload.input();
    match state.app.add_version(actor, id, input, &values.change_note, &import_limits(&state)).await {
        Ok(version) => {
            state.live.announce(Change::report(id, live::ChangeKind::Version)).await;
            Ok(Redirect::to(&format!("/reports/{id}/versions/{}", version.number)).into_response())
        }
        Err(err @ (AppError::Invalid { .. } | AppError::Conflict { .. } | AppError::Closed { .. })) => {
            // A file that cannot be read is the person's to fix; a version
            // saved at the same moment, or versions closed, is the report's state.
            let status = if matches!(err, AppError::Invalid { .. }) { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::CONFLICT };
            let forms = ReportForms { errors: VersionErrors::of(&ctx, &err), values, ..ReportForms::default() };
            report_with_forms(&state, &ctx, id, forms, status).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

/// The blocks Markdown would make, as the version page draws them.
fn preview(markdown: &str, limits: &ImportLimits) -> Result<Vec<BlockView>, AppError> {
    let imported = gopy_documents::import_markdown(markdown, limits)
        .map_err(|err| AppError::invalid("markdown", gopy_app::InvalidReason::Import(err)))?;
    Ok(blocks_view(&imported.blocks))
}

fn blocks_view(contents: &[BlockContent]) -> Vec<BlockView> {
    let labels = citation_labels(contents);
    contents
        .iter()
        .zip(labels)
        .enumerate()
        .map(|(i, (content, label))| BlockView { n: i + 1, label, kind: kind_name(content), html: block_element_html(content) })
        .collect()
}

// --- Comparing two versions ----------------------------------------------------

/// The two versions compared and the layout; empty numbers mean the
/// page's defaults (the last two versions).
#[derive(Deserialize, Validate)]
pub struct DiffQuery {
    #[validate(custom(function = "rules::optional_version_number"))]
    from: Option<String>,
    #[validate(custom(function = "rules::optional_version_number"))]
    to: Option<String>,
    /// `side` (the default) or `inline`.
    #[validate(custom(function = "rules::diff_view"))]
    view: Option<String>,
}

#[derive(Serialize)]
struct DiffView {
    report: ReportRefView,
    from: u32,
    to: u32,
    inline: bool,
    counts: DiffCountsView,
    rows: Vec<DiffRowView>,
    versions: Vec<DiffVersionView>,
}

#[derive(Serialize)]
struct DiffCountsView {
    kept: usize,
    changed: usize,
    added: usize,
    removed: usize,
    moved: usize,
}

/// A row of the diff: a run of kept passages folded into one (`kept`), or
/// one change.
#[derive(Default, Serialize)]
struct DiffRowView {
    kept: bool,
    count: usize,
    first: String,
    last: String,
    kind: &'static str,
    kind_label: String,
    old_label: Option<String>,
    new_label: Option<String>,
    split_from: Option<String>,
    old_html: Option<String>,
    new_html: Option<String>,
    inline_html: Option<String>,
}

#[derive(Serialize)]
struct DiffVersionView {
    number: u32,
    is_from: bool,
    is_to: bool,
}

pub async fn diff_page(
    State(state): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    PagePath(id): PagePath<ReportId>,
    Query(query): Query<DiffQuery>,
) -> PageResult {
    let read = || -> Result<_, ValidationErrors> {
        query.validate()?;
        let from = rules::parsed_choice(query.from.as_deref().unwrap_or_default(), "from")?;
        Ok((from, rules::parsed_choice(query.to.as_deref().unwrap_or_default(), "to")?))
    };
    let (from, to) = read().map_err(|refused| super::refused_query(&ctx, &refused))?;
    let inline = query.view.as_deref() == Some("inline");
    // A browser sends back the tag it holds for this address, query and
    // all, so one tag serves every pair of versions and both layouts.
    let tag = Tag::page(&ctx);
    let fresh = state.app.diff_page(actor(&ctx)?, id, from, to, tag.known(&headers)).await.map_err(|e| ctx.failure(&e))?;
    Ok(match fresh {
        Fresh::Unchanged { change_count } => revalidate(tag.not_modified(change_count)),
        Fresh::Changed { change_count, model } => {
            let view = diff_view(&ctx, &model, inline);
            let mut response = ctx.render("pages/diff", "diff_title", view);
            tag.put(&mut response, change_count);
            revalidate(response)
        }
    })
}

fn diff_view(ctx: &Ctx, diff: &DiffPage, inline: bool) -> DiffView {
    let (from, to) = (diff.from.version.number, diff.to.version.number);
    let counts = diff.alignment.counts();
    DiffView {
        report: ReportRefView::of(&diff.report),
        from,
        to,
        inline,
        counts: DiffCountsView {
            kept: counts.kept,
            changed: counts.changed,
            added: counts.added,
            removed: counts.removed,
            moved: counts.moved,
        },
        rows: diff_rows(diff, inline, |kind| {
            ctx.pages.catalog().text(ctx.language, &format!("diff_kind_{}", change_kind_name(kind))).to_owned()
        }),
        versions: diff.numbers.iter().map(|n| DiffVersionView { number: *n, is_from: *n == from, is_to: *n == to }).collect(),
    }
}

/// The rows of a diff page. Runs of kept blocks fold into one row that says
/// how many passages are unchanged, so the changes stand out.
fn diff_rows(diff: &DiffPage, inline: bool, kind_label: impl Fn(ChangeKind) -> String) -> Vec<DiffRowView> {
    let old: Vec<&BlockContent> = diff.from.version.blocks.iter().map(|b| &b.content).collect();
    let new: Vec<&BlockContent> = diff.to.version.blocks.iter().map(|b| &b.content).collect();
    let (old_labels, new_labels) = (&diff.from.labels, &diff.to.labels);
    let mut rows: Vec<DiffRowView> = Vec::new();
    let mut kept_run: Vec<&str> = Vec::new();
    let flush = |rows: &mut Vec<DiffRowView>, kept_run: &mut Vec<&str>| {
        if !kept_run.is_empty() {
            // A passage without a label (a title) does not name the run;
            // a run with no label at all is told by its count alone.
            let mut labelled = kept_run.iter().filter(|l| !l.is_empty());
            let first = labelled.next().copied().unwrap_or_default();
            let last = labelled.last().copied().unwrap_or(first);
            rows.push(DiffRowView {
                kept: true,
                count: kept_run.len(),
                first: first.to_owned(),
                last: last.to_owned(),
                ..DiffRowView::default()
            });
            kept_run.clear();
        }
    };
    for change in &diff.alignment.changes {
        if change.kind == ChangeKind::Kept {
            if let Some(n) = change.new {
                kept_run.push(new_labels.get(n).map_or("", String::as_str));
            }
            continue;
        }
        flush(&mut rows, &mut kept_run);
        let old_block = change.old.and_then(|i| old.get(i));
        let new_block = change.new.and_then(|i| new.get(i));
        let old_html = match (change.words.is_empty(), old_block) {
            (false, _) => Some(words_html(&change.words, Side::Old)),
            (true, Some(b)) => Some(block_html(b)),
            _ => None,
        };
        let new_html = match (change.words.is_empty(), new_block) {
            (false, _) => Some(words_html(&change.words, Side::New)),
            (true, Some(b)) => Some(block_html(b)),
            _ => None,
        };
        let inline_html = if change.words.is_empty() {
            match change.kind {
                ChangeKind::Removed => old_html.as_ref().map(|h| format!("<del>{h}</del>")),
                ChangeKind::Added => new_html.as_ref().map(|h| format!("<ins>{h}</ins>")),
                _ => new_html.clone(),
            }
        } else {
            Some(words_html(&change.words, Side::Inline))
        };
        rows.push(DiffRowView {
            kind: change_kind_name(change.kind),
            kind_label: kind_label(change.kind),
            old_label: change.old.and_then(|i| old_labels.get(i)).cloned(),
            new_label: change.new.and_then(|i| new_labels.get(i)).cloned(),
            split_from: change.split_from.and_then(|i| old_labels.get(i)).cloned(),
            old_html,
            new_html,
            inline_html: if inline { inline_html } else { None },
            ..DiffRowView::default()
        });
    }
    flush(&mut rows, &mut kept_run);
    rows
}

pub(super) fn change_kind_name(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Kept => "kept",
        ChangeKind::Changed => "changed",
        ChangeKind::Added => "added",
        ChangeKind::Removed => "removed",
        ChangeKind::Moved => "moved",
    }
}

// --- Downloads -------------------------------------------------------------------

pub async fn export_version(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, number, file)): PagePath<(ReportId, u32, VersionFile)>,
) -> PageResult {
    let actor = actor(&ctx)?;
    let download = state.app.export_version(actor, id, number, file.into()).await.map_err(|e| ctx.failure(&e))?;
    Ok(attachment(download))
}

// --- Samples for the strict-mode test ---------------------------------------------

#[cfg(test)]
pub(super) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    use super::sample;
    let some = || Some("x".to_owned());
    let named = || NamedView { id: "1".into(), name: "Ban Tuyên giáo".into() };
    let reports = ReportsView {
        reports: vec![ReportLineView {
            id: "1".into(),
            title: "Báo cáo".into(),
            kind: "Sơ kết".into(),
            committee: some(),
            body: some(),
            status: "open_for_comments",
            status_label: "Đang lấy ý kiến".into(),
            deadline: some(),
            overdue: true,
        }],
        may_create: true,
        kinds: vec![ChoiceView { value: "other", label: "Khác".into() }],
        bodies: vec![named()],
        committees: vec![named()],
        terms: vec![named()],
        people: vec![PersonView { id: "1".into(), name: "Lê Văn A".into(), email: "a@tinhuy.vn".into() }],
        values: NewReportValues { drafters: vec!["1".into()], ..NewReportValues::default() },
        errors: NewReportErrors { form: some(), title: some(), kind: some(), term: some(), body: some(), committee: some(), drafters: some(), lead: some() },
    };
    let report = ReportView {
        id: "1".into(),
        title: "Báo cáo".into(),
        kind: "Sơ kết".into(),
        body: some(),
        committee: named(),
        team: vec![DrafterView { name: "Lê Văn A".into(), lead: true }],
        versions: vec![VersionRowView {
            number: 2,
            created_at: "27/06/2023 08:00".into(),
            author: "Lê Văn A".into(),
            source: "Word".into(),
            file_name: some(),
            change_note: some(),
            words: "3.850".into(),
            previous: Some(1),
        }],
        next_number: 3,
        revision: 2,
        has_change_table: true,
        may_add_version: true,
        add_version_why_not: some(),
        may_import_word_comments: true,
        may_open_answer_desk: true,
        upload_limit: "10 MB".into(),
        life: LifeView {
            status: "submitted",
            status_label: "Đã trình".into(),
            approval: Some(ApprovalView { version: 2, by: "Chủ trì".into(), at: "27/06/2023 08:00".into() }),
            round: Some(RoundView { number: 1, version: 1, deadline: "27/06/2023 08:00".into(), overdue: true, late_allowed: true }),
            rounds: vec![RoundLineView { number: 1, version: 1, opened_at: "x".into(), deadline: "x".into(), closed_at: some() }],
            steps: [Step::OpenRound, Step::Return, Step::Submit]
                .iter()
                .map(|s| StepView {
                    step: s.as_str(),
                    label: "x".into(),
                    is_open: *s == Step::OpenRound,
                    is_return: *s == Step::Return,
                    consequences: vec!["x".into()],
                    open: true,
                })
                .collect(),
            counts: CommentCounts::default(),
            previous_round_version: Some(1),
            latest_version: Some(2),
            ballot: Some(BallotView {
                round: 1,
                version: 1,
                round_of: "x".into(),
                agree: 1,
                disagree: 0,
                other: 1,
                votes: vec![VoteLineView { voter: "x".into(), vote: "x".into(), text: some() }],
                not_voted: vec!["x".into()],
                choices: vec![VoteChoiceView { value: "agree", label: "x".into(), selected: true }],
                my_text: some(),
            }),
            may_vote: true,
            vote_why_not: some(),
            returned: Some(ReturnedView { reason: "x".into(), by: "x".into() }),
            consult_bodies: vec![ConsultBodyView { id: "1".into(), name: "Ban Tổ chức".into(), checked: true }],
            consults: true,
        },
        values: VersionValues::default(),
        errors: VersionErrors { form: some(), file: some(), markdown: some(), change_note: some() },
        preview: vec![BlockView { n: 1, label: "I".into(), kind: "heading", html: "<h2>I</h2>".into() }],
        step_form: StepFormView {
            step: "open_round".into(),
            values: StepValues { working_days: "5".into(), reminder_offsets: "3, 1".into(), consult: vec!["1".into()], silence_agrees: true, ..StepValues::default() },
            message: some(),
            errors: crate::i18n::FieldErrors::one("reminder_offsets", "x"),
        },
        unanswered: vec!["1".into()],
        vote_form: Some(VoteFormView { values: VoteValues { vote: "other".into(), text: "x".into() }, message: "x".into() }),
        change_checks: Some(ChangeChecksView { from: 1, text: "x".into(), clean: false }),
    };
    let row = || DiffRowView {
        kind: "changed",
        kind_label: "x".into(),
        old_label: some(),
        new_label: some(),
        split_from: some(),
        old_html: some(),
        new_html: some(),
        inline_html: some(),
        ..DiffRowView::default()
    };
    let diff = |inline| DiffView {
        report: ReportRefView { id: "1".into(), title: "x".into() },
        from: 1,
        to: 2,
        inline,
        counts: DiffCountsView { kept: 1, changed: 1, added: 1, removed: 1, moved: 1 },
        rows: vec![DiffRowView { kept: true, count: 3, first: "I".into(), last: "II".into(), ..DiffRowView::default() }, row()],
        versions: vec![DiffVersionView { number: 1, is_from: true, is_to: false }],
    };
    vec![
        ("pages/reports", sample(&reports)),
        ("pages/report", sample(&report)),
        ("pages/diff", sample(&diff(false))),
        ("pages/diff", sample(&diff(true))),
    ]
}
