//! Citation labels: how people point at a passage ("mục II.1, đoạn 2").
//! PLACEHOLDER API: the implementation is being written (helper A).

use super::BlockContent;

/// The citation label of each block, in order: a numbered heading is labelled
/// by its numbering chain ("II", "II.1"), any other block by the chain of the
/// headings above it and its place among the non-heading blocks since the
/// last heading ("II.1 ¶2"); blocks before any numbered heading get "¶n".
pub fn citation_labels<'a>(blocks: impl IntoIterator<Item = &'a BlockContent>) -> Vec<String> {
    let _ = blocks.into_iter().count();
    todo!("helper A")
}
