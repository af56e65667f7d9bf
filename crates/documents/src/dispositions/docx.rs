//! The table as a Word file for the committee: A4 landscape with 20 mm
//! margins, Times New Roman 13 pt (a six-column table at 14 pt leaves the
//! comment column too narrow), the heading centred in bold capitals, the
//! subtitle centred in italics, then a bordered table whose header row
//! repeats on every page.
//!
//! It is written with the same Word package as a report version, so the
//! crate's importer reads it back: the heading and subtitle as paragraphs,
//! the table as one table block.

use super::{DispositionRow, DispositionTable, lines};
use crate::ExportError;
use crate::docx::{GRID_BORDERS, Page, run, word_package};

/// A4 landscape, 20 mm (1134 twips) on every side.
const PAGE: Page = Page {
    width: 16838,
    height: 11906,
    landscape: true,
    top: 1134,
    right: 1134,
    bottom: 1134,
    left: 1134,
};
/// 13 pt, in half-points.
const FONT_SIZE: usize = 26;

/// Column widths in twips, summing to the text width of [`PAGE`]: STT
/// narrow, the disposition a word or three, the comment and the response
/// the widest since they hold the most text.
const WIDTHS: [usize; 6] = [700, 2300, 2000, 4200, 1600, 3770];
const _: () = assert!(
    WIDTHS[0] + WIDTHS[1] + WIDTHS[2] + WIDTHS[3] + WIDTHS[4] + WIDTHS[5] == PAGE.text_width()
);

/// A line of a cell, written as its own paragraph.
struct Line<'a> {
    text: &'a str,
    bold: bool,
    italic: bool,
}

/// Writes the table as a .docx.
pub fn dispositions_docx(table: &DispositionTable) -> Result<Vec<u8>, ExportError> {
    let mut body = String::new();
    for line in lines(&table.heading) {
        let line = line.to_uppercase();
        centred(&mut body, &line, true, false, 0);
    }
    for line in lines(&table.subtitle) {
        centred(&mut body, &line, false, true, 240);
    }
    // The register's summary opens the table, as Art. 55's summary does.
    for line in table.summary.iter().flat_map(|l| lines(l)) {
        body.push_str(&format!(
            "<w:p><w:pPr><w:spacing w:after=\"60\"/><w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/></w:pPr>{}</w:p>",
            if line.is_empty() { String::new() } else { run(&line, false, false, false) }
        ));
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
    body.push_str("</w:tblGrid>");
    // The header row repeats at the top of each page the table spans.
    body.push_str("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (column, name) in table.columns.iter().enumerate() {
        let name = lines(name);
        let cell: Vec<Line<'_>> = name
            .iter()
            .map(|text| Line {
                text,
                bold: true,
                italic: false,
            })
            .collect();
        write_cell(&mut body, column, "center", &cell);
    }
    body.push_str("</w:tr>");
    let mut section: Option<&str> = None;
    for row in &table.rows {
        if let Some(group) = row.group.as_deref().filter(|g| Some(*g) != section) {
            write_group(&mut body, group);
            section = Some(group);
        }
        write_row(&mut body, row);
    }
    body.push_str("</w:tbl>");
    word_package(&body, &PAGE, FONT_SIZE, 0)
}

fn centred(out: &mut String, text: &str, bold: bool, italic: bool, after: usize) {
    out.push_str(&format!(
        "<w:p><w:pPr><w:spacing w:after=\"{after}\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr>{}</w:p>",
        if text.is_empty() {
            String::new()
        } else {
            run(text, bold, italic, false)
        }
    ));
}

/// A row across the whole table naming the section the rows below fall under.
fn write_group(out: &mut String, group: &str) {
    out.push_str(&format!(
        "<w:tr><w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/><w:gridSpan w:val=\"6\"/></w:tcPr>",
        PAGE.text_width()
    ));
    for line in lines(group) {
        out.push_str(&format!(
            "<w:p><w:pPr><w:spacing w:before=\"40\" w:after=\"40\"/><w:ind w:firstLine=\"0\"/></w:pPr>{}</w:p>",
            if line.is_empty() { String::new() } else { run(&line, true, false, false) }
        ));
    }
    out.push_str("</w:tc></w:tr>");
}

fn write_row(out: &mut String, row: &DispositionRow) {
    let plain = |text| Line {
        text,
        bold: false,
        italic: false,
    };
    let number = row.number.to_string();
    let passage = lines(&row.passage);
    let quote = row
        .quote
        .as_deref()
        .filter(|q| !q.trim().is_empty())
        .map(|q| lines(&format!("“{q}”")))
        .unwrap_or_default();
    let commenter = lines(&row.commenter);
    let body = row
        .commenter_body
        .as_deref()
        .filter(|b| !b.trim().is_empty())
        .map(lines)
        .unwrap_or_default();
    let comment = lines(&row.comment);
    let disposition = lines(&row.disposition);
    let response = lines(&row.response);

    out.push_str("<w:tr>");
    write_cell(out, 0, "center", &[plain(&number)]);
    // The quote goes under the label, in italics, as a quotation does.
    let cell: Vec<Line<'_>> = passage
        .iter()
        .map(|text| plain(text))
        .chain(quote.iter().map(|text| Line {
            text,
            bold: false,
            italic: true,
        }))
        .collect();
    write_cell(out, 1, "left", &cell);
    let cell: Vec<Line<'_>> = commenter.iter().chain(&body).map(|t| plain(t)).collect();
    write_cell(out, 2, "left", &cell);
    let cell: Vec<Line<'_>> = comment.iter().map(|t| plain(t)).collect();
    write_cell(out, 3, "both", &cell);
    let cell: Vec<Line<'_>> = disposition.iter().map(|t| plain(t)).collect();
    write_cell(out, 4, "center", &cell);
    let cell: Vec<Line<'_>> = response.iter().map(|t| plain(t)).collect();
    write_cell(out, 5, "both", &cell);
    out.push_str("</w:tr>");
}

/// A cell with one paragraph per line; a line break in the text starts a
/// new paragraph, which Word and the importer both read as a new line.
fn write_cell(out: &mut String, column: usize, align: &str, lines: &[Line<'_>]) {
    let width = WIDTHS.get(column).copied().unwrap_or(0);
    out.push_str(&format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>"
    ));
    // A cell must hold at least one paragraph, even when it has no text.
    let empty = [Line {
        text: "",
        bold: false,
        italic: false,
    }];
    let lines = if lines.is_empty() { &empty[..] } else { lines };
    for line in lines {
        out.push_str(&format!(
            "<w:p><w:pPr><w:spacing w:before=\"40\" w:after=\"40\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"{align}\"/></w:pPr>{}</w:p>",
            if line.text.is_empty() {
                String::new()
            } else {
                run(line.text, line.bold, line.italic, false)
            }
        ));
    }
    out.push_str("</w:tc>");
}
