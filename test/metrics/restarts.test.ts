import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retentionMetrics, type FlowFact } from "../../src/metrics/retention";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * Restarts by hand, on one Tokyo day (2026-10-01): the SQL of GET /v1/metrics/retention and the
 * in-memory reference (metrics/retention) agree on every grouping.
 * - A: started on the web (A1), reloaded (A2, reason given), taken over by phone (A3, 佐々木) and
 *   cancelled there: one attempt, web's, canceled, 4 calls in all, 10 minutes from A1's start.
 * - B: a held-out web flow (B1) restarted (B2, same arm) and saved by the customer's own change.
 * - C: a web flow the customer left: a true abandonment.
 * - D: an IVR flow cancelled at once.
 * - E: an operator flow (田中) that showed an offer, restarted by 田中 (E2) and saved by the offer.
 */
const SASAKI = { type: "operator", id: "op-sasaki", name: "佐々木 美咲" };
const TANAKA = { type: "operator", id: "op-tanaka", name: "田中 健太" };
const CUSTOMER = { type: "customer", id: "C1" };
const at = (min: number) => new Date(Date.parse("2026-10-01T01:00:00.000Z") + min * 60_000).toISOString();
type Row = {
  id: string;
  sub: string;
  channel: string;
  status: FlowFact["status"];
  reason: string | null;
  shown?: string[];
  offerId?: string | null;
  holdout?: boolean;
  start: number;
  close: number | null;
  calls: number;
  supersededBy?: string;
  attempt?: { start: number; channel: string; calls: number };
  actors: (typeof SASAKI | typeof CUSTOMER)[];
};
const rows: Row[] = [
  { id: "A1", sub: "SA", channel: "web", status: "abandoned", reason: null, start: 0, close: 1, calls: 1, supersededBy: "A2", actors: [CUSTOMER, CUSTOMER] },
  { id: "A2", sub: "SA", channel: "web", status: "abandoned", reason: "moving", start: 1, close: 4, calls: 2, supersededBy: "A3", attempt: { start: 0, channel: "web", calls: 1 }, actors: [CUSTOMER, CUSTOMER, SASAKI] },
  { id: "A3", sub: "SA", channel: "operator", status: "canceled", reason: "moving", start: 4, close: 10, calls: 1, attempt: { start: 0, channel: "web", calls: 3 }, actors: [SASAKI, SASAKI] },
  { id: "B1", sub: "SB", channel: "web", status: "abandoned", reason: "surplus_stock", holdout: true, start: 2, close: 3, calls: 2, supersededBy: "B2", actors: [CUSTOMER, CUSTOMER] },
  { id: "B2", sub: "SB", channel: "web", status: "saved", reason: "surplus_stock", holdout: true, start: 3, close: 5, calls: 2, attempt: { start: 2, channel: "web", calls: 2 }, actors: [CUSTOMER, CUSTOMER] },
  { id: "C1", sub: "SC", channel: "web", status: "abandoned", reason: "surplus_stock", shown: ["off_skip_next"], offerId: "off_skip_next", start: 5, close: 8, calls: 2, actors: [CUSTOMER, CUSTOMER, CUSTOMER] },
  { id: "D1", sub: "SD", channel: "ivr", status: "canceled", reason: null, start: 6, close: 7, calls: 2, actors: [CUSTOMER, CUSTOMER] },
  { id: "E1", sub: "SE", channel: "operator", status: "abandoned", reason: "surplus_stock", shown: ["off_skip_next"], offerId: "off_skip_next", start: 7, close: 9, calls: 2, supersededBy: "E2", actors: [TANAKA, TANAKA, TANAKA] },
  { id: "E2", sub: "SE", channel: "operator", status: "saved", reason: "surplus_stock", shown: ["off_pause"], offerId: "off_pause", start: 9, close: 12, calls: 3, attempt: { start: 7, channel: "operator", calls: 2 }, actors: [TANAKA, TANAKA] },
];

