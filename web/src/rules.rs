//! Request validation, once, at the edge: the rules page forms and API
//! bodies share (`#[validate(custom(function = "rules::language"))]`), and
//! a refusal of them in the person's words, every field at once.
//!
//! A rule's code names its message: `err_rule_<code>` in the catalogue,
//! with the rule's parameters (`{min}`, `{max}`) filled in.

use std::borrow::Cow;

use gopy_domain::calendar::AdjustmentKind;
use gopy_domain::{ActionStatus, AgendaItemId, Assignee, BodyId, CommitteeId, CommitteeRole, GlobalRole, Language, MeetingId, MeetingStatus, ReportId, UserId};
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

use crate::i18n::{Catalog, FieldErrors, parse_date};

/// The longest name or title the domain keeps (its `Name`).
pub const NAME_MAX: u64 = gopy_domain::Name::MAX_CHARS as u64;

/// The longest title or place the domain keeps (its `Title`).
pub const TITLE_MAX: u64 = gopy_domain::Title::MAX_CHARS as u64;

/// The longest text of several lines the domain keeps (its `CommentText`).
pub const TEXT_MAX: u64 = gopy_domain::CommentText::MAX_CHARS as u64;

/// The longest conclusion of a meeting.
pub const CONCLUSION_MAX: u64 = gopy_domain::ConclusionText::MAX_CHARS as u64;

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

/// A moment as a `datetime-local` input sends it (`2025-10-01T08:00`), in Việt Nam.
pub fn local_date_time(raw: &str) -> Result<(), ValidationError> {
    rule("date_time", crate::i18n::parse_local_date_time(raw).is_some())
}

/// A moment as the API writes it: RFC 3339 (`2025-10-01T08:00:00+07:00`).
pub fn moment(raw: &str) -> Result<(), ValidationError> {
    rule("moment", time::OffsetDateTime::parse(raw.trim(), &time::format_description::well_known::Rfc3339).is_ok())
}

/// A day as a person types it: `26/04/2025` (as dates are written here)
/// or `2025-04-26` (as a date input and the API send it).
pub fn parse_day(raw: &str) -> Option<time::Date> {
    let raw = raw.trim();
    if let Some(date) = parse_date(raw) {
        return Some(date);
    }
    let mut parts = raw.split('/');
    let day: u8 = parts.next()?.trim().parse().ok()?;
    let month: u8 = parts.next()?.trim().parse().ok()?;
    let year: i32 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || !(1000..=9999).contains(&year) {
        return None;
    }
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// A day as a person types it (`26/04/2025`) or a date input sends it (`2025-04-26`).
pub fn day(raw: &str) -> Result<(), ValidationError> {
    rule("day", parse_day(raw).is_some())
}

/// An optional day: empty for none.
pub fn day_choice(raw: &str) -> Result<(), ValidationError> {
    rule("date", raw.trim().is_empty() || parse_date(raw).is_some())
}

/// The statuses a meeting is moved to by hand: `held`, `minutes_approved`.
pub fn meeting_step(raw: &str) -> Result<(), ValidationError> {
    rule("meeting_status", matches!(raw.parse::<MeetingStatus>(), Ok(MeetingStatus::Held | MeetingStatus::MinutesApproved)))
}

pub fn action_status(raw: &str) -> Result<(), ValidationError> {
    rule("action_status", raw.parse::<ActionStatus>().is_ok())
}

/// The follow-up filter's statuses: `open`, `overdue`, `done`.
pub fn follow_up_status(raw: &str) -> Result<(), ValidationError> {
    rule("follow_up_status", raw.parse::<gopy_app::meetings::FollowUpStatus>().is_ok())
}

pub fn holiday_kind(raw: &str) -> Result<(), ValidationError> {
    rule("holiday_kind", raw.parse::<AdjustmentKind>().is_ok())
}

/// An attendance form's presence: empty (not recorded), `present`, `absent`, `represented`.
pub fn presence(raw: &str) -> Result<(), ValidationError> {
    rule("presence", matches!(raw.trim(), "" | "present" | "absent" | "represented"))
}

/// `body:<id>` or `person:<id>`, as action items name who does them.
pub fn parse_assignee(raw: &str) -> Option<Assignee> {
    let (kind, id) = raw.trim().split_once(':')?;
    match kind {
        "body" => id.parse().ok().map(Assignee::Body),
        "person" => id.parse().ok().map(Assignee::Person),
        _ => None,
    }
}

pub fn assignee(raw: &str) -> Result<(), ValidationError> {
    rule("assignee", parse_assignee(raw).is_some())
}

pub fn assignees(raw: &[String]) -> Result<(), ValidationError> {
    rule("assignee", raw.iter().all(|a| parse_assignee(a).is_some()))
}

/// A page's choice of body that must be made.
pub fn body_chosen(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().parse::<BodyId>().is_ok())
}

