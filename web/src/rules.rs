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
/// A page's choice of body, which must be made.
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

/// A page's choice of committee, which must be made.
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

// --- The review loop's rules: comments, answers, rounds, reports, search ---

/// A text the domain keeps within `max` characters; `required`: not blank.
/// Refused with the domain's own words ("too long: 5.012 characters…").
fn text_within(raw: &str, max: usize, required: bool) -> Result<(), ValidationError> {
    let text = raw.trim();
    if required && text.is_empty() {
        return Err(ValidationError::new("required"));
    }
    let actual = text.chars().count();
    if actual > max {
        let mut problem = ValidationError::new("too_long");
        problem.add_param("max".into(), &crate::i18n::format_count(max as u64));
        problem.add_param("actual".into(), &crate::i18n::format_count(actual as u64));
        return Err(problem);
    }
    Ok(())
}

/// A comment's, reply's or answer's text: said, and within the limit.
pub fn comment_text(raw: &str) -> Result<(), ValidationError> {
    text_within(raw, gopy_domain::CommentText::MAX_CHARS, true)
}

/// A text that may be left empty (a reason, a response), within the limit.
pub fn optional_comment_text(raw: &str) -> Result<(), ValidationError> {
    text_within(raw, gopy_domain::CommentText::MAX_CHARS, false)
}

/// A report's title.
pub fn title(raw: &str) -> Result<(), ValidationError> {
    text_within(raw, gopy_domain::Title::MAX_CHARS, true)
}

/// A version's change note: optional, at most 2,000 characters.
pub fn change_note(raw: &str) -> Result<(), ValidationError> {
    text_within(raw, 2_000, false)
}

/// The button that sent a version's form: `save` (or none) or `preview`.
pub fn version_action(raw: &str) -> Result<(), ValidationError> {
    rule("choice", matches!(raw.trim(), "" | "save" | "preview"))
}

/// A diff's layout: `side` (or none) or `inline`.
pub fn diff_view(raw: &str) -> Result<(), ValidationError> {
    rule("choice", matches!(raw.trim(), "" | "side" | "inline"))
}

/// Empty for every kind, or a kind of search entry (`passage`, `comment`…).
pub fn search_kind(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().is_empty() || raw.trim().parse::<gopy_domain::search::EntryKind>().is_ok())
}

/// A term indicator offered on the page.
pub fn indicator_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().parse::<gopy_domain::IndicatorId>().is_ok())
}

/// `higher_is_better` or `lower_is_better`.
pub fn direction(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().parse::<gopy_domain::indicator::Direction>().is_ok())
}

/// A consultation letter's number ("123-CV/BTG"): said, at most 64 characters.
pub fn letter_number(raw: &str) -> Result<(), ValidationError> {
    text_within(raw, gopy_domain::consultation::LetterNumber::MAX_CHARS, true)
}

/// Empty, or a letter's number within its limit.
pub fn optional_letter_number(raw: &str) -> Result<(), ValidationError> {
    text_within(raw, gopy_domain::consultation::LetterNumber::MAX_CHARS, false)
}

/// A person's name (who signed a letter): said, within the domain's limit.
pub fn name(raw: &str) -> Result<(), ValidationError> {
    text_within(raw, gopy_domain::Name::MAX_CHARS, true)
}

/// Empty, or a name within the limit.
pub fn optional_name(raw: &str) -> Result<(), ValidationError> {
    text_within(raw, gopy_domain::Name::MAX_CHARS, false)
}

/// Empty for none, or a day as a date field gives it.
pub fn optional_date(raw: &str) -> Result<(), ValidationError> {
    if raw.trim().is_empty() { Ok(()) } else { date(raw) }
}

/// A letter's comments, one per paragraph, each within a comment's limit.
pub fn paragraphs(raw: &str) -> Result<(), ValidationError> {
    raw.replace("\r\n", "\n").split("\n\n").try_for_each(optional_comment_text)
}

/// The bytes of a previewed file, posted back in hexadecimal.
pub fn hex(raw: &str) -> Result<(), ValidationError> {
    let raw = raw.trim();
    rule("other", raw.len().is_multiple_of(2) && raw.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The button of a comment form's upload: `preview` (or none) or `import`.
pub fn form_action(raw: &str) -> Result<(), ValidationError> {
    rule("choice", matches!(raw.trim(), "" | "preview" | "import"))
}

/// Empty for none, or a comment's id, as a page offers them.
pub fn optional_comment_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().is_empty() || raw.trim().parse::<gopy_domain::CommentId>().is_ok())
}

