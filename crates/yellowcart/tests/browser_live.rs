#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! A flash sale (秒杀) in a live room, end to end in two real browsers at a
//! phone's 390×844: viewers A (`demo`) and B (`demo2`) watch the room while
//! a new sale counts down; when it opens A taps twice and wins the whole
//! pool of two; B sees the stock fall and the button turn to 已抢光 through
//! the room's server-sent events, without reloading.
//!
//! Skipped with a note when /usr/bin/chromedriver is missing, unless `CI`
//! is set. Screenshots land in `target/tmp/browser/`.

mod common;

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use common::{Browser, browser_available, js, login, shot, shots_dir, wait_js, wait_sheet_still};
use fantoccini::{Client, Locator};
use serde_json::Value;
use yc_domain::live::FlashSaleDraft;
use yc_domain::{LiveRoomId, Money};
use yc_services::Services;
use yc_store::SessionKind;

const BUTTON: &str = "[data-testid=sale-button]";
const REMAINING: &str = "[data-testid=sale-remaining]";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_viewers_race_for_a_flash_sale() {
    if !browser_available("live browser test") {
        return;
    }
    let (server, _data_dir) = common::demo_server().await;
    let (a, b) = tokio::join!(Browser::start(), Browser::start());
    let (a, b) = (
        a.expect("starting Chromium A"),
        b.expect("starting Chromium B"),
    );

    let shots = shots_dir();
    let outcome = race(
        &a.client,
        &b.client,
        &server.url(),
        &server.services,
        &shots,
    )
    .await;
    if outcome.is_err() {
        let _ = shot(&a.client, &shots, "live-failure-a").await;
        let _ = shot(&b.client, &shots, "live-failure-b").await;
    }
    a.close().await;
    b.close().await;
    server.stop().await;
    outcome.unwrap();
}

/// A new sale in the demo room: opens in 12 s after a 10 s countdown,
/// two units, two per buyer.
async fn schedule_sale(services: &Services) -> anyhow::Result<LiveRoomId> {
    let (host, _) = services
        .login("shop1", "shop1234", SessionKind::Api)
        .await?;
    let rooms = services.live_rooms(Default::default()).await?;
    let room = rooms.items.first().context("the demo live room")?.id;
    let view = services.live_room(room).await?;
    let sku = view
        .pinned
        .iter()
        .flat_map(|p| p.skus.iter())
        .find(|s| s.stock >= 2)
        .context("a pinned SKU with stock")?;
    let draft = FlashSaleDraft {
        sku_id: sku.id,
        flash_price: Money::cny((sku.price.amount_minor / 2).max(1)),
        pool_size: 2,
        per_buyer_cap: 2,
        starts_in_secs: 12,
        countdown_secs: 10,
        duration_secs: 600,
        pay_window_minutes: None,
    };
    services.create_flash_sale(&host, room, draft).await?;
    Ok(room)
}

