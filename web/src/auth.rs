//! Who is asking, in which language, and whether a form really came from
//! one of our pages.
//!
//! [`Ctx`] is extracted by every page handler: the signed-in person (from the
//! session cookie), their language, and the CSRF token for the forms on the
//! page. [`CsrfForm`] refuses a state-changing form post whose token does not
//! match the cookie. [`ApiCaller`] is the API's: a personal access token as
//! `Authorization: Bearer …`, or the session cookie.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, HOST, ORIGIN, RETRY_AFTER, SET_COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use gopy_app::secret::new_secret;
use gopy_app::{AppError, Client, Identity};
use gopy_domain::Language;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::i18n::cookie;
use crate::pages::Pages;
use crate::routes::api::ApiError;

pub const SESSION_COOKIE: &str = "gopy_session";
pub const CSRF_COOKIE: &str = "gopy_csrf";

/// The CSRF token of this request, put in its extensions by [`csrf_cookie`].
#[derive(Clone)]
struct CsrfToken(String);

/// Gives every visitor a CSRF cookie, so every form can carry its value.
/// The cookie is HttpOnly: pages put the value in a hidden field themselves.
pub async fn csrf_cookie(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let existing = cookie(request.headers(), CSRF_COOKIE).filter(|v| v.len() == 64).map(str::to_owned);
    let (token, fresh) = match existing {
        Some(token) => (token, false),
        None => match new_secret("") {
            Ok((token, _)) => (token, true),
            Err(err) => {
                tracing::error!(error = %err, "no CSRF token could be made");
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            }
        },
    };
    request.extensions_mut().insert(CsrfToken(token.clone()));
    let mut response = next.run(request).await;
    if fresh {
        let value = format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}", state.secure_cookie_suffix());
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// The person behind a page request, if signed in, and how to talk to them.
pub struct Ctx {
    pub identity: Option<Identity>,
    pub language: Language,
    pub csrf: String,
    pub client: Client,
    pub pages: Arc<Pages>,
    /// The path and query asked for, to come back to after signing in.
    pub path: String,
    /// How many items await the signed-in person, for the header: the
    /// count the home last read, kept for a while (`App::kept_work_count`);
    /// `None` when signed out or not counted lately (no count is shown).
    pub awaiting: Option<usize>,
}

impl FromRequestParts<AppState> for Ctx {
    /// The page saying the database is unavailable, when the session cannot
    /// be looked up: showing a signed-in person the signed-out site instead
    /// would be wrong and would send them to sign in again for nothing.
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Pages go by the session cookie only; the write limit may have
        // looked that session up already for this request.
        let session = match parts.extensions.get::<KnownCaller>() {
            Some(known) if !known.by_token => Ok(known.identity.clone()),
            _ => match cookie(&parts.headers, SESSION_COOKIE) {
                Some(secret) => state.app.identify_session(secret).await,
                None => Ok(None),
            },
        };
        let (identity, lookup) = match session {
            Ok(identity) => (identity, Ok(())),
            Err(err) => (None, Err(err)),
        };
        // The cookie (chosen in the header), the account, the browser.
        let language = crate::i18n::chosen_language(&parts.headers)
            .or(identity.as_ref().map(|i| i.user.language))
            .or_else(|| crate::i18n::accepted_language(&parts.headers))
            .unwrap_or(state.default_language);
        let csrf = parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default();
        // Kept by the home's last reading; no statement is run for it here.
        let awaiting = identity.as_ref().and_then(|i| state.app.kept_work_count(i.user.id));
        let ctx = Self {
            identity,
            language,
            csrf,
            client: client_of(parts),
            pages: state.pages.clone(),
            path: parts.uri.path_and_query().map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
            awaiting,
        };
        match lookup {
            Ok(()) => Ok(ctx),
            Err(err) => {
                tracing::warn!(error = %err, "session could not be looked up");
                Err(ctx.failure(&err))
            }
        }
    }
}

fn client_of(parts: &Parts) -> Client {
    let address = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |ConnectInfo(addr)| addr.ip().to_string());
    let user_agent = parts.headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned);
    Client { address, user_agent }
}

/// What a page handler returns: the page, or the page that says why not.
pub type PageResult = Result<Response, Response>;

impl Ctx {
    /// The signed-in person, or a redirect to the sign-in page that comes
    /// back here afterwards.
    pub fn signed_in(&self) -> Result<&Identity, Response> {
        self.identity.as_ref().ok_or_else(|| {
            let next: String = url_encode(&self.path);
            Redirect::to(&format!("/sign-in?next={next}")).into_response()
        })
    }

    pub fn frame(&self) -> crate::pages::Frame {
        crate::pages::Frame::new(self)
    }

    pub fn render(&self, template: &str, title_key: &str, page: impl Serialize) -> Response {
        self.pages.render(&self.frame(), StatusCode::OK, template, title_key, page)
    }

