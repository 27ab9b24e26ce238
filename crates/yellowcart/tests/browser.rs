#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! End to end in a real browser (headless Chromium via chromedriver, at a
//! phone's 390×844): log in, watch the feed, tap the yellow cart, pick a
//! SKU in the bottom sheet while the video keeps playing, buy it now, pay
//! at the sandbox cashier, and see the order become paid.
//!
//! Skipped with a note when /usr/bin/chromedriver is missing, unless `CI`
//! is set: then it fails, so CI cannot silently stop testing the UI.
//! Screenshots land in `target/tmp/browser/`.

mod common;

use std::path::Path;

use anyhow::{Context, bail};
use common::{Browser, browser_available, js, shot, shots_dir, wait_js, wait_sheet_still};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyer_taps_the_yellow_cart_and_pays() {
    if !browser_available("browser test") {
        return;
    }
    let (server, _data_dir) = common::demo_server().await;
    let browser = Browser::start().await.expect("starting Chromium");

    let shots = shots_dir();
    let outcome = journey(&browser.client, &server.url(), &shots).await;
    if outcome.is_err() {
        let _ = shot(&browser.client, &shots, "failure").await;
    }
    browser.close().await;
    server.stop().await;
    outcome.unwrap();
}

async fn journey(c: &Client, base: &str, shots: &Path) -> anyhow::Result<()> {
    // Log in as the demo buyer; the login page sends us back to the feed.
    c.goto(&format!("{base}/login?next=%2F")).await?;
    c.find(Locator::Css("input[name=login]"))
        .await?
        .send_keys("demo")
        .await?;
    c.find(Locator::Css("input[name=password]"))
        .await?
        .send_keys("demo1234")
        .await?;
    c.find(Locator::Css("[data-testid=auth-submit]"))
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "return location.pathname === '/' && !!document.querySelector('.slide video')",
        "the feed after login",
        10,
    )
    .await?;

    // The first video plays by itself (muted, looping, inline).
    wait_js(c, "const v = document.querySelector('.slide video'); return !!v && !v.paused && v.currentTime > 0", "the first video to play", 15).await?;

    shot(c, shots, "feed").await?;

    // Tap its yellow cart: the sheet slides up over the playing video.
    c.find(Locator::Css(".slide .cart-pill"))
        .await?
        .click()
        .await?;
    wait_js(c, "return !!document.querySelector('#sheet.is-open [data-sheet-body]:not(.is-loading) #sheet-title')", "the sheet to open", 10).await?;
    // Keyboard: focus is in the sheet; Esc closes it and focus returns
    // to the yellow cart, which opens it again.
    let focus_in_sheet = js(
        c,
        "return document.querySelector('#sheet .sheet').contains(document.activeElement)",
    )
    .await?;
    if focus_in_sheet != Value::Bool(true) {
        bail!("focus did not move into the sheet");
    }
    c.active_element()
        .await?
        .send_keys(&Key::Escape.to_string())
        .await?;
    wait_js(
        c,
        "return !document.querySelector('#sheet').classList.contains('is-open') \
         && document.activeElement === document.querySelector('.slide .cart-pill')",
        "Esc to close the sheet and give focus back",
        5,
    )
    .await?;
    c.find(Locator::Css(".slide .cart-pill"))
        .await?
        .click()
        .await?;
    wait_js(
        c,
        "return !!document.querySelector('#sheet.is-open [data-sheet-body]:not(.is-loading) #sheet-title')",
        "the sheet to open again",
        10,
    )
    .await?;
    let is_list = js(c, "return !!document.querySelector('#sheet .plist-item')").await?;
    if is_list == Value::Bool(true) {
        wait_sheet_still(c).await?;
        shot(c, shots, "feed-sheet-list").await?;
        c.find(Locator::Css("#sheet .plist-item"))
            .await?
            .click()
            .await?;
    }
    wait_js(
        c,
        "return !!document.querySelector('#sheet [data-panel][data-ready]')",
        "the product panel in the sheet",
        10,
    )
    .await?;
    let focus_in_sheet = js(
        c,
        "return document.querySelector('#sheet .sheet').contains(document.activeElement)",
    )
    .await?;
    if focus_in_sheet != Value::Bool(true) {
        bail!("focus did not move into the sheet");
    }

    // Pick the first value with stock on every axis.
    let axes = js(
        c,
        "return document.querySelectorAll('#sheet fieldset.axis').length",
    )
    .await?;
    let axes = axes.as_u64().context("axis count")?;
    for i in 1..=axes {
        let chip = format!("#sheet fieldset.axis:nth-of-type({i}) label.chip:not(.is-off)");
        c.find(Locator::Css(&chip)).await?.click().await?;
    }
    let sku = js(
        c,
        "return document.querySelector('#sheet [data-sku]').value",
    )
    .await?;
    if sku.as_str().is_none_or(str::is_empty) {
        bail!("no SKU selected after choosing every axis");
    }
    let price = js(
        c,
        "return document.querySelector('#sheet [data-price]').textContent",
    )
    .await?;
    if price
        .as_str()
        .is_none_or(|p| !p.starts_with('¥') || p.contains('起'))
    {
        bail!("the selected SKU's price is not shown: {price}");
    }
    wait_sheet_still(c).await?;
    let playing = js(c, "return !document.querySelector('.slide video').paused").await?;
    if playing != Value::Bool(true) {
        bail!("the video stopped when the sheet opened");
    }
    shot(c, shots, "feed-sheet").await?;

    // 立即购买 → checkout with the default address and the payment methods.
    c.find(Locator::Css("#sheet [data-buy-now]"))
        .await?
        .click()
        .await?;
    wait_js(c, "return location.pathname === '/checkout' && !!document.querySelector('[data-testid=checkout-address]')", "the checkout page", 10).await?;
    let address = c
        .find(Locator::Css("[data-testid=checkout-address]"))
        .await?
        .text()
        .await?;
    if !address.contains("张三") {
        bail!("the default address is not on top: {address}");
    }
    let methods = js(c, "return [...document.querySelectorAll('input[name=method]')].map(m => m.value + (m.checked ? '*' : ''))").await?;
    let methods: Vec<String> = serde_json::from_value(methods)?;
    if methods.len() != 3 || !methods[0].ends_with('*') {
        bail!("expected three methods, the first preselected: {methods:?}");
    }
    shot(c, shots, "checkout").await?;

    // 提交订单 → the sandbox cashier → 确认支付.
    c.find(Locator::Css("[data-testid=submit-order]"))
        .await?
        .click()
        .await?;
    wait_js(c, "return location.pathname.startsWith('/sandbox/pay/') && !!document.querySelector('[data-testid=confirm-pay]')", "the sandbox cashier", 10).await?;
    shot(c, shots, "cashier").await?;
    c.find(Locator::Css("[data-testid=confirm-pay]"))
        .await?
        .click()
        .await?;

    // Back on the order page, which waits for the asynchronous callback.
    wait_js(
        c,
        "return location.pathname.startsWith('/orders/')",
        "the order page",
        10,
    )
    .await?;
    wait_js(
        c,
        "return !!document.querySelector('[data-testid=order-status][data-status=paid]')",
        "the order to become paid",
        15,
    )
    .await?;
    shot(c, shots, "order-paid").await?;
    Ok(())
}
