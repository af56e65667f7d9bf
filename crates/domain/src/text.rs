//! Text as Gopy stores it: Unicode NFC, trimmed, never silently cut.
//!
//! Vietnamese arrives both composed and decomposed (a Word file and a Mac
//! keyboard disagree); everything is normalised to NFC on the way in so that
//! equality, uniqueness and search behave the same for both.

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

/// Returns `text` in Unicode Normalization Form C.
pub fn nfc(text: &str) -> String {
    text.nfc().collect()
}

/// Folds text the way people type it on a phone: lower case, without tone
/// marks or other diacritics, and with `đ` as `d`, whatever the input's
/// normal form or tone placement ("Hòa", "Hoà" and "hoa" all fold alike).
/// Search compares folded text, and file names are made from it.
pub fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'đ' { 'd' } else { c })
        .collect()
}

/// The combining marks Vietnamese (and the Latin scripts generally) uses:
/// U+0300 to U+036F.
fn is_combining_mark(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// A sort key that orders Vietnamese the way its readers expect: by the
/// alphabet a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y, then by
/// tone (none, huyền, hỏi, ngã, sắc, nặng), whatever the input's normal form.
/// Byte order would put "Đ" after "Z", and the two engines' collations differ,
/// so lists are sorted with this key rather than by the database.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CollationKey {
    letters: Vec<u32>,
    tones: Vec<u8>,
    text: String,
}

pub fn collation_key(text: &str) -> CollationKey {
    let mut letters: Vec<u32> = Vec::with_capacity(text.len());
    let mut tones = Vec::new();
    for c in text.nfd().flat_map(char::to_lowercase) {
        let modifier = match c {
            '\u{0306}' => Some(1), // breve: ă
            '\u{0302}' => Some(2), // circumflex: â ê ô
            '\u{031B}' => Some(3), // horn: ơ ư
            _ => None,
        };
        let tone = match c {
            '\u{0300}' => Some(1),
            '\u{0309}' => Some(2),
            '\u{0303}' => Some(3),
            '\u{0301}' => Some(4),
            '\u{0323}' => Some(5),
            _ => None,
        };
        match (modifier, tone) {
            (Some(m), _) => {
                if let Some(last) = letters.last_mut() {
                    *last += m;
                }
            }
            (None, Some(t)) => {
                tones.resize(letters.len().saturating_sub(1), 0);
                tones.push(t);
            }
            (None, None) if c == 'đ' => letters.push(u32::from('d') * 4 + 1),
            (None, None) => letters.push(u32::from(c) * 4),
        }
    }
    CollationKey { letters, tones, text: text.to_owned() }
}

/// Why a piece of text was refused. The web layer turns these into messages
/// in the user's language; the variants carry what that message needs.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("is {actual} characters long; at most {max} are allowed")]
    TooLong { max: usize, actual: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("is not a valid email address")]
    InvalidEmail,
}

/// A short, single-line, human-given name: of a body, a committee, a person,
/// a term. NFC, trimmed, with inner runs of white space folded to one space.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        single_line(raw, Self::MAX_CHARS).map(Self)
    }
}


/// One line as Gopy keeps it: NFC, trimmed, inner runs of white space
/// folded to one space; refused when empty, too long or holding control
/// characters. Never cut short.
pub(crate) fn single_line(raw: &str, max: usize) -> Result<String, TextError> {
    let folded = nfc(raw).split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Err(TextError::Empty);
    }
    if folded.chars().any(char::is_control) {
        return Err(TextError::ControlCharacter);
    }
    let actual = folded.chars().count();
    if actual > max {
        return Err(TextError::TooLong { max, actual });
    }
    Ok(folded)
}

/// Several lines as Gopy keeps them: NFC, trimmed, `\r\n` as `\n`, tabs and
/// new lines allowed but no other control character; refused when empty or
/// too long. Never cut short.
pub(crate) fn multi_line(raw: &str, max: usize) -> Result<String, TextError> {
    let text = nfc(raw.trim()).replace("\r\n", "\n");
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(TextError::ControlCharacter);
    }
    let actual = text.chars().count();
    if actual > max {
        return Err(TextError::TooLong { max, actual });
    }
    Ok(text)
}

/// What every checked-text newtype has besides its own `parse`: reading it
/// as a `&str`, conversion from and to `String` (through `parse`, so a
/// stored or deserialised value is checked too), and `Display`.
macro_rules! text_newtype {
    ($ty:ident) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $ty {
            type Error = $crate::text::TextError;

            fn try_from(value: String) -> Result<Self, Self::Error> {
                Self::parse(&value)
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> Self {
                value.0
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}
pub(crate) use text_newtype;

text_newtype!(Name);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_and_composed_names_are_equal_after_parsing() {
        let composed = "Ban Tuyên giáo Tỉnh ủy";
        let decomposed: String = composed.nfd().collect();
        assert_ne!(composed, decomposed);
        assert_eq!(Name::parse(composed), Name::parse(&decomposed));
    }

    #[test]
    fn names_are_trimmed_and_inner_spaces_folded() {
        let name = Name::parse("  Ban   Tổ chức \t").map(String::from);
        assert_eq!(name.as_deref(), Ok("Ban Tổ chức"));
    }

    #[test]
    fn empty_and_overlong_names_are_refused_with_the_reason() {
        assert_eq!(Name::parse("   "), Err(TextError::Empty));
        let long = "ă".repeat(Name::MAX_CHARS + 1);
        assert_eq!(
            Name::parse(&long),
            Err(TextError::TooLong { max: Name::MAX_CHARS, actual: Name::MAX_CHARS + 1 })
        );
    }

    #[test]
    fn vietnamese_names_sort_by_the_vietnamese_alphabet_and_tones() {
        let mut names = vec!["Ủy ban Kiểm tra", "Văn phòng", "Đảng đoàn", "Ban Tổ chức", "Dân vận", "Ăn", "An", "Ân"];
        names.sort_by_cached_key(|n| collation_key(n));
        assert_eq!(
            names,
            ["An", "Ăn", "Ân", "Ban Tổ chức", "Dân vận", "Đảng đoàn", "Ủy ban Kiểm tra", "Văn phòng"]
        );
        let mut tones = vec!["mạ", "má", "mã", "mả", "mà", "ma"];
        tones.sort_by_cached_key(|n| collation_key(n));
        assert_eq!(tones, ["ma", "mà", "mả", "mã", "má", "mạ"]);
    }

    #[test]
    fn collation_ignores_the_normal_form() {
        let composed = "Hòa Bình";
        let decomposed: String = composed.nfd().collect();
        assert_eq!(collation_key(composed).letters, collation_key(&decomposed).letters);
        assert_eq!(collation_key(composed).tones, collation_key(&decomposed).tones);
    }

    #[test]
    fn folding_drops_tones_and_the_stroke_of_d_in_any_normal_form() {
        assert_eq!(fold("Tham nhũng"), "tham nhung");
        assert_eq!(fold("ĐẢNG VIÊN"), "dang vien");
        let decomposed: String = "hoà".nfd().collect();
        assert_eq!(fold("hòa"), fold(&decomposed));
        assert_eq!(fold("Hòa"), "hoa");
    }

    #[test]
    fn control_characters_are_refused() {
        assert_eq!(Name::parse("Ban\u{7}Tổ chức"), Err(TextError::ControlCharacter));
    }
}
