//! Mail texts from handlebars templates, one folder per kind under
//! `templates/{kind}/{vi,en}/` with `subject.txt.hbs`, `body.txt.hbs` and
//! `body.html.hbs`, wrapped in the shared layout of `templates/layout/`.
//!
//! The templates are built into the binary, like the pages, so a worker
//! needs nothing beside it. HTML is rendered by a registry that escapes
//! everything it substitutes (a report title or a name is the user's
//! text); subjects and plain text by one that does not. Both are strict: a
//! template naming a value the notice lacks is an error, never an empty
//! gap.

use gopy_domain::{Language, NoticeKind};
use handlebars::Handlebars;
use serde::Serialize;
use serde_json::{Map, Value, json};

macro_rules! templates {
    ($($name:expr),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name, ".hbs")))),*]
    };
}

macro_rules! kind_templates {
    ($($kind:literal),* $(,)?) => {
        templates![$(
            concat!($kind, "/vi/subject.txt"), concat!($kind, "/vi/body.txt"), concat!($kind, "/vi/body.html"),
            concat!($kind, "/en/subject.txt"), concat!($kind, "/en/body.txt"), concat!($kind, "/en/body.html"),
        )*]
    };
}

/// Every kind the notifier can write, and the digest that gathers them.
/// [`Templates::load`] checks that each of [`NoticeKind::ALL`] is here.
const KINDS: &[(&str, &str)] =
    kind_templates![
        "invitation", "password_reset", "comment.posted", "comment.replied", "comment.answered", "round.opened",
        "report.submitted", "report.approved", "report.returned", "reminder.round_closing", "reminder.action_due",
        "reminder.action_overdue", "reminder.action_escalated", "reminder.answers_owed", "consultation.requested", "answers.published",
        "meeting.invited", "meeting.updated", "meeting.cancelled", "digest"
    ];
const LAYOUTS: &[(&str, &str)] =
    templates!["layout/vi/layout.txt", "layout/vi/layout.html", "layout/en/layout.txt", "layout/en/layout.html"];

/// What one mail says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Why a notice could not be written: a kind without templates, or a
/// notice lacking what its template needs. Neither gets better by waiting.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("no mail template for the kind {0:?}")]
    UnknownKind(String),
    #[error("mail template {template}: {reason}")]
    Template { template: String, reason: String },
}

/// One notice to render: its kind and what the template may use.
#[derive(Clone, Debug)]
pub struct MailItem {
    pub kind: NoticeKind,
    /// The notice's payload, plus `link`, `recipient_name` and, for
    /// comments, `author_name`.
    pub data: Value,
}

pub struct Templates {
    html: Handlebars<'static>,
    text: Handlebars<'static>,
}

#[derive(Serialize)]
struct DigestItem {
    subject: String,
    text: String,
    html: String,
}

impl Templates {
    pub fn load() -> Result<Self, RenderError> {
        let mut html = Handlebars::new();
        let mut text = Handlebars::new();
        for registry in [&mut html, &mut text] {
            registry.set_strict_mode(true);
        }
        text.register_escape_fn(handlebars::no_escape);
        for (name, source) in KINDS.iter().chain(LAYOUTS) {
            let registry = if name.ends_with(".html") { &mut html } else { &mut text };
            registry.register_template_string(name, source).map_err(|e| RenderError::Template {
                template: (*name).to_owned(),
                reason: e.to_string(),
            })?;
        }
        // A kind without its six texts fails here, at start-up, not when
        // its first mail is due.
        for kind in NoticeKind::ALL {
            for part in ["subject.txt", "body.txt", "body.html"] {
                for language in [Language::Vi, Language::En] {
                    let name = format!("{kind}/{}/{part}", language.code());
                    if !html.has_template(&name) && !text.has_template(&name) {
                        return Err(RenderError::Template { template: name, reason: "missing".to_owned() });
                    }
                }
            }
        }
        Ok(Self { html, text })
    }

    fn part(&self, kind: &str, language: Language, file: &str, data: &Value) -> Result<String, RenderError> {
        let name = format!("{kind}/{}/{file}", language.code());
        let registry = if file.ends_with(".html") { &self.html } else { &self.text };
        if !registry.has_template(&name) {
            return Err(RenderError::UnknownKind(kind.to_owned()));
        }
        registry.render(&name, data).map_err(|e| RenderError::Template { template: name, reason: e.to_string() })
    }

    fn unwrapped(&self, item: &MailItem, language: Language) -> Result<Rendered, RenderError> {
        let kind = item.kind.as_str();
        Ok(Rendered {
            subject: one_line(&self.part(kind, language, "subject.txt", &item.data)?),
            text: self.part(kind, language, "body.txt", &item.data)?,
            html: self.part(kind, language, "body.html", &item.data)?,
        })
    }

