//! Draft reports and their versions: the documents under review.
//!
//! A report belongs to a body, is reviewed by a committee and written by a
//! drafting team (tổ biên tập) with one lead. Its versions ("dự thảo lần
//! 1", "lần 2"…) are immutable once made; each records who made it, when,
//! from what, and why.


use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::document::Block;
use crate::text::{TextError, nfc};
use crate::{BodyId, CommitteeId, ReportId, TermId, UserId, VersionId};

/// What kind of report it is; the kinds the committee's work knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    /// Báo cáo sơ kết (giữa nhiệm kỳ).
    MidTermReview,
    /// Báo cáo kiểm điểm.
    SelfAssessment,
    /// Báo cáo chuyên đề.
    Thematic,
    /// Báo cáo năm.
    Annual,
    Other,
}

/// Where a report stands. Drafting is where every report starts; the review
/// rounds and approval move it on (see [`crate::workflow`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    Drafting,
    /// A round is open: members comment until its deadline.
    OpenForComments,
    /// The drafting team takes in the comments and makes the next version.
    Revising,
    /// With the chair, for approval.
    Submitted,
    /// Final: no new versions, comments or dispositions.
    Approved,
}

crate::organisation::stored_as_snake_case!(
    ReportKind, "report kind",
    MidTermReview => "mid_term_review", SelfAssessment => "self_assessment", Thematic => "thematic",
    Annual => "annual", Other => "other",
);
crate::organisation::stored_as_snake_case!(
    ReportStatus, "report status",
    Drafting => "drafting", OpenForComments => "open_for_comments", Revising => "revising",
    Submitted => "submitted", Approved => "approved",
);

/// A report's title: one line, NFC, up to 500 characters (Party reports
/// have long titles: "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết…").
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(String);

impl Title {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        crate::text::single_line(raw, Self::MAX_CHARS).map(Self)
    }
}

crate::text::text_newtype!(Title);

/// A version's change note ("đã tiếp thu ý kiến tại cuộc họp ngày 27/6"):
/// optional, several lines allowed, NFC, at most 2,000 characters.
pub fn change_note(raw: &str) -> Result<Option<String>, TextError> {
    const MAX: usize = 2_000;
    let text = nfc(raw.trim());
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
        return Err(TextError::ControlCharacter);
    }
    let actual = text.chars().count();
    if actual > MAX {
        return Err(TextError::TooLong { max: MAX, actual });
    }
    Ok(Some(text))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub id: ReportId,
    pub kind: ReportKind,
    pub title: Title,
    pub term: Option<TermId>,
    /// The body that owns the report and presents it.
    pub body: BodyId,
    /// The committee that reviews it.
    pub committee: CommitteeId,
    pub status: ReportStatus,
    pub created_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    /// Who approved which version, and when; set once, on approval.
    pub approval: Option<Approval>,
    /// Moves on by one with every change of the report's own (a step in
    /// its life, a new version): a change decided on an older reading is
    /// refused instead of undoing the one made meanwhile.
    #[serde(default)]
    pub revision: u32,
}

/// The chair's approval of a final version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub version: u32,
    pub by: UserId,
    pub at: OffsetDateTime,
}

/// A seat on a report's drafting team (tổ biên tập).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Drafter {
    pub user: UserId,
    /// The team's lead (tổ trưởng): one per report.
    pub lead: bool,
}

/// Why a drafting team was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TeamProblem {
    #[error("a drafting team needs at least one person")]
    Empty,
    #[error("the lead must be one of the drafting team")]
    LeadNotOnTeam,
}

