import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resumeDuePauses } from "../../src/plan-changes/auto-resume";
import { customerBody, subscriptionBody, uid } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

describe("the maintenance job's automatic resume (#14.2)", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("run late, puts the first delivery at today + the cut-off and records why; on time, keeps the resume date", async () => {
    const t = await h.tenant();
    const c = uid("C");
    h.setNow(new Date("2027-01-10T01:00:00Z"));
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    const late = uid("S");
    const onTime = uid("S");
    for (const s of [late, onTime]) {
      await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: "2027-01-20" }) });
      expect((await h.request("POST", `/v1/subscriptions/${s}/pause`, { key: t.key, body: { resumeOn: "2027-03-01" } })).status).toBe(200);
    }
    h.setNow(null);
    // On its date (09:00 in Tokyo on 03-01) the job keeps the planned first delivery. `late` is
    // hidden from this run (not due yet), then found due when the job next runs, five days late.
    await h.db.client.execute({ sql: "UPDATE subscriptions SET paused_until = '2027-03-02' WHERE id = ?", args: [late] });
    expect(await resumeDuePauses(h.db, new Date("2027-03-01T00:00:00Z"))).toBe(1);
    await h.db.client.execute({ sql: "UPDATE subscriptions SET paused_until = '2027-03-01' WHERE id = ?", args: [late] });
    expect(await resumeDuePauses(h.db, new Date("2027-03-06T00:00:00Z"))).toBe(1); // the server was down five days

    const read = async (s: string) => (await h.request("GET", `/v1/subscriptions/${s}`, { key: t.key })).body;
    expect(await read(onTime)).toMatchObject({ status: "active", nextDeliveryOn: "2027-03-01" });
    expect(await read(late)).toMatchObject({ status: "active", pausedUntil: null, nextDeliveryOn: "2027-03-09" });
    const history = (await h.request("GET", `/v1/subscriptions/${late}/changes`, { key: t.key })).body.data;
    expect(history[0]).toMatchObject({
      type: "resume",
      channel: "system",
      after: { nextDeliveryOn: "2027-03-09" },
      source: { reason: "pause_ended", resumeOn: "2027-03-01", moved: { from: "2027-03-01", to: "2027-03-09", because: "resumed_late", resumedOn: "2027-03-06" } },
    });
  });
});
