//! Read models of the review screen: the version page, one passage's
//! threads, one thread (the card a live update puts in place), the comment
//! list and a comment's earlier texts.
//!
//! Each is one read use case in one read unit of work, whose cost does not
//! grow with the number of comments: passages are counted by one aggregate
//! query, only the threads shown are loaded (a bounded page, in the order of
//! the document, by key), names come from one [`Directory`], labels are read
//! as stored when the version was made, and what the viewer may do is
//! decided here by the domain's `authorize`.

use std::collections::HashMap;

use gopy_domain::document::{Block, BlockId};
use gopy_domain::workflow::{answers_open, comments_open};
use gopy_domain::meeting::VIETNAM;
use gopy_domain::workflow::Round;
use gopy_domain::{
    Action, Actor, BodyId, Comment, CommentCounts, CommentId, CommentPlacement, CommentRevision, Placement, Report,
    ReportId, ReportStatus, Resource, UserId, Version, VersionSummary, authorize,
};
use time::OffsetDateTime;
use tracing::instrument;

use crate::ports::{PassageCount, Passages, PlacedThread, ThreadFilter, ThreadKey, ThreadQuery, ThreadState};
use crate::reports::{page_state, report_resource};
use crate::{App, AppError, Directory, Fresh, InvalidReason, Offer, UnitOfWork, WhyNot};

/// At most this many threads are drawn in full on the version page; the
/// other passages show their counts and load their threads when opened.
pub const SHOWN_THREADS: usize = 50;
/// At most this many threads on the whole report, and as many outdated
/// ones, on the version page; a link leads to all of them.
pub const SHOWN_APART: u64 = 20;
/// A page of threads holds this many unless the reader asks for fewer.
pub const PAGE_SIZE: u32 = 20;
/// And never more than this many.
pub const MAX_PAGE_SIZE: u32 = 100;

/// What the viewer may do to one thread now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ThreadMay {
    pub edit: bool,
    pub withdraw: bool,
    pub answer: bool,
    pub reply: bool,
    pub history: bool,
    /// Withdrawing it needs a reason: it is someone else's comment.
    pub withdraw_needs_reason: bool,
}

/// A reply, with its author's name.
#[derive(Clone, Debug)]
pub struct ReplyModel {
    pub reply: Comment,
    pub author: String,
}

/// A comment with its replies, where it is shown, and the names and
/// permissions a page needs to draw it.
#[derive(Clone, Debug)]
pub struct ThreadModel {
    pub comment: Comment,
    pub placement: Option<CommentPlacement>,
    pub key: Option<ThreadKey>,
    pub author: String,
    pub author_body: Option<String>,
    pub recorded_by: Option<String>,
    pub answered_by: Option<String>,
    /// Who withdrew it, when not its author.
    pub withdrawn_by: Option<String>,
    /// Why the thread takes no more answers, replies or withdrawals, when
    /// the viewer's role would allow them (the report was approved).
    pub closed: Option<WhyNot>,
    /// The citation label of the passage it is shown on.
    pub label: Option<String>,
    pub replies: Vec<ReplyModel>,
    pub may: ThreadMay,
}

impl ThreadModel {
    /// The block it is shown on in this version.
    pub fn block(&self) -> Option<&BlockId> {
        self.placement.as_ref().and_then(|p| p.anchor.as_ref()).map(|a| &a.block)
    }

    pub fn placement_kind(&self) -> Placement {
        self.placement.as_ref().map_or(Placement::Current, |p| p.placement)
    }
}

/// One passage (block) of a version, with its comments counted by state and,
/// when the page draws them, its threads.
#[derive(Clone, Debug)]
pub struct PassageModel {
    pub block: Block,
    /// 1 for the first block.
    pub number: usize,
    pub label: String,
    pub counts: CommentCounts,
    /// Every thread of the passage, when the page draws them in full
    /// (a passage without comments has them all: none).
    pub threads: Option<Vec<ThreadModel>>,
}

/// A bounded list of threads and how many there are in all.
#[derive(Clone, Debug, Default)]
pub struct ThreadList {
    pub threads: Vec<ThreadModel>,
    pub counts: CommentCounts,
    /// More threads than are listed.
    pub more: bool,
}

