//! Consulting bodies in a review round: the bodies picked when the round
//! opens and the request mail to their people; a body's reply recorded by
//! the secretariat (a letter with its comments, "no comment / agree"); the
//! silent bodies deemed to agree at the deadline (by the worker, once); and
//! the response register of a round, as its page, JSON and exports read it.
//!
//! A body's people are the active users whose body it is: the
//! organisation already says who works where, so no second list of
//! "contact people" has to be kept in step with it.

use gopy_domain::consultation::{
    Answer, AnswerKind, BodyStanding, Consultation, ConsultedBody, LetterNumber, RegisterSummary, ReplyLetter, register,
    summarise,
};
use gopy_domain::text::Name;
use gopy_domain::workflow::Round;
use gopy_domain::{Action, Actor, BodyId, ConsultationRequestedV1, LetterId, Notice, Report, ReportId, ReportStatus, authorize};
use serde_json::json;
use time::{Date, OffsetDateTime};
use tracing::instrument;

use crate::comments::NewComment;
use crate::reports::report_resource;
use crate::{App, AppError, Directory, InvalidReason, Offer, StoreError, UnitOfWork, WhyNot, new_id};

/// The bodies a new round consults.
#[derive(Clone, Debug, Default)]
pub struct ConsultRequest {
    pub bodies: Vec<BodyId>,
    /// A body silent at the deadline is recorded as agreeing.
    pub silence_agrees: bool,
}

/// An official letter to record, with the comments it makes.
#[derive(Clone, Debug)]
pub struct NewLetter {
    pub body: String,
    pub number: String,
    pub signed_on: Option<Date>,
    pub signer: String,
    /// The scanned or Word file, kept with the letter.
    pub file: Option<(String, Vec<u8>)>,
    /// The letter's comments, each on the whole report (a comment form
    /// brings anchored ones: see [`App::import_comment_form`]).
    pub comments: Vec<String>,
}

/// One consulted body in the register, its name resolved.
#[derive(Clone, Debug)]
pub struct RegisterRow {
    pub name: String,
    pub standing: BodyStanding,
    /// How many of its people got the request by mail.
    pub people: usize,
    pub letters: Vec<ReplyLetter>,
}

/// The response register of a round.
#[derive(Clone, Debug)]
pub struct ConsultationRegister {
    pub report: Report,
    pub round: Round,
    pub silence_agrees: bool,
    pub deemed_at: Option<OffsetDateTime>,
    pub rows: Vec<RegisterRow>,
    pub summary: RegisterSummary,
    /// Names of bodies, for the summary's lists.
    pub names: Vec<(BodyId, String)>,
    /// Recording a reply (letter, form, "no comment").
    pub record: Offer,
}

impl ConsultationRegister {
    pub fn name_of(&self, body: BodyId) -> String {
        self.names.iter().find(|(b, _)| *b == body).map(|(_, n)| n.clone()).unwrap_or_default()
    }
}

impl App {
    /// Stores the consultation of a round being opened and puts the
    /// request mail to each consulted body's people in the outbox: in the
    /// unit of work that opens the round.
    pub(crate) async fn consult_in(
        &self,
        uow: &mut dyn UnitOfWork,
        report: &Report,
        round: &Round,
        request: &ConsultRequest,
    ) -> Result<(), AppError> {
        let mut picked: Vec<BodyId> = Vec::new();
        for body in &request.bodies {
            if !picked.contains(body) {
                picked.push(*body);
            }
        }
        if picked.is_empty() {
            return Ok(());
        }
        let directory = Directory::load(uow).await?;
        if picked.iter().any(|b| directory.body(*b).is_none()) {
            return Err(AppError::invalid("bodies", InvalidReason::Missing));
        }
        let consultation = Consultation {
            round: round.id,
            silence_agrees: request.silence_agrees,
            deemed_at: None,
            bodies: picked.iter().map(|&body| ConsultedBody { body, answer: None }).collect(),
        };
        uow.insert_consultation(&consultation).await?;
        for user in directory.users().filter(|u| u.active) {
            let Some(body) = user.body.filter(|b| picked.contains(b)) else { continue };
            let (weekday, deadline) =
                crate::reminders::deadline_words(round.deadline, &user.time_zone, user.language, true);
            let payload = ConsultationRequestedV1 {
                report: report.id,
                report_title: report.title.to_string(),
                round: round.number,
                body,
                body_name: directory.body_name(body).unwrap_or_default(),
                weekday,
                deadline,
                silence_agrees: request.silence_agrees,
            };
            uow.enqueue(&self.outbox_message(user.id, Notice::ConsultationRequested(payload))).await?;
        }
        Ok(())
    }

