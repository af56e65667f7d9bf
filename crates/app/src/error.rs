//! What a use case can refuse, in terms the web layer maps to a status, a
//! stable code and a message in the user's language.

use gopy_documents::ImportError;
use gopy_domain::{Denied, LinkProblem, MeetingProblem, PasswordProblem, TeamProblem, TextError, Throttled};

use crate::StoreError;

/// The input field a validation error belongs to, so a form can show the
/// message next to what the person typed.
pub type Field = &'static str;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{field} {reason}")]
    Invalid { field: Field, reason: InvalidReason },
    #[error("{what} already exists")]
    Conflict { what: &'static str },
    #[error("{what} not found")]
    NotFound { what: &'static str },
    /// The authorization function said no.
    #[error("not allowed")]
    Forbidden,
    /// Wrong email or password; deliberately not saying which.
    #[error("the email or the password is not right")]
    BadCredentials,
    #[error(transparent)]
    Throttled(#[from] Throttled),
    #[error(transparent)]
    Link(#[from] LinkProblem),
    /// The report's state does not allow it now: comments after the round
    /// closed, a version while a round is open, anything once approved.
    #[error("{what} are closed while the report is {state:?}")]
    Closed { what: &'static str, state: gopy_domain::ReportStatus },
    /// A step the report's life does not allow now, or a submission with
    /// comments unanswered.
    #[error(transparent)]
    Step(gopy_domain::workflow::StepRefused),
    /// Someone else changed it since the person read it (the revision they
    /// name, or the one read in the same unit of work, is not the current
    /// one): refused, so that neither change undoes the other unseen.
    #[error("the {what} was changed since it was read")]
    Stale { what: &'static str },
    #[error(transparent)]
    Store(StoreError),
}

impl From<Denied> for AppError {
    fn from(_: Denied) -> Self {
        Self::Forbidden
    }
}

/// Why a field's value was refused.
#[derive(Debug, thiserror::Error)]
pub enum InvalidReason {
    #[error(transparent)]
    Text(#[from] TextError),
    #[error(transparent)]
    Password(#[from] PasswordProblem),
    /// Taking the admin role from the only admin would lock everyone out.
    #[error("the last admin must stay an admin")]
    LastAdmin,
    /// Nothing was chosen, or what was chosen does not exist.
    #[error("must be chosen from what exists")]
    Missing,
    #[error(transparent)]
    Team(#[from] TeamProblem),
    /// An uploaded or written document could not be read.
    #[error(transparent)]
    Import(#[from] ImportError),
    /// A list of people that could not be read (not its rows: those are checked one by one).
    #[error(transparent)]
    Sheet(#[from] gopy_documents::SheetError),
    /// A meeting's rule: it ends after it starts, its minutes are not
    /// edited once approved, and so on.
    #[error(transparent)]
    Meeting(#[from] MeetingProblem),
    /// A rule of the domain; the text is the key of its message in the
    /// page catalogues (or, for older rules, the message itself).
    #[error(transparent)]
    Template(gopy_domain::answers::TemplateProblem),
    #[error("{0}")]
    Rule(String),
}

impl AppError {
    pub fn invalid(field: Field, reason: impl Into<InvalidReason>) -> Self {
        Self::Invalid { field, reason: reason.into() }
    }

    /// Maps a store conflict to the thing the person tried to create twice.
    pub(crate) fn from_store(err: StoreError, what_conflicts: &'static str) -> Self {
        match err {
            StoreError::Conflict { .. } => Self::Conflict { what: what_conflicts },
            other => Self::from(other),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Stale { what } => Self::Stale { what },
            other => Self::Store(other),
        }
    }
}

impl AppError {
    /// Refuses a change asked on a reading older than `current`: `seen` is
    /// the revision the person saw (a form's hidden field, an `If-Match`).
    pub fn check_seen(what: &'static str, seen: Option<u32>, current: u32) -> Result<(), Self> {
        match seen {
            Some(seen) if seen != current => Err(Self::Stale { what }),
            _ => Ok(()),
        }
    }
}
