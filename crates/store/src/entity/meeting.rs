//! The `meetings` table: a meeting's details, status and conclusion.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "meetings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub committee_id: Uuid,
    pub title: String,
    pub starts_at: TimeDateTimeWithTimeZone,
    pub ends_at: TimeDateTimeWithTimeZone,
    pub place: String,
    pub presiding_id: Uuid,
    pub status: String,
    pub conclusion: Option<String>,
    pub conclusion_by: Option<Uuid>,
    pub conclusion_at: Option<TimeDateTimeWithTimeZone>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<TimeDateTimeWithTimeZone>,
    pub created_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
    /// Moves on by one with every change; see the migration `revisions`.
    pub revision: i32,
    /// The iCalendar SEQUENCE of its invitations; see the migration `meeting_invitations`.
    pub sequence: i32,
    pub cancel_reason: Option<String>,
    pub cancelled_by: Option<Uuid>,
    pub cancelled_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
