import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";
import { offerablePlan } from "../support/synced-plan";

// A shop created with `tenant:create` starts with the default catalogue. The apology gift names a
// thing — 「お試しサイズのサンプル1点」 — the shop may not have: it starts off, so no customer of a new shop is
// promised a gift the owner never chose, and comes on when the owner names their own gift.
// Every answer here is checked against openapi.json by the harness.
describe("a new shop's default offers", () => {
  let h: NodeHarness;
  let t: TestTenant;
  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
  });
  afterAll(() => h?.close());

  const shown = async (subscriptionId: string, reason: string) => {
    const r = await h.request("GET", `/v1/subscriptions/${subscriptionId}/offers?reason=${reason}&channel=operator`, { key: t.key });
    expect(r.status).toBe(200);
    return r.body.data as { offerId: string; type: string; title: string }[];
  };

  it("offer no gift until the shop names one, then the shop's own gift", async () => {
    const sub = await offerablePlan(h, t);
    const list = await h.request("GET", "/v1/offers", { key: t.key });
    expect(list.status).toBe(200);
    const gift = (list.body.data as { id: string; active: boolean }[]).find((o) => o.id === "off_apology_gift")!;
    expect(gift.active).toBe(false);
    for (const reason of ["dissatisfied_service", "delivery_problem"]) expect((await shown(sub, reason)).map((o) => o.type)).not.toContain("free_gift");

    // The owner names the gift the shop really has and turns it on.
    const { id: _id, templateVersion: _v, outcomes: _o, createdAt: _c, updatedAt: _u, ...body } = (await h.request("GET", "/v1/offers/off_apology_gift", { key: t.key })).body;
    const put = await h.request("PUT", "/v1/offers/off_apology_gift", {
      key: t.key,
      body: { ...body, active: true, parameters: { gift: { ja: "酵素ドリンクのミニボトル1本", en: "a mini bottle of the enzyme drink" }, value: 300 } },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const offered = (await shown(sub, "dissatisfied_service")).find((o) => o.type === "free_gift");
    expect(offered?.title).toBe("次回のお届けに酵素ドリンクのミニボトル1本をお付けします");
  });
});
