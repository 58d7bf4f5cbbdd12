/**
 * `npx tsx bench/profile-sum.ts FILE.cpuprofile [N]`: a V8 CPU profile (`node --cpu-prof`, or
 * `WRITE_COST_PROFILE` in bench/write-cost.ts) summed by self time — by package or source file,
 * then the top N functions (default 50) — and by inclusive time (the function and what it called,
 * each sample counted once per function), as percentages of the sampled time.
 */
import { readFileSync } from "node:fs";

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
const profile = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const self = new Map<number, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  self.set(id, (self.get(id) ?? 0) + dt);
});
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
const inclusive = new Map<string, number>();
const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t);
const fileOf = (url: string) => url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "nm/").replace(process.cwd() + "/", "");
const nameOf = (id: number) => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  return `${functionName || "(anonymous)"} ${fileOf(url)}:${lineNumber + 1}`;
};
for (const [id, t] of self) {
  const { functionName, url } = byId.get(id)!.callFrame;
  const file = fileOf(url);
  add(byFunction, nameOf(id), t);
  // A package counts as one file: nm/<name> or nm/@scope/<name>.
  add(byFile, file.startsWith("nm/") ? file.split("/").slice(0, file.startsWith("nm/@") ? 3 : 2).join("/") : file || functionName, t);
  // Inclusive: every distinct function on this sample's stack.
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) seen.add(nameOf(n));
  for (const k of seen) add(inclusive, k, t);
}
const top = (m: Map<string, number>, k: number) =>
  [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, t]) => `${((100 * t) / total).toFixed(1).padStart(5)} % ${(t / 1000).toFixed(0).padStart(6)} ms  ${name}`).join("\n");
const n = Number(process.argv[3] ?? 50);
console.log(`${(total / 1000).toFixed(0)} ms sampled\n\nby package or file:\n${top(byFile, 25)}\n\nby function:\n${top(byFunction, n)}\n\ninclusive (with what it called):\n${top(inclusive, n)}`);
