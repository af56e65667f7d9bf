//! A term's indicators on SQLite and PostgreSQL alike: adopted from the
//! fixture's table, one turned lower-is-better, and the report's results.

mod support;

use gopy_app::AppError;
use gopy_app::reports::NewReport;
use gopy_documents::ImportLimits;
use gopy_domain::ReportKind;
use gopy_domain::indicator::{Direction, Verdict, summarise};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use support::{file, story};
use time::macros::date;

on_both_engines! {
    async fn the_fixture_table_becomes_the_terms_indicators_and_their_direction_counts(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let term = app.create_term(None, "2020 - 2025", date!(2020 - 10 - 01), date!(2025 - 09 - 30)).await.expect("term");
        let report = app
            .create_report(&s.secretariat, NewReport {
                kind: ReportKind::MidTermReview,
                title: "Báo cáo sơ kết".into(),
                term: Some(term.id),
                body: Some(s.report.body),
                committee: Some(s.report.committee),
                drafters: vec![s.lead.user],
                lead: None,
            })
            .await
            .expect("report with a term");
        // The lead's roles as they are now that the new report is theirs too.
        let lead = app.actor_of(s.lead.user).await.expect("actor");
        app.add_version(&lead, report.id, file("so-ket-giua-nhiem-ky.v1.docx"), "", &ImportLimits::default()).await.expect("v1");
        assert!(matches!(app.adopt_indicators(&lead, report.id, 1).await, Err(AppError::Forbidden)));
        assert_eq!(app.adopt_indicators(&s.secretariat, report.id, 1).await.expect("adopted"), 24);
        assert_eq!(app.adopt_indicators(&s.secretariat, report.id, 1).await.expect("again"), 0, "known names are kept");
        let without_term = app.adopt_indicators(&s.secretariat, s.report.id, 1).await;
        assert!(matches!(without_term, Err(AppError::NotFound { .. }) | Err(AppError::Invalid { field: "term", .. })), "{without_term:?}");

        let read = app.version_indicators(&s.member, report.id, 1).await.expect("read");
        assert_eq!(read.indicators.len(), 24);
        let accidents = read.indicators.iter().find(|i| i.name.as_str().starts_with("Giảm tai nạn")).expect("row 24").id;
        app.set_indicator_direction(&s.secretariat, term.id, accidents, Direction::LowerIsBetter).await.expect("changed");
        let read = app.version_indicators(&s.member, report.id, 1).await.expect("read again");
        let rows = read.tables.into_iter().find_map(|(_, t)| t.ok()).expect("a table");
        let row = rows.iter().find(|r| r.name.starts_with("Giảm tai nạn")).expect("row 24");
        assert_eq!((row.direction, row.verdict), (Direction::LowerIsBetter, Some(Verdict::Exceeded)));
        assert_eq!(summarise(&rows).met_or_exceeded, 8, "the direction comes from the term's indicators");

        assert_eq!(app.record_indicator_results(&lead, report.id, 1, date!(2023 - 06 - 27)).await.expect("recorded"), 24);
        let results = app.indicator_results(&s.member, report.id).await.expect("results");
        assert_eq!(results.len(), 24);
        assert!(results.iter().all(|r| r.source == "Dự thảo lần 1" && r.as_of == date!(2023 - 06 - 27)));
        assert!(results.iter().any(|r| r.value == 3850.0), "3.850 is three thousand eight hundred and fifty");
    }
}
