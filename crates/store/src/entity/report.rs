//! The `reports` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub term_id: Option<Uuid>,
    pub body_id: Uuid,
    pub committee_id: Uuid,
    pub status: String,
    pub created_by: Option<Uuid>,
    pub created_at: TimeDateTimeWithTimeZone,
    pub approved_version: Option<i32>,
    pub approved_by: Option<Uuid>,
    pub approved_at: Option<TimeDateTimeWithTimeZone>,
    /// Raised with every audit event about the report; see `record_audit_event`.
    pub change_count: i64,
    /// Moves on with each change of the report's own; see `update_report_state`.
    pub revision: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
