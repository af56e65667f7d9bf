//! The working-day calendar's page and API: the built-in Vietnamese
//! holidays, and the government's yearly days off and make-up working days
//! the admin adds and removes. Deadlines in working days and reminders
//! count in what is kept here.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use gopy_app::AppError;
use gopy_app::holidays::{HolidaysPage, NewHoliday};
use gopy_domain::Language;
use gopy_domain::calendar::{Adjustment, AdjustmentKind, Holiday};
use serde::{Deserialize, Serialize};
use crate::rules::Confirm;
use utoipa::ToSchema;

use crate::AppState;
use crate::auth::{ApiCaller, Ctx, CsrfForm, PageResult};
use crate::i18n::{Catalog, FieldErrors, form_errors, format_day_with_weekday};
use crate::routes::api::{ValidJson, invalid_fields, refuse};
use crate::rules::{self, NAME_MAX, parsed};
use validator::{Validate, ValidationErrors};
use crate::routes::views::Choice;
use crate::paths::{ApiPath, PagePath, PathDate};

fn holiday_label(catalog: &Catalog, language: Language, holiday: Holiday) -> String {
    let key = match holiday {
        Holiday::NewYear => "holiday_new_year",
        Holiday::LunarNewYear => "holiday_lunar_new_year",
        Holiday::HungKings => "holiday_hung_kings",
        Holiday::Victory => "holiday_victory",
        Holiday::Labour => "holiday_labour",
        Holiday::National => "holiday_national",
        Holiday::Compensatory => "holiday_compensatory",
        Holiday::DayOff => "holiday_day_off",
    };
    catalog.text(language, key).to_owned()
}

fn kind_label(catalog: &Catalog, language: Language, kind: AdjustmentKind) -> String {
    catalog.text(language, &format!("holiday_kind_{}", kind.as_str())).to_owned()
}

#[derive(Serialize)]
pub struct HolidaysView {
    pub changes: Vec<ChangeView>,
    pub years: Vec<YearView>,
    pub may_manage: bool,
    pub kinds: Vec<Choice>,
    /// As typed, after a refusal.
    pub values: HolidayForm,
    pub errors: FieldErrors,
}

#[derive(Serialize)]
pub struct ChangeView {
    /// `2025-04-26`, for the removal's address.
    pub iso: String,
    /// "Thứ Bảy, 26/04/2025".
    pub day: String,
    pub kind: &'static str,
    pub kind_label: String,
    pub note: Option<String>,
}

#[derive(Serialize)]
pub struct YearView {
    pub title: String,
    pub days: Vec<BuiltInDayView>,
}

#[derive(Serialize)]
pub struct BuiltInDayView {
    pub day: String,
    pub name: String,
    /// The admin made it a working day.
    pub worked: bool,
}

/// The page's form, as typed: the API's request read from a form, with
/// the same rules and the same reading.
#[derive(Default, Deserialize, Serialize, Validate)]
pub struct HolidayForm {
    #[serde(default)]
    #[validate(custom(function = "rules::day"))]
    pub date: String,
    #[serde(default)]
    #[validate(custom(function = "rules::holiday_kind"))]
    pub kind: String,
    #[serde(default)]
    #[validate(length(max = NAME_MAX))]
    pub note: String,
}

/// A day changed in the calendar, its rules passed, read.
fn new_holiday(date: &str, kind: &str, note: &str) -> Result<NewHoliday, ValidationErrors> {
    let date = rules::parse_day(date).ok_or_else(|| rules::refused("date", "day"))?;
    Ok(NewHoliday { date: Some(date), kind: Some(parsed(kind, "kind")?), note: note.to_owned() })
}

impl TryFrom<&HolidayForm> for NewHoliday {
    type Error = ValidationErrors;

    fn try_from(form: &HolidayForm) -> Result<Self, ValidationErrors> {
        form.validate()?;
        new_holiday(&form.date, &form.kind, &form.note)
    }
}

impl TryFrom<&HolidayRequest> for NewHoliday {
    type Error = ValidationErrors;

    fn try_from(request: &HolidayRequest) -> Result<Self, ValidationErrors> {
        request.validate()?;
        new_holiday(&request.date, &request.kind, &request.note)
    }
}

