//! A list of people as provincial offices keep it, read from an Excel
//! workbook (.xlsx) or a CSV file: one row a person, with columns such as
//! "Họ và tên", "Email", "Cơ quan/đơn vị", "Chức vụ", "Ban", "Vai trò trong
//! ban", "Ngôn ngữ".
//!
//! Bytes in, rows out: nothing here knows whether a body or a committee
//! exists, or whether an address is well formed; the app checks each row
//! whole. What this reader does decide:
//!
//! - the format by content, not by name: a zip is a workbook (its first
//!   sheet is read), UTF-8 text (with or without a byte order mark) is CSV;
//!   an Excel 97-2003 file, a PDF or UTF-16 text is refused with what it is;
//! - the header row is the first of the first [`HEADER_SEARCH_ROWS`] rows
//!   that names at least the name and the e-mail columns (offices put a
//!   title or the province's name above the table). Headers are recognised
//!   in Vietnamese and English whatever their case, tones, normal form or
//!   punctuation ("Cơ quan/đơn vị", "CO QUAN, DON VI", "Body"); columns
//!   with other headers ("STT", "Ghi chú") are left out;
//! - every cell is NFC and trimmed; numbers are kept as the text the
//!   workbook holds; rows with no text at all are skipped, and each row keeps
//!   its number in the sheet so that an error can point at it;
//! - a CSV's delimiter is the one of comma, semicolon or tab the header
//!   line holds most of (Excel writes semicolons where the decimal mark is a
//!   comma, as in Vietnamese settings); fields may be quoted with `"`, may
//!   hold the delimiter and line breaks, and `""` is a quote.
//!
//! A workbook is a zip of XML: the sizes it inflates to are counted while
//! reading, as the Word reader does, and XML entities other than the
//! predefined ones are never expanded.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use gopy_domain::text::{fold, nfc};
use quick_xml::events::Event;
use serde::Serialize;
use zip::ZipArchive;
use zip::result::ZipError;

use crate::docx::xml::{attribute, general_ref};
use crate::{Detected, MAX_ZIP_ENTRIES};

/// How far down the header row is looked for.
pub const HEADER_SEARCH_ROWS: usize = 10;

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// The columns a list of people may have.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeopleColumn {
    /// Họ và tên.
    Name,
    Email,
    /// Cơ quan/đơn vị: the body the person works in.
    Body,
    /// Chức vụ.
    Title,
    /// Ban: the committee the person has a seat on.
    Committee,
    /// Vai trò trong ban: the seat's role on that committee.
    Seat,
    /// Ngôn ngữ.
    Language,
}

impl PeopleColumn {
    pub const ALL: [Self; 7] = [Self::Name, Self::Email, Self::Body, Self::Title, Self::Committee, Self::Seat, Self::Language];

    /// The stable name used in the API and in messages' keys.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Email => "email",
            Self::Body => "body",
            Self::Title => "title",
            Self::Committee => "committee",
            Self::Seat => "seat",
            Self::Language => "language",
        }
    }

    const fn index(self) -> usize {
        self as usize
    }

    /// The headers this column is known by, folded (no tones, lower case,
    /// punctuation as spaces).
    const fn headers(self) -> &'static [&'static str] {
        match self {
            Self::Name => &["ho va ten", "ho ten", "ten", "ho va ten day du", "name", "full name"],
            Self::Email => &["email", "e mail", "thu dien tu", "dia chi email", "dia chi thu dien tu", "dia chi e mail", "email address"],
            Self::Body => &["co quan don vi", "co quan", "don vi", "don vi cong tac", "co quan cong tac", "body", "department", "organisation", "organization"],
            Self::Title => &["chuc vu", "chuc danh", "title", "position", "job title"],
            Self::Committee => &["ban", "ten ban", "uy ban", "committee"],
            Self::Seat => &["vai tro trong ban", "vai tro", "seat", "role", "committee role", "role in committee"],
            Self::Language => &["ngon ngu", "language"],
        }
    }

    fn of_header(header: &str) -> Option<Self> {
        let key = header_key(header);
        Self::ALL.into_iter().find(|c| c.headers().contains(&key.as_str()))
    }
}

