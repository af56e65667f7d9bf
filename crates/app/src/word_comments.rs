//! Comments that arrive in Word: a body sends back a copy of the draft with
//! Word's own review comments in it, and the secretariat records each as a
//! comment on the body's behalf, anchored on the text it covers.
//!
//! Two steps, so nothing is stored unseen. Reading the file stages an
//! import: every comment, the passage of the current version it lands on
//! (found by its quote, wherever the text has moved), or the whole report
//! when its text is no longer there (its quote then goes into its text:
//! a comment is never dropped). The secretariat looks at that preview and
//! stores it, in one unit of work.
//!
//! The same file uploaded twice adds nothing twice. Each comment is known by
//! a key made from the comment itself (the body, Word's author and date,
//! its text and what it covers, and which of identical comments it is), not
//! from the file's bytes: a body that saves the file again, or sends it
//! again with one comment more, gets only the new comment added.

use std::collections::{HashMap, HashSet};

use gopy_documents::{ImportError, ImportLimits, ReviewedDraft, WordComment};
use gopy_domain::document::align::{Anchor, find_span};
use gopy_domain::document::{BlockContent, BlockId};
use gopy_domain::{
    Action, Actor, Body, BodyId, Comment, CommentId, CommentText, Report, ReportId, UserId,
    Version, VersionId, authorize,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use tracing::instrument;
use uuid::Uuid;

use crate::reports::report_resource;
use crate::rounds::Gate;
use crate::{App, AppError, Directory, InvalidReason, Offer, StoreError, UnitOfWork, WhyNot, new_id};

/// A Word file's comments, read and anchored, waiting to be stored.
#[derive(Clone, Debug, PartialEq)]
pub struct WordImport {
    pub id: Uuid,
    pub report: ReportId,
    /// The body the comments speak for.
    pub body: BodyId,
    /// The version they were anchored on: the latest when the file was read.
    pub version: VersionId,
    pub version_number: u32,
    pub file_name: Option<String>,
    /// SHA-256 of the file, in hex: which file it was, for the audit trail.
    pub file_hash: String,
    pub rows: Vec<StagedComment>,
    pub created_by: UserId,
    pub created_at: OffsetDateTime,
    pub stored_at: Option<OffsetDateTime>,
}

/// One Word comment as it will be stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedComment {
    /// Its `w:id` in the file.
    pub word_id: String,
    /// Who wrote it in Word, and when, as Word recorded them.
    pub word_author: Option<String>,
    pub word_date: Option<String>,
    /// The comment's own text.
    pub text: String,
    /// What it covers in the file (empty for a comment at a point).
    pub quote: String,
    pub landing: Landing,
    /// What the comment is known by: the same comment sent again has the same key.
    pub key: String,
    /// Why it cannot be stored as it is.
    pub problem: Option<RowProblem>,
}

/// Where a Word comment lands on the version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Landing {
    /// On a passage, with its citation label there.
    Passage { anchor: Anchor, label: String },
    /// On the whole report: its text is no longer in the version
    /// (`quote_gone`), or the comment covers no text the file places.
    WholeReport { quote_gone: bool },
}

/// Why a Word comment cannot be stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowProblem {
    /// It has no text.
    Empty,
    /// Its text, with its quote where it needs one, is longer than a comment may be.
    TooLong { max: usize, actual: usize },
}

impl StagedComment {
    /// The comment's text as stored: on the whole report, what it quoted
    /// goes first, so the drafting team knows what it was about.
    pub fn body(&self) -> String {
        match &self.landing {
            Landing::WholeReport { .. } if !self.quote.is_empty() => {
                format!("Về đoạn: “{}”\n\n{}", self.quote, self.text)
            }
            _ => self.text.clone(),
        }
    }
}

/// The upload page of a report: the bodies to choose from, and whether the
/// viewer may record comments now.
#[derive(Clone, Debug)]
pub struct WordCommentsPage {
    pub report: Report,
    /// The bodies the report's consulting round consults, in Vietnamese
    /// order of name: only their comments are recorded.
    pub bodies: Vec<Body>,
    pub latest_version: Option<u32>,
    pub record: Offer,
}

/// A staged import as its page shows it.
#[derive(Clone, Debug)]
pub struct WordImportPage {
    pub report: Report,
    pub import: WordImport,
    pub body_name: String,
    pub uploaded_by: String,
    /// For each row, whether it is stored already (by this import or an
    /// earlier one of the same comments).
    pub already: Vec<bool>,
    /// The latest version's number now.
    pub latest_version: u32,
    pub store: Offer,
}

