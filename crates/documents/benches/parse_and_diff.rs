//! How long reading, parsing and aligning two long versions take, against
//! reading the files from disk as the baseline. Prints figures; asserts
//! nothing about timing (machines differ; the numbers are for people).
//!
//! Two Markdown versions of about 100,000 words are made by repeating the
//! sections of the v1 and v2 fixtures, each copy's headings numbered
//! (" (đợt N)") so the blocks are not all identical.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gopy_documents::{ImportLimits, import};
use gopy_domain::document::BlockContent;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/fixtures/reports/"
);
const TARGET_WORDS: usize = 100_000;
const REPETITIONS: usize = 7;

fn main() {
    let v1 = fixture("so-ket-giua-nhiem-ky.v1.md");
    let v2 = fixture("so-ket-giua-nhiem-ky.v2.md");
    let folder = std::env::temp_dir().join(format!("gopy-bench-{}", std::process::id()));
    if let Err(error) = std::fs::create_dir_all(&folder) {
        eprintln!("cannot create {}: {error}", folder.display());
        return;
    }
    let old_path = write(&folder, "old.md", &long_version(&v1));
    let new_path = write(&folder, "new.md", &long_version(&v2));
    let limits = ImportLimits {
        max_file_bytes: usize::MAX,
        max_blocks: usize::MAX,
        ..ImportLimits::default()
    };

    let read_both = || {
        (
            std::fs::read(&old_path).unwrap_or_default(),
            std::fs::read(&new_path).unwrap_or_default(),
        )
    };
    let (old_bytes, new_bytes) = read_both();
    let parse = |bytes: &[u8]| import(bytes, &limits).map(|i| i.blocks).unwrap_or_default();
    let (old, new) = (parse(&old_bytes), parse(&new_bytes));

    let read = median(|| {
        std::hint::black_box(read_both());
    });
    let parsed = median(|| {
        std::hint::black_box((parse(&old_bytes), parse(&new_bytes)));
    });
    let aligned = median(|| {
        std::hint::black_box(gopy_domain::document::align::align(&old, &new));
    });

    let words = word_count(&old) + word_count(&new);
    let blocks = old.len() + new.len();
    println!(
        "two versions: {} + {} words, {} + {} blocks, median of {REPETITIONS}",
        word_count(&old),
        word_count(&new),
        old.len(),
        new.len()
    );
    println!(
        "{:<28} {:>9} {:>8} {:>12} {:>10}",
        "step", "words", "blocks", "time", "× baseline"
    );
    let row = |step: &str, time: Duration| {
        let ratio = time.as_secs_f64() / read.as_secs_f64().max(f64::EPSILON);
        println!(
            "{step:<28} {words:>9} {blocks:>8} {:>9.2} ms {ratio:>10.1}",
            time.as_secs_f64() * 1000.0
        );
    };
    row("read both (baseline)", read);
    row("import() both", parsed);
    row("align(old, new) with word diffs", aligned);
    let _ = std::fs::remove_dir_all(&folder);
}

fn median(mut step: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..REPETITIONS)
        .map(|_| {
            let started = Instant::now();
            step();
            started.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}{name}")).unwrap_or_default()
}

fn write(folder: &Path, name: &str, text: &str) -> PathBuf {
    let path = folder.join(name);
    if let Err(error) = std::fs::write(&path, text) {
        eprintln!("cannot write {}: {error}", path.display());
    }
    path
}

/// The fixture's body (after its title and subtitle) repeated until about
/// [`TARGET_WORDS`] words, under the one title, each copy's headings
/// numbered.
fn long_version(fixture: &str) -> String {
    let start = fixture.find("\n## ").unwrap_or(0);
    let (head, body) = fixture.split_at(start);
    let body_words = body
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
        .max(1);
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
    blocks
        .iter()
        .map(|b| b.plain_text().split_whitespace().count())
        .sum()
}
