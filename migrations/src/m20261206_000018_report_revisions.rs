//! A revision on the two aggregates still without one: a report (its
//! state, approval and versions) and a review round (opened, closed). As
//! for meetings and comments (migration 000015), a write names the
//! revision it read and moves it on by one; a write that finds another
//! was made on a stale reading and is refused.
//!
//! Rows made before this migration start at revision 0.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const TABLES: [&str; 2] = ["reports", "review_rounds"];

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
