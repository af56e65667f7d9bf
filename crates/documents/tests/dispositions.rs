//! The table of comments and answers, written as .docx, .xlsx and CSV and
//! read back with a parser of each format: the crate's own importer and the
//! raw WordprocessingML for Word, the sheet's XML and its shared strings
//! for Excel, an RFC 4180 reader for CSV.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use gopy_documents::{
    DispositionRow, DispositionTable, ImportLimits, dispositions_csv, dispositions_docx,
    dispositions_xlsx, import,
};
use gopy_domain::document::{BlockContent, RichText, Run};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

const COMMENTS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../tests/fixtures/comments.so-ket-v1.json"
);

fn columns() -> [String; 6] {
    [
        "STT",
        "Vị trí (đoạn)",
        "Người góp ý",
        "Nội dung góp ý",
        "Tiếp thu/giải trình",
        "Ý kiến của tổ biên tập",
    ]
    .map(String::from)
}

fn table(rows: Vec<DispositionRow>) -> DispositionTable {
    DispositionTable {
        heading: "Bảng tổng hợp tiếp thu, giải trình ý kiến".into(),
        subtitle: "đối với Dự thảo lần 1 Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội"
            .into(),
        columns: columns(),
        summary: Vec::new(),
        sheets: ["Bảng tổng hợp", "Kết quả lấy ý kiến"].map(String::from),
        rows,
    }
}

/// The register's summary as the web layer writes it.
fn summary() -> Vec<String> {
    [
        "Kết quả lấy ý kiến các cơ quan (đợt 1):",
        "- Số cơ quan được lấy ý kiến: 3 (Ban Tổ chức Tỉnh ủy, Sở Tài chính, Ủy ban Kiểm tra Tỉnh ủy).",
        "- Số cơ quan có ý kiến góp ý: 2 (Ban Tổ chức Tỉnh ủy, Sở Tài chính).",
        "- Số cơ quan không gửi ý kiến, xem như thống nhất: 1 (Ủy ban Kiểm tra Tỉnh ủy).",
        "- Sở Tài chính: 1 ý kiến; tiếp thu 1, tiếp thu một phần 0, giải trình 0.",
    ]
    .map(String::from)
    .to_vec()
}

/// The six comments of the fixture, with passage labels of our own (the
/// fixture has quotes, not labels) and a commenter for each role.
fn fixture_table() -> DispositionTable {
    let json = std::fs::read_to_string(COMMENTS).expect("comments fixture");
    let fixture: serde_json::Value = serde_json::from_str(&json).expect("comments JSON");
    let comments = fixture["comments"].as_array().expect("a comments array");
    let labels = ["II.1 ¶1", "II.1 ¶2", "II.3 ¶1", "III.2 ¶1", "II.2 ¶3"];
    let rows = comments
        .iter()
        .enumerate()
        .map(|(index, comment)| {
            let text = |key: &str| comment[key].as_str().map(str::to_owned);
            let quote = text("quote");
            let (commenter, body) = match comment["author_role"].as_str() {
                Some("chair") => ("Trần Thị Bình", "Thường trực Tỉnh ủy"),
                _ => ("Nguyễn Văn An", "Ban Tuyên giáo Tỉnh ủy"),
            };
            let disposition = match comment["disposition"].as_str() {
                Some("accepted") => "Tiếp thu",
                Some("partly_accepted") => "Tiếp thu một phần",
                Some("explained") => "Giải trình",
                other => panic!("unknown disposition {other:?}"),
            };
            DispositionRow {
                number: index + 1,
                passage: if quote.is_some() {
                    labels.get(index).copied().unwrap_or("I ¶1").into()
                } else {
                    "Toàn văn".into()
                },
                quote,
                commenter: commenter.into(),
                commenter_body: Some(body.into()),
                comment: text("body").expect("a comment body"),
                disposition: disposition.into(),
                response: text("response").unwrap_or_default(),
                group: None,
            }
        })
        .collect::<Vec<_>>();
    assert_eq!(rows.len(), 6, "the fixture holds six comments");
    table(rows)
}