/// What the comment form may offer.
#[derive(Clone, Debug)]
pub struct CommentFormModel {
    /// May comment on this version now: it is the latest, the viewer sits on
    /// the reviewing committee (or organises), and comments are open; or
    /// why not.
    pub comment: Offer,
    /// May record a member's opinion (the secretariat).
    pub may_record: bool,
    /// The members whose opinion may be recorded, by name.
    pub members: Vec<(UserId, String)>,
}

/// The version page.
#[derive(Clone, Debug)]
pub struct VersionPage {
    pub report: Report,
    pub version: Version,
    pub author: String,
    pub versions: Vec<u32>,
    pub latest: u32,
    /// Who approved this version as final, and when.
    pub approval: Option<(String, OffsetDateTime)>,
    pub passages: Vec<PassageModel>,
    pub whole: ThreadList,
    pub outdated: ThreadList,
    /// Every comment shown on this version.
    pub counts: CommentCounts,
    pub form: CommentFormModel,
}

/// Which threads of a version a reader opens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PassageRef {
    Block(BlockId),
    Whole,
    Outdated,
}

/// As an address carries it (`/versions/2/passages/whole`).
impl<'de> serde::Deserialize<'de> for PassageRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|raw| Self::parse(&raw))
    }
}

impl PassageRef {
    /// `whole`, `outdated`, or a block's id.
    pub fn parse(raw: &str) -> Self {
        match raw {
            "whole" => Self::Whole,
            "outdated" => Self::Outdated,
            id => Self::Block(BlockId::new(id)),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Self::Block(id) => id.as_str(),
            Self::Whole => "whole",
            Self::Outdated => "outdated",
        }
    }
}

/// What a reader asks of a list of threads, as the page's query string or
/// the API's says it: parsed and checked here, for both alike.
#[derive(Clone, Debug, Default)]
pub struct ThreadsRequest {
    /// Only those awaiting an answer.
    pub awaiting: bool,
    /// Only the viewer's own.
    pub mine: bool,
    /// Only those by members of this body (its id).
    pub body: Option<String>,
    /// `none`, `accepted`, `partly_accepted`, `explained` or `withdrawn`.
    pub disposition: Option<String>,
    /// Only those by this person (their id): the comment list's filter.
    pub author: Option<String>,
    /// Only those on passages of this top-level section ("II"): the comment list's filter.
    pub section: Option<String>,
    /// Where the page starts: the `next` of the page before.
    pub cursor: Option<String>,
    /// How many threads, 1 to [`MAX_PAGE_SIZE`]; [`PAGE_SIZE`] when not said.
    pub limit: Option<u32>,
}

/// One page of a passage's threads.
#[derive(Clone, Debug)]
pub struct PassageThreads {
    pub report: Report,
    pub version: Version,
    pub latest: u32,
    pub passage: PassageRef,
    /// The passage's block, number and label, for a block.
    pub block: Option<(Block, usize, String)>,
    /// The passage's comments, unfiltered.
    pub counts: CommentCounts,
    pub threads: Vec<ThreadModel>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
    /// The bodies a filter may name, by name.
    pub bodies: Vec<(BodyId, String)>,
    pub form: CommentFormModel,
}

/// One thread as a live update draws it, with the counts it changes.
#[derive(Clone, Debug)]
pub struct ThreadCard {
    pub report: Report,
    pub version: u32,
    pub thread: ThreadModel,
    /// The counts of the passage it is on (or of the whole report's, or the outdated ones).
    pub passage: PassageRef,
    pub passage_counts: CommentCounts,
    /// Every comment shown on the version.
    pub counts: CommentCounts,
}

/// A page of a report's comments, with what the filters may choose.
#[derive(Clone, Debug)]
pub struct CommentList {
    pub report: Report,
    pub version: Option<u32>,
    pub counts: CommentCounts,
    pub threads: Vec<ThreadModel>,
    pub next: Option<String>,
    /// The reviewing committee's members, by name, in Vietnamese order.
    pub authors: Vec<(UserId, String)>,
    pub bodies: Vec<(BodyId, String)>,
    /// The document's top-level sections ("I", "II", …).
    pub sections: Vec<String>,
}

/// A comment's earlier texts, for the secretariat.
#[derive(Clone, Debug)]
pub struct CommentHistory {
    pub report: Report,
    pub comment: Comment,
    pub author: String,
    pub revisions: Vec<CommentRevision>,
}

