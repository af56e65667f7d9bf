//! Aligning two versions block by block, and words inside changed blocks.
//!
//! A new version is a new list of blocks; nobody tells us which old block
//! became which new one. Alignment finds that out, so that a passage keeps
//! its id (and the comments anchored to it) while it lives on, the drafting
//! team and the members see what changed word by word, and a comment whose
//! passage is gone is shown as outdated rather than silently dropped.
//!
//! The method, chosen to stay fast on long reports full of repeated blocks:
//! 1. blocks are interned to integers and diffed with Myers' algorithm, so
//!    equal blocks in the same order are *kept* in O((N+M)·D);
//! 2. a block left over on both sides with exactly the same content is
//!    *moved*;
//! 3. inside each gap between kept runs, left-over old and new blocks are
//!    paired in order by word overlap (Dice over word multisets), which
//!    finds *changed* blocks and old blocks *split* across several new ones;
//!    this step is quadratic in the gap, so very large gaps are paired
//!    within a small window instead;
//! 4. a left-over pair that is nearly equal (but in different gaps) is
//!    *moved* with word edits; everything else is *added* or *removed*.

use std::collections::{HashMap, VecDeque};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::ops::Range;

use serde::{Deserialize, Serialize};
use similar::{Algorithm, DiffTag, capture_diff_slices};

use super::{Block, BlockContent, BlockId};

/// What became of a block from one version to the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The same block, in the same order.
    Kept,
    /// The same passage, edited in place (or the first part of a split).
    Changed,
    /// Only in the new version (or a later part of a split).
    Added,
    /// Only in the old version.
    Removed,
    /// The same passage in another place, edited or not.
    Moved,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordOp {
    Equal,
    Insert,
    Delete,
}

/// A piece of a changed block's text: kept, inserted or deleted. The
/// `Equal` and `Delete` pieces in order spell the old text, the `Equal` and
/// `Insert` pieces the new one.
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
    /// Word-level edits, for changed blocks (and moved blocks whose text
    /// changed); empty otherwise.
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
    /// How many lines of each kind; a split counts as one changed block and
    /// one added block per later part.
    pub fn counts(&self) -> ChangeCounts {
        let mut counts = ChangeCounts::default();
        for change in &self.changes {
            match change.kind {
                ChangeKind::Kept => counts.kept += 1,
                ChangeKind::Changed => counts.changed += 1,
                ChangeKind::Added => counts.added += 1,
                ChangeKind::Removed => counts.removed += 1,
                ChangeKind::Moved => counts.moved += 1,
            }
        }
        counts
    }
}

/// Two blocks whose words overlap at least this much (Dice coefficient) are
/// the same passage, edited. Half is what a drafter's rewrite of a sentence
/// or two usually keeps; below it, readers see a different paragraph.
const SAME_PASSAGE: f64 = 0.5;
/// A gap of one old and one new block of the same kind, between kept
/// neighbours, is a rewrite in place unless the two share almost nothing: a
/// subtitle "Dự thảo lần 1 — …" reworded as "Dự thảo lần 2 — …" keeps few
/// words but is plainly the same line.
const SAME_PLACE: f64 = 0.25;
/// Blocks found out of order are called moved only when nearly equal: a
/// looser match far away is more often a coincidence than a move.
const MOVED_PASSAGE: f64 = 0.8;
/// An old block split in several new ones: the parts together must hold this
/// share of the old block's words.
const SPLIT_COVERAGE: f64 = 0.6;
/// Each part of a split must bring this share of the old block's words…
const SPLIT_PART_SHARE_OF_OLD: f64 = 0.15;
/// …and at least this share of its own words must come from the old block,
/// so that a new paragraph written after an edited one is not taken for a
/// part of it.
const SPLIT_PART_SHARE_OF_ITSELF: f64 = 0.25;
/// The most parts a split is looked for in.
const MAX_SPLIT_PARTS: usize = 4;
/// Pairing inside a gap compares every old block with every new one; past
/// this many pairs, a gap is paired within a window instead.
const GAP_PAIRING_CAP: usize = 40_000;
/// How far ahead, in new blocks, the windowed pairing looks.
const PAIRING_WINDOW: usize = 8;
/// Left-over blocks are compared pairwise for near-equal moves only up to
/// this many pairs.
const MOVE_PAIRING_CAP: usize = 40_000;
/// Up to this many blocks in all, the block diff is exact (a longest common
/// subsequence); beyond, Myers' heuristics bound the work at the price of a
/// diff that may not be minimal.
const EXACT_DIFF_LIMIT: usize = 20_000;

/// Aligns `old` with `new`: see the module documentation for the method.
pub fn align(old: &[BlockContent], new: &[BlockContent]) -> Alignment {
    let old: Vec<&BlockContent> = old.iter().collect();
    let new: Vec<&BlockContent> = new.iter().collect();
    align_refs(&old, &new)
}

/// The blocks of a new version with their ids: a block kept, changed or
/// moved from `old` keeps its id; any other (added, or the later parts of a
/// split) gets `fresh()`.
pub fn carry_ids(old: &[Block], new: Vec<BlockContent>, fresh: impl FnMut() -> BlockId) -> Vec<Block> {
    carry_ids_aligned(old, new, fresh).0
}

/// [`carry_ids`], also giving the alignment it made, for whoever needs it
/// next (carrying comments forward) without aligning the versions twice.
pub fn carry_ids_aligned(
    old: &[Block],
    new: Vec<BlockContent>,
    mut fresh: impl FnMut() -> BlockId,
) -> (Vec<Block>, Alignment) {
    let old_contents: Vec<&BlockContent> = old.iter().map(|b| &b.content).collect();
    let new_contents: Vec<&BlockContent> = new.iter().collect();
    let alignment = align_refs(&old_contents, &new_contents);
    let mut ids: Vec<Option<BlockId>> = vec![None; new.len()];
    for change in &alignment.changes {
        if let (Some(o), Some(n), ChangeKind::Kept | ChangeKind::Changed | ChangeKind::Moved) =
            (change.old, change.new, change.kind)
        {
            ids[n] = Some(old[o].id.clone());
        }
    }
    let blocks = new.into_iter().zip(ids).map(|(content, id)| Block { id: id.unwrap_or_else(&mut fresh), content }).collect();
    (blocks, alignment)
}

/// Where a new block came from, as alignment finds out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fate {
    Added,
    Kept(usize),
    Changed(usize),
    Moved(usize),
    /// A later part of the old block split in several.
    SplitPart(usize),
}

/// A stretch of both versions between two runs of kept blocks.
struct Gap {
    old: Range<usize>,
    new: Range<usize>,
}

enum Segment {
    Kept { old: usize, new: usize, len: usize },
    Gap(Gap),
}

/// What pairing by similarity reads of a block: its kind of content (only
/// like pairs with like) and the multiset of its words, as sorted hashes.
struct Profile {
    class: u8,
    words: Vec<u64>,
}

impl Profile {
    fn of(block: &BlockContent) -> Self {
        // A heading pairs only with a heading and a table with a table; a
        // paragraph may become a list item and back.
        let class = match block {
            BlockContent::Heading { .. } => 0,
            BlockContent::Paragraph { .. } | BlockContent::ListItem { .. } => 1,
            BlockContent::Table { .. } => 2,
        };
        let text = block.plain_text();
        let mut words: Vec<u64> = tokens(&text)
            .into_iter()
            .filter(|t| t.chars().next().is_some_and(char::is_alphanumeric))
            .map(|t| {
                let mut hasher = DefaultHasher::new();
                t.to_lowercase().hash(&mut hasher);
                hasher.finish()
            })
            .collect();
        words.sort_unstable();
        Self { class, words }
    }
}

