//! Working days (ngày làm việc) and public holidays (ngày nghỉ lễ, tết) in
//! Vietnam, for deadlines given as "trong 5 ngày làm việc" and for
//! reminders that must not fall on a day nobody is at the office.
//!
//! The holidays of the Labour Code 2019 (art. 112) are built in: 1/1, Tết
//! Nguyên đán and Giỗ Tổ Hùng Vương (10/3) by the lunar calendar, 30/4, 1/5,
//! and 2/9 with a day next to it. A holiday that falls on a Saturday or
//! Sunday gives the next working day off (nghỉ bù). Each year the
//! government fixes the exact Tết days and swaps days off against make-up
//! working Saturdays: those arrive as [`Adjustment`]s, entered by an admin,
//! and override the built-in rule either way.

pub mod lunar;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, Weekday};

/// Why a day is not a working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holiday {
    /// Tết Dương lịch, 1/1.
    NewYear,
    /// Tết Nguyên đán: the last day of the lunar year and the first four of the next.
    LunarNewYear,
    /// Giỗ Tổ Hùng Vương, 10/3 of the lunar calendar.
    HungKings,
    /// Ngày Chiến thắng, 30/4.
    Victory,
    /// Quốc tế Lao động, 1/5.
    Labour,
    /// Quốc khánh, 2/9 and the day next to it.
    National,
    /// Nghỉ bù: a holiday fell on a weekend.
    Compensatory,
    /// A day off the government or the admin added.
    DayOff,
}

/// A change to the built-in calendar for one day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Adjustment {
    pub date: Date,
    pub kind: AdjustmentKind,
    /// What the decision says, e.g. "Nghỉ Tết theo Thông báo 6150/TB-BNV".
    pub note: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdjustmentKind {
    /// Not a working day although the rule says it is.
    DayOff,
    /// A working day although the rule says it is not (a make-up Saturday,
    /// or a built-in holiday moved elsewhere).
    WorkingDay,
}

crate::organisation::stored_as_snake_case!(AdjustmentKind, "calendar day kind", DayOff => "day_off", WorkingDay => "working_day");

/// Why an admin's change to the calendar is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AdjustmentProblem {
    /// A make-up working day is a Saturday or a Sunday worked in exchange
    /// for a day off (or a built-in holiday the government moved): on an
    /// ordinary weekday it would change nothing, and is a typing mistake.
    #[error("a make-up working day must be a Saturday, a Sunday or a built-in holiday")]
    NotAWeekend,
    /// A day off added on a weekend or a built-in holiday changes nothing.
    #[error("the day is not a working day already")]
    AlreadyOff,
}

impl Adjustment {
    /// Whether this change makes sense against the built-in rule: a make-up
    /// day must be a day the rule gives off, a day off a day it gives to work.
    pub fn check(&self) -> Result<(), AdjustmentProblem> {
        let off_by_rule = WorkingCalendar::default().day_off(self.date).is_some();
        match (self.kind, off_by_rule) {
            (AdjustmentKind::WorkingDay, false) => Err(AdjustmentProblem::NotAWeekend),
            (AdjustmentKind::DayOff, true) => Err(AdjustmentProblem::AlreadyOff),
            _ => Ok(()),
        }
    }
}

/// The working-day calendar: the built-in holidays and the admin's adjustments.
#[derive(Clone, Debug, Default)]
pub struct WorkingCalendar {
    adjustments: BTreeMap<Date, AdjustmentKind>,
}

impl WorkingCalendar {
    pub fn new(adjustments: &[Adjustment]) -> Self {
        Self { adjustments: adjustments.iter().map(|a| (a.date, a.kind)).collect() }
    }

