import { describe as group, expect, it } from "vitest";
import { describe, entryTitle, type TimelineItem } from "../../src/console/karte";

/** The handover an operator reads on the karte: who said or did what, which offer kept the plan, on which plan. */
const item = (over: Partial<TimelineItem>): TimelineItem => ({ at: "2026-12-02T01:00:00.000Z", kind: "event", id: "x", type: "contact.logged", subscriptionId: "S-1", channel: "phone", data: {}, actor: null, ...over });
const words = (subscriptions = [{ id: "S-1", product: { sku: "AOJIRU", name: "すっきり青汁", unitsPerPackage: 30, unitLabel: "包" } }]) =>
  ({ lang: "ja" as const, today: "2026-12-03", timeZone: "Asia/Tokyo", reasons: [{ code: "no_effect", label: "効果が感じられない" }], subscriptions }) as never;

group("the karte's timeline lines", () => {
  it("name the operator who took a contact or finished a flow, beside the channel", () => {
    const op = { type: "operator", id: "op-1", name: "佐々木 美咲" };
    expect(entryTitle(item({ actor: op }), "ja")).toBe("応対記録（電話・佐々木 美咲）");
    expect(entryTitle(item({ kind: "cancel_flow", type: "saved", channel: "web", actor: op }), "ja")).toMatch(/（Web・佐々木 美咲）$/u);
    expect(entryTitle(item({ actor: op }), "en")).toBe("Contact (Phone, 佐々木 美咲)");
    // A key or the customer: the channel alone, as before.
    expect(entryTitle(item({ actor: { type: "key", id: "key_1" } }), "ja")).toBe("応対記録（電話）");
  });

  it("call a flow replaced by a newer one a restart, not 「中断」; a flow left is still 中断", () => {
    const restarted = item({ kind: "cancel_flow", type: "abandoned", channel: "web", data: { reason: null, supersededBy: "cf_new" } });
    expect(entryTitle(restarted, "ja")).toBe("解約のご相談 → やり直し（Web）");
    expect(entryTitle(restarted, "en")).toBe("Cancel flow: restarted (Web)");
    expect(entryTitle(item({ kind: "cancel_flow", type: "abandoned", channel: "web", data: { reason: null, supersededBy: null } }), "ja")).toBe("解約のご相談 → 中断（Web）");
  });

  it("say which offer kept a saved flow, and what a discount taken gives, on which deliveries", () => {
    const saved = item({ kind: "cancel_flow", type: "saved", channel: "operator", data: { reason: "no_effect", acceptedOffer: { offerId: "off_usage_advice", title: { ja: "すっきり青汁の使い方のご案内", en: "Tips" } } } });
    expect(describe(saved, words())).toBe("効果が感じられない、「すっきり青汁の使い方のご案内」で継続");
    const discount = item({
      kind: "change",
      type: "discount",
      channel: "operator",
      data: { before: {}, after: { unitPrice: { amount: 3980, currency: "JPY" } }, source: { application: { kind: "discount", percentOff: 20, amountOff: null, cycles: 2, startsOn: "2026-12-10", endsOn: "2027-01-09" } } },
    });
    expect(describe(discount, words())).toBe("20%オフ（12月10日〜2027年1月9日のお届け）");
  });

  it("name the plan when the customer has several, so a skip is not read as any of them", () => {
    const skip = item({ kind: "event", type: "delivery.skipped", channel: null, data: { scheduledOn: "2026-10-21" } });
    expect(describe(skip, words())).toBe("10月21日のお届け分");
    const two = words([
      { id: "S-1", product: { sku: "AOJIRU", name: "すっきり青汁", unitsPerPackage: 30, unitLabel: "包" } },
      { id: "S-2", product: { sku: "KUROZU", name: "熟成黒酢", unitsPerPackage: 62, unitLabel: "粒" } },
    ]);
    expect(describe(skip, two)).toBe("すっきり青汁：10月21日のお届け分");
  });
});
