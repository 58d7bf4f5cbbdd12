/**
 * Finding one customer's comeback offer on the 1M-subscription bench file, CPU per lookup in-process
 * (see bench/winback-cpu.ts for the method): `GET /v1/winback/candidates?customerId=…` for customers
 * spread over the first `WINBACK_CUSTOMER_RANK` rows of the list, beside what a `winback.due`
 * receiver had to do without the filter — page the list (limit=100) until the customer shows up.
 * `WINBACK_CUSTOMER_SCENARIOS=filter` runs only the filter (a branch without it: `=paging`).
 * `npx tsx bench/winback-customer-cpu.ts`. Read-only.
 */
import { inProcess, measureCpu, type Scenario } from "./in-process";

const { get, json, floor, api, close } = await inProcess(Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000));
const rank = Number(process.env.WINBACK_CUSTOMER_RANK ?? 2_000);
type Page = { data: { customerId: string }[]; nextCursor: string | null };
// The list's first `rank` rows, walked once: whose they are and which page each is on.
const pages: string[] = ["/v1/winback/candidates?limit=100"];
const found: { customerId: string; page: number }[] = [];
while (found.length < rank) {
  const page = await json<Page>(pages.at(-1)!);
  for (const d of page.data) found.push({ customerId: d.customerId, page: pages.length - 1 });
  if (!page.nextCursor) break;
  pages.push(`/v1/winback/candidates?limit=100&cursor=${page.nextCursor}`);
}
let k = 0;
const pick = () => found[(k++ * 7_919) % found.length]!;
const scenarios: Scenario[] = [
  floor,
  [
    `paging to the customer (limit=100, ranks 1–${found.length})`,
    async () => {
      const { page } = pick();
      for (let i = 0; i <= page; i++) if ((await get(api, pages[i]!)) !== 200) return 500;
      return 200;
    },
  ],
  [`filter: ?customerId= (ranks 1–${found.length})`, () => get(api, `/v1/winback/candidates?customerId=${encodeURIComponent(pick().customerId)}`)],
];
await measureCpu(scenarios, {
  n: Number(process.env.WINBACK_CUSTOMER_REQUESTS ?? 200),
  rounds: Number(process.env.WINBACK_CUSTOMER_ROUNDS ?? 3),
  wanted: process.env.WINBACK_CUSTOMER_SCENARIOS?.split(","),
});
close();