/// A decision on a change: `link`, `unlink`, `technical` or `not_technical`.
pub fn change_action(raw: &str) -> Result<(), ValidationError> {
    rule("choice", matches!(raw.trim(), "link" | "unlink" | "technical" | "not_technical"))
}

/// `agree` or `disagree` with the answer to one's comment.
pub fn stance(raw: &str) -> Result<(), ValidationError> {
    rule("stance", raw.trim().parse::<gopy_domain::dispute::Stance>().is_ok())
}

/// The day and time until which commenters may disagree, as a page's field gives it.
pub fn dispute_deadline(raw: &str) -> Result<(), ValidationError> {
    rule("dispute_deadline", crate::i18n::parse_local_date_time(raw).is_some())
}

/// Comments chosen on a page, each one offered there.
pub fn comment_choices(raw: &[String]) -> Result<(), ValidationError> {
    rule("choice", raw.iter().all(|r| r.trim().parse::<gopy_domain::CommentId>().is_ok()))
}

/// Comments' ids, as the API gives them out.
pub fn comment_ids(raw: &[String]) -> Result<(), ValidationError> {
    rule("id", raw.iter().all(|r| r.trim().parse::<gopy_domain::CommentId>().is_ok()))
}

/// An answer template's id.
pub fn template_id(raw: &str) -> Result<(), ValidationError> {
    rule("id", raw.trim().parse::<gopy_domain::AnswerTemplateId>().is_ok())
}

/// An answer template offered on a page.
pub fn template_choice(raw: &str) -> Result<(), ValidationError> {
    rule("choice", raw.trim().parse::<gopy_domain::AnswerTemplateId>().is_ok())
}

/// An answer template's name: said, within its limit.
pub fn template_name(raw: &str) -> Result<(), ValidationError> {
    text_within(raw, gopy_domain::answers::TemplateName::MAX_CHARS, true)
}

/// Empty, or a whole number (a character offset).
pub fn optional_number(raw: &str) -> Result<(), ValidationError> {
    rule("number", raw.trim().is_empty() || raw.trim().parse::<u32>().is_ok())
}

/// A version's number: a whole number from 1.
pub fn version_number(raw: &str) -> Result<(), ValidationError> {
    rule("version", raw.trim().parse::<u32>().is_ok_and(|n| n >= 1))
}

/// Empty, or a version's number.
pub fn optional_version_number(raw: &str) -> Result<(), ValidationError> {
    if raw.trim().is_empty() { Ok(()) } else { version_number(raw) }
}

/// A person's id, as the API gives them out.
pub fn person_id(raw: &str) -> Result<(), ValidationError> {
    rule("id", raw.trim().parse::<UserId>().is_ok())
}

/// Empty for none, or a person's id.
pub fn optional_person_id(raw: &str) -> Result<(), ValidationError> {
    if raw.trim().is_empty() { Ok(()) } else { person_id(raw) }
}

/// People's ids, every one of them.
pub fn person_ids(raw: &[String]) -> Result<(), ValidationError> {
    rule("id", raw.iter().all(|r| r.trim().parse::<UserId>().is_ok()))
}

/// A body's id, as the API gives them out.
pub fn body_id(raw: &str) -> Result<(), ValidationError> {
    rule("id", raw.trim().parse::<BodyId>().is_ok())
}

/// Empty for none, or a body's id.
pub fn optional_body_id(raw: &str) -> Result<(), ValidationError> {
    if raw.trim().is_empty() { Ok(()) } else { body_id(raw) }
}

/// Bodies' ids, every one of them.
pub fn body_ids(raw: &[String]) -> Result<(), ValidationError> {
    rule("id", raw.iter().all(|r| r.trim().parse::<BodyId>().is_ok()))
}

/// A committee's id.
pub fn committee_id(raw: &str) -> Result<(), ValidationError> {
    rule("id", raw.trim().parse::<gopy_domain::CommitteeId>().is_ok())
}

/// Empty for none, or a term's id.
pub fn optional_term_id(raw: &str) -> Result<(), ValidationError> {
    rule("id", raw.trim().is_empty() || raw.trim().parse::<gopy_domain::TermId>().is_ok())
}

/// Empty for none, or a report's id.
pub fn optional_report_id(raw: &str) -> Result<(), ValidationError> {
    rule("id", raw.trim().is_empty() || raw.trim().parse::<gopy_domain::ReportId>().is_ok())
}

