//! Title highlighting. Our own rather than tantivy's `SnippetGenerator`:
//! a title is shown whole (no fragment picking), jieba's overlapping
//! search-mode tokens must merge into one `<em>`, and the only markup that
//! may come out is `<em>`.

use tantivy::tokenizer::TextAnalyzer;

use crate::analysis;

/// `title` HTML-escaped, with the tokens equal to one of `terms`
/// (lowercased, as the analyzer emits them) wrapped in `<em>…</em>`.
pub(crate) fn title_html(analyzer: &mut TextAnalyzer, title: &str, terms: &[&str]) -> String {
    let mut ranges: Vec<(usize, usize)> = analysis::tokens(analyzer, title)
        .into_iter()
        .filter(|t| terms.contains(&t.text.as_str()))
        .map(|t| (t.offset_from, t.offset_to))
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (from, to) in ranges {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    let mut out = String::with_capacity(title.len() + merged.len() * 9);
    let mut at = 0;
    for (from, to) in merged {
        // Offsets come from the tokenizer and are char boundaries; `get`
        // keeps a bad one from panicking (the text is then shown plain).
        let (Some(before), Some(hit)) = (title.get(at..from), title.get(from..to)) else {
            continue;
        };
        escape_into(&mut out, before);
        out.push_str("<em>");
        escape_into(&mut out, hit);
        out.push_str("</em>");
        at = to;
    }
    escape_into(&mut out, title.get(at..).unwrap_or_default());
    out
}

pub(crate) fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyzer;

    #[test]
    fn overlapping_tokens_merge_into_one_em() {
        let html = title_html(
            &mut analyzer(),
            "法式碎花连衣裙",
            &["连衣裙", "连衣", "衣裙"],
        );
        assert_eq!(html, "法式碎花<em>连衣裙</em>");
    }

    #[test]
    fn everything_but_em_is_escaped() {
        let html = title_html(
            &mut analyzer(),
            "<script>alert('x')</script> iPhone & \"壳\"",
            &["iphone", "script"],
        );
        assert_eq!(
            html,
            "&lt;<em>script</em>&gt;alert(&#39;x&#39;)&lt;/<em>script</em>&gt; \
             <em>iPhone</em> &amp; &quot;壳&quot;"
        );
    }

    #[test]
    fn no_match_is_plain_escaped_title() {
        assert_eq!(title_html(&mut analyzer(), "a<b", &["zz"]), "a&lt;b");
    }
}
