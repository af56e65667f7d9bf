//! The `comments` table: comments and replies, each with its anchor on the
//! version it was made on and the drafting team's disposition.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub report_id: Uuid,
    pub version_id: Uuid,
    pub version_number: i32,
    pub parent_id: Option<Uuid>,
    pub author_id: Uuid,
    pub recorded_by: Option<Uuid>,
    pub on_behalf_of: Option<Uuid>,
    pub at_meeting: bool,
    pub block_id: Option<String>,
    pub span_start: Option<i32>,
    pub span_end: Option<i32>,
    pub quote: Option<String>,
    pub body: String,
    pub created_at: TimeDateTimeWithTimeZone,
    pub edited_at: Option<TimeDateTimeWithTimeZone>,
    pub withdrawn_at: Option<TimeDateTimeWithTimeZone>,
    pub withdrawn_by: Option<Uuid>,
    pub withdrawal_reason: Option<String>,
    pub late: bool,
    pub disposition: Option<String>,
    pub response: Option<String>,
    pub addressed_in: Option<i32>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<TimeDateTimeWithTimeZone>,
    /// When the answer was published; a draft until then.
    pub answer_published_at: Option<TimeDateTimeWithTimeZone>,
    /// The group of comments answered together, if any.
    pub answer_group: Option<Uuid>,
    /// Moves on by one with every change; see the migration `revisions`.
    pub revision: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
