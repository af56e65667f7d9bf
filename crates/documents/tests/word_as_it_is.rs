//! Word files as Word really makes them (tests/fixtures/word, written by
//! its make_word_fixtures.py): automatic numbering, footnotes, what cannot
//! be a block, and review comments.

use gopy_documents::{ImportLimits, LeftOut, LeftOutKind, import, read_review_comments};
use gopy_domain::document::BlockContent;
use gopy_domain::document::label::citation_labels;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/word/");

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn texts(blocks: &[BlockContent]) -> Vec<String> {
    blocks.iter().map(BlockContent::plain_text).collect()
}

#[test]
fn automatic_heading_numbers_give_the_blocks_and_labels_of_the_typed_twin() {
    let limits = ImportLimits::default();
    let word = import(&read("auto-numbering.docx"), &limits).expect("the Word file");
    let typed = import(&read("auto-numbering.md"), &limits).expect("the Markdown twin");
    assert_eq!(word.blocks, typed.blocks);
    let labels = citation_labels(&word.blocks);
    let at = |prefix: &str| {
        let i = word.blocks.iter().position(|b| b.plain_text().starts_with(prefix)).unwrap_or_else(|| panic!("{prefix}"));
        labels[i].as_str()
    };
    assert_eq!(at("II. KẾT QUẢ"), "II");
    assert_eq!(at("1. Về phát triển kinh tế"), "II.1");
    assert_eq!(at("Thu ngân sách nhà nước"), "II.1 ¶2");
    assert_eq!(at("a) Giáo dục"), "II.2 ¶2");
    assert_eq!(at("b) Y tế"), "II.2 ¶3");
    assert_eq!(at("1. Đẩy mạnh cải cách"), "III.1");
    assert!(word.left_out.is_empty());
}

#[test]
fn pictures_text_boxes_equations_and_charts_leave_a_placeholder_and_are_listed_by_block() {
    let imported = import(&read("left-out.docx"), &ImportLimits::default()).expect("the Word file");
    let texts = texts(&imported.blocks);
    assert_eq!(texts[0], "I. TÌNH HÌNH CHUNG");
    assert_eq!(texts[1], "Biểu đồ tăng trưởng: [Biểu đồ]");
    assert_eq!(texts[2], "[Hình ảnh]");
    assert_eq!(texts[4], "Xem hộp bên cạnh [Hộp văn bản]");
    assert_eq!(texts[5], "Công thức tính: [Công thức]");
    assert_eq!(
        imported.left_out,
        [
            LeftOut { block: 1, kind: LeftOutKind::Chart },
            LeftOut { block: 2, kind: LeftOutKind::Picture },
            LeftOut { block: 4, kind: LeftOutKind::TextBox },
            LeftOut { block: 5, kind: LeftOutKind::Equation },
        ]
    );
    // The text box's own text is not read into the draft, once or twice.
    assert!(!texts.iter().any(|t| t.contains("Chữ trong hộp")));
}

#[test]
fn a_footnote_is_marked_where_it_stands_and_its_text_follows_the_document() {
    let imported = import(&read("left-out.docx"), &ImportLimits::default()).expect("the Word file");
    let texts = texts(&imported.blocks);
    assert_eq!(texts[3], "Chỉ tiêu thu ngân sách[1] đạt kế hoạch.");
    assert_eq!(texts.last().map(String::as_str), Some("[1] Theo Nghị quyết số 05-NQ/TU."));
}

#[test]
fn review_comments_come_with_the_text_they_cover_and_their_block() {
    let draft = read_review_comments(&read("review-comments.docx"), &ImportLimits::default()).expect("the copy");
    assert_eq!(draft.comments.len(), 3);
    let first = &draft.comments[0];
    assert_eq!(first.id, "0");
    assert_eq!(first.author.as_deref(), Some("Nguyễn Văn Bình"));
    assert_eq!(first.text, "Đề nghị ghi rõ số vượt dự toán của từng năm.");
    assert_eq!(first.quote(), "vượt dự toán được giao");
    assert_eq!(draft.blocks[first.parts[0].block].plain_text(), "Thu ngân sách nhà nước vượt dự toán được giao hằng năm.");
    let gone = &draft.comments[1];
    assert_eq!(gone.quote(), "Nội dung này đã được lược bỏ ở dự thảo hiện hành.");
    let point = &draft.comments[2];
    assert_eq!(point.quote(), "");
    assert_eq!(point.parts.len(), 1);
    assert_eq!(draft.blocks[point.parts[0].block].plain_text(), "Công tác giảm nghèo đạt kết quả tích cực.");
}

#[test]
fn a_word_file_without_comments_has_none_and_other_files_are_refused() {
    let limits = ImportLimits::default();
    let draft = read_review_comments(&read("auto-numbering.docx"), &limits).expect("a Word file");
    assert!(draft.comments.is_empty());
    assert!(read_review_comments(b"# not a zip", &limits).is_err());
    assert!(read_review_comments(&read("auto-numbering.docx")[..500], &limits).is_err());
}

/// The parts of a fixture, as text.
fn parts(name: &str) -> Vec<(String, String)> {
    let bytes = read(name);
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).expect("a part");
            let mut text = String::new();
            std::io::Read::read_to_string(&mut file, &mut text).expect("text");
            (file.name().expect("a name").to_string(), text)
        })
        .collect()
}

fn zipped(parts: &[(String, String)]) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in parts {
        out.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).expect("a part");
        std::io::Write::write_all(&mut out, text.as_bytes()).expect("written");
    }
    out.finish().expect("a zip").into_inner()
}

/// A stable cousin of the fuzz targets: every part of the fixtures cut
/// short at many places, and with elements swapped for their neighbours,
/// is read or refused by both Word readers, never a panic.
#[test]
fn damaged_parts_of_the_fixtures_are_read_or_refused_without_a_panic() {
    let mut tried = 0;
    for fixture in ["review-comments.docx", "left-out.docx", "auto-numbering.docx"] {
        let original = parts(fixture);
        for (i, (_, text)) in original.iter().enumerate() {
            let cuts = (0..text.len()).step_by(97).filter(|at| text.is_char_boundary(*at));
            let swaps = text.match_indices('<').map(|(at, _)| at).step_by(5);
            let damaged = cuts
                .map(|at| text[..at].to_owned())
                .chain(swaps.map(|at| {
                    let mut t = text.clone();
                    t.insert_str(at, "</w:p><w:commentRangeStart w:id=\"0\"/>");
                    t
                }));
            for text in damaged {
                let mut copy = original.clone();
                copy[i].1 = text;
                let bytes = zipped(&copy);
                for target in ["docx", "comments"] {
                    let outcome = std::panic::catch_unwind(|| gopy_documents::fuzzing::run(target, &bytes));
                    assert!(outcome.is_ok(), "{target} panicked on {fixture} with {} damaged", copy[i].0);
                    tried += 1;
                }
            }
        }
    }
    assert!(tried > 500, "only {tried} damaged files");
}
