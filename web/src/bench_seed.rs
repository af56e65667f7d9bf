//! `gopy seed-benchmark` (hidden): the data the load benchmark
//! (`scripts/bench`) measures, made through the real use cases as people
//! would make it: 200 people on one committee, 50 reports, and the fixtures'
//! mid-term review with 1,000 comments on its first version, half of them
//! answered, and its second version to compare with; and the same review a
//! second time with 10,000 comments (a quarter answered), to show that the
//! version page, a passage's threads and the table of dispositions cost no
//! more with ten times the comments.
//!
//! It prints one JSON object on stdout: the ids, tokens and sign-in the
//! benchmark needs.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use gopy_app::Fresh;
use gopy_app::comments::NewComment;
use gopy_app::organisation::NewUser;
use gopy_app::reports::{NewReport, VersionInput};
use gopy_app::rounds::StepRequest;
use gopy_app::{App, SystemClock};
use gopy_documents::ImportLimits;
use gopy_domain::document::BlockContent;
use gopy_domain::workflow::Step;
use gopy_domain::{Actor, BodyId, CommitteeRole, DispositionKind, GlobalRole, Language, ReportKind, User};
use gopy_store::SeaStore;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use crate::Settings;
use crate::cli::SeedBenchmarkArgs;
use crate::demo::{anchor_on, failed};

const PEOPLE: usize = 200;
const REPORTS: usize = 50;
const COMMENTS: usize = 1_000;
const MANY_COMMENTS: usize = 10_000;
/// Comments posted at once while seeding the large report.
const SEEDING_AT_ONCE: usize = 8;
const DRAFTERS: usize = 4;

pub async fn run(settings: &Settings, args: SeedBenchmarkArgs) -> anyhow::Result<()> {
    let store = SeaStore::connect(&settings.database()).await?;
    store.migrate().await?;
    let app = App::new(Arc::new(store.clone()), Arc::new(SystemClock));
    let seeded = seed(&app, &args.fixtures, &args.password).await.context("seeding the benchmark's data")?;
    store.close().await;
    println!("{seeded}");
    Ok(())
}

fn fixture(folder: &Path, name: &str) -> anyhow::Result<Vec<u8>> {
    let path = folder.join(name);
    std::fs::read(&path).with_context(|| format!("reading the fixture {}", path.display()))
}

async fn person(app: &App, email: String, name: String, body: Option<BodyId>, roles: Vec<GlobalRole>) -> anyhow::Result<(User, String)> {
    let new = NewUser { email, name, title: None, body, language: Language::Vi, global_roles: roles };
    app.invite_person(None, new).await.map_err(failed("a person"))
}

