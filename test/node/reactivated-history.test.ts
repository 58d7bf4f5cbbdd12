import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * A cancellation stored before its record kept every member (`finalDeliveryOn`, and with no flow,
 * `flowId` and `confirmationNumber`) — older releases, the demo shop's history — then reactivated:
 * the `reactivate` change names it as `source.previousCancellation`, which the contract types with
 * those members (null when unknown), in `…/changes`, the customer's timeline and the disclosure export.
 * The harness checks every answer against openapi.json.
 */
describe("a reactivation of a cancellation recorded with fewer members", () => {
  let h: NodeHarness;
  let t: TestTenant;
  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
  });
  afterAll(() => h.close());

  it("answers previousCancellation with every documented member, null where the record had none", async () => {
    const customer = uid("C");
    const id = uid("S");
    const today = localDate(new Date(), "Asia/Tokyo");
    await h.request("PUT", `/v1/customers/${customer}`, { key: t.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: subscriptionBody(customer, { nextDeliveryOn: addDays(today, 12) }) });
    // As an older release (or the demo seed) stored a cancellation: reason, channel and date only.
    await h.sql(
      `UPDATE subscriptions SET status = 'canceled', next_delivery_on = NULL, canceled_at = ?, cancellation = ? WHERE tenant_id = ? AND id = ?`,
      [new Date(Date.now() - 20 * 86_400_000).toISOString(), JSON.stringify({ reason: "temporary_break", channel: "web", effectiveOn: addDays(today, -20) }), t.id, id],
    );
    const back = await h.request("POST", `/v1/subscriptions/${id}/reactivate`, { key: t.key, body: { channel: "operator" } });
    expect(back.status).toBe(200);
    const expected = { reason: "temporary_break", channel: "web", effectiveOn: addDays(today, -20), flowId: null, finalDeliveryOn: null, confirmationNumber: null };
    expect(back.body.change.source.previousCancellation).toEqual(expected);

    const changes = await h.request("GET", `/v1/subscriptions/${id}/changes`, { key: t.key });
    expect(changes.status).toBe(200);
    expect(changes.body.data.find((c: { type: string }) => c.type === "reactivate").source.previousCancellation).toEqual(expected);

    const timeline = await h.request("GET", `/v1/customers/${customer}/timeline?limit=100`, { key: t.key });
    expect(timeline.status).toBe(200);
    const item = timeline.body.data.find((i: { kind: string; type: string }) => i.kind === "change" && i.type === "reactivate");
    expect(item.data.source.previousCancellation).toEqual(expected);

    const exported = await h.request("GET", `/v1/customers/${customer}/export`, { key: t.key });
    expect(exported.status).toBe(200);
    expect(exported.body.changes.find((c: { type: string }) => c.type === "reactivate").source.previousCancellation).toEqual(expected);
  });
});
