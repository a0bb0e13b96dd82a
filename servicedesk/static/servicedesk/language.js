// The language switch in the header submits its form on change (no inline handler: the CSP allows none).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("desk-language-select");
  if (select) select.addEventListener("change", function () { select.form.submit(); });
});