    /// The latest round of `report` that consults bodies, with its consultation.
    pub(crate) async fn consulting_round(
        &self,
        uow: &mut dyn UnitOfWork,
        report: ReportId,
    ) -> Result<Option<(Round, Consultation)>, AppError> {
        for round in uow.rounds_of(report).await?.into_iter().rev() {
            if let Some(consultation) = uow.consultation_of(round.id).await? {
                return Ok(Some((round, consultation)));
            }
        }
        Ok(None)
    }

    /// The report, may the actor record bodies' replies on it, and the
    /// consulted body named by `raw`.
    async fn recording_for(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        id: ReportId,
        raw: &str,
    ) -> Result<(Report, Round, Consultation, BodyId), AppError> {
        let report = self.readable(uow, actor, id).await?;
        authorize(actor, Action::ManageRounds, report_resource(&report))?;
        if report.status == ReportStatus::Approved {
            return Err(AppError::Closed { what: "answers", state: report.status });
        }
        let (round, consultation) =
            self.consulting_round(uow, id).await?.ok_or(AppError::NotFound { what: "consultation" })?;
        let body: BodyId = raw.trim().parse().map_err(|_| AppError::invalid("body", InvalidReason::Missing))?;
        if !consultation.consults(body) {
            return Err(AppError::invalid("body", InvalidReason::Rule("err_body_not_consulted".into())));
        }
        Ok((report, round, consultation, body))
    }

    /// Records that a consulted body answered "no comment / agree".
    #[instrument(skip(self, actor), fields(user.id = %actor.user, report.id = %id))]
    pub async fn record_no_comment(&self, actor: &Actor, id: ReportId, body: &str) -> Result<(), AppError> {
        let mut uow = self.store.begin().await?;
        let (_, round, _, body) = self.recording_for(uow.as_mut(), actor, id, body).await?;
        let answer = Answer { kind: AnswerKind::NoComment, at: self.now(), by: Some(actor.user) };
        if !uow.set_answer(round.id, body, &answer).await? {
            return Err(AppError::invalid("body", InvalidReason::Rule("err_body_answered".into())));
        }
        let details = json!({ "round": round.number, "body": body, "answer": AnswerKind::NoComment });
        let event = self.audit(Some(actor.user), "consultation.answered", "report", Some(id.as_uuid()), details);
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(())
    }

    /// Records a body's official letter, its file and its comments on the
    /// body's behalf, all or nothing.
    #[instrument(skip(self, actor, letter), fields(user.id = %actor.user, report.id = %id))]
    pub async fn record_letter(&self, actor: &Actor, id: ReportId, letter: NewLetter) -> Result<ReplyLetter, AppError> {
        let mut uow = self.store.begin().await?;
        let (report, round, _, body) = self.recording_for(uow.as_mut(), actor, id, &letter.body).await?;
        let recorded = self.letter_in(uow.as_mut(), actor, &report, &round, body, &letter).await?;
        for text in letter.comments.iter().filter(|t| !t.trim().is_empty()) {
            let comment = NewComment {
                version: round.version,
                anchor: crate::comments::NewAnchor::default(),
                body: text.clone(),
                on_behalf_of: None,
                at_meeting: false,
            };
            // The letter form's comments box, not the body picked, is at fault.
            self.post_comment_for(uow.as_mut(), actor, id, comment, Some(body)).await.map_err(|e| match e {
                AppError::Invalid { field: "body", reason } => AppError::Invalid { field: "comments", reason },
                other => other,
            })?;
        }
        uow.commit().await?;
        Ok(recorded)
    }

