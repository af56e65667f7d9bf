//! Word's automatic numbering (`word/numbering.xml`), worked out as Word
//! shows it: "II." on a heading, "1.2." under it, "a)" on a paragraph.
//!
//! A report numbered by Word must get the same numbers, and so the same
//! citation labels ("II.1 ¶2"), as the same report with the numbers typed.
//! The numbers live nowhere in the text of `document.xml`: each numbered
//! paragraph names a list (`w:num`, directly or through its style) and a
//! level, and the number is the level's counter formatted by its
//! `w:lvlText` ("%1.", "%1.%2.") and `w:numFmt` (upperRoman, lowerLetter,
//! decimal…). Counters are kept per abstract list, as Word keeps them, so
//! two `w:num` of one abstract list continue each other unless one says
//! `w:startOverride`; a level restarts when a level above it counts, unless
//! its `w:lvlRestart` says otherwise.
//!
//! Hostile files are bounded: a level text longer than [`MAX_LEVEL_TEXT`]
//! characters is ignored, and a counter too large for letters or Roman
//! numerals is written in digits, so no number grows past a few characters
//! per placeholder.

use std::collections::{HashMap, HashSet};

use quick_xml::events::Event;

use super::xml::{self, Ns};
use crate::ImportError;

/// Levels Word defines (0 to 8).
const LEVELS: usize = 9;
/// The longest `w:lvlText` read; Word's own dialog allows far less.
const MAX_LEVEL_TEXT: usize = 64;

/// One level's definition; `None` where the file does not say (an override
/// then falls back on the abstract list's level).
#[derive(Clone, Debug, Default)]
pub(crate) struct Level {
    start: Option<u32>,
    format: Option<String>,
    text: Option<String>,
    restart: Option<u8>,
    legal: bool,
    /// The paragraph style this level belongs to (heading numbering).
    style: Option<String>,
}

impl Level {
    fn over(&self, base: &Level) -> Level {
        Level {
            start: self.start.or(base.start),
            format: self.format.clone().or_else(|| base.format.clone()),
            text: self.text.clone().or_else(|| base.text.clone()),
            restart: self.restart.or(base.restart),
            legal: self.legal || base.legal,
            style: self.style.clone().or_else(|| base.style.clone()),
        }
    }

    fn start(&self) -> u32 {
        // Word writes `w:start` on every level it makes; a level without
        // one counts from 1, as people expect, not from the schema's 0.
        self.start.unwrap_or(1)
    }

    fn format(&self) -> &str {
        self.format.as_deref().unwrap_or("decimal")
    }

    /// Whether the level is a bullet or shows no number.
    pub(crate) fn is_bullet(&self) -> bool {
        matches!(self.format(), "bullet" | "none")
    }

    /// Whether the number is the plain "1." or "1)" of a Markdown ordered
    /// list at this level, which an ordered list item stands for.
    pub(crate) fn is_plain_list_number(&self, level: u8) -> bool {
        let own = format!("%{}", level + 1);
        self.format() == "decimal"
            && matches!(self.text.as_deref(), Some(t) if t == format!("{own}.") || t == format!("{own})"))
    }
}

#[derive(Clone, Debug, Default)]
struct Num {
    abstract_id: String,
    overrides: HashMap<u8, Level>,
}

/// The lists of `word/numbering.xml`.
#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, HashMap<u8, Level>>,
    nums: HashMap<String, Num>,
}

/// Where the parser is: in an abstract list, or in a list's override, and
/// in which level.
enum Scope {
    None,
    Abstract(String),
    Num(String, Num),
}

fn corrupt(reason: impl std::fmt::Display) -> ImportError {
    ImportError::CorruptDocx { reason: reason.to_string() }
}

fn level_number(value: Option<String>) -> Option<u8> {
    value.and_then(|v| v.parse::<u8>().ok()).filter(|l| usize::from(*l) < LEVELS)
}

