//! Meetings and their parts: the people invited and their attendance, the
//! agenda, the minutes, the action items and who each is assigned to. The
//! conclusion is one text per meeting, so it lives on the meeting's row.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{created_at, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("meetings")
                    .col(pk_uuid("id"))
                    .col(uuid("committee_id"))
                    .col(text("title"))
                    .col(timestamp_with_time_zone("starts_at"))
                    .col(timestamp_with_time_zone("ends_at"))
                    .col(text("place"))
                    .col(uuid("presiding_id"))
                    .col(string_len("status", 32))
                    .col(text_null("conclusion"))
                    .col(uuid_null("conclusion_by"))
                    .col(timestamp_with_time_zone_null("conclusion_at"))
                    .col(uuid_null("approved_by"))
                    .col(timestamp_with_time_zone_null("approved_at"))
                    .col(uuid("created_by"))
                    .col(created_at())
                    .foreign_key(&mut foreign_key("meetings", "committee_id", "committees"))
                    .foreign_key(&mut foreign_key("meetings", "presiding_id", "users"))
                    .foreign_key(&mut foreign_key("meetings", "conclusion_by", "users"))
                    .foreign_key(&mut foreign_key("meetings", "approved_by", "users"))
                    .foreign_key(&mut foreign_key("meetings", "created_by", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("meetings", &["starts_at"])).await?;

        // One row per person the meeting knows of: invited, recorded as
        // attending, or both; each list keeps its own order.
        manager
            .create_table(
                Table::create()
                    .table("meeting_people")
                    .col(uuid("meeting_id"))
                    .col(uuid("user_id"))
                    .col(integer_null("invited_position"))
                    .col(integer_null("attendance_position"))
                    .col(string_len_null("presence", 32))
                    .col(text_null("absence_reason"))
                    .col(uuid_null("represented_by"))
                    .primary_key(Index::create().col("meeting_id").col("user_id"))
                    .foreign_key(&mut foreign_key("meeting_people", "meeting_id", "meetings"))
                    .foreign_key(&mut foreign_key("meeting_people", "user_id", "users"))
                    .foreign_key(&mut foreign_key("meeting_people", "represented_by", "users"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("agenda_items")
                    .col(pk_uuid("id"))
                    .col(uuid("meeting_id"))
                    .col(integer("position"))
                    .col(text("title"))
                    .col(uuid("presenter_id"))
                    .col(uuid_null("report_id"))
                    .col(integer("minutes_allotted"))
                    .foreign_key(&mut foreign_key("agenda_items", "meeting_id", "meetings"))
                    .foreign_key(&mut foreign_key("agenda_items", "presenter_id", "bodies"))
                    .foreign_key(&mut foreign_key("agenda_items", "report_id", "reports"))
                    .take(),
            )
            .await?;
        manager.create_index(index("agenda_items", &["meeting_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("minute_entries")
                    .col(pk_uuid("id"))
                    .col(uuid("meeting_id"))
                    .col(integer("position"))
                    .col(uuid("agenda_item_id"))
                    .col(uuid("speaker_id"))
                    .col(text("summary"))
                    .col(uuid_null("comment_id"))
                    .col(uuid("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(&mut foreign_key("minute_entries", "meeting_id", "meetings"))
                    .foreign_key(&mut foreign_key("minute_entries", "agenda_item_id", "agenda_items"))
                    .foreign_key(&mut foreign_key("minute_entries", "speaker_id", "users"))
                    .foreign_key(&mut foreign_key("minute_entries", "comment_id", "comments"))
                    .foreign_key(&mut foreign_key("minute_entries", "recorded_by", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("minute_entries", &["meeting_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("action_items")
                    .col(pk_uuid("id"))
                    .col(uuid("meeting_id"))
                    .col(integer("position"))
                    .col(text("text"))
                    .col(date("deadline"))
                    .col(string_len("status", 32))
                    .col(text_null("note"))
                    .col(timestamp_with_time_zone_null("done_at"))
                    .foreign_key(&mut foreign_key("action_items", "meeting_id", "meetings"))
                    .take(),
            )
            .await?;
        manager.create_index(index("action_items", &["meeting_id"])).await?;
        manager.create_index(index("action_items", &["deadline"])).await?;

        // A body or a person: exactly one of the two is set.
        manager
            .create_table(
                Table::create()
                    .table("action_assignees")
                    .col(uuid("action_item_id"))
                    .col(integer("position"))
                    .col(uuid_null("body_id"))
                    .col(uuid_null("user_id"))
                    .primary_key(Index::create().col("action_item_id").col("position"))
                    .foreign_key(&mut foreign_key("action_assignees", "action_item_id", "action_items"))
                    .foreign_key(&mut foreign_key("action_assignees", "body_id", "bodies"))
                    .foreign_key(&mut foreign_key("action_assignees", "user_id", "users"))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["action_assignees", "action_items", "minute_entries", "agenda_items", "meeting_people", "meetings"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
