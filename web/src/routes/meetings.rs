//! The pages of meetings: the list with the form that plans one, one
//! meeting with its attendance, agenda, minutes, conclusion and action
//! items, the follow-up page across meetings, and the downloads.
//!
//! Handlers stay thin: read the form, call one use case, render. A refused
//! form comes back on the meeting page with what was typed and the reasons.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::AppError;
use gopy_app::meetings::{
    AttendanceInput, FollowUpFilter, FollowUpStatus, MeetingDetail, NewAction, NewAgendaItem, NewMeeting,
    meeting_resource,
};
use gopy_domain::{
    Action, ActionItem, ActionStatus, Assignee, Body, BodyId, MeetingId, MeetingStatus, Presence, Resource, UserId,
};
use serde::Deserialize;
use serde_json::{Value, json};

use super::reports::{actor, attachment, names};
use crate::AppState;
use crate::auth::{Ctx, CsrfForm, PageResult};
use crate::i18n::{format_date, format_date_time, form_errors, parse_date, parse_local_date_time};
use crate::pages::merge;

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

fn all<T: std::str::FromStr>(pairs: &Pairs, name: &str) -> Vec<T> {
    pairs.iter().filter(|(k, _)| k == name).filter_map(|(_, v)| v.parse().ok()).collect()
}

fn meeting_id(ctx: &Ctx, raw: &str) -> Result<MeetingId, Response> {
    raw.parse().map_err(|_| ctx.not_found())
}

fn text(ctx: &Ctx, key: &str) -> String {
    ctx.pages.catalog().text(ctx.language, key).to_owned()
}

pub(crate) fn status_label(ctx: &Ctx, status: MeetingStatus) -> String {
    text(ctx, &format!("meeting_status_{}", status.as_str()))
}

