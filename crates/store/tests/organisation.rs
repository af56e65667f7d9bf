//! Bodies, people, committees, memberships, terms and the audit trail, on
//! SQLite and PostgreSQL alike, through the real use cases.

use gopy_app::organisation::NewUser;
use gopy_app::{AppError, StoreError};
use gopy_domain::{CommitteeRole, GlobalRole, Language};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use time::macros::date;

fn new_user(email: &str, name: &str) -> NewUser {
    NewUser {
        email: email.to_owned(),
        name: name.to_owned(),
        title: Some("Phó Bí thư Tỉnh ủy".to_owned()),
        body: None,
        language: Language::Vi,
        global_roles: vec![],
    }
}

on_both_engines! {
    async fn a_body_is_stored_in_nfc_and_listed_in_vietnamese_order(db) {
        let app = db.app_at(meeting_day());
        let decomposed = "Ban Tuye\u{302}n gia\u{301}o";
        for name in ["Văn phòng Tỉnh ủy", "Ủy ban Kiểm tra", decomposed, "Ban Tổ chức", "Đảng đoàn HĐND"] {
            app.create_body(None, name).await.expect("body created");
        }
        let names: Vec<String> =
            app.list_bodies().await.expect("listed").into_iter().map(|b| b.name.to_string()).collect();
        assert_eq!(
            names,
            ["Ban Tổ chức", "Ban Tuyên giáo", "Đảng đoàn HĐND", "Ủy ban Kiểm tra", "Văn phòng Tỉnh ủy"]
        );
    }

    async fn a_second_body_with_the_same_name_is_a_conflict_even_in_another_normal_form(db) {
        let app = db.app_at(meeting_day());
        app.create_body(None, "Ban Tuyên giáo").await.expect("first body");
        let again = app.create_body(None, "Ban Tuye\u{302}n gia\u{301}o").await;
        assert!(matches!(again, Err(AppError::Conflict { what: "body" })), "{again:?}");
        assert_eq!(app.list_bodies().await.expect("listed").len(), 1);
    }

    async fn creating_a_body_records_its_audit_event_in_the_same_unit_of_work(db) {
        let app = db.app_at(meeting_day());
        let body = app.create_body(None, "Ban Nội chính").await.expect("body created");
        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        let events = uow.audit_events_about("body", body.id.as_uuid()).await.expect("events");
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "body.created");
        assert_eq!(events[0].occurred_at, meeting_day());
        assert_eq!(events[0].details["name"], "Ban Nội chính");
    }

    async fn a_unit_of_work_dropped_before_commit_leaves_nothing(db) {
        let app = db.app_at(meeting_day());
        let body = app.create_body(None, "Ban Dân vận").await.expect("body created");
        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        let mut other = body.clone();
        other.id = gopy_domain::BodyId::from_uuid(uuid::Uuid::now_v7());
        other.name = gopy_domain::Name::parse("Ban Kinh tế").expect("name");
        uow.insert_body(&other).await.expect("insert");
        drop(uow);
        assert_eq!(app.list_bodies().await.expect("listed").len(), 1);
    }

    async fn a_user_round_trips_with_title_language_and_global_roles(db) {
        let app = db.app_at(meeting_day());
        let body = app.create_body(None, "Văn phòng Tỉnh ủy").await.expect("body");
        let mut input = new_user("  Chanh.VanPhong@TinhUy.VN ", "Nguyễn Văn An");
        input.body = Some(body.id);
        input.language = Language::En;
        input.global_roles = vec![GlobalRole::Secretariat, GlobalRole::Admin];
        let user = app.create_user(None, input).await.expect("user");
        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        let email = gopy_domain::Email::parse("chanh.vanphong@tinhuy.vn").expect("email");
        let found = uow.find_user_by_email(&email).await.expect("query").expect("found");
        assert_eq!(found, user);
        assert_eq!(found.time_zone, "Asia/Ho_Chi_Minh");
        assert_eq!(uow.global_roles(user.id).await.expect("roles"), [GlobalRole::Admin, GlobalRole::Secretariat]);
    }

    async fn emails_are_unique_whatever_their_case(db) {
        let app = db.app_at(meeting_day());
        app.create_user(None, new_user("an@tinhuy.vn", "Nguyễn Văn An")).await.expect("first");
        let again = app.create_user(None, new_user("AN@TinhUy.vn", "Nguyễn Văn Ân")).await;
        assert!(matches!(again, Err(AppError::Conflict { what: "user" })), "{again:?}");
    }

    async fn a_person_holds_one_seat_per_committee_with_a_role(db) {
        let app = db.app_at(meeting_day());
        let committee = app.create_committee(None, "Ban Thường vụ Tỉnh ủy").await.expect("committee");
        let chair = app.create_user(None, new_user("bithu@tinhuy.vn", "Trần Thị Bình")).await.expect("chair");
        let member = app.create_user(None, new_user("uyvien@tinhuy.vn", "Lê Văn Cường")).await.expect("member");
        app.add_membership(None, committee.id, chair.id, CommitteeRole::Chair).await.expect("chair seat");
        app.add_membership(None, committee.id, member.id, CommitteeRole::Member).await.expect("member seat");
        let twice = app.add_membership(None, committee.id, member.id, CommitteeRole::ViceChair).await;
        assert!(matches!(twice, Err(AppError::Conflict { what: "membership" })), "{twice:?}");

        let seats = app.memberships_of_committee(committee.id).await.expect("seats");
        let roles: Vec<_> = seats.iter().map(|m| (m.user, m.role)).collect();
        assert_eq!(roles, [(chair.id, CommitteeRole::Chair), (member.id, CommitteeRole::Member)]);
    }

    async fn a_membership_needs_an_existing_committee_and_person(db) {
        let app = db.app_at(meeting_day());
        let committee = app.create_committee(None, "Ban Thường vụ Tỉnh ủy").await.expect("committee");
        let nobody = gopy_domain::UserId::from_uuid(uuid::Uuid::now_v7());
        let refused = app.add_membership(None, committee.id, nobody, CommitteeRole::Member).await;
        assert!(matches!(refused, Err(AppError::NotFound { what: "user" })), "{refused:?}");
    }

    async fn terms_are_listed_by_start_date_and_must_end_after_they_start(db) {
        let app = db.app_at(meeting_day());
        app.create_term(None, "2020-2025", date!(2020 - 10 - 15), date!(2025 - 10 - 15)).await.expect("term");
        app.create_term(None, "2015-2020", date!(2015 - 10 - 15), date!(2020 - 10 - 15)).await.expect("term");
        let backwards = app.create_term(None, "2030-2025", date!(2030 - 01 - 01), date!(2025 - 01 - 01)).await;
        assert!(matches!(backwards, Err(AppError::Invalid { field: "ends_on", .. })), "{backwards:?}");
        let names: Vec<String> = app.list_terms().await.expect("terms").into_iter().map(|t| t.name.to_string()).collect();
        assert_eq!(names, ["2015-2020", "2020-2025"]);
    }

    async fn the_store_answers_the_readiness_probe(db) {
        let app = db.app_at(meeting_day());
        app.ready().await.expect("ready");
        assert!(matches!(db.store.pending_migrations().await.as_deref(), Ok([])));
    }
}

#[test]
fn store_errors_name_the_constraint() {
    let err = StoreError::Conflict { constraint: "bodies.name".into() };
    assert_eq!(err.to_string(), "already exists (bodies.name)");
}
