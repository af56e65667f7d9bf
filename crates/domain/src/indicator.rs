//! Indicators (chỉ tiêu): the targets a Congress resolution sets for a term,
//! and the results a review report gives for them. Gopy reads the indicator
//! table of a version, judges each row against its target, and says the
//! sentence every mid-term review needs: "7 of 24 indicators met or exceeded
//! the resolution; the rest reached 41% or more".
//!
//! Numbers are read the Vietnamese way: `3.850` is three thousand eight
//! hundred and fifty, `6,1` is six point one. A cell that is not a number is
//! a problem on its row, never taken as zero.

use serde::Serialize;
use time::Date;

use crate::document::BlockContent;
use crate::text::{Name, fold};
use crate::{IndicatorId, ReportId, TermId};

/// An indicator of a term, with the resolution's target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Indicator {
    pub id: IndicatorId,
    pub term: TermId,
    pub name: Name,
    pub unit: String,
    pub target: f64,
    pub direction: Direction,
    /// Economy, society, defence, Party building…
    pub group: Option<String>,
    /// Its place in the resolution's list.
    pub position: u32,
}

impl Indicator {
    pub fn known(&self) -> KnownIndicator {
        KnownIndicator { name: self.name.to_string(), unit: self.unit.clone(), direction: self.direction }
    }
}

/// A result a report gives for an indicator, as of a date, with its source.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorResult {
    pub indicator: IndicatorId,
    pub report: ReportId,
    pub value: f64,
    pub as_of: Date,
    /// Where the figure comes from: "Dự thảo lần 2", a statistics office.
    pub source: String,
}

/// Whether a bigger result is better (growth, coverage) or a smaller one
/// (the poverty rate, accidents).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    #[default]
    HigherIsBetter,
    LowerIsBetter,
}

crate::organisation::stored_as_snake_case!(
    Direction, "direction", HigherIsBetter => "higher_is_better", LowerIsBetter => "lower_is_better",
);

/// How a result stands against its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Exceeded,
    Met,
    NotMet,
}

/// Why a number or a row could not be judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum RowProblem {
    #[error("{column} is not a number: {text:?}")]
    NotANumber { column: &'static str, text: String },
    #[error("the target is zero, so no share of it can be reached")]
    ZeroTarget,
    #[error("the unit {found:?} is not the indicator's unit {expected:?}")]
    UnitMismatch { expected: String, found: String },
}

/// Reads a number written the Vietnamese way: `.` between thousands, `,`
/// before decimals; a trailing `%` and spaces are allowed. A lone `.` that
/// does not group thousands (`7.5`) is read as a decimal point, as people
/// pasting from English software write it.
pub fn parse_number(raw: &str) -> Option<f64> {
    let cleaned: String = raw
        .trim()
        .trim_end_matches('%')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}')
        .collect();
    let (negative, digits) = match cleaned.strip_prefix('-').or_else(|| cleaned.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, cleaned.as_str()),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.' || c == ',') {
        return None;
    }
    let (whole, fraction) = match digits.split_once(',') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || f.contains(',') || f.contains('.')) {
        return None;
    }
    let groups: Vec<&str> = whole.split('.').collect();
    let thousands = groups.len() > 1
        && !groups[0].is_empty()
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3);
    let whole_digits = if thousands {
        groups.concat()
    } else if groups.len() == 2 && fraction.is_none() && !groups[0].is_empty() && !groups[1].is_empty() {
        // "7.5": a decimal point after all.
        return format!("{}.{}", groups[0], groups[1]).parse::<f64>().ok().map(|v| if negative { -v } else { v });
    } else if groups.len() == 1 && !whole.is_empty() {
        whole.to_owned()
    } else {
        return None;
    };
    let text = match fraction {
        Some(f) => format!("{whole_digits}.{f}"),
        None => whole_digits,
    };
    text.parse::<f64>().ok().map(|v| if negative { -v } else { v })
}

