//! The language of a request, and the catalogues of page text.
//!
//! Vietnamese first. A person's choice is remembered in a cookie; later, a
//! signed-in person's own setting wins.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
use gopy_app::{AppError, InvalidReason};
use gopy_domain::Language;
use serde_json::Value;

/// The cookie that remembers the chosen language.
pub const LANGUAGE_COOKIE: &str = "gopy_lang";

/// Page text in each language, keyed alike (a test checks that).
pub struct Catalog {
    vi: Value,
    en: Value,
}

impl Catalog {
    pub fn load() -> Result<Self, serde_json::Error> {
        Ok(Self {
            vi: serde_json::from_str(include_str!("../i18n/vi.json"))?,
            en: serde_json::from_str(include_str!("../i18n/en.json"))?,
        })
    }

    pub fn texts(&self, language: Language) -> &Value {
        match language {
            Language::Vi => &self.vi,
            Language::En => &self.en,
        }
    }

    /// One text by key; the key itself if missing, so a gap shows rather than breaks.
    pub fn text<'a>(&'a self, language: Language, key: &'a str) -> &'a str {
        self.texts(language).get(key).and_then(Value::as_str).unwrap_or(key)
    }
}

/// The language chosen in the cookie, else `default`.
pub fn language_of(headers: &HeaderMap, default: Language) -> Language {
    cookie(headers, LANGUAGE_COOKIE).and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The value of one cookie from the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn both_catalogues_have_the_same_keys_and_no_empty_text() {
        let catalog = Catalog::load().expect("catalogues parse");
        let keys = |v: &Value| {
            let map = v.as_object().expect("a flat object");
            for (key, text) in map {
                assert!(text.as_str().is_some_and(|t| !t.trim().is_empty()), "{key} is empty");
            }
            map.keys().cloned().collect::<Vec<_>>()
        };
        assert_eq!(keys(&catalog.vi), keys(&catalog.en));
    }

    #[test]
    fn times_are_shown_the_vietnamese_way_in_hanoi_time() {
        let at = time::macros::datetime!(2023-06-27 01:05 UTC);
        assert_eq!(format_date_time(at, "Asia/Ho_Chi_Minh"), "27/06/2023 08:05");
        assert_eq!(format_date_time(at, "Europe/Paris"), "27/06/2023 01:05 UTC");
    }

    #[test]
    fn the_language_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; gopy_lang=en; b=2"));
        assert_eq!(language_of(&headers, Language::Vi), Language::En);
        headers.insert(COOKIE, HeaderValue::from_static("gopy_lang=fr"));
        assert_eq!(language_of(&headers, Language::Vi), Language::Vi);
    }
}

/// A use case's refusal in the person's language.
pub fn describe_error(catalog: &Catalog, language: Language, err: &AppError) -> String {
    use gopy_domain::{PasswordProblem, TextError};
    let key = match err {
        AppError::Invalid { reason, .. } => match reason {
            InvalidReason::Text(TextError::Empty) => "err_empty",
            InvalidReason::Text(TextError::TooLong { .. }) => "err_too_long",
            InvalidReason::Text(TextError::ControlCharacter) => "err_control_character",
            InvalidReason::Text(TextError::InvalidEmail) => "err_invalid_email",
            InvalidReason::Password(PasswordProblem::TooShort) => "err_password_short",
            InvalidReason::Password(PasswordProblem::TooLong) => "err_password_long",
            InvalidReason::Password(PasswordProblem::TooGuessable) => "err_password_guessable",
            InvalidReason::Password(PasswordProblem::Wrong) => "err_password_wrong",
            InvalidReason::LastAdmin => "err_last_admin",
            InvalidReason::Rule(_) => "err_invalid",
        },
        AppError::Conflict { what: "user" } => "err_email_taken",
        AppError::Conflict { what: "membership" } => "err_already_member",
        AppError::Conflict { .. } => "err_name_taken",
        AppError::BadCredentials => "err_bad_credentials",
        AppError::Throttled(_) => "err_throttled",
        AppError::NotFound { .. } => "not_found_body",
        AppError::Forbidden => "forbidden_body",
        AppError::Link(_) | AppError::Store(_) => "error_body",
    };
    catalog.text(language, key).to_owned()
}

/// The message for each field a refusal concerns, keyed by field name, for
/// a form to show beside what the person typed.
pub fn form_errors(ctx: &crate::auth::Ctx, err: &AppError) -> serde_json::Value {
    let field = match err {
        AppError::Invalid { field, .. } => *field,
        AppError::Conflict { what: "user" } => "email",
        AppError::Conflict { .. } => "name",
        _ => "form",
    };
    serde_json::json!({ field: ctx.describe(err) })
}

/// A moment as people in Việt Nam write it (27/06/2023 08:00), in the
/// person's time zone. Gopy's zones have no daylight saving, so a fixed
/// offset per zone is exact; an unknown zone is shown in UTC, marked so.
pub fn format_date_time(at: time::OffsetDateTime, time_zone: &str) -> String {
    let (offset_hours, suffix) = match time_zone {
        "Asia/Ho_Chi_Minh" | "Asia/Saigon" | "Asia/Bangkok" | "Asia/Jakarta" | "Asia/Vientiane" | "Asia/Phnom_Penh" => (7, ""),
        _ => (0, " UTC"),
    };
    let offset = time::UtcOffset::from_hms(offset_hours, 0, 0).unwrap_or(time::UtcOffset::UTC);
    let local = at.to_offset(offset);
    format!(
        "{:02}/{:02}/{} {:02}:{:02}{suffix}",
        local.day(),
        u8::from(local.month()),
        local.year(),
        local.hour(),
        local.minute()
    )
}
