//! Test-only helpers: the domain has no Markdown importer, yet its tests
//! want the shared fixture reports as blocks. This reads just the Markdown
//! those fixtures use, and nothing more.

use super::{BlockContent, RichText, Run};

/// The text of a fixture under `tests/fixtures/reports/`, read
/// relative to the crate so the path works from any worktree.
pub(crate) fn fixture(name: &str) -> String {
    let path = format!("{}/../../tests/fixtures/reports/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Blocks from the fixtures' Markdown: `#` lines are headings, a run of `|`
/// lines is one table (cells trimmed, the `|---|` row skipped), a `*…*` line
/// is an italic paragraph, any other non-empty line a paragraph.
pub(crate) fn blocks_from_markdown(markdown: &str) -> Vec<BlockContent> {
    let mut blocks = Vec::new();
    let mut table: Vec<Vec<String>> = Vec::new();
    for line in markdown.lines().map(str::trim) {
        if line.starts_with('|') {
            let cells: Vec<String> = line.trim_matches('|').split('|').map(|cell| cell.trim().to_owned()).collect();
            let separator = cells.iter().all(|c| !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':'));
            if !separator {
                table.push(cells);
            }
            continue;
        }
        if !table.is_empty() {
            blocks.push(BlockContent::table(std::mem::take(&mut table)));
        }
        if line.is_empty() {
            continue;
        }
        let hashes = line.chars().take_while(|&c| c == '#').count();
        if hashes > 0 {
            blocks.push(BlockContent::heading(hashes as u8, line[hashes..].trim()));
        } else if line.len() > 2 && line.starts_with('*') && line.ends_with('*') {
            let inner = &line[1..line.len() - 1];
            blocks.push(BlockContent::Paragraph {
                text: RichText::new([Run { text: inner.to_owned(), bold: false, italic: true }]),
            });
        } else {
            blocks.push(BlockContent::paragraph(line));
        }
    }
    if !table.is_empty() {
        blocks.push(BlockContent::table(table));
    }
    blocks
}

/// The index of the one block whose text starts with `prefix`.
pub(crate) fn index_starting(blocks: &[BlockContent], prefix: &str) -> usize {
    let found: Vec<usize> = (0..blocks.len()).filter(|&i| blocks[i].plain_text().starts_with(prefix)).collect();
    assert_eq!(found.len(), 1, "expected one block starting with {prefix:?}, found {found:?}");
    found[0]
}
