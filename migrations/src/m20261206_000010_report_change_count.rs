//! A report's change counter: raised by every change recorded about the
//! report (a comment, an answer, a version, a step), so that its pages and
//! exports can be revalidated (`ETag`) and cached without being rebuilt.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table("reports").add_column(big_integer("change_count").default(0)).take())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("reports").drop_column("change_count").take()).await
    }
}