/// A header or a value as compared: folded, every run of punctuation or
/// white space one space.
pub fn header_key(text: &str) -> String {
    fold(text)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The format a list was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetFormat {
    Xlsx,
    Csv,
}

/// A list of people as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeopleSheet {
    pub format: SheetFormat,
    /// The columns found, each with its header as written, in the sheet's order.
    pub columns: Vec<(PeopleColumn, String)>,
    pub rows: Vec<SheetRow>,
}

impl PeopleSheet {
    pub fn has(&self, column: PeopleColumn) -> bool {
        self.columns.iter().any(|(c, _)| *c == column)
    }

    /// The header the column has in the file, if it has the column.
    pub fn header(&self, column: PeopleColumn) -> Option<&str> {
        self.columns.iter().find(|(c, _)| *c == column).map(|(_, h)| h.as_str())
    }
}

/// One person's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRow {
    /// Its number in the sheet (1 for the first row, the header's included),
    /// as Excel shows it, or its line in the CSV file.
    pub number: usize,
    cells: [Option<String>; 7],
}

impl SheetRow {
    /// The cell in `column`: `None` when the file has no such column,
    /// `Some("")` when the cell is empty.
    pub fn cell(&self, column: PeopleColumn) -> Option<&str> {
        self.cells[column.index()].as_deref()
    }
}

/// How much a list may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SheetLimits {
    pub max_file_bytes: usize,
    /// What a workbook's parts may inflate to, all together.
    pub max_uncompressed_bytes: u64,
    /// People rows, the header not counted.
    pub max_rows: usize,
}

impl Default for SheetLimits {
    /// A province's lists run to hundreds of people; these leave room for
    /// thousands and keep a preview one page can show.
    fn default() -> Self {
        Self { max_file_bytes: 1024 * 1024, max_uncompressed_bytes: 32 * 1024 * 1024, max_rows: 2_000 }
    }
}

/// Why a file could not be read as a list of people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the file is {actual} bytes long; at most {max} are accepted")]
    TooLarge { max: usize, actual: usize },
    #[error("the file is empty")]
    EmptyFile,
    #[error("the file is {detected}, not an Excel workbook (.xlsx) or CSV")]
    UnsupportedFormat { detected: Detected },
    #[error("the text is not UTF-8 (first invalid byte on line {line})")]
    NotUtf8 { line: usize },
    #[error("the workbook is damaged: {reason}")]
    Corrupt { reason: String },
    #[error("the workbook would inflate to more than {max} bytes")]
    TooLargeUncompressed { max: u64 },
    #[error("no row in the first {HEADER_SEARCH_ROWS} names the name and e-mail columns")]
    NoHeader,
    #[error("the column {column:?} appears twice")]
    DuplicateColumn { column: PeopleColumn },
    #[error("the list has no person below its header row")]
    NoRows,
    #[error("the list has more than {max} rows")]
    TooManyRows { max: usize },
}

/// Reads a list of people from an .xlsx or CSV file.
pub fn read_people_sheet(bytes: &[u8], limits: &SheetLimits) -> Result<PeopleSheet, SheetError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(SheetError::TooLarge { max: limits.max_file_bytes, actual: bytes.len() });
    }
    if bytes.is_empty() || bytes == UTF8_BOM {
        return Err(SheetError::EmptyFile);
    }
    let unsupported = |detected| Err(SheetError::UnsupportedFormat { detected });
    if bytes.starts_with(b"%PDF-") {
        return unsupported(Detected::Pdf);
    }
    if bytes.starts_with(OLE_MAGIC) {
        // Excel 97-2003 (.xls) and Word 97-2003 alike: an OLE compound file.
        return unsupported(Detected::LegacyWord);
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        // Excel's "Unicode text": UTF-16, which we ask to be saved as CSV UTF-8.
        return Err(SheetError::NotUtf8 { line: 1 });
    }
    let (format, grid) = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        (SheetFormat::Xlsx, read_workbook(bytes, limits)?)
    } else {
        (SheetFormat::Csv, read_csv(bytes, limits)?)
    };
    into_sheet(format, grid, limits)
}

