//! Reading the body of a .docx into blocks.
//!
//! `word/document.xml` is read for text, with `word/styles.xml` to know
//! what a style is (style ids are localised in some Word versions; the style
//! *names* of built-in styles are not) and `word/numbering.xml` for Word's
//! automatic numbers (see the `numbering` module): a heading numbered by
//! Word gets its number written into its text, as if typed, so its citation
//! label is the one the typed twin gets. Footnotes and endnotes
//! (`word/footnotes.xml`, `word/endnotes.xml`) are kept: the reference
//! becomes "[1]" where it stands and the note's text a paragraph "[1] …" at
//! the end of the document. Headers and footers are not part of the text.
//!
//! Tracked changes are read as if accepted: inserted text counts, deleted
//! text does not, a deleted paragraph mark joins its paragraph to the next,
//! a deleted table row is left out, and the old formatting kept in
//! `w:rPrChange`/`w:pPrChange` is ignored.
//!
//! Pictures, text boxes, equations, charts and embedded objects cannot be
//! blocks: each leaves a placeholder ("[Hình ảnh]") where it stands and is
//! listed in [`Imported::left_out`] with its block, so the uploader is told
//! instead of finding it silently gone.
//!
//! The same reader also reads a copy of the draft with Word's review
//! comments ([`read_review_comments`]): the text each comment's range
//! (`w:commentRangeStart`/`End`) covers, block by block, with the comment
//! from `word/comments.xml`.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::notes::{self, Note};
use super::numbering::{Counters, Numbering};

use gopy_domain::document::{BlockContent, RichText, Run};
use quick_xml::events::{BytesStart, Event};
use zip::ZipArchive;
use zip::result::ZipError;

use super::xml::{self, Ns};
use super::{TITLE_BLOCK_MARK, VERSION_LABEL_STYLE};
use crate::clean::{self, Blocks};
use crate::markdown::MAX_LIST_DEPTH;
use crate::{Detected, ImportError, ImportLimits, Imported, LeftOut, LeftOutKind, MAX_ZIP_ENTRIES, SourceFormat};

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
    let (read, _) = read_package(bytes, limits, false)?;
    crate::finish(SourceFormat::Docx, read.blocks, read.left_out, limits)
}

/// A copy of a draft with Word's review comments in it: its blocks, as an
/// import reads them, and each comment with the text it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewedDraft {
    pub blocks: Vec<BlockContent>,
    /// In the order of `word/comments.xml`.
    pub comments: Vec<WordComment>,
}

/// One review comment of a Word file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WordComment {
    /// Its `w:id` in the file.
    pub id: String,
    /// Who wrote it and when, as Word recorded them (`w:author`, `w:date`).
    pub author: Option<String>,
    pub date: Option<String>,
    /// Its text, paragraphs joined by new lines, NFC.
    pub text: String,
    /// The text its range covers, one part per block it touches, in order;
    /// a comment without a range (inserted at a point) has one part with an
    /// empty quote, at the block it was inserted in; a comment found nowhere
    /// in the body has none.
    pub parts: Vec<QuotePart>,
}

impl WordComment {
    /// All the text it covers, its parts joined by spaces.
    pub fn quote(&self) -> String {
        let parts: Vec<&str> = self.parts.iter().map(|p| p.quote.as_str()).filter(|q| !q.is_empty()).collect();
        parts.join(" ")
    }
}

/// The part of a comment's range that lies in one block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuotePart {
    /// The index of the block in [`ReviewedDraft::blocks`].
    pub block: usize,
    /// The text covered in that block, normalised as block text is.
    pub quote: String,
}

/// Reads the review comments of a Word file and the text they cover. A
/// file without comments gives none; one that is not a Word file, or is
/// damaged, is refused as an import would be.
pub fn read_review_comments(bytes: &[u8], limits: &ImportLimits) -> Result<ReviewedDraft, ImportError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ImportError::TooLarge { max: limits.max_file_bytes, actual: bytes.len() });
    }
    let (read, comment_notes) = read_package(bytes, limits, true)?;
    let mut parts: HashMap<String, Vec<QuotePart>> = HashMap::new();
    for (id, block, quote) in read.quotes {
        let quote = clean::rich_text(vec![Run::plain(quote)]).text();
        let list = parts.entry(id).or_default();
        // A comment inserted at a point has one part, at its block; text
        // found for it later (a range around the point) replaces it.
        if quote.is_empty() && !list.is_empty() {
            continue;
        }
        list.retain(|p: &QuotePart| !p.quote.is_empty() || p.block != block);
        list.push(QuotePart { block, quote });
    }
    let comments = comment_notes
        .into_iter()
        .map(|(id, note)| {
            let mut parts = parts.remove(&id).unwrap_or_default();
            if parts.iter().any(|p| !p.quote.is_empty()) {
                parts.retain(|p| !p.quote.is_empty());
            }
            WordComment { parts, id, author: note.author, date: note.date, text: note.text }
        })
        .collect();
    Ok(ReviewedDraft { blocks: read.blocks, comments })
}

