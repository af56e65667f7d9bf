//! Draft reports, their drafting teams, and their versions. A version's
//! blocks are stored whole, as the JSON text of the domain's blocks: a
//! version is immutable and always read whole.

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
                    .table("reports")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 32))
                    .col(string_len("title", 500))
                    .col(uuid_null("term_id"))
                    .col(uuid("body_id"))
                    .col(uuid("committee_id"))
                    .col(string_len("status", 32))
                    .col(uuid_null("created_by"))
                    .col(created_at())
                    .foreign_key(&mut foreign_key("reports", "term_id", "terms"))
                    .foreign_key(&mut foreign_key("reports", "body_id", "bodies"))
                    .foreign_key(&mut foreign_key("reports", "committee_id", "committees"))
                    .foreign_key(&mut foreign_key("reports", "created_by", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("reports", &["committee_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("report_drafters")
                    .col(uuid("report_id"))
                    .col(uuid("user_id"))
                    .col(boolean("lead"))
                    .col(created_at())
                    .primary_key(Index::create().col("report_id").col("user_id"))
                    .foreign_key(&mut foreign_key("report_drafters", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("report_drafters", "user_id", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("report_drafters", &["user_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("versions")
                    .col(pk_uuid("id"))
                    .col(uuid("report_id"))
                    .col(integer("number"))
                    .col(text("blocks"))
                    .col(string_len("source", 16))
                    .col(string_len_null("file_name", 255))
                    .col(text_null("change_note"))
                    .col(integer("word_count"))
                    .col(uuid("created_by"))
                    .col(created_at())
                    .foreign_key(&mut foreign_key("versions", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("versions", "created_by", "users"))
                    .take(),
            )
            .await?;
        // Two people uploading at once cannot both make "lần 3".
        manager
            .create_index(
                Index::create()
                    .name("ux_versions_report_id_number")
                    .table("versions")
                    .col("report_id")
                    .col("number")
                    .unique()
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["versions", "report_drafters", "reports"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
