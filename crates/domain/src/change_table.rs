//! The change table (bảng so sánh, thuyết minh sửa đổi) between two
//! versions: each passage that changed, its old and new text with the words
//! changed marked, and the comments behind the change.
//!
//! The drafting team answers "taken in" easily; the change table is where
//! that answer is checked against the text. A link between a comment and a
//! change is *suggested* when the comment's passage is the one that changed,
//! and *confirmed* (or dismissed) by the team, which may also link a comment
//! to a change elsewhere (a new paragraph written for it). Two checks follow:
//! a comment taken in with no change linked to it ("tiếp thu nhưng chưa thấy
//! sửa"), and a change with no comment that the team has not marked a
//! technical edit (chỉnh lý kỹ thuật).

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::comment::{Comment, DispositionKind};
use crate::document::align::{Alignment, ChangeKind, WordEdit, WordOp};
use crate::document::{Block, BlockId};
use crate::id::CommentId;

/// One passage that changed from version N to N+1. A block split in several
/// is one passage: its first part changed, its later parts added to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ChangedPassage {
    /// The passage's key in links and technical edits: its block id (kept
    /// from one version to the next), the new one for an added block.
    pub passage: BlockId,
    pub kind: ChangeKind,
    /// Index of the block in the old version; `None` for an added one.
    pub old_index: Option<usize>,
    /// Indexes in the new version: the block and the later parts of a split.
    pub new_indexes: Vec<usize>,
    pub old_text: String,
    pub new_text: String,
    /// The old and new text word by word (equal, deleted, inserted).
    pub words: Vec<WordEdit>,
}

/// The passages that changed, in the order of the new version (removed
/// ones where they stood).
pub fn changed_passages(old: &[Block], new: &[Block], alignment: &Alignment) -> Vec<ChangedPassage> {
    let mut passages: Vec<ChangedPassage> = Vec::new();
    // Where the passage of an old block split in several stands.
    let mut by_old: HashMap<usize, usize> = HashMap::new();
    for change in &alignment.changes {
        let old_block = change.old.and_then(|i| old.get(i));
        let new_block = change.new.and_then(|i| new.get(i));
        if let (ChangeKind::Added, Some(from), Some(part)) = (change.kind, change.split_from, new_block) {
            if let Some(&at) = by_old.get(&from) {
                let passage = &mut passages[at];
                let text = part.content.plain_text();
                passage.new_text.push('\n');
                passage.new_text.push_str(&text);
                passage.words.push(WordEdit { op: WordOp::Insert, text: format!("\n{text}") });
                passage.new_indexes.extend(change.new);
                continue;
            }
        }
        let old_text = old_block.map(|b| b.content.plain_text()).unwrap_or_default();
        let new_text = new_block.map(|b| b.content.plain_text()).unwrap_or_default();
        let words = match change.kind {
            ChangeKind::Kept => continue,
            ChangeKind::Moved if old_text == new_text => vec![WordEdit { op: WordOp::Equal, text: new_text.clone() }],
            ChangeKind::Changed | ChangeKind::Moved => change.words.clone(),
            ChangeKind::Added => vec![WordEdit { op: WordOp::Insert, text: new_text.clone() }],
            ChangeKind::Removed => vec![WordEdit { op: WordOp::Delete, text: old_text.clone() }],
        };
        let Some(passage) = new_block.or(old_block).map(|b| b.id.clone()) else { continue };
        if let Some(i) = change.old {
            by_old.insert(i, passages.len());
        }
        passages.push(ChangedPassage {
            passage,
            kind: change.kind,
            old_index: change.old,
            new_indexes: change.new.into_iter().collect(),
            old_text,
            new_text,
            words,
        });
    }
    passages
}

/// What the team said of a suggested or chosen link.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// The comment led to this change.
    Confirmed,
    /// Suggested, but the comment did not lead to this change.
    Dismissed,
}

crate::organisation::stored_as_snake_case!(LinkState, "link state", Confirmed => "confirmed", Dismissed => "dismissed");

/// A link the team decided on, between a comment and a changed passage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeLink {
    pub passage: BlockId,
    pub comment: CommentId,
    pub state: LinkState,
}

/// How a comment stands against one changed passage in the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Suggested because the comment's passage is the one that changed,
    /// not yet confirmed.
    Suggested,
    Confirmed,
}

/// The comments of the table: each with the block its anchor is on in the
/// old version (`None` for the whole report or a passage gone).
pub struct CommentOnOld<'a> {
    pub comment: &'a Comment,
    pub block: Option<&'a BlockId>,
}

