//! [`SearchIndex`]: the one handle the platform holds, shared via `Arc`.

use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tantivy::directory::MmapDirectory;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher};
use uuid::Uuid;

use crate::analysis::{self, ANALYZER, WORDS_ANALYZER};
use crate::error::SearchError;
use crate::model::{SearchDoc, SearchQuery, SearchResults};
use crate::schema::{self, Fields};
use crate::suggest::Suggester;

/// Writer threads and memory, and how often commits refresh suggestions.
/// The defaults suit a server that also does other work: at most 2
/// indexing threads, 64 MB, suggestions at most 10 s behind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexOptions {
    pub writer_threads: usize,
    /// Split evenly between the threads; tantivy wants ≥ 15 MB each.
    pub writer_memory_bytes: usize,
    /// A commit rebuilds the suggestion table only if the last build is
    /// older than this: the rebuild reads every term of the index, too
    /// much to repeat on a commit every 500 ms. `ZERO` = every commit.
    pub suggest_refresh: Duration,
}

impl Default for IndexOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        IndexOptions {
            writer_threads: cores.clamp(1, 2),
            writer_memory_bytes: 64 * 1024 * 1024,
            suggest_refresh: Duration::from_secs(10),
        }
    }
}

pub struct SearchIndex {
    pub(crate) fields: Fields,
    pub(crate) reader: IndexReader,
    index: Index,
    /// One writer per index (tantivy's lock); the mutex also keeps an
    /// upsert's delete+add pair from interleaving with another's.
    writer: Mutex<IndexWriter>,
    suggester: RwLock<Arc<Suggester>>,
    suggest_refresh: Duration,
}

impl SearchIndex {
    pub fn in_ram() -> Result<Self, SearchError> {
        Self::in_ram_with(IndexOptions::default())
    }

    pub fn in_ram_with(opts: IndexOptions) -> Result<Self, SearchError> {
        let (schema, fields) = schema::build();
        Self::from_index(Index::create_in_ram(schema), fields, opts)
    }

    /// Opens the index in `path`, creating the directory and an empty
    /// index when missing. Fails if another handle holds its writer lock.
    pub fn open_dir(path: &Path) -> Result<Self, SearchError> {
        Self::open_dir_with(path, IndexOptions::default())
    }

    pub fn open_dir_with(path: &Path, opts: IndexOptions) -> Result<Self, SearchError> {
        std::fs::create_dir_all(path)?;
        let (schema, fields) = schema::build();
        let index = Index::open_or_create(MmapDirectory::open(path)?, schema)?;
        Self::from_index(index, fields, opts)
    }

    fn from_index(index: Index, fields: Fields, opts: IndexOptions) -> Result<Self, SearchError> {
        index.tokenizers().register(ANALYZER, analysis::analyzer());
        index
            .tokenizers()
            .register(WORDS_ANALYZER, analysis::words_analyzer());
        let writer =
            index.writer_with_num_threads(opts.writer_threads, opts.writer_memory_bytes)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let this = SearchIndex {
            fields,
            reader,
            index,
            writer: Mutex::new(writer),
            suggester: RwLock::new(Arc::new(Suggester::default())),
            suggest_refresh: opts.suggest_refresh,
        };
        this.refresh_suggestions()?;
        Ok(this)
    }

    /// Adds or replaces each product (by `product_id`). Invisible to
    /// search until [`commit`](Self::commit). Later entries of the same id
    /// in one batch win.
    pub fn upsert(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        for d in docs {
            writer.delete_term(self.fields.id_term(d.product_id));
            writer.add_document(self.fields.document(d))?;
        }
        Ok(())
    }

    /// Removes a product (hidden or deleted); unknown ids are a no-op.
    pub fn delete(&self, product_id: Uuid) -> Result<(), SearchError> {
        let writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        writer.delete_term(self.fields.id_term(product_id));
        Ok(())
    }

    /// Makes every change so far durable and visible to [`search`]: the
    /// reader is reloaded before this returns. The suggestion table is
    /// rebuilt too when older than [`IndexOptions::suggest_refresh`].
    ///
    /// [`search`]: Self::search
    pub fn commit(&self) -> Result<(), SearchError> {
        {
            let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
            writer.commit()?;
            // Reloading under the lock keeps two committers from publishing
            // their readers out of order.
            self.reader.reload()?;
        }
        if self.suggester_snapshot()?.age() >= self.suggest_refresh {
            self.refresh_suggestions()?;
        }
        Ok(())
    }

    /// Rebuilds the suggestion table now from the last commit, if the
    /// segments changed since the last build. Costs a pass over every term
    /// of the index (see the benchmark's `suggest_rebuild_ms`).
    pub fn refresh_suggestions(&self) -> Result<(), SearchError> {
        let current = self.suggester_snapshot()?;
        if let Some(next) = current.rebuild_if_changed(&self.searcher(), &self.suggest_fields())? {
            let mut slot = self.suggester.write().map_err(|_| SearchError::Poisoned)?;
            *slot = Arc::new(next);
        }
        Ok(())
    }

    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        crate::search::run(self, q)
    }

    /// Up to `limit` (at most [`MAX_SUGGESTIONS`](crate::MAX_SUGGESTIONS))
    /// words starting with `prefix`, the most used first.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<String>, SearchError> {
        let limit = limit.min(crate::model::MAX_SUGGESTIONS);
        Ok(self.suggester_snapshot()?.suggest(prefix, limit))
    }

    /// Live (not deleted) products as of the last commit.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Words in the suggestion table (for metrics).
    pub fn num_suggestion_words(&self) -> usize {
        self.suggester_snapshot().map_or(0, |s| s.len())
    }

    pub(crate) fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    pub(crate) fn suggest_fields(&self) -> [Field; 1] {
        [self.fields.words]
    }

    pub(crate) fn analyzer(&self) -> Result<TextAnalyzer, SearchError> {
        self.index.tokenizers().get(ANALYZER).ok_or_else(|| {
            SearchError::Engine(tantivy::TantivyError::InternalError(format!(
                "analyzer {ANALYZER} not registered"
            )))
        })
    }

    fn suggester_snapshot(&self) -> Result<Arc<Suggester>, SearchError> {
        let slot = self.suggester.read().map_err(|_| SearchError::Poisoned)?;
        Ok(Arc::clone(&slot))
    }
}