fn align_refs<'a>(old: &[&'a BlockContent], new: &[&'a BlockContent]) -> Alignment {
    // Intern: equal blocks get equal keys, so the diff compares integers.
    let mut keys: HashMap<&'a BlockContent, u32> = HashMap::with_capacity(old.len() + new.len());
    let mut key_of = |b: &'a BlockContent| -> u32 {
        let next = u32::try_from(keys.len()).unwrap_or(u32::MAX);
        *keys.entry(b).or_insert(next)
    };
    let old_keys: Vec<u32> = old.iter().map(|&b| key_of(b)).collect();
    let new_keys: Vec<u32> = new.iter().map(|&b| key_of(b)).collect();

    let algorithm = if old.len() + new.len() <= EXACT_DIFF_LIMIT { Algorithm::RawMyers } else { Algorithm::Myers };
    let mut segments: Vec<Segment> = Vec::new();
    let mut new_fate = vec![Fate::Added; new.len()];
    let mut old_taken = vec![false; old.len()];
    for op in capture_diff_slices(algorithm, &old_keys, &new_keys) {
        let (tag, o, n) = op.as_tag_tuple();
        if tag == DiffTag::Equal {
            for (i, j) in o.clone().zip(n.clone()) {
                new_fate[j] = Fate::Kept(i);
                old_taken[i] = true;
            }
            segments.push(Segment::Kept { old: o.start, new: n.start, len: o.len() });
        } else if let Some(Segment::Gap(gap)) = segments.last_mut() {
            gap.old.end = o.end;
            gap.new.end = n.end;
        } else {
            segments.push(Segment::Gap(Gap { old: o, new: n }));
        }
    }

    // Exactly equal blocks left over on both sides stand in different places:
    // moved. Copies are paired first to first, so repeats stay in order.
    let mut unmatched_old: HashMap<u32, VecDeque<usize>> = HashMap::new();
    for (i, &key) in old_keys.iter().enumerate() {
        if !old_taken[i] {
            unmatched_old.entry(key).or_default().push_back(i);
        }
    }
    for (j, &key) in new_keys.iter().enumerate() {
        if new_fate[j] == Fate::Added
            && let Some(i) = unmatched_old.get_mut(&key).and_then(VecDeque::pop_front)
        {
            new_fate[j] = Fate::Moved(i);
            old_taken[i] = true;
        }
    }

    let mut old_profiles: HashMap<usize, Profile> = HashMap::new();
    let mut new_profiles: HashMap<usize, Profile> = HashMap::new();
    for segment in &segments {
        let Segment::Gap(gap) = segment else { continue };
        let olds: Vec<usize> = gap.old.clone().filter(|&i| !old_taken[i]).collect();
        let news: Vec<usize> = gap.new.clone().filter(|&j| new_fate[j] == Fate::Added).collect();
        if olds.is_empty() || news.is_empty() {
            continue;
        }
        for &i in &olds {
            old_profiles.entry(i).or_insert_with(|| Profile::of(old[i]));
        }
        for &j in &news {
            new_profiles.entry(j).or_insert_with(|| Profile::of(new[j]));
        }
        let pairs = if olds.len().saturating_mul(news.len()) <= GAP_PAIRING_CAP {
            pair_in_order(&olds, &news, &old_profiles, &new_profiles)
        } else {
            pair_in_window(&olds, &news, &old_profiles, &new_profiles)
        };
        for (i, parts) in pairs {
            old_taken[i] = true;
            for (k, &j) in parts.iter().enumerate() {
                new_fate[j] = if k == 0 { Fate::Changed(i) } else { Fate::SplitPart(i) };
            }
        }
    }

    // Nearly equal blocks left over in different gaps: moved, with edits.
    let left_old: Vec<usize> = (0..old.len()).filter(|&i| !old_taken[i]).collect();
    let left_new: Vec<usize> = (0..new.len()).filter(|&j| new_fate[j] == Fate::Added).collect();
    if !left_old.is_empty() && left_old.len().saturating_mul(left_new.len()) <= MOVE_PAIRING_CAP {
        for &i in &left_old {
            old_profiles.entry(i).or_insert_with(|| Profile::of(old[i]));
        }
        for &j in &left_new {
            new_profiles.entry(j).or_insert_with(|| Profile::of(new[j]));
        }
        for &j in &left_new {
            let np = &new_profiles[&j];
            let best = left_old
                .iter()
                .filter(|&&i| !old_taken[i])
                .filter_map(|&i| {
                    let op = &old_profiles[&i];
                    if op.class != np.class || !lengths_allow(op.words.len(), np.words.len(), MOVED_PASSAGE) {
                        return None;
                    }
                    let similarity = dice(common_count(&op.words, &np.words), op.words.len(), np.words.len());
                    (similarity >= MOVED_PASSAGE).then_some((i, similarity))
                })
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            if let Some((i, _)) = best {
                new_fate[j] = Fate::Moved(i);
                old_taken[i] = true;
            }
        }
    }

    let line = |kind, o: Option<usize>, n: Option<usize>| BlockChange {
        kind,
        old: o,
        new: n,
        split_from: None,
        words: Vec::new(),
    };
    let mut changes = Vec::with_capacity(old.len().max(new.len()));
    for segment in segments {
        match segment {
            Segment::Kept { old: o, new: n, len } => {
                changes.extend((0..len).map(|k| line(ChangeKind::Kept, Some(o + k), Some(n + k))));
            }
            Segment::Gap(gap) => {
                let removed: Vec<usize> = gap.old.clone().filter(|&i| !old_taken[i]).collect();
                let mut removed = removed.into_iter().peekable();
                // The old index of the next block changed in place, at or
                // after each position: removed blocks before it come first.
                let mut next_anchor = vec![gap.old.end; gap.new.len() + 1];
                for j in gap.new.clone().rev() {
                    let k = j - gap.new.start;
                    next_anchor[k] = match new_fate[j] {
                        Fate::Changed(i) => i,
                        _ => next_anchor[k + 1],
                    };
                }
                for j in gap.new.clone() {
                    let flush_before = match new_fate[j] {
                        // The later parts of a split stay with the first.
                        Fate::SplitPart(_) => None,
                        _ => Some(next_anchor[j - gap.new.start]),
                    };
                    if let Some(limit) = flush_before {
                        while let Some(i) = removed.next_if(|&i| i < limit) {
                            changes.push(line(ChangeKind::Removed, Some(i), None));
                        }
                    }
                    changes.push(match new_fate[j] {
                        Fate::Added => line(ChangeKind::Added, None, Some(j)),
                        Fate::Kept(i) => line(ChangeKind::Kept, Some(i), Some(j)),
                        Fate::Changed(i) => BlockChange {
                            words: word_diff(&old[i].plain_text(), &new[j].plain_text()),
                            ..line(ChangeKind::Changed, Some(i), Some(j))
                        },
                        Fate::Moved(i) => BlockChange {
                            words: if old[i] == new[j] {
                                Vec::new()
                            } else {
                                word_diff(&old[i].plain_text(), &new[j].plain_text())
                            },
                            ..line(ChangeKind::Moved, Some(i), Some(j))
                        },
                        Fate::SplitPart(i) => {
                            BlockChange { split_from: Some(i), ..line(ChangeKind::Added, None, Some(j)) }
                        }
                    });
                }
                changes.extend(removed.map(|i| line(ChangeKind::Removed, Some(i), None)));
            }
        }
    }
    Alignment { changes }
}

/// Whether two word counts can reach `threshold` Dice at all: the shorter
/// must hold at least `t / (2 - t)` of the longer's words.
fn lengths_allow(a: usize, b: usize, threshold: f64) -> bool {
    let (short, long) = if a < b { (a, b) } else { (b, a) };
    long == 0 || short as f64 >= long as f64 * threshold / (2.0 - threshold)
}

fn dice(common: usize, a: usize, b: usize) -> f64 {
    if a + b == 0 { 1.0 } else { 2.0 * common as f64 / (a + b) as f64 }
}

/// The size of the multiset intersection of two sorted lists.
fn common_count(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common
}

