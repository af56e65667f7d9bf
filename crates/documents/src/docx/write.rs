//! Writing blocks as a .docx that looks like a Party document: A4, Times
//! New Roman 14 pt, justified paragraphs, the margins of Decree 30/2020
//! (top and bottom 20 mm, left 30 mm, right 20 mm), and the title block of
//! the issuing body at the top.
//!
//! Everything the importer must recognise is marked: the title block table
//! by its caption and description, the version label by its style, the
//! heading levels by the styles Title and Heading1..5, and lists by their
//! numbering, so that importing the file gives back exactly the blocks.

use gopy_domain::document::{BlockContent, RichText};

use super::{TITLE_BLOCK_MARK, VERSION_LABEL_STYLE};
use crate::ExportError;
use crate::markdown::MAX_LIST_DEPTH;
use crate::ooxml::{self, RELATIONSHIPS as R, XML_DECLARATION};

/// The head of the document, above the report's own title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TitleBlock {
    /// The issuing body, e.g. "TỈNH ỦY CÀ MAU" or the owning body's name;
    /// written in capitals.
    pub organisation: String,
    /// E.g. "Cà Mau, ngày 27 tháng 6 năm 2023".
    pub place_and_date: String,
    /// E.g. "Dự thảo lần 2".
    pub version_label: String,
}

/// A section's page and margins, in twentieths of a point (twips).
pub(crate) struct Page {
    pub(crate) width: usize,
    pub(crate) height: usize,
    pub(crate) landscape: bool,
    pub(crate) top: usize,
    pub(crate) right: usize,
    pub(crate) bottom: usize,
    pub(crate) left: usize,
}

impl Page {
    pub(crate) const fn text_width(&self) -> usize {
        self.width.saturating_sub(self.left + self.right)
    }
}

/// A4 upright with the margins of Decree 30/2020 for a report.
const REPORT_PAGE: Page = Page {
    width: 11906,
    height: 16838,
    landscape: false,
    top: 1134,
    right: 1134,
    bottom: 1134,
    left: 1701,
};
/// The text width of [`REPORT_PAGE`].
const TEXT_WIDTH: usize = REPORT_PAGE.text_width();
const BULLET_LIST: usize = 1;
/// Body text of a report: 14 pt, in half-points.
const REPORT_FONT_SIZE: usize = 28;

/// The table borders Word draws for a plain grid: single black lines.
pub(crate) const GRID_BORDERS: &str = "<w:tblBorders>\
     <w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     <w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\"/>\
     </w:tblBorders>";

/// Writes the blocks as a Word document under the title block.
pub fn export_docx(title: &TitleBlock, blocks: &[BlockContent]) -> Result<Vec<u8>, ExportError> {
    let mut body = String::new();
    write_title_block(&mut body, title);
    // Each ordered list gets its own numbering instance, so that its items
    // count from 1 instead of carrying on from the list before.
    let mut ordered_lists = 0usize;
    let mut previous_was_item = false;
    let mut current_ordered: Option<usize> = None;
    for block in blocks.iter().filter(|b| !b.is_empty()) {
        match block {
            BlockContent::Heading { level, text } => {
                let style = match level {
                    0 | 1 => "Title".to_owned(),
                    n => format!("Heading{}", (n - 1).min(5)),
                };
                paragraph(&mut body, Some(&style), None, text);
            }
            BlockContent::Paragraph { text } => paragraph(&mut body, None, None, text),
            BlockContent::ListItem {
                ordered,
                depth,
                text,
            } => {
                let num_id = if *ordered {
                    if !previous_was_item || current_ordered.is_none() {
                        ordered_lists += 1;
                        current_ordered = Some(BULLET_LIST + ordered_lists);
                    }
                    current_ordered.unwrap_or(BULLET_LIST)
                } else {
                    BULLET_LIST
                };
                paragraph(
                    &mut body,
                    Some("ListParagraph"),
                    Some((num_id, (*depth).min(MAX_LIST_DEPTH))),
                    text,
                );
            }
            BlockContent::Table { rows } => table(&mut body, rows),
        }
        previous_was_item = matches!(block, BlockContent::ListItem { .. });
        if !previous_was_item {
            current_ordered = None;
        }
    }
    word_package(&body, &REPORT_PAGE, REPORT_FONT_SIZE, ordered_lists)
}

/// A whole .docx around `body` (the content of `w:body`): one section on
/// `page`, Times New Roman at `font_size` half-points, and `ordered_lists`
/// numbered lists besides the bullet list.
pub(crate) fn word_package(
    body: &str,
    page: &Page,
    font_size: usize,
    ordered_lists: usize,
) -> Result<Vec<u8>, ExportError> {
    let Page {
        width,
        height,
        landscape,
        top,
        right,
        bottom,
        left,
    } = page;
    let orient = if *landscape {
        " w:orient=\"landscape\""
    } else {
        ""
    };
    let document = format!(
        "{XML_DECLARATION}<w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\"><w:body>{body}<w:sectPr>\
         <w:pgSz w:w=\"{width}\" w:h=\"{height}\"{orient}/>\
         <w:pgMar w:top=\"{top}\" w:right=\"{right}\" w:bottom=\"{bottom}\" w:left=\"{left}\" w:header=\"720\" w:footer=\"720\" w:gutter=\"0\"/>\
         </w:sectPr></w:body></w:document>"
    );
    ooxml::package(&[
        ("[Content_Types].xml", CONTENT_TYPES),
        (
            "_rels/.rels",
            &ooxml::root_relationships("word/document.xml"),
        ),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/document.xml", &document),
        ("word/styles.xml", &styles(font_size)),
        ("word/numbering.xml", &numbering(ordered_lists)),
    ])
}

