//! People, the bodies they work in, the committees they sit on, and terms.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::text::{Name, TextError, nfc};
use crate::{BodyId, CommitteeId, MembershipId, TermId, UserId};

/// A body: a department, commission or office (Ban Tuyên giáo, Văn phòng...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub id: BodyId,
    pub name: Name,
    pub created_at: OffsetDateTime,
}

/// An email address, trimmed, NFC and lower-cased, so that one person
/// cannot hold two accounts by changing the case of their address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let email = nfc(raw.trim()).to_lowercase();
        if email.is_empty() {
            return Err(TextError::Empty);
        }
        let actual = email.chars().count();
        if actual > Self::MAX_CHARS {
            return Err(TextError::TooLong { max: Self::MAX_CHARS, actual });
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(TextError::InvalidEmail);
        };
        let well_formed = !local.is_empty()
            && !domain.is_empty()
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control());
        if !well_formed {
            return Err(TextError::InvalidEmail);
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = TextError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The language a person reads Gopy in. Vietnamese first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Vi,
    En,
}

impl Language {
    pub const fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }
}

impl FromStr for Language {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "vi" => Ok(Self::Vi),
            "en" => Ok(Self::En),
            other => Err(UnknownValue::new("language", other)),
        }
    }
}

/// A stored value that names no known variant: a sign of a newer schema or
/// a hand-edited row, reported rather than guessed at.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {value:?}")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

impl UnknownValue {
    pub(crate) fn new(kind: &'static str, value: &str) -> Self {
        Self { kind, value: value.to_owned() }
    }
}

/// A person who can sign in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub name: Name,
    /// Chức vụ, e.g. "Phó Bí thư Tỉnh ủy".
    pub title: Option<Name>,
    pub body: Option<BodyId>,
    pub language: Language,
    /// An IANA zone name; times are shown in it.
    pub time_zone: String,
    pub active: bool,
    pub created_at: OffsetDateTime,
}

impl User {
    pub const DEFAULT_TIME_ZONE: &'static str = "Asia/Ho_Chi_Minh";
}

/// Roles that hold across all committees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GlobalRole {
    /// IT staff: people, bodies, mail settings.
    Admin,
    /// The Committee Office (văn phòng): meetings, reports, deadlines, minutes.
    Secretariat,
}

/// A seat's role on one committee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitteeRole {
    Chair,
    ViceChair,
    Member,
    Secretary,
}

macro_rules! stored_as_snake_case {
    ($ty:ident, $kind:literal, $($variant:ident => $text:literal),+ $(,)?) => {
        impl $ty {
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The stable name used in storage and in the API.
            pub const fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $text),+ }
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = $crate::organisation::UnknownValue;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($ty::$variant),)+
                    other => Err($crate::organisation::UnknownValue::new($kind, other)),
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use stored_as_snake_case;

stored_as_snake_case!(GlobalRole, "global role", Admin => "admin", Secretariat => "secretariat");
stored_as_snake_case!(
    CommitteeRole, "committee role",
    Chair => "chair", ViceChair => "vice_chair", Member => "member", Secretary => "secretary",
);

/// A committee that meets and reviews drafts (e.g. Ban Thường vụ Tỉnh ủy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Committee {
    pub id: CommitteeId,
    pub name: Name,
    pub created_at: OffsetDateTime,
}

/// One person's seat on one committee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub id: MembershipId,
    pub committee: CommitteeId,
    pub user: UserId,
    pub role: CommitteeRole,
    pub created_at: OffsetDateTime,
}

/// A term (nhiệm kỳ), e.g. 2020-2025: the span a Congress resolution covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Term {
    pub id: TermId,
    pub name: Name,
    pub starts_on: Date,
    pub ends_on: Date,
}

/// Why a term was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a term must end after it starts ({starts_on} is not before {ends_on})")]
pub struct TermDatesError {
    pub starts_on: Date,
    pub ends_on: Date,
}

impl Term {
    pub fn new(id: TermId, name: Name, starts_on: Date, ends_on: Date) -> Result<Self, TermDatesError> {
        if starts_on >= ends_on {
            return Err(TermDatesError { starts_on, ends_on });
        }
        Ok(Self { id, name, starts_on, ends_on })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn emails_are_lower_cased_and_trimmed() {
        let email = Email::parse("  Chanh.VanPhong@TinhUy.VN ").map(String::from);
        assert_eq!(email.as_deref(), Ok("chanh.vanphong@tinhuy.vn"));
    }

    #[test]
    fn malformed_emails_are_refused() {
        for raw in ["", "no-at-sign", "@tinhuy.vn", "a@", "a@.vn", "a b@tinhuy.vn", "a@b@c"] {
            assert!(Email::parse(raw).is_err(), "{raw:?} was accepted");
        }
    }

    #[test]
    fn roles_round_trip_through_their_stored_names() {
        for role in CommitteeRole::ALL {
            assert_eq!(role.as_str().parse::<CommitteeRole>().as_ref(), Ok(role));
        }
        for role in GlobalRole::ALL {
            assert_eq!(role.as_str().parse::<GlobalRole>().as_ref(), Ok(role));
        }
        assert!("chairman".parse::<CommitteeRole>().is_err());
    }

    #[test]
    fn a_term_must_end_after_it_starts() {
        let name = Name::parse("2020-2025").expect("valid name");
        let id = TermId::from_uuid(uuid::Uuid::nil());
        assert!(Term::new(id, name.clone(), date!(2020 - 10 - 01), date!(2025 - 09 - 30)).is_ok());
        assert!(Term::new(id, name, date!(2025 - 01 - 01), date!(2020 - 01 - 01)).is_err());
    }
}
