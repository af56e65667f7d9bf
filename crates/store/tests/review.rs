//! The review screen's store queries on SQLite and PostgreSQL alike: labels
//! stored with each version (and filled for older versions after
//! migrating), comments counted per passage by one aggregate, and pages of
//! threads in the order of the document, walked by key.

mod support;

use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::ports::{Passages, ThreadFilter, ThreadQuery};
use gopy_app::{Store, UnitOfWork};
use gopy_documents::ImportLimits;
use gopy_domain::document::BlockId;
use gopy_domain::document::label::citation_labels;
use gopy_domain::{CommentCounts, CommentId, DispositionKind, Version, VersionId};
use gopy_store::on_both_engines;
use gopy_store::testing::{TestDatabase, meeting_day};
use sea_orm::ConnectionTrait;
use support::{file, story};

fn expected_labels(version: &Version) -> Vec<(BlockId, String)> {
    let labels = citation_labels(version.blocks.iter().map(|b| &b.content));
    version.blocks.iter().map(|b| b.id.clone()).zip(labels).collect()
}

async fn reader(db: &TestDatabase) -> Box<dyn UnitOfWork> {
    db.store.begin_read().await.expect("a read unit of work")
}

/// Every thread shown on `version`, `size` at a time.
async fn walk(db: &TestDatabase, version: VersionId, size: u64) -> Vec<CommentId> {
    let mut walked = Vec::new();
    let mut after = None;
    loop {
        let query = ThreadQuery { version, passages: Passages::All, filter: ThreadFilter::default(), after, limit: size };
        let page = reader(db).await.thread_page(&query).await.expect("a page");
        walked.extend(page.iter().map(|p| p.key.comment));
        match page.last() {
            Some(last) if page.len() as u64 == size => after = Some(last.key),
            _ => return walked,
        }
    }
}

on_both_engines! {
    async fn labels_are_stored_with_each_version_and_filled_for_older_ones_after_migrating(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let v1 = app
            .add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default())
            .await
            .expect("v1");
        let expected = expected_labels(&v1);
        assert!(expected.iter().any(|(_, label)| label.starts_with("II")), "{expected:?}");
        assert_eq!(reader(db).await.block_labels(v1.id).await.expect("labels"), expected);

        // A version made before labels were stored has none, until the next migration.
        let raw = sea_orm::Database::connect(db.url.as_str()).await.expect("a second connection");
        raw.execute_unprepared("DELETE FROM block_labels").await.expect("forget the labels");
        raw.close().await.expect("closed");
        assert!(reader(db).await.block_labels(v1.id).await.expect("labels").is_empty());
        db.store.migrate().await.expect("migrate");
        assert_eq!(reader(db).await.block_labels(v1.id).await.expect("labels"), expected);
        db.store.migrate().await.expect("migrate again");
        assert_eq!(reader(db).await.block_labels(v1.id).await.expect("labels"), expected, "filled once");
    }

    async fn passages_are_counted_by_one_aggregate_and_threads_walk_in_document_order(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let v1 = app
            .add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &ImportLimits::default())
            .await
            .expect("v1");
        // Later blocks first, so the order of the document is not the order of making.
        for (k, block) in v1.blocks.iter().rev().step_by(3).enumerate() {
            let anchor = if k % 4 == 3 {
                NewAnchor::default()
            } else {
                NewAnchor { block: Some(block.id.to_string()), ..NewAnchor::default() }
            };
            let new = NewComment { version: 1, anchor, body: format!("Ý kiến {k}"), on_behalf_of: None, at_meeting: false };
            let posted = app.post_comment(&s.member, s.report.id, new).await.expect("comment");
            if k % 2 == 0 {
                app.answer_comment(&s.lead, (posted.id, None), DispositionKind::Explained, "Giải trình.", None).await.expect("answer");
            }
        }
        // Published, so the member counts the answers the team counts.
        app.publish_answers(&s.lead, s.report.id).await.expect("published");
        let review = app.review(&s.member, s.report.id).await.expect("review");
        let counted = reader(db).await.passage_counts(v1.id).await.expect("counts");
        let mut counts = CommentCounts::default();
        for c in &counted {
            counts.add(c.withdrawn, c.disposition, c.n);
        }
        assert_eq!(counts, review.counts);
        assert!(counted.iter().any(|c| c.block.is_none()), "the whole report's comments are counted apart");

        // Two at a time or all at once: the order the review has always shown.
        let in_order: Vec<CommentId> = review.threads.iter().map(|t| t.comment.id).collect();
        assert_eq!(walk(db, v1.id, 2).await, in_order);
        assert_eq!(walk(db, v1.id, 1_000).await, in_order);
    }
}
