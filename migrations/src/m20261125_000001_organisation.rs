//! Bodies, people, committees with their memberships, terms, and the audit
//! trail: the floor every later table hangs from.

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
                    .table("bodies")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("name", 200))
                    .col(created_at())
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("users")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("email", 254))
                    .col(string_len("name", 200))
                    .col(string_len_null("title", 200))
                    .col(uuid_null("body_id"))
                    .col(string_len("language", 8))
                    .col(string_len("time_zone", 64))
                    .col(boolean("active"))
                    .col(created_at())
                    .foreign_key(&mut foreign_key("users", "body_id", "bodies"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("global_roles")
                    .col(uuid("user_id"))
                    .col(string_len("role", 32))
                    .col(created_at())
                    .primary_key(Index::create().col("user_id").col("role"))
                    .foreign_key(&mut foreign_key("global_roles", "user_id", "users").on_delete(ForeignKeyAction::Cascade).take())
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("terms")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("name", 200))
                    .col(date("starts_on"))
                    .col(date("ends_on"))
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("committees")
                    .col(pk_uuid("id"))
                    .col(string_len_uniq("name", 200))
                    .col(created_at())
                    .take(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("memberships")
                    .col(pk_uuid("id"))
                    .col(uuid("committee_id"))
                    .col(uuid("user_id"))
                    .col(string_len("role", 32))
                    .col(created_at())
                    .foreign_key(&mut foreign_key("memberships", "committee_id", "committees").on_delete(ForeignKeyAction::Cascade).take())
                    .foreign_key(&mut foreign_key("memberships", "user_id", "users").on_delete(ForeignKeyAction::Cascade).take())
                    .take(),
            )
            .await?;
        // One seat per person per committee; the role says which seat.
        manager
            .create_index(
                Index::create()
                    .name("ux_memberships_committee_user")
                    .table("memberships")
                    .col("committee_id")
                    .col("user_id")
                    .unique()
                    .take(),
            )
            .await?;
        manager
            .create_index(Index::create().name("ix_memberships_user").table("memberships").col("user_id").take())
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("audit_events")
                    .col(pk_uuid("id"))
                    .col(timestamp_with_time_zone("occurred_at"))
                    // No foreign key: the trail outlives the people it names.
                    .col(uuid_null("actor_id"))
                    .col(string_len("action", 100))
                    .col(string_len("subject_kind", 50))
                    .col(uuid_null("subject_id"))
                    .col(json("details"))
                    .take(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_events_subject")
                    .table("audit_events")
                    .col("subject_kind")
                    .col("subject_id")
                    .take(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["audit_events", "memberships", "committees", "terms", "global_roles", "users", "bodies"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