fn write_title_block(out: &mut String, title: &TitleBlock) {
    let half = TEXT_WIDTH / 2;
    out.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/><w:jc w:val=\"center\"/>\
         <w:tblBorders><w:top w:val=\"nil\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"nil\"/><w:right w:val=\"nil\"/>\
         <w:insideH w:val=\"nil\"/><w:insideV w:val=\"nil\"/></w:tblBorders>\
         <w:tblLayout w:type=\"fixed\"/><w:tblLook w:val=\"0000\"/>\
         <w:tblCaption w:val=\"{TITLE_BLOCK_MARK}\"/><w:tblDescription w:val=\"{TITLE_BLOCK_MARK}\"/></w:tblPr>\
         <w:tblGrid><w:gridCol w:w=\"{half}\"/><w:gridCol w:w=\"{half}\"/></w:tblGrid><w:tr>"
    ));
    let cell_start = format!("<w:tc><w:tcPr><w:tcW w:w=\"{half}\" w:type=\"dxa\"/></w:tcPr>");
    let centred = "<w:pPr><w:jc w:val=\"center\"/><w:spacing w:after=\"0\"/></w:pPr>";
    out.push_str(&cell_start);
    out.push_str(&format!(
        "<w:p>{centred}{}</w:p>",
        run(&title.organisation.to_uppercase(), true, false, false)
    ));
    out.push_str(&format!(
        "<w:p>{centred}{}</w:p></w:tc>",
        run("*", true, false, false)
    ));
    out.push_str(&cell_start);
    out.push_str(&format!(
        "<w:p>{centred}{}</w:p>",
        run("ĐẢNG CỘNG SẢN VIỆT NAM", true, false, true)
    ));
    out.push_str(&format!(
        "<w:p>{centred}{}</w:p></w:tc></w:tr></w:tbl>",
        run(&title.place_and_date, false, true, false)
    ));
    out.push_str(&format!(
        "<w:p><w:pPr><w:pStyle w:val=\"{VERSION_LABEL_STYLE}\"/></w:pPr>{}</w:p>",
        run(&title.version_label, false, false, false)
    ));
}

fn paragraph(out: &mut String, style: Option<&str>, list: Option<(usize, u8)>, text: &RichText) {
    out.push_str("<w:p>");
    if style.is_some() || list.is_some() {
        out.push_str("<w:pPr>");
        if let Some(style) = style {
            out.push_str(&format!("<w:pStyle w:val=\"{style}\"/>"));
        }
        if let Some((num_id, level)) = list {
            out.push_str(&format!(
                "<w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num_id}\"/></w:numPr>"
            ));
        }
        out.push_str("</w:pPr>");
    }
    for r in text.runs() {
        out.push_str(&run(&r.text, r.bold, r.italic, false));
    }
    out.push_str("</w:p>");
}

fn table(out: &mut String, rows: &[Vec<String>]) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let column = TEXT_WIDTH / width;
    out.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"5000\" w:type=\"pct\"/>{GRID_BORDERS}\
         <w:tblLook w:val=\"04A0\" w:firstRow=\"1\"/></w:tblPr><w:tblGrid>"
    ));
    for _ in 0..width {
        out.push_str(&format!("<w:gridCol w:w=\"{column}\"/>"));
    }
    out.push_str("</w:tblGrid>");
    for (index, row) in rows.iter().enumerate() {
        let header = index == 0;
        // The header row repeats at the top of each page the table spans.
        out.push_str(if header {
            "<w:tr><w:trPr><w:tblHeader/></w:trPr>"
        } else {
            "<w:tr>"
        });
        for c in 0..width {
            let cell = row.get(c).map_or("", String::as_str);
            out.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{column}\" w:type=\"dxa\"/></w:tcPr>\
                 <w:p><w:pPr><w:jc w:val=\"{}\"/><w:spacing w:before=\"40\" w:after=\"40\"/></w:pPr>{}</w:p></w:tc>",
                if header { "center" } else { "left" },
                if cell.is_empty() { String::new() } else { run(cell, header, false, false) },
            ));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

pub(crate) fn run(text: &str, bold: bool, italic: bool, underline: bool) -> String {
    let mut properties = String::new();
    if bold {
        properties.push_str("<w:b/>");
    }
    if italic {
        properties.push_str("<w:i/>");
    }
    if underline {
        properties.push_str("<w:u w:val=\"single\"/>");
    }
    let properties = if properties.is_empty() {
        properties
    } else {
        format!("<w:rPr>{properties}</w:rPr>")
    };
    format!(
        "<w:r>{properties}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        escape(text)
    )
}