    /// The built-in holidays of a solar year, compensatory days included,
    /// before any adjustment.
    pub fn holidays(year: i32) -> BTreeMap<Date, Holiday> {
        let mut days = BTreeMap::new();
        let mut fixed = |month: Month, day: u8, holiday: Holiday| {
            if let Ok(date) = Date::from_calendar_date(year, month, day) {
                days.insert(date, holiday);
            }
        };
        fixed(Month::January, 1, Holiday::NewYear);
        fixed(Month::April, 30, Holiday::Victory);
        fixed(Month::May, 1, Holiday::Labour);
        fixed(Month::September, 2, Holiday::National);
        if let Ok(national) = Date::from_calendar_date(year, Month::September, 2) {
            // The day next to 2/9 is the one that joins it to the weekend
            // where one does (as in 2024 and 2025), else the day after.
            let next = match national.weekday() {
                Weekday::Tuesday | Weekday::Friday | Weekday::Saturday => national.previous_day(),
                _ => national.next_day(),
            };
            if let Some(next) = next {
                days.insert(next, Holiday::National);
            }
        }
        // Tết of this solar year's lunar year; its eve may fall in this
        // year too, and the next lunar year's eve never does (it is in
        // January or February of the next solar year at the earliest).
        if let Some(first) = lunar::new_year(year) {
            for offset in -1..=3 {
                let day = first + Duration::days(offset);
                if day.year() == year {
                    days.insert(day, Holiday::LunarNewYear);
                }
            }
        }
        if let Some(hung_kings) = lunar::to_solar(lunar::LunarDate { year, month: 3, day: 10, leap: false }) {
            days.insert(hung_kings, Holiday::HungKings);
        }
        // Nghỉ bù: each holiday on a weekend gives the next day that is
        // neither a weekend nor a holiday.
        let mut taken: BTreeSet<Date> = days.keys().copied().collect();
        let weekend_holidays: Vec<Date> = days.keys().copied().filter(|d| is_weekend(*d)).collect();
        for holiday in weekend_holidays {
            let mut day = holiday;
            while let Some(next) = day.next_day() {
                day = next;
                if !is_weekend(day) && !taken.contains(&day) {
                    taken.insert(day);
                    days.insert(day, Holiday::Compensatory);
                    break;
                }
            }
        }
        days
    }

    /// Why `date` is not a working day, or `None` when it is one.
    pub fn day_off(&self, date: Date) -> Option<DayOff> {
        match self.adjustments.get(&date) {
            Some(AdjustmentKind::WorkingDay) => return None,
            Some(AdjustmentKind::DayOff) => return Some(DayOff::Holiday(Holiday::DayOff)),
            None => {}
        }
        if let Some(holiday) = Self::holidays(date.year()).get(&date) {
            return Some(DayOff::Holiday(*holiday));
        }
        is_weekend(date).then_some(DayOff::Weekend)
    }

    pub fn is_working_day(&self, date: Date) -> bool {
        self.day_off(date).is_none()
    }

    /// The `n`-th working day after `from` ("trong n ngày làm việc" from a
    /// day): `from` itself is not counted; `n = 0` gives `from`.
    pub fn add_working_days(&self, from: Date, n: u32) -> Option<Date> {
        let mut day = from;
        let mut left = n;
        let mut years: BTreeMap<i32, BTreeMap<Date, Holiday>> = BTreeMap::new();
        while left > 0 {
            day = day.next_day()?;
            let holidays = years.entry(day.year()).or_insert_with(|| Self::holidays(day.year()));
            let working = match self.adjustments.get(&day) {
                Some(AdjustmentKind::WorkingDay) => true,
                Some(AdjustmentKind::DayOff) => false,
                None => !is_weekend(day) && !holidays.contains_key(&day),
            };
            if working {
                left -= 1;
            }
        }
        Some(day)
    }

    /// The admin's adjustments, earliest first.
    pub fn adjustments(&self) -> impl Iterator<Item = (Date, AdjustmentKind)> + '_ {
        self.adjustments.iter().map(|(d, k)| (*d, *k))
    }

    /// The last day of a deadline given as "trong `n` ngày làm việc" from
    /// `today`: the `n`-th working day after it (`n` of at least one).
    pub fn deadline_in(&self, today: Date, n: u32) -> Option<Date> {
        self.add_working_days(today, n.max(1))
    }

    /// The `n`-th working day before `to`, for "n working days before the deadline".
    pub fn subtract_working_days(&self, to: Date, n: u32) -> Option<Date> {
        let mut day = to;
        let mut left = n;
        while left > 0 {
            day = day.previous_day()?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Some(day)
    }
}

