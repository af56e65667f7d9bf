//! The bodies consulted in a review round and how each replied: the
//! round's consultation (whether silence counts as agreement, and when the
//! worker recorded the silent bodies as agreeing), each consulted body's
//! answer when it is not a comment ("no comment", deemed agreement), and the
//! official letters (công văn) the secretariat recorded, with their files.
//! A body's comments themselves are comments with `on_behalf_of` set.

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
                    .table("consultations")
                    .col(pk_uuid("round_id"))
                    .col(boolean("silence_agrees"))
                    .col(timestamp_with_time_zone_null("deemed_at"))
                    .foreign_key(&mut ForeignKey::create()
                        .name("fk_consultations_round_id")
                        .from("consultations", "round_id")
                        .to("review_rounds", "id")
                        .on_delete(ForeignKeyAction::Restrict)
                        .take())
                    .take(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("consulted_bodies")
                    .col(uuid("round_id"))
                    .col(uuid("body_id"))
                    .col(string_len_null("answer", 16))
                    .col(timestamp_with_time_zone_null("answered_at"))
                    .col(uuid_null("answered_by"))
                    .primary_key(Index::create().col("round_id").col("body_id"))
                    .foreign_key(&mut ForeignKey::create()
                        .name("fk_consulted_bodies_round_id")
                        .from("consulted_bodies", "round_id")
                        .to("consultations", "round_id")
                        .on_delete(ForeignKeyAction::Restrict)
                        .take())
                    .foreign_key(&mut foreign_key("consulted_bodies", "body_id", "bodies"))
                    .take(),
            )
            .await?;
        // The person's access to consulted reports is read by body.
        manager.create_index(index("consulted_bodies", &["body_id"])).await?;
        manager
            .create_table(
                Table::create()
                    .table("reply_letters")
                    .col(pk_uuid("id"))
                    .col(uuid("round_id"))
                    .col(uuid("body_id"))
                    .col(string_len("number", 64))
                    .col(date("signed_on"))
                    .col(string_len("signer", 200))
                    .col(string_len_null("file_name", 255))
                    .col(blob_null("file"))
                    .col(uuid("recorded_by"))
                    .col(timestamp_with_time_zone("recorded_at"))
                    .foreign_key(&mut foreign_key("reply_letters", "round_id", "review_rounds"))
                    .foreign_key(&mut foreign_key("reply_letters", "body_id", "bodies"))
                    .take(),
            )
            .await?;
        // A body never sends two letters under one number.
        manager
            .create_index(
                Index::create()
                    .name("ux_reply_letters_body_id_number")
                    .table("reply_letters")
                    .col("body_id")
                    .col("number")
                    .unique()
                    .take(),
            )
            .await?;
        manager.create_index(index("reply_letters", &["round_id"])).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["reply_letters", "consulted_bodies", "consultations"] {
            manager.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
