/**
 * Issue #18's targets against one `npm run bench` run: a markdown table (figure, target, this run,
 * met or missed) written into BENCHMARKS.md with the run, so the figures quoted against the targets
 * are the run's own and never copied by hand. Only the sections that ran are judged.
 */
type Scenario = { name: string; rps: number; p99: number; loopMaxMs: number };
type Rated = Scenario & { vsQuery: number };
type Write = Scenario & { vsWrite: number };

export type TargetInputs = {
  /** The read scenarios on the big tenant, floors first (medians of the rounds; loop max the worst round). */
  reads: Rated[];
  /** The write scenarios, floors first. */
  writes: Write[];
  /** The data dip alone, beside admin reads, beside maintenance. */
  dip: Scenario[];
  /** Subscriptions synced through `POST /v1/sync` and the seconds they took. */
  sync: { subscriptions: number; seconds: number } | null;
  /** The same scenarios on Node and on the Worker. */
  workers: { node: Scenario[]; worker: Scenario[] } | null;
};

const LOOP_MAX_MS = 20;
const isFloor = (s: { name: string }) => s.name.startsWith("floor:") || s.name.startsWith("one-row");
const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
const ms = (xs: Scenario[]) => xs.map((x) => x.loopMaxMs);

export function targetsTable(t: TargetInputs): string {
  const lines: string[] = [];
  const row = (figure: string, target: string, now: string, judged: string) => lines.push(`| ${figure} | ${target} | ${now} | ${judged} |`);
  const reads = t.reads.filter((r) => !isFloor(r));
  const lookup = reads.find((r) => r.name.startsWith("GET /v1/lookup"));
  if (lookup) {
    const floor = t.reads.find((r) => r.name === "floor: one raw indexed query");
    row(
      "lookup ÷ raw-query floor, 8 connections",
      "≥ 0.65×, p99 ≤ 5 ms",
      // The ratio is the median of each round's own ratio, so it need not equal the quotient of the medians.
      `${lookup.vsQuery.toFixed(2)}× (${lookup.rps.toFixed(0)} req/s; floor ${floor?.rps.toFixed(0) ?? "?"}), p99 ${lookup.p99} ms`,
      verdict(lookup.vsQuery >= 0.65 && lookup.p99 <= 5),
    );
  }
  const atRisk = reads.filter((r) => r.name.startsWith("GET /v1/risk/at-risk"));
  if (atRisk.length) {
    const low = atRisk.reduce((a, b) => (b.vsQuery < a.vsQuery ? b : a));
    row("every at-risk band, first and later pages ÷ raw-query floor", "≥ 0.5×", `${atRisk.length} scenario(s), lowest ${low.vsQuery.toFixed(2)}× (${low.name.replace("GET /v1/risk/at-risk ", "")})`, verdict(low.vsQuery >= 0.5));
  }
  const overLoop = (list: Scenario[], what: string) => {
    if (!list.length) return;
    const over = list.filter((s) => s.loopMaxMs > LOOP_MAX_MS);
    row(
      `event-loop delay, ${what}`,
      `≤ ${LOOP_MAX_MS} ms`,
      `max ${Math.max(...ms(list))} ms; ${over.length} of ${list.length} over${over.length ? ` (${over.map((s) => s.loopMaxMs).join(", ")} ms)` : ""}`,
      verdict(over.length === 0),
    );
  };
  overLoop(reads, "read scenarios");
  const writes = t.writes.filter((w) => !isFloor(w));
  if (writes.length) {
    const lowest = Math.min(...writes.map((w) => w.vsWrite));
    const p99 = Math.max(...writes.map((w) => w.p99));
    row("plan changes and sync ÷ one-row write floor", "≥ 0.30×", `${writes.map((w) => w.vsWrite.toFixed(2)).join(" / ")}× (${t.writes[0]!.rps.toFixed(0)} req/s floor)`, verdict(lowest >= 0.3));
    row("their p99 at 8 connections", "≤ 20 ms", `${writes.map((w) => w.p99).join(" / ")} ms`, verdict(p99 <= 20));
  }
  overLoop(writes, "write scenarios");
  overLoop(t.dip, "the dip beside admin reads and maintenance");
  const alone = t.dip[0];
  if (alone && t.dip.length > 1) row("the dip's p99 alone → beside the others", "reported", t.dip.map((d) => `${d.p99} ms`).join(" → "), "");
  if (t.sync) {
    const extrapolated = (t.sync.seconds / t.sync.subscriptions) * 100_000;
    row(
      "bulk sync of 100,000 subscriptions through the API",
      "< 60 s",
      t.sync.subscriptions === 100_000 ? `${t.sync.seconds.toFixed(1)} s` : `${t.sync.seconds.toFixed(1)} s for ${t.sync.subscriptions.toLocaleString("en-US")} (≈ ${extrapolated.toFixed(0)} s for 100,000)`,
      verdict(extrapolated < 60),
    );
  }
  if (t.workers) {
    row("the Worker at 8 connections (req/s, p99 ms)", "reported", t.workers.worker.map((w, i) => `${w.name}: ${w.rps.toFixed(0)}, ${w.p99} (Node ${t.workers!.node[i]?.rps.toFixed(0)}, ${t.workers!.node[i]?.p99})`).join("; "), "");
  }
  if (!lines.length) return "";
  return ["| figure | target | this run | |", "|---|---|---|---|", ...lines].join("\n");
}
