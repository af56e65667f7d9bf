//! What both importers do to text before it becomes a block, so that the
//! same document read from Markdown and from Word gives the same values.

use gopy_domain::document::{BlockContent, RichText, Run};

use crate::ImportError;

/// Removes the characters no report means: C0 and C1 control characters
/// other than tab and line breaks, and the Unicode non-characters U+FFFE and
/// U+FFFF. Vertical tab and form feed, which Word writes for a manual line
/// break and a page break, become spaces so words on either side stay apart.
pub(crate) fn strip_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let keep = |c: char| {
        (!c.is_control() || matches!(c, '\t' | '\n' | '\r'))
            && !matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    if text.chars().all(keep) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\u{0B}' | '\u{0C}') {
            out.push(' ');
        } else if keep(c) {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The runs as [`RichText`] normalises them, and then each space between two
/// runs given only the styles both neighbours share (see the crate doc).
pub(crate) fn rich_text(runs: Vec<Run>) -> RichText {
    let normalised = RichText::new(runs.into_iter().map(|r| Run {
        text: strip_controls(&r.text).into_owned(),
        ..r
    }));
    canonical_spaces(&normalised)
}

/// Moves each space at the edge of a styled run to the styles its two
/// neighbouring characters have in common. After [`RichText::new`] a space
/// always has a non-space character on each side, so this is well defined.
pub(crate) fn canonical_spaces(text: &RichText) -> RichText {
    let runs = text.runs();
    if runs.len() < 2 {
        return text.clone();
    }
    let mut chars: Vec<(char, bool, bool)> = Vec::new();
    for run in runs {
        chars.extend(run.text.chars().map(|c| (c, run.bold, run.italic)));
    }
    for k in 1..chars.len().saturating_sub(1) {
        let (c, _, _) = chars[k];
        if c == ' ' {
            let (_, b0, i0) = chars[k - 1];
            let (_, b1, i1) = chars[k + 1];
            chars[k] = (c, b0 && b1, i0 && i1);
        }
    }
    let mut out: Vec<Run> = Vec::with_capacity(runs.len() + 2);
    for (c, bold, italic) in chars {
        match out.last_mut() {
            Some(last) if last.bold == bold && last.italic == italic => last.text.push(c),
            _ => out.push(Run {
                text: c.to_string(),
                bold,
                italic,
            }),
        }
    }
    RichText::new(out)
}

/// Collects blocks, dropping empty ones and refusing more than the limit as
/// soon as it is passed, so a hostile file cannot make a huge list first.
pub(crate) struct Blocks {
    blocks: Vec<BlockContent>,
    max: usize,
}

impl Blocks {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            blocks: Vec::new(),
            max,
        }
    }

    pub(crate) fn push(&mut self, block: BlockContent) -> Result<(), ImportError> {
        if block.is_empty() {
            return Ok(());
        }
        if self.blocks.len() >= self.max {
            return Err(ImportError::TooManyBlocks { max: self.max });
        }
        self.blocks.push(block);
        Ok(())
    }

    pub(crate) fn into_vec(self) -> Vec<BlockContent> {
        self.blocks
    }
}

/// Rows padded with empty cells to the widest row: a table in Markdown is
/// rectangular, so a Word table with merged or missing cells is made so too.
pub(crate) fn table(rows: Vec<Vec<String>>) -> BlockContent {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    BlockContent::table(rows.into_iter().map(|mut row| {
        for cell in &mut row {
            *cell = strip_controls(cell).into_owned();
        }
        row.resize(width, String::new());
        row
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, bold: bool, italic: bool) -> Run {
        Run {
            text: text.into(),
            bold,
            italic,
        }
    }

    #[test]
    fn a_space_between_runs_takes_the_styles_both_sides_share() {
        let text = rich_text(vec![run("a", false, false), run(" b", true, false)]);
        assert_eq!(
            text.runs(),
            [run("a ", false, false), run("b", true, false)]
        );
        let text = rich_text(vec![
            run("Khẳng định ", false, true),
            run("rất", true, true),
            run(" rõ", false, true),
        ]);
        assert_eq!(
            text.runs(),
            [
                run("Khẳng định ", false, true),
                run("rất", true, true),
                run(" rõ", false, true)
            ]
        );
        let text = rich_text(vec![run("a ", true, false), run("b", false, true)]);
        assert_eq!(
            text.runs(),
            [
                run("a", true, false),
                run(" ", false, false),
                run("b", false, true)
            ]
        );
    }

    #[test]
    fn control_characters_are_removed_and_word_breaks_become_spaces() {
        assert_eq!(
            strip_controls("a\u{0}b\u{7}c\u{0B}d\u{0C}e\tf\u{85}g"),
            "abc d e\tfg"
        );
    }
}
