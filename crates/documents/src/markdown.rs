//! Markdown in and out. Drafting teams who do not use Word write reports in
//! Markdown, and Markdown is what a reviewer copies into a mail; it must
//! give the same blocks as the Word twin of the same report, and what we
//! write must read back to exactly the blocks written.
//!
//! Reading uses CommonMark with GFM tables (pulldown-cmark). Raw HTML is
//! kept as plain text and never interpreted (it is escaped when shown);
//! images are dropped, their alt text being file names more often than
//! words; inline code and links keep only their text.

use gopy_domain::document::{BlockContent, RichText, Run};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::clean::{self, Blocks};
use crate::{ImportError, ImportLimits, Imported, SourceFormat};

/// Word has nine list levels (0 to 8); deeper Markdown nesting is kept at
/// the deepest, so that a Markdown file and its Word export agree.
pub(crate) const MAX_LIST_DEPTH: u8 = 8;

/// Reads Markdown text into blocks. A leading BOM is ignored; control
/// characters are removed (see the crate doc).
pub fn import_markdown(text: &str, limits: &ImportLimits) -> Result<Imported, ImportError> {
    if text.len() > limits.max_file_bytes {
        return Err(ImportError::TooLarge {
            max: limits.max_file_bytes,
            actual: text.len(),
        });
    }
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.is_empty() {
        return Err(ImportError::EmptyFile);
    }
    let text = clean::strip_controls(text);
    let mut reader = Reader::new(limits.max_blocks);
    for event in Parser::new_ext(&text, Options::ENABLE_TABLES) {
        reader.event(event)?;
    }
    reader.flush_paragraph()?;
    crate::finish(SourceFormat::Markdown, reader.blocks.into_vec(), Vec::new(), limits)
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    cell: Option<String>,
}

struct Reader {
    blocks: Blocks,
    /// The inline text of the block being read.
    runs: Vec<Run>,
    bold: usize,
    italic: usize,
    /// Inside an image: its alt text is dropped.
    image: usize,
    heading: Option<u8>,
    /// Whether each open list is ordered, outermost first.
    lists: Vec<bool>,
    table: Option<Table>,
}

impl Reader {
    fn new(max_blocks: usize) -> Self {
        Self {
            blocks: Blocks::new(max_blocks),
            runs: Vec::new(),
            bold: 0,
            italic: 0,
            image: 0,
            heading: None,
            lists: Vec::new(),
            table: None,
        }
    }

    fn text(&mut self, text: &str) {
        if self.image > 0 {
            return;
        }
        if let Some(cell) = self.table.as_mut().and_then(|t| t.cell.as_mut()) {
            cell.push_str(text);
            return;
        }
        self.runs.push(Run {
            text: text.to_owned(),
            bold: self.bold > 0,
            italic: self.italic > 0,
        });
    }

    fn take_text(&mut self) -> RichText {
        clean::rich_text(std::mem::take(&mut self.runs))
    }

    /// Ends the block whose text has been gathered: the open list item if
    /// inside a list, a paragraph otherwise.
    fn flush_paragraph(&mut self) -> Result<(), ImportError> {
        if self.runs.is_empty() {
            return Ok(());
        }
        let text = self.take_text();
        let block = match self.lists.last() {
            Some(&ordered) => BlockContent::ListItem {
                ordered,
                depth: self.depth(),
                text,
            },
            None => BlockContent::Paragraph { text },
        };
        self.blocks.push(block)
    }

    fn depth(&self) -> u8 {
        u8::try_from(self.lists.len().saturating_sub(1))
            .unwrap_or(u8::MAX)
            .min(MAX_LIST_DEPTH)
    }

