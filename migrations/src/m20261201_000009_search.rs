//! The search index: one row per searchable text (a passage of a version, a
//! comment, an answer), with the text folded for tone-insensitive matching
//! and what a search must know to filter and to check who may see it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("search_entries")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 16))
                    .col(uuid("committee_id"))
                    .col(uuid_null("report_id"))
                    .col(uuid_null("meeting_id"))
                    .col(integer_null("version_number"))
                    .col(boolean("latest"))
                    .col(string_len_null("block_id", 32))
                    .col(uuid_null("comment_id"))
                    .col(uuid_null("author_id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(text("text"))
                    .col(text("folded"))
                    .take(),
            )
            .await?;
        manager.create_index(index("search_entries", &["committee_id", "kind"])).await?;
        manager.create_index(index("search_entries", &["report_id", "version_number"])).await?;
        manager.create_index(index("search_entries", &["comment_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("search_entries").take()).await
    }
}
