//! Search-box completions: an in-memory table of the index's popular
//! words, rebuilt from the term dictionaries when a commit changes the
//! segments, and answered by a binary search plus a small top-k.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tantivy::Searcher;
use tantivy::index::SegmentId;
use tantivy::schema::Field;

use crate::error::SearchError;

/// The table keeps at most this many words (the most frequent): bounded
/// memory (~10 MB) whatever the catalog's vocabulary.
const MAX_WORDS: usize = 200_000;

#[derive(Debug, Default)]
pub(crate) struct Suggester {
    /// Sorted by word; weight = number of products using it.
    words: Vec<(String, u64)>,
    /// The segments this table was built from.
    segments: Vec<SegmentId>,
    /// `None` for the empty table nothing was built into.
    built_at: Option<Instant>,
}

impl Suggester {
    /// Time since the build; the empty initial table is infinitely old.
    pub fn age(&self) -> Duration {
        self.built_at.map_or(Duration::MAX, |t| t.elapsed())
    }

    /// Built from `fields` of every segment; `None` when the segments are
    /// those of `self` (deletes alone do not change term dictionaries).
    pub fn rebuild_if_changed(
        &self,
        searcher: &Searcher,
        fields: &[Field],
    ) -> Result<Option<Suggester>, SearchError> {
        let mut segments: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect();
        segments.sort_unstable();
        if segments == self.segments && !segments.is_empty() {
            return Ok(None);
        }
        Self::build(searcher, fields, segments).map(Some)
    }

    /// Reads every term of `fields` in every segment of `searcher`.
    pub fn build(
        searcher: &Searcher,
        fields: &[Field],
        segments: Vec<SegmentId>,
    ) -> Result<Suggester, SearchError> {
        let mut weights: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            for &field in fields {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted.terms().stream()?;
                while stream.advance() {
                    let Ok(word) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if is_suggestible(word) {
                        let df = u64::from(stream.value().doc_freq);
                        *weights.entry(word.to_lowercase()).or_default() += df;
                    }
                }
            }
        }
        let mut words: Vec<(String, u64)> = weights.into_iter().collect();
        if words.len() > MAX_WORDS {
            words.select_nth_unstable_by(MAX_WORDS, |a, b| b.1.cmp(&a.1));
            words.truncate(MAX_WORDS);
        }
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // An empty index's table does not count as built: the first
        // commit with products must not wait for the refresh interval.
        let built_at = (!segments.is_empty()).then(Instant::now);
        Ok(Suggester {
            words,
            segments,
            built_at,
        })
    }

    /// Up to `limit` words starting with `prefix` (lowercased), most used
    /// first, ties alphabetical.
    pub fn suggest(&self, prefix: &str, limit: usize) -> Vec<String> {
        let prefix = prefix.trim().to_lowercase();
        if prefix.is_empty() || limit == 0 {
            return Vec::new();
        }
        let start = self
            .words
            .partition_point(|(w, _)| w.as_str() < prefix.as_str());
        let mut matches: Vec<&(String, u64)> = self.words[start..]
            .iter()
            .take_while(|(w, _)| w.starts_with(&prefix))
            .collect();
        let by_weight = |a: &&(String, u64), b: &&(String, u64)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if matches.len() > limit {
            matches.select_nth_unstable_by(limit, by_weight);
            matches.truncate(limit);
        }
        matches.sort_unstable_by(by_weight);
        matches.into_iter().map(|(w, _)| w.clone()).collect()
    }

    pub fn len(&self) -> usize {
        self.words.len()
    }
}

/// Words a person would pick from a drop-down: not bare numbers, not a
/// lone CJK char (mostly particles), not a lone Latin letter.
fn is_suggestible(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (None, _) | (Some(_), None) => false,
        _ => !word.chars().all(|c| c.is_ascii_digit()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(words: &[(&str, u64)]) -> Suggester {
        let mut words: Vec<(String, u64)> =
            words.iter().map(|(w, n)| (w.to_string(), *n)).collect();
        words.sort();
        Suggester {
            words,
            ..Suggester::default()
        }
    }

    #[test]
    fn prefix_matches_ranked_by_weight_then_word() {
        let t = table(&[
            ("连衣裙", 50),
            ("连衣", 80),
            ("连帽", 80),
            ("衬衫", 99),
            ("连体", 1),
        ]);
        assert_eq!(t.suggest("连", 3), vec!["连帽", "连衣", "连衣裙"]);
        assert_eq!(t.suggest("连衣", 10), vec!["连衣", "连衣裙"]);
        assert!(t.suggest("", 10).is_empty());
        assert!(t.suggest("连", 0).is_empty());
    }

    #[test]
    fn latin_prefix_is_case_insensitive() {
        let t = table(&[("iphone", 10), ("ipad", 20), ("huawei", 5)]);
        assert_eq!(t.suggest(" IP", 5), vec!["ipad", "iphone"]);
    }

    #[test]
    fn numbers_and_lone_chars_are_not_suggested() {
        assert!(!is_suggestible("15"));
        assert!(!is_suggestible("的"));
        assert!(!is_suggestible("m"));
        assert!(is_suggestible("xl"));
        assert!(is_suggestible("连衣裙"));
    }
}
