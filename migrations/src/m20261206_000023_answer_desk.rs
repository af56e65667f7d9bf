//! The drafting team's answer desk (issue #25).
//!
//! - `comments.answer_published_at`: when the team's lead published the
//!   answer; until then it is a draft only the team and the secretariat
//!   see. Answers given before this migration were mailed at once, so they
//!   count as published when they were given.
//! - `comments.answer_group`: the group of comments that say the same
//!   thing, confirmed by the team and answered together. A group is no
//!   more than the comments that share its id; each keeps its own row.
//! - `answer_templates`: a committee's answer templates, with the
//!   disposition each answers with and its text with placeholders.
//!
//! SQLite adds one column per statement, so each column is its own step.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{created_at, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("comments").add_column(timestamp_with_time_zone_null("answer_published_at")).take())
            .await?;
        manager.alter_table(Table::alter().table("comments").add_column(uuid_null("answer_group")).take()).await?;
        manager
            .exec_stmt(
                Query::update()
                    .table("comments")
                    .value("answer_published_at", Expr::col("decided_at"))
                    .and_where(Expr::col("disposition").is_not_null())
                    .take(),
            )
            .await?;
        manager.create_index(index("comments", &["answer_group"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("answer_templates")
                    .col(uuid("id").primary_key())
                    .col(uuid("committee_id"))
                    .col(string_len("name", 200))
                    .col(string_len("disposition", 32))
                    .col(text("text"))
                    .col(uuid("created_by"))
                    .col(created_at())
                    .foreign_key(&mut foreign_key("answer_templates", "committee_id", "committees"))
                    .foreign_key(&mut foreign_key("answer_templates", "created_by", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("answer_templates", &["committee_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("answer_templates").take()).await?;
        manager.drop_index(Index::drop().name("ix_comments_answer_group").table("comments").to_owned()).await?;
        manager.alter_table(Table::alter().table("comments").drop_column("answer_group").take()).await?;
        manager.alter_table(Table::alter().table("comments").drop_column("answer_published_at").take()).await
    }
}
