//! Files made from a report's table of dispositions, kept in memory until
//! the report changes.
//!
//! The table is the same for everyone who may read the report, in one
//! language, and a Word or Excel file of a thousand rows takes far longer to
//! make than to send; a report's change counter says when a kept file is
//! stale. One file is kept per report, language and format, for the newest
//! change count asked for: an older state is never asked for again by
//! anyone but a reader whose own copy is stale, who gets the new one.
//! The cache is bounded in entries and in bytes; the least recently served
//! file goes first.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::body::Bytes;
use gopy_domain::{Language, ReportId};

/// The forms the table is served in; the files by the last part of their
/// path (`dispositions.xlsx`), JSON by its own route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Deserialize)]
pub enum ExportKind {
    #[serde(skip)]
    Json,
    #[serde(rename = "dispositions.csv")]
    Csv,
    #[serde(rename = "dispositions.docx")]
    Docx,
    #[serde(rename = "dispositions.xlsx")]
    Xlsx,
}

impl ExportKind {

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Docx => "docx",
            Self::Xlsx => "xlsx",
        }
    }
}

/// A made file, ready to send again.
#[derive(Debug)]
pub struct KeptFile {
    /// `None` for what is sent inline (JSON), not as an attachment.
    pub file_name: Option<String>,
    pub content_type: &'static str,
    pub bytes: Bytes,
}

type Key = (ReportId, Language, ExportKind);

struct Entry {
    change_count: u64,
    file: Arc<KeptFile>,
    last_used: u64,
}

#[derive(Default)]
struct Kept {
    entries: HashMap<Key, Entry>,
    bytes: usize,
    clock: u64,
}

pub struct ExportCache {
    kept: Mutex<Kept>,
    max_entries: usize,
    max_bytes: usize,
}

impl ExportCache {
    pub fn new(max_entries: usize, max_bytes: usize) -> Self {
        Self { kept: Mutex::new(Kept::default()), max_entries, max_bytes }
    }

    fn lock(&self) -> MutexGuard<'_, Kept> {
        // A panic while holding the lock leaves a consistent map (every
        // change is one insert or remove), so the cache goes on.
        self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The kept file and the change count it was made at.
    pub fn get(&self, report: ReportId, language: Language, kind: ExportKind) -> Option<(u64, Arc<KeptFile>)> {
        let mut kept = self.lock();
        kept.clock += 1;
        let now = kept.clock;
        let entry = kept.entries.get_mut(&(report, language, kind))?;
        entry.last_used = now;
        Some((entry.change_count, entry.file.clone()))
    }

    /// Keeps `file`, made at `change_count`, unless a file of a later state
    /// is kept already or it alone is over the byte bound.
    pub fn put(&self, report: ReportId, language: Language, kind: ExportKind, change_count: u64, file: KeptFile) -> Arc<KeptFile> {
        let file = Arc::new(file);
        let size = file.bytes.len();
        if size > self.max_bytes || self.max_entries == 0 {
            return file;
        }
        let mut kept = self.lock();
        let key = (report, language, kind);
        if kept.entries.get(&key).is_some_and(|e| e.change_count > change_count) {
            return file;
        }
        if let Some(old) = kept.entries.remove(&key) {
            kept.bytes -= old.file.bytes.len();
        }
        while !kept.entries.is_empty() && (kept.entries.len() >= self.max_entries || kept.bytes + size > self.max_bytes) {
            let Some(oldest) = kept.entries.iter().min_by_key(|(_, e)| e.last_used).map(|(k, _)| *k) else { break };
            if let Some(old) = kept.entries.remove(&oldest) {
                kept.bytes -= old.file.bytes.len();
            }
        }
        kept.clock += 1;
        let last_used = kept.clock;
        kept.bytes += size;
        kept.entries.insert(key, Entry { change_count, file: file.clone(), last_used });
        file
    }

    /// How many files and bytes are kept.
    pub fn size(&self) -> (usize, usize) {
        let kept = self.lock();
        (kept.entries.len(), kept.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(n: usize) -> KeptFile {
        KeptFile { file_name: None, content_type: "text/csv", bytes: Bytes::from(vec![b'x'; n]) }
    }

    fn report() -> ReportId {
        ReportId::from_uuid(uuid::Uuid::now_v7())
    }

    #[test]
    fn a_kept_file_is_replaced_by_a_later_state_and_never_by_an_earlier_one() {
        let cache = ExportCache::new(8, 1_000);
        let id = report();
        cache.put(id, Language::Vi, ExportKind::Csv, 3, file(10));
        assert_eq!(cache.get(id, Language::Vi, ExportKind::Csv).map(|(c, _)| c), Some(3));
        cache.put(id, Language::Vi, ExportKind::Csv, 2, file(20));
        assert_eq!(cache.get(id, Language::Vi, ExportKind::Csv).map(|(c, f)| (c, f.bytes.len())), Some((3, 10)));
        cache.put(id, Language::Vi, ExportKind::Csv, 4, file(30));
        assert_eq!(cache.get(id, Language::Vi, ExportKind::Csv).map(|(c, f)| (c, f.bytes.len())), Some((4, 30)));
        assert_eq!(cache.size(), (1, 30));
        assert!(cache.get(id, Language::En, ExportKind::Csv).is_none(), "each language is its own file");
    }

    #[test]
    fn the_least_recently_served_file_goes_first_when_a_bound_is_reached() {
        let cache = ExportCache::new(2, 100);
        let (a, b, c) = (report(), report(), report());
        cache.put(a, Language::Vi, ExportKind::Json, 1, file(40));
        cache.put(b, Language::Vi, ExportKind::Json, 1, file(40));
        assert!(cache.get(a, Language::Vi, ExportKind::Json).is_some());
        cache.put(c, Language::Vi, ExportKind::Json, 1, file(40));
        assert!(cache.get(b, Language::Vi, ExportKind::Json).is_none(), "b was served least recently");
        assert!(cache.get(a, Language::Vi, ExportKind::Json).is_some());
        assert_eq!(cache.size(), (2, 80));
        cache.put(b, Language::Vi, ExportKind::Json, 1, file(90));
        assert_eq!(cache.size(), (1, 90), "bytes are bounded too");
        cache.put(a, Language::Vi, ExportKind::Json, 2, file(101));
        assert!(cache.get(a, Language::Vi, ExportKind::Json).is_none(), "a file over the bound is not kept");
    }
}
