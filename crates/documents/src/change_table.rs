//! The change table (bảng so sánh, thuyết minh sửa đổi) as files: a Word
//! document for the committee, A4 landscape with three columns (the old
//! text, the new text, the comments and how they were taken in), and a
//! workbook for the secretariat with the same three columns plus the
//! passage, a frozen header row, filters, widths and wrapped text.
//!
//! Changed words are marked as a reader of such tables expects: in the old
//! text, what was deleted is struck through; in the new text, what was
//! inserted is bold and underlined. The texts arrive in the reader's
//! language: this crate translates nothing.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, FormatUnderline, Workbook};

use crate::ExportError;
use crate::clean::strip_controls;
use crate::docx::{GRID_BORDERS, Page, run, word_package};
use crate::ooxml::escape;

/// A piece of a passage's text: kept, deleted (old text only) or inserted
/// (new text only).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Kept,
    Deleted,
    Inserted,
}

/// One changed passage, in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeTableRow {
    /// The passage's citation label, "II.1 ¶1".
    pub passage: String,
    /// The old and new text piece by piece; `Kept` and `Deleted` pieces
    /// spell the old text, `Kept` and `Inserted` ones the new.
    pub pieces: Vec<(Mark, String)>,
    /// The comments behind the change and their answers, a paragraph each;
    /// or the note that it is a technical edit.
    pub comments: Vec<String>,
}

/// The whole table with its heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeTableDocument {
    /// "BẢNG SO SÁNH, THUYẾT MINH SỬA ĐỔI"
    pub heading: String,
    /// "Dự thảo lần 1 và dự thảo lần 2 — Báo cáo sơ kết …"
    pub subtitle: String,
    /// Passage, old text, new text, comments and how they were taken in.
    pub columns: [String; 4],
    pub rows: Vec<ChangeTableRow>,
}

fn clean(text: &str) -> String {
    strip_controls(text).replace("\r\n", "\n").replace('\r', "\n")
}

/// The pieces of one side, with line breaks kept inside them.
fn side(row: &ChangeTableRow, new: bool) -> Vec<(bool, String)> {
    row.pieces
        .iter()
        .filter(|(mark, _)| match mark {
            Mark::Kept => true,
            Mark::Deleted => !new,
            Mark::Inserted => new,
        })
        .map(|(mark, text)| (*mark != Mark::Kept, clean(text)))
        .filter(|(_, text)| !text.is_empty())
        .collect()
}

const PAGE: Page = Page { width: 16838, height: 11906, landscape: true, top: 1134, right: 1134, bottom: 1134, left: 1134 };
/// 13 pt, in half-points.
const FONT_SIZE: usize = 26;
/// The old text, the new text, the comments: the two texts alike, the
/// comments a little wider since several may stand behind one change.
const WIDTHS: [usize; 3] = [4600, 4600, 5370];
const _: () = assert!(WIDTHS[0] + WIDTHS[1] + WIDTHS[2] == PAGE.text_width());

fn marked_run(text: &str, changed: bool, new: bool) -> String {
    if !changed {
        return run(text, false, false, false);
    }
    if new {
        return run(text, true, false, true);
    }
    format!("<w:r><w:rPr><w:strike/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r>", escape(text))
}

/// A cell's paragraphs from marked pieces: a new line in a piece starts a
/// new paragraph, so a split passage shows its parts apart.
fn marked_paragraphs(pieces: &[(bool, String)], new: bool) -> Vec<String> {
    let mut paragraphs = vec![String::new()];
    for (changed, text) in pieces {
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                paragraphs.push(String::new());
            }
            if !line.is_empty()
                && let Some(last) = paragraphs.last_mut()
            {
                last.push_str(&marked_run(line, *changed, new));
            }
        }
    }
    paragraphs
}

fn cell(out: &mut String, column: usize, paragraphs: &[String], align: &str) {
    out.push_str(&format!("<w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/></w:tcPr>", WIDTHS[column]));
    let empty = [String::new()];
    for runs in if paragraphs.is_empty() { &empty[..] } else { paragraphs } {
        out.push_str(&format!(
            "<w:p><w:pPr><w:spacing w:before=\"40\" w:after=\"40\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"{align}\"/></w:pPr>{runs}</w:p>"
        ));
    }
    out.push_str("</w:tc>");
}

