//! The `word_comment_imports` table: a Word file's review comments, read
//! and anchored, waiting to be stored (`rows` is their JSON).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "word_comment_imports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub report_id: Uuid,
    pub body_id: Uuid,
    pub version_id: Uuid,
    pub version_number: i32,
    pub file_name: Option<String>,
    pub file_hash: String,
    pub rows: String,
    pub created_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
    pub stored_at: Option<TimeDateTimeWithTimeZone>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
