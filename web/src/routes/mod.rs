//! The router: every route Gopy answers, and the fallbacks for the rest.

mod accounts;
mod admin;
pub mod api;
mod dispositions;
mod health;
mod indicators;
mod meetings;
mod meetings_api;
mod mail;
mod reports;
mod reports_api;
mod review;
mod rounds;
mod search;
mod site;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub use api::ApiDoc;

/// Every page template with a view of its own type, every optional part
/// filled and every list non-empty, for the test that renders them all in
/// strict mode. Each feature adds its own.
#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    #[allow(unused_mut)]
    let mut samples = Vec::new();
    // One line per feature: samples.extend(feature::view_samples());
    samples.extend(review::view_samples());
    samples
}

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
        .route("/admin/terms", get(admin::terms_page).post(admin::create_term))
        .route("/admin/mail", get(mail::mail_page))
        .route("/admin/mail/{id}/resend", post(mail::resend))
        .route("/committees", get(admin::committees_page).post(admin::create_committee))
        .route("/committees/{id}", get(admin::committee_page))
        .route("/committees/{id}/members", post(admin::add_member))
        .route("/reports", get(reports::reports_page).post(reports::create_report))
        .route("/reports/{id}", get(reports::report_page))
        .route("/reports/{id}/versions", post(reports::add_version))
        .route("/reports/{id}/dispositions", get(dispositions::dispositions_page))
        .route("/reports/{id}/steps", post(rounds::take_step))
        .route("/reports/{id}/ballot", post(rounds::vote))
        .route("/reports/{id}/timeline", get(rounds::timeline_page))
        .route("/dashboard", get(rounds::dashboard_page))
        .route("/search", get(search::search_page))
        .route("/reports/{id}/{file}", get(dispositions::dispositions_file))
        .route("/reports/{id}/versions/{number}/{file}", get(reports::export_version))
        .route("/reports/{id}/versions/{number}/indicators", get(indicators::indicators_page))
        .route("/reports/{id}/versions/{number}/indicators/{chart}", get(indicators::indicators_chart))
        .route("/reports/{id}/versions/{number}/indicators/adopt", post(indicators::adopt))
        .route("/reports/{id}/versions/{number}/indicators/direction", post(indicators::set_direction))
        .route("/reports/{id}/versions/{number}/indicators/record", post(indicators::record))
        .route("/reports/{id}/diff", get(reports::diff_page))
        .route("/meetings", get(meetings::meetings_page).post(meetings::create_meeting))
        .route("/meetings/{id}", get(meetings::meeting_page))
        .route("/meetings/{id}/agenda", post(meetings::add_agenda_item))
        .route("/meetings/{id}/attendance", post(meetings::record_attendance))
        .route("/meetings/{id}/minutes", post(meetings::record_opinion))
        .route("/meetings/{id}/minutes/{entry}/comment", post(meetings::opinion_to_comment))
        .route("/meetings/{id}/held", post(meetings::mark_held))
        .route("/meetings/{id}/approve", post(meetings::approve_minutes))
        .route("/meetings/{id}/conclusion", post(meetings::conclude))
        .route("/meetings/{id}/actions", post(meetings::assign_action))
        .route("/meetings/{id}/actions/{action}", post(meetings::follow_up_action))
        .route("/meetings/{id}/{file}", get(meetings::download))
        .route("/follow-up", get(meetings::follow_up_page))
        .merge(review::router())
        .nest(
            "/api",
            api::router()
                .merge(reports_api::router())
                .merge(review::api::router())
                .merge(meetings_api::router())
                .route("/v1/reports/{id}/transitions", post(rounds::api_transition))
                .route("/v1/reports/{id}/ballot", get(rounds::api_ballot).put(rounds::api_vote))
                .route("/v1/reports/{id}/timeline", get(rounds::api_timeline))
                .route("/v1/search", get(search::api_search)),
        )
        .fallback(site::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::limits::limit_writes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::csrf_cookie))
        .with_state(state)
}
