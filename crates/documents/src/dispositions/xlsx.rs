//! The table as an Excel workbook for the secretariat, who sort and filter
//! it. Written with `rust_xlsxwriter`, which keeps the package's parts, the
//! shared strings and the styles right for Excel and LibreOffice alike.
//!
//! - The first sheet is the table: the column headers in row 1 (bold,
//!   frozen, with a filter over the whole table, and repeated on every
//!   printed page), then one row per comment, the text wrapped in columns
//!   sized to it, printed A4 landscape with the heading at the top of each
//!   page. The header stays in row 1 so that the filter and the sort take
//!   the table and nothing else.
//! - When bodies were consulted, a second sheet holds the register's
//!   summary under the heading and the subtitle, a sentence a row, as the
//!   Word table opens with it: who was consulted, who replied and how, who
//!   is deemed to agree, who was late, and each body's comments.
//!
//! Every text is written as a string, never a formula, so a comment such as
//! `=HYPERLINK(…)` is shown as typed; cells that would read as a formula if
//! retyped also carry the "quote prefix" style, so editing one in Excel
//! keeps it text.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::{DispositionTable, clean, flat_cells};
use crate::ExportError;

/// Column widths in characters of the default font: STT narrow, the
/// comment and the response the widest.
const WIDTHS: [f64; 6] = [6.0, 22.0, 24.0, 50.0, 16.0, 50.0];
/// The summary sheet's one column: as wide as the table's six together, so
/// a line of the summary reads as a paragraph does.
const SUMMARY_WIDTH: f64 = 120.0;
/// The most characters (UTF-16 code units) Excel holds in a cell; a longer
/// text makes Excel report the file as damaged.
const MAX_CELL_CHARS: usize = 32_767;
/// What ends a text cut to fit a cell, so the cut shows.
const CUT: char = '…';
/// A wrapped line's height in points, and Excel's highest row.
const LINE_POINTS: usize = 16;
const MAX_ROW_POINTS: usize = 409;
const FONT: &str = "Times New Roman";
const FONT_SIZE: f64 = 12.0;

/// Writes the table as an .xlsx. The six columns are those of the Word
/// table; column 2 holds the label and the quote on one line,
/// "II.1 ¶1 — “quote”", and column 3 the name with the body on a new line.
pub fn dispositions_xlsx(table: &DispositionTable) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    // A fixed creation time rather than now: the same table gives the same
    // bytes, so a kept file is exactly the one made afresh (the export
    // cache and the ETags rely on it).
    let properties = DocProperties::new()
        .set_title(clean(&table.heading).replace('\n', " "))
        .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?);
    workbook.set_properties(&properties);
    write_table(workbook.add_worksheet(), table)?;
    if !table.summary.is_empty() {
        write_summary(workbook.add_worksheet(), table)?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn base() -> Format {
    Format::new().set_font_name(FONT).set_font_size(FONT_SIZE)
}

fn write_table(sheet: &mut Worksheet, table: &DispositionTable) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(&table.sheets[0], "Sheet1"))?;
    let cell = base().set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    let header = base()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let number = cell.clone().set_align(FormatAlign::Center);
    let quoted = cell.clone().set_quote_prefix();

    let names = table.columns.clone().map(|name| clean(&name));
    for (column, name) in (0u16..).zip(&names) {
        sheet.write_string_with_format(0, column, fit(name), &header)?;
    }
    sheet.set_row_height(0, height(&names, &WIDTHS))?;
    for (row, source) in (1u32..).zip(&table.rows) {
        let cells = flat_cells(source);
        // STT is a number, so that the column sorts as numbers do.
        sheet.write_number_with_format(row, 0, source.number as f64, &number)?;
        for (column, text) in (1u16..).zip(cells.iter().skip(1)) {
            let format = if looks_like_formula(text) { &quoted } else { &cell };
            sheet.write_string_with_format(row, column, fit(text), format)?;
        }
        sheet.set_row_height(row, height(&cells, &WIDTHS))?;
    }
    for (column, width) in (0u16..).zip(WIDTHS) {
        sheet.set_column_width(column, width)?;
    }
    let last_row = u32::try_from(table.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, last_row, 5)?;
    sheet.set_repeat_rows(0, 0)?;
    sheet.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.79, 0.79, 0.79, 0.79, 0.3, 0.3);
    sheet.set_header(header_text(&table.heading));
    Ok(())
}

/// The heading, the subtitle and the register's summary, a line a row.
fn write_summary(sheet: &mut Worksheet, table: &DispositionTable) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(&table.sheets[1], "Sheet2"))?;
    let heading = base().set_bold().set_text_wrap().set_align(FormatAlign::Center);
    let subtitle = base().set_italic().set_text_wrap().set_align(FormatAlign::Center);
    let line = base().set_text_wrap().set_align(FormatAlign::Top);
    sheet.set_column_width(0, SUMMARY_WIDTH)?;
    let mut row = 0u32;
    let heading_text = clean(&table.heading).to_uppercase();
    let mut put = |sheet: &mut Worksheet, text: &str, format: &Format| -> Result<(), XlsxError> {
        sheet.write_string_with_format(row, 0, fit(text), format)?;
        sheet.set_row_height(row, height(&[text.to_owned()], &[SUMMARY_WIDTH]))?;
        row += 1;
        Ok(())
    };
    put(sheet, &heading_text, &heading)?;
    put(sheet, &clean(&table.subtitle), &subtitle)?;
    for text in &table.summary {
        let text = clean(text);
        let format = if looks_like_formula(&text) { line.clone().set_quote_prefix() } else { line.clone() };
        put(sheet, &text, &format)?;
    }
    sheet.set_margins(0.79, 0.79, 0.79, 0.79, 0.3, 0.3);
    sheet.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    Ok(())
}

