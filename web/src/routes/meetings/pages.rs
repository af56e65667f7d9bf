//! The pages of meetings: the list with the form that plans one, one
//! meeting with its attendance, agenda, minutes, conclusion and action
//! items, the follow-up page across meetings, and the downloads.
//!
//! Handlers stay thin: read the form, call one use case, render. A refused
//! form comes back on the meeting page with what was typed and the reasons.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::AppError;
use gopy_app::meetings::{AttendanceInput, FollowUpFilter, FollowUpStatus, NewAction, NewAgendaItem, NewMeeting};
use gopy_domain::{ActionItemId, ActionStatus, Actor, AgendaItemId, Assignee, MeetingId, MeetingStatus, MinuteEntryId, Presence, UserId};
use serde::{Deserialize, Serialize};
use validator::{Validate, ValidationError, ValidationErrors};

use crate::live::{Change, ChangeKind};
use crate::AppState;
use super::MeetingFile;
use crate::auth::{Ctx, CsrfForm, CsrfFormPairs, PageResult};
use crate::i18n::{
    FieldErrors, OfferView, format_date_time, form_errors, local_input_value, parse_date, parse_local_date_time,
};
use crate::rules::{self, CONCLUSION_MAX, TEXT_MAX, TITLE_MAX, parsed, parsed_choice};
use crate::routes::reports::attachment;
use crate::routes::views::{Choice, Named};
use crate::paths::PagePath;

type Pairs = Vec<(String, String)>;

/// The choices of the attendance form; empty is "not recorded".
const PRESENCES: [&str; 4] = ["", "present", "absent", "represented"];

/// The follow-up filter's statuses, with their catalogue keys.
const STATUSES: [(&str, FollowUpStatus, &str); 3] = [
    ("open", FollowUpStatus::Open, "action_status_open"),
    ("overdue", FollowUpStatus::Overdue, "action_overdue"),
    ("done", FollowUpStatus::Done, "action_status_done"),
];

fn field<'a>(pairs: &'a Pairs, name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str())
}

/// Every value given for `name` (checkboxes), as typed.
fn picked(pairs: &Pairs, name: &str) -> Vec<String> {
    pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
}

/// Every value of a list its rules passed, read.
fn all<T: std::str::FromStr>(typed: &[String], field: &'static str) -> Result<Vec<T>, ValidationErrors> {
    typed.iter().map(|v| parsed(v, field)).collect()
}

/// What `validate()` found, to which a form adds what only the whole form can tell.
fn found(checked: Result<(), ValidationErrors>) -> ValidationErrors {
    checked.err().unwrap_or_default()
}


fn text(ctx: &Ctx, key: &str) -> String {
    ctx.pages.catalog().text(ctx.language, key).to_owned()
}

fn status_label(ctx: &Ctx, status: MeetingStatus) -> String {
    text(ctx, &format!("meeting_status_{}", status.as_str()))
}

fn actor(ctx: &Ctx) -> Result<&Actor, Response> {
    Ok(&ctx.signed_in()?.actor)
}

// --- The list ------------------------------------------------------------------

#[derive(Serialize)]
pub struct MeetingsView {
    pub meetings: Vec<MeetingRowView>,
    /// The viewer may plan meetings: the form is shown.
    pub may_create: bool,
    /// The committees the viewer may plan for.
    pub committees: Vec<Named>,
    pub people: Vec<PersonChoice>,
    pub values: MeetingValues,
    pub errors: FieldErrors,
}

#[derive(Serialize)]
pub struct MeetingRowView {
    pub id: String,
    pub title: String,
    pub committee: Option<String>,
    pub starts_at: String,
    pub place: String,
    pub status: String,
}

#[derive(Serialize)]
pub struct PersonChoice {
    pub id: String,
    pub name: String,
    pub email: String,
}

/// The planning form as typed.
#[derive(Clone, Default, Serialize)]
pub struct MeetingValues {
    pub committee: String,
    pub title: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub presiding: String,
    pub invited: Vec<String>,
}

/// The planning form and the details form as sent; the details form has
/// no committee (a meeting keeps its committee).
#[derive(Deserialize, Validate)]
pub struct MeetingForm {
    #[validate(custom(function = "rules::committee_choice"))]
    committee: Option<String>,
    #[serde(default)]
    #[validate(length(min = 1, max = TITLE_MAX))]
    title: String,
    #[serde(default)]
    #[validate(custom(function = "rules::local_date_time"))]
    starts_at: String,
    #[serde(default)]
    #[validate(custom(function = "rules::local_date_time"))]
    ends_at: String,
    #[serde(default)]
    #[validate(length(min = 1, max = TITLE_MAX))]
    place: String,
    #[serde(default)]
    #[validate(custom(function = "rules::person_choice"))]
    presiding: String,
    /// A box per guest: read from the form's pairs.
    #[serde(skip)]
    #[validate(custom(function = "rules::person_choices"))]
    invited: Vec<String>,
}

impl MeetingForm {
    /// The form with its boxes, as they were ticked.
    fn with_boxes(self, pairs: &Pairs) -> Self {
        Self { invited: picked(pairs, "invited"), ..self }
    }

    fn values(&self) -> MeetingValues {
        MeetingValues {
            committee: self.committee.clone().unwrap_or_default(),
            title: self.title.clone(),
            starts_at: self.starts_at.clone(),
            ends_at: self.ends_at.clone(),
            place: self.place.clone(),
            presiding: self.presiding.clone(),
            invited: self.invited.clone(),
        }
    }
}

impl TryFrom<&MeetingForm> for NewMeeting {
    type Error = ValidationErrors;

    fn try_from(form: &MeetingForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        let time = |raw: &str, field| parse_local_date_time(raw).ok_or_else(|| rules::refused(field, "date_time"));
        Ok(NewMeeting {
            committee: parsed_choice(form.committee.as_deref().unwrap_or_default(), "committee")?,
            title: form.title.clone(),
            starts_at: Some(time(&form.starts_at, "starts_at")?),
            ends_at: Some(time(&form.ends_at, "ends_at")?),
            place: form.place.clone(),
            presiding: Some(parsed(&form.presiding, "presiding")?),
            invited: all(&form.invited, "invited")?,
        })
    }
}

pub async fn meetings_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    meetings_view(&state, &ctx, MeetingValues::default(), FieldErrors::default(), StatusCode::OK).await
}

