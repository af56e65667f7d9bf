//! Draft reports, drafting teams and versions on SQLite and PostgreSQL alike,
//! through the real use cases, with the fixture reports.

mod support;

use gopy_app::reports::{ExportFormat, NewReport, VersionInput};
use gopy_app::{AppError, InvalidReason};
use gopy_documents::ImportLimits;
use gopy_domain::document::align::ChangeKind;
use gopy_domain::{ReportKind, VersionSource};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use support::{file, story};

on_both_engines! {
    async fn a_report_is_set_up_with_its_drafting_team_and_an_audit_event(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let detail = app.report_detail(&s.member, s.report.id).await.expect("the member reads it");
        assert_eq!(detail.report, s.report);
        assert_eq!(detail.team.len(), 2);
        assert!(detail.team[0].lead, "the lead comes first");
        assert_eq!(detail.team[0].user, s.lead.user);
        assert!(s.lead.drafts(s.report.id), "the lead's roles include the report");
        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        let events = uow.audit_events_about("report", s.report.id.as_uuid()).await.expect("events");
        assert_eq!(events.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(), ["report.created"]);
    }

    async fn the_fixture_versions_are_made_and_passages_carried_on_keep_their_ids(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let limits = ImportLimits::default();
        let v1 = app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.md"), "", &limits).await.expect("v1");
        let v2 = app
            .add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v2.docx"), "Tiếp thu ý kiến ngày 27/6", &limits)
            .await
            .expect("v2");
        assert_eq!((v1.number, v2.number), (1, 2));
        assert_eq!((v1.source, v2.source), (VersionSource::Markdown, VersionSource::Docx));
        let (_, stored) = app.version(&s.member, s.report.id, 2).await.expect("v2 read back");
        assert_eq!(stored, v2, "a version reads back exactly as it was made");

        let diff = app.diff(&s.member, s.report.id, 1, 2).await.expect("diff");
        for change in &diff.alignment.changes {
            if let (Some(old), Some(new)) = (change.old, change.new)
                && matches!(change.kind, ChangeKind::Kept | ChangeKind::Changed)
            {
                assert_eq!(v1.blocks[old].id, v2.blocks[new].id, "{change:?} keeps its block id");
            }
        }
        let counts = diff.alignment.counts();
        assert_eq!((counts.changed, counts.removed), (5, 0), "{counts:?}");

        let summaries = app.report_detail(&s.member, s.report.id).await.expect("detail").versions;
        assert_eq!(summaries.iter().map(|v| v.number).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(summaries[1].change_note.as_deref(), Some("Tiếp thu ý kiến ngày 27/6"));
        assert_eq!(summaries[1].word_count as usize, v2.word_count());
    }

    async fn a_file_that_cannot_be_read_is_refused_and_leaves_no_version(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let pdf = VersionInput::File { bytes: b"%PDF-1.7 not a draft".to_vec(), file_name: Some("du-thao.docx".into()) };
        let refused = app.add_version(&s.lead, s.report.id, pdf, "", &ImportLimits::default()).await;
        assert!(
            matches!(refused, Err(AppError::Invalid { field: "file", reason: InvalidReason::Import(_) })),
            "{refused:?}"
        );
        let empty = app.add_version(&s.lead, s.report.id, VersionInput::Markdown("  \n".into()), "", &ImportLimits::default()).await;
        assert!(matches!(empty, Err(AppError::Invalid { field: "markdown", .. })), "{empty:?}");
        assert!(app.report_detail(&s.lead, s.report.id).await.expect("detail").versions.is_empty());
    }

    async fn only_the_committee_the_team_and_the_secretariat_see_a_report_and_only_the_team_adds_versions(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let hidden = app.report_detail(&s.stranger, s.report.id).await;
        assert!(matches!(hidden, Err(AppError::NotFound { what: "report" })), "another committee's member: {hidden:?}");
        assert!(app.reports_for(&s.stranger).await.expect("list").is_empty());
        assert_eq!(app.reports_for(&s.member).await.expect("list").len(), 1);
        let by_member = app.add_version(&s.member, s.report.id, VersionInput::Markdown("# Dự thảo".into()), "", &ImportLimits::default()).await;
        assert!(matches!(by_member, Err(AppError::Forbidden)), "{by_member:?}");
        let by_office = app.add_version(&s.secretariat, s.report.id, VersionInput::Markdown("# Dự thảo".into()), "", &ImportLimits::default()).await;
        assert!(by_office.is_ok(), "{by_office:?}");
        let refused = app.create_report(&s.member, NewReport {
            kind: ReportKind::Other, title: "Báo cáo".into(), term: None, body: None, committee: None, drafters: vec![], lead: None,
        }).await;
        assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    }

    async fn a_version_exported_to_word_and_markdown_reads_back_as_the_same_blocks(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let limits = ImportLimits::default();
        let v1 = app.add_version(&s.lead, s.report.id, file("so-ket-giua-nhiem-ky.v1.docx"), "", &limits).await.expect("v1");
        for (format, extension) in [(ExportFormat::Docx, "docx"), (ExportFormat::Markdown, "md")] {
            let download = app.export_version(&s.member, s.report.id, 1, format).await.expect("export");
            assert!(download.file_name.ends_with(&format!(" - Dự thảo lần 1.{extension}")), "{}", download.file_name);
            let again = app
                .add_version(&s.lead, s.report.id, VersionInput::File { bytes: download.bytes, file_name: None }, "", &limits)
                .await
                .expect("re-imported");
            let contents = |v: &gopy_domain::Version| v.blocks.iter().map(|b| b.content.clone()).collect::<Vec<_>>();
            assert_eq!(contents(&again), contents(&v1), "{extension} round trip");
            let ids = |v: &gopy_domain::Version| v.blocks.iter().map(|b| b.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&again), ids(&v1), "an unchanged version keeps every block id");
        }
    }

    async fn a_report_needs_a_body_a_committee_and_a_team_whose_lead_is_on_it(db) {
        let app = db.app_at(meeting_day());
        let s = story(&app).await;
        let base = NewReport {
            kind: ReportKind::SelfAssessment,
            title: "Báo cáo kiểm điểm".into(),
            term: None,
            body: Some(s.report.body),
            committee: Some(s.report.committee),
            drafters: vec![s.lead.user],
            lead: None,
        };
        let cases = [
            (NewReport { title: "   ".into(), ..base.clone() }, "title"),
            (NewReport { body: None, ..base.clone() }, "body"),
            (NewReport { committee: None, ..base.clone() }, "committee"),
            (NewReport { drafters: vec![], ..base.clone() }, "drafters"),
            (NewReport { lead: Some(s.member.user), ..base.clone() }, "drafters"),
        ];
        for (new, expected) in cases {
            match app.create_report(&s.secretariat, new).await {
                Err(AppError::Invalid { field, .. }) => assert_eq!(field, expected),
                other => panic!("{expected}: {other:?}"),
            }
        }
        assert!(app.create_report(&s.secretariat, base).await.is_ok());
    }
}
