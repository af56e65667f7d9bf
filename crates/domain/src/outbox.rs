//! Messages waiting for the notifier. A use case writes them in the same
//! unit of work as the change that causes them, so none is lost or invented.

use std::str::FromStr;

use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::id::{OutboxMessageId, UserId};
use crate::organisation::UnknownValue;

#[derive(Clone, Debug, PartialEq)]
pub struct OutboxMessage {
    pub id: OutboxMessageId,
    /// What happened, e.g. `invitation`; picks the mail template.
    pub kind: String,
    pub recipient: UserId,
    /// What the template needs.
    pub payload: Value,
    pub created_at: OffsetDateTime,
    /// Not to be sent before this (digests and back-off move it).
    pub due_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

/// Where a row of the outbox stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MailStatus {
    /// Waiting to be sent, or to be tried again.
    Pending,
    Sent,
    /// Given up on after the configured number of attempts; an admin may resend.
    Failed,
    /// Not sent because its recipient turned this kind of notice off.
    Skipped,
}

impl MailStatus {
    pub const ALL: &'static [MailStatus] = &[Self::Pending, Self::Sent, Self::Failed, Self::Skipped];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

impl FromStr for MailStatus {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| UnknownValue::new("mail status", s))
    }
}

/// How a person wants one kind of notice: each as it happens, gathered
/// hourly or daily, or not at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Delivery {
    #[default]
    AtOnce,
    Hourly,
    Daily,
    Off,
}

impl Delivery {
    pub const ALL: &'static [Delivery] = &[Self::AtOnce, Self::Hourly, Self::Daily, Self::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AtOnce => "at_once",
            Self::Hourly => "hourly",
            Self::Daily => "daily",
            Self::Off => "off",
        }
    }

    /// When a notice written at `created_at` is to go out under this choice:
    /// hourly digests at the next full hour, daily ones at the next 07:00 in
    /// Hà Nội (00:00 UTC), so everything a person gets in one slot travels
    /// in one mail. `None` for at once (its own due time) and off.
    pub fn slot(self, created_at: OffsetDateTime) -> Option<OffsetDateTime> {
        let utc = created_at.to_offset(time::UtcOffset::UTC);
        let hour_start = utc.replace_minute(0).ok()?.replace_second(0).ok()?.replace_nanosecond(0).ok()?;
        match self {
            Self::Hourly => Some(hour_start + Duration::hours(1)),
            Self::Daily => Some(hour_start.replace_hour(0).ok()? + Duration::days(1)),
            Self::AtOnce | Self::Off => None,
        }
    }
}

impl FromStr for Delivery {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| UnknownValue::new("delivery", s))
    }
}

/// The kinds of notice a person may choose a [`Delivery`] for.
pub const CHOOSABLE_KINDS: &[&str] = &[
    "comment.posted",
    "comment.replied",
    "comment.answered",
    "round.opened",
    "report.submitted",
    "report.approved",
    "report.returned",
    "reminder.round_closing",
    "reminder.action_due",
    "reminder.action_overdue",
    "reminder.action_escalated",
    "reminder.answers_owed",
];

/// Kinds that are always sent at once, whatever the person chose: without
/// the first two nobody could sign in; a meeting's invitation, update and
/// cancellation are its convocation (giấy mời), and a calendar that missed
/// an update would show the old time or place, which is worse than none.
/// They also travel alone, never in a digest, so their `.ics` is read.
pub const ALWAYS_SENT_KINDS: &[&str] =
    &["invitation", "password_reset", "meeting.invited", "meeting.updated", "meeting.cancelled"];

/// How `kind` reaches someone who chose `chosen` for it.
pub fn delivery_for(kind: &str, chosen: Option<Delivery>) -> Delivery {
    if ALWAYS_SENT_KINDS.contains(&kind) { Delivery::AtOnce } else { chosen.unwrap_or_default() }
}

/// An outbox row with what the notifier did with it, for admins.
#[derive(Clone, Debug, PartialEq)]
pub struct MailRecord {
    pub message: OutboxMessage,
    pub status: MailStatus,
    pub attempts: u32,
    /// Why the last attempt failed, in words safe to show an admin.
    pub last_error: Option<String>,
    /// The Message-ID of the mail that carried it.
    pub message_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn digests_go_out_at_the_next_hour_or_the_next_morning() {
        let at = datetime!(2023-06-27 01:20:30 UTC);
        assert_eq!(Delivery::Hourly.slot(at), Some(datetime!(2023-06-27 02:00 UTC)));
        assert_eq!(Delivery::Daily.slot(at), Some(datetime!(2023-06-28 00:00 UTC)));
        assert_eq!(Delivery::AtOnce.slot(at), None);
    }

    #[test]
    fn invitations_and_resets_are_sent_whatever_was_chosen() {
        assert_eq!(delivery_for("invitation", Some(Delivery::Off)), Delivery::AtOnce);
        assert_eq!(delivery_for("password_reset", Some(Delivery::Daily)), Delivery::AtOnce);
        assert_eq!(delivery_for("comment.posted", Some(Delivery::Off)), Delivery::Off);
        assert_eq!(delivery_for("comment.posted", None), Delivery::AtOnce);
    }

    #[test]
    fn statuses_and_deliveries_read_back_what_they_write() {
        for s in MailStatus::ALL {
            assert_eq!(s.as_str().parse::<MailStatus>(), Ok(*s));
        }
        for d in Delivery::ALL {
            assert_eq!(d.as_str().parse::<Delivery>(), Ok(*d));
        }
    }
}
