/**
 * `npx tsx bench/sha256-cpu.ts`: the event loop's CPU and the latency of one SHA-256 of a keyed
 * write's request line (method, path, canonical body: platform/idempotency) by WebCrypto's
 * `digest` (a job on Node's thread pool, then a promise) and by `node:crypto`'s synchronous hash,
 * which `sha256Hex` (platform/crypto) uses. 20,000 calls a round after 2,000 of warm-up, 3 rounds.
 */
import { createHash } from "node:crypto";

const encoder = new TextEncoder();
const line = `POST /v1/subscriptions/sub_00000000123/quantity\n${JSON.stringify({ channel: "web", quantity: 2 })}`;
const webCrypto = async (s: string) => Buffer.from(await crypto.subtle.digest("SHA-256", encoder.encode(s))).toString("hex");
const nodeCrypto = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");
const N = 20_000;
for (let round = 1; round <= 3; round++) {
  for (const [name, hash] of [["WebCrypto digest", webCrypto], ["node:crypto createHash", nodeCrypto]] as const) {
    for (let i = 0; i < 2_000; i++) await hash(line + i);
    const cpu0 = process.threadCpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await hash(line + i);
    const cpu = process.threadCpuUsage(cpu0);
    const wall = performance.now() - t0;
    console.log(`round ${round}, ${name}: ${((cpu.user + cpu.system) / N).toFixed(1)} µs of the loop's CPU a call, ${((wall * 1000) / N).toFixed(1)} µs wall`);
  }
}
