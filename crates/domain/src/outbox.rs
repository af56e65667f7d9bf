//! Messages waiting for the notifier. A use case writes them in the same
//! unit of work as the change that causes them, so none is lost or invented.

use std::str::FromStr;

use time::{Duration, OffsetDateTime};

use crate::id::{OutboxMessageId, UserId};
use crate::notice::{Notice, NoticeKind, UnreadableNotice};
use crate::organisation::UnknownValue;

#[derive(Clone, Debug, PartialEq)]
pub struct OutboxMessage {
    pub id: OutboxMessageId,
    pub recipient: UserId,
    /// What to tell them. A use case always writes a [`Notice`]; a row
    /// written by another build of Gopy may be unreadable by this one.
    pub notice: Result<Notice, UnreadableNotice>,
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

impl OutboxMessage {
    /// The kind's stored name, readable or not.
    pub fn kind_name(&self) -> &str {
        match &self.notice {
            Ok(notice) => notice.kind().as_str(),
            Err(unreadable) => &unreadable.kind,
        }
    }

    pub fn kind(&self) -> Option<NoticeKind> {
        self.notice.as_ref().ok().map(Notice::kind)
    }

    /// The payload as stored; `null` for a row this build cannot read.
    pub fn payload(&self) -> serde_json::Value {
        self.notice.as_ref().map(Notice::payload).unwrap_or(serde_json::Value::Null)
    }
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
    fn statuses_and_deliveries_read_back_what_they_write() {
        for s in MailStatus::ALL {
            assert_eq!(s.as_str().parse::<MailStatus>(), Ok(*s));
        }
        for d in Delivery::ALL {
            assert_eq!(d.as_str().parse::<Delivery>(), Ok(*d));
        }
    }
}