impl App {
    /// The version page: every passage with its comments counted by state,
    /// the threads of the first passages in document order drawn in full
    /// (each passage whole, as long as the total stays within
    /// [`SHOWN_THREADS`]; a passage too large to fit is skipped, so later
    /// smaller ones still show), and at most [`SHOWN_APART`] threads on the
    /// whole report and as many outdated ones.
    #[instrument(skip(self, actor), fields(user.id = %actor.user, report.id = %id))]
    pub async fn version_page(
        &self,
        actor: &Actor,
        id: ReportId,
        number: u32,
        known: Option<u64>,
    ) -> Result<Fresh<VersionPage>, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let (change_count, round) = self.review_state(uow.as_mut(), &report).await?;
        if known == Some(change_count) {
            return Ok(Fresh::Unchanged { change_count });
        }
        let version = uow.find_version(id, number).await?.ok_or(AppError::NotFound { what: "version" })?;
        let summaries = uow.version_summaries(id).await?;
        let people = Directory::load(uow.as_mut()).await?;
        let labels = uow.block_labels(version.id).await?;
        let counted = uow.passage_counts(version.id).await?;
        let form = self.comment_form(uow.as_mut(), actor, &report, &version, &summaries, &people, round.as_ref()).await?;

        let by_block = counts_by_block(&counted);
        let mut chosen: Vec<BlockId> = Vec::new();
        let mut room = SHOWN_THREADS;
        for block in &version.blocks {
            let n = by_block.get(&Some(block.id.clone())).map_or(0, total);
            if n > 0 && n <= room {
                chosen.push(block.id.clone());
                room -= n;
            }
        }
        let uow = uow.as_mut();
        let shown = self.placed(uow, version.id, Passages::Blocks(chosen.clone()), SHOWN_THREADS as u64).await?;
        let whole = self.placed(uow, version.id, Passages::Whole, SHOWN_APART).await?;
        let outdated = self.placed(uow, version.id, Passages::Outdated, SHOWN_APART).await?;
        let ids: Vec<CommentId> = shown.iter().chain(&whole).chain(&outdated).map(|p| p.key.comment).collect();
        let comments = uow.threads_of(&ids).await?;
        let label_of: HashMap<BlockId, String> = labels.iter().cloned().collect();
        let mut threads = Assembly::new(actor, &report, &people, &label_of, comments);

