//! Citation labels: how people point at a passage ("mục II.1, đoạn 2").
//!
//! Members cite passages by the report's own heading numbers and by counting
//! paragraphs, in the meeting and in the disposition table alike; the label
//! is shown next to each block so that "II.1 ¶2" on screen and "mục II.1,
//! đoạn 2" in speech name the same passage. Labels come from the text alone
//! (they are recomputed for each version), unlike block ids, which follow a
//! passage from version to version.

use super::BlockContent;

/// The citation label of each block, in order.
///
/// - A heading whose text starts with a numbering token (Roman `I.`, `IV.`;
///   Arabic `1.`, `1.2.` or `1)`; a letter `a)`) is labelled by the chain of
///   numbers of the headings above it and its own, joined by `.`: `II` for
///   "II. KẾT QUẢ ĐẠT ĐƯỢC", `II.1` for the "1. Về phát triển kinh tế" under
///   it. A heading ends the sections at its level and below, so a new `###`
///   replaces the previous `###` number. A multi-part Arabic number such as
///   `1.2` under `1` replaces the `1` rather than repeating it (`II.1.2`).
/// - Any other block is labelled by the chain it sits in and its place among
///   the passages directly in that section: `II.1 ¶2`; before any numbered
///   heading, just `¶2`.
/// - A level-1 heading without a number is the document's title: labelled
///   `""` and not counted.
/// - Any other unnumbered heading ("Phụ lục", "Nhận xét chung") ends the
///   sections at its level and below like any heading, but, having no number
///   of its own, is counted as a passage of the section it falls in
///   (`II ¶3`), and the blocks after it carry on that count. This keeps every
///   label unique within a well-numbered report, which a label must be to be
///   cited, instead of restarting "II ¶1" after a return to section II.
pub fn citation_labels<'a>(blocks: impl IntoIterator<Item = &'a BlockContent>) -> Vec<String> {
    // The open sections, outermost first: heading level, number, and how many
    // passages have been counted directly in the section so far.
    let mut chain: Vec<Section> = Vec::new();
    // Passages before any numbered heading.
    let mut outside = 0usize;
    let mut labels = Vec::new();
    for block in blocks {
        let Some(level) = block.heading_level() else {
            labels.push(passage_label(&mut chain, &mut outside));
            continue;
        };
        chain.retain(|section| section.level < level);
        match numbering(&block.plain_text()) {
            Some(number) => {
                // "1.2" under "1" stands for both: drop the "1" it repeats.
                while chain.last().is_some_and(|s| number.starts_with(&format!("{}.", s.number))) {
                    chain.pop();
                }
                chain.push(Section { level, number, passages: 0 });
                labels.push(chain_label(&chain));
            }
            None if level == 1 => labels.push(String::new()),
            None => labels.push(passage_label(&mut chain, &mut outside)),
        }
    }
    labels
}

struct Section {
    level: u8,
    number: String,
    passages: usize,
}

fn chain_label(chain: &[Section]) -> String {
    chain.iter().map(|s| s.number.as_str()).collect::<Vec<_>>().join(".")
}

/// Counts one more passage in the innermost open section and labels it.
fn passage_label(chain: &mut [Section], outside: &mut usize) -> String {
    let label = chain_label(chain);
    match chain.last_mut() {
        Some(section) => {
            section.passages += 1;
            format!("{label} ¶{}", section.passages)
        }
        None => {
            *outside += 1;
            format!("¶{outside}")
        }
    }
}