async fn seed(app: &App, fixtures: &Path, password: &str) -> anyhow::Result<Value> {
    let review_v1 = fixture(fixtures, "reports/so-ket-giua-nhiem-ky.v1.md")?;
    let review_v2 = fixture(fixtures, "reports/so-ket-giua-nhiem-ky.v2.docx")?;
    let other_v1 = fixture(fixtures, "reports/kiem-diem-giua-nhiem-ky.v1.md")?;
    let fixture_comments: Value =
        serde_json::from_slice(&fixture(fixtures, "comments.so-ket-v1.json")?).context("the fixture comments")?;
    let fixture_comments = fixture_comments["comments"].as_array().cloned().unwrap_or_default();
    anyhow::ensure!(!fixture_comments.is_empty(), "the fixture comments are empty");

    let drafting_body = app.create_body(None, "Ban Tuyên giáo Tỉnh ủy").await.map_err(failed("a body"))?;
    let term = app
        .create_term(None, "2020 - 2025", time::macros::date!(2020 - 10 - 01), time::macros::date!(2025 - 09 - 30))
        .await
        .map_err(failed("the term"))?;
    let (secretary, secret) =
        person(app, "vanphong@bench.gopy".into(), "Văn phòng".into(), None, vec![GlobalRole::Secretariat, GlobalRole::Admin]).await?;
    app.set_password_with_link(&secret, password).await.map_err(failed("the secretary's password"))?;
    let (chair, _) = person(app, "bithu@bench.gopy".into(), "Bí thư".into(), None, vec![]).await?;
    let mut drafters = Vec::new();
    for n in 1..=DRAFTERS {
        drafters.push(person(app, format!("bientap{n}@bench.gopy"), format!("Biên tập viên {n}"), Some(drafting_body.id), vec![]).await?.0);
    }
    let mut members = Vec::new();
    for n in 1..=PEOPLE - 2 - DRAFTERS {
        members.push(person(app, format!("uyvien{n}@bench.gopy"), format!("Ủy viên số {n}"), None, vec![]).await?.0);
    }

    let committee = app.create_committee(None, "Ban Thường vụ Tỉnh ủy").await.map_err(failed("the committee"))?;
    app.add_membership(None, committee.id, chair.id, CommitteeRole::Chair).await.map_err(failed("a seat"))?;
    app.add_membership(None, committee.id, secretary.id, CommitteeRole::Secretary).await.map_err(failed("a seat"))?;
    for member in &members {
        app.add_membership(None, committee.id, member.id, CommitteeRole::Member).await.map_err(failed("a seat"))?;
    }

    let office = app.actor_of(secretary.id).await.map_err(failed("the office"))?;
    let mut actors: Vec<Actor> = Vec::new();
    for member in members.iter().chain([&chair]) {
        actors.push(app.actor_of(member.id).await.map_err(failed("a member"))?);
    }
    let limits = ImportLimits::default();
    let file = |bytes: &[u8], name: &str| VersionInput::File { bytes: bytes.to_vec(), file_name: Some(name.to_owned()) };
    let open_round = StepRequest {
        step: Step::OpenRound,
        deadline: Some(OffsetDateTime::now_utc() + Duration::days(30)),
        late_allowed: false,
        ballot: false,
        reason: None,
        seen: None,
    };

    let mut reports = Vec::new();
    for n in 0..REPORTS {
        let title = match n {
            0 => "Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XI".to_owned(),
            n => format!("Báo cáo kiểm điểm giữa nhiệm kỳ số {n}"),
        };
        let new = NewReport {
            kind: if n == 0 { ReportKind::MidTermReview } else { ReportKind::SelfAssessment },
            title,
            term: Some(term.id),
            body: Some(drafting_body.id),
            committee: Some(committee.id),
            drafters: drafters.iter().map(|u| u.id).collect(),
            lead: Some(drafters[0].id),
        };
        reports.push(app.create_report(&office, new).await.map_err(failed("a report"))?);
    }
    // The lead's actor knows the drafting teams once the reports exist.
    let lead = app.actor_of(drafters[0].id).await.map_err(failed("the lead"))?;
    let review = &reports[0];
    let v1 = app
        .add_version(&lead, review.id, file(&review_v1, "so-ket-giua-nhiem-ky.v1.md"), "Dự thảo lần 1", &limits)
        .await
        .map_err(failed("the review's version 1"))?;
    for report in &reports[1..] {
        app.add_version(&lead, report.id, file(&other_v1, "kiem-diem-giua-nhiem-ky.v1.md"), "", &limits)
            .await
            .map_err(failed("a version 1"))?;
    }

    // The review's round: 1,000 comments from the committee on passages.
    app.take_step(&office, review.id, open_round.clone()).await.map_err(failed("the review's round"))?;
    let mut answers = Vec::new();
    for n in 0..COMMENTS {
        let c = &fixture_comments[n % fixture_comments.len()];
        let anchor = c["quote"].as_str().map(|quote| anchor_on(&v1, quote)).unwrap_or_default();
        let body = format!("{} (ý kiến {})", c["body"].as_str().unwrap_or_default(), n + 1);
        let new = NewComment { version: 1, anchor, body, on_behalf_of: None, at_meeting: false };
        let comment = app.post_comment(&actors[n % actors.len()], review.id, new).await.map_err(failed("a comment"))?;
        if n % 2 == 0 {
            let kind = c["disposition"].as_str().and_then(|k| k.parse().ok()).unwrap_or(DispositionKind::Accepted);
            answers.push((comment.id, kind, c["response"].as_str().unwrap_or("Tiếp thu.").to_owned()));
        }
    }
    let close = StepRequest { step: Step::CloseRound, deadline: None, ..open_round.clone() };
    app.take_step(&office, review.id, close).await.map_err(failed("closing the review's round"))?;
    app.add_version(&lead, review.id, file(&review_v2, "so-ket-giua-nhiem-ky.v2.docx"), "Dự thảo lần 2", &limits)
        .await
        .map_err(failed("the review's version 2"))?;
    for (comment, kind, response) in answers {
        app.answer_comment(&lead, (comment, None), kind, &response, Some(2)).await.map_err(failed("an answer"))?;
    }

    let (many, busiest) = seed_many(app, &office, &lead, &actors, &reports[2], &fixture_comments, (review_v1.as_slice(), review_v2.as_slice()), &open_round)
        .await
        .context("the report of 10,000 comments")?;

    // The report the benchmark's comments go to, so that the review keeps
    // its 1,000 while they are measured.
    let target = &reports[1];
    app.take_step(&office, target.id, open_round).await.map_err(failed("the target's round"))?;
    let (_, target_version) = app.version(&office, target.id, 1).await.map_err(failed("the target's version"))?;
    let passage = target_version
        .blocks
        .iter()
        .filter(|b| matches!(b.content, BlockContent::Paragraph { .. }))
        .map(|b| (b.id.to_string(), b.content.plain_text()))
        .find(|(_, text)| text.split_whitespace().count() >= 8)
        .context("a paragraph of eight words in the target report")?;
    let quote = passage.1.split_whitespace().take(6).collect::<Vec<_>>().join(" ");

    let commenter = &members[0];
    let (_, commenter_token) =
        app.create_access_token(None, commenter.email.as_str(), "benchmark").await.map_err(failed("a token"))?;
    let (_, reader_token) =
        app.create_access_token(None, secretary.email.as_str(), "benchmark").await.map_err(failed("a token"))?;
    Ok(json!({
        "review": review.id,
        "review_versions": [1, 2],
        "many": many,
        "many_version": 3,
        "many_busiest_block": busiest,
        "many_comments": MANY_COMMENTS,
        "target": target.id,
        "comment_request": {
            "version": 1,
            "block": passage.0,
            "quote": quote,
            "body": "Đề nghị Tổ biên tập làm rõ hơn kết quả đạt được so với chỉ tiêu Nghị quyết.",
        },
        "commenter_token": commenter_token,
        "reader_token": reader_token,
        "reader_email": secretary.email.as_str(),
        "reader_password": password,
        "people": PEOPLE,
        "reports": REPORTS,
        "comments": COMMENTS,
    }))
}

