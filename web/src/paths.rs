//! Path parameters, typed at the edge.
//!
//! A handler names what its path holds (`PagePath<ReportId>`,
//! `ApiPath<(MeetingId, AgendaItemId)>`, `PagePath<(ReportId, u32)>`), and
//! the router's segment is parsed once, here. A segment that is not such a
//! value names nothing we have: the page answers with the 404 page, the API
//! with its 404 JSON, in the caller's language, before the handler runs.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::auth::Ctx;
use crate::i18n::language_of;
use crate::routes::api::ApiError;

/// A page's path parameters, typed; the 404 page when they do not parse.
pub struct PagePath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for PagePath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            // The page says "not found" in the viewer's language, with the
            // header of a signed-in person: the same page a missing row gets.
            Err(_) => Err(Ctx::from_request_parts(parts, state).await.map_or_else(|page| page, |ctx| ctx.not_found())),
        }
    }
}

/// The API's path parameters, typed; `404` in the API's error shape when
/// they do not parse.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for ApiPath<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(_) => {
                let language = language_of(&parts.headers, state.default_language);
                let message = state.pages.catalog().text(language, "api_not_found_id").to_owned();
                Err(ApiError::response(StatusCode::NOT_FOUND, "not_found", message))
            }
        }
    }
}

/// The secret of a single-use link (an invitation, a password reset), as
/// its address carries it: URL-safe characters, of a secret's length at
/// most. Whether it is one of ours is the use case's to say.
pub struct LinkSecret(pub String);

impl<'de> serde::Deserialize<'de> for LinkSecret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        let shaped = (1..=128).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if shaped { Ok(Self(raw)) } else { Err(serde::de::Error::custom("not a link's secret")) }
    }
}

/// A calendar day in an address, as ISO 8601 (`2025-04-26`).
pub struct PathDate(pub time::Date);

impl<'de> serde::Deserialize<'de> for PathDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        crate::i18n::parse_date(&raw).map(Self).ok_or_else(|| serde::de::Error::custom("not a date"))
    }
}