async fn meetings_view(state: &AppState, ctx: &Ctx, values: MeetingValues, errors: FieldErrors, status: StatusCode) -> PageResult {
    let identity = ctx.signed_in()?;
    let found = state.app.meetings_page(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let zone = &identity.user.time_zone;
    let (committees, people) = match &found.planning {
        Some(planning) => (
            planning.committees.iter().map(|c| Named::new(c.id, &c.name)).collect(),
            planning
                .people
                .iter()
                .map(|u| PersonChoice { id: u.id.to_string(), name: u.name.to_string(), email: u.email.to_string() })
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let page = MeetingsView {
        meetings: found
            .meetings
            .iter()
            .map(|row| MeetingRowView {
                id: row.meeting.id.to_string(),
                title: row.meeting.title.to_string(),
                committee: row.committee.clone(),
                starts_at: format_date_time(row.meeting.starts_at, zone),
                place: row.meeting.place.to_string(),
                status: status_label(ctx, row.meeting.status),
            })
            .collect(),
        may_create: found.planning.is_some(),
        committees,
        people,
        values,
        errors,
    };
    Ok(ctx.render_with_status(status, "pages/meetings", "meetings_title", page))
}

pub async fn create_meeting(State(state): State<AppState>, ctx: Ctx, CsrfFormPairs(form, pairs): CsrfFormPairs<MeetingForm>) -> PageResult {
    let actor = actor(&ctx)?;
    let form = form.with_boxes(&pairs);
    let new = match NewMeeting::try_from(&form) {
        Ok(new) => new,
        Err(refused) => {
            let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
            return meetings_view(&state, &ctx, form.values(), errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.app.plan_meeting(actor, new).await {
        Ok(meeting) => Ok(Redirect::to(&format!("/meetings/{}", meeting.id)).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let errors = form_errors(&ctx, &err);
            meetings_view(&state, &ctx, form.values(), errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- One meeting -----------------------------------------------------------------

#[derive(Serialize)]
pub struct MeetingView {
    pub id: String,
    pub title: String,
    pub committee: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub presiding: String,
    pub status: String,
    pub status_value: &'static str,
    /// The meeting's revision the page shows, carried back by its forms: a
    /// form sent after someone else changed the meeting is refused as stale.
    pub revision: u32,
    pub approved: bool,
    /// Changing the details and editing, moving or removing agenda items.
    pub change: OfferView,
    /// Calling the meeting off, with a reason.
    pub cancel: OfferView,
    /// "Cancelled on … by …. Reason: …", once it was.
    pub cancelled_note: Option<String>,
    /// The details form: as stored, or as typed when refused.
    pub details_values: MeetingValues,
    pub details_errors: FieldErrors,
    pub cancel_reason: String,
    pub cancel_errors: FieldErrors,
    /// Active people to preside or be invited, with their addresses.
    pub guests: Vec<PersonChoice>,
    pub may_manage: bool,
    pub may_mark_held: bool,
    pub may_approve: bool,
    pub may_write_minutes: bool,
    pub may_conclude: bool,
    pub may_follow_up: bool,
    pub people_rows: Vec<AttendeeView>,
    pub agenda: Vec<AgendaView>,
    /// The drafts the meeting discussed, which its conclusion is about.
    pub drafts: Vec<DraftRefView>,
    /// The conclusion's lines, once written.
    pub conclusion: Option<Vec<String>>,
    /// What the conclusion's box holds: as stored, or as typed.
    pub conclusion_value: Option<String>,
    /// The chair's decisions on what was still disputed, part of the conclusion.
    pub decisions: Vec<DecisionView>,
    pub actions: Vec<ActionView>,
    pub bodies: Vec<Named>,
    pub people: Vec<Named>,
    pub reports: Vec<ReportChoice>,
    pub agenda_values: AgendaValues,
    pub minutes_values: MinutesValues,
    pub action_values: ActionValues,
    pub errors: FieldErrors,
}

#[derive(Serialize)]
pub struct AttendeeView {
    pub id: String,
    pub name: String,
    pub presence: String,
    pub presences: Vec<Choice>,
    pub reason: String,
    pub represented_by: Option<String>,
    pub substitutes: Vec<SubstituteView>,
    /// Why the row as typed was refused.
    pub error: Option<String>,
}

#[derive(Serialize)]
pub struct SubstituteView {
    pub id: String,
    pub name: String,
    pub selected: bool,
}

#[derive(Serialize)]
pub struct AgendaView {
    pub id: String,
    pub position: u32,
    pub title: String,
    pub presenter: String,
    /// The time allotted, in words ("40 phút").
    pub minutes: String,
    pub report_id: Option<String>,
    pub report: Option<String>,
    /// The version and round of the draft the item was about.
    pub version: Option<u32>,
    pub round: Option<u32>,
    pub opinions: Vec<OpinionView>,
    /// Why its opinions cannot be turned into comments now, told once
    /// under them while some are not comments yet.
    pub comment_why_not: Option<String>,
    /// Its edit form: as stored, or as typed when refused.
    pub values: AgendaValues,
    pub errors: FieldErrors,
    /// The edit form is open: it was just refused.
    pub editing: bool,
    /// No opinion is recorded under it, so it may be removed.
    pub removable: bool,
    /// Whether it can move up or down, and the positions it would take.
    pub first: bool,
    pub last: bool,
    pub up_to: u32,
    pub down_to: u32,
}

/// A draft the meeting discussed, at the version and round it discussed.
#[derive(Serialize)]
pub struct DraftRefView {
    pub report_id: String,
    pub report: String,
    pub version: u32,
    pub round: Option<u32>,
}

#[derive(Serialize)]
pub struct OpinionView {
    pub id: String,
    pub speaker: String,
    pub summary: String,
    pub may_comment: bool,
    pub comment_link: Option<String>,
}

/// A decision on a comment still disputed, as the conclusion lists it.
#[derive(Serialize)]
pub struct DecisionView {
    pub report_id: String,
    pub report: String,
    pub commenter: String,
    pub comment: String,
    /// Why the commenter still disagreed.
    pub reason: Option<String>,
    pub decision: String,
}

#[derive(Serialize)]
pub struct ActionView {
    pub id: String,
    pub text: String,
    pub assignees: String,
    pub deadline: String,
    pub status: String,
    pub done: bool,
    pub overdue: bool,
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct ReportChoice {
    pub id: String,
    pub title: String,
}

/// The agenda form as typed.
#[derive(Default, Serialize)]
pub struct AgendaValues {
    pub title: String,
    pub presenter: String,
    pub report: String,
    pub minutes_allotted: String,
}

/// An agenda item's form as sent, to add an item or change one.
#[derive(Deserialize, Validate)]
pub struct AgendaItemForm {
    #[serde(default)]
    #[validate(length(min = 1, max = TITLE_MAX))]
    title: String,
    #[serde(default)]
    #[validate(custom(function = "rules::body_chosen"))]
    presenter: String,
    /// A report of the meeting's committee, or empty for none.
    #[serde(default)]
    #[validate(custom(function = "rules::report_choice"))]
    report: String,
    #[serde(default)]
    #[validate(custom(function = "rules::minutes_allotted"))]
    minutes_allotted: String,
}

impl AgendaItemForm {
    fn values(&self) -> AgendaValues {
        AgendaValues {
            title: self.title.clone(),
            presenter: self.presenter.clone(),
            report: self.report.clone(),
            minutes_allotted: self.minutes_allotted.clone(),
        }
    }
}

impl TryFrom<&AgendaItemForm> for NewAgendaItem {
    type Error = ValidationErrors;

    fn try_from(form: &AgendaItemForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        Ok(NewAgendaItem {
            title: form.title.clone(),
            presenter: Some(parsed(&form.presenter, "presenter")?),
            report: parsed_choice(&form.report, "report")?,
            minutes_allotted: Some(parsed(&form.minutes_allotted, "minutes_allotted")?),
        })
    }
}

/// The minutes form as sent: one opinion.
#[derive(Deserialize, Validate)]
pub struct OpinionForm {
    #[serde(default)]
    #[validate(custom(function = "rules::agenda_item_choice"))]
    agenda_item: String,
    #[serde(default)]
    #[validate(custom(function = "rules::person_choice"))]
    speaker: String,
    #[serde(default)]
    #[validate(length(min = 1, max = TEXT_MAX))]
    summary: String,
}

/// The conclusion's box as sent.
#[derive(Deserialize, Validate)]
pub struct ConclusionForm {
    #[serde(default)]
    #[validate(length(min = 1, max = CONCLUSION_MAX))]
    conclusion: String,
}

/// The cancellation form as sent.
#[derive(Deserialize, Validate)]
pub struct CancelForm {
    #[serde(default)]
    #[validate(length(min = 1, max = TEXT_MAX))]
    reason: String,
}

/// Moving an agenda item: where to.
#[derive(Deserialize, Validate)]
pub struct MoveForm {
    #[serde(default)]
    #[validate(custom(function = "rules::position"))]
    to: String,
}

/// Following an action item up: its new status and a note.
#[derive(Deserialize, Validate)]
pub struct FollowUpForm {
    #[serde(default)]
    #[validate(custom(function = "rules::action_status"))]
    status: String,
    #[serde(default)]
    #[validate(length(max = TEXT_MAX))]
    note: String,
}

/// The action item form as sent: the boxes ticked are read from its pairs.
#[derive(Deserialize, Validate)]
pub struct ActionForm {
    #[serde(default)]
    #[validate(length(min = 1, max = TEXT_MAX))]
    text: String,
    /// A day (`yyyy-mm-dd`), or empty when a number of working days is given.
    #[serde(default)]
    #[validate(custom(function = "rules::day_choice"))]
    deadline: String,
    #[serde(default)]
    #[validate(custom(function = "rules::working_days"))]
    working_days: String,
    #[serde(skip)]
    bodies: Vec<String>,
    #[serde(skip)]
    people: Vec<String>,
}

impl ActionForm {
    fn with_boxes(self, pairs: &Pairs) -> Self {
        Self { bodies: picked(pairs, "bodies"), people: picked(pairs, "people"), ..self }
    }

    fn values(&self) -> ActionValues {
        ActionValues {
            text: self.text.clone(),
            deadline: self.deadline.clone(),
            working_days: self.working_days.clone(),
            bodies: self.bodies.clone(),
            people: self.people.clone(),
        }
    }
}

impl TryFrom<&ActionForm> for NewAction {
    type Error = ValidationErrors;

    /// The boxes are one field on the page, "assignees": at least one
    /// ticked, each one offered.
    fn try_from(form: &ActionForm) -> Result<Self, ValidationErrors> {
        let mut errors = found(form.validate());
        if form.bodies.is_empty() && form.people.is_empty() {
            errors.add("assignees", ValidationError::new("required"));
        } else if rules::body_choices(&form.bodies).and(rules::person_choices(&form.people)).is_err() {
            errors.add("assignees", ValidationError::new("choice"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewAction {
            text: form.text.clone(),
            bodies: all(&form.bodies, "assignees")?,
            people: all(&form.people, "assignees")?,
            deadline: match form.deadline.trim() {
                "" => None,
                typed => Some(parse_date(typed).ok_or_else(|| rules::refused("deadline", "date"))?),
            },
            working_days: parsed_choice(&form.working_days, "working_days")?,
        })
    }
}

/// One row of the attendance form: the person's id is in its fields' names
/// (`presence_<id>`, `reason_<id>`, `by_<id>`).
#[derive(Validate)]
struct AttendanceRow {
    person: String,
    #[validate(custom(function = "rules::presence"))]
    presence: String,
    #[validate(length(max = TEXT_MAX))]
    reason: String,
    /// Who came in the person's place, or empty.
    #[validate(custom(function = "rules::person_choice_or_none"))]
    by: String,
}

/// Every row of the attendance form, the unrecorded ones included.
fn attendance_rows(pairs: &Pairs) -> Vec<AttendanceRow> {
    pairs
        .iter()
        .filter_map(|(k, v)| {
            let person = k.strip_prefix("presence_")?;
            Some(AttendanceRow {
                person: person.to_owned(),
                presence: v.clone(),
                reason: field(pairs, &format!("reason_{person}")).to_owned(),
                by: field(pairs, &format!("by_{person}")).to_owned(),
            })
        })
        .collect()
}

impl TryFrom<&AttendanceRow> for Option<AttendanceInput> {
    type Error = ValidationErrors;

    /// A row left "not recorded" records nothing.
    fn try_from(row: &AttendanceRow) -> Result<Self, ValidationErrors> {
        let mut errors = found(row.validate());
        if rules::person_choice(&row.person).is_err() {
            errors.add("person", ValidationError::new("choice"));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if row.presence.trim().is_empty() {
            return Ok(None);
        }
        Ok(Some(AttendanceInput {
            person: parsed(&row.person, "person")?,
            presence: row.presence.trim().to_owned(),
            reason: row.reason.clone(),
            represented_by: parsed_choice(&row.by, "by")?,
        }))
    }
}

/// The minutes form as typed.
#[derive(Default, Serialize)]
pub struct MinutesValues {
    pub agenda_item: String,
    pub speaker: String,
    pub summary: String,
}

/// The action item form as typed.
#[derive(Default, Serialize)]
pub struct ActionValues {
    pub text: String,
    pub deadline: String,
    /// "trong n ngày làm việc", instead of a deadline.
    pub working_days: String,
    pub bodies: Vec<String>,
    pub people: Vec<String>,
}

/// Which of the meeting's own forms was sent, with what was typed: its
/// refusal is shown beside that form only.
#[derive(Default)]
enum Posted {
    #[default]
    Other,
    Details(MeetingValues),
    /// An agenda item's edit form: the item's id and what was typed.
    Item(AgendaItemId, AgendaValues),
    Cancel(String),
}

/// What a refused post brings back to the meeting page: what was typed and why.
#[derive(Default)]
struct Kept {
    posted: Posted,
    agenda_values: AgendaValues,
    minutes_values: MinutesValues,
    action_values: ActionValues,
    conclusion_value: Option<String>,
    /// The attendance form as typed, by person id.
    attendance: std::collections::HashMap<String, TypedPresence>,
    /// Why a row of it was refused, by person id.
    attendance_errors: std::collections::HashMap<String, String>,
}

/// One row of the attendance form as typed.
struct TypedPresence {
    presence: String,
    reason: String,
    /// The id of who came in the person's place.
    by: String,
}

pub async fn meeting_page(State(state): State<AppState>, ctx: Ctx, PagePath(id): PagePath<MeetingId>) -> PageResult {
    meeting_view(&state, &ctx, id, Kept::default(), FieldErrors::default(), StatusCode::OK).await
}

fn presence_label(ctx: &Ctx, value: &str) -> String {
    text(ctx, &format!("presence_{}", if value.is_empty() { "unrecorded" } else { value }))
}

async fn meeting_view(state: &AppState, ctx: &Ctx, id: MeetingId, kept: Kept, errors: FieldErrors, status: StatusCode) -> PageResult {
    let identity = ctx.signed_in()?;
    let found = state.app.meeting_page(&identity.actor, id).await.map_err(|e| ctx.failure(&e))?;
    let meeting = &found.meeting;
    let zone = &identity.user.time_zone;
    // A refusal of one of the meeting's own forms is shown beside it; one
    // that concerns the whole page (stale, cancelled) as the banner.
    let (errors, mut details_errors, mut item_errors, mut cancel_errors) = match &kept.posted {
        Posted::Other => (errors, FieldErrors::default(), FieldErrors::default(), FieldErrors::default()),
        Posted::Details(_) => {
            let (banner, fields) = errors.split_form();
            (banner, fields, FieldErrors::default(), FieldErrors::default())
        }
        Posted::Item(..) => {
            let (banner, fields) = errors.split_form();
            (banner, FieldErrors::default(), fields, FieldErrors::default())
        }
        Posted::Cancel(_) => {
            let (banner, fields) = errors.split_form();
            (banner, FieldErrors::default(), FieldErrors::default(), fields)
        }
    };
    let stored_details = MeetingValues {
        committee: String::new(),
        title: meeting.title.to_string(),
        starts_at: local_input_value(meeting.starts_at),
        ends_at: local_input_value(meeting.ends_at),
        place: meeting.place.to_string(),
        presiding: meeting.presiding.to_string(),
        invited: meeting.invited.iter().map(ToString::to_string).collect(),
    };
    let last_position = found.agenda.len();
    let people_rows = found
        .attendees
        .iter()
        .map(|row| {
            let (value, reason, by) = match kept.attendance.get(&row.person.to_string()) {
                Some(typed) => (typed.presence.as_str(), typed.reason.clone(), typed.by.parse::<UserId>().ok()),
                None => {
                    let (reason, by) = match &row.presence {
                        Some(Presence::Absent { reason }) => (reason.to_string(), None),
                        Some(Presence::Represented { by }) => (String::new(), Some(*by)),
                        _ => (String::new(), None),
                    };
                    (row.presence.as_ref().map_or("", Presence::as_str), reason, by)
                }
            };
            AttendeeView {
                error: kept.attendance_errors.get(&row.person.to_string()).cloned(),
                id: row.person.to_string(),
                name: row.name.clone(),
                presence: presence_label(ctx, value),
                presences: PRESENCES.iter().map(|v| Choice::new(v, presence_label(ctx, v), *v == value)).collect(),
                reason,
                represented_by: row.represented_by.clone(),
                substitutes: found
                    .people
                    .iter()
                    .filter(|u| u.id != row.person)
                    .map(|u| SubstituteView { id: u.id.to_string(), name: u.name.to_string(), selected: Some(u.id) == by })
                    .collect(),
            }
        })
        .collect();
    let agenda = found
        .agenda
        .iter()
        .enumerate()
        .map(|(index, row)| AgendaView {
            values: match &kept.posted {
                Posted::Item(item, typed) if *item == row.item.id => AgendaValues {
                    title: typed.title.clone(),
                    presenter: typed.presenter.clone(),
                    report: typed.report.clone(),
                    minutes_allotted: typed.minutes_allotted.clone(),
                },
                _ => AgendaValues {
                    title: row.item.title.to_string(),
                    presenter: row.item.presenter.to_string(),
                    report: row.item.report.map(|r| r.to_string()).unwrap_or_default(),
                    minutes_allotted: row.item.minutes_allotted.to_string(),
                },
            },
            editing: matches!(&kept.posted, Posted::Item(item, _) if *item == row.item.id),
            errors: match &kept.posted {
                Posted::Item(item, _) if *item == row.item.id => std::mem::take(&mut item_errors),
                _ => FieldErrors::default(),
            },
            removable: row.opinions.is_empty(),
            first: index == 0,
            last: index + 1 == last_position,
            up_to: row.item.position.saturating_sub(1).max(1),
            down_to: row.item.position + 1,
            id: row.item.id.to_string(),
            position: row.item.position,
            title: row.item.title.to_string(),
            presenter: row.presenter.clone(),
            minutes: ctx.pages.catalog().text(ctx.language, "agenda_minutes_n").replace("{n}", &row.item.minutes_allotted.to_string()),
            report_id: row.report.as_ref().map(|r| r.id.to_string()),
            report: row.report.as_ref().map(|r| r.title.clone()),
            version: row.report.as_ref().and_then(|r| r.version),
            round: row.report.as_ref().and_then(|r| r.round),
            comment_why_not: row
                .opinions
                .iter()
                .find(|o| o.comment.is_none())
                .and_then(|o| OfferView::new(ctx.pages.catalog(), ctx.language, &o.to_comment).why_not),
            opinions: row
                .opinions
                .iter()
                .map(|o| OpinionView {
                    id: o.entry.id.to_string(),
                    speaker: o.speaker.clone(),
                    summary: o.entry.summary.to_string(),
                    may_comment: o.to_comment.is_yes(),
                    comment_link: o.comment.map(|(r, v, c)| format!("/reports/{r}/versions/{v}#comment-{c}")),
                })
                .collect(),
        })
        .collect::<Vec<_>>();
    let drafts = agenda
        .iter()
        .filter_map(|a| match (&a.report_id, &a.report, a.version) {
            (Some(report_id), Some(report), Some(version)) => {
                Some(DraftRefView { report_id: report_id.clone(), report: report.clone(), version, round: a.round })
            }
            _ => None,
        })
        .collect();
    let page = MeetingView {
        drafts,
        id: meeting.id.to_string(),
        title: meeting.title.to_string(),
        committee: found.committee.clone(),
        starts_at: format_date_time(meeting.starts_at, zone),
        ends_at: format_date_time(meeting.ends_at, zone),
        place: meeting.place.to_string(),
        presiding: found.presiding.clone(),
        status: status_label(ctx, meeting.status),
        status_value: meeting.status.as_str(),
        revision: meeting.revision,
        approved: meeting.status == MeetingStatus::MinutesApproved,
        change: OfferView::new(ctx.pages.catalog(), ctx.language, &found.may.change),
        cancel: OfferView::new(ctx.pages.catalog(), ctx.language, &found.may.cancel),
        cancelled_note: meeting.cancellation.as_ref().map(|c| {
            text(ctx, "meeting_cancelled_note")
                .replace("{date}", &format_date_time(c.at, zone))
                .replace("{name}", found.cancelled_by.as_deref().unwrap_or_default())
                .replace("{reason}", c.reason.as_str())
        }),
        details_values: match &kept.posted {
            Posted::Details(typed) => typed.clone(),
            _ => stored_details,
        },
        details_errors: std::mem::take(&mut details_errors),
        cancel_reason: match &kept.posted {
            Posted::Cancel(typed) => typed.clone(),
            _ => String::new(),
        },
        cancel_errors: std::mem::take(&mut cancel_errors),
        guests: found
            .people
            .iter()
            .map(|u| PersonChoice { id: u.id.to_string(), name: u.name.to_string(), email: u.email.to_string() })
            .collect(),
        may_manage: found.may.manage,
        may_mark_held: found.may.mark_held,
        may_approve: found.may.approve,
        may_write_minutes: found.may.write_minutes,
        may_conclude: found.may.conclude,
        may_follow_up: found.may.follow_up,
        people_rows,
        agenda,
        conclusion: meeting.conclusion.as_ref().map(|c| c.text.as_str().lines().map(str::to_owned).collect()),
        conclusion_value: kept.conclusion_value.or_else(|| meeting.conclusion.as_ref().map(|c| c.text.to_string())),
        decisions: found
            .decisions
            .iter()
            .map(|d| DecisionView {
                report_id: d.report.to_string(),
                report: d.report_title.clone(),
                commenter: d.comment.commenter.clone(),
                comment: d.comment.text.clone(),
                reason: d.reason.clone(),
                decision: d.decision.decision.to_string(),
            })
            .collect(),
        actions: found
            .actions
            .iter()
            .map(|row| ActionView {
                id: row.action.id.to_string(),
                text: row.action.text.to_string(),
                assignees: row.assignees.clone(),
                deadline: crate::i18n::format_day_with_weekday(ctx.language, row.action.deadline),
                status: text(ctx, &format!("action_status_{}", row.action.status.as_str())),
                done: row.action.status == ActionStatus::Done,
                overdue: row.overdue,
                note: row.action.note.as_ref().map(ToString::to_string),
            })
            .collect(),
        bodies: found.bodies.iter().map(|b| Named::new(b.id, &b.name)).collect(),
        people: found.people.iter().map(|u| Named::new(u.id, &u.name)).collect(),
        reports: found.reports.iter().map(|r| ReportChoice { id: r.id.to_string(), title: r.title.to_string() }).collect(),
        agenda_values: kept.agenda_values,
        minutes_values: kept.minutes_values,
        action_values: kept.action_values,
        errors,
    };
    Ok(ctx.render_with_status(status, "pages/meeting", "meeting_title", page))
}

/// A form the rules refused: the meeting page again, each message beside
/// its field, with what was typed.
async fn refused(state: &AppState, ctx: &Ctx, id: MeetingId, kept: Kept, errors: &ValidationErrors) -> PageResult {
    let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, errors);
    meeting_view(state, ctx, id, kept, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// The meeting's revision a form was opened at, from its hidden field.
/// A form of one button on the meeting page: only the revision it was
/// opened at, read as every form's is ([`seen`]).
#[derive(Deserialize, Validate)]
pub struct RevisionForm {
    #[serde(default)]
    revision: String,
}

impl RevisionForm {
    fn seen(&self) -> Option<u32> {
        self.revision.trim().parse().ok()
    }
}

fn seen(pairs: &Pairs) -> Option<u32> {
    field(pairs, "revision").trim().parse().ok()
}

async fn after<T>(
    state: &AppState,
    ctx: &Ctx,
    id: MeetingId,
    section: &str,
    result: Result<T, AppError>,
    kept: Kept,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}#{section}")).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let errors = form_errors(ctx, &err);
            meeting_view(state, ctx, id, kept, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        // The draft's state changed since the page was opened (its round
        // closed), or someone else changed the meeting: the same page again,
        // as it is now, saying so, with what was typed, not an error page.
        Err(err @ (AppError::Closed { .. } | AppError::Stale { .. })) => {
            let errors = form_errors(ctx, &err);
            meeting_view(state, ctx, id, kept, errors, StatusCode::CONFLICT).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn add_agenda_item(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<MeetingId>,
    CsrfForm(form): CsrfForm<AgendaItemForm>,
) -> PageResult {
    let kept = Kept { agenda_values: form.values(), ..Kept::default() };
    let new = match NewAgendaItem::try_from(&form) {
        Ok(new) => new,
        Err(errors) => return refused(&state, &ctx, id, kept, &errors).await,
    };
    let result = state.app.add_agenda_item(actor(&ctx)?, (id, None), new).await;
    after(&state, &ctx, id, "agenda", result, kept).await
}

/// The meeting's time, place, presiding person and invitations changed:
/// the guests hear of it by mail.
pub async fn change_details(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<MeetingId>,
    CsrfFormPairs(form, pairs): CsrfFormPairs<MeetingForm>,
) -> PageResult {
    let form = form.with_boxes(&pairs);
    let kept = Kept { posted: Posted::Details(MeetingValues { committee: String::new(), ..form.values() }), ..Kept::default() };
    let new = match NewMeeting::try_from(&form) {
        Ok(new) => new,
        Err(errors) => return refused(&state, &ctx, id, kept, &errors).await,
    };
    let result = state.app.change_meeting(actor(&ctx)?, (id, seen(&pairs)), new).await;
    after(&state, &ctx, id, "details", result, kept).await
}


pub async fn change_agenda_item(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, item_id)): PagePath<(MeetingId, AgendaItemId)>,
    CsrfFormPairs(form, pairs): CsrfFormPairs<AgendaItemForm>,
) -> PageResult {
    let kept = Kept { posted: Posted::Item(item_id, form.values()), ..Kept::default() };
    let new = match NewAgendaItem::try_from(&form) {
        Ok(new) => new,
        Err(errors) => return refused(&state, &ctx, id, kept, &errors).await,
    };
    let result = state.app.change_agenda_item(actor(&ctx)?, (id, seen(&pairs)), item_id, new).await;
    after(&state, &ctx, id, "agenda", result, kept).await
}

pub async fn move_agenda_item(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, item)): PagePath<(MeetingId, AgendaItemId)>,
    CsrfFormPairs(form, pairs): CsrfFormPairs<MoveForm>,
) -> PageResult {
    // The position is a hidden field: its refusal is the agenda's.
    let to = match form.validate().and_then(|()| parsed::<u32>(&form.to, "agenda_item")) {
        Ok(to) => to,
        Err(_) => return refused(&state, &ctx, id, Kept::default(), &rules::refused("agenda_item", "position")).await,
    };
    let result = state.app.move_agenda_item(actor(&ctx)?, (id, seen(&pairs)), item, to).await;
    after(&state, &ctx, id, "agenda", result, Kept::default()).await
}

pub async fn remove_agenda_item(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, item)): PagePath<(MeetingId, AgendaItemId)>,
    CsrfForm(form): CsrfForm<RevisionForm>,
) -> PageResult {
    let result = state.app.remove_agenda_item(actor(&ctx)?, (id, form.seen()), item).await;
    after(&state, &ctx, id, "agenda", result, Kept::default()).await
}

/// Calls the meeting off: its guests are told, with the reason.
pub async fn cancel_meeting(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<MeetingId>,
    CsrfFormPairs(form, pairs): CsrfFormPairs<CancelForm>,
) -> PageResult {
    let kept = Kept { posted: Posted::Cancel(form.reason.clone()), ..Kept::default() };
    if let Err(errors) = form.validate() {
        return refused(&state, &ctx, id, kept, &errors).await;
    }
    let result = state.app.cancel_meeting(actor(&ctx)?, (id, seen(&pairs)), &form.reason).await;
    after(&state, &ctx, id, "details", result, kept).await
}

pub async fn record_attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<MeetingId>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> PageResult {
    let rows = attendance_rows(&pairs);
    // Every row as typed, the unrecorded ones included, for a refusal.
    let attendance = rows
        .iter()
        .map(|row| (row.person.clone(), TypedPresence { presence: row.presence.clone(), reason: row.reason.clone(), by: row.by.clone() }))
        .collect();
    // Each row is checked; each refused one is told in its own row.
    let mut inputs = Vec::new();
    let mut attendance_errors = std::collections::HashMap::new();
    for row in &rows {
        match Option::<AttendanceInput>::try_from(row) {
            Ok(input) => inputs.extend(input),
            Err(errors) => {
                let told = rules::refused_fields(&errors).first().map(|(_, problem)| rules::message(ctx.pages.catalog(), ctx.language, problem));
                attendance_errors.insert(row.person.clone(), told.unwrap_or_default());
            }
        }
    }
    if !attendance_errors.is_empty() {
        let banner = FieldErrors::one("attendance", text(&ctx, "err_attendance_rows"));
        let kept = Kept { attendance, attendance_errors, ..Kept::default() };
        return meeting_view(&state, &ctx, id, kept, banner, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let result = state.app.record_attendance(actor(&ctx)?, (id, None), inputs).await;
    after(&state, &ctx, id, "attendance", result, Kept { attendance, ..Kept::default() }).await
}

pub async fn record_opinion(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<MeetingId>,
    CsrfFormPairs(form, pairs): CsrfFormPairs<OpinionForm>,
) -> PageResult {
    let minutes_values = MinutesValues { agenda_item: form.agenda_item.clone(), speaker: form.speaker.clone(), summary: form.summary.clone() };
    let kept = Kept { minutes_values, ..Kept::default() };
    let read = form
        .validate()
        .and_then(|()| Ok((parsed::<AgendaItemId>(&form.agenda_item, "agenda_item")?, parsed::<UserId>(&form.speaker, "speaker")?)));
    let (agenda_item, speaker) = match read {
        Ok(read) => read,
        Err(errors) => return refused(&state, &ctx, id, kept, &errors).await,
    };
    let result = state.app.record_opinion(actor(&ctx)?, (id, seen(&pairs)), Some(agenda_item), Some(speaker), &form.summary).await;
    after(&state, &ctx, id, "minutes", result, kept).await
}

pub async fn opinion_to_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, entry)): PagePath<(MeetingId, MinuteEntryId)>,
    CsrfForm(_): CsrfForm<RevisionForm>,
) -> PageResult {
    let result = state.app.opinion_to_comment(actor(&ctx)?, (id, None), entry).await;
    if let Ok(comment) = &result {
        state.live.announce(Change::thread(comment.report, comment.id, ChangeKind::Posted)).await;
    }
    after(&state, &ctx, id, "minutes", result, Kept::default()).await
}

pub async fn mark_held(State(state): State<AppState>, ctx: Ctx, PagePath(id): PagePath<MeetingId>, CsrfForm(form): CsrfForm<RevisionForm>) -> PageResult {
    let result = state.app.mark_meeting_held(actor(&ctx)?, (id, form.seen())).await;
    after(&state, &ctx, id, "minutes", result, Kept::default()).await
}

pub async fn approve_minutes(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<MeetingId>,
    CsrfForm(form): CsrfForm<RevisionForm>,
) -> PageResult {
    // Approving minutes someone changed since the page was opened would
    // approve what the chair has not read.
    let result = state.app.approve_minutes(actor(&ctx)?, (id, form.seen())).await;
    after(&state, &ctx, id, "minutes", result, Kept::default()).await
}

pub async fn conclude(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<MeetingId>,
    CsrfFormPairs(form, pairs): CsrfFormPairs<ConclusionForm>,
) -> PageResult {
    let kept = Kept { conclusion_value: Some(form.conclusion.clone()), ..Kept::default() };
    if let Err(errors) = form.validate() {
        return refused(&state, &ctx, id, kept, &errors).await;
    }
    let result = state.app.conclude(actor(&ctx)?, (id, seen(&pairs)), &form.conclusion).await;
    after(&state, &ctx, id, "conclusion", result, kept).await
}

pub async fn assign_action(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<MeetingId>,
    CsrfFormPairs(form, pairs): CsrfFormPairs<ActionForm>,
) -> PageResult {
    let form = form.with_boxes(&pairs);
    let kept = Kept { action_values: form.values(), ..Kept::default() };
    // A date that is not one, or a number of working days that is not a
    // number, is refused on its field rather than read as none.
    let new = match NewAction::try_from(&form) {
        Ok(new) => new,
        Err(errors) => return refused(&state, &ctx, id, kept, &errors).await,
    };
    let result = state.app.assign_action(actor(&ctx)?, (id, None), new).await;
    after(&state, &ctx, id, "actions", result, kept).await
}

pub async fn follow_up_action(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath((id, action)): PagePath<(MeetingId, ActionItemId)>,
    CsrfForm(form): CsrfForm<FollowUpForm>,
) -> PageResult {
    // An unknown status is refused, not taken for "done".
    let status = match form.validate().and_then(|()| parsed::<ActionStatus>(&form.status, "status")) {
        Ok(status) => status,
        // The status is a hidden field and the note has no place of its
        // own: the refusal is told at the top of the page.
        Err(errors) => {
            let told = rules::refused_fields(&errors).first().map(|(_, problem)| rules::message(ctx.pages.catalog(), ctx.language, problem));
            let banner = FieldErrors::one("form", told.unwrap_or_default());
            return meeting_view(&state, &ctx, id, Kept::default(), banner, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    let result = state.app.follow_up_action(actor(&ctx)?, (id, None), action, status, &form.note).await;
    after(&state, &ctx, id, "actions", result, Kept::default()).await
}

pub async fn download(State(state): State<AppState>, ctx: Ctx, PagePath((id, file)): PagePath<(MeetingId, MeetingFile)>) -> PageResult {
    let download = super::meeting_file(&state.app, actor(&ctx)?, id, file).await;
    Ok(attachment(download.map_err(|e| ctx.failure(&e))?))
}

// --- Follow-up -----------------------------------------------------------------------

/// The follow-up page filters as the API's list does, with the same query.
pub use super::api::ActionItemsQuery as FollowUpQuery;

#[derive(Serialize)]
pub struct FollowUpView {
    pub rows: Vec<FollowUpRowView>,
    pub assignees: Vec<Choice>,
    pub meetings: Vec<MeetingChoice>,
    pub statuses: Vec<Choice>,
}

#[derive(Serialize)]
pub struct FollowUpRowView {
    pub id: String,
    pub text: String,
    pub note: Option<String>,
    pub assignees: String,
    pub deadline: String,
    pub status: String,
    pub overdue: bool,
    pub meeting: String,
    pub meeting_id: String,
}

#[derive(Serialize)]
pub struct MeetingChoice {
    pub id: String,
    pub title: String,
    pub selected: bool,
}

/// `body:<id>` or `person:<id>`, as the filter's options are written.
fn assignee_value(who: &Assignee) -> String {
    match who {
        Assignee::Body(b) => format!("body:{b}"),
        Assignee::Person(p) => format!("person:{p}"),
    }
}

pub async fn follow_up_page(State(state): State<AppState>, ctx: Ctx, Query(query): Query<FollowUpQuery>) -> PageResult {
    let identity = ctx.signed_in()?;
    // The filter's options are ours: one that names nothing was not picked
    // from them, and is refused rather than read as no filter.
    let Ok(filter) = FollowUpFilter::try_from(&query) else {
        return Err(ctx.message(StatusCode::UNPROCESSABLE_ENTITY, "bad_form_title", "bad_filter_body"));
    };
    let found = state.app.follow_up_page(&identity.actor, filter).await.map_err(|e| ctx.failure(&e))?;
    let page = FollowUpView {
        rows: found
            .rows
            .iter()
            .map(|(row, assignees)| FollowUpRowView {
                id: row.action.id.to_string(),
                text: row.action.text.to_string(),
                note: row.action.note.as_ref().map(ToString::to_string),
                assignees: assignees.clone(),
                deadline: crate::i18n::format_day_with_weekday(ctx.language, row.action.deadline),
                status: text(&ctx, &format!("action_status_{}", row.action.status.as_str())),
                overdue: row.overdue,
                meeting: row.meeting_title.to_string(),
                meeting_id: row.meeting.to_string(),
            })
            .collect(),
        assignees: found
            .assignees
            .iter()
            .map(|(who, name)| Choice::new(assignee_value(who), name, filter.assignee == Some(*who)))
            .collect(),
        meetings: found
            .meetings
            .iter()
            .map(|(id, title)| MeetingChoice { id: id.to_string(), title: title.to_string(), selected: Some(*id) == filter.meeting })
            .collect(),
        statuses: STATUSES
            .iter()
            .map(|(value, status, key)| Choice::new(value, text(&ctx, key), filter.status == Some(*status)))
            .collect(),
    };
    Ok(ctx.render("pages/follow_up", "follow_up_title", page))
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let errors = || FieldErrors::one("form", "Không hợp lệ");
    let meetings = MeetingsView {
        meetings: vec![MeetingRowView {
            id: "m1".into(),
            title: "Hội nghị Ban Thường vụ".into(),
            committee: Some("Ban Thường vụ".into()),
            starts_at: "27/06/2023 08:00".into(),
            place: "Phòng họp số 1".into(),
            status: "Đã lên lịch".into(),
        }],
        may_create: true,
        committees: vec![Named::new("c1", "Ban Thường vụ")],
        people: vec![PersonChoice { id: "u1".into(), name: "Lê Văn A".into(), email: "a@b.vn".into() }],
        values: MeetingValues {
            committee: "c1".into(),
            title: "Hội nghị".into(),
            starts_at: "2023-06-27T08:00".into(),
            ends_at: "2023-06-27T11:00".into(),
            place: "Phòng họp".into(),
            presiding: "u1".into(),
            invited: vec!["u1".into()],
        },
        errors: errors(),
    };
    let meeting = MeetingView {
        id: "m1".into(),
        title: "Hội nghị Ban Thường vụ".into(),
        committee: "Ban Thường vụ".into(),
        starts_at: "27/06/2023 08:00".into(),
        ends_at: "27/06/2023 11:00".into(),
        place: "Phòng họp số 1".into(),
        presiding: "Lê Văn A".into(),
        revision: 3,
        status: "Đã họp".into(),
        status_value: "held",
        approved: true,
        change: OfferView { open: true, why_not: Some("Cuộc họp đang «Đã họp».".into()) },
        cancel: OfferView { open: true, why_not: Some("Cuộc họp đang «Đã họp».".into()) },
        cancelled_note: Some("Cuộc họp đã được hủy ngày 20/06/2023 08:00 bởi Lê Văn A. Lý do: Trùng lịch".into()),
        details_values: MeetingValues {
            committee: String::new(),
            title: "Hội nghị".into(),
            starts_at: "2023-06-27T08:00".into(),
            ends_at: "2023-06-27T11:00".into(),
            place: "Phòng họp".into(),
            presiding: "u1".into(),
            invited: vec!["u1".into()],
        },
        details_errors: errors(),
        cancel_reason: "Trùng lịch".into(),
        cancel_errors: errors(),
        guests: vec![PersonChoice { id: "u1".into(), name: "Lê Văn A".into(), email: "a@b.vn".into() }],
        may_manage: true,
        may_mark_held: true,
        may_approve: true,
        may_write_minutes: true,
        may_conclude: true,
        may_follow_up: true,
        people_rows: vec![AttendeeView {
            id: "u1".into(),
            name: "Lê Văn A".into(),
            presence: "Có mặt".into(),
            presences: vec![Choice::new("present", "Có mặt", true)],
            reason: "Đi công tác".into(),
            represented_by: Some("Trần B".into()),
            substitutes: vec![SubstituteView { id: "u2".into(), name: "Trần B".into(), selected: true }],
            error: Some("Hãy chọn một mục có trong danh sách.".into()),
        }],
        agenda: vec![AgendaView {
            id: "a1".into(),
            position: 1,
            title: "Báo cáo sơ kết".into(),
            presenter: "Ban Tuyên giáo".into(),
            minutes: "30 phút".into(),
            report_id: Some("r1".into()),
            report: Some("Báo cáo sơ kết giữa nhiệm kỳ".into()),
            version: Some(2),
            round: Some(1),
            comment_why_not: Some("x".into()),
            values: AgendaValues { title: "Báo cáo".into(), presenter: "b1".into(), report: "r1".into(), minutes_allotted: "30".into() },
            errors: errors(),
            editing: true,
            removable: true,
            first: true,
            last: true,
            up_to: 1,
            down_to: 2,
            opinions: vec![OpinionView {
                id: "o1".into(),
                speaker: "Lê Văn A".into(),
                summary: "Đề nghị bổ sung số liệu.".into(),
                may_comment: true,
                comment_link: Some("/reports/r1/versions/2#comment-c1".into()),
            }],
        }],
        drafts: vec![DraftRefView { report_id: "r1".into(), report: "x".into(), version: 2, round: Some(1) }],
        conclusion: Some(vec!["Cơ bản thống nhất.".into()]),
        conclusion_value: Some("Cơ bản thống nhất.".into()),
        decisions: vec![DecisionView {
            report_id: "r1".into(),
            report: "x".into(),
            commenter: "x".into(),
            comment: "x".into(),
            reason: Some("x".into()),
            decision: "x".into(),
        }],
        actions: vec![ActionView {
            id: "x1".into(),
            text: "Tiếp thu ý kiến".into(),
            assignees: "Ban Tuyên giáo".into(),
            deadline: "10/07/2023".into(),
            status: "Đang làm".into(),
            done: true,
            overdue: true,
            note: Some("Đã xong".into()),
        }],
        bodies: vec![Named::new("b1", "Ban Tuyên giáo")],
        people: vec![Named::new("u1", "Lê Văn A")],
        reports: vec![ReportChoice { id: "r1".into(), title: "Báo cáo sơ kết".into() }],
        agenda_values: AgendaValues { title: "Báo cáo".into(), presenter: "b1".into(), report: "r1".into(), minutes_allotted: "30".into() },
        minutes_values: MinutesValues { agenda_item: "a1".into(), speaker: "u1".into(), summary: "Ý kiến".into() },
        action_values: ActionValues { text: "Việc".into(), deadline: "2023-07-10".into(), working_days: "5".into(), bodies: vec!["b1".into()], people: vec!["u1".into()] },
        errors: errors(),
    };
    let follow_up = FollowUpView {
        rows: vec![FollowUpRowView {
            id: "x1".into(),
            text: "Tiếp thu ý kiến".into(),
            note: Some("Đã xong".into()),
            assignees: "Ban Tuyên giáo".into(),
            deadline: "10/07/2023".into(),
            status: "Đang làm".into(),
            overdue: true,
            meeting: "Hội nghị".into(),
            meeting_id: "m1".into(),
        }],
        assignees: vec![Choice::new("body:b1", "Ban Tuyên giáo", true)],
        meetings: vec![MeetingChoice { id: "m1".into(), title: "Hội nghị".into(), selected: true }],
        statuses: vec![Choice::new("open", "Đang làm", true)],
    };
    let json = |v: serde_json::Result<serde_json::Value>| v.expect("a view becomes JSON");
    vec![
        ("pages/meetings", json(serde_json::to_value(meetings))),
        ("pages/meeting", json(serde_json::to_value(meeting))),
        ("pages/follow_up", json(serde_json::to_value(follow_up))),
    ]
}
