//! Draft reports: the list, one report with its life and versions, the
//! difference between two versions, the table of dispositions and its files,
//! the timeline, the secretariat's dashboard, a version's indicators, and
//! the same through the JSON API.
//!
//! Each page handler calls one read use case of the app crate, which reads
//! in one unit of work and says what the viewer may do, and renders one
//! typed view. Pages about one report carry an `ETag` from its change
//! counter and answer `304 Not Modified` without building anything while it
//! holds.

pub(crate) mod answers;
pub(crate) mod api;
pub(crate) mod changes;
pub(crate) mod disputes;
pub(crate) mod consultation;
pub(crate) mod dispositions;
pub(crate) mod indicators;
mod pages;
pub(crate) mod rounds;
pub(crate) mod word_comments;


use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use gopy_app::AppError;
use gopy_app::reports::{Download, VersionInput};
use gopy_documents::ImportLimits;
use gopy_domain::{Actor, ReportKind, User};
use serde::Serialize;

use crate::AppState;
use crate::auth::Ctx;

/// The pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(pages::reports_page).post(pages::create_report))
        .route("/reports/{id}", get(pages::report_page))
        .route("/reports/{id}/versions", post(pages::add_version))
        .route("/reports/{id}/diff", get(pages::diff_page))
        .route("/reports/{id}/versions/{number}/{file}", get(pages::export_version))
        .route("/reports/{id}/word-comments", get(word_comments::word_comments_page).post(word_comments::read_word_comments))
        .route("/reports/{id}/word-comments/{import}", get(word_comments::word_import_page).post(word_comments::store_word_comments))
        .route("/reports/{id}/dispositions", get(dispositions::dispositions_page))
        .route("/reports/{id}/answers", get(answers::answers_page))
        .route("/reports/{id}/answers/groups", post(answers::confirm_group))
        .route("/reports/{id}/answers/groups/{group}/split", post(answers::split_group))
        .route("/reports/{id}/answers/groups/{group}/answer", post(answers::answer_group))
        .route("/reports/{id}/answers/apply", post(answers::apply_template))
        .route("/reports/{id}/answers/save", post(answers::save_answers))
        .route("/reports/{id}/answers/templates", post(answers::create_template))
        .route("/reports/{id}/answers/templates/{template}/delete", post(answers::delete_template))
        .route("/reports/{id}/answers/publish", post(answers::publish_answers))
        .route("/reports/{id}/changes", get(changes::changes_page))
        .route("/reports/{id}/changes/{to}/links", post(changes::decide_change))
        .route("/reports/{id}/changes/{to}/{file}", get(changes::changes_file))
        .route("/reports/{id}/disputes", get(disputes::disputes_page))
        .route("/reports/{id}/disputes/deadline", post(disputes::set_deadline))
        .route("/reports/{id}/disputes/{comment}/stance", post(disputes::take_stance))
        .route("/reports/{id}/disputes/{comment}/decision", post(disputes::decide_dispute))
        .route("/reports/{id}/consultation", get(consultation::consultation_page))
        .route("/reports/{id}/consultation/letters", post(consultation::record_letter))
        .route("/reports/{id}/consultation/no-comment", post(consultation::record_no_comment))
        .route("/reports/{id}/consultation/letters/{letter}", get(consultation::letter_file))
        .route("/reports/{id}/consultation/forms", post(consultation::upload_comment_form))
        .route("/reports/{id}/consultation/forms/{body}", get(consultation::comment_form_file))
        .route("/reports/{id}/{file}", get(dispositions::dispositions_file))
        .route("/reports/{id}/steps", post(rounds::take_step))
        .route("/reports/{id}/ballot", post(rounds::vote))
        .route("/reports/{id}/timeline", get(rounds::timeline_page))
        .route("/dashboard", get(rounds::dashboard_page))
        .route("/reports/{id}/versions/{number}/indicators", get(indicators::indicators_page))
        .route("/reports/{id}/versions/{number}/indicators/{chart}", get(indicators::indicators_chart))
        .route("/reports/{id}/versions/{number}/indicators/adopt", post(indicators::adopt))
        .route("/reports/{id}/versions/{number}/indicators/direction", post(indicators::set_direction))
        .route("/reports/{id}/versions/{number}/indicators/record", post(indicators::record))
}

