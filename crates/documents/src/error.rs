//! Why a file was refused. The web layer turns each variant into a message
//! in the person's language that says what is wrong and what is accepted
//! (Markdown or Word .docx), so the variants carry the figures it needs
//! rather than prose.

use std::fmt;

use serde::Serialize;

use crate::SourceFormat;

/// Why an upload could not be read into blocks.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("the file is {actual} bytes long; at most {max} are accepted")]
    TooLarge { max: usize, actual: usize },
    #[error("the file is empty")]
    EmptyFile,
    #[error("the {format:?} document holds no text")]
    NoText { format: SourceFormat },
    #[error("the file is {detected}, not Markdown or a Word .docx")]
    UnsupportedFormat { detected: Detected },
    #[error("the Word file is protected by a password")]
    PasswordProtected,
    #[error("the text is not UTF-8 (first invalid byte on line {line})")]
    NotUtf8 { line: usize },
    #[error("the Word file is damaged: {reason}")]
    CorruptDocx { reason: String },
    #[error("the Word file would inflate to more than {max} bytes")]
    TooLargeUncompressed { max: u64 },
    #[error("the Word file holds {actual} parts; at most {max} are accepted")]
    TooManyEntries { max: usize, actual: usize },
    #[error("the document has more than {max} blocks")]
    TooManyBlocks { max: usize },
}

/// What a refused file looks like it is, from its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Detected {
    Pdf,
    /// An OLE compound file: Word 97-2003 (.doc) or another old Office file.
    LegacyWord,
    Rtf,
    /// An OpenDocument text (.odt) or another OpenDocument file.
    OpenDocument,
    /// An Excel workbook (.xlsx).
    Spreadsheet,
    /// A PowerPoint presentation (.pptx).
    Presentation,
    ZipWithoutWordDocument,
    Binary,
}

impl fmt::Display for Detected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pdf => "pdf",
            Self::LegacyWord => "doc (Word 97-2003)",
            Self::Rtf => "rtf",
            Self::OpenDocument => "odt (OpenDocument)",
            Self::Spreadsheet => "xlsx (Excel)",
            Self::Presentation => "pptx (PowerPoint)",
            Self::ZipWithoutWordDocument => "zip without a Word document",
            Self::Binary => "binary",
        })
    }
}

/// Why a file could not be written. Writing into memory only fails if the
/// zip writer does, which would be a bug rather than bad input.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write the file: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("could not write the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not write the workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
