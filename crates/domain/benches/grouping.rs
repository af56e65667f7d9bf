//! Criterion benchmark of suggesting groups of comments that say the same
//! thing (issue #25): 250, 500 and 1,000 comments of a report, in threes
//! that say the same thing in other words, tones and case, 25 to a passage.
//!
//!     cargo bench -p gopy-domain --bench grouping
//!
//! After criterion's report it prints each size's median and its ratio to
//! the 500-comment run measured in the same run: linear work doubles from
//! 500 to 1,000 (× 2.0), pairwise work would quadruple (× 4.0). Nothing is
//! asserted.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::Criterion;
use gopy_domain::CommentId;
use gopy_domain::answers::{GroupCandidate, suggest_groups};
use gopy_domain::document::BlockId;

const SIZES: [usize; 3] = [250, 500, 1_000];

const PHRASES: [&str; 8] = [
    "Đề nghị bổ sung số liệu về tăng trưởng kinh tế năm 2023 so với cùng kỳ",
    "Cần làm rõ nguyên nhân của những hạn chế trong công tác cán bộ",
    "Đánh giá kết quả phòng chống tham nhũng còn chung chung chưa có số liệu",
    "Nên nêu cụ thể các chỉ tiêu chưa đạt và giải pháp khắc phục",
    "Phần kết luận cần ngắn gọn hơn và nhấn mạnh nhiệm vụ trọng tâm",
    "Bổ sung đánh giá về chuyển đổi số trong các cơ quan đảng",
    "Số liệu thu ngân sách cần thống nhất với báo cáo của Sở Tài chính",
    "Đề nghị rà soát lại cách dùng từ ngữ trong mục hai",
];

/// `n` comments in threes that say the same thing (as typed, folded, and
/// with words around it), one passage per 25 comments: every size has the
/// same density of groups and the same number of comments per passage, so
/// the sizes differ only in how many there are.
fn texts(n: usize) -> Vec<(BlockId, String)> {
    let passages = (n / 25).max(1);
    (0..n)
        .map(|i| {
            let topic = i / 3;
            let block = BlockId::new(format!("b{}", topic % passages));
            // The topics of one passage each say something else.
            let said = PHRASES[(topic / passages) % PHRASES.len()].to_owned();
            let text = match i % 3 {
                0 => said,
                1 => gopy_domain::text::fold(&said),
                _ => format!("Ý kiến của đơn vị {}: {said}", i * 7919 % 1000),
            };
            (block, text)
        })
        .collect()
}

fn run(comments: &[(BlockId, String)]) -> usize {
    let candidates: Vec<GroupCandidate<'_>> = comments
        .iter()
        .enumerate()
        .map(|(i, (block, text))| GroupCandidate {
            comment: CommentId::from_uuid(uuid::Uuid::from_u128(i as u128 + 1)),
            block: Some(block),
            span: None,
            text,
        })
        .collect();
    suggest_groups(&candidates).len()
}

fn main() {
    let folder = std::env::temp_dir().join(format!("gopy-bench-grouping-{}", std::process::id()));
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .output_directory(&folder)
        .configure_from_args();
    let mut group = c.benchmark_group("grouping");
    let inputs: Vec<(usize, Vec<(BlockId, String)>)> = SIZES.iter().map(|&n| (n, texts(n))).collect();
    for (n, comments) in &inputs {
        group.bench_function(n.to_string(), |b| b.iter(|| black_box(run(comments))));
    }
    group.finish();
    c.final_summary();
    println!();
    println!("suggesting groups; criterion medians, × 500 = against 500 comments in this run (linear: × 2.0 at 1,000)");
    let base = median(&folder, "500");
    for (n, comments) in &inputs {
        match (median(&folder, &n.to_string()), base) {
            (Some(m), Some(base)) => println!(
                "{n:>6} comments  {:>10.3} ms  {:>6} groups  × {:.2}",
                m.as_secs_f64() * 1e3,
                run(comments),
                m.as_secs_f64() / base.as_secs_f64()
            ),
            _ => println!("{n:>6} comments  (no estimate: run without a filter)"),
        }
    }
    let _ = std::fs::remove_dir_all(&folder);
}

fn median(folder: &Path, name: &str) -> Option<Duration> {
    let file = folder.join("grouping").join(name).join("new").join("estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(file).ok()?).ok()?;
    Some(Duration::from_secs_f64(json["median"]["point_estimate"].as_f64()? / 1e9))
}
