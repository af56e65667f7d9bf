//! Files in, blocks out, and back: the two formats drafting teams work in.
//!
//! A report version arrives as a Markdown file or a Word (.docx) file and is
//! stored as a list of [`BlockContent`] (headings, paragraphs, list items,
//! tables); reviewers download it again as either. Both importers aim at the
//! same blocks for the same document, so that a Word file and its Markdown
//! twin give no spurious differences when versions are compared, and both
//! exporters write files that the importers read back to exactly the blocks
//! they were given.
//!
//! It also writes the table of comments and answers that goes to the
//! committee with the next version ([`DispositionTable`], as .docx, .xlsx
//! and CSV), reusing the Word writer and the zip and XML escaping it shares
//! with the workbook.
//!
//! And it writes a meeting's minutes and conclusion notice
//! ([`MeetingRecord`], as .docx with the same Word package) and the meeting
//! as an iCalendar file ([`meeting_ics`]).
//!
//! The crate only turns bytes into blocks and blocks into bytes: it opens no
//! file and knows nothing of the web or the database.
//!
//! # What is refused, and the limits
//!
//! Uploads are untrusted and the importers will be fuzzed, so nothing here
//! panics on any input and every refusal is an [`ImportError`] variant that
//! carries what a message to the person needs:
//!
//! - the format is found by content ([`sniff`]), never by the file name: a
//!   zip holding `word/document.xml` is Word, valid UTF-8 (a BOM is stripped;
//!   UTF-16 with a BOM is decoded) is Markdown; PDF, Word 97-2003, password
//!   protected Word, other zips and binary files are named in the refusal;
//! - [`ImportLimits`]: the file size, the bytes a .docx may inflate to (the
//!   declared sizes are checked first, and the bytes actually inflated are
//!   counted while reading, so a zip whose headers lie is caught too), and
//!   the number of blocks; a .docx may hold at most [`MAX_ZIP_ENTRIES`]
//!   parts;
//! - control characters (other than tab and line breaks) are removed from
//!   text rather than refused: they come from copy and paste out of other
//!   programs, carry no meaning in a report and would otherwise make a whole
//!   upload fail for an invisible character. Vertical tab and form feed,
//!   which Word uses for line and page breaks, become spaces. A file whose
//!   first 8 KiB hold a NUL byte or many control characters is binary and is
//!   refused;
//! - a document that yields no block at all is refused as having no text.
//!
//! XML entities other than the five predefined ones and character
//! references are never expanded, so an "XML bomb" has nothing to grow.
//!
//! # Normalisation
//!
//! Text is normalised by [`RichText`] (NFC, folded white space). On top of
//! that, a space between two runs of different styles takes only the styles
//! both neighbours share (`*a* b` and `*a *b` become the same runs). Markdown
//! can only place emphasis marks next to non-space characters, so without
//! this rule a Word run "bold " could not survive a round trip through
//! Markdown, and the two importers would disagree on where spaces belong.
//!
//! [`BlockContent`]: gopy_domain::document::BlockContent
//! [`RichText`]: gopy_domain::document::RichText

mod calendar;
mod change_table;
mod clean;
mod dispositions;
mod docx;
mod error;
pub mod fuzzing;
mod markdown;
mod minutes;
mod people_sheet;
mod ooxml;
mod sniff;

pub use gopy_domain::document::LeftOutKind;
use gopy_domain::document::BlockContent;
use serde::Serialize;

pub use dispositions::{
    DispositionRow, DispositionTable, dispositions_csv, dispositions_docx, dispositions_xlsx,
};
pub use docx::{QuotePart, ReviewedDraft, TitleBlock, WordComment, export_docx, read_review_comments};
pub use docx::{
    CommentForm, FilledForm, FilledRow, FormError, FormIds, FormPassage, comment_form_docx, read_comment_form,
};
pub use error::{Detected, ExportError, ImportError};
pub use change_table::{ChangeTableDocument, ChangeTableRow, Mark, change_table_docx, change_table_xlsx};
pub use calendar::{CalendarEvent, CalendarMethod, CalendarPerson, meeting_ics};
pub use markdown::{export_markdown, import_markdown};
pub use minutes::{
    ActionLine, AgendaLine, AttendanceLine, DiscussionSection, MeetingRecord, conclusion_notice_docx, minutes_docx,
};
pub use sniff::sniff;
pub use people_sheet::{
    HEADER_SEARCH_ROWS, PeopleColumn, PeopleSheet, SheetError, SheetFormat, SheetLimits, SheetRow, header_key, read_people_sheet,
};

/// The most parts (zip entries) a .docx may hold. A real report has a few
/// dozen, a few hundred with many images; a zip with tens of thousands of
/// tiny entries is an attack on the reader, not a report.
pub const MAX_ZIP_ENTRIES: usize = 2_000;

/// What kind of file a version came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    Markdown,
    Docx,
}

/// How much an import may take. The defaults fit the largest reports a
/// provincial committee writes (a few hundred pages) with room to spare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportLimits {
    /// The size of the uploaded file.
    pub max_file_bytes: usize,
    /// What a .docx may inflate to, all parts read together.
    pub max_uncompressed_bytes: u64,
    /// Blocks in the imported document.
    pub max_blocks: usize,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 10 * 1024 * 1024,
            max_uncompressed_bytes: 50 * 1024 * 1024,
            max_blocks: 20_000,
        }
    }
}

/// A file read into blocks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    pub format: SourceFormat,
    pub blocks: Vec<BlockContent>,
    /// What the file holds that a block cannot (pictures, text boxes,
    /// equations, charts), in the order of the document: each left a
    /// placeholder in its block's text, and the uploader is told.
    pub left_out: Vec<LeftOut>,
}

/// Something of a Word file that could not be imported, and the block
/// whose text holds its placeholder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LeftOut {
    /// The index of the block in [`Imported::blocks`].
    pub block: usize,
    pub kind: LeftOutKind,
}

/// Reads a Markdown or Word file into blocks, telling the format from the
/// bytes themselves.
pub fn import(bytes: &[u8], limits: &ImportLimits) -> Result<Imported, ImportError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ImportError::TooLarge {
            max: limits.max_file_bytes,
            actual: bytes.len(),
        });
    }
    match sniff::sniff_content(bytes)? {
        sniff::Sniffed::Docx => docx::import_docx(bytes, limits),
        sniff::Sniffed::Text(text) => import_markdown(&text, limits),
    }
}

/// Checks the number of blocks and that there is any text at all: the last
/// step of both importers.
fn finish(
    format: SourceFormat,
    blocks: Vec<BlockContent>,
    left_out: Vec<LeftOut>,
    limits: &ImportLimits,
) -> Result<Imported, ImportError> {
    if blocks.len() > limits.max_blocks {
        return Err(ImportError::TooManyBlocks {
            max: limits.max_blocks,
        });
    }
    if blocks.is_empty() {
        return Err(ImportError::NoText { format });
    }
    Ok(Imported { format, blocks, left_out })
}
