//! The change table between two versions (bảng so sánh, thuyết minh) and
//! what is still disputed (vấn đề còn ý kiến khác nhau): the two ends of a
//! round's answers, where the drafting team shows what the comments
//! changed, and the commenters say whether they accept the answers.

use std::collections::HashMap;

use gopy_domain::change_table::{
    ChangeChecks, ChangeLink, ChangedPassage, CommentOnOld, LinkKind, LinkState, belongs_to_table, changed_passages, check,
    links_of,
};
use gopy_domain::dispute::{DisputeDecision, DisputeProblem, Stance, StanceTaken, decide, speaks_for, take_stance};
use gopy_domain::document::BlockId;
use gopy_domain::document::align::align;
use gopy_domain::document::label::citation_labels;
use gopy_domain::{
    Action, Actor, Comment, CommentId, CommentText, DispositionKind, MeetingId, MeetingStatus, Report, ReportId, authorize,
};
use serde_json::json;
use time::OffsetDateTime;

use crate::error::InvalidReason;
use crate::offer::{Offer, WhyNot};
use crate::reports::report_resource;
use crate::{App, AppError, Directory, UnitOfWork};

/// A comment as the change table and the disputes show it.
#[derive(Clone, Debug)]
pub struct CommentLine {
    pub id: CommentId,
    pub commenter: String,
    pub commenter_body: Option<String>,
    pub text: String,
    pub quote: Option<String>,
    pub disposition: Option<DispositionKind>,
    pub response: Option<String>,
}

/// One changed passage with the comments behind it.
#[derive(Clone, Debug)]
pub struct ChangeRow {
    pub passage: ChangedPassage,
    /// Its citation label in the new version ("II.1 ¶2"), or in the old one
    /// when removed.
    pub label: Option<String>,
    pub technical: bool,
    pub comments: Vec<(CommentLine, LinkKind)>,
}

/// The change table from version `from` to version `to` = `from + 1`.
#[derive(Clone, Debug)]
pub struct ChangeTable {
    pub report: Report,
    pub from: u32,
    pub to: u32,
    /// Every version's number, to choose from.
    pub numbers: Vec<u32>,
    pub rows: Vec<ChangeRow>,
    pub checks: ChangeChecks,
    /// The comments taken in with no change linked to them, named.
    pub taken_in_unchanged: Vec<CommentLine>,
    /// The comments of the table, to link to a change.
    pub comments: Vec<CommentLine>,
    /// Whether the viewer may link, confirm, dismiss and mark technical edits.
    pub edit: Offer,
}

/// The change table's checks in two numbers, for the report page where the
/// team submits the new version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChangeCheckSummary {
    pub from: u32,
    pub to: u32,
    pub taken_in_unchanged: usize,
    pub unexplained: usize,
}

/// What the drafting team decides in a change table.
#[derive(Clone, Debug)]
pub enum ChangeDecision {
    /// Confirms a suggested link, or links a comment to a change.
    Link { passage: BlockId, comment: CommentId },
    /// The comment did not lead to this change (a suggestion dismissed, or
    /// a link undone).
    Unlink { passage: BlockId, comment: CommentId },
    /// Marks a change a technical edit, or unmarks it.
    Technical { passage: BlockId, technical: bool },
}

fn comment_line(directory: &Directory, comment: &Comment) -> CommentLine {
    CommentLine {
        id: comment.id,
        commenter: directory.name(comment.author),
        commenter_body: comment.on_behalf_of.and_then(|b| directory.body_name(b)),
        text: comment.body.as_str().to_owned(),
        quote: comment.anchor.as_ref().and_then(|a| a.span.as_ref()).map(|s| s.quote.clone()),
        disposition: comment.disposition.as_ref().map(|d| d.kind),
        response: comment.disposition.as_ref().and_then(|d| d.response.as_ref()).map(|r| r.as_str().to_owned()),
    }
}

fn contents(version: &gopy_domain::Version) -> Vec<gopy_domain::document::BlockContent> {
    version.blocks.iter().map(|b| b.content.clone()).collect()
}

