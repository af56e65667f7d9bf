//! The table as CSV, for tools other than Word and Excel: RFC 4180 (fields
//! separated by commas, quoted when they hold a comma, a quote or a line
//! break, records ended by CRLF), UTF-8 with a byte order mark because
//! without one Excel reads the file in the local code page and garbles
//! Vietnamese. The first record holds the column headers, so tools that
//! read a table with its header take the rows as they are.
//!
//! When bodies were consulted, the register's summary follows the table,
//! after a record of empty fields: a sentence a record, in the first field
//! ("- Số cơ quan được lấy ý kiến: 3 (…)."), every record keeping the six
//! fields of the table, as RFC 4180 asks.
//!
//! A field that a spreadsheet would take for a formula (one starting with
//! `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with an
//! apostrophe, as OWASP advises against CSV injection: the file may be
//! opened by anyone on the committee, and a comment must never run as a
//! formula there. The cost is a visible apostrophe before such a comment,
//! including one that starts with a dash as a list does.

use super::{DispositionTable, clean, flat_cells};

/// Writes the table as CSV: the header record, then one record per row,
/// with the cells the workbook has (column 2 "II.1 ¶1 — “quote”", column 3
/// the name and the body on a new line); then the summary, if any.
pub fn dispositions_csv(table: &DispositionTable) -> String {
    let mut out = String::from('\u{FEFF}');
    record(&mut out, table.columns.iter().map(|name| clean(name)));
    for row in &table.rows {
        record(&mut out, flat_cells(row).into_iter());
    }
    if !table.summary.is_empty() {
        let width = table.columns.len();
        record(&mut out, std::iter::repeat_n(String::new(), width));
        for line in &table.summary {
            let line = std::iter::once(clean(line)).chain(std::iter::repeat_n(String::new(), width - 1));
            record(&mut out, line);
        }
    }
    out
}

fn record(out: &mut String, fields: impl Iterator<Item = String>) {
    for (index, field) in fields.enumerate() {
        if index > 0 {
            out.push(',');
        }
        field_into(out, &field);
    }
    out.push_str("\r\n");
}

fn field_into(out: &mut String, field: &str) {
    let prefix = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        "'"
    } else {
        ""
    };
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(prefix);
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(prefix);
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> String {
        let mut out = String::new();
        field_into(&mut out, text);
        out
    }

    #[test]
    fn fields_are_quoted_only_when_they_must_be_and_formulas_are_defused() {
        assert_eq!(field("Tiếp thu"), "Tiếp thu");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("nói \"rõ\""), "\"nói \"\"rõ\"\"\"");
        assert_eq!(field("dòng 1\ndòng 2"), "\"dòng 1\ndòng 2\"");
        assert_eq!(field("=1+1"), "'=1+1");
        assert_eq!(field("-2"), "'-2");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }
}
