/* R-CMP-2: the routing / feedback clock counts down live on lists and tickets; overdue turns red. */
(function () {
  "use strict";
  function render() {
    var now = Date.now();
    document.querySelectorAll(".cmp-clock[data-due]").forEach(function (el) {
      var left = Math.round((Date.parse(el.getAttribute("data-due")) - now) / 60000);
      var abs = Math.abs(left);
      var text = (left < 0 ? "-" : "") + Math.floor(abs / 60) + "h " + String(abs % 60).padStart(2, "0") + "m";
      var overdue = left < 0;
      el.textContent = text + (overdue ? " ⚠" : "");
      el.classList.toggle("cmp-overdue", overdue);
      el.style.color = overdue ? "#ba2121" : "";
      el.style.fontWeight = overdue ? "bold" : "";
    });
  }
  document.addEventListener("DOMContentLoaded", render);
  setInterval(render, 30000);
})();
