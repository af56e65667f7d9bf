//! The ports: what the use cases need from the outside world.

use async_trait::async_trait;
use gopy_domain::{
    Actor, AccessToken, AccessTokenId, AccountLink, AccountLinkId, AuditEvent, Body, Committee, CommitteeId, Email,
    Comment, CommentCounts, CommentId, CommentPlacement, CommentRevision, Delivery, Drafter, GlobalRole, MailRecord, MailStatus, Meeting,
    MeetingId, Membership, OutboxMessage, OutboxMessageId, Report, ReportId, Session, SessionId, Term, User, UserId, Version,
    VersionId, VersionSummary,
    RoundId,
};
use gopy_domain::indicator::{Indicator, IndicatorResult};
use gopy_domain::workflow::{Ballot, Round};
use gopy_domain::TermId;
use gopy_domain::document::{Block, BlockId};
use gopy_domain::{DispositionKind, Placement};
use gopy_domain::AnswerTemplateId;
use gopy_domain::answers::AnswerTemplate;
use gopy_domain::search::{Entry, EntryKind};
use time::OffsetDateTime;

/// How a store operation failed, in the terms a use case can act on. Clone,
/// so a failed group commit can tell each of its units.
#[derive(Clone, Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule would be broken; `constraint` names which one, as the
    /// store knows it (e.g. `bodies.name`).
    #[error("already exists ({constraint})")]
    Conflict { constraint: String },
    /// The database cannot be reached or did not answer.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// A stored row does not fit the domain (a hand-edited row, a newer schema).
    #[error("stored data is not valid: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Other(String),
    /// The thing was changed by someone else since it was read: the write,
    /// made on that older reading, would undo their change.
    #[error("the {what} was changed since it was read")]
    Stale { what: &'static str },
}

/// The database, as the use cases see it.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Starts a unit of work: everything written through it lands together on
    /// [`UnitOfWork::commit`], or not at all if it is dropped.
    async fn begin(&self) -> Result<Box<dyn UnitOfWork>, StoreError>;

    /// Starts a unit of work that only reads. It sees one consistent state
    /// and, unlike [`Store::begin`], need not wait for writers (SQLite has one
    /// writer at a time; its readers run beside it). Writing through it is
    /// an error; committing or dropping it ends it alike.
    async fn begin_read(&self) -> Result<Box<dyn UnitOfWork>, StoreError> {
        self.begin().await
    }

    /// Answers only if the database does.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// One transaction. Reads see the writes made earlier in it. Each feature's