fn rule(field: &'static str, key: &str) -> AppError {
    AppError::invalid(field, InvalidReason::Rule(key.to_owned()))
}

impl App {
    /// The change table from `from` to the next version; with no `from`,
    /// the one that ends at the latest version.
    pub async fn change_table(&self, actor: &Actor, id: ReportId, from: Option<u32>) -> Result<ChangeTable, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        self.change_table_in(uow.as_mut(), actor, report, from).await
    }

    pub(crate) async fn change_table_in(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        report: Report,
        from: Option<u32>,
    ) -> Result<ChangeTable, AppError> {
        let id = report.id;
        let numbers: Vec<u32> = uow.version_summaries(id).await?.iter().map(|v| v.number).collect();
        let latest = numbers.last().copied().unwrap_or(0);
        let from = from.unwrap_or(latest.saturating_sub(1).max(1));
        let to = from + 1;
        let old = uow.find_version(id, from).await?.ok_or(AppError::NotFound { what: "version" })?;
        let new = uow.find_version(id, to).await?.ok_or(AppError::NotFound { what: "version" })?;
        let directory = Directory::load(uow).await?;
        // The team's draft answers are the team's (and the secretariat's) until published.
        let comments: Vec<Comment> = crate::answers::as_seen_by(actor, &report, uow.comments_of_report(id).await?)
            .into_iter()
            .filter(|c| belongs_to_table(c, from))
            .collect();
        let placements: HashMap<CommentId, Option<BlockId>> = uow
            .placements_on(old.id)
            .await?
            .into_iter()
            .map(|p| (p.comment, p.anchor.map(|a| a.block)))
            .collect();
        let decided = uow.change_links(id, to).await?;
        let technical = uow.technical_edits(id, to).await?;
        // A comment linked by hand may lie outside the table (made on an older version).
        let mut outside: Vec<Comment> = Vec::new();
        for link in decided.iter().filter(|l| l.state == LinkState::Confirmed) {
            if !comments.iter().any(|c| c.id == link.comment) && !outside.iter().any(|c| c.id == link.comment) {
                outside.extend(uow.find_comment(link.comment).await?);
            }
        }

        let passages = changed_passages(&old.blocks, &new.blocks, &align(&contents(&old), &contents(&new)));
        let on_old: Vec<CommentOnOld<'_>> = comments
            .iter()
            .map(|c| {
                let block = match placements.get(&c.id) {
                    Some(block) => block.as_ref(),
                    None => c.anchor.as_ref().filter(|_| c.version_number == from).map(|a| &a.block),
                };
                CommentOnOld { comment: c, block }
            })
            .collect();
        let links = links_of(&passages, &on_old, &decided);
        let checks = check(&passages, &on_old, &links, &technical);
        let new_labels = citation_labels(new.blocks.iter().map(|b| &b.content));
        let old_labels = citation_labels(old.blocks.iter().map(|b| &b.content));
        let line_of = |id: CommentId| {
            comments.iter().chain(outside.iter()).find(|c| c.id == id).map(|c| comment_line(&directory, c))
        };
        let rows = passages
            .into_iter()
            .map(|passage| {
                let label = match (passage.new_indexes.first(), passage.old_index) {
                    (Some(&i), _) => new_labels.get(i).cloned(),
                    (None, Some(i)) => old_labels.get(i).cloned(),
                    (None, None) => None,
                };
                let comments = links
                    .iter()
                    .filter(|(p, _, _)| *p == passage.passage)
                    .filter_map(|(_, c, kind)| line_of(*c).map(|line| (line, *kind)))
                    .collect();
                ChangeRow { technical: technical.contains(&passage.passage), label, comments, passage }
            })
            .collect();
        let taken_in_unchanged = checks.taken_in_unchanged.iter().filter_map(|c| line_of(*c)).collect();
        let edit = Offer::by_role(authorize(actor, Action::EditChangeTable, report_resource(&report)).is_ok());
        Ok(ChangeTable {
            report,
            from,
            to,
            numbers,
            rows,
            checks,
            taken_in_unchanged,
            comments: comments.iter().map(|c| comment_line(&directory, c)).collect(),
            edit,
        })
    }

    /// The drafting team's decision in the change table that ends at
    /// version `to`: the passage must be one that changed there, and the
    /// comment one of the same report.
    pub async fn decide_change(
        &self,
        actor: &Actor,
        id: ReportId,
        to: u32,
        decision: ChangeDecision,
    ) -> Result<ChangeTable, AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::EditChangeTable, report_resource(&report))?;
        let from = to.checked_sub(1).filter(|n| *n >= 1).ok_or(AppError::NotFound { what: "version" })?;
        let old = uow.find_version(id, from).await?.ok_or(AppError::NotFound { what: "version" })?;
        let new = uow.find_version(id, to).await?.ok_or(AppError::NotFound { what: "version" })?;
        let passages = changed_passages(&old.blocks, &new.blocks, &align(&contents(&old), &contents(&new)));
        let passage = match &decision {
            ChangeDecision::Link { passage, .. }
            | ChangeDecision::Unlink { passage, .. }
            | ChangeDecision::Technical { passage, .. } => passage.clone(),
        };
        if !passages.iter().any(|p| p.passage == passage) {
            return Err(rule("passage", "err_passage_not_changed"));
        }
        let now = self.now();
        let details = match decision {
            ChangeDecision::Link { comment, .. } | ChangeDecision::Unlink { comment, .. } => {
                let found = uow.find_comment(comment).await?;
                let Some(found) = found.filter(|c| c.report == id) else {
                    return Err(rule("comment", "err_comment_of_another_report"));
                };
                if found.is_reply() || found.is_withdrawn() {
                    return Err(rule("comment", "err_comment_not_linkable"));
                }
                let state = if matches!(decision, ChangeDecision::Link { .. }) {
                    LinkState::Confirmed
                } else {
                    LinkState::Dismissed
                };
                uow.put_change_link(id, to, &ChangeLink { passage: passage.clone(), comment, state }, actor.user, now).await?;
                json!({ "to": to, "passage": passage, "comment": comment, "link": state.as_str() })
            }
            ChangeDecision::Technical { technical, .. } => {
                uow.set_technical_edit(id, to, &passage, technical, actor.user, now).await?;
                json!({ "to": to, "passage": passage, "technical": technical })
            }
        };
        let event = self.audit(Some(actor.user), "change_table.decided", "report", Some(id.as_uuid()), details);
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        self.change_table(actor, id, Some(from)).await
    }
}

