//! Comments and replies with their dispositions, the earlier texts of edited
//! comments, and where each comment is shown on each version.

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
                    .table("comments")
                    .col(pk_uuid("id"))
                    .col(uuid("report_id"))
                    .col(uuid("version_id"))
                    .col(integer("version_number"))
                    .col(uuid_null("parent_id"))
                    .col(uuid("author_id"))
                    .col(uuid_null("recorded_by"))
                    .col(boolean("at_meeting"))
                    .col(string_len_null("block_id", 32))
                    .col(integer_null("span_start"))
                    .col(integer_null("span_end"))
                    .col(text_null("quote"))
                    .col(text("body"))
                    .col(created_at())
                    .col(timestamp_with_time_zone_null("edited_at"))
                    .col(timestamp_with_time_zone_null("withdrawn_at"))
                    .col(boolean("late"))
                    .col(string_len_null("disposition", 32))
                    .col(text_null("response"))
                    .col(integer_null("addressed_in"))
                    .col(uuid_null("decided_by"))
                    .col(timestamp_with_time_zone_null("decided_at"))
                    .foreign_key(&mut foreign_key("comments", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("comments", "version_id", "versions"))
                    .foreign_key(&mut foreign_key("comments", "parent_id", "comments"))
                    .foreign_key(&mut foreign_key("comments", "author_id", "users"))
                    .foreign_key(&mut foreign_key("comments", "recorded_by", "users"))
                    .foreign_key(&mut foreign_key("comments", "decided_by", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("comments", &["report_id", "created_at"])).await?;
        manager.create_index(index("comments", &["parent_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("comment_revisions")
                    .col(pk_uuid("id"))
                    .col(uuid("comment_id"))
                    .col(text("body"))
                    .col(timestamp_with_time_zone("replaced_at"))
                    .foreign_key(&mut foreign_key("comment_revisions", "comment_id", "comments"))
                    .take(),
            )
            .await?;
        manager.create_index(index("comment_revisions", &["comment_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("comment_placements")
                    .col(uuid("comment_id"))
                    .col(uuid("version_id"))
                    .col(string_len("placement", 32))
                    .col(string_len_null("block_id", 32))
                    .col(integer_null("span_start"))
                    .col(integer_null("span_end"))
                    .col(text_null("quote"))
                    .primary_key(Index::create().col("comment_id").col("version_id"))
                    .foreign_key(&mut foreign_key("comment_placements", "comment_id", "comments"))
                    .foreign_key(&mut foreign_key("comment_placements", "version_id", "versions"))
                    .take(),
            )
            .await?;
        manager.create_index(index("comment_placements", &["version_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["comment_placements", "comment_revisions", "comments"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
