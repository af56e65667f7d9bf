//! The working-day calendar as the admin keeps it: the built-in Vietnamese
//! holidays, and the government's yearly days off and make-up working days
//! added and removed on a page. Every deadline in working days and every
//! reminder counts in the calendar this makes ([`working_calendar`]).

use gopy_domain::calendar::{Adjustment, AdjustmentKind, AdjustmentProblem, Holiday, WorkingCalendar};
use gopy_domain::{Action, Actor, Name, Resource, authorize};
use serde_json::json;
use time::Date;

use crate::{App, AppError, InvalidReason, StoreError, UnitOfWork};

/// The calendar as stored now: the built-in rule with the admin's changes.
pub async fn working_calendar(uow: &mut dyn UnitOfWork) -> Result<WorkingCalendar, AppError> {
    Ok(WorkingCalendar::new(&uow.calendar_adjustments().await?))
}

/// A day off or a make-up working day, as the admin typed it.
#[derive(Clone, Debug, Default)]
pub struct NewHoliday {
    /// `None` when what was typed is not a date.
    pub date: Option<Date>,
    /// `None` when nothing (or nothing known) was chosen.
    pub kind: Option<AdjustmentKind>,
    pub note: String,
}

/// One built-in holiday of a year, and whether the admin made it a
/// working day.
#[derive(Clone, Debug)]
pub struct BuiltInDay {
    pub date: Date,
    pub holiday: Holiday,
    pub worked: bool,
}

/// The holidays page: the admin's changes, and the built-in holidays of
/// the years shown.
#[derive(Clone, Debug)]
pub struct HolidaysPage {
    pub adjustments: Vec<Adjustment>,
    pub built_in: Vec<(i32, Vec<BuiltInDay>)>,
    /// Adding and removing is the admin's; the secretariat reads it.
    pub may_manage: bool,
}

/// The refusal of a change the built-in rule makes pointless, on the field
/// the person gets wrong: the day.
fn refused(problem: AdjustmentProblem) -> AppError {
    let key = match problem {
        AdjustmentProblem::NotAWeekend => "err_holiday_not_weekend",
        AdjustmentProblem::AlreadyOff => "err_holiday_already_off",
    };
    AppError::invalid("date", InvalidReason::Rule(key.into()))
}

fn duplicate() -> AppError {
    AppError::invalid("date", InvalidReason::Rule("err_holiday_duplicate".into()))
}

impl App {
    /// The calendar's changes and this year's and next year's holidays.
    pub async fn holidays_page(&self, actor: &Actor) -> Result<HolidaysPage, AppError> {
        authorize(actor, Action::ViewHolidays, Resource::Organisation)?;
        let mut uow = self.store.begin_read().await?;
        let adjustments = uow.calendar_adjustments().await?;
        let calendar = WorkingCalendar::new(&adjustments);
        let year = self.now().to_offset(gopy_domain::meeting::VIETNAM).year();
        let built_in = [year, year + 1]
            .into_iter()
            .map(|y| {
                let days = WorkingCalendar::holidays(y)
                    .into_iter()
                    .map(|(date, holiday)| BuiltInDay { date, holiday, worked: calendar.is_working_day(date) })
                    .collect();
                (y, days)
            })
            .collect();
        let may_manage = authorize(actor, Action::ManageHolidays, Resource::Organisation).is_ok();
        Ok(HolidaysPage { adjustments, built_in, may_manage })
    }

    /// Adds a day off or a make-up working day. Refused, on the field it
    /// concerns: a date that is not one, a day that has a change already, a
    /// make-up day the rule does not give off, a day off it does.
    pub async fn add_holiday(&self, actor: &Actor, new: NewHoliday) -> Result<Adjustment, AppError> {
        authorize(actor, Action::ManageHolidays, Resource::Organisation)?;
        let date = new.date.ok_or_else(|| AppError::invalid("date", InvalidReason::Rule("err_date_format".into())))?;
        let kind = new.kind.ok_or_else(|| AppError::invalid("kind", InvalidReason::Missing))?;
        let note = match new.note.trim() {
            "" => String::new(),
            raw => Name::parse(raw).map_err(|e| AppError::invalid("note", e))?.to_string(),
        };
        let adjustment = Adjustment { date, kind, note };
        adjustment.check().map_err(refused)?;
        let mut uow = self.store.begin().await?;
        if uow.calendar_adjustments().await?.iter().any(|a| a.date == date) {
            return Err(duplicate());
        }
        match uow.insert_calendar_adjustment(&adjustment, Some(actor.user), self.now()).await {
            Err(StoreError::Conflict { .. }) => return Err(duplicate()),
            other => other?,
        }
        let details = json!({ "date": date.to_string(), "kind": kind.as_str(), "note": adjustment.note });
        let event = self.audit(Some(actor.user), "calendar.day_added", "calendar", None, details);
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(adjustment)
    }

    /// Removes the change of `date`, giving the day back to the built-in rule.
    pub async fn remove_holiday(&self, actor: &Actor, date: Date) -> Result<(), AppError> {
        authorize(actor, Action::ManageHolidays, Resource::Organisation)?;
        let mut uow = self.store.begin().await?;
        if !uow.delete_calendar_adjustment(date).await? {
            return Err(AppError::NotFound { what: "calendar day" });
        }
        let event = self.audit(Some(actor.user), "calendar.day_removed", "calendar", None, json!({ "date": date.to_string() }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }
}
