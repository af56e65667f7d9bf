//! Meetings: the list, one meeting's page with its forms, the follow-up
//! page, the downloads, and the JSON API.

pub(crate) mod api;
mod pages;

use axum::Router;
use axum::routing::{get, post};

use gopy_app::reports::Download;
use gopy_app::{App, AppError};
use gopy_domain::{Actor, MeetingId};

use crate::AppState;

/// The files a meeting offers, by the names in their addresses (the page's
/// and the API's alike).
#[derive(Clone, Copy, serde::Deserialize)]
pub enum MeetingFile {
    #[serde(rename = "bien-ban.docx")]
    Minutes,
    #[serde(rename = "thong-bao-ket-luan.docx")]
    ConclusionNotice,
    #[serde(rename = "meeting.ics")]
    Invitation,
}

async fn meeting_file(app: &App, actor: &Actor, id: MeetingId, file: MeetingFile) -> Result<Download, AppError> {
    match file {
        MeetingFile::Minutes => app.export_minutes(actor, id).await,
        MeetingFile::ConclusionNotice => app.export_conclusion_notice(actor, id).await,
        MeetingFile::Invitation => app.export_ics(actor, id).await,
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/meetings", get(pages::meetings_page).post(pages::create_meeting))
        .route("/meetings/{id}", get(pages::meeting_page))
        .route("/meetings/{id}/details", post(pages::change_details))
        .route("/meetings/{id}/cancel", post(pages::cancel_meeting))
        .route("/meetings/{id}/agenda", post(pages::add_agenda_item))
        .route("/meetings/{id}/agenda/{item}", post(pages::change_agenda_item))
        .route("/meetings/{id}/agenda/{item}/move", post(pages::move_agenda_item))
        .route("/meetings/{id}/agenda/{item}/remove", post(pages::remove_agenda_item))
        .route("/meetings/{id}/attendance", post(pages::record_attendance))
        .route("/meetings/{id}/minutes", post(pages::record_opinion))
        .route("/meetings/{id}/minutes/{entry}/comment", post(pages::opinion_to_comment))
        .route("/meetings/{id}/held", post(pages::mark_held))
        .route("/meetings/{id}/approve", post(pages::approve_minutes))
        .route("/meetings/{id}/conclusion", post(pages::conclude))
        .route("/meetings/{id}/actions", post(pages::assign_action))
        .route("/meetings/{id}/actions/{action}", post(pages::follow_up_action))
        .route("/meetings/{id}/{file}", get(pages::download))
        .route("/follow-up", get(pages::follow_up_page))
}

/// Routes under `/api`.
pub fn api_router() -> Router<AppState> {
    api::router()
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    pages::view_samples()
}
