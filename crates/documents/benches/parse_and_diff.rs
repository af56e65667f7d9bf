//! Criterion benchmarks of two versions of about 100,000 words each: reading
//! the files, parsing Markdown and Word (.docx) into blocks, aligning and
//! diffing the versions, and carrying 10,000 comments forward from the old
//! version to the new one.
//!
//!     cargo bench -p gopy-documents --bench parse_and_diff
//!
//! After criterion's own report it prints a table of its median estimates
//! beside two baselines measured in the same run, against the target
//! (diff under 5× the time to read both files):
//! - "read" is `std::fs::read` of both files: bytes from disk, which on a
//!   second run means from the page cache, so it is a floor, not a parse;
//! - "import" is reading and parsing both files into blocks, what an upload
//!   costs before any diff.
//!
//! Nothing is asserted: machines differ, and the figures are for people.
//!
//! The two Markdown versions are made by repeating the sections of the v1
//! and v2 fixtures, each copy's headings numbered (" (đợt N)") so the
//! blocks are not all identical; the .docx files are those Markdown
//! versions written by the crate's own Word writer.

use std::path::{Path, PathBuf};
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use gopy_documents::{ImportLimits, TitleBlock, export_docx, import};
use gopy_domain::document::align::{Anchor, Span, align, carry_anchors, carry_ids_aligned};
use gopy_domain::document::{Block, BlockContent, BlockId};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/reports/");
const TARGET_WORDS: usize = 100_000;
const COMMENTS: usize = 10_000;

struct Versions {
    md: [PathBuf; 2],
    docx: [PathBuf; 2],
    old: Vec<BlockContent>,
    new: Vec<BlockContent>,
}

