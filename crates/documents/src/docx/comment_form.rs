//! The comment form of a round (phiếu góp ý): a Word file made for one
//! consulted body, with a table of one row per passage of the draft (its
//! id, its citation label, its text) and an empty column for the body's
//! comment. The body fills it in Word and sends it back; read back, each
//! filled row is one comment on its passage.
//!
//! What makes the file this round's form for this body is kept where Word
//! keeps it on every save: the document's custom properties
//! (`docProps/custom.xml`: report, round, body, version). Each row keeps
//! its passage's id in the first column, in small grey type, so rows can be
//! reordered, deleted or left empty without losing which passage they are.
//!
//! The reader trusts nothing in the file: sizes are budgeted as the version
//! importer does, and any table, property or row is checked by the caller
//! against the round before anything is stored.

use std::io::{Cursor, Read, Write};

use quick_xml::events::Event;
use zip::ZipArchive;
use zip::result::ZipError;
use zip::write::SimpleFileOptions;

use super::xml::{Ns, attribute, general_ref, namespace, reader};
use super::{GRID_BORDERS, Page, run, word_package};
use crate::ooxml::{XML_DECLARATION, escape};
use crate::{ExportError, ImportError, ImportLimits, MAX_ZIP_ENTRIES};

/// The custom property that marks a comment form, and its layout's number.
const MARK: &str = "GopyCommentForm";
const LAYOUT: &str = "1";
const CUSTOM_PART: &str = "docProps/custom.xml";
const CUSTOM_TYPE: &str = "application/vnd.openxmlformats-officedocument.custom-properties+xml";
const CUSTOM_REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties";

/// A4 portrait, 20 mm margins.
const PAGE: Page = Page { width: 11906, height: 16838, landscape: false, top: 1134, right: 1134, bottom: 1134, left: 1134 };
const FONT_SIZE: usize = 26;
/// Id, label, the draft's text, the comment: the comment gets the most room.
const WIDTHS: [usize; 4] = [1100, 1200, 3600, 3738];
const _: () = assert!(WIDTHS[0] + WIDTHS[1] + WIDTHS[2] + WIDTHS[3] == PAGE.text_width());

/// What identifies a form: which report, round, body and version it is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormIds {
    pub report: String,
    pub round: String,
    pub body: String,
    pub version: u32,
}

/// One passage offered for comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormPassage {
    /// The block's id; a form's row for the whole report has the id the
    /// caller chose for it.
    pub id: String,
    pub label: String,
    pub text: String,
}

/// A form to write, its texts already in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommentForm {
    /// "PHIẾU GÓP Ý"
    pub heading: String,
    /// The lines under the heading: the draft, the body, the deadline, how
    /// to fill it in.
    pub lines: Vec<String>,
    /// Mã đoạn, Vị trí, Nội dung dự thảo, Ý kiến góp ý.
    pub columns: [String; 4],
    pub ids: FormIds,
    pub rows: Vec<FormPassage>,
}

/// One row read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilledRow {
    /// The row's place in the table, counted from 1 after the header.
    pub number: usize,
    pub id: String,
    pub label: String,
    pub comment: String,
}

/// A form read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilledForm {
    pub ids: FormIds,
    pub rows: Vec<FilledRow>,
}

/// Why an uploaded file is not a form that can be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error(transparent)]
    Import(#[from] ImportError),
    /// A Word file, but not a comment form Gopy made (no marks, or no table).
    #[error("the Word file is not a comment form")]
    NotAForm,
}

