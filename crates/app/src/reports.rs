//! Use cases for draft reports: setting one up with its drafting team,
//! making versions from a file or from Markdown, reading them, comparing two,
//! and exporting one.
//!
//! Each use case takes the [`Actor`] and asks the authorization function
//! itself, once it has loaded what the question is about (the report's
//! committee), so no caller can forget to.

use gopy_documents::{ExportError, ImportError, ImportLimits, SourceFormat, TitleBlock};
use gopy_domain::document::align::{Alignment, align, carry_ids_aligned};
use gopy_domain::document::{BlockContent, BlockId};
use gopy_domain::report::{change_note, drafting_team};
use gopy_domain::{
    Action, Actor, BodyId, CommitteeId, Drafter, Report, ReportId, ReportKind, ReportStatus, Resource, TermId, Title,
    UserId, Version, VersionId, VersionSource, VersionSummary, authorize,
};
use serde_json::json;
use tracing::instrument;

use crate::rounds::Gate;
use crate::{App, AppError, InvalidReason, StoreError, UnitOfWork, new_id};

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
        let (source, file_name, contents) = import(input, limits.clone()).await?;
        let mut uow = self.store.begin().await?;
        let report = readable_report(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::AddVersion, report_resource(&report))?;
        self.gate(uow.as_mut(), &report, Gate::Version).await?;
        let previous = uow.latest_version(id).await?;
        let number = previous.as_ref().map_or(1, |v| v.number + 1);
        let old_blocks = previous.as_ref().map(|v| v.blocks.as_slice()).unwrap_or_default();
        let mut randomness = Randomness::default();
        let (blocks, alignment) = carry_ids_aligned(old_blocks, contents, || randomness.block_id());
        if let Some(err) = randomness.failure {
            return Err(AppError::Store(err));
        }
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
                "blocks": version.blocks.len(), "comments_carried": carried,
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
            let mut uow = self.store.begin().await?;
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
        let stem = format!("{}-du-thao-lan-{number}", file_stem(report.title.as_str()));
        match format {
            ExportFormat::Markdown => Ok(Download {
                file_name: format!("{stem}.md"),
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
                    file_name: format!("{stem}.docx"),
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

/// A file-name stem from a title: the words folded to ASCII, joined by
/// hyphens, at most eight of them.
pub fn file_stem(title: &str) -> String {
    let folded = gopy_domain::text::fold(title);
    let words: Vec<&str> = folded.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).take(8).collect();
    if words.is_empty() { "bao-cao".to_owned() } else { words.join("-") }
}

/// Reads the input off the async threads: a large Word file takes a while.
async fn import(
    input: VersionInput,
    limits: ImportLimits,
) -> Result<(VersionSource, Option<String>, Vec<BlockContent>), AppError> {
    let refused = |e: ImportError| AppError::invalid("file", InvalidReason::Import(e));
    tokio::task::spawn_blocking(move || match input {
        VersionInput::File { bytes, file_name } => {
            let imported = gopy_documents::import(&bytes, &limits).map_err(refused)?;
            let source = match imported.format {
                SourceFormat::Markdown => VersionSource::Markdown,
                SourceFormat::Docx => VersionSource::Docx,
            };
            let file_name = file_name.map(|n| n.chars().take(255).collect());
            Ok((source, file_name, imported.blocks))
        }
        VersionInput::Markdown(text) => {
            let imported = gopy_documents::import_markdown(&text, &limits)
                .map_err(|e| AppError::invalid("markdown", InvalidReason::Import(e)))?;
            Ok((VersionSource::Editor, None, imported.blocks))
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
