// Charts of the operations dashboard (Apache ECharts' ES-module build, served locally: its
// address is this script's data-echarts). The tables on the page carry the same numbers and
// work without JavaScript.
(function () {
  "use strict";
  var script = document.currentScript;
  function draw(echarts) {
    var source = document.getElementById("metrics-chart-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    // Numbers as the page's tables write them (7,77 in Vietnamese): two decimals, the page's
    // language.
    var number = new Intl.NumberFormat(document.documentElement.lang || "vi",
                                       {minimumFractionDigits: 2, maximumFractionDigits: 2});
    function shown(value) { return value == null ? "–" : number.format(value); }
    // People who asked their system for less motion get the charts without animation.
    var animate = !window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var groupsEl = document.getElementById("chart-groups");
    if (groupsEl) {
      var groups = echarts.init(groupsEl, null, {renderer: "svg"});
      groups.setOption({
        aria: {enabled: true}, animation: animate,
        grid: {left: 8, right: 24, top: 8, bottom: 8, containLabel: true},
        xAxis: {type: "value", max: function (v) { return Math.max(v.max, 22); }},
        yAxis: {type: "category", inverse: true,
                data: data.groups.map(function (g) { return g.name; }),
                axisLabel: {width: 150, overflow: "truncate"}},
        tooltip: {trigger: "axis", axisPointer: {type: "shadow"}, valueFormatter: shown},
        series: [
          {name: groupsEl.dataset.maxLabel, type: "bar", barGap: "-100%",
           itemStyle: {color: "#e9ecef"}, data: data.groups.map(function (g) { return g.max; })},
          {name: groupsEl.dataset.pointsLabel, type: "bar", itemStyle: {color: "#0d6efd"},
           label: {show: true, position: "right",
                   formatter: function (p) { return shown(p.value); }},
           data: data.groups.map(function (g) { return g.points; })}
        ]
      });
      window.addEventListener("resize", function () { groups.resize(); });
    }
    var trendEl = document.getElementById("chart-trend");
    if (trendEl) {
      var trend = echarts.init(trendEl, null, {renderer: "svg"});
      trend.setOption({
        aria: {enabled: true}, animation: animate,
        grid: {left: 8, right: 8, top: 32, bottom: 8, containLabel: true},
        legend: {top: 0},
        tooltip: {trigger: "axis", valueFormatter: shown},
        xAxis: {type: "category", data: data.trend.map(function (p) { return p.label; })},
        yAxis: {type: "value", min: 0, max: 100},
        series: [
          {name: trendEl.dataset.totalLabel, type: "line",
           data: data.trend.map(function (p) { return p.total; })},
          {name: trendEl.dataset.timelinessLabel, type: "line",
           data: data.trend.map(function (p) { return p.timeliness; })}
        ]
      });
      window.addEventListener("resize", function () { trend.resize(); });
    }
  }
  function start() {
    import(script.dataset.echarts).then(draw, function (error) {
      console.error("ECharts:", error);  // the tables still carry every number
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else { start(); }
})();