/// Writes the form as a .docx.
pub fn comment_form_docx(form: &CommentForm) -> Result<Vec<u8>, ExportError> {
    let mut body = String::new();
    body.push_str(&format!(
        "<w:p><w:pPr><w:jc w:val=\"center\"/><w:spacing w:after=\"120\"/></w:pPr>{}</w:p>",
        run(&form.heading.to_uppercase(), true, false, false)
    ));
    for line in &form.lines {
        body.push_str(&format!(
            "<w:p><w:pPr><w:ind w:firstLine=\"0\"/><w:spacing w:after=\"60\"/></w:pPr>{}</w:p>",
            run(line, false, false, false)
        ));
    }
    body.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{}\" w:type=\"dxa\"/>{GRID_BORDERS}<w:tblLayout w:type=\"fixed\"/>\
         <w:tblLook w:val=\"04A0\" w:firstRow=\"1\"/></w:tblPr><w:tblGrid>",
        PAGE.text_width()
    ));
    for width in WIDTHS {
        body.push_str(&format!("<w:gridCol w:w=\"{width}\"/>"));
    }
    body.push_str("</w:tblGrid><w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (i, name) in form.columns.iter().enumerate() {
        cell(&mut body, i, &run(name, true, false, false));
    }
    body.push_str("</w:tr>");
    for row in &form.rows {
        body.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
        // The id in small grey type: there to be kept, not to be read.
        cell(
            &mut body,
            0,
            &format!("<w:r><w:rPr><w:color w:val=\"808080\"/><w:sz w:val=\"14\"/></w:rPr><w:t>{}</w:t></w:r>", escape(&row.id)),
        );
        cell(&mut body, 1, &run(&row.label, true, false, false));
        cell(&mut body, 2, &run(&row.text, false, false, false));
        cell(&mut body, 3, "");
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl>");
    let plain = word_package(&body, &PAGE, FONT_SIZE, 0)?;
    with_properties(&plain, &form.ids)
}

fn cell(out: &mut String, column: usize, runs: &str) {
    out.push_str(&format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{}\" w:type=\"dxa\"/></w:tcPr><w:p><w:pPr><w:ind w:firstLine=\"0\"/><w:spacing w:after=\"40\"/></w:pPr>{runs}</w:p></w:tc>",
        WIDTHS[column]
    ));
}

/// The package with the form's custom properties added.
fn with_properties(plain: &[u8], ids: &FormIds) -> Result<Vec<u8>, ExportError> {
    let mut archive = ZipArchive::new(Cursor::new(plain))?;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i)?;
        let name = file.name()?.to_string();
        let mut text = String::new();
        file.read_to_string(&mut text)?;
        let text = match name.as_str() {
            "[Content_Types].xml" => text.replace(
                "</Types>",
                &format!("<Override PartName=\"/{CUSTOM_PART}\" ContentType=\"{CUSTOM_TYPE}\"/></Types>"),
            ),
            "_rels/.rels" => text.replace(
                "</Relationships>",
                &format!("<Relationship Id=\"rIdGopyForm\" Type=\"{CUSTOM_REL}\" Target=\"{CUSTOM_PART}\"/></Relationships>"),
            ),
            _ => text,
        };
        zip.start_file(name, options)?;
        zip.write_all(text.as_bytes())?;
    }
    let property = |pid: usize, name: &str, value: &str| {
        format!(
            "<property fmtid=\"{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}\" pid=\"{pid}\" name=\"{name}\"><vt:lpwstr>{}</vt:lpwstr></property>",
            escape(value)
        )
    };
    let custom = format!(
        "{XML_DECLARATION}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties\" \
         xmlns:vt=\"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes\">{}{}{}{}{}</Properties>",
        property(2, MARK, LAYOUT),
        property(3, "GopyReport", &ids.report),
        property(4, "GopyRound", &ids.round),
        property(5, "GopyBody", &ids.body),
        property(6, "GopyVersion", &ids.version.to_string()),
    );
    zip.start_file(CUSTOM_PART, options)?;
    zip.write_all(custom.as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

fn corrupt(reason: impl std::fmt::Display) -> ImportError {
    ImportError::CorruptDocx { reason: reason.to_string() }
}

/// Reads a part within what is left of the budget; `None` if absent.
fn read_part(archive: &mut ZipArchive<Cursor<&[u8]>>, name: &str, left: &mut u64, max: u64) -> Result<Option<String>, ImportError> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(error) => return Err(corrupt(error)),
    };
    let mut bytes = Vec::new();
    file.take(left.saturating_add(1)).read_to_end(&mut bytes).map_err(corrupt)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > *left {
        return Err(ImportError::TooLargeUncompressed { max });
    }
    *left -= read;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").map(<[u8]>::to_vec).unwrap_or(bytes);
    String::from_utf8(bytes).map(Some).map_err(|_| corrupt(format!("{name} is not UTF-8")))
}

