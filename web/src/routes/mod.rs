//! The router: every route Gopy answers, and the fallbacks for the rest.

mod api;
mod health;
mod site;

use axum::Router;
use axum::routing::get;

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
        .nest("/api", api::router())
        .fallback(site::not_found)
        .with_state(state)
}
