//! Why a video is in someone's feed, as the chip on its slide says it.

use yc_services::feed::ReasonView;

use crate::i18n::{Lang, t};

/// The one reason the chip shows. The service orders reasons by how much
/// they moved the score; the chip prefers what is about this viewer ("因为你
/// 常看 数码") over what is true for everyone ("大家都在看"), which the
/// viewer cannot act on. All of them are true.
pub fn chip(reasons: &[ReasonView]) -> Option<&ReasonView> {
    let rank = |r: &ReasonView| match r.code.split('{').next().unwrap_or_default() {
        "Explore" => 0,
        "Interest" | "Onboarding" => 1,
        "AlsoViewed" | "Tag" | "Local" => 2,
        _ => 3,
    };
    reasons.iter().min_by_key(|r| rank(r))
}

/// The service words reasons in Chinese; English is rebuilt from the
/// stable code (`Interest{category:"数码"}`, `Local{province:浙江,…}`).
pub fn reason_text(r: &ReasonView, lang: Lang) -> String {
    if lang == Lang::Zh {
        return r.text.clone();
    }
    let kind = r.code.split('{').next().unwrap_or_default();
    let key = match kind {
        "Interest" => "reason_interest",
        "Tag" => "reason_tag",
        "Onboarding" => "reason_onboarding",
        "AlsoViewed" => "reason_also_viewed",
        "Local" => "reason_local",
        "Trending" => "reason_trending",
        "Fresh" => "reason_fresh",
        "Explore" => "reason_explore",
        "Popular" => "reason_popular",
        "Newest" => "reason_newest",
        // A reason added later than this table: the service's own words.
        _ => return r.text.clone(),
    };
    let value = match kind {
        "Interest" | "Onboarding" => code_field(&r.code, "category"),
        "Tag" => code_field(&r.code, "tag"),
        "Local" => code_field(&r.code, "province"),
        _ => None,
    };
    t(lang, key).replace("{x}", value.as_deref().unwrap_or_default())
}

/// `field:"value"` or `field:value` inside a reason code.
fn code_field(code: &str, field: &str) -> Option<String> {
    let rest = &code[code.find(&format!("{field}:"))? + field.len() + 1..];
    let value = match rest.strip_prefix('"') {
        Some(quoted) => &quoted[..quoted.find('"')?],
        None => rest.split([',', '}']).next()?,
    };
    Some(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(code: &str, text: &str) -> ReasonView {
        ReasonView {
            code: code.into(),
            text: text.into(),
        }
    }

    #[test]
    fn reasons_read_in_both_languages() {
        let interest = r(r#"Interest{category:"数码"}"#, "因为你常看 数码");
        assert_eq!(reason_text(&interest, Lang::Zh), "因为你常看 数码");
        assert_eq!(reason_text(&interest, Lang::En), "Because you watch 数码");
        let local = r(
            "Local{province:浙江,lane:SameProvince}",
            "同城/附近好物 · 浙江发货",
        );
        assert_eq!(reason_text(&local, Lang::En), "Nearby · ships from 浙江");
        assert_eq!(
            reason_text(&r("Newest", "最新发布"), Lang::En),
            "Just posted"
        );
        assert_eq!(reason_text(&r("Mystery", "神秘"), Lang::En), "神秘");
    }

    #[test]
    fn the_chip_prefers_personal_reasons() {
        let popular = r("Popular", "大家都在看");
        let tag = r(r#"Tag{tag:"数码"}"#, "你喜欢的 数码 风格");
        let interest = r(r#"Interest{category:"数码"}"#, "因为你常看 数码");
        let all = [popular.clone(), tag.clone(), interest];
        assert_eq!(chip(&all).map(|r| r.text.as_str()), Some("因为你常看 数码"));
        assert_eq!(
            chip(&[popular.clone(), tag]).map(|r| r.text.as_str()),
            Some("你喜欢的 数码 风格")
        );
        assert_eq!(
            chip(&[popular]).map(|r| r.text.as_str()),
            Some("大家都在看")
        );
        assert!(chip(&[]).is_none());
    }
}