/// Reads a filled form back: its marks and every row of its table.
pub fn read_comment_form(bytes: &[u8], limits: &ImportLimits) -> Result<FilledForm, FormError> {
    if bytes.is_empty() {
        return Err(ImportError::EmptyFile.into());
    }
    if bytes.len() > limits.max_file_bytes {
        return Err(ImportError::TooLarge { max: limits.max_file_bytes, actual: bytes.len() }.into());
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|_| FormError::NotAForm)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(ImportError::TooManyEntries { max: MAX_ZIP_ENTRIES, actual: archive.len() }.into());
    }
    let max = limits.max_uncompressed_bytes;
    let mut left = max;
    let custom = read_part(&mut archive, CUSTOM_PART, &mut left, max)?.ok_or(FormError::NotAForm)?;
    let ids = properties(&custom)?;
    let document = read_part(&mut archive, "word/document.xml", &mut left, max)?.ok_or(FormError::NotAForm)?;
    let rows = table_rows(&document, limits.max_blocks)?;
    // The first row is the header; a form whose table lost it is not ours.
    let mut rows = rows.into_iter();
    if rows.next().is_none_or(|header| header.len() < 4) {
        return Err(FormError::NotAForm);
    }
    let rows = rows
        .enumerate()
        .map(|(i, mut cells)| {
            cells.resize(4, String::new());
            let mut cells = cells.into_iter();
            let mut next = || cells.next().unwrap_or_default();
            let (id, label, _text, comment) = (next(), next(), next(), next());
            FilledRow { number: i + 1, id: id.trim().to_owned(), label: label.trim().to_owned(), comment: comment.trim().to_owned() }
        })
        .collect();
    Ok(FilledForm { ids, rows })
}

/// The form's marks from `docProps/custom.xml`.
fn properties(custom: &str) -> Result<FormIds, FormError> {
    let mut reader = quick_xml::Reader::from_str(custom);
    let mut current: Option<String> = None;
    let mut found: Vec<(String, String)> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if e.local_name().as_ref() == "property" => current = attribute(&e, "name"),
            Ok(event @ (Event::Text(_) | Event::GeneralRef(_))) => {
                if let Some(name) = &current {
                    let text = match &event {
                        Event::Text(t) => t.xml10_content().into_owned(),
                        Event::GeneralRef(r) => general_ref(r).into_owned(),
                        _ => String::new(),
                    };
                    if let Some((_, value)) = found.iter_mut().find(|(n, _)| n == name) {
                        value.push_str(&text);
                    } else {
                        found.push((name.clone(), text));
                    }
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == "property" => current = None,
            Ok(Event::Eof) => break,
            Err(_) => return Err(FormError::NotAForm),
            _ => {}
        }
    }
    let get = |name: &str| found.iter().find(|(n, _)| n == name).map(|(_, v)| v.trim().to_owned());
    if get(MARK).as_deref() != Some(LAYOUT) {
        return Err(FormError::NotAForm);
    }
    let version = get("GopyVersion").and_then(|v| v.parse().ok()).ok_or(FormError::NotAForm)?;
    match (get("GopyReport"), get("GopyRound"), get("GopyBody")) {
        (Some(report), Some(round), Some(body)) => Ok(FormIds { report, round, body, version }),
        _ => Err(FormError::NotAForm),
    }
}