    /// Checks and stores a letter inside the caller's unit of work.
    pub(crate) async fn letter_in(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        report: &Report,
        round: &Round,
        body: BodyId,
        letter: &NewLetter,
    ) -> Result<ReplyLetter, AppError> {
        let number = LetterNumber::parse(&letter.number).map_err(|e| AppError::invalid("number", e))?;
        let signer = Name::parse(&letter.signer).map_err(|e| AppError::invalid("signer", e))?;
        let signed_on = letter.signed_on.ok_or(AppError::invalid("signed_on", InvalidReason::Missing))?;
        if uow.letter_numbered(body, number.as_str()).await? {
            return Err(AppError::invalid("number", InvalidReason::Rule("err_letter_recorded".into())));
        }
        let recorded = ReplyLetter {
            id: LetterId::from_uuid(new_id()),
            round: round.id,
            body,
            number,
            signed_on,
            signer,
            file_name: letter.file.as_ref().map(|(name, _)| name.clone()),
            recorded_by: actor.user,
            recorded_at: self.now(),
        };
        match uow.insert_letter(&recorded, letter.file.as_ref().map(|(_, bytes)| bytes.as_slice())).await {
            Err(StoreError::Conflict { .. }) => {
                return Err(AppError::invalid("number", InvalidReason::Rule("err_letter_recorded".into())));
            }
            other => other?,
        }
        let details = json!({ "round": round.number, "body": body, "letter": recorded.id, "number": recorded.number });
        let event = self.audit(Some(actor.user), "consultation.letter", "report", Some(report.id.as_uuid()), details);
        uow.record_audit_event(&event).await?;
        Ok(recorded)
    }

    /// A letter's kept file, for whoever may read the register.
    pub async fn letter_file(&self, actor: &Actor, id: ReportId, letter: LetterId) -> Result<(String, Vec<u8>), AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::ManageRounds, report_resource(&report)).map_err(|_| AppError::NotFound { what: "letter" })?;
        let Some((found, Some(bytes))) = uow.letter_file(letter).await? else { return Err(AppError::NotFound { what: "letter" }) };
        let rounds = uow.rounds_of(id).await?;
        if !rounds.iter().any(|r| r.id == found.round) {
            return Err(AppError::NotFound { what: "letter" });
        }
        Ok((found.file_name.unwrap_or_else(|| format!("{}.bin", found.number)), bytes))
    }

    /// Records the silent bodies of every round whose deadline has passed,
    /// where silence is agreement, as deemed to agree: once per round
    /// (run by the worker; a second worker finds nothing left to do).
    /// Returns how many bodies were recorded.
    pub async fn deem_silent_bodies(&self) -> Result<usize, AppError> {
        let now = self.now();
        let mut uow = self.store.begin().await?;
        let mut deemed = 0;
        for (report, round) in uow.rounds_due_for_deeming(now).await? {
            if !uow.mark_deemed(round.id, now).await? {
                continue;
            }
            let Some(consultation) = uow.consultation_of(round.id).await? else { continue };
            let comments = uow.comments_of_report(report).await?;
            let letters = uow.letters_of(round.id).await?;
            let standings = register(&consultation, round.deadline, round.version, &letters, &comments, now);
            let mut bodies = Vec::new();
            for standing in standings.iter().filter(|s| s.reply.is_none()) {
                // Deemed at the deadline, not when the worker came by.
                let answer = Answer { kind: AnswerKind::Deemed, at: round.deadline, by: None };
                if uow.set_answer(round.id, standing.body, &answer).await? {
                    bodies.push(standing.body);
                    deemed += 1;
                }
            }
            let details = json!({ "round": round.number, "deemed": bodies });
            let event = self.audit(None, "consultation.deemed", "report", Some(report.as_uuid()), details);
            uow.record_audit_event(&event).await?;
        }
        uow.commit().await?;
        Ok(deemed)
    }

    /// The response register of the report's latest consulting round:
    /// `None` when no round consulted bodies.
    pub async fn consultation_register(&self, actor: &Actor, id: ReportId) -> Result<Option<ConsultationRegister>, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        self.register_in(uow.as_mut(), actor, report).await
    }

    pub(crate) async fn register_in(
        &self,
        uow: &mut dyn UnitOfWork,
        actor: &Actor,
        report: Report,
    ) -> Result<Option<ConsultationRegister>, AppError> {
        let Some((round, mut consultation)) = self.consulting_round(uow, report.id).await? else { return Ok(None) };
        let directory = Directory::load(uow).await?;
        // Bodies in Vietnamese order of name, in every list of the register.
        consultation.bodies.sort_by_key(|b| gopy_domain::collation_key(&directory.body_name(b.body).unwrap_or_default()));
        let comments = uow.comments_of_report(report.id).await?;
        let letters = uow.letters_of(round.id).await?;
        let now = self.now();
        let standings = register(&consultation, round.deadline, round.version, &letters, &comments, now);
        let summary = summarise(&standings);
        let name = |b: BodyId| directory.body_name(b).unwrap_or_default();
        let rows: Vec<RegisterRow> = standings
            .into_iter()
            .map(|standing| {
                let body = standing.body;
                RegisterRow {
                    name: name(body),
                    people: directory.users().filter(|u| u.active && u.body == Some(body)).count(),
                    letters: letters.iter().filter(|l| l.body == body).cloned().collect(),
                    standing,
                }
            })
            .collect();
        let names = consultation.bodies.iter().map(|b| (b.body, name(b.body))).collect();
        let record = Offer::by_role(authorize(actor, Action::ManageRounds, report_resource(&report)).is_ok())
            .unless((report.status == ReportStatus::Approved).then_some(WhyNot::State(report.status)));
        Ok(Some(ConsultationRegister {
            silence_agrees: consultation.silence_agrees,
            deemed_at: consultation.deemed_at,
            report,
            round,
            rows,
            summary,
            names,
            record,
        }))
    }
}

