//! Replays the fuzz corpus (`fuzz/corpus/<target>/`, crashes found by the
//! fuzzer included once fixed) through the same functions the cargo-fuzz
//! targets run, so the test command checks on stable Rust, without
//! cargo-fuzz, that no input that ever mattered makes an importer panic.
//! `fuzz/README.md` says how to fuzz for longer.

use std::path::PathBuf;

use gopy_documents::fuzzing;

fn corpus(target: &str) -> Vec<PathBuf> {
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .map(|entry| entry.expect("a corpus entry").path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str) {
    let files = corpus(target);
    assert!(files.len() >= 10, "the {target} corpus has only {} files", files.len());
    let (mut accepted, mut refused) = (0, 0);
    for path in &files {
        let data = std::fs::read(path).expect("a corpus file");
        // Caught so that the failure names the file that made it.
        let outcome = std::panic::catch_unwind(|| fuzzing::run(target, &data).expect("a known target"));
        match outcome {
            Ok(Ok(_)) => accepted += 1,
            Ok(Err(error)) => {
                assert!(!error.to_string().is_empty(), "{}: a refusal without words", path.display());
                refused += 1;
            }
            Err(_) => panic!("the {target} target panicked on {}", path.display()),
        }
    }
    println!("{target}: {} corpus files replayed, {accepted} imported, {refused} refused", files.len());
}

#[test]
fn the_import_corpus_is_read_or_refused_without_a_panic() {
    replay("import");
}

#[test]
fn the_markdown_corpus_is_read_or_refused_without_a_panic() {
    replay("markdown");
}

#[test]
fn the_docx_corpus_is_read_or_refused_without_a_panic() {
    replay("docx");
}

#[test]
fn the_comments_corpus_is_read_or_refused_without_a_panic() {
    replay("comments");
}

#[test]
fn the_comment_form_corpus_is_read_or_refused_without_a_panic() {
    replay("comment_form");
}

#[test]
fn every_target_has_a_corpus() {
    for target in fuzzing::TARGETS {
        assert!(fuzzing::run(target, b"").is_some(), "{target}");
        assert!(!corpus(target).is_empty(), "{target}");
    }
    assert!(fuzzing::run("no-such-target", b"").is_none());
}
