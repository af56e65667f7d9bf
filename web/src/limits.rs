//! The per-person write rate limit (`limits.writes_per_minute`): a token
//! bucket per signed-in person, so one runaway script or a stuck key cannot
//! flood the store with writes. Reads are never limited; signed-out posts
//! (sign-in, set-password) have the sign-in throttling of their own.
//!
//! A small bucket of our own rather than a crate: the key is the person,
//! known only after their session or token is looked up, and the refusal
//! must be a page or an API error in their language.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use gopy_domain::UserId;

use crate::AppState;
use crate::auth::{Ctx, caller_of};
use crate::routes::api::ApiError;

/// Every person's bucket of writes.
pub struct WriteLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<UserId, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl WriteLimiter {
    /// `per_minute` writes a minute, in bursts of as many; 0 turns it off.
    pub fn new(per_minute: u32) -> Self {
        Self { per_minute, buckets: Mutex::new(HashMap::new()) }
    }

    /// Takes one write from `who`'s bucket, or says how long until one is back.
    pub fn take(&self, who: UserId, now: Instant) -> Result<(), Duration> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        // Full buckets carry no information: drop them so the map stays small.
        if buckets.len() > 10_000 {
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * per_second < capacity);
        }
        let bucket = buckets.entry(who).or_insert(Bucket { tokens: capacity, at: now });
        let refilled = bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * per_second;
        bucket.tokens = refilled.min(capacity);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / per_second))
        }
    }
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses a signed-in person's write beyond their rate with 429 and
/// `Retry-After`: a page on pages, an API error under `/api`.
pub async fn limit_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if state.writes.per_minute == 0 || !is_write(request.method()) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    // Kept in the request's extensions: the handler's extractor reuses it.
    let found = caller_of(&state, &parts.headers, &mut parts.extensions).await;
    let request = Request::from_parts(parts, body);
    // Unknown callers are refused further on; a failed look-up is the handler's to report.
    let Ok(Some(identity)) = found else { return next.run(request).await };
    let Err(wait) = state.writes.take(identity.user.id, Instant::now()) else { return next.run(request).await };
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let (mut parts, body) = request.into_parts();
    let ctx = match Ctx::from_request_parts(&mut parts, &state).await {
        Ok(ctx) => ctx,
        // The database went away between the look-up and now: its 503.
        Err(refusal) => return refusal,
    };
    let mut response = if parts.uri.path().starts_with("/api/") {
        let message = state.pages.catalog().text(ctx.language, "too_many_writes_body").to_owned();
        ApiError::response(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message)
    } else {
        ctx.message(StatusCode::TOO_MANY_REQUESTS, "too_many_writes_title", "too_many_writes_body")
    };
    drop(body);
    if let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string()) {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_rate_in_a_burst_then_refills_over_the_minute() {
        let limiter = WriteLimiter::new(3);
        let who = UserId::from_uuid(uuid::Uuid::from_u128(1));
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.take(who, start).is_ok());
        }
        let wait = limiter.take(who, start).expect_err("the fourth write waits");
        assert!(wait > Duration::from_secs(19) && wait <= Duration::from_secs(20), "{wait:?}");
        assert!(limiter.take(UserId::from_uuid(uuid::Uuid::from_u128(2)), start).is_ok(), "another person has their own bucket");
        assert!(limiter.take(who, start + Duration::from_secs(20)).is_ok(), "one write is back after 20 s");
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = WriteLimiter::new(0);
        let who = UserId::from_uuid(uuid::Uuid::from_u128(1));
        for _ in 0..1000 {
            assert!(limiter.take(who, Instant::now()).is_ok());
        }
    }
}
