//! Notices between the instances of Gopy that share one PostgreSQL database,
//! through its `LISTEN`/`NOTIFY`: what one instance announces (a new comment,
//! an answer) reaches the pages served by every other one.
//!
//! On SQLite there is one instance per database file, so there is nobody
//! else to tell: sending does nothing and nothing listens.
//!
//! A notice is a hint to redraw, not a record: the record is the committed
//! row. A notice lost while an instance was cut off from the database is
//! made up for by [`Heard::Gap`], on which pages reload what they show.

use std::time::Duration;

use gopy_app::StoreError;
use sea_orm::sqlx;
use sea_orm::sqlx::postgres::PgListener;
use tokio::sync::watch;

use crate::connect::{Engine, SeaStore};

/// What a listening instance hears.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Heard {
    /// A notice's payload, as it was sent.
    Notice(String),
    /// The listener was cut off from the database and is back: notices sent
    /// meanwhile are lost (PostgreSQL keeps none for a listener that is gone).
    Gap,
}

/// The longest wait between two attempts to listen again while the database
/// is away; the first retry comes sooner.
const MOST_BETWEEN_RETRIES: Duration = Duration::from_secs(5);

impl SeaStore {
    /// Sends `payload` to every instance listening on `channel`, this one
    /// included. Does nothing on SQLite.
    ///
    /// Called after the unit of work that made the change has committed, so
    /// nobody redraws before the change can be read. Sent outside that unit,
    /// a notice is lost if the process dies between the commit and this
    /// call: the change is there and shows at the next reload.
    pub async fn notify(&self, channel: &str, payload: &str) -> Result<(), StoreError> {
        if self.engine() != Engine::Postgres {
            return Ok(());
        }
        let pool = self.db.get_postgres_connection_pool();
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(channel)
            .bind(payload)
            .execute(pool)
            .await
            .map(drop)
            .map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// Listens on `channel` until `stopping` turns true, handing each notice
    /// to `heard`. On PostgreSQL it returns the listening task; on SQLite,
    /// `None`, since no other instance can send.
    ///
    /// The listener holds one connection of its own, outside the pool, so it
    /// takes no connection from requests. When the database goes away it
    /// tries again, waiting a little longer each time (up to
    /// [`MOST_BETWEEN_RETRIES`]), and says [`Heard::Gap`] once it is back.
    ///
    /// Returns once the first attempt to listen has succeeded or failed, so
    /// an instance that starts serving hears what others send from then on.
    pub async fn listen(
        &self,
        channel: &str,
        mut stopping: watch::Receiver<bool>,
        heard: impl Fn(Heard) + Send + Sync + 'static,
    ) -> Option<tokio::task::JoinHandle<()>> {
        if self.engine() != Engine::Postgres {
            return None;
        }
        let url = self.url.clone();
        let channel = channel.to_owned();
        let (first_tried, tried) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(async move {
            let mut first_tried = Some(first_tried);
            let mut cut_off = false;
            let mut wait = Duration::from_millis(100);
            loop {
                let listened = tokio::select! {
                    listened = listen_once(&url, &channel, &heard, &mut cut_off, &mut first_tried) => listened,
                    _ = stopping.wait_for(|stop| *stop) => return,
                };
                if let Some(first) = first_tried.take() {
                    let _ = first.send(());
                }
                if let Err(e) = listened {
                    if !cut_off {
                        // It was listening until now: a short wait first.
                        tracing::warn!(error = %e, channel, "live updates from other instances stopped; listening again");
                        wait = Duration::from_millis(100);
                    }
                    cut_off = true;
                }
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    _ = stopping.wait_for(|stop| *stop) => return,
                }
                wait = (wait * 2).min(MOST_BETWEEN_RETRIES);
            }
        });
        // The task ends only on stopping, after it has tried once.
        let _ = tried.await;
        Some(task)
    }
}

/// One connection's life: listens, hands on what it hears, and returns the
/// error that ended it. `cut_off` says an earlier connection was lost.
async fn listen_once(
    url: &str,
    channel: &str,
    heard: &(impl Fn(Heard) + Send + Sync),
    cut_off: &mut bool,
    first_tried: &mut Option<tokio::sync::oneshot::Sender<()>>,
) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(channel).await?;
    if let Some(first) = first_tried.take() {
        let _ = first.send(());
    }
    if std::mem::take(cut_off) {
        tracing::info!(channel, "live updates from other instances resumed");
        heard(Heard::Gap);
    }
    loop {
        // `None`: the connection was lost and made again at once (sqlx
        // listens on the channel again by itself); what was sent between is lost.
        match listener.try_recv().await? {
            Some(notice) => heard(Heard::Notice(notice.payload().to_owned())),
            None => heard(Heard::Gap),
        }
    }
}