// --- The comment form (phiếu góp ý) ------------------------------------------------

/// The id of a comment form's row for the whole report.
pub const WHOLE_REPORT_ROW: &str = "toan-van";

/// What a body's comment form holds, for the web layer to write in the
/// reader's language.
#[derive(Clone, Debug)]
pub struct CommentFormModel {
    pub report: Report,
    pub round: Round,
    pub body: BodyId,
    pub body_name: String,
    pub ids: gopy_documents::FormIds,
    /// The whole report first, then every passage of the round's version.
    pub passages: Vec<gopy_documents::FormPassage>,
}

/// Why a whole uploaded form cannot be taken.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormProblem {
    /// Not a comment form Gopy made, or damaged.
    NotAForm,
    Unreadable(gopy_documents::ImportError),
    /// A form of another report.
    OtherReport,
    /// A form of another round of this report.
    OtherRound,
    /// A form made for a body this round does not consult.
    NotConsulted,
    /// A newer version has been made since the round's: its passages moved.
    NewerVersion,
}

/// What becomes of one row of an uploaded form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowState {
    /// Becomes a comment.
    New,
    /// Left empty: nothing to add.
    Empty,
    /// The same comment of this body on this passage is already recorded
    /// (the file was uploaded before): nothing added again.
    AlreadyRecorded,
    /// The row names no passage of this report's version.
    UnknownPassage,
    /// The comment is not acceptable text (too long, control characters).
    Invalid(gopy_domain::TextError),
}

/// One row as the preview shows it.
#[derive(Clone, Debug)]
pub struct PreviewRow {
    pub number: usize,
    pub label: String,
    pub comment: String,
    pub state: RowState,
    block: Option<String>,
}

/// An uploaded form checked against the round, before anything is stored.
#[derive(Clone, Debug)]
pub struct FormPreview {
    pub problem: Option<FormProblem>,
    pub body: Option<(BodyId, String)>,
    pub rows: Vec<PreviewRow>,
}

impl FormPreview {
    /// How many comments importing it would add.
    pub fn to_add(&self) -> usize {
        self.rows.iter().filter(|r| r.state == RowState::New).count()
    }

    /// Whether anything would stop the import: a problem with the file or a row.
    pub fn blocked(&self) -> bool {
        self.problem.is_some() || self.rows.iter().any(|r| matches!(r.state, RowState::UnknownPassage | RowState::Invalid(_)))
    }
}