// --- What is still disputed ---------------------------------------------------------

/// An answer the viewer speaks for, with their stance on it.
#[derive(Clone, Debug)]
pub struct AnswerToJudge {
    pub comment: CommentLine,
    pub stance: Option<StanceTaken>,
    /// Whether they may say (or change) their stance now, and if not why.
    pub judge: Offer,
}

/// A comment whose commenter still disagrees with the answer.
#[derive(Clone, Debug)]
pub struct DisputeLine {
    pub comment: CommentLine,
    pub reason: String,
    pub disagreed_by: String,
    pub disagreed_at: OffsetDateTime,
    pub decision: Option<DisputeDecision>,
}

/// The disputes of a report: the deadline, the answers the viewer may
/// judge, and the section "vấn đề còn ý kiến khác nhau" for the chair.
#[derive(Clone, Debug)]
pub struct Disputes {
    pub report: Report,
    pub deadline: Option<OffsetDateTime>,
    pub set_deadline: Offer,
    pub mine: Vec<AnswerToJudge>,
    pub disputed: Vec<DisputeLine>,
    /// Whether the viewer may record the decisions (the chair).
    pub decide: Offer,
    /// The meeting a decision recorded now is taken at: the latest one with
    /// the report on its agenda, held or planned.
    pub meeting: Option<(MeetingId, String)>,
}

