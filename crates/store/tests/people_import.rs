//! People in bulk, on SQLite and PostgreSQL alike: a list previewed stores
//! nothing, a list with a row in error stores nothing and says why for each
//! row, a good list creates, changes and seats people in one unit of work,
//! and the same list again changes nothing.

mod support;

use gopy_app::people_import::{CellProblem, FieldChange, RowOutcome, RowProblem};
use gopy_app::{App, Offer, WhyNot};
use gopy_documents::{PeopleColumn, SheetLimits};
use gopy_domain::{Actor, CommitteeId, CommitteeRole, GlobalRole, Language, TextError};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;

use support::person;

struct Office {
    admin: Actor,
    standing: CommitteeId,
}

/// An admin, two bodies, a committee, and one person already there (with
/// a seat), as an office has before it imports its list.
async fn office(app: &App) -> Office {
    let admin = person(app, "admin@tinhuy.vn", "Quản Trị", vec![GlobalRole::Admin]).await;
    let organisation = app.create_body(None, "Ban Tổ chức Tỉnh ủy").await.expect("body");
    app.create_body(None, "Ban Tuyên giáo Tỉnh ủy").await.expect("body");
    let standing = app.create_committee(None, "Ban Thường vụ Tỉnh ủy").await.expect("committee");
    let an = person(app, "an@tinhuy.vn", "Nguyễn Văn An", vec![]).await;
    let admin_actor = app.actor_of(admin.id).await.expect("actor");
    app.change_person(
        admin.id,
        an.id,
        gopy_app::organisation::PersonChange { title: Some("Phó trưởng ban".into()), body: Some(organisation.id), active: true },
    )
    .await
    .expect("changed");
    app.add_membership(None, standing.id, an.id, CommitteeRole::Member).await.expect("seat");
    Office { admin: admin_actor, standing: standing.id }
}

const GOOD: &str = "\u{feff}STT;Họ và tên;Email;Cơ quan/đơn vị;Chức vụ;Ban;Vai trò trong ban;Ngôn ngữ\r\n\
1;Nguyễn Văn An;AN@tinhuy.vn;Ban Tổ chức Tỉnh ủy;Trưởng ban;Ban Thường vụ Tỉnh ủy;Thư ký;\r\n\
2;Trần Thị Bình;binh@tinhuy.vn;ban tuyen giao tinh uy;Phó Bí thư;Ban Thường vụ Tỉnh ủy;Ủy viên;vi\r\n\
3;Lê Văn Cường;cuong@tinhuy.vn;;;;;English\r\n";

const BAD: &str = "Họ và tên,Email,Cơ quan/đơn vị,Ban,Vai trò trong ban,Ngôn ngữ\n\
,nobody@tinhuy.vn,,,,\n\
Trần Thị Bình,binh.tinhuy.vn,Ban Kinh tế,,,\n\
Lê Văn Cường,cuong@tinhuy.vn,,Ban Thường vụ Tỉnh ủy,,fr\n\
Lê Văn Cường,CUONG@tinhuy.vn,,,Chủ tịch,\n\
Phạm Dũng,dung@tinhuy.vn,,,,\n";

fn limits() -> SheetLimits {
    SheetLimits::default()
}