/// A number as Vietnamese writes it: `3.850`, `6,1`, `81,3`.
pub fn format_number(value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text.split_once('.').map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(c);
    }
    let fraction = fraction.map(|f| f.trim_end_matches('0')).filter(|f| !f.is_empty());
    let sign = if value < 0.0 { "-" } else { "" };
    match fraction {
        Some(f) => format!("{sign}{grouped},{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// The share of the target reached, and the verdict. For a lower-is-better
/// indicator the share is target ÷ result: half the accidents aimed at is
/// twice the target met.
pub fn assess(target: f64, result: f64, direction: Direction) -> Result<(f64, Verdict), RowProblem> {
    if target == 0.0 {
        return Err(RowProblem::ZeroTarget);
    }
    let share = match direction {
        Direction::HigherIsBetter => result / target,
        Direction::LowerIsBetter if result == 0.0 => f64::INFINITY,
        Direction::LowerIsBetter => target / result,
    };
    // Figures come with one or two decimals; a hair's breadth is equality.
    let verdict = if (share - 1.0).abs() < 1e-9 {
        Verdict::Met
    } else if share > 1.0 {
        Verdict::Exceeded
    } else {
        Verdict::NotMet
    };
    Ok((share, verdict))
}

/// One row of an indicator table, read and judged.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndicatorRow {
    /// The row's place among the table's data rows, from 0.
    pub row: usize,
    /// The table's own numbering (STT), as written.
    pub number: String,
    pub name: String,
    pub unit: String,
    pub target: Option<f64>,
    pub result: Option<f64>,
    pub direction: Direction,
    pub share: Option<f64>,
    pub verdict: Option<Verdict>,
    pub problems: Vec<RowProblem>,
}

/// Where the table's columns are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Columns {
    number: Option<usize>,
    name: usize,
    unit: Option<usize>,
    target: usize,
    result: usize,
}

/// Why a table that looks like an indicator table could not be read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum TableProblem {
    #[error("the columns cannot be recognised: a name, a target and a result column are needed (found {headers:?})")]
    ColumnsNotRecognised { headers: Vec<String> },
}

/// What is known of an indicator of the term: a row whose name matches it
/// (tone- and case-insensitively) takes its direction and is checked against its unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownIndicator {
    pub name: String,
    pub unit: String,
    pub direction: Direction,
}

fn find_columns(header: &[String]) -> Result<Columns, TableProblem> {
    let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
    let find = |words: &[&str]| folded.iter().position(|h| words.iter().any(|w| h.contains(w)));
    let name = find(&["chi tieu", "indicator", "noi dung"]);
    let target = find(&["muc tieu", "ke hoach", "target"]);
    let result = find(&["thuc hien", "ket qua", "uoc dat", "dat duoc", "result"]);
    match (name, target, result) {
        (Some(name), Some(target), Some(result)) if target != result => Ok(Columns {
            number: find(&["stt", "so tt", "no."]),
            name,
            unit: find(&["don vi", "dvt", "unit"]),
            target,
            result,
        }),
        _ => Err(TableProblem::ColumnsNotRecognised { headers: header.to_vec() }),
    }
}

/// Whether a table's header names indicators at all (chỉ tiêu).
fn looks_like_indicators(header: &[String]) -> bool {
    header.iter().any(|h| {
        let h = fold(h);
        h.contains("chi tieu") || h.contains("indicator")
    })
}

/// Reads an indicator table: `None` if the block is not one, an error if it
/// is one whose columns cannot be told apart, else its rows with their
/// verdicts and problems.
pub fn read_indicator_table(
    block: &BlockContent,
    known: &[KnownIndicator],
) -> Option<Result<Vec<IndicatorRow>, TableProblem>> {
    let BlockContent::Table { rows } = block else { return None };
    let (header, data) = rows.split_first()?;
    if !looks_like_indicators(header) {
        return None;
    }
    let columns = match find_columns(header) {
        Ok(columns) => columns,
        Err(problem) => return Some(Err(problem)),
    };
    let cell = |row: &[String], i: usize| row.get(i).cloned().unwrap_or_default();
    let read = data
        .iter()
        .enumerate()
        .filter(|(_, row)| row.iter().any(|c| !c.trim().is_empty()))
        .map(|(i, row)| {
            let name = cell(row, columns.name);
            let unit = columns.unit.map(|u| cell(row, u)).unwrap_or_default();
            let mut problems = Vec::new();
            let mut number_in = |column: &'static str, text: String| match parse_number(&text) {
                Some(value) => Some(value),
                None => {
                    problems.push(RowProblem::NotANumber { column, text });
                    None
                }
            };
            let target = number_in("target", cell(row, columns.target));
            let result = number_in("result", cell(row, columns.result));
            let indicator = known.iter().find(|k| fold(&k.name) == fold(&name));
            if let Some(k) = indicator
                && fold(&k.unit) != fold(&unit)
            {
                problems.push(RowProblem::UnitMismatch { expected: k.unit.clone(), found: unit.clone() });
            }
            let direction = indicator.map(|k| k.direction).unwrap_or_default();
            let judged = match (target, result) {
                (Some(t), Some(r)) => match assess(t, r, direction) {
                    Ok(judged) => Some(judged),
                    Err(problem) => {
                        problems.push(problem);
                        None
                    }
                },
                _ => None,
            };
            IndicatorRow {
                row: i,
                number: columns.number.map(|n| cell(row, n)).unwrap_or_else(|| (i + 1).to_string()),
                name,
                unit,
                target,
                result,
                direction,
                share: judged.map(|(s, _)| s),
                verdict: judged.map(|(_, v)| v),
                problems,
            }
        })
        .collect();
    Some(Ok(read))
}

