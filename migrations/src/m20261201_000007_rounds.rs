//! Review rounds with their deadlines and ballots, the votes cast, and the
//! approval of a report's final version.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds columns one at a time.
        for column in [integer_null("approved_version"), uuid_null("approved_by"), timestamp_with_time_zone_null("approved_at")] {
            manager.alter_table(Table::alter().table("reports").add_column(column).take()).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("review_rounds")
                    .col(pk_uuid("id"))
                    .col(uuid("report_id"))
                    .col(integer("number"))
                    .col(integer("version_number"))
                    .col(timestamp_with_time_zone("opened_at"))
                    .col(timestamp_with_time_zone("deadline"))
                    .col(boolean("late_allowed"))
                    .col(boolean("ballot"))
                    .col(timestamp_with_time_zone_null("closed_at"))
                    .foreign_key(&mut foreign_key("review_rounds", "report_id", "reports"))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_review_rounds_report_id_number")
                    .table("review_rounds")
                    .col("report_id")
                    .col("number")
                    .unique()
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("ballot_votes")
                    .col(uuid("round_id"))
                    .col(uuid("user_id"))
                    .col(string_len("vote", 16))
                    .col(text_null("text"))
                    .col(timestamp_with_time_zone("cast_at"))
                    .primary_key(Index::create().col("round_id").col("user_id"))
                    .foreign_key(&mut foreign_key("ballot_votes", "round_id", "review_rounds"))
                    .foreign_key(&mut foreign_key("ballot_votes", "user_id", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("ballot_votes", &["user_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["ballot_votes", "review_rounds"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        for column in ["approved_at", "approved_by", "approved_version"] {
            manager.alter_table(Table::alter().table("reports").drop_column(column).take()).await?;
        }
        Ok(())
    }
}
