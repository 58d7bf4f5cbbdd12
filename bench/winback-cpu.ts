/**
 * CPU per request of the win-back candidates list on the 1M-subscription bench file, beside the
 * raw-query floor: `npx tsx bench/winback-cpu.ts` (BENCH_SUBSCRIPTIONS, WINBACK_CPU_REQUESTS,
 * WINBACK_CPU_ROUNDS, WINBACK_CPU_SCENARIOS=first,51,turn). Requests go one at a time through the app's `fetch` in this process (no
 * sockets, no load generator) and `process.cpuUsage` counts what each costs, so on a shared
 * machine it says where a change helps far better than req/s under load. Rounds alternate the
 * scenarios. Run `npm run bench:winback` once first (it prepares the file's win-back records).
 * For a profile: `node --cpu-prof --import tsx bench/winback-cpu.ts`. Not a throughput figure.
 */
import { candidatesPageReads } from "../src/winback/candidates";
import { inProcess, measureCpu, type Scenario } from "./in-process";

const { get, json, floor, api, close } = await inProcess(Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000));
// Pages 1–100 (or as many as there are): page 51 re-read, and all in turn — more pages than the
// list remembers (64), so each read in turn builds its page as a first read does.
const paths = ["/v1/winback/candidates?limit=20"];
for (let i = 1; i < 100; i++) {
  const next: string | null = (await json<{ nextCursor: string | null }>(paths[i - 1]!)).nextCursor;
  if (!next) break;
  paths.push(`/v1/winback/candidates?limit=20&cursor=${next}`);
}
let turn = 0;
const scenarios: Scenario[] = [
  floor,
  ["candidates first page (re-read)", () => get(api, paths[0]!)],
  [`candidates page ${Math.min(51, paths.length)} (re-read)`, () => get(api, paths[Math.min(50, paths.length - 1)]!)],
  [`candidates pages 1–${paths.length} in turn (first reads)`, () => get(api, paths[turn++ % paths.length]!)],
];
const reads = { ...candidatesPageReads };
await measureCpu(scenarios, {
  n: Number(process.env.WINBACK_CPU_REQUESTS ?? 2000),
  rounds: Number(process.env.WINBACK_CPU_ROUNDS ?? 3),
  wanted: process.env.WINBACK_CPU_SCENARIOS?.split(","),
});
console.log(`short-way reads: ${candidatesPageReads.remembered - reads.remembered} answered from a remembered page, ${candidatesPageReads.built - reads.built} built`);
close();