/// The drafting team from the people chosen and the lead among them; a team
/// of one has that person as lead.
pub fn drafting_team(people: &[UserId], lead: Option<UserId>) -> Result<Vec<Drafter>, TeamProblem> {
    let mut unique: Vec<UserId> = Vec::with_capacity(people.len());
    for person in people {
        if !unique.contains(person) {
            unique.push(*person);
        }
    }
    let lead = match (lead, unique.as_slice()) {
        (_, []) => return Err(TeamProblem::Empty),
        (Some(lead), _) if !unique.contains(&lead) => return Err(TeamProblem::LeadNotOnTeam),
        (Some(lead), _) => lead,
        (None, [first, ..]) => *first,
    };
    Ok(unique.into_iter().map(|user| Drafter { user, lead: user == lead }).collect())
}

/// What a version was made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionSource {
    /// An uploaded Markdown file.
    Markdown,
    /// An uploaded Word file.
    Docx,
    /// Markdown written in the browser or sent as JSON.
    Editor,
}

crate::organisation::stored_as_snake_case!(
    VersionSource, "version source", Markdown => "markdown", Docx => "docx", Editor => "editor",
);

/// One version of a report, immutable once made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Version {
    pub id: VersionId,
    pub report: ReportId,
    /// 1 for "dự thảo lần 1", and so on.
    pub number: u32,
    pub blocks: Vec<Block>,
    pub source: VersionSource,
    /// The uploaded file's name, as the person's computer called it.
    pub file_name: Option<String>,
    pub change_note: Option<String>,
    pub created_by: UserId,
    pub created_at: OffsetDateTime,
}

impl Version {
    /// Words in the version, as a reader counts them.
    pub fn word_count(&self) -> usize {
        self.blocks.iter().map(|b| b.content.plain_text().split_whitespace().count()).sum()
    }
}

/// A version's listing entry: everything but its blocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VersionSummary {
    pub id: VersionId,
    pub number: u32,
    pub source: VersionSource,
    pub file_name: Option<String>,
    pub change_note: Option<String>,
    pub created_by: UserId,
    pub created_at: OffsetDateTime,
    pub word_count: u32,
}

impl From<&Version> for VersionSummary {
    fn from(version: &Version) -> Self {
        Self {
            id: version.id,
            number: version.number,
            source: version.source,
            file_name: version.file_name.clone(),
            change_note: version.change_note.clone(),
            created_by: version.created_by,
            created_at: version.created_at,
            word_count: u32::try_from(version.word_count()).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn person(n: u128) -> UserId {
        UserId::from_uuid(Uuid::from_u128(n))
    }

    #[test]
    fn kinds_round_trip_through_their_stored_names() {
        for kind in ReportKind::ALL {
            assert_eq!(kind.as_str().parse::<ReportKind>().as_ref(), Ok(kind));
        }
        assert!("minutes".parse::<ReportKind>().is_err());
    }

    #[test]
    fn a_long_title_is_kept_whole_and_an_overlong_one_refused() {
        let title = "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI, nhiệm kỳ 2020 - 2025";
        assert_eq!(Title::parse(title).map(String::from).as_deref(), Ok(title));
        let long = "a".repeat(Title::MAX_CHARS + 1);
        assert_eq!(Title::parse(&long), Err(TextError::TooLong { max: Title::MAX_CHARS, actual: Title::MAX_CHARS + 1 }));
    }

    #[test]
    fn a_drafting_team_has_exactly_one_lead_from_among_its_people() {
        let team = drafting_team(&[person(1), person(2), person(1)], Some(person(2))).expect("a team");
        assert_eq!(team, vec![Drafter { user: person(1), lead: false }, Drafter { user: person(2), lead: true }]);
        let team = drafting_team(&[person(3)], None).expect("a team of one");
        assert!(team[0].lead);
        assert_eq!(drafting_team(&[], None), Err(TeamProblem::Empty));
        assert_eq!(drafting_team(&[person(1)], Some(person(9))), Err(TeamProblem::LeadNotOnTeam));
    }

    #[test]
    fn an_empty_change_note_is_no_note() {
        assert_eq!(change_note("  \n "), Ok(None));
        assert_eq!(change_note(" Tiếp thu ý kiến\nlần 2 "), Ok(Some("Tiếp thu ý kiến\nlần 2".into())));
    }
}
