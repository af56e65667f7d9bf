//! The secretariat's and admins' pages: people, bodies, terms, committees
//! and their members, the working-day calendar, and the mail log.

mod api;
pub(crate) mod holidays;
mod import;
mod mail;
mod pages;

pub use api::OrganisationApi;
pub use import::PeopleImportApi;
pub(crate) use holidays::api_router as holidays_api_router;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/people", get(pages::people_page).post(pages::invite))
        .route("/admin/people/import", get(import::import_page).post(import::preview))
        .route("/admin/people/import/store", post(import::store))
        .route("/admin/people/{id}", get(pages::person_page).post(pages::change_person))
        .route("/admin/people/{id}/roles", post(pages::set_roles))
        .route("/admin/people/{id}/reset-link", post(pages::reset_link))
        .route("/admin/bodies", get(pages::bodies_page).post(pages::create_body))
        .route("/admin/terms", get(pages::terms_page).post(pages::create_term))
        .route("/admin/holidays", get(holidays::holidays_page).post(holidays::add_holiday))
        .route("/admin/holidays/{day}/remove", post(holidays::remove_holiday))
        .route("/admin/mail", get(mail::mail_page))
        .route("/admin/mail/{id}/resend", post(mail::resend))
        .route("/committees", get(pages::committees_page).post(pages::create_committee))
        .route("/committees/{id}", get(pages::committee_page))
        .route("/committees/{id}/members", post(pages::add_member))
}

/// The organisation's API, and the import of people beside it.
pub fn api_router() -> Router<AppState> {
    api::router().merge(import::api_router())
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let mut samples = pages::view_samples();
    samples.extend(mail::view_samples());
    samples.extend(holidays::view_samples());
    samples.extend(import::view_samples());
    samples
}