on_both_engines! {
    async fn a_preview_stores_nothing_and_says_what_each_row_would_do(db) {
        let app = db.app_at(meeting_day());
        let office = office(&app).await;
        let before = app.users().await.expect("people").len();
        let preview = app.import_people(&office.admin, GOOD.as_bytes(), &limits(), false).await.expect("preview");
        assert!(!preview.stored);
        assert_eq!(preview.store, Offer::Yes);
        let outcomes: Vec<&RowOutcome> = preview.rows.iter().map(|r| &r.outcome).collect();
        assert_eq!(
            outcomes,
            [
                &RowOutcome::Changed(vec![
                    FieldChange { column: PeopleColumn::Title, from: Some("Phó trưởng ban".into()), to: Some("Trưởng ban".into()) },
                    FieldChange { column: PeopleColumn::Seat, from: Some("member".into()), to: Some("secretary".into()) },
                ]),
                &RowOutcome::New,
                &RowOutcome::New,
            ]
        );
        assert_eq!(preview.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 3, 4]);
        assert_eq!(app.users().await.expect("people").len(), before);
    }

    async fn a_good_list_is_stored_whole_and_the_same_list_again_changes_nothing(db) {
        let app = db.app_at(meeting_day());
        let office = office(&app).await;
        let stored = app.import_people(&office.admin, GOOD.as_bytes(), &limits(), true).await.expect("stored");
        assert!(stored.stored);

        let people = app.users().await.expect("people");
        let binh = people.iter().find(|u| u.email.as_str() == "binh@tinhuy.vn").expect("Bình created");
        assert_eq!(binh.title.as_ref().map(ToString::to_string).as_deref(), Some("Phó Bí thư"));
        let bodies = app.list_bodies().await.expect("bodies");
        let propaganda = bodies.iter().find(|b| b.name.as_str() == "Ban Tuyên giáo Tỉnh ủy").expect("body");
        assert_eq!(binh.body, Some(propaganda.id), "the body is found without its tones");
        let cuong = people.iter().find(|u| u.email.as_str() == "cuong@tinhuy.vn").expect("Cường created");
        assert_eq!(cuong.language, Language::En);
        assert_eq!(cuong.body, None);
        let an = people.iter().find(|u| u.email.as_str() == "an@tinhuy.vn").expect("An kept");
        assert_eq!(an.title.as_ref().map(ToString::to_string).as_deref(), Some("Trưởng ban"));
        let seats = app.memberships_of_committee(office.standing).await.expect("seats");
        let role_of = |id| seats.iter().find(|s| s.user == id).map(|s| s.role);
        assert_eq!(role_of(binh.id), Some(CommitteeRole::Member));
        assert_eq!(role_of(an.id), Some(CommitteeRole::Secretary));
        assert_eq!(role_of(cuong.id), None);

        // New people are invited as one invited by hand: the mail is in the outbox.
        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        assert_eq!(uow.unsent_messages_to(binh.id).await.expect("outbox").len(), 1);
        assert_eq!(uow.audit_events_about("user", binh.id.as_uuid()).await.expect("events").len(), 2);
        let import = stored.id.expect("an id once stored");
        let imported = uow.audit_events_named("people_import", import, "people.imported").await.expect("events");
        assert_eq!(imported.len(), 1);
        assert_eq!(imported[0].details["file_hash"], stored.file_hash.as_str());
        assert_eq!(imported[0].details["created"].as_array().map(Vec::len), Some(2));
        drop(uow);

        let again = app.import_people(&office.admin, GOOD.as_bytes(), &limits(), true).await.expect("again");
        assert!(!again.stored);
        assert_eq!(again.id, None);
        assert_eq!(again.store, Offer::No(WhyNot::NothingToChange));
        assert!(again.rows.iter().all(|r| r.outcome == RowOutcome::Unchanged), "{:?}", again.rows);
        assert_eq!(app.users().await.expect("people").len(), people.len());
        let mut uow = gopy_app::Store::begin(&db.store).await.expect("begin");
        assert_eq!(uow.unsent_messages_to(binh.id).await.expect("outbox").len(), 1, "no second invitation");
    }

    async fn a_list_with_a_row_in_error_stores_nothing_and_names_every_problem(db) {
        let app = db.app_at(meeting_day());
        let office = office(&app).await;
        let before = app.users().await.expect("people").len();
        let refused = app.import_people(&office.admin, BAD.as_bytes(), &limits(), true).await.expect("checked");
        assert!(!refused.stored);
        assert_eq!(refused.store, Offer::No(WhyNot::RowsInvalid { rows: 4 }));
        let problems = |n: usize| match &refused.rows[n].outcome {
            RowOutcome::Invalid(problems) => problems.clone(),
            other => panic!("row {n} is {other:?}"),
        };
        let problem = |column, problem| CellProblem { column, problem };
        assert_eq!(problems(0), [problem(PeopleColumn::Name, RowProblem::Missing)]);
        assert_eq!(
            problems(1),
            [
                problem(PeopleColumn::Email, RowProblem::Text(TextError::InvalidEmail)),
                problem(PeopleColumn::Body, RowProblem::UnknownBody),
            ]
        );
        assert_eq!(
            problems(2),
            [problem(PeopleColumn::Language, RowProblem::UnknownLanguage), problem(PeopleColumn::Seat, RowProblem::Missing)]
        );
        assert_eq!(
            problems(3),
            [
                problem(PeopleColumn::Email, RowProblem::DuplicateEmail { first_row: 4 }),
                problem(PeopleColumn::Committee, RowProblem::Missing),
                problem(PeopleColumn::Seat, RowProblem::UnknownSeat),
            ]
        );
        assert_eq!(refused.rows[4].outcome, RowOutcome::New, "a good row is shown as good");
        assert_eq!(app.users().await.expect("people").len(), before, "nothing stored");
    }

    async fn only_who_invites_people_may_import_them(db) {
        let app = db.app_at(meeting_day());
        office(&app).await;
        let member = person(&app, "uv@tinhuy.vn", "Trần Ủy Viên", vec![]).await;
        let member = app.actor_of(member.id).await.expect("actor");
        let refused = app.import_people(&member, GOOD.as_bytes(), &limits(), false).await;
        assert!(matches!(refused, Err(gopy_app::AppError::Forbidden)), "{refused:?}");
    }
}
