/**
 * CPU per request of the data dip and the at-risk pages on the 1M-subscription bench file, beside
 * the raw-query floor: `npx tsx bench/dip-cpu.ts` (BENCH_SUBSCRIPTIONS, DIP_CPU_REQUESTS,
 * DIP_CPU_ROUNDS, DIP_CPU_SCENARIOS=lookup,chain,all). Requests go one at a time through the app's
 * `fetch` in this process (no sockets, no load generator), and `process.cpuUsage` counts the
 * microseconds each costs: on a machine shared with other work this moves far less than req/s
 * under load does, so it says where a change helps. Rounds alternate the scenarios. For a
 * profile: `node --cpu-prof --import tsx bench/dip-cpu.ts`. Not a throughput figure: those are
 * `npm run bench`'s.
 */
import { inProcess, measureCpu, type Scenario } from "./in-process";
import { PHONE_FORMS, bigCustomerId, bigPhone } from "./big-tenant";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const { get, json, spread, floor, bare, api, close } = await inProcess(BIG);
const customers = Math.round(BIG * 0.8);
const forms = PHONE_FORMS;
let form = 0;
async function secondPage(query: string) {
  const body = await json<{ nextCursor: string | null }>(`/v1/risk/at-risk?${query}`);
  return `/v1/risk/at-risk?${query}&cursor=${encodeURIComponent(body.nextCursor ?? "")}`;
}
const scenarios: Scenario[] = [
  floor,
  bare,
  // The fixed chain every /v1 route pays (request id, CORS, rate limits, the key check's statement,
  // scope, idempotency, c.json): the cheapest authenticated GET, answering the key row's settings.
  ["chain: GET /v1/settings", () => get(api, "/v1/settings")],
  ["lookup (5 forms)", () => get(api, `/v1/lookup?phone=${encodeURIComponent(forms[form++ % forms.length]!(bigPhone(spread(customers))))}`)],
  ["customer risk", () => get(api, `/v1/customers/${bigCustomerId(spread(customers))}/risk`)],
];
for (const band of ["high", "medium", "low", ""]) {
  const query = `${band ? `band=${band}&` : ""}limit=20`;
  const page2 = await secondPage(query);
  scenarios.push([`at-risk ${band || "all"}`, () => get(api, `/v1/risk/at-risk?${query}`)]);
  scenarios.push([`at-risk ${band || "all"} page 2`, () => get(api, page2)]);
}
scenarios.push(["metrics retention (30 days)", () => get(api, "/v1/metrics/retention")]);
await measureCpu(scenarios, {
  n: Number(process.env.DIP_CPU_REQUESTS ?? 2000),
  rounds: Number(process.env.DIP_CPU_ROUNDS ?? 3),
  wanted: process.env.DIP_CPU_SCENARIOS?.split(","),
  perScenario: (name, n) => (name.startsWith("metrics") ? Math.max(3, Math.round(n / 200)) : n),
});
close();
