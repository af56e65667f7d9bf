//! Criterion benchmarks of writing a table of 5,000 dispositions as .docx,
//! .xlsx and CSV, and, for comparison, as the JSON the API answers with
//! (the same fields through serde_json; the API's own types live in the web
//! crate).
//!
//!     cargo bench -p gopy-documents --bench dispositions
//!
//! After criterion's report it prints each writer's median, rows per second
//! and size, and its ratio to CSV measured in the same run (the issue gives
//! no target here; CSV is the cheapest honest way to write the same text).
//! Nothing is asserted.

use std::path::Path;
use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use gopy_documents::{DispositionRow, DispositionTable, dispositions_csv, dispositions_docx, dispositions_xlsx};
use serde_json::json;

const ROWS: usize = 5_000;

fn main() {
    let folder = std::env::temp_dir().join(format!("gopy-bench-dispositions-{}", std::process::id()));
    let table = table(ROWS);
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .output_directory(&folder)
        .configure_from_args();
    let mut group = c.benchmark_group("dispositions_5000");
    group.bench_function("csv", |b| b.iter(|| black_box(dispositions_csv(&table))));
    group.bench_function("docx", |b| b.iter(|| black_box(dispositions_docx(&table))));
    group.bench_function("xlsx", |b| b.iter(|| black_box(dispositions_xlsx(&table))));
    group.bench_function("json", |b| b.iter(|| black_box(as_json(&table))));
    group.finish();
    c.final_summary();
    summary(&folder, &table);
    let _ = std::fs::remove_dir_all(&folder);
}

fn median(folder: &Path, name: &str) -> Option<Duration> {
    let file = folder.join("dispositions_5000").join(name).join("new").join("estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(file).ok()?).ok()?;
    Some(Duration::from_secs_f64(json["median"]["point_estimate"].as_f64()? / 1e9))
}

fn summary(folder: &Path, table: &DispositionTable) {
    let sizes = [
        ("csv", dispositions_csv(table).len()),
        ("docx", dispositions_docx(table).map_or(0, |b| b.len())),
        ("xlsx", dispositions_xlsx(table).map_or(0, |b| b.len())),
        ("json", as_json(table).len()),
    ];
    println!();
    println!("a table of {} dispositions; criterion medians, × csv = against writing the CSV in this run", table.rows.len());
    let Some(csv) = median(folder, "csv") else {
        println!("(no estimates: run without a filter to see the table)");
        return;
    };
    println!("{:<6} {:>12} {:>12} {:>12} {:>8}", "format", "median", "rows/s", "bytes", "× csv");
    for (name, bytes) in sizes {
        let Some(time) = median(folder, name) else { continue };
        println!(
            "{name:<6} {:>9.2} ms {:>12.0} {bytes:>12} {:>8.1}",
            time.as_secs_f64() * 1000.0,
            table.rows.len() as f64 / time.as_secs_f64().max(f64::EPSILON),
            time.as_secs_f64() / csv.as_secs_f64().max(f64::EPSILON),
        );
    }
}

fn as_json(table: &DispositionTable) -> Vec<u8> {
    let rows: Vec<serde_json::Value> = table
        .rows
        .iter()
        .map(|r| {
            json!({
                "number": r.number, "passage": r.passage, "quote": r.quote, "commenter": r.commenter,
                "commenter_body": r.commenter_body, "comment": r.comment, "disposition": r.disposition,
                "response": r.response,
            })
        })
        .collect();
    serde_json::to_vec(&json!({
        "heading": table.heading, "subtitle": table.subtitle, "columns": table.columns, "rows": rows,
    }))
    .unwrap_or_default()
}

/// A table like the secretariat's, made longer: comments of a few
/// sentences, some with a quote, most answered.
fn table(rows: usize) -> DispositionTable {
    let dispositions = ["Tiếp thu", "Tiếp thu một phần", "Giải trình", "Chưa trả lời"];
    DispositionTable {
        heading: "BẢNG TỔNG HỢP TIẾP THU, GIẢI TRÌNH Ý KIẾN".to_owned(),
        subtitle: "đối với Dự thảo lần 1 Báo cáo sơ kết giữa nhiệm kỳ thực hiện Nghị quyết Đại hội Đảng bộ tỉnh".to_owned(),
        columns: ["STT", "Vị trí (đoạn)", "Người góp ý", "Nội dung góp ý", "Tiếp thu/giải trình", "Ý kiến của tổ biên tập"]
            .map(str::to_owned),
        summary: Vec::new(),
        sheets: ["Bảng tổng hợp", "Kết quả lấy ý kiến"].map(str::to_owned),
        rows: (1..=rows)
            .map(|n| DispositionRow {
                number: n,
                passage: format!("II.{} ¶{}", n % 9 + 1, n % 5 + 1),
                quote: (n % 2 == 0).then(|| "tốc độ tăng trưởng kinh tế bình quân đạt 6,5%/năm".to_owned()),
                commenter: format!("Nguyễn Văn {n}"),
                commenter_body: (n % 3 != 0).then(|| "Ban Tuyên giáo Tỉnh ủy".to_owned()),
                comment: format!(
                    "Đề nghị bổ sung số liệu cụ thể về kết quả thực hiện chỉ tiêu số {n}.\n\
                     Cần làm rõ nguyên nhân của hạn chế, yếu kém và trách nhiệm của từng cơ quan, đơn vị."
                ),
                disposition: dispositions[n % 4].to_owned(),
                response: if n % 4 == 3 {
                    String::new()
                } else {
                    "Tổ biên tập đã tiếp thu, bổ sung số liệu vào mục II.1 của Dự thảo lần 2.".to_owned()
                },
                group: Some(format!("Phần II.{}", n % 9 + 1)),
            })
            .collect(),
    }
}