/// A page's boxes of bodies ticked: each one of the offered ids.
pub fn body_choices(raw: &[String]) -> Result<(), ValidationError> {
    rule("choice", raw.iter().all(|b| b.trim().parse::<BodyId>().is_ok()))
}

/// A page's boxes of people ticked: each one of the offered ids.
pub fn person_choices(raw: &[String]) -> Result<(), ValidationError> {
    rule("choice", raw.iter().all(|p| p.trim().parse::<UserId>().is_ok()))
}

/// An optional choice of person: empty for none.
pub fn person_choice_or_none(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().is_empty() || raw.trim().parse::<UserId>().is_ok())
}

pub fn committee_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().parse::<CommitteeId>().is_ok())
}

/// An optional choice of report: empty for none.
pub fn report_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().is_empty() || raw.trim().parse::<ReportId>().is_ok())
}

pub fn agenda_item_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().parse::<AgendaItemId>().is_ok())
}

/// An optional choice of meeting: empty for any.
pub fn meeting_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().is_empty() || raw.trim().parse::<MeetingId>().is_ok())
}

/// An optional filter by who does an action item: empty for anyone.
pub fn assignee_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().is_empty() || parse_assignee(raw).is_some())
}

/// An optional filter by follow-up status: empty for any.
pub fn follow_up_status_choice(raw: &str) -> Result<(), ValidationError> {
    rule("follow_up_status", raw.trim().is_empty() || raw.trim().parse::<gopy_app::meetings::FollowUpStatus>().is_ok())
}

/// A whole number typed in a box, from `min` to `max`; empty passes when
/// `required` is false.
fn whole_number(raw: &str, min: u32, max: u32, required: bool) -> Result<(), ValidationError> {
    let raw = raw.trim();
    if raw.is_empty() && !required {
        return Ok(());
    }
    match raw.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(()),
        _ => {
            let mut refused = ValidationError::new("range");
            refused.add_param("min".into(), &min);
            refused.add_param("max".into(), &max);
            Err(refused)
        }
    }
}

/// The longest an agenda item may take: a day, in minutes (the domain's rule).
pub const MINUTES_MAX: u32 = 24 * 60;

/// The minutes an agenda item is given, typed: 1 to a day.
pub fn minutes_allotted(raw: &str) -> Result<(), ValidationError> {
    whole_number(raw, 1, MINUTES_MAX, true)
}

/// "trong n ngày làm việc", typed: empty (a deadline is given), or 1 to 65.
pub fn working_days(raw: &str) -> Result<(), ValidationError> {
    whole_number(raw, 1, gopy_app::rounds::MAX_WORKING_DAYS, false)
}

/// A position in an agenda, typed: 1 for the first.
pub fn position(raw: &str) -> Result<(), ValidationError> {
    rule("position", raw.trim().parse::<u32>().is_ok_and(|n| n >= 1))
}

/// A position in an agenda, as the API gives it: 1 for the first.
pub fn position_number(n: u32) -> Result<(), ValidationError> {
    rule("position", n >= 1)
}

/// An attendance the API records: `present`, `absent` or `represented`.
pub fn recorded_presence(raw: &str) -> Result<(), ValidationError> {
    rule("presence", matches!(raw.trim(), "present" | "absent" | "represented"))
}

/// A form of one button (sign out, revoke, resend…): nothing but its
/// CSRF token, which the extractor checks; what else is sent is ignored.
#[derive(serde::Deserialize, validator::Validate)]
pub struct Confirm {}

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
    // A length bounded on one side only is told by the side it has.
    let key = match (problem.code.as_ref(), problem.params.contains_key("min"), problem.params.contains_key("max")) {
        ("length", false, true) => "err_rule_length_max".to_owned(),
        ("length", true, false) => "err_rule_length_min".to_owned(),
        (code, _, _) => format!("err_rule_{code}"),
    };
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
