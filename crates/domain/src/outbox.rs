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

/// The hour of the person's morning at which the daily digest goes out.
pub const DAILY_DIGEST_HOUR: u8 = 7;

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

    /// When a notice written at `created_at` is to go out under this choice
    /// for a person whose zone is `zone` (an offset from UTC): hourly
    /// digests at the next full hour, daily ones at the next 07:00 in the
    /// person's zone (00:00 UTC in Hà Nội), so everything a person gets in
    /// one slot travels in one mail. `None` for at once (its own due time)
    /// and off.
    pub fn slot(self, created_at: OffsetDateTime, zone: time::UtcOffset) -> Option<OffsetDateTime> {
        let local = created_at.to_offset(zone);
        let hour_start = local.replace_minute(0).ok()?.replace_second(0).ok()?.replace_nanosecond(0).ok()?;
        let slot = match self {
            Self::Hourly => hour_start + Duration::hours(1),
            Self::Daily => {
                let seven = hour_start.replace_hour(DAILY_DIGEST_HOUR).ok()?;
                if seven > local { seven } else { seven + Duration::days(1) }
            }
            Self::AtOnce | Self::Off => return None,
        };
        Some(slot.to_offset(time::UtcOffset::UTC))
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
    fn digests_go_out_at_the_next_hour_or_the_next_morning_in_the_persons_zone() {
        let hanoi = time::UtcOffset::from_hms(7, 0, 0).expect("an offset");
        let at = datetime!(2023-06-27 01:20:30 UTC);
        assert_eq!(Delivery::Hourly.slot(at, hanoi), Some(datetime!(2023-06-27 02:00 UTC)));
        // 08:20 in Hà Nội: the next 07:00 there is tomorrow's.
        assert_eq!(Delivery::Daily.slot(at, hanoi), Some(datetime!(2023-06-28 00:00 UTC)));
        // 06:20 in Hà Nội: this morning's 07:00 is still to come.
        assert_eq!(Delivery::Daily.slot(datetime!(2023-06-26 23:20 UTC), hanoi), Some(datetime!(2023-06-27 00:00 UTC)));
        // 01:20 in UTC: 07:00 UTC the same day.
        assert_eq!(Delivery::Daily.slot(at, time::UtcOffset::UTC), Some(datetime!(2023-06-27 07:00 UTC)));
        // Tokyo, 10:20: tomorrow 07:00 there, 22:00 UTC today.
        let tokyo = time::UtcOffset::from_hms(9, 0, 0).expect("an offset");
        assert_eq!(Delivery::Daily.slot(at, tokyo), Some(datetime!(2023-06-27 22:00 UTC)));
        assert_eq!(Delivery::AtOnce.slot(at, hanoi), None);
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
