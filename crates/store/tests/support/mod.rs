//! The story the report and comment tests share: the secretariat, a
//! committee with a member, another committee's member, and a drafting team.

#![allow(dead_code)] // each test file uses its own part of the story

use gopy_app::App;
use gopy_app::organisation::NewUser;
use gopy_app::reports::{NewReport, VersionInput};
use gopy_domain::{Actor, CommitteeRole, GlobalRole, Language, Report, ReportKind, User};

pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/reports/");

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub fn file(name: &str) -> VersionInput {
    VersionInput::File { bytes: fixture(name), file_name: Some(name.to_owned()) }
}

/// The story of DESIGN.md in small: the secretariat, a committee with a
/// member, another committee's member, and a drafting team of two.
pub struct Story {
    pub secretariat: Actor,
    pub member: Actor,
    pub chair: Actor,
    pub stranger: Actor,
    pub lead: Actor,
    pub drafter: Actor,
    pub report: Report,
}

pub async fn person(app: &App, email: &str, name: &str, roles: Vec<GlobalRole>) -> User {
    let new = NewUser {
        email: email.to_owned(),
        name: name.to_owned(),
        title: None,
        body: None,
        language: Language::Vi,
        global_roles: roles,
    };
    app.create_user(None, new).await.expect("person created")
}

pub async fn story(app: &App) -> Story {
    let office = person(app, "vp@tinhuy.vn", "Lê Văn Phòng", vec![GlobalRole::Secretariat]).await;
    let member = person(app, "uv@tinhuy.vn", "Trần Ủy Viên", vec![]).await;
    let chair = person(app, "bithu@tinhuy.vn", "Võ Bí Thư", vec![]).await;
    let stranger = person(app, "khac@tinhuy.vn", "Phạm Người Khác", vec![]).await;
    let lead = person(app, "tbt@tinhuy.vn", "Nguyễn Tổ Trưởng", vec![]).await;
    let drafter = person(app, "btv@tinhuy.vn", "Hoàng Biên Tập", vec![]).await;
    let body = app.create_body(None, "Ban Tuyên giáo Tỉnh ủy").await.expect("body");
    let standing = app.create_committee(None, "Ban Thường vụ Tỉnh ủy").await.expect("committee");
    let other = app.create_committee(None, "Ban Chấp hành Đảng bộ huyện").await.expect("committee");
    app.add_membership(None, standing.id, member.id, CommitteeRole::Member).await.expect("seat");
    app.add_membership(None, standing.id, chair.id, CommitteeRole::Chair).await.expect("seat");
    app.add_membership(None, other.id, stranger.id, CommitteeRole::Chair).await.expect("seat");
    let secretariat = app.actor_of(office.id).await.expect("actor");
    let report = app
        .create_report(
            &secretariat,
            NewReport {
                kind: ReportKind::MidTermReview,
                title: "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI".to_owned(),
                term: None,
                body: Some(body.id),
                committee: Some(standing.id),
                drafters: vec![drafter.id, lead.id],
                lead: Some(lead.id),
            },
        )
        .await
        .expect("report set up");
    Story {
        secretariat,
        member: app.actor_of(member.id).await.expect("actor"),
        chair: app.actor_of(chair.id).await.expect("actor"),
        stranger: app.actor_of(stranger.id).await.expect("actor"),
        lead: app.actor_of(lead.id).await.expect("actor"),
        drafter: app.actor_of(drafter.id).await.expect("actor"),
        report,
    }
}

