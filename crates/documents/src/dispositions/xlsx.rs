//! The table as an Excel workbook for the secretariat, who sort and filter
//! it: one sheet, the column headers in row 1 (bold, frozen, with a filter
//! and repeated on every printed page), then one row per comment, the text
//! wrapped in columns sized to it, printed A4 landscape with the heading at
//! the top of each page.
//!
//! Written by hand as a minimal SpreadsheetML package with the zip writer
//! the .docx already uses, rather than with a workbook library: the sheet
//! needs only inline strings and three cell styles, and writing the few
//! parts ourselves shares the escaping and the zip with the Word writers.
//! Every text is an inline string (`t="inlineStr"`), never a formula, so a
//! comment such as `=HYPERLINK(…)` is shown as typed; cells that would read
//! as a formula if retyped also carry the "quote prefix" style, so editing
//! one in Excel keeps it text.

use super::{DispositionTable, flat_cells};
use crate::ExportError;
use crate::ooxml::{self, RELATIONSHIPS, XML_DECLARATION};

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const SHEET: &str = "Sheet1";
const COLUMNS: [char; 6] = ['A', 'B', 'C', 'D', 'E', 'F'];
/// Column widths in characters of the default font: STT narrow, the
/// comment and the response the widest.
const WIDTHS: [u32; 6] = [6, 22, 24, 50, 16, 50];
/// The most characters (UTF-16 code units) Excel holds in a cell; a longer
/// text makes Excel report the file as damaged, so it is cut there.
const MAX_CELL_CHARS: usize = 32_767;

/// The cell styles of `xl/styles.xml`, by index in `cellXfs`.
const STYLE_HEADER: usize = 1;
const STYLE_TEXT: usize = 2;
const STYLE_NUMBER: usize = 3;
const STYLE_TEXT_QUOTED: usize = 4;

/// Writes the table as an .xlsx. The six columns are those of the Word
/// table; column 2 holds the label and the quote on one line,
/// "II.1 ¶1 — “quote”", and column 3 the name with the body on a new line.
pub fn dispositions_xlsx(table: &DispositionTable) -> Result<Vec<u8>, ExportError> {
    let last_row = table.rows.len() + 1;
    let names = table.columns.clone().map(|name| super::clean(&name));
    let mut data = format!("<row r=\"1\"{}>", height(&names));
    for (column, name) in COLUMNS.iter().zip(&names) {
        string_cell(&mut data, *column, 1, name, STYLE_HEADER);
    }
    data.push_str("</row>");
    for (index, row) in table.rows.iter().enumerate() {
        let r = index + 2;
        let cells = flat_cells(row);
        data.push_str(&format!("<row r=\"{r}\"{}>", height(&cells)));
        // STT is a number, so that the column sorts as numbers do.
        data.push_str(&format!(
            "<c r=\"A{r}\" s=\"{STYLE_NUMBER}\"><v>{}</v></c>",
            row.number
        ));
        for (column, text) in COLUMNS.iter().zip(&cells).skip(1) {
            let style = if looks_like_formula(text) {
                STYLE_TEXT_QUOTED
            } else {
                STYLE_TEXT
            };
            string_cell(&mut data, *column, r, text, style);
        }
        data.push_str("</row>");
    }

    let cols: String = WIDTHS
        .iter()
        .enumerate()
        .map(|(i, width)| {
            format!(
                "<col min=\"{n}\" max=\"{n}\" width=\"{width}\" customWidth=\"1\"/>",
                n = i + 1
            )
        })
        .collect();
    let header = header_text(&table.heading);
    // Elements in the order the schema requires; Excel refuses others.
    let sheet = format!(
        "{XML_DECLARATION}<worksheet xmlns=\"{MAIN}\" xmlns:r=\"{RELATIONSHIPS}\">\
         <sheetPr><pageSetUpPr fitToPage=\"1\"/></sheetPr>\
         <dimension ref=\"A1:F{last_row}\"/>\
         <sheetViews><sheetView workbookViewId=\"0\">\
         <pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>\
         <selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/></sheetView></sheetViews>\
         <sheetFormatPr defaultRowHeight=\"15\"/><cols>{cols}</cols>\
         <sheetData>{data}</sheetData>\
         <autoFilter ref=\"A1:F{last_row}\"/>\
         <pageMargins left=\"0.79\" right=\"0.79\" top=\"0.79\" bottom=\"0.79\" header=\"0.3\" footer=\"0.3\"/>\
         <pageSetup paperSize=\"9\" orientation=\"landscape\" fitToWidth=\"1\" fitToHeight=\"0\"/>\
         <headerFooter><oddHeader>{header}</oddHeader></headerFooter>\
         </worksheet>"
    );
    let workbook = format!(
        "{XML_DECLARATION}<workbook xmlns=\"{MAIN}\" xmlns:r=\"{RELATIONSHIPS}\">\
         <sheets><sheet name=\"{SHEET}\" sheetId=\"1\" r:id=\"rId1\"/></sheets>\
         <definedNames>\
         <definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"0\" hidden=\"1\">{SHEET}!$A$1:$F${last_row}</definedName>\
         <definedName name=\"_xlnm.Print_Titles\" localSheetId=\"0\">{SHEET}!$1:$1</definedName>\
         </definedNames></workbook>"
    );
    ooxml::package(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", &ooxml::root_relationships("xl/workbook.xml")),
        ("xl/workbook.xml", &workbook),
        ("xl/_rels/workbook.xml.rels", &workbook_relationships()),
        ("xl/worksheets/sheet1.xml", &sheet),
        ("xl/styles.xml", &styles()),
    ])
}

