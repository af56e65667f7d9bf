//! Who withdrew a comment, and why. A member withdraws their own comment
//! without a word; when the secretariat withdraws someone else's, the
//! reason is kept with the comment so that its card can say who withdrew it
//! and why, long after the audit trail has scrolled away.
//!
//! And, on each placement of a comment on a version, the version in which
//! its passage changed: "the passage changed in draft 2" stays true when
//! read on draft 3, where "changed in this version" would not.
//!
//! SQLite adds one column per statement, so each column is its own step.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("comments").add_column(uuid_null("withdrawn_by")).take()).await?;
        manager.alter_table(Table::alter().table("comments").add_column(text_null("withdrawal_reason")).take()).await?;
        manager.alter_table(Table::alter().table("comment_placements").add_column(integer_null("changed_in")).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("comment_placements").drop_column("changed_in").take()).await?;
        manager.alter_table(Table::alter().table("comments").drop_column("withdrawal_reason").take()).await?;
        manager.alter_table(Table::alter().table("comments").drop_column("withdrawn_by").take()).await
    }
}
