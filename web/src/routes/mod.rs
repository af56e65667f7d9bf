//! The router: every route Gopy answers, and the fallbacks for the rest.

mod accounts;
mod admin;
pub mod api;
mod health;
mod mail;
mod reports;
mod reports_api;
mod site;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use api::ApiDoc;

/// All routes, with `state` attached. Middleware is added by [`crate::server`].
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/", get(site::home))
        .route("/language/{code}", get(site::choose_language))
        .route("/static/{*file}", get(site::static_file))
        .route("/sign-in", get(accounts::sign_in_page).post(accounts::sign_in))
        .route("/sign-out", post(accounts::sign_out))
        .route("/setup", get(accounts::setup_page).post(accounts::setup))
        .route("/set-password/{secret}", get(accounts::set_password_page).post(accounts::set_password))
        .route("/account", get(accounts::account_page))
        .route("/account/profile", post(accounts::update_profile))
        .route("/account/password", post(accounts::change_password))
        .route("/account/notifications", post(accounts::choose_notifications))
        .route("/account/sessions/end-all", post(accounts::end_all_sessions))
        .route("/account/sessions/{id}/end", post(accounts::end_session))
        .route("/account/tokens", post(accounts::create_token))
        .route("/account/tokens/{id}/revoke", post(accounts::revoke_token))
        .route("/admin/people", get(admin::people_page).post(admin::invite))
        .route("/admin/people/{id}", get(admin::person_page).post(admin::change_person))
        .route("/admin/people/{id}/roles", post(admin::set_roles))
        .route("/admin/people/{id}/reset-link", post(admin::reset_link))
        .route("/admin/bodies", get(admin::bodies_page).post(admin::create_body))
        .route("/admin/mail", get(mail::mail_page))
        .route("/admin/mail/{id}/resend", post(mail::resend))
        .route("/committees", get(admin::committees_page).post(admin::create_committee))
        .route("/committees/{id}", get(admin::committee_page))
        .route("/committees/{id}/members", post(admin::add_member))
        .route("/reports", get(reports::reports_page).post(reports::create_report))
        .route("/reports/{id}", get(reports::report_page))
        .route("/reports/{id}/versions", post(reports::add_version))
        .route("/reports/{id}/versions/{number}", get(reports::version_page))
        .route("/reports/{id}/versions/{number}/{file}", get(reports::export_version))
        .route("/reports/{id}/diff", get(reports::diff_page))
        .nest("/api", api::router().merge(reports_api::router()))
        .fallback(site::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::csrf_cookie))
        .with_state(state)
}