/// A decision on a dispute, as the table of dispositions and the meeting's
/// conclusion show it.
#[derive(Clone, Debug)]
pub struct DecisionLine {
    pub report: ReportId,
    pub report_title: String,
    pub comment: CommentLine,
    pub reason: Option<String>,
    pub decision: DisputeDecision,
}

fn deadline_passed(deadline: Option<OffsetDateTime>, now: OffsetDateTime) -> Option<WhyNot> {
    deadline.filter(|d| now > *d).map(|d| WhyNot::DisputeClosed { on: d.date() })
}

fn dispute_problem(field: &'static str, problem: DisputeProblem) -> AppError {
    let key = match problem {
        DisputeProblem::NotAnswered => "err_answer_not_published",
        DisputeProblem::AfterDeadline => "err_dispute_deadline_passed",
        DisputeProblem::ReasonRequired => "err_disagreement_reason_required",
        DisputeProblem::NotTheCommenter => return AppError::Forbidden,
        DisputeProblem::NotDisputed => "err_not_disputed",
        DisputeProblem::DeadlineInPast => "err_dispute_deadline_in_past",
    };
    rule(field, key)
}

impl App {
    /// The disputes page's read model.
    pub async fn disputes(&self, actor: &Actor, id: ReportId) -> Result<Disputes, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let directory = Directory::load(uow.as_mut()).await?;
        let now = self.now();
        let deadline = uow.dispute_deadline(id).await?;
        let comments = uow.comments_of_report(id).await?;
        let stances: HashMap<CommentId, StanceTaken> =
            uow.stances_on(id).await?.into_iter().map(|s| (s.comment, s)).collect();
        let decisions: HashMap<CommentId, DisputeDecision> =
            uow.decisions_on(id).await?.into_iter().map(|d| (d.comment, d)).collect();
        let body = directory.body_id_of(actor.user);
        let closed = deadline_passed(deadline, now);
        let mine = comments
            .iter()
            .filter(|c| !c.is_reply() && !c.is_withdrawn() && c.answer_published() && speaks_for(c, actor.user, body))
            .map(|c| AnswerToJudge {
                comment: comment_line(&directory, c),
                stance: stances.get(&c.id).cloned(),
                judge: Offer::Yes.unless(closed.clone()),
            })
            .collect();
        let disputed = comments
            .iter()
            .filter_map(|c| {
                let stance = stances.get(&c.id).filter(|s| s.stance == Stance::Disagree)?;
                Some(DisputeLine {
                    comment: comment_line(&directory, c),
                    reason: stance.reason.as_ref().map(|r| r.as_str().to_owned()).unwrap_or_default(),
                    disagreed_by: directory.name(stance.by),
                    disagreed_at: stance.at,
                    decision: decisions.get(&c.id).cloned(),
                })
            })
            .collect();
        let meeting = self.meeting_of_report(uow.as_mut(), id).await?;
        Ok(Disputes {
            set_deadline: Offer::by_role(authorize(actor, Action::SetDisputeDeadline, report_resource(&report)).is_ok()),
            decide: Offer::by_role(authorize(actor, Action::DecideDispute, report_resource(&report)).is_ok()),
            report,
            deadline,
            mine,
            disputed,
            meeting,
        })
    }

    async fn meeting_of_report(&self, uow: &mut dyn UnitOfWork, id: ReportId) -> Result<Option<(MeetingId, String)>, AppError> {
        let meetings = uow.list_meetings().await?;
        Ok(meetings
            .into_iter()
            .filter(|m| m.status != MeetingStatus::Cancelled && m.agenda.iter().any(|a| a.report == Some(id)))
            .max_by_key(|m| m.starts_at)
            .map(|m| (m.id, m.title.to_string())))
    }

    /// The secretariat sets until when commenters may still disagree.
    pub async fn set_dispute_deadline(&self, actor: &Actor, id: ReportId, deadline: OffsetDateTime) -> Result<(), AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::SetDisputeDeadline, report_resource(&report))?;
        let now = self.now();
        if deadline < now {
            return Err(dispute_problem("deadline", DisputeProblem::DeadlineInPast));
        }
        uow.set_dispute_deadline(id, deadline, actor.user, now).await?;
        let event =
            self.audit(Some(actor.user), "dispute.deadline_set", "report", Some(id.as_uuid()), json!({ "deadline": deadline }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }

    /// A commenter (or a contact of the body it speaks for) agrees with the
    /// answer to a comment, or still disagrees with a reason.
    pub async fn take_stance(
        &self,
        actor: &Actor,
        id: CommentId,
        stance: Stance,
        reason: &str,
    ) -> Result<StanceTaken, AppError> {
        let reason = match reason.trim() {
            "" => None,
            text => Some(CommentText::parse(text).map_err(|e| AppError::invalid("reason", e))?),
        };
        let mut uow = self.store.begin().await?;
        let comment = uow.find_comment(id).await?.ok_or(AppError::NotFound { what: "comment" })?;
        let report = self.readable(uow.as_mut(), actor, comment.report).await?;
        let directory = Directory::load(uow.as_mut()).await?;
        if !speaks_for(&comment, actor.user, directory.body_id_of(actor.user)) {
            return Err(AppError::Forbidden);
        }
        let deadline = uow.dispute_deadline(report.id).await?;
        let taken = take_stance(&comment, comment.answer_published(), deadline, stance, reason, actor.user, self.now())
            .map_err(|e| dispute_problem("reason", e))?;
        uow.put_stance(report.id, &taken).await?;
        let event = self.audit(
            Some(actor.user),
            "dispute.stance_taken",
            "report",
            Some(report.id.as_uuid()),
            json!({ "comment": id, "stance": stance.as_str() }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(taken)
    }

    /// The chair records the decision on a comment still disputed, at the
    /// latest meeting with the report on its agenda.
    pub async fn decide_dispute(&self, actor: &Actor, id: CommentId, decision: &str) -> Result<DisputeDecision, AppError> {
        let mut uow = self.store.begin().await?;
        let comment = uow.find_comment(id).await?.ok_or(AppError::NotFound { what: "comment" })?;
        let report = self.readable(uow.as_mut(), actor, comment.report).await?;
        authorize(actor, Action::DecideDispute, report_resource(&report))?;
        let decision = CommentText::parse(decision).map_err(|e| AppError::invalid("decision", e))?;
        let stance = uow.stances_on(report.id).await?.into_iter().find(|s| s.comment == id);
        let meeting = self.meeting_of_report(uow.as_mut(), report.id).await?.map(|(m, _)| m);
        let decided =
            decide(stance.as_ref(), decision, meeting, actor.user, self.now()).map_err(|e| dispute_problem("decision", e))?;
        uow.put_decision(report.id, &decided).await?;
        let event = self.audit(
            Some(actor.user),
            "dispute.decided",
            "report",
            Some(report.id.as_uuid()),
            json!({ "comment": id, "meeting": meeting }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(decided)
    }

    /// The decisions on disputes taken at a meeting, for its conclusion.
    pub(crate) async fn decisions_at_meeting(
        &self,
        uow: &mut dyn UnitOfWork,
        meeting: MeetingId,
        directory: &Directory,
    ) -> Result<Vec<DecisionLine>, AppError> {
        let mut lines = Vec::new();
        for (report, decision) in uow.decisions_at(meeting).await? {
            let Some(comment) = uow.find_comment(decision.comment).await? else { continue };
            let title = uow.find_report(report).await?.map(|r| r.title.to_string()).unwrap_or_default();
            let reason = uow
                .stances_on(report)
                .await?
                .into_iter()
                .find(|s| s.comment == comment.id)
                .and_then(|s| s.reason.map(|r| r.as_str().to_owned()));
            lines.push(DecisionLine { report, report_title: title, comment: comment_line(directory, &comment), reason, decision });
        }
        Ok(lines)
    }
}
