/**
 * Two trees' apps in ONE process, on the big tenant's file, lookups (or `GET /v1/settings`) sent
 * through each in turn in blocks: `AB_TREES=/work/wt/NAME-base,/work/wt/NAME npx tsx bench/ab-cpu.ts`
 * (AB_SCENARIO=lookup|settings, AB_BLOCK requests a block, AB_BLOCKS). Each block's requests are
 * the same for both trees; which tree goes first alternates. Prints each tree's median thread CPU
 * per request (and its system part: page reads) and the median of the second ÷ first per block.
 * On a machine shared with other work, separate runs of bench/dip-cpu.ts move ±30 % between
 * themselves; blocks side by side in one process see the same machine, so the ratio moves ≈ ±5 %.
 * Each tree needs its node_modules, generated assets (`npm run build`) and data/ (a symlink will do).
 */
import { PHONE_FORMS, bigPhone } from "./big-tenant";

type Side = { name: string; get: (app: unknown, path: string) => Promise<number>; api: unknown; close: () => void; cpu: number[]; sys: number[] };
const trees = (process.env.AB_TREES ?? "").split(",").filter(Boolean);
if (trees.length !== 2) throw new Error("AB_TREES=<first tree>,<second tree>");
const scenario = process.env.AB_SCENARIO ?? "lookup";
const BLOCK = Number(process.env.AB_BLOCK ?? 250);
const BLOCKS = Number(process.env.AB_BLOCKS ?? 40);
const sides: Side[] = [];
for (const tree of trees) {
  const { inProcess } = (await import(`${tree}/bench/in-process.ts`)) as typeof import("./in-process");
  const app = await inProcess(1_000_000);
  sides.push({ name: tree, get: app.get as Side["get"], api: app.api, close: app.close, cpu: [], sys: [] });
}
const customers = 800_000;
const path = (block: number, i: number) => {
  if (scenario === "settings") return "/v1/settings";
  const id = Math.floor((((block * BLOCK + i) * 2_654_435_761) % 4_294_967_296) / 4_294_967_296 * customers);
  return `/v1/lookup?phone=${encodeURIComponent(PHONE_FORMS[i % PHONE_FORMS.length]!(bigPhone(id)))}`;
};
for (let block = 0; block < BLOCKS; block++) {
  for (const side of block % 2 ? [...sides].reverse() : sides) {
    const t = process.threadCpuUsage();
    for (let i = 0; i < BLOCK; i++) {
      const status = await side.get(side.api, path(block, i));
      if (status !== 200) throw new Error(`${side.name}: ${status}`);
    }
    const d = process.threadCpuUsage(t);
    if (block < 2) continue; // warm-up
    side.cpu.push((d.user + d.system) / BLOCK);
    side.sys.push(d.system / BLOCK);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const s of sides) console.log(`${s.name}: ${scenario} ${median(s.cpu).toFixed(0)} µs thread CPU a request (system ${median(s.sys).toFixed(0)}), median of ${s.cpu.length} blocks of ${BLOCK}`);
console.log(`second ÷ first, median per block: ${median(sides[1]!.cpu.map((c, i) => c / sides[0]!.cpu[i]!)).toFixed(3)}`);
for (const s of sides) s.close();
