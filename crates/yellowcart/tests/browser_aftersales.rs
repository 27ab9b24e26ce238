#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! After-sales (售后) end to end in a real browser at a phone's 390×844,
//! against the demo server with its job worker: the demo buyer asks for a
//! 七天无理由 退货退款 on the delivered demo order (with a photo), shop1
//! approves it in the merchant panel, the buyer books the return (寄回商品),
//! the sandbox carrier picks it up (演示：推进物流), and once the worker has
//! run the order page shows the instant refund (极速退款 … 已退款) and the
//! 运费险 payout (运费险理赔 ¥12.00 已赔付).
//!
//! Skipped with a note when /usr/bin/chromedriver is missing, unless `CI`
//! is set. Screenshots land in `target/tmp/browser/`.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use common::{Browser, browser_available, js, login, shot, shots_dir, wait_js};
use fantoccini::{Client, Locator};
use serde_json::Value;
use yc_domain::order::{Order, OrderStatus};
use yc_domain::page::PageRequest;
use yc_services::Services;
use yc_store::SessionKind;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyer_returns_an_item_and_gets_an_instant_refund_and_the_insurance() {
    if !browser_available("after-sales browser test") {
        return;
    }
    let (server, data_dir) = common::demo_server().await;
    let browser = Browser::start().await.expect("starting Chromium");

    let shots = shots_dir();
    let outcome = journey(
        &browser.client,
        &server.url(),
        &server.services,
        data_dir.path(),
        &shots,
    )
    .await;
    if outcome.is_err() {
        let _ = shot(&browser.client, &shots, "aftersales-failure").await;
    }
    browser.close().await;
    server.stop().await;
    outcome.unwrap();
}

/// The demo buyer's delivered order (seeded with 运费险, from shop1).
async fn demo_order(services: &Services) -> anyhow::Result<Order> {
    let (buyer, _) = services.login("demo", "demo1234", SessionKind::Api).await?;
    let orders = services
        .orders(&buyer, Some(OrderStatus::Delivered), PageRequest::default())
        .await?;
    orders
        .items
        .into_iter()
        .next()
        .context("the demo buyer has no delivered order")
}

/// Clicks `css` after scrolling it to the middle of the screen: chromedriver
/// scrolls only as far as the bottom edge, under the fixed 确认收货 bar.
async fn click(c: &Client, css: &str) -> anyhow::Result<()> {
    let scroll = format!(
        "document.querySelector({}).scrollIntoView({{block: 'center'}})",
        Value::from(css)
    );
    js(c, &scroll).await?;
    c.find(Locator::Css(css))
        .await
        .with_context(|| format!("finding {css}"))?
        .click()
        .await
        .with_context(|| format!("clicking {css}"))?;
    Ok(())
}

async fn text_of(c: &Client, css: &str) -> anyhow::Result<String> {
    Ok(c.find(Locator::Css(css)).await?.text().await?)
}

/// A 1×1 PNG: what a phone camera sends, as far as the type sniffing cares.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\x0f\0\x01\x01\x01\0\x18\xdd\x8d\xb4\0\0\0\0IEND\xaeB`\x82";

