//! The body a comment speaks for. A body consulted on a draft answers by
//! its people commenting in Gopy, or by a letter or Word file whose
//! comments the secretariat records for it; either way the register of a
//! round counts them for the body, not for whoever typed them.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("comments").add_column(uuid_null("on_behalf_of")).take()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("comments").drop_column("on_behalf_of").take()).await
    }
}