/// The numbering token a heading's text starts with, without its trailing
/// `.` or `)`: "II" from "II. KẾT QUẢ", "1.2" from "1.2. Về…", "a" from
/// "a) Về…". The token must be followed by white space or end the text, so
/// "1.5 triệu" or "Về…" are not numbers.
fn numbering(text: &str) -> Option<String> {
    let token = text.split_whitespace().next()?;
    let (last, end) = token.char_indices().last()?;
    let body = &token[..last];
    if body.is_empty() {
        return None;
    }
    let roman = end == '.' && body.len() <= 7 && body.chars().all(|c| "IVXLC".contains(c));
    let arabic = (end == '.' || end == ')')
        && body.split('.').all(|part| !part.is_empty() && part.len() <= 3 && part.chars().all(|c| c.is_ascii_digit()));
    let mut chars = body.chars();
    let letter =
        end == ')' && chars.next().is_some_and(|c| c.is_lowercase() && c.is_alphabetic()) && chars.next().is_none();
    (roman || arabic || letter).then(|| body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::testing::{blocks_from_markdown, fixture, index_starting};

    fn labels_of(markdown: &str) -> Vec<String> {
        citation_labels(&blocks_from_markdown(markdown))
    }

    #[test]
    fn the_fixture_report_is_labelled_by_its_heading_numbers_and_paragraph_counts() {
        let blocks = blocks_from_markdown(&fixture("so-ket-giua-nhiem-ky.v1.md"));
        let labels = citation_labels(&blocks);
        assert_eq!(labels.len(), blocks.len());
        let label_of = |prefix: &str| labels[index_starting(&blocks, prefix)].as_str();
        assert_eq!(label_of("BÁO CÁO SƠ KẾT"), "");
        assert_eq!(label_of("Dự thảo lần 1"), "¶1");
        assert_eq!(label_of("I. TÌNH HÌNH CHUNG"), "I");
        assert_eq!(label_of("Nửa đầu nhiệm kỳ"), "I ¶1");
        assert_eq!(label_of("Ban Chấp hành Đảng bộ tỉnh"), "I ¶2");
        assert_eq!(label_of("II. KẾT QUẢ"), "II");
        assert_eq!(label_of("1. Về phát triển kinh tế"), "II.1");
        assert_eq!(label_of("Tốc độ tăng trưởng"), "II.1 ¶1");
        assert_eq!(label_of("Sản xuất nông nghiệp"), "II.1 ¶2");
        assert_eq!(label_of("Thu ngân sách"), "II.1 ¶4");
        assert_eq!(label_of("2. Về văn hóa"), "II.2");
        assert_eq!(label_of("Công tác giải quyết việc làm"), "II.2 ¶2");
        assert_eq!(label_of("Quốc phòng, an ninh được"), "II.3 ¶1");
        assert_eq!(label_of("STT"), "II.5 ¶1");
        assert_eq!(label_of("III. HẠN CHẾ"), "III");
        assert_eq!(label_of("Nguyên nhân chủ yếu"), "III ¶2");
        assert_eq!(label_of("Đẩy mạnh cải cách hành chính"), "IV ¶2");
    }

    #[test]
    fn a_shallower_heading_ends_the_deeper_sections() {
        let labels = labels_of("## I. A\n### 1. B\n#### a) C\ntext\n### 2. D\ntext\n## II. E\ntext");
        assert_eq!(labels, ["I", "I.1", "I.1.a", "I.1.a ¶1", "I.2", "I.2 ¶1", "II", "II ¶1"]);
    }

    #[test]
    fn a_two_part_number_under_its_first_part_is_not_repeated() {
        let labels = labels_of("## II. A\n### 1. B\n#### 1.2. C\ntext\n### 2.1. D");
        assert_eq!(labels, ["II", "II.1", "II.1.2", "II.1.2 ¶1", "II.2.1"]);
    }

    #[test]
    fn an_unnumbered_heading_counts_as_a_passage_of_its_section_and_keeps_labels_unique() {
        let labels = labels_of("# Title\nlead\n## II. A\nfirst\n### 1. B\ntext\n### Nhận xét chung\nafter");
        assert_eq!(labels, ["", "¶1", "II", "II ¶1", "II.1", "II.1 ¶1", "II ¶2", "II ¶3"]);
    }

    #[test]
    fn list_items_and_tables_are_passages_too() {
        let blocks = [
            BlockContent::heading(2, "I. Chung"),
            BlockContent::ListItem { ordered: false, depth: 0, text: crate::document::RichText::plain("một") },
            BlockContent::table([vec!["a".into()]]),
        ];
        assert_eq!(citation_labels(&blocks), ["I", "I ¶1", "I ¶2"]);
    }

    #[test]
    fn only_real_numbering_tokens_count_as_numbers() {
        assert_eq!(numbering("IV. NHIỆM VỤ").as_deref(), Some("IV"));
        assert_eq!(numbering("1.2. Về").as_deref(), Some("1.2"));
        assert_eq!(numbering("3) Về").as_deref(), Some("3"));
        assert_eq!(numbering("b) Về").as_deref(), Some("b"));
        assert_eq!(numbering("1.5 triệu"), None);
        assert_eq!(numbering("Về phát triển"), None);
        assert_eq!(numbering("A. Phần"), None);
        assert_eq!(numbering("."), None);
        assert_eq!(numbering(""), None);
    }
}
