import type { Client } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * An Idempotency-Key on a plan change or a subscription sync costs no transaction more: the key is
 * claimed by the statement that records the answer, in the change's own transaction. Other keyed
 * routes (the bulk sync) claim it in a transaction of its own first.
 */
let h: NodeHarness;
let t: TestTenant;
let transactions = 0;
let failCommitNumber = 0;

beforeAll(async () => {
  h = await nodeHarness();
  t = await h.tenant();
  // Counts write transactions; can make the n-th COMMIT from now fail the way a full disk would.
  const client = h.db.client as Client;
  const open = client.transaction.bind(client);
  client.transaction = (async (mode) => {
    const tx = await open(mode);
    const n = ++transactions;
    const commit = tx.commit.bind(tx);
    tx.commit = async () => {
      if (n === failCommitNumber) {
        await tx.rollback();
        throw new Error("SQLITE_FULL: database or disk is full");
      }
      return commit();
    };
    return tx;
  }) as Client["transaction"];
});
afterAll(() => h.close());

async function subscription() {
  const cid = uid("C");
  const sid = uid("S");
  await h.request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody() });
  const put = await h.request("PUT", `/v1/subscriptions/${sid}`, { key: t.key, body: subscriptionBody(cid, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 10) }) });
  expect(put.status).toBe(201);
  return { cid, sid };
}
const quantity = (sid: string, key: string, q = 2) =>
  h.request("POST", `/v1/subscriptions/${sid}/quantity`, { key: t.key, body: { quantity: q, channel: "web" }, headers: { "idempotency-key": key } });

describe("a keyed write", () => {
  it("a plan change takes one transaction (the change with its claim and answer), and its replay is the same answer", async () => {
    const { sid } = await subscription();
    const key = uid("idem");
    transactions = 0;
    const first = await quantity(sid, key);
    expect(first.status).toBe(200);
    expect(transactions).toBe(1);
    transactions = 0;
    const again = await quantity(sid, key);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.text).toBe(first.text);
    expect(again.headers.get("etag")).toBe(first.headers.get("etag"));
    // A replay reads the answer: no write at all.
    expect(transactions).toBe(0);
  });

  it("a subscription sync takes one as well", async () => {
    const cid = uid("C");
    await h.request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody() });
    const key = uid("idem");
    const body = subscriptionBody(cid);
    transactions = 0;
    const created = await h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body, headers: { "idempotency-key": key } });
    expect(created.status).toBe(201);
    expect(transactions).toBe(1);
  });

  it("a bulk sync takes two: the claim, then the batch with its answer", async () => {
    const cid = uid("C");
    const key = uid("idem");
    const body = { customers: [{ id: cid, ...customerBody() }], subscriptions: [{ id: uid("S"), ...subscriptionBody(cid) }] };
    transactions = 0;
    const first = await h.request("POST", "/v1/sync", { key: t.key, body, headers: { "idempotency-key": key } });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ applied: 2, refused: 0 });
    expect(transactions).toBe(2);
    const again = await h.request("POST", "/v1/sync", { key: t.key, body, headers: { "idempotency-key": key } });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
  });

  it("when the change's COMMIT fails, neither the change nor its answer stays: a retry with the key applies it once", async () => {
    const { sid } = await subscription();
    const key = uid("idem");
    transactions = 0;
    failCommitNumber = 1; // the change, its claim and its answer do not commit
    const failed = await quantity(sid, key, 3);
    failCommitNumber = 0;
    expect(failed.status).toBe(500);
    const unchanged = await h.request("GET", `/v1/subscriptions/${sid}`, { key: t.key });
    expect(unchanged.body).toMatchObject({ version: 1, quantity: 1 });

    const retried = await quantity(sid, key, 3);
    expect(retried.status).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(retried.body.subscription).toMatchObject({ version: 2, quantity: 3 });
    const history = await h.request("GET", `/v1/subscriptions/${sid}/changes`, { key: t.key });
    expect(history.body.data).toHaveLength(1);
  });
});