fn plain_paragraphs(text: &str, bold: bool, italic: bool) -> Vec<String> {
    clean(text).split('\n').map(|line| if line.is_empty() { String::new() } else { run(line, bold, italic, false) }).collect()
}

/// The table as a .docx: three columns, the passage's label leading the
/// old text in italics.
pub fn change_table_docx(table: &ChangeTableDocument) -> Result<Vec<u8>, ExportError> {
    let mut body = String::new();
    for (text, bold, italic, after) in [(table.heading.to_uppercase(), true, false, 0), (table.subtitle.clone(), false, true, 240)] {
        for line in plain_paragraphs(&text, bold, italic) {
            body.push_str(&format!(
                "<w:p><w:pPr><w:spacing w:after=\"{after}\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>{line}</w:p>"
            ));
        }
    }
    body.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"center\"/>{GRID_BORDERS}\
         <w:tblLayout w:type=\"fixed\"/>\
         <w:tblCellMar><w:left w:w=\"85\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar>\
         <w:tblLook w:val=\"04A0\" w:firstRow=\"1\"/></w:tblPr><w:tblGrid>",
        PAGE.text_width()
    ));
    for width in WIDTHS {
        body.push_str(&format!("<w:gridCol w:w=\"{width}\"/>"));
    }
    body.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (column, name) in table.columns[1..].iter().enumerate() {
        cell(&mut body, column, &plain_paragraphs(name, true, false), "center");
    }
    body.push_str("</w:tr>");
    for row in &table.rows {
        body.push_str("<w:tr>");
        let mut old = plain_paragraphs(&row.passage, false, true);
        old.extend(marked_paragraphs(&side(row, false), false));
        cell(&mut body, 0, &old, "both");
        cell(&mut body, 1, &marked_paragraphs(&side(row, true), true), "both");
        let comments: Vec<String> = row.comments.iter().flat_map(|c| plain_paragraphs(c, false, false)).collect();
        cell(&mut body, 2, &comments, "both");
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
    word_package(&body, &PAGE, FONT_SIZE, 0)
}

/// The most characters Excel holds in a cell.
const MAX_CELL_CHARS: usize = 32_767;

fn fit(text: &str) -> String {
    if text.encode_utf16().count() <= MAX_CELL_CHARS {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS - 1 {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn workbook_error(e: rust_xlsxwriter::XlsxError) -> ExportError {
    ExportError::from(e)
}

/// The table as an .xlsx: the passage, the old text (deletions struck
/// through), the new text (insertions bold and underlined), the comments;
/// the header frozen and filtered, the text wrapped, printed landscape.
pub fn change_table_xlsx(table: &ChangeTableDocument) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let header = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Center).set_border(FormatBorder::Thin);
    let text = Format::new().set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin);
    let struck = Format::new().set_font_strikethrough();
    let inserted = Format::new().set_bold().set_underline(FormatUnderline::Single);
    let plain = Format::new();
    for (column, (name, width)) in table.columns.iter().zip([16.0, 55.0, 55.0, 60.0]).enumerate() {
        let column = u16::try_from(column).unwrap_or(0);
        sheet.set_column_width(column, width).map_err(workbook_error)?;
        sheet.write_string_with_format(0, column, clean(name), &header).map_err(workbook_error)?;
    }
    for (index, row) in table.rows.iter().enumerate() {
        // Past u32 rows the writer refuses the row as beyond Excel's limit.
        let r = u32::try_from(index + 1).unwrap_or(u32::MAX);
        sheet.write_string_with_format(r, 0, fit(&clean(&row.passage)), &text).map_err(workbook_error)?;
        for (column, new) in [(1u16, false), (2u16, true)] {
            let pieces = side(row, new);
            let mark = if new { &inserted } else { &struck };
            if pieces.len() >= 2 && pieces.iter().map(|(_, t)| t.encode_utf16().count()).sum::<usize>() <= MAX_CELL_CHARS {
                let parts: Vec<(&Format, &str)> =
                    pieces.iter().map(|(changed, t)| (if *changed { mark } else { &plain }, t.as_str())).collect();
                sheet.write_rich_string_with_format(r, column, &parts, &text).map_err(workbook_error)?;
            } else {
                let whole: String = pieces.iter().map(|(_, t)| t.as_str()).collect();
                let format = match pieces.first() {
                    Some((true, _)) if pieces.len() == 1 => text.clone().set_font_strikethrough_if(!new).set_bold_if(new),
                    _ => text.clone(),
                };
                sheet.write_string_with_format(r, column, fit(&whole), &format).map_err(workbook_error)?;
            }
        }
        sheet.write_string_with_format(r, 3, fit(&clean(&row.comments.join("\n"))), &text).map_err(workbook_error)?;
    }
    let last = u32::try_from(table.rows.len()).unwrap_or(0);
    sheet.set_freeze_panes(1, 0).map_err(workbook_error)?;
    sheet.autofilter(0, 0, last, 3).map_err(workbook_error)?;
    sheet.set_landscape().set_paper_size(9).set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0).map_err(workbook_error)?;
    workbook.save_to_buffer().map_err(workbook_error)
}

