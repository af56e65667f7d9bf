//! The drafting team's answer desk: the comments of a report with their
//! draft answers, the groups of comments that say the same thing (Gopy
//! suggests, the team confirms or splits), answer templates applied to
//! many comments at once, and the lead's one step that publishes the
//! drafts and tells each commenter once.
//!
//! What is decided here about drafts: an answer is the team's draft until
//! published. The team and the secretariat see drafts everywhere (marked
//! as drafts on the desk); everyone else (the commenter, other members, a
//! consulted body, the API, the table of dispositions and its files, the
//! response register, search) sees an unpublished answer as no answer at
//! all. [`Comment::answer_published`] is the one place that says whether
//! an answer is published; [`sees_drafts`] says who sees drafts.

use std::collections::{BTreeMap, HashMap, HashSet};

use gopy_domain::answers::{
    AnswerTemplate, GroupCandidate, GroupProblem, TemplateName, TemplateProblem, TemplateText, TemplateValues, suggest_groups,
};
use gopy_domain::search::EntryKind;
use gopy_domain::{
    Action, Actor, AnswerTemplateId, AnswersPublishedV1, Comment, CommentGroupId, CommentId, DispositionKind, DispositionProblem,
    Notice, PublishedAnswerV1, Report, ReportId, UserId, authorize,
};
use serde_json::json;
use tracing::instrument;

use crate::reports::report_resource;
use crate::rounds::Gate;
use crate::{App, AppError, Directory, InvalidReason, Offer, UnitOfWork, WhyNot, new_id};

/// Whether `actor` sees the drafting team's draft answers on `report`.
pub fn sees_drafts(actor: &Actor, report: &Report) -> bool {
    authorize(actor, Action::ViewDraftAnswers, report_resource(report)).is_ok()
}

/// Comments as `actor` may see them: drafts left out for those who may not see them.
pub fn as_seen_by(actor: &Actor, report: &Report, comments: Vec<Comment>) -> Vec<Comment> {
    if sees_drafts(actor, report) {
        comments
    } else {
        comments.into_iter().map(Comment::as_seen_outside_the_team).collect()
    }
}

/// One comment on the desk, with the words a template is filled with.
#[derive(Clone, Debug)]
pub struct DeskComment {
    pub comment: Comment,
    /// Who commented: the body it speaks for, or the person.
    pub commenter: String,
    /// The body, when the comment speaks for one.
    pub body: Option<String>,
    /// The passage's citation label on the latest version; empty for the whole report.
    pub passage: String,
    /// Who answered it, when answered.
    pub answered_by: Option<String>,
}

impl DeskComment {
    /// What a template's placeholders become for this comment; `whole` is
    /// the words for a comment on the whole report.
    pub fn values(&self, whole: &str) -> TemplateValues {
        TemplateValues {
            commenter: self.commenter.clone(),
            version: self.comment.version_number.to_string(),
            passage: if self.passage.is_empty() { whole.to_owned() } else { self.passage.clone() },
        }
    }
}

/// A group of comments: suggested (no id yet) or confirmed.
#[derive(Clone, Debug)]
pub struct GroupModel {
    pub id: Option<CommentGroupId>,
    pub comments: Vec<CommentId>,
    /// How many bodies (or people speaking for themselves) it gathers.
    pub commenters: usize,
}

/// The answer desk of a report.
#[derive(Clone, Debug)]
pub struct AnswerDesk {
    pub report: Report,
    /// Every comment (not replies, not withdrawn), in the order of the
    /// latest version's passages, then the whole report's.
    pub comments: Vec<DeskComment>,
    pub suggested: Vec<GroupModel>,
    pub groups: Vec<GroupModel>,
    pub templates: Vec<AnswerTemplate>,
    /// Answers given and not yet published.
    pub drafts: usize,
    /// May answer, group and keep templates (the team), or why not.
    pub answer: Offer,
    /// May publish (the team's lead, with drafts to publish), or why not.
    pub publish: Offer,
}

impl AnswerDesk {
    pub fn comment(&self, id: CommentId) -> Option<&DeskComment> {
        self.comments.iter().find(|c| c.comment.id == id)
    }
}

/// One answer to save: from a template, edited or not, or typed.
#[derive(Clone, Debug)]
pub struct AnswerDraft {
    pub comment: CommentId,
    pub kind: DispositionKind,
    pub response: String,
}

/// What publishing did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub answers: usize,
    /// The people mailed, one notice each.
    pub commenters: usize,
}

