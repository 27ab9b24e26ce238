#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! 千人千面 in a real browser (headless Chromium at a phone's 390×844)
//! against the demo server with its feed worker: an anonymous visitor opens
//! the feed, engages with one category that is not leading the page — the
//! video plays nearly to its end, they tap its yellow cart and the sheet
//! opens — and app.js/feed.js/events.js report it to `POST /events` (by
//! fetch, then by `sendBeacon` as the page goes away). Once the worker has
//! read the events, the feed leads with that category and says why
//! ("因为你常看 …"). Then search: typing "连衣" offers completions, and
//! "连衣裙" finds the demo's 法式碎花连衣裙 with the match highlighted.
//! Then 不感兴趣 takes a slide away, scrolling loads the rest of the feed
//! without repeats, and an order placed from a sheet opened over a video is
//! reported as that video's purchase.
//!
//! Skipped with a note when /usr/bin/chromedriver is missing, unless `CI`
//! is set. Screenshots land in `target/tmp/browser/`.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use common::{Browser, browser_available, js, shot, shots_dir, wait_js, wait_sheet_still};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;
use yc_domain::behaviour::{Actor, BehaviourEvent, EventKind};
use yc_services::Services;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_follows_what_a_viewer_engages_with() {
    if !browser_available("discovery browser test") {
        return;
    }
    let (server, _data_dir) = common::demo_server().await;
    let browser = Browser::start().await.expect("starting Chromium");

    let shots = shots_dir();
    let (c, base, services) = (&browser.client, server.url(), &server.services);
    let mut outcome = engage(c, &base, services, &shots).await;
    if outcome.is_ok() {
        outcome = search(c, &base, &shots).await;
    }
    if outcome.is_ok() {
        outcome = dismiss_and_scroll(c, &base, services).await;
    }
    if outcome.is_ok() {
        outcome = buy_from_the_feed(c, &base, services).await;
    }
    if outcome.is_err() {
        let _ = shot(&browser.client, &shots, "discovery-failure").await;
    }
    browser.close().await;
    server.stop().await;
    outcome.unwrap();
}

#[derive(Debug, Clone)]
struct Slide {
    id: String,
    category: String,
    reason: String,
}

/// The slides of the feed page, in order.
async fn slides(c: &Client) -> anyhow::Result<Vec<Slide>> {
    let v = js(
        c,
        "return [...document.querySelectorAll('.slide[data-video-id]')].map(s => [\
           s.dataset.videoId, s.dataset.category,\
           (s.querySelector('[data-reason]') || {}).textContent || ''])",
    )
    .await?;
    let rows: Vec<(String, String, String)> = serde_json::from_value(v)?;
    Ok(rows
        .into_iter()
        .map(|(id, category, reason)| Slide {
            id,
            category,
            reason: reason.trim().to_owned(),
        })
        .collect())
}

async fn open_feed(c: &Client, base: &str) -> anyhow::Result<Vec<Slide>> {
    c.goto(&format!("{base}/")).await?;
    wait_js(
        c,
        "return document.querySelectorAll('.slide[data-video-id]').length >= 5 && !!window.YCEvents",
        "the feed and its scripts",
        15,
    )
    .await?;
    slides(c).await
}

/// Watches what the page reports without changing it: every recorded
/// event, the status of every POST /events, and what the last beacon
/// carried (kept in localStorage: the page is gone by then).
const SPY: &str = "
  window.__yc = { log: [], posts: [] };
  const ev = window.YCEvents;
  const record = ev.record;
  ev.record = function (v, k, p) { __yc.log.push([v, k, p === undefined ? null : p]); return record.apply(this, arguments); };
  const f = window.fetch;
  window.fetch = function (url) {
    const p = f.apply(this, arguments);
    if (String(url) === '/events') { p.then(r => __yc.posts.push(r.status), () => __yc.posts.push(0)); }
    return p;
  };
  const beacon = navigator.sendBeacon.bind(navigator);
  navigator.sendBeacon = function (url, data) {
    const ok = beacon(url, data);
    if (url === '/events') {
      const events = JSON.parse(data).events;
      localStorage.setItem('__yc_beacon', JSON.stringify({ ok: ok, kinds: events.map(e => e.kind), n: events.length }));
    }
    return ok;
  };
  return true;";

