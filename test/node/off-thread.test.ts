import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportCustomer } from "../../src/data-rights/export";
import { reasonInsightsFor } from "../../src/insights/routes";
import { retentionFor, winbackFor } from "../../src/metrics/routes";
import { resolveSettings } from "../../src/settings/schemas";
import type { OffThread } from "../../src/platform/off-thread";
import { startReadWorker } from "../../src/platform/off-thread-node";
import { TenantStore } from "../../src/platform/tenancy";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

// The customer export is a long read: on Node it runs in a worker thread on its own connection,
// so the request path (the IVR's data dip) is not held while it reads.
describe("long reads off the request path (Node)", () => {
  let h: NodeHarness;
  let t: TestTenant;
  let worker: ReturnType<typeof startReadWorker>;
  const jobs: string[] = [];

  beforeAll(async () => {
    const counted: OffThread = (job, input) => {
      jobs.push(job);
      return worker(job, input);
    };
    h = await nodeHarness({ offThread: counted });
    worker = startReadWorker(`file:${h.dbPath}`);
    t = await h.tenant();
  });
  afterAll(async () => {
    await worker.close();
    h.close();
  });

  it("the export is read in the worker thread and answers what the request itself would have read", async () => {
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ name: "輸出 太郎" }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
    await h.request("POST", `/v1/subscriptions/${s}/skip`, { key: t.key, body: { count: 1 } });
    h.setNow(new Date());
    const res = await h.request("GET", `/v1/customers/${c}/export`, { key: t.key, headers: { "accept-language": "en" } });
    expect(res.status).toBe(200);
    expect(jobs).toEqual(["exportCustomer"]);
    const inRequest = await exportCustomer(new TenantStore(h.db, t.id), c, new Date(res.body.generatedAt), "en");
    // Read after the route's export, the audit entries hold that export too (written after it was read).
    expect(inRequest.auditEntries.map((e) => e.action)).toEqual(["customer.exported"]);
    expect(res.body).toEqual(JSON.parse(JSON.stringify({ ...inRequest, auditEntries: [] })));
    expect(res.body.changes.length).toBeGreaterThan(0);
    h.setNow(null);
  });

  it("a refusal in the thread is the same problem: another shop's customer is not found", async () => {
    const other = await h.tenant();
    const c = uid("C");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    const res = await h.request("GET", `/v1/customers/${c}/export`, { key: other.key });
    expect(res.status).toBe(404);
    expect(res.body.code).toBe("customer_not_found");
    expect(jobs.at(-1)).toBe("exportCustomer");
  });

  it("training fits in the thread: its refusal is the request's own (422 insufficient_history), and nothing is stored", async () => {
    const fresh = await h.tenant();
    for (const [path, job] of [
      ["/v1/risk/model/train", "fitRiskModel"],
      ["/v1/winback/model/train", "fitWinbackModel"],
    ] as const) {
      const res = await h.request("POST", path, { key: fresh.key });
      expect(res.status, res.text).toBe(422);
      expect(res.body.code).toBe("insufficient_history");
      expect(res.body.required).toBeTruthy();
      expect(jobs.at(-1)).toBe(job);
    }
    expect((await h.request("GET", "/v1/risk/model", { key: fresh.key })).body.source).toBe("default");
  });

  it("the retention and win-back metrics and the reason insights are computed in the thread, as the request would have", async () => {
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
    const flow = await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: { channel: "web" } });
    await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, body: { reason: "too_expensive", comment: "値段が高いので続けられません" } });
    await h.request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { acknowledgeFee: true } });
    const now = new Date();
    h.setNow(now);
    const before = jobs.length;
    const retention = await h.request("GET", "/v1/metrics/retention?groupBy=reason", { key: t.key });
    const winback = await h.request("GET", "/v1/metrics/winback", { key: t.key });
    const insights = await h.request("GET", "/v1/insights/reasons", { key: t.key });
    h.setNow(null);
    expect([retention.status, winback.status, insights.status]).toEqual([200, 200, 200]);
    expect(jobs.slice(before)).toEqual(["retentionMetrics", "winbackMetrics", "reasonInsights"]);
    expect(insights.body.comments).toBe(1);
    expect(insights.body).toEqual(JSON.parse(JSON.stringify(await reasonInsightsFor(new TenantStore(h.db, t.id), resolveSettings({}), now, {}))));
    expect(retention.body.started).toBe(1);
    expect(retention.body.groups).toEqual([expect.objectContaining({ key: "too_expensive", started: 1 })]);
    const settings = resolveSettings({});
    const store = new TenantStore(h.db, t.id);
    expect(retention.body).toEqual(JSON.parse(JSON.stringify(await retentionFor(store, settings, now, { groupBy: "reason" }))));
    expect(winback.body).toEqual(JSON.parse(JSON.stringify(await winbackFor(store, settings, now, {}))));
  });

  it("a bad range is refused from the thread with the same problem", async () => {
    const res = await h.request("GET", "/v1/metrics/retention?from=2026-12-02&to=2026-12-01", { key: t.key });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("validation_failed");
    expect(jobs.at(-1)).toBe("retentionMetrics");
  });
});
