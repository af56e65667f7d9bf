//! The writer: units of work committed together, each in its own savepoint.
//! A unit that fails or is dropped, even in the middle of a statement, is
//! rolled back alone and the others of its batch are stored; a COMMIT that
//! fails is reported to every unit of its batch. On SQLite the units below
//! are made to queue behind one held open, so they share one batch; on
//! PostgreSQL each runs in its own transaction and the same must hold.

use std::collections::BTreeSet;
use std::future::pending;
use std::sync::Arc;
use std::time::Duration;

use gopy_app::{Store, StoreError, UnitOfWork};
use gopy_domain::{AuditEvent, AuditEventId, Body, BodyId, GlobalRole, Name, UserId};
use gopy_store::testing::{TestDatabase, meeting_day};
use gopy_store::{Engine, SeaStore, on_both_engines};
use tokio::task::JoinHandle;

fn body(name: &str) -> Body {
    Body { id: BodyId::from_uuid(uuid::Uuid::now_v7()), name: Name::parse(name).expect("a name"), created_at: meeting_day() }
}

async fn names(store: &SeaStore) -> BTreeSet<String> {
    let mut reader = store.begin_read().await.expect("a read unit");
    reader.list_bodies().await.expect("bodies").into_iter().map(|b| b.name.to_string()).collect()
}