fn string_cell(out: &mut String, column: char, row: usize, text: &str, style: usize) {
    out.push_str(&format!(
        "<c r=\"{column}{row}\" s=\"{style}\" t=\"inlineStr\"><is><t xml:space=\"preserve\">{}</t></is></c>",
        ooxml::escape(truncate(text))
    ));
}

/// The row's height for its wrapped text, as a `ht` attribute. Excel fits
/// a row to wrapped text when it opens a file, but LibreOffice does not and
/// shows one line of each, so the height is estimated here: each line of a
/// cell takes a line per column width of characters (Times New Roman is
/// narrower than the digit the width is measured in, so this errs tall).
fn height(cells: &[String; 6]) -> String {
    const LINE_POINTS: usize = 16;
    let lines = cells
        .iter()
        .zip(WIDTHS)
        .map(|(text, width)| {
            let width = usize::try_from(width).unwrap_or(1).max(1);
            text.split('\n')
                .map(|line| line.chars().count().div_ceil(width).max(1))
                .sum::<usize>()
        })
        .max()
        .unwrap_or(1)
        // Excel's highest row is 409 points.
        .min(409 / LINE_POINTS);
    format!(" ht=\"{}\" customHeight=\"1\"", lines * LINE_POINTS + 4)
}

/// What Excel would take for a formula if the text were typed into a cell.
fn looks_like_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@'])
}

/// The text cut to what a cell holds, at a character boundary.
fn truncate(text: &str) -> &str {
    let mut units = 0;
    for (at, c) in text.char_indices() {
        units += c.len_utf16();
        if units > MAX_CELL_CHARS {
            return &text[..at];
        }
    }
    text
}

/// The heading at the centre of each printed page's header, in bold. `&`
/// starts a code there and is doubled; Excel allows 255 characters.
fn header_text(heading: &str) -> String {
    let heading: String = super::clean(heading)
        .replace('\n', " ")
        .chars()
        .take(200)
        .collect();
    ooxml::escape(&format!("&C&B{}", heading.replace('&', "&&")))
}

fn workbook_relationships() -> String {
    format!(
        "{XML_DECLARATION}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{RELATIONSHIPS}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{RELATIONSHIPS}/styles\" Target=\"styles.xml\"/>\
         </Relationships>"
    )
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>\
</Types>";

/// Times New Roman 12 pt; thin borders on every cell of the table; the
/// header bold and centred, the text wrapped at the top of its cell.
fn styles() -> String {
    let font = "<sz val=\"12\"/><name val=\"Times New Roman\"/><family val=\"1\"/>";
    let thin = "<left style=\"thin\"><color auto=\"1\"/></left><right style=\"thin\"><color auto=\"1\"/></right>\
                <top style=\"thin\"><color auto=\"1\"/></top><bottom style=\"thin\"><color auto=\"1\"/></bottom><diagonal/>";
    let cell = |font: usize, extra: &str, alignment: &str| {
        format!(
            "<xf numFmtId=\"0\" fontId=\"{font}\" fillId=\"0\" borderId=\"1\" xfId=\"0\"{extra} applyFont=\"1\" applyBorder=\"1\" applyAlignment=\"1\">\
             <alignment {alignment} wrapText=\"1\"/></xf>"
        )
    };
    format!(
        "{XML_DECLARATION}<styleSheet xmlns=\"{MAIN}\">\
         <fonts count=\"2\"><font>{font}</font><font><b/>{font}</font></fonts>\
         <fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>\
         <borders count=\"2\"><border><left/><right/><top/><bottom/><diagonal/></border><border>{thin}</border></borders>\
         <cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>\
         <cellXfs count=\"5\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>{}{}{}{}</cellXfs>\
         <cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>\
         </styleSheet>",
        cell(1, "", "horizontal=\"center\" vertical=\"center\""),
        cell(0, "", "vertical=\"top\""),
        cell(0, "", "horizontal=\"center\" vertical=\"top\""),
        cell(0, " quotePrefix=\"1\"", "vertical=\"top\""),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_longer_than_a_cell_holds_is_cut_at_a_character() {
        let long = "ệ".repeat(MAX_CELL_CHARS + 5);
        assert_eq!(truncate(&long).chars().count(), MAX_CELL_CHARS);
        // Characters outside the BMP count twice, as Excel counts them.
        let wide = "𝔸".repeat(MAX_CELL_CHARS);
        assert_eq!(truncate(&wide).chars().count(), MAX_CELL_CHARS / 2);
        assert_eq!(truncate("ngắn"), "ngắn");
    }

    #[test]
    fn a_row_is_as_tall_as_its_longest_wrapped_cell_within_what_excel_allows() {
        let mut cells: [String; 6] = Default::default();
        assert_eq!(height(&cells), " ht=\"20\" customHeight=\"1\"");
        // 120 characters in the 50-wide comment column wrap to three lines,
        // and a line break adds a fourth.
        cells[3] = format!("{}\nmột dòng nữa", "a".repeat(120));
        assert_eq!(height(&cells), " ht=\"68\" customHeight=\"1\"");
        cells[5] = "b\n".repeat(1_000);
        assert_eq!(height(&cells), " ht=\"404\" customHeight=\"1\"");
    }

    #[test]
    fn an_ampersand_in_the_heading_is_not_read_as_a_header_code() {
        assert_eq!(header_text("A & B"), "&amp;C&amp;BA &amp;&amp; B");
    }
}