/// The JSON API, nested under `/api`. The table of dispositions' API
/// routes are still in the review loop's router (`comments_api`).
pub fn api_router() -> Router<AppState> {
    api::router()
        .route("/v1/reports/{id}/transitions", post(rounds::api_transition))
        .route("/v1/reports/{id}/ballot", get(rounds::api_ballot).put(rounds::api_vote))
        .route("/v1/reports/{id}/timeline", get(rounds::api_timeline))
        .route("/v1/dashboard", get(rounds::api_dashboard))
        .route("/v1/reports/{id}/versions/{number}/indicators", get(indicators::api_indicators))
        .route("/v1/reports/{id}/versions/{number}/indicators/adoption", post(indicators::api_adopt_indicators))
        .route("/v1/reports/{id}/versions/{number}/indicators/results", post(indicators::api_record_indicator_results))
        .route("/v1/reports/{id}/word-comments", post(word_comments::api_read_word_comments))
        .route("/v1/reports/{id}/word-comments/{import}", get(word_comments::api_word_import))
        .route("/v1/reports/{id}/word-comments/{import}/store", post(word_comments::api_store_word_comments))
        .route("/v1/reports/{id}/consultation", get(consultation::api_consultation))
        .route("/v1/reports/{id}/answers", get(answers::api_answer_desk).post(answers::api_save_answers))
        .route("/v1/reports/{id}/answers/preview", post(answers::api_apply_template))
        .route("/v1/reports/{id}/answers/publish", post(answers::api_publish_answers))
        .route("/v1/reports/{id}/groups", post(answers::api_confirm_group))
        .route("/v1/reports/{id}/groups/{group}/split", post(answers::api_split_group))
        .route("/v1/reports/{id}/groups/{group}/answer", axum::routing::put(answers::api_answer_group))
        .route("/v1/reports/{id}/answer-templates", post(answers::api_create_template))
        .route("/v1/reports/{id}/answer-templates/{template}", axum::routing::delete(answers::api_delete_template))
        .route("/v1/reports/{id}/changes", get(changes::api_changes))
        .route("/v1/reports/{id}/changes/{to}/links", put(changes::api_link_change))
        .route("/v1/reports/{id}/changes/{to}/technical", put(changes::api_technical_edit))
        .route("/v1/reports/{id}/disputes", get(disputes::api_disputes))
        .route("/v1/reports/{id}/disputes/deadline", put(disputes::api_set_deadline))
        .route("/v1/comments/{id}/stance", put(disputes::api_take_stance))
        .route("/v1/comments/{id}/decision", put(disputes::api_decide_dispute))
}

/// Every page template of this feature with a sample of its view.
#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let mut samples = pages::view_samples();
    samples.extend(dispositions::view_samples());
    samples.extend(changes::view_samples());
    samples.extend(disputes::view_samples());
    samples.extend(consultation::view_samples());
    samples.extend(rounds::view_samples());
    samples.extend(indicators::view_samples());
    samples.extend(word_comments::view_samples());
    samples.extend(answers::view_samples());
    samples
}

/// A view as the JSON its template sees.
#[cfg(test)]
fn sample(view: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(view).expect("a view serialises")
}

/// The limits on what a version may be made from, from the configuration.
pub fn import_limits(state: &AppState) -> ImportLimits {
    ImportLimits { max_file_bytes: state.settings.server.upload_limit_bytes, ..ImportLimits::default() }
}

/// A version's files, by the last part of their address.
#[derive(Clone, Copy, serde::Deserialize)]
pub(crate) enum VersionFile {
    #[serde(rename = "export.docx")]
    Docx,
    #[serde(rename = "export.md")]
    Markdown,
}

impl From<VersionFile> for gopy_app::reports::ExportFormat {
    fn from(file: VersionFile) -> Self {
        match file {
            VersionFile::Docx => Self::Docx,
            VersionFile::Markdown => Self::Markdown,
        }
    }
}