/// Waits until `n` units queue for the writer's turn (SQLite), so they land
/// in the batch of the unit that holds it; PostgreSQL has no queue.
async fn queued(store: &SeaStore, n: usize) {
    if store.engine() == Engine::Sqlite {
        while store.writes_waiting() < n {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
}

/// A unit that writes one body and commits.
fn good(store: &Arc<SeaStore>, name: &'static str) -> JoinHandle<Result<(), StoreError>> {
    let store = Arc::clone(store);
    tokio::spawn(async move {
        let mut uow = store.begin().await?;
        uow.insert_body(&body(name)).await?;
        uow.commit().await
    })
}

/// An event about `subject`: written by the store only when the unit reads
/// again or commits (SQLite's writer holds such writes back and sends them
/// in one round trip).
fn event(id: AuditEventId, subject: uuid::Uuid) -> AuditEvent {
    AuditEvent {
        id,
        occurred_at: meeting_day(),
        actor: None,
        action: "body.created".into(),
        subject_kind: "body".into(),
        subject_id: Some(subject),
        details: serde_json::json!({}),
    }
}

async fn events_about(store: &SeaStore, subject: uuid::Uuid) -> Vec<AuditEventId> {
    let mut reader = store.begin_read().await.expect("a read unit");
    reader.audit_events_about("body", subject).await.expect("events").into_iter().map(|e| e.id).collect()
}

on_both_engines! {
    async fn held_writes_refused_at_the_commit_are_undone_alone_and_the_batch_is_stored(db) {
        let store = Arc::new(db.store.clone());
        let subject = uuid::Uuid::now_v7();
        let mut first = store.begin().await.expect("the first unit");
        first.insert_body(&body("Văn phòng Tỉnh ủy")).await.expect("written");
        let failing = {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut uow = store.begin().await?;
                uow.record_audit_event(&event(AuditEventId::from_uuid(uuid::Uuid::now_v7()), subject)).await?;
                // The same event twice: the second is refused, at the latest
                // when the held writes reach the database at the commit.
                let twice = event(AuditEventId::from_uuid(uuid::Uuid::now_v7()), subject);
                uow.record_audit_event(&twice).await?;
                uow.record_audit_event(&twice).await?;
                uow.commit().await
            })
        };
        queued(&store, 1).await;
        let kept = AuditEventId::from_uuid(uuid::Uuid::now_v7());
        let after = {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut uow = store.begin().await?;
                uow.record_audit_event(&event(kept, subject)).await?;
                uow.commit().await
            })
        };
        queued(&store, 2).await;
        first.commit().await.expect("the first unit is committed");
        let refused = failing.await.expect("a task");
        assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
        after.await.expect("a task").expect("the unit after the refused one is committed");
        assert_eq!(events_about(&store, subject).await, vec![kept], "the refused unit's first event was kept");
        assert_eq!(names(&store).await.len(), 1);
    }

    async fn a_unit_reads_what_it_wrote_before(db) {
        let store = db.store.clone();
        let subject = uuid::Uuid::now_v7();
        let id = AuditEventId::from_uuid(uuid::Uuid::now_v7());
        let mut uow = store.begin().await.expect("a unit");
        uow.record_audit_event(&event(id, subject)).await.expect("held or written");
        assert_eq!(uow.audit_events_about("body", subject).await.expect("events").len(), 1);
        uow.commit().await.expect("committed");
        assert_eq!(events_about(&store, subject).await, vec![id]);
    }

    async fn a_failing_unit_is_rolled_back_alone_and_the_others_of_its_batch_are_stored(db) {
        let store = Arc::new(db.store.clone());
        let mut first = store.begin().await.expect("the first unit");
        first.insert_body(&body("Văn phòng Tỉnh ủy")).await.expect("written");
        let before = good(&store, "Ban Tổ chức Tỉnh ủy");
        let failing = {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut uow = store.begin().await?;
                uow.insert_body(&body("Ban Dân vận Tỉnh ủy")).await?;
                // The same name twice: refused, and the unit is dropped with its first write.
                uow.insert_body(&body("Ban Dân vận Tỉnh ủy")).await?;
                uow.commit().await
            })
        };
        queued(&store, 2).await;
        let after = good(&store, "Ban Tuyên giáo Tỉnh ủy");
        queued(&store, 3).await;
        first.commit().await.expect("the first unit is committed");
        before.await.expect("a task").expect("the unit before the failing one is committed");
        let refused = failing.await.expect("a task");
        assert!(matches!(refused, Err(StoreError::Conflict { .. })), "{refused:?}");
        after.await.expect("a task").expect("the unit after the failing one is committed");
        assert_eq!(
            names(&store).await,
            BTreeSet::from(["Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Văn phòng Tỉnh ủy"].map(String::from))
        );
    }

    async fn a_dropped_unit_leaves_nothing_even_when_dropped_in_the_middle_of_its_work(db) {
        let store = Arc::new(db.store.clone());
        let mut first = store.begin().await.expect("the first unit");
        first.insert_body(&body("Văn phòng Tỉnh ủy")).await.expect("written");
        // Dropped without a commit.
        let abandoned = {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut uow = store.begin().await.expect("a unit");
                uow.insert_body(&body("Ban Nội chính Tỉnh ủy")).await.expect("written");
            })
        };
        // Cancelled while it holds the turn, as a request is when its client
        // goes away: its future is dropped at an await, the unit inside it.
        let cancelled = {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let (began, cancel) = tokio::sync::oneshot::channel();
                let work = async {
                    let mut uow = store.begin().await.expect("a unit");
                    uow.insert_body(&body("Ủy ban Kiểm tra Tỉnh ủy")).await.expect("written");
                    let _ = began.send(());
                    pending::<()>().await;
                };
                tokio::select! {
                    () = work => {}
                    _ = cancel => {}
                }
            })
        };
        queued(&store, 2).await;
        let after = good(&store, "Ban Tuyên giáo Tỉnh ủy");
        queued(&store, 3).await;
        first.commit().await.expect("the first unit is committed");
        abandoned.await.expect("a task");
        cancelled.await.expect("a task");
        after.await.expect("a task").expect("the unit after the dropped ones is committed");
        assert_eq!(names(&store).await, BTreeSet::from(["Ban Tuyên giáo Tỉnh ủy", "Văn phòng Tỉnh ủy"].map(String::from)));
        // The writer, and every pooled connection, is out of any transaction:
        // the next units write and read as usual.
        good(&store, "Ban Dân vận Tỉnh ủy").await.expect("a task").expect("a later unit is committed");
        assert_eq!(names(&store).await.len(), 3);
    }

    async fn units_committed_together_are_each_answered_and_all_stored(db) {
        let store = Arc::new(db.store.clone());
        let names_to_write: Vec<String> = (1..=40).map(|n| format!("Đảng ủy xã số {n}")).collect();
        let tasks: Vec<_> = names_to_write
            .iter()
            .cloned()
            .map(|name| {
                let store = Arc::clone(&store);
                tokio::spawn(async move {
                    let mut uow = store.begin().await?;
                    uow.insert_body(&body(&name)).await?;
                    uow.commit().await
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("a task").expect("committed");
        }
        assert_eq!(names(&store).await, names_to_write.into_iter().collect());
    }
}

/// SQLite: a unit whose foreign key is checked only at COMMIT makes the
/// batch's COMMIT fail; every unit of the batch hears of it, none of their
/// writes is stored, and the writer goes on with the next batch.
#[tokio::test]
async fn a_failed_group_commit_is_reported_to_every_unit_of_its_batch() {
    let db = TestDatabase::sqlite().await;
    let store = Arc::new(db.store.clone());
    let mut first = store.begin_deferring_foreign_keys().await.expect("the first unit");
    first.insert_body(&body("Văn phòng Tỉnh ủy")).await.expect("written");
    // A role for nobody: the foreign key is checked at COMMIT.
    first.grant_global_role(UserId::from_uuid(uuid::Uuid::now_v7()), GlobalRole::Admin, meeting_day()).await.expect("deferred");
    let others = [good(&store, "Ban Tổ chức Tỉnh ủy"), good(&store, "Ban Tuyên giáo Tỉnh ủy")];
    queued(&store, 2).await;
    let refused = first.commit().await;
    assert!(refused.is_err(), "the unit that broke the key was answered {refused:?}");
    for other in others {
        let refused = other.await.expect("a task");
        assert!(refused.is_err(), "a unit of the failed batch was answered {refused:?}");
    }
    assert!(names(&store).await.is_empty(), "a write of the failed batch was stored");
    good(&store, "Ban Dân vận Tỉnh ủy").await.expect("a task").expect("the next batch commits");
    assert_eq!(names(&store).await.len(), 1);
    db.finish().await;
}

/// A unit held open makes the others wait, however long: the turn is
/// the writer's only lock, so nothing is lost while waiting.
#[tokio::test]
async fn units_wait_for_the_turn_and_read_the_batch_they_join() {
    let db = TestDatabase::sqlite().await;
    let store = Arc::new(db.store.clone());
    let mut first = store.begin().await.expect("the first unit");
    first.insert_body(&body("Văn phòng Tỉnh ủy")).await.expect("written");
    let second = {
        let store = Arc::clone(&store);
        tokio::spawn(async move {
            let mut uow: Box<dyn UnitOfWork> = store.begin().await?;
            // Released into the batch before this unit began, so it is seen.
            let seen = uow.list_bodies().await?.len();
            uow.insert_body(&body("Ban Tổ chức Tỉnh ủy")).await?;
            uow.commit().await?;
            Ok::<usize, StoreError>(seen)
        })
    };
    queued(&store, 1).await;
    first.commit().await.expect("committed");
    assert_eq!(second.await.expect("a task").expect("committed"), 1);
    assert_eq!(names(&store).await.len(), 2);
    db.finish().await;
}