/// Whether a comment belongs in the table from version `from` to the next:
/// a comment (not a reply) made on `from`, not withdrawn, or one the team
/// said it took into account in the next version.
pub fn belongs_to_table(comment: &Comment, from: u32) -> bool {
    if comment.is_reply() || comment.is_withdrawn() {
        return false;
    }
    match comment.disposition.as_ref().and_then(|d| d.addressed_in) {
        Some(version) => version == from + 1,
        None => comment.version_number == from,
    }
}

/// The links of the table: suggestions (the comment's passage changed) the
/// team has not dismissed, and the links it confirmed. In passage order,
/// then comment order.
pub fn links_of(
    passages: &[ChangedPassage],
    comments: &[CommentOnOld<'_>],
    decided: &[ChangeLink],
) -> Vec<(BlockId, CommentId, LinkKind)> {
    let decided_state: HashMap<(&BlockId, CommentId), LinkState> =
        decided.iter().map(|l| ((&l.passage, l.comment), l.state)).collect();
    let in_table: HashSet<CommentId> = comments.iter().map(|c| c.comment.id).collect();
    let mut links = Vec::new();
    for passage in passages {
        for c in comments {
            let id = c.comment.id;
            let suggested = passage.old_index.is_some() && c.block == Some(&passage.passage);
            let kind = match (decided_state.get(&(&passage.passage, id)), suggested) {
                (Some(LinkState::Confirmed), _) => LinkKind::Confirmed,
                (Some(LinkState::Dismissed), _) | (None, false) => continue,
                (None, true) => LinkKind::Suggested,
            };
            links.push((passage.passage.clone(), id, kind));
        }
        // A confirmed link to a comment outside the table (made on an older
        // version) still shows.
        for link in decided.iter().filter(|l| l.passage == passage.passage && l.state == LinkState::Confirmed) {
            if !in_table.contains(&link.comment) {
                links.push((passage.passage.clone(), link.comment, LinkKind::Confirmed));
            }
        }
    }
    links
}

/// What the two checks found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeChecks {
    /// Comments taken in, or partly, with no change linked to them
    /// ("tiếp thu nhưng chưa thấy sửa").
    pub taken_in_unchanged: Vec<CommentId>,
    /// Changes linked to no comment and not marked technical edits.
    pub unexplained: Vec<BlockId>,
}

impl ChangeChecks {
    pub fn is_clean(&self) -> bool {
        self.taken_in_unchanged.is_empty() && self.unexplained.is_empty()
    }
}