/// reads and writes are a trait of their own, which a unit of work has all of.
#[async_trait]
pub trait UnitOfWork:
    ReportStore + CommentStore + RoundStore + IndicatorStore + SearchStore + MeetingStore + NotifierStore + ReminderStore
    + WordImportStore
    + CalendarStore
    + ConsultationStore
    + ChangeTableStore
    + DisputeStore
    + Send
{
    async fn insert_body(&mut self, body: &Body) -> Result<(), StoreError>;
    async fn list_bodies(&mut self) -> Result<Vec<Body>, StoreError>;

    async fn insert_user(&mut self, user: &User) -> Result<(), StoreError>;
    async fn find_user(&mut self, id: UserId) -> Result<Option<User>, StoreError>;
    async fn find_user_by_email(&mut self, email: &Email) -> Result<Option<User>, StoreError>;
    async fn grant_global_role(
        &mut self,
        user: UserId,
        role: GlobalRole,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    async fn global_roles(&mut self, user: UserId) -> Result<Vec<GlobalRole>, StoreError>;
    /// Every global role anyone holds: one query for a list of people.
    async fn all_global_roles(&mut self) -> Result<Vec<(UserId, GlobalRole)>, StoreError>;
    async fn revoke_global_role(&mut self, user: UserId, role: GlobalRole) -> Result<(), StoreError>;
    async fn count_users_with_role(&mut self, role: GlobalRole) -> Result<u64, StoreError>;
    async fn update_user(&mut self, user: &User) -> Result<(), StoreError>;
    /// Everyone, in Vietnamese order of name.
    async fn list_users(&mut self) -> Result<Vec<User>, StoreError>;

    async fn insert_committee(&mut self, committee: &Committee) -> Result<(), StoreError>;
    async fn find_committee(&mut self, id: CommitteeId) -> Result<Option<Committee>, StoreError>;
    async fn list_committees(&mut self) -> Result<Vec<Committee>, StoreError>;
    async fn insert_membership(&mut self, membership: &Membership) -> Result<(), StoreError>;
    /// Changes a seat's role (the one thing of a seat that changes).
    async fn update_membership(&mut self, membership: &Membership) -> Result<(), StoreError>;
    async fn memberships_of_committee(
        &mut self,
        committee: CommitteeId,
    ) -> Result<Vec<Membership>, StoreError>;

    async fn memberships_of_user(&mut self, user: UserId) -> Result<Vec<Membership>, StoreError>;
    /// Everything `user` may act as, in one read: their global roles
    /// (sorted), their seats in committees and the drafting teams they sit on.
    async fn actor(&mut self, user: UserId) -> Result<Actor, StoreError>;

    async fn set_password_hash(&mut self, user: UserId, hash: &str, at: OffsetDateTime) -> Result<(), StoreError>;
    async fn password_hash(&mut self, user: UserId) -> Result<Option<String>, StoreError>;

    async fn insert_session(&mut self, session: &Session, secret_hash: &str) -> Result<(), StoreError>;
    async fn find_session(&mut self, secret_hash: &str) -> Result<Option<Session>, StoreError>;
    /// The session, its person and what they may do ([`UnitOfWork::actor`]),
    /// read in one statement: every request signed in by a cookie runs it.
    async fn find_session_with_actor(&mut self, secret_hash: &str) -> Result<Option<(Session, User, Actor)>, StoreError>;
    async fn touch_session(&mut self, id: SessionId, at: OffsetDateTime) -> Result<(), StoreError>;
    async fn revoke_session(&mut self, id: SessionId, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Revokes every live session of `user`; returns how many.
    async fn revoke_sessions_of(&mut self, user: UserId, at: OffsetDateTime) -> Result<u64, StoreError>;
    /// The sessions of `user` neither revoked nor expired at `now`, newest first.
    async fn live_sessions_of(&mut self, user: UserId, now: OffsetDateTime) -> Result<Vec<Session>, StoreError>;

    async fn insert_access_token(&mut self, token: &AccessToken, secret_hash: &str) -> Result<(), StoreError>;
    async fn find_access_token(&mut self, secret_hash: &str) -> Result<Option<AccessToken>, StoreError>;
    /// The token, its person and what they may do, in one statement: a
    /// script's caller, which every API request reads.
    async fn find_access_token_with_actor(
        &mut self,
        secret_hash: &str,
    ) -> Result<Option<(AccessToken, User, Actor)>, StoreError>;
    async fn touch_access_token(&mut self, id: AccessTokenId, at: OffsetDateTime) -> Result<(), StoreError>;
    async fn revoke_access_token(&mut self, id: AccessTokenId, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Every token of `user`, revoked ones included, newest first.
    async fn access_tokens_of(&mut self, user: UserId) -> Result<Vec<AccessToken>, StoreError>;

    async fn insert_account_link(&mut self, link: &AccountLink, secret_hash: &str) -> Result<(), StoreError>;
    async fn find_account_link(&mut self, secret_hash: &str) -> Result<Option<AccountLink>, StoreError>;
    async fn mark_account_link_used(&mut self, id: AccountLinkId, at: OffsetDateTime) -> Result<(), StoreError>;

    async fn record_sign_in_attempt(
        &mut self,
        email: &str,
        address: &str,
        at: OffsetDateTime,
        succeeded: bool,
    ) -> Result<(), StoreError>;
    /// Failed sign-ins since `since`: for `email` after its last success, and
    /// from `address`.
    async fn failed_sign_ins(
        &mut self,
        email: &str,
        address: &str,
        since: OffsetDateTime,
    ) -> Result<(u64, u64), StoreError>;

    async fn enqueue(&mut self, message: &OutboxMessage) -> Result<(), StoreError>;
    /// Puts several messages in the outbox in one statement.
    async fn enqueue_all(&mut self, messages: &[OutboxMessage]) -> Result<(), StoreError>;
    /// Messages to `recipient` not sent yet, oldest first.
    async fn unsent_messages_to(&mut self, recipient: UserId) -> Result<Vec<OutboxMessage>, StoreError>;

    async fn insert_term(&mut self, term: &Term) -> Result<(), StoreError>;
    async fn list_terms(&mut self) -> Result<Vec<Term>, StoreError>;

    async fn record_audit_event(&mut self, event: &AuditEvent) -> Result<(), StoreError>;
    async fn audit_events_about(
        &mut self,
        subject_kind: &str,
        subject_id: uuid::Uuid,
    ) -> Result<Vec<AuditEvent>, StoreError>;

    /// The events named `action` about one subject, oldest first: a page
    /// reads the few it needs (a report's steps) without its whole history.
    async fn audit_events_named(
        &mut self,
        subject_kind: &str,
        subject_id: uuid::Uuid,
        action: &str,
    ) -> Result<Vec<AuditEvent>, StoreError>;

    async fn commit(self: Box<Self>) -> Result<(), StoreError>;
}

/// Reports, their drafting teams and versions.
#[async_trait]
pub trait ReportStore: Send {
    async fn insert_report(&mut self, report: &Report) -> Result<(), StoreError>;
    async fn find_report(&mut self, id: ReportId) -> Result<Option<Report>, StoreError>;
    /// Every report, newest first.
    async fn list_reports(&mut self) -> Result<Vec<Report>, StoreError>;
    async fn insert_drafters(&mut self, report: ReportId, team: &[Drafter], at: OffsetDateTime) -> Result<(), StoreError>;
    /// The drafting team, the lead first.
    async fn drafting_team(&mut self, report: ReportId) -> Result<Vec<Drafter>, StoreError>;
    /// The reports `user` drafts, and whether as lead.
    async fn drafting_of(&mut self, user: UserId) -> Result<Vec<(ReportId, bool)>, StoreError>;

    async fn insert_version(&mut self, version: &Version) -> Result<(), StoreError>;
    async fn find_version(&mut self, report: ReportId, number: u32) -> Result<Option<Version>, StoreError>;
    async fn latest_version(&mut self, report: ReportId) -> Result<Option<Version>, StoreError>;
    /// The latest version's id and number and, when `block` is given, that
    /// one block of it if it has it: what a new comment is checked against,
    /// without reading the whole version. `None` for a report without versions.
    async fn latest_version_block(
        &mut self,
        report: ReportId,
        block: Option<&BlockId>,
    ) -> Result<Option<LatestBlock>, StoreError>;
    /// Everything a new comment on `report` is checked against and sent
    /// with, read in one statement: the report, its latest round, its latest
    /// version with the block named (as [`ReportStore::latest_version_block`])
    /// and its drafting team. `None` for a report that does not exist.
    async fn comment_setting(&mut self, report: ReportId, block: Option<&BlockId>) -> Result<Option<CommentSetting>, StoreError>;
    /// How many versions each report has.
    async fn version_counts(&mut self) -> Result<Vec<(ReportId, u32)>, StoreError>;
    /// Every version of `report` without its blocks, in order.
    async fn version_summaries(&mut self, report: ReportId) -> Result<Vec<VersionSummary>, StoreError>;
    /// The report's change counter: how many changes have been recorded
    /// about it (every audit event whose subject is the report raises it).
    /// `None` for a report that does not exist.
    async fn report_change_count(&mut self, report: ReportId) -> Result<Option<u64>, StoreError>;
    /// The report and its change counter, read together in one statement:
    /// what a revalidated page needs before it knows whether to build.
    async fn find_report_with_change_count(&mut self, report: ReportId) -> Result<Option<(Report, u64)>, StoreError>;
}

/// The latest version of a report as a new comment needs it.
#[derive(Clone, Debug, PartialEq)]
pub struct LatestBlock {
    pub version: VersionId,
    pub number: u32,
    /// The block asked for; `None` when the version has no such block, or
    /// none was asked for.
    pub block: Option<Block>,
}

/// What a new comment is checked against: see [`ReportStore::comment_setting`].
#[derive(Clone, Debug)]
pub struct CommentSetting {
    pub report: Report,
    /// The latest review round, if one was opened.
    pub round: Option<Round>,
    /// `None` for a report without a version yet.
    pub latest: Option<LatestBlock>,
    /// Leads first, as [`ReportStore::drafting_team`] lists them.
    pub drafters: Vec<Drafter>,
}

/// Comments, replies, their earlier texts, and where each is shown.
#[async_trait]
pub trait CommentStore: Send {
    async fn insert_comment(&mut self, comment: &Comment) -> Result<(), StoreError>;
    async fn find_comment(&mut self, id: CommentId) -> Result<Option<Comment>, StoreError>;
    /// Writes a comment's text, withdrawal and disposition (the rest never
    /// changes) if the comment is still at the revision it was read at, and
    /// moves that on by one; otherwise [`StoreError::Stale`].
    async fn update_comment(&mut self, comment: &mut Comment) -> Result<(), StoreError>;
    /// Every comment and reply on `report`, oldest first.
    async fn comments_of_report(&mut self, report: ReportId) -> Result<Vec<Comment>, StoreError>;
    /// Every comment and reply whose opinion is `author`'s, on any report,
    /// oldest first: what one person's home needs of their comments.
    async fn comments_by(&mut self, author: UserId) -> Result<Vec<Comment>, StoreError>;
    /// The comments (not replies) of every report, counted by whether they
    /// are withdrawn and by disposition, as the drafting team and as
    /// everyone else sees them: one query for the dashboard.
    async fn comment_counts(&mut self) -> Result<Vec<ReportCommentCounts>, StoreError>;
    /// Who has made a comment (not a reply, not withdrawn) on version
    /// `number` of `report`: a confirmation tells how many members have not.
    async fn commenters_on(&mut self, report: ReportId, number: u32) -> Result<Vec<UserId>, StoreError>;
    async fn insert_revision(&mut self, revision: &CommentRevision) -> Result<(), StoreError>;
    /// The earlier texts of `comment`, oldest first.
    async fn revisions_of(&mut self, comment: CommentId) -> Result<Vec<CommentRevision>, StoreError>;
    async fn insert_placements(&mut self, placements: &[CommentPlacement]) -> Result<(), StoreError>;
    /// Where each comment is shown on `version`.
    async fn placements_on(&mut self, version: VersionId) -> Result<Vec<CommentPlacement>, StoreError>;

    /// Stores the citation labels of a version's blocks, in the order of
    /// the document, when the version is made: they never change after.
    async fn insert_block_labels(&mut self, version: VersionId, labels: &[(BlockId, String)]) -> Result<(), StoreError>;
    /// The citation labels of a version's blocks, in the order of the
    /// document: one query, nothing recomputed.
    async fn block_labels(&mut self, version: VersionId) -> Result<Vec<(BlockId, String)>, StoreError>;
    /// The comments (not replies) shown on `version`, counted by passage,
    /// placement, withdrawal and disposition: one aggregate query, whose
    /// rows grow with the passages, not with the comments.
    async fn passage_counts(&mut self, version: VersionId) -> Result<Vec<PassageCount>, StoreError>;
    /// One page of the threads shown on a version, in the order of the
    /// document, after a key (keyset pagination): their placements only.
    async fn thread_page(&mut self, query: &ThreadQuery) -> Result<Vec<PlacedThread>, StoreError>;
    /// The comments `ids` and every reply to them, oldest first.
    async fn threads_of(&mut self, ids: &[CommentId]) -> Result<Vec<Comment>, StoreError>;

    /// A committee's answer templates, in the order they were made.
    async fn answer_templates(&mut self, committee: CommitteeId) -> Result<Vec<AnswerTemplate>, StoreError>;
    async fn insert_answer_template(&mut self, template: &AnswerTemplate) -> Result<(), StoreError>;
    /// Deletes a template of `committee`; `false` if it had none by that id.
    async fn delete_answer_template(&mut self, committee: CommitteeId, id: AnswerTemplateId) -> Result<bool, StoreError>;
}

/// A report's comments, counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReportCommentCounts {
    pub report: ReportId,
    /// As the drafting team (and the secretariat) see them: a draft answer
    /// counts as an answer.
    pub with_drafts: CommentCounts,
    /// As everyone else sees them: an answer not yet published is none.
    pub published: CommentCounts,
}

impl ReportCommentCounts {
    pub fn as_seen(&self, sees_drafts: bool) -> CommentCounts {
        if sees_drafts { self.with_drafts } else { self.published }
    }
}

/// How many comments on one passage of a version share a state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PassageCount {
    /// `None` for the whole report, or for a comment whose passage is gone.
    pub block: Option<BlockId>,
    pub placement: Placement,
    pub withdrawn: bool,
    pub disposition: Option<DispositionKind>,
    /// Whether the answer is published (false with no answer).
    pub published: bool,
    pub n: usize,
}

/// Which of a version's threads a query asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Passages {
    /// Those on these blocks.
    Blocks(Vec<BlockId>),
    /// Those on the whole report.
    Whole,
    /// Those whose passage is gone from this version.
    Outdated,
    /// Every one, passages first, then the outdated, then the whole report's.
    All,
}

