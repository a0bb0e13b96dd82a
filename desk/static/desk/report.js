/* Draws the desk report's chart from the page's JSON (R-DESK-4); Chart.js is served from static. */
(function () {
  var canvas = document.getElementById("desk-report-chart");
  var source = document.getElementById("desk-report-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var chart = JSON.parse(source.textContent);
  canvas.dataset.ready = "1";
  new Chart(canvas, {
    type: "bar",
    data: {labels: chart.labels, datasets: [{label: chart.title, data: chart.values, backgroundColor: "#417690"}]},
    options: {responsive: true, maintainAspectRatio: false, animation: false, plugins: {legend: {display: false}},
      scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}
  });
})();