        let mut shown_by_block: HashMap<BlockId, Vec<ThreadModel>> = HashMap::new();
        for thread in threads.build(shown) {
            if let Some(block) = thread.block().cloned() {
                shown_by_block.entry(block).or_default().push(thread);
            }
        }
        let whole_counts = by_block.get(&None).copied().unwrap_or_default();
        let outdated_counts = outdated_counts(&counted);
        let whole = ThreadList { more: (total(&whole_counts)) > whole.len(), threads: threads.build(whole), counts: whole_counts };
        let outdated = ThreadList {
            more: total(&outdated_counts) > outdated.len(),
            threads: threads.build(outdated),
            counts: outdated_counts,
        };
        let passages = version
            .blocks
            .iter()
            .enumerate()
            .map(|(i, block)| {
                let counts = by_block.get(&Some(block.id.clone())).copied().unwrap_or_default();
                // A passage without comments has all of its (none) shown.
                let whole = chosen.contains(&block.id) || total(&counts) == 0;
                PassageModel {
                    block: block.clone(),
                    number: i + 1,
                    label: label_of.get(&block.id).cloned().unwrap_or_default(),
                    counts,
                    threads: whole.then(|| shown_by_block.remove(&block.id).unwrap_or_default()),
                }
            })
            .collect();
        let approval =
            report.approval.filter(|a| a.version == number).map(|a| (people.name(a.by), a.at));
        let model = VersionPage {
            author: people.name(version.created_by),
            versions: summaries.iter().map(|v| v.number).collect(),
            latest: summaries.last().map_or(number, |v| v.number),
            approval,
            passages,
            whole,
            outdated,
            counts: sum_counts(&counted),
            form,
            report,
            version,
        };
        Ok(Fresh::Changed { change_count, model })
    }

    /// One page of a passage's threads (or of those on the whole report, or
    /// the outdated ones), filtered, in the order of the document.
    #[instrument(skip(self, actor, request), fields(user.id = %actor.user, report.id = %id))]
    pub async fn passage_threads(
        &self,
        actor: &Actor,
        id: ReportId,
        number: u32,
        passage: &PassageRef,
        request: &ThreadsRequest,
        known: Option<u64>,
    ) -> Result<Fresh<PassageThreads>, AppError> {
        let (limit, after) = page_of(request)?;
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let (change_count, round) = self.review_state(uow.as_mut(), &report).await?;
        if known == Some(change_count) {
            return Ok(Fresh::Unchanged { change_count });
        }
        let version = uow.find_version(id, number).await?.ok_or(AppError::NotFound { what: "version" })?;
        let summaries = uow.version_summaries(id).await?;
        let people = Directory::load(uow.as_mut()).await?;
        let labels = uow.block_labels(version.id).await?;
        let filter = filter_of(actor, request, &people)?;
        let counted = uow.passage_counts(version.id).await?;
        let (passages, block, counts) = match passage {
            PassageRef::Block(wanted) => {
                let (number, block) = version
                    .blocks
                    .iter()
                    .enumerate()
                    .find(|(_, b)| &b.id == wanted)
                    .ok_or(AppError::NotFound { what: "passage" })?;
                let label = labels.iter().find(|(b, _)| b == wanted).map(|(_, l)| l.clone()).unwrap_or_default();
                let counts = counts_by_block(&counted).get(&Some(wanted.clone())).copied().unwrap_or_default();
                (Passages::Blocks(vec![wanted.clone()]), Some((block.clone(), number + 1, label)), counts)
            }
            PassageRef::Whole => {
                (Passages::Whole, None, counts_by_block(&counted).get(&None).copied().unwrap_or_default())
            }
            PassageRef::Outdated => (Passages::Outdated, None, outdated_counts(&counted)),
        };
        let form = self.comment_form(uow.as_mut(), actor, &report, &version, &summaries, &people, round.as_ref()).await?;
        let query = ThreadQuery { version: version.id, passages, filter, after, limit: u64::from(limit) + 1 };
        let mut placed = uow.thread_page(&query).await?;
        let next = next_cursor(&mut placed, limit);
        let ids: Vec<CommentId> = placed.iter().map(|p| p.key.comment).collect();
        let comments = uow.threads_of(&ids).await?;
        let label_of: HashMap<BlockId, String> = labels.into_iter().collect();
        let threads = Assembly::new(actor, &report, &people, &label_of, comments).build(placed);
        let mut bodies: Vec<(BodyId, String)> = people.bodies().map(|b| (b.id, b.name.to_string())).collect();
        bodies.sort_by_cached_key(|(_, name)| gopy_domain::collation_key(name));
        let model = PassageThreads {
            latest: summaries.last().map_or(number, |v| v.number),
            passage: passage.clone(),
            block,
            counts,
            threads,
            next,
            bodies,
            form,
            report,
            version,
        };
        Ok(Fresh::Changed { change_count, model })
    }

    /// One thread as it stands on version `number` (the latest when
    /// `None`), for the live update of an open page.
    #[instrument(skip(self, actor), fields(user.id = %actor.user, comment.id = %id))]
    pub async fn thread_card(&self, actor: &Actor, id: CommentId, number: Option<u32>) -> Result<ThreadCard, AppError> {
        let mut uow = self.store.begin_read().await?;
        let comment = uow.find_comment(id).await?.ok_or(AppError::NotFound { what: "comment" })?;
        let report = self.readable(uow.as_mut(), actor, comment.report).await?;
        // A reply is drawn in its thread.
        let id = comment.parent.unwrap_or(id);
        let summaries = uow.version_summaries(report.id).await?;
        let version = match number {
            Some(n) => summaries.iter().find(|v| v.number == n),
            None => summaries.last(),
        }
        .ok_or(AppError::NotFound { what: "version" })?;
        let people = Directory::load(uow.as_mut()).await?;
        let labels: HashMap<BlockId, String> = uow.block_labels(version.id).await?.into_iter().collect();
        let counted = uow.passage_counts(version.id).await?;
        let filter = ThreadFilter { comments: Some(vec![id]), ..ThreadFilter::default() };
        let query = ThreadQuery { version: version.id, passages: Passages::All, filter, after: None, limit: 1 };
        let placed = uow.thread_page(&query).await?;
        // A comment made on a later version is not shown on this one.
        if placed.is_empty() {
            return Err(AppError::NotFound { what: "comment" });
        }
        let comments = uow.threads_of(&[id]).await?;
        let thread = Assembly::new(actor, &report, &people, &labels, comments)
            .build(placed)
            .pop()
            .ok_or(AppError::NotFound { what: "comment" })?;
        let by_block = counts_by_block(&counted);
        let (passage, passage_counts) = match (thread.block(), thread.placement_kind()) {
            (Some(block), _) => {
                (PassageRef::Block(block.clone()), by_block.get(&Some(block.clone())).copied().unwrap_or_default())
            }
            (None, Placement::Outdated) => (PassageRef::Outdated, outdated_counts(&counted)),
            (None, _) => (PassageRef::Whole, by_block.get(&None).copied().unwrap_or_default()),
        };
        Ok(ThreadCard { version: version.number, thread, passage, passage_counts, counts: sum_counts(&counted), report })
    }

    /// A page of a report's comments as they stand on its latest version, in
    /// the order of the document, filtered by state, author, the author's
    /// body and the section of the document.
    #[instrument(skip(self, actor, request), fields(user.id = %actor.user, report.id = %id))]
    pub async fn comment_list(&self, actor: &Actor, id: ReportId, request: &ThreadsRequest) -> Result<CommentList, AppError> {
        let (limit, after) = page_of(request)?;
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let summaries = uow.version_summaries(id).await?;
        let people = Directory::load(uow.as_mut()).await?;
        let mut authors: Vec<(UserId, String)> = uow
            .memberships_of_committee(report.committee)
            .await?
            .iter()
            .map(|m| (m.user, people.name(m.user)))
            .collect();
        authors.sort_by_cached_key(|(_, name)| gopy_domain::collation_key(name));
        authors.dedup_by_key(|(user, _)| *user);
        let mut bodies: Vec<(BodyId, String)> = authors
            .iter()
            .filter_map(|(user, _)| people.body_id_of(*user))
            .filter_map(|b| people.body_name(b).map(|name| (b, name)))
            .collect();
        bodies.sort_by_cached_key(|(_, name)| gopy_domain::collation_key(name));
        bodies.dedup_by_key(|(b, _)| *b);
        let Some(version) = summaries.last() else {
            return Ok(CommentList {
                report,
                version: None,
                counts: CommentCounts::default(),
                threads: Vec::new(),
                next: None,
                authors,
                bodies,
                sections: Vec::new(),
            });
        };
        let labels = uow.block_labels(version.id).await?;
        let mut filter = filter_of(actor, request, &people)?;
        if let Some(raw) = request.author.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            let author: UserId = raw.parse().map_err(|_| AppError::invalid("author", InvalidReason::Missing))?;
            filter.authors = Some(match filter.authors {
                Some(others) => others.into_iter().filter(|u| *u == author).collect(),
                None => vec![author],
            });
        }
        let mut sections: Vec<String> = labels.iter().filter_map(|(_, l)| section_of(l)).collect();
        sections.sort_by_key(|s| (s.len(), s.clone()));
        sections.dedup();
        let passages = match request.section.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Passages::All,
            Some(section) => Passages::Blocks(
                labels.iter().filter(|(_, l)| section_of(l).as_deref() == Some(section)).map(|(b, _)| b.clone()).collect(),
            ),
        };
        let counted = uow.passage_counts(version.id).await?;
        let query = ThreadQuery { version: version.id, passages, filter, after, limit: u64::from(limit) + 1 };
        let mut placed = uow.thread_page(&query).await?;
        let next = next_cursor(&mut placed, limit);
        let ids: Vec<CommentId> = placed.iter().map(|p| p.key.comment).collect();
        let comments = uow.threads_of(&ids).await?;
        let label_of: HashMap<BlockId, String> = labels.into_iter().collect();
        let threads = Assembly::new(actor, &report, &people, &label_of, comments).build(placed);
        Ok(CommentList {
            version: Some(version.number),
            counts: sum_counts(&counted),
            threads,
            next,
            authors,
            bodies,
            sections,
            report,
        })
    }

    /// A comment's earlier texts, for those who may see them.
    pub async fn comment_history_page(&self, actor: &Actor, id: CommentId) -> Result<CommentHistory, AppError> {
        let mut uow = self.store.begin_read().await?;
        let comment = uow.find_comment(id).await?.ok_or(AppError::NotFound { what: "comment" })?;
        let report = self.readable(uow.as_mut(), actor, comment.report).await?;
        authorize(actor, Action::ViewCommentHistory, report_resource(&report))?;
        let revisions = uow.revisions_of(id).await?;
        let author = uow.find_user(comment.author).await?.map(|u| u.name.to_string()).unwrap_or_default();
        Ok(CommentHistory { report, comment, author, revisions })
    }

    /// The first `limit` threads of some passages. Asked even of no
    /// passage, so that a page runs the same statements whatever its counts.
    async fn placed(
        &self,
        uow: &mut dyn UnitOfWork,
        version: gopy_domain::VersionId,
        passages: Passages,
        limit: u64,
    ) -> Result<Vec<PlacedThread>, AppError> {
        let query = ThreadQuery { version, passages, filter: ThreadFilter::default(), after: None, limit };
        Ok(uow.thread_page(&query).await?)
    }

    /// The state a reader of the review pages holds: the report's change
    /// count and whether the open round's deadline has passed (a page seen
    /// before the deadline offered a form that it no longer may), with the
    /// report's latest round.
    async fn review_state(&self, uow: &mut dyn UnitOfWork, report: &Report) -> Result<(u64, Option<Round>), AppError> {
        let change_count = self.change_count(uow, report.id).await?;
        let round = uow.rounds_of(report.id).await?.pop();
        let deadline_passed = report.status == ReportStatus::OpenForComments
            && round.as_ref().is_some_and(|r| r.closed_at.is_none() && r.deadline <= self.now());
        Ok((page_state(change_count, deadline_passed), round))
    }

    /// What the comment form may offer on `version`.
    #[allow(clippy::too_many_arguments)]
    async fn comment_form(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        report: &Report,
        version: &Version,
        summaries: &[VersionSummary],
        people: &Directory,
        round: Option<&Round>,
    ) -> Result<CommentFormModel, AppError> {
        let resource = report_resource(report);
        let latest = summaries.last().map_or(version.number, |v| v.number);
        let comment = Offer::by_role(authorize(actor, Action::PostComment, resource).is_ok())
            .unless(comment_refusal(report, version.number, latest, round, self.now()));
        if !comment.is_yes() {
            return Ok(CommentFormModel { comment, may_record: false, members: Vec::new() });
        }
        let may_record = authorize(actor, Action::RecordComment, resource).is_ok();
        let members = if may_record {
            let mut members: Vec<(UserId, String)> = uow
                .memberships_of_committee(report.committee)
                .await?
                .iter()
                .map(|m| (m.user, people.name(m.user)))
                .collect();
            members.sort_by_cached_key(|(_, name)| gopy_domain::collation_key(name));
            members.dedup_by_key(|(user, _)| *user);
            members
        } else {
            Vec::new()
        };
        Ok(CommentFormModel { comment, may_record, members })
    }
}

