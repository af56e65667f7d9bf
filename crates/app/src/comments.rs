//! Use cases for the review loop: comments on a version's passages, replies,
//! edits and withdrawals, the drafting team's dispositions, the comments as
//! they stand on the latest version, and the table of dispositions.
//!
//! Every change writes, in one unit of work, the change, its audit event and
//! the outbox rows for the people it concerns.

use std::collections::HashMap;

use gopy_domain::document::align::{Anchor, AnchorFate, carry_anchors, find_span, span_of};
use gopy_domain::document::{Block, BlockId};
use gopy_domain::{
    Action, Actor, Comment, CommentCounts, CommentId, CommentPlacement, CommentRevision, CommentText,
    CommentV1, DispositionKind, Drafter, Notice, OutboxMessage, Placement, Report, ReportId, Resource, UserId, Version,
    WithdrawalProblem, authorize,
};
use serde_json::json;
use tracing::instrument;

use crate::reports::report_resource;
use crate::rounds::Gate;
use gopy_domain::search::EntryKind;
use crate::ports::CommentSetting;
use crate::{App, AppError, InvalidReason, UnitOfWork, new_id};

/// Where a new comment points, as the browser or the API says it.
#[derive(Clone, Debug, Default)]
pub struct NewAnchor {
    pub block: Option<String>,
    /// Character offsets into the block's text.
    pub start: Option<usize>,
    pub end: Option<usize>,
    /// The text selected, checked against the offsets.
    pub quote: Option<String>,
}

/// What is needed to post a comment.
#[derive(Clone, Debug)]
pub struct NewComment {
    /// The version commented on: the latest one.
    pub version: u32,
    /// `None`, or all fields empty, for a comment on the whole report.
    pub anchor: NewAnchor,
    pub body: String,
    /// Set when the secretariat records someone else's opinion.
    pub on_behalf_of: Option<UserId>,
    /// Said aloud at the meeting.
    pub at_meeting: bool,
}

/// A comment with its replies and where it is shown on the latest version.
#[derive(Clone, Debug)]
pub struct Thread {
    pub comment: Comment,
    pub placement: Option<CommentPlacement>,
    pub replies: Vec<Comment>,
}

/// A report's comments as they stand on its latest version, in the order
/// of the document: comments on passages by where the passage is, then
/// those whose passage is gone, then those on the whole report.
#[derive(Clone, Debug)]
pub struct ReviewView {
    pub report: Report,
    pub version: Option<Version>,
    pub threads: Vec<Thread>,
    pub counts: CommentCounts,
}

impl App {
    #[instrument(skip(self, actor, new), fields(user.id = %actor.user, report.id = %id))]
    pub async fn post_comment(&self, actor: &Actor, id: ReportId, new: NewComment) -> Result<Comment, AppError> {
        let mut uow = self.store.begin().await?;
        let comment = self.post_comment_in(uow.as_mut(), actor, id, new).await?;
        uow.commit().await?;
        Ok(comment)
    }

    /// Posts a comment inside a unit of work the caller commits, so that a
    /// use case which posts one as part of a larger change (an opinion from
    /// the minutes) writes both together or neither.
    pub(crate) async fn post_comment_in(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        id: ReportId,
        new: NewComment,
    ) -> Result<Comment, AppError> {
        self.post_comment_for(uow, actor, id, new, None).await
    }