/// The cells' texts of the document's first table, row by row; a cell's
/// paragraphs joined by new lines. Nested tables' text stays in their cell.
fn table_rows(document: &str, max_rows: usize) -> Result<Vec<Vec<String>>, FormError> {
    let mut reader = reader(document);
    let mut depth = 0usize;
    let mut done = false;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut in_text = false;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(|e| FormError::Import(corrupt(e)))?;
        let word = namespace(&resolved) == Ns::Word;
        match event {
            Event::Start(e) if word => {
                let local = e.local_name();
                match local.as_ref() {
                    "tbl" => depth += 1,
                    "tr" if depth == 1 && !done => {
                        if rows.len() > max_rows {
                            return Err(ImportError::TooManyBlocks { max: max_rows }.into());
                        }
                        rows.push(Vec::new());
                    }
                    "tc" if depth == 1 && !done => {
                        if let Some(row) = rows.last_mut() {
                            row.push(String::new());
                        }
                    }
                    "p" if depth >= 1 && !done => {
                        if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()).filter(|c| !c.is_empty()) {
                            cell.push('\n');
                        }
                    }
                    "t" => in_text = true,
                    _ => {}
                }
            }
            Event::Empty(e) if word && depth >= 1 && !done => {
                let local = e.local_name();
                let push = match local.as_ref() {
                    "tab" => Some('\t'),
                    "br" | "cr" => Some('\n'),
                    _ => None,
                };
                if let (Some(c), Some(cell)) = (push, rows.last_mut().and_then(|r| r.last_mut())) {
                    cell.push(c);
                }
            }
            Event::End(e) if word => match e.local_name().as_ref() {
                "tbl" => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && !rows.is_empty() {
                        done = true;
                    }
                }
                "t" => in_text = false,
                _ => {}
            },
            Event::Text(t) if in_text && depth >= 1 && !done => {
                let text = t.xml10_content();
                if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()) {
                    cell.push_str(&text);
                }
            }
            Event::GeneralRef(r) if in_text && depth >= 1 && !done => {
                if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()) {
                    cell.push_str(&general_ref(&r));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if rows.is_empty() {
        return Err(FormError::NotAForm);
    }
    Ok(rows.into_iter().map(|r| r.into_iter().map(|c| crate::clean::strip_controls(&c).into_owned()).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> CommentForm {
        CommentForm {
            heading: "Phiếu góp ý".into(),
            lines: vec!["Dự thảo: Báo cáo sơ kết".into(), "Cơ quan: Ban Tổ chức Tỉnh ủy".into()],
            columns: ["Mã đoạn", "Vị trí", "Nội dung dự thảo", "Ý kiến góp ý"].map(String::from),
            ids: FormIds { report: "r-1".into(), round: "round-2".into(), body: "b-3".into(), version: 2 },
            rows: vec![
                FormPassage { id: "whole".into(), label: "Toàn văn".into(), text: String::new() },
                FormPassage { id: "blk-1".into(), label: "I ¶1".into(), text: "Tăng trưởng <bình quân> 6,5% & hơn.".into() },
            ],
        }
    }

    /// Fills the comment cell of the row whose id is `id`, as Word would
    /// (the empty paragraph gets a run).
    fn fill(docx: &[u8], id: &str, comment: &str) -> Vec<u8> {
        let mut archive = ZipArchive::new(Cursor::new(docx)).expect("in the test");
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..archive.len() {
            let mut file = archive.by_index(i).expect("in the test");
            let name = file.name().expect("in the test").to_string();
            let mut text = String::new();
            file.read_to_string(&mut text).expect("in the test");
            if name == "word/document.xml" {
                let at = text.find(&format!("<w:t>{id}</w:t>")).expect("in the test");
                let empty = "<w:spacing w:after=\"40\"/></w:pPr></w:p></w:tc></w:tr>";
                let end = at + text[at..].find(empty).expect("in the test") + "<w:spacing w:after=\"40\"/></w:pPr>".len();
                text.insert_str(end, &format!("<w:r><w:t>{}</w:t></w:r>", escape(comment)));
            }
            zip.start_file(name, SimpleFileOptions::default()).expect("in the test");
            zip.write_all(text.as_bytes()).expect("in the test");
        }
        zip.finish().expect("in the test").into_inner()
    }

    #[test]
    fn a_form_filled_in_reads_back_with_its_marks_and_each_row_by_passage_id() {
        let docx = comment_form_docx(&form()).expect("written");
        let filled = fill(&docx, "blk-1", "Đề nghị nêu rõ số liệu <năm 2023> & nguồn.");
        let read = read_comment_form(&filled, &ImportLimits::default()).expect("read");
        assert_eq!(read.ids, form().ids);
        assert_eq!(read.rows, vec![
            FilledRow { number: 1, id: "whole".into(), label: "Toàn văn".into(), comment: String::new() },
            FilledRow { number: 2, id: "blk-1".into(), label: "I ¶1".into(), comment: "Đề nghị nêu rõ số liệu <năm 2023> & nguồn.".into() },
        ]);
        // The version importer still reads it as a Word file.
        assert!(crate::import(&docx, &ImportLimits::default()).is_ok());
    }

    #[test]
    fn a_word_file_that_is_not_a_form_and_damaged_bytes_are_refused_by_name() {
        let plain = word_package("<w:p><w:r><w:t>x</w:t></w:r></w:p>", &PAGE, FONT_SIZE, 0).expect("in the test");
        assert_eq!(read_comment_form(&plain, &ImportLimits::default()), Err(FormError::NotAForm));
        assert_eq!(read_comment_form(b"not a zip", &ImportLimits::default()), Err(FormError::NotAForm));
        assert_eq!(read_comment_form(b"", &ImportLimits::default()), Err(FormError::Import(ImportError::EmptyFile)));
        let docx = comment_form_docx(&form()).expect("in the test");
        let small = ImportLimits { max_uncompressed_bytes: 100, ..ImportLimits::default() };
        assert_eq!(read_comment_form(&docx, &small), Err(FormError::Import(ImportError::TooLargeUncompressed { max: 100 })));
    }
}
