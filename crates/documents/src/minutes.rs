//! A meeting's minutes (biên bản cuộc họp) and its conclusion notice
//! (thông báo kết luận) as Word files, written with the same package and
//! run helpers as a report version, so the crate's importer reads them
//! back (the test of each export does exactly that).
//!
//! The caller hands over text already worded and formatted (names, dates
//! in Việt Nam's style, "có mặt" or "vắng, lý do: …"): the crate writes
//! documents and knows nothing of who a person is.

use crate::ExportError;
use crate::docx::{GRID_BORDERS, Page, run, word_package};

/// A4 upright with the margins of Decree 30/2020, as a report version.
const PAGE: Page = Page { width: 11906, height: 16838, landscape: false, top: 1134, right: 1134, bottom: 1134, left: 1701 };
/// 14 pt, in half-points.
const FONT_SIZE: usize = 28;

/// Everything the minutes and the notice say, worded by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MeetingRecord {
    /// The issuing body at the top left, e.g. "TỈNH ỦY CÀ MAU".
    pub organisation: String,
    /// E.g. "ngày 27 tháng 6 năm 2023".
    pub place_and_date: String,
    /// E.g. "Ban Thường vụ Tỉnh ủy".
    pub committee: String,
    pub title: String,
    /// E.g. "từ 08:00 đến 11:30 ngày 27/06/2023".
    pub time: String,
    pub place: String,
    pub presiding: String,
    pub attendance: Vec<AttendanceLine>,
    pub agenda: Vec<AgendaLine>,
    pub discussion: Vec<DiscussionSection>,
    /// Paragraphs of the presiding person's conclusion; empty if none yet.
    pub conclusion: Vec<String>,
    pub actions: Vec<ActionLine>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttendanceLine {
    pub name: String,
    /// "Có mặt", "Vắng, lý do: …", "Ủy quyền: …".
    pub status: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgendaLine {
    pub title: String,
    pub presenter: String,
    /// The linked draft and its version, e.g. "… (dự thảo lần 2)".
    pub report: Option<String>,
    /// E.g. "30 phút".
    pub time_allotted: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DiscussionSection {
    pub agenda_title: String,
    /// Speaker and what they said.
    pub opinions: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionLine {
    pub text: String,
    pub assignees: String,
    /// E.g. "10/07/2023".
    pub deadline: String,
    /// E.g. "Đang thực hiện", "Đã hoàn thành".
    pub status: String,
}

fn paragraph(out: &mut String, text: &str, bold: bool, italic: bool, centred: bool) {
    let properties = if centred { "<w:pPr><w:jc w:val=\"center\"/></w:pPr>" } else { "<w:pPr><w:jc w:val=\"both\"/></w:pPr>" };
    out.push_str(&format!("<w:p>{properties}{}</w:p>", run(text, bold, italic, false)));
}

/// A paragraph that starts with a bold label: "Thời gian: …".
fn labelled(out: &mut String, label: &str, text: &str) {
    out.push_str(&format!(
        "<w:p><w:pPr><w:jc w:val=\"both\"/></w:pPr>{}{}</w:p>",
        run(&format!("{label}: "), true, false, false),
        run(text, false, false, false)
    ));
}

/// A bordered table whose first row is the header, in bold.
fn table(out: &mut String, widths: &[usize], rows: &[Vec<String>]) {
    let total: usize = widths.iter().sum();
    out.push_str(&format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/>{GRID_BORDERS}<w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>"
    ));
    for width in widths {
        out.push_str(&format!("<w:gridCol w:w=\"{width}\"/>"));
    }
    out.push_str("</w:tblGrid>");
    for (i, row) in rows.iter().enumerate() {
        out.push_str(if i == 0 { "<w:tr><w:trPr><w:tblHeader/></w:trPr>" } else { "<w:tr>" });
        for (cell, width) in row.iter().zip(widths) {
            out.push_str(&format!(
                "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr><w:p>{}</w:p></w:tc>",
                run(cell, i == 0, false, false)
            ));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

fn head(out: &mut String, record: &MeetingRecord, kind: &str) {
    paragraph(out, &record.organisation.to_uppercase(), true, false, false);
    paragraph(out, "ĐẢNG CỘNG SẢN VIỆT NAM", true, false, true);
    paragraph(out, &record.place_and_date, false, true, true);
    paragraph(out, kind, true, false, true);
    paragraph(out, &record.title, true, false, true);
}

fn actions(out: &mut String, record: &MeetingRecord) {
    let mut rows = vec![vec!["STT".to_owned(), "Nhiệm vụ".to_owned(), "Đơn vị, cá nhân thực hiện".to_owned(), "Thời hạn".to_owned()]];
    rows.extend(record.actions.iter().enumerate().map(|(i, a)| {
        vec![(i + 1).to_string(), a.text.clone(), a.assignees.clone(), a.deadline.clone()]
    }));
    table(out, &[700, 4200, 2771, 1400], &rows);
}

/// The minutes: committee, time, place, presiding, attendance, agenda,
/// discussion per agenda item, conclusion and the action items.
pub fn minutes_docx(record: &MeetingRecord) -> Result<Vec<u8>, ExportError> {
    let mut body = String::new();
    head(&mut body, record, "BIÊN BẢN CUỘC HỌP");
    labelled(&mut body, "Cơ quan họp", &record.committee);
    labelled(&mut body, "Thời gian", &record.time);
    labelled(&mut body, "Địa điểm", &record.place);
    labelled(&mut body, "Chủ trì", &record.presiding);
    paragraph(&mut body, "I. THÀNH PHẦN DỰ HỌP", true, false, false);
    if record.attendance.is_empty() {
        paragraph(&mut body, "(Chưa ghi nhận thành phần dự họp.)", false, true, false);
    } else {
        let mut rows = vec![vec!["STT".to_owned(), "Họ và tên".to_owned(), "Tình hình dự họp".to_owned()]];
        rows.extend(record.attendance.iter().enumerate().map(|(i, a)| vec![(i + 1).to_string(), a.name.clone(), a.status.clone()]));
        table(&mut body, &[700, 4400, 3971], &rows);
    }
    paragraph(&mut body, "II. NỘI DUNG CUỘC HỌP", true, false, false);
    for (i, item) in record.agenda.iter().enumerate() {
        let mut line = format!("{}. {} (trình bày: {}; thời gian: {})", i + 1, item.title, item.presenter, item.time_allotted);
        if let Some(report) = &item.report {
            line.push_str(&format!(". Dự thảo: {report}"));
        }
        paragraph(&mut body, &line, false, false, false);
    }
    paragraph(&mut body, "III. Ý KIẾN THẢO LUẬN", true, false, false);
    for section in &record.discussion {
        paragraph(&mut body, &section.agenda_title, true, true, false);
        if section.opinions.is_empty() {
            paragraph(&mut body, "(Không có ý kiến.)", false, true, false);
        }
        for (speaker, summary) in &section.opinions {
            for (n, line) in summary.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                if n == 0 {
                    labelled(&mut body, &format!("- {speaker}"), line);
                } else {
                    paragraph(&mut body, line, false, false, false);
                }
            }
        }
    }
    paragraph(&mut body, "IV. KẾT LUẬN CỦA CHỦ TRÌ", true, false, false);
    conclusion(&mut body, record);
    word_package(&body, &PAGE, FONT_SIZE, 0)
}

fn conclusion(body: &mut String, record: &MeetingRecord) {
    if record.conclusion.is_empty() {
        paragraph(body, "(Chưa có kết luận.)", false, true, false);
    }
    for line in &record.conclusion {
        paragraph(body, line, false, false, false);
    }
    if !record.actions.is_empty() {
        paragraph(body, "Nhiệm vụ được giao:", true, false, false);
        actions(body, record);
    }
}

/// The conclusion notice: what the presiding person concluded and who must
/// do what by when, for the bodies concerned.
pub fn conclusion_notice_docx(record: &MeetingRecord) -> Result<Vec<u8>, ExportError> {
    let mut body = String::new();
    head(&mut body, record, "THÔNG BÁO KẾT LUẬN");
    paragraph(
        &mut body,
        &format!(
            "Ngày {}, tại {}, {} họp dưới sự chủ trì của {}. Sau khi nghe trình bày và ý kiến thảo luận, chủ trì kết luận như sau:",
            record.time, record.place, record.committee, record.presiding
        ),
        false,
        false,
        false,
    );
    for (i, item) in record.agenda.iter().enumerate() {
        paragraph(&mut body, &format!("{}. {} ({})", i + 1, item.title, item.presenter), false, true, false);
    }
    conclusion(&mut body, record);
    word_package(&body, &PAGE, FONT_SIZE, 0)
}