/// A new version as an upload sends it (the report page's form, or the
/// API's `multipart/form-data`): a file, or Markdown, and a change note.
#[derive(validator::Validate)]
pub(crate) struct VersionUpload {
    #[validate(custom(function = "crate::rules::change_note"))]
    pub change_note: String,
    pub markdown: String,
    /// The page's button: `save` or `preview`.
    #[validate(custom(function = "crate::rules::version_action"))]
    pub action: String,
    pub file: Option<crate::auth::UploadedFile>,
}

impl From<crate::auth::UploadForm> for VersionUpload {
    fn from(mut form: crate::auth::UploadForm) -> Self {
        let mut take = |name: &str| form.fields.remove(name).unwrap_or_default();
        Self { change_note: take("change_note"), markdown: take("markdown"), action: take("action"), file: form.file }
    }
}

impl VersionUpload {
    /// What the version is made from: the file when one was sent.
    pub fn input(self) -> (VersionInput, String) {
        let input = match self.file {
            Some(file) => VersionInput::File { bytes: file.bytes, file_name: file.name },
            None => VersionInput::Markdown(self.markdown),
        };
        (input, self.change_note)
    }
}

/// A refusal in words, on the message page.
#[derive(Serialize)]
struct RefusedQueryView {
    heading: String,
    body: String,
}

/// A query string refused by its rules: a 422 page naming each field and
/// why, never a default taken in its place.
pub(crate) fn refused_query(ctx: &Ctx, errors: &validator::ValidationErrors) -> Response {
    let catalog = ctx.pages.catalog();
    let body = crate::rules::refused_fields(errors)
        .into_iter()
        .map(|(field, problem)| format!("{field}: {}", crate::rules::message(catalog, ctx.language, problem)))
        .collect::<Vec<_>>()
        .join(" ");
    let view = RefusedQueryView { heading: catalog.text(ctx.language, "error_title").to_owned(), body };
    ctx.render_with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, "pages/message", "error_title", view)
}

pub(crate) fn actor(ctx: &Ctx) -> Result<&Actor, Response> {
    Ok(&ctx.signed_in()?.actor)
}

pub(crate) fn kind_label(ctx: &Ctx, kind: ReportKind) -> String {
    ctx.pages.catalog().text(ctx.language, &format!("report_kind_{}", kind.as_str())).to_owned()
}

/// The viewer's time zone.
fn zone(ctx: &Ctx) -> String {
    ctx.identity.as_ref().map_or_else(|| User::DEFAULT_TIME_ZONE.to_owned(), |i| i.user.time_zone.clone())
}

/// The field a refusal concerns, and the message in the viewer's language,
/// for a form to show beside what the person typed. A refusal about a
/// field the form does not have is shown above the form.
pub(crate) fn refusal(ctx: &Ctx, err: &AppError) -> (&'static str, String) {
    let field = match err {
        AppError::Invalid { field, .. } => *field,
        AppError::Conflict { what: "version" } => "form",
        _ => "form",
    };
    (field, ctx.describe(err))
}

/// What a page about one report is sent with besides itself: browsers ask
/// again every time (the tag makes that cheap), and keep it to the reader.
pub(crate) fn revalidate(mut response: Response) -> Response {
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    response
}

/// `attachment; filename=…` with the name in both the plain and the RFC 5987
/// form, so browsers keep a Vietnamese name whole.
pub fn attachment(download: Download) -> Response {
    let disposition = disposition_header(&download.file_name);
    ([(CONTENT_TYPE, download.content_type.to_owned()), (CONTENT_DISPOSITION, disposition)], download.bytes).into_response()
}