fn hostile_table() -> DispositionTable {
    let row = |number: usize, comment: &str| DispositionRow {
        number,
        passage: "I.1 ¶2".into(),
        quote: Some("<b>đậm</b> & \"nghiêng\"".into()),
        commenter: "Lê Văn <Cường>".into(),
        commenter_body: None,
        comment: comment.into(),
        disposition: "Chưa trả lời".into(),
        response: String::new(),
        group: None,
    };
    table(vec![
        row(1, "=HYPERLINK(\"http://x\")"),
        row(2, "<script>&"),
        row(3, "Dòng một, có dấu phẩy\n\"Dòng hai\" trong ngoặc kép"),
    ])
}

/// The cells of a row as the workbook and CSV write them.
fn flat(row: &DispositionRow) -> Vec<String> {
    let passage = match &row.quote {
        Some(quote) => format!("{} — “{quote}”", row.passage),
        None => row.passage.clone(),
    };
    let commenter = match &row.commenter_body {
        Some(body) => format!("{}\n{body}", row.commenter),
        None => row.commenter.clone(),
    };
    vec![
        row.number.to_string(),
        passage,
        commenter,
        row.comment.clone(),
        row.disposition.clone(),
        row.response.clone(),
    ]
}

/// The cells of a row as Word holds them: one line per paragraph, the
/// quote on the line under the label.
fn word_lines(row: &DispositionRow) -> Vec<String> {
    let mut cells = flat(row);
    if let Some(quote) = &row.quote {
        cells[1] = format!("{}\n“{quote}”", row.passage);
    }
    cells
}

// ---- Reading the files back ----

fn unzip(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut parts = BTreeMap::new();
    for index in 0..archive.len() {
        let mut file = archive.by_index(index).expect("a zip entry");
        let mut text = String::new();
        file.read_to_string(&mut text).expect("a UTF-8 part");
        parts.insert(file.name().expect("a UTF-8 name").into_owned(), text);
    }
    parts
}

fn attribute(element: &BytesStart<'_>, name: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| a.value.into_owned())
}

/// Every XML part parses to its end, and every part the content types
/// name is in the package: what Word and Excel check before anything else.
fn assert_valid_package(parts: &BTreeMap<String, String>) {
    for (name, text) in parts {
        let mut reader = Reader::from_str(text);
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed: {e}\n{text}"),
            }
        }
    }
    let types = &parts["[Content_Types].xml"];
    for piece in types.split("PartName=\"/").skip(1) {
        let part = piece.split('"').next().unwrap_or_default();
        assert!(parts.contains_key(part), "{part} is declared but missing");
    }
}

/// Text between tags, with entity and character references resolved.
fn push_text(out: &mut String, event: &Event<'_>) {
    match event {
        Event::Text(text) => out.push_str(&text.xml10_content()),
        Event::GeneralRef(reference) => match reference.resolve_char_ref() {
            Ok(Some(c)) => out.push(c),
            _ => out.push_str(
                quick_xml::escape::resolve_predefined_entity(reference).expect("a known entity"),
            ),
        },
        _ => {}
    }
}

/// The table rows of `word/document.xml`, each cell as its paragraphs with
/// whether they are in italics.
fn word_table(document: &str) -> Vec<Vec<Vec<(String, bool)>>> {
    let mut reader = Reader::from_str(document);
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), Vec::new());
    let (mut paragraph, mut italic, mut in_text) = (String::new(), false, false);
    loop {
        let event = reader.read_event().expect("document.xml");
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "p" => {
                    paragraph.clear();
                    italic = false;
                }
                "i" => italic = true,
                "t" => in_text = matches!(event, Event::Start(_)),
                "br" => paragraph.push('\n'),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => cell.push((std::mem::take(&mut paragraph), italic)),
                "tc" => row.push(std::mem::take(&mut cell)),
                "tr" => rows.push(std::mem::take(&mut row)),
                _ => {}
            },
            Event::Eof => break,
            _ if in_text => push_text(&mut paragraph, &event),
            _ => {}
        }
    }
    rows
}

