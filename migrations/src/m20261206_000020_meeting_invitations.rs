//! What a meeting's calendar invitations need: the iCalendar SEQUENCE the
//! last invitation, update or cancellation carried (raised with each, so a
//! calendar program moves its one event rather than adding another), and
//! for a meeting called off, why, by whom and when. The status column takes
//! `cancelled` as it is.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: [&str; 4] = ["sequence", "cancel_reason", "cancelled_by", "cancelled_at"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite adds one at a time.
        let columns = [
            integer("sequence").default(0).take(),
            text_null("cancel_reason").take(),
            uuid_null("cancelled_by").take(),
            timestamp_with_time_zone_null("cancelled_at").take(),
        ];
        for mut column in columns {
            manager.alter_table(Table::alter().table("meetings").add_column(&mut column).take()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in COLUMNS {
            manager.alter_table(Table::alter().table("meetings").drop_column(column).take()).await?;
        }
        Ok(())
    }
}
