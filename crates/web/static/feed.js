/* The feed (/): the visible video plays and the others pause; what the
 * viewer watches goes to events.js (impression, watch with completion,
 * skip, cart_tap, share, not_interested); more videos load before the
 * last one, sending the ids already shown. Without this file the feed
 * still plays its first video and pages with a "more" link. */
(function () {
  'use strict';

  var feed = document.querySelector('main.feed');
  if (!feed) { return; }
  var ev = window.YCEvents || { record: function () {}, flush: function () {} };
  var zh = (document.documentElement.lang || 'zh').indexOf('zh') === 0;
  var TEXT = {
    copied: zh ? '链接已复制' : 'Link copied',
    fewer: zh ? '将减少此类推荐' : 'You will see fewer like this',
    network: zh ? '网络开小差了，请重试' : 'Network error, please retry'
  };
  var SKIP_MS = 2000;   // left this soon…
  var SKIP_PCT = 20;    // …or before this much of it: a skip
  var MAX_SEEN = 300;   // what the server reads
  var removed = [];     // 不感兴趣: gone from the page, still "seen"
  var current = null;   // the slide being watched: { slide, v, id, start, max, done, reported }

  function toast(m) { if (window.YC) { window.YC.toast(m); } }
  function play(v) {
    var p = v.play();
    if (p && p.catch) { p.catch(function () {}); }
  }
  function idOf(slide) { return slide.getAttribute('data-video-id'); }

  /* ---------- watching ---------- */
  function begin(slide, fresh) {
    var v = slide.querySelector('.slide-video');
    current = { slide: slide, v: v, id: idOf(slide), start: Date.now(), max: 0, last: 0, done: false, reported: false };
    if (fresh && !slide.hasAttribute('data-seen')) {
      slide.setAttribute('data-seen', '');
      ev.record(current.id, 'impression');
    }
    play(v);
  }

  function completion(s) {
    var d = s.v.duration;
    if (s.done) { return 100; }
    if (!d || !isFinite(d)) { return 0; }
    return Math.min(100, Math.round(100 * Math.max(s.max, s.v.currentTime) / d));
  }

  /* One watch per viewing. `scrolled`: the viewer swiped on, which early
   * on is a skip; the page going away is neither, and a glimpse before
   * it goes says nothing. */
  function finish(s, scrolled) {
    if (!s || s.reported) { return; }
    s.reported = true;
    var pct = completion(s);
    var brief = Date.now() - s.start < SKIP_MS;
    if (!scrolled && brief && pct < 100) { return; }
    ev.record(s.id, 'watch', pct);
    if (scrolled && pct < 100 && (brief || pct < SKIP_PCT)) { ev.record(s.id, 'skip'); }
  }

  /* Looping videos never fire `ended`: a jump back from near the end is one. */
  function onTime(e) {
    var s = current;
    if (!s || e.target !== s.v || s.reported) { return; }
    var t = s.v.currentTime;
    var d = s.v.duration;
    if (d && isFinite(d) && t + 0.5 < s.last && s.last > d * 0.8) {
      s.done = true;
      finish(s, false);
    }
    s.max = Math.max(s.max, t);
    s.last = t;
  }

  function onEnded(e) {
    if (current && e.target === current.v) { current.done = true; finish(current, false); }
  }

  var io = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      var slide = e.target;
      var v = slide.querySelector('.slide-video');
      if (e.isIntersecting && e.intersectionRatio >= 0.6) {
        if (current && current.slide === slide) { return; }
        if (current) { finish(current, true); current.v.pause(); }
        begin(slide, true);
      } else {
        v.pause();
        if (current && current.slide === slide) { finish(current, true); current = null; }
      }
    });
  }, { threshold: [0, 0.6, 1] }) : null;

  function watchSlides(root) {
    Array.prototype.forEach.call(root.querySelectorAll('.slide[data-video-id]'), function (slide) {
      var v = slide.querySelector('.slide-video');
      if (!v || slide.hasAttribute('data-ready')) { return; }
      slide.setAttribute('data-ready', '');
      v.muted = true;
      v.addEventListener('timeupdate', onTime);
      v.addEventListener('ended', onEnded);
      // A tap pauses (the viewing ends there) or resumes (a new one).
      v.addEventListener('click', function () {
        if (v.paused) {
          play(v);
          if (current && current.v === v && current.reported) { begin(slide, false); }
        } else {
          v.pause();
          if (current && current.v === v) { finish(current, false); }
        }
      });
      Array.prototype.forEach.call(slide.querySelectorAll('[data-js-only]'), function (el) { el.hidden = false; });
      if (io) { io.observe(slide); }
    });
    if (!io) {
      var first = root.querySelector('.slide[data-video-id]');
      if (first && !current) { begin(first, true); }
    }
  }

  // events.js is about to send everything: close the open viewing first.
  document.addEventListener('yc:leaving', function () { if (current) { finish(current, false); } });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible' && current && current.reported) { begin(current.slide, false); }
  });

  /* ---------- the yellow cart, 分享, 不感兴趣 ---------- */
  feed.addEventListener('click', function (e) {
    var slide = e.target.closest('.slide[data-video-id]');
    if (!slide) { return; }
    if (e.target.closest('.cart-pill')) { ev.record(idOf(slide), 'cart_tap'); return; }
    var share = e.target.closest('[data-share]');
    if (share) { shareSlide(slide, share.getAttribute('data-share')); return; }
    if (e.target.closest('[data-not-interested]')) { notInterested(slide); }
  });

  function shareSlide(slide, path) {
    var url = location.origin + path;
    var done = function () { ev.record(idOf(slide), 'share'); };
    if (navigator.share) {
      navigator.share({ title: slide.getAttribute('aria-label') || '', url: url }).then(done, function () {});
    } else if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(function () { toast(TEXT.copied); done(); }, function () { toast(url); });
    } else {
      toast(url);
    }
  }

  function notInterested(slide) {
    var id = idOf(slide);
    if (current && current.slide === slide) {
      current.reported = true; // said plainly; not also a skip
      current = null;
    }
    ev.record(id, 'not_interested');
    ev.flush();
    removed.push(id);
    if (io) { io.unobserve(slide); }
    slide.querySelector('.slide-video').pause();
    // The next slide takes its place under the finger.
    slide.remove();
    toast(TEXT.fewer);
    maybeMore();
  }

  /* ---------- more videos ---------- */
  var loading = false;

  function seenIds() {
    var ids = Array.prototype.map.call(feed.querySelectorAll('.slide[data-video-id]'), idOf).concat(removed);
    return ids.slice(-MAX_SEEN);
  }

  function loadMore(more) {
    if (loading) { return; }
    loading = true;
    fetch('/feed/page?seen=' + encodeURIComponent(seenIds().join(',')), {
      credentials: 'same-origin',
      headers: { 'X-Fragment': '1' }
    }).then(function (res) {
      if (!res.ok) { throw new Error(String(res.status)); }
      return res.text();
    }).then(function (html) {
      var tpl = document.createElement('template');
      tpl.innerHTML = html;
      var fresh = tpl.content;
      more.replaceWith(fresh);
      watchSlides(feed);
      observeMore();
    }).catch(function () {
      toast(TEXT.network); // the "more" link still works
    }).then(function () { loading = false; });
  }

  // Loads while the viewer is still one screen away from the end.
  var moreIo = 'IntersectionObserver' in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (e.isIntersecting) { moreIo.unobserve(e.target); loadMore(e.target); }
    });
  }, { root: feed, rootMargin: '0px 0px 100% 0px' }) : null;

  function observeMore() {
    var more = feed.querySelector('[data-more]');
    if (more && moreIo) { moreIo.observe(more); }
  }

  function maybeMore() {
    var more = feed.querySelector('[data-more]');
    if (more && feed.querySelectorAll('.slide[data-video-id]').length < 2) { loadMore(more); }
  }

  watchSlides(feed);
  observeMore();
})();
