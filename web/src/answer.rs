//! One table from a use case's refusal to its answer: the status and the
//! stable code, the same on a page and in the API. A closed round is a
//! `409` wherever it is met, throttling a `429`, a broken store a `500`
//! (a `503` only while the database cannot be reached).

use axum::http::StatusCode;
use gopy_app::{AppError, StoreError};
use gopy_domain::workflow::StepRefused;

/// What programs read in the API's `error.code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    Invalid,
    Conflict,
    Stale,
    NotFound,
    Forbidden,
    Unauthorized,
    Throttled,
    LinkUnusable,
    Closed,
    StepNotAllowed,
    CommentsUnanswered,
    Unavailable,
    Internal,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invalid => "invalid",
            Self::Conflict => "conflict",
            Self::Stale => "stale",
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::Unauthorized => "unauthorized",
            Self::Throttled => "throttled",
            Self::LinkUnusable => "link_unusable",
            Self::Closed => "closed",
            Self::StepNotAllowed => "step_not_allowed",
            Self::CommentsUnanswered => "comments_unanswered",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }
}

/// How a refusal is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: StatusCode,
    pub code: ErrorCode,
}

/// The answer to `err`. A store failure is logged here, with its causes,
/// once per request: both pages and the API come through this table.
pub fn answer(err: &AppError) -> Answer {
    use ErrorCode::*;
    let (status, code) = match err {
        AppError::Invalid { .. } => (StatusCode::UNPROCESSABLE_ENTITY, Invalid),
        AppError::Conflict { .. } => (StatusCode::CONFLICT, Conflict),
        AppError::Stale { .. } => (StatusCode::CONFLICT, Stale),
        AppError::NotFound { .. } => (StatusCode::NOT_FOUND, NotFound),
        AppError::Forbidden => (StatusCode::FORBIDDEN, Forbidden),
        AppError::BadCredentials => (StatusCode::UNAUTHORIZED, Unauthorized),
        AppError::Throttled(_) => (StatusCode::TOO_MANY_REQUESTS, Throttled),
        AppError::Link(_) => (StatusCode::GONE, LinkUnusable),
        AppError::Closed { .. } => (StatusCode::CONFLICT, Closed),
        AppError::Step(StepRefused::Unanswered(_)) => (StatusCode::CONFLICT, CommentsUnanswered),
        AppError::Step(_) => (StatusCode::CONFLICT, StepNotAllowed),
        AppError::Store(store @ StoreError::Unavailable(_)) => {
            tracing::error!(error = %store, causes = %causes(store), "the database is unavailable");
            (StatusCode::SERVICE_UNAVAILABLE, Unavailable)
        }
        AppError::Store(store) => {
            tracing::error!(error = %store, causes = %causes(store), "store failure");
            (StatusCode::INTERNAL_SERVER_ERROR, Internal)
        }
    };
    if status.is_client_error() {
        tracing::debug!(error = %err, status = status.as_u16(), "request refused");
    }
    Answer { status, code }
}

/// The chain of `err`'s sources, outermost first: what the log keeps of a
/// store failure beyond its own words.
fn causes(err: &dyn std::error::Error) -> String {
    let mut chain = Vec::new();
    let mut source = err.source();
    while let Some(cause) = source {
        chain.push(cause.to_string());
        source = cause.source();
    }
    chain.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use gopy_domain::ReportStatus;

    #[test]
    fn the_same_refusal_has_one_answer() {
        let closed = AppError::Closed { what: "comments", state: ReportStatus::Approved };
        assert_eq!(answer(&closed), Answer { status: StatusCode::CONFLICT, code: ErrorCode::Closed });
        let broken = AppError::Store(StoreError::Corrupt("a row".into()));
        assert_eq!(answer(&broken).status, StatusCode::INTERNAL_SERVER_ERROR);
        let away = AppError::Store(StoreError::Unavailable("refused".into()));
        assert_eq!(answer(&away).status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(answer(&AppError::Stale { what: "meeting" }).code.as_str(), "stale");
    }
}
