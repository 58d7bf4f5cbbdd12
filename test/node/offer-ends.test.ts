import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import { type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";
import { offerablePlan } from "../support/synced-plan";

// "¥500 off, until 31 December": an offer's `eligibility.availableUntil` ends it on every channel at
// that moment, without the owner switching it off on the day. Sent with an offset, answered in UTC;
// a malformed moment is refused and changes nothing. Every answer is checked against openapi.json by
// the harness.
describe("an offer with an end (eligibility.availableUntil)", () => {
  let h: NodeHarness;
  let t: TestTenant;
  const today = () => localDate(new Date(), "Asia/Tokyo");
  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
  });
  afterAll(() => h?.close());

  const shown = async (subscriptionId: string) => {
    const r = await h.request("GET", `/v1/subscriptions/${subscriptionId}/offers?reason=too_expensive&channel=web`, { key: t.key });
    expect(r.status).toBe(200);
    return (r.body.data as { offerId: string }[]).map((o) => o.offerId);
  };
  const discount = async () => {
    const { id: _id, templateVersion: _v, outcomes: _o, createdAt: _c, updatedAt: _u, ...body } = (await h.request("GET", "/v1/offers/off_discount_20x2", { key: t.key })).body;
    return body as { eligibility: Record<string, unknown> };
  };
  const endAt = async (availableUntil: unknown) => {
    const body = await discount();
    return h.request("PUT", "/v1/offers/off_discount_20x2", { key: t.key, body: { ...body, eligibility: { ...body.eligibility, availableUntil } } });
  };

  it("is suggested until its end, then no longer, on its own", async () => {
    const sub = await offerablePlan(h, t);
    expect(await shown(sub)).toContain("off_discount_20x2");

    // Ends tomorrow night in Tokyo: still shown, answered in UTC.
    const tomorrow = addDays(today(), 1);
    const put = await endAt(`${tomorrow}T23:59:59+09:00`);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.eligibility.availableUntil).toBe(new Date(`${tomorrow}T23:59:59+09:00`).toISOString());
    expect(await shown(sub)).toContain("off_discount_20x2");

    // Two days later the campaign is over: not suggested, though still active in the catalogue.
    h.setNow(new Date(Date.now() + 3 * 86_400_000));
    try {
      expect(await shown(sub)).not.toContain("off_discount_20x2");
      expect((await h.request("GET", "/v1/offers/off_discount_20x2", { key: t.key })).body.active).toBe(true);
    } finally {
      h.setNow(null);
    }

    // Taken off (null): no end again.
    expect((await endAt(null)).status).toBe(200);
    expect(await shown(sub)).toContain("off_discount_20x2");
  });

  it("refuses a moment that is not one, and keeps the offer as it was", async () => {
    const before = await discount();
    const bad = await endAt("2026-12-31");
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe("validation_failed");
    expect(JSON.stringify(bad.body.errors)).toContain("availableUntil");
    expect(await discount()).toEqual(before);
  });
});
