//! Live updates: people looking at a report see new comments and answers
//! appear without reloading. A handler announces a change once its use case
//! has committed; the report's pages listen with server-sent events.
//!
//! The channel lives in this process: with several `gopy serve` instances
//! behind a load balancer, a change reaches those looking through the same
//! instance only (PostgreSQL's LISTEN/NOTIFY is the way across, not yet built).

use std::convert::Infallible;
use std::time::Duration;

use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use gopy_domain::{CommentId, ReportId};
use serde::Serialize;
use tokio::sync::{broadcast, watch};

/// What changed on a report.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Change {
    #[serde(skip)]
    pub report: ReportId,
    /// The thread to redraw: the comment, or the comment a reply answers.
    pub thread: CommentId,
    /// `posted`, `replied`, `edited`, `withdrawn` or `answered`.
    pub kind: &'static str,
}

/// The announcer, shared by every handler; cheap to clone.
#[derive(Clone)]
pub struct Live {
    changes: broadcast::Sender<Change>,
    stopping: watch::Receiver<bool>,
}

impl Live {
    /// `stopping` turns true when the server shuts down, ending every stream
    /// so a graceful stop is not held up by open pages.
    pub fn new(stopping: watch::Receiver<bool>) -> Self {
        Self { changes: broadcast::channel(1024).0, stopping }
    }

    /// Tells whoever looks at `change.report`. Nobody looking is fine.
    pub fn announce(&self, change: Change) {
        let _ = self.changes.send(change);
    }

    /// The changes of one report as a stream of server-sent events.
    pub fn events(&self, report: ReportId) -> Sse<impl Stream<Item = Result<Event, Infallible>> + use<>> {
        let state = (self.changes.subscribe(), self.stopping.clone());
        let stream = futures_util::stream::unfold(state, move |(mut changes, mut stopping)| async move {
            loop {
                let event = tokio::select! {
                    received = changes.recv() => match received {
                        Ok(change) if change.report == report => {
                            Event::default().event("change").json_data(change).unwrap_or_default()
                        }
                        Ok(_) => continue,
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
