/**
 * CPU of the background job's pass with nothing due — what Node's `startMaintenance` runs every
 * second for the life of the process — on a fresh file: the demo shop plus `MAINT_TENANTS` empty
 * shops (default 100: the per-shop steps loop over every shop). `npx tsx bench/maintenance-pass-cpu.ts`
 * (MAINT_PASSES per round, default 1000; MAINT_ROUNDS, default 5; median). Passes as a tick runs
 * them: SLICE_BATCHES, the database's turn between steps, one fault record kept across passes.
 * In-process `process.cpuUsage`, so a shared machine moves it little. Not a throughput figure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateDatabase, openDatabase } from "../src/db/node";
import { seedDemo } from "../src/demo/seed";
import { runMaintenance, SLICE_BATCHES } from "../src/maintenance";
import { createTenant } from "../src/tenants/keys";

const dir = mkdtempSync(join(tmpdir(), "tsuzuku-maint-"));
const db = await openDatabase(`file:${join(dir, "bench.db")}`);
await migrateDatabase(db);
const now = new Date();
await seedDemo(db, { now });
for (let i = 0; i < Number(process.env.MAINT_TENANTS ?? 100); i++) await db.write((tx) => createTenant(tx, { name: `店 ${i}`, at: now }));
// One record of failures across passes, as startMaintenance keeps (ignored where runMaintenance takes none).
const faults = await import("../src/platform/step-faults").then((m) => new m.StepFaults()).catch(() => undefined);
const pass = () => runMaintenance({ db, secretsKey: "bench-secrets-key-0123456789abcdef-012345" }, { batches: SLICE_BATCHES, pause: db.turn, ...(faults ? { faults } : {}) } as Parameters<typeof runMaintenance>[1]);
// Drain what the seed left due (the demo's decisions and renders), so the passes measured find nothing.
let drained = 0;
for (;;) {
  const r = await pass();
  const n = r.resumed + r.abandoned + r.rescored + r.winbacksDue + r.comebacks + r.winbacksRescored + r.webhooks.attempted + r.retention.events;
  if (n === 0) break;
  drained += n;
}
const passes = Number(process.env.MAINT_PASSES ?? 1000);
const rounds = Number(process.env.MAINT_ROUNDS ?? 5);
const cpu: number[] = [];
const wall: number[] = [];
for (let round = 0; round <= rounds; round++) {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < passes; i++) await pass();
  const c = process.cpuUsage(c0);
  if (round === 0) continue; // warm-up
  cpu.push((c.user + c.system) / passes);
  wall.push(((performance.now() - t0) * 1000) / passes);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `${faults ? "with step faults" : "without"}: drained ${drained} rows first; idle pass cpu ${median(cpu).toFixed(0)} µs (rounds ${cpu.map((x) => x.toFixed(0)).join(" ")}), wall ${median(wall).toFixed(0)} µs; ${passes} passes × ${rounds} rounds`,
);
db.client.close();
rmSync(dir, { recursive: true, force: true });
