//! Use cases for draft reports: setting one up with its drafting team,
//! making versions from a file or from Markdown, reading them, comparing two,
//! and exporting one.
//!
//! Each use case takes the [`Actor`] and asks the authorization function
//! itself, once it has loaded what the question is about (the report's
//! committee), so no caller can forget to.

use std::collections::HashMap;

use gopy_documents::{ExportError, ImportError, ImportLimits, LeftOut, SourceFormat, TitleBlock};
use gopy_domain::document::align::{Alignment, align, carry_ids_aligned};
use gopy_domain::document::label::citation_labels;
use gopy_domain::document::{BlockContent, BlockId, LeftOutPassage};
use gopy_domain::report::{change_note, drafting_team};
use gopy_domain::workflow::{Ballot, Round, Step, Vote, allowed_steps, versions_open};
use gopy_domain::{
    Action, Actor, Approval, AuditEvent, BodyId, Comment, CommentCounts, CommentId, CommentPlacement, CommitteeId,
    DispositionKind, Drafter, Membership, Report, ReportId, ReportKind, ReportStatus, Resource, TermId, Title, User,
    UserId, Version, VersionId, VersionSource, VersionSummary, authorize,
};
use serde_json::json;
use tracing::instrument;

use crate::rounds::Gate;
use crate::{App, AppError, Directory, Fresh, InvalidReason, Offer, StoreError, UnitOfWork, WhyNot, new_id};

/// What is needed to set up a report.
#[derive(Clone, Debug)]
pub struct NewReport {
    pub kind: ReportKind,
    pub title: String,
    pub term: Option<TermId>,
    pub body: Option<BodyId>,
    pub committee: Option<CommitteeId>,
    pub drafters: Vec<UserId>,
    pub lead: Option<UserId>,
}

/// A report with its team and the list of its versions.
#[derive(Clone, Debug)]
pub struct ReportDetail {
    pub report: Report,
    pub team: Vec<Drafter>,
    pub versions: Vec<VersionSummary>,
}

/// What a new version is made from.
#[derive(Clone, Debug)]
pub enum VersionInput {
    /// An uploaded file, whose kind is read from its content.
    File { bytes: Vec<u8>, file_name: Option<String> },
    /// Markdown written in the browser or sent as JSON.
    Markdown(String),
}

/// Two versions of a report and how the second differs from the first.
#[derive(Clone, Debug)]
pub struct VersionDiff {
    pub report: Report,
    pub from: Version,
    pub to: Version,
    pub alignment: Alignment,
}

/// The formats a version can be downloaded in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Docx,
    Markdown,
}