/// Escaped text for a `w:t`, in which a tab or line break would be lost:
/// they are spaces here, as the importer reads them.
fn escape(text: &str) -> String {
    ooxml::escape(&text.replace(['\t', '\n', '\r'], " "))
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/numbering.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml\"/>\
</Types>";

const DOCUMENT_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering\" Target=\"numbering.xml\"/>\
</Relationships>";

/// Times New Roman throughout, the body at `size` half-points; the title
/// and headings bold.
fn styles(size: usize) -> String {
    let fonts = "<w:rFonts w:ascii=\"Times New Roman\" w:hAnsi=\"Times New Roman\" w:eastAsia=\"Times New Roman\" w:cs=\"Times New Roman\"/>";
    let mut out = format!(
        "{XML_DECLARATION}<w:styles xmlns:w=\"{W}\">\
         <w:docDefaults><w:rPrDefault><w:rPr>{fonts}<w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/><w:lang w:val=\"vi-VN\"/></w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr><w:spacing w:after=\"120\" w:line=\"288\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault></w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/>\
         <w:pPr><w:ind w:firstLine=\"567\"/><w:jc w:val=\"both\"/></w:pPr><w:rPr>{fonts}<w:sz w:val=\"{size}\"/></w:rPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:qFormat/>\
         <w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"240\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr>\
         <w:rPr><w:b/><w:sz w:val=\"30\"/></w:rPr></w:style>"
    );
    for n in 1..=5 {
        out.push_str(&format!(
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{n}\"><w:name w:val=\"heading {n}\"/><w:basedOn w:val=\"Normal\"/>\
             <w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>\
             <w:pPr><w:keepNext/><w:spacing w:before=\"120\" w:after=\"120\"/><w:jc w:val=\"both\"/><w:outlineLvl w:val=\"{}\"/></w:pPr>\
             <w:rPr><w:b/>{}</w:rPr></w:style>",
            n - 1,
            if n > 2 { "<w:i/>" } else { "" }
        ));
    }
    out.push_str(&format!(
        "<w:style w:type=\"paragraph\" w:styleId=\"ListParagraph\"><w:name w:val=\"List Paragraph\"/><w:basedOn w:val=\"Normal\"/><w:qFormat/>\
         <w:pPr><w:ind w:firstLine=\"0\"/><w:contextualSpacing/></w:pPr></w:style>\
         <w:style w:type=\"paragraph\" w:customStyle=\"1\" w:styleId=\"{VERSION_LABEL_STYLE}\"><w:name w:val=\"Gopy Version Label\"/><w:basedOn w:val=\"Normal\"/>\
         <w:pPr><w:spacing w:before=\"240\" w:after=\"240\"/><w:ind w:firstLine=\"0\"/><w:jc w:val=\"center\"/></w:pPr><w:rPr><w:b/><w:i/></w:rPr></w:style>\
         </w:styles>"
    ));
    out
}

/// A bullet list (numId 1) and `ordered_lists` numbered lists (numIds 2…),
/// each numbered list restarting at 1.
fn numbering(ordered_lists: usize) -> String {
    let mut out = format!("{XML_DECLARATION}<w:numbering xmlns:w=\"{W}\">");
    let levels = |ordered: bool| {
        (0..=MAX_LIST_DEPTH)
            .map(|level| {
                let indent = 720 + 360 * usize::from(level);
                let (format, text) = if ordered {
                    ("decimal".to_owned(), format!("%{}.", level + 1))
                } else {
                    ("bullet".to_owned(), ["–", "•", "◦"][usize::from(level) % 3].to_owned())
                };
                format!(
                    "<w:lvl w:ilvl=\"{level}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{format}\"/><w:lvlText w:val=\"{text}\"/>\
                     <w:lvlJc w:val=\"left\"/><w:pPr><w:ind w:left=\"{indent}\" w:hanging=\"360\"/></w:pPr></w:lvl>"
                )
            })
            .collect::<String>()
    };
    out.push_str(&format!("<w:abstractNum w:abstractNumId=\"0\"><w:multiLevelType w:val=\"hybridMultilevel\"/>{}</w:abstractNum>", levels(false)));
    out.push_str(&format!("<w:abstractNum w:abstractNumId=\"1\"><w:multiLevelType w:val=\"hybridMultilevel\"/>{}</w:abstractNum>", levels(true)));
    out.push_str(&format!(
        "<w:num w:numId=\"{BULLET_LIST}\"><w:abstractNumId w:val=\"0\"/></w:num>"
    ));
    for list in 1..=ordered_lists {
        out.push_str(&format!(
            "<w:num w:numId=\"{}\"><w:abstractNumId w:val=\"1\"/>",
            BULLET_LIST + list
        ));
        for level in 0..=MAX_LIST_DEPTH {
            out.push_str(&format!(
                "<w:lvlOverride w:ilvl=\"{level}\"><w:startOverride w:val=\"1\"/></w:lvlOverride>"
            ));
        }
        out.push_str("</w:num>");
    }
    out.push_str("</w:numbering>");
    out
}
