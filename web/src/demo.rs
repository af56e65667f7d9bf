//! `gopy demo`: the story of the design note, loaded into a SQLite file of
//! its own and served, so a newcomer sees Gopy at work in a minute: the
//! Standing Committee and its people, four bodies with their drafting teams,
//! the mid-term review with the fixture comments answered and its second
//! version, its indicators, and a self-assessment still open for comments.
//!
//! Everything is made through the real use cases, as people would make it.

use std::sync::Arc;

use anyhow::Context;
use gopy_app::comments::{NewAnchor, NewComment};
use gopy_app::meetings::{AttendanceInput, NewAction, NewAgendaItem, NewMeeting};
use gopy_app::organisation::NewUser;
use gopy_app::reports::{NewReport, VersionInput};
use gopy_app::rounds::StepRequest;
use gopy_app::{App, SystemClock};
use gopy_documents::ImportLimits;
use gopy_domain::document::align::find_span;
use gopy_domain::workflow::Step;
use gopy_domain::{ActionStatus, Actor, BodyId, CommitteeRole, DispositionKind, GlobalRole, Language, ReportId, ReportKind, User, Version};
use gopy_store::SeaStore;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::Settings;
use crate::cli::ServeArgs;

/// Every demo person signs in with this password.
pub const DEMO_PASSWORD: &str = "gopy-demo-2023";
/// The demo's own database, beside the real one, started afresh each time.
const DEMO_DATABASE: &str = "data/demo.db";

const SO_KET_V1: &[u8] = include_bytes!("../demo/so-ket-giua-nhiem-ky.v1.md");
const SO_KET_V2: &[u8] = include_bytes!("../demo/so-ket-giua-nhiem-ky.v2.docx");
const KIEM_DIEM_V1: &[u8] = include_bytes!("../demo/kiem-diem-giua-nhiem-ky.v1.md");
const COMMENTS: &str = include_str!("../demo/comments.so-ket-v1.json");

/// Who the demo's people are, for the sign-in list it prints.
pub struct Cast {
    pub people: Vec<(&'static str, String)>,
    pub report: ReportId,
}

pub async fn run(mut settings: Settings, args: ServeArgs) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{DEMO_DATABASE}{suffix}"));
    }
    settings.database.url = format!("sqlite://{DEMO_DATABASE}");
    let store = SeaStore::connect(&settings.database()).await?;
    store.migrate().await?;
    let app = App::new(Arc::new(store.clone()), Arc::new(SystemClock));
    let cast = seed(&app).await.context("loading the demo")?;
    store.close().await;
    let addr = match args.addr {
        Some(addr) => addr,
        None => settings.server_addr().context("server.addr")?,
    };
    println!("Gopy demo: the Standing Committee's meeting of 27/06/2023 and its drafts, in {DEMO_DATABASE} (made afresh).");
    // Said once the address is known, after where Gopy serves and where mail goes.
    let greeting = Box::new(move |url: &str| {
        println!("Sign in at {url}/sign-in as any of these, password {DEMO_PASSWORD}:");
        for (role, email) in &cast.people {
            println!("  {role:<28} {email}");
        }
        println!("Start with the mid-term review and its comments: {url}/reports/{}/versions/2", cast.report);
        println!("Stop with Ctrl+C. Logs show warnings only; RUST_LOG=info shows more.");
    });
    // Migrated above, on a file made afresh: serving need not say so again.
    crate::server::serve_with_greeting(settings, ServeArgs { addr: Some(addr), no_migrate: true, ..args }, Some(greeting)).await
}

struct Person<'a> {
    email: &'a str,
    name: &'a str,
    title: &'a str,
    body: Option<BodyId>,
    roles: Vec<GlobalRole>,
}

async fn person(app: &App, p: Person<'_>) -> anyhow::Result<User> {
    let new = NewUser {
        email: p.email.to_owned(),
        name: p.name.to_owned(),
        title: Some(p.title.to_owned()),
        body: p.body,
        language: Language::Vi,
        global_roles: p.roles,
    };
    let (user, secret) = app.invite_person(None, new).await.map_err(|e| anyhow::anyhow!("{}: {e}", p.email))?;
    app.set_password_with_link(&secret, DEMO_PASSWORD).await.map_err(|e| anyhow::anyhow!("{}: {e}", p.email))?;
    Ok(user)
}