/// A file to hand to the person.
#[derive(Clone, Debug)]
pub struct Download {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// The report as the authorization function knows it.
pub fn report_resource(report: &Report) -> Resource {
    Resource::Report { id: report.id, committee: report.committee }
}

impl App {
    /// The report's change counter, read in a read model's own unit of work
    /// so that the model and the tag it is served under agree.
    pub(crate) async fn change_count(&self, uow: &mut dyn UnitOfWork, id: ReportId) -> Result<u64, AppError> {
        uow.report_change_count(id).await?.ok_or(AppError::NotFound { what: "report" })
    }
}

impl App {
    #[instrument(skip(self, actor, new), fields(user.id = %actor.user))]
    pub async fn create_report(&self, actor: &Actor, new: NewReport) -> Result<Report, AppError> {
        authorize(actor, Action::CreateReport, Resource::Organisation)?;
        let title = Title::parse(&new.title).map_err(|e| AppError::invalid("title", e))?;
        let body = new.body.ok_or_else(|| AppError::invalid("body", InvalidReason::Missing))?;
        let committee = new.committee.ok_or_else(|| AppError::invalid("committee", InvalidReason::Missing))?;
        let team = drafting_team(&new.drafters, new.lead).map_err(|e| AppError::invalid("drafters", e))?;
        let mut uow = self.store.begin().await?;
        if !uow.list_bodies().await?.iter().any(|b| b.id == body) {
            return Err(AppError::invalid("body", InvalidReason::Missing));
        }
        if uow.find_committee(committee).await?.is_none() {
            return Err(AppError::invalid("committee", InvalidReason::Missing));
        }
        if let Some(term) = new.term
            && !uow.list_terms().await?.iter().any(|t| t.id == term)
        {
            return Err(AppError::invalid("term", InvalidReason::Missing));
        }
        for drafter in &team {
            if !uow.find_user(drafter.user).await?.is_some_and(|u| u.active) {
                return Err(AppError::invalid("drafters", InvalidReason::Missing));
            }
        }
        let report = Report {
            id: ReportId::from_uuid(new_id()),
            kind: new.kind,
            title,
            term: new.term,
            body,
            committee,
            status: ReportStatus::Drafting,
            created_by: Some(actor.user),
            created_at: self.now(),
            approval: None,
            revision: 0,
        };
        uow.insert_report(&report).await?;
        uow.insert_drafters(report.id, &team, report.created_at).await?;
        let event = self.audit(
            Some(actor.user),
            "report.created",
            "report",
            Some(report.id.as_uuid()),
            json!({ "title": report.title, "kind": report.kind, "committee": committee, "team": team }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(report)
    }

    /// The reports `actor` may read, newest first.
    pub async fn reports_for(&self, actor: &Actor) -> Result<Vec<Report>, AppError> {
        let reports = self.store.begin_read().await?.list_reports().await?;
        Ok(reports.into_iter().filter(|r| authorize(actor, Action::ViewReport, report_resource(r)).is_ok()).collect())
    }

    pub async fn report_detail(&self, actor: &Actor, id: ReportId) -> Result<ReportDetail, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = readable_report(uow.as_mut(), actor, id).await?;
        let team = uow.drafting_team(id).await?;
        let versions = uow.version_summaries(id).await?;
        Ok(ReportDetail { report, team, versions })
    }

    /// Makes the next version from a file or from Markdown. The blocks keep
    /// the ids of the passages they carry on from the version before, so
    /// comments follow them. Nothing is written unless the whole file reads.
    #[instrument(skip(self, actor, input, note), fields(user.id = %actor.user, report.id = %id))]
    pub async fn add_version(
        &self,
        actor: &Actor,
        id: ReportId,
        input: VersionInput,
        note: &str,
        limits: &ImportLimits,
    ) -> Result<Version, AppError> {
        let change_note = change_note(note).map_err(|e| AppError::invalid("change_note", e))?;
        {
            // Refuse a stranger before spending time on their file; one who
            // may not read the report is not told it exists.
            let mut uow = self.store.begin().await?;
            let report = readable_report(uow.as_mut(), actor, id).await?;
            authorize(actor, Action::AddVersion, report_resource(&report))?;
        }
        let (source, file_name, contents, left_out) = import(input, limits.clone()).await?;
        // A version moves the report's revision: a step decided on the
        // version before (a round opened on it, an approval) is refused,
        // and a version that lost the race to a step is decided again on
        // the report as it now is (its state may no longer take versions).
        crate::revisions::again_unless_seen(None, || {
            self.add_version_once(actor, id, (source, file_name.clone(), contents.clone(), left_out.clone()), change_note.clone())
        })
        .await
    }

    async fn add_version_once(
        &self,
        actor: &Actor,
        id: ReportId,
        (source, file_name, contents, left_out): (VersionSource, Option<String>, Vec<BlockContent>, Vec<LeftOut>),
        change_note: Option<String>,
    ) -> Result<Version, AppError> {
        let mut uow = self.store.begin().await?;
        let mut report = readable_report(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::AddVersion, report_resource(&report))?;
        self.gate(uow.as_mut(), &report, Gate::Version).await?;
        uow.update_report_state(&mut report).await?;
        let previous = uow.latest_version(id).await?;
        let number = previous.as_ref().map_or(1, |v| v.number + 1);
        let old_blocks = previous.as_ref().map(|v| v.blocks.as_slice()).unwrap_or_default();
        let mut randomness = Randomness::default();
        let (blocks, alignment) = carry_ids_aligned(old_blocks, contents, || randomness.block_id());
        if let Some(err) = randomness.failure {
            return Err(AppError::Store(err));
        }
        // What the file held that no block can, by the block now holding
        // its placeholder (the blocks keep the file's order).
        let left_out = left_out
            .into_iter()
            .filter_map(|l| Some(LeftOutPassage { block: blocks.get(l.block)?.id.clone(), kind: l.kind }))
            .collect();
        let version = Version {
            id: VersionId::from_uuid(new_id()),
            report: id,
            number,
            blocks,
            source,
            file_name,
            change_note,
            created_by: actor.user,
            created_at: self.now(),
            left_out,
        };
        // Two uploads at once race for the same number; the unique index
        // lets one win and the other is told to try again.
        uow.insert_version(&version).await.map_err(|e| AppError::from_store(e, "version"))?;
        uow.insert_block_labels(version.id, &crate::review::labels_of(&version)).await?;
        self.index_version(uow.as_mut(), &report, &version).await?;
        let carried = match &previous {
            Some(previous) => self.carry_comments(uow.as_mut(), previous, &version, &alignment).await?,
            None => 0,
        };
        let event = self.audit(
            Some(actor.user),
            "version.created",
            "report",
            Some(id.as_uuid()),
            json!({
                "version": version.id, "number": number, "source": source,
                "blocks": version.blocks.len(), "comments_carried": carried, "left_out": version.left_out.len(),
            }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(version)
    }

    /// One version, whole.
    pub async fn version(&self, actor: &Actor, id: ReportId, number: u32) -> Result<(Report, Version), AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = readable_report(uow.as_mut(), actor, id).await?;
        let version = find_version(uow.as_mut(), id, number).await?;
        Ok((report, version))
    }

    /// How version `to` differs from version `from` (either may be the older).
    pub async fn diff(&self, actor: &Actor, id: ReportId, from: u32, to: u32) -> Result<VersionDiff, AppError> {
        let (report, from, to) = {
            let mut uow = self.store.begin_read().await?;
            let report = readable_report(uow.as_mut(), actor, id).await?;
            let from = find_version(uow.as_mut(), id, from).await?;
            let to = find_version(uow.as_mut(), id, to).await?;
            (report, from, to)
        };
        let alignment = tokio::task::spawn_blocking({
            let old: Vec<BlockContent> = from.blocks.iter().map(|b| b.content.clone()).collect();
            let new: Vec<BlockContent> = to.blocks.iter().map(|b| b.content.clone()).collect();
            move || align(&old, &new)
        })
        .await
        .map_err(|e| AppError::Store(StoreError::Other(format!("diff stopped: {e}"))))?;
        Ok(VersionDiff { report, from, to, alignment })
    }

    /// A version as a Word file (with the document's title block) or as Markdown.
    pub async fn export_version(
        &self,
        actor: &Actor,
        id: ReportId,
        number: u32,
        format: ExportFormat,
    ) -> Result<Download, AppError> {
        let (report, version, organisation) = {
            let mut uow = self.store.begin_read().await?;
            let report = readable_report(uow.as_mut(), actor, id).await?;
            let version = find_version(uow.as_mut(), id, number).await?;
            let organisation = uow.list_bodies().await?.into_iter().find(|b| b.id == report.body).map(|b| b.name);
            let approver = match report.approval.filter(|a| a.version == number) {
                Some(approval) => uow.find_user(approval.by).await?.map(|u| u.name),
                None => None,
            };
            (report, version, (organisation, approver))
        };
        let (organisation, approver) = organisation;
        let contents: Vec<BlockContent> = version.blocks.iter().map(|b| b.content.clone()).collect();
        let name = |extension| file_name(&[report.title.as_str(), &format!("Dự thảo lần {number}")], extension);
        match format {
            ExportFormat::Markdown => Ok(Download {
                file_name: name("md"),
                content_type: "text/markdown; charset=utf-8",
                bytes: gopy_documents::export_markdown(&contents).into_bytes(),
            }),
            ExportFormat::Docx => {
                let local = version.created_at.to_offset(vietnam_offset());
                let title = TitleBlock {
                    organisation: organisation.map(|n| n.to_string().to_uppercase()).unwrap_or_default(),
                    place_and_date: format!(
                        "ngày {} tháng {} năm {}",
                        local.day(),
                        u8::from(local.month()),
                        local.year()
                    ),
                    // The final version says who approved it and when.
                    version_label: match (report.approval.filter(|a| a.version == number), approver) {
                        (Some(approval), Some(by)) => {
                            let at = approval.at.to_offset(vietnam_offset());
                            format!(
                                "Bản cuối cùng (dự thảo lần {number}), đã được {by} phê duyệt ngày {:02}/{:02}/{}",
                                at.day(),
                                u8::from(at.month()),
                                at.year()
                            )
                        }
                        _ => format!("Dự thảo lần {number}"),
                    },
                };
                let bytes = gopy_documents::export_docx(&title, &contents).map_err(export_failed)?;
                Ok(Download {
                    file_name: name("docx"),
                    content_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    bytes,
                })
            }
        }
    }
}

fn export_failed(err: ExportError) -> AppError {
    AppError::Store(StoreError::Other(format!("export failed: {err}")))
}

/// Việt Nam's offset: the dates in a document's title block are local dates.
fn vietnam_offset() -> time::UtcOffset {
    time::UtcOffset::from_hms(7, 0, 0).unwrap_or(time::UtcOffset::UTC)
}

/// The longest title a file's name keeps whole; a longer one is cut at a
/// word boundary, marked with "…" (file systems refuse names past 255
/// bytes, and a Vietnamese letter takes up to three).
const FILE_NAME_TITLE_CHARS: usize = 120;

/// A downloaded file's name, in the words people use ("Báo cáo sơ kết … -
/// Dự thảo lần 2.docx"): `parts` joined by " - ", NFC, without the
/// characters file systems refuse, and never cut inside a word. The web
/// sends an ASCII form of it beside it for old clients.
pub fn file_name(parts: &[&str], extension: &str) -> String {
    let clean = |part: &str| -> String {
        let kept: String = gopy_domain::text::nfc(part)
            .chars()
            .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { ' ' } else { c })
            .collect();
        kept.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let shortened = |part: String| -> String {
        if part.chars().count() <= FILE_NAME_TITLE_CHARS {
            return part;
        }
        let mut kept = String::new();
        for word in part.split(' ') {
            if kept.chars().count() + word.chars().count() + 1 > FILE_NAME_TITLE_CHARS {
                break;
            }
            if !kept.is_empty() {
                kept.push(' ');
            }
            kept.push_str(word);
        }
        format!("{}…", kept.trim_end_matches([' ', ',', '-', ';']))
    };
    let joined: Vec<String> = parts.iter().map(|p| shortened(clean(p))).filter(|p| !p.is_empty()).collect();
    let stem = if joined.is_empty() { "Báo cáo".to_owned() } else { joined.join(" - ") };
    format!("{stem}.{extension}")
}

/// Reads the input off the async threads: a large Word file takes a while.
async fn import(
    input: VersionInput,
    limits: ImportLimits,
) -> Result<(VersionSource, Option<String>, Vec<BlockContent>, Vec<LeftOut>), AppError> {
    let refused = |e: ImportError| AppError::invalid("file", InvalidReason::Import(e));
    tokio::task::spawn_blocking(move || match input {
        VersionInput::File { bytes, file_name } => {
            let imported = gopy_documents::import(&bytes, &limits).map_err(refused)?;
            let source = match imported.format {
                SourceFormat::Markdown => VersionSource::Markdown,
                SourceFormat::Docx => VersionSource::Docx,
            };
            let file_name = file_name.map(|n| n.chars().take(255).collect());
            Ok((source, file_name, imported.blocks, imported.left_out))
        }
        VersionInput::Markdown(text) => {
            let imported = gopy_documents::import_markdown(&text, &limits)
                .map_err(|e| AppError::invalid("markdown", InvalidReason::Import(e)))?;
            Ok((VersionSource::Editor, None, imported.blocks, imported.left_out))
        }
    })
    .await
    .map_err(|e| AppError::Store(StoreError::Other(format!("import stopped: {e}"))))?
}

/// Fresh block ids from the operating system's randomness; a failure to get
/// any is kept and reported after the ids are made.
#[derive(Default)]
struct Randomness {
    failure: Option<StoreError>,
}

impl Randomness {
    fn block_id(&mut self) -> BlockId {
        match getrandom::u64() {
            Ok(bits) => BlockId::fresh(bits),
            Err(e) => {
                self.failure = Some(StoreError::Other(format!("no randomness: {e}")));
                BlockId::fresh(0)
            }
        }
    }
}

async fn find_report(uow: &mut dyn UnitOfWork, id: ReportId) -> Result<Report, AppError> {
    uow.find_report(id).await?.ok_or(AppError::NotFound { what: "report" })
}

/// The report, if `actor` may read it. A report they may not read is "not
/// found", so ids cannot be probed.
async fn readable_report(uow: &mut dyn UnitOfWork, actor: &Actor, id: ReportId) -> Result<Report, AppError> {
    let report = find_report(uow, id).await?;
    authorize(actor, Action::ViewReport, report_resource(&report)).map_err(|_| AppError::NotFound { what: "report" })?;
    Ok(report)
}

async fn find_version(uow: &mut dyn UnitOfWork, id: ReportId, number: u32) -> Result<Version, AppError> {
    uow.find_version(id, number).await?.ok_or(AppError::NotFound { what: "version" })
}

// --- Read models of the report pages ------------------------------------------------
//
// Each page reads in one read unit of work, names people and bodies through
// one [`Directory`], and says what the viewer may do, so the handler has
// nothing to look up or to decide.

/// A report as the list shows it, its committee and body named.
#[derive(Clone, Debug)]
pub struct ReportLine {
    pub report: Report,
    pub committee: Option<String>,
    pub body: Option<String>,
    /// The open round, while the report is open for comments: its deadline
    /// is what the list shows beside the status.
    pub round: Option<Round>,
}

/// What the form that sets up a report offers, in the order people read
/// names in (Vietnamese collation).
#[derive(Clone, Debug, Default)]
pub struct NewReportChoices {
    pub bodies: Vec<(BodyId, String)>,
    pub committees: Vec<(CommitteeId, String)>,
    pub terms: Vec<(TermId, String)>,
    /// Active people, who may join a drafting team.
    pub people: Vec<User>,
}

/// The list of reports the viewer may read, newest first, and, for one who
/// may set up reports, what the form offers.
#[derive(Clone, Debug)]
pub struct ReportsPage {
    pub reports: Vec<ReportLine>,
    pub new_report: Option<NewReportChoices>,
    /// When the page was read: a round past its deadline is overdue.
    pub now: time::OffsetDateTime,
    /// Today in Việt Nam, the day the days left are counted from.
    pub today: time::Date,
}

/// A version in the report's list of versions.
#[derive(Clone, Debug)]
pub struct VersionLine {
    pub summary: VersionSummary,
    pub author: String,
}

/// The ballot of a report's latest round, with names.
#[derive(Clone, Debug)]
pub struct BallotModel {
    pub round: u32,
    /// The version the round was about.
    pub version: u32,
    pub agree: usize,
    pub disagree: usize,
    pub other: usize,
    pub votes: Vec<(String, Vote, Option<String>)>,
    pub not_voted: Vec<String>,
    /// The viewer's own vote, to preselect on the form.
    pub mine: Option<(Vote, Option<String>)>,
}

/// Where a report stands in its life and what the viewer may do about it.
#[derive(Clone, Debug)]
pub struct ReportLife {
    pub status: ReportStatus,
    pub approval: Option<(Approval, String)>,
    /// The round open now, if the report is open for comments.
    pub round: Option<Round>,
    /// The open round's deadline has passed.
    pub overdue: bool,
    pub rounds: Vec<Round>,
    /// The steps the state allows and the viewer may take.
    pub steps: Vec<Step>,
    pub counts: CommentCounts,
    /// The version the last round before the latest version reviewed: the
    /// chair compares the submitted version against it.
    pub previous_round_version: Option<u32>,
    pub latest_version: Option<u32>,
    pub ballot: Option<BallotModel>,
    /// Voting on the latest round's ballot, or why not (closed on a day).
    pub vote: Offer,
    /// What the steps that cannot be undone leave behind, told before one is taken.
    pub consequences: Consequences,
    /// The last return's reason, until the next submission.
    pub returned: Option<Returned>,
    /// The bodies the viewer may consult when opening a round, by name;
    /// empty when opening one is not offered.
    pub consultable: Vec<(BodyId, String)>,
    /// The latest round consults bodies: its register is there to read.
    pub consults: bool,
}

/// What stands when a step that cannot be undone is taken (closing a
/// round early, submitting, approving, returning), so the page can ask
/// first and name it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Consequences {
    pub latest_version: Option<u32>,
    /// The latest round's number and the version it was about.
    pub round: Option<(u32, u32)>,
    /// The reviewing committee's members.
    pub members: usize,
    /// Members with no comment on the latest round's version.
    pub not_commented: usize,
    /// Members who have not voted, when the latest round has a ballot.
    pub not_voted: Option<usize>,
    /// Comments that await the drafting team's answer.
    pub unanswered: usize,
}

/// A return to the drafting team: why, by whom, when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Returned {
    pub reason: String,
    pub by: Option<String>,
    pub at: time::OffsetDateTime,
}

/// Everything the report page shows.
#[derive(Clone, Debug)]
pub struct ReportPage {
    pub report: Report,
    pub committee: Option<String>,
    pub body: Option<String>,
    /// Names, the lead first, and whether each is the lead.
    pub team: Vec<(String, bool)>,
    /// Oldest first.
    pub versions: Vec<VersionLine>,
    /// Adding a version, or why not now (a round is open, it is approved).
    pub add_version: Offer,
    /// Importing a body's comments from a Word file: while comments are
    /// taken on a version.
    pub word_comments: Offer,
    /// Sees the answer desk: the drafting team and the secretariat.
    pub answer_desk: bool,
    pub life: ReportLife,
    /// For the drafting team and the secretariat, before they submit: the
    /// two checks of the change table that ends at the latest version.
    pub change_checks: Option<crate::changes::ChangeCheckSummary>,
}

/// A version's blocks with their citation labels, as a diff side shows them.
#[derive(Clone, Debug)]
pub struct LabelledVersion {
    pub version: Version,
    pub labels: Vec<String>,
}

/// Two versions compared, for the diff page and the API.
#[derive(Clone, Debug)]
pub struct DiffPage {
    pub report: Report,
    pub from: LabelledVersion,
    pub to: LabelledVersion,
    pub alignment: Alignment,
    /// Every version's number, to choose from.
    pub numbers: Vec<u32>,
}

/// One event of a report's timeline, its actor named.
#[derive(Clone, Debug)]
pub struct TimelineEntry {
    pub event: AuditEvent,
    pub who: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Timeline {
    pub report: Report,
    pub events: Vec<TimelineEntry>,
}

/// Where a row of the table of dispositions points.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Passage {
    /// A passage of the latest version, by its citation label.
    Label(String),
    /// The passage the comment was on is gone from the latest version.
    Gone,
    /// The comment is on the whole report.
    WholeReport,
}

/// One row of the table of dispositions, in no language yet.
#[derive(Clone, Debug)]
pub struct DispositionLine {
    pub passage: Passage,
    pub quote: Option<String>,
    pub commenter: String,
    pub commenter_body: Option<String>,
    pub comment: String,
    pub disposition: Option<DispositionKind>,
    pub response: String,
    /// The top-level part of the passage's label ("II" for "II.1 ¶2"):
    /// the section of the draft (nhóm vấn đề) the comment is about.
    pub section: Option<String>,
    /// Why the commenter still disagrees with the answer, if they do.
    pub disagreement: Option<String>,
    /// The chair's decision on the dispute, once recorded.
    pub decision: Option<String>,
}

/// The table of dispositions (bảng tổng hợp tiếp thu, giải trình): every
/// comment not withdrawn, as it stands on the latest version, in the order
/// of the document. The same for everyone who may read the report, so the
/// files made from it are kept and served again until the report changes.
#[derive(Clone, Debug)]
pub struct Dispositions {
    pub report: Report,
    /// The latest version's number; 0 before the first.
    pub version: u32,
    pub rows: Vec<DispositionLine>,
    /// The response register of the latest round that consulted bodies:
    /// the table opens with its summary.
    pub register: Option<crate::consultations::ConsultationRegister>,
}

/// The state a reader may hold of a page whose content turns with the clock
/// as well as with the report's changes: the change count, doubled, plus
/// one once the open round's deadline has passed. A reader who saw the page
/// before the deadline is so sent the page after it (overdue, no ballot).
pub(crate) fn page_state(change_count: u64, deadline_passed: bool) -> u64 {
    change_count.saturating_mul(2) + u64::from(deadline_passed)
}

impl App {
    /// The report, if `actor` may read it, and its change count, read in the
    /// page's own unit of work so that the page and its tag agree. `Err`
    /// with the count when the reader's copy (`known`) is still current.
    async fn report_read(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        id: ReportId,
        known: &[u64],
    ) -> Result<Result<(Report, u64), u64>, AppError> {
        let (report, count) = uow.find_report_with_change_count(id).await?.ok_or(AppError::NotFound { what: "report" })?;
        authorize(actor, Action::ViewReport, report_resource(&report)).map_err(|_| AppError::NotFound { what: "report" })?;
        Ok(if known.contains(&count) { Err(count) } else { Ok((report, count)) })
    }

