//! The citation labels of each version's blocks ("II.1 ¶2"), stored when the
//! version is made, with each block's position in the document: a version
//! never changes, so its labels are computed once, and a page of threads is
//! put in the order of the document by the database. Versions made before
//! this table existed get their rows from the store once, after migrating.
//!
//! Also an index on placements by version and block, for a passage's threads.

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
                    .table("block_labels")
                    .col(uuid("version_id"))
                    .col(string_len("block_id", 32))
                    .col(integer("position"))
                    .col(text("label"))
                    .primary_key(Index::create().col("version_id").col("block_id"))
                    .foreign_key(&mut foreign_key("block_labels", "version_id", "versions"))
                    .take(),
            )
            .await?;
        manager.create_index(index("comment_placements", &["version_id", "block_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(Index::drop().name("ix_comment_placements_version_id_block_id").table("comment_placements").to_owned())
            .await?;
        manager.drop_table(Table::drop().table("block_labels").take()).await
    }
}
