//! The Vietnamese lunisolar calendar (âm lịch), reckoned for UTC+7 as the
//! Vietnamese calendar is: new moons and solar terms by the astronomical
//! approximations published by Hồ Ngọc Đức, which match the official
//! calendar for 1800–2199. Tết and Giỗ Tổ Hùng Vương fall by it.

use std::f64::consts::PI;

use time::Date;

/// Vietnam's time zone, in hours: the calendar's new moons are counted in it
/// (which is why Tết can differ by a day from China's).
const ZONE_HOURS: f64 = 7.0;
/// The Julian day of the new moon of 1 January 1900, and the mean synodic
/// month: the origin and step of the new-moon count `k`.
const EPOCH: f64 = 2_415_021.076_998_695;
const SYNODIC_MONTH: f64 = 29.530_588_853;

/// A date of the lunar calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LunarDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
    /// The intercalary month (tháng nhuận) that repeats `month`.
    pub leap: bool,
}

fn julian_day(date: Date) -> i64 {
    i64::from(date.to_julian_day())
}

fn date_of(julian_day: i64) -> Option<Date> {
    Date::from_julian_day(i32::try_from(julian_day).ok()?).ok()
}

/// The Julian day (with fraction, UT) of the `k`-th new moon after 1900-01-01.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let (t2, t3) = (t * t, t * t * t);
    let dr = PI / 180.0;
    let mut jd = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let sin = |degrees: f64| (degrees * dr).sin();
    let c1 = (0.1734 - 0.000_393 * t) * sin(m) + 0.0021 * sin(2.0 * m) - 0.4068 * sin(mpr) + 0.0161 * sin(2.0 * mpr)
        - 0.0004 * sin(3.0 * mpr)
        + 0.0104 * sin(2.0 * f)
        - 0.0051 * sin(m + mpr)
        - 0.0074 * sin(m - mpr)
        + 0.0004 * sin(2.0 * f + m)
        - 0.0004 * sin(2.0 * f - m)
        - 0.0006 * sin(2.0 * f + mpr)
        + 0.0010 * sin(2.0 * f - mpr)
        + 0.0005 * sin(2.0 * mpr + m);
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd + c1 - delta_t
}

/// The local day (Julian day number) on which the `k`-th new moon falls.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + ZONE_HOURS / 24.0).floor() as i64
}