    /// Posts a comment; with `for_body`, one the secretariat records for a
    /// consulted body (from its letter or comment form). A comment a
    /// consulted body's person makes in Gopy speaks for their body.
    pub(crate) async fn post_comment_for(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        id: ReportId,
        new: NewComment,
        for_body: Option<gopy_domain::BodyId>,
    ) -> Result<Comment, AppError> {
        let body = CommentText::parse(&new.body).map_err(|e| AppError::invalid("body", e))?;
        // The block the anchor names, if any, read with the rest; whether the
        // anchor is well formed is told after the access checks.
        let named = new.anchor.block.as_deref().map(str::trim).filter(|b| !b.is_empty()).map(BlockId::new);
        // The report, its latest round, the one block the anchor names (not
        // the whole version) and the drafting team, in one read.
        let setting = uow.comment_setting(id, named.as_ref()).await?.ok_or(AppError::NotFound { what: "report" })?;
        let CommentSetting { report, round, latest, drafters } = setting;
        authorize(actor, Action::ViewReport, report_resource(&report)).map_err(|_| AppError::NotFound { what: "report" })?;
        let resource = report_resource(&report);
        authorize(actor, Action::PostComment, resource)?;
        if new.on_behalf_of.is_some_and(|u| u != actor.user) || new.at_meeting || for_body.is_some() {
            authorize(actor, Action::RecordComment, resource)?;
        }
        let author = new.on_behalf_of.unwrap_or(actor.user);
        // Only a consulted body's own person costs a read here.
        let own_body = if for_body.is_none() && author == actor.user && !new.at_meeting && actor.consulted_on(id) {
            uow.find_user(actor.user).await?.and_then(|u| u.body)
        } else {
            None
        };
        let on_behalf_of = for_body.or(own_body);
        // The caller was read when the request was identified; only someone
        // else's opinion, recorded by the secretariat, needs its author read.
        if author != actor.user && uow.find_user(author).await?.is_none() {
            return Err(AppError::invalid("author", InvalidReason::Missing));
        }
        let state = report.status;
        let late = gopy_domain::workflow::comments_open(state, round.as_ref(), self.now())
            .ok_or(AppError::Closed { what: "comments", state })?;
        let block = anchor_block(&new.anchor)?;
        let latest = latest.ok_or(AppError::NotFound { what: "version" })?;
        if latest.number != new.version {
            return Err(AppError::invalid("version", InvalidReason::Rule("err_newer_version".into())));
        }
        let anchor = match block {
            Some(block_id) => Some(anchor_in(block_id, latest.block.as_ref(), &new.anchor)?),
            None => None,
        };
        let comment = Comment {
            id: CommentId::from_uuid(new_id()),
            report: id,
            version: latest.version,
            version_number: latest.number,
            parent: None,
            author,
            // A body's comment typed in by the secretariat is recorded,
            // though it stands under the recorder's name.
            recorded_by: (author != actor.user || for_body.is_some()).then_some(actor.user),
            on_behalf_of,
            at_meeting: new.at_meeting,
            anchor,
            body,
            created_at: self.now(),
            edited_at: None,
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            late,
            disposition: None,
            group: None,
            revision: 0,
        };
        let notices = self.team_notices(&drafters, &report, &comment, Notice::CommentPosted);
        self.write_new_comment_to(uow, &report, &comment, &notices).await?;
        let event = self.audit(
            Some(actor.user),
            "comment.posted",
            "report",
            Some(id.as_uuid()),
            json!({ "comment": comment.id, "author": author, "version": latest.number, "at_meeting": new.at_meeting }),
        );
        uow.record_audit_event(&event).await?;
        Ok(comment)
    }