/// The counts a review states, over the rows that could be judged.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct IndicatorSummary {
    /// Rows in the table.
    pub total: usize,
    pub met_or_exceeded: usize,
    pub exceeded: usize,
    pub not_met: usize,
    /// Rows that could not be judged (their problems say why).
    pub with_problems: usize,
    /// The lowest share reached among the rows not met, in whole percent,
    /// rounded down so that "or more" stays true.
    pub rest_at_least_percent: Option<u32>,
}

pub fn summarise(rows: &[IndicatorRow]) -> IndicatorSummary {
    let count = |v: Verdict| rows.iter().filter(|r| r.verdict == Some(v)).count();
    let lowest = rows
        .iter()
        .filter(|r| r.verdict == Some(Verdict::NotMet))
        .filter_map(|r| r.share)
        .fold(None, |low: Option<f64>, s| Some(low.map_or(s, |l| l.min(s))));
    IndicatorSummary {
        total: rows.len(),
        met_or_exceeded: count(Verdict::Met) + count(Verdict::Exceeded),
        exceeded: count(Verdict::Exceeded),
        not_met: count(Verdict::NotMet),
        with_problems: rows.iter().filter(|r| r.verdict.is_none()).count(),
        // 0.41 * 100 is 40.99999…; a millionth keeps 41% at 41.
        rest_at_least_percent: lowest.map(|s| (s * 100.0 + 1e-6).floor() as u32),
    }
}

/// The sentence of a review, in Vietnamese: "Có 7/24 chỉ tiêu đạt và vượt
/// Nghị quyết; các chỉ tiêu còn lại đạt từ 41% trở lên."
pub fn summary_vi(s: &IndicatorSummary) -> String {
    let mut text = format!("Có {}/{} chỉ tiêu đạt và vượt Nghị quyết", s.met_or_exceeded, s.total);
    if let Some(low) = s.rest_at_least_percent {
        text.push_str(&format!("; các chỉ tiêu còn lại đạt từ {low}% trở lên"));
    }
    text.push('.');
    if s.with_problems > 0 {
        text.push_str(&format!(" {} chỉ tiêu chưa đánh giá được do số liệu có vấn đề.", s.with_problems));
    }
    text
}

