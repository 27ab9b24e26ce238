//! The page frame (header, tab bar, language) shared by every template,
//! and rendering.

use askama::Template;
use axum::response::Html;

use crate::assets;
use crate::i18n::{Lang, t};
use crate::session::{Ctx, encode};

/// What the base layout needs: language, the active tab and the title.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub lang: Lang,
    /// "home", "cart", "me" or "" (no tab highlighted).
    pub tab: &'static str,
    pub title: String,
    /// Where the language switch comes back to.
    pub here: String,
    /// Where the header's back arrow goes; `None` hides it.
    pub back: Option<String>,
    /// The back arrow returns to the previous page when there is one
    /// (a product or checkout is reached from many places).
    pub back_history: bool,
}

impl Chrome {
    pub fn new(ctx: &Ctx, tab: &'static str, title_key: &'static str) -> Self {
        Chrome {
            lang: ctx.lang,
            tab,
            title: t(ctx.lang, title_key).to_owned(),
            here: ctx.here.clone(),
            back: None,
            back_history: false,
        }
    }
    pub fn bare(lang: Lang, title: &str) -> Self {
        Chrome {
            lang,
            tab: "",
            title: title.to_owned(),
            here: "/".to_owned(),
            back: Some("/".to_owned()),
            back_history: true,
        }
    }
    pub fn with_back(mut self, to: &str) -> Self {
        self.back = Some(to.to_owned());
        self
    }
    /// Back goes to the previous page if it was ours, else to `fallback`.
    pub fn with_history_back(mut self, fallback: &str) -> Self {
        self.back = Some(fallback.to_owned());
        self.back_history = true;
        self
    }
    pub fn with_title(mut self, title: String) -> Self {
        self.title = title;
        self
    }
    pub fn t(&self, key: &'static str) -> &'static str {
        t(self.lang, key)
    }
    pub fn html_lang(&self) -> &'static str {
        self.lang.html_tag()
    }
    /// The link of the language switch: the other language, back to here.
    pub fn switch_url(&self) -> String {
        let other = match self.lang {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        };
        format!("/lang/{}?next={}", other.code(), encode(&self.here))
    }
    pub fn switch_label(&self) -> &'static str {
        match self.lang {
            Lang::Zh => "English",
            Lang::En => "中文",
        }
    }
    pub fn css(&self) -> String {
        assets::css_url()
    }
    pub fn js(&self) -> String {
        assets::js_url()
    }
    pub fn events_js(&self) -> String {
        assets::events_js_url()
    }
    pub fn feed_js(&self) -> String {
        assets::feed_js_url()
    }
    pub fn search_js(&self) -> String {
        assets::search_js_url()
    }
    pub fn live_css(&self) -> String {
        assets::live_css_url()
    }
    pub fn live_js(&self) -> String {
        assets::live_js_url()
    }
}

pub fn render<T: Template>(page: &T) -> Result<Html<String>, askama::Error> {
    page.render().map(Html)
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub c: Chrome,
    pub message: String,
    /// The page the visitor came from (same site), or the feed.
    pub back: String,
}
