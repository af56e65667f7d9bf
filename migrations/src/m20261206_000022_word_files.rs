//! Word files as they really are.
//!
//! - `versions.left_out`: what an uploaded file held that a block cannot
//!   (pictures, text boxes, equations, charts), as JSON, so the version
//!   tells its uploader and its readers where the placeholders stand.
//! - `word_comment_imports`: a copy of a draft with Word's review comments,
//!   read and previewed: the comments as they will be stored (JSON), the
//!   body they speak for and the version they were anchored on. Storing it
//!   is a second step, after the secretariat has seen every comment and
//!   where it lands.
//! - `word_comments_imported`: one row per comment of a Word file stored,
//!   by a key made from the comment itself; the unique index makes the
//!   same file uploaded twice add nothing the second time.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{created_at, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("versions").add_column(text_null("left_out")).take()).await?;
        manager
            .create_table(
                Table::create()
                    .table("word_comment_imports")
                    .col(uuid("id").primary_key())
                    .col(uuid("report_id"))
                    .col(uuid("body_id"))
                    .col(uuid("version_id"))
                    .col(integer("version_number"))
                    .col(string_len_null("file_name", 255))
                    .col(string_len("file_hash", 64))
                    .col(text("rows"))
                    .col(uuid("created_by"))
                    .col(created_at())
                    .col(timestamp_with_time_zone_null("stored_at"))
                    .foreign_key(&mut foreign_key("word_comment_imports", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("word_comment_imports", "body_id", "bodies"))
                    .foreign_key(&mut foreign_key("word_comment_imports", "created_by", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("word_comment_imports", &["report_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("word_comments_imported")
                    .col(uuid("report_id"))
                    .col(string_len("key", 64))
                    .col(uuid("comment_id"))
                    .col(uuid("import_id"))
                    .primary_key(Index::create().col("report_id").col("key"))
                    .foreign_key(&mut foreign_key("word_comments_imported", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("word_comments_imported", "comment_id", "comments"))
                    .foreign_key(&mut foreign_key("word_comments_imported", "import_id", "word_comment_imports"))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("word_comments_imported").take()).await?;
        manager.drop_table(Table::drop().table("word_comment_imports").take()).await?;
        manager.alter_table(Table::alter().table("versions").drop_column("left_out").take()).await
    }
}
