//! The start page, the language switch, the embedded assets, and the page
//! for addresses Gopy does not know.

mod pages;

use axum::Router;
use axum::routing::get;

use crate::AppState;

pub use pages::{awaiting_text, not_found};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/language/{code}", get(pages::choose_language))
        .route("/static/{*file}", get(pages::static_file))
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    pages::view_samples()
}
