//! Signing in: sessions, personal access tokens, single-use links, the
//! password rule and sign-in throttling. The secrets themselves never appear
//! here; the store keeps only their hashes.

use time::{Duration, OffsetDateTime};

use crate::id::{AccessTokenId, AccountLinkId, SessionId, UserId};
use crate::text::Name;

/// How long a session lasts without signing in again.
pub const SESSION_LIFETIME: Duration = Duration::days(14);
/// How long an invitation link stays valid.
pub const INVITATION_LIFETIME: Duration = Duration::days(7);
/// How long a password-reset link stays valid.
pub const PASSWORD_RESET_LIFETIME: Duration = Duration::hours(24);

/// A browser session, revocable at any time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user: UserId,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
    /// The browser, as it described itself at sign-in, to tell sessions apart.
    pub user_agent: Option<String>,
    pub address: Option<String>,
}

impl Session {
    pub fn is_live(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A personal access token, used as `Authorization: Bearer …` on the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessToken {
    pub id: AccessTokenId,
    pub user: UserId,
    pub name: Name,
    pub created_at: OffsetDateTime,
    pub last_used_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
}

/// What a single-use link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkPurpose {
    Invitation,
    PasswordReset,
}

impl LinkPurpose {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Invitation => "invitation",
            Self::PasswordReset => "password_reset",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Invitation, Self::PasswordReset].into_iter().find(|p| p.as_str() == raw)
    }

    pub fn lifetime(self) -> Duration {
        match self {
            Self::Invitation => INVITATION_LIFETIME,
            Self::PasswordReset => PASSWORD_RESET_LIFETIME,
        }
    }
}

/// A single-use, expiring link that lets a person set a password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountLink {
    pub id: AccountLinkId,
    pub user: UserId,
    pub purpose: LinkPurpose,
    pub created_by: Option<UserId>,
    pub created_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
    pub used_at: Option<OffsetDateTime>,
}

/// Why a link cannot be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LinkProblem {
    #[error("the link is not known")]
    Unknown,
    #[error("the link has expired")]
    Expired,
    #[error("the link has been used already")]
    Used,
}

impl AccountLink {
    pub fn check(&self, now: OffsetDateTime) -> Result<(), LinkProblem> {
        if self.used_at.is_some() {
            Err(LinkProblem::Used)
        } else if now >= self.expires_at {
            Err(LinkProblem::Expired)
        } else {
            Ok(())
        }
    }
}

/// The password rule, said in full to the person choosing one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    #[error("a password needs at least {min} characters", min = MIN_PASSWORD_CHARS)]
    TooShort,
    #[error("a password may have at most {max} characters", max = MAX_PASSWORD_CHARS)]
    TooLong,
    #[error("a password must not contain the email address or be one character repeated")]
    TooGuessable,
    /// The current password, asked for before changing it, is not right.
    #[error("the current password is not right")]
    Wrong,
}

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 200;

/// Length is what makes a password strong; the rule asks for that, and
/// refuses the guesses an attacker tries first.
pub fn check_password(password: &str, email: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lowered = password.to_lowercase();
    let local_part = email.split('@').next().unwrap_or_default();
    let one_repeated = password.chars().all(|c| password.starts_with(c));
    if one_repeated || (local_part.chars().count() >= 4 && lowered.contains(local_part)) {
        return Err(PasswordProblem::TooGuessable);
    }
    Ok(())
}

/// Failed sign-ins counted within this window...
pub const THROTTLE_WINDOW: Duration = Duration::minutes(15);
/// ...stop further tries for the account after this many...
pub const MAX_FAILURES_PER_ACCOUNT: u64 = 10;
/// ...and from one network address after this many (several people may sit
/// behind one office address, so it is higher).
pub const MAX_FAILURES_PER_ADDRESS: u64 = 30;

/// Sign-in is paused for an account or an address that failed too often.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("too many failed sign-ins; try again in {minutes} minutes")]
pub struct Throttled {
    pub minutes: i64,
}

/// Whether one more try may be made, given the failures in the window.
pub fn sign_in_allowed(failures_for_account: u64, failures_for_address: u64) -> Result<(), Throttled> {
    if failures_for_account >= MAX_FAILURES_PER_ACCOUNT || failures_for_address >= MAX_FAILURES_PER_ADDRESS {
        Err(Throttled { minutes: THROTTLE_WINDOW.whole_minutes() })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_rule_asks_for_length_and_refuses_obvious_guesses() {
        assert_eq!(check_password("ngắn quá", "an@tinhuy.vn"), Err(PasswordProblem::TooShort));
        assert_eq!(check_password("aaaaaaaaaaaaaa", "an@tinhuy.vn"), Err(PasswordProblem::TooGuessable));
        assert_eq!(check_password("nguyenvanan2023", "nguyenvanan@tinhuy.vn"), Err(PasswordProblem::TooGuessable));
        assert_eq!(check_password(&"x".repeat(201), "an@tinhuy.vn"), Err(PasswordProblem::TooLong));
        assert_eq!(check_password("mùa thu Hà Nội 1945", "an@tinhuy.vn"), Ok(()));
    }

    #[test]
    fn the_tenth_failure_stops_the_account_and_the_thirtieth_the_address() {
        assert!(sign_in_allowed(9, 0).is_ok());
        assert!(sign_in_allowed(10, 0).is_err());
        assert!(sign_in_allowed(0, 29).is_ok());
        assert!(sign_in_allowed(0, 30).is_err());
    }

    #[test]
    fn a_link_is_good_once_and_until_it_expires() {
        let now = OffsetDateTime::UNIX_EPOCH + Duration::days(1);
        let mut link = AccountLink {
            id: AccountLinkId::from_uuid(uuid::Uuid::nil()),
            user: UserId::from_uuid(uuid::Uuid::nil()),
            purpose: LinkPurpose::Invitation,
            created_by: None,
            created_at: now,
            expires_at: now + INVITATION_LIFETIME,
            used_at: None,
        };
        assert_eq!(link.check(now), Ok(()));
        assert_eq!(link.check(now + INVITATION_LIFETIME), Err(LinkProblem::Expired));
        link.used_at = Some(now);
        assert_eq!(link.check(now), Err(LinkProblem::Used));
    }
}