    /// The list of reports and, for the secretariat, the new-report form's choices.
    pub async fn reports_page(&self, actor: &Actor) -> Result<ReportsPage, AppError> {
        let mut uow = self.store.begin_read().await?;
        let directory = Directory::load(uow.as_mut()).await?;
        let committees = uow.list_committees().await?;
        let committee_name = |id| committees.iter().find(|c| c.id == id).map(|c| c.name.to_string());
        let mut rounds: HashMap<ReportId, Round> = uow.latest_rounds().await?.into_iter().collect();
        let reports = uow
            .list_reports()
            .await?
            .into_iter()
            .filter(|r| authorize(actor, Action::ViewReport, report_resource(r)).is_ok())
            .map(|report| ReportLine {
                committee: committee_name(report.committee),
                body: directory.body_name(report.body),
                round: rounds
                    .remove(&report.id)
                    .filter(|r| r.closed_at.is_none() && report.status == ReportStatus::OpenForComments),
                report,
            })
            .collect();
        let new_report = match authorize(actor, Action::CreateReport, Resource::Organisation) {
            Err(_) => None,
            Ok(()) => {
                let terms = uow.list_terms().await?;
                let mut bodies: Vec<(BodyId, String)> = directory.bodies().map(|b| (b.id, b.name.to_string())).collect();
                bodies.sort_by_cached_key(|(_, name)| gopy_domain::text::collation_key(name));
                let mut people: Vec<User> = directory.users().filter(|u| u.active).cloned().collect();
                people.sort_by_cached_key(|u| gopy_domain::text::collation_key(u.name.as_str()));
                Some(NewReportChoices {
                    bodies,
                    committees: committees.iter().map(|c| (c.id, c.name.to_string())).collect(),
                    terms: terms.into_iter().map(|t| (t.id, t.name.to_string())).collect(),
                    people,
                })
            }
        };
        let now = self.now();
        Ok(ReportsPage { reports, new_report, now, today: now.to_offset(gopy_domain::meeting::VIETNAM).date() })
    }

