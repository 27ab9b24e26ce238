/* yellowcart live room: the stream, the flash-sale card (秒杀) kept current
 * by the room's server-sent events, one-tap buying with an idempotency key
 * per tap, and live comments. Runs after app.js (bottom sheet, toast). */
(function () {
  'use strict';

  var dataEl = document.getElementById('live-data');
  if (!dataEl) { return; }
  var data;
  try { data = JSON.parse(dataEl.textContent); } catch (e) { return; }
  var T = data.text;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function toast(message) { if (window.YC) { window.YC.toast(message); } }
  function parse(text) { try { return JSON.parse(text); } catch (e) { return null; } }

  /* Posts form fields; the answer is always JSON. */
  function post(url, body, headers) {
    var h = { 'X-Fragment': '1', 'Accept': 'application/json' };
    Object.keys(headers || {}).forEach(function (k) { h[k] = headers[k]; });
    return fetch(url, { method: 'POST', body: new URLSearchParams(body), credentials: 'same-origin', headers: h })
      .then(function (res) {
        return res.json().then(function (j) { return { status: res.status, body: j }; },
          function () { return { status: res.status, body: {} }; });
      });
  }

  /* ---------- the stream: MP4 natively, HLS only where native ---------- */
  function initStream() {
    var video = $('[data-live-video]');
    if (!video) { return; }
    var hls = video.getAttribute('data-hls');
    if (hls) {
      if (!video.canPlayType('application/vnd.apple.mpegurl')) {
        $('[data-stream-note]').hidden = false; // the poster stays; hls.js is not bundled
        return;
      }
      video.src = hls;
    }
    function play() { var p = video.play(); if (p && p.catch) { p.catch(function () {}); } }
    video.muted = true;
    play();
    video.addEventListener('click', play);
    var mute = $('[data-mute]');
    if (!mute) { return; }
    mute.hidden = false;
    mute.addEventListener('click', function () {
      video.muted = !video.muted;
      if (!video.muted) { play(); }
      mute.setAttribute('aria-label', video.muted ? T.unmute : T.mute);
      $('[data-icon-muted]', mute).hidden = !video.muted;
      $('[data-icon-sound]', mute).hidden = video.muted;
    });
  }

  /* ---------- the flash-sale card ---------- */
  var sale = data.sale;
  var card = $('[data-flash]');
  var state = null;
  var els = {};

  /* "00:12", or "1:30:00" past an hour; rounds up like the server. */
  function clock(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    var two = function (n) { return (n < 10 ? '0' : '') + n; };
    if (s >= 3600) { return Math.floor(s / 3600) + ':' + two(Math.floor(s % 3600 / 60)) + ':' + two(s % 60); }
    return two(Math.floor(s / 60)) + ':' + two(s % 60);
  }

  function waiting(phase) { return phase === 'scheduled' || phase === 'countdown'; }

  function render() {
    var p = state.phase;
    var enabled = p === 'open' && !state.capped && !state.busy;
    var label = { open: state.capped ? T.capped : state.busy ? T.grabbing : T.grab, sold_out: T.sold_out, ended: T.ended }[p] || T.soon;
    card.setAttribute('data-phase', p);
    els.button.setAttribute('data-phase', p);
    els.button.textContent = label;
    els.button.disabled = !enabled;
    els.button.setAttribute('aria-busy', state.busy ? 'true' : 'false');
    els.countdownRow.hidden = !waiting(p);
    var sold = Math.max(0, sale.pool - state.remaining);
    var claimed = T.claimed.replace('{p}', String(sale.pool > 0 ? Math.floor(sold * 100 / sale.pool) : 100));
    els.remaining.textContent = String(state.remaining);
    els.progress.value = sold;
    els.progress.setAttribute('aria-label', claimed);
    els.claimed.textContent = claimed;
  }

  function setPhase(phase) {
    if (phase === state.phase) { return; }
    state.phase = phase;
    if (!waiting(phase)) { state.opensAt = Math.min(state.opensAt, performance.now()); }
    var say = { open: T.now_open, sold_out: T.sold_out, ended: T.ended }[phase];
    if (say) { els.flashStatus.textContent = say; }
    render();
  }

  /* The client clock drives the countdown between events. */
  function tick() {
    var now = performance.now();
    if (waiting(state.phase)) {
      var left = state.opensAt - now;
      els.countdown.textContent = clock(left);
      if (left <= 0) {
        setPhase(state.remaining > 0 ? 'open' : 'sold_out');
      } else if (state.phase === 'scheduled' && left <= sale.countdown_ms) {
        setPhase('countdown');
      }
    }
    if (now >= state.endsAt && state.phase !== 'ended') { setPhase('ended'); }
  }

  /* Events correct the clock: the server's phase and stock win. */
  function onStock(d) {
    if (!state || d.sale_id !== sale.id) { return; }
    state.remaining = Math.max(0, d.remaining);
    // Not open yet by the server's clock although ours ran out: wait for it.
    var now = performance.now();
    if (waiting(d.phase) && state.opensAt <= now) { state.opensAt = now + 1000; }
    if (d.phase !== state.phase) { setPhase(d.phase); } else { render(); }
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return 'live-' + Array.prototype.map.call(bytes, function (b) { return (b < 16 ? '0' : '') + b.toString(16); }).join('');
  }

  /* One tap = one key; a retry of the same tap (network, busy) reuses it,
   * so it can never buy twice. */
  function grab(key, attempt) {
    post(sale.buy_url, { qty: '1' }, { 'Idempotency-Key': key }).then(function (r) {
      if (r.status >= 500 && attempt < 3) { return retry(key, attempt); }
      answered(r);
    }, function () {
      if (attempt < 3) { return retry(key, attempt); }
      state.busy = false;
      render();
      toast(T.network);
    });
  }

  function retry(key, attempt) {
    setTimeout(function () { grab(key, attempt + 1); }, 400 * (attempt + 1) + Math.random() * 300);
  }

  function answered(r) {
    if (r.status === 401 && r.body.login) { location.href = r.body.login; return; }
    state.busy = false;
    var b = r.body;
    if (b.ok) {
      state.bought += 1;
      if (state.bought >= sale.cap) { state.capped = true; }
      render();
      showResult(T.got_it, T.pay_within, b.order, b.order.url, T.go_pay);
      return;
    }
    if (b.code === 'cap_exceeded') { state.capped = true; }
    if (b.phase) {
      if (b.phase === 'sold_out') { state.remaining = 0; }
      setPhase(b.phase);
    }
    render();
    if (b.code === 'no_address') {
      showResult(T.failed, b.error, null, data.add_address, T.add_address);
    } else {
      toast(b.error || T.network);
    }
  }

  function initSale() {
    if (!sale || !card) { return; }
    els = {
      button: $('[data-testid="sale-button"]', card),
      remaining: $('[data-remaining]', card),
      progress: $('[data-progress]', card),
      claimed: $('[data-claimed]', card),
      countdownRow: $('[data-countdown-row]', card),
      countdown: $('[data-countdown]', card),
      flashStatus: $('[data-flash-status]', card)
    };
    var t0 = performance.now();
    state = {
      phase: sale.phase, remaining: sale.remaining, busy: false, capped: false, bought: 0,
      opensAt: t0 + sale.opens_in_ms, endsAt: t0 + sale.ends_in_ms
    };
    $('[data-flash-form]', card).addEventListener('submit', function (e) {
      e.preventDefault();
      if (state.busy || state.capped || state.phase !== 'open') { return; }
      state.busy = true;
      render();
      grab(newKey(), 0);
    });
    render();
    tick();
    setInterval(tick, 250);
  }

  /* ---------- the result dialog: 抢到了 → 去支付 ---------- */
  var layer = $('[data-result-layer]');
  var returnTo = null;

  function showResult(title, text, order, href, action) {
    $('[data-result-title]', layer).textContent = title;
    $('[data-result-text]', layer).textContent = text;
    var box = $('[data-result-order]', layer);
    box.hidden = !order;
    if (order) {
      var img = $('[data-result-img]', layer);
      img.hidden = !order.image;
      if (order.image) { img.src = order.image; }
      $('[data-result-name]', layer).textContent = order.title;
      $('[data-result-spec]', layer).textContent = order.spec;
      $('[data-result-total]', layer).textContent = order.total + ' ×' + order.quantity;
    }
    var link = $('[data-result-link]', layer);
    link.href = href;
    link.textContent = action;
    returnTo = document.activeElement;
    layer.hidden = false;
    link.focus();
  }

  function closeResult() {
    if (layer.hidden) { return; }
    layer.hidden = true;
    var back = returnTo && !returnTo.disabled ? returnTo : card;
    if (back && back.focus) { back.focus({ preventScroll: true }); }
  }

  function initResult() {
    if (!layer) { return; }
    layer.addEventListener('click', function (e) { if (e.target.closest('[data-result-close]')) { closeResult(); } });
    document.addEventListener('keydown', function (e) {
      if (layer.hidden) { return; }
      if (e.key === 'Escape') { e.preventDefault(); closeResult(); }
      if (e.key === 'Tab') {
        var items = [$('.flash-dialog-actions .btn', layer), $('[data-result-link]', layer)];
        var i = items.indexOf(document.activeElement);
        e.preventDefault();
        items[(i + (e.shiftKey ? items.length - 1 : 1)) % items.length].focus();
      }
    });
  }

  /* ---------- live comments: the last 50, newest at the bottom ---------- */
  var list = $('[data-comments]');
  var MAX_COMMENTS = 50;
  var seen = {};

  function addComment(c) {
    var key = c.at + '|' + c.author + '|' + c.text;
    if (!list || seen[key]) { return; }
    seen[key] = true;
    var nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    var li = document.createElement('li');
    li.className = 'live-comment';
    li.setAttribute('data-key', key);
    li.innerHTML = '<span class="live-comment-who"></span><span class="live-comment-text"></span>';
    li.firstChild.textContent = c.author; // text, never markup
    li.lastChild.textContent = c.text;
    list.appendChild(li);
    while (list.children.length > MAX_COMMENTS) {
      delete seen[list.firstElementChild.getAttribute('data-key')];
      list.removeChild(list.firstElementChild);
    }
    list.classList.toggle('is-full', list.scrollHeight > list.clientHeight);
    if (nearBottom) { list.scrollTop = list.scrollHeight; }
  }

  function initComments() {
    var form = $('[data-comment-form]');
    if (!form) { return; }
    var input = form.elements.text;
    var send = $('button[type="submit"]', form);
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      var text = input.value.trim();
      if (!text) { input.focus(); return; }
      send.disabled = true;
      post(form.getAttribute('action'), { text: text }).then(function (r) {
        if (r.status === 401 && r.body.login) { location.href = r.body.login; return; }
        if (r.body.ok) { input.value = ''; addComment(r.body.comment); } else { toast(r.body.error || T.network); }
      }, function () { toast(T.network); }).then(function () { send.disabled = false; });
    });
  }

  /* ---------- real time: the room's server-sent events ---------- */
  var conn = $('[data-conn]');
  var source = null;
  var retryTimer = 0;
  var backoff = 2000;

  function connect() {
    if (!window.EventSource) { return; }
    source = new EventSource(data.events);
    source.addEventListener('open', function () { conn.hidden = true; backoff = 2000; });
    source.addEventListener('stock', function (e) { var d = parse(e.data); if (d) { onStock(d); } });
    source.addEventListener('comment', function (e) { var d = parse(e.data); if (d) { addComment(d); } });
    source.addEventListener('error', function () {
      conn.textContent = T.reconnecting;
      conn.hidden = false;
      // CONNECTING: the browser retries by itself. CLOSED (a full room
      // answers 503): retry by hand, backing off.
      if (source.readyState === EventSource.CLOSED) {
        clearTimeout(retryTimer);
        retryTimer = setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 30000);
      }
    });
  }

  initStream();
  initSale();
  initResult();
  initComments();
  connect();
})();
