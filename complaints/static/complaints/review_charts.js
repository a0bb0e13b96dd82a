/* R-CMP-7 review charts: each <canvas data-chart="id"> is drawn from the page's JSON (#cmp-charts-data,
   written by json_script) with the vendored Chart.js (servicedesk/vendor). No inline script (CSP). */
(function () {
  var source = document.getElementById("cmp-charts-data");
  if (!source || typeof Chart === "undefined") { return; }
  var specs = JSON.parse(source.textContent);
  var palette = ["#417690", "#e07b39", "#5aa469", "#c0392b", "#8e6bbf", "#d4a017", "#3c8dbc", "#7f8c8d", "#b5651d"];
  var satisfaction = ["#5aa469", "#d4a017", "#c0392b"];  // satisfied, neutral, dissatisfied

  function colours(id, n) {
    var base = id.indexOf("satisfaction") >= 0 ? satisfaction : palette;
    var out = [];
    for (var i = 0; i < n; i++) { out.push(base[i % base.length]); }
    return out;
  }

  function draw(canvas, spec, id) {
    var single = spec.datasets.length === 1;
    var seriesColours = colours(id, single ? spec.labels.length : spec.datasets.length);
    var datasets = spec.datasets.map(function (ds, i) {
      var colour = single && spec.kind !== "line" ? seriesColours : seriesColours[i];
      return {label: ds.label, data: ds.data, backgroundColor: colour, borderColor: colour,
              spanGaps: true, tension: 0.2, pointRadius: 3};
    });
    var unit = spec.unit ? " " + spec.unit : "";
    var options = {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: {
        legend: {display: !single || spec.kind === "doughnut", position: "bottom"},
        tooltip: {callbacks: {label: function (ctx) {
          var v = ctx.parsed !== null && typeof ctx.parsed === "object" ? (spec.horizontal ? ctx.parsed.x : ctx.parsed.y) : ctx.parsed;
          if (v === null || v === undefined) { return ctx.dataset.label + ": —"; }
          return ctx.dataset.label + ": " + (spec.unit === "h" ? v.toFixed(2) : v) + unit;
        }}}
      }
    };
    if (spec.kind !== "doughnut") {
      var value = {beginAtZero: true, stacked: spec.stacked, ticks: spec.unit === "h" ? {} : {precision: 0}};
      var category = {stacked: spec.stacked};
      options.indexAxis = spec.horizontal ? "y" : "x";
      options.scales = spec.horizontal ? {x: value, y: category} : {x: category, y: value};
    }
    new Chart(canvas, {type: spec.kind, data: {labels: spec.labels, datasets: datasets}, options: options});
    canvas.dataset.ready = "1";
  }

  var canvases = document.querySelectorAll("canvas[data-chart]");
  for (var i = 0; i < canvases.length; i++) {
    var id = canvases[i].getAttribute("data-chart");
    if (specs[id]) { draw(canvases[i], specs[id], id); }
  }
})();