/// What storing an import did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredWordComments {
    /// Comments added, on passages and on the whole report.
    pub added: usize,
    pub on_whole_report: usize,
    /// Comments left out because they were stored before.
    pub already: usize,
    pub version_number: u32,
}

/// A rule of this use case, refused with its message key.
fn refuse(field: &'static str, key: &str) -> AppError {
    AppError::invalid(field, InvalidReason::Rule(key.into()))
}

impl App {
    /// The upload page: who the comments may be recorded for.
    pub async fn word_comments_page(&self, actor: &Actor, id: ReportId) -> Result<WordCommentsPage, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let allowed = authorize(actor, Action::RecordComment, report_resource(&report)).is_ok();
        let consultation = self.consulting_round(uow.as_mut(), id).await?.map(|(_, c)| c);
        let closed = match (&consultation, self.comments_closed(uow.as_mut(), &report).await?) {
            (_, Some(why)) => Some(why),
            (None, None) => Some(WhyNot::NoBodiesConsulted),
            (Some(_), None) => None,
        };
        let record = Offer::by_role(allowed).unless(closed);
        let mut bodies: Vec<Body> = uow
            .list_bodies()
            .await?
            .into_iter()
            .filter(|b| consultation.as_ref().is_some_and(|c| c.consults(b.id)))
            .collect();
        bodies.sort_by_cached_key(|b| gopy_domain::collation_key(b.name.as_str()));
        let latest_version = uow.version_summaries(id).await?.last().map(|v| v.number);
        Ok(WordCommentsPage { report, bodies, latest_version, record })
    }

    /// Why comments cannot be recorded on the report now, if they cannot.
    async fn comments_closed(&self, uow: &mut dyn UnitOfWork, report: &Report) -> Result<Option<WhyNot>, AppError> {
        let round = uow.rounds_of(report.id).await?.pop();
        let open = gopy_domain::workflow::comments_open(report.status, round.as_ref(), self.now());
        Ok(match (open, round) {
            (Some(_), _) => None,
            (None, Some(round)) if round.closed_at.is_some() || round.deadline <= self.now() => {
                Some(WhyNot::RoundClosed { on: crate::reports::local_date(round.closed_at.unwrap_or(round.deadline)) })
            }
            (None, _) => Some(WhyNot::NoOpenRound),
        })
    }

    /// Reads a copy of the draft with Word's review comments and stages
    /// them, anchored on the latest version, for the secretariat to see
    /// before storing. Nothing is added to the report yet.
    #[instrument(skip(self, actor, bytes, limits), fields(user.id = %actor.user, report.id = %id))]
    pub async fn read_word_comments(
        &self,
        actor: &Actor,
        id: ReportId,
        body: Option<BodyId>,
        (bytes, file_name): (Vec<u8>, Option<String>),
        limits: &ImportLimits,
    ) -> Result<WordImport, AppError> {
        let body = {
            // A stranger is refused before their file is read, and so is a
            // body the report's consulting round does not consult.
            let mut uow = self.store.begin_read().await?;
            let report = self.readable(uow.as_mut(), actor, id).await?;
            authorize(actor, Action::RecordComment, report_resource(&report))?;
            let body = body.ok_or_else(|| AppError::invalid("body", InvalidReason::Missing))?;
            self.consulted_body(uow.as_mut(), id, body).await?;
            body
        };
        if bytes.is_empty() {
            return Err(AppError::invalid("file", InvalidReason::Import(ImportError::EmptyFile)));
        }
        let file_hash = hex(&Sha256::digest(&bytes));
        let draft = read_draft(bytes, limits.clone()).await?;
        let mut uow = self.store.begin().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::RecordComment, report_resource(&report))?;
        self.consulted_body(uow.as_mut(), id, body).await?;
        self.gate(uow.as_mut(), &report, Gate::Comment).await?;
        let version = uow.latest_version(id).await?.ok_or_else(|| refuse("file", "err_word_no_version"))?;
        if draft.comments.is_empty() {
            return Err(refuse("file", "err_word_no_comments"));
        }
        let import = WordImport {
            id: new_id(),
            report: id,
            body,
            version: version.id,
            version_number: version.number,
            file_name: file_name.map(|n| n.chars().take(255).collect()),
            file_hash,
            rows: stage(&draft, &version, body),
            created_by: actor.user,
            created_at: self.now(),
            stored_at: None,
        };
        uow.insert_word_import(&import).await?;
        let event = self.audit(
            Some(actor.user),
            "word_comments.read",
            "word_comment_import",
            Some(import.id),
            json!({ "report": id, "body": body, "comments": import.rows.len(), "file_hash": import.file_hash }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(import)
    }

    /// Refuses a body that the report's consulting round does not consult
    /// (or an id that names no body): only a consulted body's comments are
    /// recorded on its behalf.
    async fn consulted_body(&self, uow: &mut dyn UnitOfWork, id: ReportId, body: BodyId) -> Result<(), AppError> {
        if !uow.list_bodies().await?.iter().any(|b| b.id == body) {
            return Err(AppError::invalid("body", InvalidReason::Missing));
        }
        match self.consulting_round(uow, id).await? {
            Some((_, consultation)) if consultation.consults(body) => Ok(()),
            _ => Err(refuse("body", "err_body_not_consulted")),
        }
    }

    /// A staged import, with what of it is stored already.
    pub async fn word_import_page(&self, actor: &Actor, id: ReportId, import: Uuid) -> Result<WordImportPage, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::RecordComment, report_resource(&report)).map_err(|_| AppError::NotFound { what: "import" })?;
        let import = uow.find_word_import(id, import).await?.ok_or(AppError::NotFound { what: "import" })?;
        let known: HashSet<String> = uow.imported_word_comment_keys(id).await?.into_iter().collect();
        let latest_version = uow.version_summaries(id).await?.last().map_or(0, |v| v.number);
        let closed = self.comments_closed(uow.as_mut(), &report).await?;
        let directory = Directory::load(uow.as_mut()).await?;
        let store = Offer::by_role(import.stored_at.is_none()).unless(match closed {
            Some(why) => Some(why),
            None if latest_version != import.version_number => Some(WhyNot::NotLatest { latest: latest_version }),
            None => None,
        });
        Ok(WordImportPage {
            body_name: directory.body_name(import.body).unwrap_or_default(),
            uploaded_by: directory.name(import.created_by),
            already: import.rows.iter().map(|r| known.contains(&r.key)).collect(),
            latest_version,
            store,
            report,
            import,
        })
    }

    /// Stores a staged import: each comment not stored before becomes a
    /// comment on the body's behalf, recorded by the secretariat, with its
    /// placement, search entry and the drafting team's notices, all in one
    /// unit of work with one audit event.
    #[instrument(skip(self, actor), fields(user.id = %actor.user, report.id = %id))]
    pub async fn store_word_comments(&self, actor: &Actor, id: ReportId, import: Uuid) -> Result<StoredWordComments, AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::RecordComment, report_resource(&report))?;
        let import = uow.find_word_import(id, import).await?.ok_or(AppError::NotFound { what: "import" })?;
        self.consulted_body(uow.as_mut(), id, import.body).await?;
        let late = self.gate(uow.as_mut(), &report, Gate::Comment).await?;
        let latest = uow.latest_version_block(id, None).await?.ok_or(AppError::NotFound { what: "version" })?;
        if latest.version != import.version {
            return Err(refuse("file", "err_word_import_new_version"));
        }
        if import.rows.iter().any(|r| r.problem.is_some()) {
            return Err(refuse("file", "err_word_import_problems"));
        }
        if !uow.mark_word_import_stored(import.id, self.now()).await? {
            return Err(AppError::Conflict { what: "import" });
        }
        let known: HashSet<String> = uow.imported_word_comment_keys(id).await?.into_iter().collect();
        let mut stored = StoredWordComments { added: 0, on_whole_report: 0, already: 0, version_number: import.version_number };
        let mut keys = Vec::new();
        let mut added = Vec::new();
        for row in &import.rows {
            if known.contains(&row.key) {
                stored.already += 1;
                continue;
            }
            let text = CommentText::parse(&row.body()).map_err(|e| AppError::invalid("file", e))?;
            let anchor = match &row.landing {
                Landing::Passage { anchor, .. } => Some(anchor.clone()),
                Landing::WholeReport { .. } => {
                    stored.on_whole_report += 1;
                    None
                }
            };
            let comment = Comment {
                id: CommentId::from_uuid(new_id()),
                report: id,
                version: import.version,
                version_number: import.version_number,
                parent: None,
                author: actor.user,
                recorded_by: Some(actor.user),
                on_behalf_of: Some(import.body),
                at_meeting: false,
                anchor,
                body: text,
                created_at: self.now(),
                edited_at: None,
                withdrawn_at: None,
                withdrawn_by: None,
                withdrawal_reason: None,
                late,
                disposition: None,
                revision: 0,
            };
            self.write_new_comment(uow.as_mut(), &report, &comment).await?;
            keys.push((row.key.clone(), comment.id));
            added.push(json!({ "comment": comment.id, "word_id": row.word_id, "word_author": row.word_author }));
            stored.added += 1;
        }
        // Two stores of the same comments at once: the second is refused here.
        uow.insert_imported_word_comments(id, import.id, &keys).await.map_err(|e| AppError::from_store(e, "import"))?;
        let event = self.audit(
            Some(actor.user),
            "word_comments.stored",
            "report",
            Some(id.as_uuid()),
            json!({
                "import": import.id, "body": import.body, "version": import.version_number,
                "file_hash": import.file_hash, "added": added, "already": stored.already,
            }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(stored)
    }
}

