//! Request validation, once, at the edge: the rules page forms and API
//! bodies share (`#[validate(custom(function = "rules::language"))]`), and
//! a refusal of them in the person's words, every field at once.
//!
//! A rule's code names its message: `err_rule_<code>` in the catalogue,
//! with the rule's parameters (`{min}`, `{max}`) filled in.

use std::borrow::Cow;

use gopy_domain::{BodyId, CommitteeRole, GlobalRole, Language, UserId};
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::i18n::{Catalog, FieldErrors, parse_date};

/// The longest name or title the domain keeps (its `Name`).
pub const NAME_MAX: u64 = gopy_domain::Name::MAX_CHARS as u64;

fn rule(code: &'static str, holds: bool) -> Result<(), ValidationError> {
    if holds { Ok(()) } else { Err(ValidationError::new(code)) }
}

pub fn language(raw: &str) -> Result<(), ValidationError> {
    rule("language", raw.parse::<Language>().is_ok())
}

pub fn date(raw: &str) -> Result<(), ValidationError> {
    rule("date", parse_date(raw).is_some())
}

pub fn committee_role(raw: &str) -> Result<(), ValidationError> {
    rule("committee_role", raw.parse::<CommitteeRole>().is_ok())
}

pub fn global_role(raw: &str) -> Result<(), ValidationError> {
    rule("global_role", raw.parse::<GlobalRole>().is_ok())
}

pub fn global_roles(raw: &[String]) -> Result<(), ValidationError> {
    rule("global_role", raw.iter().all(|r| r.parse::<GlobalRole>().is_ok()))
}

pub fn time_zone(raw: &str) -> Result<(), ValidationError> {
    rule("time_zone", gopy_domain::reminder::is_known_zone(raw.trim()))
}

/// A page's choice of body: empty for none, else one of the offered ids.
pub fn body_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().is_empty() || raw.trim().parse::<BodyId>().is_ok())
}

/// A page's choice of person: one of the offered ids.
pub fn person_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().parse::<UserId>().is_ok())
}

/// A page's optional choice of global role: empty for none.
pub fn global_role_choice(raw: &str) -> Result<(), ValidationError> {
    rule("global_role", raw.trim().is_empty() || raw.parse::<GlobalRole>().is_ok())
}

/// A field refused by `code`'s rule, as `validate()` would refuse it.
pub fn refused(field: &'static str, code: &'static str) -> ValidationErrors {
    let mut errors = ValidationErrors::new();
    errors.add(field, ValidationError::new(code));
    errors
}

/// A value its rule has passed, read: a rule and its parse that disagree
/// are refused as the rule would, never taken for a default.
pub fn parsed<T: std::str::FromStr>(raw: &str, field: &'static str) -> Result<T, ValidationErrors> {
    raw.trim().parse().map_err(|_| refused(field, "other"))
}

/// An optional choice its rule has passed: empty is none.
pub fn parsed_choice<T: std::str::FromStr>(raw: &str, field: &'static str) -> Result<Option<T>, ValidationErrors> {
    match raw.trim() {
        "" => Ok(None),
        chosen => parsed(chosen, field).map(Some),
    }
}

/// Every refused field with its first refusal, named by its path in the
/// request (`name`, `choices[2].kind`), in order.
pub fn refused_fields(errors: &ValidationErrors) -> Vec<(String, &ValidationError)> {
    let mut found = Vec::new();
    walk(errors, "", &mut found);
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

fn walk<'a>(errors: &'a ValidationErrors, prefix: &str, found: &mut Vec<(String, &'a ValidationError)>) {
    for (field, kind) in errors.errors() {
        let path = if prefix.is_empty() { field.to_string() } else { format!("{prefix}.{field}") };
        match kind {
            ValidationErrorsKind::Field(problems) => {
                if let Some(problem) = problems.first() {
                    found.push((path, problem));
                }
            }
            ValidationErrorsKind::Struct(inner) => walk(inner, &path, found),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    walk(inner, &format!("{path}[{index}]"), found);
                }
            }
        }
    }
}

/// One rule's refusal in words: the rule's code picks the text, its
/// parameters fill it in.
pub fn message(catalog: &Catalog, language: Language, problem: &ValidationError) -> String {
    let key = format!("err_rule_{}", problem.code);
    let mut text = catalog.text(language, &key).to_owned();
    if text == key {
        text = catalog.text(language, "err_rule_other").to_owned();
    }
    for (name, value) in &problem.params {
        if name == "value" {
            continue;
        }
        let shown = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
        text = text.replace(&format!("{{{name}}}"), &shown);
    }
    text
}

/// A form's refusal: each field's message, to show beside it.
pub fn field_errors(catalog: &Catalog, language: Language, errors: &ValidationErrors) -> FieldErrors {
    let mut fields = FieldErrors::default();
    for (field, problem) in refused_fields(errors) {
        fields.insert(Cow::Owned(field), message(catalog, language, problem));
    }
    fields
}
