#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The personalized feed, behaviour events, search and the discovery
//! preferences, through the web router over the demo world.

mod common;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use common::{World, location, text, world};
use serde_json::{Value, json};

/// The `yc_did=…` pair a first page view sets.
fn device_cookie(res: &Response<Body>) -> Option<String> {
    res.headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("yc_did="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

async fn new_device(w: &World) -> String {
    let res = w.get("/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let set = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("yc_did="))
        .expect("a first visit gets a device id");
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Max-Age="));
    device_cookie(&res).unwrap()
}

/// A post the way events.js makes it (or a beacon, without X-Fragment).
async fn post_events(w: &World, cookie: Option<&str>, body: String, fetch: bool) -> Response<Body> {
    let mut req = Request::post("/events")
        .header(header::HOST, "shop.test")
        .header(header::ORIGIN, "http://shop.test")
        .header("sec-fetch-site", "same-origin");
    req = if fetch {
        req.header(header::CONTENT_TYPE, "application/json")
            .header("x-fragment", "1")
    } else {
        // navigator.sendBeacon(url, string)
        req.header(header::CONTENT_TYPE, "text/plain;charset=UTF-8")
    };
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    w.send(req.body(Body::from(body)).unwrap()).await
}

async fn json_of(res: Response<Body>) -> Value {
    serde_json::from_str(&text(res).await).unwrap()
}

/// The ids and categories of the slides on a feed page, in order.
fn slides(html: &str) -> Vec<(String, String)> {
    html.split(r#"data-video-id=""#)
        .skip(1)
        .map(|rest| {
            let id = rest[..rest.find('"').unwrap()].to_owned();
            let cat = rest.split(r#"data-category=""#).nth(1).unwrap();
            (id, cat[..cat.find('"').unwrap()].to_owned())
        })
        .collect()
}

#[tokio::test]
async fn first_page_view_mints_a_device_id_once() {
    let w = world().await;
    let cookie = new_device(&w).await;
    let again = w.get("/", Some(&cookie)).await;
    assert!(device_cookie(&again).is_none(), "kept, not re-minted");
    // Cacheable assets never carry one.
    let js = w.get("/static/app.js", None).await;
    assert!(device_cookie(&js).is_none());
    let events = w.get("/static/events.js", None).await;
    assert_eq!(events.status(), StatusCode::OK);
    assert!(
        text(events).await.contains("sendBeacon"),
        "the event queue is served"
    );
}

#[tokio::test]
async fn events_are_recorded_and_bad_batches_store_nothing() {
    let w = world().await;
    let cookie = new_device(&w).await;
    let html = text(w.get("/", Some(&cookie)).await).await;
    let (video, _) = slides(&html)[0].clone();
    let before = w.services.store.last_event_seq().await.unwrap();

    // Too big: 413 in words, JSON for fetch.
    let huge = json!({ "events": [], "pad": "x".repeat(40 * 1024) }).to_string();
    let res = post_events(&w, Some(&cookie), huge, true).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json_of(res).await["error"], "一次上报的内容太多了");

    // One unknown kind refuses the batch.
    let bad = json!({ "events": [
        { "video_id": video, "kind": "impression" },
        { "video_id": video, "kind": "teleport" },
    ]})
    .to_string();
    let res = post_events(&w, Some(&cookie), bad, true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err = json_of(res).await["error"].as_str().unwrap().to_owned();
    assert!(err.contains("未知的事件类型"), "{err}");

    // Not JSON at all; a watch without its completion.
    let res = post_events(&w, Some(&cookie), "{".into(), true).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let no_pct = json!({ "events": [{ "video_id": video, "kind": "watch" }] }).to_string();
    let res = post_events(&w, Some(&cookie), no_pct, true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Anonymous without a device cookie: nobody to attribute it to.
    let ok = json!({ "events": [{ "video_id": video, "kind": "impression" }] }).to_string();
    let res = post_events(&w, None, ok.clone(), true).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Another site's page cannot report for this viewer.
    let forged = Request::post("/events")
        .header(header::HOST, "shop.test")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, &cookie)
        .body(Body::from(ok.clone()))
        .unwrap();
    assert_eq!(w.send(forged).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        w.services.store.last_event_seq().await.unwrap(),
        before,
        "nothing stored"
    );

    // A good batch by fetch, then one by beacon (text/plain).
    let good = json!({ "events": [
        { "video_id": video, "kind": "impression" },
        { "video_id": video, "kind": "watch", "completion_pct": 80, "ago_ms": 1500 },
    ]})
    .to_string();
    let res = post_events(&w, Some(&cookie), good, true).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(json_of(res).await["accepted"], 2);
    let res = post_events(&w, Some(&cookie), ok, false).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    assert_eq!(w.services.store.last_event_seq().await.unwrap(), before + 3);
}

#[tokio::test]
async fn the_feed_shows_why_and_learns_from_engagement() {
    let w = world().await;
    let cookie = new_device(&w).await;
    let html = text(w.get("/", Some(&cookie)).await).await;
    let first = slides(&html);
    assert_eq!(first.len(), 10);
    assert_eq!(
        html.matches(r#"class="slide-reason""#).count(),
        10,
        "{html}"
    );
    assert!(html.contains("/static/feed.js?v=") && html.contains("/static/events.js?v="));
    assert!(html.contains(r#"data-not-interested"#) && html.contains("不感兴趣"));
    assert!(html.contains(r#"href="/search""#), "the search entry");

    // Someone else has been watching other things: the platform's mix.
    let other = new_device(&w).await;
    let others: Vec<Value> = first
        .iter()
        .filter(|(_, c)| c != "数码")
        .take(4)
        .map(|(id, _)| json!({ "video_id": id, "kind": "watch", "completion_pct": 100 }))
        .collect();
    let res = post_events(
        &w,
        Some(&other),
        json!({ "events": others }).to_string(),
        true,
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);

    // Strong interest in one 数码 video: the yellow cart, the sheet, a full watch.
    let (digital, _) = first
        .iter()
        .find(|(_, c)| c == "数码")
        .unwrap_or_else(|| panic!("{first:?}"));
    let events: Vec<Value> = ["impression", "cart_tap", "sheet_open"]
        .iter()
        .map(|kind| json!({ "video_id": digital, "kind": kind }))
        .chain([json!({ "video_id": digital, "kind": "watch", "completion_pct": 100 })])
        .collect();
    let body = json!({ "events": events }).to_string();
    let res = post_events(&w, Some(&cookie), body, true).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    w.services.feed_tail().await.unwrap();

    let html = text(w.get("/", Some(&cookie)).await).await;
    assert!(html.contains("因为你常看 数码"), "{html}");
    let after = slides(&html);
    let top: Vec<&str> = after.iter().take(3).map(|(_, c)| c.as_str()).collect();
    assert!(top.contains(&"数码"), "{top:?}");
    // Someone else's feed did not change.
    let theirs = text(w.get("/", Some(&other)).await).await;
    assert!(!theirs.contains("因为你常看 数码"));

    // English rebuilds the reason from its code.
    let en = text(w.get("/", Some(&format!("{cookie}; yc_lang=en"))).await).await;
    assert!(en.contains("Because you watch 数码"), "{en}");
}

#[tokio::test]
async fn further_pages_skip_what_was_shown() {
    let w = world().await;
    let cookie = new_device(&w).await;
    let html = text(w.get("/", Some(&cookie)).await).await;
    let first: Vec<String> = slides(&html).into_iter().map(|(id, _)| id).collect();
    let more = html
        .split(r#"<section class="slide slide-more" data-more>"#)
        .nth(1)
        .expect("a full page links to more");
    let href = more.split(r#"href=""#).nth(1).unwrap();
    let href = &href[..href.find('"').unwrap()];
    assert!(href.starts_with("/?seen="), "{href}");

    // feed.js: the next slides as a fragment.
    let seen = first.join(",");
    let res = w
        .get(&format!("/feed/page?seen={seen}"), Some(&cookie))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let frag = text(res).await;
    assert!(!frag.contains("<html"), "a fragment");
    let next: Vec<String> = slides(&frag).into_iter().map(|(id, _)| id).collect();
    assert!(!next.is_empty());
    assert!(next.iter().all(|id| !first.contains(id)), "no repeats");
    // The demo has 12 videos: this page is short, so the feed says so.
    assert!(frag.contains("data-feed-end") && frag.contains("推荐的视频都看完啦"));

    // Without JS: the link, with junk in it, still works.
    let res = w.get(&format!("{href},not-an-id"), Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page2: Vec<String> = slides(&text(res).await)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    assert!(page2.iter().all(|id| !first.contains(id)));
}

#[tokio::test]
async fn search_finds_highlights_filters_and_says_when_nothing() {
    let w = world().await;
    let res = w.get("/search?q=%E8%BF%9E%E8%A1%A3%E8%A3%99", None).await; // 连衣裙
    assert_eq!(res.status(), StatusCode::OK);
    let html = text(res).await;
    assert!(html.contains("法式碎花"), "{html}");
    assert!(html.contains("<em>"), "highlighted: {html}");
    assert!(html.contains(r#"data-testid="search-result""#));
    assert!(html.contains(r#"data-sheet="/sheet/"#) && html.contains(r#"href="/products/"#));
    assert!(html.contains("¥") && html.contains("有货"));
    assert!(
        html.contains(r#"value="连衣裙""#),
        "the box keeps the words"
    );
    assert!(html.contains("/static/search.js?v="));

    // Category and sort: 数码 by price, cheapest first.
    let html = text(
        w.get(
            "/search?q=&category=%E6%95%B0%E7%A0%81&sort=price_asc&min=&max=",
            None,
        )
        .await,
    )
    .await;
    let prices: Vec<f64> = html
        .split(r#"<span class="price">¥"#)
        .skip(1)
        .map(|p| {
            p[..p.find(|c: char| c != '.' && !c.is_ascii_digit()).unwrap()]
                .parse()
                .unwrap()
        })
        .collect();
    assert!(prices.len() >= 3, "{html}");
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
    assert!(html.contains(r#"<option value="数码" selected>"#));

    // A price range in yuan; a typo in it is said plainly.
    let html = text(
        w.get("/search?q=&category=%E6%95%B0%E7%A0%81&min=abc", None)
            .await,
    )
    .await;
    assert!(html.contains("价格请填写金额"));

    // Nothing found.
    let html = text(w.get("/search?q=zzzzqqqq", None).await).await;
    assert!(html.contains(r#"data-testid="search-empty""#) && html.contains("没有找到相关商品"));

    // Nothing asked yet: categories to browse, no results.
    let html = text(w.get("/search", None).await).await;
    assert!(html.contains("按品类逛逛") && !html.contains("search-result"));
    assert!(html.contains("/search?category=%E6%95%B0%E7%A0%81"));

    // English.
    let html = text(
        w.get("/search?q=%E8%BF%9E%E8%A1%A3%E8%A3%99", Some("yc_lang=en"))
            .await,
    )
    .await;
    assert!(html.contains("products found") && html.contains("In stock"));
}

#[tokio::test]
async fn suggestions_complete_what_is_typed() {
    let w = world().await;
    let res = w.get("/search/suggest?q=%E8%BF%9E%E8%A1%A3", None).await; // 连衣
    assert_eq!(res.status(), StatusCode::OK);
    let words: Vec<String> = serde_json::from_str(&text(res).await).unwrap();
    assert!(!words.is_empty() && words.len() <= 10, "{words:?}");
    assert!(words.iter().any(|s| s.starts_with("连衣")), "{words:?}");
    let empty = w.get("/search/suggest?q=", None).await;
    assert_eq!(text(empty).await, "[]");
}

#[tokio::test]
async fn preferences_are_kept_in_cookies_and_steer_a_cold_start() {
    let w = world().await;
    let html = text(w.get("/settings/discovery", None).await).await;
    for cat in [
        "女装", "数码", "食品", "家居", "母婴", "运动", "配饰", "美妆",
    ] {
        assert!(html.contains(&format!(r#"value="{cat}""#)), "{cat}");
    }
    assert!(html.contains(r#"<option value="广东">"#));

    let res = w
        .post(
            "/settings/discovery",
            None,
            &[
                ("region", "广东"),
                ("interest", "数码"),
                ("interest", "母婴"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/settings/discovery?saved=1");
    let cookies: Vec<String> = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    assert_eq!(cookies.len(), 2, "{cookies:?}");
    let jar = cookies.join("; ");

    let html = text(w.get("/settings/discovery?saved=1", Some(&jar)).await).await;
    assert!(html.contains(r#"<option value="广东" selected>"#), "{html}");
    assert!(html.contains(r#"value="数码" checked"#) && html.contains(r#"value="母婴" checked"#));
    assert!(html.contains("已保存"));

    // A fresh device with these picks: the feed starts from them.
    let res = w.get("/", Some(&jar)).await;
    let html = text(res).await;
    assert!(
        html.contains("你关注的 数码") || html.contains("你关注的 母婴"),
        "{html}"
    );

    // A forged province is refused.
    let res = w
        .post("/settings/discovery", None, &[("region", "火星")])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
