//! A term's indicators with their targets, and the results reports give.
//! Figures are stored as double precision: targets and results come with
//! one or two decimals, and shares are computed, never stored.

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
                    .table("indicators")
                    .col(pk_uuid("id"))
                    .col(uuid("term_id"))
                    .col(string_len("name", 200))
                    .col(string_len("unit", 64))
                    .col(double("target"))
                    .col(string_len("direction", 32))
                    .col(string_len_null("group_name", 200))
                    .col(integer("position"))
                    .col(created_at())
                    .foreign_key(&mut foreign_key("indicators", "term_id", "terms"))
                    .take(),
            )
            .await?;
        manager.create_index(index("indicators", &["term_id", "position"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("indicator_results")
                    .col(pk_uuid("id"))
                    .col(uuid("indicator_id"))
                    .col(uuid("report_id"))
                    .col(double("value"))
                    .col(date("as_of"))
                    .col(string_len("source", 300))
                    .col(created_at())
                    .foreign_key(&mut foreign_key("indicator_results", "indicator_id", "indicators"))
                    .foreign_key(&mut foreign_key("indicator_results", "report_id", "reports"))
                    .take(),
            )
            .await?;
        manager.create_index(index("indicator_results", &["report_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["indicator_results", "indicators"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