impl App {
    /// The answer desk: for the drafting team and the secretariat.
    #[instrument(skip(self, actor), fields(user.id = %actor.user, report.id = %id))]
    pub async fn answer_desk(&self, actor: &Actor, id: ReportId) -> Result<AnswerDesk, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::ViewDraftAnswers, report_resource(&report))?;
        let desk = self.desk_in(uow.as_mut(), actor, report).await?;
        Ok(desk)
    }

    async fn desk_in(&self, uow: &mut dyn UnitOfWork, actor: &Actor, report: Report) -> Result<AnswerDesk, AppError> {
        let version = uow.version_summaries(report.id).await?.pop();
        let comments = uow.comments_of_report(report.id).await?;
        let (placements, labels) = match &version {
            Some(v) => (uow.placements_on(v.id).await?, uow.block_labels(v.id).await?),
            None => (Vec::new(), Vec::new()),
        };
        let people = Directory::load(uow).await?;
        let templates = uow.answer_templates(report.committee).await?;
        let resource = report_resource(&report);
        let answers_closed = self.gate(uow, &report, Gate::Answer).await.err().map(|_| match &report.approval {
            Some(a) => WhyNot::Approved { on: crate::reports::local_date(a.at) },
            None => WhyNot::State(report.status),
        });
        let answer = Offer::by_role(authorize(actor, Action::AnswerComment, resource).is_ok()).unless(answers_closed.clone());

        let position: HashMap<&gopy_domain::document::BlockId, (usize, &str)> =
            labels.iter().enumerate().map(|(i, (b, l))| (b, (i, l.as_str()))).collect();
        let placed: HashMap<CommentId, &gopy_domain::CommentPlacement> = placements.iter().map(|p| (p.comment, p)).collect();
        let mut desk: Vec<((u8, usize, usize), DeskComment)> = comments
            .into_iter()
            .filter(|c| !c.is_reply() && !c.is_withdrawn())
            .map(|comment| {
                let anchor = placed.get(&comment.id).and_then(|p| p.anchor.as_ref());
                let (key, passage) = match anchor {
                    Some(a) => {
                        let (at, label) = position.get(&a.block).copied().unwrap_or((usize::MAX, ""));
                        ((0, at, a.span.as_ref().map_or(0, |s| s.start)), label.to_owned())
                    }
                    None => ((1, 0, 0), String::new()),
                };
                let body = comment.on_behalf_of.and_then(|b| people.body_name(b));
                let commenter = body.clone().unwrap_or_else(|| people.name(comment.author));
                let answered_by = comment.disposition.as_ref().map(|d| people.name(d.decided_by));
                (key, DeskComment { comment, commenter, body, passage, answered_by })
            })
            .collect();
        desk.sort_by_key(|(key, _)| *key);
        let comments: Vec<DeskComment> = desk.into_iter().map(|(_, c)| c).collect();

        // Suggestions among the comments still awaiting an answer and in no group.
        let open: Vec<&DeskComment> = comments.iter().filter(|c| c.comment.awaits_answer() && c.comment.group.is_none()).collect();
        let anchors: Vec<_> = open.iter().map(|c| placed.get(&c.comment.id).and_then(|p| p.anchor.as_ref())).collect();
        let candidates: Vec<GroupCandidate<'_>> = open
            .iter()
            .zip(&anchors)
            .map(|(c, anchor)| GroupCandidate {
                comment: c.comment.id,
                block: anchor.map(|a| &a.block),
                span: anchor.and_then(|a| a.span.as_ref()).map(|s| (s.start, s.end)),
                text: c.comment.body.as_str(),
            })
            .collect();
        let by_id: HashMap<CommentId, &DeskComment> = comments.iter().map(|c| (c.comment.id, c)).collect();
        let commenters = |ids: &[CommentId]| ids.iter().filter_map(|id| by_id.get(id)).map(|c| c.commenter.as_str()).collect::<HashSet<_>>().len();
        let suggested = suggest_groups(&candidates)
            .into_iter()
            .map(|ids| GroupModel { id: None, commenters: commenters(&ids), comments: ids })
            .collect();
        let mut confirmed: BTreeMap<usize, (CommentGroupId, Vec<CommentId>)> = BTreeMap::new();
        let mut first: HashMap<CommentGroupId, usize> = HashMap::new();
        for (i, c) in comments.iter().enumerate() {
            if let Some(group) = c.comment.group {
                let at = *first.entry(group).or_insert(i);
                confirmed.entry(at).or_insert_with(|| (group, Vec::new())).1.push(c.comment.id);
            }
        }
        let groups =
            confirmed.into_values().map(|(id, ids)| GroupModel { id: Some(id), commenters: commenters(&ids), comments: ids }).collect();
        let drafts = comments.iter().filter(|c| c.comment.disposition.is_some() && !c.comment.answer_published()).count();
        let publish = Offer::by_role(authorize(actor, Action::PublishAnswers, resource).is_ok())
            .unless(answers_closed)
            .unless((drafts == 0).then_some(WhyNot::NothingToPublish));
        Ok(AnswerDesk { report, comments, suggested, groups, templates, drafts, answer, publish })
    }

    /// Confirms a group of comments that say the same thing, to be
    /// answered once. A comment already in another group moves to this one.
    #[instrument(skip(self, actor, comments), fields(user.id = %actor.user, report.id = %id))]
    pub async fn confirm_group(&self, actor: &Actor, id: ReportId, comments: &[CommentId]) -> Result<CommentGroupId, AppError> {
        let unique: Vec<CommentId> = comments.iter().copied().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        let mut uow = self.store.begin().await?;
        let report = self.team_report(uow.as_mut(), actor, id).await?;
        if unique.len() < 2 {
            return Err(group_refused(GroupProblem::TooFew));
        }
        let group = CommentGroupId::from_uuid(new_id());
        let mut members = Vec::with_capacity(unique.len());
        for cid in &unique {
            let comment = uow.find_comment(*cid).await?.ok_or(AppError::invalid("comments", InvalidReason::Missing))?;
            if comment.report != report.id {
                return Err(group_refused(GroupProblem::AcrossReports));
            }
            if comment.is_reply() || comment.is_withdrawn() {
                return Err(group_refused(GroupProblem::NotAComment));
            }
            members.push(comment);
        }
        for mut comment in members {
            comment.group = Some(group);
            uow.update_comment(&mut comment).await?;
        }
        let event = self.audit(Some(actor.user), "answers.grouped", "report", Some(id.as_uuid()), json!({ "group": group, "comments": unique }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(group)
    }

    /// Takes `comments` out of a group (the team splits it); a group left
    /// with one comment is no group, and that one leaves it too.
    #[instrument(skip(self, actor, comments), fields(user.id = %actor.user, report.id = %id))]
    pub async fn split_group(&self, actor: &Actor, id: ReportId, group: CommentGroupId, comments: &[CommentId]) -> Result<usize, AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.team_report(uow.as_mut(), actor, id).await?;
        let members: Vec<Comment> = uow.comments_of_report(report.id).await?.into_iter().filter(|c| c.group == Some(group)).collect();
        if members.is_empty() {
            return Err(AppError::NotFound { what: "group" });
        }
        if comments.is_empty() || comments.iter().any(|c| !members.iter().any(|m| m.id == *c)) {
            return Err(AppError::invalid("comments", InvalidReason::Missing));
        }
        let staying = members.iter().filter(|m| !comments.contains(&m.id)).count();
        let mut left = 0;
        for mut comment in members {
            if comments.contains(&comment.id) || staying < 2 {
                comment.group = None;
                uow.update_comment(&mut comment).await?;
                left += 1;
            }
        }
        let event = self.audit(Some(actor.user), "answers.group_split", "report", Some(id.as_uuid()), json!({ "group": group, "comments": comments }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(left)
    }

    /// Answers every comment of a group at once: each keeps its own row,
    /// author and body, and gets the same answer, as a draft.
    #[instrument(skip(self, actor, response), fields(user.id = %actor.user, report.id = %id))]
    pub async fn answer_group(
        &self,
        actor: &Actor,
        id: ReportId,
        group: CommentGroupId,
        kind: DispositionKind,
        response: &str,
    ) -> Result<usize, AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.team_report(uow.as_mut(), actor, id).await?;
        let members: Vec<CommentId> =
            uow.comments_of_report(report.id).await?.into_iter().filter(|c| c.group == Some(group)).map(|c| c.id).collect();
        if members.is_empty() {
            return Err(AppError::NotFound { what: "group" });
        }
        let drafts: Vec<AnswerDraft> =
            members.iter().map(|c| AnswerDraft { comment: *c, kind, response: response.to_owned() }).collect();
        let n = self.save_answers_in(uow.as_mut(), actor, &report, &drafts, "response").await?;
        let event = self.audit(
            Some(actor.user),
            "answers.group_answered",
            "report",
            Some(id.as_uuid()),
            json!({ "group": group, "comments": members, "disposition": kind }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(n)
    }

    /// Saves many answers at once (a template applied and edited): all or
    /// none. Each stays a draft until published.
    #[instrument(skip(self, actor, drafts), fields(user.id = %actor.user, report.id = %id))]
    pub async fn save_answers(&self, actor: &Actor, id: ReportId, drafts: &[AnswerDraft]) -> Result<usize, AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.team_report(uow.as_mut(), actor, id).await?;
        if drafts.is_empty() {
            return Err(AppError::invalid("comments", InvalidReason::Rule("err_no_comments_chosen".into())));
        }
        let n = self.save_answers_in(uow.as_mut(), actor, &report, drafts, "answers").await?;
        let comments: Vec<CommentId> = drafts.iter().map(|d| d.comment).collect();
        let event = self.audit(Some(actor.user), "answers.saved", "report", Some(id.as_uuid()), json!({ "comments": comments }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(n)
    }

    async fn save_answers_in(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        report: &Report,
        drafts: &[AnswerDraft],
        field: crate::Field,
    ) -> Result<usize, AppError> {
        let now = self.now();
        for draft in drafts {
            let response = match draft.response.trim() {
                "" => None,
                text => Some(gopy_domain::CommentText::parse(text).map_err(|e| AppError::invalid(field, e))?),
            };
            let mut comment = uow.find_comment(draft.comment).await?.ok_or(AppError::invalid("comments", InvalidReason::Missing))?;
            if comment.report != report.id {
                return Err(AppError::invalid("comments", InvalidReason::Missing));
            }
            comment.answer(draft.kind, response, None, actor.user, now).map_err(|e| disposition_refused(field, e))?;
            uow.update_comment(&mut comment).await?;
            // A draft is not searchable: the index holds published answers only.
            uow.forget_comment(comment.id, EntryKind::Answer).await?;
        }
        Ok(drafts.len())
    }

    /// A template applied to chosen comments, filled in for each, for the
    /// team to edit before saving. Nothing is written.
    pub async fn apply_template(
        &self,
        actor: &Actor,
        id: ReportId,
        template: AnswerTemplateId,
        comments: &[CommentId],
        whole_report: &str,
    ) -> Result<(AnswerDesk, AnswerTemplate, Vec<AnswerDraft>), AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::AnswerComment, report_resource(&report))?;
        if comments.is_empty() {
            return Err(AppError::invalid("comments", InvalidReason::Rule("err_no_comments_chosen".into())));
        }
        let desk = self.desk_in(uow.as_mut(), actor, report).await?;
        let template = desk
            .templates
            .iter()
            .find(|t| t.id == template)
            .cloned()
            .ok_or(AppError::invalid("template", InvalidReason::Missing))?;
        let drafts = comments
            .iter()
            .map(|c| {
                let on_desk = desk.comment(*c).ok_or(AppError::invalid("comments", InvalidReason::Missing))?;
                Ok(AnswerDraft { comment: *c, kind: template.kind, response: template.text.fill(&on_desk.values(whole_report)) })
            })
            .collect::<Result<Vec<_>, AppError>>()?;
        Ok((desk, template, drafts))
    }

    /// A new answer template for the report's committee.
    pub async fn create_answer_template(
        &self,
        actor: &Actor,
        id: ReportId,
        name: &str,
        kind: DispositionKind,
        text: &str,
    ) -> Result<AnswerTemplate, AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.team_report(uow.as_mut(), actor, id).await?;
        // The name is checked first, as the form reads top to bottom.
        let name = TemplateName::parse(name).map_err(|e| AppError::invalid("name", e))?;
        let text = TemplateText::parse(text).map_err(|e| AppError::invalid("text", template_refused(e)))?;
        let template = AnswerTemplate {
            id: AnswerTemplateId::from_uuid(new_id()),
            committee: report.committee,
            name,
            kind,
            text,
            created_by: actor.user,
            created_at: self.now(),
        };
        uow.insert_answer_template(&template).await?;
        let event = self.audit(
            Some(actor.user),
            "answers.template_created",
            "report",
            Some(id.as_uuid()),
            json!({ "template": template.id, "committee": report.committee }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(template)
    }

    pub async fn delete_answer_template(&self, actor: &Actor, id: ReportId, template: AnswerTemplateId) -> Result<(), AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.team_report(uow.as_mut(), actor, id).await?;
        if !uow.delete_answer_template(report.committee, template).await? {
            return Err(AppError::NotFound { what: "template" });
        }
        let event = self.audit(Some(actor.user), "answers.template_deleted", "report", Some(id.as_uuid()), json!({ "template": template }));
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }

    /// Publishes every draft answer of the report in one step: each answer
    /// is marked published and indexed for search, and each commenter gets
    /// one notice listing all of their answers. Nothing to publish is refused.
    #[instrument(skip(self, actor), fields(user.id = %actor.user, report.id = %id))]
    pub async fn publish_answers(&self, actor: &Actor, id: ReportId) -> Result<Published, AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::PublishAnswers, report_resource(&report))?;
        self.gate(uow.as_mut(), &report, Gate::Answer).await?;
        let version = uow.version_summaries(report.id).await?.pop();
        let labels = match &version {
            Some(v) => uow.block_labels(v.id).await?,
            None => Vec::new(),
        };
        let placements = match &version {
            Some(v) => uow.placements_on(v.id).await?,
            None => Vec::new(),
        };
        let label_of: HashMap<_, _> = labels.into_iter().collect();
        let block_of: HashMap<CommentId, _> =
            placements.into_iter().filter_map(|p| p.anchor.map(|a| (p.comment, a.block))).collect();
        let drafts: Vec<Comment> = uow
            .comments_of_report(report.id)
            .await?
            .into_iter()
            .filter(|c| !c.is_reply() && !c.is_withdrawn() && c.disposition.is_some() && !c.answer_published())
            .collect();
        if drafts.is_empty() {
            return Err(AppError::invalid("answers", InvalidReason::Rule("err_nothing_to_publish".into())));
        }
        let now = self.now();
        let mut by_commenter: BTreeMap<UserId, Vec<PublishedAnswerV1>> = BTreeMap::new();
        for mut comment in drafts.iter().cloned() {
            if let Some(d) = comment.disposition.as_mut() {
                d.published_at = Some(now);
            }
            uow.update_comment(&mut comment).await?;
            self.index_comment(uow.as_mut(), &report, &comment, EntryKind::Answer).await?;
            let Some(d) = comment.disposition.as_ref() else { continue };
            by_commenter.entry(comment.author).or_default().push(PublishedAnswerV1 {
                comment: comment.id,
                version: comment.version_number,
                passage: block_of.get(&comment.id).and_then(|b| label_of.get(b)).cloned().unwrap_or_default(),
                comment_text: comment.body.to_string(),
                disposition: d.kind.as_str().to_owned(),
                accepted: d.kind == DispositionKind::Accepted,
                partly_accepted: d.kind == DispositionKind::PartlyAccepted,
                explained: d.kind == DispositionKind::Explained,
                response: d.response.as_ref().map(ToString::to_string),
            });
        }
        let commenters = by_commenter.len();
        let notices: Vec<_> = by_commenter
            .into_iter()
            .map(|(recipient, answers)| {
                let payload = AnswersPublishedV1 { report: report.id, report_title: report.title.to_string(), answers };
                self.outbox_message(recipient, Notice::AnswersPublished(payload))
            })
            .collect();
        uow.enqueue_all(&notices).await?;
        let ids: Vec<CommentId> = drafts.iter().map(|c| c.id).collect();
        let event = self.audit(
            Some(actor.user),
            "answers.published",
            "report",
            Some(id.as_uuid()),
            json!({ "comments": ids, "commenters": commenters }),
        );
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(Published { answers: drafts.len(), commenters })
    }

    /// The report, when `actor` is on its drafting team and answers are open.
    async fn team_report(&self, uow: &mut dyn UnitOfWork, actor: &Actor, id: ReportId) -> Result<Report, AppError> {
        let report = self.readable(uow, actor, id).await?;
        authorize(actor, Action::AnswerComment, report_resource(&report))?;
        self.gate(uow, &report, Gate::Answer).await?;
        Ok(report)
    }
}

fn group_refused(problem: GroupProblem) -> AppError {
    let key = match problem {
        GroupProblem::TooFew => "err_group_too_few",
        GroupProblem::AcrossReports => "err_group_across_reports",
        GroupProblem::NotAComment => "err_group_not_a_comment",
    };
    AppError::invalid("comments", InvalidReason::Rule(key.into()))
}

fn template_refused(problem: TemplateProblem) -> InvalidReason {
    match problem {
        TemplateProblem::Text(e) => InvalidReason::Text(e),
        other => InvalidReason::Template(other),
    }
}

pub(crate) fn disposition_refused(field: crate::Field, e: DispositionProblem) -> AppError {
    let key = match e {
        DispositionProblem::ResponseRequired => "err_response_required",
        DispositionProblem::NotAComment => "err_reply_no_disposition",
        DispositionProblem::Withdrawn => "err_withdrawn_no_disposition",
    };
    AppError::invalid(field, InvalidReason::Rule(key.into()))
}
