//! The notifier: a lease on outbox rows so several workers can share them
//! (`claimed_until`, `claimed_by`), a status that ends in `sent`, `failed` or
//! `skipped`, the Message-ID each row went out in, and each person's choice
//! of delivery per kind of notice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        let columns = [
            string_len("status", 16).default("pending").take(),
            timestamp_with_time_zone_null("claimed_until").take(),
            string_len_null("claimed_by", 64).take(),
            string_len_null("message_id", 255).take(),
        ];
        for mut column in columns {
            manager.alter_table(Table::alter().table("outbox").add_column(&mut column).take()).await?;
        }
        manager
            .get_connection()
            .execute_unprepared("UPDATE outbox SET status = 'sent' WHERE sent_at IS NOT NULL")
            .await?;
        manager.create_index(index("outbox", &["status", "due_at"])).await?;
        manager.create_index(index("outbox", &["recipient_id", "status"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("notification_preferences")
                    .col(uuid("user_id"))
                    .col(string_len("kind", 64))
                    .col(string_len("delivery", 16))
                    .col(timestamp_with_time_zone("updated_at"))
                    .primary_key(Index::create().col("user_id").col("kind"))
                    .foreign_key(&mut foreign_key("notification_preferences", "user_id", "users"))
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table("notification_preferences").take()).await?;
        for name in ["ix_outbox_status_due_at", "ix_outbox_recipient_id_status"] {
            manager.drop_index(Index::drop().name(name).table("outbox").to_owned()).await?;
        }
        for column in ["message_id", "claimed_by", "claimed_until", "status"] {
            manager.alter_table(Table::alter().table("outbox").drop_column(column).take()).await?;
        }
        Ok(())
    }
}