/// The anchor of a comment on the first passage of `version` that holds
/// `quote`; on the whole report when none does.
pub(crate) fn anchor_on(version: &Version, quote: &str) -> NewAnchor {
    version
        .blocks
        .iter()
        .find_map(|b| find_span(&b.content.plain_text(), quote).map(|s| (b.id.to_string(), s)))
        .map(|(block, span)| NewAnchor { block: Some(block), start: Some(span.start), end: Some(span.end), quote: Some(span.quote) })
        .unwrap_or_default()
}

pub(crate) fn failed(what: &'static str) -> impl Fn(gopy_app::AppError) -> anyhow::Error {
    move |e| anyhow::anyhow!("{what}: {e}")
}

pub async fn seed(app: &App) -> anyhow::Result<Cast> {
    let body = |name: &'static str| async move { app.create_body(None, name).await.map_err(failed("a body")) };
    let propaganda = body("Ban Tuyên giáo Tỉnh ủy").await?.id;
    let organisation = body("Ban Tổ chức Tỉnh ủy").await?.id;
    let inspection = body("Ủy ban Kiểm tra Tỉnh ủy").await?.id;
    let internal = body("Ban Nội chính Tỉnh ủy").await?.id;
    let office = body("Văn phòng Tỉnh ủy").await?.id;
    // Each person in the body their title names, so the comments' table and
    // the exports say who spoke for whom.
    let standing = body("Thường trực Tỉnh ủy").await?.id;
    let mass_mobilisation = body("Ban Dân vận Tỉnh ủy").await?.id;
    let front = body("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh").await?.id;
    let term = app
        .create_term(None, "2020 - 2025", time::macros::date!(2020 - 10 - 01), time::macros::date!(2025 - 09 - 30))
        .await
        .map_err(failed("the term"))?;

    let p = |email, name, title, body: BodyId| Person { email, name, title, body: Some(body), roles: vec![] };
    let admin = person(app, Person { roles: vec![GlobalRole::Admin], ..p("quantri@tinhuy.vn", "Đỗ Minh Quản", "Chuyên viên công nghệ thông tin", office) }).await?;
    let secretary = person(app, Person { roles: vec![GlobalRole::Secretariat], ..p("vanphong@tinhuy.vn", "Lê Văn Cường", "Chánh Văn phòng Tỉnh ủy", office) }).await?;
    let chair = person(app, p("bithu@tinhuy.vn", "Nguyễn Văn An", "Bí thư Tỉnh ủy", standing)).await?;
    let vice = person(app, p("phobithu@tinhuy.vn", "Trần Thị Bình", "Phó Bí thư Thường trực Tỉnh ủy", standing)).await?;
    let member = person(app, p("uyvien@tinhuy.vn", "Phạm Quốc Dũng", "Ủy viên Ban Thường vụ, Trưởng Ban Dân vận", mass_mobilisation)).await?;
    let member2 = person(app, p("uyvien2@tinhuy.vn", "Hoàng Thị Lan", "Ủy viên Ban Thường vụ, Chủ tịch Ủy ban MTTQ tỉnh", front)).await?;
    let lead = person(app, p("tuyengiao@tinhuy.vn", "Vũ Đức Hạnh", "Phó Trưởng Ban Tuyên giáo, Tổ trưởng tổ biên tập", propaganda)).await?;
    let writer = person(app, p("bientap@tinhuy.vn", "Ngô Thị Mai", "Chuyên viên Ban Tuyên giáo", propaganda)).await?;
    let org_lead = person(app, p("tochuc@tinhuy.vn", "Đặng Văn Hùng", "Phó Trưởng Ban Tổ chức", organisation)).await?;
    let insp_lead = person(app, p("kiemtra@tinhuy.vn", "Bùi Thị Hoa", "Phó Chủ nhiệm Ủy ban Kiểm tra", inspection)).await?;
    let int_lead = person(app, p("noichinh@tinhuy.vn", "Lý Văn Sơn", "Phó Trưởng Ban Nội chính", internal)).await?;

    let committee = app.create_committee(None, "Ban Thường vụ Tỉnh ủy khóa XI").await.map_err(failed("the committee"))?;
    for (user, role) in [
        (&chair, CommitteeRole::Chair),
        (&vice, CommitteeRole::ViceChair),
        (&member, CommitteeRole::Member),
        (&member2, CommitteeRole::Member),
        (&secretary, CommitteeRole::Secretary),
    ] {
        app.add_membership(None, committee.id, user.id, role).await.map_err(failed("a seat"))?;
    }
    let office_actor = app.actor_of(secretary.id).await.map_err(failed("the office"))?;
    let report = |kind, title: &'static str, body, team: Vec<&User>| {
        let office_actor = office_actor.clone();
        let team: Vec<gopy_domain::UserId> = team.iter().map(|u| u.id).collect();
        async move {
            app.create_report(&office_actor, NewReport {
                kind,
                title: title.to_owned(),
                term: Some(term.id),
                body: Some(body),
                committee: Some(committee.id),
                drafters: team.clone(),
                lead: team.first().copied(),
            })
            .await
            .map_err(failed("a report"))
        }
    };
    let review = report(
        ReportKind::MidTermReview,
        "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI, nhiệm kỳ 2020 - 2025",
        propaganda,
        vec![&lead, &writer],
    )
    .await?;
    let assessment = report(
        ReportKind::SelfAssessment,
        "Báo cáo kiểm điểm giữa nhiệm kỳ của Ban Chấp hành Đảng bộ tỉnh khóa XI",
        organisation,
        vec![&org_lead],
    )
    .await?;
    let inspection_report = report(ReportKind::Thematic, "Báo cáo sơ kết công tác kiểm tra, giám sát và thi hành kỷ luật đảng giữa nhiệm kỳ", inspection, vec![&insp_lead]).await?;
    let corruption_report = report(ReportKind::Thematic, "Báo cáo sơ kết công tác phòng, chống tham nhũng, tiêu cực giữa nhiệm kỳ", internal, vec![&int_lead]).await?;

    let actor = |user: &User| {
        let id = user.id;
        async move { app.actor_of(id).await.map_err(failed("an actor")) }
    };
    let limits = ImportLimits::default();
    let (lead_a, chair_a, member_a) = (actor(&lead).await?, actor(&chair).await?, actor(&member).await?);
    let file = |bytes: &[u8], name: &str| VersionInput::File { bytes: bytes.to_vec(), file_name: Some(name.to_owned()) };

    // The mid-term review: version 1, a round of comments, the answers, version 2.
    let v1 = app
        .add_version(&lead_a, review.id, file(SO_KET_V1, "so-ket-giua-nhiem-ky.v1.md"), "Dự thảo lần 1 trình Ban Thường vụ", &limits)
        .await
        .map_err(failed("version 1"))?;
    let now = OffsetDateTime::now_utc();
    let open = |days| StepRequest { step: Step::OpenRound, deadline: Some(now + Duration::days(days)), late_allowed: false, ballot: true, reason: None, schedule: Default::default(), seen: None };
    let close = StepRequest { step: Step::CloseRound, deadline: None, late_allowed: false, ballot: false, reason: None, schedule: Default::default(), seen: None };
    app.take_step(&office_actor, review.id, open(7)).await.map_err(failed("round 1"))?;
    let fixture: Value = serde_json::from_str(COMMENTS).context("the demo comments")?;
    let mut answers = Vec::new();
    for c in fixture["comments"].as_array().into_iter().flatten() {
        let author: &Actor = if c["author_role"] == "chair" { &chair_a } else { &member_a };
        let anchor = c["quote"].as_str().map(|quote| anchor_on(&v1, quote)).unwrap_or_default();
        let body = c["body"].as_str().unwrap_or_default().to_owned();
        let comment = app
            .post_comment(author, review.id, NewComment { version: 1, anchor, body, on_behalf_of: None, at_meeting: false })
            .await
            .map_err(failed("a comment"))?;
        let kind: DispositionKind = c["disposition"].as_str().unwrap_or("accepted").parse().unwrap_or(DispositionKind::Accepted);
        answers.push((comment.id, kind, c["response"].as_str().unwrap_or_default().to_owned()));
    }
    app.take_step(&office_actor, review.id, close.clone()).await.map_err(failed("closing round 1"))?;
    app.add_version(&lead_a, review.id, file(SO_KET_V2, "so-ket-giua-nhiem-ky.v2.docx"), "Đã tiếp thu ý kiến tại cuộc họp Ban Thường vụ ngày 27/6", &limits)
        .await
        .map_err(failed("version 2"))?;
    // Answered once version 2, which takes them in, exists.
    for (comment, kind, response) in answers {
        app.answer_comment(&lead_a, (comment, None), kind, &response, Some(2)).await.map_err(failed("an answer"))?;
    }
    // And published, as the team's lead does once the answers are ready.
    app.publish_answers(&lead_a, review.id).await.map_err(failed("publishing the answers"))?;
    app.adopt_indicators(&office_actor, review.id, 2).await.map_err(failed("the indicators"))?;
    app.record_indicator_results(&lead_a, review.id, 2, time::macros::date!(2023 - 06 - 27)).await.map_err(failed("the results"))?;

    // The self-assessment: open for comments, the deadline in two days.
    let org_a = actor(&org_lead).await?;
    app.add_version(&org_a, assessment.id, file(KIEM_DIEM_V1, "kiem-diem-giua-nhiem-ky.v1.md"), "", &limits)
        .await
        .map_err(failed("the self-assessment"))?;
    // Its round also consults two bodies; silence is agreement.
    let consult = gopy_app::consultations::ConsultRequest { bodies: vec![inspection, internal], silence_agrees: true };
    app.take_step_consulting(&office_actor, assessment.id, open(2), consult).await.map_err(failed("its round"))?;

    // The meeting of 27/06/2023: four agenda items, the minutes, one spoken
    // opinion turned into a comment on the self-assessment (still open for
    // comments), the conclusion with three action items, one of them overdue.
    let hanoi = |h, m| time::macros::date!(2023 - 06 - 27).with_hms(h, m, 0).map(|t| t.assume_offset(time::macros::offset!(+7)));
    let (Ok(starts_at), Ok(ends_at)) = (hanoi(8, 0), hanoi(11, 30)) else { anyhow::bail!("the meeting's hours") };
    let meeting = app
        .plan_meeting(&office_actor, NewMeeting {
            committee: Some(committee.id),
            title: "Hội nghị Ban Thường vụ Tỉnh ủy cho ý kiến các dự thảo báo cáo giữa nhiệm kỳ".to_owned(),
            starts_at: Some(starts_at),
            ends_at: Some(ends_at),
            place: "Hội trường Tỉnh ủy".to_owned(),
            presiding: Some(chair.id),
            invited: vec![chair.id, vice.id, member.id, member2.id, secretary.id, lead.id, org_lead.id, insp_lead.id, int_lead.id],
        })
        .await
        .map_err(failed("the meeting"))?;
    let mut items = Vec::new();
    for (title, presenter, report) in [
        ("Dự thảo Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội XI", propaganda, review.id),
        ("Dự thảo Báo cáo kiểm điểm giữa nhiệm kỳ của Ban Chấp hành", organisation, assessment.id),
        ("Báo cáo sơ kết công tác kiểm tra, giám sát và thi hành kỷ luật đảng", inspection, inspection_report.id),
        ("Báo cáo sơ kết công tác phòng, chống tham nhũng, tiêu cực", internal, corruption_report.id),
    ] {
        let new = NewAgendaItem { title: title.to_owned(), presenter: Some(presenter), report: Some(report), minutes_allotted: Some(40) };
        let changed = app.add_agenda_item(&office_actor, (meeting.id, None), new).await.map_err(failed("an agenda item"))?;
        items.push(changed.agenda.last().map(|i| i.id));
    }
    let present = |person: &User| AttendanceInput { person: person.id, presence: "present".into(), reason: String::new(), represented_by: None };
    let mut attendance: Vec<AttendanceInput> = [&chair, &vice, &member, &secretary].into_iter().map(present).collect();
    attendance.push(AttendanceInput {
        person: member2.id,
        presence: "absent".into(),
        reason: "Đi công tác tại Trung ương".into(),
        represented_by: None,
    });
    app.record_attendance(&office_actor, (meeting.id, None), attendance).await.map_err(failed("the attendance"))?;
    app.mark_meeting_held(&office_actor, (meeting.id, None)).await.map_err(failed("holding the meeting"))?;
    app.record_opinion(&office_actor, (meeting.id, None), items[0], Some(chair.id), "Các chỉ tiêu đã đạt cần đưa vào phần thành tựu; tổ biên tập tiếp thu đầy đủ ý kiến.")
        .await
        .map_err(failed("an opinion"))?;
    let (_, spoken) = app
        .record_opinion(&office_actor, (meeting.id, None), items[1], Some(vice.id), "Phần nguyên nhân của hạn chế cần tách rõ khách quan, chủ quan và gắn với trách nhiệm người đứng đầu.")
        .await
        .map_err(failed("an opinion"))?;
    app.opinion_to_comment(&office_actor, (meeting.id, None), spoken.id).await.map_err(failed("the opinion as a comment"))?;
    app.conclude(&office_actor, (meeting.id, None),
        "Các dự thảo báo cáo cơ bản đạt yêu cầu. Giao tổ biên tập tiếp thu đầy đủ ý kiến tại hội nghị; các chỉ tiêu đã đạt và vượt phải đưa vào phần thành tựu (7/24 chỉ tiêu kinh tế - xã hội đạt và vượt, các chỉ tiêu còn lại đạt từ 41% trở lên).",
    )
    .await
    .map_err(failed("the conclusion"))?;
    for (text, body, deadline, done) in [
        ("Tổ biên tập hoàn chỉnh dự thảo Báo cáo sơ kết, trình Ban Thường vụ", propaganda, time::macros::date!(2023 - 07 - 05), Some("Đã trình dự thảo lần 2 ngày 04/7/2023")),
        ("Bộ phận giúp việc tổng hợp số liệu chỉ tiêu 6 tháng đầu năm", organisation, time::macros::date!(2023 - 07 - 10), Some("Đã gửi bảng số liệu")),
        ("Văn phòng Tỉnh ủy ban hành thông báo kết luận, theo dõi, đôn đốc việc thực hiện", office, time::macros::date!(2023 - 07 - 15), None),
    ] {
        let new = NewAction { text: text.to_owned(), bodies: vec![body], people: vec![], deadline: Some(deadline), working_days: None };
        // Assigned at the meeting, when the deadlines were still to come.
        let on_the_day = app.clone().with_clock(Arc::new(At(ends_at)));
        let (_, action) = on_the_day.assign_action(&office_actor, (meeting.id, None), new).await.map_err(failed("an action item"))?;
        if let Some(note) = done {
            app.follow_up_action(&office_actor, (meeting.id, None), action.id, ActionStatus::Done, note).await.map_err(failed("a follow-up"))?;
        }
    }
    app.approve_minutes(&office_actor, (meeting.id, None)).await.map_err(failed("the minutes"))?;

    // The two thematic reviews, in writing.
    for (lead_user, report, text) in [
        (&insp_lead, &inspection_report, "# BÁO CÁO SƠ KẾT CÔNG TÁC KIỂM TRA, GIÁM SÁT\n\n## I. KẾT QUẢ\n\nCấp ủy, ủy ban kiểm tra các cấp đã kiểm tra, giám sát theo đúng chương trình; phát hiện, xử lý kịp thời các vi phạm.\n\n## II. NHIỆM VỤ THỜI GIAN TỚI\n\nTăng cường giám sát thường xuyên, tập trung vào các lĩnh vực nhạy cảm, dễ phát sinh tiêu cực.\n"),
        (&int_lead, &corruption_report, "# BÁO CÁO SƠ KẾT CÔNG TÁC PHÒNG, CHỐNG THAM NHŨNG, TIÊU CỰC\n\n## I. KẾT QUẢ\n\nCông tác phòng, chống tham nhũng, tiêu cực được lãnh đạo, chỉ đạo quyết liệt; nhiều vụ việc được phát hiện và xử lý nghiêm.\n\n## II. HẠN CHẾ\n\nViệc thu hồi tài sản tham nhũng còn chậm.\n"),
    ] {
        let drafter = actor(lead_user).await?;
        app.add_version(&drafter, report.id, VersionInput::Markdown(text.to_owned()), "", &limits).await.map_err(failed("a thematic draft"))?;
    }
    // The inspection review is handed to the chair, so the chair's home has
    // a report awaiting approval.
    let inspection_a = actor(&insp_lead).await?;
    let submit = StepRequest { step: Step::Submit, deadline: None, late_allowed: false, ballot: false, reason: None, schedule: Default::default(), seen: None };
    app.take_step(&inspection_a, inspection_report.id, submit).await.map_err(failed("submitting the inspection review"))?;

    Ok(Cast {
        people: vec![
            ("quản trị (admin)", admin.email.to_string()),
            ("văn phòng (secretariat)", secretary.email.to_string()),
            ("chủ trì (chair)", chair.email.to_string()),
            ("ủy viên (member)", member.email.to_string()),
            ("tổ biên tập (drafter)", lead.email.to_string()),
        ],
        report: review.id,
    })
}

/// A clock stopped at one moment of the demo's story.
struct At(OffsetDateTime);

impl gopy_app::Clock for At {
    fn now(&self) -> OffsetDateTime {
        self.0
    }
}
