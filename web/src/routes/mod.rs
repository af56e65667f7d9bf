//! The router: every route Gopy answers, and the fallbacks for the rest.

mod accounts;
mod admin;
pub mod api;
mod dispositions;
mod health;
mod indicators;
mod meetings;
mod reports;
mod reports_api;
mod review;
mod rounds;
mod search;
mod comments_api;
mod site;
mod views;

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
    samples.extend(site::view_samples());
    samples.extend(accounts::view_samples());
    samples.extend(admin::view_samples());
    samples.extend(search::view_samples());
    samples.extend(meetings::view_samples());
    samples
}

/// All routes, with `state` attached. Middleware is added by [`crate::server`].
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .merge(site::router())
        .merge(accounts::router())
        .merge(admin::router())
        .merge(search::router())
        .merge(meetings::router())
        .route("/reports", get(reports::reports_page).post(reports::create_report))
        .route("/reports/{id}", get(reports::report_page))
        .route("/reports/{id}/versions", post(reports::add_version))
        .route("/reports/{id}/versions/{number}", get(review::version_page))
        .route("/reports/{id}/comments", get(review::comments_page).post(review::post_comment))
        .route("/reports/{id}/events", get(review::events))
        .route("/reports/{id}/dispositions", get(dispositions::dispositions_page))
        .route("/reports/{id}/steps", post(rounds::take_step))
        .route("/reports/{id}/ballot", post(rounds::vote))
        .route("/reports/{id}/timeline", get(rounds::timeline_page))
        .route("/dashboard", get(rounds::dashboard_page))
        .route("/reports/{id}/{file}", get(dispositions::dispositions_file))
        .route("/comments/{id}/replies", post(review::reply))
        .route("/comments/{id}/edit", post(review::edit_comment))
        .route("/comments/{id}/withdraw", post(review::withdraw_comment))
        .route("/comments/{id}/disposition", post(review::answer_comment))
        .route("/comments/{id}/card", get(review::thread_card))
        .route("/comments/{id}/history", get(review::history_page))
        .route("/reports/{id}/versions/{number}/{file}", get(reports::export_version))
        .route("/reports/{id}/versions/{number}/indicators", get(indicators::indicators_page))
        .route("/reports/{id}/versions/{number}/indicators/{chart}", get(indicators::indicators_chart))
        .route("/reports/{id}/versions/{number}/indicators/adopt", post(indicators::adopt))
        .route("/reports/{id}/versions/{number}/indicators/direction", post(indicators::set_direction))
        .route("/reports/{id}/versions/{number}/indicators/record", post(indicators::record))
        .route("/reports/{id}/diff", get(reports::diff_page))
        .nest(
            "/api",
            api::router()
                .merge(reports_api::router())
                .merge(comments_api::router())
                .merge(meetings::api_router())
                .merge(search::api_router())
                .route("/v1/reports/{id}/transitions", post(rounds::api_transition))
                .route("/v1/reports/{id}/ballot", get(rounds::api_ballot).put(rounds::api_vote))
                .route("/v1/reports/{id}/timeline", get(rounds::api_timeline)),
        )
        .fallback(site::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::limits::limit_writes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::csrf_cookie))
        .with_state(state)
}
