import type uPlotType from "uplot";

/** uPlot is served from its own package as /console/assets/uplot.js (a global). */
declare const uPlot: typeof uPlotType;

/**
 * `name`: the row's name as its table shows it (「11月2日の週」, a reason's label, an offer's name);
 * `n`: the flows (cancellations) its rate is of; `rate` null: none, or too few to draw (metrics.tsx MIN_CHART_FLOWS).
 */
type Point = { key: string; name: string; n: number; rate: number | null };
/** Each chart's series: the grouping's name (`x`), the rate's name (`label`), what the legend says before a bar is pointed at (`hint`) and its points, the same figures as its table. */
type Series = { x: string; label: string; hint: string; points: Point[] };
type Data = Record<string, Series>;

const data = JSON.parse(document.getElementById("metrics-data")!.textContent ?? "{}") as Data;

/** A rate per group as bars (per week as a line, one point a week); the table below each chart holds the same figures. */
/** A tick's name cut to `max` characters (the legend and the table keep the whole name). */
const shortened = (name: string, max: number) => (name.length > max ? `${name.slice(0, max - 1)}…` : name);

/** The chart's width in its box now: as wide as the box, 280–900 px. */
const widthIn = (el: HTMLElement) => Math.max(280, Math.min(el.clientWidth || 640, 900));

function draw(el: HTMLElement, { x, label, hint, points }: Series, byDate: boolean, width: number): uPlotType | null {
  if (points.length === 0) return null;
  // One tick per row, named as its table row is (「11月2日の週」), not uPlot's own date or number form,
  // with its n; names that would not fit side by side are cut short and slanted, so none overlaps.
  const xs = points.map((_p, i) => i);
  const nameAt = (v: number) => points[Math.round(v)]?.name ?? "";
  const tickAt = (v: number, max: number) => {
    const p = points[Math.round(v)];
    return p ? `${shortened(p.name, max)} (n=${p.n})` : "";
  };
  const slot = (width - 60) / points.length;
  const slanted = points.some((p) => p.name.length * 13 + 48 > slot);
  const ys = points.map((p) => (p.rate === null ? null : Math.round(p.rate * 1000) / 10));
  const opts: uPlotType.Options = {
    width,
    height: slanted ? 300 : 220,
    // Slanted names run right of their tick: room on the right for the last one.
    ...(slanted ? { padding: [12, 110, 0, 0] as uPlotType.Padding } : {}),
    scales: { x: { time: false, range: [-0.5, points.length - 0.5] }, y: { range: [0, 100] } },
    axes: [
      slanted
        ? { splits: () => xs, values: (_u, splits) => splits.map((s) => tickAt(s, 8)), rotate: -40, size: 110 }
        : { splits: () => xs, values: (_u, splits) => splits.map((s) => tickAt(s, 20)) },
      { values: (_u, splits) => splits.map((s) => `${s}%`) },
    ],
    // The legend names the grouping and the row (uPlot would say "Time"/"Value" and a raw number);
    // before a bar is pointed at it says so, not 「阻止率: —」.
    series: [
      { label: x, value: (u, v) => (v === null ? (u.cursor.idx == null ? hint : "—") : nameAt(v)) },
      {
        label,
        value: (u, v) => {
          const idx = u.cursor.idx;
          if (idx == null) return hint;
          const p = points[idx];
          return v === null ? (p ? `— (n=${p.n})` : "—") : `${v}% (n=${p?.n ?? 0})`;
        },
        stroke: "#1f5fa8",
        fill: "rgba(31,95,168,0.15)",
        width: 2,
        ...(byDate ? {} : { paths: uPlot.paths.bars!({ size: [0.6, 60] }), points: { show: false } }),
      },
    ],
  };
  return new uPlot(opts, [xs, ys], el);
}

for (const el of document.querySelectorAll<HTMLElement>(".chart")) {
  const series = data[el.dataset.group ?? ""];
  let width = widthIn(el);
  let chart = series ? draw(el, series, el.dataset.group === "week", width) : null;
  el.dataset.drawn = "true";
  // Drawn again at the box's new width when the window narrows or is zoomed (200 %, 400 %): a chart
  // drawn for the old width would make the whole page scroll sideways (WCAG 1.4.10). Its ticks are
  // laid out anew for the width (slanted or not), so it is drawn again rather than resized.
  if (chart && series)
    new ResizeObserver(() => {
      if (widthIn(el) === width) return;
      width = widthIn(el);
      chart?.destroy();
      chart = draw(el, series, el.dataset.group === "week", width);
    }).observe(el);
}
