import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookDeliveries, winbacks } from "../../src/db/schema";
import { TenantStore } from "../../src/platform/tenancy";
import { resolveSettings } from "../../src/settings/schemas";
import { presentComeback } from "../../src/winback/comeback";
import { CANDIDATES_CURSOR, candidatesDocument, candidatesPage, candidatesPageJson } from "../../src/winback/candidates";
import { decodeCursor } from "../../src/platform/pagination";
import { computeComebacks } from "../../src/winback/decide";
import { DEFAULT_WINBACK_MODEL, scoreWinback, type WinbackFeatures } from "../../src/winback/model";
import { addDays, localDate } from "../../src/platform/dates";
import { cancelledForPrice as cancelledFor, customerBody, RECEIVER_SECRET, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/** Win-back over time (Node only: the clock in hand). */
describe("win-back over time", () => {
  let h: NodeHarness;
  let t: TestTenant;

  /** harness `cancelledForPrice` with this suite's harness. */
  const cancelledForPrice = (own: TestTenant, confirm: Record<string, unknown>) => cancelledFor(h, own, confirm);
  const today = () => localDate(new Date(), "Asia/Tokyo");

  beforeAll(async () => {
    h = await nodeHarness();
    t = await h.tenant();
  });
  afterAll(() => h.close());

  it("winback.due at the named date, once delivered, is the contact a later reactivation is credited to", async () => {
    await h.request("PUT", "/v1/webhooks/wb", { key: t.key, body: { url: `${h.receiverUrl}/hook`, events: ["winback.due"], secret: RECEIVER_SECRET } });
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody({ marketingConsent: false }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) });
    // Back today: due at once (the receiver checks the signature's time, so the clock stays real until it has it).
    const returnOn = today();
    const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: {} })).body;
    await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: { keepInTouch: true, returnOn } });

    const due = new Date();
    await h.maintain(() => due);
    const [delivery] = await h.db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, t.id));
    expect(delivery).toMatchObject({ eventType: "winback.due", status: "delivered" });
    expect(JSON.parse(delivery!.payload).data).toMatchObject({ customerId: c, subscriptionId: s, returnOn, reason: null });
    // A reminder's parameters name the date its title does (the customer's own date apart): today's named date restarts 3 days on.
    const reminder = JSON.parse(delivery!.payload).data.offer;
    expect(reminder).toMatchObject({ kind: "reminder", restartOn: addDays(returnOn, 3), parameters: { restartOn: addDays(returnOn, 3), returnOn } });

    h.setNow(new Date(due.getTime() + 2 * 86_400_000));
    try {
      expect((await h.request("POST", `/v1/subscriptions/${s}/reactivate`, { key: t.key, body: {} })).status).toBe(200);
      const m = (await h.request("GET", "/v1/metrics/winback", { key: t.key })).body;
      expect(m).toMatchObject({ canceled: 1, reactivated: 1, reactivationRate: 1, contacts: { contacted: 1, reactivatedAfterContact: 1, afterContactShare: 1 } });
    } finally {
      h.setNow(null);
    }
  });

  it("a winback.due that reached nobody (no endpoint, or every attempt refused) is no contact; without an endpoint the record waits for one", async () => {
    for (const url of [null, "http://127.0.0.1:9/hook"]) {
      const own = await h.tenant();
      if (url) await h.request("PUT", "/v1/webhooks/wb", { key: own.key, body: { url, events: ["winback.due"] } });
      const { s } = await cancelledForPrice(own, { keepInTouch: true, returnOn: today() });
      await h.maintain(() => new Date());
      const [record] = await h.db.orm.select().from(winbacks).where(eq(winbacks.tenantId, own.id));
      expect(record).toMatchObject({ dueStatus: url ? "sent" : "pending", contactedAt: null });
      // Two days on, after the cancellation took effect: a return (the same day it would be undone, in no figure).
      h.setNow(new Date(Date.now() + 2 * 86_400_000));
      try {
        expect((await h.request("POST", `/v1/subscriptions/${s}/reactivate`, { key: own.key, body: {} })).status).toBe(200);
        const m = (await h.request("GET", "/v1/metrics/winback", { key: own.key })).body;
        expect(m).toMatchObject({ reactivated: 1, contacts: { contacted: 0, reactivatedAfterContact: 0, afterContactShare: 0 } });
      } finally {
        h.setNow(null);
      }
    }
  });

  it("the list's chance is as of today: the maintenance job scores listed records again each day; a named date long gone by stops counting", async () => {
    const own = await h.tenant();
    const returnOn = addDays(today(), 20);
    const { c } = await cancelledForPrice(own, { keepInTouch: true, returnOn });
    const listed = async () => (await h.request("GET", `/v1/winback/candidates?customerId=${c}`, { key: own.key, headers: { "accept-language": "en" } })).body.data[0];
    const atCancel = await listed();
    expect(atCancel.drivers.map((d: { code: string }) => d.code)).toContain("return_date_named");
    const record = async () => (await h.db.orm.select().from(winbacks).where(eq(winbacks.tenantId, own.id)))[0]!;
    const features = (await record()).features as unknown as WinbackFeatures;

    // 120 days on (100 past the date named): scored again as of that day, by the same model.
    const later = addDays(today(), 120);
    await h.maintain(() => new Date(`${later}T03:00:00Z`));
    const want = scoreWinback(DEFAULT_WINBACK_MODEL, features, later);
    expect(await record()).toMatchObject({ scoredOn: later, probability: want.probability, drivers: want.drivers });
    expect(want.probability).toBeLessThan(atCancel.probability);
    expect(want.drivers.map((d) => d.code)).toContain("months_since_cancel");
    expect(want.drivers.map((d) => d.code)).not.toContain("return_date_named");
    // A second run the same day has nothing to do.
    expect((await h.maintain(() => new Date(`${later}T03:00:01Z`))).winbacksRescored).toBe(0);

    // A record written without its features (by hand, an import) keeps its score and does not stop the pass.
    await h.db.client.execute({ sql: "UPDATE winbacks SET features = '{}' WHERE tenant_id = ?", args: [own.id] });
    const kept = await record();
    const dayAfter = addDays(later, 1);
    const run = await h.maintain(() => new Date(`${dayAfter}T03:00:00Z`));
    expect(run.winbacksRescored).toBe(1);
    expect(await record()).toMatchObject({ scoredOn: dayAfter, probability: kept.probability, drivers: kept.drivers });
  });

  it("winback.due carries the comeback offer the list shows; the customer can take what they were sent for 30 days, even once the list suggests another", async () => {
    const own = await h.tenant();
    await h.request("PUT", "/v1/webhooks/wb", { key: own.key, body: { url: "http://127.0.0.1:9/hook", events: ["winback.due"] } });
    const { c, s, flowId } = await cancelledForPrice(own, { keepInTouch: true, returnOn: today() });

    await h.maintain(() => new Date());
    const [delivery] = await h.db.orm.select().from(webhookDeliveries).where(eq(webhookDeliveries.tenantId, own.id));
    const data = JSON.parse(delivery!.payload).data;
    // One customer's row, by the link the payload gives: the offer it carries is the list's, with how long it holds.
    expect(data.candidates).toBe(`/v1/winback/candidates?customerId=${c}`);
    const listed = (await h.request("GET", data.candidates, { key: own.key })).body.data[0].offer;
    const sentOn = today();
    expect(data.offer).toEqual({ ...listed, validUntil: addDays(sentOn, 30) });
    expect(data.offer).toMatchObject({ kind: "offer", type: "discount", title: "再開後2回のお届けが20%オフ", message: expect.stringContaining("再開をご希望の際は") });

    // The suggestion moves on (as after a catalogue edit that ranks another offer first): the list shows another offer.
    const quantity = (await h.request("GET", "/v1/offers", { key: own.key })).body.data.find((o: { type: string }) => o.type === "change_quantity").id as string;
    await h.db.client.execute({ sql: "UPDATE winbacks SET comeback = json_set(comeback, '$.offer.offerId', ?, '$.offer.type', 'change_quantity') WHERE tenant_id = ? AND subscription_id = ?", args: [quantity, own.id, s] });
    const take = () => h.request("POST", `/v1/subscriptions/${s}/reactivate`, { key: own.key, body: { offerId: data.offer.offerId } });
    try {
      // Day 31 after sending: expired, nothing changed.
      h.setNow(new Date(`${addDays(sentOn, 31)}T03:00:00Z`));
      const late = await take();
      expect(late.status).toBe(409);
      expect(late.body).toMatchObject({ code: "offer_expired", validUntil: addDays(sentOn, 30) });
      // Day 30: still the customer's to take, discount and all.
      h.setNow(new Date(`${addDays(sentOn, 30)}T03:00:00Z`));
      const back = await take();
      expect(back.status).toBe(200);
      expect(back.body.subscription.activeDiscount).toMatchObject({ percentOff: 20, offerId: data.offer.offerId });
      expect(back.body.change.source.comeback).toEqual({ winbackId: expect.any(String), offerId: data.offer.offerId });
      // Revenue recovered is the year of the plan as it restarted, less the two discounted deliveries (20 % of ￥19,600 each).
      const { intervalDays } = back.body.subscription;
      const metrics = (await h.request("GET", "/v1/metrics/winback", { key: own.key })).body;
      expect(metrics.revenueRecovered).toEqual([{ amount: Math.round((19_600 * 365) / intervalDays) - 2 * 3_920, currency: "JPY" }]);
      const evidence = (await h.request("GET", `/v1/cancel-flows/${flowId}`, { key: own.key })).body;
      expect(evidence.steps.at(-1)).toMatchObject({ type: "win_back_accepted", data: { offerId: data.offer.offerId, comeback: "sent" } });
    } finally {
      h.setNow(null);
    }
  });

  it("the my-page shows the sent offer while it can be taken (plan-options reactivate.comeback): through its validUntil, not the day after once the list suggests another", async () => {
    const own = await h.tenant();
    await h.request("PUT", "/v1/webhooks/wb", { key: own.key, body: { url: "http://127.0.0.1:9/hook", events: ["winback.due"] } });
    const { s } = await cancelledForPrice(own, { keepInTouch: true, returnOn: today() });
    await h.maintain(() => new Date());
    const sentOn = today();
    // The suggestion moves on (another offer ranked first), so only what was sent keeps it takeable.
    const quantity = (await h.request("GET", "/v1/offers", { key: own.key })).body.data.find((o: { type: string }) => o.type === "change_quantity").id as string;
    await h.db.client.execute({ sql: "UPDATE winbacks SET comeback = json_set(comeback, '$.offer.offerId', ?, '$.offer.type', 'change_quantity') WHERE tenant_id = ? AND subscription_id = ?", args: [quantity, own.id, s] });
    const shown = async () => (await h.request("GET", `/v1/subscriptions/${s}/plan-options`, { key: own.key })).body.reactivate.comeback;
    try {
      h.setNow(new Date(`${addDays(sentOn, 30)}T03:00:00Z`));
      expect(await shown()).toMatchObject({ type: "discount", validUntil: addDays(sentOn, 30) });
      h.setNow(new Date(`${addDays(sentOn, 31)}T03:00:00Z`));
      expect(await shown()).toBeNull();
    } finally {
      h.setNow(null);
    }
  });

  it("a monthly plan on the 31st restarts on its own day: the comeback's restart date and the reactivation taking it (not the earliest date, not a new day)", async () => {
    const own = await h.tenant();
    const c = uid("C");
    const s = uid("S");
    // The last day of the first month ending at least 12 days ahead with a 31st: the plan's day is 31.
    let next = addDays(today(), 12);
    for (;;) {
      const end = new Date(Date.UTC(Number(next.slice(0, 4)), Number(next.slice(5, 7)), 0)).toISOString().slice(0, 10);
      if (end.endsWith("-31")) { next = end; break; }
      next = addDays(end, 1);
    }
    await h.request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: false }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { intervalDays: undefined, intervalMonths: 1, nextDeliveryOn: next, unitPrice: { amount: 9800, currency: "JPY" } }) });
    const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} })).body;
    await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: own.key, body: { reason: "too_expensive" } });
    await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: own.key, body: { keepInTouch: true } });
    // The first delivery on the 31st (or a shorter month's last day) from the earliest changeable date.
    const earliest = addDays(today(), 3);
    const onSchedule = new Date(Date.UTC(Number(earliest.slice(0, 4)), Number(earliest.slice(5, 7)), 0)).toISOString().slice(0, 10);
    const listed = (await h.request("GET", "/v1/winback/candidates", { key: own.key })).body.data[0].offer;
    expect(listed).toMatchObject({ kind: "offer", restartOn: onSchedule });
    const back = await h.request("POST", `/v1/subscriptions/${s}/reactivate`, { key: own.key, body: { offerId: listed.offerId } });
    expect(back.status, back.text).toBe(200);
    expect(back.body.subscription).toMatchObject({ status: "active", nextDeliveryOn: onSchedule, deliveryDay: 31 });
  });

  it("the daily re-render leaves old synced history alone, as the list does (never contacted: migration 0031); a recent synced cancellation follows the date", async () => {
    const own = await h.tenant();
    const c = uid("C");
    await h.request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: true }) });
    const put = async (id: string, canceledAt: string) => {
      const res = await h.request("PUT", `/v1/subscriptions/${id}`, { key: own.key, body: subscriptionBody(c, { status: "canceled", canceledAt, cancellationReason: "too_expensive", startedAt: "2024-01-01T00:00:00Z", nextDeliveryOn: null }) });
      expect(res.status, res.text).toBe(201);
    };
    const [old, recent] = [uid("S"), uid("S")];
    await put(old, new Date(Date.now() - 400 * 86_400_000).toISOString());
    await put(recent, new Date(Date.now() - 12 * 86_400_000).toISOString());
    const shownOn = async () => {
      const rows = await h.db.orm.select({ subscriptionId: winbacks.subscriptionId, on: winbacks.comebackRestartOn }).from(winbacks).where(eq(winbacks.tenantId, own.id));
      return Object.fromEntries(rows.map((r) => [r.subscriptionId, r.on]));
    };
    // Decided once (the catalogue's decision, which the lookup reads), both for today's date (a reason the
    // cart gave: without one, the default catalogue has no offer open to every reason, so nothing to render).
    await h.maintain();
    const first = await shownOn();
    expect(first[recent]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(first[old]).toBe(first[recent]);
    // Days later: the recent one is rendered for the new date; the old one, never listed, is not worked over.
    const later = new Date(Date.now() + 5 * 86_400_000);
    h.setNow(later);
    try {
      await h.maintain(() => later);
      const moved = await shownOn();
      expect(moved[recent]! > first[recent]!).toBe(true);
      expect(moved[old]).toBe(first[old]);
    } finally {
      h.setNow(null);
    }
  });

  it("the comeback offer decided at the cancellation follows the restart date days later, as the engine would decide it then; a catalogue change is re-decided by the maintenance job", async () => {
    const own = await h.tenant();
    const { c, s } = await cancelledForPrice(own, { keepInTouch: true });
    const [row] = await h.db.orm.select().from(winbacks).where(eq(winbacks.subscriptionId, s));
    expect(row!.comeback).toMatchObject({ offer: { kind: "offer" } });
    const listed = async () => (await h.request("GET", "/v1/winback/candidates", { key: own.key })).body.data[0].offer;
    const decidedOffer = await listed();

    const later = new Date(Date.now() + 5 * 86_400_000);
    h.setNow(later);
    try {
      const moved = await listed();
      const settings = resolveSettings((await h.request("GET", "/v1/settings", { key: own.key })).body);
      expect(moved.restartOn).toBe(addDays(localDate(later, "Asia/Tokyo"), settings.changeCutoffDays));
      expect(moved.restartOn).not.toBe(decidedOffer.restartOn);
      // The same answer the engine gives when asked afresh that day.
      const fresh = await computeComebacks(new TenantStore(h.db, own.id), [{ id: row!.id, subscriptionId: s, customerId: c, reason: "too_expensive", returnOn: null }], later, settings);
      expect(moved).toEqual(presentComeback(fresh.get(row!.id)!.offer!, "ja"));
    } finally {
      h.setNow(null);
    }

    expect((await h.request("DELETE", `/v1/offers/${decidedOffer.offerId}`, { key: own.key })).status).toBe(204);
    await h.maintain();
    const [redecided] = await h.db.orm.select().from(winbacks).where(eq(winbacks.subscriptionId, s));
    expect(redecided!.comebackStamp > row!.comebackStamp).toBe(true);
    expect((redecided!.comeback as { offer: { offerId: string } | null }).offer?.offerId ?? null).not.toBe(decidedOffer.offerId);
  });

  it("the page SQL writes from the stored comebacks is the page built the long way, page by page and in both languages; a new day sends it the long way until the maintenance job re-renders", async () => {
    const own = await h.tenant();
    const cases: [string | null, string | null][] = [
      ["too_expensive", null],
      ["surplus_stock", null],
      ["temporary_break", addDays(today(), 40)],
      ["moving", null],
      [null, null],
    ];
    for (const [i, [reason, returnOn]] of cases.entries()) {
      const c = uid("C");
      const s = uid("S");
      await h.request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: false }) });
      await h.request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), unitPrice: { amount: 3000 + 1000 * i, currency: "JPY" } }) });
      const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} })).body;
      if (reason) await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: own.key, body: { reason } });
      const confirmed = await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: own.key, body: { keepInTouch: true, ...(returnOn ? { returnOn } : {}) } });
      expect(confirmed.status).toBe(200);
    }
    const store = new TenantStore(h.db, own.id);
    const settings = resolveSettings((await h.request("GET", "/v1/settings", { key: own.key })).body);
    /** Every page of 2, each way: SQL's text (null: it declined), the long way's page, and the route's answer. */
    const pages = async (now: Date, lang: "ja" | "en") => {
      const out: { fast: unknown; slow: unknown; http: unknown }[] = [];
      let after: [number, string] | null = null;
      let cursor: string | null = null;
      do {
        const q = { limit: 2, after, lang, settings, now };
        const fast = await candidatesPageJson(store, q);
        const slow = JSON.parse(JSON.stringify(await candidatesPage(store, q))) as { data: { expectedValue: { amount: number } }[]; nextCursor: string | null };
        const http = (await h.request("GET", `/v1/winback/candidates?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { key: own.key, headers: { "accept-language": lang } })).body;
        out.push({ fast: fast === null ? null : JSON.parse(typeof fast === "string" ? fast : new TextDecoder().decode(fast)), slow, http });
        cursor = slow.nextCursor;
        after = cursor ? decodeCursor(cursor, CANDIDATES_CURSOR)! : null;
      } while (cursor);
      return out;
    };

    for (const lang of ["ja", "en"] as const) {
      const now = await pages(new Date(), lang);
      expect(now).toHaveLength(3);
      for (const p of now) {
        expect(p.fast).not.toBeNull();
        expect(p.fast).toEqual(p.slow);
        expect(p.http).toEqual(p.slow);
      }
      expect(JSON.stringify(now.map((p) => p.slow))).toContain(lang === "ja" ? "お届け再開のご案内です。" : "A note about restarting your");
    }
    // No Accept-Language: the shop's locale (ja), from the same statement.
    const plain = (await h.request("GET", "/v1/winback/candidates?limit=2", { key: own.key })).body;
    expect(plain).toEqual((await pages(new Date(), "ja"))[0]!.slow);

    // Re-scored (as training does: probability, expected value, model): SQLite rewrites the row's
    // listed text, so SQL's page is still the long way's, in the new order.
    const rescore = "UPDATE winbacks SET probability = 0.61, expected_value = 99999, model_version = 'rescored' WHERE tenant_id = ? AND id = (SELECT min(id) FROM winbacks WHERE tenant_id = ?)";
    await h.db.client.execute({ sql: rescore, args: [own.id, own.id] });
    const rescored = await pages(new Date(), "ja");
    expect(JSON.stringify(rescored[0]!.slow)).toContain('"modelVersion":"rescored"');
    for (const p of rescored) {
      expect(p.fast).not.toBeNull();
      expect(p.fast).toEqual(p.slow);
    }
    // Records that are not all ASCII (a model named in Japanese): the same bytes whichever way the
    // page is put together — a string (no adapter), bytes lent until written (a first read on
    // Node), bytes built to keep (a second), the kept bytes (a third).
    await h.db.client.execute({ sql: "UPDATE winbacks SET model_version = '再学習・冬' WHERE tenant_id = ?", args: [own.id] });
    for (const after of [null, ...rescored.slice(0, -1).map((p) => (p.slow as { nextCursor: string }).nextCursor)]) {
      const key = after ? decodeCursor(after, CANDIDATES_CURSOR)! : null;
      const q = { limit: 2, after: key, lang: "ja" as const, settings, now: new Date() };
      const slow = JSON.stringify(await candidatesPage(store, q));
      expect(slow).toContain("再学習・冬");
      expect(await candidatesPageJson(store, q)).toBe(slow);
      const finished: (() => void)[] = [];
      for (const limit of [3, 3, 3]) {
        const bytes = await candidatesPageJson(store, { ...q, limit }, undefined, (done) => finished.push(done));
        expect(bytes).toBeInstanceOf(Uint8Array);
        expect(new TextDecoder().decode(bytes as Uint8Array)).toBe(JSON.stringify(await candidatesPage(store, { ...q, limit })));
      }
      expect(finished).toHaveLength(1);
      finished.forEach((done) => done());
    }
    // A row whose listed text is missing (written around the triggers) is answered the long way.
    await h.db.client.execute({ sql: "UPDATE winbacks SET listed_head = NULL WHERE tenant_id = ?", args: [own.id] });
    const bare = await pages(new Date(), "ja");
    expect(bare.every((p) => p.fast === null)).toBe(true);
    for (const p of bare) expect(p.http).toEqual(p.slow);
    // Any write of a shown column writes it again.
    await h.db.client.execute({ sql: "UPDATE winbacks SET reason = reason WHERE tenant_id = ?", args: [own.id] });
    for (const p of await pages(new Date(), "ja")) expect(p.fast).toEqual(p.slow);

    // A comeback key SQL hands over that is not the row's (written in between): nothing is spliced
    // under it, the long way answers.
    const doc = String(await store.scalar((t) => candidatesDocument(t, "ja", 3, null)));
    const key = doc.split("\x1e")[0]!.split("\x1f")[5]!;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(await candidatesPageJson(store, { limit: 2, after: null, lang: "ja", settings, now: new Date() }, doc.replaceAll(key, "0".repeat(32)))).toBeNull();
    // Rows without a key (as migration 0022 leaves them: not rendered) go the long way until the maintenance run renders them.
    await h.db.client.execute({ sql: "UPDATE winbacks SET comeback_key = NULL, comeback_restart_on = '' WHERE tenant_id = ?", args: [own.id] });
    const unkeyed = await pages(new Date(), "ja");
    expect(unkeyed.every((p) => p.fast === null)).toBe(true);
    for (const p of unkeyed) expect(p.http).toEqual(p.slow);
    await h.maintain(() => new Date());
    for (const p of await pages(new Date(), "ja")) {
      expect(p.fast).not.toBeNull();
      expect(p.fast).toEqual(p.slow);
    }

    // Five days on, the restart dates moved: SQL's text is declined, the long way answers.
    const later = new Date(Date.now() + 5 * 86_400_000);
    h.setNow(later);
    try {
      const moved = await pages(later, "ja");
      expect(moved.some((p) => p.fast === null)).toBe(true);
      for (const p of moved) expect(p.http).toEqual(p.slow);
      // The maintenance run of that day re-renders them (and scores them as of that day): SQL's
      // text again, the same offers.
      await h.maintain(() => later);
      const rendered = await pages(later, "ja");
      for (const p of rendered) {
        expect(p.fast).not.toBeNull();
        expect(p.fast).toEqual(p.slow);
        expect(p.http).toEqual(p.slow);
      }
      type Listed = { data: { subscriptionId: string; offer: unknown }[] };
      const offers = (ps: { http: unknown }[]) => Object.fromEntries(ps.flatMap((p) => (p.http as Listed).data.map((d) => [d.subscriptionId, d.offer])));
      expect(offers(rendered)).toEqual(offers(moved));
    } finally {
      h.setNow(null);
    }
  });

  it("a comeback stored with an older edition of the copy is never shown: the list writes it afresh, and the maintenance job stores the new copy", async () => {
    const own = await h.tenant();
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: own.key, body: customerBody({ marketingConsent: false }) });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: own.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) });
    const flow = (await h.request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: own.key, body: {} })).body;
    await h.request("POST", `/v1/cancel-flows/${flow.flowId}/reason`, { key: own.key, body: { reason: "no_effect" } });
    await h.request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: own.key, body: { keepInTouch: true } });
    const fresh = (await h.request("GET", "/v1/winback/candidates", { key: own.key })).body.data[0].offer;
    // The cancel flow's way out (「このまま解約…」) is never a comeback's; the terms of the restarted 定期 (how to cancel it again) are.
    expect(fresh.message).not.toContain("このまま解約");
    expect(fresh.message).toContain("そのお届けから停止します");

    // As a record decided before this edition holds it: cancel-flow copy, stamped `c:` + the catalogue's time.
    const old = "青汁のお届けは、いつでも再開できます。使い方のご案内：このまま解約のお手続きに進むこともできます。";
    await h.db.client.execute({
      sql: `UPDATE winbacks SET comeback = json_set(comeback, '$.offer.message.ja', ?), comeback_ja = json_set(comeback_ja, '$.message', ?),
              comeback_key = 'f' || substr(comeback_key, 2), comeback_stamp = 'c:' || substr(comeback_stamp, instr(comeback_stamp, '|') + 1) WHERE tenant_id = ?`,
      args: [old, old, own.id],
    });
    const store = new TenantStore(h.db, own.id);
    const settings = resolveSettings((await h.request("GET", "/v1/settings", { key: own.key })).body);
    const q = { limit: 20, after: null, lang: "ja" as const, settings, now: new Date() };
    expect(await candidatesPageJson(store, q)).toBeNull();
    expect((await h.request("GET", "/v1/winback/candidates", { key: own.key })).body.data[0].offer).toEqual(fresh);

    await h.maintain(() => new Date());
    const [row] = await h.db.orm.select().from(winbacks).where(eq(winbacks.subscriptionId, s));
    expect(row!.comebackStamp.startsWith("c:copy ")).toBe(true);
    expect(JSON.stringify(row!.comeback)).not.toContain("このまま解約");
    const stored = await candidatesPageJson(store, { ...q, now: new Date() });
    expect(stored).not.toBeNull();
    expect(JSON.parse(typeof stored === "string" ? stored : new TextDecoder().decode(stored!)).data[0].offer).toEqual(fresh);
  });
});
