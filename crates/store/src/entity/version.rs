//! The `versions` table. `blocks` holds the JSON text of the version's blocks.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub report_id: Uuid,
    pub number: i32,
    pub blocks: String,
    pub source: String,
    pub file_name: Option<String>,
    pub change_note: Option<String>,
    pub word_count: i32,
    pub created_by: Uuid,
    pub created_at: TimeDateTimeWithTimeZone,
    /// JSON: what the uploaded file held that could not be imported.
    pub left_out: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
