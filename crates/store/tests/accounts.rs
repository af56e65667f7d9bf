//! Invitations, passwords, sessions, tokens, throttling and permissions
//! loaded from stored roles, on SQLite and PostgreSQL alike.

use gopy_app::organisation::NewUser;
use gopy_app::{AppError, Client};
use gopy_domain::account::{INVITATION_LIFETIME, MAX_FAILURES_PER_ACCOUNT};
use gopy_domain::{Action, CommitteeRole, GlobalRole, Language, LinkProblem, PasswordProblem, Resource, authorize};
use gopy_store::on_both_engines;
use gopy_store::testing::meeting_day;
use time::Duration;

const PASSWORD: &str = "mùa thu Hà Nội 1945";

fn person(email: &str, name: &str) -> NewUser {
    NewUser {
        email: email.to_owned(),
        name: name.to_owned(),
        title: Some("Ủy viên Ban Thường vụ".to_owned()),
        body: None,
        language: Language::Vi,
        global_roles: vec![],
    }
}

fn browser(address: &str) -> Client {
    Client { address: address.to_owned(), user_agent: Some("test".to_owned()) }
}

on_both_engines! {
    async fn an_invitation_sets_a_password_once_and_then_the_person_signs_in(db) {
        let app = db.app_at(meeting_day());
        let (user, secret) = app.invite_person(None, person("lan@tinhuy.vn", "Trần Thị Lan")).await.expect("invited");
        let outbox = gopy_app::Store::begin(&db.store).await.expect("begin")
            .unsent_messages_to(user.id).await.expect("outbox");
        assert_eq!(outbox.len(), 1, "the invitation waits in the outbox");
        assert_eq!(outbox[0].kind_name(), "invitation");
        assert_eq!(outbox[0].payload()["secret"], secret);

        let weak = app.set_password_with_link(&secret, "ngắn").await;
        assert!(matches!(weak, Err(AppError::Invalid { field: "password", .. })), "{weak:?}");
        app.set_password_with_link(&secret, PASSWORD).await.expect("password set");
        let again = app.set_password_with_link(&secret, PASSWORD).await;
        assert!(matches!(again, Err(AppError::Link(LinkProblem::Used))), "{again:?}");

        let signed_in = app.sign_in("LAN@tinhuy.vn", PASSWORD, &browser("10.0.0.1")).await.expect("signed in");
        let identity = app.identify_session(&signed_in.session_secret).await.expect("lookup").expect("live");
        assert_eq!(identity.user.id, user.id);
        assert_eq!(app.live_sessions(user.id).await.expect("sessions").len(), 1);
    }

    async fn an_expired_or_unknown_link_is_refused(db) {
        let (_, secret) = db.app_at(meeting_day())
            .invite_person(None, person("hung@tinhuy.vn", "Lê Văn Hùng")).await.expect("invited");
        let later = db.app_at(meeting_day() + INVITATION_LIFETIME + Duration::minutes(1));
        let expired = later.set_password_with_link(&secret, PASSWORD).await;
        assert!(matches!(expired, Err(AppError::Link(LinkProblem::Expired))), "{expired:?}");
        let unknown = later.open_link("not-a-link").await;
        assert!(matches!(unknown, Err(AppError::Link(LinkProblem::Unknown))), "{unknown:?}");
    }

    async fn wrong_passwords_and_unknown_emails_are_refused_alike_and_ten_in_a_row_are_throttled(db) {
        let app = db.app_at(meeting_day());
        let (_, secret) = app.invite_person(None, person("minh@tinhuy.vn", "Phạm Văn Minh")).await.expect("invited");
        app.set_password_with_link(&secret, PASSWORD).await.expect("password set");

        let unknown = app.sign_in("ai.do@tinhuy.vn", PASSWORD, &browser("10.0.0.2")).await;
        assert!(matches!(unknown, Err(AppError::BadCredentials)), "{unknown:?}");
        for _ in 0..MAX_FAILURES_PER_ACCOUNT {
            let wrong = app.sign_in("minh@tinhuy.vn", "mật khẩu sai rồi", &browser("10.0.0.3")).await;
            assert!(matches!(wrong, Err(AppError::BadCredentials)), "{wrong:?}");
        }
        // Even the right password now waits, from any address.
        let throttled = app.sign_in("minh@tinhuy.vn", PASSWORD, &browser("10.0.0.4")).await;
        assert!(matches!(throttled, Err(AppError::Throttled(_))), "{throttled:?}");
        let after_the_window = db.app_at(meeting_day() + Duration::minutes(16));
        after_the_window.sign_in("minh@tinhuy.vn", PASSWORD, &browser("10.0.0.4")).await.expect("allowed again");
    }

    async fn signing_out_everywhere_ends_every_session(db) {
        let app = db.app_at(meeting_day());
        let (user, secret) = app.invite_person(None, person("thu@tinhuy.vn", "Đỗ Thị Thu")).await.expect("invited");
        app.set_password_with_link(&secret, PASSWORD).await.expect("password set");
        let phone = app.sign_in("thu@tinhuy.vn", PASSWORD, &browser("10.0.0.5")).await.expect("phone");
        let desk = app.sign_in("thu@tinhuy.vn", PASSWORD, &browser("10.0.0.6")).await.expect("desk");
        assert_ne!(phone.session_secret, desk.session_secret);
        let phone_session = app.identify_session(&phone.session_secret).await.expect("lookup").expect("live");
        app.end_session(user.id, phone_session.session.expect("a session").id).await.expect("signed out");
        assert!(app.identify_session(&phone.session_secret).await.expect("lookup").is_none());
        assert!(app.identify_session(&desk.session_secret).await.expect("lookup").is_some());
        assert_eq!(app.end_all_sessions(user.id).await.expect("everywhere"), 1);
        assert!(app.identify_session(&desk.session_secret).await.expect("lookup").is_none());
        let expired = db.app_at(meeting_day() + Duration::days(15));
        let fresh = expired.sign_in("thu@tinhuy.vn", PASSWORD, &browser("10.0.0.6")).await.expect("again");
        let far_later = db.app_at(meeting_day() + Duration::days(30));
        assert!(far_later.identify_session(&fresh.session_secret).await.expect("lookup").is_none(), "sessions expire");
    }

    async fn a_revoked_token_is_refused(db) {
        let app = db.app_at(meeting_day());
        let (user, _) = app.invite_person(None, person("bot@tinhuy.vn", "Máy đo tải")).await.expect("invited");
        let (token, secret) = app.create_access_token(None, "bot@tinhuy.vn", "benchmark").await.expect("token");
        assert!(secret.starts_with("gopy_"));
        assert_eq!(app.identify_token(&secret).await.expect("lookup").map(|i| i.user.id), Some(user.id));
        app.revoke_access_token(user.id, token.id).await.expect("revoked");
        assert!(app.identify_token(&secret).await.expect("lookup").is_none());
        assert!(app.identify_token("gopy_0000").await.expect("lookup").is_none());
    }

    async fn the_first_admin_is_created_once(db) {
        let app = db.app_at(meeting_day());
        assert!(app.needs_first_admin().await.expect("asked"));
        let mut admin = person("admin@tinhuy.vn", "Quản trị viên");
        admin.title = None;
        app.create_first_admin(admin.clone(), PASSWORD).await.expect("first admin");
        assert!(!app.needs_first_admin().await.expect("asked"));
        admin.email = "admin2@tinhuy.vn".to_owned();
        let second = app.create_first_admin(admin, PASSWORD).await;
        assert!(matches!(second, Err(AppError::Conflict { .. })), "{second:?}");
        let duplicate = app.invite_person(None, person("ADMIN@tinhuy.vn", "Ai đó")).await;
        assert!(matches!(duplicate, Err(AppError::Conflict { what: "user" })), "{duplicate:?}");
    }

    async fn changing_a_password_needs_the_current_one(db) {
        let app = db.app_at(meeting_day());
        let (user, secret) = app.invite_person(None, person("son@tinhuy.vn", "Vũ Văn Sơn")).await.expect("invited");
        app.set_password_with_link(&secret, PASSWORD).await.expect("set");
        let wrong = app.change_password(&user, "không phải", "một mật khẩu mới dài").await;
        assert!(matches!(wrong, Err(AppError::Invalid { reason: gopy_app::InvalidReason::Password(PasswordProblem::Wrong), .. })), "{wrong:?}");
        app.change_password(&user, PASSWORD, "một mật khẩu mới dài").await.expect("changed");
        app.sign_in("son@tinhuy.vn", "một mật khẩu mới dài", &browser("10.0.0.7")).await.expect("new password works");
    }

    async fn permissions_come_from_the_stored_roles(db) {
        let app = db.app_at(meeting_day());
        let committee = app.create_committee(None, "Ban Thường vụ Tỉnh ủy").await.expect("committee");
        let other = app.create_committee(None, "Ban Chấp hành Đảng bộ tỉnh").await.expect("other");
        let mut secretariat = person("vp@tinhuy.vn", "Văn phòng");
        secretariat.global_roles = vec![GlobalRole::Secretariat];
        let secretariat = app.create_user(None, secretariat).await.expect("secretariat");
        let secretary = app.create_user(None, person("tk@tinhuy.vn", "Thư ký")).await.expect("secretary");
        let member = app.create_user(None, person("uv@tinhuy.vn", "Ủy viên")).await.expect("member");
        let outsider = app.create_user(None, person("ngoai@tinhuy.vn", "Người ngoài")).await.expect("outsider");
        app.add_membership(None, committee.id, secretary.id, CommitteeRole::Secretary).await.expect("seat");
        app.add_membership(None, committee.id, member.id, CommitteeRole::Member).await.expect("seat");
        app.add_membership(None, other.id, outsider.id, CommitteeRole::Chair).await.expect("seat");

        let here = Resource::Committee(committee.id);
        let expectations = [
            (&secretariat, Action::ViewCommittee, true),
            (&secretariat, Action::ManageMemberships, true),
            (&secretary, Action::ViewCommittee, true),
            (&secretary, Action::ManageMemberships, true),
            (&member, Action::ViewCommittee, true),
            (&member, Action::ManageMemberships, false),
            (&outsider, Action::ViewCommittee, false),
            (&outsider, Action::ManageMemberships, false),
        ];
        for (user, action, allowed) in expectations {
            let actor = app.actor_of(user.id).await.expect("actor");
            assert_eq!(authorize(&actor, action, here).is_ok(), allowed, "{} {action:?}", user.name);
        }
    }
}