    /// The report page: the report, its team, its versions, where it stands
    /// and what the viewer may do. Unchanged when `known` holds its state.
    pub async fn report_page(&self, actor: &Actor, id: ReportId, known: Option<u64>) -> Result<Fresh<ReportPage>, AppError> {
        let mut uow = self.store.begin_read().await?;
        let (report, count) = match self.report_read(uow.as_mut(), actor, id, &[]).await? {
            Ok(read) => read,
            Err(count) => return Ok(Fresh::Unchanged { change_count: count }),
        };
        let now = self.now();
        let rounds = uow.rounds_of(id).await?;
        let current = rounds.last().filter(|r| r.closed_at.is_none() && report.status == ReportStatus::OpenForComments).cloned();
        let overdue = current.as_ref().is_some_and(|r| r.deadline <= now);
        let state = page_state(count, overdue);
        if known == Some(state) {
            return Ok(Fresh::Unchanged { change_count: state });
        }
        let directory = Directory::load(uow.as_mut()).await?;
        let committee = uow.find_committee(report.committee).await?.map(|c| c.name.to_string());
        let team = uow.drafting_team(id).await?.into_iter().map(|d| (directory.name(d.user), d.lead)).collect();
        let summaries = uow.version_summaries(id).await?;
        let sees_drafts = crate::answers::sees_drafts(actor, &report);
        let counts = uow.comment_counts().await?.into_iter().find(|c| c.report == id).map(|c| c.as_seen(sees_drafts)).unwrap_or_default();
        let members = uow.memberships_of_committee(report.committee).await?;
        // The ballot of the latest round only: an earlier round's tally is
        // about an earlier version, and the timeline keeps it.
        let last_round = rounds.last();
        let votes = match last_round.filter(|r| r.ballot) {
            Some(round) => Some(uow.ballots_of(round.id).await?),
            None => None,
        };
        let ballot = last_round
            .zip(votes.as_ref())
            .map(|(round, votes)| ballot_model(round, votes, &members, actor.user, &directory));
        let commenters = match last_round {
            Some(round) => uow.commenters_on(id, round.version).await?,
            None => Vec::new(),
        };
        let returned = returned(uow.as_mut(), &report, &directory).await?;
        let consults = match last_round {
            Some(round) => uow.consultation_of(round.id).await?.is_some(),
            None => false,
        };
        let change_checks = if summaries.len() >= 2 && (actor.drafts(id) || actor.organises()) {
            let table = self.change_table_in(uow.as_mut(), actor, report.clone(), None).await?;
            Some(crate::changes::ChangeCheckSummary {
                from: table.from,
                to: table.to,
                taken_in_unchanged: table.checks.taken_in_unchanged.len(),
                unexplained: table.checks.unexplained.len(),
            })
        } else {
            None
        };
        // Word comments are recorded for a body consulted in the report's
        // consulting round: asked only of whom may record them.
        let consulting = consults
            || (authorize(actor, Action::RecordComment, report_resource(&report)).is_ok()
                && self.consulting_round(uow.as_mut(), id).await?.is_some());
        drop(uow);
        let resource = report_resource(&report);
        let latest_version = summaries.last().map(|v| v.number);
        let comments_taken = gopy_domain::workflow::comments_open(report.status, rounds.last(), now).is_some();
        let consequences = Consequences {
            latest_version,
            round: last_round.map(|r| (r.number, r.version)),
            members: members.len(),
            not_commented: members.iter().filter(|m| !commenters.contains(&m.user)).count(),
            not_voted: votes.as_ref().map(|votes| members.iter().filter(|m| !votes.iter().any(|v| v.voter == m.user)).count()),
            unanswered: counts.awaiting,
        };
        let mut life = ReportLife {
            status: report.status,
            approval: report.approval.map(|a| (a, directory.name(a.by))),
            overdue,
            steps: allowed_steps(report.status)
                .into_iter()
                .filter(|s| authorize(actor, crate::rounds::action_of(*s), resource).is_ok())
                .collect(),
            counts,
            previous_round_version: rounds.iter().rev().map(|r| r.version).find(|v| Some(*v) != latest_version),
            latest_version,
            ballot,
            vote: Offer::by_role(authorize(actor, Action::Vote, resource).is_ok()).unless(match (&current, last_round) {
                (Some(round), _) if round.takes_votes(now) => None,
                (_, Some(round)) if round.ballot => Some(WhyNot::RoundClosed { on: local_date(round.closed_at.unwrap_or(round.deadline)) }),
                _ => Some(WhyNot::NoOpenRound),
            }),
            consequences,
            returned,
            round: current,
            rounds,
            consultable: Vec::new(),
            consults,
        };
        if life.steps.contains(&Step::OpenRound) {
            let mut bodies: Vec<(BodyId, String)> = directory.bodies().map(|b| (b.id, b.name.to_string())).collect();
            bodies.sort_by_cached_key(|(_, name)| gopy_domain::text::collation_key(name));
            life.consultable = bodies;
        }
        let model = ReportPage {
            committee,
            body: directory.body_name(report.body),
            team,
            versions: summaries.into_iter().map(|summary| VersionLine { author: directory.name(summary.created_by), summary }).collect(),
            add_version: Offer::by_role(authorize(actor, Action::AddVersion, resource).is_ok()).unless(
                (!versions_open(report.status)).then(|| match report.approval {
                    Some(approval) if report.status == ReportStatus::Approved => WhyNot::Approved { on: local_date(approval.at) },
                    _ => WhyNot::State(report.status),
                }),
            ),
            answer_desk: authorize(actor, Action::ViewDraftAnswers, resource).is_ok(),
            word_comments: Offer::by_role(authorize(actor, Action::RecordComment, resource).is_ok()).unless(
                if !comments_taken || latest_version.is_none() {
                    Some(WhyNot::NoOpenRound)
                } else if !consulting {
                    Some(WhyNot::NoBodiesConsulted)
                } else {
                    None
                },
            ),
            life,
            change_checks,
            report,
        };
        Ok(Fresh::Changed { change_count: state, model })
    }