/// Rows of cells, each row with its number in the sheet.
type Grid = Vec<(usize, Vec<String>)>;

fn into_sheet(format: SheetFormat, grid: Grid, limits: &SheetLimits) -> Result<PeopleSheet, SheetError> {
    let mut found = None;
    for (at, (_, cells)) in grid.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let known: Vec<(usize, PeopleColumn)> =
            cells.iter().enumerate().filter_map(|(i, h)| PeopleColumn::of_header(h).map(|c| (i, c))).collect();
        let names = |column| known.iter().any(|(_, c)| *c == column);
        if names(PeopleColumn::Name) && names(PeopleColumn::Email) {
            found = Some((at, known));
            break;
        }
    }
    let (header_at, known) = found.ok_or(SheetError::NoHeader)?;
    for (n, (_, column)) in known.iter().enumerate() {
        if known[..n].iter().any(|(_, c)| c == column) {
            return Err(SheetError::DuplicateColumn { column: *column });
        }
    }
    let header_cells = &grid[header_at].1;
    let columns = known.iter().map(|(i, c)| (*c, header_cells[*i].clone())).collect();
    let mut rows = Vec::new();
    for (number, cells) in grid.into_iter().skip(header_at + 1) {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        if rows.len() == limits.max_rows {
            return Err(SheetError::TooManyRows { max: limits.max_rows });
        }
        let mut row = SheetRow { number, cells: Default::default() };
        for (i, column) in &known {
            row.cells[column.index()] = Some(cells.get(*i).cloned().unwrap_or_default());
        }
        rows.push(row);
    }
    if rows.is_empty() {
        return Err(SheetError::NoRows);
    }
    Ok(PeopleSheet { format, columns, rows })
}

fn clean(cell: &str) -> String {
    nfc(cell.trim()).trim().to_owned()
}

// --- CSV -----------------------------------------------------------------------------

fn read_csv(bytes: &[u8], limits: &SheetLimits) -> Result<Grid, SheetError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        SheetError::NotUtf8 { line }
    })?;
    let delimiter = delimiter_of(text);
    let mut grid = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1usize;
    let mut row_line = 1usize;
    let mut chars = text.chars().peekable();
    // A header, the rows, and a few blank lines are allowed beyond the limit.
    let max_lines = limits.max_rows.saturating_add(HEADER_SEARCH_ROWS).saturating_add(1);
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.trim().is_empty() => {
                field.clear();
                quoted = true;
            }
            c if c == delimiter => row.push(clean(&std::mem::take(&mut field))),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(clean(&std::mem::take(&mut field)));
                grid.push((row_line, std::mem::take(&mut row)));
                if grid.len() > max_lines {
                    return Err(SheetError::TooManyRows { max: limits.max_rows });
                }
                line += 1;
                row_line = line;
            }
            c => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(clean(&field));
        grid.push((row_line, row));
    }
    Ok(grid)
}

/// The delimiter the first line (outside quotes) holds most of; a comma
/// when it holds none.
fn delimiter_of(text: &str) -> char {
    let mut counts = [(',', 0usize), (';', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            c => {
                if let Some(count) = counts.iter_mut().find(|(d, _)| *d == c).filter(|_| !quoted) {
                    count.1 += 1;
                }
            }
        }
    }
    // The first of the most frequent, so a tie keeps the comma.
    let most = counts.iter().map(|(_, n)| *n).max().unwrap_or(0);
    counts.iter().find(|(_, n)| *n == most).map_or(',', |(d, _)| *d)
}

