//! The change table between two versions (bảng so sánh, thuyết minh).
//!
//! - `change_links`: what the drafting team decided of a link between a
//!   comment and a passage changed in version `to_version`: confirmed, or
//!   a suggestion dismissed. Suggestions themselves are not stored: they
//!   follow from the versions and the comments' anchors.
//! - `technical_edits`: the changes the team marked as technical edits
//!   (chỉnh lý kỹ thuật), which need no comment behind them.
//!
//! A passage is named by its block id, which stays the same from one
//! version to the next while the passage lives on.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("change_links")
                    .col(uuid("report_id"))
                    .col(integer("to_version"))
                    .col(string_len("passage", 32))
                    .col(uuid("comment_id"))
                    .col(string_len("state", 16))
                    .col(uuid("decided_by"))
                    .col(timestamp_with_time_zone("decided_at"))
                    .primary_key(Index::create().col("report_id").col("to_version").col("passage").col("comment_id"))
                    .foreign_key(&mut foreign_key("change_links", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("change_links", "comment_id", "comments"))
                    .foreign_key(&mut foreign_key("change_links", "decided_by", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("change_links", &["comment_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("technical_edits")
                    .col(uuid("report_id"))
                    .col(integer("to_version"))
                    .col(string_len("passage", 32))
                    .col(uuid("marked_by"))
                    .col(timestamp_with_time_zone("marked_at"))
                    .primary_key(Index::create().col("report_id").col("to_version").col("passage"))
                    .foreign_key(&mut foreign_key("technical_edits", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("technical_edits", "marked_by", "users"))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("technical_edits").take()).await?;
        manager.drop_table(Table::drop().table("change_links").take()).await
    }
}
