//! The drafting team's answer desk: comments that say the same thing
//! grouped to be answered once, answer templates with placeholders, and
//! the rule that an answer is a draft until the team's lead publishes it.
//!
//! Grouping is a suggestion the team confirms or splits, so it favours
//! speed over recall: it must stay linear in the comments of a report
//! (hundreds after a round, a thousand for a large one), never compare
//! every pair. Comments are bucketed by passage, then by MinHash bands of
//! their folded text's shingles; only comments that share a bucket are
//! compared, each against a bounded few earlier members of the bucket.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::document::BlockId;
use crate::search::fold_for_search;
use crate::text::TextError;
use crate::{CommentId, CommitteeId, DispositionKind};

/// A comment as grouping sees it: where it points and what it says.
#[derive(Clone, Debug)]
pub struct GroupCandidate<'a> {
    pub comment: CommentId,
    /// The passage (`None`: the whole report) and the character span in it.
    pub block: Option<&'a BlockId>,
    pub span: Option<(usize, usize)>,
    pub text: &'a str,
}

/// Shingles of at least this share in common make two texts "the same".
pub const SIMILARITY: f64 = 0.4;
/// MinHash functions; bands × rows of the banding.
const BANDS: usize = 12;
const ROWS: usize = 2;
/// Each comment is compared with at most this many earlier members of a
/// bucket: a bucket of a thousand identical comments costs a thousand
/// comparisons, not half a million.
const PER_BUCKET: usize = 4;

/// Suggested groups of comments that say the same thing, each of two or
/// more, in the order of their first comment among `candidates`.
pub fn suggest_groups(candidates: &[GroupCandidate<'_>]) -> Vec<Vec<CommentId>> {
    let shingles: Vec<HashSet<u64>> = candidates.iter().map(|c| shingles_of(c.text)).collect();
    let mut parents: Vec<usize> = (0..candidates.len()).collect();
    let mut buckets: HashMap<(Option<&BlockId>, usize, u64), Vec<usize>> = HashMap::new();
    for (i, candidate) in candidates.iter().enumerate() {
        if shingles[i].is_empty() {
            continue;
        }
        let signature = min_hashes(&shingles[i]);
        for band in 0..BANDS {
            let key = band_hash(&signature[band * ROWS..(band + 1) * ROWS]);
            let members = buckets.entry((candidate.block, band, key)).or_default();
            for &j in members.iter().take(PER_BUCKET) {
                if find(&mut parents, i) != find(&mut parents, j)
                    && overlaps(candidate, &candidates[j])
                    && jaccard(&shingles[i], &shingles[j]) >= SIMILARITY
                {
                    union(&mut parents, i, j);
                }
            }
            members.push(i);
        }
    }
    let mut groups: Vec<Vec<CommentId>> = Vec::new();
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    for i in 0..candidates.len() {
        let root = find(&mut parents, i);
        let at = *group_of_root.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[at].push(candidates[i].comment);
    }
    groups.retain(|g| g.len() > 1);
    groups
}

/// Two comments on one passage whose spans (if both have one) overlap.
fn overlaps(a: &GroupCandidate<'_>, b: &GroupCandidate<'_>) -> bool {
    a.block == b.block
        && match (a.span, b.span) {
            (Some((a0, a1)), Some((b0, b1))) => a0 < b1 && b0 < a1,
            _ => true,
        }
}

/// The folded text's word pairs (its single word when it has one), hashed:
/// tones, `đ` and case do not tell two texts apart.
fn shingles_of(text: &str) -> HashSet<u64> {
    let folded = fold_for_search(text);
    let words: Vec<&str> = folded.split(' ').filter(|w| !w.is_empty()).collect();
    match words.len() {
        0 => HashSet::new(),
        1 => std::iter::once(fnv(words[0].as_bytes(), 0)).collect(),
        _ => words.windows(2).map(|pair| fnv(pair[1].as_bytes(), fnv(pair[0].as_bytes(), 0) ^ 0x9e37_79b9)).collect(),
    }
}

/// FNV-1a, seeded: stable across runs and builds, unlike the std hasher.
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn min_hashes(shingles: &HashSet<u64>) -> [u64; BANDS * ROWS] {
    let mut signature = [u64::MAX; BANDS * ROWS];
    for &s in shingles {
        for (k, slot) in signature.iter_mut().enumerate() {
            // A cheap family of hash functions: multiply-xorshift with a seed per k.
            let mut h = s ^ (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            h = (h ^ (h >> 31)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            h ^= h >> 29;
            *slot = (*slot).min(h);
        }
    }
    signature
}

fn band_hash(rows: &[u64]) -> u64 {
    rows.iter().fold(0, |acc, r| fnv(&r.to_le_bytes(), acc))
}

fn jaccard(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    let common = a.intersection(b).count();
    let all = a.len() + b.len() - common;
    if all == 0 { 0.0 } else { common as f64 / all as f64 }
}

fn find(parents: &mut [usize], mut i: usize) -> usize {
    while parents[i] != i {
        parents[i] = parents[parents[i]];
        i = parents[i];
    }
    i
}

fn union(parents: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parents, a), find(parents, b));
    if ra != rb {
        // The earlier comment stays the root: groups keep their first comment.
        parents[ra.max(rb)] = ra.min(rb);
    }
}

/// Why comments cannot form a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GroupProblem {
    #[error("a group needs at least two comments")]
    TooFew,
    #[error("a group holds comments of one report only")]
    AcrossReports,
    #[error("replies and withdrawn comments are not grouped")]
    NotAComment,
}