impl Numbering {
    pub(crate) fn parse(text: &str) -> Result<Self, ImportError> {
        let mut numbering = Self::default();
        let mut reader = xml::reader(text);
        let mut scope = Scope::None;
        let mut level: Option<(u8, Level)> = None;
        let mut start_override: Option<u8> = None;
        loop {
            let (resolved, event) = reader.read_resolved_event().map_err(corrupt)?;
            let ns = xml::namespace(&resolved);
            let is_empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) if ns == Ns::Word => {
                    let value = || xml::attribute(&e, "val");
                    match e.local_name().as_ref() {
                        "abstractNum" => {
                            scope = xml::attribute(&e, "abstractNumId").map_or(Scope::None, Scope::Abstract);
                        }
                        "num" => {
                            scope = xml::attribute(&e, "numId").map_or(Scope::None, |id| Scope::Num(id, Num::default()));
                        }
                        "abstractNumId" => {
                            if let Scope::Num(_, num) = &mut scope {
                                num.abstract_id = value().unwrap_or_default();
                            }
                        }
                        "lvlOverride" => start_override = level_number(xml::attribute(&e, "ilvl")),
                        "startOverride" => {
                            if let (Scope::Num(_, num), Some(l)) = (&mut scope, start_override) {
                                num.overrides.entry(l).or_default().start = value().and_then(|v| v.parse().ok());
                            }
                        }
                        "lvl" => {
                            let l = level_number(xml::attribute(&e, "ilvl")).or(start_override);
                            level = l.map(|l| (l, Level::default()));
                        }
                        local => {
                            if let Some((_, lvl)) = level.as_mut() {
                                match local {
                                    "start" => lvl.start = value().and_then(|v| v.parse().ok()),
                                    "numFmt" => lvl.format = value(),
                                    "lvlText" => lvl.text = value().filter(|t| t.chars().count() <= MAX_LEVEL_TEXT),
                                    "lvlRestart" => lvl.restart = value().and_then(|v| v.parse().ok()),
                                    "isLgl" => lvl.legal = xml::toggle(&e),
                                    "pStyle" => lvl.style = value(),
                                    _ => {}
                                }
                            }
                        }
                    }
                    // An empty `<w:lvl/>` ends where it starts.
                    if is_empty && e.local_name().as_ref() == "lvl" {
                        numbering.end_level(&mut scope, level.take());
                    }
                }
                Event::End(e) if ns == Ns::Word => match e.local_name().as_ref() {
                    "lvl" => numbering.end_level(&mut scope, level.take()),
                    "lvlOverride" => start_override = None,
                    "abstractNum" => scope = Scope::None,
                    "num" => {
                        if let Scope::Num(id, num) = std::mem::replace(&mut scope, Scope::None) {
                            numbering.nums.insert(id, num);
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        Ok(numbering)
    }

    fn end_level(&mut self, scope: &mut Scope, level: Option<(u8, Level)>) {
        let Some((l, lvl)) = level else { return };
        match scope {
            Scope::Abstract(id) => {
                self.abstracts.entry(id.clone()).or_default().insert(l, lvl);
            }
            Scope::Num(_, num) => {
                let kept = num.overrides.entry(l).or_default();
                // A `w:startOverride` read before the level keeps its value.
                let start = kept.start;
                *kept = lvl;
                kept.start = kept.start.or(start);
            }
            Scope::None => {}
        }
    }

    /// Level `l` of list `num_id` as it applies: the list's override over
    /// its abstract list's level. `None` for a list or level the file does
    /// not define.
    pub(crate) fn level(&self, num_id: &str, l: u8) -> Option<Level> {
        let num = self.nums.get(num_id)?;
        let base = self.abstracts.get(&num.abstract_id).and_then(|levels| levels.get(&l));
        match (num.overrides.get(&l), base) {
            (Some(over), Some(base)) => Some(over.over(base)),
            (Some(over), None) if over.format.is_some() || over.text.is_some() => Some(over.clone()),
            (_, Some(base)) => Some(base.clone()),
            _ => None,
        }
    }

    /// The level of list `num_id` that belongs to paragraph style `style`
    /// (how heading styles name their level), else 0.
    pub(crate) fn level_of_style(&self, num_id: &str, style: &str) -> u8 {
        let Some(num) = self.nums.get(num_id) else { return 0 };
        let levels = self.abstracts.get(&num.abstract_id);
        (0..LEVELS as u8)
            .find(|l| {
                num.overrides.get(l).and_then(|o| o.style.as_deref()) == Some(style)
                    || levels.and_then(|ls| ls.get(l)).and_then(|o| o.style.as_deref()) == Some(style)
            })
            .unwrap_or(0)
    }
}

/// The counters of every list, as the document is read in order.
#[derive(Default)]
pub(crate) struct Counters {
    /// Per abstract list: each level's last number, `None` when it starts
    /// afresh at its next paragraph.
    values: HashMap<String, [Option<u32>; LEVELS]>,
    /// The lists (`w:num`) met so far: a list's start override applies
    /// where it is first used.
    seen: HashSet<String>,
}

impl Counters {
    /// Counts one paragraph of list `num_id` at level `l` and gives its
    /// number as Word shows it ("II.", "1.2.", "a)"); `None` for a level
    /// the file does not define. A bullet gives its symbol.
    pub(crate) fn count(&mut self, numbering: &Numbering, num_id: &str, l: u8) -> Option<String> {
        let level = numbering.level(num_id, l)?;
        let num = numbering.nums.get(num_id)?;
        let values = self.values.entry(num.abstract_id.clone()).or_insert([None; LEVELS]);
        if self.seen.insert(num_id.to_owned()) {
            for (overridden, over) in &num.overrides {
                if over.start.is_some() && usize::from(*overridden) < LEVELS {
                    values[usize::from(*overridden)] = None;
                }
            }
        }
        let at = usize::from(l);
        values[at] = Some(match values[at] {
            Some(n) => n.saturating_add(1),
            None => level.start(),
        });
        for deeper in at + 1..LEVELS {
            let restarts = match numbering.level(num_id, deeper as u8).and_then(|d| d.restart) {
                None => true,
                Some(0) => false,
                // Restart after level `r` (1-based) or any above it.
                Some(r) => at < usize::from(r),
            };
            if restarts {
                values[deeper] = None;
            }
        }
        let text = level.text.clone().unwrap_or_default();
        let mut out = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let placeholder = chars.peek().and_then(|d| d.to_digit(10)).filter(|d| (1..=LEVELS as u32).contains(d));
            match (c, placeholder) {
                ('%', Some(d)) => {
                    chars.next();
                    let shown = d as usize - 1;
                    let shown_level = numbering.level(num_id, shown as u8).unwrap_or_default();
                    let value = values[shown].unwrap_or_else(|| shown_level.start());
                    let format = if level.legal { "decimal" } else { shown_level.format() };
                    out.push_str(&format_number(value, format));
                }
                _ => out.push(c),
            }
        }
        Some(out)
    }
}

/// A counter in one of Word's number formats; formats not known here are
/// written in digits, as are numbers too large for letters or numerals.
fn format_number(n: u32, format: &str) -> String {
    match format {
        "upperRoman" if (1..4000).contains(&n) => roman(n),
        "lowerRoman" if (1..4000).contains(&n) => roman(n).to_lowercase(),
        "upperLetter" if (1..=26 * 10).contains(&n) => letters(n),
        "lowerLetter" if (1..=26 * 10).contains(&n) => letters(n).to_lowercase(),
        "decimalZero" if n < 10 => format!("0{n}"),
        "bullet" | "none" => String::new(),
        _ => n.to_string(),
    }
}

fn roman(mut n: u32) -> String {
    const NUMERALS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, numeral) in NUMERALS {
        while n >= value {
            out.push_str(numeral);
            n -= value;
        }
    }
    out
}

/// Word's letters: A…Z, then AA…ZZ, then AAA…
fn letters(n: u32) -> String {
    let repeat = (n - 1) / 26 + 1;
    let letter = char::from(b'A' + ((n - 1) % 26) as u8);
    std::iter::repeat_n(letter, repeat as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const W: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"";

    fn lvl(l: u8, format: &str, text: &str) -> String {
        format!(
            "<w:lvl w:ilvl=\"{l}\"><w:start w:val=\"1\"/><w:numFmt w:val=\"{format}\"/><w:lvlText w:val=\"{text}\"/></w:lvl>"
        )
    }

    fn numbering(body: &str) -> Numbering {
        Numbering::parse(&format!("<w:numbering {W}>{body}</w:numbering>")).expect("numbering")
    }

    #[test]
    fn heading_numbers_are_roman_then_arabic_and_restart_under_each_part() {
        let n = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"0\">{}{}{}</w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>",
            lvl(0, "upperRoman", "%1."),
            lvl(1, "decimal", "%2."),
            lvl(2, "lowerLetter", "%3)"),
        ));
        let mut c = Counters::default();
        let got: Vec<String> = [0, 1, 1, 2, 2, 0, 1, 0]
            .into_iter()
            .map(|l| c.count(&n, "1", l).expect("a number"))
            .collect();
        assert_eq!(got, ["I.", "1.", "2.", "a)", "b)", "II.", "1.", "III."]);
    }

