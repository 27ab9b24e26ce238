//! Line tokenising for the interaction and catalog files: delimiter
//! detection, quoted fields, and header column matching.

pub(crate) fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

#[derive(Clone, Copy)]
pub(crate) enum Delim {
    Comma,
    Tab,
    DoubleColon,
}

impl Delim {
    pub fn detect(line: &str) -> Delim {
        if line.contains("::") {
            Delim::DoubleColon
        } else if line.contains('\t') {
            Delim::Tab
        } else {
            Delim::Comma
        }
    }

    pub fn split(self, line: &str) -> Vec<String> {
        match self {
            Delim::DoubleColon => line.split("::").map(str::to_string).collect(),
            Delim::Tab => line.split('\t').map(str::to_string).collect(),
            Delim::Comma => split_quoted(line),
        }
    }
}

/// RFC 4180-style: fields may be quoted, `""` is a literal quote.
pub(crate) fn split_quoted(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    out
}

pub(crate) struct Columns {
    pub user: usize,
    pub item: usize,
    pub ts: usize,
    pub weight: Option<usize>,
}

pub(crate) fn find(head: &[String], names: &[&str]) -> Option<usize> {
    head.iter()
        .position(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

impl Columns {
    /// `Some` when the first line is a header rather than data.
    pub fn from_header(head: &[String]) -> Option<Columns> {
        let user = find(head, &["user", "userid", "user_id", "uid"]);
        let item = find(
            head,
            &["item", "itemid", "item_id", "movieid", "video", "product"],
        );
        let ts = find(head, &["timestamp", "time", "ts", "at_ms"]);
        let weight = find(head, &["weight", "rating", "score", "value"]);
        let named = user.is_some() || item.is_some() || ts.is_some();
        let worded_ts = head
            .get(2)
            .is_some_and(|t| t.trim().parse::<f64>().is_err());
        (named || worded_ts).then(|| Columns {
            user: user.unwrap_or(0),
            item: item.unwrap_or(1),
            ts: ts.unwrap_or(2),
            weight: weight.or(if head.len() > 3 { Some(3) } else { None }),
        })
    }
}