    pub fn render_with_status(
        &self,
        status: StatusCode,
        template: &str,
        title_key: &str,
        page: impl Serialize,
    ) -> Response {
        self.pages.render(&self.frame(), status, template, title_key, page)
    }

    /// A page with a heading and a sentence, both from the catalogue.
    pub fn message(&self, status: StatusCode, title_key: &str, body_key: &str) -> Response {
        let catalog = self.pages.catalog();
        let page = crate::pages::MessageView {
            heading: catalog.text(self.language, title_key),
            body: catalog.text(self.language, body_key),
        };
        self.render_with_status(status, "pages/message", title_key, page)
    }

    pub fn forbidden(&self) -> Response {
        self.message(StatusCode::FORBIDDEN, "forbidden_title", "forbidden_body")
    }

    pub fn not_found(&self) -> Response {
        self.message(StatusCode::NOT_FOUND, "not_found_title", "not_found_body")
    }

    /// The page for a use case's refusal that no form can show beside a field.
    /// Its status is the API's for the same refusal ([`crate::answer`]).
    pub fn failure(&self, err: &AppError) -> Response {
        use crate::answer::ErrorCode;
        let answer = crate::answer::answer(err);
        match answer.code {
            ErrorCode::Forbidden => self.forbidden(),
            ErrorCode::NotFound => self.not_found(),
            ErrorCode::Unavailable => {
                with_retry_after(self.message(StatusCode::SERVICE_UNAVAILABLE, "unavailable_title", "unavailable_body"))
            }
            ErrorCode::Internal => self.message(answer.status, "error_title", "error_body"),
            _ => {
                let catalog = self.pages.catalog();
                let body = self.describe(err);
                let page = crate::pages::MessageView { heading: catalog.text(self.language, "error_title"), body: &body };
                self.render_with_status(answer.status, "pages/message", "error_title", page)
            }
        }
    }

    /// A use case's refusal in words for the person, for showing beside a form.
    pub fn describe(&self, err: &AppError) -> String {
        crate::i18n::describe_error(self.pages.catalog(), self.language, err)
    }
}

/// Asks clients to come back in a few seconds: the database is expected back.
pub fn with_retry_after(mut response: Response) -> Response {
    response.headers_mut().insert(RETRY_AFTER, HeaderValue::from_static("5"));
    response
}

/// Percent-encodes a path for a query parameter.
pub fn url_encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A form whose hidden `csrf` field matches the visitor's CSRF cookie and
/// which, if the browser says where it came from, came from this site.
pub struct CsrfForm<T>(pub T);

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (ctx, bytes) = checked_form(request, state).await?;
        serde_urlencoded::from_bytes(&bytes)
            .map(CsrfForm)
            .map_err(|_| ctx.message(StatusCode::BAD_REQUEST, "bad_form_title", "bad_form_body"))
    }
}

/// A form post's context and body, once its origin and its CSRF token are
/// checked and its size is within the limit.
async fn checked_form(request: Request, state: &AppState) -> Result<(Ctx, axum::body::Bytes), Response> {
    let (mut parts, body) = request.into_parts();
    let ctx = posting_ctx(&mut parts, state).await?;
    let refuse = || ctx.message(StatusCode::FORBIDDEN, "csrf_title", "csrf_body");
    let limit = state.settings.server.body_limit_bytes;
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ctx.message(StatusCode::PAYLOAD_TOO_LARGE, "too_large_title", "too_large_body"))?;
    let field: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| refuse())?;
    if ctx.csrf.is_empty() || !constant_time_eq(field.csrf.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(refuse());
    }
    Ok((ctx, bytes))
}

/// A form as [`CsrfForm`] reads it, and its fields also as pairs in the
/// order sent: for a field a form repeats (a box per body picked), which a
/// struct cannot hold.
pub struct CsrfFormPairs<T>(pub T, pub Vec<(String, String)>);

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfFormPairs<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (ctx, bytes) = checked_form(request, state).await?;
        let bad = || ctx.message(StatusCode::BAD_REQUEST, "bad_form_title", "bad_form_body");
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|_| bad())?;
        let pairs = serde_urlencoded::from_bytes(&bytes).map_err(|_| bad())?;
        Ok(CsrfFormPairs(form, pairs))
    }
}

/// The context of a form post, refused at once when it comes from another site.
async fn posting_ctx(parts: &mut Parts, state: &AppState) -> Result<Ctx, Response> {
    let ctx = Ctx::from_request_parts(parts, state).await?;
    if same_origin(&parts.headers) { Ok(ctx) } else { Err(ctx.message(StatusCode::FORBIDDEN, "csrf_title", "csrf_body")) }
}

/// A cross-site post announces itself in `Origin`; a missing header (old
/// browsers, some privacy settings) is left to the token.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    origin.split_once("://").is_some_and(|(_, authority)| authority == host)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A `multipart/form-data` form (a file upload) whose `csrf` field matches
/// the visitor's CSRF cookie, read whole within the body limit.
pub struct CsrfUpload(pub UploadForm);

