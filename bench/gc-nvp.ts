/**
 * The mark-compacts of a bench run, each placed in the scenario it fell in, with V8's own phase
 * times: `node --single-threaded-gc --no-memory-reducer --expose-gc --trace-gc-nvp dist/bench/run.js
 * > bench.log 2>&1` (BENCH_SECTIONS as wanted), then `npx tsx bench/gc-nvp.ts bench.log`.
 *
 * Only the bench process's main thread (the first isolate that reports a GC): the load generator,
 * the read worker and the checkpoint thread report too, on heaps of their own. A collection is
 * placed in the scenario whose result line follows it (lines with "req/s"), or "setup" (start-up,
 * `collectStartupGarbage`) before the first. All times are wall-clock ms as V8 prints them, so a
 * busy machine stretches them (the bench's own "held by" says how much was waiting for a core).
 *
 * Columns: pause; atomic marking left when the pause began (`mark`); clearing (weak references,
 * the string table: `clear`, of it `join_job`); evacuation (`evac`: copying survivors and
 * compacted pages, then pointer updates); ArrayBuffers swept (`finish`); the incremental marking
 * before it (ms in steps, step count, longest step); objects before → after (MB); the old
 * generation's limit after it. A collection V8 scheduled shows most marking as incremental and
 * `mark` near 0; an atomic one (forced, external memory, the hard limit) marks the heap in `mark`.
 */
import { readFileSync } from "node:fs";

const file = process.argv[2];
if (!file) throw new Error("usage: tsx bench/gc-nvp.ts <log of a bench run with --trace-gc-nvp>");
const lines = readFileSync(file, "utf8").split("\n");
const GC_LINE = /^\[(\d+):(0x[0-9a-f]+):\d+\]\s+(\d+) ms: (pause=.*)$/;
const num = (text: string, key: string) => Number(new RegExp(`(?:^|[ \\d])${key.replace(/\./g, "\\.")}=([\\d.]+)`).exec(text)?.[1] ?? NaN);

let main: string | null = null;
const majors: { at: number; text: string; line: number }[] = [];
lines.forEach((line, i) => {
  const m = GC_LINE.exec(line);
  if (!m) return;
  main ??= `${m[1]}:${m[2]}`;
  if (`${m[1]}:${m[2]}` === main && / gc=mc /.test(m[4]!)) majors.push({ at: Number(m[3]), text: m[4]!, line: i });
});
/** The scenario whose result line comes next after line `i`: its window (or the gap before it) held the collection. */
const scenarioAfter = (i: number) => {
  for (let j = i + 1; j < lines.length; j++) {
    const row = /^(.+?)\s{2,}\d+ req\/s/.exec(lines[j]!);
    if (row) return row[1]!.trim();
  }
  return "(after the last scenario)";
};
const sawRow = (i: number) => lines.slice(0, i).some((l) => / req\/s /.test(l));
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const f = (n: number) => (Number.isNaN(n) ? "–" : n.toFixed(1));
console.log("at (ms) | scenario | pause | mark | clear (join) | evac (copy/update) | finish | incremental ms (steps, longest) | objects MB | limit MB");
for (const g of majors) {
  const t = g.text;
  const where = sawRow(g.line) ? scenarioAfter(g.line) : "setup";
  console.log(
    [
      g.at,
      where,
      f(num(t, "pause")),
      f(num(t, "mark")),
      `${f(num(t, "clear"))} (${f(num(t, "clear.join_job"))})`,
      `${f(num(t, "evacuate"))} (${f(num(t, "evacuate.copy"))}/${f(num(t, "evacuate.update_pointers"))})`,
      f(num(t, "finish")),
      `${f(num(t, "incremental"))} (${num(t, "incremental_steps_count")}, ${f(num(t, "incremental_longest_step"))})`,
      `${mb(num(t, "start_object_size"))} → ${mb(num(t, "end_object_size"))}`,
      mb(num(t, "old_gen_allocation_limit")),
    ].join(" | "),
  );
}
