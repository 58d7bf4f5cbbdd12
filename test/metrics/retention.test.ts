import { describe, expect, it } from "vitest";
import { retentionMetrics, type FlowFact } from "../../src/metrics/retention";

const f = (id: string, over: Partial<FlowFact>): FlowFact => ({
  id,
  channel: "web",
  reason: "surplus_stock",
  offerId: null,
  status: "canceled",
  holdout: false,
  holdoutPercent: 10,
  startedAt: "2026-10-01T01:00:00Z",
  closedAt: "2026-10-01T01:01:00Z",
  calls: 2,
  subscriptionCanceledAt: null,
  ...over,
});

/**
 * Hand-computed fixture, Asia/Tokyo, range 2026-10-01..2026-10-02, now 2026-11-20, durable = 30 days.
 * In range: a, b, c, d, e, g, h (7 flows). f started 2026-09-30T16:00Z = 10-01 01:00 JST → in range.
 * x started 2026-10-02T15:30Z = 10-03 00:30 JST → out of range. So 8 flows: a b c d e f g h.
 */
const flows: FlowFact[] = [
  f("a", { status: "saved", offerId: "off_skip_next", closedAt: "2026-10-01T01:02:00Z" }), // durable: still active
  f("b", { status: "saved", offerId: "off_skip_next", closedAt: "2026-10-01T01:02:00Z", subscriptionCanceledAt: "2026-10-15T00:00:00Z" }), // not durable
  f("c", { status: "saved", offerId: "off_pause", reason: "temporary_break", closedAt: "2026-10-02T03:00:00Z", subscriptionCanceledAt: "2026-11-10T00:00:00Z" }), // durable (canceled after 30 days)
  f("d", { status: "canceled", offerId: "off_skip_next", calls: 3, closedAt: "2026-10-01T01:05:00Z" }), // 300 s
  f("e", { status: "canceled", calls: 2, closedAt: "2026-10-01T01:00:30Z", channel: "ivr", reason: null }), // 30 s
  f("f", { status: "canceled", calls: 2, startedAt: "2026-09-30T16:00:00Z", closedAt: "2026-09-30T16:01:40Z", holdout: true }), // 100 s, holdout
  f("g", { status: "abandoned", closedAt: "2026-10-02T01:00:00Z", holdout: true }),
  f("h", { status: "abandoned", startedAt: "2026-10-02T02:00:00Z", closedAt: "2026-10-03T02:00:00Z" }),
  f("x", { status: "saved", startedAt: "2026-10-02T15:30:00Z" }),
];

