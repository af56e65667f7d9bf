//! The `change_links` table: the drafting team's decision on a link
//! between a comment and a passage changed in a version.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "change_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub report_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub to_version: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub passage: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub comment_id: Uuid,
    pub state: String,
    pub decided_by: Uuid,
    pub decided_at: TimeDateTimeWithTimeZone,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
