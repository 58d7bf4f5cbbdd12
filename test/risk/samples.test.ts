import { describe, expect, it } from "vitest";
import { buildSamples, people, type HistoryEvent, type HistorySubscription } from "../../src/risk/samples";

const ASOF = "2026-11-20";
const sub = (over: Partial<HistorySubscription>): HistorySubscription => ({
  id: "S-1",
  customerId: "C-1",
  quantity: 1,
  intervalDays: 30,
  unitPriceAmount: 3980,
  startedAt: "2025-01-01T03:00:00Z",
  canceledAt: null,
  deliveriesCompleted: 10,
  ...over,
});

describe("training samples from history", () => {
  it("snapshots a live subscription on a grid ending 60 days before today; none before it started", () => {
    const samples = buildSamples({ subscriptions: [sub({})], events: [], changes: [], customers: [] }, { asOf: ASOF });
    expect(samples.length).toBeGreaterThan(10);
    expect(samples.every((s) => s.at >= "2025-01-01" && s.at <= "2026-09-21")).toBe(true);
    expect(samples.every((s) => s.label === 0)).toBe(true);
  });

  it("labels the snapshots within 60 days before the cancellation, and stops at it", () => {
    const samples = buildSamples({ subscriptions: [sub({ canceledAt: "2026-03-15T03:00:00Z" })], events: [], changes: [], customers: [] }, { asOf: ASOF });
    const positives = samples.filter((s) => s.label === 1).map((s) => s.at);
    expect(positives.length).toBeGreaterThanOrEqual(1);
    expect(positives.every((d) => d >= "2026-01-14" && d < "2026-03-15")).toBe(true);
    expect(samples.every((s) => s.at < "2026-03-15")).toBe(true);
  });

  it("a won-back subscription: its cancellation is still a label, it is not sampled while gone, and its flows count as of their dates", () => {
    // Cancelled in March through a cancel flow, reactivated in May: active again today.
    const changes = [
      { subscriptionId: "S-1", type: "cancel", createdAt: "2026-03-15T03:00:00Z" },
      { subscriptionId: "S-1", type: "reactivate", createdAt: "2026-05-10T03:00:00Z" },
    ];
    const flows = [
      { subscriptionId: "S-1", status: "abandoned", startedAt: "2025-12-01T03:00:00Z", closedAt: "2025-12-02T03:00:00Z" },
      { subscriptionId: "S-1", status: "canceled", startedAt: "2026-03-15T02:55:00Z", closedAt: "2026-03-15T03:00:00Z" },
    ];
    const samples = buildSamples({ subscriptions: [sub({})], events: [], changes, customers: [], flows }, { asOf: ASOF });
    const positives = samples.filter((s) => s.label === 1).map((s) => s.at);
    expect(positives.length).toBeGreaterThanOrEqual(1);
    expect(positives.every((d) => d >= "2026-01-14" && d < "2026-03-15")).toBe(true);
    expect(samples.some((s) => s.at >= "2026-03-15" && s.at < "2026-05-10")).toBe(false);
    const back = samples.filter((s) => s.at >= "2026-05-10");
    expect(back.length).toBeGreaterThan(0);
    expect(back.every((s) => s.label === 0 && s.features.reactivations === 1)).toBe(true);
    expect(samples.filter((s) => s.at < "2025-12-02").every((s) => s.features.abandonedCancelFlows === 0)).toBe(true);
    expect(samples.filter((s) => s.at >= "2025-12-02").every((s) => s.features.abandonedCancelFlows === 1)).toBe(true);
  });

  it("a restarted flow is part of the attempt that replaced it: no abandonment and no second request to cancel; a flow left or expired is still an abandonment", () => {
    // Started, reloaded and left in the end (D1 → D2, D2 left); later started, restarted by phone and saved (R1 → R2).
    const flows = [
      { subscriptionId: "S-1", status: "abandoned", startedAt: "2026-02-01T03:00:00Z", closedAt: "2026-02-01T03:02:00Z", supersededBy: "D2" },
      { subscriptionId: "S-1", status: "abandoned", startedAt: "2026-02-01T03:02:00Z", closedAt: "2026-02-01T03:10:00Z", attemptStartedAt: "2026-02-01T03:00:00Z" },
      { subscriptionId: "S-1", status: "abandoned", startedAt: "2026-04-01T03:00:00Z", closedAt: "2026-04-01T03:05:00Z", supersededBy: "R2" },
      { subscriptionId: "S-1", status: "saved", startedAt: "2026-04-01T03:05:00Z", closedAt: "2026-04-01T03:08:00Z", attemptStartedAt: "2026-04-01T03:00:00Z" },
    ];
    const samples = buildSamples({ subscriptions: [sub({})], events: [], changes: [], customers: [], flows }, { asOf: ASOF });
    const after = (d: string) => samples.filter((s) => s.at >= d);
    expect(after("2026-02-01").every((s) => s.features.abandonedCancelFlows === 1)).toBe(true);
    // One request to cancel per attempt, in the 90 days after each (snapshots on 02-23 and 04-24).
    const on = (d: string) => samples.find((s) => s.at === d)!.features.cancelRequestsLast90d;
    expect([on("2026-02-23"), on("2026-04-24")]).toEqual([1, 2]);
  });

  it("features are as of the snapshot: later events and later deliveries do not leak in", () => {
    const events: HistoryEvent[] = [
      { subscriptionId: "S-1", customerId: "C-1", type: "contact.logged", occurredAt: "2026-06-01T03:00:00Z", data: { channel: "phone", topic: "cancel_request", sentiment: "negative" } },
      ...["2026-04-01", "2026-05-01", "2026-06-01"].map((d) => ({ subscriptionId: "S-1", customerId: "C-1", type: "delivery.completed", occurredAt: `${d}T03:00:00Z`, data: { deliveredOn: d } }) as HistoryEvent),
    ];
    const samples = buildSamples({ subscriptions: [sub({})], events, changes: [], customers: [] }, { asOf: ASOF });
    const before = samples.filter((s) => s.at < "2026-04-01");
    const after = samples.filter((s) => s.at >= "2026-06-01" && s.at <= "2026-08-29");
    expect(before.every((s) => s.features.cancelRequestsLast90d === 0)).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((s) => s.features.cancelRequestsLast90d === 1)).toBe(true);
    // 10 deliveries today, 3 of them after April: 7 as of March.
    expect(before.at(-1)!.features.deliveriesCompleted).toBe(7);
  });

  it("earlier cancellations of the same person (another record, same phone) count only once they happened", () => {
    const customers = [
      { id: "C-1", phone: "+819012345678", emailNormalized: null },
      { id: "C-2", phone: "+819012345678", emailNormalized: "b@example.jp" },
      { id: "C-3", phone: null, emailNormalized: "b@example.jp" },
    ];
    expect(new Set(people(customers).values()).size).toBe(1);
    const samples = buildSamples(
      {
        subscriptions: [sub({ id: "S-old", customerId: "C-3", canceledAt: "2025-06-10T03:00:00Z", deliveriesCompleted: 1 }), sub({ id: "S-new", customerId: "C-1" })],
        events: [],
        changes: [],
        customers,
      },
      { asOf: ASOF },
    ).filter((s) => s.features.tenureDays !== null && s.at >= "2025-01-01");
    const mine = samples.filter((s) => s.features.pastEarlyCancellations === 1);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((s) => s.at >= "2025-06-10")).toBe(true);
  });
});