fn main() {
    let folder = std::env::temp_dir().join(format!("gopy-bench-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("cannot create {}: {e}", folder.display()));
    let versions = versions(&folder);
    let estimates = folder.join("criterion");
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .output_directory(&estimates)
        .configure_from_args();
    benches(&mut c, &versions);
    c.final_summary();
    summary(&estimates, &versions);
    let _ = std::fs::remove_dir_all(&folder);
}

fn limits() -> ImportLimits {
    ImportLimits { max_file_bytes: usize::MAX, max_uncompressed_bytes: u64::MAX, max_blocks: usize::MAX }
}

fn read_both(paths: &[PathBuf; 2]) -> (Vec<u8>, Vec<u8>) {
    (std::fs::read(&paths[0]).unwrap_or_default(), std::fs::read(&paths[1]).unwrap_or_default())
}

fn import_both(paths: &[PathBuf; 2]) -> (Vec<BlockContent>, Vec<BlockContent>) {
    let limits = limits();
    let (a, b) = read_both(paths);
    let parse = |bytes: &[u8]| import(bytes, &limits).map(|i| i.blocks).unwrap_or_default();
    (parse(&a), parse(&b))
}

fn benches(c: &mut Criterion, v: &Versions) {
    let mut group = c.benchmark_group("two_versions");
    group.bench_function("read_md", |b| b.iter(|| black_box(read_both(&v.md))));
    group.bench_function("read_docx", |b| b.iter(|| black_box(read_both(&v.docx))));
    group.bench_function("import_md", |b| b.iter(|| black_box(import_both(&v.md))));
    group.bench_function("import_docx", |b| b.iter(|| black_box(import_both(&v.docx))));
    group.bench_function("align", |b| b.iter(|| black_box(align(&v.old, &v.new))));
    // What adding a version does: align, and carry the block ids over.
    let old_blocks = with_ids(&v.old);
    group.bench_function("carry_ids", |b| {
        b.iter_batched(
            || v.new.clone(),
            |new| black_box(carry_ids_aligned(&old_blocks, new, fresh_ids(1_000_000))),
            BatchSize::LargeInput,
        )
    });
    let (new_blocks, alignment) = carry_ids_aligned(&old_blocks, v.new.clone(), fresh_ids(1_000_000));
    let anchors = anchors(&old_blocks, COMMENTS);
    group.bench_function("carry_10000_comments", |b| {
        b.iter(|| black_box(carry_anchors(&anchors, &old_blocks, &new_blocks, &alignment)))
    });
    group.finish();
}

/// Criterion's median for one benchmark of this run, read from the
/// estimates it writes.
fn median(estimates: &Path, name: &str) -> Option<Duration> {
    let file = estimates.join("two_versions").join(name).join("new").join("estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(file).ok()?).ok()?;
    let nanos = json["median"]["point_estimate"].as_f64()?;
    Some(Duration::from_secs_f64(nanos / 1e9))
}

fn summary(estimates: &Path, v: &Versions) {
    let size = |p: &PathBuf| std::fs::metadata(p).map_or(0, |m| m.len());
    println!();
    println!(
        "two versions: {} + {} words, {} + {} blocks; .md {} + {} bytes, .docx {} + {} bytes",
        word_count(&v.old),
        word_count(&v.new),
        v.old.len(),
        v.new.len(),
        size(&v.md[0]),
        size(&v.md[1]),
        size(&v.docx[0]),
        size(&v.docx[1]),
    );
    println!("criterion medians; × read = against std::fs::read of both .md files, × import = against reading and parsing both");
    let Some(read) = median(estimates, "read_md") else {
        println!("(no estimates: run without a filter to see the table)");
        return;
    };
    let import = median(estimates, "import_md").unwrap_or(read);
    println!("{:<34} {:>12} {:>10} {:>10}", "step", "median", "× read", "× import");
    let rows = [
        ("read both .md (baseline)", "read_md"),
        ("read both .docx", "read_docx"),
        ("import both .md (parse)", "import_md"),
        ("import both .docx (parse)", "import_docx"),
        ("align + word diffs", "align"),
        ("align + carry block ids", "carry_ids"),
        ("carry 10,000 comments forward", "carry_10000_comments"),
    ];
    for (label, name) in rows {
        let Some(time) = median(estimates, name) else { continue };
        println!(
            "{label:<34} {:>9.3} ms {:>10.1} {:>10.2}",
            time.as_secs_f64() * 1000.0,
            time.as_secs_f64() / read.as_secs_f64().max(f64::EPSILON),
            time.as_secs_f64() / import.as_secs_f64().max(f64::EPSILON),
        );
    }
    println!("target: the diff (align + word diffs) under 5× reading both files");
}

fn versions(folder: &Path) -> Versions {
    let v1 = long_version(&fixture("so-ket-giua-nhiem-ky.v1.md"));
    let v2 = long_version(&fixture("so-ket-giua-nhiem-ky.v2.md"));
    let md = [write(folder, "old.md", v1.as_bytes()), write(folder, "new.md", v2.as_bytes())];
    let (old, new) = import_both(&md);
    assert!(!old.is_empty() && !new.is_empty(), "the fixtures in {FIXTURES} could not be read");
    let title = TitleBlock {
        organisation: "TỈNH ỦY CÀ MAU".to_owned(),
        place_and_date: "Cà Mau, ngày 27 tháng 6 năm 2023".to_owned(),
        version_label: "Dự thảo".to_owned(),
    };
    let docx = |name: &str, blocks: &[BlockContent]| {
        let bytes = export_docx(&title, blocks).unwrap_or_else(|e| panic!("cannot write {name}: {e}"));
        write(folder, name, &bytes)
    };
    let docx = [docx("old.docx", &old), docx("new.docx", &new)];
    Versions { md, docx, old, new }
}

fn fresh_ids(from: u64) -> impl FnMut() -> BlockId {
    let mut next = from;
    move || {
        next += 1;
        BlockId::fresh(next)
    }
}

fn with_ids(contents: &[BlockContent]) -> Vec<Block> {
    let mut fresh = fresh_ids(0);
    contents.iter().map(|c| Block { id: fresh(), content: c.clone() }).collect()
}

/// `count` comments spread over the old version's blocks: every third on
/// the whole block, the others on a quote of a few words in it.
fn anchors(blocks: &[Block], count: usize) -> Vec<Anchor> {
    let texts: Vec<(usize, Vec<char>)> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| (i, b.content.plain_text().chars().collect::<Vec<char>>()))
        .filter(|(_, t)| t.len() >= 40)
        .collect();
    (0..count)
        .map(|k| {
            let (i, text) = &texts[k * 7919 % texts.len()];
            let block = blocks[*i].id.clone();
            if k % 3 == 0 {
                return Anchor { block, span: None };
            }
            let start = k * 31 % (text.len() - 30);
            let end = start + 12 + k % 18;
            Anchor { block, span: Some(Span { start, end, quote: text[start..end].iter().collect() }) }
        })
        .collect()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}{name}")).unwrap_or_else(|e| panic!("cannot read {FIXTURES}{name}: {e}"))
}

fn write(folder: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = folder.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    path
}

/// The fixture's body (after its title and subtitle) repeated until about
/// [`TARGET_WORDS`] words, under the one title, each copy's headings
/// numbered.
fn long_version(fixture: &str) -> String {
    let start = fixture.find("\n## ").unwrap_or(0);
    let (head, body) = fixture.split_at(start);
    let body_words = body.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count().max(1);
    let mut out = head.to_owned();
    for copy in 1..=TARGET_WORDS.div_ceil(body_words) {
        for line in body.lines() {
            out.push_str(line);
            if line.starts_with('#') {
                out.push_str(&format!(" (đợt {copy})"));
            }
            out.push('\n');
        }
    }
    out
}

fn word_count(blocks: &[BlockContent]) -> usize {
    blocks.iter().map(|b| b.plain_text().split_whitespace().count()).sum()
}
