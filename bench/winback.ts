/**
 * `npm run bench:winback`: the win-back candidates list on the big tenant (bench/big-tenant.ts:
 * 1,000,000 subscriptions by default, 8 % canceled; BENCH_SUBSCRIPTIONS to size it), its first
 * page and a page 50 pages deep read again and again (re-reads), and pages 1–100 in turn (first
 * reads), against the same run's raw-query floor (one subscription by id) — target ≥ 0.5× the
 * floor. Runnable alone; `npm run bench` does not run it.
 *
 * Every canceled subscription gets a win-back record once (kept in the file): probability and
 * expected value spread deterministically, 10 % held out, 40 % of the customers answered "no" to
 * keep-in-touch. Their comeback offers are decided once too (as the maintenance job decides rows
 * older than the column), so the list reads them as it would in a shop.
 */
import { createApp } from "../src/app";
import { candidatesPageReads } from "../src/winback/candidates";
import { decideAllComebacks } from "../src/winback/decide";
import { BIG_API_KEY, candidatePages, benchFloors, BIG_TENANT_ID, bigSubscriptionId, listen, openBigTenant, spreader } from "./big-tenant";
import { runLoad, stopLoad, type LoadRequest } from "./load";
import { prepareWinbacks } from "./winback-seed";

const BIG = Number(process.env.BENCH_SUBSCRIPTIONS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_ROUND_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_RISK_CONNECTIONS ?? 8);
const DEEP_PAGE = 50;

const big = await openBigTenant(`data/bench-${BIG}.db`, BIG);
const records = await prepareWinbacks(big.db);
{
  // Comeback offers are decided at scoring time (src/winback/decide); records written before that
  // column are decided once here (kept in the file), as the maintenance job would, chunk by chunk.
  const t0 = Date.now();
  // The shown comebacks follow today's restart date: the maintenance job renders them again each new
  // day (a chunk per run), so the setup runs that catch-up once before measuring, as a day's runs would.
  const { decided, rendered } = await decideAllComebacks(big.db, BIG_TENANT_ID, new Date());
  if (decided + rendered > 0) console.log(`comeback offers decided: ${decided.toLocaleString("en-US")}, rendered for today: ${rendered.toLocaleString("en-US")} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
const api = createApp(() => ({ db: big.db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345" }));
const floors = benchFloors(big.db, BIG_TENANT_ID);
const [apiServer, floorServer] = await Promise.all([listen(api.fetch), listen(floors.fetch)]);
const headers = { authorization: `Bearer ${BIG_API_KEY}` };

// Pages 1–100 (fewer on a small tenant), walked once. The first page and page 51 are each asked for
// again and again: after the first time they are answered from the page the list remembers
// (`RememberedPages`; the statement still runs). Pages 1–100 in turn are more than the 64 it
// remembers, so each is built as a first read is (a page never read, or read after one of its rows
// changed). The table says which each scenario measured.
const pages = await candidatePages(apiServer.url, headers);
const deep = Math.min(DEEP_PAGE, pages.length - 1);

const spread = spreader();
const floorIds: LoadRequest[] = Array.from({ length: 5_000 }, () => ["GET", `/floor/query/${bigSubscriptionId(spread(BIG))}`]);
const scenarios: [string, string, LoadRequest[]][] = [
  ["floor: one raw indexed query", floorServer.url, floorIds],
  ["GET /v1/winback/candidates (first page, re-read)", apiServer.url, [["GET", pages[0]!]]],
  [`GET /v1/winback/candidates (page ${deep + 1}, re-read)`, apiServer.url, [["GET", pages[deep]!]]],
  [`GET /v1/winback/candidates (pages 1–${pages.length} in turn, first reads)`, apiServer.url, pages.map((p): LoadRequest => ["GET", p])],
];
// The load generator runs in a process of its own (bench/load.ts), as in `npm run bench`, so the
// server's thread carries only the server.
const run = async (url: string, requests: LoadRequest[], seconds: number) => {
  const r = await runLoad({ url, headers, connections: CONNECTIONS, seconds, requests });
  return { rps: r.rps, p50: r.p50, p99: r.p99, non2xx: r.non2xx };
};
for (const [, url, path] of scenarios) await run(url, path, 1); // warm-up
const results = new Map<string, { rps: number; p99: number; ratio: number; non2xx: number }[]>();
const memo = new Map<string, { remembered: number; built: number }>();
for (let round = 0; round < ROUNDS; round++) {
  let floor = 0;
  for (const [name, url, path] of scenarios) {
    const before = { ...candidatesPageReads };
    const r = await run(url, path, SECONDS);
    const m = memo.get(name) ?? { remembered: 0, built: 0 };
    memo.set(name, { remembered: m.remembered + candidatesPageReads.remembered - before.remembered, built: m.built + candidatesPageReads.built - before.built });
    if (name.startsWith("floor")) floor = r.rps;
    results.set(name, [...(results.get(name) ?? []), { rps: r.rps, p99: r.p99, ratio: r.rps / floor, non2xx: r.non2xx }]);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`\n${BIG.toLocaleString("en-US")} subscriptions, ${records.toLocaleString("en-US")} win-back records; ${ROUNDS} rounds × ${SECONDS} s, ${CONNECTIONS} connections (medians)`);
console.log("| scenario | req/s | p99 ms | × raw query | non-2xx | pages remembered / built |\n|---|---|---|---|---|---|");
for (const [name, rs] of results) {
  const m = memo.get(name)!;
  const reads = name.startsWith("floor") ? "" : `${m.remembered.toLocaleString("en-US")} / ${m.built.toLocaleString("en-US")}`;
  console.log(`| ${name} | ${median(rs.map((r) => r.rps)).toFixed(0)} | ${median(rs.map((r) => r.p99))} | ${median(rs.map((r) => r.ratio)).toFixed(2)} | ${rs.reduce((s, r) => s + r.non2xx, 0)} | ${reads} |`);
}
await Promise.all([apiServer.server, floorServer.server].map((s) => new Promise((r) => s.close(r))));
stopLoad();
big.db.client.close();
