import type uPlotType from "uplot";

/** uPlot is served from its own package as /console/assets/uplot.js (a global). */
declare const uPlot: typeof uPlotType;

type Point = { key: string; rate: number | null };
/** Each chart's series: its label (the rate's name) and its points, the same figures as its table. */
type Data = Record<string, { label: string; points: Point[] }>;

const data = JSON.parse(document.getElementById("metrics-data")!.textContent ?? "{}") as Data;

/** A rate per group as bars (per week as a line over the weeks' Mondays); the table below each chart holds the same figures. */
function draw(el: HTMLElement, label: string, points: Point[], byDate: boolean) {
  if (points.length === 0) return;
  const width = Math.max(280, Math.min(el.clientWidth || 640, 900));
  const xs = points.map((p, i) => (byDate ? Date.parse(`${p.key}T00:00:00Z`) / 1000 : i));
  const ys = points.map((p) => (p.rate === null ? null : Math.round(p.rate * 1000) / 10));
  const opts: uPlotType.Options = {
    width,
    height: 220,
    scales: { x: { time: byDate }, y: { range: [0, 100] } },
    axes: [
      byDate ? {} : { values: (_u, splits) => splits.map((s) => points[Math.round(s)]?.key ?? "") },
      { values: (_u, splits) => splits.map((s) => `${s}%`) },
    ],
    series: [
      {},
      {
        label,
        stroke: "#1f5fa8",
        fill: "rgba(31,95,168,0.15)",
        width: 2,
        ...(byDate ? {} : { paths: uPlot.paths.bars!({ size: [0.6, 60] }), points: { show: false } }),
      },
    ],
  };
  new uPlot(opts, [xs, ys], el);
}

for (const el of document.querySelectorAll<HTMLElement>(".chart")) {
  const series = data[el.dataset.group ?? ""];
  draw(el, series?.label ?? "", series?.points ?? [], el.dataset.group === "week");
  el.dataset.drawn = "true";
}