/// The text fields of an upload form, and its file if one was chosen.
#[derive(Debug, Default)]
pub struct UploadForm {
    pub fields: std::collections::HashMap<String, String>,
    pub file: Option<UploadedFile>,
}

impl UploadForm {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

#[derive(Debug)]
pub struct UploadedFile {
    /// The name the person's computer gave the file.
    pub name: Option<String>,
    pub bytes: Vec<u8>,
}

/// Reads every part of a multipart body: text fields by name, and the one
/// part named `file` (an empty file input sends an empty part: no file).
pub async fn read_upload(mut multipart: axum::extract::Multipart) -> Result<UploadForm, axum::extract::multipart::MultipartError> {
    let mut form = UploadForm::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            let file_name = field.file_name().map(str::to_owned);
            let bytes = field.bytes().await?;
            if !bytes.is_empty() {
                form.file = Some(UploadedFile { name: file_name, bytes: bytes.to_vec() });
            }
        } else {
            let text = field.text().await?;
            form.fields.insert(name, text);
        }
    }
    Ok(form)
}

impl FromRequest<AppState> for CsrfUpload {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let ctx = posting_ctx(&mut parts, state).await?;
        let refuse = || ctx.message(StatusCode::FORBIDDEN, "csrf_title", "csrf_body");
        let request = Request::from_parts(parts, body);
        let multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|_| ctx.message(StatusCode::BAD_REQUEST, "bad_form_title", "bad_form_body"))?;
        let form = read_upload(multipart).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ctx.message(StatusCode::PAYLOAD_TOO_LARGE, "too_large_title", "too_large_body")
            } else {
                ctx.message(StatusCode::BAD_REQUEST, "bad_form_title", "bad_form_body")
            }
        })?;
        let token = form.field("csrf");
        if ctx.csrf.is_empty() || !constant_time_eq(token.as_bytes(), ctx.csrf.as_bytes()) {
            return Err(refuse());
        }
        Ok(Self(form))
    }
}

/// A request's caller once looked up (by the write limit, before the
/// handler), kept in its extensions so the handler's extractor does not
/// read the same session or token a second time.
#[derive(Clone)]
struct KnownCaller {
    /// Found by a bearer token; pages go by the session cookie only.
    by_token: bool,
    identity: Option<Identity>,
}

/// Who a request comes from: the person of its bearer token, or else of
/// its session cookie. Looked up once per request: the answer is kept in
/// `extensions` for whoever asks next.
pub async fn caller_of(state: &AppState, headers: &HeaderMap, extensions: &mut Extensions) -> Result<Option<Identity>, AppError> {
    if let Some(known) = extensions.get::<KnownCaller>() {
        return Ok(known.identity.clone());
    }
    let bearer = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
    let identity = match (bearer, cookie(headers, SESSION_COOKIE)) {
        (Some(token), _) => state.app.identify_token(token).await?,
        (None, Some(session)) => state.app.identify_session(session).await?,
        (None, None) => None,
    };
    extensions.insert(KnownCaller { by_token: bearer.is_some(), identity: identity.clone() });
    Ok(identity)
}

/// The caller of an API route: a bearer token, or a browser session.
pub struct ApiCaller(pub Identity);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let found = caller_of(state, &parts.headers, &mut parts.extensions).await;
        let language = crate::i18n::language_of(&parts.headers, state.default_language);
        match found {
            Ok(Some(identity)) => Ok(Self(identity)),
            Ok(None) => {
                let message = state.pages.catalog().text(language, "api_unauthorized").to_owned();
                let mut response = ApiError::response(StatusCode::UNAUTHORIZED, "unauthorized", message);
                response.headers_mut().insert("www-authenticate", HeaderValue::from_static("Bearer"));
                Err(response)
            }
            Err(err) => {
                tracing::error!(error = %err, "caller could not be identified");
                Err(ApiError::from_app(state.pages.catalog(), language, &err))
            }
        }
    }
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(state: &AppState, secret: &str) -> String {
    let max_age = gopy_domain::account::SESSION_LIFETIME.whole_seconds();
    format!("{SESSION_COOKIE}={secret}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{}", state.secure_cookie_suffix())
}

/// The `Set-Cookie` value that forgets the session.
pub fn cleared_session_cookie(state: &AppState) -> String {
    format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}", state.secure_cookie_suffix())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_origins_pass() {
        let mut headers = HeaderMap::new();
        headers.insert(HOST, HeaderValue::from_static("127.0.0.1:3000"));
        assert!(same_origin(&headers));
        headers.insert(ORIGIN, HeaderValue::from_static("http://127.0.0.1:3000"));
        assert!(same_origin(&headers));
        headers.insert(ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(!same_origin(&headers));
    }

    #[test]
    fn next_paths_are_encoded() {
        assert_eq!(url_encode("/committees?x=1&y=2"), "/committees%3Fx%3D1%26y%3D2");
    }
}
