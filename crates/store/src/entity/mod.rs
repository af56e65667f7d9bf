//! sea-orm entities: the rows as the current schema has them. They never
//! leave this crate; [`crate::convert`] maps them to and from domain types.

pub mod audit_event;
pub mod body;
pub mod committee;
pub mod global_role;
pub mod membership;
pub mod term;
pub mod user;