    /// One mail for `notices` (at least one) to a person reading `language`:
    /// the notice itself when there is one, a digest of them all otherwise.
    /// `common` holds what the layout needs: `recipient_name`, `account_link`.
    pub fn render(&self, notices: &[MailItem], language: Language, common: &Value) -> Result<Rendered, RenderError> {
        let (subject, text, html) = match notices {
            [] => return Err(RenderError::UnknownKind("an empty mail".to_owned())),
            [one] => {
                let r = self.unwrapped(one, language)?;
                (r.subject, r.text, r.html)
            }
            many => {
                let items = many.iter().map(|n| self.unwrapped(n, language)).collect::<Result<Vec<_>, _>>()?;
                let titles: Vec<&Value> = many.iter().map(|n| &n.data["report_title"]).collect();
                let same_report = titles.iter().all(|t| *t == titles[0] && t.is_string());
                let mut data = merged(common, &json!({
                    "count": many.len(),
                    "report_title": if same_report { titles[0].clone() } else { Value::Null },
                }));
                let items: Vec<DigestItem> =
                    items.into_iter().map(|r| DigestItem { subject: r.subject, text: r.text, html: r.html }).collect();
                data["items"] = serde_json::to_value(items).unwrap_or_default();
                (
                    one_line(&self.part("digest", language, "subject.txt", &data)?),
                    self.part("digest", language, "body.txt", &data)?,
                    self.part("digest", language, "body.html", &data)?,
                )
            }
        };
        let layout = |file: &str, content: &str| {
            let data = merged(common, &json!({ "content": content, "subject": subject }));
            let name = format!("layout/{}/{file}", language.code());
            let registry = if file.ends_with(".html") { &self.html } else { &self.text };
            registry.render(&name, &data).map_err(|e| RenderError::Template { template: name, reason: e.to_string() })
        };
        Ok(Rendered { text: layout("layout.txt", &text)?, html: layout("layout.html", &html)?, subject })
    }
}

/// `base` with the keys of `extra` set over it.
pub(crate) fn merged(base: &Value, extra: &Value) -> Value {
    let mut out: Map<String, Value> = base.as_object().cloned().unwrap_or_default();
    if let Some(extra) = extra.as_object() {
        out.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    Value::Object(out)
}

/// A subject is one line, however a title was typed.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(title: &str) -> MailItem {
        MailItem {
            kind: NoticeKind::CommentPosted,
            data: json!({
                "report_title": title,
                "author_name": "Trần <Ủy> Viên",
                "link": "http://gopy.test/reports/1/versions/1#comment-2",
                "path": "/reports/1/versions/1#comment-2",
            }),
        }
    }

    fn common() -> Value {
        json!({ "recipient_name": "Nguyễn Tổ Trưởng", "account_link": "http://gopy.test/account" })
    }

    #[test]
    fn a_comment_mail_names_the_report_in_vietnamese_and_links_to_the_comment() {
        let t = Templates::load().expect("templates");
        let mail = t.render(&[comment("Báo cáo sơ kết")], Language::Vi, &common()).expect("rendered");
        assert_eq!(mail.subject, "Ý kiến mới về dự thảo: Báo cáo sơ kết");
        assert!(mail.text.contains("http://gopy.test/reports/1/versions/1#comment-2"), "{}", mail.text);
        assert!(mail.html.contains("href=\"http://gopy.test/reports/1/versions/1#comment-2\""), "{}", mail.html);
        let english = t.render(&[comment("Báo cáo sơ kết")], Language::En, &common()).expect("rendered");
        assert_eq!(english.subject, "New comment on the draft: Báo cáo sơ kết");
    }

    #[test]
    fn what_people_wrote_is_escaped_in_html_and_left_alone_in_text() {
        let t = Templates::load().expect("templates");
        let mail = t.render(&[comment("<script>alert(1)</script>")], Language::Vi, &common()).expect("rendered");
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(mail.html.contains("&lt;script&gt;"), "{}", mail.html);
        assert!(mail.html.contains("Trần &lt;Ủy&gt; Viên"), "{}", mail.html);
        assert!(mail.text.contains("Trần <Ủy> Viên"), "{}", mail.text);
        assert_eq!(mail.subject, "Ý kiến mới về dự thảo: <script>alert(1)</script>");
    }

    #[test]
    fn several_notices_make_one_digest_that_lists_each() {
        let t = Templates::load().expect("templates");
        let notices: Vec<MailItem> = (0..5).map(|_| comment("Báo cáo sơ kết")).collect();
        let mail = t.render(&notices, Language::Vi, &common()).expect("rendered");
        assert_eq!(mail.subject, "Gopy: 5 thông báo mới về dự thảo: Báo cáo sơ kết");
        assert_eq!(mail.text.matches("Ý kiến mới về dự thảo").count(), 5, "{}", mail.text);
        assert_eq!(mail.html.matches("<h2>").count(), 5, "{}", mail.html);
    }

    #[test]
    fn every_kind_renders_in_both_languages() {
        let t = Templates::load().expect("templates");
        let data = json!({
            "report_title": "T", "author_name": "A", "link": "http://x/y", "path": "/y", "expires_at": "x",
            "recipient_name": "R", "report": "r", "comment": "c", "author": "a", "reason": "Bổ sung",
            "weekday": "Thứ Ba", "deadline": "09/03/2027", "ballot": false, "meeting_title": "M", "action_text": "Làm",
            "assignees": "Văn phòng", "overdue_days": 3, "unanswered": 2, "round": 1, "body_name": "Ban Tổ chức",
            "silence_agrees": true,
            "title": "Hội nghị", "committee": "Ban Thường vụ", "when": "Thứ Ba, 27/06/2023, 08:00–11:30 (GMT+7)",
            "place": "Phòng họp 1", "presiding": "Chủ trì",
            "agenda": [{ "title": "Sơ kết", "presenter": "Ban Tuyên giáo", "minutes_allotted": 30 }],
            "answers": [{ "comment": "c", "version": 1, "passage": "II.1 ¶2", "comment_text": "Bổ sung số liệu", "disposition": "explained",
                "accepted": false, "partly_accepted": false, "explained": true, "response": null }],
        });
        for kind in NoticeKind::ALL.iter().copied() {
            for language in [Language::Vi, Language::En] {
                let notice = MailItem { kind, data: data.clone() };
                let mail = t.render(&[notice], language, &common()).unwrap_or_else(|e| panic!("{kind}: {e}"));
                assert!(!mail.subject.is_empty() && mail.text.contains("http://x/y"), "{kind} {language:?}");
            }
        }
    }
}