/// What a thread's comment must be to be listed. Every field narrows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ThreadFilter {
    /// Still waiting for the drafting team's answer.
    pub awaiting: bool,
    /// Made by one of these people (one person, or the members of a body).
    pub authors: Option<Vec<UserId>>,
    pub state: Option<ThreadState>,
    /// Only these threads (a live update's one).
    pub comments: Option<Vec<CommentId>>,
    /// The reader may not see the drafting team's draft answers: an answer
    /// not yet published counts as none.
    pub drafts_hidden: bool,
}

/// A comment's state as a filter names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThreadState {
    /// Not answered yet (and not withdrawn).
    Unanswered,
    Answered(DispositionKind),
    Withdrawn,
}

/// Where a thread stands in the order of the document: its group (0 on a
/// passage, 1 outdated, 2 on the whole report), the passage's position,
/// where the quote starts (-1 for a whole passage), and the comment (whose
/// ids are ordered by creation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ThreadKey {
    pub group: u8,
    pub position: u32,
    pub start: i32,
    pub comment: CommentId,
}

/// A page of threads.
#[derive(Clone, Debug)]
pub struct ThreadQuery {
    pub version: VersionId,
    pub passages: Passages,
    pub filter: ThreadFilter,
    /// The key of the last thread of the page before.
    pub after: Option<ThreadKey>,
    pub limit: u64,
}