/// `a` less the multiset intersection with `b`, and the intersection's size.
fn subtract(a: &[u64], b: &[u64]) -> (Vec<u64>, usize) {
    let mut rest = Vec::with_capacity(a.len());
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() {
        if j >= b.len() || a[i] < b[j] {
            rest.push(a[i]);
            i += 1;
        } else if a[i] > b[j] {
            j += 1;
        } else {
            common += 1;
            i += 1;
            j += 1;
        }
    }
    (rest, common)
}

/// Whether a new block that brings `brought` of an old block's `old_len`
/// words, being `part_len` words long, can be a part of its split.
fn part_counts(brought: usize, old_len: usize, part_len: usize) -> bool {
    brought >= 2
        && brought as f64 >= SPLIT_PART_SHARE_OF_OLD * old_len as f64
        && brought as f64 >= SPLIT_PART_SHARE_OF_ITSELF * part_len as f64
}

/// The ways `old` can pair with `parts[0]`, `parts[0..2]`, …: for each
/// number of parts that qualifies, a score of the old words they share (plus
/// one, so that even a pair of word-less blocks beats no pair).
fn pairing_scores(old: &Profile, parts: &[&Profile], threshold: f64) -> Vec<(usize, usize)> {
    let old_len = old.words.len();
    // Most pairs a gap's pairing looks at share next to nothing: tell so
    // from the first part alone, before copying any words. (The loop below
    // would push nothing and stop at the first part for them.)
    let Some(first) = parts.first().filter(|p| p.class == old.class) else { return Vec::new() };
    let shared_first = common_count(&old.words, &first.words);
    if dice(shared_first, old_len, first.words.len()) < threshold && !part_counts(shared_first, old_len, first.words.len()) {
        return Vec::new();
    }
    let mut scores = Vec::new();
    let mut rest = old.words.clone();
    let mut shared = 0;
    let mut concat_len = 0;
    for (k, part) in parts.iter().take(MAX_SPLIT_PARTS).enumerate() {
        if part.class != old.class {
            break;
        }
        let (left, brought) = subtract(&rest, &part.words);
        rest = left;
        shared += brought;
        concat_len += part.words.len();
        if k == 0 && dice(shared, old_len, concat_len) >= threshold {
            scores.push((1, shared + 1));
        }
        if !part_counts(brought, old_len, part.words.len()) {
            break;
        }
        if k > 0
            && shared as f64 >= SPLIT_COVERAGE * old_len as f64
            && dice(shared, old_len, concat_len) >= SAME_PASSAGE
        {
            scores.push((k + 1, shared + 1));
        }
    }
    scores
}

/// Pairs old and new blocks of one gap in order, maximising the words the
/// pairs share (a dynamic programme over the gap, like a longest common
/// subsequence whose matches are weighted). Returns each paired old block
/// with its new part(s).
fn pair_in_order(
    olds: &[usize],
    news: &[usize],
    old_profiles: &HashMap<usize, Profile>,
    new_profiles: &HashMap<usize, Profile>,
) -> Vec<(usize, Vec<usize>)> {
    let (n, m) = (olds.len(), news.len());
    let width = m + 1;
    let mut best = vec![0usize; (n + 1) * width];
    // 0: skip the old block; usize::MAX: skip the new block; k: pair with k parts.
    let mut choice = vec![0usize; (n + 1) * width];
    let new_refs: Vec<&Profile> = news.iter().map(|j| &new_profiles[j]).collect();
    let threshold = if n == 1 && m == 1 { SAME_PLACE } else { SAME_PASSAGE };
    for a in (0..n).rev() {
        let op = &old_profiles[&olds[a]];
        for b in (0..m).rev() {
            let mut top = best[(a + 1) * width + b];
            let mut pick = 0;
            if best[a * width + b + 1] > top {
                top = best[a * width + b + 1];
                pick = usize::MAX;
            }
            for (k, score) in pairing_scores(op, &new_refs[b..], threshold) {
                let total = score + best[(a + 1) * width + b + k];
                if total > top {
                    top = total;
                    pick = k;
                }
            }
            best[a * width + b] = top;
            choice[a * width + b] = pick;
        }
    }
    let mut pairs = Vec::new();
    let (mut a, mut b) = (0, 0);
    while a < n && b < m {
        match choice[a * width + b] {
            0 => a += 1,
            usize::MAX => b += 1,
            k => {
                pairs.push((olds[a], news[b..b + k].to_vec()));
                a += 1;
                b += k;
            }
        }
    }
    pairs
}

/// Pairing for a gap too large to compare every pair: each old block, in
/// order, takes the best single new block among the next few after the
/// last one taken. Splits are not looked for here.
fn pair_in_window(
    olds: &[usize],
    news: &[usize],
    old_profiles: &HashMap<usize, Profile>,
    new_profiles: &HashMap<usize, Profile>,
) -> Vec<(usize, Vec<usize>)> {
    let mut pairs = Vec::new();
    let mut from = 0;
    for &i in olds {
        let op = &old_profiles[&i];
        let window = from..(from + PAIRING_WINDOW).min(news.len());
        let best = window
            .filter_map(|b| {
                let score = pairing_scores(op, &[&new_profiles[&news[b]]], SAME_PASSAGE).first().map(|&(_, s)| s)?;
                Some((b, score))
            })
            .max_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)));
        if let Some((b, _)) = best {
            pairs.push((i, vec![news[b]]));
            from = b + 1;
        }
    }
    pairs
}

/// Splits text into words and what stands between them: each run of white
/// space is one token, each other non-word character one token. A number
/// with inner separators ("3.850", "7,5") is one word, so a changed figure
/// reads as one edit.
fn tokens(text: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let mut j = i + 1;
        if c.is_alphanumeric() {
            loop {
                if j < chars.len() && chars[j].1.is_alphanumeric() {
                    j += 1;
                } else if j + 1 < chars.len()
                    && matches!(chars[j].1, '.' | ',')
                    && chars[j - 1].1.is_ascii_digit()
                    && chars[j + 1].1.is_ascii_digit()
                {
                    j += 2;
                } else {
                    break;
                }
            }
        } else if c.is_whitespace() {
            while j < chars.len() && chars[j].1.is_whitespace() {
                j += 1;
            }
        }
        let end = chars.get(j).map_or(text.len(), |&(at, _)| at);
        out.push(&text[start..end]);
        i = j;
    }
    out
}

