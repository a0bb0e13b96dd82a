/* Member statistics charts: each <canvas data-chart="id"> drawn from #member-charts-data (json_script) with
   the vendored Chart.js (servicedesk/vendor). No inline script (CSP). */
(function () {
  var source = document.getElementById("member-charts-data");
  if (!source || typeof Chart === "undefined") { return; }
  var specs = JSON.parse(source.textContent);
  var palette = ["#d4a017", "#7f8c8d", "#417690", "#5aa469"];
  var canvases = document.querySelectorAll("canvas[data-chart]");
  for (var i = 0; i < canvases.length; i++) {
    var spec = specs[canvases[i].getAttribute("data-chart")];
    if (!spec) { continue; }
    var offset = spec.stacked ? 0 : 2;  // tiers gold/grey, wallets blue/green
    new Chart(canvases[i], {
      type: spec.kind,
      data: {labels: spec.labels, datasets: spec.datasets.map(function (ds, n) {
        var colour = palette[(n + offset) % palette.length];
        return {label: ds.label, data: ds.data, backgroundColor: colour, borderColor: colour};
      })},
      options: {responsive: true, maintainAspectRatio: false, animation: false,
        plugins: {legend: {position: "bottom"}},
        scales: {x: {stacked: spec.stacked}, y: {stacked: spec.stacked, beginAtZero: true, ticks: {precision: 0}}}}
    });
    canvases[i].dataset.ready = "1";
  }
})();