/// A sheet name Excel takes: at most 31 characters, none of `[]:*?/\`,
/// not starting or ending with an apostrophe; `fallback` if nothing is left.
fn sheet_name(name: &str, fallback: &str) -> String {
    let name: String = clean(name)
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\' | '\n') { ' ' } else { c })
        .take(31)
        .collect();
    let name = name.trim().trim_matches('\'').trim();
    if name.is_empty() { fallback.to_owned() } else { name.to_owned() }
}

/// The row's height in points for its wrapped text. Excel fits a row to
/// wrapped text when it opens a file, but LibreOffice does not and shows
/// one line of each, so the height is estimated here: each line of a cell
/// takes a line per column width of characters (Times New Roman is
/// narrower than the digit the width is measured in, so this errs tall).
fn height(cells: &[String], widths: &[f64]) -> f64 {
    let lines = cells
        .iter()
        .zip(widths)
        .map(|(text, width)| {
            // Widths are small whole numbers of characters.
            let width = (*width as usize).max(1);
            text.split('\n').map(|line| line.chars().count().div_ceil(width).max(1)).sum::<usize>()
        })
        .max()
        .unwrap_or(1)
        .min(MAX_ROW_POINTS / LINE_POINTS);
    (lines * LINE_POINTS + 4) as f64
}

/// What Excel would take for a formula if the text were typed into a cell.
fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@'])
}

/// The text as a cell holds it: whole when it fits, else cut at a
/// character with an ellipsis at the end, so the reader sees it was cut
/// (the Word table and the CSV keep it whole).
fn fit(text: &str) -> std::borrow::Cow<'_, str> {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS {
            // Room for the ellipsis, one UTF-16 unit.
            let mut cut = text[..at].to_owned();
            while cut.encode_utf16().count() + CUT.len_utf16() > MAX_CELL_CHARS {
                cut.pop();
            }
            cut.push(CUT);
            return cut.into();
        }
    }
    text.into()
}

/// The heading at the centre of each printed page's header, in bold. `&`
/// starts a code there and is doubled; Excel allows 255 characters.
fn header_text(heading: &str) -> String {
    let heading: String = clean(heading).replace('\n', " ").chars().take(200).collect();
    format!("&C&B{}", heading.replace('&', "&&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_longer_than_a_cell_holds_is_cut_at_a_character_and_shows_it() {
        let long = "ệ".repeat(MAX_CELL_CHARS + 5);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_CHARS);
        assert!(cut.ends_with(CUT));
        // Characters outside the BMP count twice, as Excel counts them.
        let wide = "𝔸".repeat(MAX_CELL_CHARS);
        assert!(fit(&wide).encode_utf16().count() <= MAX_CELL_CHARS);
        assert_eq!(fit("ngắn"), "ngắn");
        let exact = "a".repeat(MAX_CELL_CHARS);
        assert_eq!(fit(&exact), exact, "a text that fits is kept whole");
    }

    #[test]
    fn a_row_is_as_tall_as_its_longest_wrapped_cell_within_what_excel_allows() {
        let mut cells: [String; 6] = Default::default();
        assert_eq!(height(&cells, &WIDTHS), 20.0);
        // 120 characters in the 50-wide comment column wrap to three lines,
        // and a line break adds a fourth.
        cells[3] = format!("{}\nmột dòng nữa", "a".repeat(120));
        assert_eq!(height(&cells, &WIDTHS), 68.0);
        cells[5] = "b\n".repeat(1_000);
        assert_eq!(height(&cells, &WIDTHS), 404.0);
    }

    #[test]
    fn an_ampersand_in_the_heading_is_not_read_as_a_header_code() {
        assert_eq!(header_text("A & B"), "&C&BA && B");
    }

    #[test]
    fn the_same_table_gives_the_same_bytes() {
        let table = DispositionTable {
            heading: "Bảng".into(),
            subtitle: "x".into(),
            columns: Default::default(),
            summary: vec!["- Một dòng.".into()],
            sheets: ["Bảng tổng hợp".into(), "Kết quả".into()],
            rows: Vec::new(),
        };
        let first = dispositions_xlsx(&table).expect("xlsx");
        std::thread::sleep(std::time::Duration::from_millis(1_100));
        assert_eq!(first, dispositions_xlsx(&table).expect("xlsx"), "a second later, the same file");
    }

    #[test]
    fn a_sheet_name_is_one_excel_takes() {
        assert_eq!(sheet_name("Bảng tổng hợp", "Sheet1"), "Bảng tổng hợp");
        assert_eq!(sheet_name("a/b:c?[d]", "Sheet1"), "a b c  d");
        assert_eq!(sheet_name("'  '", "Sheet2"), "Sheet2");
        assert_eq!(sheet_name(&"x".repeat(40), "Sheet1").chars().count(), 31);
    }
}
