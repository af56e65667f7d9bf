//! Search latency on generated data: 100,000 comments and 1,000 versions'
//! passages made from the fixture report, on SQLite and (when
//! `GOPY_TEST_PG_URL` names a server, as `scripts/test` sets it) PostgreSQL,
//! against a primary-key lookup measured in the same run. It prints figures;
//! it asserts nothing.
//!
//!     cargo bench -p gopy-store --bench search

use std::time::{Duration, Instant};

use gopy_app::Store;
use gopy_app::search::SearchRequest;
use gopy_domain::search::{Entry, EntryKind};
use gopy_domain::{Actor, CommentId, CommitteeId, GlobalRole, ReportId, UserId};
use gopy_store::testing::TestDatabase;
use time::OffsetDateTime;

const COMMENTS: usize = 100_000;
const VERSIONS: usize = 1_000;
const RUNS: usize = 100;

const FIXTURE: &str = include_str!("../../../tests/fixtures/reports/so-ket-giua-nhiem-ky.v1.md");
const REMARKS: &[&str] = &[
    "Đề nghị bổ sung đánh giá về công tác phòng, chống tham nhũng, tiêu cực.",
    "Cần nêu rõ tỷ lệ đạt so với mục tiêu Nghị quyết.",
    "Số liệu về đảng viên mới cần đối chiếu với Ban Tổ chức.",
    "Đề nghị tách rõ nguyên nhân khách quan và chủ quan.",
    "Phần quốc phòng, an ninh còn sơ sài, cần bổ sung.",
    "Báo cáo cần ngắn gọn, tập trung vào giải pháp trọng tâm.",
];

fn passages() -> Vec<String> {
    FIXTURE.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("|---")).map(str::to_owned).collect()
}

async fn seed(db: &TestDatabase) -> ReportId {
    let committee = CommitteeId::from_uuid(uuid::Uuid::now_v7());
    let report = ReportId::from_uuid(uuid::Uuid::now_v7());
    let at = OffsetDateTime::now_utc();
    let lines = passages();
    let entry = |kind, version: usize, text: String, latest| Entry {
        kind,
        committee,
        report: Some(report),
        meeting: None,
        version: Some(u32::try_from(version).unwrap_or(u32::MAX)),
        latest,
        block: None,
        comment: (kind == EntryKind::Comment).then(|| CommentId::from_uuid(uuid::Uuid::now_v7())),
        author: None,
        at,
        text,
    };
    let mut batch = Vec::new();
    for v in 0..VERSIONS {
        for line in &lines {
            batch.push(entry(EntryKind::Passage, v + 1, format!("{line} (bản {v})"), v + 1 == VERSIONS));
        }
    }
    for c in 0..COMMENTS {
        batch.push(entry(EntryKind::Comment, 1 + c % VERSIONS, format!("{} Ý kiến số {c}.", REMARKS[c % REMARKS.len()]), true));
    }
    for chunk in batch.chunks(20_000) {
        let mut uow = db.store.begin().await.expect("begin");
        uow.index(chunk).await.expect("index");
        uow.commit().await.expect("commit");
    }
    report
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn measure(name: &str, db: &TestDatabase) {
    let report = seed(db).await;
    let app = db.app_at(OffsetDateTime::now_utc());
    let office = Actor { user: UserId::from_uuid(uuid::Uuid::nil()), global_roles: vec![GlobalRole::Secretariat], memberships: vec![], drafting: vec![], consulted: vec![] };
    let mut lookups = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut uow = db.store.begin().await.expect("begin");
        std::hint::black_box(uow.find_report(report).await.expect("lookup"));
        drop(uow);
        lookups.push(started.elapsed());
    }
    lookups.sort();
    let base = percentile(&lookups, 0.5);
    println!("{name}: {COMMENTS} comments and {} passages of {VERSIONS} versions", VERSIONS * passages().len());
    println!("  {:<34} {:>10} {:>10} {:>9}", "query", "median", "p99", "× lookup");
    println!("  {:<34} {:>8.2}ms {:>8.2}ms {:>9.1}", "primary-key lookup (baseline)", base.as_secs_f64() * 1e3, percentile(&lookups, 0.99).as_secs_f64() * 1e3, 1.0);
    for query in ["tham nhung", "\"dang vien moi\"", "muc tieu nghi quyet", "khong co tu nay"] {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let started = Instant::now();
            std::hint::black_box(app.search(&office, SearchRequest { query: query.to_owned(), ..SearchRequest::default() }).await.expect("search"));
            times.push(started.elapsed());
        }
        times.sort();
        let median = percentile(&times, 0.5);
        println!(
            "  {:<34} {:>8.2}ms {:>8.2}ms {:>9.1}",
            query,
            median.as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
            median.as_secs_f64() / base.as_secs_f64().max(f64::EPSILON)
        );
    }
}

#[tokio::main]
async fn main() {
    let sqlite = TestDatabase::sqlite().await;
    measure("SQLite", &sqlite).await;
    sqlite.finish().await;
    match std::env::var(gopy_store::testing::PG_URL_VAR) {
        Ok(url) if !url.is_empty() => {
            if let Some(pg) = TestDatabase::postgres().await {
                measure("PostgreSQL", &pg).await;
                pg.finish().await;
            }
        }
        _ => println!("PostgreSQL: not measured; set {} (scripts/test does) to measure it too", gopy_store::testing::PG_URL_VAR),
    }
}
