//! Blocks written by either exporter read back to the same blocks, on
//! content chosen to break naive writers.

use gopy_documents::{
    ImportLimits, TitleBlock, export_docx, export_markdown, import, import_markdown,
};
use gopy_domain::document::{BlockContent, RichText, Run};

fn title() -> TitleBlock {
    TitleBlock {
        organisation: "Ban Tuyên giáo Tỉnh ủy".into(),
        place_and_date: "Cà Mau, ngày 27 tháng 6 năm 2023".into(),
        version_label: "Dự thảo lần 2".into(),
    }
}

fn via_markdown(blocks: &[BlockContent]) -> Vec<BlockContent> {
    let markdown = export_markdown(blocks);
    import_markdown(&markdown, &ImportLimits::default())
        .unwrap_or_else(|e| panic!("{e}\n{markdown}"))
        .blocks
}

fn via_word(blocks: &[BlockContent]) -> Vec<BlockContent> {
    let docx = export_docx(&title(), blocks).expect("export");
    import(&docx, &ImportLimits::default())
        .expect("import")
        .blocks
}

fn run(text: &str, bold: bool, italic: bool) -> Run {
    Run {
        text: text.into(),
        bold,
        italic,
    }
}

fn item(ordered: bool, depth: u8, text: &str) -> BlockContent {
    BlockContent::ListItem {
        ordered,
        depth,
        text: RichText::plain(text),
    }
}

fn tricky() -> Vec<BlockContent> {
    vec![
        BlockContent::heading(1, "Báo cáo #1 về *dấu* # và | ống"),
        BlockContent::heading(2, "I. Phần có dấu # ở cuối #"),
        BlockContent::paragraph("# không phải tiêu đề"),
        BlockContent::paragraph("1. không phải danh sách, 2) cũng không"),
        BlockContent::paragraph("- không phải gạch đầu dòng"),
        BlockContent::paragraph("+ cũng không"),
        BlockContent::paragraph("---"),
        BlockContent::paragraph("==="),
        BlockContent::paragraph("> không phải trích dẫn"),
        BlockContent::paragraph("<script>alert('x')</script> & &amp; &#169;"),
        BlockContent::paragraph(
            "Dấu *sao*, _gạch_, `mã`, [liên kết](http://a.vn), ![ảnh](x.png), \\ và ~~gạch~~ | ống",
        ),
        BlockContent::Paragraph {
            text: RichText::new([
                run("Khẳng định ", false, true),
                run("rất quan trọng", true, true),
                run(" trong cả ", false, true),
                run("nhiệm kỳ", true, true),
            ]),
        },
        BlockContent::Paragraph {
            text: RichText::new([
                run("Tăng ", false, false),
                run("5%", true, false),
                run(" so với *năm* trước", false, false),
            ]),
        },
        item(false, 0, "Mục một"),
        item(false, 1, "Mục con"),
        item(true, 2, "Mục cháu có số"),
        item(true, 2, "1. mục cháu thứ hai"),
        item(false, 1, "- con thứ hai"),
        item(true, 0, "Danh sách có số"),
        item(true, 1, "Con của mục có số"),
        item(false, 1, "Con gạch đầu dòng"),
        BlockContent::paragraph("Đoạn giữa hai danh sách."),
        item(true, 0, "Danh sách mới"),
        BlockContent::table([
            vec!["STT".into(), "Chỉ tiêu | đơn vị".into(), "*".into()],
            vec!["1".into(), "".into(), "a\\b".into()],
            vec!["2".into(), "# x".into(), "<b>".into()],
        ]),
        BlockContent::Paragraph {
            text: RichText::new([
                run("Theo (", false, false),
                run("Nghị quyết", true, false),
                run(") và \"", false, false),
                run("đề án", false, true),
                run("\".", false, false),
            ]),
        },
        BlockContent::heading(6, "Mức sáu"),
    ]
}

#[test]
fn tricky_content_survives_a_round_trip_through_markdown() {
    let blocks = tricky();
    assert_eq!(
        via_markdown(&blocks),
        blocks,
        "{}",
        export_markdown(&blocks)
    );
}

#[test]
fn tricky_content_survives_a_round_trip_through_word() {
    let blocks = tricky();
    assert_eq!(via_word(&blocks), blocks);
}

#[test]
fn a_bold_phrase_inside_an_italic_sentence_is_written_with_nested_marks() {
    let blocks = [BlockContent::Paragraph {
        text: RichText::new([
            run("Khẳng định ", false, true),
            run("rất", true, true),
            run(" rõ", false, true),
        ]),
    }];
    assert_eq!(export_markdown(&blocks), "*Khẳng định **rất** rõ*\n");
}

#[test]
fn headings_without_a_title_keep_their_levels_through_word() {
    let blocks = vec![
        BlockContent::heading(2, "I. Phần"),
        BlockContent::heading(3, "1. Mục"),
        BlockContent::paragraph("x"),
    ];
    assert_eq!(via_word(&blocks), blocks);
}

/// Every sequence of three styled words, touching or spaced: no text is
/// lost either way, and where styles change at spaces Markdown and Word
/// agree on the runs exactly. (A style change inside a word cannot always
/// be written in Markdown; see `export_markdown`.)
#[test]
fn every_combination_of_styles_reads_back_the_same_from_both_formats() {
    let styles = [(false, false), (true, false), (false, true), (true, true)];
    for a in styles {
        for b in styles {
            for c in styles {
                for spaced in [false, true] {
                    let gap = if spaced { " " } else { "" };
                    let runs = [
                        run(&format!("xa{gap}"), a.0, a.1),
                        run(&format!("yb{gap}"), b.0, b.1),
                        run("zc", c.0, c.1),
                    ];
                    let blocks = vec![BlockContent::Paragraph {
                        text: RichText::new(runs),
                    }];
                    let word = via_word(&blocks);
                    assert_eq!(word[0].plain_text(), blocks[0].plain_text());
                    let markdown = via_markdown(&word);
                    assert_eq!(
                        markdown[0].plain_text(),
                        word[0].plain_text(),
                        "{}",
                        export_markdown(&word)
                    );
                    if spaced {
                        assert_eq!(
                            markdown,
                            word,
                            "{a:?} {b:?} {c:?}: {}",
                            export_markdown(&word)
                        );
                    }
                    assert_eq!(via_word(&word), word);
                }
            }
        }
    }
}
