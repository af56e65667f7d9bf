//! A revision on each aggregate people change at the same time: a meeting
//! (with its agenda, attendance, minutes and actions) and a comment (with
//! its disposition). A write names the revision it read and moves it on by
//! one; a write that finds another revision was made on a stale reading and
//! is refused instead of silently undoing the change made meanwhile.
//!
//! Rows made before this migration start at revision 0.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["meetings", "comments"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager
                .alter_table(Table::alter().table(table).add_column(integer("revision").default(0)).take())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES {
            manager.alter_table(Table::alter().table(table).drop_column("revision").take()).await?;
        }
        Ok(())
    }
}