/// Reads the file off the async threads: a large Word file takes a while.
async fn read_draft(bytes: Vec<u8>, limits: ImportLimits) -> Result<ReviewedDraft, AppError> {
    tokio::task::spawn_blocking(move || gopy_documents::read_review_comments(&bytes, &limits))
        .await
        .map_err(|e| AppError::Store(StoreError::Other(format!("reading stopped: {e}"))))?
        .map_err(|e| AppError::invalid("file", InvalidReason::Import(e)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every comment of the file, anchored on `version`, keyed, and checked.
pub(crate) fn stage(draft: &ReviewedDraft, version: &Version, body: BodyId) -> Vec<StagedComment> {
    let labels: HashMap<BlockId, String> = crate::review::labels_of(version).into_iter().collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    draft
        .comments
        .iter()
        .map(|comment| {
            let quote = comment.quote();
            let landing = land(&draft.blocks, comment, version, &labels);
            let base = key_of(body, comment, &quote, 0);
            let occurrence = seen.entry(base.clone()).or_default();
            let key = if *occurrence == 0 { base } else { key_of(body, comment, &quote, *occurrence) };
            *occurrence += 1;
            let mut row = StagedComment {
                word_id: comment.id.clone(),
                word_author: comment.author.clone(),
                word_date: comment.date.clone(),
                text: comment.text.clone(),
                quote,
                landing,
                key,
                problem: None,
            };
            row.problem = match CommentText::parse(&row.body()) {
                Ok(_) => None,
                Err(gopy_domain::TextError::TooLong { max, actual }) => Some(RowProblem::TooLong { max, actual }),
                Err(_) => Some(RowProblem::Empty),
            };
            row
        })
        .collect()
}

/// The key a comment is known by, whichever file it comes in.
fn key_of(body: BodyId, comment: &WordComment, quote: &str, occurrence: usize) -> String {
    let mut hash = Sha256::new();
    for part in [
        body.as_uuid().to_string().as_str(),
        comment.author.as_deref().unwrap_or(""),
        comment.date.as_deref().unwrap_or(""),
        comment.text.as_str(),
        quote,
        occurrence.to_string().as_str(),
    ] {
        hash.update(part.len().to_le_bytes());
        hash.update(part.as_bytes());
    }
    hex(&hash.finalize())
}

/// Where a Word comment lands on `version`: the passage holding the text
/// it covers (its first block's part, if it covers several), wherever that
/// passage now stands; among several holding it, the one whose whole text
/// is the file's paragraph. A comment inserted at a point lands on the
/// passage whose text is its paragraph's. Otherwise the whole report.
fn land(blocks: &[BlockContent], comment: &WordComment, version: &Version, labels: &HashMap<BlockId, String>) -> Landing {
    let Some(part) = comment.parts.iter().find(|p| !p.quote.is_empty()).or_else(|| comment.parts.first()) else {
        return Landing::WholeReport { quote_gone: false };
    };
    let paragraph = blocks.get(part.block).map(BlockContent::plain_text).unwrap_or_default();
    let passage = |block: &gopy_domain::document::Block, span| {
        let anchor = Anchor { block: block.id.clone(), span };
        Landing::Passage { label: labels.get(&block.id).cloned().unwrap_or_default(), anchor }
    };
    if part.quote.is_empty() {
        return match version.blocks.iter().find(|b| b.content.plain_text() == paragraph) {
            Some(block) => passage(block, None),
            None => Landing::WholeReport { quote_gone: false },
        };
    }
    let mut found = version
        .blocks
        .iter()
        .filter_map(|b| {
            let text = b.content.plain_text();
            find_span(&text, &part.quote).map(|span| (b, text == paragraph, span))
        })
        .collect::<Vec<_>>();
    // The same paragraph first; otherwise the first in the document.
    found.sort_by_key(|(_, same, _)| !*same);
    match found.into_iter().next() {
        Some((block, _, span)) => passage(block, Some(span)),
        None => Landing::WholeReport { quote_gone: true },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gopy_documents::QuotePart;
    use gopy_domain::VersionSource;
    use gopy_domain::document::Block;

    fn version(texts: &[&str]) -> Version {
        Version {
            id: VersionId::from_uuid(Uuid::from_u128(1)),
            report: ReportId::from_uuid(Uuid::from_u128(2)),
            number: 2,
            blocks: texts
                .iter()
                .enumerate()
                .map(|(i, t)| Block {
                    id: BlockId::new(format!("b{i}")),
                    content: if t.starts_with("II.") { BlockContent::heading(2, t) } else { BlockContent::paragraph(t) },
                })
                .collect(),
            source: VersionSource::Docx,
            file_name: None,
            change_note: None,
            created_by: UserId::from_uuid(Uuid::from_u128(3)),
            created_at: OffsetDateTime::UNIX_EPOCH,
            left_out: Vec::new(),
        }
    }

    fn draft(comments: Vec<WordComment>) -> ReviewedDraft {
        ReviewedDraft {
            blocks: vec![BlockContent::paragraph("Thu ngân sách vượt dự toán."), BlockContent::paragraph("Đoạn cũ đã bỏ.")],
            comments,
        }
    }

    fn comment(id: &str, text: &str, parts: Vec<QuotePart>) -> WordComment {
        WordComment { id: id.into(), author: Some("Sở Tài chính".into()), date: None, text: text.into(), parts }
    }

    fn part(block: usize, quote: &str) -> QuotePart {
        QuotePart { block, quote: quote.into() }
    }

    #[test]
    fn a_comment_lands_on_its_quote_where_the_passage_moved_and_else_on_the_whole_report_with_its_quote() {
        let v = version(&["II. KẾT QUẢ", "Đoạn mới thêm.", "Thu ngân sách vượt dự toán."]);
        let body = BodyId::from_uuid(Uuid::from_u128(9));
        let rows = stage(
            &draft(vec![
                comment("0", "Ghi rõ số liệu.", vec![part(0, "vượt dự toán")]),
                comment("1", "Giữ đoạn này.", vec![part(1, "Đoạn cũ đã bỏ.")]),
                comment("2", "Ở một điểm.", vec![part(0, "")]),
                comment("3", "Không ở đâu.", vec![]),
            ]),
            &v,
            body,
        );
        let Landing::Passage { anchor, label } = &rows[0].landing else { panic!("{:?}", rows[0].landing) };
        assert_eq!((anchor.block.as_str(), label.as_str()), ("b2", "II ¶2"));
        assert_eq!(anchor.span.as_ref().map(|s| (s.start, s.quote.as_str())), Some((14, "vượt dự toán")));
        assert_eq!(rows[1].landing, Landing::WholeReport { quote_gone: true });
        assert_eq!(rows[1].body(), "Về đoạn: “Đoạn cũ đã bỏ.”\n\nGiữ đoạn này.");
        let Landing::Passage { anchor, .. } = &rows[2].landing else { panic!("{:?}", rows[2].landing) };
        assert_eq!((anchor.block.as_str(), anchor.span.is_none()), ("b2", true));
        assert_eq!(rows[3].landing, Landing::WholeReport { quote_gone: false });
        assert!(rows.iter().all(|r| r.problem.is_none()));
    }

    #[test]
    fn the_same_comment_has_the_same_key_and_identical_twins_differ() {
        let v = version(&["Thu ngân sách vượt dự toán."]);
        let body = BodyId::from_uuid(Uuid::from_u128(9));
        let twin = || comment("0", "Như trên.", vec![part(0, "vượt")]);
        let first = stage(&draft(vec![twin(), twin()]), &v, body);
        let again = stage(&draft(vec![comment("7", "Như trên.", vec![part(0, "vượt")])]), &v, body);
        assert_ne!(first[0].key, first[1].key);
        assert_eq!(first[0].key, again[0].key, "the w:id does not change what the comment is");
        let other_body = stage(&draft(vec![twin()]), &v, BodyId::from_uuid(Uuid::from_u128(8)));
        assert_ne!(first[0].key, other_body[0].key);
    }

    #[test]
    fn an_empty_or_overlong_comment_is_flagged() {
        let v = version(&["Thu ngân sách vượt dự toán."]);
        let long = "ý ".repeat(CommentText::MAX_CHARS);
        let rows = stage(
            &draft(vec![comment("0", "", vec![part(0, "vượt")]), comment("1", &long, vec![part(0, "vượt")])]),
            &v,
            BodyId::from_uuid(Uuid::from_u128(9)),
        );
        assert_eq!(rows[0].problem, Some(RowProblem::Empty));
        assert!(matches!(rows[1].problem, Some(RowProblem::TooLong { .. })));
    }
}
