//! What the Office Open XML files we write by hand (.docx: the versions,
//! the table of dispositions, the comment forms) have in common: a zip of
//! XML parts, text escaped for XML, and the package relationship that names
//! the main part. The .xlsx is written by `rust_xlsxwriter` instead.

use std::io::{Cursor, Write};

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::ExportError;

pub(crate) const XML_DECLARATION: &str =
    "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// The relationships namespace used inside parts (`r:id`).
pub(crate) const RELATIONSHIPS: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Zips the parts, each deflated, in the order given.
pub(crate) fn package(parts: &[(&str, &str)]) -> Result<Vec<u8>, ExportError> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(*name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

/// `_rels/.rels`: the one relationship from the package to its main part
/// (`word/document.xml`).
pub(crate) fn root_relationships(main_part: &str) -> String {
    format!(
        "{XML_DECLARATION}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{RELATIONSHIPS}/officeDocument\" Target=\"{main_part}\"/>\
         </Relationships>"
    )
}

/// XML-escapes text for element content and leaves out what XML 1.0
/// cannot hold at all (most control characters), which would make Word or
/// Excel refuse the whole file. Tab and line feed are kept; a carriage
/// return is written as a character reference, since a parser would
/// otherwise read it as a line feed.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_what_xml_cannot_hold_is_left_out() {
        assert_eq!(
            escape("<a href=\"x\">&</a>\u{0}\u{7}\u{FFFF}\t\n\r"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;\t\n&#13;"
        );
    }
}
