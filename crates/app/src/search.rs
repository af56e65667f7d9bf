//! Searching what a person may see: passages of versions (the latest by
//! default), comments and answers; and keeping the index, in the same unit
//! of work as the text it indexes.

use gopy_domain::search::{Entry, EntryKind, Query, QueryProblem};
use gopy_domain::{Actor, Comment, Report, UserId, Version};
use std::collections::HashMap;

use time::OffsetDateTime;

use crate::ports::SearchFilter;
use crate::{App, AppError, InvalidReason, UnitOfWork};

/// What to search, beyond the query.
#[derive(Clone, Debug, Default)]
pub struct SearchRequest {
    pub query: String,
    pub kinds: Vec<EntryKind>,
    pub report: Option<gopy_domain::ReportId>,
    pub meeting: Option<gopy_domain::MeetingId>,
    pub author: Option<UserId>,
    pub from: Option<OffsetDateTime>,
    pub until: Option<OffsetDateTime>,
    pub all_versions: bool,
}

/// One hit: the entry, how well it matched, and the stretches to highlight
/// (character offsets into its text).
#[derive(Clone, Debug)]
pub struct Hit {
    pub entry: Entry,
    /// The title of the report or meeting it is from, so a hit says where
    /// it was found.
    pub source: Option<String>,
    pub score: u32,
    pub highlights: Vec<(usize, usize)>,
}

/// How many candidates are ranked, and how many hits are shown.
const CANDIDATES: u64 = 2_000;
const SHOWN: usize = 50;

impl App {
    pub async fn search(&self, actor: &Actor, request: SearchRequest) -> Result<Vec<Hit>, AppError> {
        let query = Query::parse(&request.query).map_err(|e| {
            let key = match e {
                QueryProblem::Empty => "err_query_empty",
                QueryProblem::TooLong { .. } => "err_query_long",
            };
            AppError::invalid("q", InvalidReason::Rule(key.into()))
        })?;
        let filter = SearchFilter {
            needles: query.needles().map(str::to_owned).collect(),
            committees: (!actor.organises()).then(|| actor.memberships.iter().map(|(c, _)| *c).collect()),
            // A consulted body's people read the draft and comment for the
            // body: they find it as its drafting team does.
            reports: actor.drafting.iter().map(|(r, _)| *r).chain(actor.consulted.iter().copied()).collect(),
            kinds: request.kinds,
            report: request.report,
            meeting: request.meeting.map(|m| m.as_uuid()),
            author: request.author,
            from: request.from,
            until: request.until,
            all_versions: request.all_versions,
            limit: CANDIDATES,
        };
        let mut uow = self.store.begin_read().await?;
        let found = uow.search(&filter).await?;
        let mut hits: Vec<Hit> = found
            .into_iter()
            .map(|(entry, folded)| {
                let score = query.score(&folded);
                let highlights = query.highlights(&entry.text);
                Hit { entry, source: None, score, highlights }
            })
            .filter(|h| h.score > 0)
            .collect();
        // Best first; among equals, the newest.
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(b.entry.at.cmp(&a.entry.at)));
        hits.truncate(SHOWN);
        // The titles of the few reports and meetings the shown hits are from.
        let mut titles: HashMap<uuid::Uuid, Option<String>> = HashMap::new();
        for hit in &mut hits {
            let (id, report) = match (hit.entry.report, hit.entry.meeting) {
                (Some(report), _) => (report.as_uuid(), true),
                (None, Some(meeting)) => (meeting, false),
                (None, None) => continue,
            };
            if !titles.contains_key(&id) {
                let title = if report {
                    uow.find_report(gopy_domain::ReportId::from_uuid(id)).await?.map(|r| r.title.to_string())
                } else {
                    uow.find_meeting(gopy_domain::MeetingId::from_uuid(id)).await?.map(|m| m.title.to_string())
                };
                titles.insert(id, title);
            }
            hit.source = titles.get(&id).cloned().flatten();
        }
        Ok(hits)
    }

    /// Indexes a new version's passages as the latest ones.
    pub(crate) async fn index_version(&self, uow: &mut dyn UnitOfWork, report: &Report, version: &Version) -> Result<(), AppError> {
        uow.retire_passages(report.id).await?;
        let entries: Vec<Entry> = version
            .blocks
            .iter()
            .map(|b| Entry {
                kind: EntryKind::Passage,
                committee: report.committee,
                report: Some(report.id),
                meeting: None,
                version: Some(version.number),
                latest: true,
                block: Some(b.id.to_string()),
                comment: None,
                author: Some(version.created_by),
                at: version.created_at,
                text: b.content.plain_text(),
            })
            .collect();
        uow.index(&entries).await?;
        Ok(())
    }

    /// Indexes a meeting's minutes (each opinion), conclusion and action
    /// items, replacing what was indexed of it.
    pub(crate) async fn index_meeting(&self, uow: &mut dyn UnitOfWork, meeting: &gopy_domain::Meeting) -> Result<(), AppError> {
        uow.forget_meeting(meeting.id.as_uuid()).await?;
        let entry = |kind, author: Option<UserId>, at, text: String| Entry {
            kind,
            committee: meeting.committee,
            report: None,
            meeting: Some(meeting.id.as_uuid()),
            version: None,
            latest: true,
            block: None,
            comment: None,
            author,
            at,
            text,
        };
        let mut entries: Vec<Entry> = meeting
            .minutes
            .iter()
            .map(|m| entry(EntryKind::Minutes, Some(m.speaker), m.recorded_at, m.summary.to_string()))
            .collect();
        if let Some(conclusion) = &meeting.conclusion {
            entries.push(entry(EntryKind::Conclusion, Some(conclusion.written_by), conclusion.written_at, conclusion.text.to_string()));
            for action in &meeting.actions {
                entries.push(entry(EntryKind::Conclusion, Some(conclusion.written_by), conclusion.written_at, action.text.to_string()));
            }
        }
        uow.index(&entries).await?;
        Ok(())
    }

    /// Indexes a comment's text, or its answer's, replacing what was there.
    pub(crate) async fn index_comment(
        &self,
        uow: &mut dyn UnitOfWork,
        report: &Report,
        comment: &Comment,
        kind: EntryKind,
    ) -> Result<(), AppError> {
        uow.forget_comment(comment.id, kind).await?;
        self.index_new_comment(uow, report, comment, kind).await
    }

    /// Indexes a comment that has no entries yet: one statement, no clearing.
    pub(crate) async fn index_new_comment(
        &self,
        uow: &mut dyn UnitOfWork,
        report: &Report,
        comment: &Comment,
        kind: EntryKind,
    ) -> Result<(), AppError> {
        let (text, author, at) = match kind {
            EntryKind::Answer => match comment.disposition.as_ref() {
                Some(d) => (d.response.as_ref().map(ToString::to_string), Some(d.decided_by), d.decided_at),
                None => (None, None, comment.created_at),
            },
            _ => (Some(comment.body.to_string()), Some(comment.author), comment.edited_at.unwrap_or(comment.created_at)),
        };
        let Some(text) = text else { return Ok(()) };
        let entry = Entry {
            kind,
            committee: report.committee,
            report: Some(report.id),
            meeting: None,
            version: Some(comment.version_number),
            latest: true,
            block: comment.anchor.as_ref().map(|a| a.block.to_string()),
            comment: Some(comment.parent.unwrap_or(comment.id)),
            author,
            at,
            text,
        };
        uow.index(&[entry]).await?;
        Ok(())
    }
}