    /// Two versions compared, `to` against `from`; when not given, the latest
    /// version against the one before it. Versions never change, so only
    /// the report's change count (a new version) makes the page stale.
    pub async fn diff_page(
        &self,
        actor: &Actor,
        id: ReportId,
        from: Option<u32>,
        to: Option<u32>,
        known: Option<u64>,
    ) -> Result<Fresh<DiffPage>, AppError> {
        let (report, count, from, to, numbers) = {
            let mut uow = self.store.begin_read().await?;
            let (report, count) = match self.report_read(uow.as_mut(), actor, id, known.as_slice()).await? {
                Ok(read) => read,
                Err(count) => return Ok(Fresh::Unchanged { change_count: count }),
            };
            let numbers: Vec<u32> = uow.version_summaries(id).await?.iter().map(|v| v.number).collect();
            let to = to.or(numbers.last().copied()).unwrap_or(1);
            let from = from.unwrap_or(to.saturating_sub(1).max(1));
            let from = find_version(uow.as_mut(), id, from).await?;
            let to = find_version(uow.as_mut(), id, to).await?;
            (report, count, from, to, numbers)
        };
        let (from, to, alignment) = tokio::task::spawn_blocking(move || {
            let old: Vec<BlockContent> = from.blocks.iter().map(|b| b.content.clone()).collect();
            let new: Vec<BlockContent> = to.blocks.iter().map(|b| b.content.clone()).collect();
            let alignment = align(&old, &new);
            let from = LabelledVersion { labels: citation_labels(&old), version: from };
            let to = LabelledVersion { labels: citation_labels(&new), version: to };
            (from, to, alignment)
        })
        .await
        .map_err(|e| AppError::Store(StoreError::Other(format!("diff stopped: {e}"))))?;
        Ok(Fresh::Changed { change_count: count, model: DiffPage { report, from, to, alignment, numbers } })
    }