describe("retention metrics", () => {
  const m = retentionMetrics({
    flows,
    population: { activeAtStart: 200, canceledInRange: 4, reactivationsInRange: 1 },
    from: "2026-10-01",
    to: "2026-10-02",
    timeZone: "Asia/Tokyo",
    now: "2026-11-20T00:00:00Z",
    durableSaveDays: 30,
    groupBy: "reason",
  });

  it("counts flows by the tenant-local day they started", () => {
    expect(m).toMatchObject({ started: 8, saved: 3, canceled: 3, abandoned: 2, open: 0 });
  });

  it("save rate = saved / (saved + canceled); durable save rate over saves old enough", () => {
    expect(m.saveRate).toBe(0.5);
    expect(m.durableSaves).toEqual({ judged: 3, durable: 2, lost: 1 }); // b
    expect(m.durableSaveRate).toBe(0.6667);
  });

  it("a save undone within days shows as lost at once, not 30 days later when it is judged", () => {
    const young = [
      f("y1", { status: "saved", startedAt: "2026-11-15T01:00:00Z", closedAt: "2026-11-15T01:02:00Z", subscriptionCanceledAt: "2026-11-16T00:00:00Z" }), // canceled the next day
      f("y2", { status: "saved", startedAt: "2026-11-15T02:00:00Z", closedAt: "2026-11-15T02:02:00Z" }), // still active, too young to judge
    ];
    const r = retentionMetrics({ flows: young, population: { activeAtStart: 10, canceledInRange: 0, reactivationsInRange: 0 }, from: "2026-11-15", to: "2026-11-15", timeZone: "Asia/Tokyo", now: "2026-11-20T00:00:00Z", durableSaveDays: 30 });
    expect(r.durableSaves).toEqual({ judged: 0, durable: 0, lost: 1 });
    expect(r.durableSaveRate).toBeNull();
  });

  it("churn and reactivation rates from the population", () => {
    expect(m.churn).toEqual({ activeAtStart: 200, canceled: 4, churnRate: 0.02 });
    expect(m.reactivations).toEqual({ count: 1, reactivationRate: 0.25 });
  });

  it("fairness: calls and seconds to a confirmed cancellation, median and worst", () => {
    expect(m.timeToCancel).toEqual({ cancellations: 3, medianCalls: 2, maxCalls: 3, medianSeconds: 100, maxSeconds: 300 });
  });

  it("holdout: kept rate with offers minus without", () => {
    // with offers: a b c d e h → closed 6, canceled 2 → kept 4/6; holdout: f g → closed 2, canceled 1 → 1/2.
    expect(m.holdout).toEqual({
      withOffers: { flows: 6, closed: 6, canceled: 2, keptRate: 0.6667 },
      holdout: { flows: 2, closed: 2, canceled: 1, keptRate: 0.5 },
      lift: 0.1667,
      // Newcombe's interval on 4/6 − 1/2: two held-out flows tell almost nothing.
      liftInterval: { low: -0.38, high: 0.6361, confidence: 0.95 },
    });
  });

  it("holdout: a flow started while no holdout was in force is in neither arm (it counts in the totals)", () => {
    const before = [f("i", { status: "canceled", holdoutPercent: 0 }), f("j", { status: "saved", holdoutPercent: 0 }), f("k", { status: "canceled", holdoutPercent: 0 })];
    const mixed = retentionMetrics({ flows: [...flows, ...before], population: { activeAtStart: 200, canceledInRange: 4, reactivationsInRange: 1 }, from: "2026-10-01", to: "2026-10-02", timeZone: "Asia/Tokyo", now: "2026-11-20T00:00:00Z", durableSaveDays: 30 });
    expect(mixed.started).toBe(m.started + 3);
    expect(mixed.holdout).toEqual(m.holdout); // with them: 5/9 kept with offers, a lift of 0.0556 instead of 0.1667
  });

  it("undone: a cancellation the customer undid leaves canceled and the save rate, is closed and kept in its arm, and still took time to cancel", () => {
    const withUndone = [...flows, f("u", { status: "canceled", undone: true, calls: 4, closedAt: "2026-10-01T01:10:00Z" }), f("v", { status: "canceled", undone: true, holdout: true, reason: null })];
    const r = retentionMetrics({ flows: withUndone, population: { activeAtStart: 200, canceledInRange: 4, reactivationsInRange: 1 }, from: "2026-10-01", to: "2026-10-02", timeZone: "Asia/Tokyo", now: "2026-11-20T00:00:00Z", durableSaveDays: 30, groupBy: "reason" });
    expect(r).toMatchObject({ started: 10, saved: 3, canceled: 3, undone: 2, abandoned: 2, open: 0, saveRate: 0.5 });
    expect(r.timeToCancel).toMatchObject({ cancellations: 5, maxCalls: 4, maxSeconds: 600 });
    expect(r.holdout).toMatchObject({ withOffers: { flows: 7, closed: 7, canceled: 2, keptRate: 0.7143 }, holdout: { flows: 3, closed: 3, canceled: 1, keptRate: 0.6667 } });
    for (const g of [r, ...r.groups!]) expect(g.started).toBe(g.saved + g.canceled + g.undone + g.abandoned + g.open);
    expect(r.groups!.map((g) => [g.key, g.canceled, g.undone])).toEqual([["none", 1, 1], ["surplus_stock", 2, 1], ["temporary_break", 0, 0]]);
  });

  it("groups by reason", () => {
    const byKey = Object.fromEntries(m.groups!.map((g) => [g.key, g]));
    expect(Object.keys(byKey)).toEqual(["none", "surplus_stock", "temporary_break"]);
    expect(byKey.surplus_stock).toMatchObject({ started: 6, saved: 2, canceled: 2, saveRate: 0.5 });
    expect(byKey.temporary_break).toMatchObject({ started: 1, saved: 1, saveRate: 1 });
    expect(byKey.none).toMatchObject({ started: 1, canceled: 1, saveRate: 0 });
  });

  it("no flows: rates are null, not zero", () => {
    const empty = retentionMetrics({ flows: [], population: { activeAtStart: 0, canceledInRange: 0, reactivationsInRange: 0 }, from: "2026-10-01", to: "2026-10-02", timeZone: "Asia/Tokyo", now: "2026-11-20T00:00:00Z", durableSaveDays: 30 });
    expect(empty).toMatchObject({ started: 0, saveRate: null, durableSaveRate: null, holdout: null, groups: null, churn: { churnRate: null } });
  });
});
