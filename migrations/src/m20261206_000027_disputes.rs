//! What is still disputed (vấn đề còn ý kiến khác nhau).
//!
//! - `dispute_deadlines`: until when a report's commenters may say they
//!   still disagree with an answer; set by the secretariat, one per report.
//! - `answer_stances`: each commenter's stance on the answer to their
//!   comment (agree, or still disagree with a reason); one per comment, a
//!   later one replacing it.
//! - `dispute_decisions`: the chair's decision on a comment still
//!   disputed, and the meeting it was taken at.

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
                    .table("dispute_deadlines")
                    .col(uuid("report_id").primary_key())
                    .col(timestamp_with_time_zone("deadline"))
                    .col(uuid("set_by"))
                    .col(timestamp_with_time_zone("set_at"))
                    .foreign_key(&mut foreign_key("dispute_deadlines", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("dispute_deadlines", "set_by", "users"))
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("answer_stances")
                    .col(uuid("comment_id").primary_key())
                    .col(uuid("report_id"))
                    .col(string_len("stance", 16))
                    .col(text_null("reason"))
                    .col(uuid("taken_by"))
                    .col(timestamp_with_time_zone("taken_at"))
                    .foreign_key(&mut foreign_key("answer_stances", "comment_id", "comments"))
                    .foreign_key(&mut foreign_key("answer_stances", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("answer_stances", "taken_by", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("answer_stances", &["report_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("dispute_decisions")
                    .col(uuid("comment_id").primary_key())
                    .col(uuid("report_id"))
                    .col(text("decision"))
                    .col(uuid_null("meeting_id"))
                    .col(uuid("decided_by"))
                    .col(timestamp_with_time_zone("decided_at"))
                    .foreign_key(&mut foreign_key("dispute_decisions", "comment_id", "comments"))
                    .foreign_key(&mut foreign_key("dispute_decisions", "report_id", "reports"))
                    .foreign_key(&mut foreign_key("dispute_decisions", "meeting_id", "meetings"))
                    .foreign_key(&mut foreign_key("dispute_decisions", "decided_by", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("dispute_decisions", &["report_id"])).await?;
        manager.create_index(index("dispute_decisions", &["meeting_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("dispute_decisions").take()).await?;
        manager.drop_table(Table::drop().table("answer_stances").take()).await?;
        manager.drop_table(Table::drop().table("dispute_deadlines").take()).await
    }
}