// --- Answer templates ------------------------------------------------------------

/// What a template's placeholders stand for, filled in for each comment.
pub const PLACEHOLDERS: &[&str] = &["commenter", "version", "passage"];

/// A template's name: one line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TemplateName(String);

impl TemplateName {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        crate::text::single_line(raw, Self::MAX_CHARS).map(Self)
    }
}

crate::text::text_newtype!(TemplateName);

/// Why a template's text was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TemplateProblem {
    #[error(transparent)]
    Text(#[from] TextError),
    /// `{…}` names nothing Gopy can fill in.
    #[error("unknown placeholder {{{0}}}")]
    UnknownPlaceholder(String),
    /// A `{` with no `}` after it, or a `}` with no `{` before it.
    #[error("a brace is not closed")]
    Unclosed,
}

/// A template's text: a comment's text whose `{commenter}`, `{version}`
/// and `{passage}` are filled in for each comment it answers. Braces are
/// for placeholders only, so a typing slip is caught, not mailed.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TemplateText(String);

impl TemplateText {
    pub fn parse(raw: &str) -> Result<Self, TemplateProblem> {
        let text = crate::text::multi_line(raw, crate::CommentText::MAX_CHARS)?;
        placeholders(&text)?;
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text with each placeholder replaced by its value.
    pub fn fill(&self, values: &TemplateValues) -> String {
        let mut out = String::with_capacity(self.0.len());
        let mut rest = self.0.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
            let value = match &rest[open + 1..close] {
                "commenter" => values.commenter.as_str(),
                "version" => values.version.as_str(),
                _ => values.passage.as_str(),
            };
            out.push_str(value);
            rest = &rest[(close + 1).min(rest.len())..];
        }
        out.push_str(rest);
        out
    }
}