    /// A reply in a comment's thread.
    #[instrument(skip(self, actor, text), fields(user.id = %actor.user, comment.id = %parent))]
    pub async fn reply(&self, actor: &Actor, parent: CommentId, text: &str) -> Result<Comment, AppError> {
        let body = CommentText::parse(text).map_err(|e| AppError::invalid("body", e))?;
        let mut uow = self.store.begin().await?;
        let thread = uow.find_comment(parent).await?.ok_or(AppError::NotFound { what: "comment" })?;
        let report = self.readable(uow.as_mut(), actor, thread.report).await?;
        authorize(actor, Action::Reply, report_resource(&report))?;
        self.gate(uow.as_mut(), &report, Gate::Thread).await?;
        if thread.is_reply() {
            return Err(AppError::invalid("body", InvalidReason::Rule("err_reply_to_reply".into())));
        }
        let reply = Comment {
            id: CommentId::from_uuid(new_id()),
            parent: Some(parent),
            author: actor.user,
            recorded_by: None,
            on_behalf_of: None,
            at_meeting: false,
            anchor: None,
            body,
            created_at: self.now(),
            edited_at: None,
            withdrawn_at: None,
            withdrawn_by: None,
            withdrawal_reason: None,
            late: false,
            disposition: None,
            group: None,
            revision: 0,
            ..thread.clone()
        };
        // Read before the writes, so that they travel together (see write_new_comment).
        let notices = self.drafting_team_notices(uow.as_mut(), &report, &reply, Notice::CommentReplied).await?;
        uow.insert_comment(&reply).await?;
        uow.index(&[reply_entry(&report, &reply)]).await?;
        uow.enqueue_all(&notices).await?;
        let event = self.audit(
            Some(actor.user),
            "comment.replied",
            "report",
            Some(report.id.as_uuid()),
            json!({ "comment": parent, "reply": reply.id }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(reply)
    }

    /// Changes a comment's text; the earlier text is kept. `seen` is the
    /// comment's revision the author's form was opened at.
    pub async fn edit_comment(
        &self,
        actor: &Actor,
        (id, seen): (CommentId, Option<u32>),
        text: &str,
    ) -> Result<Comment, AppError> {
        crate::revisions::again_unless_seen(seen, || self.edit_comment_once(actor, (id, seen), text)).await
    }

    async fn edit_comment_once(
        &self,
        actor: &Actor,
        (id, seen): (CommentId, Option<u32>),
        text: &str,
    ) -> Result<Comment, AppError> {
        let body = CommentText::parse(text).map_err(|e| AppError::invalid("body", e))?;
        let mut uow = self.store.begin().await?;
        let (report, mut comment) = self.comment_for(uow.as_mut(), actor, id, Action::EditComment).await?;
        AppError::check_seen("comment", seen, comment.revision)?;
        self.gate(uow.as_mut(), &report, Gate::Thread).await?;
        if comment.is_withdrawn() {
            return Err(AppError::invalid("body", InvalidReason::Rule("err_withdrawn_edit".into())));
        }
        if comment.body == body {
            return Ok(comment);
        }
        let now = self.now();
        uow.insert_revision(&CommentRevision { comment: id, body: comment.body.clone(), replaced_at: now }).await?;
        comment.body = body;
        comment.edited_at = Some(now);
        uow.update_comment(&mut comment).await?;
        if !comment.is_reply() {
            self.index_comment(uow.as_mut(), &report, &comment, EntryKind::Comment).await?;
        }
        let event = self.audit(Some(actor.user), "comment.edited", "report", Some(report.id.as_uuid()), json!({ "comment": id }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(comment)
    }

    /// Marks a comment withdrawn; it stays, shown as withdrawn. Its author
    /// withdraws it without a word; the secretariat withdrawing someone
    /// else's must give a reason (`reason`, empty for none), kept with the
    /// comment and in the audit event.
    pub async fn withdraw_comment(&self, actor: &Actor, id: CommentId, reason: &str) -> Result<Comment, AppError> {
        let reason = match reason.trim() {
            "" => None,
            text => Some(CommentText::parse(text).map_err(|e| AppError::invalid("reason", e))?),
        };
        let mut uow = self.store.begin().await?;
        let (report, mut comment) = self.comment_for(uow.as_mut(), actor, id, Action::WithdrawComment).await?;
        self.gate(uow.as_mut(), &report, Gate::Thread).await?;
        if comment.is_withdrawn() {
            return Ok(comment);
        }
        comment.withdraw(actor.user, reason, self.now()).map_err(|e| match e {
            WithdrawalProblem::ReasonRequired => AppError::invalid("reason", InvalidReason::Rule("err_withdrawal_reason".into())),
        })?;
        uow.update_comment(&mut comment).await?;
        let event = self.audit(
            Some(actor.user),
            "comment.withdrawn",
            "report",
            Some(report.id.as_uuid()),
            json!({
                "comment": id,
                "author": comment.author,
                "reason": comment.withdrawal_reason.as_ref().map(ToString::to_string),
            }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(comment)
    }

    /// The drafting team's answer to a comment, a draft until the team's
    /// lead publishes it. It can be changed until the report is approved
    /// (a changed answer is a draft again); each change is an audit event.
    #[instrument(skip(self, actor, response), fields(user.id = %actor.user, comment.id = %id))]
    pub async fn answer_comment(
        &self,
        actor: &Actor,
        (id, seen): (CommentId, Option<u32>),
        kind: DispositionKind,
        response: &str,
        addressed_in: Option<u32>,
    ) -> Result<Comment, AppError> {
        crate::revisions::again_unless_seen(seen, || self.answer_comment_once(actor, (id, seen), kind, response, addressed_in)).await
    }

    async fn answer_comment_once(
        &self,
        actor: &Actor,
        (id, seen): (CommentId, Option<u32>),
        kind: DispositionKind,
        response: &str,
        addressed_in: Option<u32>,
    ) -> Result<Comment, AppError> {
        let response = match response.trim() {
            "" => None,
            text => Some(CommentText::parse(text).map_err(|e| AppError::invalid("response", e))?),
        };
        let mut uow = self.store.begin().await?;
        let mut comment = uow.find_comment(id).await?.ok_or(AppError::NotFound { what: "comment" })?;
        let report = self.readable(uow.as_mut(), actor, comment.report).await?;
        authorize(actor, Action::AnswerComment, report_resource(&report))?;
        AppError::check_seen("comment", seen, comment.revision)?;
        self.gate(uow.as_mut(), &report, Gate::Answer).await?;
        if let Some(n) = addressed_in
            && uow.find_version(report.id, n).await?.is_none()
        {
            return Err(AppError::invalid("addressed_in", InvalidReason::Missing));
        }
        let previous = comment.disposition.as_ref().map(|d| d.kind);
        comment
            .answer(kind, response, addressed_in, actor.user, self.now())
            .map_err(|e| crate::answers::disposition_refused("response", e))?;
        uow.update_comment(&mut comment).await?;
        // The answer is the team's draft now (a changed published answer
        // too): not searchable, and its commenter is told only when the
        // team's lead publishes the drafts, once for all their answers.
        uow.forget_comment(comment.id, EntryKind::Answer).await?;
        let event = self.audit(
            Some(actor.user),
            "comment.answered",
            "report",
            Some(report.id.as_uuid()),
            json!({ "comment": id, "disposition": kind, "previous": previous, "addressed_in": addressed_in }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(comment)
    }

    /// One comment with its report, for a page or an API answer.
    pub async fn comment(&self, actor: &Actor, id: CommentId) -> Result<(Report, Comment), AppError> {
        let mut uow = self.store.begin_read().await?;
        let comment = uow.find_comment(id).await?.ok_or(AppError::NotFound { what: "comment" })?;
        let report = self.readable(uow.as_mut(), actor, comment.report).await?;
        let comment = if crate::answers::sees_drafts(actor, &report) { comment } else { comment.as_seen_outside_the_team() };
        Ok((report, comment))
    }

    /// The earlier texts of a comment, for the secretariat.
    pub async fn comment_history(&self, actor: &Actor, id: CommentId) -> Result<Vec<CommentRevision>, AppError> {
        let mut uow = self.store.begin_read().await?;
        let comment = uow.find_comment(id).await?.ok_or(AppError::NotFound { what: "comment" })?;
        let report = self.readable(uow.as_mut(), actor, comment.report).await?;
        authorize(actor, Action::ViewCommentHistory, report_resource(&report))?;
        Ok(uow.revisions_of(id).await?)
    }

    /// Every comment of a report as it stands on the latest version.
    pub async fn review(&self, actor: &Actor, id: ReportId) -> Result<ReviewView, AppError> {
        self.review_on(actor, id, None).await
    }

    /// Every comment of a report as it stands on version `number` (the
    /// latest when `None`). Comments made on later versions are left out.
    pub async fn review_on(&self, actor: &Actor, id: ReportId, number: Option<u32>) -> Result<ReviewView, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let version = match number {
            Some(n) => Some(uow.find_version(id, n).await?.ok_or(AppError::NotFound { what: "version" })?),
            None => uow.latest_version(id).await?,
        };
        let comments = crate::answers::as_seen_by(actor, &report, uow.comments_of_report(id).await?);
        let placements = match &version {
            Some(v) => uow.placements_on(v.id).await?,
            None => Vec::new(),
        };
        drop(uow);
        let shown = version.as_ref().map_or(0, |v| v.number);
        let comments = comments.into_iter().filter(|c| c.version_number <= shown).collect();
        Ok(review_view(report, version, comments, placements))
    }

    pub(crate) async fn readable(&self, uow: &mut dyn UnitOfWork, actor: &Actor, id: ReportId) -> Result<Report, AppError> {
        let report = uow.find_report(id).await?.ok_or(AppError::NotFound { what: "report" })?;
        authorize(actor, Action::ViewReport, report_resource(&report))
            .map_err(|_| AppError::NotFound { what: "report" })?;
        Ok(report)
    }

    /// A comment that `actor` may read and may do `action` to.
    async fn comment_for(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        id: CommentId,
        action: Action,
    ) -> Result<(Report, Comment), AppError> {
        let comment = uow.find_comment(id).await?.ok_or(AppError::NotFound { what: "comment" })?;
        let report = self.readable(uow, actor, comment.report).await?;
        let resource = Resource::Comment {
            report: report.id,
            committee: report.committee,
            author: comment.author,
            recorded_by: comment.recorded_by,
        };
        authorize(actor, action, resource)?;
        Ok((report, comment))
    }

    /// Writes a new comment made on its version: the row, its search entry,
    /// its placement there, and a notice to each of the drafting team.
    ///
    /// The drafting team is read first: a store may hold writes back until
    /// the unit's next read (SQLite's writer sends them in one round trip,
    /// made while every other write waits its turn), so reads go before.
    pub(crate) async fn write_new_comment(&self, uow: &mut dyn UnitOfWork, report: &Report, comment: &Comment) -> Result<(), AppError> {
        let notices = self.drafting_team_notices(uow, report, comment, Notice::CommentPosted).await?;
        self.write_new_comment_to(uow, report, comment, &notices).await
    }

    /// [`App::write_new_comment`] with the drafting team's notices made
    /// already, from a team read with the rest of what the comment needed.
    async fn write_new_comment_to(
        &self,
        uow: &mut dyn UnitOfWork,
        report: &Report,
        comment: &Comment,
        notices: &[OutboxMessage],
    ) -> Result<(), AppError> {
        uow.insert_comment(comment).await?;
        self.index_new_comment(uow, report, comment, EntryKind::Comment).await?;
        uow.insert_placements(&[CommentPlacement {
            comment: comment.id,
            version: comment.version,
            placement: Placement::Current,
            anchor: comment.anchor.clone(),
            changed_in: None,
        }])
        .await?;
        // One statement for the whole team, however large.
        uow.enqueue_all(notices).await?;
        Ok(())
    }

    /// An outbox row for every member of the drafting team but the comment's author.
    async fn drafting_team_notices(
        &self,
        uow: &mut dyn UnitOfWork,
        report: &Report,
        comment: &Comment,
        kind: fn(CommentV1) -> Notice,
    ) -> Result<Vec<OutboxMessage>, AppError> {
        let team = uow.drafting_team(report.id).await?;
        Ok(self.team_notices(&team, report, comment, kind))
    }

    /// An outbox row for every one of `team` but the comment's author.
    fn team_notices(&self, team: &[Drafter], report: &Report, comment: &Comment, kind: fn(CommentV1) -> Notice) -> Vec<OutboxMessage> {
        team.iter()
            .filter(|drafter| drafter.user != comment.author)
            .map(|drafter| self.notice(drafter.user, kind, report, comment))
            .collect()
    }

    fn notice(&self, recipient: UserId, kind: fn(CommentV1) -> Notice, report: &Report, comment: &Comment) -> OutboxMessage {
        let payload = CommentV1 {
            report: report.id,
            report_title: report.title.to_string(),
            comment: comment.id,
            thread: comment.parent.unwrap_or(comment.id),
            version: comment.version_number,
            author: comment.author,
        };
        self.outbox_message(recipient, kind(payload))
    }

    /// Carries every comment shown on `previous` onto `next`, in the unit of
    /// work that makes `next`: none is dropped; one whose passage changed is
    /// flagged, one whose passage is gone is outdated.
    pub(crate) async fn carry_comments(
        &self,
        uow: &mut dyn UnitOfWork,
        previous: &Version,
        next: &Version,
        alignment: &gopy_domain::document::align::Alignment,
    ) -> Result<usize, AppError> {
        let placements = uow.placements_on(previous.id).await?;
        if placements.is_empty() {
            return Ok(0);
        }
        let anchored: Vec<&CommentPlacement> = placements.iter().filter(|p| p.anchor.is_some()).collect();
        let anchors: Vec<Anchor> = anchored.iter().filter_map(|p| p.anchor.clone()).collect();
        let fates = carry_anchors(&anchors, &previous.blocks, &next.blocks, alignment);
        // A block's text in each version, read once per block commented on:
        // a quote that survives verbatim in a passage edited around it still
        // has its passage changed in `next`.
        let mut old_texts: HashMap<&BlockId, String> = HashMap::new();
        let mut new_texts: HashMap<BlockId, String> = HashMap::new();
        let text_in = |blocks: &'_ [Block], id: &BlockId| blocks.iter().find(|b| &b.id == id).map(|b| b.content.plain_text());
        let mut carried: Vec<CommentPlacement> = Vec::with_capacity(placements.len());
        for (p, fate) in anchored.iter().zip(fates) {
            let (placement, anchor, changed_in) = match fate {
                AnchorFate::Unchanged(anchor) => {
                    let was = p.anchor.as_ref().map(|a| &a.block);
                    let edited = match was {
                        Some(was) => {
                            let before = old_texts.entry(was).or_insert_with(|| text_in(&previous.blocks, was).unwrap_or_default()).clone();
                            let after = new_texts
                                .entry(anchor.block.clone())
                                .or_insert_with(|| text_in(&next.blocks, &anchor.block).unwrap_or_default());
                            before != *after
                        }
                        None => false,
                    };
                    if edited {
                        (Placement::PassageChanged, Some(anchor), Some(next.number))
                    } else {
                        // Unchanged since: flagged as before, with the version it changed in.
                        (p.placement, Some(anchor), p.changed_in)
                    }
                }
                AnchorFate::PassageChanged(anchor) => (Placement::PassageChanged, Some(anchor), Some(next.number)),
                AnchorFate::Outdated => (Placement::Outdated, None, None),
            };
            carried.push(CommentPlacement { comment: p.comment, version: next.id, placement, anchor, changed_in });
        }
        // Comments on the whole report, and those already outdated, stay as they are.
        carried.extend(placements.iter().filter(|p| p.anchor.is_none()).map(|p| CommentPlacement {
            version: next.id,
            ..p.clone()
        }));
        uow.insert_placements(&carried).await?;
        Ok(carried.len())
    }
}

/// A reply is found as part of its thread: it points at the comment it answers.
fn reply_entry(report: &Report, reply: &Comment) -> gopy_domain::search::Entry {
    gopy_domain::search::Entry {
        kind: EntryKind::Comment,
        committee: report.committee,
        report: Some(report.id),
        meeting: None,
        version: Some(reply.version_number),
        latest: true,
        block: None,
        comment: reply.parent,
        author: Some(reply.author),
        at: reply.created_at,
        text: reply.body.to_string(),
    }
}

/// The block a new comment's anchor names, or `None` for a comment on the
/// whole report (refused if it gives offsets or a quote without a block).
fn anchor_block(new: &NewAnchor) -> Result<Option<BlockId>, AppError> {
    match new.block.as_deref().map(str::trim) {
        None | Some("") => {
            if new.start.is_some() || new.quote.as_deref().is_some_and(|q| !q.trim().is_empty()) {
                Err(AppError::invalid("anchor", InvalidReason::Rule("err_anchor_block".into())))
            } else {
                Ok(None)
            }
        }
        Some(id) => Ok(Some(BlockId::new(id))),
    }
}

/// Checks a new comment's anchor against the block it names, as found in
/// the latest version (`None`: not there): the offsets fall inside the
/// block's text, and the quote is what they cover. A quote without offsets
/// is looked for in the block.
fn anchor_in(block_id: BlockId, block: Option<&Block>, new: &NewAnchor) -> Result<Anchor, AppError> {
    let block = block
        .filter(|b| b.id == block_id)
        .ok_or_else(|| AppError::invalid("anchor", InvalidReason::Rule("err_anchor_not_here".into())))?;
    let text = block.content.plain_text();
    let outside = || AppError::invalid("anchor", InvalidReason::Rule("err_anchor_outside".into()));
    let quote = new.quote.as_deref().map(gopy_domain::text::nfc).filter(|q| !q.is_empty());
    let span = match (new.start, new.end, quote) {
        (None, None, None) => None,
        (Some(start), Some(end), quote) => {
            let span = span_of(&text, start, end).ok_or_else(outside)?;
            if quote.is_some_and(|q| q != span.quote) {
                return Err(outside());
            }
            Some(span)
        }
        (None, None, Some(quote)) => Some(find_span(&text, &quote).ok_or_else(outside)?),
        _ => return Err(outside()),
    };
    Ok(Anchor { block: block_id, span })
}

fn review_view(
    report: Report,
    version: Option<Version>,
    comments: Vec<Comment>,
    placements: Vec<CommentPlacement>,
) -> ReviewView {
    let counts = CommentCounts::of(&comments);
    let mut replies: HashMap<CommentId, Vec<Comment>> = HashMap::new();
    let mut tops = Vec::new();
    for comment in comments {
        match comment.parent {
            Some(parent) => replies.entry(parent).or_default().push(comment),
            None => tops.push(comment),
        }
    }
    let mut placed: HashMap<CommentId, CommentPlacement> = placements.into_iter().map(|p| (p.comment, p)).collect();
    let position: HashMap<&BlockId, usize> =
        version.iter().flat_map(|v| v.blocks.iter().enumerate().map(|(i, b)| (&b.id, i))).collect();
    let mut threads: Vec<(u8, usize, usize, Thread)> = tops
        .into_iter()
        .map(|comment| {
            let placement = placed.remove(&comment.id);
            let anchor = placement.as_ref().and_then(|p| p.anchor.as_ref());
            let key = match (anchor, placement.as_ref().map(|p| p.placement)) {
                (Some(a), _) => (0, position.get(&a.block).copied().unwrap_or(usize::MAX), a.span.as_ref().map_or(0, |s| s.start)),
                (None, Some(Placement::Outdated)) => (1, 0, 0),
                _ => (2, 0, 0),
            };
            let replies = replies.remove(&comment.id).unwrap_or_default();
            (key.0, key.1, key.2, Thread { comment, placement, replies })
        })
        .collect();
    // Stable: comments on one passage stay in the order they were made.
    threads.sort_by_key(|(group, block, start, _)| (*group, *block, *start));
    ReviewView { report, version, threads: threads.into_iter().map(|(_, _, _, t)| t).collect(), counts }
}
