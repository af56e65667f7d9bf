//! Small helpers over quick-xml shared by the readers of the .docx parts.

use std::borrow::Cow;

use quick_xml::NsReader;
use quick_xml::events::{BytesRef, BytesStart};
use quick_xml::name::{Namespace, ResolveResult};

/// WordprocessingML, in its transitional and strict namespaces.
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const W_STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";
const MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Which vocabulary an element belongs to. Only WordprocessingML elements
/// are read; those of other vocabularies (drawings, math, Office
/// extensions) are passed through or skipped.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ns {
    Word,
    MarkupCompatibility,
    Other,
}

pub(crate) fn namespace(resolved: &ResolveResult<'_>) -> Ns {
    match resolved {
        ResolveResult::Bound(Namespace(ns)) if *ns == W || *ns == W_STRICT => Ns::Word,
        ResolveResult::Bound(Namespace(ns)) if *ns == MC => Ns::MarkupCompatibility,
        _ => Ns::Other,
    }
}

pub(crate) fn reader(text: &str) -> NsReader<&[u8]> {
    let mut reader = NsReader::from_str(text);
    reader.config_mut().trim_text(false);
    reader
}

/// An attribute's value by its local name (`w:val` → "val"), unescaped.
pub(crate) fn attribute(element: &BytesStart<'_>, local: &str) -> Option<String> {
    element
        .attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local)
        .map(|a| match quick_xml::escape::unescape(&a.value) {
            Ok(value) => value.into_owned(),
            Err(_) => a.value.into_owned(),
        })
}

/// Whether a toggle property such as `<w:b/>` or `<w:i w:val="0"/>` is on.
pub(crate) fn toggle(element: &BytesStart<'_>) -> bool {
    !matches!(
        attribute(element, "val").as_deref(),
        Some("0" | "false" | "off" | "none")
    )
}

/// The text of `&amp;` or `&#x1EA1;`; entities beyond the predefined five
/// are not expanded (and so cannot grow).
pub(crate) fn general_ref(reference: &BytesRef<'_>) -> Cow<'static, str> {
    if let Ok(Some(c)) = reference.resolve_char_ref() {
        return Cow::Owned(c.to_string());
    }
    match quick_xml::escape::resolve_predefined_entity(reference) {
        Some(text) => Cow::Borrowed(text),
        None => Cow::Borrowed(""),
    }
}