/// Why a day is not a working day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DayOff {
    Weekend,
    Holiday(Holiday),
}

fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The weekday in English, as the English pages write it before a date.
pub fn weekday_en(date: Date) -> &'static str {
    match date.weekday() {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

/// The weekday as Vietnamese write it before a date: "Thứ Hai, 27/06/2023".
pub fn weekday_vi(date: Date) -> &'static str {
    match date.weekday() {
        Weekday::Monday => "Thứ Hai",
        Weekday::Tuesday => "Thứ Ba",
        Weekday::Wednesday => "Thứ Tư",
        Weekday::Thursday => "Thứ Năm",
        Weekday::Friday => "Thứ Sáu",
        Weekday::Saturday => "Thứ Bảy",
        Weekday::Sunday => "Chủ nhật",
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn off(calendar: &WorkingCalendar, from: Date, to: Date) -> Vec<Date> {
        let mut days = Vec::new();
        let mut day = from;
        while day <= to {
            if !calendar.is_working_day(day) && !is_weekend(day) {
                days.push(day);
            }
            day = day.next_day().expect("a next day");
        }
        days
    }

    #[test]
    fn tet_2025_is_off_from_its_eve_to_the_fourth_day() {
        let calendar = WorkingCalendar::default();
        // Eve 28/1 (Tue) to mùng 4, 1/2 (Sat): a Saturday holiday gives Monday 3/2.
        assert_eq!(
            off(&calendar, date!(2025 - 01 - 20), date!(2025 - 02 - 07)),
            vec![date!(2025 - 01 - 28), date!(2025 - 01 - 29), date!(2025 - 01 - 30), date!(2025 - 01 - 31), date!(2025 - 02 - 03)]
        );
        assert_eq!(WorkingCalendar::holidays(2025).get(&date!(2025 - 02 - 03)), Some(&Holiday::Compensatory));
    }

    #[test]
    fn tet_2026_and_2027_follow_the_lunar_new_year() {
        let calendar = WorkingCalendar::default();
        // 2026: mùng 1 is Tuesday 17/2; eve 16/2 (Mon) to mùng 4, 20/2 (Fri).
        assert_eq!(
            off(&calendar, date!(2026 - 02 - 09), date!(2026 - 02 - 27)),
            vec![date!(2026 - 02 - 16), date!(2026 - 02 - 17), date!(2026 - 02 - 18), date!(2026 - 02 - 19), date!(2026 - 02 - 20)]
        );
        // 2027: mùng 1 is Saturday 6/2; eve Friday 5/2; Sat, Sun, Mon, Tue
        // are Tết; Saturday and Sunday give Wednesday and Thursday.
        assert_eq!(
            off(&calendar, date!(2027 - 02 - 01), date!(2027 - 02 - 14)),
            vec![date!(2027 - 02 - 05), date!(2027 - 02 - 08), date!(2027 - 02 - 09), date!(2027 - 02 - 10), date!(2027 - 02 - 11)]
        );
    }

    #[test]
    fn national_day_takes_the_day_that_joins_the_weekend() {
        let calendar = WorkingCalendar::default();
        // 2/9/2025 is a Tuesday: 1/9 and 2/9 off, 3/9 back at work.
        assert!(!calendar.is_working_day(date!(2025 - 09 - 01)));
        assert!(!calendar.is_working_day(date!(2025 - 09 - 02)));
        assert!(calendar.is_working_day(date!(2025 - 09 - 03)));
        // 2/9/2024 is a Monday: 2/9 and 3/9 off.
        assert_eq!(off(&calendar, date!(2024 - 08 - 28), date!(2024 - 09 - 06)), vec![date!(2024 - 09 - 02), date!(2024 - 09 - 03)]);
    }

    #[test]
    fn a_make_up_saturday_counts_and_a_decreed_day_off_does_not() {
        // The government moved a working day: Friday 2/5/2025 off, Saturday
        // 26/4/2025 worked instead.
        let calendar = WorkingCalendar::new(&[
            Adjustment { date: date!(2025 - 04 - 26), kind: AdjustmentKind::WorkingDay, note: "Làm bù".into() },
            Adjustment { date: date!(2025 - 05 - 02), kind: AdjustmentKind::DayOff, note: "Nghỉ hoán đổi".into() },
        ]);
        assert!(calendar.is_working_day(date!(2025 - 04 - 26)));
        assert!(!calendar.is_working_day(date!(2025 - 05 - 02)));
        // From Friday 25/4: Sat 26/4 (make-up) is the first working day;
        // 28/4 and 29/4 follow; 30/4, 1/5 (holidays), 2/5 (off), the weekend
        // are skipped, so the fifth is Tuesday 6/5.
        assert_eq!(calendar.add_working_days(date!(2025 - 04 - 25), 1), Some(date!(2025 - 04 - 26)));
        assert_eq!(calendar.add_working_days(date!(2025 - 04 - 25), 5), Some(date!(2025 - 05 - 06)));
        assert_eq!(calendar.subtract_working_days(date!(2025 - 05 - 06), 2), Some(date!(2025 - 04 - 29)));
    }

    #[test]
    fn an_admin_added_day_off_is_skipped_by_deadlines_in_working_days() {
        // Friday 30/6/2023 declared off: five working days from Monday 26/6
        // run Tue, Wed, Thu, then Mon 3/7 and Tue 4/7.
        let calendar = WorkingCalendar::new(&[Adjustment { date: date!(2023 - 06 - 30), kind: AdjustmentKind::DayOff, note: String::new() }]);
        assert_eq!(calendar.day_off(date!(2023 - 06 - 30)), Some(DayOff::Holiday(Holiday::DayOff)));
        assert_eq!(calendar.deadline_in(date!(2023 - 06 - 26), 5), Some(date!(2023 - 07 - 04)));
        assert_eq!(WorkingCalendar::default().deadline_in(date!(2023 - 06 - 26), 5), Some(date!(2023 - 07 - 03)));
        assert_eq!(calendar.deadline_in(date!(2023 - 06 - 26), 0), Some(date!(2023 - 06 - 27)), "at least one working day");
        assert_eq!(weekday_en(date!(2023 - 06 - 30)), "Friday");
    }

    #[test]
    fn a_make_up_day_must_be_off_by_the_rule_and_a_day_off_must_be_a_working_one() {
        let day = |date, kind| Adjustment { date, kind, note: String::new() };
        // Saturday 26/4/2025 worked: fine; Wednesday 23/4 worked: a mistake.
        assert_eq!(day(date!(2025 - 04 - 26), AdjustmentKind::WorkingDay).check(), Ok(()));
        assert_eq!(day(date!(2025 - 04 - 23), AdjustmentKind::WorkingDay).check(), Err(AdjustmentProblem::NotAWeekend));
        // A built-in holiday the government moved may be worked.
        assert_eq!(day(date!(2025 - 09 - 01), AdjustmentKind::WorkingDay).check(), Ok(()));
        assert_eq!(day(date!(2025 - 05 - 02), AdjustmentKind::DayOff).check(), Ok(()));
        assert_eq!(day(date!(2025 - 05 - 03), AdjustmentKind::DayOff).check(), Err(AdjustmentProblem::AlreadyOff));
        assert_eq!(day(date!(2025 - 01 - 29), AdjustmentKind::DayOff).check(), Err(AdjustmentProblem::AlreadyOff));
        for kind in AdjustmentKind::ALL {
            assert_eq!(kind.as_str().parse::<AdjustmentKind>(), Ok(*kind));
        }
    }

    #[test]
    fn hung_kings_day_on_a_sunday_gives_the_monday() {
        // 10/3 Bính Ngọ is Sunday 26/4/2026; Monday 27/4 is off instead.
        assert_eq!(WorkingCalendar::holidays(2026).get(&date!(2026 - 04 - 26)), Some(&Holiday::HungKings));
        assert!(!WorkingCalendar::default().is_working_day(date!(2026 - 04 - 27)));
        assert_eq!(weekday_vi(date!(2023 - 06 - 27)), "Thứ Ba");
    }
}