fn holidays_view(ctx: &Ctx, page: HolidaysPage, values: HolidayForm, errors: FieldErrors) -> HolidaysView {
    let catalog = ctx.pages.catalog();
    let language = ctx.language;
    HolidaysView {
        changes: page
            .adjustments
            .iter()
            .map(|a| ChangeView {
                iso: a.date.to_string(),
                day: format_day_with_weekday(language, a.date),
                kind: a.kind.as_str(),
                kind_label: kind_label(catalog, language, a.kind),
                note: Some(a.note.clone()).filter(|n| !n.is_empty()),
            })
            .collect(),
        years: page
            .built_in
            .iter()
            .map(|(year, days)| YearView {
                title: catalog.text(language, "holidays_built_in").replace("{year}", &year.to_string()),
                days: days
                    .iter()
                    .map(|d| BuiltInDayView {
                        day: format_day_with_weekday(language, d.date),
                        name: holiday_label(catalog, language, d.holiday),
                        worked: d.worked,
                    })
                    .collect(),
            })
            .collect(),
        may_manage: page.may_manage,
        kinds: AdjustmentKind::ALL
            .iter()
            .map(|k| Choice::new(k.as_str(), kind_label(catalog, language, *k), k.as_str() == values.kind))
            .collect(),
        values,
        errors,
    }
}

async fn render(state: &AppState, ctx: &Ctx, values: HolidayForm, errors: FieldErrors, status: StatusCode) -> PageResult {
    let identity = ctx.signed_in()?;
    let page = state.app.holidays_page(&identity.actor).await.map_err(|e| ctx.failure(&e))?;
    let view = holidays_view(ctx, page, values, errors);
    Ok(ctx.render_with_status(status, "pages/admin_holidays", "holidays_title", view))
}

pub async fn holidays_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let values = HolidayForm { kind: AdjustmentKind::DayOff.as_str().to_owned(), ..HolidayForm::default() };
    render(&state, &ctx, values, FieldErrors::default(), StatusCode::OK).await
}

