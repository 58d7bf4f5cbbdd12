import { describe, expect, it } from "vitest";
import {
  applyEvent,
  applySignal,
  emptyFeatures,
  featuresFrom,
  storedFeatures,
  WINDOW_CAP,
  withPersonHistory,
  withSubscription,
  type RiskEvent,
  type RiskFeatures,
  type SubscriptionFacts,
} from "../../src/risk/features";
import type { subscriptions } from "../../src/db/schema";

const sub: SubscriptionFacts = {
  quantity: 1,
  intervalDays: 30,
  nextDeliveryOn: "2025-06-20",
  unitPriceAmount: 3980,
  startedAt: "2025-03-01T00:00:00Z",
  deliveriesCompleted: 2,
  activeDiscount: null,
};

/** Events at noon Tokyo time on the given local date. */
const at = (date: string) => `${date}T03:00:00Z`;
const apply = (f: RiskFeatures, ...events: RiskEvent[]) => events.reduce((acc, e) => applyEvent(acc, e, { quantity: 1, intervalDays: 30 }), f);

describe("risk features", () => {
  it("start empty and neutral", () => {
    const f = emptyFeatures();
    expect(f).toMatchObject({ deliveriesCompleted: 0, skipsLast90d: 0, stockOnHandDays: null, lastNps: null, paymentFailing: false, asOf: null });
    expect(JSON.parse(JSON.stringify(f))).toEqual(f); // fits a JSON column as is
  });

  it("count complaints, cancel requests and negative contacts by topic", () => {
    const f = apply(
      emptyFeatures(),
      { type: "contact.logged", occurredAt: at("2025-06-01"), data: { channel: "phone", topic: "complaint", sentiment: "negative" } },
      { type: "contact.logged", occurredAt: at("2025-06-02"), data: { channel: "web", topic: "cancel_request" } },
      { type: "contact.logged", occurredAt: at("2025-06-03"), data: { channel: "email", topic: "inquiry", sentiment: "negative" } },
      { type: "contact.logged", occurredAt: at("2025-06-04"), data: { channel: "email", topic: "praise", sentiment: "positive" } },
    );
    expect(f).toMatchObject({ complaintsLast90d: 1, cancelRequestsLast90d: 1, negativeContactsLast90d: 1, asOf: "2025-06-04" });
  });

  it("use the tenant's local date: 23:30 UTC is the next day in Tokyo", () => {
    const f = applyEvent(emptyFeatures(), { type: "payment.failed", occurredAt: "2025-06-01T23:30:00Z", data: {} });
    expect(f.recent.paymentFailures).toEqual(["2025-06-02"]);
    const ny = applyEvent(emptyFeatures(), { type: "payment.failed", occurredAt: "2025-06-01T23:30:00Z", data: {} }, { timeZone: "America/New_York" });
    expect(ny.recent.paymentFailures).toEqual(["2025-06-01"]);
  });

  it("forget occurrences older than 90 days, counted for the scoring date", () => {
    let f = apply(
      emptyFeatures(),
      { type: "delivery.skipped", occurredAt: at("2025-01-10"), data: {} },
      { type: "delivery.skipped", occurredAt: at("2025-03-15"), data: {} },
    );
    expect(f.skipsLast90d).toBe(2);
    // 90-day window ending 2025-04-09 starts 2025-01-10: still both
    expect(withSubscription(f, sub, "2025-04-09").skipsLast90d).toBe(2);
    f = withSubscription(f, sub, "2025-04-10");
    expect(f.skipsLast90d).toBe(1);
    expect(f.recent.skips).toEqual(["2025-03-15"]);
    expect(withSubscription(f, sub, "2025-07-01").skipsLast90d).toBe(0);
  });

  it("accept out-of-order events and ignore ones already outside the window", () => {
    const f = apply(
      emptyFeatures(),
      { type: "payment.failed", occurredAt: at("2025-06-10"), data: {} },
      { type: "payment.failed", occurredAt: at("2025-05-01"), data: {} },
      { type: "payment.failed", occurredAt: at("2025-01-01"), data: {} },
    );
    expect(f.recent.paymentFailures).toEqual(["2025-05-01", "2025-06-10"]);
    expect(f.paymentFailuresLast90d).toBe(2);
  });

  it("keep at most WINDOW_CAP dates per window", () => {
    let f = emptyFeatures();
    for (let i = 0; i < WINDOW_CAP + 10; i++) f = applySignal(f, "skip", `2025-06-${String((i % 28) + 1).padStart(2, "0")}`);
    expect(f.recent.skips.length).toBe(WINDOW_CAP);
    expect(f.skipsLast90d).toBe(WINDOW_CAP);
  });

  it("do not count merchant-side skips", () => {
    const f = apply(emptyFeatures(), { type: "delivery.skipped", occurredAt: at("2025-06-01"), data: { requestedBy: "merchant" } });
    expect(f.skipsLast90d).toBe(0);
  });

  it("track an unresolved payment failure until a payment succeeds", () => {
    let f = apply(emptyFeatures(), { type: "payment.failed", occurredAt: at("2025-06-01"), data: { reason: "card_declined" } });
    expect(f.paymentFailing).toBe(true);
    f = apply(f, { type: "payment.succeeded", occurredAt: at("2025-06-03"), data: {} });
    expect(f.paymentFailing).toBe(false);
    expect(f.paymentFailuresLast90d).toBe(1);
  });

  it("turn a usage report into days of stock and keep estimating it as time passes and boxes arrive", () => {
    // 2 units a month, 3 units left = 45 days
    let f = applyEvent(emptyFeatures(), { type: "usage.reported", occurredAt: at("2025-06-01"), data: { remainingUnits: 3 } }, { quantity: 2, intervalDays: 30 });
    expect(f.stockOnHandDays).toBeCloseTo(45);
    const s = { ...sub, quantity: 2 };
    expect(withSubscription(f, s, "2025-06-11").stockOnHandDays).toBeCloseTo(35);
    // a box of 2 arrives after the report: +30 days
    f = applyEvent(f, { type: "delivery.completed", occurredAt: at("2025-06-05"), data: { quantity: 2 } });
    expect(withSubscription(f, s, "2025-06-11").stockOnHandDays).toBeCloseTo(65);
    // never negative, and unknown once the report is stale
    expect(withSubscription(f, s, "2025-09-20").stockOnHandDays).toBe(0);
    expect(withSubscription(f, s, "2025-12-01").stockOnHandDays).toBeNull();
  });

  it("keep the newest NPS and stock report even when an older one arrives late", () => {
    let f = apply(emptyFeatures(), { type: "survey.answered", occurredAt: at("2025-06-10"), data: { nps: 9 } });
    f = apply(f, { type: "survey.answered", occurredAt: at("2025-05-01"), data: { nps: 2 } });
    expect(f.lastNps).toBe(9);
    f = apply(f, { type: "usage.reported", occurredAt: at("2025-06-10"), data: { remainingUnits: 1 } });
    f = apply(f, { type: "usage.reported", occurredAt: at("2025-05-10"), data: { remainingUnits: 9 } });
    expect(f.stock).toEqual({ units: 1, reportedOn: "2025-06-10", reportedAt: at("2025-06-10") });
  });

  it("between two reports of one day, keep the later in time, whatever the arrival order or offset (#14.5)", () => {
    // 10:30 in Tokyo is 01:30Z, 3.5 hours before 05:00Z; the later one arrives first.
    let f = apply(emptyFeatures(), { type: "usage.reported", occurredAt: "2026-11-21T05:00:00.000Z", data: { remainingUnits: 2 } });
    f = apply(f, { type: "usage.reported", occurredAt: "2026-11-21T10:30:00+09:00", data: { remainingUnits: 90 } });
    expect(f.stock?.units).toBe(2);
    f = apply(f, { type: "usage.reported", occurredAt: "2026-11-21T06:00:00.000Z", data: { remainingUnits: 1 } });
    expect(f.stock?.units).toBe(1);
    let n = apply(emptyFeatures(), { type: "survey.answered", occurredAt: "2026-11-21T05:00:00.000Z", data: { nps: 3 } });
    n = apply(n, { type: "survey.answered", occurredAt: "2026-11-21T01:30:00.000Z", data: { nps: 10 } });
    expect(n.lastNps).toBe(3);
  });

  it("derive overdue days, tenure, price and discount end from the subscription", () => {
    const f = withSubscription(emptyFeatures(), { ...sub, activeDiscount: { endsOn: "2025-06-30" } }, "2025-06-25");
    expect(f).toMatchObject({ daysOverdue: 5, tenureDays: 116, unitPriceYen: 3980, discountEndingWithinDays: 5, deliveriesCompleted: 2, intervalDays: 30 });
    const onTime = withSubscription(emptyFeatures(), { ...sub, activeDiscount: { endsOn: "2025-06-01" } }, "2025-06-10");
    expect(onTime).toMatchObject({ daysOverdue: 0, discountEndingWithinDays: null });
    expect(withSubscription(emptyFeatures(), { ...sub, status: "paused" }, "2025-06-25").daysOverdue).toBe(0);
    expect(withSubscription(emptyFeatures(), { ...sub, status: "active" }, "2025-06-25").daysOverdue).toBe(5);
  });

  it("count deliveries from events and never fall below the merchant's synced count", () => {
    let f = apply(emptyFeatures(), { type: "delivery.completed", occurredAt: at("2025-04-01"), data: {} });
    expect(f.deliveriesCompleted).toBe(1);
    f = withSubscription(f, { ...sub, deliveriesCompleted: 7 }, "2025-06-01");
    expect(f.deliveriesCompleted).toBe(7);
  });

  it("record pauses, abandoned cancel flows, reactivations and the person's history", () => {
    let f = applySignal(emptyFeatures(), "pause", "2025-06-01");
    f = applySignal(applySignal(f, "cancel_flow_abandoned", "2025-06-02"), "reactivated", "2025-06-03");
    f = withPersonHistory(f, [
      { status: "canceled", deliveriesCompleted: 1 },
      { status: "canceled", deliveriesCompleted: 8 },
      { status: "active", deliveriesCompleted: 0 },
    ]);
    expect(f).toMatchObject({ pausesLast90d: 1, abandonedCancelFlows: 1, reactivations: 1, pastCancellations: 2, pastEarlyCancellations: 1 });
  });

  it("accept a subscriptions row as SubscriptionFacts", () => {
    type Row = typeof subscriptions.$inferSelect;
    const row = { ...sub, activeDiscount: null } as unknown as Row;
    const facts: SubscriptionFacts = row; // compile-time check
    expect(withSubscription(emptyFeatures(), facts, "2025-06-01").unitPriceYen).toBe(3980);
  });
});

