//! The Done-when checks on the real report fixtures: Markdown and Word twins
//! give the same blocks, and both exports read back to the blocks exported.

use gopy_documents::{
    ImportLimits, SourceFormat, TitleBlock, export_docx, export_markdown, import, import_markdown,
};
use gopy_domain::document::BlockContent;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/reports/"
);

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

fn blocks(name: &str) -> Vec<BlockContent> {
    import(&read(name), &ImportLimits::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .blocks
}

const TWINS: [&str; 3] = [
    "so-ket-giua-nhiem-ky.v1",
    "so-ket-giua-nhiem-ky.v2",
    "kiem-diem-giua-nhiem-ky.v1",
];

fn title() -> TitleBlock {
    TitleBlock {
        organisation: "Tỉnh ủy Cà Mau".into(),
        place_and_date: "Cà Mau, ngày 27 tháng 6 năm 2023".into(),
        version_label: "Dự thảo lần 2".into(),
    }
}

#[test]
fn each_markdown_fixture_and_its_word_twin_give_the_same_blocks() {
    for name in TWINS {
        let markdown = blocks(&format!("{name}.md"));
        let word = blocks(&format!("{name}.docx"));
        assert_eq!(markdown, word, "{name}");
    }
}

#[test]
fn the_formats_are_told_from_the_content() {
    let limits = ImportLimits::default();
    for name in TWINS {
        assert_eq!(
            import(&read(&format!("{name}.md")), &limits).map(|i| i.format),
            Ok(SourceFormat::Markdown)
        );
        assert_eq!(
            import(&read(&format!("{name}.docx")), &limits).map(|i| i.format),
            Ok(SourceFormat::Docx)
        );
    }
}

#[test]
fn the_italic_subtitle_comes_out_as_one_italic_run_from_both_formats() {
    for extension in ["md", "docx"] {
        let blocks = blocks(&format!("so-ket-giua-nhiem-ky.v1.{extension}"));
        let BlockContent::Paragraph { text } = &blocks[1] else {
            panic!("{extension}: {:?}", blocks[1])
        };
        assert_eq!(text.runs().len(), 1, "{extension}");
        assert!(text.runs()[0].italic, "{extension}");
        assert_eq!(
            text.text(),
            "Dự thảo lần 1 — Ban Tuyên giáo Tỉnh ủy chuẩn bị"
        );
    }
}

#[test]
fn the_decomposed_markdown_gives_the_same_blocks_as_the_composed_one() {
    assert_eq!(
        blocks("so-ket-giua-nhiem-ky.v1.nfd.md"),
        blocks("so-ket-giua-nhiem-ky.v1.md")
    );
}

#[test]
fn the_indicator_table_is_one_block_of_25_rows_and_5_columns() {
    for extension in ["md", "docx"] {
        let blocks = blocks(&format!("so-ket-giua-nhiem-ky.v1.{extension}"));
        let tables: Vec<_> = blocks
            .iter()
            .filter_map(|b| match b {
                BlockContent::Table { rows } => Some(rows),
                _ => None,
            })
            .collect();
        assert_eq!(tables.len(), 1, "{extension}");
        assert_eq!(tables[0].len(), 25, "{extension}");
        assert!(tables[0].iter().all(|row| row.len() == 5), "{extension}");
        assert_eq!(tables[0][0][3], "Mục tiêu Nghị quyết");
    }
}

#[test]
fn headings_follow_title_parts_and_sections() {
    let blocks = blocks("so-ket-giua-nhiem-ky.v1.docx");
    let levels: Vec<u8> = blocks
        .iter()
        .filter_map(BlockContent::heading_level)
        .collect();
    assert_eq!(levels, [1, 2, 2, 3, 3, 3, 3, 3, 2, 2]);
}

#[test]
fn every_fixture_survives_a_round_trip_through_word() {
    for name in TWINS
        .iter()
        .map(|n| format!("{n}.md"))
        .chain(["so-ket-giua-nhiem-ky.v1.nfd.md".to_owned()])
    {
        let original = blocks(&name);
        let docx = export_docx(&title(), &original).expect("export");
        assert_eq!(blocks_of(&docx), original, "{name}");
    }
}

#[test]
fn every_fixture_survives_a_round_trip_through_markdown() {
    for name in TWINS
        .iter()
        .flat_map(|n| [format!("{n}.md"), format!("{n}.docx")])
    {
        let original = blocks(&name);
        let markdown = export_markdown(&original);
        let back = import_markdown(&markdown, &ImportLimits::default())
            .expect("import")
            .blocks;
        assert_eq!(back, original, "{name}");
    }
}

fn blocks_of(bytes: &[u8]) -> Vec<BlockContent> {
    import(bytes, &ImportLimits::default())
        .expect("import")
        .blocks
}