fn lines(cell: &[(String, bool)]) -> String {
    cell.iter()
        .map(|(text, _)| text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The one table block the importer reads from the .docx.
fn imported_table(docx: &[u8]) -> Vec<Vec<String>> {
    let imported = import(docx, &ImportLimits::default()).expect("the .docx imports");
    let tables: Vec<_> = imported
        .blocks
        .into_iter()
        .filter_map(|block| match block {
            BlockContent::Table { rows } => Some(rows),
            _ => None,
        })
        .collect();
    assert_eq!(tables.len(), 1, "one table block");
    tables.into_iter().next().unwrap_or_default()
}

/// A cell as the importer gives it: its lines joined by spaces and the
/// white space folded, as every table cell is.
fn folded(text: &str) -> String {
    RichText::plain(&text.replace('\n', " ")).text()
}

/// The workbook's shared strings, in order: each `<si>`'s text runs joined.
fn shared_strings(parts: &BTreeMap<String, String>) -> Vec<String> {
    let Some(xml) = parts.get("xl/sharedStrings.xml") else { return Vec::new() };
    let mut reader = Reader::from_str(xml);
    let (mut strings, mut text, mut reading) = (Vec::new(), String::new(), false);
    loop {
        let event = reader.read_event().expect("sharedStrings.xml");
        match &event {
            Event::Start(e) if e.local_name().as_ref() == "si" => text.clear(),
            Event::Start(e) if e.local_name().as_ref() == "t" => reading = true,
            Event::End(e) if e.local_name().as_ref() == "t" => reading = false,
            Event::End(e) if e.local_name().as_ref() == "si" => strings.push(std::mem::take(&mut text)),
            Event::Eof => break,
            _ if reading => push_text(&mut text, &event),
            _ => {}
        }
    }
    strings
}

/// A sheet's rows, each cell as its text (a shared string looked up, a
/// number as written); panics on a formula or on a cell out of its place.
fn sheet_rows_of(parts: &BTreeMap<String, String>, sheet: &str) -> Vec<Vec<String>> {
    let strings = shared_strings(parts);
    let mut reader = Reader::from_str(&parts[sheet]);
    let (mut rows, mut row, mut cell) = (Vec::new(), Vec::new(), String::new());
    let (mut reading, mut shared) = (false, false);
    loop {
        let event = reader.read_event().expect("the sheet");
        match &event {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "row" => row.clear(),
                "c" => {
                    let expected = format!("{}{}", ["A", "B", "C", "D", "E", "F"][row.len()], rows.len() + 1);
                    assert_eq!(attribute(e, "r").as_deref(), Some(expected.as_str()));
                    shared = attribute(e, "t").as_deref() == Some("s");
                    cell.clear();
                    // A blank cell (an empty text with its style) has no end tag.
                    if matches!(event, Event::Empty(_)) {
                        row.push(String::new());
                    }
                }
                "t" | "v" => reading = matches!(event, Event::Start(_)),
                "f" => panic!("a formula in the sheet"),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" | "v" => reading = false,
                "c" => {
                    let text = std::mem::take(&mut cell);
                    row.push(if shared { strings[text.parse::<usize>().expect("a string index")].clone() } else { text });
                }
                "row" => rows.push(std::mem::take(&mut row)),
                _ => {}
            },
            Event::Eof => break,
            _ if reading => push_text(&mut cell, &event),
            _ => {}
        }
    }
    rows
}

/// The table sheet's rows.
fn sheet_rows(parts: &BTreeMap<String, String>) -> Vec<Vec<String>> {
    sheet_rows_of(parts, "xl/worksheets/sheet1.xml")
}

/// Each cell's `t` (type) attribute, row by row.
fn sheet_types(sheet: &str) -> Vec<Option<String>> {
    let mut reader = Reader::from_str(sheet);
    let mut types = Vec::new();
    loop {
        match reader.read_event().expect("sheet1.xml") {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "c" => {
                types.push(attribute(&e, "t"))
            }
            Event::Eof => break,
            _ => {}
        }
    }
    types
}

/// An RFC 4180 reader: fields separated by commas, records ended by CRLF,
/// quoted fields holding commas, doubled quotes and line breaks.
fn read_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, '"') => panic!("a quote inside an unquoted field"),
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "records end with CRLF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("a bare line feed ends a record"),
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "an unclosed quoted field");
    assert!(
        record.is_empty() && field.is_empty(),
        "the last record ends with CRLF"
    );
    records
}

fn csv_records(table: &DispositionTable) -> Vec<Vec<String>> {
    let csv = dispositions_csv(table);
    let body = csv
        .strip_prefix('\u{FEFF}')
        .expect("the CSV starts with a UTF-8 BOM");
    read_csv(body)
}

// ---- Word ----