/// A thread's placement with its key in the order of the document.
#[derive(Clone, Debug)]
pub struct PlacedThread {
    pub placement: CommentPlacement,
    pub key: ThreadKey,
}

/// A report's state, its review rounds, and the ballots cast in them.
#[async_trait]
pub trait RoundStore: Send {
    /// Writes a report's status and approval (the rest never changes) if
    /// the report is still at the revision it was read at, and moves that
    /// on by one; otherwise [`StoreError::Stale`]. A change of the report's
    /// own that leaves its state as it is (a new version) writes it too,
    /// to move the revision.
    async fn update_report_state(&mut self, report: &mut Report) -> Result<(), StoreError>;
    async fn insert_round(&mut self, report: ReportId, round: &Round) -> Result<(), StoreError>;
    /// Closes the round at `at` if it is still open and at the revision it
    /// was read at, and moves that on; otherwise [`StoreError::Stale`].
    async fn close_round(&mut self, round: &mut Round, at: OffsetDateTime) -> Result<(), StoreError>;
    /// Every round of `report`, in order.
    async fn rounds_of(&mut self, report: ReportId) -> Result<Vec<Round>, StoreError>;
    /// The latest round of every report that has one.
    async fn latest_rounds(&mut self) -> Result<Vec<(ReportId, Round)>, StoreError>;
    /// Casts or changes a vote.
    async fn put_ballot(&mut self, ballot: &Ballot) -> Result<(), StoreError>;
    async fn ballots_of(&mut self, round: RoundId) -> Result<Vec<Ballot>, StoreError>;
    /// Every vote `voter` has cast, in any round.
    async fn ballots_by(&mut self, voter: UserId) -> Result<Vec<Ballot>, StoreError>;
}

