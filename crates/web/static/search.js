/* /search: completions under the search box while typing (debounced,
 * stale answers ignored), with the keyboard: ↓/↑ move, Enter searches
 * the highlighted one, Esc closes. The form is a plain GET form: without
 * this file it searches all the same. */
(function () {
  'use strict';

  var form = document.querySelector('form[data-search]');
  var input = form && form.querySelector('[data-suggest-input]');
  var list = form && form.querySelector('[data-suggest-list]');
  if (!input || !list) { return; }

  var DEBOUNCE_MS = 150;
  var timer = 0;
  var asked = 0;     // the latest request; older answers are dropped
  var active = -1;   // the highlighted option, -1 for none
  var items = [];

  function options() { return Array.prototype.slice.call(list.querySelectorAll('[role="option"]')); }

  function close() {
    list.hidden = true;
    list.innerHTML = '';
    items = [];
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  }

  function show(words) {
    items = words;
    list.innerHTML = '';
    active = -1;
    input.removeAttribute('aria-activedescendant');
    if (!words.length) { close(); return; }
    words.forEach(function (w, i) {
      var li = document.createElement('li');
      li.id = 'suggest-' + i;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', 'false');
      li.className = 'suggest-item';
      li.textContent = w;
      list.appendChild(li);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  }

  function highlight(i) {
    var opts = options();
    if (!opts.length) { return; }
    active = (i + opts.length) % opts.length;
    opts.forEach(function (o, k) { o.setAttribute('aria-selected', k === active ? 'true' : 'false'); });
    input.setAttribute('aria-activedescendant', opts[active].id);
    opts[active].scrollIntoView({ block: 'nearest' });
  }

  function pick(i) {
    if (i < 0 || i >= items.length) { return; }
    input.value = items[i];
    close();
    if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
  }

  function ask() {
    var q = input.value.trim();
    var mine = ++asked;
    if (!q) { close(); return; }
    fetch('/search/suggest?q=' + encodeURIComponent(q), {
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json', 'X-Fragment': '1' }
    }).then(function (res) { return res.ok ? res.json() : []; })
      .then(function (words) {
        // Typing moved on, or the box lost focus meanwhile.
        if (mine !== asked || document.activeElement !== input) { return; }
        show(Array.isArray(words) ? words.filter(function (w) { return w !== q; }).slice(0, 10) : []);
      }, function () { /* completions are a nicety: stay quiet */ });
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(ask, DEBOUNCE_MS);
  });

  input.addEventListener('keydown', function (e) {
    if (list.hidden) {
      if (e.key === 'ArrowDown' && input.value.trim()) { e.preventDefault(); ask(); }
      return;
    }
    if (e.key === 'ArrowDown') { e.preventDefault(); highlight(active + 1); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); highlight(active - 1); }
    else if (e.key === 'Enter' && active >= 0) { e.preventDefault(); pick(active); }
    else if (e.key === 'Escape') { e.preventDefault(); close(); }
  });

  // mousedown, not click: it comes before the input's blur closes the list.
  list.addEventListener('mousedown', function (e) {
    var li = e.target.closest('[role="option"]');
    if (!li) { return; }
    e.preventDefault();
    pick(options().indexOf(li));
  });

  input.addEventListener('blur', function () { setTimeout(close, 120); });
  form.addEventListener('submit', function () { asked++; close(); });
})();
