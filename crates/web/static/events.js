/* yellowcart behaviour events: what a viewer did with feed videos, queued
 * and posted to /events in small batches (every few seconds, and with
 * navigator.sendBeacon when the page goes away), so the feed can learn
 * what they like. Carries video ids and kinds only. feed.js and app.js
 * report through window.YCEvents and the `yc:track` DOM event. */
(function () {
  'use strict';

  var MAX_QUEUE = 100;              // the server takes at most 100 per batch
  var FLUSH_MS = 3000;
  var MAX_AGE_MS = 4.5 * 60 * 1000; // the server refuses events older than 5 minutes
  var ATTRIBUTE_MS = 30 * 60 * 1000; // a 立即购买 this old no longer explains an order
  var STASH = 'yc_events';          // a batch the browser would not beacon
  var BUY = 'yc_buy_from';          // 立即购买 pressed in a sheet over a video
  var BOUGHT = 'yc_purchase';       // …and its checkout submitted

  var queue = [];
  var timer = 0;

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }
  function load(key) {
    var s = storage();
    try { return s ? JSON.parse(s.getItem(key)) : null; } catch (e) { return null; }
  }
  function save(key, value) {
    var s = storage();
    if (!s) { return; }
    try {
      if (value === null) { s.removeItem(key); } else { s.setItem(key, JSON.stringify(value)); }
    } catch (e) { /* private mode or full: losing analytics is fine */ }
  }

  function record(video, kind, pct) {
    if (!video || !kind) { return; }
    var e = { video_id: video, kind: kind, t: Date.now() };
    if (kind === 'watch') { e.completion_pct = Math.max(0, Math.min(100, Math.round(pct || 0))); }
    queue.push(e);
    // Bounded: the oldest go first.
    if (queue.length > MAX_QUEUE) { queue.splice(0, queue.length - MAX_QUEUE); }
    schedule();
  }

  function schedule() {
    if (!timer && queue.length) { timer = setTimeout(flush, FLUSH_MS); }
  }

  /* Empties the queue; events too old for the server are dropped. */
  function take() {
    clearTimeout(timer);
    timer = 0;
    var now = Date.now();
    var items = queue.filter(function (e) { return now - e.t < MAX_AGE_MS; });
    queue = [];
    return items;
  }

  function body(items) {
    var now = Date.now();
    return JSON.stringify({
      events: items.map(function (e) {
        var out = { video_id: e.video_id, kind: e.kind, ago_ms: Math.max(0, now - e.t) };
        if (e.completion_pct !== undefined) { out.completion_pct = e.completion_pct; }
        return out;
      })
    });
  }

  function requeue(items) {
    queue = items.concat(queue).slice(-MAX_QUEUE);
    schedule();
  }

  function flush() {
    var items = take();
    if (!items.length) { return; }
    fetch('/events', {
      method: 'POST',
      body: body(items),
      credentials: 'same-origin',
      keepalive: true,
      headers: { 'Content-Type': 'application/json', 'X-Fragment': '1', 'Accept': 'application/json' }
    }).then(function (res) {
      // A refused batch (4xx) would be refused again: only a busy server retries.
      if (res.status >= 500) { requeue(items); }
    }, function () { requeue(items); });
  }

  /* The page is going away or out of sight: feed.js closes the open watch
   * first, then everything leaves as a beacon (a string body is
   * text/plain, which every browser beacons; the server reads it as JSON). */
  function leave() {
    document.dispatchEvent(new CustomEvent('yc:leaving'));
    var items = take();
    if (!items.length) { return; }
    var sent = false;
    try { sent = !!(navigator.sendBeacon && navigator.sendBeacon('/events', body(items))); } catch (e) { sent = false; }
    if (!sent) { save(STASH, items.concat(load(STASH) || []).slice(-MAX_QUEUE)); }
  }

  window.addEventListener('pagehide', leave);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'hidden') { leave(); }
  });

  /* What app.js saw in the sheet, over the video it was opened from. */
  document.addEventListener('yc:track', function (e) {
    var d = e.detail || {};
    if (!d.video) { return; } // a sheet opened outside the feed
    if (d.kind === 'buy_now') {
      save(BUY, { video: d.video, sku: d.sku, at: Date.now() });
      return;
    }
    record(d.video, d.kind);
  });

  /* purchase: 立即购买 over a video → its checkout submitted → the order page. */
  function fresh(entry) { return entry && entry.video && Date.now() - entry.at < ATTRIBUTE_MS; }

  var checkout = document.querySelector('form.checkout-form');
  if (checkout) {
    checkout.addEventListener('submit', function () {
      var from = load(BUY);
      var sku = new URLSearchParams(location.search).get('sku');
      if (fresh(from) && sku && sku === from.sku) {
        save(BOUGHT, { video: from.video, at: Date.now() });
        save(BUY, null);
      }
    });
  }
  var order = document.querySelector('.order-page[data-order]');
  var bought = load(BOUGHT);
  if (order && bought) {
    save(BOUGHT, null);
    if (fresh(bought)) { record(bought.video, 'purchase'); }
  }

  // A batch the last page could not beacon.
  var stashed = load(STASH);
  if (stashed && stashed.length) {
    save(STASH, null);
    requeue(stashed);
  }

  window.YCEvents = { record: record, flush: flush };
})();