impl TryFrom<String> for TemplateText {
    type Error = TemplateProblem;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TemplateText> for String {
    fn from(value: TemplateText) -> Self {
        value.0
    }
}

/// The placeholders `text` names, checked.
fn placeholders(text: &str) -> Result<Vec<&str>, TemplateProblem> {
    let mut found = Vec::new();
    let mut rest = text;
    loop {
        let open = rest.find('{');
        let close = rest.find('}');
        match (open, close) {
            (None, None) => return Ok(found),
            (Some(o), Some(c)) if o < c => {
                let name = rest[o + 1..c].trim();
                if !PLACEHOLDERS.contains(&name) || name != &rest[o + 1..c] {
                    return Err(TemplateProblem::UnknownPlaceholder(rest[o + 1..c].to_owned()));
                }
                found.push(name);
                rest = &rest[c + 1..];
            }
            _ => return Err(TemplateProblem::Unclosed),
        }
    }
}

/// The values a template is filled with for one comment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TemplateValues {
    /// Who commented: the body it speaks for, or the person.
    pub commenter: String,
    /// The version the comment was made on, as a number.
    pub version: String,
    /// The passage's citation label, or the words for the whole report.
    pub passage: String,
}

/// An answer template of a committee's drafting teams.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerTemplate {
    pub id: crate::AnswerTemplateId,
    pub committee: CommitteeId,
    pub name: TemplateName,
    /// The disposition it answers with.
    pub kind: DispositionKind,
    pub text: TemplateText,
    pub created_by: crate::UserId,
    pub created_at: time::OffsetDateTime,
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn id(n: u128) -> CommentId {
        CommentId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn the_same_words_with_or_without_tones_on_one_passage_are_grouped() {
        let b1 = BlockId::new("b1");
        let b2 = BlockId::new("b2");
        let candidates = [
            GroupCandidate { comment: id(1), block: Some(&b1), span: None, text: "Đề nghị bổ sung số liệu về tăng trưởng kinh tế năm 2023." },
            GroupCandidate { comment: id(2), block: Some(&b2), span: None, text: "Đề nghị bổ sung số liệu về tăng trưởng kinh tế năm 2023." },
            GroupCandidate { comment: id(3), block: Some(&b1), span: None, text: "de nghi bo sung so lieu ve tang truong kinh te nam 2023" },
            GroupCandidate { comment: id(4), block: Some(&b1), span: None, text: "Cần nêu rõ nguyên nhân của hạn chế." },
            GroupCandidate { comment: id(5), block: Some(&b1), span: Some((0, 10)), text: "ĐỀ NGHỊ BỔ SUNG SỐ LIỆU về tăng trưởng kinh tế" },
        ];
        assert_eq!(suggest_groups(&candidates), vec![vec![id(1), id(3), id(5)]]);
    }

    #[test]
    fn spans_that_do_not_overlap_are_different_passages() {
        let b = BlockId::new("b");
        let text = "Đề nghị bổ sung số liệu về tăng trưởng";
        let candidates = [
            GroupCandidate { comment: id(1), block: Some(&b), span: Some((0, 5)), text },
            GroupCandidate { comment: id(2), block: Some(&b), span: Some((10, 20)), text },
        ];
        assert!(suggest_groups(&candidates).is_empty());
    }

    #[test]
    fn a_template_names_only_known_placeholders() {
        assert!(TemplateText::parse("Cảm ơn {commenter}; đã sửa {passage} ở bản {version}.").is_ok());
        assert_eq!(TemplateText::parse("Cảm ơn {nguoi_gop_y}."), Err(TemplateProblem::UnknownPlaceholder("nguoi_gop_y".into())));
        assert_eq!(TemplateText::parse("Cảm ơn {commenter."), Err(TemplateProblem::Unclosed));
        assert_eq!(TemplateText::parse("Cảm ơn commenter}."), Err(TemplateProblem::Unclosed));
        assert_eq!(TemplateText::parse("  "), Err(TemplateProblem::Text(TextError::Empty)));
    }

    #[test]
    fn a_template_is_filled_for_each_comment() {
        let text = TemplateText::parse("Tiếp thu ý kiến của {commenter} tại {passage} (dự thảo lần {version}).").expect("template");
        let values = TemplateValues { commenter: "Sở Tài chính".into(), version: "1".into(), passage: "II.1 ¶2".into() };
        assert_eq!(text.fill(&values), "Tiếp thu ý kiến của Sở Tài chính tại II.1 ¶2 (dự thảo lần 1).");
    }
}
