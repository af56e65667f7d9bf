//! Signing in: password credentials, sessions, personal access tokens,
//! single-use links, the record of sign-in attempts, and the outbox the
//! notifier will deliver from. Secrets are stored only as SHA-256 hashes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::common::{created_at, foreign_key, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn secret_hash() -> ColumnDef {
    string_len_uniq("secret_hash", 64)
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("credentials")
                    .col(pk_uuid("user_id"))
                    .col(text("password_hash"))
                    .col(timestamp_with_time_zone("changed_at"))
                    .foreign_key(&mut foreign_key("credentials", "user_id", "users"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("sessions")
                    .col(pk_uuid("id"))
                    .col(secret_hash())
                    .col(uuid("user_id"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("last_seen_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(string_len_null("user_agent", 300))
                    .col(string_len_null("address", 64))
                    .foreign_key(&mut foreign_key("sessions", "user_id", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("sessions", &["user_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("access_tokens")
                    .col(pk_uuid("id"))
                    .col(secret_hash())
                    .col(uuid("user_id"))
                    .col(string_len("name", 200))
                    .col(created_at())
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .foreign_key(&mut foreign_key("access_tokens", "user_id", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("access_tokens", &["user_id"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("account_links")
                    .col(pk_uuid("id"))
                    .col(secret_hash())
                    .col(uuid("user_id"))
                    .col(string_len("purpose", 32))
                    .col(uuid_null("created_by"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("expires_at"))
                    .col(timestamp_with_time_zone_null("used_at"))
                    .foreign_key(&mut foreign_key("account_links", "user_id", "users"))
                    .foreign_key(&mut foreign_key("account_links", "created_by", "users"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("sign_in_attempts")
                    .col(pk_uuid("id"))
                    .col(string_len("email", 254))
                    .col(string_len("address", 64))
                    .col(timestamp_with_time_zone("attempted_at"))
                    .col(boolean("succeeded"))
                    .take(),
            )
            .await?;
        manager.create_index(index("sign_in_attempts", &["email", "attempted_at"])).await?;
        manager.create_index(index("sign_in_attempts", &["address", "attempted_at"])).await?;

        manager
            .create_table(
                Table::create()
                    .table("outbox")
                    .col(pk_uuid("id"))
                    .col(string_len("kind", 64))
                    .col(uuid("recipient_id"))
                    .col(json("payload"))
                    .col(created_at())
                    .col(timestamp_with_time_zone("due_at"))
                    .col(timestamp_with_time_zone_null("sent_at"))
                    .col(integer("attempts").default(0))
                    .col(text_null("last_error"))
                    .foreign_key(&mut foreign_key("outbox", "recipient_id", "users"))
                    .take(),
            )
            .await?;
        manager.create_index(index("outbox", &["sent_at", "due_at"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["outbox", "sign_in_attempts", "account_links", "access_tokens", "sessions", "credentials"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
