import type uPlotType from "uplot";

/** uPlot is served from its own package as /console/assets/uplot.js (a global). */
declare const uPlot: typeof uPlotType;

/** `name`: the row's name as its table shows it (「11月2日の週」, a reason's label, an offer's name). */
type Point = { key: string; name: string; rate: number | null };
/** Each chart's series: the grouping's name (`x`), the rate's name (`label`) and its points, the same figures as its table. */
type Series = { x: string; label: string; points: Point[] };
type Data = Record<string, Series>;

const data = JSON.parse(document.getElementById("metrics-data")!.textContent ?? "{}") as Data;

/** A rate per group as bars (per week as a line, one point a week); the table below each chart holds the same figures. */
function draw(el: HTMLElement, { x, label, points }: Series, byDate: boolean) {
  if (points.length === 0) return;
  const width = Math.max(280, Math.min(el.clientWidth || 640, 900));
  // One tick per row, named as its table row is (「11月2日の週」), not uPlot's own date or number form.
  const xs = points.map((_p, i) => i);
  const nameAt = (v: number) => points[Math.round(v)]?.name ?? "";
  const ys = points.map((p) => (p.rate === null ? null : Math.round(p.rate * 1000) / 10));
  const opts: uPlotType.Options = {
    width,
    height: 220,
    scales: { x: { time: false, range: [-0.5, points.length - 0.5] }, y: { range: [0, 100] } },
    axes: [
      { splits: () => xs, values: (_u, splits) => splits.map((s) => nameAt(s)) },
      { values: (_u, splits) => splits.map((s) => `${s}%`) },
    ],
    // The legend names the grouping and the row (uPlot would say "Time"/"Value" and a raw number).
    series: [
      { label: x, value: (_u, v) => (v === null ? "—" : nameAt(v)) },
      {
        label,
        value: (_u, v) => (v === null ? "—" : `${v}%`),
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
  if (series) draw(el, series, el.dataset.group === "week");
  el.dataset.drawn = "true";
}
