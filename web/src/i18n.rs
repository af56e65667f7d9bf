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

/// The catalogue key naming a kind of notice among the account's choices.
pub fn notice_kind_key(kind: gopy_domain::NoticeKind) -> String {
    format!("mail_kind_{}", kind.as_str().replace('.', "_"))
}

/// The language chosen in the cookie, else the browser's
/// (`Accept-Language`), else `default`.
pub fn language_of(headers: &HeaderMap, default: Language) -> Language {
    chosen_language(headers).or_else(|| accepted_language(headers)).unwrap_or(default)
}

/// The language chosen in the cookie, if any.
pub fn chosen_language(headers: &HeaderMap) -> Option<Language> {
    cookie(headers, LANGUAGE_COOKIE).and_then(|v| v.parse().ok())
}

/// The language of ours the browser prefers most (`vi-VN,vi;q=0.9,en;q=0.8`),
/// by its weights; `None` when it accepts neither.
pub fn accepted_language(headers: &HeaderMap) -> Option<Language> {
    let mut best: Option<(f32, Language)> = None;
    for value in headers.get_all(axum::http::header::ACCEPT_LANGUAGE).iter().filter_map(|v| v.to_str().ok()) {
        for item in value.split(',') {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let primary = tag.split('-').next().unwrap_or("").to_ascii_lowercase();
            let Ok(language) = primary.parse::<Language>() else { continue };
            let weight = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, language));
            }
        }
    }
    best.map(|(_, language)| language)
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
    fn every_kind_a_person_may_choose_is_named() {
        let catalog = Catalog::load().expect("catalogues parse");
        for kind in gopy_domain::NoticeKind::choosable() {
            let key = notice_kind_key(kind);
            assert!(catalog.vi.get(&key).is_some(), "{key} has no words");
        }
    }

    #[test]
    fn times_are_shown_the_vietnamese_way_in_hanoi_time() {
        let at = time::macros::datetime!(2023-06-27 01:05 UTC);
        assert_eq!(format_date_time(at, "Asia/Ho_Chi_Minh"), "27/06/2023 08:05");
        assert_eq!(format_date_time(at, "Europe/Paris"), "27/06/2023 01:05 UTC");
        assert_eq!(format_date_time(at, "Asia/Tokyo"), "27/06/2023 10:05");
        assert_eq!(format_day_with_weekday(Language::Vi, time::macros::date!(2023 - 06 - 30)), "Thứ Sáu, 30/06/2023");
        assert_eq!(format_deadline(Language::En, at, "Asia/Ho_Chi_Minh"), "Tuesday, 27/06/2023 08:05");
    }

    #[test]
    fn a_datetime_local_input_is_read_as_hanoi_time() {
        assert_eq!(parse_local_date_time("2023-06-27T08:00"), Some(time::macros::datetime!(2023-06-27 01:00 UTC)));
        assert_eq!(parse_local_date_time("2023-06-27T08:00:30"), Some(time::macros::datetime!(2023-06-27 01:00:30 UTC)));
        assert_eq!(parse_local_date_time("27/06/2023 08:00"), None);
        assert_eq!(parse_local_date_time("2023-02-30T08:00"), None);
        assert_eq!(local_input_value(time::macros::datetime!(2023-06-27 01:00 UTC)), "2023-06-27T08:00");
        assert_eq!(parse_date("2023-07-10"), Some(time::macros::date!(2023 - 07 - 10)));
    }

    #[test]
    fn the_browser_language_counts_when_no_cookie_chose_one() {
        let mut headers = HeaderMap::new();
        headers.insert(axum::http::header::ACCEPT_LANGUAGE, HeaderValue::from_static("fr-FR,en-GB;q=0.8,vi;q=0.5"));
        assert_eq!(language_of(&headers, Language::Vi), Language::En);
        headers.insert(axum::http::header::ACCEPT_LANGUAGE, HeaderValue::from_static("vi-VN,vi;q=0.9,en;q=0.8"));
        assert_eq!(language_of(&headers, Language::En), Language::Vi);
        headers.insert(axum::http::header::ACCEPT_LANGUAGE, HeaderValue::from_static("de, fr;q=0.5, en;q=0"));
        assert_eq!(language_of(&headers, Language::Vi), Language::Vi, "q=0 means not acceptable");
        headers.insert(COOKIE, HeaderValue::from_static("gopy_lang=vi"));
        headers.insert(axum::http::header::ACCEPT_LANGUAGE, HeaderValue::from_static("en"));
        assert_eq!(language_of(&headers, Language::En), Language::Vi, "the cookie wins");
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
    use gopy_domain::{PasswordProblem, TeamProblem, TextError};
    let key = match err {
        AppError::Invalid { reason, .. } => match reason {
            InvalidReason::Text(TextError::Empty) => "err_empty",
            InvalidReason::Text(TextError::TooLong { max, actual }) => {
                return catalog
                    .text(language, "err_too_long")
                    .replace("{max}", &format_count(*max as u64))
                    .replace("{actual}", &format_count(*actual as u64));
            }
            InvalidReason::Text(TextError::ControlCharacter) => "err_control_character",
            InvalidReason::Text(TextError::InvalidEmail) => "err_invalid_email",
            InvalidReason::Password(PasswordProblem::TooShort) => "err_password_short",
            InvalidReason::Password(PasswordProblem::TooLong) => "err_password_long",
            InvalidReason::Password(PasswordProblem::TooGuessable) => "err_password_guessable",
            InvalidReason::Password(PasswordProblem::Wrong) => "err_password_wrong",
            InvalidReason::LastAdmin => "err_last_admin",
            InvalidReason::Missing => "err_missing",
            InvalidReason::Team(TeamProblem::Empty) => "err_team_empty",
            InvalidReason::Team(TeamProblem::LeadNotOnTeam) => "err_lead_not_on_team",
            InvalidReason::Import(problem) => return describe_import_error(catalog, language, problem),
            InvalidReason::Sheet(problem) => return describe_sheet_error(catalog, language, problem),
            InvalidReason::Meeting(problem) => meeting_problem_key(*problem),
            InvalidReason::Rule(key) => return catalog.text(language, key).to_owned(),
            InvalidReason::Template(gopy_domain::answers::TemplateProblem::UnknownPlaceholder(name)) => {
                let known: Vec<String> = gopy_domain::answers::PLACEHOLDERS.iter().map(|p| format!("{{{p}}}")).collect();
                return catalog
                    .text(language, "err_template_placeholder")
                    .replace("{known}", &known.join(", "))
                    .replace("{name}", &format!("{{{name}}}"));
            }
            InvalidReason::Template(gopy_domain::answers::TemplateProblem::Unclosed) => "err_template_unclosed",
            InvalidReason::Template(gopy_domain::answers::TemplateProblem::Text(_)) => "err_empty",
        },
        AppError::Conflict { what: "version" } => "err_version_conflict",
        AppError::Conflict { what: "import" } => "err_word_import_stored",
        AppError::Conflict { what: "user" } => "err_email_taken",
        AppError::Conflict { what: "membership" } => "err_already_member",
        AppError::Conflict { .. } => "err_name_taken",
        AppError::Stale { .. } => "err_stale",
        AppError::BadCredentials => "err_bad_credentials",
        AppError::Throttled(_) => "err_throttled",
        AppError::NotFound { .. } => "not_found_body",
        AppError::Forbidden => "forbidden_body",
        AppError::Store(gopy_app::StoreError::Unavailable(_)) => "unavailable_body",
        AppError::Link(_) | AppError::Store(_) => "error_body",
        AppError::Closed { what, state } => {
            let key = match *what {
                "comments" => "err_comments_closed",
                "versions" => "err_versions_closed",
                "ballot" => "err_ballot_closed",
                _ => "err_answers_closed",
            };
            return catalog.text(language, key).replace("{state}", &status_label(catalog, language, *state));
        }
        AppError::Step(refused) => return describe_step_refused(catalog, language, refused),
    };
    catalog.text(language, key).to_owned()
}

