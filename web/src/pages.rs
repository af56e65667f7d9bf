//! Server-rendered pages: handlebars templates built into the binary.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use gopy_domain::Language;
use handlebars::Handlebars;
use serde::Serialize;

use crate::i18n::Catalog;

const TEMPLATES: &[(&str, &str)] = &[
    ("layouts/base", include_str!("../templates/layouts/base.hbs")),
    ("partials/field", include_str!("../templates/partials/field.hbs")),
    ("partials/csrf", include_str!("../templates/partials/csrf.hbs")),
    ("partials/thread", include_str!("../templates/partials/thread.hbs")),
    ("partials/thread_card", include_str!("../templates/partials/thread_card.hbs")),
    ("partials/thread_page", include_str!("../templates/partials/thread_page.hbs")),
    ("partials/comment_form", include_str!("../templates/partials/comment_form.hbs")),
    ("partials/consult_bodies", include_str!("../templates/partials/consult_bodies.hbs")),
    ("pages/home", include_str!("../templates/pages/home.hbs")),
    ("pages/message", include_str!("../templates/pages/message.hbs")),
    ("pages/sign_in", include_str!("../templates/pages/sign_in.hbs")),
    ("pages/setup", include_str!("../templates/pages/setup.hbs")),
    ("pages/set_password", include_str!("../templates/pages/set_password.hbs")),
    ("pages/password_set", include_str!("../templates/pages/password_set.hbs")),
    ("pages/account", include_str!("../templates/pages/account.hbs")),
    ("pages/admin_people", include_str!("../templates/pages/admin_people.hbs")),
    ("pages/people_import", include_str!("../templates/pages/people_import.hbs")),
    ("pages/admin_mail", include_str!("../templates/pages/admin_mail.hbs")),
    ("pages/admin_person", include_str!("../templates/pages/admin_person.hbs")),
    ("pages/admin_bodies", include_str!("../templates/pages/admin_bodies.hbs")),
    ("pages/admin_terms", include_str!("../templates/pages/admin_terms.hbs")),
    ("pages/admin_holidays", include_str!("../templates/pages/admin_holidays.hbs")),
    ("pages/committees", include_str!("../templates/pages/committees.hbs")),
    ("pages/committee", include_str!("../templates/pages/committee.hbs")),
    ("pages/reports", include_str!("../templates/pages/reports.hbs")),
    ("pages/report", include_str!("../templates/pages/report.hbs")),
    ("pages/version", include_str!("../templates/pages/version.hbs")),
    ("pages/diff", include_str!("../templates/pages/diff.hbs")),
    ("pages/changes", include_str!("../templates/pages/changes.hbs")),
    ("pages/disputes", include_str!("../templates/pages/disputes.hbs")),
    ("pages/comments", include_str!("../templates/pages/comments.hbs")),
    ("pages/passage", include_str!("../templates/pages/passage.hbs")),
    ("pages/thread", include_str!("../templates/pages/thread.hbs")),
    ("pages/comment_history", include_str!("../templates/pages/comment_history.hbs")),
    ("pages/dispositions", include_str!("../templates/pages/dispositions.hbs")),
    ("pages/consultation", include_str!("../templates/pages/consultation.hbs")),
    ("pages/dashboard", include_str!("../templates/pages/dashboard.hbs")),
    ("pages/timeline", include_str!("../templates/pages/timeline.hbs")),
    ("pages/indicators", include_str!("../templates/pages/indicators.hbs")),
    ("pages/word_comments", include_str!("../templates/pages/word_comments.hbs")),
    ("pages/word_import", include_str!("../templates/pages/word_import.hbs")),
    ("pages/answers", include_str!("../templates/pages/answers.hbs")),
    ("pages/search", include_str!("../templates/pages/search.hbs")),
    ("pages/meetings", include_str!("../templates/pages/meetings.hbs")),
    ("pages/meeting", include_str!("../templates/pages/meeting.hbs")),
    ("pages/follow_up", include_str!("../templates/pages/follow_up.hbs")),
];

/// The layout every page is framed by, and the key its page's HTML is put
/// under (the layout's `{{> @partial-block}}` becomes `{{{page_body}}}`).
const LAYOUT: &str = "layouts/base";
const PAGE_BODY: &str = "page_body";

/// The inside of a page template written as `{{#> layouts/base}}…{{/layouts/base}}`.
///
/// Pages are rendered on their own and then put in the layout, rather than
/// as the layout's partial block: handlebars gives a partial block a copy of
/// the whole view and copies every value looked up inside it, which made a
/// version page with 1,000 comments take hundreds of milliseconds.
fn unframed(source: &str) -> Option<&str> {
    source.trim().strip_prefix("{{#> layouts/base}}")?.strip_suffix("{{/layouts/base}}")
}

/// Adds the keys of `extra` to a page's view (a form's values and errors,
/// say), replacing any of the same name.
pub fn merge(page: &mut serde_json::Value, extra: serde_json::Value) {
    if let (Some(page), serde_json::Value::Object(extra)) = (page.as_object_mut(), extra) {
        page.extend(extra);
    }
}

