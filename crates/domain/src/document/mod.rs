//! The text of a version: a list of blocks (headings, paragraphs, list items,
//! tables), each with an id that stays the same from one version to the next
//! while the passage lives on, and a citation label from the heading
//! numbering ("II.1 ¶2") that people use to point at it.
//!
//! Importers (Markdown, Word) produce [`BlockContent`] without ids; ids are
//! given when a version is made, by aligning it with the version before
//! (the `align` module), so a block that is kept or changed keeps its
//! id and comments anchored to it follow.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::nfc;

pub mod align;
pub mod label;
#[cfg(test)]
pub(crate) mod testing;

/// A block's id within a report: stable across versions for as long as the
/// passage is carried forward. Short, so it reads well in a URL fragment.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BlockId(String);

impl BlockId {
    /// Wraps an id made elsewhere (the store, or [`BlockId::fresh`]).
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// A new id from 64 bits the caller drew at random: `b` and 13 base-32
    /// characters. The domain has no randomness of its own.
    pub fn fresh(random: u64) -> Self {
        const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
        let mut out = String::with_capacity(14);
        out.push('b');
        let mut bits = random;
        for _ in 0..13 {
            out.push(char::from(ALPHABET[(bits & 31) as usize]));
            bits >>= 5;
        }
        Self(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A stretch of text with one style.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Run {
    pub text: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bold: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub italic: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Self {
        Self { text: text.into(), bold: false, italic: false }
    }
}

/// The runs of one block, normalised so that the same text arrives at the
/// same value whichever importer read it: NFC, white space folded to single
/// spaces and trimmed at both ends, empty runs dropped, and neighbouring runs
/// of the same style joined.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RichText(Vec<Run>);

impl RichText {
    pub fn new(runs: impl IntoIterator<Item = Run>) -> Self {
        let mut joined: Vec<Run> = Vec::new();
        for run in runs {
            let text = nfc(&run.text);
            match joined.last_mut() {
                Some(last) if last.bold == run.bold && last.italic == run.italic => last.text.push_str(&text),
                _ => joined.push(Run { text, ..run }),
            }
        }
        // Fold white space across run boundaries, then trim the ends.
        let mut previous_space = true;
        for run in &mut joined {
            let mut folded = String::with_capacity(run.text.len());
            for c in run.text.chars() {
                if c.is_whitespace() {
                    if !previous_space {
                        folded.push(' ');
                    }
                    previous_space = true;
                } else {
                    folded.push(c);
                    previous_space = false;
                }
            }
            run.text = folded;
        }
        if let Some(last) = joined.iter_mut().rev().find(|r| !r.text.is_empty()) {
            let trimmed = last.text.trim_end().len();
            last.text.truncate(trimmed);
        }
        joined.retain(|r| !r.text.is_empty());
        Self(joined)
    }

    pub fn plain(text: &str) -> Self {
        Self::new([Run::plain(text)])
    }

    pub fn runs(&self) -> &[Run] {
        &self.0
    }

    /// The text without styles.
    pub fn text(&self) -> String {
        self.0.iter().map(|r| r.text.as_str()).collect()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a block is and says. `Hash` lets alignment find equal blocks
/// between two versions without comparing every pair.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BlockContent {
    /// Level 1 is the document's title; 2 its parts (I, II…); 3 their
    /// sections (1, 2…); and so on down to 6.
    Heading { level: u8, text: RichText },
    Paragraph { text: RichText },
    ListItem {
        ordered: bool,
        /// 0 for a top-level item.
        depth: u8,
        text: RichText,
    },
    /// Rows of cells, the first row being the header. Cells are plain text,
    /// NFC, white space folded.
    Table { rows: Vec<Vec<String>> },
}

impl BlockContent {
    pub fn heading(level: u8, text: &str) -> Self {
        Self::Heading { level, text: RichText::plain(text) }
    }

    pub fn paragraph(text: &str) -> Self {
        Self::Paragraph { text: RichText::plain(text) }
    }

    /// A table whose cells are normalised as [`RichText`] normalises text.
    pub fn table(rows: impl IntoIterator<Item = Vec<String>>) -> Self {
        Self::Table {
            rows: rows.into_iter().map(|row| row.iter().map(|cell| RichText::plain(cell).text()).collect()).collect(),
        }
    }

    /// The block's text without styles: what comments quote and offsets
    /// count in (in characters), what search and diff read. A table's
    /// cells are joined by tabs and its rows by new lines.
    pub fn plain_text(&self) -> String {
        match self {
            Self::Heading { text, .. } | Self::Paragraph { text } | Self::ListItem { text, .. } => text.text(),
            Self::Table { rows } => rows.iter().map(|row| row.join("\t")).collect::<Vec<_>>().join("\n"),
        }
    }

    /// Whether the block holds no text at all (importers drop such blocks).
    pub fn is_empty(&self) -> bool {
        match self {
            Self::Heading { text, .. } | Self::Paragraph { text } | Self::ListItem { text, .. } => text.is_empty(),
            Self::Table { rows } => rows.iter().all(|row| row.iter().all(String::is_empty)),
        }
    }

    pub fn heading_level(&self) -> Option<u8> {
        match self {
            Self::Heading { level, .. } => Some(*level),
            _ => None,
        }
    }
}

/// What an uploaded file held that a block cannot: it left a placeholder
/// in the text of its block, and the uploader is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftOutKind {
    Picture,
    TextBox,
    Equation,
    Chart,
    /// An embedded object (a spreadsheet, another document).
    Object,
}

impl LeftOutKind {
    /// The placeholder that keeps its place in the text. The text of a
    /// version is the report's own words, in Vietnamese, whoever uploads it.
    pub fn placeholder(self) -> &'static str {
        match self {
            Self::Picture => "[Hình ảnh]",
            Self::TextBox => "[Hộp văn bản]",
            Self::Equation => "[Công thức]",
            Self::Chart => "[Biểu đồ]",
            Self::Object => "[Đối tượng nhúng]",
        }
    }

    /// Its name in stored data and in message keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Picture => "picture",
            Self::TextBox => "text_box",
            Self::Equation => "equation",
            Self::Chart => "chart",
            Self::Object => "object",
        }
    }
}

/// Something of the uploaded file left out of a version, by the block
/// that holds its placeholder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOutPassage {
    pub block: BlockId,
    pub kind: LeftOutKind,
}

/// One block of a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub id: BlockId,
    #[serde(flatten)]
    pub content: BlockContent,
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn rich_text_is_nfc_folded_trimmed_and_joined() {
        let decomposed: String = "Tiếp thu  ý kiến".nfd().collect();
        let text = RichText::new([
            Run::plain(format!("  {decomposed}")),
            Run::plain(" \t"),
            Run { text: "đã sửa".into(), bold: true, italic: false },
            Run { text: " ".into(), bold: true, italic: false },
        ]);
        assert_eq!(text.text(), "Tiếp thu ý kiến đã sửa");
        assert_eq!(text.runs().len(), 2);
        assert_eq!(text.runs()[0].text, "Tiếp thu ý kiến ");
    }

    #[test]
    fn fresh_block_ids_differ_and_are_short() {
        let a = BlockId::fresh(1);
        let b = BlockId::fresh(2);
        assert_ne!(a, b);
        assert_eq!(a.as_str().len(), 14);
    }

    #[test]
    fn a_table_reads_as_tab_separated_rows() {
        let table = BlockContent::table([vec!["STT".into(), " Chỉ  tiêu".into()], vec!["1".into(), "GRDP".into()]]);
        assert_eq!(table.plain_text(), "STT\tChỉ tiêu\n1\tGRDP");
    }
}
