import { describe, expect, it } from "vitest";
import { customerBody, subscriptionBody, uid } from "../support/harness";
import { nodeHarness } from "../support/node-harness";
import { forgetExpiredAnswers } from "../../src/data-rights/retention";
import { SLICE_BATCHES } from "../../src/maintenance";

/**
 * An erasure is a write: on the embedded driver its statements hold the event loop, so it must not
 * read every webhook payload or stored answer a shop ever had (a fuzzing trial saw one take 16 s
 * beside 38,000 retrying deliveries, /health stalled meanwhile). It finds the person's deliveries
 * by the customer each is about, and reads only the answers that can still be replayed; the
 * retention job deletes the older answers.
 */
describe("what an erasure reads", () => {
  it("each delivery records the customer it is about; the erasure drops and scrubs the person's alone and leaves another customer's as it was", async () => {
    const h = await nodeHarness();
    const t = await h.tenant();
    // Never answered: every delivery stays pending.
    await h.request("PUT", "/v1/webhooks/all", { key: t.key, body: { url: "http://127.0.0.1:9/never", events: ["subscription.changed", "customer.erased"] } });
    const [a, b] = [uid("C"), uid("C")];
    const [sa, sb] = [uid("S"), uid("S")];
    for (const [c, s, name] of [[a, sa, "消去 花子"], [b, sb, "残留 次郎"]] as const) {
      await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ name }) });
      await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
      expect((await h.request("POST", `/v1/subscriptions/${s}/skip`, { key: t.key, body: {} })).status).toBe(200);
    }
    const rows = () => h.sql("SELECT customer_id, event_type, payload FROM webhook_deliveries ORDER BY created_at");
    expect((await rows()).map((r) => [r.customer_id, r.event_type])).toEqual([
      [a, "subscription.changed"],
      [b, "subscription.changed"],
    ]);
    const before = await rows();
    await h.request("PUT", `/v1/subscriptions/${sa}`, { key: t.key, body: subscriptionBody(a, { status: "canceled", canceledAt: new Date().toISOString() }) });
    const erased = await h.request("DELETE", `/v1/customers/${a}`, { key: t.key });
    expect(erased.status).toBe(200);
    expect(erased.body.scrubbed.webhookEventsDropped).toBe(1);
    const after = await rows();
    // The other customer's delivery is untouched; the person's is gone; customer.erased names no one stored.
    expect(after.filter((r) => r.event_type === "subscription.changed")).toEqual(before.filter((r) => r.customer_id === b));
    expect(after.filter((r) => r.event_type === "customer.erased").map((r) => r.customer_id)).toEqual([null]);
    h.close();
  });

  it("answers past their 24 h are deleted by the retention job; a recent one that names the person goes at the erasure, another customer's stays", async () => {
    const h = await nodeHarness();
    const t = await h.tenant();
    const [a, b] = [uid("C"), uid("C")];
    const people: Record<string, Record<string, string>> = {
      [a]: { name: "消去 花子", email: "hanako@example.jp", phone: "090-1111-2222" },
      [b]: { name: "残留 次郎", email: "jiro@example.jp", phone: "080-3333-4444" },
    };
    const put = (c: string, key: string) => h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody(people[c]), headers: { "idempotency-key": key } });
    // Stored per API key (`key:<key id> <Idempotency-Key>`): the header's value is the last word.
    const keys = async () => (await h.sql("SELECT key FROM idempotency_keys ORDER BY key")).map((r) => String(r.key).split(" ").pop());
    for (const [c, k] of [[a, "old-a"], [b, "old-b"], [a, "new-a"], [b, "new-b"]] as const) expect((await put(c, k)).status).toBe(201 - (k.startsWith("new") ? 1 : 0));
    const age = (key: string, hours: number) => h.sql("UPDATE idempotency_keys SET created_at = ? WHERE key LIKE ?", [new Date(Date.now() - hours * 3_600_000).toISOString(), `% ${key}`]);
    await age("old-a", 25);
    await age("old-b", 25);
    await age("new-b", 23);
    // The retention job: the two older than a day go, the recent ones stay.
    expect((await h.maintain()).expiredAnswers).toBe(2);
    expect(await keys()).toEqual(["new-a", "new-b"]);
    expect((await h.maintain()).expiredAnswers).toBe(0);
    // One more old answer of the other customer, then the erasure of the first.
    expect((await put(b, "old-b2")).status).toBe(200);
    await age("old-b2", 30);
    expect((await h.request("DELETE", `/v1/customers/${a}`, { key: t.key })).status).toBe(200);
    // The erasure reads the last 24 h only: the old answer waits for the retention job.
    expect(await keys()).toEqual(["new-b", "old-b2"]);
    expect((await h.maintain()).expiredAnswers).toBe(1);
    expect(await keys()).toEqual(["new-b"]);
    h.close();
  });

  it("the retention job deletes expired answers a slice at a time, answers stored in one millisecond across a slice's end included, and none younger than a day", async () => {
    const h = await nodeHarness();
    const t = await h.tenant();
    const tenantId = String((await h.sql("SELECT id FROM tenants")).at(-1)!.id);
    const old = Date.now() - 30 * 3_600_000;
    // 130 expired answers, slices of 50 (Node's): 40 one a millisecond, then 60 in one millisecond
    // across the first slice's end, then 30 more; and 5 of the last hour.
    const at = (i: number) => new Date(i < 130 ? old + (i < 40 ? i : i < 100 ? 40 : i) : Date.now() - 3_600_000 + i).toISOString();
    const rows = Array.from({ length: 135 }, (_, i) => [tenantId, `key:k r${i}`, at(i)]);
    await h.db.client.batch(rows.map((args) => ({ sql: "INSERT INTO idempotency_keys (tenant_id, key, request_hash, state, response_status, response_body, created_at, locked_at) VALUES (?, ?, 'h', 'done', 200, '{}', ?3, ?3)", args })), "write");
    const passes: number[] = [];
    for (let n = -1; n !== 0; ) passes.push((n = await forgetExpiredAnswers(h.db, new Date(), SLICE_BATCHES.retention)));
    expect(passes).toEqual([50, 50, 30, 0]);
    expect((await h.sql("SELECT key FROM idempotency_keys WHERE key LIKE 'key:k r%' ORDER BY created_at")).map((r) => r.key)).toEqual([130, 131, 132, 133, 134].map((i) => `key:k r${i}`));
    h.close();
  });

  it("reads the last day's answers in slices and misses none: past a slice's end, and among answers stored in the same millisecond", async () => {
    const h = await nodeHarness();
    const t = await h.tenant();
    const c = uid("C");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ name: "消去 花子", email: "hanako@example.jp", phone: "090-1111-2222" }) });
    const tenantId = String((await h.sql("SELECT id FROM tenants")).at(-1)!.id);
    const base = Date.now() - 3_600_000;
    // 2,600 answers: ten in one millisecond across the first slice's end (995–1,004), 1,500 in
    // another (more than a slice of 1,000: 1,005–2,504), the rest one a millisecond.
    const at = (i: number) => new Date(base + (i < 995 ? i : i < 1_005 ? 995 : i < 2_505 ? 2_000 : 3_000 + i)).toISOString();
    const naming = new Set([1_003, 1_700, 2_599]); // after the first slice's end in its millisecond, inside the long run, the last of all
    const rows = Array.from({ length: 2_600 }, (_, i) => [tenantId, `key:k a${i}`, at(i), JSON.stringify({ id: naming.has(i) ? c : `C-other-${i}` })]);
    await h.db.client.batch(rows.map((args) => ({ sql: "INSERT INTO idempotency_keys (tenant_id, key, request_hash, state, response_status, response_body, created_at, locked_at) VALUES (?, ?, 'h', 'done', 200, ?4, ?3, ?3)", args })), "write");
    expect((await h.request("DELETE", `/v1/customers/${c}`, { key: t.key })).body.scrubbed.storedAnswers).toBe(3);
    const left = await h.sql("SELECT key FROM idempotency_keys WHERE key LIKE 'key:k a%'");
    expect(left.length).toBe(2_597);
    expect(left.map((r) => r.key)).not.toContain("key:k a1003");
    h.close();
  });
});
