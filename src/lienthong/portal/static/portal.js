// Draws the overview's chart from the JSON the page carries; the table beside it holds the same figures.
(function () {
  "use strict";
  var data = document.getElementById("lt-series");
  var canvas = document.getElementById("lt-chart");
  if (!data || !canvas || typeof window.Chart === "undefined") { return; }
  var series = JSON.parse(data.textContent);
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: series.labels,
      datasets: [
        { label: series.sentLabel, data: series.sent, backgroundColor: "#b00020" },
        { label: series.receivedLabel, data: series.received, backgroundColor: "#0b57d0" }
      ]
    },
    // Numbers as the page's language writes them (1.230 in Vietnamese, 1,230 in English).
    options: { locale: document.documentElement.lang === "vi" ? "vi-VN" : "en-GB",
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
  });
})();