/// A term's indicators and the results reports give for them.
#[async_trait]
pub trait IndicatorStore: Send {
    async fn insert_indicator(&mut self, indicator: &Indicator, at: OffsetDateTime) -> Result<(), StoreError>;
    async fn update_indicator(&mut self, indicator: &Indicator) -> Result<(), StoreError>;
    /// A term's indicators, in the resolution's order.
    async fn indicators_of_term(&mut self, term: TermId) -> Result<Vec<Indicator>, StoreError>;
    async fn insert_indicator_result(&mut self, result: &IndicatorResult, at: OffsetDateTime) -> Result<(), StoreError>;
    /// The results `report` gave, oldest first.
    async fn indicator_results_of(&mut self, report: ReportId) -> Result<Vec<IndicatorResult>, StoreError>;
}

/// What a search looks in, and for whom.
#[derive(Clone, Debug, Default)]
pub struct SearchFilter {
    /// Folded needles every hit must contain.
    pub needles: Vec<String>,
    /// `None` for someone who may see everything.
    pub committees: Option<Vec<CommitteeId>>,
    /// Reports seen through a drafting team, or through a body consulted
    /// on them, rather than through a committee.
    pub reports: Vec<ReportId>,
    pub kinds: Vec<EntryKind>,
    pub report: Option<ReportId>,
    pub meeting: Option<uuid::Uuid>,
    pub author: Option<UserId>,
    pub from: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    /// Passages of every version, not only the latest.
    pub all_versions: bool,
    pub limit: u64,
}