/// Puts loaded comments together into threads, with names and permissions.
struct Assembly<'a> {
    actor: &'a Actor,
    report: &'a Report,
    people: &'a Directory,
    labels: &'a HashMap<BlockId, String>,
    comments: HashMap<CommentId, Comment>,
    replies: HashMap<CommentId, Vec<Comment>>,
}

impl<'a> Assembly<'a> {
    fn new(
        actor: &'a Actor,
        report: &'a Report,
        people: &'a Directory,
        labels: &'a HashMap<BlockId, String>,
        loaded: Vec<Comment>,
    ) -> Self {
        let mut comments = HashMap::new();
        let mut replies: HashMap<CommentId, Vec<Comment>> = HashMap::new();
        for comment in loaded {
            match comment.parent {
                Some(parent) => replies.entry(parent).or_default().push(comment),
                None => {
                    comments.insert(comment.id, comment);
                }
            }
        }
        Self { actor, report, people, labels, comments, replies }
    }

    fn build(&mut self, placed: Vec<PlacedThread>) -> Vec<ThreadModel> {
        placed
            .into_iter()
            .filter_map(|p| {
                let comment = self.comments.remove(&p.key.comment)?;
                let replies = self.replies.remove(&comment.id).unwrap_or_default();
                Some(self.thread(comment, p, replies))
            })
            .collect()
    }