/// The category to engage with: the one that shows up last on the first
/// page (so it is not what the page leads with), 数码 on a tie.
fn pick_target(page: &[Slide]) -> anyhow::Result<(usize, Slide)> {
    let mut best: Option<(usize, &Slide)> = None;
    for (i, s) in page.iter().enumerate() {
        if s.category.is_empty() || page[..i].iter().any(|p| p.category == s.category) {
            continue; // only each category's first slide counts
        }
        let better = match best {
            None => true,
            Some((j, b)) => i > j || (i == j && s.category == "数码" && b.category != "数码"),
        };
        if better {
            best = Some((i, s));
        }
    }
    match best {
        Some((i, s)) if i >= 3 => Ok((i, s.clone())),
        _ => bail!("no category starts below the top three slides: {page:?}"),
    }
}

async fn engage(c: &Client, base: &str, services: &Services, shots: &Path) -> anyhow::Result<()> {
    let before = open_feed(c, base).await?;
    let (index, target) = pick_target(&before)?;
    let cat = target.category.clone();
    eprintln!(
        "first page: {:?}\nengaging with {cat} (slide {index})",
        before
            .iter()
            .map(|s| format!("{} «{}»", s.category, s.reason))
            .collect::<Vec<_>>()
    );
    if js(c, SPY).await? != Value::Bool(true) {
        bail!("could not watch the page's events");
    }
    shot(c, shots, "discovery-before").await?;

    // Swipe down to that video: it plays, and it was shown (impression).
    let slide = format!(".slide[data-video-id='{}']", target.id);
    js(
        c,
        &format!("document.querySelector(\"{slide}\").scrollIntoView(); return true"),
    )
    .await?;
    wait_js(
        c,
        &format!("const v = document.querySelector(\"{slide} video\"); return !v.paused && v.currentTime > 0"),
        "the chosen video to play",
        15,
    )
    .await?;
    let logged = |kind: &str| {
        format!(
            "return __yc.log.some(e => e[0] === '{}' && e[1] === '{kind}')",
            target.id
        )
    };
    wait_js(c, &logged("impression"), "an impression", 5).await?;

    // Its yellow cart: the sheet opens over the playing video.
    c.find(Locator::Css(&format!("{slide} .cart-pill")))
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "return !!document.querySelector('#sheet.is-open [data-sheet-body]:not(.is-loading) #sheet-title')",
        "the sheet to open",
        10,
    )
    .await?;
    wait_js(c, &logged("cart_tap"), "the cart tap to be recorded", 5).await?;
    shot(c, shots, "discovery-sheet").await?;
    c.active_element()
        .await?
        .send_keys(&Key::Escape.to_string())
        .await?;
    wait_js(
        c,
        "return !document.querySelector('#sheet').classList.contains('is-open')",
        "the sheet to close",
        5,
    )
    .await?;
    // The periodic flush posts them (fetch) and the server takes them.
    wait_js(
        c,
        "return __yc.posts.length > 0 && __yc.posts.every(s => s === 202)",
        "a flush accepted by POST /events",
        10,
    )
    .await?;

    // Watched nearly to the end, then the viewer leaves the page: the
    // watch goes out as a beacon.
    wait_js(
        c,
        &format!(
            "const v = document.querySelector(\"{slide} video\"); \
             return v.duration > 0 && v.currentTime >= v.duration * 0.85"
        ),
        "the video to play to its end",
        60,
    )
    .await?;
    let seq = services.store.last_event_seq().await?;
    c.goto(&format!("{base}/search")).await?;
    let beacon = js(c, "return JSON.parse(localStorage.getItem('__yc_beacon'))").await?;
    if beacon["ok"] != Value::Bool(true) || beacon["n"].as_u64().unwrap_or(0) == 0 {
        bail!("leaving the feed sent no beacon: {beacon}");
    }
    let n = beacon["n"].as_i64().unwrap_or(0);
    let watch = wait_for_watch(services, seq, n, &target.id).await?;
    eprintln!("beacon {beacon} accepted; watch {watch}%");

    // The worker reads the events within a second or so: the feed changes.
    let deadline = Instant::now() + Duration::from_secs(20);
    let interest = format!("因为你常看 {cat}");
    loop {
        let after = open_feed(c, base).await?;
        // It moved up into the top three, and a slide of it says why:
        // "因为你常看 …" (or, when the model credits the category as a tag,
        // "你喜欢的 … 风格" — also about this viewer and this category).
        let lead = after.iter().take(3).position(|s| s.category == cat);
        let says_why = after
            .iter()
            .any(|s| s.category == cat && (s.reason == interest || s.reason.contains(&cat)));
        if let (Some(at), true) = (lead, says_why) {
            eprintln!(
                "after engaging ({cat} now at {at}): {:?}",
                after
                    .iter()
                    .map(|s| format!("{} «{}»", s.category, s.reason))
                    .collect::<Vec<_>>()
            );
            break;
        }
        if Instant::now() > deadline {
            bail!("the feed did not follow the engagement with {cat}: {after:?}");
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    shot(c, shots, "discovery-after").await?;
    Ok(())
}

/// Waits until the store holds the `n` beaconed events and, among what
/// arrived since `seq`, the long watch of `video`; its completion.
async fn wait_for_watch(services: &Services, seq: i64, n: i64, video: &str) -> anyhow::Result<u8> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let last = services.store.last_event_seq().await?;
        let rows = services.store.events_after(seq, 500).await?;
        let watch = rows.iter().map(|(_, e)| e).find(|e| {
            e.kind == EventKind::Watch && e.video_id.to_string() == video && e.completion_pct >= 80
        });
        if last >= seq + n
            && let Some(w) = watch
        {
            return Ok(w.completion_pct);
        }
        if Instant::now() > deadline {
            bail!("the beacon's events did not arrive (seq {seq} → {last}, rows {rows:?})");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn search(c: &Client, base: &str, shots: &Path) -> anyhow::Result<()> {
    // The feed's top bar leads to search.
    c.goto(&format!("{base}/")).await?;
    c.find(Locator::Css("[data-testid=search-entry]"))
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "return location.pathname === '/search' && !!document.querySelector('[data-suggest-input]')",
        "the search page",
        10,
    )
    .await?;
    let input = c.find(Locator::Css("[data-suggest-input]")).await?;
    input.click().await?;
    input.send_keys("连衣").await?;
    wait_js(
        c,
        "const l = document.querySelector('#suggest-list'); \
         return !l.hidden && [...l.querySelectorAll('[role=option]')].some(o => o.textContent.startsWith('连衣'))",
        "a suggestion for 连衣",
        10,
    )
    .await?;
    let expanded = js(
        c,
        "return document.querySelector('[data-suggest-input]').getAttribute('aria-expanded')",
    )
    .await?;
    if expanded != Value::String("true".into()) {
        bail!("the combobox does not say it is expanded: {expanded}");
    }
    // The keyboard moves through the suggestions.
    input.send_keys(&Key::Down.to_string()).await?;
    wait_js(
        c,
        "return document.querySelector('[data-suggest-input]').getAttribute('aria-activedescendant') === 'suggest-0'",
        "↓ to highlight the first suggestion",
        5,
    )
    .await?;
    shot(c, shots, "search-suggest").await?;
    input.send_keys(&Key::Escape.to_string()).await?;
    input.send_keys("裙").await?;
    input.send_keys(&Key::Enter.to_string()).await?;
    wait_js(
        c,
        "return location.pathname === '/search' && new URLSearchParams(location.search).get('q') === '连衣裙' \
         && !!document.querySelector('[data-testid=search-result]')",
        "results for 连衣裙",
        10,
    )
    .await?;
    let first = c
        .find(Locator::Css("[data-testid=search-result] .result-title"))
        .await?;
    let title = first.text().await?;
    let marked = js(
        c,
        "return [...document.querySelectorAll('[data-testid=search-result] .result-title em')].map(e => e.textContent).join('|')",
    )
    .await?;
    if !title.contains("连衣裙")
        || marked
            .as_str()
            .is_none_or(|m| !m.contains("连衣裙") && !m.contains("连衣"))
    {
        bail!("no highlighted 连衣裙 in {title:?} (marks {marked})");
    }
    let result = js(
        c,
        "return document.querySelector('[data-testid=search-result]').textContent",
    )
    .await?;
    let result = result.as_str().context("result text")?;
    if !result.contains('¥') || !(result.contains("有货") || result.contains("无货")) {
        bail!("the result lacks its price or stock: {result}");
    }
    shot(c, shots, "search-results").await?;

    // Tapping it opens the product in the sheet.
    c.find(Locator::Css("[data-testid=search-result]"))
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "return !!document.querySelector('#sheet.is-open [data-panel][data-ready]')",
        "the product sheet from a result",
        10,
    )
    .await?;
    Ok(())
}