    /// Every event of a report, in order, its actors named.
    pub async fn report_timeline(&self, actor: &Actor, id: ReportId, known: Option<u64>) -> Result<Fresh<Timeline>, AppError> {
        let mut uow = self.store.begin_read().await?;
        let (report, count) = match self.report_read(uow.as_mut(), actor, id, known.as_slice()).await? {
            Ok(read) => read,
            Err(count) => return Ok(Fresh::Unchanged { change_count: count }),
        };
        let events = uow.audit_events_about("report", id.as_uuid()).await?;
        let directory = Directory::load(uow.as_mut()).await?;
        let events = events.into_iter().map(|event| TimelineEntry { who: event.actor.map(|u| directory.name(u)), event }).collect();
        Ok(Fresh::Changed { change_count: count, model: Timeline { report, events } })
    }

    /// The table of dispositions. `known` holds the change counts the caller
    /// already has the table for (the reader's tag, the server's kept
    /// files): at one of them the table is not built again.
    pub async fn dispositions(&self, actor: &Actor, id: ReportId, known: &[u64]) -> Result<Fresh<Dispositions>, AppError> {
        let mut uow = self.store.begin_read().await?;
        let (report, count) = match self.report_read(uow.as_mut(), actor, id, known).await? {
            Ok(read) => read,
            Err(count) => return Ok(Fresh::Unchanged { change_count: count }),
        };
        // The latest version's summary and its stored labels, in the order
        // of the document: its blocks need not be read.
        let version = uow.version_summaries(id).await?.pop();
        // The table shows the team and the secretariat their drafts; anyone
        // else reads only published answers.
        let comments = crate::answers::as_seen_by(actor, &report, uow.comments_of_report(id).await?);
        let (placements, labels) = match &version {
            Some(v) => (uow.placements_on(v.id).await?, uow.block_labels(v.id).await?),
            None => (Vec::new(), Vec::new()),
        };
        let directory = Directory::load(uow.as_mut()).await?;
        let register = self.register_in(uow.as_mut(), actor, report.clone()).await?;
        let disputes = DisputeState {
            stances: uow.stances_on(id).await?,
            decisions: uow.decisions_on(id).await?,
        };
        drop(uow);
        let rows = disposition_lines(&labels, comments, placements, &directory, &disputes);
        let version = version.map_or(0, |v| v.number);
        Ok(Fresh::Changed { change_count: count, model: Dispositions { report, version, rows, register } })
    }
}

/// The day `at` falls on where the committee sits.
pub(crate) fn local_date(at: time::OffsetDateTime) -> time::Date {
    at.to_offset(gopy_domain::meeting::VIETNAM).date()
}

/// The reason the chair gave when last returning the report, while no
/// submission has followed it: the drafting team works from it.
async fn returned(uow: &mut dyn UnitOfWork, report: &Report, directory: &Directory) -> Result<Option<Returned>, AppError> {
    // A return leaves the report being revised (perhaps reviewed again);
    // a draft never submitted has none, a submitted one has answered it.
    if !matches!(report.status, ReportStatus::Revising | ReportStatus::OpenForComments) {
        return Ok(None);
    }
    let steps = uow.audit_events_named("report", report.id.as_uuid(), "report.step").await?;
    let last = steps.iter().rev().find(|e| matches!(e.details["step"].as_str(), Some("return" | "submit")));
    Ok(last.filter(|e| e.details["step"] == "return").map(|e| Returned {
        reason: e.details["reason"].as_str().unwrap_or_default().to_owned(),
        by: e.actor.map(|u| directory.name(u)),
        at: e.occurred_at,
    }))
}

/// The ballot of `round`, its voters and those who have not voted named.
fn ballot_model(round: &Round, votes: &[Ballot], members: &[Membership], viewer: UserId, directory: &Directory) -> BallotModel {
    let count = |kind| votes.iter().filter(|v| v.vote == kind).count();
    BallotModel {
        round: round.number,
        version: round.version,
        agree: count(Vote::Agree),
        disagree: count(Vote::Disagree),
        other: count(Vote::Other),
        votes: votes.iter().map(|v| (directory.name(v.voter), v.vote, v.text.clone())).collect(),
        not_voted: members
            .iter()
            .map(|m| m.user)
            .filter(|u| !votes.iter().any(|v| v.voter == *u))
            .map(|u| directory.name(u))
            .collect(),
        mine: votes.iter().find(|v| v.voter == viewer).map(|v| (v.vote, v.text.clone())),
    }
}

/// The commenters' stances and the chair's decisions, for the table of
/// dispositions.
pub(crate) struct DisputeState {
    pub stances: Vec<gopy_domain::dispute::StanceTaken>,
    pub decisions: Vec<gopy_domain::dispute::DisputeDecision>,
}

/// The rows of the table of dispositions: the comments (not replies, not
/// withdrawn) in the order of the latest version's passages, then those
/// whose passage is gone, then those on the whole report; comments on one
/// passage in the order they were made.
fn disposition_lines(
    labels: &[(BlockId, String)],
    comments: Vec<Comment>,
    placements: Vec<CommentPlacement>,
    directory: &Directory,
    disputes: &DisputeState,
) -> Vec<DispositionLine> {
    let mut placed: HashMap<CommentId, CommentPlacement> = placements.into_iter().map(|p| (p.comment, p)).collect();
    let passages: HashMap<&BlockId, (usize, &str)> =
        labels.iter().enumerate().map(|(i, (id, label))| (id, (i, label.as_str()))).collect();
    let mut rows: Vec<((u8, usize, usize), DispositionLine)> = comments
        .into_iter()
        .filter(|c| !c.is_reply() && !c.is_withdrawn())
        .map(|comment| {
            let placement = placed.remove(&comment.id);
            let shown = placement.as_ref().and_then(|p| p.anchor.as_ref());
            let (key, passage) = match (shown, comment.anchor.as_ref()) {
                (Some(anchor), _) => {
                    let (at, label) = passages.get(&anchor.block).copied().unwrap_or((usize::MAX, ""));
                    ((0, at, anchor.span.as_ref().map_or(0, |s| s.start)), Passage::Label(label.to_owned()))
                }
                (None, Some(_)) => ((1, 0, 0), Passage::Gone),
                (None, None) => ((2, 0, 0), Passage::WholeReport),
            };
            let quote = shown
                .and_then(|a| a.span.as_ref())
                .or_else(|| comment.anchor.as_ref().and_then(|a| a.span.as_ref()))
                .map(|s| s.quote.clone());
            let section = match &passage {
                Passage::Label(label) => label.split(['.', ' ']).next().filter(|s| !s.is_empty()).map(str::to_owned),
                Passage::Gone | Passage::WholeReport => None,
            };
            // A body's comment names the body as who commented (chủ thể góp
            // ý); the person who wrote it in Gopy follows, one typed in
            // from a letter or form names no one else.
            let (commenter, commenter_body) = match comment.on_behalf_of.and_then(|b| directory.body_name(b)) {
                Some(body) if comment.recorded_by.is_some() => (body, None),
                Some(body) => (body, Some(directory.name(comment.author))),
                None => (directory.name(comment.author), directory.body_of(comment.author)),
            };
            let disagreement = disputes
                .stances
                .iter()
                .find(|s| s.comment == comment.id && s.stance == gopy_domain::dispute::Stance::Disagree)
                .and_then(|s| s.reason.as_ref())
                .map(ToString::to_string);
            let decision = disputes.decisions.iter().find(|d| d.comment == comment.id).map(|d| d.decision.to_string());
            let line = DispositionLine {
                disagreement,
                decision,
                section,
                passage,
                quote,
                commenter,
                commenter_body,
                disposition: comment.disposition.as_ref().map(|d| d.kind),
                response: comment.disposition.as_ref().and_then(|d| d.response.as_ref()).map(ToString::to_string).unwrap_or_default(),
                comment: comment.body.to_string(),
            };
            (key, line)
        })
        .collect();
    // Stable: comments on one passage stay in the order they were made.
    rows.sort_by_key(|(key, _)| *key);
    rows.into_iter().map(|(_, line)| line).collect()
}