/// Why a page does not offer an action, in the person's language; `None`
/// for what the viewer's role never allows, which a page leaves out.
pub fn describe_why_not(catalog: &Catalog, language: Language, why: &gopy_app::WhyNot) -> Option<String> {
    use gopy_app::WhyNot;
    let text = |key: &'static str| catalog.text(language, key);
    Some(match why {
        WhyNot::Role => return None,
        WhyNot::NoOpenRound => text("why_not_no_open_round").to_owned(),
        WhyNot::RoundClosed { on } => text("why_not_round_closed").replace("{date}", &format_date(*on)),
        WhyNot::Approved { on } => text("why_not_approved").replace("{date}", &format_date(*on)),
        WhyNot::NotLatest { latest } => text("why_not_not_latest").replace("{latest}", &latest.to_string()),
        WhyNot::State(state) => text("why_not_state").replace("{state}", &status_label(catalog, language, *state)),
        WhyNot::NothingToPublish => text("why_not_nothing_to_publish").to_owned(),
        WhyNot::MeetingState(state) => text("why_not_meeting_state")
            .replace("{state}", catalog.text(language, &format!("meeting_status_{}", state.as_str()))),
        WhyNot::DisputeClosed { on } => text("why_not_dispute_closed").replace("{date}", &format_date(*on)),
        WhyNot::NoBodiesConsulted => text("why_not_no_bodies_consulted").to_owned(),
        WhyNot::RowsInvalid { rows } => text("why_not_rows_invalid").replace("{count}", &format_count(*rows as u64)),
        WhyNot::NothingToChange => text("why_not_nothing_to_change").to_owned(),
    })
}