/// The word-level edits that turn `old` into `new`. Between two edits, a
/// stretch of only spaces and punctuation is folded into them (a reader
/// sees "A B" replaced by "X Y", not four edits around a kept space), and
/// each stretch between kept text reads as one deletion then one insertion.
pub fn word_diff(old: &str, new: &str) -> Vec<WordEdit> {
    let a = tokens(old);
    let b = tokens(new);
    let mut raw: Vec<(WordOp, String)> = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
        let (tag, o, n) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => raw.push((WordOp::Equal, a[o].concat())),
            DiffTag::Delete => raw.push((WordOp::Delete, a[o].concat())),
            DiffTag::Insert => raw.push((WordOp::Insert, b[n].concat())),
            DiffTag::Replace => {
                raw.push((WordOp::Delete, a[o].concat()));
                raw.push((WordOp::Insert, b[n].concat()));
            }
        }
    }
    // Fold kept punctuation lying between two edits into the edits.
    let is_edit = |op: WordOp| op != WordOp::Equal;
    let mut folded: Vec<(WordOp, String)> = Vec::with_capacity(raw.len());
    for k in 0..raw.len() {
        let (op, text) = &raw[k];
        let between_edits = *op == WordOp::Equal
            && k > 0
            && k + 1 < raw.len()
            && is_edit(raw[k - 1].0)
            && is_edit(raw[k + 1].0)
            && !text.chars().any(char::is_alphanumeric);
        if between_edits {
            folded.push((WordOp::Delete, text.clone()));
            folded.push((WordOp::Insert, text.clone()));
        } else {
            folded.push((*op, text.clone()));
        }
    }
    // Between kept stretches: one deletion, then one insertion.
    let mut edits: Vec<WordEdit> = Vec::new();
    let (mut deleted, mut inserted) = (String::new(), String::new());
    let flush = |edits: &mut Vec<WordEdit>, deleted: &mut String, inserted: &mut String| {
        // White space that both sides have at either end is kept text:
        // "Nâng" replaced by "Phấn đấu", not "Nâng " by "Phấn đấu ".
        let (d, i) = (std::mem::take(deleted), std::mem::take(inserted));
        let lead: usize =
            d.chars().zip(i.chars()).take_while(|(a, b)| a == b && a.is_whitespace()).map(|(a, _)| a.len_utf8()).sum();
        let (d_rest, i_rest) = (&d[lead..], &i[lead..]);
        let trail: usize = d_rest
            .chars()
            .rev()
            .zip(i_rest.chars().rev())
            .take_while(|(a, b)| a == b && a.is_whitespace())
            .map(|(a, _)| a.len_utf8())
            .sum();
        let (d_mid, i_mid) = (&d_rest[..d_rest.len() - trail], &i_rest[..i_rest.len() - trail]);
        push_equal(edits, &d[..lead]);
        if !d_mid.is_empty() {
            edits.push(WordEdit { op: WordOp::Delete, text: d_mid.to_owned() });
        }
        if !i_mid.is_empty() {
            edits.push(WordEdit { op: WordOp::Insert, text: i_mid.to_owned() });
        }
        push_equal(edits, &d_rest[d_rest.len() - trail..]);
    };
    for (op, text) in folded {
        match op {
            WordOp::Delete => deleted.push_str(&text),
            WordOp::Insert => inserted.push_str(&text),
            WordOp::Equal => {
                flush(&mut edits, &mut deleted, &mut inserted);
                push_equal(&mut edits, &text);
            }
        }
    }
    flush(&mut edits, &mut deleted, &mut inserted);
    edits
}

fn push_equal(edits: &mut Vec<WordEdit>, text: &str) {
    if text.is_empty() {
        return;
    }
    match edits.last_mut() {
        Some(last) if last.op == WordOp::Equal => last.text.push_str(text),
        _ => edits.push(WordEdit { op: WordOp::Equal, text: text.to_owned() }),
    }
}

/// Where a comment points: a block, and optionally a quoted passage in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    pub block: BlockId,
    pub span: Option<Span>,
}

/// A quoted passage of a block: character offsets (not bytes) into the
/// block's `plain_text()`, and the text between them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub quote: String,
}

/// Where an anchor of the old version lands in the new one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum AnchorFate {
    /// The passage is the same in the new version (the block kept, or
    /// changed with the quoted span still there verbatim): the anchor in the
    /// new version, offsets found again.
    Unchanged(Anchor),
    /// The block lives on but the quoted passage (or, with no span, the
    /// block's text) changed: the anchor on the new block, with the span of
    /// what the passage became, or none if nothing of it is left.
    PassageChanged(Anchor),
    /// The block is gone and the quote is found nowhere in the new version.
    Outdated,
}

/// The span from character `start` to `end` of `text`, if that is a
/// non-empty stretch inside it: how a comment's anchor is checked before it
/// is accepted.
pub fn span_of(text: &str, start: usize, end: usize) -> Option<Span> {
    if start >= end {
        return None;
    }
    let quote: String = text.chars().skip(start).take(end - start).collect();
    (quote.chars().count() == end - start).then_some(Span { start, end, quote })
}

/// The first occurrence of `quote` in `text`, in character offsets.
pub fn find_span(text: &str, quote: &str) -> Option<Span> {
    find_span_near(text, quote, 0)
}

/// The occurrence of `quote` in `text` whose start is nearest `hint` (a
/// character offset): a quote found again after an edit is most likely the
/// one near where it was.
fn find_span_near(text: &str, quote: &str, hint: usize) -> Option<Span> {
    if quote.is_empty() {
        return None;
    }
    let quote_chars = quote.chars().count();
    let mut best: Option<usize> = None;
    let (mut chars_before, mut bytes_seen) = (0, 0);
    for (at, _) in text.match_indices(quote) {
        chars_before += text[bytes_seen..at].chars().count();
        bytes_seen = at;
        if best.is_none_or(|b| chars_before.abs_diff(hint) < b.abs_diff(hint)) {
            best = Some(chars_before);
        }
        if chars_before >= hint {
            break;
        }
    }
    best.map(|start| Span { start, end: start + quote_chars, quote: quote.to_owned() })
}

/// Where each old block went: built once per alignment.
struct Lineage<'a> {
    /// Each old block's index, by id.
    position: HashMap<&'a BlockId, usize>,
    /// For each old block: its kind and the new block it became, if any.
    target: Vec<(ChangeKind, Option<usize>)>,
    /// For each old block split in several: its later parts, in order.
    parts: HashMap<usize, Vec<usize>>,
    /// For each old block: a new index near where it stood.
    near: Vec<usize>,
}

impl<'a> Lineage<'a> {
    fn new(old: &'a [Block], alignment: &Alignment) -> Self {
        let old_len = old.len();
        let mut position = HashMap::with_capacity(old_len);
        for (i, block) in old.iter().enumerate() {
            position.entry(&block.id).or_insert(i);
        }
        let mut target = vec![(ChangeKind::Removed, None); old_len];
        let mut parts: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut near = vec![0; old_len];
        let mut last_new = 0;
        for change in &alignment.changes {
            if let Some(n) = change.new {
                last_new = n;
            }
            if let Some(o) = change.old.filter(|&o| o < old_len) {
                target[o] = (change.kind, change.new);
                near[o] = last_new;
            }
            if let (Some(from), Some(n)) = (change.split_from, change.new) {
                parts.entry(from).or_default().push(n);
            }
        }
        Self { position, target, parts, near }
    }
}

/// Where `anchor`, on the old version, lands in the new one. `old` and `new`
/// are the full block lists of the two versions, `alignment` is
/// `align(old contents, new contents)`.
///
/// An anchor on a block the old version does not hold is outdated. A
/// whole-block anchor on a removed block whose text is found verbatim inside
/// a new block (say, merged into its neighbour) follows it there, as a quote
/// would, with the span of where it was found.
pub fn carry_anchor(anchor: &Anchor, old: &[Block], new: &[Block], alignment: &Alignment) -> AnchorFate {
    let lineage = Lineage::new(old, alignment);
    carry_one(anchor, old, new, &lineage, &mut Memo::default())
}

/// [`carry_anchor`] for many anchors of one pair of versions: the alignment
/// is read once for all of them.
pub fn carry_anchors(anchors: &[Anchor], old: &[Block], new: &[Block], alignment: &Alignment) -> Vec<AnchorFate> {
    let lineage = Lineage::new(old, alignment);
    let mut memo = Memo::default();
    anchors.iter().map(|anchor| carry_one(anchor, old, new, &lineage, &mut memo)).collect()
}

/// What carrying many anchors of one pair of versions reads once and keeps.
#[derive(Default)]
struct Memo {
    /// By old block index.
    passages: HashMap<usize, Passage>,
    /// The new version's text, for quotes whose block is gone.
    new_text: Option<JoinedText>,
}

/// Every block's text laid end to end, each after a NUL (which imported
/// text never holds), so one pass finds every block that holds a quote.
struct JoinedText {
    text: String,
    /// Where each block's text starts.
    starts: Vec<usize>,
}

impl JoinedText {
    fn of(blocks: &[Block]) -> Self {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(blocks.len());
        for block in blocks {
            text.push('\0');
            starts.push(text.len());
            text.push_str(&block.content.plain_text());
        }
        Self { text, starts }
    }

    fn block(&self, n: usize) -> &str {
        let end = self.starts.get(n + 1).map_or(self.text.len(), |&next| next - 1);
        &self.text[self.starts[n]..end]
    }
}