// --- Workbooks -----------------------------------------------------------------------

fn corrupt(reason: impl std::fmt::Display) -> SheetError {
    SheetError::Corrupt { reason: reason.to_string() }
}

struct Package<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    left: u64,
    max: u64,
}

impl Package<'_> {
    /// Reads a part within what is left of the budget; `None` if absent.
    fn part(&mut self, name: &str) -> Result<Option<String>, SheetError> {
        let file = match self.archive.by_name(name) {
            Ok(file) => file,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(error) => return Err(corrupt(error)),
        };
        let mut bytes = Vec::new();
        file.take(self.left.saturating_add(1)).read_to_end(&mut bytes).map_err(corrupt)?;
        let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if read > self.left {
            return Err(SheetError::TooLargeUncompressed { max: self.max });
        }
        self.left -= read;
        let bytes = bytes.strip_prefix(UTF8_BOM).map(<[u8]>::to_vec).unwrap_or(bytes);
        String::from_utf8(bytes).map(Some).map_err(|_| corrupt(format!("{name} is not UTF-8")))
    }
}

fn read_workbook(bytes: &[u8], limits: &SheetLimits) -> Result<Grid, SheetError> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(corrupt(format!("{} parts", archive.len())));
    }
    let names: Vec<String> = archive.file_names().flatten().map(|n| n.into_owned()).collect();
    let mut package = Package { archive, left: limits.max_uncompressed_bytes, max: limits.max_uncompressed_bytes };
    let Some(workbook) = package.part("xl/workbook.xml")? else {
        let detected = if names.iter().any(|n| n == "word/document.xml") {
            Detected::ZipWithoutWordDocument
        } else if names.iter().any(|n| n.starts_with("ppt/")) {
            Detected::Presentation
        } else if names.iter().any(|n| n == "content.xml") {
            Detected::OpenDocument
        } else {
            Detected::ZipWithoutWordDocument
        };
        return Err(SheetError::UnsupportedFormat { detected });
    };
    let sheet_path = first_sheet_path(&workbook, package.part("xl/_rels/workbook.xml.rels")?.as_deref())?;
    let shared = match package.part("xl/sharedStrings.xml")? {
        Some(xml) => shared_strings(&xml)?,
        None => Vec::new(),
    };
    let sheet = package.part(&sheet_path)?.ok_or_else(|| corrupt(format!("{sheet_path} is missing")))?;
    sheet_rows(&sheet, &shared, limits)
}

/// The path of the workbook's first sheet, through the workbook's
/// relationships; `xl/worksheets/sheet1.xml` when they do not say.
fn first_sheet_path(workbook: &str, rels: Option<&str>) -> Result<String, SheetError> {
    let mut reader = quick_xml::Reader::from_str(workbook);
    let mut first = None;
    loop {
        match reader.read_event().map_err(corrupt)? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                first = attribute(&e, "id");
                break;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let fallback = "xl/worksheets/sheet1.xml".to_owned();
    let (Some(id), Some(rels)) = (first, rels) else { return Ok(fallback) };
    let mut reader = quick_xml::Reader::from_str(rels);
    loop {
        match reader.read_event().map_err(corrupt)? {
            Event::Start(e) | Event::Empty(e)
                if e.local_name().as_ref() == "Relationship" && attribute(&e, "Id").as_deref() == Some(&id) =>
            {
                let Some(target) = attribute(&e, "Target") else { return Ok(fallback) };
                return Ok(match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_owned(),
                    None => format!("xl/{target}"),
                });
            }
            Event::Eof => return Ok(fallback),
            _ => {}
        }
    }
}

