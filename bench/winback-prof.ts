/**
 * A CPU profile of the server alone while pages 1–100 are read in turn (first reads), taken with
 * the inspector after a warm-up (no start-up or setup in it): `npx tsx bench/winback-prof.ts OUT.cpuprofile`,
 * then `npx tsx bench/profile-sum.ts OUT.cpuprofile`. WINBACK_PROF_SECONDS (default 8).
 */
import { Session } from "node:inspector/promises";
import { writeFileSync } from "node:fs";
import { createApp } from "../src/app";
import { BIG_API_KEY, candidatePages, listen, openBigTenant } from "./big-tenant";
import { runLoad, stopLoad, type LoadRequest } from "./load";

const big = await openBigTenant("data/bench-1000000.db", 1_000_000);
const api = createApp(() => ({ db: big.db, now: () => new Date(), secretsKey: "bench-secrets-key-0123456789abcdef-012345" }));
const server = await listen(api.fetch);
const headers = { authorization: `Bearer ${BIG_API_KEY}` };
const pages = await candidatePages(server.url, headers);
// WINBACK_PROF_PAGE=1 (or 51): that page read again and again (a re-read), else pages 1–100 in turn.
const only = process.env.WINBACK_PROF_PAGE ? [pages[Number(process.env.WINBACK_PROF_PAGE) - 1]!] : pages;
const requests = only.map((p): LoadRequest => ["GET", p]);
await runLoad({ url: server.url, headers, connections: 8, seconds: 2, requests });
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: Number(process.env.WINBACK_PROF_INTERVAL ?? 250) });
if (!process.env.WINBACK_PROF_OFF) await session.post("Profiler.start");
if (process.env.WINBACK_PROF_MARK) console.log(`measure from ${performance.now().toFixed(0)} ms`);
const c0 = process.threadCpuUsage();
const r = await runLoad({ url: server.url, headers, connections: 8, seconds: Number(process.env.WINBACK_PROF_SECONDS ?? 8), requests });
const c = process.threadCpuUsage(c0);
if (process.env.WINBACK_PROF_MARK) console.log(`measure to ${performance.now().toFixed(0)} ms`);
if (!process.env.WINBACK_PROF_OFF) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(process.argv[2] ?? "winback.cpuprofile", JSON.stringify(profile));
}
console.log(`${r.sent} requests, ${((c.user + c.system) / r.sent).toFixed(0)} µs CPU each (system ${(c.system / r.sent).toFixed(0)})${process.env.WINBACK_PROF_OFF ? "" : " with the profiler"}`);
await new Promise((res) => server.server.close(res));
stopLoad();
big.db.client.close();
