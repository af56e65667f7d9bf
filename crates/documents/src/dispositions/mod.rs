//! The table of comments and answers ("bảng tổng hợp tiếp thu, giải trình
//! ý kiến") that the secretariat sends to the committee with the next
//! version of a draft: one row per comment, with where it was made, who
//! made it, what it said and how the drafting team dealt with it.
//!
//! The committee reads it in Word, laid out as such tables are in Party and
//! state offices (A4 landscape, a bordered table whose header repeats on
//! each page); the secretariat sorts and filters it in Excel, or takes it
//! into other tools as CSV. All three are written from the same
//! [`DispositionTable`], whose texts are already in the reader's language:
//! this crate translates nothing.
//!
//! The register's summary (who was consulted, who replied and how) goes
//! into all three, as the page and the JSON show it.
//!
//! Every text is cleaned the same way for the three formats (control
//! characters removed as the importers remove them, line endings made
//! `\n`), so the files agree with each other. Text is only ever written as
//! text: escaped in XML, written as strings (never formulas) in the
//! workbook, and, in CSV, prefixed with an apostrophe where a spreadsheet
//! would read it as a formula.

mod csv;
mod docx;
mod xlsx;

pub use csv::dispositions_csv;
pub use docx::dispositions_docx;
pub use xlsx::dispositions_xlsx;

use crate::clean::strip_controls;

/// One row of the table, already in the reader's language and in document
/// order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DispositionRow {
    /// STT, counted from 1.
    pub number: usize,
    /// The citation label, e.g. "II.1 ¶1", or "Toàn văn" for a comment on
    /// the whole report.
    pub passage: String,
    /// The quoted passage, if any.
    pub quote: Option<String>,
    /// E.g. "Nguyễn Văn A".
    pub commenter: String,
    /// E.g. "Ban Tuyên giáo Tỉnh ủy".
    pub commenter_body: Option<String>,
    /// The comment; may hold new lines.
    pub comment: String,
    /// "Tiếp thu", "Tiếp thu một phần", "Giải trình" or "Chưa trả lời".
    pub disposition: String,
    /// The drafting team's response; may be empty.
    pub response: String,
    /// The section of the draft (nhóm vấn đề) the row falls under, e.g.
    /// "Phần II"; Word opens each new section with a row naming it.
    pub group: Option<String>,
}

/// The whole table with its heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DispositionTable {
    /// E.g. "BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN"; written in
    /// capitals in Word.
    pub heading: String,
    /// E.g. "đối với Dự thảo lần 1 Báo cáo sơ kết giữa nhiệm kỳ …".
    pub subtitle: String,
    /// The column headers, in this order: STT, Vị trí (đoạn), Người góp ý,
    /// Nội dung góp ý, Tiếp thu/giải trình, Ý kiến của tổ biên tập.
    pub columns: [String; 6],
    /// What opens the table: who was consulted and who answered, a
    /// sentence per line ("Số cơ quan được lấy ý kiến: 3 (…)"); may be empty.
    /// Word writes it above the table; the workbook on a sheet of its own
    /// and the CSV after the table, so that their table still starts with
    /// its header for the tools that sort and filter it.
    pub summary: Vec<String>,
    /// The workbook's sheet names: the table's, then the summary's
    /// (e.g. "Bảng tổng hợp", "Kết quả lấy ý kiến").
    pub sheets: [String; 2],
    pub rows: Vec<DispositionRow>,
}

/// Text as all three formats write it: control characters removed (as the
/// importers remove them) and every line ending a `\n`.
fn clean(text: &str) -> String {
    strip_controls(text)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

/// The lines of a cell. An empty text is one empty line, so a cell is
/// never left without a paragraph.
fn lines(text: &str) -> Vec<String> {
    clean(text).split('\n').map(str::to_owned).collect()
}

/// Column 2 on one line for the workbook and CSV, "II.1 ¶1 — “quote”":
/// the label and the quote stay in one column so that the six column
/// headers are the same in every format, and on one line so that the
/// column sorts and filters by its label.
fn passage_with_quote(row: &DispositionRow) -> String {
    match row.quote.as_deref().map(clean) {
        Some(quote) if !quote.trim().is_empty() => {
            format!("{} — “{}”", clean(&row.passage), quote)
        }
        _ => clean(&row.passage),
    }
}

/// Column 3 for the workbook and CSV: the name, and the body on a new line.
fn commenter_with_body(row: &DispositionRow) -> String {
    match row.commenter_body.as_deref().map(clean) {
        Some(body) if !body.trim().is_empty() => format!("{}\n{}", clean(&row.commenter), body),
        _ => clean(&row.commenter),
    }
}

/// The six cells of a row as the workbook and CSV write them.
fn flat_cells(row: &DispositionRow) -> [String; 6] {
    [
        row.number.to_string(),
        passage_with_quote(row),
        commenter_with_body(row),
        clean(&row.comment),
        clean(&row.disposition),
        clean(&row.response),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(quote: Option<&str>, body: Option<&str>) -> DispositionRow {
        DispositionRow {
            number: 3,
            passage: "II.1 ¶1".into(),
            quote: quote.map(Into::into),
            commenter: "Nguyễn Văn A".into(),
            commenter_body: body.map(Into::into),
            comment: "Dòng một\r\nDòng hai\rDòng ba\u{7}".into(),
            disposition: "Tiếp thu".into(),
            response: String::new(),
            group: None,
        }
    }

    #[test]
    fn the_quote_follows_the_label_and_the_body_goes_under_the_name() {
        let cells = flat_cells(&row(Some("thấp hơn"), Some("Ban Tuyên giáo")));
        assert_eq!(cells[0], "3");
        assert_eq!(cells[1], "II.1 ¶1 — “thấp hơn”");
        assert_eq!(cells[2], "Nguyễn Văn A\nBan Tuyên giáo");
        assert_eq!(cells[3], "Dòng một\nDòng hai\nDòng ba");
        let cells = flat_cells(&row(Some("  "), None));
        assert_eq!(cells[1], "II.1 ¶1");
        assert_eq!(cells[2], "Nguyễn Văn A");
    }
}
