//! The `search_entries` table: the search index.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "search_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub committee_id: Uuid,
    pub report_id: Option<Uuid>,
    pub meeting_id: Option<Uuid>,
    pub version_number: Option<i32>,
    pub latest: bool,
    pub block_id: Option<String>,
    pub comment_id: Option<Uuid>,
    pub author_id: Option<Uuid>,
    pub at: TimeDateTimeWithTimeZone,
    pub text: String,
    pub folded: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
