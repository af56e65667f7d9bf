//! Conditional requests on a report's pages, JSON and exports.
//!
//! A report's change counter (raised by every change recorded about it) says
//! whether what a reader holds is still current. What a page shows depends
//! on who reads it too (their permissions, their language, the CSRF token in
//! its forms), so the tag joins the counter with a digest of the reader; an
//! API answer or an export that is the same for everyone who may read it
//! joins only the language.

use std::hash::{DefaultHasher, Hash, Hasher};

use axum::http::header::{ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::auth::Ctx;

/// The tag of one report state as one reader sees it: `W/"r{count}-{reader}"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tag {
    reader: String,
}

impl Tag {
    /// For a page: the reader's identity, roles, language and CSRF token.
    pub fn page(ctx: &Ctx) -> Self {
        let mut hasher = DefaultHasher::new();
        ctx.language.code().hash(&mut hasher);
        ctx.csrf.hash(&mut hasher);
        if let Some(identity) = &ctx.identity {
            identity.user.id.to_string().hash(&mut hasher);
            format!("{:?}", identity.actor).hash(&mut hasher);
        }
        Self { reader: format!("{:x}", hasher.finish()) }
    }

    /// For what is the same for every reader who may see it, in one
    /// language and form (`kind`: "json", "xlsx", ...).
    pub fn shared(language: &str, kind: &str) -> Self {
        Self { reader: format!("{language}.{kind}") }
    }

    fn value(&self, count: u64) -> String {
        format!("W/\"r{count}-{}\"", self.reader)
    }

    /// The change count the request's `If-None-Match` holds for this reader,
    /// if any: the use case answers "unchanged" when it is still current.
    pub fn known(&self, headers: &HeaderMap) -> Option<u64> {
        let suffix = format!("-{}\"", self.reader);
        headers
            .get_all(IF_NONE_MATCH)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .find_map(|tag| tag.strip_prefix("W/\"r")?.strip_suffix(suffix.as_str())?.parse().ok())
    }

    /// `304 Not Modified` with the tag, for a reader whose copy is current.
    pub fn not_modified(&self, count: u64) -> Response {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        self.put(&mut response, count);
        response
    }

    /// Puts the tag on a response built from the state at `count`.
    pub fn put(&self, response: &mut Response, count: u64) {
        if let Ok(value) = HeaderValue::from_str(&self.value(count)) {
            response.headers_mut().insert(ETAG, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_known_only_to_its_own_reader() {
        let mine = Tag::shared("vi", "json");
        let theirs = Tag::shared("en", "json");
        let mut headers = HeaderMap::new();
        headers.insert(IF_NONE_MATCH, HeaderValue::from_str(&mine.value(42)).expect("header"));
        assert_eq!(mine.known(&headers), Some(42));
        assert_eq!(theirs.known(&headers), None);
        headers.insert(IF_NONE_MATCH, HeaderValue::from_static("W/\"x\", W/\"r7-vi.json\""));
        assert_eq!(mine.known(&headers), Some(7));
    }
}
