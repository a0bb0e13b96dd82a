/* R-CMP-6: search and insert approved phrases; flag never-use phrases while the reply is drafted. */
(function () {
  "use strict";
  var lastArea = null;
  var forbidden = [];
  try { forbidden = JSON.parse(document.getElementById("cmp-forbidden").textContent); } catch (e) { forbidden = []; }

  function check(area) {
    var box = area.parentNode.querySelector(".cmp-flags");
    if (!box) {
      box = document.createElement("div");
      box.className = "cmp-flags alert alert-warning";
      box.setAttribute("role", "status");
      area.parentNode.appendChild(box);
    }
    var hits = forbidden.filter(function (f) { return f.text && area.value.indexOf(f.text) >= 0; });
    box.hidden = hits.length === 0;
    box.textContent = hits.map(function (f) { return "⚠ “" + f.text + "”" + (f.instead ? " → " + f.instead : ""); }).join("  ");
  }

  document.querySelectorAll("textarea").forEach(function (area) {
    area.addEventListener("focus", function () { lastArea = area; });
    if (area.classList.contains("reply-draft")) {
      area.addEventListener("input", function () { check(area); });
      check(area);
    }
  });
  document.querySelectorAll(".cmp-phrase-search").forEach(function (input) {
    input.addEventListener("input", function () {
      var q = input.value.trim();
      input.parentNode.querySelectorAll(".cmp-phrase-list li[data-text]").forEach(function (li) {
        li.hidden = q !== "" && (li.getAttribute("data-text") + li.getAttribute("data-scene")).indexOf(q) < 0;
      });
      input.parentNode.querySelectorAll(".cmp-phrase-list li.cmp-scene").forEach(function (head) {
        head.hidden = q !== "";
      });
    });
  });
  document.querySelectorAll(".cmp-insert").forEach(function (button) {
    button.addEventListener("click", function () {
      var area = lastArea || document.querySelector("textarea.reply-draft") || document.querySelector("textarea");
      if (!area) { return; }
      var text = button.parentNode.getAttribute("data-text");
      var start = area.selectionStart || area.value.length;
      area.value = area.value.slice(0, start) + text + area.value.slice(area.selectionEnd || start);
      area.focus();
      area.dispatchEvent(new Event("input"));
    });
  });
})();
