//! Whether a page may offer an action to its viewer now, and if not, why
//! not. Read models carry an [`Offer`] per action so that pages show a form
//! only where it works, and say why otherwise ("the round closed on
//! 03/12/2026") instead of letting the person type into a form that will be
//! refused.

use gopy_domain::{MeetingStatus, ReportStatus};
use time::Date;

/// One action, for one viewer, now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Offer {
    Yes,
    No(WhyNot),
}

/// Why an action is not offered. [`WhyNot::Role`] is not told: a page simply
/// leaves out what the viewer's role never allows. The others are told,
/// because the viewer could act at another time or on another version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WhyNot {
    /// The viewer's role does not allow it.
    Role,
    /// No round of comments is open on the report.
    NoOpenRound,
    /// The round of comments closed on this day.
    RoundClosed { on: Date },
    /// The version was approved as final on this day.
    Approved { on: Date },
    /// Only the latest version takes this; it is this number.
    NotLatest { latest: u32 },
    /// The report's state does not allow it.
    State(ReportStatus),
    /// The meeting's state does not allow it (held, its minutes approved,
    /// or cancelled).
    MeetingState(MeetingStatus),
    /// Every answer is published already: none waits as a draft.
    NothingToPublish,
    /// The deadline for disagreeing with the answers passed on this day.
    DisputeClosed { on: Date },
    /// No round of the report consults bodies: there is no body whose
    /// comments could be recorded.
    NoBodiesConsulted,
    /// A list of people to import has this many rows in error: none is stored.
    RowsInvalid { rows: usize },
    /// A list of people to import would change nobody.
    NothingToChange,
}

impl Offer {
    /// `Yes` when the role allows it, else `No(Role)`.
    pub fn by_role(allowed: bool) -> Self {
        if allowed { Self::Yes } else { Self::No(WhyNot::Role) }
    }

    pub fn is_yes(&self) -> bool {
        matches!(self, Self::Yes)
    }

    /// The reason worth telling the viewer, if any.
    pub fn why_not(&self) -> Option<&WhyNot> {
        match self {
            Self::No(WhyNot::Role) | Self::Yes => None,
            Self::No(why) => Some(why),
        }
    }

    /// Narrows an offer the role allows by a condition of time or state.
    pub fn unless(self, refusal: Option<WhyNot>) -> Self {
        match (self, refusal) {
            (Self::Yes, Some(why)) => Self::No(why),
            (offer, _) => offer,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_refusal_is_not_told_and_a_time_refusal_is() {
        assert_eq!(Offer::by_role(false).why_not(), None);
        let closed = WhyNot::RoundClosed { on: time::macros::date!(2026 - 12 - 03) };
        let offer = Offer::by_role(true).unless(Some(closed.clone()));
        assert!(!offer.is_yes());
        assert_eq!(offer.why_not(), Some(&closed));
        // The role's refusal stands whatever the time.
        assert_eq!(Offer::by_role(false).unless(Some(closed)), Offer::No(WhyNot::Role));
        assert!(Offer::by_role(true).unless(None).is_yes());
    }
}
