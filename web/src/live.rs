//! Live updates: people looking at a report see new comments and answers
//! appear without reloading. A handler announces a change once its use case
//! has committed; the report's pages listen with server-sent events.
//!
//! Within one process the change goes through a broadcast channel. With
//! several `gopy serve` instances on one PostgreSQL database it also goes
//! out as a `NOTIFY` on [`CHANNEL`], sent after the commit (see
//! `SeaStore::notify` for why not inside the transaction); every instance
//! listens there and hands what others sent to its own channel. On SQLite
//! there is one instance, and the channel alone is enough.

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use std::sync::Arc;

use gopy_domain::{CommentId, ReportId};
use gopy_store::{Heard, SeaStore};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

/// The PostgreSQL channel the instances tell each other on.
pub const CHANNEL: &str = "gopy_live";

/// What changed on a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    #[serde(skip)]
    pub report: ReportId,
    /// The thread to redraw: the comment, or the comment a reply answers;
    /// none when the change is the report's own (a version, a round).
    pub thread: Option<CommentId>,
    pub kind: ChangeKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// A comment was made, on the report's page or from a meeting's minutes.
    Posted,
    Replied,
    Edited,
    Withdrawn,
    /// The comment's disposition was given or changed.
    Answered,
    /// A new version of the report was added.
    Version,
    /// A round of comments on the report was opened, closed or changed.
    Round,
}

impl Change {
    /// A change to one thread of the report.
    pub fn thread(report: ReportId, thread: CommentId, kind: ChangeKind) -> Self {
        Self { report, thread: Some(thread), kind }
    }

    /// A change to the report itself, which its pages show whole.
    pub fn report(report: ReportId, kind: ChangeKind) -> Self {
        Self { report, thread: None, kind }
    }
}

/// A change as it travels between instances: with its report, and the
/// instance that made it, which has told its own pages already.
#[derive(Debug, Serialize, Deserialize)]
struct Notice {
    origin: Uuid,
    report: ReportId,
    thread: Option<CommentId>,
    kind: ChangeKind,
}

/// What the channel carries to the streams.
#[derive(Clone, Copy, Debug)]
enum Told {
    Change(Change),
    /// Changes may have been missed: every page reloads what it shows.
    Reload,
}

/// The announcer, shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct Live {
    changes: broadcast::Sender<Told>,
    stopping: watch::Receiver<bool>,
    /// How this instance tells the others, when there are others (PostgreSQL).
    others: Option<Arc<Others>>,
}

struct Others {
    store: SeaStore,
    /// This instance, so it skips what it sent itself.
    origin: Uuid,
}

impl Live {
    /// `stopping` turns true when the server shuts down, ending every stream
    /// so a graceful stop is not held up by open pages.
    pub fn new(stopping: watch::Receiver<bool>) -> Self {
        Self { changes: broadcast::channel(1024).0, stopping, others: None }
    }

    /// Also tells, and hears from, the other instances on `store`'s
    /// database: listens there until stopping (nothing to do on SQLite).
    /// Returns once listening has been tried, so what others announce after
    /// this instance starts serving reaches its pages.
    pub async fn with_others(mut self, store: SeaStore) -> Self {
        let origin = Uuid::now_v7();
        let changes = self.changes.clone();
        let listening = store
            .listen(CHANNEL, self.stopping.clone(), move |heard| {
                let told = match heard {
                    Heard::Notice(payload) => match serde_json::from_str::<Notice>(&payload) {
                        Ok(notice) if notice.origin == origin => return,
                        Ok(Notice { report, thread, kind, .. }) => Told::Change(Change { report, thread, kind }),
                        Err(e) => {
                            tracing::warn!(error = %e, "a live update from another instance could not be read");
                            return;
                        }
                    },
                    Heard::Gap => Told::Reload,
                };
                let _ = changes.send(told);
            })
            .await;
        if listening.is_some() {
            self.others = Some(Arc::new(Others { store, origin }));
        }
        self
    }

    /// Tells whoever looks at `change.report`, here and on the other
    /// instances. Nobody looking is fine; another instance that cannot be
    /// told is logged, and the change shows there at the next reload.
    pub async fn announce(&self, change: Change) {
        let _ = self.changes.send(Told::Change(change));
        let Some(others) = &self.others else { return };
        let notice = Notice { origin: others.origin, report: change.report, thread: change.thread, kind: change.kind };
        let payload = match serde_json::to_string(&notice) {
            Ok(payload) => payload,
            Err(e) => {
                tracing::warn!(error = %e, "a live update could not be written for other instances");
                return;
            }
        };
        if let Err(e) = others.store.notify(CHANNEL, &payload).await {
            tracing::warn!(error = %e, "a live update could not be sent to other instances");
        }
    }

    /// The changes of one report as a stream of server-sent events.
    pub fn events(&self, report: ReportId) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
        let state = (self.changes.subscribe(), self.stopping.clone());
        let stream = futures_util::stream::unfold(state, move |(mut changes, mut stopping)| async move {
            loop {
                let event = tokio::select! {
                    received = changes.recv() => match received {
                        Ok(Told::Change(change)) if change.report == report => {
                            // A thread is redrawn in place; a change to the
                            // report itself asks the page to show it anew.
                            let name = if change.thread.is_some() { "change" } else { "report" };
                            Event::default().event(name).json_data(change).unwrap_or_default()
                        }
                        Ok(Told::Change(_)) => continue,
                        Ok(Told::Reload) => Event::default().event("reload").data("missed"),
                        // Fell behind: the page reloads what it shows.
                        Err(broadcast::error::RecvError::Lagged(_)) => Event::default().event("reload").data("lagged"),
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    _ = stopping.wait_for(|stop| *stop) => return None,
                };
                return Some((Ok(event), (changes, stopping)));
            }
        });
        Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
    }
}