/// The frame's parts that depend on the language only.
#[derive(Serialize)]
struct LanguageFrame<'a> {
    lang: &'static str,
    other_lang: &'static str,
    /// The text catalogue: `{{t.key}}` in templates.
    t: &'a serde_json::Value,
}

/// The frame's parts that change with every request, and the page's own
/// view under `page`.
#[derive(Serialize)]
struct RequestFrame<'a, P> {
    title: &'a str,
    /// The page template's name without its folder (`version`), put on
    /// `<main data-page>` so that a browser test can tell which templates
    /// it has seen.
    template: &'a str,
    viewer: Option<&'a Viewer>,
    csrf: &'a str,
    page: P,
}

/// The keys a request puts in a thread's frame context, taken out after.
const REQUEST_KEYS: &[&str] = &["title", "template", "viewer", "csrf", "page", PAGE_BODY];

thread_local! {
    /// Each thread's frame context per language (Vietnamese, English).
    static FRAMES: std::cell::RefCell<[Option<handlebars::Context>; 2]> = const { std::cell::RefCell::new([None, None]) };
}

/// A page with a heading and a sentence: refusals, errors, missing pages.
#[derive(Serialize)]
pub struct MessageView<'a> {
    pub heading: &'a str,
    pub body: &'a str,
}

/// What every page's layout shows besides the page itself.
pub struct Frame {
    pub language: Language,
    pub viewer: Option<Viewer>,
    pub csrf: String,
}

/// The signed-in person, as the header shows them.
#[derive(Serialize)]
pub struct Viewer {
    pub name: String,
    /// Shows the links to the admin pages.
    pub organises: bool,
    /// Shows the link to the mail page.
    pub admin: bool,
    /// How many items await them, beside their name; nothing when none.
    pub awaiting: Option<usize>,
    /// The count in words, for screen readers: "3 việc đang chờ bạn".
    pub awaiting_label: String,
}

impl Frame {
    pub fn new(ctx: &crate::auth::Ctx) -> Self {
        Self {
            language: ctx.language,
            viewer: ctx.identity.as_ref().map(|i| Viewer {
                name: i.user.name.to_string(),
                organises: i.actor.organises(),
                admin: i.actor.is_admin(),
                awaiting: ctx.awaiting.filter(|n| *n > 0),
                awaiting_label: crate::routes::awaiting_text(ctx.pages.catalog(), ctx.language, ctx.awaiting.unwrap_or(0)),
            }),
            csrf: ctx.csrf.clone(),
        }
    }