/// What carrying reads of one old block that lives on: its text, the new
/// block(s) it became and their texts, and, once an anchor on a quote needs
/// it, the word diff between them. Made once per block, however many
/// comments point at it.
struct Passage {
    old_text: String,
    descendants: Vec<usize>,
    texts: Vec<String>,
    edits: Option<Vec<WordEdit>>,
}

impl Passage {
    fn new(old: &Block, new: &[Block], target: usize, parts: Option<&Vec<usize>>) -> Self {
        let mut descendants = vec![target];
        descendants.extend(parts.into_iter().flatten().copied().filter(|&n| n < new.len()));
        let texts = descendants.iter().map(|&n| new[n].content.plain_text()).collect();
        Self { old_text: old.content.plain_text(), descendants, texts, edits: None }
    }

    /// The word diff of the old text against the descendants laid end to end.
    fn edits(&mut self) -> &[WordEdit] {
        let (old_text, texts) = (&self.old_text, &self.texts);
        self.edits.get_or_insert_with(|| word_diff(old_text, &texts.join("\n")))
    }
}

fn carry_one(
    anchor: &Anchor,
    old: &[Block],
    new: &[Block],
    lineage: &Lineage,
    memo: &mut Memo,
) -> AnchorFate {
    let Some(&i) = lineage.position.get(&anchor.block) else {
        return AnchorFate::Outdated;
    };
    let on = |n: usize, span: Option<Span>| Anchor { block: new[n].id.clone(), span };
    let (kind, target) = lineage.target[i];
    let Some(target) = target.filter(|&n| n < new.len()) else {
        // Removed: the quote (or the whole text) may live on elsewhere.
        let old_text;
        let quote = match &anchor.span {
            Some(span) => span.quote.as_str(),
            None => {
                old_text = old[i].content.plain_text();
                old_text.as_str()
            }
        };
        let joined = memo.new_text.get_or_insert_with(|| JoinedText::of(new));
        return search_near(quote, joined, lineage.near[i])
            .map_or(AnchorFate::Outdated, |(n, span)| AnchorFate::PassageChanged(on(n, Some(span))));
    };
    let passage = memo.passages.entry(i).or_insert_with(|| Passage::new(&old[i], new, target, lineage.parts.get(&i)));
    let Some(span) = &anchor.span else {
        // Text, not styles: a passage only set in bold reads the same.
        let same_text = kind == ChangeKind::Kept || passage.old_text == passage.texts[0];
        return if same_text {
            AnchorFate::Unchanged(on(target, None))
        } else {
            AnchorFate::PassageChanged(on(target, None))
        };
    };
    // Where the passage would be in the new text(s), read through the word diff.
    let edits = passage.edits();
    let mapped_start = map_offset(edits, span.start, false);
    let mapped_end = map_offset(edits, span.end, true);
    // The quote verbatim, nearest where it would be.
    let mut offset = 0;
    for (&n, text) in passage.descendants.iter().zip(&passage.texts) {
        let len = text.chars().count();
        if let Some(found) = find_span_near(text, &span.quote, mapped_start.saturating_sub(offset)) {
            return AnchorFate::Unchanged(on(n, Some(found)));
        }
        offset += len + 1;
    }
    // Otherwise, what the passage became, in the part where it starts.
    let mut offset = 0;
    for (&n, text) in passage.descendants.iter().zip(&passage.texts) {
        let len = text.chars().count();
        if mapped_start <= offset + len {
            let start = mapped_start.saturating_sub(offset);
            let end = mapped_end.saturating_sub(offset).min(len);
            return AnchorFate::PassageChanged(on(n, trimmed_span(text, start, end)));
        }
        offset += len + 1;
    }
    AnchorFate::PassageChanged(on(target, None))
}

/// The new block holding `quote` verbatim nearest the new index `near`
/// (at equal distance, the earlier one), with where it is in that block.
fn search_near(quote: &str, joined: &JoinedText, near: usize) -> Option<(usize, Span)> {
    if quote.is_empty() || quote.contains('\0') {
        return None;
    }
    let mut best: Option<usize> = None;
    for (at, _) in joined.text.match_indices(quote) {
        let n = joined.starts.partition_point(|&start| start <= at).saturating_sub(1);
        if best.is_none_or(|b| n.abs_diff(near) < b.abs_diff(near)) {
            best = Some(n);
        } else if n > near {
            // Further on, every block is further away.
            break;
        }
    }
    let n = best?;
    find_span(joined.block(n), quote).map(|span| (n, span))
}

/// `span_of`, widened to whole words and with white space trimmed off both
/// ends: a mapped passage should not start or end inside a word.
fn trimmed_span(text: &str, start: usize, end: usize) -> Option<Span> {
    let chars: Vec<char> = text.chars().collect();
    let (mut start, mut end) = (start.min(chars.len()), end.min(chars.len()));
    while start > 0 && start < chars.len() && chars[start].is_alphanumeric() && chars[start - 1].is_alphanumeric() {
        start -= 1;
    }
    while end > 0 && end < chars.len() && chars[end].is_alphanumeric() && chars[end - 1].is_alphanumeric() {
        end += 1;
    }
    while start < end && chars[start].is_whitespace() {
        start += 1;
    }
    while end > start && chars[end - 1].is_whitespace() {
        end -= 1;
    }
    span_of(text, start, end)
}

