//! The parts of a .docx that hold notes beside the body: footnotes
//! (`word/footnotes.xml`), endnotes (`word/endnotes.xml`) and review
//! comments (`word/comments.xml`). Each is a list of elements (`w:footnote`,
//! `w:endnote`, `w:comment`) with an id and paragraphs of text; a comment
//! also says who wrote it and when.

use std::collections::HashMap;

use quick_xml::events::Event;

use super::xml::{self, Ns};
use crate::ImportError;
use crate::clean;

/// One note's text (paragraphs joined by new lines) and, for a comment,
/// who wrote it and when, as Word wrote them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Note {
    pub(crate) text: String,
    pub(crate) author: Option<String>,
    pub(crate) date: Option<String>,
}

fn corrupt(reason: impl std::fmt::Display) -> ImportError {
    ImportError::CorruptDocx { reason: reason.to_string() }
}

/// The notes named `element` ("footnote", "endnote", "comment") of a part,
/// by id, in the order of the part. Footnote separators are left out.
pub(crate) fn parse(text: &str, element: &str) -> Result<Vec<(String, Note)>, ImportError> {
    let mut notes: Vec<(String, Note)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut reader = xml::reader(text);
    let mut current: Option<(String, Note, Vec<String>)> = None;
    let mut in_text = false;
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(corrupt)?;
        let ns = xml::namespace(&resolved);
        let is_start = matches!(event, Event::Start(_));
        match event {
            Event::Start(e) | Event::Empty(e) if ns == Ns::Word => {
                let local = e.local_name();
                match local.as_ref() {
                    name if name == element => {
                        let separator = xml::attribute(&e, "type").is_some_and(|t| t != "normal");
                        current = match (separator, xml::attribute(&e, "id")) {
                            (false, Some(id)) => {
                                let note = Note {
                                    text: String::new(),
                                    author: xml::attribute(&e, "author").filter(|a| !a.trim().is_empty()),
                                    date: xml::attribute(&e, "date"),
                                };
                                Some((id, note, vec![String::new()]))
                            }
                            _ => None,
                        };
                    }
                    "p" => {
                        if let Some((_, _, paragraphs)) = current.as_mut()
                            && paragraphs.last().is_some_and(|p| !p.is_empty())
                        {
                            paragraphs.push(String::new());
                        }
                    }
                    "t" if is_start => in_text = true,
                    "tab" | "br" | "cr" => push(&mut current, " "),
                    _ => {}
                }
            }
            Event::End(e) if ns == Ns::Word => {
                let local = e.local_name();
                match local.as_ref() {
                    "t" => in_text = false,
                    name if name == element => {
                        if let Some((id, mut note, paragraphs)) = current.take() {
                            let lines: Vec<String> = paragraphs
                                .iter()
                                .map(|p| clean::strip_controls(p).split_whitespace().collect::<Vec<_>>().join(" "))
                                .filter(|p| !p.is_empty())
                                .collect();
                            note.text = gopy_domain::text::nfc(&lines.join("\n"));
                            // A repeated id keeps the first note.
                            if !index.contains_key(&id) {
                                index.insert(id.clone(), notes.len());
                                notes.push((id, note));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if in_text => push(&mut current, &t.xml10_content()),
            Event::CData(t) if in_text => push(&mut current, &t),
            Event::GeneralRef(r) if in_text => push(&mut current, &xml::general_ref(&r)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(notes)
}

fn push(current: &mut Option<(String, Note, Vec<String>)>, text: &str) {
    if let Some((_, _, paragraphs)) = current.as_mut()
        && let Some(last) = paragraphs.last_mut()
    {
        last.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_keep_their_author_date_and_paragraphs_and_separators_are_left_out() {
        let part = "<w:comments xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
            <w:comment w:id=\"3\" w:author=\"Sở Tài chính\" w:date=\"2026-12-01T08:00:00Z\"><w:p><w:r><w:t>Đề nghị  bổ sung</w:t></w:r></w:p><w:p/><w:p><w:r><w:t xml:space=\"preserve\">số liệu &amp; nguồn</w:t></w:r></w:p></w:comment>\
            <w:comment w:id=\"3\"><w:p><w:r><w:t>again</w:t></w:r></w:p></w:comment>\
            </w:comments>";
        let notes = parse(part, "comment").expect("comments");
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].0, "3");
        assert_eq!(notes[0].1.text, "Đề nghị bổ sung\nsố liệu & nguồn");
        assert_eq!(notes[0].1.author.as_deref(), Some("Sở Tài chính"));
        let part = "<w:footnotes xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
            <w:footnote w:type=\"separator\" w:id=\"-1\"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>\
            <w:footnote w:id=\"1\"><w:p><w:r><w:t>Theo Nghị quyết số 05</w:t></w:r></w:p></w:footnote></w:footnotes>";
        let notes = parse(part, "footnote").expect("footnotes");
        assert_eq!(notes, [("1".to_owned(), Note { text: "Theo Nghị quyết số 05".into(), author: None, date: None })]);
    }
}
