//! sea-orm entities: the rows as the current schema has them. They never
//! leave this crate; [`crate::convert`] maps them to and from domain types.

pub mod access_token;
pub mod action_assignee;
pub mod action_item;
pub mod agenda_item;
pub mod account_link;
pub mod audit_event;
pub mod ballot_vote;
pub mod block_label;
pub mod body;
pub mod calendar_day;
pub mod comment;
pub mod comment_placement;
pub mod comment_revision;
pub mod committee;
pub mod credential;
pub mod global_role;
pub mod indicator;
pub mod indicator_result;
pub mod meeting;
pub mod meeting_person;
pub mod membership;
pub mod minute_entry;
pub mod notification_preference;
pub mod outbox;
pub mod reminder;
pub mod report;
pub mod report_drafter;
pub mod review_round;
pub mod search_entry;
pub mod session;
pub mod sign_in_attempt;
pub mod term;
pub mod user;
pub mod version;
