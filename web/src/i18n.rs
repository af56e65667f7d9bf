//! The language of a request, and the catalogues of page text.
//!
//! Vietnamese first. A person's choice is remembered in a cookie; later, a
//! signed-in person's own setting wins.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;
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
    fn the_language_cookie_is_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_static("a=1; gopy_lang=en; b=2"));
        assert_eq!(language_of(&headers, Language::Vi), Language::En);
        headers.insert(COOKIE, HeaderValue::from_static("gopy_lang=fr"));
        assert_eq!(language_of(&headers, Language::Vi), Language::Vi);
    }
}
