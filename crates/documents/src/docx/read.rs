//! Reading the body of a .docx into blocks.
//!
//! Only `word/document.xml` is read for text (headers, footers, comments and
//! footnotes live in other parts and are not part of the report's text),
//! with `word/styles.xml` to know what a style is (style ids are localised
//! in some Word versions; the style *names* of built-in styles are not) and
//! `word/numbering.xml` to tell numbered lists from bullets.
//!
//! Tracked changes are read as if accepted: inserted text counts, deleted
//! text does not, a deleted paragraph mark joins its paragraph to the next,
//! a deleted table row is left out, and the old formatting kept in
//! `w:rPrChange`/`w:pPrChange` is ignored. Text boxes, drawings and
//! equations are not read.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use gopy_domain::document::{BlockContent, RichText, Run};
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;
use zip::result::ZipError;

use super::xml::{self, Ns};
use super::{TITLE_BLOCK_MARK, VERSION_LABEL_STYLE};
use crate::clean::{self, Blocks};
use crate::markdown::MAX_LIST_DEPTH;
use crate::{Detected, ImportError, ImportLimits, Imported, MAX_ZIP_ENTRIES, SourceFormat};

const DOCUMENT: &str = "word/document.xml";

fn corrupt(reason: impl std::fmt::Display) -> ImportError {
    ImportError::CorruptDocx {
        reason: reason.to_string(),
    }
}

fn open(bytes: &[u8]) -> Result<ZipArchive<Cursor<&[u8]>>, ImportError> {
    let archive = ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    if archive.len() > MAX_ZIP_ENTRIES {
        return Err(ImportError::TooManyEntries {
            max: MAX_ZIP_ENTRIES,
            actual: archive.len(),
        });
    }
    Ok(archive)
}

/// Checks that a zip is a Word document, naming what it is otherwise. Only
/// the zip's directory is read.
pub(crate) fn check_is_word(bytes: &[u8]) -> Result<(), ImportError> {
    let archive = open(bytes)?;
    let has = |name: &str| archive.index_for_name(name).is_some();
    if has(DOCUMENT) {
        return Ok(());
    }
    let detected = if has("xl/workbook.xml") {
        Detected::Spreadsheet
    } else if has("ppt/presentation.xml") {
        Detected::Presentation
    } else if has("mimetype") && has("content.xml") {
        Detected::OpenDocument
    } else {
        Detected::ZipWithoutWordDocument
    };
    Err(ImportError::UnsupportedFormat { detected })
}

/// What may still be inflated, across all the parts read.
struct Budget {
    left: u64,
    max: u64,
}

impl Budget {
    /// Reads a part, refusing it if its declared size or the bytes it
    /// actually inflates to pass what is left; `None` if there is no such
    /// part.
    fn read(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        name: &str,
    ) -> Result<Option<String>, ImportError> {
        let file = match archive.by_name(name) {
            Ok(file) => file,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(error) => return Err(corrupt(error)),
        };
        let too_large = ImportError::TooLargeUncompressed { max: self.max };
        if file.size() > self.left {
            return Err(too_large);
        }
        // The declared size only sizes the buffer (within the budget); the
        // count of bytes read is what is trusted.
        let mut bytes = Vec::with_capacity(usize::try_from(file.size().min(1 << 24)).unwrap_or(0));
        file.take(self.left.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(corrupt)?;
        let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if read > self.left {
            return Err(too_large);
        }
        self.left -= read;
        let text = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .map(<[u8]>::to_vec)
            .unwrap_or(bytes);
        String::from_utf8(text)
            .map(Some)
            .map_err(|_| corrupt(format!("{name} is not UTF-8")))
    }
}

pub(crate) fn import_docx(bytes: &[u8], limits: &ImportLimits) -> Result<Imported, ImportError> {
    let mut archive = open(bytes)?;
    let mut budget = Budget {
        left: limits.max_uncompressed_bytes,
        max: limits.max_uncompressed_bytes,
    };
    let document = budget
        .read(&mut archive, DOCUMENT)?
        .ok_or(ImportError::UnsupportedFormat {
            detected: Detected::ZipWithoutWordDocument,
        })?;
    let styles = match budget.read(&mut archive, "word/styles.xml")? {
        Some(text) => Styles::parse(&text)?,
        None => Styles::default(),
    };
    let numbering = match budget.read(&mut archive, "word/numbering.xml")? {
        Some(text) => Numbering::parse(&text)?,
        None => Numbering::default(),
    };
    let blocks = Body::new(&styles, &numbering, limits.max_blocks).read(&document)?;
    crate::finish(SourceFormat::Docx, blocks, limits)
}

/// What a paragraph style means for the blocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StyleKind {
    Title,
    Heading(u8),
    List { ordered: bool, depth: Option<u8> },
    VersionLabel,
    Other,
}

