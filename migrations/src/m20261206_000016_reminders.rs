//! Planned reminders: one row per person, kind, subject and due time, taken
//! by a worker when due and ended as `sent` or `dropped` (its reason gone).
//! The unique index makes planning the same reminder twice a no-op, so a
//! use case may plan again whenever the data changes.

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
                    .table("reminders")
                    .col(uuid("id").primary_key())
                    .col(string_len("kind", 64))
                    .col(uuid("subject_id"))
                    .col(uuid("recipient_id"))
                    .col(timestamp_with_time_zone("deadline"))
                    .col(timestamp_with_time_zone("due_at"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(string_len("state", 16).default("pending"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .foreign_key(&mut foreign_key("reminders", "recipient_id", "users"))
                    .take(),
            )
            .await?;
        manager
            .create_index(index("reminders", &["kind", "subject_id", "recipient_id", "due_at"]).unique().take())
            .await?;
        manager.create_index(index("reminders", &["state", "due_at"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("reminders").take()).await
    }
}