trait FormatIf {
    fn set_font_strikethrough_if(self, yes: bool) -> Self;
    fn set_bold_if(self, yes: bool) -> Self;
}

impl FormatIf for Format {
    fn set_font_strikethrough_if(self, yes: bool) -> Self {
        if yes { self.set_font_strikethrough() } else { self }
    }

    fn set_bold_if(self, yes: bool) -> Self {
        if yes { self.set_bold().set_underline(FormatUnderline::Single) } else { self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> ChangeTableDocument {
        ChangeTableDocument {
            heading: "Bảng so sánh, thuyết minh sửa đổi".into(),
            subtitle: "Dự thảo lần 1 và dự thảo lần 2".into(),
            columns: ["Vị trí".into(), "Dự thảo lần 1".into(), "Dự thảo lần 2".into(), "Ý kiến và việc tiếp thu".into()],
            rows: vec![
                ChangeTableRow {
                    passage: "II.1 ¶1".into(),
                    pieces: vec![
                        (Mark::Kept, "ước đạt 6,1%/năm, ".into()),
                        (Mark::Deleted, "thấp hơn mục tiêu".into()),
                        (Mark::Inserted, "đạt 81% mục tiêu".into()),
                    ],
                    comments: vec!["Trần Ủy Viên: nêu rõ tỷ lệ đạt. — Tiếp thu".into()],
                },
                ChangeTableRow {
                    passage: "II.2 ¶3".into(),
                    pieces: vec![(Mark::Inserted, "Có 7/24 chỉ tiêu đạt và vượt.".into())],
                    comments: vec!["Chỉnh lý kỹ thuật".into()],
                },
            ],
        }
    }

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
        let mut file = zip.by_name(name).expect("the part");
        let mut text = String::new();
        std::io::Read::read_to_string(&mut file, &mut text).expect("text");
        text
    }

    #[test]
    fn the_word_table_is_landscape_with_three_columns_and_marks_the_changed_words() {
        let bytes = change_table_docx(&table()).expect("written");
        let document = part(&bytes, "word/document.xml");
        assert!(document.contains("w:orient=\"landscape\""));
        assert_eq!(document.matches("<w:gridCol ").count(), 3);
        assert!(document.contains("<w:strike/></w:rPr><w:t xml:space=\"preserve\">thấp hơn mục tiêu"));
        assert!(document.contains("<w:u w:val=\"single\"/></w:rPr><w:t xml:space=\"preserve\">đạt 81% mục tiêu"));
        assert!(document.contains("BẢNG SO SÁNH"));
    }

    #[test]
    fn the_workbook_freezes_and_filters_its_header_and_wraps_its_text() {
        let bytes = change_table_xlsx(&table()).expect("written");
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains("state=\"frozen\""));
        assert!(sheet.contains("<autoFilter ref=\"A1:D3\"/>"));
        assert!(sheet.contains("orientation=\"landscape\""));
        let styles = part(&bytes, "xl/styles.xml");
        assert!(styles.contains("wrapText=\"1\""));
        let strings = part(&bytes, "xl/sharedStrings.xml");
        assert!(strings.contains("<strike/>") && strings.contains("đạt 81% mục tiêu"));
    }
}