/// The search index, written in the same unit of work as the text it indexes.
#[async_trait]
pub trait SearchStore: Send {
    async fn index(&mut self, entries: &[Entry]) -> Result<(), StoreError>;
    /// Marks a report's passages as no longer the latest version's.
    async fn retire_passages(&mut self, report: ReportId) -> Result<(), StoreError>;
    /// Forgets a comment's entries of `kind` (before indexing its new text).
    async fn forget_comment(&mut self, comment: CommentId, kind: EntryKind) -> Result<(), StoreError>;
    /// Forgets a meeting's entries (before indexing its minutes again).
    async fn forget_meeting(&mut self, meeting: uuid::Uuid) -> Result<(), StoreError>;
    /// Entries holding every needle, newest first, up to the limit.
    async fn search(&mut self, filter: &SearchFilter) -> Result<Vec<(Entry, String)>, StoreError>;
}

/// Meetings, each read and written whole: its invitations, attendance,
/// agenda, minutes, conclusion and action items travel with it, so the
/// domain's rules that span them are checked on one value.
#[async_trait]
pub trait MeetingStore: Send {
    /// Writes the meeting with all its parts if it is still at the revision
    /// it was read at (a new one: inserts it), writing only the parts that
    /// changed, and moves the revision on by one; otherwise
    /// [`StoreError::Stale`].
    async fn save_meeting(&mut self, meeting: &mut Meeting) -> Result<(), StoreError>;
    async fn find_meeting(&mut self, id: MeetingId) -> Result<Option<Meeting>, StoreError>;
    /// Every meeting, the latest to start first.
    async fn list_meetings(&mut self) -> Result<Vec<Meeting>, StoreError>;
}

/// What a worker asks for when it claims mail.
#[derive(Clone, Debug)]
pub struct Claim {
    /// Who claims, kept on the rows so only this worker marks them.
    pub worker: String,
    pub now: OffsetDateTime,
    /// A recipient's mail is claimed once one of their pending rows has
    /// been due since this time (now minus the digest window); then all of
    /// their rows due by `now` are claimed together.
    pub ripe_before: OffsetDateTime,
    /// Rows not marked by then may be claimed by another worker.
    pub lease_until: OffsetDateTime,
    /// At most this many rows.
    pub limit: u64,
}

/// A row leased to a worker.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedMail {
    pub message: OutboxMessage,
    /// Attempts made before this one.
    pub attempts: u32,
}