/// An action as a page offers it: open, or closed with the reason told.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct OfferView {
    pub open: bool,
    /// Why it is closed, when that is worth telling.
    pub why_not: Option<String>,
}

impl OfferView {
    pub fn new(catalog: &Catalog, language: Language, offer: &gopy_app::Offer) -> Self {
        Self { open: offer.is_yes(), why_not: offer.why_not().and_then(|why| describe_why_not(catalog, language, why)) }
    }
}

/// A report's state, as people call it.
pub fn status_label(catalog: &Catalog, language: Language, status: gopy_domain::ReportStatus) -> String {
    catalog.text(language, &format!("status_{}", status.as_str())).to_owned()
}

/// A step of a report's life, as people call it.
pub fn step_label(catalog: &Catalog, language: Language, step: gopy_domain::workflow::Step) -> String {
    catalog.text(language, &format!("step_{}", step.as_str())).to_owned()
}

fn describe_step_refused(catalog: &Catalog, language: Language, refused: &gopy_domain::workflow::StepRefused) -> String {
    use gopy_domain::workflow::StepRefused;
    match refused {
        StepRefused::NotNow { step, state, allowed } => {
            let allowed: Vec<String> = allowed.iter().map(|s| step_label(catalog, language, *s)).collect();
            let allowed = if allowed.is_empty() { catalog.text(language, "step_none").to_owned() } else { allowed.join(", ") };
            catalog
                .text(language, "err_step_not_now")
                .replace("{step}", &step_label(catalog, language, *step))
                .replace("{state}", &status_label(catalog, language, *state))
                .replace("{allowed}", &allowed)
        }
        StepRefused::Unanswered(open) => {
            catalog.text(language, "err_unanswered").replace("{count}", &format_count(open.len() as u64))
        }
        StepRefused::NoVersion => catalog.text(language, "err_no_version").to_owned(),
        StepRefused::NoDeadline => catalog.text(language, "err_no_deadline").to_owned(),
        StepRefused::DeadlinePassed => catalog.text(language, "err_deadline_passed").to_owned(),
        StepRefused::NoReason => catalog.text(language, "err_no_reason").to_owned(),
    }
}

