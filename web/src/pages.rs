//! Server-rendered pages: handlebars templates built into the binary.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gopy_domain::Language;
use handlebars::Handlebars;
use serde::Serialize;
use serde_json::json;

use crate::i18n::Catalog;

const TEMPLATES: &[(&str, &str)] = &[
    ("layouts/base", include_str!("../templates/layouts/base.hbs")),
    ("pages/home", include_str!("../templates/pages/home.hbs")),
    ("pages/message", include_str!("../templates/pages/message.hbs")),
];

pub struct Pages {
    registry: Handlebars<'static>,
    catalog: Catalog,
}

#[derive(Debug, thiserror::Error)]
pub enum PagesError {
    #[error("template {name}: {source}")]
    Template { name: &'static str, source: Box<handlebars::TemplateError> },
    #[error("page text catalogue: {0}")]
    Catalog(#[from] serde_json::Error),
}

impl Pages {
    pub fn load() -> Result<Self, PagesError> {
        let mut registry = Handlebars::new();
        // A misspelt variable fails loudly in tests instead of rendering blank.
        registry.set_strict_mode(true);
        for (name, source) in TEMPLATES {
            registry
                .register_template_string(name, *source)
                .map_err(|e| PagesError::Template { name, source: Box::new(e) })?;
        }
        Ok(Self { registry, catalog: Catalog::load()? })
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Renders `template` with `page` as its view, in `language`.
    pub fn render(&self, template: &str, language: Language, title_key: &str, page: impl Serialize) -> Response {
        self.render_with_status(StatusCode::OK, template, language, title_key, page)
    }

    pub fn render_with_status(
        &self,
        status: StatusCode,
        template: &str,
        language: Language,
        title_key: &str,
        page: impl Serialize,
    ) -> Response {
        let other = match language {
            Language::Vi => Language::En,
            Language::En => Language::Vi,
        };
        let context = json!({
            "lang": language.code(),
            "other_lang": other.code(),
            "t": self.catalog.texts(language),
            "title": self.catalog.text(language, title_key),
            "page": page,
        });
        match self.registry.render(template, &context) {
            Ok(html) => (status, Html(html)).into_response(),
            Err(err) => {
                tracing::error!(error = %err, template, "page could not be rendered");
                (StatusCode::INTERNAL_SERVER_ERROR, Html(self.fallback_error_page(language))).into_response()
            }
        }
    }

    /// The page shown when a request could not be carried out.
    pub fn error_page(&self, status: StatusCode, language: Language) -> Response {
        let page = json!({
            "heading": self.catalog.text(language, "error_title"),
            "body": self.catalog.text(language, "error_body"),
        });
        self.render_with_status(status, "pages/message", language, "error_title", page)
    }

    /// A page that needs no template, for when rendering itself failed.
    fn fallback_error_page(&self, language: Language) -> String {
        format!(
            "<!DOCTYPE html><html lang=\"{}\"><meta charset=\"utf-8\"><title>Gopy</title><h1>{}</h1><p>{}</p></html>",
            language.code(),
            self.catalog.text(language, "error_title"),
            self.catalog.text(language, "error_body"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_renders_in_both_languages() {
        let pages = Pages::load().expect("templates load");
        for language in [Language::Vi, Language::En] {
            let home = pages.render("pages/home", language, "home_title", json!({ "committees": ["Ban Thường vụ"] }));
            assert_eq!(home.status(), StatusCode::OK);
            let message = pages.render(
                "pages/message",
                language,
                "not_found_title",
                json!({ "heading": "x", "body": "y" }),
            );
            assert_eq!(message.status(), StatusCode::OK);
        }
    }
}
