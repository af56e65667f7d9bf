//! A version's blocks as HTML. Every piece of text a person wrote is
//! escaped here, so nothing in a draft (a `<script>` typed into Word, say)
//! can become markup; the templates insert the result as it is.

use std::fmt::Write;

use gopy_domain::document::align::{WordEdit, WordOp};
use gopy_domain::document::{BlockContent, Run};

/// Text made safe to put between HTML tags or inside a quoted attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn runs_html(runs: &[Run]) -> String {
    let mut out = String::new();
    for run in runs {
        let text = escape(&run.text);
        match (run.bold, run.italic) {
            (true, true) => write!(out, "<strong><em>{text}</em></strong>"),
            (true, false) => write!(out, "<strong>{text}</strong>"),
            (false, true) => write!(out, "<em>{text}</em>"),
            (false, false) => write!(out, "{text}"),
        }
        .unwrap_or_default();
    }
    out
}

/// The inside of a block: its styled text, or a table's rows.
pub fn block_html(content: &BlockContent) -> String {
    match content {
        BlockContent::Heading { text, .. } | BlockContent::Paragraph { text } | BlockContent::ListItem { text, .. } => {
            runs_html(text.runs())
        }
        BlockContent::Table { rows } => {
            // The box scrolls sideways on a phone; tabindex lets the keyboard
            // scroll it too.
            let mut out = String::from("<div class=\"table-scroll\" tabindex=\"0\"><table class=\"table doc-table\">");
            for (i, row) in rows.iter().enumerate() {
                let cell = if i == 0 { "th" } else { "td" };
                out.push_str("<tr>");
                for text in row {
                    write!(out, "<{cell}>{}</{cell}>", escape(text)).unwrap_or_default();
                }
                out.push_str("</tr>");
            }
            out.push_str("</table></div>");
            out
        }
    }
}

/// A whole block as an element: a heading one level below the page's own
/// title, a paragraph, a list item drawn as an indented paragraph, or a table.
pub fn block_element_html(content: &BlockContent) -> String {
    let inner = block_html(content);
    match content {
        BlockContent::Heading { level, .. } => {
            let h = (level + 1).clamp(2, 6);
            format!("<h{h} class=\"doc-h{level}\">{inner}</h{h}>")
        }
        BlockContent::Paragraph { .. } => format!("<p>{inner}</p>"),
        BlockContent::ListItem { ordered, depth, .. } => {
            let marker = if *ordered { "ordered" } else { "bullet" };
            format!("<p class=\"list-item {marker} depth-{}\">{inner}</p>", depth.min(&5))
        }
        BlockContent::Table { .. } => inner,
    }
}

/// A changed block's word edits: kept text plain, deletions in `<del>`,
/// insertions in `<ins>`. `show` picks which side to draw: the old text
/// (kept and deleted), the new (kept and inserted), or both inline.
pub fn words_html(edits: &[WordEdit], show: Side) -> String {
    let mut out = String::new();
    for edit in edits {
        let text = escape(&edit.text).replace('\n', "<br>");
        match (edit.op, show) {
            (WordOp::Equal, _) => out.push_str(&text),
            (WordOp::Delete, Side::Old | Side::Inline) => write!(out, "<del>{text}</del>").unwrap_or_default(),
            (WordOp::Insert, Side::New | Side::Inline) => write!(out, "<ins>{text}</ins>").unwrap_or_default(),
            _ => {}
        }
    }
    out
}

/// Which text of a changed block to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Old,
    New,
    Inline,
}

/// The kind of a block as the templates and the API name it.
pub fn kind_name(content: &BlockContent) -> &'static str {
    match content {
        BlockContent::Heading { .. } => "heading",
        BlockContent::Paragraph { .. } => "paragraph",
        BlockContent::ListItem { .. } => "list_item",
        BlockContent::Table { .. } => "table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gopy_domain::document::RichText;

    #[test]
    fn markup_typed_into_a_draft_is_shown_as_text() {
        let block = BlockContent::Paragraph {
            text: RichText::new([Run::plain("<script>alert(1)</script> & \"x\""), Run { text: "đậm".into(), bold: true, italic: false }]),
        };
        assert_eq!(
            block_html(&block),
            "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;<strong>đậm</strong>"
        );
        let table = BlockContent::table([vec!["<b>".into()], vec!["1".into()]]);
        assert!(block_html(&table).contains("<th>&lt;b&gt;</th>"));
    }

    #[test]
    fn word_edits_draw_each_side() {
        let edits = vec![
            WordEdit { op: WordOp::Equal, text: "đạt ".into() },
            WordEdit { op: WordOp::Delete, text: "6,1%".into() },
            WordEdit { op: WordOp::Insert, text: "<81%>".into() },
        ];
        assert_eq!(words_html(&edits, Side::Old), "đạt <del>6,1%</del>");
        assert_eq!(words_html(&edits, Side::New), "đạt <ins>&lt;81%&gt;</ins>");
        assert_eq!(words_html(&edits, Side::Inline), "đạt <del>6,1%</del><ins>&lt;81%&gt;</ins>");
    }
}
