//! The `agenda_items` table: a meeting's agenda, in order.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "agenda_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub meeting_id: Uuid,
    pub position: i32,
    pub title: String,
    pub presenter_id: Uuid,
    pub report_id: Option<Uuid>,
    pub minutes_allotted: i32,
    /// The version and round of the draft the item was about.
    pub version_number: Option<i32>,
    pub round_number: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