/// What the body gave, before the checks an import ends with.
struct BodyRead {
    blocks: Vec<BlockContent>,
    left_out: Vec<LeftOut>,
    /// Comment id, block index, covered text: one for each block a
    /// comment's range touches.
    quotes: Vec<(String, usize, String)>,
}

fn read_package(bytes: &[u8], limits: &ImportLimits, with_comments: bool) -> Result<(BodyRead, Vec<(String, Note)>), ImportError> {
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
    let mut notes: HashMap<(NoteKind, String), String> = HashMap::new();
    for (kind, part, element) in [
        (NoteKind::Footnote, "word/footnotes.xml", "footnote"),
        (NoteKind::Endnote, "word/endnotes.xml", "endnote"),
    ] {
        if let Some(text) = budget.read(&mut archive, part)? {
            notes.extend(notes::parse(&text, element)?.into_iter().map(|(id, note)| ((kind, id), note.text)));
        }
    }
    let comments = match budget.read(&mut archive, "word/comments.xml")? {
        Some(text) if with_comments => notes::parse(&text, "comment")?,
        _ => Vec::new(),
    };
    let mut body = Body::new(&styles, &numbering, limits.max_blocks);
    body.notes = notes;
    body.track_comments = with_comments;
    Ok((body.read(&document)?, comments))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum NoteKind {
    Footnote,
    Endnote,
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
    /// The list its paragraphs are numbered by (`w:numPr` in the style),
    /// and the level if it says.
    num_id: Option<String>,
    level: Option<u8>,
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
                        "numId" => {
                            if let Some((_, style)) = current.as_mut() {
                                style.num_id = xml::attribute(&e, "val");
                            }
                        }
                        "ilvl" => {
                            if let Some((_, style)) = current.as_mut() {
                                style.level = xml::attribute(&e, "val").and_then(|v| v.parse().ok());
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

    /// The list a style numbers its paragraphs by, its level if the style
    /// says, and the style that says it (a heading style inherits its
    /// numbering from the style it is based on).
    fn numbering(&self, id: &str) -> Option<(&str, Option<u8>, &str)> {
        let mut id = id;
        for _ in 0..16 {
            let (key, style) = self.0.get_key_value(id)?;
            if let Some(num) = style.num_id.as_deref() {
                return Some((num, style.level, key.as_str()));
            }
            id = style.based_on.as_deref()?;
        }
        None
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

/// What the text being read carries to the block it ends up in: things
/// left out, and the parts of comment ranges. Kept until a block is made,
/// so it lands on the block that holds the text (a table, for a cell; the
/// next paragraph, for one whose mark was deleted).
#[derive(Default)]
struct Marks {
    left_out: Vec<LeftOutKind>,
    /// Comment id and the text of its range read so far in this block.
    quotes: Vec<(String, String)>,
}

/// The most comment ranges open at once that are followed; a real draft
/// has a handful, a hostile one could make every text copied thousands of
/// times.
const MAX_OPEN_COMMENTS: usize = 64;
/// The most text kept of one comment's range in one block: enough to find
/// the passage again, bounded whatever the file.
const MAX_QUOTE_BYTES: usize = 16 * 1024;
/// The most footnotes and endnotes kept; each becomes a block.
const MAX_NOTES: usize = 5_000;

struct Body<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    counters: Counters,
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
    /// Footnotes and endnotes by kind and id.
    notes: HashMap<(NoteKind, String), String>,
    /// The notes referred to so far, in order: the nth is "[n]".
    referred: Vec<String>,
    marks: Marks,
    left_out: Vec<LeftOut>,
    track_comments: bool,
    open_comments: Vec<String>,
    quotes: Vec<(String, usize, String)>,
}

/// Elements whose whole content is left out.
fn skipped(local: &str) -> bool {
    matches!(
        local,
        "del"
            | "moveFrom"
            | "delText"
            | "delInstrText"
            | "instrText"
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

/// What a picture-like element (`w:drawing`, `w:pict`, `w:object`) holds,
/// told by what is inside it: a chart, a text box, an equation, a picture.
fn classify(
    reader: &mut quick_xml::NsReader<&[u8]>,
    local: &str,
) -> Result<LeftOutKind, ImportError> {
    let (mut chart, mut text_box, mut equation) = (false, false, false);
    let mut depth = 1usize;
    while depth > 0 {
        let event = reader.read_event().map_err(corrupt)?;
        let element = match &event {
            Event::Start(e) => {
                depth += 1;
                Some(e)
            }
            Event::Empty(e) => Some(e),
            Event::End(_) => {
                depth -= 1;
                None
            }
            Event::Eof => return Err(corrupt("a drawing is not closed")),
            _ => None,
        };
        if let Some(e) = element {
            match e.local_name().as_ref() {
                "chart" | "chartSpace" => chart = true,
                "txbx" | "textbox" | "txbxContent" => text_box = true,
                "oMath" | "oMathPara" => equation = true,
                "OLEObject" => {
                    equation |= xml::attribute(e, "ProgID").is_some_and(|p| p.starts_with("Equation"));
                }
                _ => {}
            }
        }
    }
    Ok(if chart {
        LeftOutKind::Chart
    } else if text_box {
        LeftOutKind::TextBox
    } else if equation {
        LeftOutKind::Equation
    } else if local == "object" {
        // An embedded object's preview picture is not the object.
        LeftOutKind::Object
    } else {
        LeftOutKind::Picture
    })
}

/// A number as Word shows it in front of a paragraph, if it shows one.
fn shown(number: Option<String>) -> Option<String> {
    number.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty())
}

impl<'a> Body<'a> {
    fn new(styles: &'a Styles, numbering: &'a Numbering, max_blocks: usize) -> Self {
        Self {
            styles,
            numbering,
            counters: Counters::default(),
            max_blocks,
            at: Context::default(),
            paragraph: Paragraph::default(),
            bold: false,
            italic: false,
            carry: Vec::new(),
            table: TableState::default(),
            pending: Vec::new(),
            gopy_export: false,
            notes: HashMap::new(),
            referred: Vec::new(),
            marks: Marks::default(),
            left_out: Vec::new(),
            track_comments: false,
            open_comments: Vec::new(),
            quotes: Vec::new(),
        }
    }

    fn read(mut self, document: &str) -> Result<BodyRead, ImportError> {
        let mut reader = xml::reader(document);
        loop {
            let (resolved, event) = reader.read_resolved_event().map_err(corrupt)?;
            let ns = xml::namespace(&resolved);
            match event {
                Event::Start(e) => {
                    let local = e.local_name();
                    let local = local.as_ref();
                    let in_text = self.at.body && self.at.paragraph_depth > 0 && !self.in_properties();
                    let is_math = ns == Ns::Other && matches!(local, "oMathPara" | "oMath");
                    if in_text && (is_math || (ns == Ns::Word && matches!(local, "drawing" | "pict" | "object"))) {
                        let kind = if is_math {
                            reader.read_to_end(e.name()).map_err(corrupt)?;
                            LeftOutKind::Equation
                        } else {
                            classify(&mut reader, local)?
                        };
                        self.leave_out(kind);
                        continue;
                    }
                    let skip = match ns {
                        Ns::Word => !self.open(&e)?,
                        Ns::MarkupCompatibility => local == "Fallback",
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
        // The notes referred to, after the text, each under its mark.
        for (n, text) in std::mem::take(&mut self.referred).into_iter().enumerate() {
            let text = clean::rich_text(vec![Run::plain(format!("[{}] {text}", n + 1))]);
            self.pend(Pending::Block(BlockContent::Paragraph { text }))?;
        }
        let (left_out, quotes) = (std::mem::take(&mut self.left_out), std::mem::take(&mut self.quotes));
        Ok(BodyRead { blocks: self.settle()?, left_out, quotes })
    }

    fn in_properties(&self) -> bool {
        let at = &self.at;
        at.paragraph_properties || at.run_properties || at.table_properties || at.row_properties || at.cell_properties
    }

    /// Puts a placeholder where something that cannot be a block stood.
    fn leave_out(&mut self, kind: LeftOutKind) {
        let (bold, italic) = (self.bold, self.italic);
        self.paragraph.runs.push(Run::plain(format!(" {} ", kind.placeholder())));
        (self.bold, self.italic) = (bold, italic);
        self.marks.left_out.push(kind);
    }

    fn push_text(&mut self, text: &str) {
        self.paragraph.runs.push(Run {
            text: text.to_owned(),
            bold: self.bold,
            italic: self.italic,
        });
        self.cover(text);
    }

    /// Adds text to the range of every comment open here.
    fn cover(&mut self, text: &str) {
        for id in &self.open_comments {
            let at = match self.marks.quotes.iter().position(|(open, _)| open == id) {
                Some(at) => at,
                None => {
                    self.marks.quotes.push((id.clone(), String::new()));
                    self.marks.quotes.len() - 1
                }
            };
            let quote = &mut self.marks.quotes[at].1;
            if quote.len() + text.len() <= MAX_QUOTE_BYTES {
                quote.push_str(text);
            }
        }
    }

    /// A footnote or endnote reference: "[n]" in the text, the note kept
    /// for the end of the document.
    fn refer(&mut self, kind: NoteKind, e: &BytesStart<'_>) {
        let Some(text) = xml::attribute(e, "id").and_then(|id| self.notes.get(&(kind, id))) else {
            return;
        };
        if self.referred.len() >= MAX_NOTES {
            return;
        }
        let text = text.replace('\n', " ");
        self.referred.push(text);
        let mark = format!("[{}]", self.referred.len());
        self.push_text(&mark);
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
            "footnoteReference" => self.refer(NoteKind::Footnote, e),
            "endnoteReference" => self.refer(NoteKind::Endnote, e),
            "commentRangeStart" if self.track_comments => {
                if let Some(id) = xml::attribute(e, "id")
                    && self.open_comments.len() < MAX_OPEN_COMMENTS
                    && !self.open_comments.contains(&id)
                {
                    self.open_comments.push(id);
                }
            }
            "commentRangeEnd" if self.track_comments => {
                if let Some(id) = xml::attribute(e, "id") {
                    self.open_comments.retain(|open| *open != id);
                }
            }
            "commentReference" if self.track_comments => {
                // A comment inserted at a point: it belongs to this block.
                if let Some(id) = xml::attribute(e, "id")
                    && self.marks.quotes.len() < MAX_OPEN_COMMENTS
                    && !self.marks.quotes.iter().any(|(open, _)| *open == id)
                {
                    self.marks.quotes.push((id, String::new()));
                }
            }
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

    /// The list a paragraph is numbered by and its level: its own `w:numPr`
    /// first (`numId` 0 takes the style's numbering away), else its style's.
    fn numbered(&self, paragraph: &Paragraph) -> Option<(String, u8)> {
        let style = paragraph.style.as_deref();
        match paragraph.num_id.as_deref() {
            Some("0") => None,
            Some(id) => {
                let level = paragraph
                    .level
                    .or_else(|| style.and_then(|s| self.styles.numbering(s)).filter(|(n, _, _)| *n == id).and_then(|(_, l, _)| l))
                    .unwrap_or(0);
                Some((id.to_owned(), level))
            }
            None => {
                let (id, level, owner) = self.styles.numbering(style?)?;
                if id == "0" {
                    return None;
                }
                let level = paragraph.level.or(level).unwrap_or_else(|| self.numbering.level_of_style(id, owner));
                Some((id.to_owned(), level))
            }
        }
    }

    fn end_paragraph(&mut self) -> Result<(), ImportError> {
        let paragraph = std::mem::take(&mut self.paragraph);
        // Word counts every numbered paragraph it shows, empty or not; a
        // paragraph whose mark was deleted is shown joined to the next,
        // which numbers it.
        let numbered = if paragraph.mark_deleted { None } else { self.numbered(&paragraph) };
        let number = numbered
            .as_ref()
            .and_then(|(id, level)| Some((self.numbering.level(id, *level)?, *level)))
            .map(|(definition, level)| {
                let (id, _) = numbered.as_ref().map(|(id, l)| (id.as_str(), *l)).unwrap_or_default();
                (self.counters.count(self.numbering, id, level), definition)
            });
        if self.at.table_depth > 0 {
            // A cell's paragraphs are one line of plain text, with the
            // number Word shows in front of it.
            let mut text = clean::rich_text(paragraph.runs).text();
            if let Some((Some(n), definition)) = &number
                && !definition.is_bullet()
                && let Some(n) = shown(Some(n.clone()))
            {
                text = format!("{n} {text}");
            }
            if !text.is_empty() {
                if !self.table.cell.is_empty() {
                    self.table.cell.push(' ');
                }
                self.table.cell.push_str(&text);
            }
            self.cover(" ");
            return Ok(());
        }
        if paragraph.mark_deleted {
            self.carry.extend(paragraph.runs);
            return Ok(());
        }
        let mut runs = std::mem::take(&mut self.carry);
        runs.extend(paragraph.runs);
        let kind = paragraph
            .style
            .as_deref()
            .map_or(StyleKind::Other, |id| self.styles.kind(id));
        // The number as text, where it is not a bullet or a plain list number.
        let prefixed = |runs: Vec<Run>, n: &str| {
            let mut all = vec![Run::plain(format!("{n} "))];
            all.extend(runs);
            clean::rich_text(all)
        };
        let pending = match kind {
            StyleKind::VersionLabel => {
                self.gopy_export = true;
                return Ok(());
            }
            StyleKind::Title | StyleKind::Heading(_) => {
                let text = match &number {
                    Some((n, definition)) if !definition.is_bullet() => match shown(n.clone()) {
                        Some(n) => prefixed(runs, &n),
                        None => clean::rich_text(runs),
                    },
                    _ => clean::rich_text(runs),
                };
                match kind {
                    StyleKind::Heading(level) => Pending::Heading(level, text),
                    _ => Pending::Title(text),
                }
            }
            StyleKind::List { .. } | StyleKind::Other if numbered.is_some() || kind != StyleKind::Other => {
                let (style_ordered, style_depth) = match kind {
                    StyleKind::List { ordered, depth } => (ordered, depth),
                    _ => (false, None),
                };
                let level = numbered
                    .as_ref()
                    .map(|(_, l)| *l)
                    .or(paragraph.level)
                    .or(style_depth)
                    .unwrap_or(0);
                match &number {
                    // A number a list item cannot show ("a)", "1.2.", "Điều 3."):
                    // written as text, as the typed twin has it.
                    Some((n, definition)) if !definition.is_bullet() && !definition.is_plain_list_number(level) => {
                        let text = match shown(n.clone()) {
                            Some(n) => prefixed(runs, &n),
                            None => clean::rich_text(runs),
                        };
                        Pending::Block(BlockContent::Paragraph { text })
                    }
                    _ => {
                        let ordered = number.as_ref().map_or(style_ordered, |(_, d)| !d.is_bullet());
                        // Markdown cannot nest an item more than one level below
                        // the one before it; Word can, and is brought in line.
                        let deepest = match self.pending.last() {
                            Some(Pending::Block(BlockContent::ListItem { depth, .. })) => depth.saturating_add(1),
                            _ => 0,
                        };
                        Pending::Block(BlockContent::ListItem {
                            ordered,
                            depth: level.min(MAX_LIST_DEPTH).min(deepest),
                            text: clean::rich_text(runs),
                        })
                    }
                }
            }
            StyleKind::List { .. } | StyleKind::Other => Pending::Block(BlockContent::Paragraph { text: clean::rich_text(runs) }),
        };
        self.pend(pending)
    }

    fn pend(&mut self, pending: Pending) -> Result<(), ImportError> {
        let empty = match &pending {
            Pending::Title(text) | Pending::Heading(_, text) => text.is_empty(),
            Pending::Block(block) => block.is_empty(),
        };
        if empty {
            // What it carried goes on to the next block.
            return Ok(());
        }
        if self.pending.len() >= self.max_blocks {
            return Err(ImportError::TooManyBlocks {
                max: self.max_blocks,
            });
        }
        let block = self.pending.len();
        let marks = std::mem::take(&mut self.marks);
        self.left_out.extend(marks.left_out.into_iter().map(|kind| LeftOut { block, kind }));
        self.quotes.extend(marks.quotes.into_iter().map(|(id, quote)| (id, block, quote)));
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
