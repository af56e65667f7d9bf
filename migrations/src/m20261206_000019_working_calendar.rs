//! The working-day calendar's yearly changes and each round's reminder
//! offsets.
//!
//! The Vietnamese holidays are built into the code; what the government
//! decides each year (the exact Tết days, days off swapped against make-up
//! working Saturdays) is kept here, one row per day, entered by the admin.
//! A round remembers the working days before its deadline at which members
//! are reminded, as it was opened with (empty: the defaults of the time).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{created_at, foreign_key};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("calendar_days")
                    // One change per day: the day is the key, so a duplicate
                    // is refused by the database on both engines alike.
                    .col(date("day").primary_key())
                    .col(string_len("kind", 16))
                    .col(string_len("note", 500).default(""))
                    .col(uuid_null("created_by"))
                    .col(created_at())
                    .foreign_key(&mut foreign_key("calendar_days", "created_by", "users"))
                    .take(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table("review_rounds").add_column(string_len("reminder_offsets", 64).default("")).take())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table("review_rounds").drop_column("reminder_offsets").take()).await?;
        manager.drop_table(Table::drop().table("calendar_days").take()).await
    }
}
