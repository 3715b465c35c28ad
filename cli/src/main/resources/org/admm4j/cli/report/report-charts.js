// Draws the charts described in the page's report-data block with uPlot (inlined above).
// Leaves its results in the DOM for scripts/check-report-html.sh:
//   body[data-charts-rendered]  charts that got a canvas
//   body[data-chart-errors]     what failed, if anything
//   body[data-resource-requests] resources the page loaded (Resource Timing); 0 when self-contained
//   body[data-page-height]      the laid-out height, so a screenshot can take the whole page
(function () {
  "use strict";
  var body = document.body;
  var COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
    "#7f7f7f", "#bcbd22", "#17becf"];

  function color(i) { return COLORS[i % COLORS.length]; }

  function fmt(v) {
    if (v == null) return "--";
    var a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
    return String(+v.toPrecision(5));
  }

  // Axis ticks: short, and exact enough to tell neighbouring log-scale ticks apart.
  function tick(v) {
    return v == null ? "" : String(+v.toPrecision(6));
  }

  // Integer x positions carry names (layers, "ADMM 3"); other positions get no label.
  function nameAt(names, v) {
    var i = Math.round(v);
    return Math.abs(v - i) < 1e-9 && names[i] !== undefined ? names[i] : "";
  }

  function draw(spec, el) {
    var bar = spec.kind === "bar";
    var xs = spec.x;
    // xNames index: layer charts start x at 0, run charts at 1.
    var names = null;
    if (spec.xNames) {
      names = {};
      for (var i = 0; i < xs.length; i++) names[xs[i]] = spec.xNames[i];
    }
    var step = xs.length > 1 ? Math.abs(xs[1] - xs[0]) : 1;
    var series = [{
      label: spec.xLabel,
      value: function (u, v) { return v == null ? "--" : names ? nameAt(names, v) : fmt(v); }
    }];
    // uPlot takes one value (or null) per x; a sparse series names the x index of each of its values
    spec.series.forEach(function (s) {
      if (!s.at) return;
      var spread = [];
      for (var k = 0; k < xs.length; k++) spread.push(null);
      s.at.forEach(function (x, j) { spread[x] = s.values[j]; });
      s.values = spread;
    });
    spec.series.forEach(function (s, i) {
      var c = color(s.color != null ? s.color : i);
      var shown = s.values.filter(function (v) { return v != null; }).length;
      var opt = {
        label: s.label, stroke: c, width: bar ? 1 : 2,
        value: function (u, v) { return fmt(v); },
        // a lone value (the hard prune) has no line, so give it a visible dot
        points: { show: !bar && (xs.length <= 40 || shown === 1), size: shown === 1 ? 9 : 5, fill: shown === 1 ? c : undefined }
      };
      if (s.dashed) opt.dash = [6, 4];
      if (bar) {
        opt.fill = c + "aa";
        opt.paths = uPlot.paths.bars({ size: [names ? 0.6 : 1, 100], gap: names ? 0 : 1 });
      }
      series.push(opt);
    });
    var xAxis = { label: spec.xLabel, labelSize: 20 };
    if (!names) xAxis.values = function (u, splits) { return splits.map(tick); };
    if (names) {
      xAxis.splits = function (u) {
        var lo = u.scales.x.min, hi = u.scales.x.max, out = [];
        var every = Math.max(1, Math.ceil(xs.length / Math.max(1, Math.floor(u.bbox.width / devicePixelRatio / 70))));
        for (var k = 0; k < xs.length; k += every) if (xs[k] >= lo && xs[k] <= hi) out.push(xs[k]);
        return out;
      };
      xAxis.values = function (u, splits) { return splits.map(function (v) { return nameAt(names, v); }); };
    }
    var yScale = spec.logY ? { distr: 3, log: 10 } : bar
      ? { range: function (u, lo, hi) { return [0, hi > 0 ? hi * 1.08 : 1]; } }
      : {};
    var xScale = { time: false };
    if (bar) {
      xScale.range = function (u, lo, hi) { return [lo - step / 2, hi + step / 2]; };
    }
    var opts = {
      width: Math.max(320, Math.floor(el.getBoundingClientRect().width) || 600),
      height: 280,
      series: series,
      scales: { x: xScale, y: yScale },
      axes: [xAxis, { label: spec.yLabel, labelSize: 20, size: 60,
        values: function (u, splits) { return splits.map(tick); } }],
      legend: { live: true },
      cursor: { drag: { x: true, y: false } }
    };
    var data = [xs].concat(spec.series.map(function (s) { return s.values; }));
    new uPlot(opts, data, el);
    if (!el.querySelector("canvas")) throw new Error("uPlot drew no canvas");
  }

  var rendered = 0;
  var errors = [];
  try {
    var data = JSON.parse(document.getElementById("report-data").textContent);
    data.charts.forEach(function (spec) {
      var el = document.getElementById(spec.id);
      try {
        if (!el) throw new Error("no element #" + spec.id);
        draw(spec, el);
        el.setAttribute("data-rendered", "true");
        rendered++;
      } catch (e) {
        errors.push(spec.id + ": " + e.message);
        if (el) el.textContent = "This chart could not be drawn: " + e.message;
      }
    });
  } catch (e) {
    errors.push("report-data: " + e.message);
  }
  body.setAttribute("data-charts-rendered", String(rendered));
  if (errors.length) body.setAttribute("data-chart-errors", errors.join("; "));
  function countResources() {
    var n = window.performance && performance.getEntriesByType
      ? performance.getEntriesByType("resource").length : 0;
    body.setAttribute("data-resource-requests", String(n));
    body.setAttribute("data-page-height", String(document.documentElement.scrollHeight));
  }
  countResources();
  window.addEventListener("load", function () { setTimeout(countResources, 0); });
})();