fn kind_of_name(name: &str) -> StyleKind {
    let name: String = name
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-' && *c != '_')
        .collect();
    let name = name.to_lowercase();
    let suffix = |prefix: &str| {
        name.strip_prefix(prefix)
            .map(|rest| rest.parse::<u8>().ok())
    };
    if name == "title" {
        StyleKind::Title
    } else if name == VERSION_LABEL_STYLE.to_lowercase() {
        StyleKind::VersionLabel
    } else if let Some(Some(n @ 1..=9)) = suffix("heading") {
        StyleKind::Heading(n)
    } else if name == "listparagraph" {
        StyleKind::List {
            ordered: false,
            depth: None,
        }
    } else if let Some(n) = suffix("listbullet") {
        StyleKind::List {
            ordered: false,
            depth: n.map(|n| n.saturating_sub(1)),
        }
    } else if let Some(n) = suffix("listnumber") {
        StyleKind::List {
            ordered: true,
            depth: n.map(|n| n.saturating_sub(1)),
        }
    } else {
        StyleKind::Other
    }
}

#[derive(Default)]
struct Style {
    name: Option<String>,
    based_on: Option<String>,
}

/// The paragraph styles of `word/styles.xml`, by id.
#[derive(Default)]
struct Styles(HashMap<String, Style>);