#[test]
fn the_fixture_comments_read_back_from_word_as_one_table_in_order() {
    let table = fixture_table();
    let docx = dispositions_docx(&table).expect("docx");
    let rows = imported_table(&docx);
    assert_eq!(rows.len(), 7, "the header and six rows");
    assert_eq!(rows[0], columns().to_vec());
    for (read, row) in rows[1..].iter().zip(&table.rows) {
        let expected: Vec<String> = word_lines(row).iter().map(|c| folded(c)).collect();
        assert_eq!(read, &expected);
    }
    let dispositions: Vec<&str> = rows[1..].iter().map(|r| r[4].as_str()).collect();
    assert_eq!(
        dispositions,
        [
            "Tiếp thu",
            "Tiếp thu",
            "Tiếp thu",
            "Tiếp thu một phần",
            "Giải trình",
            "Tiếp thu"
        ]
    );
    assert_eq!(rows[6][1], "Toàn văn");
}

#[test]
fn the_word_table_is_a4_landscape_in_times_new_roman_13_pt_under_its_heading() {
    let table = fixture_table();
    let docx = dispositions_docx(&table).expect("docx");
    let parts = unzip(&docx);
    assert_valid_package(&parts);
    let document = &parts["word/document.xml"];
    assert!(document.contains("w:orient=\"landscape\""));
    assert!(document.contains("<w:pgSz w:w=\"16838\" w:h=\"11906\""));
    assert!(document.contains("w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\""));
    let styles = &parts["word/styles.xml"];
    assert!(styles.contains("w:ascii=\"Times New Roman\""));
    assert!(styles.contains("<w:sz w:val=\"26\"/>"));

    let blocks = import(&docx, &ImportLimits::default())
        .expect("import")
        .blocks;
    let styled = |text: &str, bold: bool, italic: bool| BlockContent::Paragraph {
        text: RichText::new([Run {
            text: text.into(),
            bold,
            italic,
        }]),
    };
    // The heading in bold capitals, the subtitle in italics, both centred.
    assert_eq!(
        blocks[0],
        styled("BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN", true, false)
    );
    assert_eq!(blocks[1], styled(&table.subtitle, false, true));
    let head = &document[..document.find("<w:tbl>").expect("a table")];
    assert_eq!(head.matches("<w:jc w:val=\"center\"/>").count(), 2);
}

#[test]
fn the_word_header_row_is_bold_and_repeats_on_each_page() {
    let docx = dispositions_docx(&fixture_table()).expect("docx");
    let document = &unzip(&docx)["word/document.xml"];
    let table = &document[document.find("<w:tbl>").expect("a table")..];
    assert!(table.contains("<w:tblBorders>"));
    assert_eq!(table.matches("<w:tblHeader/>").count(), 1);
    let header = &table[..table.find("</w:tr>").expect("a header row")];
    assert!(header.contains("<w:tblHeader/>"));
    assert_eq!(header.matches("<w:b/>").count(), 6);
    // STT is the narrowest column, the comment and response the widest.
    let widths: Vec<usize> = table
        .split("<w:gridCol w:w=\"")
        .skip(1)
        .filter_map(|w| w.split('"').next()?.parse().ok())
        .collect();
    assert_eq!(widths.len(), 6);
    assert_eq!(widths.iter().min(), Some(&widths[0]));
    assert!(widths[3] > widths[1] && widths[5] > widths[2]);
}

#[test]
fn in_word_the_quote_sits_in_italics_under_the_label_and_the_body_under_the_name() {
    let table = fixture_table();
    let docx = dispositions_docx(&table).expect("docx");
    let rows = word_table(&unzip(&docx)["word/document.xml"]);
    assert_eq!(rows.len(), 7);
    for (cells, row) in rows[1..].iter().zip(&table.rows) {
        let read: Vec<String> = cells.iter().map(|c| lines(c)).collect();
        assert_eq!(read, word_lines(row));
        let passage = &cells[1];
        assert!(!passage[0].1, "the label is upright");
        assert_eq!(passage.len() == 2, row.quote.is_some());
        if row.quote.is_some() {
            assert!(passage[1].1, "the quote is in italics");
        }
    }
}

// ---- Excel ----

