//! The router: every route Gopy answers, and the fallbacks for the rest.

mod accounts;
mod admin;
pub mod api;
mod health;
mod meetings;
mod reports;
mod review;
mod search;
mod site;
mod views;

// The review loop's API routes the table of dispositions from here.
use reports::dispositions;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub use api::ApiDoc;
pub use site::awaiting_text;

/// Every page template with a view of its own type, every optional part
/// filled and every list non-empty, for the test that renders them all in
/// strict mode. Each feature adds its own.
#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    #[allow(unused_mut)]
    let mut samples = Vec::new();
    // One line per feature: samples.extend(feature::view_samples());
    samples.extend(reports::view_samples());
    samples.extend(site::view_samples());
    samples.extend(accounts::view_samples());
    samples.extend(admin::view_samples());
    samples.extend(search::view_samples());
    samples.extend(meetings::view_samples());
    samples.extend(review::view_samples());
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
        .merge(reports::router())
        .merge(review::router())
        .nest(
            "/api",
            api::router()
                .merge(reports::api_router())
                .merge(review::api::router())
                .merge(meetings::api_router())
                .merge(search::api_router())
                .merge(admin::api_router())
                .merge(accounts::api_router())
                .merge(admin::holidays_api_router()),
        )
        .fallback(site::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::limits::limit_writes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), crate::auth::csrf_cookie))
        .with_state(state)
}