pub async fn add_holiday(State(state): State<AppState>, ctx: Ctx, CsrfForm(form): CsrfForm<HolidayForm>) -> PageResult {
    let identity = ctx.signed_in()?;
    let new = match NewHoliday::try_from(&form) {
        Ok(new) => new,
        Err(refused) => {
            let errors = rules::field_errors(ctx.pages.catalog(), ctx.language, &refused);
            return render(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    match state.app.add_holiday(&identity.actor, new).await {
        Ok(_) => Ok(Redirect::to("/admin/holidays").into_response()),
        Err(err @ AppError::Invalid { .. }) => {
            let errors = form_errors(&ctx, &err);
            render(&state, &ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(err) => Err(ctx.failure(&err)),
    }
}

pub async fn remove_holiday(
    State(state): State<AppState>,
    ctx: Ctx,
    PagePath(PathDate(day)): PagePath<PathDate>,
    CsrfForm(Confirm {}): CsrfForm<Confirm>,
) -> PageResult {
    let identity = ctx.signed_in()?;
    state.app.remove_holiday(&identity.actor, day).await.map_err(|e| ctx.failure(&e))?;
    Ok(Redirect::to("/admin/holidays").into_response())
}

// --- The API ---------------------------------------------------------------------

pub(crate) fn api_router() -> axum::Router<AppState> {
    use axum::routing::{delete, get};
    axum::Router::new()
        .route("/v1/holidays", get(api_holidays).post(api_add_holiday))
        .route("/v1/holidays/{date}", delete(api_remove_holiday))
}

/// A day the admin changed in the working-day calendar.
#[derive(Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayRequest {
    /// `yyyy-mm-dd` (or `dd/mm/yyyy`).
    #[validate(custom(function = "rules::day"))]
    pub date: String,
    /// `day_off` or `working_day` (a make-up working day: a Saturday, a
    /// Sunday or a built-in holiday).
    #[validate(custom(function = "rules::holiday_kind"))]
    pub kind: String,
    /// The decision it comes from, e.g. "Thông báo 6150/TB-BNV".
    #[serde(default)]
    #[validate(length(max = NAME_MAX))]
    #[schema(max_length = 200)]
    pub note: String,
}

#[derive(Serialize, ToSchema)]
pub struct HolidayResponse {
    /// `yyyy-mm-dd`.
    pub date: String,
    /// `day_off` or `working_day`.
    pub kind: &'static str,
    pub note: String,
}

fn response(a: &Adjustment) -> HolidayResponse {
    HolidayResponse { date: a.date.to_string(), kind: a.kind.as_str(), note: a.note.clone() }
}

#[utoipa::path(get, path = "/api/v1/holidays", tag = "holidays", security(("bearer" = [])),
    responses((status = 200, description = "The days off and make-up working days added to the built-in calendar, earliest first", body = [HolidayResponse]),
        (status = 403, description = "Neither an admin nor the secretariat", body = crate::routes::api::ApiError)))]
pub async fn api_holidays(State(state): State<AppState>, ApiCaller(identity): ApiCaller) -> Response {
    match state.app.holidays_page(&identity.actor).await {
        Ok(page) => Json(page.adjustments.iter().map(response).collect::<Vec<_>>()).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(post, path = "/api/v1/holidays", tag = "holidays", security(("bearer" = [])),
    request_body = HolidayRequest,
    responses((status = 201, description = "The day, added", body = HolidayResponse),
        (status = 422, description = "A malformed date, a day added already, a make-up day that is not a weekend or a holiday, a day off that is off already: `fields` names the field", body = crate::routes::api::ApiError),
        (status = 403, description = "Not an admin", body = crate::routes::api::ApiError)))]
pub async fn api_add_holiday(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ValidJson(request): ValidJson<HolidayRequest>) -> Response {
    let new = match NewHoliday::try_from(&request) {
        Ok(new) => new,
        Err(refused) => return invalid_fields(state.pages.catalog(), identity.user.language, &refused),
    };
    match state.app.add_holiday(&identity.actor, new).await {
        Ok(added) => (StatusCode::CREATED, Json(response(&added))).into_response(),
        Err(err) => refuse(&state, &identity, &err),
    }
}

#[utoipa::path(delete, path = "/api/v1/holidays/{date}", tag = "holidays", security(("bearer" = [])),
    params(("date" = String, Path, description = "The day, `yyyy-mm-dd`")),
    responses((status = 204, description = "The day is back to the built-in rule"),
        (status = 404, description = "No change was kept for that day", body = crate::routes::api::ApiError),
        (status = 403, description = "Not an admin", body = crate::routes::api::ApiError)))]
pub async fn api_remove_holiday(State(state): State<AppState>, ApiCaller(identity): ApiCaller, ApiPath(PathDate(day)): ApiPath<PathDate>) -> Response {
    let result = state.app.remove_holiday(&identity.actor, day).await;
    crate::routes::api::respond_empty(&state, &identity, result)
}

#[cfg(test)]
pub(crate) fn view_samples() -> Vec<(&'static str, serde_json::Value)> {
    let view = HolidaysView {
        changes: vec![ChangeView {
            iso: "2025-04-26".into(),
            day: "Thứ Bảy, 26/04/2025".into(),
            kind: "working_day",
            kind_label: "Ngày làm bù".into(),
            note: Some("Thông báo 6150/TB-BNV".into()),
        }],
        years: vec![YearView {
            title: "Ngày lễ có sẵn năm 2025".into(),
            days: vec![BuiltInDayView { day: "Thứ Ba, 28/01/2025".into(), name: "Tết Nguyên đán".into(), worked: true }],
        }],
        may_manage: true,
        kinds: vec![Choice::new("day_off", "Ngày nghỉ", true)],
        values: HolidayForm { date: "31/02/2025".into(), kind: "day_off".into(), note: "Nghỉ hoán đổi".into() },
        errors: FieldErrors::one("date", "Ngày cần theo dạng dd/mm/yyyy"),
    };
    vec![("pages/admin_holidays", serde_json::to_value(view).expect("a view becomes JSON"))]
}

#[cfg(test)]
mod tests {
    use crate::rules::parse_day;
    use time::macros::date;

    #[test]
    fn a_day_is_read_as_written_here_or_as_a_date_input_sends_it() {
        assert_eq!(parse_day("26/04/2025"), Some(date!(2025 - 04 - 26)));
        assert_eq!(parse_day(" 2025-04-26 "), Some(date!(2025 - 04 - 26)));
        assert_eq!(parse_day("2/9/2025"), Some(date!(2025 - 09 - 02)));
        for bad in ["31/02/2025", "26/04", "26-04-2025", "abc", "", "26/04/25", "1/1/2025/1"] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