/// The same sentence in English.
pub fn summary_en(s: &IndicatorSummary) -> String {
    let mut text = format!("{} of {} indicators met or exceeded the resolution", s.met_or_exceeded, s.total);
    if let Some(low) = s.rest_at_least_percent {
        text.push_str(&format!("; the rest reached {low}% or more"));
    }
    text.push('.');
    if s.with_problems > 0 {
        text.push_str(&format!(" {} could not be assessed because of problems with their figures.", s.with_problems));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(lines: &[&str]) -> BlockContent {
        BlockContent::table(lines.iter().map(|l| l.split('|').map(|c| c.trim().to_owned()).collect()))
    }

    #[test]
    fn vietnamese_numbers_read_with_dots_for_thousands_and_commas_for_decimals() {
        assert_eq!(parse_number("3.850"), Some(3850.0));
        assert_eq!(parse_number("6,1"), Some(6.1));
        assert_eq!(parse_number("1.500"), Some(1500.0));
        assert_eq!(parse_number("1.234.567,89"), Some(1_234_567.89));
        assert_eq!(parse_number("91,5%"), Some(91.5));
        assert_eq!(parse_number("7.5"), Some(7.5));
        assert_eq!(parse_number("-2,1"), Some(-2.1));
        for bad in ["", "khoảng 80", "98-100", "1,2,3", "—", "3.85.0"] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
        assert_eq!(format_number(3850.0, 1), "3.850");
        assert_eq!(format_number(81.33, 1), "81,3");
        assert_eq!(format_number(41.0, 1), "41");
        assert_eq!(format_number(1_234_567.0, 0), "1.234.567");
    }

    #[test]
    fn the_fixture_table_has_24_rows_of_which_7_are_met_and_the_rest_reach_41_percent() {
        let text = include_str!("../../../tests/fixtures/reports/so-ket-giua-nhiem-ky.v1.md");
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
            .map(|l| l.trim_matches('|'))
            .collect();
        let rows = read_indicator_table(&table(&lines), &[]).expect("an indicator table").expect("readable");
        assert_eq!(rows.len(), 24);
        assert!(rows.iter().all(|r| r.problems.is_empty()), "{rows:?}");
        let summary = summarise(&rows);
        assert_eq!((summary.total, summary.met_or_exceeded, summary.rest_at_least_percent), (24, 7, Some(41)));
        assert_eq!(
            summary_vi(&summary),
            "Có 7/24 chỉ tiêu đạt và vượt Nghị quyết; các chỉ tiêu còn lại đạt từ 41% trở lên."
        );
        assert_eq!(summary_en(&summary), "7 of 24 indicators met or exceeded the resolution; the rest reached 41% or more.");
        let budget = rows.iter().find(|r| r.name == "Thu ngân sách trên địa bàn").expect("row 4");
        assert_eq!((budget.target, budget.result), (Some(4000.0), Some(3850.0)));
    }

    #[test]
    fn a_lower_is_better_indicator_is_judged_the_right_way_round() {
        let known = [KnownIndicator { name: "Tỷ lệ hộ nghèo".into(), unit: "%".into(), direction: Direction::LowerIsBetter }];
        let rows = read_indicator_table(
            &table(&["STT | Chỉ tiêu | Đơn vị | Mục tiêu | Thực hiện", "1 | Tỷ lệ hộ nghèo | % | 4 | 3,2", "2 | Tỷ lệ ho ngheo | % | 4 | 5"]),
            &known,
        )
        .expect("a table")
        .expect("readable");
        assert_eq!(rows[0].verdict, Some(Verdict::Exceeded), "3.2% poor against a 4% ceiling is better than aimed");
        assert_eq!(rows[1].verdict, Some(Verdict::NotMet), "the name matches without its tones");
        assert_eq!(rows[1].share, Some(0.8));
        assert_eq!(assess(4.0, 3.2, Direction::HigherIsBetter).map(|(_, v)| v), Ok(Verdict::NotMet));
    }

    #[test]
    fn bad_cells_units_and_targets_are_problems_on_their_rows_never_zero() {
        let known = [KnownIndicator { name: "Số xã nông thôn mới".into(), unit: "xã".into(), direction: Direction::HigherIsBetter }];
        let rows = read_indicator_table(
            &table(&[
                "STT | Chỉ tiêu | Đơn vị | Mục tiêu | Thực hiện",
                "1 | Kim ngạch | triệu USD | khoảng 1.500 | 1.140",
                "2 | Số xã nông thôn mới | huyện | 80 | 71",
                "3 | Chỉ số mới | % | 0 | 12",
            ]),
            &known,
        )
        .expect("a table")
        .expect("readable");
        assert_eq!(rows[0].problems, vec![RowProblem::NotANumber { column: "target", text: "khoảng 1.500".into() }]);
        assert_eq!(rows[0].verdict, None);
        assert_eq!(rows[1].problems, vec![RowProblem::UnitMismatch { expected: "xã".into(), found: "huyện".into() }]);
        assert_eq!(rows[2].problems, vec![RowProblem::ZeroTarget]);
        let summary = summarise(&rows);
        assert_eq!((summary.with_problems, summary.met_or_exceeded), (2, 0));
        assert!(summary_vi(&summary).contains("2 chỉ tiêu chưa đánh giá được"));
    }

    #[test]
    fn a_table_of_indicators_without_a_target_column_says_so_and_other_tables_are_left_alone() {
        let unclear = table(&["STT | Chỉ tiêu | Ghi chú", "1 | GRDP | tăng"]);
        assert!(matches!(read_indicator_table(&unclear, &[]), Some(Err(TableProblem::ColumnsNotRecognised { .. }))));
        let other = table(&["Họ tên | Chức vụ", "Nguyễn Văn A | Bí thư"]);
        assert_eq!(read_indicator_table(&other, &[]), None);
        assert_eq!(read_indicator_table(&BlockContent::paragraph("Chỉ tiêu"), &[]), None);
    }
}
