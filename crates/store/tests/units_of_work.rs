//! Units of work on SQLite and PostgreSQL alike: a unit that only reads runs
//! beside an open writer and sees only what was committed; writing through
//! it is refused, and the connection it used writes again for the next writer.

use std::time::Duration;

use gopy_app::Store;
use gopy_domain::{Body, BodyId, Name};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;

fn body(name: &str) -> Body {
    Body { id: BodyId::from_uuid(uuid::Uuid::now_v7()), name: Name::parse(name).expect("a name"), created_at: meeting_day() }
}

on_both_engines! {
    async fn a_read_unit_runs_beside_an_open_writer_and_sees_only_what_was_committed(db) {
        let app = db.app_at(meeting_day());
        app.create_body(None, "Văn phòng Tỉnh ủy").await.expect("a body");
        let mut writer = db.store.begin().await.expect("a writer");
        writer.insert_body(&body("Ban Tổ chức Tỉnh ủy")).await.expect("written, not yet committed");

        let mut reader = tokio::time::timeout(Duration::from_secs(3), db.store.begin_read())
            .await
            .expect("a read unit does not wait for the writer")
            .expect("a read unit");
        let names: Vec<String> = reader.list_bodies().await.expect("read").into_iter().map(|b| b.name.to_string()).collect();
        assert_eq!(names, ["Văn phòng Tỉnh ủy"]);
        drop(reader);

        writer.commit().await.expect("committed");
        let mut reader = db.store.begin_read().await.expect("a read unit");
        assert_eq!(reader.list_bodies().await.expect("read").len(), 2);
    }

    async fn writing_through_a_read_unit_is_refused_and_the_next_writer_is_unharmed(db) {
        let mut reader = db.store.begin_read().await.expect("a read unit");
        assert!(reader.insert_body(&body("Ban Nội chính Tỉnh ủy")).await.is_err(), "a read unit wrote");
        drop(reader);
        // Every connection of the pool has served a read unit; writers still write.
        let mut readers = Vec::new();
        for _ in 0..5 {
            readers.push(db.store.begin_read().await.expect("a read unit"));
        }
        drop(readers);
        let app = db.app_at(meeting_day());
        for name in ["Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo Tỉnh ủy", "Ủy ban Kiểm tra Tỉnh ủy"] {
            app.create_body(None, name).await.expect("a writer after the readers");
        }
        assert_eq!(app.list_bodies().await.expect("listed").len(), 3);
    }
}
