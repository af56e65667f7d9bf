//! Word (.docx) in and out. Drafting teams write in Word, so a Word file
//! must come in as the same blocks its Markdown twin gives, and a version
//! must go out as a file that looks like a Party document and reads back
//! to exactly the blocks it was made from.
//!
//! The .docx is written by hand with the zip writer rather than with a
//! document library: the importer has to recognise what the exporter marks
//! (the title block, the version label, the heading and list styles), and
//! writing the few parts Word needs ourselves keeps both sides in one
//! place, with one dependency (zip) serving both.

mod comment_form;
mod notes;
mod numbering;
mod read;
mod write;
pub(crate) mod xml;

pub(crate) use read::{check_is_word, import_docx};
pub use read::{QuotePart, ReviewedDraft, WordComment, read_review_comments};
pub(crate) use write::{GRID_BORDERS, Page, run, word_package};
pub use write::{TitleBlock, export_docx};
pub use comment_form::{CommentForm, FilledForm, FilledRow, FormError, FormIds, FormPassage, comment_form_docx, read_comment_form};

/// Marks the title block table the exporter writes (as its caption and
/// description), so the importer knows to skip it.
pub(crate) const TITLE_BLOCK_MARK: &str = "gopy-title-block";
/// The paragraph style of the version label the exporter writes, which the
/// importer skips.
pub(crate) const VERSION_LABEL_STYLE: &str = "GopyVersionLabel";
