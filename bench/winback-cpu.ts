/**
 * CPU per request of the win-back candidates list on the 1M-subscription bench file, beside the
 * raw-query floor: `npx tsx bench/winback-cpu.ts` (BENCH_SUBSCRIPTIONS, WINBACK_CPU_REQUESTS,
 * WINBACK_CPU_ROUNDS, WINBACK_CPU_SCENARIOS=first,51). Requests go one at a time through the app's `fetch` in this process (no
 * sockets, no load generator) and `process.cpuUsage` counts what each costs, so on a shared
 * machine it says where a change helps far better than req/s under load. Rounds alternate the
 * scenarios. Run `npm run bench:winback` once first (it prepares the file's win-back records).
 * For a profile: `node --cpu-prof --import tsx bench/winback-cpu.ts`. Not a throughput figure.
 */
import { inProcess, measureCpu, type Scenario } from "./in-process";

const { get, json, floor, api, close } = await inProcess(Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000));
let cursor: string | null = null;
for (let i = 0; i < 50; i++) {
  const next: string | null = (await json<{ nextCursor: string | null }>(`/v1/winback/candidates?limit=20${cursor ? `&cursor=${cursor}` : ""}`)).nextCursor;
  if (!next) break;
  cursor = next;
}
const scenarios: Scenario[] = [
  floor,
  ["candidates first page", () => get(api, "/v1/winback/candidates?limit=20")],
  ["candidates page 51", () => get(api, `/v1/winback/candidates?limit=20${cursor ? `&cursor=${cursor}` : ""}`)],
];
await measureCpu(scenarios, {
  n: Number(process.env.WINBACK_CPU_REQUESTS ?? 2000),
  rounds: Number(process.env.WINBACK_CPU_ROUNDS ?? 3),
  wanted: process.env.WINBACK_CPU_SCENARIOS?.split(","),
});
close();
