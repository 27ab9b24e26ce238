//! Why a video is on the page: one line of Chinese for the viewer (the
//! "为什么推荐" sheet) and a compact debug form for logs and evaluation.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;
use yc_domain::fulfilment::{LaneClass, Province};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The viewer's own history favours this category.
    Interest {
        category: String,
    },
    /// The viewer's history favours this style tag.
    Tag {
        tag: String,
    },
    /// Picked at onboarding, before there was history.
    Onboarding {
        category: String,
    },
    /// Co-visited with `because`, a video the viewer engaged with.
    AlsoViewed {
        because: Uuid,
    },
    /// Ships from near the viewer.
    Local {
        province: Province,
        lane: LaneClass,
    },
    Trending,
    Fresh,
    /// An exploration slot: outside the viewer's usual categories.
    Explore,
    Popular,
}

impl Reason {
    /// The text shown to the viewer.
    pub fn text_zh(&self) -> String {
        match self {
            Reason::Interest { category } => format!("因为你常看 {category}"),
            Reason::Tag { tag } => format!("你喜欢的 {tag} 风格"),
            Reason::Onboarding { category } => format!("你关注的 {category}"),
            Reason::AlsoViewed { .. } => "看过类似商品的人也在看".to_string(),
            Reason::Local { province, lane } => match lane {
                LaneClass::SameProvince => format!("同城/附近好物 · {}发货", province.name()),
                _ => format!("附近好物 · {}发货", province.name()),
            },
            Reason::Trending => "热门上升".to_string(),
            Reason::Fresh => "新品".to_string(),
            Reason::Explore => "为你探索新内容".to_string(),
            Reason::Popular => "大家都在看".to_string(),
        }
    }

    /// Stable, greppable form, e.g. `Interest{category:"女装"}`.
    pub fn debug_string(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Interest { category } => write!(f, "Interest{{category:{category:?}}}"),
            Reason::Tag { tag } => write!(f, "Tag{{tag:{tag:?}}}"),
            Reason::Onboarding { category } => write!(f, "Onboarding{{category:{category:?}}}"),
            Reason::AlsoViewed { because } => write!(f, "AlsoViewed{{because:{because}}}"),
            Reason::Local { province, lane } => {
                write!(f, "Local{{province:{},lane:{lane:?}}}", province.name())
            }
            Reason::Trending => f.write_str("Trending"),
            Reason::Fresh => f.write_str("Fresh"),
            Reason::Explore => f.write_str("Explore"),
            Reason::Popular => f.write_str("Popular"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_and_debug_forms() {
        let r = Reason::Interest {
            category: "女装".into(),
        };
        assert_eq!(r.text_zh(), "因为你常看 女装");
        assert_eq!(r.debug_string(), "Interest{category:\"女装\"}");
        assert_eq!(
            Reason::AlsoViewed {
                because: Uuid::nil()
            }
            .text_zh(),
            "看过类似商品的人也在看"
        );
        let local = Reason::Local {
            province: Province::Guangdong,
            lane: LaneClass::SameProvince,
        };
        assert!(local.text_zh().starts_with("同城/附近好物"));
        assert_eq!(Reason::Trending.text_zh(), "热门上升");
        assert_eq!(Reason::Fresh.text_zh(), "新品");
        assert_eq!(Reason::Explore.text_zh(), "为你探索新内容");
        assert_eq!(Reason::Popular.text_zh(), "大家都在看");
    }
}
