//! What the web crate's test binaries share: the draft report each of them
//! sets up, made through the real use case.

use gopy_app::App;
use gopy_app::reports::NewReport;
use gopy_domain::{Actor, BodyId, CommitteeId, Report, ReportKind, UserId};

/// The story's mid-term review, presented by `body`, reviewed by
/// `committee`, drafted by a team of one whose lead is `lead`.
pub async fn mid_term_review(app: &App, secretariat: &Actor, body: BodyId, committee: CommitteeId, lead: UserId) -> Report {
    app.create_report(
        secretariat,
        NewReport {
            kind: ReportKind::MidTermReview,
            title: "Báo cáo sơ kết giữa nhiệm kỳ".to_owned(),
            term: None,
            body: Some(body),
            committee: Some(committee),
            drafters: vec![lead],
            lead: Some(lead),
        },
    )
    .await
    .expect("report")
}
