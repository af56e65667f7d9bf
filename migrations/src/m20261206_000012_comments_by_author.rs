//! An index on comments by their author: the home page ("việc của tôi")
//! reads one person's comments across every report to say which rounds
//! they have commented in and which of their comments were answered.

use sea_orm_migration::prelude::*;

use crate::common::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.create_index(index("comments", &["author_id"])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("ix_comments_author_id").table("comments").to_owned()).await
    }
}
