//! `/admin/mail`: the outbox as admins see it (waiting, sent and failed
//! mail, newest first, with the error) and a resend for failed mail.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use gopy_app::mail::MailOverview;
use gopy_domain::{Action, MailRecord, MailStatus, OutboxMessageId, Resource};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{Ctx, CsrfForm, PageResult};
use crate::i18n::{format_count, format_date_time};

fn rows(overview: &MailOverview, records: &[MailRecord], time_zone: &str) -> Vec<Value> {
    records
        .iter()
        .map(|r| {
            let recipient = overview
                .recipients
                .get(&r.message.recipient)
                .map_or_else(|| r.message.recipient.to_string(), |u| format!("{} <{}>", u.name, u.email));
            json!({
                "id": r.message.id,
                "kind": r.message.kind,
                "recipient": recipient,
                "created_at": format_date_time(r.message.created_at, time_zone),
                "sent_at": r.message.sent_at.map(|at| format_date_time(at, time_zone)),
                "due_at": (r.status == MailStatus::Pending).then(|| format_date_time(r.message.due_at, time_zone)),
                "attempts": r.attempts,
                "error": r.last_error,
                "resendable": r.status == MailStatus::Failed,
            })
        })
        .collect()
}

pub async fn mail_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let identity = ctx.may(Action::ManageMail, Resource::Organisation)?;
    let overview = state.app.mail_overview(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let zone = identity.user.time_zone.as_str();
    let catalog = ctx.pages.catalog();
    let (pending, sent, failed) = overview.counts;
    let section = |status: MailStatus, key: &str, count: u64, records: &[MailRecord]| {
        json!({
            "status": status.as_str(),
            "heading": catalog.text(ctx.language, key),
            "count": format_count(count),
            "rows": rows(&overview, records, zone),
        })
    };
    let mail = &state.settings.mail;
    let transport = if mail.smtp_url.trim().is_empty() {
        format!("→ {}/*.eml", mail.folder)
    } else {
        format!("→ {}", gopy_notifier::redact_smtp_url(&mail.smtp_url))
    };
    let page = json!({
        "transport": transport,
        "sections": [
            section(MailStatus::Failed, "mail_failed", failed, &overview.failed),
            section(MailStatus::Pending, "mail_pending", pending, &overview.pending),
            section(MailStatus::Sent, "mail_sent", sent, &overview.sent),
        ],
    });
    Ok(ctx.render("pages/admin_mail", "mail_title", page))
}

pub async fn resend(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<Value>,
) -> PageResult {
    let identity = ctx.may(Action::ManageMail, Resource::Organisation)?;
    let id: OutboxMessageId = id.parse().map_err(|_| ctx.not_found())?;
    state.app.resend_mail(&identity.actor, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(Redirect::to("/admin/mail").into_response())
}