/// Who an action item is assigned to, in words.
pub(crate) fn assignees_text(action: &ActionItem, bodies: &[Body], people: &HashMap<UserId, String>) -> String {
    action
        .assignees
        .iter()
        .map(|who| match who {
            Assignee::Body(b) => bodies.iter().find(|x| x.id == *b).map(|x| x.name.to_string()).unwrap_or_default(),
            Assignee::Person(p) => people.get(p).cloned().unwrap_or_default(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

// --- The list ------------------------------------------------------------------

pub async fn meetings_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    meetings_view(&state, &ctx, json!({}), StatusCode::OK).await
}

async fn meetings_view(state: &AppState, ctx: &Ctx, extra: Value, status: StatusCode) -> PageResult {
    let actor = actor(ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let meetings = state.app.meetings_for(actor).await.map_err(fail)?;
    let committees = state.app.list_committees().await.map_err(fail)?;
    let zone = &ctx.signed_in()?.user.time_zone;
    let plannable: Vec<_> = committees.iter().filter(|c| ctx.can(Action::PlanMeeting, Resource::Committee(c.id))).collect();
    let may_create = actor.organises() || !plannable.is_empty();
    let mut page = json!({
        "meetings": meetings.iter().map(|m| json!({
            "id": m.id,
            "title": m.title,
            "committee": committees.iter().find(|c| c.id == m.committee).map(|c| c.name.to_string()),
            "starts_at": format_date_time(m.starts_at, zone),
            "place": m.place,
            "status": status_label(ctx, m.status),
        })).collect::<Vec<_>>(),
        "may_create": may_create,
        "values": {},
    });
    if may_create {
        let users = state.app.users().await.map_err(fail)?;
        merge(&mut page, json!({
            "committees": plannable.iter().map(|c| json!({ "id": c.id, "name": c.name })).collect::<Vec<_>>(),
            "people": users.iter().filter(|u| u.active).map(|u| json!({ "id": u.id, "name": u.name, "email": u.email })).collect::<Vec<_>>(),
        }));
    }
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/meetings", "meetings_title", page))
}

fn new_meeting(pairs: &Pairs) -> NewMeeting {
    NewMeeting {
        committee: field(pairs, "committee").parse().ok(),
        title: field(pairs, "title").to_owned(),
        starts_at: parse_local_date_time(field(pairs, "starts_at")),
        ends_at: parse_local_date_time(field(pairs, "ends_at")),
        place: field(pairs, "place").to_owned(),
        presiding: field(pairs, "presiding").parse().ok(),
        invited: all(pairs, "invited"),
    }
}

pub async fn create_meeting(State(state): State<AppState>, ctx: Ctx, CsrfForm(pairs): CsrfForm<Pairs>) -> PageResult {
    let actor = actor(&ctx)?;
    match state.app.plan_meeting(actor, new_meeting(&pairs)).await {
        Ok(meeting) => Ok(Redirect::to(&format!("/meetings/{}", meeting.id)).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let values = json!({
                "committee": field(&pairs, "committee"), "title": field(&pairs, "title"),
                "starts_at": field(&pairs, "starts_at"), "ends_at": field(&pairs, "ends_at"),
                "place": field(&pairs, "place"), "presiding": field(&pairs, "presiding"),
                "invited": pairs.iter().filter(|(k, _)| k == "invited").map(|(_, v)| v).collect::<Vec<_>>(),
            });
            let extra = json!({ "values": values, "errors": form_errors(&ctx, &err) });
            meetings_view(&state, &ctx, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

// --- One meeting -----------------------------------------------------------------

pub async fn meeting_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    meeting_view(&state, &ctx, id, json!({}), StatusCode::OK).await
}

async fn meeting_view(state: &AppState, ctx: &Ctx, id: MeetingId, extra: Value, status: StatusCode) -> PageResult {
    let actor = actor(ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let MeetingDetail { meeting, reports } = state.app.meeting_detail(actor, id).await.map_err(fail)?;
    let users = state.app.users().await.map_err(fail)?;
    let people = names(&users);
    let bodies = state.app.list_bodies().await.map_err(fail)?;
    let committee = state.app.committee(meeting.committee).await.map_err(fail)?;
    let zone = &ctx.signed_in()?.user.time_zone;
    let resource = meeting_resource(&meeting);
    let approved = meeting.status == MeetingStatus::MinutesApproved;
    let may_manage = ctx.can(Action::ManageMeeting, resource) && !approved;
    let may_write = ctx.can(Action::WriteMinutes, resource);
    let now = time::OffsetDateTime::now_utc();
    let name = |u: &UserId| people.get(u).cloned().unwrap_or_default();
    let body_name = |b: &BodyId| bodies.iter().find(|x| x.id == *b).map(|x| x.name.to_string()).unwrap_or_default();
    let mut everyone = meeting.invited.clone();
    everyone.extend(meeting.attendance.iter().map(|a| a.person).filter(|p| !meeting.invited.contains(p)));
    let people_rows: Vec<Value> = everyone
        .iter()
        .map(|person| {
            let presence = meeting.attendance.iter().find(|a| a.person == *person).map(|a| &a.presence);
            let value = presence.map_or("", |p| p.as_str());
            let (reason, by) = match presence {
                Some(Presence::Absent { reason }) => (reason.to_string(), None),
                Some(Presence::Represented { by }) => (String::new(), Some(*by)),
                _ => (String::new(), None),
            };
            json!({
                "id": person,
                "name": name(person),
                "presence": text(ctx, &format!("presence_{}", if value.is_empty() { "unrecorded" } else { value })),
                "presences": PRESENCES.iter().map(|v| json!({
                    "value": v, "selected": *v == value,
                    "label": text(ctx, &format!("presence_{}", if v.is_empty() { "unrecorded" } else { v })),
                })).collect::<Vec<_>>(),
                "reason": reason,
                "represented_by": by.map(|b| name(&b)),
                "substitutes": users.iter().filter(|u| u.active && u.id != *person).map(|u| json!({
                    "id": u.id, "name": u.name, "selected": Some(u.id) == by,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let report_of = |id| reports.iter().find(|(r, _)| r.id == id);
    let agenda: Vec<Value> = meeting
        .agenda
        .iter()
        .map(|a| {
            let linked = a.report.and_then(report_of);
            json!({
                "id": a.id,
                "position": a.position,
                "title": a.title,
                "presenter": body_name(&a.presenter),
                "minutes": a.minutes_allotted,
                "report_id": a.report,
                "report": linked.map(|(r, _)| r.title.to_string()),
                "version": linked.and_then(|(_, v)| *v),
                "opinions": meeting.minutes.iter().filter(|m| m.agenda_item == a.id).map(|m| json!({
                    "id": m.id,
                    "speaker": name(&m.speaker),
                    "summary": m.summary,
                    "may_comment": may_write && linked.is_some_and(|(_, v)| v.is_some()),
                    "comment_link": m.comment.and_then(|c| linked.and_then(|(r, v)| v.map(|v| format!("/reports/{}/versions/{v}#comment-{c}", r.id)))),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let committee_reports: Vec<Value> = state
        .app
        .reports_for(actor)
        .await
        .map_err(fail)?
        .into_iter()
        .filter(|r| r.committee == meeting.committee)
        .map(|r| json!({ "id": r.id, "title": r.title }))
        .collect();
    let mut page = json!({
        "id": meeting.id,
        "title": meeting.title,
        "committee": committee.name,
        "starts_at": format_date_time(meeting.starts_at, zone),
        "ends_at": format_date_time(meeting.ends_at, zone),
        "place": meeting.place,
        "presiding": name(&meeting.presiding),
        "status": status_label(ctx, meeting.status),
        "status_value": meeting.status.as_str(),
        "approved": approved,
        "may_manage": may_manage,
        "may_mark_held": may_manage && meeting.status == MeetingStatus::Planned,
        "may_approve": ctx.can(Action::ApproveMinutes, resource) && meeting.status == MeetingStatus::Held,
        "may_write_minutes": may_write && !approved,
        "may_conclude": ctx.can(Action::Conclude, resource) && !approved,
        "may_follow_up": ctx.can(Action::FollowUpAction, resource),
        "people_rows": people_rows,
        "agenda": agenda,
        "conclusion": meeting.conclusion.as_ref().map(|c| c.text.as_str().lines().map(str::to_owned).collect::<Vec<_>>()),
        "conclusion_value": meeting.conclusion.as_ref().map(|c| c.text.to_string()),
        "actions": meeting.actions.iter().map(|a| json!({
            "id": a.id,
            "text": a.text,
            "assignees": assignees_text(a, &bodies, &people),
            "deadline": format_date(a.deadline),
            "status": text(ctx, &format!("action_status_{}", a.status.as_str())),
            "done": a.status == ActionStatus::Done,
            "overdue": a.is_overdue(now),
            "note": a.note,
        })).collect::<Vec<_>>(),
        "bodies": bodies.iter().map(|b| json!({ "id": b.id, "name": b.name })).collect::<Vec<_>>(),
        "people": users.iter().filter(|u| u.active).map(|u| json!({ "id": u.id, "name": u.name })).collect::<Vec<_>>(),
        "reports": committee_reports,
    });
    merge(&mut page, extra);
    Ok(ctx.render_with_status(status, "pages/meeting", "meeting_title", page))
}

/// After a change: back to the meeting, at the section changed; after a
/// refusal: the meeting page again with what was typed and why.
async fn after<T>(
    state: &AppState,
    ctx: &Ctx,
    id: MeetingId,
    section: &str,
    result: Result<T, AppError>,
    kept: Value,
) -> PageResult {
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/meetings/{id}#{section}")).into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let mut extra = kept;
            merge(&mut extra, json!({ "errors": form_errors(ctx, &err) }));
            meeting_view(state, ctx, id, extra, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn add_agenda_item(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let new = NewAgendaItem {
        title: field(&pairs, "title").to_owned(),
        presenter: field(&pairs, "presenter").parse().ok(),
        report: field(&pairs, "report").parse().ok(),
        minutes_allotted: field(&pairs, "minutes_allotted").trim().parse().ok(),
    };
    let result = state.app.add_agenda_item(actor(&ctx)?, id, new).await;
    let kept = json!({ "agenda_values": {
        "title": field(&pairs, "title"), "presenter": field(&pairs, "presenter"),
        "report": field(&pairs, "report"), "minutes_allotted": field(&pairs, "minutes_allotted"),
    }});
    after(&state, &ctx, id, "agenda", result, kept).await
}

pub async fn record_attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let inputs = pairs
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("presence_")?.parse::<UserId>().ok()?, v)))
        .filter(|(_, presence)| !presence.is_empty())
        .map(|(person, presence)| AttendanceInput {
            person,
            presence: presence.clone(),
            reason: field(&pairs, &format!("reason_{person}")).to_owned(),
            represented_by: field(&pairs, &format!("by_{person}")).parse().ok(),
        })
        .collect();
    let result = state.app.record_attendance(actor(&ctx)?, id, inputs).await;
    after(&state, &ctx, id, "attendance", result, json!({})).await
}

pub async fn record_opinion(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let result = state
        .app
        .record_opinion(
            actor(&ctx)?,
            id,
            field(&pairs, "agenda_item").parse().ok(),
            field(&pairs, "speaker").parse().ok(),
            field(&pairs, "summary"),
        )
        .await;
    let kept = json!({ "minutes_values": {
        "agenda_item": field(&pairs, "agenda_item"), "speaker": field(&pairs, "speaker"), "summary": field(&pairs, "summary"),
    }});
    after(&state, &ctx, id, "minutes", result, kept).await
}

pub async fn opinion_to_comment(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, entry)): Path<(String, String)>,
    CsrfForm(_): CsrfForm<Pairs>,
) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let entry = entry.parse().map_err(|_| ctx.not_found())?;
    let result = state.app.opinion_to_comment(actor(&ctx)?, id, entry).await;
    after(&state, &ctx, id, "minutes", result, json!({})).await
}

pub async fn mark_held(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>, CsrfForm(_): CsrfForm<Pairs>) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let result = state.app.mark_meeting_held(actor(&ctx)?, id).await;
    after(&state, &ctx, id, "minutes", result, json!({})).await
}

pub async fn approve_minutes(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>, CsrfForm(_): CsrfForm<Pairs>) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let result = state.app.approve_minutes(actor(&ctx)?, id).await;
    after(&state, &ctx, id, "minutes", result, json!({})).await
}

pub async fn conclude(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>, CsrfForm(pairs): CsrfForm<Pairs>) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let result = state.app.conclude(actor(&ctx)?, id, field(&pairs, "conclusion")).await;
    after(&state, &ctx, id, "conclusion", result, json!({ "conclusion_value": field(&pairs, "conclusion") })).await
}

pub async fn assign_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let new = NewAction {
        text: field(&pairs, "text").to_owned(),
        bodies: all(&pairs, "bodies"),
        people: all(&pairs, "people"),
        deadline: parse_date(field(&pairs, "deadline")),
    };
    let result = state.app.assign_action(actor(&ctx)?, id, new).await;
    let picked = |name: &str| pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    let kept = json!({ "action_values": {
        "text": field(&pairs, "text"), "deadline": field(&pairs, "deadline"),
        "bodies": picked("bodies"), "people": picked("people"),
    }});
    after(&state, &ctx, id, "actions", result, kept).await
}

pub async fn follow_up_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let action = action.parse().map_err(|_| ctx.not_found())?;
    let status = field(&pairs, "status").parse().unwrap_or(ActionStatus::Done);
    let result = state.app.follow_up_action(actor(&ctx)?, id, action, status, field(&pairs, "note")).await;
    after(&state, &ctx, id, "actions", result, json!({})).await
}

pub async fn download(State(state): State<AppState>, ctx: Ctx, Path((id, file)): Path<(String, String)>) -> PageResult {
    let id = meeting_id(&ctx, &id)?;
    let actor = actor(&ctx)?;
    let download = match file.as_str() {
        "bien-ban.docx" => state.app.export_minutes(actor, id).await,
        "thong-bao-ket-luan.docx" => state.app.export_conclusion_notice(actor, id).await,
        "meeting.ics" => state.app.export_ics(actor, id).await,
        _ => return Err(ctx.not_found()),
    };
    Ok(attachment(download.map_err(|e| ctx.failure(&e))?))
}

// --- Follow-up -----------------------------------------------------------------------

#[derive(Deserialize)]
pub struct FollowUpQuery {
    assignee: Option<String>,
    meeting: Option<String>,
    status: Option<String>,
}

/// `body:<id>` or `person:<id>`, as the filter's options are written.
pub(crate) fn parse_assignee(raw: &str) -> Option<Assignee> {
    let (kind, id) = raw.split_once(':')?;
    match kind {
        "body" => id.parse().ok().map(Assignee::Body),
        "person" => id.parse().ok().map(Assignee::Person),
        _ => None,
    }
}

pub async fn follow_up_page(State(state): State<AppState>, ctx: Ctx, Query(query): Query<FollowUpQuery>) -> PageResult {
    let actor = actor(&ctx)?;
    let fail = |e: AppError| ctx.failure(&e);
    let filter = FollowUpFilter {
        assignee: query.assignee.as_deref().and_then(parse_assignee),
        meeting: query.meeting.as_deref().and_then(|m| m.parse().ok()),
        status: query.status.as_deref().and_then(|s| s.parse().ok()),
    };
    let rows = state.app.follow_up(actor, filter).await.map_err(fail)?;
    let meetings = state.app.meetings_for(actor).await.map_err(fail)?;
    let users = state.app.users().await.map_err(fail)?;
    let people = names(&users);
    let bodies = state.app.list_bodies().await.map_err(fail)?;
    let mut assignees: Vec<(String, String)> = Vec::new();
    for m in &meetings {
        for a in &m.actions {
            for who in &a.assignees {
                let (value, label) = match who {
                    Assignee::Body(b) => (format!("body:{b}"), bodies.iter().find(|x| x.id == *b).map(|x| x.name.to_string())),
                    Assignee::Person(p) => (format!("person:{p}"), people.get(p).cloned()),
                };
                if !assignees.iter().any(|(v, _)| *v == value) {
                    assignees.push((value, label.unwrap_or_default()));
                }
            }
        }
    }
    assignees.sort_by_key(|(_, label)| gopy_domain::collation_key(label));
    let chosen = query.assignee.clone().unwrap_or_default();
    let page = json!({
        "rows": rows.iter().map(|r| json!({
            "id": r.action.id,
            "text": r.action.text,
            "note": r.action.note,
            "assignees": assignees_text(&r.action, &bodies, &people),
            "deadline": format_date(r.action.deadline),
            "status": text(&ctx, &format!("action_status_{}", r.action.status.as_str())),
            "overdue": r.overdue,
            "meeting": r.meeting_title,
            "meeting_id": r.meeting,
        })).collect::<Vec<_>>(),
        "assignees": assignees.iter().map(|(value, label)| json!({ "value": value, "label": label, "selected": *value == chosen })).collect::<Vec<_>>(),
        "meetings": meetings.iter().map(|m| json!({ "id": m.id, "title": m.title, "selected": Some(m.id) == filter.meeting })).collect::<Vec<_>>(),
        "statuses": STATUSES
            .iter()
            .map(|(value, status, key)| json!({ "value": value, "label": text(&ctx, key), "selected": filter.status == Some(*status) }))
            .collect::<Vec<_>>(),
    });
    Ok(ctx.render("pages/follow_up", "follow_up_title", page))
}