    fn event(&mut self, event: Event<'_>) -> Result<(), ImportError> {
        match event {
            Event::Start(tag) => self.start(tag)?,
            Event::End(tag) => self.end(tag)?,
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                self.text(&text)
            }
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text),
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            Event::FootnoteReference(_) | Event::Rule | Event::TaskListMarker(_) => {}
        }
        Ok(())
    }

    fn start(&mut self, tag: Tag<'_>) -> Result<(), ImportError> {
        match tag {
            Tag::Heading { level, .. } => {
                // A heading inside a list item ends the item's text first.
                self.flush_paragraph()?;
                self.heading = Some(heading_level(level));
            }
            Tag::List(first) => {
                // The parent item's own text comes before its children.
                self.flush_paragraph()?;
                self.lists.push(first.is_some());
            }
            Tag::Item => self.flush_paragraph()?,
            Tag::Table(_) => {
                self.flush_paragraph()?;
                self.table = Some(Table::default());
            }
            Tag::TableCell => {
                if let Some(table) = self.table.as_mut() {
                    table.cell = Some(String::new());
                }
            }
            Tag::Emphasis => self.italic += 1,
            Tag::Strong => self.bold += 1,
            Tag::Image { .. } => self.image += 1,
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, tag: TagEnd) -> Result<(), ImportError> {
        match tag {
            TagEnd::Heading(_) => {
                let text = self.take_text();
                let level = self.heading.take().unwrap_or(1);
                self.blocks.push(BlockContent::Heading { level, text })?;
            }
            // Inside a list item, its paragraphs (and code) are one text.
            TagEnd::Paragraph | TagEnd::CodeBlock | TagEnd::HtmlBlock if !self.lists.is_empty() => {
                self.text(" ")
            }
            TagEnd::Paragraph | TagEnd::CodeBlock | TagEnd::HtmlBlock => self.flush_paragraph()?,
            TagEnd::Item => self.flush_paragraph()?,
            TagEnd::List(_) => {
                self.flush_paragraph()?;
                self.lists.pop();
            }
            TagEnd::TableCell => {
                if let Some(table) = self.table.as_mut()
                    && let Some(cell) = table.cell.take()
                {
                    table.row.push(cell);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(table) = self.table.as_mut() {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.blocks.push(clean::table(table.rows))?;
                }
            }
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Image => self.image = self.image.saturating_sub(1),
            _ => {}
        }
        Ok(())
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Writes blocks as Markdown that [`import_markdown`] reads back to the
/// same blocks: headings with `#`, `*italic*` and `**bold**`, list items
/// with `- ` and `1. `, GFM tables, and every character Markdown would
/// read as markup escaped.
///
/// Two things Markdown cannot say are written as near as it can: a list
/// item nested deeper than the item before it plus one comes out one level
/// below that item, and a table's rows are padded to the widest.
pub fn export_markdown(blocks: &[BlockContent]) -> String {
    let mut out = String::new();
    // The content offsets of the open list levels: a nested item must be
    // indented to its parent's text ("- " is two wide, "1. " three).
    let mut indents: Vec<usize> = Vec::new();
    let mut in_list = false;
    for block in blocks {
        if block.is_empty() {
            continue;
        }
        let list_item = matches!(block, BlockContent::ListItem { .. });
        // A blank line between blocks, except between the items of a list:
        // a paragraph right under an item would continue it.
        if !(out.is_empty() || list_item && in_list) {
            out.push('\n');
        }
        if !list_item {
            in_list = false;
            indents.clear();
        }
        match block {
            BlockContent::Heading { level, text } => {
                out.push_str(&"#".repeat(usize::from((*level).clamp(1, 6))));
                out.push(' ');
                write_inline(&mut out, text, false);
            }
            BlockContent::Paragraph { text } => write_inline(&mut out, text, true),
            BlockContent::ListItem {
                ordered,
                depth,
                text,
            } => {
                in_list = true;
                indents.truncate(usize::from(*depth).min(indents.len()));
                let marker = if *ordered { "1. " } else { "- " };
                out.extend(std::iter::repeat_n(' ', indents.iter().sum()));
                out.push_str(marker);
                write_inline(&mut out, text, true);
                indents.push(marker.len());
            }
            BlockContent::Table { rows } => write_table(&mut out, rows),
        }
        out.push('\n');
    }
    out
}

fn write_table(out: &mut String, rows: &[Vec<String>]) {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    for (index, row) in rows.iter().enumerate() {
        out.push('|');
        for column in 0..width {
            out.push(' ');
            escape(out, row.get(column).map_or("", String::as_str), false);
            out.push_str(" |");
        }
        out.push('\n');
        if index == 0 {
            out.push('|');
            out.push_str(&"---|".repeat(width));
            out.push('\n');
        }
    }
    // The caller ends the block with a new line.
    out.pop();
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mark {
    Bold,
    Italic,
}

impl Mark {
    fn delimiter(self) -> &'static str {
        match self {
            Self::Bold => "**",
            Self::Italic => "*",
        }
    }

    fn on(self, bold: bool, italic: bool) -> bool {
        match self {
            Self::Bold => bold,
            Self::Italic => italic,
        }
    }
}

/// Writes runs with properly nested emphasis marks. When a run needs both
/// marks opened, the one that stays on longer is opened first, so "bold
/// inside an italic sentence" comes out as `*a **b** c*`.
///
/// CommonMark cannot reliably express a style change inside a word: a mark
/// closed and another opened at the same spot (`**a***b*`) run together,
/// marks between letters pair up unpredictably (`***a*b*c***`), and a mark
/// between a letter and punctuation (`x**(y)**z`) does not count as
/// emphasis. Rather than let stray asterisks into the text, a word with
/// such a change takes the style of its first character throughout; only
/// a mark between punctuation and the letter it faces (`(**x**)`) is kept.
/// The text always survives; the emphasis of that one word may not.
fn write_inline(out: &mut String, text: &RichText, line_start: bool) {
    // Spaces must sit inside the marks both sides share, or the marks
    // would touch a space and not count as emphasis.
    let text = clean::canonical_spaces(text);
    let mut chars: Vec<(char, bool, bool)> = text
        .runs()
        .iter()
        .flat_map(|r| r.text.chars().map(|c| (c, r.bold, r.italic)))
        .collect();
    // Each pass restyles one word, so this ends.
    for _ in 0..=chars.len() {
        match emit(&chars, line_start) {
            Ok(written) => {
                out.push_str(&written);
                return;
            }
            Err(at) => {
                let start = chars[..at]
                    .iter()
                    .rposition(|&(c, _, _)| c == ' ')
                    .map_or(0, |p| p + 1);
                let end = chars[at..]
                    .iter()
                    .position(|&(c, _, _)| c == ' ')
                    .map_or(chars.len(), |p| at + p);
                let (_, bold, italic) = chars[start];
                if chars[start..end]
                    .iter()
                    .all(|&(_, b, i)| (b, i) == (bold, italic))
                {
                    // Cannot happen (the word would have no style change);
                    // written plain rather than looping.
                    break;
                }
                for char in &mut chars[start..end] {
                    (char.1, char.2) = (bold, italic);
                }
            }
        }
    }
    // Not reached: after every word is restyled, styles only change at spaces.
    out.push_str(&text.text());
}

/// The Markdown for styled characters, or the index of the first character
/// after a style change that Markdown would misread.
///
/// Marks change only next to a non-space character: a mark closes before
/// a space and opens after it. That moves spaces in or out of marks, which
/// is harmless because the importer gives each space the styles its
/// neighbours share (see the crate doc), whatever marks surround it.
fn emit(chars: &[(char, bool, bool)], line_start: bool) -> Result<String, usize> {
    let mut out = String::new();
    let mut open: Vec<Mark> = Vec::new();
    let mut segment = String::new();
    let mut at_line_start = line_start;
    let mut space_pending = false;
    let mut previous: Option<char> = None;
    let flush = |out: &mut String, segment: &mut String, at_line_start: &mut bool| {
        if !segment.is_empty() {
            escape(out, segment, *at_line_start);
            segment.clear();
            *at_line_start = false;
        }
    };
    for (index, &(c, bold, italic)) in chars.iter().enumerate() {
        if c == ' ' {
            space_pending = true;
            continue;
        }
        let closing = open.iter().position(|mark| !mark.on(bold, italic));
        let lasting = |mark: Mark| {
            chars[index..]
                .iter()
                .take_while(|&&(_, b, i)| mark.on(b, i))
                .count()
        };
        let mut opening: Vec<Mark> = [Mark::Bold, Mark::Italic]
            .into_iter()
            .filter(|&mark| {
                mark.on(bold, italic)
                    && (closing.is_some_and(|p| open[p..].contains(&mark)) || !open.contains(&mark))
            })
            .collect();
        opening.sort_by_key(|&mark| std::cmp::Reverse(lasting(mark)));
        let closed = closing.is_some();
        let opened = !opening.is_empty();
        if (closed || opened)
            && !space_pending
            && let Some(before) = previous
        {
            // Inside a word, only a mark between punctuation and a
            // letter on the side it faces is read reliably: `(**x**)`.
            let good = (opened && !closed && !before.is_alphanumeric() && c.is_alphanumeric())
                || (closed && !opened && before.is_alphanumeric() && !c.is_alphanumeric());
            let bad = !good;
            if bad {
                return Err(index);
            }
        }
        if closed || opened || space_pending {
            flush(&mut out, &mut segment, &mut at_line_start);
        }
        if let Some(first) = closing {
            for mark in open.drain(first..).rev() {
                out.push_str(mark.delimiter());
            }
        }
        if space_pending {
            out.push(' ');
            space_pending = false;
        }
        for mark in opening {
            out.push_str(mark.delimiter());
            open.push(mark);
            at_line_start = false;
        }
        segment.push(c);
        previous = Some(c);
    }
    flush(&mut out, &mut segment, &mut at_line_start);
    for mark in open.into_iter().rev() {
        out.push_str(mark.delimiter());
    }
    Ok(out)
}

/// Backslash-escapes what Markdown would read as markup. Any ASCII
/// punctuation may be escaped in CommonMark, so escaping too much is safe;
/// the characters below are those that can start markup anywhere, and at
/// the start of a line also what would start a list, a heading underline
/// or a thematic break.
fn escape(out: &mut String, text: &str, line_start: bool) {
    let mut chars = text.char_indices().peekable();
    if line_start {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 && matches!(text.as_bytes().get(digits), Some(b'.' | b')')) {
            out.push_str(&text[..digits]);
            out.push('\\');
            while chars.next_if(|&(i, _)| i < digits).is_some() {}
        } else if let Some(&(_, c @ ('-' | '+' | '='))) = chars.peek() {
            out.push('\\');
            out.push(c);
            chars.next();
        }
    }
    for (_, c) in chars {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '#' | '~' | '!'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}