    fn thread(&self, comment: Comment, placed: PlacedThread, replies: Vec<Comment>) -> ThreadModel {
        let people = self.people;
        let label = placed.placement.anchor.as_ref().and_then(|a| self.labels.get(&a.block)).cloned();
        ThreadModel {
            author: people.name(comment.author),
            author_body: people.body_of(comment.author),
            recorded_by: comment.recorded_by.map(|u| people.name(u)),
            withdrawn_by: comment.withdrawn_by.map(|u| people.name(u)),
            closed: threads_closed(self.report).filter(|_| {
                let role = thread_may(self.actor, &Report { status: ReportStatus::Drafting, ..self.report.clone() }, &comment);
                role.reply || role.answer || role.withdraw
            }),
            answered_by: comment.disposition.as_ref().map(|d| people.name(d.decided_by)),
            label,
            replies: replies.into_iter().map(|r| ReplyModel { author: people.name(r.author), reply: r }).collect(),
            may: thread_may(self.actor, self.report, &comment),
            key: Some(placed.key),
            placement: Some(placed.placement),
            comment,
        }
    }
}

/// What `actor` may do to `comment` now: the domain's answer, and the
/// report's state (threads close when the report is approved).
pub fn thread_may(actor: &Actor, report: &Report, comment: &Comment) -> ThreadMay {
    let open = answers_open(report.status);
    let on_comment = |action| {
        let resource = Resource::Comment {
            report: report.id,
            committee: report.committee,
            author: comment.author,
            recorded_by: comment.recorded_by,
        };
        authorize(actor, action, resource).is_ok()
    };
    let on_report = |action| authorize(actor, action, report_resource(report)).is_ok();
    let live = open && !comment.is_withdrawn();
    ThreadMay {
        edit: live && on_comment(Action::EditComment),
        withdraw: live && on_comment(Action::WithdrawComment),
        answer: live && on_report(Action::AnswerComment),
        reply: open && on_report(Action::Reply),
        history: comment.edited_at.is_some() && on_report(Action::ViewCommentHistory),
        withdraw_needs_reason: comment.author != actor.user,
    }
}

