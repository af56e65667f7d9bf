//! Search that understands Vietnamese typed on a phone: "tham nhung" finds
//! "tham nhũng", "dang vien" finds "đảng viên", "hòa" finds "hoà".
//!
//! Text is indexed in a folded form: tones and other marks dropped, `đ` as
//! `d`, lower case, and anything that is not a letter or a digit as a single
//! space. A query is folded the same way, so matching is plain substring
//! matching that both database engines do alike; quotes ask for a phrase.

use serde::Serialize;

use crate::text::fold;

/// The longest query taken; longer ones are refused, not cut.
pub const MAX_QUERY_CHARS: usize = 200;

/// Folds text for the index: see the module's documentation.
pub fn fold_for_search(text: &str) -> String {
    folded_with_positions(text).0
}

/// The folded text and, for each of its characters, the position of the
/// character of `text` it came from, so a match can be shown in the original.
pub fn folded_with_positions(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut positions = Vec::with_capacity(text.len());
    let mut last_space = true;
    for (i, c) in crate::text::nfc(text).chars().enumerate() {
        let base = fold(&c.to_string());
        let mut pushed = false;
        for b in base.chars() {
            if b.is_alphanumeric() {
                folded.push(b);
                positions.push(i);
                pushed = true;
            }
        }
        if !pushed && !last_space {
            folded.push(' ');
            positions.push(i);
        }
        last_space = !pushed;
    }
    if folded.ends_with(' ') {
        folded.pop();
        positions.pop();
    }
    (folded, positions)
}

/// A query, folded: the words to find anywhere, and the phrases to find whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Query {
    pub words: Vec<String>,
    pub phrases: Vec<String>,
}

/// Why a query cannot be run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryProblem {
    #[error("the query has nothing to search for")]
    Empty,
    #[error("the query is {actual} characters long; at most {max} are taken")]
    TooLong { max: usize, actual: usize },
}

impl Query {
    pub fn parse(raw: &str) -> Result<Self, QueryProblem> {
        let actual = raw.chars().count();
        if actual > MAX_QUERY_CHARS {
            return Err(QueryProblem::TooLong { max: MAX_QUERY_CHARS, actual });
        }
        let mut words = Vec::new();
        let mut phrases = Vec::new();
        // Quotes of either kind people type: "…", “…”.
        let normalised = raw.replace(['“', '”'], "\"");
        for (i, part) in normalised.split('"').enumerate() {
            let folded = fold_for_search(part);
            if folded.is_empty() {
                continue;
            }
            if i % 2 == 1 {
                phrases.push(folded);
            } else {
                words.extend(folded.split(' ').map(str::to_owned));
            }
        }
        words.sort();
        words.dedup();
        if words.is_empty() && phrases.is_empty() {
            return Err(QueryProblem::Empty);
        }
        Ok(Self { words, phrases })
    }

    /// Every needle the folded text must hold.
    pub fn needles(&self) -> impl Iterator<Item = &str> {
        self.phrases.iter().chain(&self.words).map(String::as_str)
    }

    /// How well `folded` answers the query: 0 if it does not, else more for
    /// more occurrences and for whole words and phrases.
    pub fn score(&self, folded: &str) -> u32 {
        if !self.needles().all(|n| folded.contains(n)) {
            return 0;
        }
        let padded = format!(" {folded} ");
        let mut score = 0;
        for phrase in &self.phrases {
            score += 10 * folded.matches(phrase.as_str()).count() as u32;
        }
        for word in &self.words {
            score += folded.matches(word.as_str()).count() as u32;
            score += 3 * padded.matches(&format!(" {word} ")).count() as u32;
        }
        score
    }

    /// The stretches of `text` (in character offsets) that match, for
    /// highlighting; overlapping ones, and words one space apart, are merged.
    pub fn highlights(&self, text: &str) -> Vec<(usize, usize)> {
        let (folded, positions) = folded_with_positions(text);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for needle in self.needles() {
            let needle_chars = needle.chars().count();
            let mut chars_before = 0;
            let mut seen = 0;
            for (at, _) in folded.match_indices(needle) {
                chars_before += folded[seen..at].chars().count();
                seen = at;
                let (Some(&start), Some(&end)) =
                    (positions.get(chars_before), positions.get(chars_before + needle_chars - 1))
                else {
                    continue;
                };
                spans.push((start, end + 1));
            }
        }
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (start, end) in spans {
            match merged.last_mut() {
                Some(last) if start <= last.1 + 1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn queries_without_tones_find_text_with_them_in_any_form() {
        let text = "Công tác phòng, chống tham nhũng; kết nạp đảng viên mới; hoà giải ở cơ sở.";
        let folded = fold_for_search(text);
        for query in ["tham nhung", "dang vien", "hòa", "hoà", "THAM NHŨNG", "\"phong chong tham nhung\""] {
            let q = Query::parse(query).expect("a query");
            assert!(q.score(&folded) > 0, "{query} should find the text");
        }
        let decomposed: String = "tham nhũng".nfd().collect();
        assert!(Query::parse(&decomposed).expect("query").score(&folded) > 0);
        assert_eq!(Query::parse("\"nhung tham\"").expect("query").score(&folded), 0, "a phrase is found whole");
    }

    #[test]
    fn empty_punctuation_and_overlong_queries_are_refused_and_syntax_is_only_text() {
        assert_eq!(Query::parse("   "), Err(QueryProblem::Empty));
        assert_eq!(Query::parse("?!.,;\"\""), Err(QueryProblem::Empty));
        let long = "a".repeat(MAX_QUERY_CHARS + 1);
        assert!(matches!(Query::parse(&long), Err(QueryProblem::TooLong { .. })));
        let q = Query::parse("50% _x_ 'OR 1=1 --").expect("a query");
        assert_eq!(q.words, ["1", "50", "or", "x"]);
    }

    #[test]
    fn highlights_point_at_the_original_text() {
        let text = "Kết nạp đảng viên mới.";
        let q = Query::parse("dang vien").expect("query");
        let spans = q.highlights(text);
        let chars: Vec<char> = text.chars().collect();
        let shown: Vec<String> = spans.iter().map(|(s, e)| chars[*s..*e].iter().collect()).collect();
        assert_eq!(shown, ["đảng viên"]);
    }

    #[test]
    fn whole_words_and_phrases_rank_above_parts_of_words() {
        let q = Query::parse("dang").expect("query");
        assert!(q.score(&fold_for_search("đảng viên")) > q.score(&fold_for_search("đang dạng")) / 2);
        assert!(q.score(&fold_for_search("Đảng bộ, đảng viên")) > q.score(&fold_for_search("đảng viên")));
    }
}

/// What an indexed text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A passage of a version.
    Passage,
    Comment,
    /// The drafting team's response to a comment.
    Answer,
    Minutes,
    Conclusion,
}

crate::organisation::stored_as_snake_case!(
    EntryKind, "search entry kind",
    Passage => "passage", Comment => "comment", Answer => "answer", Minutes => "minutes", Conclusion => "conclusion",
);

/// One indexed text and where it belongs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub kind: EntryKind,
    pub committee: crate::CommitteeId,
    pub report: Option<crate::ReportId>,
    pub meeting: Option<uuid::Uuid>,
    pub version: Option<u32>,
    /// A passage of the latest version (searched by default).
    pub latest: bool,
    pub block: Option<String>,
    pub comment: Option<crate::CommentId>,
    pub author: Option<crate::UserId>,
    pub at: time::OffsetDateTime,
    pub text: String,
}