/// Empty for none, or a meeting's id.
pub fn optional_meeting_id(raw: &str) -> Result<(), ValidationError> {
    rule("id", raw.trim().is_empty() || raw.trim().parse::<gopy_domain::MeetingId>().is_ok())
}

/// `accepted`, `partly_accepted` or `explained`.
pub fn disposition(raw: &str) -> Result<(), ValidationError> {
    rule("disposition", raw.trim().parse::<gopy_domain::DispositionKind>().is_ok())
}

/// A list's filter by answer: empty, `none`, `withdrawn` or a disposition.
pub fn disposition_filter(raw: &str) -> Result<(), ValidationError> {
    let raw = raw.trim();
    rule("choice", matches!(raw, "" | "none" | "withdrawn") || raw.parse::<gopy_domain::DispositionKind>().is_ok())
}

/// A box ticked or not, as a form or a query string says it.
pub fn flag(raw: &str) -> Result<(), ValidationError> {
    rule("flag", matches!(raw.trim(), "" | "0" | "1" | "on" | "true" | "false"))
}

/// Whether a [`flag`] says yes.
pub fn flagged(raw: Option<&str>) -> bool {
    matches!(raw.map(str::trim), Some("1" | "on" | "true"))
}

/// Empty for the default, or a page size from 1 to 100.
pub fn page_size(raw: &str) -> Result<(), ValidationError> {
    let max = gopy_app::review::MAX_PAGE_SIZE;
    rule("page_size", raw.trim().is_empty() || raw.trim().parse::<u32>().is_ok_and(|n| (1..=max).contains(&n)))
}

/// A step in a report's life: `open_round`, `close_round`, `submit`, `approve`, `return`.
pub fn step(raw: &str) -> Result<(), ValidationError> {
    rule("step", raw.trim().parse::<gopy_domain::workflow::Step>().is_ok())
}

/// `agree`, `disagree` or `other`.
pub fn vote(raw: &str) -> Result<(), ValidationError> {
    rule("vote", raw.trim().parse::<gopy_domain::workflow::Vote>().is_ok())
}

/// One of the kinds of report.
pub fn report_kind(raw: &str) -> Result<(), ValidationError> {
    rule("report_kind", raw.trim().parse::<gopy_domain::ReportKind>().is_ok())
}

/// Empty for none, or a moment in RFC 3339 (`2026-12-20T17:00:00+07:00`).
pub fn optional_rfc3339(raw: &str) -> Result<(), ValidationError> {
    let raw = raw.trim();
    rule("rfc3339", raw.is_empty() || time::OffsetDateTime::parse(raw, &time::format_description::well_known::Rfc3339).is_ok())
}

/// Empty for none, or a day and time as a page's field gives it.
pub fn optional_local_date_time(raw: &str) -> Result<(), ValidationError> {
    rule("date_time", raw.trim().is_empty() || crate::i18n::parse_local_date_time(raw).is_some())
}

/// Empty for the default, or a deadline in working days, 1 to 65.
pub fn optional_working_days(raw: &str) -> Result<(), ValidationError> {
    rule("working_days", raw.trim().is_empty() || raw.trim().parse::<u32>().is_ok_and(|n| (1..=65).contains(&n)))
}

/// Reminder offsets as typed ("3, 1"): empty for the default.
pub fn offsets(raw: &str) -> Result<(), ValidationError> {
    rule("offsets", raw.trim().is_empty() || gopy_app::rounds::parse_offsets(raw).is_ok())
}

/// Reminder offsets as a script sends them.
pub fn offset_list(raw: &[u32]) -> Result<(), ValidationError> {
    let listed = raw.iter().map(ToString::to_string).collect::<Vec<_>>().join(",");
    rule("offsets", gopy_app::rounds::parse_offsets(&listed).is_ok())
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

/// A refusal said in one place (a form with one banner): every refused
/// field's message, in order.
pub fn messages(catalog: &Catalog, language: Language, errors: &ValidationErrors) -> String {
    refused_fields(errors).into_iter().map(|(_, problem)| message(catalog, language, problem)).collect::<Vec<_>>().join(" ")
}

/// A form's refusal: each field's message, to show beside it.
pub fn field_errors(catalog: &Catalog, language: Language, errors: &ValidationErrors) -> FieldErrors {
    let mut fields = FieldErrors::default();
    for (field, problem) in refused_fields(errors) {
        fields.insert(Cow::Owned(field), message(catalog, language, problem));
    }
    fields
}