impl Styles {
    fn parse(text: &str) -> Result<Self, ImportError> {
        let mut styles = HashMap::new();
        let mut reader = xml::reader(text);
        let mut current: Option<(String, Style)> = None;
        loop {
            let (resolved, event) = reader.read_resolved_event().map_err(corrupt)?;
            let ns = xml::namespace(&resolved);
            match event {
                Event::Start(e) | Event::Empty(e) if ns == Ns::Word => {
                    let local = e.local_name();
                    match local.as_ref() {
                        "style"
                            if xml::attribute(&e, "type")
                                .as_deref()
                                .is_none_or(|t| t == "paragraph") =>
                        {
                            current =
                                xml::attribute(&e, "styleId").map(|id| (id, Style::default()));
                        }
                        "name" => {
                            if let Some((_, style)) = current.as_mut() {
                                style.name = xml::attribute(&e, "val");
                            }
                        }
                        "basedOn" => {
                            if let Some((_, style)) = current.as_mut() {
                                style.based_on = xml::attribute(&e, "val");
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) if ns == Ns::Word && e.local_name().as_ref() == "style" => {
                    if let Some((id, style)) = current.take() {
                        styles.insert(id, style);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(Self(styles))
    }

    /// What a style is, by its name, else its id, else what it is based on.
    fn kind(&self, id: &str) -> StyleKind {
        let mut id = id;
        // Bounded: `basedOn` chains can loop in a hostile file.
        for _ in 0..16 {
            let style = self.0.get(id);
            for candidate in [style.and_then(|s| s.name.as_deref()), Some(id)]
                .into_iter()
                .flatten()
            {
                let kind = kind_of_name(candidate);
                if kind != StyleKind::Other {
                    return kind;
                }
            }
            match style.and_then(|s| s.based_on.as_deref()) {
                Some(parent) => id = parent,
                None => break,
            }
        }
        StyleKind::Other
    }
}

/// The number formats of `word/numbering.xml`: for each list (`w:num`),
/// each level's format ("decimal", "bullet", …).
#[derive(Default)]
struct Numbering {
    abstract_formats: HashMap<String, HashMap<u8, String>>,
    nums: HashMap<String, (String, HashMap<u8, String>)>,
}

impl Numbering {
    fn parse(text: &str) -> Result<Self, ImportError> {
        let mut numbering = Self::default();
        let mut reader = xml::reader(text);
        let mut abstract_id: Option<String> = None;
        let mut num: Option<(String, String, HashMap<u8, String>)> = None;
        let mut level: Option<u8> = None;
        loop {
            let (resolved, event) = reader.read_resolved_event().map_err(corrupt)?;
            let ns = xml::namespace(&resolved);
            match event {
                Event::Start(e) | Event::Empty(e) if ns == Ns::Word => {
                    match e.local_name().as_ref() {
                        "abstractNum" => abstract_id = xml::attribute(&e, "abstractNumId"),
                        "num" => {
                            num = xml::attribute(&e, "numId")
                                .map(|id| (id, String::new(), HashMap::new()))
                        }
                        "abstractNumId" => {
                            if let Some((_, target, _)) = num.as_mut() {
                                *target = xml::attribute(&e, "val").unwrap_or_default();
                            }
                        }
                        "lvl" | "lvlOverride" => {
                            level = xml::attribute(&e, "ilvl").and_then(|l| l.parse().ok())
                        }
                        "numFmt" => {
                            let (Some(level), Some(format)) = (level, xml::attribute(&e, "val"))
                            else {
                                continue;
                            };
                            if let Some((_, _, overrides)) = num.as_mut() {
                                overrides.insert(level, format);
                            } else if let Some(id) = &abstract_id {
                                numbering
                                    .abstract_formats
                                    .entry(id.clone())
                                    .or_default()
                                    .insert(level, format);
                            }
                        }
                        _ => {}
                    }
                }
                Event::End(e) if ns == Ns::Word => match e.local_name().as_ref() {
                    "abstractNum" => abstract_id = None,
                    "num" => {
                        if let Some((id, target, overrides)) = num.take() {
                            numbering.nums.insert(id, (target, overrides));
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(numbering)
    }

    /// Whether list `num_id` is numbered at `level`; `None` if the file does
    /// not say.
    fn ordered(&self, num_id: &str, level: u8) -> Option<bool> {
        let (abstract_id, overrides) = self.nums.get(num_id)?;
        let format = overrides
            .get(&level)
            .or_else(|| self.abstract_formats.get(abstract_id)?.get(&level))?;
        Some(!matches!(format.as_str(), "bullet" | "none"))
    }
}

/// A paragraph before heading levels are settled (they depend on whether
/// the document has a Title paragraph anywhere).
enum Pending {
    Title(RichText),
    Heading(u8, RichText),
    Block(BlockContent),
}

#[derive(Default)]
struct Paragraph {
    style: Option<String>,
    num_id: Option<String>,
    level: Option<u8>,
    runs: Vec<Run>,
    mark_deleted: bool,
}

#[derive(Default)]
struct TableState {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: String,
    span: usize,
    row_deleted: bool,
    title_block: bool,
}

/// Where the reader is in the XML tree: enough to know what an element
/// means (a `w:tab` in a run is a tab character, in `w:pPr` a tab stop).
#[derive(Default)]
struct Context {
    body: bool,
    paragraph_depth: usize,
    paragraph_properties: bool,
    mark_properties: bool,
    run_properties: bool,
    text: bool,
    table_depth: usize,
    table_properties: bool,
    row_properties: bool,
    cell_properties: bool,
}

struct Body<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    max_blocks: usize,
    at: Context,
    paragraph: Paragraph,
    bold: bool,
    italic: bool,
    /// The runs of paragraphs whose mark was deleted, joined to the next.
    carry: Vec<Run>,
    table: TableState,
    pending: Vec<Pending>,
    /// A Gopy export: heading levels are mapped as Gopy writes them.
    gopy_export: bool,
}

/// Elements whose whole content is left out.
fn skipped(local: &str) -> bool {
    matches!(
        local,
        "del"
            | "moveFrom"
            | "delText"
            | "instrText"
            | "delInstrText"
            | "rPrChange"
            | "pPrChange"
            | "tblPrChange"
            | "trPrChange"
            | "tcPrChange"
            | "sectPrChange"
            | "tblGridChange"
            | "numberingChange"
            | "sectPr"
            | "drawing"
            | "pict"
            | "object"
            | "sdtPr"
            | "sdtEndPr"
            | "txbxContent"
    )
}

impl<'a> Body<'a> {
    fn new(styles: &'a Styles, numbering: &'a Numbering, max_blocks: usize) -> Self {
        Self {
            styles,
            numbering,
            max_blocks,
            at: Context::default(),
            paragraph: Paragraph::default(),
            bold: false,
            italic: false,
            carry: Vec::new(),
            table: TableState::default(),
            pending: Vec::new(),
            gopy_export: false,
        }
    }

    fn read(mut self, document: &str) -> Result<Vec<BlockContent>, ImportError> {
        let mut reader = xml::reader(document);
        loop {
            let (resolved, event) = reader.read_resolved_event().map_err(corrupt)?;
            let ns = xml::namespace(&resolved);
            match event {
                Event::Start(e) => {
                    let skip = match ns {
                        Ns::Word => !self.open(&e)?,
                        Ns::MarkupCompatibility => e.local_name().as_ref() == "Fallback",
                        Ns::Other => false,
                    };
                    if skip {
                        reader.read_to_end(e.name()).map_err(corrupt)?;
                    }
                }
                Event::Empty(e) if ns == Ns::Word && self.open(&e)? => {
                    self.close(e.local_name().as_ref())?
                }
                Event::End(e) if ns == Ns::Word => self.close(e.local_name().as_ref())?,
                Event::Text(text) if self.at.text => self.push_text(&text.xml10_content()),
                Event::CData(text) if self.at.text => self.push_text(&text),
                Event::GeneralRef(reference) if self.at.text => {
                    self.push_text(&xml::general_ref(&reference))
                }
                Event::Eof => break,
                _ => {}
            }
        }
        if !self.carry.is_empty() {
            let text = clean::rich_text(std::mem::take(&mut self.carry));
            self.pend(Pending::Block(BlockContent::Paragraph { text }))?;
        }
        self.settle()
    }

    fn push_text(&mut self, text: &str) {
        self.paragraph.runs.push(Run {
            text: text.to_owned(),
            bold: self.bold,
            italic: self.italic,
        });
    }

    /// Handles an opening tag; `false` if its content is to be skipped.
    fn open(&mut self, e: &BytesStart<'_>) -> Result<bool, ImportError> {
        let local = e.local_name();
        let local = local.as_ref();
        let at = &mut self.at;
        if local == "body" {
            at.body = true;
            return Ok(true);
        }
        if !at.body {
            return Ok(true);
        }
        // Properties first: some names (del, tab, rPr) mean something else there.
        if at.paragraph_properties {
            match local {
                "pStyle" => self.paragraph.style = xml::attribute(e, "val"),
                "ilvl" => {
                    self.paragraph.level = xml::attribute(e, "val").and_then(|v| v.parse().ok())
                }
                "numId" => self.paragraph.num_id = xml::attribute(e, "val"),
                "rPr" => at.mark_properties = true,
                "del" | "moveFrom" if at.mark_properties => self.paragraph.mark_deleted = true,
                _ => {}
            }
            return Ok(!skipped(local) && local != "tabs");
        }
        if at.run_properties {
            match local {
                "b" => self.bold = xml::toggle(e),
                "i" => self.italic = xml::toggle(e),
                "rStyle" => match xml::attribute(e, "val")
                    .map(|s| s.to_lowercase())
                    .as_deref()
                {
                    Some("strong") => self.bold = true,
                    Some("emphasis") => self.italic = true,
                    _ => {}
                },
                _ => {}
            }
            return Ok(!skipped(local));
        }
        if at.table_properties {
            if matches!(local, "tblCaption" | "tblDescription")
                && xml::attribute(e, "val").as_deref() == Some(TITLE_BLOCK_MARK)
            {
                self.table.title_block = true;
                self.gopy_export = true;
            }
            return Ok(!skipped(local));
        }
        if at.row_properties {
            if local == "del" && at.table_depth == 1 {
                self.table.row_deleted = true;
            }
            return Ok(!skipped(local));
        }
        if at.cell_properties {
            if local == "gridSpan" && at.table_depth == 1 {
                self.table.span = xml::attribute(e, "val")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
            }
            return Ok(!skipped(local));
        }
        if skipped(local) {
            return Ok(false);
        }
        match local {
            "p" => {
                at.paragraph_depth += 1;
                if at.paragraph_depth == 1 {
                    self.paragraph = Paragraph::default();
                }
            }
            "pPr" => at.paragraph_properties = true,
            "r" => {
                self.bold = false;
                self.italic = false;
            }
            "rPr" => at.run_properties = true,
            "t" => at.text = true,
            "tab" | "br" | "cr" => self.push_text(" "),
            "noBreakHyphen" => self.push_text("-"),
            "tbl" => {
                at.table_depth += 1;
                if at.table_depth == 1 {
                    self.table = TableState::default();
                }
            }
            "tblPr" => at.table_properties = true,
            "tr" if at.table_depth == 1 => {
                self.table.row.clear();
                self.table.row_deleted = false;
            }
            "trPr" => at.row_properties = true,
            "tc" if at.table_depth == 1 => {
                self.table.cell.clear();
                self.table.span = 1;
            }
            "tcPr" => at.cell_properties = true,
            _ => {}
        }
        Ok(true)
    }

    fn close(&mut self, local: &str) -> Result<(), ImportError> {
        let at = &mut self.at;
        match local {
            "body" => at.body = false,
            "pPr" => {
                at.paragraph_properties = false;
                at.mark_properties = false;
            }
            "rPr" if at.paragraph_properties => at.mark_properties = false,
            _ if at.paragraph_properties => {}
            "rPr" => at.run_properties = false,
            _ if at.run_properties => {}
            "tblPr" => at.table_properties = false,
            "trPr" => at.row_properties = false,
            "tcPr" => at.cell_properties = false,
            _ if at.table_properties || at.row_properties || at.cell_properties => {}
            "t" => at.text = false,
            "p" => {
                at.paragraph_depth = at.paragraph_depth.saturating_sub(1);
                if at.paragraph_depth == 0 {
                    self.end_paragraph()?;
                }
            }
            "tc" if at.table_depth == 1 => {
                let cell = std::mem::take(&mut self.table.cell);
                self.table.row.push(cell);
                // A merged cell keeps the columns in line with the grid.
                let span = self.table.span.clamp(1, 64);
                self.table
                    .row
                    .extend(std::iter::repeat_n(String::new(), span - 1));
            }
            "tr" if at.table_depth == 1 => {
                let row = std::mem::take(&mut self.table.row);
                if !self.table.row_deleted {
                    self.table.rows.push(row);
                }
            }
            "tbl" => {
                at.table_depth = at.table_depth.saturating_sub(1);
                if at.table_depth == 0 {
                    let table = std::mem::take(&mut self.table);
                    if !table.title_block {
                        self.pend(Pending::Block(clean::table(table.rows)))?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end_paragraph(&mut self) -> Result<(), ImportError> {
        let paragraph = std::mem::take(&mut self.paragraph);
        if self.at.table_depth > 0 {
            // A cell's paragraphs are one line of plain text.
            let text = clean::rich_text(paragraph.runs).text();
            if !text.is_empty() {
                if !self.table.cell.is_empty() {
                    self.table.cell.push(' ');
                }
                self.table.cell.push_str(&text);
            }
            return Ok(());
        }
        if paragraph.mark_deleted {
            self.carry.extend(paragraph.runs);
            return Ok(());
        }
        let mut runs = std::mem::take(&mut self.carry);
        runs.extend(paragraph.runs);
        let text = clean::rich_text(runs);
        let kind = paragraph
            .style
            .as_deref()
            .map_or(StyleKind::Other, |id| self.styles.kind(id));
        let numbered = paragraph.num_id.as_deref().filter(|id| *id != "0");
        let pending = match kind {
            StyleKind::VersionLabel => {
                self.gopy_export = true;
                return Ok(());
            }
            StyleKind::Title => Pending::Title(text),
            StyleKind::Heading(level) => Pending::Heading(level, text),
            StyleKind::List { .. } | StyleKind::Other
                if numbered.is_some() || kind != StyleKind::Other =>
            {
                let (style_ordered, style_depth) = match kind {
                    StyleKind::List { ordered, depth } => (ordered, depth),
                    _ => (false, None),
                };
                let level = paragraph
                    .level
                    .or(style_depth)
                    .unwrap_or(0)
                    .min(MAX_LIST_DEPTH);
                let ordered = numbered
                    .and_then(|id| self.numbering.ordered(id, level))
                    .unwrap_or(style_ordered);
                // Markdown cannot nest an item more than one level below
                // the one before it; Word can, and is brought in line.
                let deepest = match self.pending.last() {
                    Some(Pending::Block(BlockContent::ListItem { depth, .. })) => {
                        depth.saturating_add(1)
                    }
                    _ => 0,
                };
                Pending::Block(BlockContent::ListItem {
                    ordered,
                    depth: level.min(deepest),
                    text,
                })
            }
            StyleKind::List { .. } | StyleKind::Other => {
                Pending::Block(BlockContent::Paragraph { text })
            }
        };
        self.pend(pending)
    }

    fn pend(&mut self, pending: Pending) -> Result<(), ImportError> {
        let empty = match &pending {
            Pending::Title(text) | Pending::Heading(_, text) => text.is_empty(),
            Pending::Block(block) => block.is_empty(),
        };
        if empty {
            return Ok(());
        }
        if self.pending.len() >= self.max_blocks {
            return Err(ImportError::TooManyBlocks {
                max: self.max_blocks,
            });
        }
        self.pending.push(pending);
        Ok(())
    }

    /// Heading N is level N+1 when the document has a Title (level 1), or
    /// is a Gopy export (which writes level N+1 as Heading N); else level N.
    fn settle(self) -> Result<Vec<BlockContent>, ImportError> {
        let has_title = self.pending.iter().any(|p| matches!(p, Pending::Title(_)));
        let offset = u8::from(has_title || self.gopy_export);
        let mut blocks = Blocks::new(self.max_blocks);
        for pending in self.pending {
            blocks.push(match pending {
                Pending::Title(text) => BlockContent::Heading { level: 1, text },
                Pending::Heading(level, text) => BlockContent::Heading {
                    level: level.saturating_add(offset).min(6),
                    text,
                },
                Pending::Block(block) => block,
            })?;
        }
        Ok(blocks.into_vec())
    }
}
