//! Text analysis shared by indexing, querying, highlighting and suggestions:
//! the same analyzer everywhere, so a query word and an indexed word meet.

use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenStream};

use crate::filters::{AlnumSplit, WordFilter};

/// Name under which the analyzer is registered in every index.
pub(crate) const ANALYZER: &str = "yc_jieba";
/// The whole-words analyzer, for the suggestion source field.
pub(crate) const WORDS_ANALYZER: &str = "yc_jieba_words";

/// Tokens longer than this (bytes) are junk (hashes, base64), not words.
const MAX_TOKEN_BYTES: usize = 40;

/// jieba in search mode (a long word also yields its dictionary sub-words,
/// so "连衣裙" indexes "连衣", "衣裙" and "连衣裙"), punctuation and blanks
/// dropped, lowercased.
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
        .filter(WordFilter)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AlnumSplit)
        .build()
}

/// jieba in default mode: whole words only ("连衣裙", never "连衣"), which
/// is what a search box should offer to complete.
pub(crate) fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::with_search_mode(false))
        .filter(WordFilter)
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

/// Every token of `text`, in order, with offsets and char positions.
pub(crate) fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Token> {
    let mut stream = analyzer.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().clone());
    }
    out
}

/// A query word (what jieba would cut in default mode) with the sub-words
/// search mode adds inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub text: String,
    pub parts: Vec<String>,
}

impl Word {
    /// A single CJK char is mostly a particle ("的", "款"): it may match but
    /// need not, or it would empty most result pages.
    pub fn is_optional(&self) -> bool {
        let mut chars = self.text.chars();
        matches!((chars.next(), chars.next()), (Some(c), None) if !c.is_ascii())
    }
}

/// Groups search-mode tokens back into words: a token is a word when no
/// longer token covers its span; the tokens inside its span are its parts.
/// Duplicates go, the first `max` words stay.
pub(crate) fn words(tokens: &[Token], max: usize) -> Vec<Word> {
    let span = |t: &Token| (t.position, t.position + t.position_length.max(1));
    let covers = |outer: &Token, inner: &Token| {
        let (os, oe) = span(outer);
        let (is, ie) = span(inner);
        os <= is && ie <= oe && (oe - os) > (ie - is)
    };
    let mut out: Vec<Word> = Vec::new();
    for t in tokens {
        if tokens.iter().any(|o| covers(o, t)) || out.iter().any(|w| w.text == t.text) {
            continue;
        }
        let mut parts: Vec<String> = Vec::new();
        for p in tokens.iter().filter(|p| covers(t, p)) {
            if !parts.contains(&p.text) {
                parts.push(p.text.clone());
            }
        }
        out.push(Word {
            text: t.text.clone(),
            parts,
        });
        if out.len() == max {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        tokens(&mut analyzer(), text)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn drops_blanks_and_punctuation_and_lowercases() {
        let t = texts("iPhone 15，Pro!!");
        assert_eq!(t, vec!["iphone", "15", "pro"]);
    }

    #[test]
    fn mixed_latin_digit_words_yield_their_runs() {
        let toks = tokens(&mut analyzer(), "iPhone15 手机");
        let t: Vec<&str> = toks.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(t, vec!["iphone15", "iphone", "15", "手机"]);
        assert_eq!((toks[2].offset_from, toks[2].offset_to), (6, 8));
        let w = words(&toks, 10);
        assert_eq!(w[0].text, "iphone15");
        assert_eq!(w[0].parts, vec!["iphone", "15"]);
    }

    #[test]
    fn long_word_keeps_its_parts() {
        let t = texts("法式碎花连衣裙");
        assert!(t.contains(&"连衣裙".to_string()), "{t:?}");
    }

    #[test]
    fn words_group_parts_under_the_covering_word() {
        let toks = tokens(&mut analyzer(), "连衣裙 白色 连衣裙");
        let w = words(&toks, 10);
        assert_eq!(w.len(), 2, "{w:?}");
        assert_eq!(w[0].text, "连衣裙");
        assert!(w[0].parts.contains(&"连衣".to_string()), "{w:?}");
        assert_eq!(w[1].text, "白色");
        assert!(w[1].parts.is_empty());
    }

    #[test]
    fn single_cjk_char_is_optional_but_latin_is_not() {
        let w = |s: &str| Word {
            text: s.into(),
            parts: vec![],
        };
        assert!(w("的").is_optional());
        assert!(!w("m").is_optional());
        assert!(!w("白色").is_optional());
    }
}