describe("retention metrics with restarted flows: the SQL and the reference agree", () => {
  let h: NodeHarness;
  beforeAll(async () => {
    h = await nodeHarness();
  });
  afterAll(() => h.close());

  it("counts attempts (restarts apart) the same way in SQL and in memory, totals, arms and every grouping", async () => {
    const t = await h.tenant();
    for (const f of rows) {
      await h.db.client.execute({
        sql: `INSERT INTO cancel_flows (tenant_id, id, subscription_id, customer_id, channel, status, reason, offer_id, offers_shown, holdout, holdout_percent, calls, started_at, expires_at, closed_at, superseded_by, attempt_started_at, attempt_channel, earlier_calls)
              VALUES (?, ?, ?, 'C1', ?, ?, ?, ?, ?, ?, 10, ?, ?, '2026-10-02T01:00:00.000Z', ?, ?, ?, ?, ?)`,
        args: [t.id, f.id, f.sub, f.channel, f.status, f.reason, f.offerId ?? null, JSON.stringify((f.shown ?? []).map((offerId) => ({ offerId }))), f.holdout ? 1 : 0, f.calls, at(f.start), f.close === null ? null : at(f.close), f.supersededBy ?? null, f.attempt ? at(f.attempt.start) : null, f.attempt?.channel ?? null, f.attempt?.calls ?? 0],
      });
      for (const [seq, actor] of f.actors.entries()) {
        await h.db.client.execute({
          sql: "INSERT INTO cancel_flow_steps (tenant_id, flow_id, seq, type, channel, at, data, actor) VALUES (?, ?, ?, 'step', ?, ?, '{}', ?)",
          args: [t.id, f.id, seq + 1, actor.type === "operator" ? "operator" : "web", at(f.start), JSON.stringify(actor)],
        });
      }
    }
    const facts: FlowFact[] = rows.map((f) => {
      const last = [...f.actors].reverse().find((a) => a.type === "operator") as typeof SASAKI | undefined;
      return {
        id: f.id,
        channel: f.channel,
        reason: f.reason,
        offerId: f.offerId ?? null,
        offersShown: f.shown ?? [],
        operator: last ? { id: last.id, name: last.name } : null,
        status: f.status,
        holdout: f.holdout ?? false,
        holdoutPercent: 10,
        startedAt: at(f.start),
        closedAt: f.close === null ? null : at(f.close),
        calls: f.calls,
        subscriptionCanceledAt: null,
        supersededBy: f.supersededBy ?? null,
        attemptStartedAt: f.attempt ? at(f.attempt.start) : null,
        attemptChannel: f.attempt?.channel ?? null,
        earlierCalls: f.attempt?.calls ?? 0,
      };
    });
    const now = new Date().toISOString();
    const reference = (groupBy?: "reason" | "offer" | "channel" | "operator" | "day") =>
      retentionMetrics({ flows: facts, population: { activeAtStart: 0, canceledInRange: 0, reactivationsInRange: 0 }, from: "2026-10-01", to: "2026-10-01", timeZone: "Asia/Tokyo", now, durableSaveDays: 30, ...(groupBy ? { groupBy } : {}) });

    const all = reference();
    // By hand: attempts A, B, C, D, E — A and D cancelled, B and E saved, C left.
    expect(all).toMatchObject({ started: 5, restarted: 4, saved: 2, canceled: 2, abandoned: 1, open: 0, saveRate: 0.5 });
    // A: 600 s and 1 + 2 + 1 calls; D: 60 s and 2 calls.
    expect(all.timeToCancel).toEqual({ cancellations: 2, medianCalls: 3, maxCalls: 4, medianSeconds: 330, maxSeconds: 600 });
    // Arms: B once (held out, saved); A, C, D, E with offers (C abandoned, A and D cancelled).
    expect(all.holdout).toEqual({ withOffers: { flows: 4, closed: 4, canceled: 2, keptRate: 0.5 }, holdout: { flows: 1, closed: 1, canceled: 0, keptRate: 1 }, lift: -0.5, liftInterval: { low: -0.85, high: 0.3672, confidence: 0.95 } });

    const api = async (q: string) => {
      const res = await h.request("GET", `/v1/metrics/retention?from=2026-10-01&to=2026-10-01${q}`, { key: t.key });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const { churn: _c, reactivations: _r, winback: _w, ...totals } = await api("");
    const { churn: _c2, reactivations: _r2, ...expectedTotals } = all;
    expect(totals).toEqual(expectedTotals);
    for (const by of ["reason", "offer", "channel", "operator", "day"] as const) {
      expect((await api(`&groupBy=${by}`)).groups, by).toEqual(reference(by).groups);
    }
    // The attempt restarted by phone is web's, with its restarts.
    expect(reference("channel").groups!.map((g) => [g.key, g.started, g.restarted])).toEqual([["ivr", 1, 0], ["operator", 1, 1], ["web", 3, 3]]);
  });
});
