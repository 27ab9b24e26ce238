//! Token filters of our own, for what jieba leaves to the caller.

use tantivy::tokenizer::{Token, TokenFilter, TokenStream, Tokenizer};

/// Adds the letter and digit runs of a mixed token as its parts, the way
/// jieba adds sub-words: "iphone15" also yields "iphone" and "15", so
/// "iPhone15" and "iPhone 15" find each other.
#[derive(Clone, Copy)]
pub(crate) struct AlnumSplit;

impl TokenFilter for AlnumSplit {
    type Tokenizer<T: Tokenizer> = AlnumSplitWrapper<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> AlnumSplitWrapper<T> {
        AlnumSplitWrapper { inner }
    }
}

#[derive(Clone)]
pub(crate) struct AlnumSplitWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for AlnumSplitWrapper<T> {
    type TokenStream<'a> = AlnumSplitStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        AlnumSplitStream {
            tail: self.inner.token_stream(text),
            parts: Vec::new(),
            part: Token::default(),
            on_part: false,
        }
    }
}

pub(crate) struct AlnumSplitStream<S> {
    tail: S,
    /// Parts of the last tail token still to emit, last first.
    parts: Vec<Token>,
    part: Token,
    on_part: bool,
}

impl<S: TokenStream> TokenStream for AlnumSplitStream<S> {
    fn advance(&mut self) -> bool {
        if let Some(p) = self.parts.pop() {
            self.part = p;
            self.on_part = true;
            return true;
        }
        self.on_part = false;
        if !self.tail.advance() {
            return false;
        }
        let t = self.tail.token();
        let runs = alnum_runs(&t.text);
        if runs.len() > 1 {
            // ASCII only (checked by alnum_runs), so byte and char
            // offsets agree.
            self.parts = runs
                .into_iter()
                .rev()
                .map(|(from, to)| Token {
                    offset_from: t.offset_from + from,
                    offset_to: t.offset_from + to,
                    position: t.position + from,
                    position_length: to - from,
                    text: t.text[from..to].to_string(),
                })
                .collect();
        }
        true
    }

    fn token(&self) -> &Token {
        if self.on_part {
            &self.part
        } else {
            self.tail.token()
        }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.on_part {
            &mut self.part
        } else {
            self.tail.token_mut()
        }
    }
}

/// Byte ranges of the letter runs and digit runs of an ASCII alphanumeric
/// word; empty for anything else.
fn alnum_runs(word: &str) -> Vec<(usize, usize)> {
    if !word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Vec::new();
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for (i, b) in word.bytes().enumerate() {
        match runs.last_mut() {
            Some((from, to)) if word.as_bytes()[*from].is_ascii_digit() == b.is_ascii_digit() => {
                *to = i + 1
            }
            _ => runs.push((i, i + 1)),
        }
    }
    runs
}

/// Drops tokens without a letter or digit: jieba emits blanks and
/// punctuation as tokens, which would only add noise terms.
#[derive(Clone, Copy)]
pub(crate) struct WordFilter;

impl TokenFilter for WordFilter {
    type Tokenizer<T: Tokenizer> = WordFilterWrapper<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> WordFilterWrapper<T> {
        WordFilterWrapper { inner }
    }
}

#[derive(Clone)]
pub(crate) struct WordFilterWrapper<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for WordFilterWrapper<T> {
    type TokenStream<'a> = WordFilterStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordFilterStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub(crate) struct WordFilterStream<S> {
    tail: S,
}

impl<S: TokenStream> TokenStream for WordFilterStream<S> {
    fn advance(&mut self) -> bool {
        while self.tail.advance() {
            if self.tail.token().text.chars().any(char::is_alphanumeric) {
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_letters_from_digits() {
        assert_eq!(alnum_runs("kx3170a"), vec![(0, 2), (2, 6), (6, 7)]);
        assert_eq!(alnum_runs("iphone"), vec![(0, 6)]);
        assert!(alnum_runs("3.5g").is_empty());
        assert!(alnum_runs("手机15").is_empty());
    }
}