/// The sun's longitude, in radians in [0, 2π), at a Julian day (UT).
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let mut dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin();
    dl += (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin() + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// Which twelfth of the ecliptic (0..12) the sun is in at the start of a local day.
fn sun_sector(day: i64) -> i64 {
    (sun_longitude(day as f64 - 0.5 - ZONE_HOURS / 24.0) / PI * 6.0).floor() as i64
}

/// The first day of the lunar month that holds the winter solstice (the
/// 11th month) of solar year `year`.
fn month_11(year: i32) -> Option<i64> {
    let off = julian_day(Date::from_calendar_date(year, time::Month::December, 31).ok()?) as f64 - 2_415_021.0;
    let k = (off / SYNODIC_MONTH).floor() as i64;
    let start = new_moon_day(k);
    Some(if sun_sector(start) >= 9 { new_moon_day(k - 1) } else { start })
}

/// In a lunar year of 13 months starting at the 11th month `a11`, which
/// month (counted from it) is the leap one: the first without a principal term.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - EPOCH) / SYNODIC_MONTH + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

/// The solar date of a lunar date; `None` for a leap month the year has not.
pub fn to_solar(lunar: LunarDate) -> Option<Date> {
    let (a11, b11) = if lunar.month < 11 {
        (month_11(lunar.year - 1)?, month_11(lunar.year)?)
    } else {
        (month_11(lunar.year)?, month_11(lunar.year + 1)?)
    };
    let k = (0.5 + (a11 as f64 - EPOCH) / SYNODIC_MONTH).floor() as i64;
    let mut off = i64::from(lunar.month) - 11;
    if off < 0 {
        off += 12;
    }
    if b11 - a11 > 365 {
        let leap_off = leap_month_offset(a11);
        let mut leap_month = leap_off - 2;
        if leap_month < 0 {
            leap_month += 12;
        }
        if lunar.leap && i64::from(lunar.month) != leap_month {
            return None;
        }
        if lunar.leap || off >= leap_off {
            off += 1;
        }
    } else if lunar.leap {
        return None;
    }
    date_of(new_moon_day(k + off) + i64::from(lunar.day) - 1)
}

/// The lunar date of a solar date.
pub fn to_lunar(date: Date) -> Option<LunarDate> {
    let day = julian_day(date);
    let k = ((day as f64 - EPOCH) / SYNODIC_MONTH).floor() as i64;
    let mut month_start = new_moon_day(k + 1);
    if month_start > day {
        month_start = new_moon_day(k);
    }
    let year = date.year();
    let mut a11 = month_11(year)?;
    let mut b11 = a11;
    let mut lunar_year = year;
    if a11 >= month_start {
        a11 = month_11(year - 1)?;
    } else {
        lunar_year = year + 1;
        b11 = month_11(year + 1)?;
    }
    let lunar_day = u8::try_from(day - month_start + 1).ok()?;
    let diff = (month_start - a11) / 29;
    let mut leap = false;
    let mut month = diff + 11;
    if b11 - a11 > 365 {
        let leap_diff = leap_month_offset(a11);
        if diff >= leap_diff {
            month = diff + 10;
            leap = diff == leap_diff;
        }
    }
    if month > 12 {
        month -= 12;
    }
    if month >= 11 && diff < 4 {
        lunar_year -= 1;
    }
    Some(LunarDate { year: lunar_year, month: u8::try_from(month).ok()?, day: lunar_day, leap })
}

/// Mùng một Tết: the first day of lunar year `year`.
pub fn new_year(year: i32) -> Option<Date> {
    to_solar(LunarDate { year, month: 1, day: 1, leap: false })
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn tet_falls_on_the_days_the_calendar_prints() {
        assert_eq!(new_year(2023), Some(date!(2023 - 01 - 22)));
        assert_eq!(new_year(2024), Some(date!(2024 - 02 - 10)));
        assert_eq!(new_year(2025), Some(date!(2025 - 01 - 29)));
        assert_eq!(new_year(2026), Some(date!(2026 - 02 - 17)));
        assert_eq!(new_year(2027), Some(date!(2027 - 02 - 06)));
    }

    #[test]
    fn the_hung_kings_day_is_the_tenth_of_the_third_month() {
        let hung_kings = |year| to_solar(LunarDate { year, month: 3, day: 10, leap: false });
        assert_eq!(hung_kings(2024), Some(date!(2024 - 04 - 18)));
        assert_eq!(hung_kings(2025), Some(date!(2025 - 04 - 07)));
    }

    #[test]
    fn solar_and_lunar_dates_convert_both_ways() {
        // 2023 had a leap second month (tháng 2 nhuận): its new moon came at
        // 00:23 on 22/3 in Vietnam (17:23 UTC the day before).
        let leap = to_lunar(date!(2023 - 03 - 22)).expect("a lunar date");
        assert_eq!(leap, LunarDate { year: 2023, month: 2, day: 1, leap: true });
        assert_eq!(to_lunar(date!(2023 - 03 - 21)).map(|d| (d.month, d.leap)), Some((2, false)));
        assert_eq!(to_solar(leap), Some(date!(2023 - 03 - 22)));
        assert_eq!(to_solar(LunarDate { year: 2024, month: 2, day: 1, leap: true }), None);
        let mut day = date!(2024 - 12 - 01);
        while day < date!(2027 - 03 - 01) {
            let lunar = to_lunar(day).expect("a lunar date");
            assert_eq!(to_solar(lunar), Some(day), "{day} is {lunar:?}");
            day = day.next_day().expect("a next day");
        }
    }
}
