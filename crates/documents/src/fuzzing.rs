//! The bodies of the fuzz targets in `fuzz/` (cargo-fuzz), kept here so the
//! replay of their corpus in the ordinary test suite
//! (`tests/fuzz_corpus.rs`) runs exactly what the fuzzer ran.
//!
//! Each takes arbitrary bytes and returns what the importer said: any
//! `Ok` or `Err` is a pass, a panic, an abort or a hang is the finding. What
//! is imported is also written out again as Markdown and read back, since
//! the exporter sees whatever blocks an upload can produce.

use crate::{ImportError, ImportLimits, Imported, SourceFormat, docx, export_markdown};

/// The names of the fuzz targets, which are also the folders of their
/// corpus under `fuzz/corpus/`.
pub const TARGETS: [&str; 5] = ["import", "markdown", "docx", "comments", "comment_form"];

/// Runs the target called `name` on `data`; `None` for an unknown name.
pub fn run(name: &str, data: &[u8]) -> Option<Result<Imported, ImportError>> {
    let target = match name {
        "import" => import,
        "markdown" => markdown,
        "docx" => docx,
        "comments" => comments,
        "comment_form" => comment_form,
        _ => return None,
    };
    Some(target(data))
}

/// An upload as the web layer hands it over: the format told by sniffing,
/// then the importer it picks.
pub fn import(data: &[u8]) -> Result<Imported, ImportError> {
    write_back(crate::import(data, &ImportLimits::default()))
}

/// The Markdown importer on the bytes as text (invalid UTF-8 replaced, so
/// the fuzzer's mutations reach the parser instead of the UTF-8 check).
pub fn markdown(data: &[u8]) -> Result<Imported, ImportError> {
    let text = String::from_utf8_lossy(data);
    write_back(crate::import_markdown(&text, &ImportLimits::default()))
}

/// The .docx importer on the bytes as a zip, without the sniffing in front
/// of it, so damaged zips reach the reader.
pub fn docx(data: &[u8]) -> Result<Imported, ImportError> {
    write_back(docx::import_docx(data, &ImportLimits::default()))
}

/// The reader of Word's review comments on the bytes as a zip: the blocks
/// it read, the comments and the text each covers. Every part a comment
/// points at must be a block that exists, or the app would anchor it
/// nowhere; the fuzzer hears of it as a panic.
pub fn comments(data: &[u8]) -> Result<Imported, ImportError> {
    let draft = docx::read_review_comments(data, &ImportLimits::default())?;
    for comment in &draft.comments {
        let _ = comment.quote();
        assert!(
            comment.parts.iter().all(|part| part.block < draft.blocks.len()),
            "a comment points past the blocks"
        );
    }
    write_back(Ok(Imported { format: SourceFormat::Docx, blocks: draft.blocks, left_out: Vec::new() }))
}

/// The comment form reader (a round's form filled in by a body) on the
/// bytes as a zip. A form read is told as an import of no blocks; a file
/// that is not a form as the refusal of a zip without a Word document, so
/// the corpus replay counts both without a type of its own.
pub fn comment_form(data: &[u8]) -> Result<Imported, ImportError> {
    match crate::read_comment_form(data, &ImportLimits::default()) {
        Ok(_) => Ok(Imported { format: crate::SourceFormat::Docx, blocks: Vec::new(), left_out: Vec::new() }),
        Err(crate::FormError::Import(error)) => Err(error),
        Err(crate::FormError::NotAForm) => {
            Err(ImportError::UnsupportedFormat { detected: crate::Detected::ZipWithoutWordDocument })
        }
    }
}

/// Writes what was imported back out as Markdown and reads it again; only a
/// panic there is a finding, the result is the first import's. (The .docx
/// exporter is left to the round-trip tests: compressing its package costs
/// a hundred times the import, which would starve the fuzzer.)
fn write_back(imported: Result<Imported, ImportError>) -> Result<Imported, ImportError> {
    if let Ok(imported) = &imported {
        let _ = crate::import_markdown(&export_markdown(&imported.blocks), &ImportLimits::default());
    }
    imported
}
