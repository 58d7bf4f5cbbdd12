import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { riskFeatures } from "../../src/db/schema";
import { SLICE_BATCHES, startMaintenance } from "../../src/maintenance";
import { customerBody, subscriptionBody, TEST_SECRETS_KEY, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/** Turns of the event loop, counted by a callback that reschedules itself each turn until `stop`. */
function countTurns() {
  let counting = true;
  const state = { turns: 0, stop: () => void (counting = false) };
  const count = () => {
    state.turns++;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  return state;
}

// Long work in the process that answers requests (Node, the synchronous embedded driver): the
// background job as `npm start` runs it, and a bulk sync, are worked in slices, and the event loop
// turns between them, so the IVR's data dip is answered meanwhile.
describe("long work in the serving process yields the event loop", () => {
  let h: NodeHarness;
  let t: TestTenant;
  let customerId: string;
  const ids: string[] = [];
  // Two days on, every risk row is older than a day: a whole tenant's re-scoring is due.
  const later = new Date(Date.now() + 2 * 86_400_000);

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
    customerId = uid("C");
    await h.request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody({ phone: "090-5555-0199", email: `${customerId}@example.jp` }) });
    for (let i = 0; i < 30; i++) {
      const id = uid("S");
      ids.push(id);
      await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customerId) });
    }
  });
  afterAll(() => h.close());

  const rescoredRows = async () =>
    (await h.db.orm.select({ computedAt: riskFeatures.computedAt }).from(riskFeatures).where(eq(riskFeatures.tenantId, t.id))).filter(
      (r) => r.computedAt === later.toISOString(),
    ).length;

  it("drains a re-scoring backlog in slices, answering requests between them, and stops cleanly", async () => {
    const loop = countTurns();

    const passes: { rescored: number; turns: number }[] = [];
    let answeredWhileDraining: boolean | null = null;
    const maintenance = startMaintenance(
      { db: h.db, secretsKey: TEST_SECRETS_KEY, now: () => later },
      {
        everyMs: 5,
        batches: { ...SLICE_BATCHES, rescore: 4 },
        onPass: (r) => {
          passes.push({ rescored: r.rescored, turns: loop.turns });
          // A customer's data dip sent once the backlog is under way.
          if (passes.length === 1) {
            void h.request("GET", `/v1/customers/${customerId}/subscriptions`, { key: t.key }).then(async (res) => {
              expect(res.status).toBe(200);
              answeredWhileDraining = (await rescoredRows()) < ids.length;
            });
          }
        },
      },
    );
    for (let waited = 0; (await rescoredRows()) < ids.length && waited < 15_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    await maintenance.stop();
    const after = passes.length;
    await new Promise((r) => setTimeout(r, 50));
    loop.stop();

    expect(await rescoredRows()).toBe(ids.length);
    // No pass took more than its slice; the 30 rows took several passes.
    expect(Math.max(...passes.map((p) => p.rescored))).toBeLessThanOrEqual(4);
    expect(passes.filter((p) => p.rescored > 0).length).toBeGreaterThanOrEqual(ids.length / 4);
    // The loop turned between every two passes: other work (requests) ran in between.
    for (let i = 1; i < passes.length; i++) expect(passes[i]!.turns).toBeGreaterThan(passes[i - 1]!.turns);
    expect(answeredWhileDraining).toBe(true);
    // stop() waited for the pass under way; none ran after it.
    expect(passes.length).toBe(after);
  });

  it("a bulk sync of 300 subscriptions is applied whole, with turns of the event loop between its slices", async () => {
    const items = Array.from({ length: 300 }, () => ({ id: uid("S"), ...subscriptionBody(customerId) }));
    const loop = countTurns();
    const res = await h.request("POST", "/v1/sync", { key: t.key, body: { subscriptions: items } });
    loop.stop();
    expect(res.status, res.text).toBe(200);
    expect(res.body.applied).toBe(items.length);
    // 300 items checked and decided 50 at a time, written 50 rows a statement, reads one at a time:
    // the loop turned at least a dozen times while one request ran.
    expect(loop.turns).toBeGreaterThanOrEqual(12);
    const stored = await h.request("GET", `/v1/customers/${customerId}/subscriptions?limit=100`, { key: t.key });
    expect(stored.status).toBe(200);
  });
});
