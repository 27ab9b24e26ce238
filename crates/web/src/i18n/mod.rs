//! Every UI string, in Chinese (default) and English. One table; a test
//! checks that every key the templates and handlers use is in it.

mod aftersales_table;
mod discovery_table;
mod live_table;
mod table;

use aftersales_table::AFTERSALES_TABLE;
use discovery_table::DISCOVERY_TABLE;
use live_table::LIVE_TABLE;
use table::TABLE;

/// Every (key, 中文, English) entry: the shop's table, the live room's,
/// after-sales and the panels', then discovery (feed reasons, search).
fn entries() -> impl Iterator<Item = &'static (&'static str, &'static str, &'static str)> {
    TABLE
        .iter()
        .chain(LIVE_TABLE.iter())
        .chain(AFTERSALES_TABLE.iter())
        .chain(DISCOVERY_TABLE.iter())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub fn from_code(code: &str) -> Lang {
        match code {
            "en" => Lang::En,
            _ => Lang::Zh,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// The text of `key`; the key itself if it is missing (a test forbids that).
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    match entries().find(|(k, _, _)| *k == key) {
        Some((_, zh, en)) => match lang {
            Lang::Zh => zh,
            Lang::En => en,
        },
        None => key,
    }
}

/// The name of a form field a validation error is about.
pub fn field_label(lang: Lang, field: &str) -> &'static str {
    let key = match field {
        "login" => "login_name",
        "password" => "password",
        "display_name" => "display_name",
        "recipient" => "recipient",
        "phone" => "phone",
        "province" => "province",
        "city" => "city",
        "district" => "district",
        "detail" => "detail",
        "quantity" => "quantity",
        "address_id" => "ship_to",
        "lines" => "order_items",
        "text" => "comment_field",
        "file" | "evidence" => "as_evidence",
        "note" => "as_note_field",
        "reason_text" => "as_description",
        "tracking_no" => "m_tracking_no",
        "address" | "shop_province" => "ship_to",
        "events" => "field_events",
        "device_id" => "field_device",
        _ => "field_generic",
    };
    t(lang, key)
}

/// What a validation rule means, by its stable code.
pub fn code_text(lang: Lang, code: &str) -> Option<&'static str> {
    let key = match code {
        "too_short" => "rule_too_short",
        "too_long" => "rule_too_long",
        "length" => "rule_login_length",
        "charset" => "rule_login_charset",
        "bad_phone" => "rule_bad_phone",
        "out_of_range" => "rule_out_of_range",
        "no_address" => "rule_no_address",
        "control_characters" => "rule_control",
        "required" => "rule_required",
        "empty" => "rule_empty",
        "mixed_merchants" => "rule_mixed_merchants",
        "unsupported_type" => "rule_photo_type",
        "too_large" => "rule_photo_size",
        "unknown_file" => "rule_unknown_file",
        "bad_tracking_no" => "rule_tracking_no",
        "unknown_province" => "rule_unknown_province",
        "unknown_kind" => "rule_unknown_kind",
        "bad_completion" => "rule_bad_completion",
        "unexpected_completion" => "rule_unexpected_completion",
        "bad_age" => "rule_bad_age",
        "too_many" => "rule_too_many",
        _ => return None,
    };
    Some(t(lang, key))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn keys_are_unique_and_translated() {
        let mut seen = HashSet::new();
        for (k, zh, en) in entries() {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!zh.is_empty() && !en.is_empty(), "empty text for {k}");
        }
    }

    /// Every `t("…")` / `t(lang, "…")` in templates and handlers exists.
    #[test]
    fn every_used_key_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        for dir in ["templates", "src", "src/i18n", "src/live"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                let is_table = path
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with("table.rs"));
                if path.is_dir() || is_table {
                    continue;
                }
                let text = std::fs::read_to_string(path).unwrap();
                for key in used_keys(&text) {
                    if !entries().any(|(k, _, _)| *k == key) {
                        missing.push(key);
                    }
                }
            }
        }
        assert!(missing.is_empty(), "missing translations: {missing:?}");
    }

    fn used_keys(text: &str) -> Vec<String> {
        let mut keys = Vec::new();
        for marker in ["t(\"", "lang, \"", "Key(\"", "BadRequest(\""] {
            for (i, _) in text.match_indices(marker) {
                // `t("` but not `Conflict("`.
                let before = text[..i].chars().next_back().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' {
                    continue;
                }
                let rest = &text[i + marker.len()..];
                if let Some(end) = rest.find('"') {
                    let key = &rest[..end];
                    if !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                        keys.push(key.to_owned());
                    }
                }
            }
        }
        keys
    }

    #[test]
    fn english_switch() {
        assert_eq!(t(Lang::En, "buy_now"), "Buy now");
        assert_eq!(t(Lang::Zh, "buy_now"), "立即购买");
        assert_eq!(Lang::from_code("en").html_tag(), "en");
        assert_eq!(Lang::from_code("xx"), Lang::Zh);
    }
}