/// The file's whole name in UTF-8 (RFC 5987 `filename*`, which browsers
/// prefer) and, for clients that read only `filename`, the same words
/// folded to ASCII and joined by hyphens ("bao-cao-...-du-thao-lan-2.docx").
fn disposition_header(file_name: &str) -> String {
    let ascii = ascii_file_name(file_name);
    let encoded: String = file_name
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file's name in ASCII: tones and `đ` folded, every other character a
/// word break, the extension kept.
fn ascii_file_name(file_name: &str) -> String {
    let (stem, extension) = file_name.rsplit_once('.').unwrap_or((file_name, ""));
    let folded = gopy_domain::text::fold(stem);
    let words: Vec<&str> = folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let stem = if words.is_empty() { "gopy".to_owned() } else { words.join("-") };
    let extension: String = extension.chars().filter(char::is_ascii_alphanumeric).collect();
    if extension.is_empty() { stem } else { format!("{stem}.{extension}") }
}

/// A report named in a page about something in it.
#[derive(Serialize)]
pub(crate) struct ReportRefView {
    pub id: String,
    pub title: String,
}

impl ReportRefView {
    fn of(report: &gopy_domain::Report) -> Self {
        Self { id: report.id.to_string(), title: report.title.to_string() }
    }
}

/// Renders every sample of this feature in strict mode, in both languages:
/// a template that reads a field its view lacks fails here.
#[cfg(test)]
mod tests {
    use axum::http::StatusCode;
    use gopy_domain::Language;

    use crate::pages::{Frame, Pages};

    #[test]
    fn every_report_page_renders_in_strict_mode_from_its_view() {
        let pages = Pages::load_with(true).expect("templates load");
        let samples = super::view_samples();
        for template in ["pages/reports", "pages/report", "pages/diff", "pages/dispositions", "pages/dashboard", "pages/timeline", "pages/indicators", "pages/word_comments", "pages/word_import"] {
            assert!(samples.iter().any(|(t, _)| *t == template), "{template} has a sample");
        }
        for language in [Language::Vi, Language::En] {
            let frame = Frame::anonymous(language);
            for (template, view) in &samples {
                let response = pages.render(&frame, StatusCode::OK, template, "home_title", view);
                assert_eq!(response.status(), StatusCode::OK, "{template} in {language:?} (see the log for the missing field)");
            }
        }
    }
}

#[cfg(test)]
mod file_name_tests {
    use super::{ascii_file_name, disposition_header};

    #[test]
    fn a_download_is_named_whole_in_vietnamese_with_an_ascii_fallback() {
        let name = gopy_app::reports::file_name(
            &["Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI, nhiệm kỳ 2020 - 2025", "Dự thảo lần 2"],
            "docx",
        );
        assert_eq!(name, "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI, nhiệm kỳ 2020 - 2025 - Dự thảo lần 2.docx");
        assert_eq!(
            ascii_file_name(&name),
            "bao-cao-so-ket-giua-nhiem-ky-thuc-hien-nghi-quyet-dai-hoi-dang-bo-tinh-lan-thu-xi-nhiem-ky-2020-2025-du-thao-lan-2.docx"
        );
        let header = disposition_header(&name);
        assert!(header.starts_with("attachment; filename=\"bao-cao-so-ket-"), "{header}");
        assert!(header.contains("filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20s%C6%A1%20k%E1%BA%BFt"), "{header}");
        assert!(header.ends_with("du-thao-lan-2.docx\"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20s%C6%A1%20k%E1%BA%BFt%20gi%E1%BB%AFa%20nhi%E1%BB%87m%20k%E1%BB%B3%20th%E1%BB%B1c%20hi%E1%BB%87n%20Ngh%E1%BB%8B%20quy%E1%BA%BFt%20%C4%90%E1%BA%A1i%20h%E1%BB%99i%20%C4%90%E1%BA%A3ng%20b%E1%BB%99%20t%E1%BB%89nh%20l%E1%BA%A7n%20th%E1%BB%A9%20XI%2C%20nhi%E1%BB%87m%20k%E1%BB%B3%202020%20-%202025%20-%20D%E1%BB%B1%20th%E1%BA%A3o%20l%E1%BA%A7n%202.docx"), "{header}");
    }

    #[test]
    fn a_long_title_is_cut_between_words_and_says_so() {
        let title = "Báo cáo ".repeat(40);
        let name = gopy_app::reports::file_name(&[&title, "Dự thảo lần 1"], "md");
        let (kept, rest) = name.split_once('…').expect("the cut is marked");
        assert!(kept.ends_with("cáo"), "{name}");
        assert_eq!(rest, " - Dự thảo lần 1.md");
        assert!(kept.chars().count() <= 120, "{name}");
        let refused = gopy_app::reports::file_name(&["Kết luận: a/b \"c\""], "docx");
        assert_eq!(refused, "Kết luận a b c.docx");
    }
}