/// Maps a character offset in the old text to the new one through `edits`.
/// Inside deleted text, the offset lands in its replacement (the insertion
/// right after it): a start counted from the replacement's end, so that a
/// passage starting at "công" replaced by "… ổn định. Công" starts at
/// "Công"; an end counted from the replacement's start, and at the end of
/// the deleted text, the end of the replacement.
fn map_offset(edits: &[WordEdit], offset: usize, is_end: bool) -> usize {
    let (mut old_at, mut new_at) = (0, 0);
    for (k, edit) in edits.iter().enumerate() {
        let len = edit.text.chars().count();
        let inside = if is_end { offset <= old_at + len } else { offset < old_at + len };
        match edit.op {
            WordOp::Insert => new_at += len,
            WordOp::Equal if inside => return new_at + offset.saturating_sub(old_at),
            WordOp::Delete if inside => {
                let replacement = match edits.get(k + 1) {
                    Some(next) if next.op == WordOp::Insert => next.text.chars().count(),
                    _ => 0,
                };
                let into = offset.saturating_sub(old_at);
                return if !is_end {
                    new_at + replacement.saturating_sub(len - into)
                } else if into == len {
                    new_at + replacement
                } else {
                    new_at + into.min(replacement)
                };
            }
            WordOp::Equal => {
                old_at += len;
                new_at += len;
            }
            WordOp::Delete => old_at += len,
        }
    }
    new_at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::testing::{blocks_from_markdown, fixture, index_starting};
    use crate::document::{RichText, Run};

    fn versions() -> (Vec<BlockContent>, Vec<BlockContent>) {
        (
            blocks_from_markdown(&fixture("so-ket-giua-nhiem-ky.v1.md")),
            blocks_from_markdown(&fixture("so-ket-giua-nhiem-ky.v2.md")),
        )
    }

    fn with_ids(contents: &[BlockContent], prefix: &str) -> Vec<Block> {
        contents
            .iter()
            .enumerate()
            .map(|(k, content)| Block { id: BlockId::new(format!("{prefix}{k}")), content: content.clone() })
            .collect()
    }

    fn spelled(words: &[WordEdit], side: WordOp) -> String {
        words.iter().filter(|w| w.op == WordOp::Equal || w.op == side).map(|w| w.text.as_str()).collect()
    }

    /// The v2 blocks with ids carried from v1, and the v1 blocks.
    fn carried() -> (Vec<Block>, Vec<Block>, Alignment) {
        let (v1, v2) = versions();
        let old = with_ids(&v1, "old");
        let mut next = 0;
        let new = carry_ids(&old, v2.clone(), || {
            next += 1;
            BlockId::new(format!("fresh{next}"))
        });
        (old, new, align(&v1, &v2))
    }

    #[test]
    fn the_second_draft_of_the_review_reports_exactly_the_edits_the_drafters_made() {
        let (v1, v2) = versions();
        let alignment = align(&v1, &v2);
        let o = |prefix: &str| Some(index_starting(&v1, prefix));
        let n = |prefix: &str| Some(index_starting(&v2, prefix));
        // Kind, old index, new index, split from.
        type Line = (ChangeKind, Option<usize>, Option<usize>, Option<usize>);
        let edits: Vec<Line> = alignment
            .changes
            .iter()
            .filter(|c| c.kind != ChangeKind::Kept)
            .map(|c| (c.kind, c.old, c.new, c.split_from))
            .collect();
        use ChangeKind::{Added, Changed};
        assert_eq!(
            edits,
            [
                (Changed, o("Dự thảo lần 1"), n("Dự thảo lần 2"), None),
                (Changed, o("Tốc độ tăng trưởng"), n("Tốc độ tăng trưởng"), None),
                (Added, None, n("Tính đến giữa nhiệm kỳ, có 7/24 chỉ tiêu"), None),
                (Changed, o("Quốc phòng, an ninh"), n("Quốc phòng, an ninh"), None),
                (Changed, o("Nguyên nhân chủ yếu"), n("Nguyên nhân khách quan"), None),
                (Added, None, n("Nguyên nhân chủ quan"), o("Nguyên nhân chủ yếu")),
                (Changed, o("Đẩy mạnh cải cách hành chính"), n("Đẩy mạnh cải cách hành chính"), None),
            ]
        );
        assert_eq!(alignment.counts(), ChangeCounts { kept: v1.len() - 5, changed: 5, added: 2, removed: 0, moved: 0 });
        // Every other block, the indicator table among them, is kept in place.
        let table = v1.iter().position(|b| matches!(b, BlockContent::Table { .. }));
        assert!(alignment.changes.iter().any(|c| c.kind == ChangeKind::Kept && c.old == table && table.is_some()));
        // The indicators paragraph comes right after the budget paragraph.
        let budget = alignment.changes.iter().position(|c| c.new == n("Thu ngân sách nhà nước"));
        let added = alignment.changes.iter().position(|c| c.new == n("Tính đến giữa nhiệm kỳ"));
        assert_eq!(budget.map(|b| b + 1), added);
        assert_eq!(alignment.changes[budget.unwrap_or(0)].kind, ChangeKind::Kept);
        // The growth paragraph's edits are word by word and name the insertion.
        let growth = alignment.changes.iter().find(|c| c.old == o("Tốc độ tăng trưởng")).map(|c| &c.words);
        let growth = growth.expect("the growth paragraph is aligned");
        assert!(growth.iter().any(|w| w.op == WordOp::Insert && w.text.contains("(GRDP)")), "{growth:?}");
        assert!(growth.iter().any(|w| w.op == WordOp::Delete && w.text.contains("thấp hơn")), "{growth:?}");
        for change in alignment.changes.iter().filter(|c| c.kind == ChangeKind::Changed) {
            let (Some(i), Some(j)) = (change.old, change.new) else { panic!("a changed line has both sides") };
            assert_eq!(spelled(&change.words, WordOp::Delete), v1[i].plain_text());
            assert_eq!(spelled(&change.words, WordOp::Insert), v2[j].plain_text());
        }
    }

    #[test]
    fn a_changed_table_gets_a_word_diff_over_its_cells() {
        let old =
            [BlockContent::table([vec!["Chỉ tiêu".into(), "Thực hiện".into()], vec!["GRDP".into(), "6,1".into()]])];
        let new =
            [BlockContent::table([vec!["Chỉ tiêu".into(), "Thực hiện".into()], vec!["GRDP".into(), "6,3".into()]])];
        let alignment = align(&old, &new);
        assert_eq!(alignment.changes.len(), 1);
        let change = &alignment.changes[0];
        assert_eq!(change.kind, ChangeKind::Changed);
        assert_eq!(
            change.words,
            [
                WordEdit { op: WordOp::Equal, text: "Chỉ tiêu\tThực hiện\nGRDP\t".into() },
                WordEdit { op: WordOp::Delete, text: "6,1".into() },
                WordEdit { op: WordOp::Insert, text: "6,3".into() },
            ]
        );
    }

    #[test]
    fn a_paragraph_moved_elsewhere_is_moved_not_removed_and_added() {
        let (v1, _) = versions();
        let moved = index_starting(&v1, "Công nghiệp chế biến");
        let mut v2 = v1.clone();
        let block = v2.remove(moved);
        let to = index_starting(&v2, "Công tác giải quyết việc làm") + 1;
        v2.insert(to, block);
        let alignment = align(&v1, &v2);
        let counts = alignment.counts();
        assert_eq!(counts, ChangeCounts { kept: v1.len() - 1, moved: 1, ..ChangeCounts::default() });
        let line = alignment.changes.iter().find(|c| c.kind == ChangeKind::Moved).expect("a moved line");
        assert_eq!((line.old, line.new, line.words.is_empty()), (Some(moved), Some(to), true));
    }

    #[test]
    fn a_paragraph_moved_and_lightly_edited_is_moved_with_word_edits() {
        let (v1, _) = versions();
        let moved = index_starting(&v1, "Công tác kiểm tra, giám sát");
        let mut v2 = v1.clone();
        v2.remove(moved);
        let edited = BlockContent::paragraph(
            "Công tác kiểm tra, giám sát được tăng cường; công tác phòng, chống tham nhũng, tiêu cực có nhiều chuyển biến rõ nét.",
        );
        v2.insert(index_starting(&v2, "Nửa đầu nhiệm kỳ"), edited);
        let alignment = align(&v1, &v2);
        let line = alignment.changes.iter().find(|c| c.kind == ChangeKind::Moved).expect("a moved line");
        assert_eq!(line.old, Some(moved));
        assert!(line.words.iter().any(|w| w.op == WordOp::Insert && w.text.contains("rõ nét")));
        assert_eq!(alignment.counts().moved, 1);
        assert_eq!(alignment.counts().kept, v1.len() - 1);
    }

    #[test]
    fn carried_ids_stay_with_kept_changed_and_first_split_blocks_and_fresh_ones_go_to_the_rest() {
        let (old, new, _) = carried();
        let (v1, v2): (Vec<BlockContent>, Vec<BlockContent>) =
            (old.iter().map(|b| b.content.clone()).collect(), new.iter().map(|b| b.content.clone()).collect());
        let id_of_old = |prefix: &str| old[index_starting(&v1, prefix)].id.clone();
        let id_of_new = |prefix: &str| new[index_starting(&v2, prefix)].id.clone();
        assert_eq!(id_of_new("Thu ngân sách"), id_of_old("Thu ngân sách"));
        assert_eq!(id_of_new("Tốc độ tăng trưởng"), id_of_old("Tốc độ tăng trưởng"));
        assert_eq!(id_of_new("Nguyên nhân khách quan"), id_of_old("Nguyên nhân chủ yếu"));
        assert_eq!(id_of_new("STT"), id_of_old("STT"));
        let fresh: Vec<&str> = new.iter().map(|b| b.id.as_str()).filter(|id| id.starts_with("fresh")).collect();
        assert_eq!(fresh, ["fresh1", "fresh2"]);
        assert_eq!(id_of_new("Tính đến giữa nhiệm kỳ").as_str(), "fresh1");
        assert_eq!(id_of_new("Nguyên nhân chủ quan").as_str(), "fresh2");
    }

    fn quote_anchor(old: &[Block], quote: &str) -> Anchor {
        let (block, span) = old
            .iter()
            .find_map(|b| find_span(&b.content.plain_text(), quote).map(|span| (b.id.clone(), span)))
            .unwrap_or_else(|| panic!("{quote:?} is in v1"));
        Anchor { block, span: Some(span) }
    }

    #[test]
    fn the_comments_on_the_first_draft_land_where_their_passages_went() {
        let (old, new, alignment) = carried();
        let v2: Vec<BlockContent> = new.iter().map(|b| b.content.clone()).collect();
        let new_id = |prefix: &str| new[index_starting(&v2, prefix)].id.clone();
        let fate = |quote: &str| carry_anchor(&quote_anchor(&old, quote), &old, &new, &alignment);

        let AnchorFate::PassageChanged(growth) = fate("thấp hơn mục tiêu Nghị quyết đề ra là 7,5%/năm")
        else {
            panic!("the growth passage was rewritten")
        };
        assert_eq!(growth.block, new_id("Tốc độ tăng trưởng"));
        let span = growth.span.expect("what the passage became");
        assert!(span.quote.starts_with("đạt 81% mục tiêu Nghị quyết"), "{span:?}");
        assert_eq!(
            span_of(&v2[index_starting(&v2, "Tốc độ tăng trưởng")].plain_text(), span.start, span.end),
            Some(span)
        );

        let budget = "Thu ngân sách nhà nước trên địa bàn năm 2022 đạt 3.850 tỷ đồng";
        assert_eq!(
            fate(budget),
            AnchorFate::Unchanged(Anchor { block: new_id("Thu ngân sách"), span: find_span(budget, budget) })
        );

        let AnchorFate::PassageChanged(defence) = fate("công tác đối ngoại được mở rộng, hiệu quả nâng lên")
        else {
            panic!("the defence paragraph was rewritten")
        };
        assert_eq!(defence.block, new_id("Quốc phòng, an ninh"));
        let span = defence.span.expect("what the passage became");
        assert_eq!(span.quote, "Công tác đối ngoại được mở rộng, hiệu quả nâng lên");

        let AnchorFate::PassageChanged(causes) =
            fate("Nguyên nhân chủ yếu là do tác động của dịch bệnh và biến đổi khí hậu")
        else {
            panic!("the causes paragraph was split and reworded")
        };
        assert_eq!(causes.block, new_id("Nguyên nhân khách quan"));
        let span = causes.span.expect("what the passage became");
        assert_eq!(span.quote, "Nguyên nhân khách quan là do tác động của dịch bệnh và biến đổi khí hậu");

        let rice = "diện tích lúa chất lượng cao đạt 78% tổng diện tích gieo trồng";
        let AnchorFate::Unchanged(kept) = fate(rice) else { panic!("the rice figure was kept") };
        assert_eq!(kept.block, new_id("Sản xuất nông nghiệp"));
        assert_eq!(kept.span.map(|s| s.quote).as_deref(), Some(rice));
    }

    #[test]
    fn a_quote_carried_into_the_later_part_of_a_split_lands_on_that_part() {
        let (old, new, alignment) = carried();
        let v2: Vec<BlockContent> = new.iter().map(|b| b.content.clone()).collect();
        let quote = "một số cấp ủy, người đứng đầu chưa thật sự quyết liệt";
        let AnchorFate::Unchanged(anchor) = carry_anchor(&quote_anchor(&old, quote), &old, &new, &alignment) else {
            panic!("the quote is still there verbatim")
        };
        let part = &new[index_starting(&v2, "Nguyên nhân chủ quan")];
        assert_eq!(anchor.block, part.id);
        assert_eq!(anchor.span, find_span(&part.content.plain_text(), quote));
    }

    #[test]
    fn whole_block_anchors_follow_kept_and_changed_blocks() {
        let (old, new, alignment) = carried();
        let v1: Vec<BlockContent> = old.iter().map(|b| b.content.clone()).collect();
        let whole = |prefix: &str| Anchor { block: old[index_starting(&v1, prefix)].id.clone(), span: None };
        let kept = whole("Thu ngân sách");
        assert_eq!(carry_anchor(&kept, &old, &new, &alignment), AnchorFate::Unchanged(kept.clone()));
        let changed = whole("Đẩy mạnh cải cách hành chính");
        assert_eq!(carry_anchor(&changed, &old, &new, &alignment), AnchorFate::PassageChanged(changed.clone()));
    }

    #[test]
    fn a_removed_passage_is_outdated_unless_its_quote_lives_on_elsewhere() {
        let (v1, _) = versions();
        let old = with_ids(&v1, "old");
        let gone = index_starting(&v1, "Công tác kiểm tra, giám sát");
        let elsewhere = index_starting(&v1, "Tiếp tục xây dựng, chỉnh đốn Đảng");
        let mut v2 = v1.clone();
        // Its second clause now ends the last paragraph of part IV.
        let last = v1[elsewhere].plain_text();
        v2[elsewhere] = BlockContent::paragraph(&format!(
            "{}; công tác phòng, chống tham nhũng, tiêu cực có nhiều chuyển biến.",
            last.trim_end_matches('.')
        ));
        v2.remove(gone);
        let new = with_ids(&v2, "new");
        let alignment = align(&v1, &v2);
        assert!(alignment.changes.iter().any(|c| c.kind == ChangeKind::Removed && c.old == Some(gone)));

        let outdated = quote_anchor(&old[gone..=gone], "Công tác kiểm tra, giám sát được tăng cường");
        assert_eq!(carry_anchor(&outdated, &old, &new, &alignment), AnchorFate::Outdated);
        let whole = Anchor { block: old[gone].id.clone(), span: None };
        assert_eq!(carry_anchor(&whole, &old, &new, &alignment), AnchorFate::Outdated);

        let quote = "công tác phòng, chống tham nhũng, tiêu cực có nhiều chuyển biến";
        let lives_on = quote_anchor(&old[gone..=gone], quote);
        let AnchorFate::PassageChanged(anchor) = carry_anchor(&lives_on, &old, &new, &alignment) else {
            panic!("the quote is still in the new version")
        };
        assert_eq!(anchor.block, new[index_starting(&v2, "Tiếp tục xây dựng")].id);
        assert_eq!(anchor.span.map(|s| s.quote).as_deref(), Some(quote));
    }

    #[test]
    fn a_lost_quote_is_looked_for_nearest_where_its_block_stood_the_earlier_block_first() {
        let texts = ["mở đầu chỉ tiêu", "hai", "chỉ tiêu ba", "bốn", "năm chỉ tiêu"];
        let blocks: Vec<BlockContent> = texts.iter().map(|t| BlockContent::paragraph(t)).collect();
        let joined = JoinedText::of(&with_ids(&blocks, "new"));
        let found = |near| search_near("chỉ tiêu", &joined, near).map(|(n, span)| (n, span.start));
        assert_eq!(found(0), Some((0, 7)));
        assert_eq!(found(3), Some((2, 0)), "blocks 2 and 4 are as near; the earlier wins");
        assert_eq!(found(4), Some((4, 4)));
        assert_eq!(search_near("chín", &joined, 2), None);
        assert_eq!(joined.block(4), "năm chỉ tiêu");
    }

    #[test]
    fn an_anchor_on_a_block_the_old_version_does_not_hold_is_outdated() {
        let (old, new, alignment) = carried();
        let stranger = Anchor { block: BlockId::new("elsewhere"), span: None };
        assert_eq!(carry_anchor(&stranger, &old, &new, &alignment), AnchorFate::Outdated);
    }

    #[test]
    fn spans_are_checked_in_characters_and_found_by_quote() {
        let text = "Tiếp thu ý kiến";
        assert_eq!(span_of(text, 0, 8), Some(Span { start: 0, end: 8, quote: "Tiếp thu".into() }));
        assert_eq!(span_of(text, 9, 15).map(|s| s.quote).as_deref(), Some("ý kiến"));
        assert_eq!(span_of(text, 9, 16), None);
        assert_eq!(span_of(text, 3, 3), None);
        assert_eq!(span_of(text, 4, 2), None);
        assert_eq!(find_span(text, "ý kiến"), Some(Span { start: 9, end: 15, quote: "ý kiến".into() }));
        assert_eq!(find_span(text, "góp ý"), None);
        assert_eq!(find_span(text, ""), None);
        assert_eq!(find_span_near("ý ý ý", "ý", 3).map(|s| s.start), Some(2));
    }

    #[test]
    fn word_edits_spell_both_texts_and_group_a_rewritten_phrase() {
        let old = "Nâng tỷ lệ hồ sơ giải quyết trực tuyến.";
        let new = "Phấn đấu đến cuối nhiệm kỳ tỷ lệ hồ sơ giải quyết trực tuyến đạt 50%.";
        let words = word_diff(old, new);
        assert_eq!(spelled(&words, WordOp::Delete), old);
        assert_eq!(spelled(&words, WordOp::Insert), new);
        assert_eq!(words[0], WordEdit { op: WordOp::Delete, text: "Nâng".into() });
        assert_eq!(words[1], WordEdit { op: WordOp::Insert, text: "Phấn đấu đến cuối nhiệm kỳ".into() });
        assert_eq!(words[2], WordEdit { op: WordOp::Equal, text: " tỷ lệ hồ sơ giải quyết trực tuyến".into() });
        assert!(words.windows(2).all(|w| w[0].op != w[1].op), "{words:?}");
    }

    #[test]
    fn a_style_only_change_is_a_change_with_no_word_edits_but_equal_text() {
        let plain = BlockContent::paragraph("Tiếp thu");
        let bold = BlockContent::Paragraph {
            text: RichText::new([Run { text: "Tiếp thu".into(), bold: true, italic: false }]),
        };
        let alignment = align(&[plain], &[bold]);
        assert_eq!(alignment.changes.len(), 1);
        assert_eq!(alignment.changes[0].kind, ChangeKind::Changed);
        assert_eq!(alignment.changes[0].words, [WordEdit { op: WordOp::Equal, text: "Tiếp thu".into() }]);
    }

    /// xorshift64*: a fixed seed gives the same cases on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    const VOCABULARY: &[&str] = &[
        "Nghị", "quyết", "tỉnh", "chỉ", "tiêu", "đạt", "vượt", "kinh", "tế", "xã", "hội", "cán", "bộ", "đảng", "viên",
        "7,5%", "3.850", "năm", "và", "của", "được", "tăng", "cường", "giảm", "nghèo",
    ];

    fn random_block(rng: &mut Rng) -> BlockContent {
        match rng.below(10) {
            0 => BlockContent::heading(3, VOCABULARY[rng.below(VOCABULARY.len())]),
            1 => BlockContent::table([vec!["STT".into(), VOCABULARY[rng.below(VOCABULARY.len())].into()]]),
            _ => {
                let words: Vec<&str> =
                    (0..3 + rng.below(15)).map(|_| VOCABULARY[rng.below(VOCABULARY.len())]).collect();
                BlockContent::paragraph(&words.join(if rng.below(2) == 0 { " " } else { ", " }))
            }
        }
    }

    fn edited(block: &BlockContent, rng: &mut Rng) -> BlockContent {
        let text = block.plain_text();
        let mut words: Vec<&str> = text.split(' ').collect();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(words.len());
            match rng.below(3) {
                0 if words.len() > 1 => {
                    words.remove(at);
                }
                1 => words.insert(at, VOCABULARY[rng.below(VOCABULARY.len())]),
                _ => words[at] = VOCABULARY[rng.below(VOCABULARY.len())],
            }
        }
        BlockContent::paragraph(&words.join(" "))
    }

    #[test]
    fn random_edits_align_every_block_once_and_word_edits_spell_both_texts() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for case in 0..300 {
            let len = rng.below(40);
            let mut pool: Vec<BlockContent> = (0..1 + len / 3).map(|_| random_block(&mut rng)).collect();
            // Repeats on purpose: long reports hold identical blocks.
            let old: Vec<BlockContent> = (0..len).map(|_| pool[rng.below(pool.len())].clone()).collect();
            let mut new = old.clone();
            for _ in 0..rng.below(8) {
                let at = rng.below(new.len() + 1);
                match rng.below(6) {
                    0 if at < new.len() => {
                        new.remove(at);
                    }
                    1 => {
                        pool.push(random_block(&mut rng));
                        new.insert(at, pool[pool.len() - 1].clone());
                    }
                    2 if at < new.len() => new[at] = edited(&new[at], &mut rng),
                    3 if at < new.len() => {
                        let block = new.remove(at);
                        let to = rng.below(new.len() + 1);
                        new.insert(to, block);
                    }
                    4 if at < new.len() => {
                        // A split: the block's words in two paragraphs.
                        let text = new[at].plain_text();
                        let words: Vec<&str> = text.split(' ').collect();
                        if words.len() >= 4 {
                            let half = words.len() / 2;
                            new[at] = BlockContent::paragraph(&words[..half].join(" "));
                            new.insert(at + 1, BlockContent::paragraph(&words[half..].join(" ")));
                        }
                    }
                    _ => {}
                }
            }
            let alignment = align(&old, &new);
            let mut old_seen = vec![0; old.len()];
            let mut new_seen = vec![0; new.len()];
            for change in &alignment.changes {
                let sides = (change.old.is_some(), change.new.is_some());
                match change.kind {
                    ChangeKind::Kept | ChangeKind::Changed | ChangeKind::Moved => assert_eq!(sides, (true, true)),
                    ChangeKind::Added => assert_eq!(sides, (false, true)),
                    ChangeKind::Removed => assert_eq!(sides, (true, false)),
                }
                if let Some(i) = change.old {
                    old_seen[i] += 1;
                }
                if let Some(j) = change.new {
                    new_seen[j] += 1;
                }
                if let (Some(i), Some(j)) = (change.old, change.new) {
                    match change.kind {
                        ChangeKind::Kept => assert_eq!(old[i], new[j], "case {case}"),
                        ChangeKind::Moved if change.words.is_empty() => assert_eq!(old[i], new[j], "case {case}"),
                        _ => {
                            assert_eq!(spelled(&change.words, WordOp::Delete), old[i].plain_text(), "case {case}");
                            assert_eq!(spelled(&change.words, WordOp::Insert), new[j].plain_text(), "case {case}");
                        }
                    }
                }
                if let Some(from) = change.split_from {
                    assert_eq!(change.kind, ChangeKind::Added);
                    assert!(from < old.len());
                }
            }
            assert!(old_seen.iter().all(|&n| n == 1), "case {case}: old {old_seen:?}\n{alignment:#?}");
            assert!(new_seen.iter().all(|&n| n == 1), "case {case}: new {new_seen:?}");
            let counts = alignment.counts();
            assert_eq!(counts.kept + counts.changed + counts.moved + counts.removed, old.len());
            assert_eq!(counts.kept + counts.changed + counts.moved + counts.added, new.len());
            // Lines keep the new version's order.
            let order: Vec<usize> = alignment.changes.iter().filter_map(|c| c.new).collect();
            assert!(order.windows(2).all(|w| w[0] < w[1]), "case {case}");
        }
    }

    #[test]
    fn a_long_report_of_repeated_sections_with_a_few_edits_aligns_to_those_edits() {
        let (v1, v2) = versions();
        let old: Vec<BlockContent> = (0..60).flat_map(|_| v1.iter().cloned()).collect();
        let mut new = old.clone();
        // In one copy, v2's edits; in others, a block gone or added.
        let copy = v1.len();
        new.splice(10 * copy..11 * copy, v2.iter().cloned());
        new.remove(30 * copy + 5);
        new.insert(45 * copy, BlockContent::paragraph("Một đoạn mới hoàn toàn về chuyển đổi số."));
        let alignment = align(&old, &new);
        let counts = alignment.counts();
        assert_eq!(counts.changed, 5);
        assert_eq!(counts.added, 3);
        assert_eq!(counts.removed, 1);
        assert_eq!(counts.moved, 0);
        assert_eq!(counts.kept, old.len() - 6);
    }
}