async fn journey(
    c: &Client,
    base: &str,
    services: &Services,
    data_dir: &Path,
    shots: &Path,
) -> anyhow::Result<()> {
    let order = demo_order(services).await?;
    let page = format!("/orders/{}", order.id);
    let paid = order.lines[0].line_total.to_string();

    // The buyer opens the order: the parcel was delivered, 运费险 bought.
    login(c, base, "demo", "demo1234", &page).await?;
    wait_js(
        c,
        "return !!document.querySelector('[data-testid=parcel-delivered]') \
         && !!document.querySelector('[data-testid=order-insurance][data-source=bought]')",
        "the delivered parcel and the insurance on the order page",
        10,
    )
    .await?;
    shot(c, shots, "aftersales-order").await?;

    // 申请售后 → 退货退款, 七天无理由, one photo.
    click(c, "[data-testid=open-aftersales]").await?;
    wait_js(
        c,
        "return !!document.querySelector('[data-testid=aftersales-form]')",
        "the after-sales form",
        10,
    )
    .await?;
    click(c, "label.chip:has(input[name=kind][value=return_refund])").await?;
    c.find(Locator::Css("select[name=reason]"))
        .await?
        .select_by_value("no_reason")
        .await?;
    c.find(Locator::Css("textarea[name=reason_text]"))
        .await?
        .send_keys("尺码不合适")
        .await?;
    let photo = data_dir.join("evidence.png");
    std::fs::write(&photo, PNG)?;
    c.find(Locator::Css("[data-evidence-input]"))
        .await?
        .send_keys(&photo.display().to_string())
        .await?;
    wait_js(
        c,
        "return !!document.querySelector('[data-evidence-list] input[name=evidence]') \
         && !document.querySelector('[data-evidence-list] .is-uploading')",
        "the photo to upload",
        10,
    )
    .await?;
    shot(c, shots, "aftersales-form").await?;
    click(c, "[data-testid=aftersales-submit]").await?;
    wait_js(
        c,
        "return !!document.querySelector('[data-testid=aftersales][data-state=awaiting_merchant]')",
        "the request, awaiting the shop",
        10,
    )
    .await?;
    let request = js(
        c,
        "return document.querySelector('[data-testid=aftersales]').getAttribute('data-request')",
    )
    .await?;
    let request = request.as_str().context("request id")?.to_owned();
    let card = format!("[data-request='{request}']");
    let rule = text_of(c, &format!("{card} [data-testid=aftersales-deadline]")).await?;
    if !rule.contains("48小时") {
        bail!("the deadline does not say the 48-hour rule: {rule}");
    }
    wait_js(
        c,
        &format!("return !!document.querySelector(\"{card} .as-evidence img\")"),
        "the photo on the request",
        5,
    )
    .await?;

    // shop1 approves it in the merchant panel (same phone, other account).
    c.delete_all_cookies().await?;
    login(c, base, "shop1", "shop1234", "/merchant/aftersales").await?;
    shot(c, shots, "aftersales-merchant").await?;
    click(c, &format!("{card} [data-testid=as-approve]")).await?;
    wait_js(
        c,
        "return location.search.indexOf('notice=done') >= 0",
        "the approval to land",
        10,
    )
    .await?;

    // The buyer books the return pickup (寄回商品).
    c.delete_all_cookies().await?;
    login(c, base, "demo", "demo1234", &page).await?;
    wait_js(
        c,
        &format!("return !!document.querySelector(\"{card}[data-state=awaiting_return]\")"),
        "the approved request",
        10,
    )
    .await?;
    click(c, &format!("{card} [data-testid=ship-back]")).await?;
    wait_js(
        c,
        "return !!document.querySelector('[data-testid=parcel][data-direction=return] [data-testid=advance-parcel]')",
        "the return parcel",
        10,
    )
    .await?;
    shot(c, shots, "aftersales-return-booked").await?;

    // The sandbox carrier picks it up; the job worker pays the refund and
    // the claim. Reload until the page says so.
    click(
        c,
        "[data-testid=parcel][data-direction=return] [data-testid=advance-parcel]",
    )
    .await?;
    let done = format!(
        "return !!document.querySelector(\"{card} [data-testid=refund-paid]\") \
         && !!document.querySelector(\"{card} [data-testid=claim-line]\")"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if js(c, &done).await? == Value::Bool(true) {
            break;
        }
        if Instant::now() > deadline {
            bail!("the instant refund and the claim did not show within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        c.goto(&format!("{base}{page}")).await?;
    }
    shot(c, shots, "aftersales-refunded").await?;

    let refund = text_of(c, &format!("{card} [data-testid=refund-line]")).await?;
    for want in ["极速退款", paid.as_str(), "已退款"] {
        if !refund.contains(want) {
            bail!("refund line {refund:?} lacks {want:?}");
        }
    }
    let claim = text_of(c, &format!("{card} [data-testid=claim-line]")).await?;
    for want in ["运费险理赔", "¥12.00", "已赔付"] {
        if !claim.contains(want) {
            bail!("claim line {claim:?} lacks {want:?}");
        }
    }
    let parcel = text_of(c, "[data-testid=parcel][data-direction=return]").await?;
    if !parcel.contains("揽收") {
        bail!("the return parcel does not show its pickup: {parcel}");
    }
    let insurance = js(
        c,
        "return document.querySelector('[data-testid=order-insurance]').hasAttribute('data-claimed')",
    )
    .await?;
    if insurance != Value::Bool(true) {
        bail!("the order's 运费险 is not shown as claimed");
    }
    Ok(())
}
