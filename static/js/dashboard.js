/* Dashboards: draw the Chart.js charts from the JSON the page embeds, and submit the filter
   period drop-down in step with the kind of period. Everything works without it: every chart has a table and
   the form has a submit button. */
(function () {
  "use strict";

  // Colours follow the status convention; series are also told apart by dash and point style.
  var PALETTE = ["#0a58ca", "#b02a37", "#146c43", "#b35300", "#6f42c1", "#343a40", "#087990", "#ab296a"];
  var DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [], [6, 3], [2, 2], [8, 3, 2, 3]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded", "cross"];

  function draw(canvas) {
    if (typeof window.Chart === "undefined") { return; }
    var source = document.getElementById(canvas.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var type = canvas.dataset.type || "line";
    var datasets = data.series.map(function (s, i) {
      var color = PALETTE[i % PALETTE.length];
      return {
        label: s.label, data: s.data, borderColor: color, backgroundColor: type === "bar" ? color : color,
        borderDash: DASHES[i % DASHES.length], pointStyle: POINTS[i % POINTS.length], pointRadius: 4,
        spanGaps: true, tension: 0.2
      };
    });
    new window.Chart(canvas, {
      type: type,
      data: { labels: data.labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: canvas.dataset.horizontal ? "y" : "x",
        scales: (function () {
          var value = { min: 0, max: 100, title: { display: true, text: data.yLabel } };
          return canvas.dataset.horizontal ? { x: value } : { y: value };
        })(),
        plugins: { legend: { display: datasets.length > 1, labels: { usePointStyle: true } } }
      }
    });
  }

  // Changing the kind of period makes the chosen period meaningless: reset it to "current".
  // The form is not submitted on change (WCAG 3.2.2): the user presses the button.
  function linkPeriodKind() {
    document.querySelectorAll("select[data-autosubmit=period-kind]").forEach(function (select) {
      select.addEventListener("change", function () {
        var period = select.form.querySelector("select[data-autosubmit=period]");
        if (period) { period.value = ""; }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("canvas[data-source]").forEach(draw);
    linkPeriodKind();
  });
})();
