//! Telling the format from the bytes. File names lie (a .docx renamed from
//! a .doc, a PDF "saved as" .md), so the name is never consulted; the first
//! bytes say what a file is, and a refusal can name it.

use std::borrow::Cow;

use crate::{Detected, ImportError, SourceFormat, docx};

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
/// How much of a text file is looked at to tell text from binary.
const PROBE: usize = 8 * 1024;

/// What an upload is, from its content: [`SourceFormat::Docx`] for a zip
/// holding `word/document.xml`, [`SourceFormat::Markdown`] for UTF-8 text
/// (or UTF-16 with a byte order mark); anything else is refused with what it
/// looks like.
pub fn sniff(bytes: &[u8]) -> Result<SourceFormat, ImportError> {
    sniff_content(bytes).map(|sniffed| match sniffed {
        Sniffed::Docx => SourceFormat::Docx,
        Sniffed::Text(_) => SourceFormat::Markdown,
    })
}

pub(crate) enum Sniffed<'a> {
    Docx,
    /// The decoded text, without its byte order mark.
    Text(Cow<'a, str>),
}

pub(crate) fn sniff_content(bytes: &[u8]) -> Result<Sniffed<'_>, ImportError> {
    if bytes.is_empty() || bytes == UTF8_BOM {
        return Err(ImportError::EmptyFile);
    }
    let unsupported = |detected| Err(ImportError::UnsupportedFormat { detected });
    if bytes.starts_with(b"%PDF-") {
        return unsupported(Detected::Pdf);
    }
    if bytes.starts_with(OLE_MAGIC) {
        // An encrypted .docx is an OLE file whose directory names the
        // stream "EncryptedPackage" (in UTF-16LE, as OLE stores names).
        return if contains(bytes, &utf16le("EncryptedPackage")) {
            Err(ImportError::PasswordProtected)
        } else {
            unsupported(Detected::LegacyWord)
        };
    }
    if bytes.starts_with(b"{\\rtf") {
        return unsupported(Detected::Rtf);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        docx::check_is_word(bytes)?;
        return Ok(Sniffed::Docx);
    }
    if let Some(units) = utf16_with_bom(bytes) {
        return decode_utf16(units).map(|text| Sniffed::Text(Cow::Owned(text)));
    }
    let text = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if looks_binary(&text[..text.len().min(PROBE)]) {
        return unsupported(Detected::Binary);
    }
    match std::str::from_utf8(text) {
        Ok(text) => Ok(Sniffed::Text(Cow::Borrowed(text))),
        Err(error) => {
            let before = &text[..error.valid_up_to()];
            Err(ImportError::NotUtf8 {
                line: line_of(before.iter().filter(|&&b| b == b'\n').count()),
            })
        }
    }
}

fn line_of(newlines_before: usize) -> usize {
    newlines_before.saturating_add(1)
}

/// A NUL byte, or more than one in ten bytes a control character that text
/// files do not hold, means binary. Escape (0x1B) is allowed: terminal
/// colour codes pasted into a file are still text.
fn looks_binary(probe: &[u8]) -> bool {
    if probe.contains(&0) {
        return true;
    }
    let controls = probe
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0B | 0x0C | 0x1B))
        .count();
    controls * 10 > probe.len()
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}

/// The UTF-16 code units of a file that starts with a UTF-16 byte order
/// mark (Notepad's "Unicode"), without the mark.
fn utf16_with_bom(bytes: &[u8]) -> Option<Vec<u16>> {
    let little = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes[2..]
        .chunks(2)
        .map(|pair| {
            let pair = [pair[0], pair.get(1).copied().unwrap_or(0)];
            if little {
                u16::from_le_bytes(pair)
            } else {
                u16::from_be_bytes(pair)
            }
        })
        .collect();
    Some(units)
}

fn decode_utf16(units: Vec<u16>) -> Result<String, ImportError> {
    let mut text = String::with_capacity(units.len());
    let mut newlines = 0usize;
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(c) => {
                if c == '\n' {
                    newlines += 1;
                }
                text.push(c);
            }
            Err(_) => {
                return Err(ImportError::NotUtf8 {
                    line: line_of(newlines),
                });
            }
        }
    }
    if text.is_empty() {
        return Err(ImportError::EmptyFile);
    }
    Ok(text)
}