/// The catalogue key that says why a meeting's rule refused a change.
fn meeting_problem_key(problem: gopy_domain::MeetingProblem) -> &'static str {
    use gopy_domain::MeetingProblem as P;
    match problem {
        P::EndsBeforeItStarts => "err_meeting_ends_before_start",
        P::ReportOfAnotherCommittee => "err_meeting_report_other_committee",
        P::NoAssignee => "err_meeting_no_assignee",
        P::NoDeadline => "err_meeting_no_deadline",
        P::MinutesApproved => "err_meeting_minutes_approved",
        P::NotHeld => "err_meeting_not_held",
        P::AlreadyHeld => "err_meeting_already_held",
        P::NoSuchAgendaItem | P::NoSuchEntry | P::NoSuchAction => "err_missing",
        P::AlreadyAComment => "err_meeting_already_comment",
        P::NoLinkedReport => "err_meeting_no_report",
        P::AttendanceIncomplete => "err_meeting_attendance",
        P::TimeAllotted => "err_meeting_time_allotted",
        P::Cancelled => "err_meeting_cancelled",
        P::NotCancellable => "err_meeting_not_cancellable",
        P::AgendaItemHasMinutes => "err_meeting_item_has_minutes",
    }
}

/// A `datetime-local` input (`2023-06-27T08:00`, seconds optional) read as
/// Việt Nam's local time (UTC+7, no daylight saving), as forms send it.
pub fn parse_local_date_time(raw: &str) -> Option<time::OffsetDateTime> {
    let raw = raw.trim();
    let (date, clock) = raw.split_once('T').or_else(|| raw.split_once(' '))?;
    let date = parse_date(date)?;
    let mut parts = clock.split(':');
    let hour: u8 = parts.next()?.parse().ok()?;
    let minute: u8 = parts.next()?.parse().ok()?;
    let second: u8 = match parts.next() {
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    let time = time::Time::from_hms(hour, minute, second).ok()?;
    Some(time::PrimitiveDateTime::new(date, time).assume_offset(gopy_domain::meeting::VIETNAM))
}

/// A `date` input: `2023-07-10`.
pub fn parse_date(raw: &str) -> Option<time::Date> {
    let mut parts = raw.trim().split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    time::Date::from_calendar_date(year, time::Month::try_from(month).ok()?, day).ok()
}

/// A moment as a `datetime-local` input shows it, in Việt Nam's time.
pub fn local_input_value(at: time::OffsetDateTime) -> String {
    let local = at.to_offset(gopy_domain::meeting::VIETNAM);
    format!("{:04}-{:02}-{:02}T{:02}:{:02}", local.year(), u8::from(local.month()), local.day(), local.hour(), local.minute())
}

/// The days left before a deadline's day: "còn 2 ngày", "hết hạn hôm
/// nay", "quá hạn 3 ngày".
pub fn days_left_text(catalog: &Catalog, language: Language, days: i64) -> String {
    match days {
        0 => catalog.text(language, "work_due_today").to_owned(),
        n if n > 0 => catalog.text(language, "work_days_left").replace("{n}", &n.to_string()),
        n => catalog.text(language, "work_days_over").replace("{n}", &(-n).to_string()),
    }
}

/// A day as people in Việt Nam write it: 10/07/2023.
pub fn format_date(date: time::Date) -> String {
    format!("{:02}/{:02}/{}", date.day(), u8::from(date.month()), date.year())
}

/// Why an upload was refused, and what is accepted, in the person's
/// language. Figures are written the Vietnamese way in both languages' texts.
pub fn describe_import_error(catalog: &Catalog, language: Language, err: &gopy_documents::ImportError) -> String {
    use gopy_documents::{Detected, ImportError};
    let text = |key: &str| catalog.text(language, key).to_owned();
    let message = match err {
        ImportError::TooLarge { max, actual } => text("import_too_large")
            .replace("{actual}", &format_bytes(*actual))
            .replace("{max}", &format_bytes(*max)),
        ImportError::EmptyFile => text("import_empty_file"),
        ImportError::NoText { .. } => text("import_no_text"),
        ImportError::UnsupportedFormat { detected } => {
            let what = match detected {
                Detected::Pdf => "import_is_pdf",
                Detected::LegacyWord => "import_is_legacy_word",
                Detected::Rtf => "import_is_rtf",
                Detected::OpenDocument => "import_is_open_document",
                Detected::Spreadsheet => "import_is_spreadsheet",
                Detected::Presentation => "import_is_presentation",
                Detected::ZipWithoutWordDocument => "import_is_zip",
                Detected::Binary => "import_is_binary",
            };
            text("import_unsupported").replace("{what}", catalog.text(language, what))
        }
        ImportError::PasswordProtected => text("import_password"),
        ImportError::NotUtf8 { line } => text("import_not_utf8").replace("{line}", &format_count(*line as u64)),
        ImportError::CorruptDocx { .. } => text("import_corrupt"),
        ImportError::TooLargeUncompressed { .. } | ImportError::TooManyEntries { .. } => text("import_bomb"),
        ImportError::TooManyBlocks { max } => text("import_too_many_blocks").replace("{max}", &format_count(*max as u64)),
    };
    format!("{message} {}", text("import_accepted"))
}

/// The message for each field a refusal concerns, keyed by field name, for
/// a form to show beside what the person typed (`errors.<field>`; `form`
/// for what concerns the whole form).
#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(transparent)]
pub struct FieldErrors(std::collections::BTreeMap<std::borrow::Cow<'static, str>, String>);

impl FieldErrors {
    pub fn one(field: &'static str, message: impl Into<String>) -> Self {
        Self(std::iter::once((std::borrow::Cow::Borrowed(field), message.into())).collect())
    }

    pub fn insert(&mut self, field: std::borrow::Cow<'static, str>, message: String) {
        self.0.insert(field, message);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What concerns the whole form (`form`, shown as a banner), and the
    /// rest (beside their fields), apart: a page with several forms shows
    /// the rest only beside the form that was sent.
    pub fn split_form(self) -> (Self, Self) {
        let (form, fields) = self.0.into_iter().partition(|(field, _)| field == "form");
        (Self(form), Self(fields))
    }
}

/// A refusal as the message beside the field it concerns.
pub fn form_errors(ctx: &crate::auth::Ctx, err: &AppError) -> FieldErrors {
    let field = match err {
        AppError::Invalid { field, .. } => *field,
        AppError::Conflict { what: "user" } => "email",
        AppError::Conflict { what: "version" } => "form",
        AppError::Conflict { .. } => "name",
        _ => "form",
    };
    FieldErrors::one(field, ctx.describe(err))
}

/// A moment as people in Việt Nam write it (27/06/2023 08:00), in the
/// person's time zone (one of those an account may choose, none of which
/// keeps daylight saving, so a fixed offset is exact); an unknown zone is
/// shown in UTC, marked so.
pub fn format_date_time(at: time::OffsetDateTime, time_zone: &str) -> String {
    let (offset, suffix) = if gopy_domain::reminder::is_known_zone(time_zone) || time_zone == "Asia/Saigon" {
        (gopy_domain::reminder::zone_offset(time_zone), "")
    } else {
        (time::UtcOffset::UTC, " UTC")
    };
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

/// A day with its weekday, as deadlines are shown: "Thứ Sáu, 27/06/2023"
/// (or "Friday, 27/06/2023").
pub fn format_day_with_weekday(language: Language, date: time::Date) -> String {
    let weekday = match language {
        Language::Vi => gopy_domain::calendar::weekday_vi(date),
        Language::En => gopy_domain::calendar::weekday_en(date),
    };
    format!("{weekday}, {}", format_date(date))
}

/// A deadline moment with its weekday, in the person's zone: "Thứ Sáu,
/// 07/07/2023 17:00".
pub fn format_deadline(language: Language, at: time::OffsetDateTime, time_zone: &str) -> String {
    let local = if gopy_domain::reminder::is_known_zone(time_zone) || time_zone == "Asia/Saigon" {
        at.to_offset(gopy_domain::reminder::zone_offset(time_zone))
    } else {
        at.to_offset(time::UtcOffset::UTC)
    };
    let weekday = match language {
        Language::Vi => gopy_domain::calendar::weekday_vi(local.date()),
        Language::En => gopy_domain::calendar::weekday_en(local.date()),
    };
    format!("{weekday}, {}", format_date_time(at, time_zone))
}

/// Why a file could not be read as a list, and what is accepted.
pub fn describe_sheet_error(catalog: &Catalog, language: Language, err: &gopy_documents::SheetError) -> String {
    let text = |key: &str| catalog.text(language, key).to_owned();
    let message = match err {
        gopy_documents::SheetError::TooLarge { max, actual } => {
            text("import_too_large").replace("{actual}", &format_bytes(*actual)).replace("{max}", &format_bytes(*max))
        }
        gopy_documents::SheetError::EmptyFile => text("import_empty_file"),
        gopy_documents::SheetError::UnsupportedFormat { detected } => {
            let what = match detected {
                gopy_documents::Detected::Pdf => "import_is_pdf",
                gopy_documents::Detected::LegacyWord => "people_import_is_legacy",
                gopy_documents::Detected::OpenDocument => "import_is_open_document",
                gopy_documents::Detected::Presentation => "import_is_presentation",
                gopy_documents::Detected::Rtf => "import_is_rtf",
                gopy_documents::Detected::Spreadsheet | gopy_documents::Detected::ZipWithoutWordDocument | gopy_documents::Detected::Binary => "people_import_is_other_zip",
            };
            text("people_import_unsupported").replace("{what}", catalog.text(language, what))
        }
        gopy_documents::SheetError::NotUtf8 { line } => text("people_import_not_utf8").replace("{line}", &format_count(*line as u64)),
        gopy_documents::SheetError::Corrupt { .. } | gopy_documents::SheetError::TooLargeUncompressed { .. } => text("people_import_corrupt"),
        gopy_documents::SheetError::NoHeader => text("people_import_no_header").replace("{rows}", &gopy_documents::HEADER_SEARCH_ROWS.to_string()),
        gopy_documents::SheetError::DuplicateColumn { column } => {
            text("people_import_duplicate_column").replace("{column}", catalog.text(language, &format!("people_import_col_{}", column.as_str())))
        }
        gopy_documents::SheetError::NoRows => text("people_import_no_rows"),
        gopy_documents::SheetError::TooManyRows { max } => text("people_import_too_many_rows").replace("{max}", &format_count(*max as u64)),
    };
    format!("{message} {}", text("people_import_accepted"))
}

/// A whole number the Vietnamese way, with dots between thousands: 3.850.
pub fn format_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(d);
    }
    out
}

/// A size in bytes as people read it: "10 MB", "512 KB", with a decimal
/// comma where one is needed ("1,5 MB").
pub fn format_bytes(bytes: usize) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let bytes = bytes as f64;
    let (value, unit) = if bytes >= MB { (bytes / MB, "MB") } else { (bytes / 1024.0, "KB") };
    let text = if (value - value.round()).abs() < 0.05 { format!("{value:.0}") } else { format!("{value:.1}").replace('.', ",") };
    format!("{text} {unit}")
}

#[cfg(test)]
mod number_tests {
    use super::*;

    #[test]
    fn numbers_and_sizes_are_written_the_vietnamese_way() {
        assert_eq!(format_count(3850), "3.850");
        assert_eq!(format_count(100_000), "100.000");
        assert_eq!(format_count(12), "12");
        assert_eq!(format_bytes(10 * 1024 * 1024), "10 MB");
        assert_eq!(format_bytes(1536 * 1024), "1,5 MB");
    }
}