describe("stored features", () => {
  const busy = (): RiskFeatures => {
    let f = withSubscription(emptyFeatures(), sub, "2025-06-01");
    f = applySignal(f, "skip", "2025-05-20");
    f = applySignal(f, "cancel_flow_abandoned", "2025-05-25");
    f = applyEvent(f, { type: "survey.answered", occurredAt: "2025-05-30T01:00:00Z", data: { nps: 4 } } as RiskEvent);
    return withSubscription(f, sub, "2025-06-01");
  };

  it("keeps only what is not at rest, and reads back the same features", () => {
    for (const f of [emptyFeatures(), busy()]) {
      const stored = JSON.parse(JSON.stringify(storedFeatures(f)));
      expect(featuresFrom(stored)).toEqual(f);
    }
    expect(storedFeatures(emptyFeatures())).toEqual({ v: 1 });
    const stored = storedFeatures(busy());
    expect(stored).toMatchObject({ skipsLast90d: 1, abandonedCancelFlows: 1, lastNps: 4, recent: { skips: ["2025-05-20"] } });
    expect(stored).not.toHaveProperty("pausesLast90d");
    expect(stored).not.toHaveProperty("recent.pauses");
    expect(JSON.stringify(stored).length).toBeLessThan(JSON.stringify(busy()).length / 2);
  });

  it("reads a full record stored before as it is", () => {
    const full = JSON.parse(JSON.stringify(busy()));
    expect(featuresFrom(full)).toEqual(busy());
  });

  it("does not share the empty lists between records", () => {
    const a = featuresFrom({ v: 1 });
    a.recent.skips.push("2025-01-01");
    expect(featuresFrom({ v: 1 }).recent.skips).toEqual([]);
  });
});