/// The outbox as the notifier sees it: claiming with a lease, marking what
/// happened, people's delivery choices, and the admin's view.
#[async_trait]
pub trait NotifierStore: Send {
    /// Leases due rows to `claim.worker`, grouped by recipient, oldest first.
    /// Rows leased to another worker whose lease has not run out are left
    /// alone, so several workers can share one outbox.
    async fn claim_due(&mut self, claim: &Claim) -> Result<Vec<ClaimedMail>, StoreError>;
    /// Marks rows leased to `worker` sent; returns how many were.
    async fn mark_sent(
        &mut self,
        ids: &[OutboxMessageId],
        worker: &str,
        message_id: &str,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError>;
    /// Counts a failed attempt: the rows are tried again at `retry_at`, or,
    /// with `None`, are failed for good. `error` is kept for admins.
    async fn mark_attempt_failed(
        &mut self,
        ids: &[OutboxMessageId],
        worker: &str,
        error: &str,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError>;
    /// Gives rows back, not to be sent before `due_at` (a digest slot).
    async fn postpone(&mut self, ids: &[OutboxMessageId], worker: &str, due_at: OffsetDateTime) -> Result<(), StoreError>;
    /// Marks rows not to be sent: their recipient turned the kind off.
    async fn mark_skipped(&mut self, ids: &[OutboxMessageId], worker: &str, at: OffsetDateTime) -> Result<(), StoreError>;

    /// What `user` chose, per kind; kinds not listed are at once.
    async fn delivery_choices(&mut self, user: UserId) -> Result<Vec<(String, Delivery)>, StoreError>;
    async fn set_delivery_choice(
        &mut self,
        user: UserId,
        kind: &str,
        delivery: Delivery,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;

    /// The newest `limit` rows in `status`, newest first.
    async fn recent_mail(&mut self, status: MailStatus, limit: u64) -> Result<Vec<MailRecord>, StoreError>;
    async fn count_mail(&mut self, status: MailStatus) -> Result<u64, StoreError>;
    /// Makes a failed row pending again, due at `at`, its attempts reset.
    /// Returns whether there was such a failed row.
    async fn resend_failed(&mut self, id: OutboxMessageId, at: OffsetDateTime) -> Result<bool, StoreError>;
}

/// The time, so tests can hold it still.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> OffsetDateTime;
}

/// The machine's clock, in UTC.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// Planned reminders, and what a worker needs to re-check their reasons.
///
/// Taking is the lease: [`ReminderStore::take_due_reminders`] locks the due
/// rows for the unit of work (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on
/// SQLite the unit of work is the one writer), which ends each of them as
/// sent (its mail in the outbox) or dropped before committing. A worker that
/// dies rolls back, and the rows are free again at once.
#[async_trait]
pub trait ReminderStore: Send {
    /// Plans reminders; one already planned (same kind, subject, recipient
    /// and due time) is left as it is, so planning again is harmless.
    async fn plan_reminders(&mut self, reminders: &[gopy_domain::reminder::Reminder]) -> Result<(), StoreError>;
    /// Up to `limit` pending reminders due at `now`, earliest first, locked
    /// against other workers until this unit of work ends.
    async fn take_due_reminders(
        &mut self,
        now: OffsetDateTime,
        limit: u64,
    ) -> Result<Vec<gopy_domain::reminder::Reminder>, StoreError>;
    async fn finish_reminder(
        &mut self,
        id: gopy_domain::ReminderId,
        outcome: gopy_domain::reminder::ReminderOutcome,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Whether a later reminder of the same kind, subject and recipient is
    /// also due at `now`, pending or sent: a worker that was stopped for
    /// days sends the latest one, not each it missed (and two workers
    /// taking both at once send one of them).
    async fn superseded(&mut self, reminder: &gopy_domain::reminder::Reminder, now: OffsetDateTime) -> Result<bool, StoreError>;
    /// Every reminder about `subject`, with how it ended (`None`: pending).
    async fn reminders_about(
        &mut self,
        subject: uuid::Uuid,
    ) -> Result<Vec<(gopy_domain::reminder::Reminder, Option<gopy_domain::reminder::ReminderOutcome>)>, StoreError>;
    /// A round and its report, by the round's id.
    async fn find_round(&mut self, round: RoundId) -> Result<Option<(ReportId, Round)>, StoreError>;
    /// The meeting whose conclusion assigned `action`.
    async fn meeting_of_action(&mut self, action: gopy_domain::ActionItemId) -> Result<Option<MeetingId>, StoreError>;
    /// How many reminders are planned and not yet sent or dropped, due or
    /// not: for `/metrics`.
    async fn count_pending_reminders(&mut self) -> Result<u64, StoreError>;
}

/// Word files of review comments: staged imports and the comments stored
/// from them (see [`crate::word_comments`]).
#[async_trait]
pub trait WordImportStore: Send {
    async fn insert_word_import(&mut self, import: &crate::word_comments::WordImport) -> Result<(), StoreError>;
    /// An import of `report`; `None` for one of another report.
    async fn find_word_import(
        &mut self,
        report: ReportId,
        id: uuid::Uuid,
    ) -> Result<Option<crate::word_comments::WordImport>, StoreError>;
    /// Marks an import stored at `at`; `false` if it already was.
    async fn mark_word_import_stored(&mut self, id: uuid::Uuid, at: OffsetDateTime) -> Result<bool, StoreError>;
    /// The keys of every Word comment stored on `report`.
    async fn imported_word_comment_keys(&mut self, report: ReportId) -> Result<Vec<String>, StoreError>;
    /// Records the comments stored from an import by their keys; a key
    /// stored before is a [`StoreError::Conflict`].
    async fn insert_imported_word_comments(
        &mut self,
        report: ReportId,
        import: uuid::Uuid,
        rows: &[(String, CommentId)],
    ) -> Result<(), StoreError>;
}

/// The admin's changes to the working-day calendar: the government's yearly
/// days off and make-up working days, one per day.
#[async_trait]
pub trait CalendarStore: Send {
    /// Every change, earliest day first.
    async fn calendar_adjustments(&mut self) -> Result<Vec<gopy_domain::calendar::Adjustment>, StoreError>;
    /// Adds a change; a day that has one already is a
    /// [`StoreError::Conflict`].
    async fn insert_calendar_adjustment(
        &mut self,
        adjustment: &gopy_domain::calendar::Adjustment,
        by: Option<UserId>,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Removes the change of `day`; `false` if it had none.
    async fn delete_calendar_adjustment(&mut self, day: time::Date) -> Result<bool, StoreError>;
}

/// The bodies consulted in review rounds, their answers and letters.
#[async_trait]
pub trait ConsultationStore: Send {
    /// Stores a round's consultation with its bodies (answers unset).
    async fn insert_consultation(&mut self, consultation: &gopy_domain::consultation::Consultation) -> Result<(), StoreError>;
    /// The round's consultation with its bodies in the order picked.
    async fn consultation_of(&mut self, round: RoundId) -> Result<Option<gopy_domain::consultation::Consultation>, StoreError>;
    /// Records a body's answer if it has none yet; returns whether it was recorded.
    async fn set_answer(
        &mut self,
        round: RoundId,
        body: gopy_domain::BodyId,
        answer: &gopy_domain::consultation::Answer,
    ) -> Result<bool, StoreError>;
    /// Stores a letter and its file; a number the body used before is a
    /// [`StoreError::Conflict`] on `reply_letters.number`.
    async fn insert_letter(
        &mut self,
        letter: &gopy_domain::consultation::ReplyLetter,
        file: Option<&[u8]>,
    ) -> Result<(), StoreError>;
    /// The letters recorded in a round, oldest first.
    async fn letters_of(&mut self, round: RoundId) -> Result<Vec<gopy_domain::consultation::ReplyLetter>, StoreError>;
    /// Whether `body` has a letter numbered `number` already.
    async fn letter_numbered(&mut self, body: gopy_domain::BodyId, number: &str) -> Result<bool, StoreError>;
    /// A letter with its kept file.
    async fn letter_file(
        &mut self,
        letter: gopy_domain::LetterId,
    ) -> Result<Option<(gopy_domain::consultation::ReplyLetter, Option<Vec<u8>>)>, StoreError>;
    /// The rounds whose silent bodies are due to be deemed to agree at
    /// `now`: silence agrees, the deadline has passed, not done yet.
    async fn rounds_due_for_deeming(&mut self, now: OffsetDateTime) -> Result<Vec<(ReportId, Round)>, StoreError>;
    /// Marks a round's silent bodies as done, if not already; returns
    /// whether this call did (two workers: one of them does).
    async fn mark_deemed(&mut self, round: RoundId, at: OffsetDateTime) -> Result<bool, StoreError>;
}

/// The drafting team's decisions in a change table: links between comments
/// and changed passages, and technical edits. A table is named by its
/// report and the newer version's number.
#[async_trait]
pub trait ChangeTableStore: Send {
    /// The links decided in the table of `report` up to version `to_version`.
    async fn change_links(
        &mut self,
        report: ReportId,
        to_version: u32,
    ) -> Result<Vec<gopy_domain::change_table::ChangeLink>, StoreError>;
    /// Records (or replaces) the team's decision on one link.
    async fn put_change_link(
        &mut self,
        report: ReportId,
        to_version: u32,
        link: &gopy_domain::change_table::ChangeLink,
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Forgets the decision on one link; `false` if there was none.
    async fn delete_change_link(
        &mut self,
        report: ReportId,
        to_version: u32,
        passage: &BlockId,
        comment: CommentId,
    ) -> Result<bool, StoreError>;
    /// The passages marked technical edits in the table, in passage order.
    async fn technical_edits(&mut self, report: ReportId, to_version: u32) -> Result<Vec<BlockId>, StoreError>;
    /// Marks a passage a technical edit, or unmarks it; `false` if nothing changed.
    async fn set_technical_edit(
        &mut self,
        report: ReportId,
        to_version: u32,
        passage: &BlockId,
        technical: bool,
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError>;
}

/// What is still disputed on a report: the deadline, the commenters'
/// stances and the chair's decisions.
#[async_trait]
pub trait DisputeStore: Send {
    async fn dispute_deadline(&mut self, report: ReportId) -> Result<Option<OffsetDateTime>, StoreError>;
    /// Sets (or moves) the deadline.
    async fn set_dispute_deadline(
        &mut self,
        report: ReportId,
        deadline: OffsetDateTime,
        by: UserId,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Every stance taken on the report's answers, by comment.
    async fn stances_on(&mut self, report: ReportId) -> Result<Vec<gopy_domain::dispute::StanceTaken>, StoreError>;
    /// Records a stance, replacing the commenter's earlier one.
    async fn put_stance(&mut self, report: ReportId, stance: &gopy_domain::dispute::StanceTaken) -> Result<(), StoreError>;
    /// Every decision on the report's disputes.
    async fn decisions_on(&mut self, report: ReportId) -> Result<Vec<gopy_domain::dispute::DisputeDecision>, StoreError>;
    /// The decisions taken at a meeting, with their reports, oldest first.
    async fn decisions_at(
        &mut self,
        meeting: MeetingId,
    ) -> Result<Vec<(ReportId, gopy_domain::dispute::DisputeDecision)>, StoreError>;
    /// Records (or rewrites) a decision.
    async fn put_decision(&mut self, report: ReportId, decision: &gopy_domain::dispute::DisputeDecision) -> Result<(), StoreError>;
}
