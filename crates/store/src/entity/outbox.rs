//! The `outbox` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub recipient_id: Uuid,
    pub payload: Json,
    pub created_at: TimeDateTimeWithTimeZone,
    pub due_at: TimeDateTimeWithTimeZone,
    pub sent_at: Option<TimeDateTimeWithTimeZone>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub status: String,
    pub claimed_until: Option<TimeDateTimeWithTimeZone>,
    pub claimed_by: Option<String>,
    pub message_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
