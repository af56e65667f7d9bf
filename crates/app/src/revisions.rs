//! What a change refused as stale lost to: the meeting, comment or report as the
//! writer sees it now. A refusal is decided inside a unit of work; on
//! SQLite that unit runs in the writer's open batch, where the change it
//! lost to may be released but not yet committed (its COMMIT follows within
//! milliseconds). Read through a read unit, the caller would be shown the
//! older state and would try again on it, to be refused again; read here,
//! through a unit of work that writes nothing and is dropped, it is shown
//! the state the refusal was decided against.

use std::future::Future;

use gopy_domain::{Action, Actor, Comment, CommentId, Meeting, MeetingId, ReportId, authorize};

use crate::rounds::ReportState;
use crate::{App, AppError};

/// How many times a change that named no revision is tried before it is
/// refused as stale after all: each loss means another change to the same
/// thing was stored meanwhile, so a change loses at most once to each of
/// the others made at the same moment; past ten such, the thing is too
/// busy to be changed blind and the person is told.
const ATTEMPTS: usize = 10;

/// Runs `attempt`, and again when it was refused as stale though the
/// person named no revision (`seen`): they asked for the change on the
/// thing as it is, and it is read afresh each time, its rules checked on
/// it. (On PostgreSQL two units may read the same revision; the second
/// to write finds it moved.) With a revision named, a refusal is final.
pub(crate) async fn again_unless_seen<T, F, Fut>(seen: Option<u32>, mut attempt: F) -> Result<T, AppError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    let mut left = ATTEMPTS;
    loop {
        match attempt().await {
            Err(AppError::Stale { .. }) if seen.is_none() && left > 1 => left -= 1,
            other => return other,
        }
    }
}

impl App {
    /// The meeting as the writer sees it, for a stale refusal's answer.
    pub async fn meeting_as_written(&self, actor: &Actor, id: MeetingId) -> Result<Meeting, AppError> {
        let mut uow = self.store.begin().await?;
        let meeting = uow.find_meeting(id).await?.ok_or(AppError::NotFound { what: "meeting" })?;
        authorize(actor, Action::ViewMeeting, crate::meetings::meeting_resource(&meeting))
            .map_err(|_| AppError::NotFound { what: "meeting" })?;
        Ok(meeting)
    }

    /// The comment as the writer sees it, for a stale refusal's answer.
    pub async fn comment_as_written(&self, actor: &Actor, id: CommentId) -> Result<Comment, AppError> {
        let mut uow = self.store.begin().await?;
        let comment = uow.find_comment(id).await?.ok_or(AppError::NotFound { what: "comment" })?;
        self.readable(uow.as_mut(), actor, comment.report).await?;
        Ok(comment)
    }

    /// The report's state and its latest round as the writer sees them,
    /// for a stale refusal's answer.
    pub async fn report_as_written(&self, actor: &Actor, id: ReportId) -> Result<ReportState, AppError> {
        let mut uow = self.store.begin().await?;
        let report = self.readable(uow.as_mut(), actor, id).await?;
        let round = uow.rounds_of(id).await?.pop();
        Ok(ReportState { report, round })
    }
}
