//! Notices between instances: on PostgreSQL what one sends, every listener
//! on the database hears; on SQLite, one instance per file, nothing listens.

use std::time::Duration;

use gopy_store::{Engine, Heard, on_both_engines};

on_both_engines! {
    async fn a_notice_sent_reaches_the_listener_on_postgresql_only(db) {
        let (heard_tx, mut heard) = tokio::sync::mpsc::unbounded_channel();
        let (stop, stopping) = tokio::sync::watch::channel(false);
        let listening = db.store.listen("gopy_test", stopping, move |h| { let _ = heard_tx.send(h); }).await;
        db.store.notify("gopy_test", "{\"thread\":\"ý kiến\"}").await.expect("sent");
        match db.engine() {
            Engine::Sqlite => assert!(listening.is_none(), "no other instance to hear on SQLite"),
            Engine::Postgres => {
                let listening = listening.expect("a listener on PostgreSQL");
                let got = tokio::time::timeout(Duration::from_secs(10), heard.recv()).await;
                assert_eq!(got, Ok(Some(Heard::Notice("{\"thread\":\"ý kiến\"}".to_owned()))));
                stop.send(true).expect("the listener is there");
                listening.await.expect("the listener stops when told");
            }
        }
    }
}