/// The review again on `report`, with [`MANY_COMMENTS`] comments on its
/// first version (a quarter answered once its second version is made).
/// Returns the report's id and the passage of version 2 with the most comments.
#[allow(clippy::too_many_arguments)]
async fn seed_many(
    app: &App,
    office: &Actor,
    lead: &Actor,
    actors: &[Actor],
    report: &gopy_domain::Report,
    fixture_comments: &[Value],
    (v1_bytes, v2_bytes): (&[u8], &[u8]),
    open_round: &StepRequest,
) -> anyhow::Result<(gopy_domain::ReportId, String)> {
    let limits = ImportLimits::default();
    let file = |bytes: &[u8], name: &str| VersionInput::File { bytes: bytes.to_vec(), file_name: Some(name.to_owned()) };
    // The report was made with a version 1 of another document; this one's
    // comments go on the review's text, as version 2 and 3 of it.
    app.add_version(lead, report.id, file(v1_bytes, "so-ket-giua-nhiem-ky.v1.md"), "Dự thảo lần 2", &limits)
        .await
        .map_err(failed("the large report's first text"))?;
    let (_, first) = app.version(office, report.id, 2).await.map_err(failed("the large report's version"))?;
    app.take_step(office, report.id, open_round.clone()).await.map_err(failed("the large report's round"))?;
    let mut answers = Vec::new();
    let mut posting = tokio::task::JoinSet::new();
    for n in 0..MANY_COMMENTS {
        let c = &fixture_comments[n % fixture_comments.len()];
        let anchor = c["quote"].as_str().map(|quote| anchor_on(&first, quote)).unwrap_or_default();
        let body = format!("{} (ý kiến {})", c["body"].as_str().unwrap_or_default(), n + 1);
        let new = NewComment { version: 2, anchor, body, on_behalf_of: None, at_meeting: false };
        let (app, actor, id) = (app.clone(), actors[n % actors.len()].clone(), report.id);
        posting.spawn(async move { app.post_comment(&actor, id, new).await });
        if n % 4 == 0 {
            let kind = c["disposition"].as_str().and_then(|k| k.parse().ok()).unwrap_or(DispositionKind::Accepted);
            answers.push((n, kind, c["response"].as_str().unwrap_or("Tiếp thu.").to_owned()));
        }
        if posting.len() >= SEEDING_AT_ONCE {
            collect_one(&mut posting).await?;
        }
    }
    while !posting.is_empty() {
        collect_one(&mut posting).await?;
    }
    let close = StepRequest { step: Step::CloseRound, deadline: None, ..open_round.clone() };
    app.take_step(office, report.id, close).await.map_err(failed("closing the large report's round"))?;
    app.add_version(lead, report.id, file(v2_bytes, "so-ket-giua-nhiem-ky.v2.docx"), "Dự thảo lần 3", &limits)
        .await
        .map_err(failed("the large report's last version"))?;
    // Answers in the order the comments were made.
    let comments: Vec<gopy_domain::Comment> = app
        .review(office, report.id)
        .await
        .map_err(failed("the large report's comments"))?
        .threads
        .into_iter()
        .map(|t| t.comment)
        .collect();
    let mut by_time: Vec<&gopy_domain::Comment> = comments.iter().collect();
    by_time.sort_by_key(|c| (c.created_at, c.id));
    for (n, kind, response) in answers {
        if let Some(comment) = by_time.get(n) {
            app.answer_comment(lead, (comment.id, None), kind, &response, Some(3)).await.map_err(failed("an answer"))?;
        }
    }
    let page = match app.version_page(office, report.id, 3, None).await.map_err(failed("the large report's page"))? {
        Fresh::Changed { model, .. } => model,
        Fresh::Unchanged { .. } => anyhow::bail!("the large report's page came back unchanged"),
    };
    let busiest = page
        .passages
        .iter()
        .max_by_key(|p| p.counts.comments + p.counts.withdrawn)
        .map(|p| p.block.id.to_string())
        .context("a passage")?;
    Ok((report.id, busiest))
}

async fn collect_one(
    posting: &mut tokio::task::JoinSet<Result<gopy_domain::Comment, gopy_app::AppError>>,
) -> anyhow::Result<gopy_domain::Comment> {
    match posting.join_next().await {
        Some(Ok(result)) => result.map_err(failed("a comment")),
        Some(Err(e)) => Err(anyhow::anyhow!("a comment's task: {e}")),
        None => Err(anyhow::anyhow!("no comment was being posted")),
    }
}
