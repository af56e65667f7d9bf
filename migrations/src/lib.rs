//! Gopy's schema, one migration per change, on SQLite and PostgreSQL alike.
//!
//! Migrations name tables and columns with plain strings and never import the
//! store's entity types: entities follow the current schema, while an old
//! migration must keep describing the schema as it was.

pub use sea_orm_migration::prelude::*;

mod common;
mod m20261125_000001_organisation;
mod m20261125_000002_accounts;
mod m20261201_000003_reports;
mod m20261201_000004_comments;
mod m20261201_000005_notifier;
mod m20261201_000006_meetings;
mod m20261201_000007_rounds;
mod m20261201_000008_indicators;
mod m20261201_000009_search;
mod m20261206_000010_report_change_count;
mod m20261206_000011_block_labels;
mod m20261206_000012_comments_by_author;
mod m20261206_000013_agenda_drafts;
mod m20261206_000014_comment_withdrawals;
mod m20261206_000015_revisions;
mod m20261206_000016_reminders;
mod m20261206_000017_comments_for_bodies;
mod m20261206_000018_report_revisions;
mod m20261206_000019_working_calendar;
mod m20261206_000020_meeting_invitations;
mod m20261206_000021_consultations;
mod m20261206_000022_word_files;
mod m20261206_000023_answer_desk;
mod m20261206_000026_change_tables;
mod m20261206_000027_disputes;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261125_000001_organisation::Migration),
            Box::new(m20261125_000002_accounts::Migration),
            Box::new(m20261201_000003_reports::Migration),
            Box::new(m20261201_000004_comments::Migration),
            Box::new(m20261201_000005_notifier::Migration),
            Box::new(m20261201_000006_meetings::Migration),
            Box::new(m20261201_000007_rounds::Migration),
            Box::new(m20261201_000008_indicators::Migration),
            Box::new(m20261201_000009_search::Migration),
            Box::new(m20261206_000010_report_change_count::Migration),
            Box::new(m20261206_000011_block_labels::Migration),
            Box::new(m20261206_000012_comments_by_author::Migration),
            Box::new(m20261206_000013_agenda_drafts::Migration),
            Box::new(m20261206_000014_comment_withdrawals::Migration),
            Box::new(m20261206_000015_revisions::Migration),
            Box::new(m20261206_000016_reminders::Migration),
            Box::new(m20261206_000017_comments_for_bodies::Migration),
            Box::new(m20261206_000018_report_revisions::Migration),
            Box::new(m20261206_000019_working_calendar::Migration),
            Box::new(m20261206_000020_meeting_invitations::Migration),
            Box::new(m20261206_000021_consultations::Migration),
            Box::new(m20261206_000022_word_files::Migration),
            Box::new(m20261206_000023_answer_desk::Migration),
            Box::new(m20261206_000026_change_tables::Migration),
            Box::new(m20261206_000027_disputes::Migration),
        ]
    }
}
