//! Turns a [`SearchQuery`] into a tantivy query without any query syntax:
//! the text is only ever tokenized, so no user input can fail to parse.

use std::ops::Bound;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use crate::analysis::{self, Word};
use crate::model::{MAX_QUERY_CHARS, MAX_QUERY_WORDS, SearchQuery};
use crate::schema::Fields;

/// How the words of the text combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Match {
    /// Every word (but single-char particles) must match: precise.
    AllWords,
    /// Any word may match: the fallback when `AllWords` finds nothing.
    AnyWord,
}

pub(crate) struct Plan {
    pub words: Vec<Word>,
    /// The user typed something, but nothing searchable (e.g. "!!!").
    pub nothing_to_match: bool,
}

impl Plan {
    pub fn new(analyzer: &mut TextAnalyzer, q: &SearchQuery) -> Plan {
        let text: String = q.text.chars().take(MAX_QUERY_CHARS).collect();
        let tokens = analysis::tokens(analyzer, &text);
        let words = analysis::words(&tokens, MAX_QUERY_WORDS);
        Plan {
            nothing_to_match: words.is_empty() && !text.trim().is_empty(),
            words,
        }
    }

    /// Whether the `AnyWord` fallback can find anything `AllWords` did not.
    pub fn can_loosen(&self) -> bool {
        self.words.iter().filter(|w| !w.is_optional()).count() > 1
    }

    /// Lowercased terms worth highlighting in a title.
    pub fn highlight_terms(&self) -> Vec<&str> {
        self.words
            .iter()
            .flat_map(|w| std::iter::once(&w.text).chain(&w.parts))
            .map(String::as_str)
            .collect()
    }

    pub fn query(&self, f: &Fields, q: &SearchQuery, mode: Match) -> Box<dyn Query> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !self.words.is_empty() {
            // Words get their own boolean so that, when all of them are
            // optional, one must still match: next to the filters' Must
            // clauses a bare Should would match nothing at all.
            let words = self
                .words
                .iter()
                .map(|w| {
                    let occur = match mode {
                        Match::AllWords if !w.is_optional() => Occur::Must,
                        _ => Occur::Should,
                    };
                    (occur, word_query(f, w))
                })
                .collect();
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(words))));
        }
        clauses.extend(filters(f, q).into_iter().map(|c| (Occur::Must, c)));
        match clauses.len() {
            0 => Box::new(AllQuery),
            _ => Box::new(BooleanQuery::new(clauses)),
        }
    }
}

/// Must match anywhere in the product; scores a title match of the whole
/// word on top, so the title outweighs the rest.
///
/// A word with parts ("连衣裙": "连衣", "衣裙") matches through its parts:
/// wherever the analyzer emitted the whole word it emitted the parts too,
/// and they still match where jieba cut the same chars differently because
/// of their neighbours. "手机壳" still never matches a bare "手机": "机壳"
/// is required too. One Should clause per word keeps tantivy from building
/// a union scorer for it.
fn word_query(f: &Fields, w: &Word) -> Box<dyn Query> {
    let required: Vec<&String> = match w.parts.is_empty() {
        true => vec![&w.text],
        false => w.parts.iter().collect(),
    };
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = required
        .into_iter()
        .map(|t| (Occur::Must, term(f.all, t)))
        .collect();
    let title: Box<dyn Query> = Box::new(BoostQuery::new(term(f.title, &w.text), TITLE_BOOST));
    clauses.push((Occur::Should, title));
    Box::new(BooleanQuery::new(clauses))
}

/// Weight of a title match over a match anywhere (the `all` field).
const TITLE_BOOST: f32 = 2.0;

fn term(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// Filters add no score: relevance comes from the text alone.
fn filters(f: &Fields, q: &SearchQuery) -> Vec<Box<dyn Query>> {
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if let Some(c) = &q.category {
        let t = TermQuery::new(
            Term::from_field_text(f.category_exact, c),
            IndexRecordOption::Basic,
        );
        out.push(Box::new(ConstScoreQuery::new(Box::new(t), 0.0)));
    }
    if q.price_min_minor.is_some() || q.price_max_minor.is_some() {
        let bound = |v: Option<i64>| match v {
            Some(v) => Bound::Included(Term::from_field_i64(f.price, v)),
            None => Bound::Unbounded,
        };
        let r = RangeQuery::new(bound(q.price_min_minor), bound(q.price_max_minor));
        out.push(Box::new(ConstScoreQuery::new(Box::new(r), 0.0)));
    }
    if q.in_stock_only {
        let t = TermQuery::new(
            Term::from_field_bool(f.in_stock, true),
            IndexRecordOption::Basic,
        );
        out.push(Box::new(ConstScoreQuery::new(Box::new(t), 0.0)));
    }
    out
}