async fn race(
    a: &Client,
    b: &Client,
    base: &str,
    services: &Services,
    shots: &Path,
) -> anyhow::Result<()> {
    let (la, lb) = tokio::join!(
        login(a, base, "demo", "demo1234", "/live"),
        login(b, base, "demo2", "demo1234", "/live")
    );
    la?;
    lb?;
    wait_js(
        a,
        "return document.querySelectorAll('[data-testid=live-room]').length > 0",
        "the room list",
        5,
    )
    .await?;
    shot(a, shots, "live-list").await?;
    let room = schedule_sale(services).await?;
    let url = format!("{base}/live/{room}");
    let (ga, gb) = tokio::join!(a.goto(&url), b.goto(&url));
    ga?;
    gb?;

    // Before opening: the countdown runs and the button waits.
    for c in [a, b] {
        wait_js(
            c,
            "return !!window.YC && document.querySelector('[data-flash]') !== null",
            "the room page",
            10,
        )
        .await?;
        let before = js(
            c,
            "const b = document.querySelector('[data-testid=sale-button]'); \
             const cd = document.querySelector('[data-testid=countdown]'); \
             return { phase: b.dataset.phase, disabled: b.disabled, text: b.textContent, \
                      countdown: cd.textContent, visible: cd.offsetParent !== null, \
                      remaining: document.querySelector('[data-testid=sale-remaining]').textContent }",
        )
        .await?;
        let phase = before["phase"].as_str().unwrap_or_default();
        if !(phase == "countdown" || phase == "scheduled")
            || before["disabled"] != true
            || before["text"] != "即将开抢"
        {
            bail!("expected a disabled 即将开抢 before opening: {before}");
        }
        let countdown = before["countdown"].as_str().unwrap_or_default();
        if before["visible"] != true || !is_clock(countdown) || countdown == "00:00" {
            bail!("expected a visible mm:ss countdown: {before}");
        }
        if before["remaining"] != "2" {
            bail!("expected 2 units left: {before}");
        }
        // Mark the page: it must never reload from here on.
        js(c, "window.__sameDocument = true; return true").await?;
    }
    wait_js(a, "const v = document.querySelector('[data-live-video]'); return !v.paused && v.currentTime > 0", "the stream to play", 15).await?;
    wait_js(
        a,
        "return document.querySelector('[data-testid=countdown]').textContent < '00:09'",
        "the countdown to tick",
        10,
    )
    .await?;
    shot(a, shots, "live-countdown").await?;

    // It opens for both.
    let open = format!(
        "const b = document.querySelector('{BUTTON}'); return b.dataset.phase === 'open' && !b.disabled && b.textContent === '立即抢购'"
    );
    for c in [a, b] {
        wait_js(c, &open, "the button to turn on", 25).await?;
    }
    let hidden = js(
        b,
        "return document.querySelector('[data-countdown-row]').hidden",
    )
    .await?;
    if hidden != Value::Bool(true) {
        bail!("the countdown still shows after opening");
    }

    // A taps: 抢到了, with 去支付 to the order. B sees one unit left.
    a.find(Locator::Css(BUTTON)).await?.click().await?;
    wait_js(a, "const d = document.querySelector('[data-result-layer]'); return !d.hidden && d.textContent.includes('抢到了')", "A's win", 10).await?;
    let pay = js(
        a,
        "return document.querySelector('[data-testid=flash-pay]').getAttribute('href')",
    )
    .await?;
    let pay = pay.as_str().unwrap_or_default().to_owned();
    if !pay.starts_with("/orders/")
        || js(
            a,
            "return document.querySelector('[data-testid=flash-pay]').textContent",
        )
        .await?
            != "去支付"
    {
        bail!("the win does not lead to paying: {pay}");
    }
    let one_left = format!(
        "return window.__sameDocument === true && document.querySelector('{REMAINING}').textContent === '1'"
    );
    wait_js(b, &one_left, "B's stock to drop to 1 without reloading", 5).await?;
    tokio::time::sleep(Duration::from_millis(300)).await; // the dialog's pop-in
    shot(a, shots, "live-bought").await?;

    // A keeps watching and taps again: the pool is empty.
    a.find(Locator::Css("[data-result-layer] .btn[data-result-close]"))
        .await?
        .click()
        .await?;
    wait_js(a, &open, "A's button again", 5).await?;
    a.find(Locator::Css(BUTTON)).await?.click().await?;
    wait_js(
        a,
        "const d = document.querySelector('[data-result-layer]'); return !d.hidden",
        "A's second win",
        10,
    )
    .await?;
    let sold_out = format!(
        "const b = document.querySelector('{BUTTON}'); return window.__sameDocument === true \
         && b.dataset.phase === 'sold_out' && b.disabled && b.textContent === '已抢光' \
         && document.querySelector('{REMAINING}').textContent === '0'"
    );
    wait_js(
        b,
        &sold_out,
        "B's button to show 已抢光 without reloading",
        5,
    )
    .await?;
    wait_js(a, &sold_out, "A's card to show 已抢光", 5).await?;
    shot(b, shots, "live-sold-out").await?;

    // The yellow cart opens the product sheet over the stream, which keeps playing.
    b.find(Locator::Css("[data-testid=live-cart]"))
        .await?
        .click()
        .await?;
    wait_js(b, "return !!document.querySelector('#sheet.is-open [data-sheet-body]:not(.is-loading) #sheet-title')", "the pinned products", 10).await?;
    wait_sheet_still(b).await?;
    b.find(Locator::Css("#sheet .plist-item"))
        .await?
        .click()
        .await?;
    wait_js(
        b,
        "return !!document.querySelector('#sheet [data-panel][data-ready]')",
        "the product sheet",
        10,
    )
    .await?;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let playing = js(
        b,
        "return !document.querySelector('[data-live-video]').paused",
    )
    .await?;
    if playing != Value::Bool(true) {
        bail!("the stream stopped under the sheet");
    }
    shot(b, shots, "live-sheet").await?;
    b.find(Locator::Css("#sheet .sheet-close"))
        .await?
        .click()
        .await?;

    // B comments; A sees it live.
    let input = b
        .find(Locator::Css("[data-comment-form] input[name=text]"))
        .await?;
    input.send_keys("手慢了，下次一定").await?;
    b.find(Locator::Css("[data-comment-form] button[type=submit]"))
        .await?
        .click()
        .await?;
    wait_js(a, "return [...document.querySelectorAll('.live-comment')].some(li => li.textContent.includes('手慢了，下次一定'))", "B's comment at A", 5).await?;
    // B's own stream may deliver it a moment after A's on a loaded machine.
    wait_js(b, "return [...document.querySelectorAll('.live-comment')].some(li => li.textContent.includes('手慢了，下次一定'))", "B's comment at B", 5).await?;
    let dupes = js(b, "return [...document.querySelectorAll('.live-comment')].filter(li => li.textContent.includes('手慢了')).length").await?;
    if dupes != 1 {
        bail!("B's own comment shows {dupes} times");
    }
    shot(b, shots, "live-comment").await?;

    // In English, after the language switch.
    b.find(Locator::Css(".live-top .lang-switch"))
        .await?
        .click()
        .await?;
    wait_js(
        b,
        "return document.documentElement.lang === 'en' && !!document.querySelector('[data-flash]')",
        "the room in English",
        10,
    )
    .await?;
    let label = js(
        b,
        "return document.querySelector('[data-testid=sale-button]').textContent",
    )
    .await?;
    if label != "All gone" && label != "Starting soon" {
        bail!("the English card says {label}");
    }
    shot(b, shots, "live-en").await?;

    // 去支付 leads to the order, waiting for payment.
    a.goto(&format!("{base}{pay}")).await?;
    wait_js(a, "return !!document.querySelector('[data-testid=order-status][data-status=pending_payment]')", "the flash order", 10).await?;
    Ok(())
}

fn is_clock(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|i| b[*i].is_ascii_digit())
}