/// Runs both checks on a table's passages, comments and links.
pub fn check(
    passages: &[ChangedPassage],
    comments: &[CommentOnOld<'_>],
    links: &[(BlockId, CommentId, LinkKind)],
    technical: &[BlockId],
) -> ChangeChecks {
    let linked_comments: HashSet<CommentId> = links.iter().map(|(_, c, _)| *c).collect();
    let linked_passages: HashSet<&BlockId> = links.iter().map(|(p, _, _)| p).collect();
    let taken_in_unchanged = comments
        .iter()
        .filter(|c| {
            matches!(
                c.comment.disposition.as_ref().map(|d| d.kind),
                Some(DispositionKind::Accepted | DispositionKind::PartlyAccepted)
            )
        })
        .map(|c| c.comment.id)
        .filter(|id| !linked_comments.contains(id))
        .collect();
    let unexplained = passages
        .iter()
        .map(|p| &p.passage)
        .filter(|p| !linked_passages.contains(p) && !technical.contains(p))
        .cloned()
        .collect();
    ChangeChecks { taken_in_unchanged, unexplained }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::comment::{CommentText, Disposition};
    use crate::document::BlockContent;
    use crate::document::align::{align, carry_ids};
    use crate::id::{ReportId, UserId, VersionId};
    use time::OffsetDateTime;
    use uuid::Uuid;

    fn blocks(texts: &[&str]) -> Vec<BlockContent> {
        texts.iter().map(|t| BlockContent::paragraph(t)).collect()
    }

    fn comment(n: u128, kind: Option<DispositionKind>) -> Comment {
        Comment {
            id: CommentId::from_uuid(Uuid::from_u128(n)),
            report: ReportId::from_uuid(Uuid::from_u128(1)),
            version: VersionId::from_uuid(Uuid::from_u128(2)),
            version_number: 1,
            parent: None,
            author: UserId::from_uuid(Uuid::from_u128(3)),
            recorded_by: None,
            on_behalf_of: None,
            at_meeting: false,
            anchor: None,
            body: CommentText::parse("Đề nghị sửa.").expect("text"),
            created_at: OffsetDateTime::UNIX_EPOCH,
            edited_at: None,
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            late: false,
            disposition: kind.map(|kind| Disposition {
                kind,
                response: None,
                addressed_in: None,
                decided_by: UserId::from_uuid(Uuid::from_u128(4)),
                decided_at: OffsetDateTime::UNIX_EPOCH,
                published_at: Some(OffsetDateTime::UNIX_EPOCH),
            }),
            group: None,
            revision: 0,
        }
    }

    fn versions(old: &[&str], new: &[&str]) -> (Vec<Block>, Vec<Block>, Alignment) {
        let mut n = 0u64;
        let old: Vec<Block> = carry_ids(&[], blocks(old), || {
            n += 1;
            BlockId::fresh(n)
        });
        let mut m = 1000u64;
        let new_blocks = carry_ids(&old, blocks(new), || {
            m += 1;
            BlockId::fresh(m)
        });
        let alignment = align(
            &old.iter().map(|b| b.content.clone()).collect::<Vec<_>>(),
            &new_blocks.iter().map(|b| b.content.clone()).collect::<Vec<_>>(),
        );
        (old, new_blocks, alignment)
    }

    #[test]
    fn a_split_is_one_passage_and_kept_blocks_are_left_out() {
        let (old, new, alignment) = versions(
            &["Mở đầu giữ nguyên.", "Nguyên nhân khách quan là dịch bệnh; nguyên nhân chủ quan là người đứng đầu chưa quyết liệt."],
            &["Mở đầu giữ nguyên.", "Nguyên nhân khách quan là dịch bệnh.", "Nguyên nhân chủ quan là người đứng đầu chưa quyết liệt."],
        );
        let passages = changed_passages(&old, &new, &alignment);
        assert_eq!(passages.len(), 1, "{passages:?}");
        assert_eq!(passages[0].passage, old[1].id);
        assert_eq!(passages[0].new_indexes, vec![1, 2]);
        assert!(passages[0].new_text.contains('\n'));
    }

    #[test]
    fn a_comment_on_a_changed_passage_is_suggested_and_one_on_an_unchanged_passage_is_flagged() {
        let (old, new, alignment) = versions(
            &["Tăng trưởng đạt 6,1%/năm, thấp hơn mục tiêu.", "Thu ngân sách đạt 3.850 tỷ đồng."],
            &["Tăng trưởng đạt 6,1%/năm, đạt 81% mục tiêu.", "Thu ngân sách đạt 3.850 tỷ đồng.", "Có 7/24 chỉ tiêu đạt và vượt."],
        );
        let passages = changed_passages(&old, &new, &alignment);
        assert_eq!(passages.len(), 2);
        let on_growth = comment(10, Some(DispositionKind::Accepted));
        let on_budget = comment(11, Some(DispositionKind::Accepted));
        let explained = comment(12, Some(DispositionKind::Explained));
        let comments = [
            CommentOnOld { comment: &on_growth, block: Some(&old[0].id) },
            CommentOnOld { comment: &on_budget, block: Some(&old[1].id) },
            CommentOnOld { comment: &explained, block: Some(&old[1].id) },
        ];
        let links = links_of(&passages, &comments, &[]);
        assert_eq!(links, vec![(old[0].id.clone(), on_growth.id, LinkKind::Suggested)]);
        let checks = check(&passages, &comments, &links, &[]);
        assert_eq!(checks.taken_in_unchanged, vec![on_budget.id]);
        assert_eq!(checks.unexplained, vec![new[2].id.clone()]);

        // The team links the budget comment to the new paragraph: both checks pass.
        let decided = [ChangeLink { passage: new[2].id.clone(), comment: on_budget.id, state: LinkState::Confirmed }];
        let links = links_of(&passages, &comments, &decided);
        assert!(check(&passages, &comments, &links, &[]).is_clean());

        // Dismissing the suggestion flags the growth comment again; a
        // technical edit needs no comment.
        let decided = [ChangeLink { passage: old[0].id.clone(), comment: on_growth.id, state: LinkState::Dismissed }];
        let links = links_of(&passages, &comments, &decided);
        let checks = check(&passages, &comments, &links, &[old[0].id.clone(), new[2].id.clone()]);
        assert_eq!(checks.taken_in_unchanged, vec![on_growth.id, on_budget.id]);
        assert!(checks.unexplained.is_empty());
    }

    #[test]
    fn the_table_holds_comments_on_its_version_or_taken_into_the_next() {
        let mut c = comment(1, Some(DispositionKind::Accepted));
        assert!(belongs_to_table(&c, 1));
        assert!(!belongs_to_table(&c, 2));
        if let Some(d) = c.disposition.as_mut() {
            d.addressed_in = Some(3);
        }
        assert!(belongs_to_table(&c, 2));
        assert!(!belongs_to_table(&c, 1));
    }
}
