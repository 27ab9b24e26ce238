/* yellowcart web UI: progressive enhancement, no framework, no build step.
 * Every page works without this file; with it the yellow cart opens a
 * bottom sheet over the playing video (feed.js plays the feed), and forms
 * post in the background where leaving the page would be a loss. */
(function () {
  'use strict';

  var zh = (document.documentElement.lang || 'zh').indexOf('zh') === 0;
  var TEXT = {
    network: zh ? '网络开小差了，请重试' : 'Network error, please retry',
    failed: zh ? '操作失败，请重试' : 'Something went wrong, please retry'
  };

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  /* ---------- toast ---------- */
  var toastTimer = 0;
  function toast(message) {
    var el = $('.toast');
    if (!el || !message) { return; }
    el.textContent = message;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, 2200);
  }

  /* Posts a form in the background; the server answers JSON to X-Fragment. */
  function postForm(form) {
    var body = new URLSearchParams(new FormData(form));
    return fetch(form.getAttribute('action'), {
      method: 'POST',
      body: body,
      credentials: 'same-origin',
      headers: { 'X-Fragment': '1', 'Accept': 'application/json' }
    }).then(function (res) {
      return res.json().then(function (json) { return { status: res.status, body: json }; },
        function () { return { status: res.status, body: {} }; });
    });
  }

  function handleJson(result) {
    if (result.status === 401 && result.body.login) {
      location.href = result.body.login;
      return false;
    }
    if (!result.body.ok) {
      toast(result.body.error || TEXT.failed);
      return false;
    }
    return true;
  }

  /* Tells events.js what the viewer did in the sheet, and over which feed
   * video it was opened (none elsewhere: those are not reported). */
  function track(kind, detail) {
    var d = detail || {};
    d.kind = kind;
    d.video = layer ? layer.getAttribute('data-video') : null;
    document.dispatchEvent(new CustomEvent('yc:track', { detail: d }));
  }

  /* ---------- the bottom sheet ---------- */
  var layer = $('#sheet');
  var sheet = layer && $('.sheet', layer);
  var sheetBody = layer && $('[data-sheet-body]', layer);
  var opener = null;
  var closeTimer = 0;
  var sheetSeen = false;

  function isOpen() { return layer && !layer.hidden && layer.classList.contains('is-open'); }

  function openSheet(url, from) {
    if (!layer) { return false; }
    clearTimeout(closeTimer);
    if (!isOpen()) {
      opener = from || document.activeElement;
      sheetSeen = false;
      var slide = from && from.closest ? from.closest('[data-video-id]') : null;
      if (slide) { layer.setAttribute('data-video', slide.getAttribute('data-video-id')); }
      else { layer.removeAttribute('data-video'); }
      layer.hidden = false;
      void sheet.offsetHeight; // let the closed position paint, then slide up
      layer.classList.add('is-open');
    }
    loadSheet(url);
    return true;
  }

  function loadSheet(url) {
    sheetBody.classList.add('is-loading');
    sheetBody.setAttribute('aria-busy', 'true');
    sheetBody.innerHTML = '<div class="spinner" role="presentation"></div>';
    sheet.focus({ preventScroll: true });
    fetch(url, { credentials: 'same-origin', headers: { 'X-Fragment': '1' } })
      .then(function (res) {
        if (res.ok) { return res.text(); }
        return res.json().then(function (j) { throw new Error(j.error || TEXT.failed); },
          function () { throw new Error(TEXT.failed); });
      })
      .then(function (html) {
        sheetBody.innerHTML = html;
        sheetBody.classList.remove('is-loading');
        sheetBody.removeAttribute('aria-busy');
        sheetBody.scrollTop = 0;
        initPanels(sheetBody);
        // One sheet_open per opening, however deep the viewer goes in it.
        if (!sheetSeen) { sheetSeen = true; track('sheet_open'); }
        var title = $('#sheet-title', sheetBody);
        if (title) {
          title.setAttribute('tabindex', '-1');
          title.focus({ preventScroll: true });
        }
      })
      .catch(function (err) {
        toast(err && err.message && err.message !== 'Failed to fetch' ? err.message : TEXT.network);
        closeSheet();
      });
  }

  function closeSheet() {
    if (!isOpen()) { return; }
    layer.classList.remove('is-open');
    sheet.style.transform = '';
    closeTimer = setTimeout(function () {
      layer.hidden = true;
      sheetBody.innerHTML = '';
    }, 320);
    if (opener && document.contains(opener)) { opener.focus({ preventScroll: true }); }
    opener = null;
  }

  function trapFocus(e) {
    var items = $$('a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), textarea, select, [tabindex]:not([tabindex="-1"])', sheet)
      .filter(function (el) { return el.offsetParent !== null; });
    if (!items.length) { return; }
    var first = items[0];
    var last = items[items.length - 1];
    if (e.shiftKey && (document.activeElement === first || !sheet.contains(document.activeElement))) {
      e.preventDefault(); last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault(); first.focus();
    }
  }

  function initDrag() {
    var grip = layer && $('[data-grip]', layer);
    if (!grip) { return; }
    var startY = 0;
    var dy = 0;
    var dragging = false;
    grip.addEventListener('pointerdown', function (e) {
      dragging = true; startY = e.clientY; dy = 0;
      sheet.classList.add('is-dragging');
      grip.setPointerCapture(e.pointerId);
    });
    grip.addEventListener('pointermove', function (e) {
      if (!dragging) { return; }
      dy = Math.max(0, e.clientY - startY);
      sheet.style.transform = 'translate(-50%, ' + dy + 'px)';
    });
    function end() {
      if (!dragging) { return; }
      dragging = false;
      sheet.classList.remove('is-dragging');
      if (dy > 90) { closeSheet(); } else { sheet.style.transform = ''; }
    }
    grip.addEventListener('pointerup', end);
    grip.addEventListener('pointercancel', end);
  }

  /* ---------- product panel: chips, price, stock, buy ---------- */
  function initPanels(root) { $$('[data-panel]', root).forEach(initPanel); }

  function initPanel(panel) {
    if (panel.getAttribute('data-ready')) { return; }
    panel.setAttribute('data-ready', '1');
    var data;
    try { data = JSON.parse($('[data-sku-json]', panel).textContent); } catch (e) { return; }
    var form = $('[data-buy]', panel);
    var radios = $$('input[type="radio"][data-axis]', form);
    var skuInput = $('[data-sku]', form);
    var qty = $('[data-qty]', form);
    var price = $('[data-price]', panel);
    var stock = $('[data-stock]', panel);
    var chosen = $('[data-chosen]', panel);
    var hint = $('[data-hint]', panel);
    var n = data.axes.length;

    function selection() {
      var sel = [];
      for (var i = 0; i < n; i++) { sel.push(null); }
      radios.forEach(function (r) { if (r.checked) { sel[+r.getAttribute('data-axis')] = r.value; } });
      return sel;
    }
    function matches(sku, sel) {
      return sel.every(function (v, i) { return v === null || sku.spec[i] === v; });
    }
    function missing(sel) {
      return data.axes.filter(function (_, i) { return sel[i] === null; });
    }
    function current() {
      var sel = selection();
      if (data.skus.length === 1) { return data.skus[0]; }
      if (sel.some(function (v) { return v === null; })) { return null; }
      return data.skus.filter(function (s) { return matches(s, sel); })[0] || null;
    }

    function update() {
      var sel = selection();
      radios.forEach(function (r) {
        var trial = sel.slice();
        trial[+r.getAttribute('data-axis')] = r.value;
        var ok = data.skus.some(function (s) { return s.stock > 0 && matches(s, trial); });
        r.disabled = !ok && !r.checked;
        r.closest('.chip').classList.toggle('is-off', !ok);
      });
      var sku = current();
      skuInput.value = sku && sku.stock > 0 ? sku.id : '';
      price.textContent = sku ? sku.price : data.from_price;
      stock.textContent = sku ? (sku.stock > 0 ? data.text.stock.replace('{n}', sku.stock) : data.text.sold_out) : '';
      var lack = missing(sel);
      chosen.textContent = lack.length ? data.text.choose + ' ' + lack.join(' ')
        : (n ? data.text.chosen + ' ' + sel.join(' / ') : '');
      var max = sku ? Math.max(1, Math.min(99, sku.stock)) : 99;
      qty.max = String(max);
      if ((parseInt(qty.value, 10) || 1) > max) { qty.value = String(max); }
      hint.textContent = '';
    }

    radios.forEach(function (r) { r.addEventListener('change', update); });
    update();

    form.addEventListener('submit', function (e) {
      if (!skuInput.value) {
        e.preventDefault();
        var lack = missing(selection());
        hint.textContent = data.text.choose + ' ' + (lack.length ? lack.join(' ') : '');
        var firstOpen = radios.filter(function (r) { return !r.disabled; })[0];
        if (firstOpen) { firstOpen.focus(); }
        return;
      }
      var by = e.submitter;
      if (by && by.hasAttribute('data-add-cart')) {
        e.preventDefault();
        by.disabled = true;
        postForm(form).then(function (result) {
          if (handleJson(result)) {
            toast(result.body.message || data.text.added);
            track('add_to_cart');
          }
        }, function () { toast(TEXT.network); }).then(function () { by.disabled = false; });
      }
      // 立即购买 submits natively to /buy, which redirects to checkout.
      if (by && by.hasAttribute('data-buy-now')) { track('buy_now', { sku: skuInput.value }); }
    });

    var fav = $('[data-fav]', panel);
    if (fav) {
      fav.addEventListener('submit', function (e) {
        e.preventDefault();
        var button = $('button', fav);
        var on = $('input[name="on"]', fav);
        postForm(fav).then(function (result) {
          if (!handleJson(result)) { return; }
          var isFav = !!result.body.favorite;
          button.setAttribute('aria-pressed', isFav ? 'true' : 'false');
          $('[data-fav-label]', fav).textContent = isFav ? data.text.fav_on : data.text.fav_off;
          on.value = isFav ? '0' : '1';
          toast(result.body.message);
          if (isFav) { track('favorite'); }
        }, function () { toast(TEXT.network); });
      });
    }
  }

  /* ---------- quantity steppers, forms ---------- */
  function step(button) {
    var input = $('[data-qty]', button.parentElement);
    if (!input) { return; }
    var min = parseInt(input.min, 10) || 1;
    var max = parseInt(input.max, 10) || 99;
    var value = (parseInt(input.value, 10) || min) + parseInt(button.getAttribute('data-step'), 10);
    input.value = String(Math.min(max, Math.max(min, value)));
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  function initForms() {
    $$('form[data-autosubmit]').forEach(function (form) {
      var timer = 0;
      form.addEventListener('change', function () {
        clearTimeout(timer);
        timer = setTimeout(function () { form.requestSubmit ? form.requestSubmit() : form.submit(); }, 450);
      });
    });
    document.addEventListener('submit', function (e) {
      var form = e.target;
      var ask = form.getAttribute('data-confirm');
      if (ask && !window.confirm(ask)) { e.preventDefault(); return; }
      if (form.hasAttribute('data-once') && !e.defaultPrevented) {
        var buttons = Array.prototype.filter.call(form.elements, function (el) { return el.type === 'submit'; });
        // After this tick, so the pressed button's value is still sent.
        setTimeout(function () { buttons.forEach(function (b) { b.disabled = true; }); }, 0);
        setTimeout(function () { buttons.forEach(function (b) { b.disabled = false; }); }, 8000);
      }
    });
  }

  /* ---------- order page: countdown and waiting for the payment ---------- */
  function initOrder() {
    var page = $('.order-page');
    if (!page) { return; }
    var cd = $('.countdown', page);
    if (cd) {
      var deadline = +cd.getAttribute('data-deadline');
      var skew = Date.now() - (+cd.getAttribute('data-now'));
      var reloaded = false;
      var tick = function () {
        var left = Math.max(0, deadline - (Date.now() - skew));
        var s = Math.floor(left / 1000);
        cd.textContent = (s < 600 ? '0' : '') + Math.floor(s / 60) + ':' + (s % 60 < 10 ? '0' : '') + (s % 60);
        if (left === 0 && !reloaded) { reloaded = true; setTimeout(function () { location.reload(); }, 3000); }
      };
      tick();
      setInterval(tick, 1000);
    }
    if (page.getAttribute('data-poll')) {
      var id = page.getAttribute('data-order');
      var status = page.getAttribute('data-status');
      var tries = 0;
      var timer = setInterval(function () {
        if (++tries > 30) { clearInterval(timer); return; }
        fetch('/orders/' + id + '/status', { credentials: 'same-origin', cache: 'no-store', headers: { 'X-Fragment': '1' } })
          .then(function (res) { return res.json(); })
          .then(function (j) {
            if (j.status && j.status !== status) {
              clearInterval(timer);
              location.replace('/orders/' + id);
            }
          })
          .catch(function () {});
      }, 1000);
    }
  }

  /* ---------- after-sales deadlines: "1天 23:59:59" ticking down ---------- */
  function initDeadlines() {
    var els = $$('[data-left]');
    if (!els.length) { return; }
    var pad = function (n) { return (n < 10 ? '0' : '') + n; };
    var items = els.map(function (el) {
      var deadline = +el.getAttribute('data-deadline');
      var skew = Date.now() - (+el.getAttribute('data-now'));
      return { el: el, deadline: deadline, skew: skew, day: el.getAttribute('data-day') || 'd',
        // Only a deadline that passes while the page is open reloads it
        // (the server's timeout has moved the request by then).
        live: deadline > Date.now() - skew };
    });
    var reloaded = false;
    var tick = function () {
      items.forEach(function (it) {
        var left = Math.max(0, it.deadline - (Date.now() - it.skew));
        var s = Math.floor(left / 1000);
        var days = Math.floor(s / 86400);
        var clock = pad(Math.floor(s % 86400 / 3600)) + ':' + pad(Math.floor(s % 3600 / 60)) + ':' + pad(s % 60);
        it.el.textContent = days > 0 ? days + it.day + ' ' + clock : clock;
        if (left === 0 && it.live && !reloaded) {
          reloaded = true;
          setTimeout(function () { location.reload(); }, 3000);
        }
      });
    };
    tick();
    setInterval(tick, 1000);
  }

  /* ---------- after-sales photos: each file is posted as it is picked ---------- */
  function initEvidence() {
    $$('[data-evidence]').forEach(function (box) {
      var input = $('[data-evidence-input]', box);
      var list = $('[data-evidence-list]', box);
      var hint = $('[data-evidence-hint]', box);
      var form = box.closest('form');
      var max = parseInt(box.getAttribute('data-max'), 10) || 9;
      if (!input || !list) { return; }

      function removable(li) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'ev-remove';
        b.setAttribute('data-ev-remove', '');
        b.setAttribute('aria-label', box.getAttribute('data-remove') || '×');
        b.textContent = '×';
        li.appendChild(b);
      }

      function upload(file) {
        var li = document.createElement('li');
        li.className = 'is-uploading';
        li.textContent = box.getAttribute('data-uploading') || '…';
        list.appendChild(li);
        fetch('/aftersales/evidence', {
          method: 'POST',
          body: file,
          credentials: 'same-origin',
          headers: { 'X-Fragment': '1', 'Accept': 'application/json', 'Content-Type': file.type || 'application/octet-stream' }
        }).then(function (res) {
          return res.json().then(function (j) { return { status: res.status, body: j }; },
            function () { return { status: res.status, body: {} }; });
        }).then(function (result) {
          if (!handleJson(result)) {
            li.remove();
            if (hint) { hint.textContent = result.body.error || TEXT.failed; }
            return;
          }
          li.className = '';
          li.textContent = '';
          var img = document.createElement('img');
          img.src = result.body.url;
          img.alt = '';
          img.width = 56;
          img.height = 56;
          var field = document.createElement('input');
          field.type = 'hidden';
          field.name = 'evidence';
          field.value = result.body.url;
          li.appendChild(img);
          li.appendChild(field);
          removable(li);
        }, function () {
          li.remove();
          if (hint) { hint.textContent = TEXT.network; }
        });
      }

      input.addEventListener('change', function () {
        var files = Array.prototype.slice.call(input.files || []);
        input.value = '';
        if (hint) { hint.textContent = ''; }
        var room = max - list.children.length;
        if (files.length > room) {
          if (hint) { hint.textContent = box.getAttribute('data-too-many'); }
          files = files.slice(0, Math.max(0, room));
        }
        files.forEach(upload);
      });
      list.addEventListener('click', function (e) {
        var b = e.target.closest('[data-ev-remove]');
        if (b) { b.closest('li').remove(); }
      });
      $$('li', list).forEach(removable);
      if (form) {
        // A photo still uploading would be left out of the request.
        form.addEventListener('submit', function (e) {
          if ($('.is-uploading', list)) {
            e.preventDefault();
            e.stopImmediatePropagation();
            if (hint) { hint.textContent = box.getAttribute('data-uploading'); }
          }
        });
      }
    });
  }

  /* ---------- checkout: 运费险 adds its premium to the total ---------- */
  function initInsurance() {
    var box = $('[data-insurance]');
    var total = $('[data-total-insured]');
    if (!box || !total) { return; }
    var sync = function () {
      total.textContent = total.getAttribute(box.checked ? 'data-total-insured' : 'data-total');
    };
    box.addEventListener('change', sync);
    sync();
  }

  /* ---------- wiring ---------- */
  document.addEventListener('click', function (e) {
    var t = e.target;
    var stepper = t.closest('[data-step]');
    if (stepper) { step(stepper); return; }
    var opens = t.closest('[data-sheet]');
    if (opens && layer) {
      e.preventDefault();
      openSheet(opens.getAttribute('data-sheet'), sheet.contains(opens) ? null : opens);
      return;
    }
    if (t.closest('[data-close]')) { closeSheet(); return; }
    var back = t.closest('[data-back]');
    if (back) {
      var fromHere = document.referrer.indexOf(location.origin + '/') === 0;
      if (fromHere && history.length > 1) {
        e.preventDefault();
        history.back();
      } else if (back.tagName !== 'A') {
        location.href = '/';
      }
    }
  });

  document.addEventListener('keydown', function (e) {
    if (!isOpen()) { return; }
    if (e.key === 'Escape') { e.preventDefault(); closeSheet(); }
    if (e.key === 'Tab') { trapFocus(e); }
  });

  // live.js and feed.js share the toast.
  window.YC = { toast: toast };

  initDrag();
  initPanels(document);
  initForms();
  initOrder();
  initDeadlines();
  initEvidence();
  initInsurance();
})();
