//! Aligning two versions block by block, and words inside changed blocks.
//! PLACEHOLDER API: the implementation is being written (helper A).

use serde::Serialize;

use super::{Block, BlockContent, BlockId};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Kept,
    Changed,
    Added,
    Removed,
    Moved,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    Equal,
    Insert,
    Delete,
}

/// A piece of a changed block's text: kept, inserted or deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WordEdit {
    pub op: WordOp,
    pub text: String,
}

/// One line of the alignment, in the order of the new version (removed
/// blocks placed where they stood).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockChange {
    pub kind: ChangeKind,
    /// Index in the old version's blocks.
    pub old: Option<usize>,
    /// Index in the new version's blocks.
    pub new: Option<usize>,
    /// For an added block that is the later part of an old block split in
    /// several: that old block's index.
    pub split_from: Option<usize>,
    /// Word-level edits, for changed blocks (and moved blocks whose text changed).
    pub words: Vec<WordEdit>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeCounts {
    pub kept: usize,
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
    pub moved: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Alignment {
    pub changes: Vec<BlockChange>,
}

impl Alignment {
    pub fn counts(&self) -> ChangeCounts {
        todo!("helper A")
    }
}

/// Aligns `old` with `new`.
pub fn align(old: &[BlockContent], new: &[BlockContent]) -> Alignment {
    let _ = (old, new);
    todo!("helper A")
}

/// The blocks of a new version with their ids: a block kept, changed or
/// moved from `old` keeps its id; any other gets `fresh()`.
pub fn carry_ids(old: &[Block], new: Vec<BlockContent>, fresh: impl FnMut() -> BlockId) -> Vec<Block> {
    let _ = (old, new, fresh);
    todo!("helper A")
}
