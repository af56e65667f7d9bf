//! What a change refused as stale lost to: the meeting or comment as the
//! writer sees it now. A refusal is decided inside a unit of work; on
//! SQLite that unit runs in the writer's open batch, where the change it
//! lost to may be released but not yet committed (its COMMIT follows within
//! milliseconds). Read through a read unit, the caller would be shown the
//! older state and would try again on it, to be refused again; read here,
//! through a unit of work that writes nothing and is dropped, it is shown
//! the state the refusal was decided against.

use gopy_domain::{Action, Actor, Comment, CommentId, Meeting, MeetingId, authorize};

use crate::{App, AppError};

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
}
