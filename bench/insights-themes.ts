/**
 * The cost of the reason insights' themes (src/insights/themes.ts) on 5,000 comments — the most one
 * request analyses (insights/routes MAX_COMMENTS) — in process: `themes()` over them as the route
 * runs it (each reason's list, then the overall one), median wall and CPU ms of the rounds. Comments: the demo's
 * (demo/winback-history) and realistic others, a number in some, so few are identical.
 * Before/after: pass other themes modules (e.g. main's copy) and the rounds alternate between them.
 *   [DISTINCT=1] npx tsx bench/insights-themes.ts [/path/to/other/themes.ts ...]
 */
import { performance } from "node:perf_hooks";
import { DEMO_COMMENTS } from "../test/fixtures/cancel-comments";

const BASE = [
  ...DEMO_COMMENTS,
  "肌荒れしてしまったのでやめます", "量が多くて飲みきれない", "子どもが飲まなくなった", "賞味期限が短すぎる", "解約の手続きがわかりにくい",
  "袋が破れていた", "思ったより甘くて飲みにくい", "配送日を変更したかったのにできなかった", "ポイントが使えない", "届くのが遅かった",
];

/** `n` comments, each with its reason (the demo's reason groups: BASE's index / 4). */
function comments(n: number): [reason: number, text: string][] {
  let seed = 0x1234567;
  let made = 0;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) >>> 0) / 4_294_967_296;
  return Array.from({ length: n }, () => {
    const k = Math.floor(next() * BASE.length);
    const a = BASE[k]!;
    // Some write two reasons, some a count: longer and fewer identical texts, as real ones.
    const r = next();
    const text = r < 0.3 ? `${a}。${BASE[Math.floor(next() * BASE.length)]!}` : r < 0.5 ? `${a} ${1 + Math.floor(next() * 9)}回目です` : a;
    // DISTINCT=1: no two texts alike, so nothing is analysed once for two comments.
    return [k >> 2, process.env.DISTINCT ? `${text}（${++made}）` : text];
  });
}

type Themes = typeof import("../src/insights/themes").themes;
const modules: [string, Themes][] = [["this branch", (await import("../src/insights/themes")).themes]];
for (const path of process.argv.slice(2)) modules.push([path, (await import(path)).themes as Themes]);

const texts = comments(5000);
const byReason = new Map<number, [number, string][]>();
for (const t of texts) byReason.set(t[0], [...(byReason.get(t[0]) ?? []), t]);
const all = texts.map(([, text]) => text);
/** What insights/routes reasonInsightsFor asks of themes(): the top 5 of each reason, the top 10 overall (a module whose themes() takes no third argument ignores it). */
const asTheRouteDoes = (f: Themes) => {
  const analysed: Parameters<Themes>[2] = new Map();
  for (const list of byReason.values()) f(list.map(([, text]) => text), 5, analysed);
  f(all, 10, analysed);
};
const ROUNDS = 9;
const runs = new Map<string, { wall: number[]; cpu: number[] }>(modules.map(([name]) => [name, { wall: [], cpu: [] }]));
for (const [, f] of modules) f(all.slice(0, 200)); // warm up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, f] of r % 2 ? [...modules].reverse() : modules) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    asTheRouteDoes(f);
    const wall = performance.now() - t0;
    const c = process.cpuUsage(c0);
    runs.get(name)!.wall.push(wall);
    runs.get(name)!.cpu.push((c.user + c.system) / 1000);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [name, { wall, cpu }] of runs) console.log(`${name}: the route's themes of 5,000 comments (${byReason.size} reasons + overall) median ${median(wall).toFixed(1)} ms wall, ${median(cpu).toFixed(1)} ms CPU (${ROUNDS} rounds, min ${Math.min(...wall).toFixed(1)} ms)`);