/// The shared strings, each the text of its runs; phonetic guides
/// (`rPh`) left out.
fn shared_strings(xml: &str) -> Result<Vec<String>, SheetError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut strings = Vec::new();
    let mut current: Option<String> = None;
    let (mut in_text, mut in_phonetic) = (false, false);
    loop {
        match reader.read_event().map_err(corrupt)? {
            Event::Start(e) => match e.local_name().as_ref() {
                "si" => current = Some(String::new()),
                "t" => in_text = true,
                "rPh" => in_phonetic = true,
                _ => {}
            },
            Event::Empty(e) if e.local_name().as_ref() == "si" => strings.push(String::new()),
            Event::End(e) => match e.local_name().as_ref() {
                "si" => strings.push(current.take().unwrap_or_default()),
                "t" => in_text = false,
                "rPh" => in_phonetic = false,
                _ => {}
            },
            Event::Text(t) if in_text && !in_phonetic => {
                if let Some(s) = current.as_mut() {
                    s.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text && !in_phonetic => {
                if let Some(s) = current.as_mut() {
                    s.push_str(&general_ref(&r));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(strings)
}

/// The column of a cell reference such as `AB12`, from 0.
fn column_of(reference: &str) -> Option<usize> {
    let letters: Vec<u8> = reference.bytes().take_while(u8::is_ascii_alphabetic).collect();
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let n = letters.iter().fold(0usize, |n, l| n * 26 + usize::from(l.to_ascii_uppercase() - b'A' + 1));
    Some(n - 1)
}

/// Excel's last column is XFD; a cell beyond it is a damaged file.
const MAX_COLUMNS: usize = 16_384;

fn sheet_rows(xml: &str, shared: &[String], limits: &SheetLimits) -> Result<Grid, SheetError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut grid: Grid = Vec::new();
    let mut row: Option<(usize, HashMap<usize, String>)> = None;
    // The cell being read: its column, type, and the text of its value.
    let mut cell: Option<(usize, String, String)> = None;
    let (mut next_row, mut next_column) = (1usize, 0usize);
    let mut in_value = false;
    let max_lines = limits.max_rows.saturating_add(HEADER_SEARCH_ROWS).saturating_add(1);
    loop {
        match reader.read_event().map_err(corrupt)? {
            Event::Start(e) if e.local_name().as_ref() == "row" => {
                let number = attribute(&e, "r").and_then(|r| r.parse().ok()).unwrap_or(next_row);
                next_row = number + 1;
                next_column = 0;
                row = Some((number, HashMap::new()));
            }
            Event::Empty(e) if e.local_name().as_ref() == "row" => {
                next_row = attribute(&e, "r").and_then(|r| r.parse::<usize>().ok()).map_or(next_row + 1, |r| r + 1);
            }
            Event::End(e) if e.local_name().as_ref() == "row" => {
                if let Some((number, cells)) = row.take() {
                    let width = cells.keys().max().map_or(0, |m| m + 1);
                    let mut line = vec![String::new(); width];
                    for (i, text) in cells {
                        line[i] = clean(&text);
                    }
                    grid.push((number, line));
                    let filled = grid.iter().filter(|(_, cells)| cells.iter().any(|c| !c.is_empty())).count();
                    if filled > max_lines {
                        return Err(SheetError::TooManyRows { max: limits.max_rows });
                    }
                }
            }
            Event::Start(e) if e.local_name().as_ref() == "c" => {
                let column = attribute(&e, "r").and_then(|r| column_of(&r)).unwrap_or(next_column);
                if column >= MAX_COLUMNS {
                    return Err(corrupt("a cell beyond the last column"));
                }
                next_column = column + 1;
                cell = Some((column, attribute(&e, "t").unwrap_or_default(), String::new()));
            }
            Event::Empty(e) if e.local_name().as_ref() == "c" => {
                next_column = attribute(&e, "r").and_then(|r| column_of(&r)).unwrap_or(next_column) + 1;
            }
            Event::Start(e) if matches!(e.local_name().as_ref(), "v" | "t") && cell.is_some() => in_value = true,
            Event::End(e) if matches!(e.local_name().as_ref(), "v" | "t") => in_value = false,
            Event::Text(t) if in_value => {
                if let Some((_, _, text)) = cell.as_mut() {
                    text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_value => {
                if let Some((_, _, text)) = cell.as_mut() {
                    text.push_str(&general_ref(&r));
                }
            }
            Event::End(e) if e.local_name().as_ref() == "c" => {
                if let (Some((column, kind, text)), Some((_, cells))) = (cell.take(), row.as_mut()) {
                    let value = match kind.as_str() {
                        "s" => {
                            let index: usize = text.trim().parse().map_err(|_| corrupt("a shared string index"))?;
                            shared.get(index).cloned().ok_or_else(|| corrupt("a shared string index"))?
                        }
                        "b" => if text.trim() == "1" { "TRUE" } else { "FALSE" }.to_owned(),
                        // Numbers, inline and formula strings, errors: their text as written.
                        _ => text,
                    };
                    cells.insert(column, value);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    grid.sort_by_key(|(number, _)| *number);
    Ok(grid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> Result<PeopleSheet, SheetError> {
        read_people_sheet(bytes, &SheetLimits::default())
    }

    fn cells(sheet: &PeopleSheet, column: PeopleColumn) -> Vec<Option<&str>> {
        sheet.rows.iter().map(|r| r.cell(column)).collect()
    }

    #[test]
    fn a_csv_with_a_bom_semicolons_and_quotes_is_read_in_nfc() {
        let decomposed = "Nguye\u{302}\u{303}n Va\u{306}n An";
        let csv = format!(
            "\u{feff}STT;HỌ VÀ TÊN;E-mail;Cơ quan/đơn vị;Chức vụ\r\n1;{decomposed};an@tinhuy.vn;\"Ban Tổ chức; Tỉnh ủy\";\"Trưởng ban, \"\"Bí thư\"\"\"\r\n\r\n2;Trần Thị Bình;binh@tinhuy.vn;;\r\n"
        );
        let sheet = read(csv.as_bytes()).expect("read");
        assert_eq!(sheet.format, SheetFormat::Csv);
        assert_eq!(
            sheet.columns,
            vec![
                (PeopleColumn::Name, "HỌ VÀ TÊN".to_owned()),
                (PeopleColumn::Email, "E-mail".to_owned()),
                (PeopleColumn::Body, "Cơ quan/đơn vị".to_owned()),
                (PeopleColumn::Title, "Chức vụ".to_owned()),
            ]
        );
        assert_eq!(cells(&sheet, PeopleColumn::Name), [Some("Nguyễn Văn An"), Some("Trần Thị Bình")]);
        assert_eq!(cells(&sheet, PeopleColumn::Body), [Some("Ban Tổ chức; Tỉnh ủy"), Some("")]);
        assert_eq!(cells(&sheet, PeopleColumn::Title), [Some("Trưởng ban, \"Bí thư\""), Some("")]);
        assert_eq!(cells(&sheet, PeopleColumn::Language), [None, None]);
        assert_eq!(sheet.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn a_comma_csv_without_a_bom_with_a_line_break_in_a_quoted_field() {
        let csv = "Name,Email,Title\n\"Lê Văn\nCường\",cuong@tinhuy.vn,x\nPhạm D,d@tinhuy.vn,y";
        let sheet = read(csv.as_bytes()).expect("read");
        assert_eq!(cells(&sheet, PeopleColumn::Name), [Some("Lê Văn\nCường"), Some("Phạm D")]);
        assert_eq!(sheet.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn the_header_row_is_found_below_a_title() {
        let csv = "DANH SÁCH CÁN BỘ;;\nTỉnh ủy Bắc Ninh;;\nHo va ten;Thu dien tu;Vai tro trong ban\nA;a@x.vn;Ủy viên\n";
        let sheet = read(csv.as_bytes()).expect("read");
        assert_eq!(cells(&sheet, PeopleColumn::Seat), [Some("Ủy viên")]);
        assert_eq!(sheet.rows[0].number, 4);
    }

    #[test]
    fn refusals_name_what_is_wrong() {
        assert_eq!(read(b""), Err(SheetError::EmptyFile));
        assert_eq!(read(b"a,b\n1,2\n"), Err(SheetError::NoHeader));
        assert_eq!(read(b"Email,Name\n"), Err(SheetError::NoRows));
        assert_eq!(read(b"Email,Name,E-mail\nx,y,z\n"), Err(SheetError::DuplicateColumn { column: PeopleColumn::Email }));
        assert_eq!(read(b"Name,Email\nNguy\xe1n,x\n"), Err(SheetError::NotUtf8 { line: 2 }));
        assert!(matches!(read(OLE_MAGIC), Err(SheetError::UnsupportedFormat { .. })));
        assert!(matches!(read(b"PK\x03\x04garbage"), Err(SheetError::Corrupt { .. })));
        let limits = SheetLimits { max_rows: 2, ..SheetLimits::default() };
        assert_eq!(
            read_people_sheet(b"Name,Email\na,a\nb,b\nc,c\n", &limits),
            Err(SheetError::TooManyRows { max: 2 })
        );
        let limits = SheetLimits { max_file_bytes: 4, ..SheetLimits::default() };
        assert_eq!(read_people_sheet(b"Name,Email", &limits), Err(SheetError::TooLarge { max: 4, actual: 10 }));
    }

    #[test]
    fn a_workbook_is_read_from_its_first_sheet_with_shared_strings_and_numbers() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Danh sách").expect("name");
        sheet.write_string(0, 0, "Danh sách cán bộ").expect("cell");
        for (c, h) in ["STT", "Họ và tên", "Email", "Ngôn ngữ"].iter().enumerate() {
            sheet.write_string(2, u16::try_from(c).expect("few"), *h).expect("cell");
        }
        sheet.write_number(3, 0, 1).expect("cell");
        sheet.write_string(3, 1, "Nguye\u{302}\u{303}n Văn An").expect("cell");
        sheet.write_string(3, 2, "an@tinhuy.vn").expect("cell");
        sheet.write_string(3, 3, "vi").expect("cell");
        sheet.write_number(5, 1, 42).expect("cell");
        sheet.write_string(5, 2, "a&b@tinhuy.vn").expect("cell");
        book.add_worksheet().write_string(0, 0, "Họ và tên").expect("second sheet");
        let bytes = book.save_to_buffer().expect("saved");
        let sheet = read(&bytes).expect("read");
        assert_eq!(sheet.format, SheetFormat::Xlsx);
        assert_eq!(cells(&sheet, PeopleColumn::Name), [Some("Nguyễn Văn An"), Some("42")]);
        assert_eq!(cells(&sheet, PeopleColumn::Email), [Some("an@tinhuy.vn"), Some("a&b@tinhuy.vn")]);
        assert_eq!(cells(&sheet, PeopleColumn::Language), [Some("vi"), Some("")]);
        assert_eq!(sheet.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [4, 6]);
    }

    #[test]
    fn headers_are_known_whatever_their_case_tones_and_punctuation() {
        for (header, column) in [
            ("Cơ quan, đơn vị", PeopleColumn::Body),
            ("CO QUAN/DON VI", PeopleColumn::Body),
            ("Vai trò trong Ban", PeopleColumn::Seat),
            ("Ho và tên", PeopleColumn::Name),
            ("e-mail", PeopleColumn::Email),
            ("Ngôn ngữ", PeopleColumn::Language),
        ] {
            assert_eq!(PeopleColumn::of_header(header), Some(column), "{header}");
        }
        assert_eq!(PeopleColumn::of_header("Ghi chú"), None);
    }
}