    /// The frame of a request about which nothing is known but its language.
    pub fn anonymous(language: Language) -> Self {
        Self { language, viewer: None, csrf: String::new() }
    }
}

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
    /// The pages as served: strict, so a template that names a field its
    /// typed view lacks fails (and the typed views' test catches it first).
    pub fn load() -> Result<Self, PagesError> {
        Self::load_with(true)
    }

    /// `strict`: a template that looks up a field its view does not have
    /// fails instead of printing nothing. The typed views' test renders
    /// every page this way.
    pub fn load_with(strict: bool) -> Result<Self, PagesError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(strict);
        registry.set_dev_mode(false);
        for (name, source) in TEMPLATES {
            let source = match *name {
                LAYOUT => source.replace("{{> @partial-block}}", "{{{page_body}}}"),
                _ => unframed(source).unwrap_or(source).to_owned(),
            };
            registry
                .register_template_string(name, source)
                .map_err(|e| PagesError::Template { name, source: Box::new(e) })?;
        }
        Ok(Self { registry, catalog: Catalog::load()? })
    }

    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Renders `template` with `page` as its view, inside the frame every
    /// page shares (language, the signed-in person, the CSRF token).
    pub fn render(&self, frame: &Frame, status: StatusCode, template: &str, title_key: &str, page: impl Serialize) -> Response {
        let language = frame.language;
        let framed = self.with_context(frame, template, title_key, page, |context| {
            let body = self.registry.render_with_context(template, context)?;
            if let Some(root) = context.data_mut().as_object_mut() {
                root.insert(PAGE_BODY.to_owned(), serde_json::Value::String(body));
            }
            self.registry.render_with_context(LAYOUT, context)
        });
        match framed {
            Ok(html) => (status, Html(html)).into_response(),
            Err(err) => {
                tracing::error!(error = %err, template, "page could not be rendered");
                (StatusCode::INTERNAL_SERVER_ERROR, Html(self.fallback_error_page(language))).into_response()
            }
        }
    }

    /// A piece of a page (one comment thread, say) without the layout, for
    /// the script that updates an open page in place.
    pub fn render_fragment(&self, frame: &Frame, template: &str, page: impl Serialize) -> Response {
        match self.with_context(frame, template, "home_title", page, |context| self.registry.render_with_context(template, context)) {
            Ok(html) => (StatusCode::OK, Html(html)).into_response(),
            Err(err) => {
                tracing::error!(error = %err, template, "fragment could not be rendered");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }

    /// Runs `render` with the frame's context: this thread's context of the
    /// frame's language, which holds the text catalogue `t` already, with
    /// this request's parts (title, viewer, CSRF token, page) put in for the
    /// time of the call and taken out after it. So the catalogue's 550-odd
    /// texts are copied once per thread and language, not once per page.
    fn with_context<P: Serialize, R>(
        &self,
        frame: &Frame,
        template: &str,
        title_key: &str,
        page: P,
        render: impl FnOnce(&mut handlebars::Context) -> Result<R, handlebars::RenderError>,
    ) -> Result<R, handlebars::RenderError> {
        let language = frame.language;
        let slot = match language {
            Language::Vi => 0,
            Language::En => 1,
        };
        let mut context = match FRAMES.with(|frames| frames.borrow_mut()[slot].take()) {
            Some(context) => context,
            None => {
                let other = match language {
                    Language::Vi => Language::En,
                    Language::En => Language::Vi,
                };
                handlebars::Context::wraps(LanguageFrame {
                    lang: language.code(),
                    other_lang: other.code(),
                    t: self.catalog.texts(language),
                })?
            }
        };
        let request = RequestFrame {
            title: self.catalog.text(language, title_key),
            template: template.strip_prefix("pages/").unwrap_or(template),
            viewer: frame.viewer.as_ref(),
            csrf: &frame.csrf,
            page,
        };
        let parts = serde_json::to_value(request).map_err(handlebars::RenderErrorReason::SerdeError)?;
        if let (Some(root), serde_json::Value::Object(parts)) = (context.data_mut().as_object_mut(), parts) {
            root.extend(parts);
        }
        let rendered = render(&mut context);
        if let Some(root) = context.data_mut().as_object_mut() {
            for key in REQUEST_KEYS {
                root.remove(*key);
            }
        }
        FRAMES.with(|frames| frames.borrow_mut()[slot] = Some(context));
        rendered
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

    fn signed_in(language: Language) -> Frame {
        Frame {
            language,
            viewer: Some(Viewer {
                name: "Lê Văn Phòng".into(),
                organises: true,
                admin: true,
                awaiting: Some(3),
                awaiting_label: "3 việc đang chờ bạn".into(),
            }),
            csrf: "c".repeat(64),
        }
    }

    /// Every template parses and renders leniently with an empty view.
    #[test]
    fn every_template_renders_in_both_languages() {
        let pages = Pages::load_with(false).expect("templates load");
        for language in [Language::Vi, Language::En] {
            let frame = Frame::anonymous(language);
            for (template, _) in TEMPLATES.iter().filter(|(name, _)| name.starts_with("pages/")) {
                let response = pages.render(&frame, StatusCode::OK, template, "home_title", serde_json::Map::new());
                assert_eq!(response.status(), StatusCode::OK, "{template} in {language:?}");
            }
        }
    }

    /// Every page that has a typed view renders from it in strict mode: a
    /// template that names a field its view lacks fails here.
    #[test]
    fn typed_views_render_their_templates_in_strict_mode() {
        let pages = Pages::load_with(true).expect("templates load");
        let samples = crate::routes::view_samples();
        for (template, _) in TEMPLATES.iter().filter(|(name, _)| name.starts_with("pages/")) {
            assert!(samples.iter().any(|(name, _)| name == template), "{template} has no sample view");
        }
        for (template, view) in &samples {
            assert!(TEMPLATES.iter().any(|(name, _)| name == template), "{template} is not a template");
            for language in [Language::Vi, Language::En] {
                for frame in [signed_in(language), Frame::anonymous(language)] {
                    let rendered = pages.with_context(&frame, template, "home_title", view, |context| pages.registry.render_with_context(template, context));
                    assert!(rendered.is_ok(), "{template} in {language:?}: {:?}", rendered.err());
                    let response = pages.render(&frame, StatusCode::OK, template, "home_title", view);
                    assert_eq!(response.status(), StatusCode::OK, "{template} framed in {language:?}");
                }
            }
        }
    }

    /// A thread's frame context is reused: nothing of one request (its
    /// viewer, its page) shows on the next, and each language keeps its own.
    #[tokio::test]
    async fn nothing_of_one_page_shows_on_the_next() {
        let pages = Pages::load_with(true).expect("templates load");
        let body = |response: Response| async move {
            let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("body");
            String::from_utf8(bytes.to_vec()).expect("utf-8")
        };
        let page = MessageView { heading: "Riêng tư", body: "Chỉ người này thấy." };
        let first = body(pages.render(&signed_in(Language::Vi), StatusCode::OK, "pages/message", "home_title", &page)).await;
        assert!(first.contains("Lê Văn Phòng") && first.contains("Riêng tư") && first.contains("lang=\"vi\""));
        let other = MessageView { heading: "Public", body: "Anyone sees this." };
        let second = body(pages.render(&Frame::anonymous(Language::En), StatusCode::OK, "pages/message", "home_title", &other)).await;
        assert!(second.contains("lang=\"en\"") && second.contains("Public"));
        let third = body(pages.render(&Frame::anonymous(Language::Vi), StatusCode::OK, "pages/message", "home_title", &other)).await;
        assert!(third.contains("lang=\"vi\""));
        assert!(!third.contains("Lê Văn Phòng") && !third.contains("Riêng tư"), "the earlier page's viewer or view showed again");
    }
}