#[test]
fn the_fixture_comments_read_back_from_the_workbook_row_by_row() {
    let table = fixture_table();
    let xlsx = dispositions_xlsx(&table).expect("xlsx");
    let parts = unzip(&xlsx);
    assert_valid_package(&parts);
    let rows = sheet_rows(&parts);
    assert_eq!(rows.len(), 7);
    assert_eq!(rows[0], columns().to_vec());
    for (read, row) in rows[1..].iter().zip(&table.rows) {
        assert_eq!(read, &flat(row));
    }
    assert_eq!(
        rows[1][1],
        "II.1 ¶1 — “thấp hơn mục tiêu Nghị quyết đề ra là 7,5%/năm”"
    );
    assert_eq!(rows[6][1], "Toàn văn");
    assert_eq!(rows[4][4], "Tiếp thu một phần");
    // STT is a number; every other cell a (shared) string.
    let types = sheet_types(&parts["xl/worksheets/sheet1.xml"]);
    for (index, kind) in types.iter().enumerate() {
        let is_number = index >= 6 && index % 6 == 0;
        assert_eq!(kind.as_deref(), if is_number { None } else { Some("s") });
    }
    // No summary, no second sheet.
    assert!(!parts.contains_key("xl/worksheets/sheet2.xml"));
    assert!(parts["xl/workbook.xml"].contains("name=\"Bảng tổng hợp\""));
}

/// The `n`th element named `name` inside the part's `list` element.
fn nth_inside<'a>(xml: &'a str, list: &str, name: &str, n: usize) -> &'a str {
    let list = &xml[xml.find(&format!("<{list}")).expect(list)..];
    list.split(&format!("<{name}")).nth(n + 1).expect(name)
}

#[test]
fn the_workbook_header_row_is_bold_frozen_and_filtered_the_text_wraps_in_sized_columns() {
    let xlsx = dispositions_xlsx(&fixture_table()).expect("xlsx");
    let parts = unzip(&xlsx);
    let sheet = &parts["xl/worksheets/sheet1.xml"];
    assert!(sheet.contains("ySplit=\"1\"") && sheet.contains("state=\"frozen\""), "{sheet}");
    assert!(sheet.contains("<autoFilter ref=\"A1:F7\"/>"), "a filter over the whole table");
    assert_eq!(sheet.matches("customWidth=\"1\"").count(), 6);
    assert!(sheet.contains("orientation=\"landscape\""));
    assert!(parts["xl/workbook.xml"].contains("_xlnm.Print_Titles"), "the header row repeats on each printed page");
    let styles = &parts["xl/styles.xml"];
    let style_of = |cell: &str| -> usize {
        let at = sheet.find(&format!("<c r=\"{cell}\"")).expect(cell);
        attribute_of_first(&sheet[at..], "c", "s").expect("a style").parse().expect("an index")
    };
    let xf = |index: usize| nth_inside(styles, "cellXfs", "xf ", index);
    let font_of = |xf: &str| -> usize {
        xf.split("fontId=\"").nth(1).and_then(|f| f.split('"').next()).expect("a font").parse().expect("an index")
    };
    let header = xf(style_of("A1"));
    assert!(header.contains("wrapText=\"1\""), "{header}");
    assert!(nth_inside(styles, "fonts", "font>", font_of(header)).contains("<b/>"), "the header is bold");
    let comment = xf(style_of("D2"));
    assert!(comment.contains("wrapText=\"1\"") && comment.contains("vertical=\"top\""), "{comment}");
    assert!(!nth_inside(styles, "fonts", "font>", font_of(comment)).contains("<b/>"));
    assert!(styles.contains("<name val=\"Times New Roman\"/>"));
}

#[test]
fn the_workbook_and_the_csv_carry_the_registers_summary_after_the_table() {
    let mut table = fixture_table();
    table.summary = summary();

    let parts = unzip(&dispositions_xlsx(&table).expect("xlsx"));
    assert_valid_package(&parts);
    assert_eq!(sheet_rows(&parts).len(), 7, "the table sheet holds the table alone");
    let workbook = &parts["xl/workbook.xml"];
    assert!(workbook.find("name=\"Bảng tổng hợp\"") < workbook.find("name=\"Kết quả lấy ý kiến\""), "{workbook}");
    let lines: Vec<String> = sheet_rows_of(&parts, "xl/worksheets/sheet2.xml").into_iter().map(|r| r.join("")).collect();
    assert_eq!(lines[0], "BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN");
    assert_eq!(lines[1], table.subtitle);
    assert_eq!(lines[2..], summary()[..], "every line of the summary, in order");

    let records = csv_records(&table);
    assert_eq!(records.len(), 7 + 1 + summary().len());
    assert_eq!(records[0], columns().to_vec(), "the header stays the first record");
    assert!(records[7].iter().all(String::is_empty), "an empty record ends the table");
    for (record, line) in records[8..].iter().zip(summary()) {
        assert_eq!(record.len(), 6, "every record has the table's six fields");
        // A line starting with a dash is defused as any formula-like field is.
        assert_eq!(record[0].trim_start_matches('\''), line);
        assert!(record[1..].iter().all(String::is_empty));
    }
}