/// Why no new comment may be made on version `number` of `report` now
/// (`latest` being its newest version, `round` its latest round), if the
/// viewer's role would allow one: the report approved, an older version,
/// the round closed or past its deadline, or no round open.
pub(crate) fn comment_refusal(
    report: &Report,
    number: u32,
    latest: u32,
    round: Option<&Round>,
    now: OffsetDateTime,
) -> Option<WhyNot> {
    if number != latest {
        return Some(WhyNot::NotLatest { latest });
    }
    if let Some(why) = threads_closed(report) {
        return Some(why);
    }
    if comments_open(report.status, round, now).is_some() {
        return None;
    }
    Some(match round {
        Some(r) if r.closed_at.is_some() || r.deadline <= now => {
            WhyNot::RoundClosed { on: r.closed_at.unwrap_or(r.deadline).to_offset(VIETNAM).date() }
        }
        _ => WhyNot::NoOpenRound,
    })
}

/// Why a report's threads take no more answers, replies or withdrawals:
/// it was approved.
fn threads_closed(report: &Report) -> Option<WhyNot> {
    if answers_open(report.status) {
        return None;
    }
    Some(match &report.approval {
        Some(approval) => WhyNot::Approved { on: approval.at.to_offset(VIETNAM).date() },
        None => WhyNot::State(report.status),
    })
}

fn total(counts: &CommentCounts) -> usize {
    counts.comments + counts.withdrawn
}

/// The aggregate's rows, summed by block (`None`: the whole report's,
/// outdated ones left out).
fn counts_by_block(counted: &[PassageCount]) -> HashMap<Option<BlockId>, CommentCounts> {
    let mut by_block: HashMap<Option<BlockId>, CommentCounts> = HashMap::new();
    for c in counted.iter().filter(|c| c.block.is_some() || c.placement != Placement::Outdated) {
        by_block.entry(c.block.clone()).or_default().add(c.withdrawn, c.disposition, c.n);
    }
    by_block
}

fn outdated_counts(counted: &[PassageCount]) -> CommentCounts {
    let mut counts = CommentCounts::default();
    for c in counted.iter().filter(|c| c.block.is_none() && c.placement == Placement::Outdated) {
        counts.add(c.withdrawn, c.disposition, c.n);
    }
    counts
}

fn sum_counts(counted: &[PassageCount]) -> CommentCounts {
    let mut counts = CommentCounts::default();
    for c in counted {
        counts.add(c.withdrawn, c.disposition, c.n);
    }
    counts
}