/// Polls the log (after `seq`) for an event matching `want`.
async fn wait_for_event(
    services: &Services,
    seq: i64,
    what: &str,
    want: impl Fn(&BehaviourEvent) -> bool,
) -> anyhow::Result<BehaviourEvent> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let rows = services.store.events_after(seq, 1000).await?;
        if let Some((_, e)) = rows.iter().find(|(_, e)| want(e)) {
            return Ok(*e);
        }
        if Instant::now() > deadline {
            bail!("no {what} reached the server: {rows:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// 不感兴趣 removes the slide (and says so to the server); scrolling to
/// the end loads the rest of the catalog, nothing twice, not the removed one.
async fn dismiss_and_scroll(c: &Client, base: &str, services: &Services) -> anyhow::Result<()> {
    let page = open_feed(c, base).await?;
    let gone = page[0].id.clone();
    let seq = services.store.last_event_seq().await?;
    wait_js(
        c,
        "const b = document.querySelector('.slide [data-not-interested]'); return !!b && b.offsetParent !== null",
        "the 不感兴趣 control",
        5,
    )
    .await?;
    c.find(Locator::Css(&format!(
        ".slide[data-video-id='{gone}'] [data-not-interested]"
    )))
    .await?
    .click()
    .await?;
    wait_js(
        c,
        &format!("return !document.querySelector(\".slide[data-video-id='{gone}']\")"),
        "the slide to go",
        5,
    )
    .await?;
    wait_for_event(services, seq, "not_interested", |e| {
        e.kind == EventKind::NotInterested && e.video_id.to_string() == gone
    })
    .await?;

    js(
        c,
        "const s = document.querySelectorAll('.slide[data-video-id]'); s[s.length - 1].scrollIntoView(); return true",
    )
    .await?;
    wait_js(
        c,
        &format!(
            "return document.querySelectorAll('.slide[data-video-id]').length > {}",
            page.len() - 1
        ),
        "more videos to load",
        10,
    )
    .await?;
    let all = slides(c).await?;
    let mut ids: Vec<&str> = all.iter().map(|s| s.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != all.len() || ids.contains(&gone.as_str()) {
        bail!("repeats or the dismissed video after scrolling: {all:?}");
    }
    Ok(())
}

/// Signed in, the yellow cart of a feed video → 立即购买 → pay: the order
/// page reports that video's purchase, for the buyer.
async fn buy_from_the_feed(c: &Client, base: &str, services: &Services) -> anyhow::Result<()> {
    common::login(c, base, "demo", "demo1234", "/").await?;
    let page = open_feed(c, base).await?;
    let video = page[0].id.clone();
    let seq = services.store.last_event_seq().await?;
    c.find(Locator::Css(&format!(
        ".slide[data-video-id='{video}'] .cart-pill"
    )))
    .await?
    .click()
    .await?;
    wait_js(
        c,
        "return !!document.querySelector('#sheet.is-open [data-sheet-body]:not(.is-loading) #sheet-title')",
        "the sheet to open",
        10,
    )
    .await?;
    wait_sheet_still(c).await?;
    if js(c, "return !!document.querySelector('#sheet .plist-item')").await? == Value::Bool(true) {
        c.find(Locator::Css("#sheet .plist-item"))
            .await?
            .click()
            .await?;
    }
    wait_js(
        c,
        "return !!document.querySelector('#sheet [data-panel][data-ready]')",
        "the product panel",
        10,
    )
    .await?;
    wait_sheet_still(c).await?;
    let axes = js(
        c,
        "return document.querySelectorAll('#sheet fieldset.axis').length",
    )
    .await?;
    for i in 1..=axes.as_u64().context("axis count")? {
        let chip = format!("#sheet fieldset.axis:nth-of-type({i}) label.chip:not(.is-off)");
        c.find(Locator::Css(&chip)).await?.click().await?;
    }
    c.find(Locator::Css("#sheet [data-buy-now]"))
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "return location.pathname === '/checkout' && !!document.querySelector('[data-testid=submit-order]')",
        "the checkout page",
        10,
    )
    .await?;
    c.find(Locator::Css("[data-testid=submit-order]"))
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "return !!document.querySelector('[data-testid=confirm-pay]')",
        "the sandbox cashier",
        10,
    )
    .await?;
    c.find(Locator::Css("[data-testid=confirm-pay]"))
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "return location.pathname.startsWith('/orders/')",
        "the order page",
        10,
    )
    .await?;
    let (buyer, _) = services
        .login("demo", "demo1234", yc_store::SessionKind::Api)
        .await?;
    let bought = wait_for_event(services, seq, "purchase", |e| {
        e.kind == EventKind::Purchase && e.video_id.to_string() == video
    })
    .await?;
    if bought.actor != Actor::User(buyer.id) {
        bail!("the purchase is not the buyer's: {bought:?}");
    }
    let sheet_open = wait_for_event(services, seq, "sheet_open", |e| {
        e.kind == EventKind::SheetOpen && e.video_id.to_string() == video
    })
    .await?;
    if sheet_open.actor != Actor::User(buyer.id) {
        bail!("the signed-in viewer's events are not theirs: {sheet_open:?}");
    }
    Ok(())
}
