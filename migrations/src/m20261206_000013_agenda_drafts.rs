//! Which version of its draft, and which round of comments, each agenda
//! item was about. Minutes are a record: the approved minutes of 2023 must
//! keep linking the draft the meeting discussed, not a version made years
//! later, so the numbers are stored when the meeting is held instead of
//! being read from the draft's latest state.
//!
//! Items of meetings held before this migration get the latest version
//! made, and the latest round opened, by the end of their meeting.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 2] = ["version_number", "round_number"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        for column in COLUMNS {
            manager.alter_table(Table::alter().table("agenda_items").add_column(integer_null(column)).take()).await?;
        }
        let db = manager.get_connection();
        db.execute_unprepared(
            "UPDATE agenda_items SET
               version_number = (SELECT MAX(v.number) FROM versions v, meetings m
                                 WHERE v.report_id = agenda_items.report_id AND m.id = agenda_items.meeting_id
                                   AND v.created_at <= m.ends_at),
               round_number = (SELECT MAX(r.number) FROM review_rounds r, meetings m
                               WHERE r.report_id = agenda_items.report_id AND m.id = agenda_items.meeting_id
                                 AND r.opened_at <= m.ends_at)
             WHERE report_id IS NOT NULL
               AND meeting_id IN (SELECT id FROM meetings WHERE status <> 'planned')",
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager.alter_table(Table::alter().table("agenda_items").drop_column(column).take()).await?;
        }
        Ok(())
    }
}