/// The filter a request asks for, checked.
fn filter_of(actor: &Actor, request: &ThreadsRequest, people: &Directory) -> Result<ThreadFilter, AppError> {
    let mut filter = ThreadFilter { awaiting: request.awaiting, ..ThreadFilter::default() };
    if request.mine {
        filter.authors = Some(vec![actor.user]);
    }
    if let Some(raw) = request.body.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let body: BodyId = raw.parse().map_err(|_| AppError::invalid("body", InvalidReason::Missing))?;
        if people.body(body).is_none() {
            return Err(AppError::invalid("body", InvalidReason::Missing));
        }
        let members: Vec<UserId> = people.users().filter(|u| u.body == Some(body)).map(|u| u.id).collect();
        filter.authors = Some(match filter.authors {
            Some(mine) => mine.into_iter().filter(|u| members.contains(u)).collect(),
            None => members,
        });
    }
    filter.state = match request.disposition.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some("none") => Some(ThreadState::Unanswered),
        Some("withdrawn") => Some(ThreadState::Withdrawn),
        Some(kind) => Some(ThreadState::Answered(
            kind.parse().map_err(|_| AppError::invalid("disposition", InvalidReason::Missing))?,
        )),
    };
    Ok(filter)
}

/// The page size and where the page starts, checked.
fn page_of(request: &ThreadsRequest) -> Result<(u32, Option<ThreadKey>), AppError> {
    let limit = request.limit.unwrap_or(PAGE_SIZE);
    if !(1..=MAX_PAGE_SIZE).contains(&limit) {
        return Err(AppError::invalid("limit", InvalidReason::Rule("err_page_size".into())));
    }
    let after = match request.cursor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(parse_cursor(raw).ok_or_else(|| AppError::invalid("cursor", InvalidReason::Rule("err_cursor".into())))?),
    };
    Ok((limit, after))
}

/// Keeps `limit` threads of the `limit + 1` loaded; the cursor of the next
/// page when there was one more.
fn next_cursor(placed: &mut Vec<PlacedThread>, limit: u32) -> Option<String> {
    let limit = limit as usize;
    if placed.len() <= limit {
        return None;
    }
    placed.truncate(limit);
    placed.last().map(|p| cursor_of(&p.key))
}

/// A key as an opaque cursor: its bytes in hexadecimal.
pub fn cursor_of(key: &ThreadKey) -> String {
    let mut bytes = Vec::with_capacity(25);
    bytes.push(key.group);
    bytes.extend_from_slice(&key.position.to_be_bytes());
    bytes.extend_from_slice(&key.start.to_be_bytes());
    bytes.extend_from_slice(key.comment.as_uuid().as_bytes());
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_cursor(raw: &str) -> Option<ThreadKey> {
    if raw.len() != 50 || !raw.is_ascii() {
        return None;
    }
    let bytes: Vec<u8> = (0..25).map(|i| u8::from_str_radix(&raw[2 * i..2 * i + 2], 16).ok()).collect::<Option<_>>()?;
    let group = bytes[0];
    if group > 2 {
        return None;
    }
    let position = u32::from_be_bytes(bytes[1..5].try_into().ok()?);
    let start = i32::from_be_bytes(bytes[5..9].try_into().ok()?);
    let comment = CommentId::from_uuid(uuid::Uuid::from_slice(&bytes[9..25]).ok()?);
    Some(ThreadKey { group, position, start, comment })
}

/// The top-level part a label belongs to: "II" for "II.1 ¶2".
pub fn section_of(label: &str) -> Option<String> {
    let chain = label.split_whitespace().next().filter(|c| !c.starts_with('¶'))?;
    chain.split('.').next().map(str::to_owned)
}

/// The citation labels of a version's blocks, to store when it is made.
pub(crate) fn labels_of(version: &Version) -> Vec<(BlockId, String)> {
    let labels = gopy_domain::document::label::citation_labels(version.blocks.iter().map(|b| &b.content));
    version.blocks.iter().map(|b| b.id.clone()).zip(labels).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_its_key_and_nothing_else_reads() {
        let key = ThreadKey { group: 1, position: 42, start: -1, comment: CommentId::from_uuid(uuid::Uuid::now_v7()) };
        assert_eq!(parse_cursor(&cursor_of(&key)), Some(key));
        assert_eq!(parse_cursor("abc"), None);
        assert_eq!(parse_cursor(&"z".repeat(50)), None);
        let mut wrong_group = cursor_of(&key);
        wrong_group.replace_range(0..2, "07");
        assert_eq!(parse_cursor(&wrong_group), None);
    }

    #[test]
    fn a_label_belongs_to_its_top_level_section() {
        assert_eq!(section_of("II.1 ¶2").as_deref(), Some("II"));
        assert_eq!(section_of("¶3"), None);
    }
}