fn attribute_of_first(xml: &str, element: &str, name: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event().ok()? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == element => {
                return attribute(&e, name);
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}

// ---- CSV ----

#[test]
fn the_fixture_comments_read_back_from_csv_as_seven_records_after_a_bom() {
    let table = fixture_table();
    let records = csv_records(&table);
    assert_eq!(records.len(), 7);
    assert_eq!(records[0], columns().to_vec());
    for (read, row) in records[1..].iter().zip(&table.rows) {
        assert_eq!(read, &flat(row));
    }
    // A comma inside a field, and the body on its own line.
    assert!(records[1][1].contains("7,5%"));
    assert_eq!(records[1][2], "Nguyễn Văn An\nBan Tuyên giáo Tỉnh ủy");
}

// ---- All three ----

#[test]
fn hostile_comments_read_back_exactly_as_text_in_all_three_formats() {
    let table = hostile_table();

    let docx = dispositions_docx(&table).expect("docx");
    let parts = unzip(&docx);
    assert_valid_package(&parts);
    let cells = word_table(&parts["word/document.xml"]);
    let imported = imported_table(&docx);
    for (index, row) in table.rows.iter().enumerate() {
        let read: Vec<String> = cells[index + 1].iter().map(|c| lines(c)).collect();
        assert_eq!(read, word_lines(row));
        assert_eq!(imported[index + 1][3], folded(&row.comment));
    }
    assert!(!parts["word/document.xml"].contains("<script>"));

    let xlsx = dispositions_xlsx(&table).expect("xlsx");
    let parts = unzip(&xlsx);
    assert_valid_package(&parts);
    let rows = sheet_rows(&parts);
    for (read, row) in rows[1..].iter().zip(&table.rows) {
        assert_eq!(read, &flat(row));
    }
    assert_eq!(rows[1][3], "=HYPERLINK(\"http://x\")");

    let records = csv_records(&table);
    assert_eq!(records.len(), 4);
    assert_eq!(records[1][3], "'=HYPERLINK(\"http://x\")");
    assert_eq!(records[2][3], "<script>&");
    assert_eq!(
        records[3][3],
        "Dòng một, có dấu phẩy\n\"Dòng hai\" trong ngoặc kép"
    );
    for (read, row) in records[2..].iter().zip(&table.rows[1..]) {
        assert_eq!(read, &flat(row));
    }
}

#[test]
fn control_characters_are_left_out_of_every_format() {
    let mut table = hostile_table();
    table.rows.truncate(1);
    table.rows[0].comment = "Một\u{0}hai\u{7}\u{1B}ba\r\nbốn".into();
    table.heading = "Bảng\u{8} tổng hợp".into();
    let clean = "Mộthaiba\nbốn";

    let docx = dispositions_docx(&table).expect("docx");
    let parts = unzip(&docx);
    assert_valid_package(&parts);
    assert_eq!(lines(&word_table(&parts["word/document.xml"])[1][3]), clean);
    let xlsx = dispositions_xlsx(&table).expect("xlsx");
    let parts = unzip(&xlsx);
    assert_valid_package(&parts);
    assert_eq!(sheet_rows(&parts)[1][3], clean);
    assert_eq!(csv_records(&table)[1][3], clean);
}

#[test]
fn an_empty_table_still_gives_a_valid_file_with_the_header_in_each_format() {
    let table = table(Vec::new());

    let docx = dispositions_docx(&table).expect("docx");
    assert_valid_package(&unzip(&docx));
    assert_eq!(imported_table(&docx), vec![columns().to_vec()]);

    let xlsx = dispositions_xlsx(&table).expect("xlsx");
    let parts = unzip(&xlsx);
    assert_valid_package(&parts);
    assert_eq!(
        sheet_rows(&parts),
        vec![columns().to_vec()]
    );
    assert!(parts["xl/worksheets/sheet1.xml"].contains("<dimension ref=\"A1:F1\"/>"));
    assert!(parts["xl/worksheets/sheet1.xml"].contains("<autoFilter ref=\"A1:F1\"/>"));

    assert_eq!(csv_records(&table), vec![columns().to_vec()]);
}