/// The letter that came with a form, if the secretariat records one.
#[derive(Clone, Debug, Default)]
pub struct FormLetter {
    pub number: String,
    pub signed_on: Option<Date>,
    pub signer: String,
}

impl App {
    /// A body's comment form for the report's consulting round: for the
    /// secretariat, and for the body's own people.
    pub async fn body_comment_form(&self, actor: &Actor, id: ReportId, body: BodyId) -> Result<CommentFormModel, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let (round, consultation) =
            self.consulting_round(uow.as_mut(), id).await?.ok_or(AppError::NotFound { what: "consultation" })?;
        if !consultation.consults(body) {
            return Err(AppError::NotFound { what: "body" });
        }
        if authorize(actor, Action::ManageRounds, report_resource(&report)).is_err() {
            let own = uow.find_user(actor.user).await?.and_then(|u| u.body);
            if own != Some(body) {
                return Err(AppError::NotFound { what: "body" });
            }
        }
        let version = uow.find_version(id, round.version).await?.ok_or(AppError::NotFound { what: "version" })?;
        let labels = uow.block_labels(version.id).await?;
        let directory = Directory::load(uow.as_mut()).await?;
        let mut passages = vec![gopy_documents::FormPassage {
            id: WHOLE_REPORT_ROW.to_owned(),
            label: String::new(),
            text: String::new(),
        }];
        for block in &version.blocks {
            let label = labels.iter().find(|(b, _)| *b == block.id).map(|(_, l)| l.clone()).unwrap_or_default();
            passages.push(gopy_documents::FormPassage { id: block.id.to_string(), label, text: block.content.plain_text() });
        }
        Ok(CommentFormModel {
            ids: gopy_documents::FormIds {
                report: report.id.to_string(),
                round: round.id.to_string(),
                body: body.to_string(),
                version: round.version,
            },
            body_name: directory.body_name(body).unwrap_or_default(),
            report,
            round,
            body,
            passages,
        })
    }

    /// Checks an uploaded form against the round and says what each row
    /// would become; stores nothing.
    pub async fn preview_comment_form(
        &self,
        actor: &Actor,
        id: ReportId,
        bytes: &[u8],
        limits: &gopy_documents::ImportLimits,
    ) -> Result<FormPreview, AppError> {
        let mut uow = self.store.begin_read().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::ManageRounds, report_resource(&report))?;
        // Who may not upload learns nothing of what the upload needs.
        if bytes.is_empty() {
            return Err(AppError::invalid("file", InvalidReason::Rule("err_form_file_missing".into())));
        }
        Ok(self.check_form(uow.as_mut(), &report, bytes, limits).await?.0)
    }

    /// Each new row of an uploaded form becomes a comment anchored on its
    /// passage, on the body's behalf, with the letter that came with it if
    /// one is given: all or nothing, and nothing at all if any row or the
    /// file is wrong. Rows already recorded are not added again. Returns
    /// how many comments were added.
    #[instrument(skip(self, actor, bytes, letter, limits), fields(user.id = %actor.user, report.id = %id))]
    pub async fn import_comment_form(
        &self,
        actor: &Actor,
        id: ReportId,
        bytes: &[u8],
        file_name: &str,
        letter: FormLetter,
        limits: &gopy_documents::ImportLimits,
    ) -> Result<usize, AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        authorize(actor, Action::ManageRounds, report_resource(&report))?;
        if bytes.is_empty() {
            return Err(AppError::invalid("file", InvalidReason::Rule("err_form_file_missing".into())));
        }
        let (preview, round) = self.check_form(uow.as_mut(), &report, bytes, limits).await?;
        let (Some(round), Some((body, _)), false) = (round, preview.body.clone(), preview.blocked()) else {
            return Err(AppError::invalid("file", InvalidReason::Rule("err_form_has_errors".into())));
        };
        if !letter.number.trim().is_empty() {
            let new = NewLetter {
                body: body.to_string(),
                number: letter.number,
                signed_on: letter.signed_on,
                signer: letter.signer,
                file: Some((file_name.to_owned(), bytes.to_vec())),
                comments: Vec::new(),
            };
            self.letter_in(uow.as_mut(), actor, &report, &round, body, &new).await?;
        }
        let mut added = 0;
        for row in preview.rows.iter().filter(|r| r.state == RowState::New) {
            let anchor = crate::comments::NewAnchor { block: row.block.clone(), ..Default::default() };
            let comment = NewComment { version: round.version, anchor, body: row.comment.clone(), on_behalf_of: None, at_meeting: false };
            self.post_comment_for(uow.as_mut(), actor, id, comment, Some(body)).await?;
            added += 1;
        }
        let details = json!({ "round": round.number, "body": body, "comments": added });
        let event = self.audit(Some(actor.user), "consultation.form", "report", Some(id.as_uuid()), details);
        uow.record_audit_event(&event).await?;
        uow.commit().await?;
        Ok(added)
    }

    /// The form read and checked: the preview, and the round when the file
    /// is this round's form.
    async fn check_form(
        &self,
        uow: &mut dyn UnitOfWork,
        report: &Report,
        bytes: &[u8],
        limits: &gopy_documents::ImportLimits,
    ) -> Result<(FormPreview, Option<Round>), AppError> {
        let refused = |problem| Ok((FormPreview { problem: Some(problem), body: None, rows: Vec::new() }, None));
        let form = match gopy_documents::read_comment_form(bytes, limits) {
            Ok(form) => form,
            Err(gopy_documents::FormError::NotAForm) => return refused(FormProblem::NotAForm),
            Err(gopy_documents::FormError::Import(error)) => return refused(FormProblem::Unreadable(error)),
        };
        if form.ids.report != report.id.to_string() {
            return refused(FormProblem::OtherReport);
        }
        let Some((round, consultation)) = self.consulting_round(uow, report.id).await? else {
            return refused(FormProblem::OtherRound);
        };
        if form.ids.round != round.id.to_string() || form.ids.version != round.version {
            return refused(FormProblem::OtherRound);
        }
        let Some(body) = form.ids.body.parse::<BodyId>().ok().filter(|b| consultation.consults(*b)) else {
            return refused(FormProblem::NotConsulted);
        };
        let directory = Directory::load(uow).await?;
        let named = Some((body, directory.body_name(body).unwrap_or_default()));
        let latest = uow.latest_version_block(report.id, None).await?.map(|l| l.number);
        if latest != Some(round.version) {
            return Ok((FormPreview { problem: Some(FormProblem::NewerVersion), body: named, rows: Vec::new() }, None));
        }
        let version = uow.find_version(report.id, round.version).await?.ok_or(AppError::NotFound { what: "version" })?;
        let labels = uow.block_labels(version.id).await?;
        let theirs: Vec<(Option<String>, String)> = uow
            .comments_of_report(report.id)
            .await?
            .into_iter()
            .filter(|c| c.on_behalf_of == Some(body) && !c.is_reply() && c.withdrawn_at.is_none())
            .map(|c| (c.anchor.map(|a| a.block.to_string()), c.body.to_string()))
            .collect();
        let mut seen: Vec<(Option<String>, String)> = Vec::new();
        let rows = form
            .rows
            .into_iter()
            .map(|row| {
                let block = (row.id != WHOLE_REPORT_ROW).then(|| row.id.clone());
                let known = block.as_ref().is_none_or(|b| version.blocks.iter().any(|v| v.id.to_string() == *b));
                let label = match &block {
                    Some(b) => labels.iter().find(|(id, _)| id.to_string() == *b).map_or(row.label.clone(), |(_, l)| l.clone()),
                    None => row.label.clone(),
                };
                let state = if row.comment.trim().is_empty() {
                    RowState::Empty
                } else if !known {
                    RowState::UnknownPassage
                } else {
                    match gopy_domain::CommentText::parse(&row.comment) {
                        Err(e) => RowState::Invalid(e),
                        Ok(text) => {
                            let key = (block.clone(), text.to_string());
                            if theirs.contains(&key) || seen.contains(&key) {
                                RowState::AlreadyRecorded
                            } else {
                                seen.push(key);
                                RowState::New
                            }
                        }
                    }
                };
                PreviewRow { number: row.number, label, comment: row.comment, state, block }
            })
            .collect();
        Ok((FormPreview { problem: None, body: named, rows }, Some(round)))
    }
}
