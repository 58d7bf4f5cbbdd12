/**
 * Thread CPU of a plan change on a subscription carrying an accepted discount (the discount's
 * dates now move with the schedule), two trees side by side in ONE process:
 * `AB_TREES=/work/wt/discount-base,/work/wt/discount npx tsx bench/discount-cpu.ts`
 * (AB_SUBS subscriptions, AB_BLOCKS blocks; each block changes every subscription's interval
 * 30 ↔ 60 once, through app.request with no answer checks). Each tree gets its own temporary
 * database (test/support/node-harness); which tree goes first alternates per block. Prints each
 * tree's median thread CPU per change and the median ratio second ÷ first per block.
 */
export {};

type Tree = { name: string; send: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>; ids: string[]; cpu: number[]; close: () => void };
const paths = (process.env.AB_TREES ?? "").split(",").filter(Boolean);
if (paths.length !== 2) throw new Error("AB_TREES=<first tree>,<second tree>");
const SUBS = Number(process.env.AB_SUBS ?? 100);
const BLOCKS = Number(process.env.AB_BLOCKS ?? 30);
const trees: Tree[] = [];
for (const tree of paths) {
  // The test harness's app without its vitest hooks: a temporary file, migrated, one tenant and key.
  const { mkdtempSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { createApp } = (await import(`${tree}/src/app.ts`)) as typeof import("../src/app");
  const { migrateDatabase, openDatabase } = (await import(`${tree}/src/db/node.ts`)) as typeof import("../src/db/node");
  const { createTenant, issueKey } = (await import(`${tree}/src/tenants/keys.ts`)) as typeof import("../src/tenants/keys");
  const { buildRequest, customerBody, subscriptionBody, uid, TEST_SECRETS_KEY } = (await import(`${tree}/test/support/harness.ts`)) as typeof import("../test/support/harness");
  const { addDays, localDate } = (await import(`${tree}/src/platform/dates.ts`)) as typeof import("../src/platform/dates");
  const db = await openDatabase(`file:${join(mkdtempSync(join(tmpdir(), "tsuzuku-bench-")), "bench.db")}`);
  await migrateDatabase(db);
  const app = createApp(() => ({ db, now: () => new Date(), secretsKey: TEST_SECRETS_KEY }));
  const tenant = await db.write((tx) => createTenant(tx, { name: "ベンチ店", at: new Date() }));
  const t = { key: (await db.write((tx) => issueKey(tx, { tenantId: tenant.id, name: "bench", scopes: ["read", "write", "admin"], at: new Date() }))).secret };
  const h = { app, close: () => db.client.close() };
  const send = async (method: string, path: string, body?: unknown) => {
    const res = await h.app.request(buildRequest("http://localhost", method, path, { key: t.key, body }));
    return { status: res.status, body: await res.json() };
  };
  const ids: string[] = [];
  for (let i = 0; i < SUBS; i++) {
    const c = uid("C");
    const s = uid("S");
    await send("PUT", `/v1/customers/${c}`, customerBody());
    await send("PUT", `/v1/subscriptions/${s}`, subscriptionBody(c, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }));
    const flow = (await send("POST", `/v1/subscriptions/${s}/cancel-flows`, { channel: "web" })).body;
    const reason = (await send("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { reason: "too_expensive" })).body;
    const offer = reason.offers.find((o: { type: string }) => o.type === "discount");
    if ((await send("POST", `/v1/cancel-flows/${flow.flowId}/accept`, { offerId: offer.offerId })).status !== 200) throw new Error("accept");
    ids.push(s);
  }
  trees.push({ name: tree, send, ids, cpu: [], close: () => h.close() });
}
const ratios: number[] = [];
for (let block = 0; block < BLOCKS; block++) {
  const interval = block % 2 ? 30 : 60;
  const per: number[] = [];
  for (const tree of block % 2 ? [...trees].reverse() : trees) {
    const t = process.threadCpuUsage();
    for (const id of tree.ids) {
      const res = await tree.send("POST", `/v1/subscriptions/${id}/interval`, { intervalDays: interval });
      if (res.status !== 200) throw new Error(`${tree.name}: ${res.status}`);
    }
    const d = process.threadCpuUsage(t);
    if (block >= 2) tree.cpu.push((d.user + d.system) / tree.ids.length);
  }
  if (block >= 2) ratios.push(trees[1]!.cpu.at(-1)! / trees[0]!.cpu.at(-1)!);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const tree of trees) console.log(`${tree.name}: median ${median(tree.cpu).toFixed(0)} µs thread CPU per interval change (${tree.cpu.length} blocks of ${SUBS})`);
console.log(`ratio second ÷ first, median of blocks: ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)})`);
for (const tree of trees) tree.close();
process.exit(0);
