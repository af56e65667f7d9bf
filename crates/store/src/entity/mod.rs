//! sea-orm entities: the rows as the current schema has them. They never
//! leave this crate; [`crate::convert`] maps them to and from domain types.

pub mod access_token;
pub mod account_link;
pub mod audit_event;
pub mod body;
pub mod comment;
pub mod comment_placement;
pub mod comment_revision;
pub mod committee;
pub mod credential;
pub mod global_role;
pub mod membership;
pub mod notification_preference;
pub mod outbox;
pub mod report;
pub mod report_drafter;
pub mod session;
pub mod sign_in_attempt;
pub mod term;
pub mod user;
pub mod version;
