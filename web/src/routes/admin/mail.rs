//! `/admin/mail`: the outbox as admins see it (waiting, sent and failed
//! mail, newest first, with the error) and a resend for failed mail.

use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use gopy_app::mail::MailOverview;
use gopy_domain::{MailRecord, MailStatus, OutboxMessageId};
use serde::Serialize;
use crate::rules::Confirm;

use crate::AppState;
use crate::auth::{Ctx, CsrfForm, PageResult};
use crate::i18n::{format_count, format_date_time};
use crate::paths::PagePath;

#[derive(Serialize)]
pub struct MailLogView {
    /// Where mail goes: the SMTP server (its password hidden) or the folder.
    pub transport: String,
    pub sections: Vec<MailSectionView>,
}

/// The mail of one status: failed, waiting or sent.
#[derive(Serialize)]
pub struct MailSectionView {
    pub status: &'static str,
    pub heading: String,
    pub count: String,
    pub rows: Vec<MailRowView>,
}

#[derive(Serialize)]
pub struct MailRowView {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub due_at: Option<String>,
    pub attempts: u32,
    pub error: Option<String>,
    pub resendable: bool,
}

fn rows(overview: &MailOverview, records: &[MailRecord], time_zone: &str) -> Vec<MailRowView> {
    records
        .iter()
        .map(|r| {
            let recipient = overview
                .recipients
                .get(&r.message.recipient)
                .map_or_else(|| r.message.recipient.to_string(), |u| format!("{} <{}>", u.name, u.email));
            MailRowView {
                id: r.message.id.to_string(),
                kind: r.message.kind_name().to_owned(),
                recipient,
                created_at: format_date_time(r.message.created_at, time_zone),
                sent_at: r.message.sent_at.map(|at| format_date_time(at, time_zone)),
                due_at: (r.status == MailStatus::Pending).then(|| format_date_time(r.message.due_at, time_zone)),
                attempts: r.attempts,
                error: r.last_error.clone(),
                resendable: r.status == MailStatus::Failed,
            }
        })
        .collect()
}

pub async fn mail_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let identity = ctx.signed_in()?;
    let overview = state.app.mail_log(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let zone = identity.user.time_zone.as_str();
    let catalog = ctx.pages.catalog();
    let (pending, sent, failed) = overview.counts;
    let section = |status: MailStatus, key: &str, count: u64, records: &[MailRecord]| MailSectionView {
        status: status.as_str(),
        heading: catalog.text(ctx.language, key).to_owned(),
        count: format_count(count),
        rows: rows(&overview, records, zone),
    };
    let mail = &state.settings.mail;
    let transport = if mail.smtp_url.trim().is_empty() {
        format!("→ {}/*.eml", mail.folder)
    } else {
        format!("→ {}", gopy_notifier::redact_smtp_url(&mail.smtp_url))
    };
    let page = MailLogView {
        transport,
        sections: vec![
            section(MailStatus::Failed, "mail_failed", failed, &overview.failed),
            section(MailStatus::Pending, "mail_pending", pending, &overview.pending),
            section(MailStatus::Sent, "mail_sent", sent, &overview.sent),
        ],
    };
    Ok(ctx.render("pages/admin_mail", "mail_title", page))
}

pub async fn resend(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(id): PagePath<OutboxMessageId>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> PageResult {
    let identity = ctx.signed_in()?;
    // The use case asks the authorization function: only admins resend.
    state.app.resend_mail(&identity.actor, id).await.map_err(|e| ctx.failure(&e))?;
    Ok(Redirect::to("/admin/mail").into_response())
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let row = MailRowView {
        id: "m1".into(),
        kind: "comment.posted".into(),
        recipient: "Lê Văn A <a@b.vn>".into(),
        created_at: "27/06/2023 08:00".into(),
        sent_at: Some("27/06/2023 08:01".into()),
        due_at: Some("27/06/2023 08:00".into()),
        attempts: 1,
        error: Some("550".into()),
        resendable: true,
    };
    let view = MailLogView {
        transport: "→ data/mail/*.eml".into(),
        sections: vec![MailSectionView { status: "failed", heading: "Lỗi".into(), count: "1".into(), rows: vec![row] }],
    };
    vec![("pages/admin_mail", serde_json::to_value(view).expect("mail view"))]
}