    #[test]
    fn a_multi_level_text_shows_every_level_and_legal_numbering_uses_digits() {
        let n = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"3\">{}{}</w:abstractNum><w:num w:numId=\"7\"><w:abstractNumId w:val=\"3\"/></w:num>",
            lvl(0, "upperRoman", "%1."),
            "<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:isLgl/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.%2.\"/></w:lvl>",
        ));
        let mut c = Counters::default();
        assert_eq!(c.count(&n, "7", 0).as_deref(), Some("I."));
        assert_eq!(c.count(&n, "7", 0).as_deref(), Some("II."));
        assert_eq!(c.count(&n, "7", 1).as_deref(), Some("2.1."));
    }

    #[test]
    fn two_lists_of_one_abstract_list_continue_unless_one_restarts() {
        let n = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"0\">{}</w:abstractNum>\
             <w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>\
             <w:num w:numId=\"2\"><w:abstractNumId w:val=\"0\"/></w:num>\
             <w:num w:numId=\"3\"><w:abstractNumId w:val=\"0\"/><w:lvlOverride w:ilvl=\"0\"><w:startOverride w:val=\"5\"/></w:lvlOverride></w:num>",
            lvl(0, "decimal", "%1)"),
        ));
        let mut c = Counters::default();
        let got: Vec<String> =
            ["1", "1", "2", "3", "3", "1"].into_iter().map(|id| c.count(&n, id, 0).expect("a number")).collect();
        assert_eq!(got, ["1)", "2)", "3)", "5)", "6)", "7)"]);
    }

    #[test]
    fn a_level_that_never_restarts_keeps_counting() {
        let n = numbering(&format!(
            "<w:abstractNum w:abstractNumId=\"0\">{}<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:lvlRestart w:val=\"0\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%2.\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>",
            lvl(0, "upperRoman", "%1."),
        ));
        let mut c = Counters::default();
        let got: Vec<String> = [0, 1, 1, 0, 1].into_iter().map(|l| c.count(&n, "1", l).expect("a number")).collect();
        assert_eq!(got, ["I.", "1.", "2.", "II.", "3."]);
    }

    #[test]
    fn huge_counters_are_written_in_digits_and_unknown_lists_have_no_number() {
        assert_eq!(format_number(4_000_000_000, "lowerLetter"), "4000000000");
        assert_eq!(format_number(27, "lowerLetter"), "aa");
        assert_eq!(format_number(1994, "upperRoman"), "MCMXCIV");
        assert_eq!(format_number(3, "vietnameseCounting"), "3");
        let n = numbering("<w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:start w:val=\"4294967295\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"0\"/></w:num>");
        let mut c = Counters::default();
        assert_eq!(c.count(&n, "1", 0).as_deref(), Some("4294967295."));
        assert_eq!(c.count(&n, "1", 0).as_deref(), Some("4294967295."));
        assert_eq!(c.count(&n, "9", 0), None);
        assert_eq!(c.count(&n, "1", 3), None);
    }

    #[test]
    fn the_level_of_a_heading_style_is_found_by_its_style() {
        let n = numbering(
            "<w:abstractNum w:abstractNumId=\"0\"><w:lvl w:ilvl=\"0\"><w:pStyle w:val=\"Heading1\"/></w:lvl><w:lvl w:ilvl=\"1\"><w:pStyle w:val=\"Heading2\"/></w:lvl></w:abstractNum><w:num w:numId=\"4\"><w:abstractNumId w:val=\"0\"/></w:num>",
        );
        assert_eq!(n.level_of_style("4", "Heading2"), 1);
        assert_eq!(n.level_of_style("4", "Normal"), 0);
    }
}
