//! Signing in and out, the first-run page, setting a password through a
//! link, and a person's own account.

mod api;
mod pages;

pub use api::{AccountApi, router as api_router};

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sign-in", get(pages::sign_in_page).post(pages::sign_in))
        .route("/sign-out", post(pages::sign_out))
        .route("/setup", get(pages::setup_page).post(pages::setup))
        .route("/set-password/{secret}", get(pages::set_password_page).post(pages::set_password))
        .route("/account", get(pages::account_page))
        .route("/account/profile", post(pages::update_profile))
        .route("/account/password", post(pages::change_password))
        .route("/account/notifications", post(pages::choose_notifications))
        .route("/account/sessions/end-all", post(pages::end_all_sessions))
        .route("/account/sessions/{id}/end", post(pages::end_session))
        .route("/account/tokens", post(pages::create_token))
        .route("/account/tokens/{id}/revoke", post(pages::revoke_token))
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    pages::view_samples()
}
