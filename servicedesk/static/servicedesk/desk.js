/* The desk's small behaviours (no third-party script, no inline script):
   - scanner-first: when a page opens with nothing focused, the header scan box takes the focus, so a
     scanner's number + Enter works customer after customer;
   - a scan answers with the record's page itself (no redirect, servicedesk/scan.py): the address bar
     gets the record's own address, so reload and bookmarks open the record;
   - quick open: a scan box (form[data-desk-quick]) on a plain desk page fetches its answer and swaps the
     page's main part in, instead of the browser tearing the page down and building a new one — the
     counter's scan → Member 360 in one request and one paint (issue 15). Only between plain pages (every
     script this file or the admin's theme switch, marked data-desk-base; the same style sheets); any other
     answer is opened the ordinary way;
   - confirmations: a form or button with data-confirm asks before it submits (irreversible actions:
     refund, voucher issue, card block, …), naming the amount in the message;
   - the language switch in the header submits its form on change. */
(function () {
  "use strict";
  var address = document.querySelector('meta[name="desk-address"]');
  if (address && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", address.getAttribute("content"));
  }

  function focusFirst(root) {
    var target = root.querySelector("[autofocus]");
    var active = document.activeElement;
    if (!target && active && active !== document.body && document.contains(active)) { return; }
    target = target || document.getElementById("desk-scan-head");
    if (target) { target.focus(); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var active = document.activeElement;
    if ((!active || active === document.body) && !document.querySelector("[autofocus]")) {
      var box = document.getElementById("desk-scan-head");
      if (box) { box.focus(); }
    }
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("[data-print]") : null;
    if (target) { event.preventDefault(); window.print(); }  /* print buttons without inline handlers (CSP) */
  });
  document.addEventListener("change", function (event) {
    if (event.target.id === "desk-language-select") { event.target.form.submit(); }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); return; }
    if (form.hasAttribute("data-desk-quick") && quickOpen(form)) { event.preventDefault(); }
  }, true);

  /* ---- quick open ---- */
  function plain(doc) {
    var scripts = doc.querySelectorAll("script[src]");
    for (var i = 0; i < scripts.length; i++) {
      if (!scripts[i].hasAttribute("data-desk-base")) { return false; }
    }
    return !doc.querySelector("script:not([src]):not([type='application/json'])") &&
      doc.getElementById("main") !== null;
  }
  function sheets(doc) {
    return Array.prototype.map.call(doc.querySelectorAll("link[rel='stylesheet']"),
      function (link) { return link.getAttribute("href"); }).join(" ");
  }
  var pending = null;
  var shown = window.location.pathname + window.location.search;

  function quickOpen(form) {
    if ((form.method || "get").toLowerCase() !== "get" || !window.fetch || !window.DOMParser ||
        !window.AbortController || !plain(document)) { return false; }
    var url = new URL(form.action || window.location.href, window.location.href);
    url.search = new URLSearchParams(new FormData(form)).toString();
    if (url.origin !== window.location.origin) { return false; }
    if (pending) { pending.abort(); }  /* the latest scan wins */
    var controller = new AbortController();
    pending = controller;
    document.body.setAttribute("aria-busy", "true");
    fetch(url.href, {credentials: "same-origin", headers: {"Accept": "text/html"}, signal: controller.signal})
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        /* a redirect (the session ended: the login page) or an error page: shown the ordinary way */
        if (!response.ok || response.redirected || type.indexOf("text/html") !== 0) { throw new Error("not a page"); }
        return response.text().then(function (text) { return {text: text, url: response.url}; });
      })
      .then(function (answer) {
        if (pending !== controller) { return; }
        var doc = new DOMParser().parseFromString(answer.text, "text/html");
        var meta = doc.querySelector('meta[name="desk-address"]');
        var where = meta ? meta.getAttribute("content") : answer.url;
        if (!plain(doc) || sheets(doc) !== sheets(document)) { window.location.assign(where); return; }
        swap(doc);
        window.history.pushState({desk: "quick"}, "", where);
        shown = window.location.pathname + window.location.search;
        pending = null;
      })
      .catch(function (error) {
        if (error.name === "AbortError") { return; }
        window.location.assign(url.href);  /* the ordinary way: the browser shows whatever the server says */
      });
    return true;
  }

  function swap(doc) {
    document.title = doc.title;
    var body = document.body;
    Array.prototype.slice.call(body.attributes).forEach(function (a) { body.removeAttribute(a.name); });
    Array.prototype.forEach.call(doc.body.attributes, function (a) { body.setAttribute(a.name, a.value); });
    ["#container > nav", "#main"].forEach(function (selector) {
      var old = document.querySelector(selector);
      var fresh = doc.querySelector(selector);
      if (old && fresh) { old.replaceWith(document.adoptNode(fresh)); }
    });
    var next = document.querySelector(".desk-language input[name='next']");
    var freshNext = doc.querySelector(".desk-language input[name='next']");
    if (next && freshNext) { next.value = freshNext.value; }
    var head = document.getElementById("desk-scan-head");
    if (head) { head.value = ""; }
    window.scrollTo(0, 0);
    focusFirst(document.getElementById("main"));
  }

  /* back and forward over quick-opened pages: the browser loads the address it now shows */
  window.addEventListener("popstate", function () {
    if (window.location.pathname + window.location.search !== shown) { window.location.reload(); }
  });
})();
