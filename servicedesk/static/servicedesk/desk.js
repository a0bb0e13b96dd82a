/* The desk's small behaviours (no third-party script, no inline script):
   - scanner-first: when a page opens with nothing focused, the header scan box takes the focus, so a
     scanner's number + Enter works customer after customer;
   - confirmations: a form or button with data-confirm asks before it submits (irreversible actions:
     refund, voucher issue, card block, …), naming the amount in the message. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var active = document.activeElement;
    if ((!active || active === document.body) && !document.querySelector("[autofocus]")) {
      var box = document.getElementById("desk-scan-head");
      if (box) { box.focus(); }
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
})();
