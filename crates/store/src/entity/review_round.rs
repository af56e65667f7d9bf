//! The `review_rounds` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "review_rounds")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub report_id: Uuid,
    pub number: i32,
    pub version_number: i32,
    pub opened_at: TimeDateTimeWithTimeZone,
    pub deadline: TimeDateTimeWithTimeZone,
    pub late_allowed: bool,
    pub ballot: bool,
    pub closed_at: Option<TimeDateTimeWithTimeZone>,
    /// Moves on with each change of the round; see `close_round`.
    pub revision: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
