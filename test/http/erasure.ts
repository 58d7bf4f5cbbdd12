import { describe, expect, it } from "vitest";
import { EXIT_SURVEY } from "../fixtures/exit-survey";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, RECEIVER_SECRET, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";
import { person } from "./data-rights";
import { foldName } from "../../src/platform/name-keys";

/**
 * Columns the README says erasure keeps about the person: the keyed HMAC fingerprints of the
 * normalised phone and e-mail (`keepContactFingerprints`). Nothing else may hold a needle.
 */
const KEPT = new Set(["customers.phone_fingerprint", "customers.email_fingerprint"]);

/**
 * Where the database still holds any of `needles`: every column of every table sqlite_master lists
 * (so a table added later is scanned without being named here), each value read as text, as
 * `table.column: needle`.
 */
async function survivors(h: Harness, needles: readonly string[]): Promise<string[]> {
  const tables = await h.sql("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
  const hits: string[] = [];
  for (const { name: table } of tables) {
    for (const { name: column } of await h.sql("SELECT name FROM pragma_table_info(?)", [String(table)])) {
      if (KEPT.has(`${table}.${column}`)) continue;
      const found = await h.sql(`SELECT DISTINCT n.value AS needle FROM "${table}" AS t, json_each(?) AS n WHERE instr(CAST(t."${column}" AS TEXT), n.value) > 0`, [
        JSON.stringify(needles),
      ]);
      for (const f of found) hits.push(`${table}.${column}: ${f.needle}`);
    }
  }
  return hits;
}

/**
 * The right to erasure as a user would check it: a customer with everything a shop accumulates
 * about them, erased, then the whole database searched for them — and every read that could
 * answer from memory (remembered pages, memo maps) asked by the old id, phone and e-mail.
 */
export function erasureSuite(h: () => Harness) {
  describe("erasure: the person survives nowhere", () => {
    const today = () => localDate(new Date(), "Asia/Tokyo");
    const keyed = () => ({ "idempotency-key": uid("k") });

    /** Runs the maintenance job until the endpoint has nothing pending (deliveries go to the test receiver). */
    async function deliverAll(t: TestTenant, webhookId: string) {
      for (let pass = 0; pass < 30; pass++) {
        const counts = (await h().request("GET", `/v1/webhooks/${webhookId}`, { key: t.key })).body.deliveries;
        if (counts.pending === 0) return counts as { pending: number; failed: number; delivered: number };
        await h().maintain();
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`webhook ${webhookId}: deliveries still pending`);
    }

    it("a customer with a rich history, erased: no table holds their id, name, e-mail or phone, and no read answers by them", async () => {
      const t = await h().tenant();
      const p = person();
      const why = `引っ越し${uid("w")}`;
      const c = uid("C");
      const s = uid("S");
      const hook = await h().request("PUT", "/v1/webhooks/rights", {
        key: t.key,
        body: { url: `${h().receiverUrl}/hook`, events: ["subscription.changed", "subscription.canceled", "customer.erased"], secret: RECEIVER_SECRET },
      });
      expect(hook.status).toBe(201);
      const survey = await h().request("PUT", "/v1/exit-survey", {
        key: t.key,
        body: EXIT_SURVEY,
      });
      expect(survey.status, survey.text).toBe(200);

      // The shop's sync, then the customer again by PUT, each with an Idempotency-Key (their answers are stored).
      const customer = { name: p.name, nameKana: p.nameKana, email: p.email, phone: p.phone, postalCode: p.postalCode, address: p.address, marketingConsent: true, acquisitionSource: "referral" };
      const sync = await h().request("POST", "/v1/sync", {
        key: t.key,
        headers: keyed(),
        body: { customers: [{ id: c, ...customer }], subscriptions: [{ id: s, ...subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12), deliveriesCompleted: 1 }) }] },
      });
      expect(sync.body).toMatchObject({ applied: 2, refused: 0 });
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: t.key, headers: keyed(), body: { ...customer, locale: "ja" } })).status).toBe(200);
      const events = await h().request("POST", "/v1/events", {
        key: t.key,
        body: {
          events: [
            { id: uid("e"), type: "contact.logged", customerId: c, subscriptionId: s, occurredAt: new Date().toISOString(), data: { channel: "phone", topic: "inquiry", note: p.note } },
            { id: uid("e"), type: "usage.reported", customerId: c, subscriptionId: s, occurredAt: new Date().toISOString(), data: { remainingUnits: 3 } },
          ],
        },
      });
      expect(events.status).toBe(200);
      expect((await h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, headers: keyed(), body: { quantity: 2 } })).status).toBe(200);

      // The customer on my-page: a session (minted with a key), a skip and a keep-in-touch answer as themselves.
      const session = await h().request("POST", "/v1/customer-sessions", { key: t.key, headers: keyed(), body: { customerId: c } });
      expect(session.status).toBe(201);
      const token = session.body.token as string;
      expect((await h().request("POST", `/v1/subscriptions/${s}/skip`, { key: token, headers: keyed(), body: { count: 1 } })).status).toBe(200);
      expect((await h().request("PUT", `/v1/customers/${c}/keep-in-touch`, { key: token, headers: keyed(), body: { keepInTouch: true } })).status).toBe(200);
      // A disclosure request: the audit log names the customer.
      expect((await h().request("GET", `/v1/customers/${c}/export`, { key: t.key })).status).toBe(200);

      // Reads that remember what they built (pages by statement text, answers by inputs): asked now, while the person is live.
      for (const q of [`phone=${encodeURIComponent(p.phone)}`, `email=${encodeURIComponent(p.email)}`]) {
        expect((await h().request("GET", `/v1/lookup?${q}`, { key: t.key })).body.customer.id, q).toBe(c);
      }
      expect((await h().request("GET", `/v1/customers/${c}/risk`, { key: t.key })).status).toBe(200);
      const atRisk = () => h().request("GET", "/v1/risk/at-risk?limit=100", { key: t.key });
      expect((await atRisk()).text).toContain(c);

      // Cancelling: a reason with a comment, the exit survey in words, keep-in-touch and a return date (a win-back record).
      const flow = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, headers: keyed(), body: { channel: "web" } });
      expect(flow.status).toBe(201);
      await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, headers: keyed(), body: { reason: "other", comment: p.comment } });
      const confirmed = await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, {
        key: t.key,
        headers: keyed(),
        body: { acknowledgeFee: true, survey: [{ questionId: "why_stopped", answer: why }, { questionId: "bring_back", answer: "season" }], keepInTouch: true, returnOn: addDays(today(), 200) },
      });
      expect(confirmed.body).toMatchObject({ outcome: "canceled", exitSurvey: { recorded: 2, keepInTouch: true } });
      const candidates = () => h().request("GET", "/v1/winback/candidates?limit=100", { key: t.key });
      expect((await candidates()).text).toContain(c);
      const delivered = await deliverAll(t, "rights");
      expect(delivered.delivered).toBeGreaterThan(0);

      // The reading as sent, and as the name search keys it (its given name, folded: within the whole key too).
      const givenKey = foldName(p.nameKana)!.split(" ")[1]!;
      const needles = [c, p.name, p.nameKana, givenKey, p.email, p.phone, p.e164, p.e164.replace("+81", "0"), p.e164.replace("+81", ""), p.address, p.comment, p.note, why, token];
      // The scan sees the person while they are there.
      const before = await survivors(h(), needles);
      for (const where of [`customers.id: ${c}`, `customers.name: ${p.name}`, `customers.name_kana: ${p.nameKana}`, `customer_name_keys.key: ${givenKey}`, `customers.phone: ${p.e164}`, `audit_log.target_id: ${c}`]) expect(before).toContain(where);

      const erased = await h().request("DELETE", `/v1/customers/${c}`, { key: t.key, headers: { "idempotency-key": "erase-once" } });
      expect(erased.status).toBe(200);
      expect(erased.body.customerId).toBe(c);
      await deliverAll(t, "rights");
      // The shop's systems were told, by the id they know.
      const received = (await (await fetch(`${h().receiverUrl}/received`)).json()) as { verified: { type: string; data: { customerId: string } } | null }[];
      expect(received.some((r) => r.verified?.type === "customer.erased" && r.verified.data.customerId === c)).toBe(true);

      expect(await survivors(h(), needles)).toEqual([]);
      expect(await h().sql("SELECT count(*) AS n FROM audit_log_rekeys")).toEqual([{ n: 0 }]);

      // No read answers by the old id, phone or e-mail, from the database or from memory.
      for (const q of [p.phone, p.e164, p.e164.replace("+81", "0"), p.e164.replace("+81", "")].map((v) => `phone=${encodeURIComponent(v)}`).concat(`email=${encodeURIComponent(p.email)}`)) {
        const found = await h().request("GET", `/v1/lookup?${q}`, { key: t.key });
        expect(found.status, q).toBe(404);
      }
      for (const path of [`/v1/customers/${c}`, `/v1/customers/${c}/risk`, `/v1/customers/${c}/timeline`, `/v1/customers/${c}/keep-in-touch`, `/v1/customers/${c}/export`]) {
        expect((await h().request("GET", path, { key: t.key })).status, path).toBe(404);
      }
      expect((await h().request("GET", `/v1/subscriptions/${s}/risk`, { key: t.key })).text).not.toContain(c);
      expect((await atRisk()).text).not.toContain(c);
      expect((await candidates()).text).not.toContain(c);
      // The erasure's answer was not kept for a replay: the same key again finds nobody.
      const replay = await h().request("DELETE", `/v1/customers/${c}`, { key: t.key, headers: { "idempotency-key": "erase-once" } });
      expect(replay.status).toBe(404);
      expect(replay.headers.get("idempotent-replayed")).toBeNull();

      // The audit log still says what was done, under the pseudonym the evidence reads under.
      const pseudonym = (await h().request("GET", `/v1/subscriptions/${s}`, { key: t.key })).body.customerId as string;
      expect(pseudonym).toMatch(/^erased_/);
      const log = await h().request("GET", "/v1/audit-log?limit=100", { key: t.key });
      expect(log.text).not.toContain(c);
      const about = (action: string) => log.body.data.filter((e: { action: string }) => e.action === action).map((e: { target: unknown }) => e.target);
      expect(about("customer.exported")).toEqual([{ type: "customer", id: pseudonym }]);
      expect(about("customer.erased")).toEqual([{ type: "customer", id: pseudonym }]);
    }, 90_000);

    /** A customer with an active and a canceled subscription, the active one cancelled through a flow (keep-in-touch, a return date), erased. */
    async function erasedPerson(t: TestTenant) {
      const p = person();
      const c = uid("C");
      const [s1, s2] = [uid("S"), uid("S")];
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: { name: p.name, email: p.email, phone: p.phone, marketingConsent: true } })).status).toBe(201);
      expect((await h().request("PUT", `/v1/subscriptions/${s1}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) })).status).toBe(201);
      expect((await h().request("PUT", `/v1/subscriptions/${s2}`, { key: t.key, body: subscriptionBody(c, { status: "canceled", canceledAt: "2026-06-01T00:00:00Z" }) })).status).toBe(201);
      const flow = await h().request("POST", `/v1/subscriptions/${s1}/cancel-flows`, { key: t.key, body: { channel: "web" } });
      const confirmed = await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { keepInTouch: true, returnOn: addDays(today(), 40) } });
      expect(confirmed.status).toBe(200);
      return { p, c, s1, s2, flowId: flow.body.flowId as string, confirmationNumber: confirmed.body.confirmationNumber as string };
    }
    const erase = async (t: TestTenant, c: string) => expect((await h().request("DELETE", `/v1/customers/${c}`, { key: t.key })).status).toBe(200);
    const pseudonymOf = async (t: TestTenant, s: string) => (await h().request("GET", `/v1/subscriptions/${s}`, { key: t.key })).body.customerId as string;

    it("an erased customer stays erased: the pseudonym takes no writes, its plans stay closed and stay theirs, the old id starts afresh", async () => {
      const t = await h().tenant();
      const hook = await h().request("PUT", "/v1/webhooks/back", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["subscription.reactivated"], secret: RECEIVER_SECRET } });
      expect(hook.status).toBe(201);
      const { p, c, s1, s2, flowId } = await erasedPerson(t);
      await erase(t, c);
      const alias = await pseudonymOf(t, s1);
      expect(alias).toMatch(/^erased_/);
      const refused = (res: { status: number; body: { code?: string } }) => {
        expect(res.status).toBe(409);
        expect(res.body.code).toBe("customer_erased");
      };

      // The pseudonym cannot be given a name (nor found by it) again.
      refused(await h().request("PUT", `/v1/customers/${alias}`, { key: t.key, body: { name: p.name, email: p.email } }));
      expect((await h().request("GET", `/v1/customers/${alias}`, { key: t.key })).body).toMatchObject({ name: null, email: null, marketingConsent: false, keepInTouch: false });
      expect((await h().request("GET", `/v1/lookup?email=${encodeURIComponent(p.email)}`, { key: t.key })).status).toBe(404);
      // Nor reactivated, nor given a session, a keep-in-touch answer or events.
      refused(await h().request("POST", `/v1/subscriptions/${s1}/reactivate`, { key: t.key, body: {} }));
      expect((await h().request("GET", `/v1/subscriptions/${s1}`, { key: t.key })).body.status).toBe("canceled");
      refused(await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId: alias } }));
      refused(await h().request("PUT", `/v1/customers/${alias}/keep-in-touch`, { key: t.key, body: { keepInTouch: true } }));
      const events = await h().request("POST", "/v1/events", {
        key: t.key,
        body: { events: [{ id: uid("e"), type: "contact.logged", customerId: alias, occurredAt: new Date().toISOString(), data: { channel: "phone", topic: "inquiry" } }] },
      });
      expect(events.body.results[0]).toMatchObject({ result: "rejected", status: 409, error: { code: "customer_erased" } });
      refused(await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(alias) }));
      refused(await h().request("PUT", `/v1/subscriptions/${s1}`, { key: t.key, body: subscriptionBody(alias, { nextDeliveryOn: addDays(today(), 12) }) }));

      // The merchant's old id is a new customer that inherits nothing: the erased plan is not moved to it.
      expect((await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: { name: "新規 次郎" } })).status).toBe(201);
      refused(await h().request("PUT", `/v1/subscriptions/${s2}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) }));
      const moved = await h().request("GET", `/v1/subscriptions/${s2}`, { key: t.key });
      expect(moved.body).toMatchObject({ customerId: alias, status: "canceled" });
      expect((await h().request("GET", `/v1/customers/${c}/subscriptions`, { key: t.key })).body.data).toEqual([]);
      const fresh = await h().request("GET", `/v1/customers/${c}/export`, { key: t.key });
      expect(fresh.body).toMatchObject({ subscriptions: [], cancelFlows: [], exitSurveys: [], winbacks: [], consents: { keepInTouchHistory: [] } });
      expect((await h().request("GET", `/v1/cancel-flows/${flowId}`, { key: t.key })).body.customerId).toBe(alias);

      // The bulk sync (and so the importer, which runs it) follows the same rule, item by item.
      const bulk = await h().request("POST", "/v1/sync", {
        key: t.key,
        body: {
          customers: [{ id: alias, name: p.name }],
          subscriptions: [
            { id: s2, ...subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) },
            { id: uid("S"), ...subscriptionBody(alias) },
          ],
        },
      });
      expect(bulk.status).toBe(200);
      expect(bulk.body.results.map((r: { status: number; error?: { code: string } }) => [r.status, r.error?.code])).toEqual([
        [409, "customer_erased"],
        [409, "customer_erased"],
        [424, "unknown_customer"],
      ]);
      expect((await h().request("GET", `/v1/subscriptions/${s2}`, { key: t.key })).body.customerId).toBe(alias);
      expect((await h().request("GET", `/v1/customers/${alias}`, { key: t.key })).body.name).toBeNull();
      // No webhook told anyone the erased plan was live again.
      expect((await h().request("GET", "/v1/webhooks/back", { key: t.key })).body.deliveries).toMatchObject({ pending: 0, delivered: 0, failed: 0 });
    }, 60_000);

    it("events about the person still undelivered are dropped at the erasure, never sent under the pseudonym; the shop gets customer.erased", async () => {
      const t = await h().tenant();
      // The shared receiver refuses a signature it cannot verify: nothing here is delivered.
      const hook = await h().request("PUT", "/v1/webhooks/late", {
        key: t.key,
        body: { url: `${h().receiverUrl}/hook`, events: ["subscription.changed", "customer.erased"], secret: "whsec_bm90LXRoZS1yZWNlaXZlcnMtc2VjcmV0LWF0LWFsbA==" },
      });
      expect(hook.status).toBe(201);
      const [c, s, other, os] = [uid("C"), uid("S"), uid("C"), uid("S")];
      for (const [customer, sub] of [[c, s], [other, os]] as const) {
        await h().request("PUT", `/v1/customers/${customer}`, { key: t.key, body: customerBody() });
        await h().request("PUT", `/v1/subscriptions/${sub}`, { key: t.key, body: subscriptionBody(customer) });
        expect((await h().request("POST", `/v1/subscriptions/${sub}/quantity`, { key: t.key, body: { quantity: 2 } })).status).toBe(200);
      }
      expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { status: "canceled", canceledAt: new Date().toISOString() }) })).status).toBe(200);
      const undelivered = () => h().sql("SELECT payload FROM webhook_deliveries WHERE tenant_id = ? AND status <> 'delivered'", [t.id]);
      const about = (rows: Record<string, unknown>[], id: string) => rows.filter((r) => String(r.payload).includes(`"customerId":"${id}"`));
      const before = await undelivered();
      expect(about(before, c).length).toBeGreaterThan(0);
      const erased = await h().request("DELETE", `/v1/customers/${c}`, { key: t.key });
      expect(erased.status).toBe(200);
      expect(erased.body.scrubbed.webhookEventsDropped).toBe(about(before, c).length);
      const after = await undelivered();
      expect(after.filter((r) => String(r.payload).includes("erased_"))).toEqual([]);
      // What is left: the other customer's event, untouched, and customer.erased with the shop's id.
      expect(about(after, other)).toEqual(about(before, other));
      expect(about(after, c).map((r) => JSON.parse(String(r.payload)).type)).toEqual(["customer.erased"]);
    });

    it("every event type's free text goes at the erasure (a decline's reason with a card number in it); codes, ids, dates and numbers stay", async () => {
      const t = await h().tenant();
      const c = uid("C");
      const s = uid("S");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { status: "canceled", canceledAt: new Date().toISOString() }) });
      const card = `カード期限切れ 4111111111111111 ${uid("r")}`;
      const at = new Date().toISOString();
      const sent = [
        { type: "payment.failed", data: { amount: { amount: 3980, currency: "JPY" }, reason: card } },
        { type: "contact.logged", data: { channel: "phone", topic: "inquiry", note: `折り返し希望 ${uid("n")}` } },
        { type: "survey.answered", data: { nps: 3, comment: `量が多い ${uid("m")}` } },
        { type: "delivery.completed", data: { deliveredOn: today(), quantity: 1, orderId: "ORD-1" } },
        { type: "winback.contacted", data: { channel: "email", campaign: "spring" } },
      ];
      const events = await h().request("POST", "/v1/events", {
        key: t.key,
        body: { events: sent.map((e) => ({ id: uid("e"), customerId: c, subscriptionId: s, occurredAt: at, ...e })) },
      });
      expect(events.body.accepted, events.text).toBe(sent.length);
      const erased = await h().request("DELETE", `/v1/customers/${c}`, { key: t.key });
      expect(erased.status).toBe(200);
      expect(erased.body.scrubbed.events).toBe(sent.length);
      const rows = await h().sql("SELECT type, data FROM events WHERE tenant_id = ? ORDER BY type", [t.id]);
      const stored = Object.fromEntries(rows.map((r) => [String(r.type), JSON.parse(String(r.data))]));
      expect(stored).toEqual({
        "payment.failed": { amount: { amount: 3980, currency: "JPY" }, reason: null },
        "contact.logged": { channel: "phone", topic: "inquiry", note: null },
        "survey.answered": { nps: 3, comment: null },
        "delivery.completed": { deliveredOn: today(), quantity: 1, orderId: "ORD-1" },
        "winback.contacted": { channel: "email", campaign: "spring" },
      });
      expect(JSON.stringify(rows)).not.toContain("4111111111111111");
    });

    it("a delivered winback.due keeps no trace of the real id after the erasure: not in customerId, not inside the candidates URL (URL-encoded)", async () => {
      const t = await h().tenant();
      expect((await h().request("PUT", "/v1/webhooks/due-kept", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["winback.due"], secret: RECEIVER_SECRET } })).status).toBe(201);
      // A colon is written %3A in the candidates URL.
      const c = `${uid("C")}:jp`;
      const s = uid("S");
      await h().request("PUT", `/v1/customers/${encodeURIComponent(c)}`, { key: t.key, body: customerBody({ marketingConsent: false }) });
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(today(), 12) }) });
      const flow = await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: {} });
      expect((await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { keepInTouch: true, returnOn: today() } })).status).toBe(200);
      await h().maintain(() => new Date());
      expect((await deliverAll(t, "due-kept")).delivered).toBe(1);
      const stored = async () => (await h().sql("SELECT payload FROM webhook_deliveries WHERE tenant_id = ? AND event_type = 'winback.due'", [t.id])).map((r) => String(r.payload));
      const [before] = await stored();
      expect(before).toContain(encodeURIComponent(c));
      expect((await h().request("DELETE", `/v1/customers/${encodeURIComponent(c)}`, { key: t.key })).status).toBe(200);
      const [after] = await stored();
      expect(after).not.toContain(c);
      expect(after).not.toContain(encodeURIComponent(c));
      const { data } = JSON.parse(after!);
      expect(data.customerId).toMatch(/^erased_/);
      expect(data.candidates).toBe(`/v1/winback/candidates?customerId=${data.customerId}`);
    });

    it("replaying an old request after the erasure runs it afresh: it never answers the pseudonym", async () => {
      const t = await h().tenant();
      const c = uid("C");
      const body = { name: "再送 花子", email: `${uid("r").toLowerCase()}@example.jp` };
      const first = await h().request("PUT", `/v1/customers/${c}`, { key: t.key, headers: { "idempotency-key": "k-before" }, body });
      expect(first.status).toBe(201);
      await erase(t, c);
      const again = await h().request("PUT", `/v1/customers/${c}`, { key: t.key, headers: { "idempotency-key": "k-before" }, body });
      expect(again.status).toBe(201);
      expect(again.headers.get("idempotent-replayed")).toBeNull();
      expect(again.text).not.toContain("erased_");
      expect(again.body).toMatchObject({ id: c, name: body.name, keepInTouch: null });
    });

    it("the export holds the win-back profiling; after the erasure nothing of it is contactable and no winback.due fires", async () => {
      const t = await h().tenant();
      const hook = await h().request("PUT", "/v1/webhooks/due", { key: t.key, body: { url: "http://127.0.0.1:9/hook", events: ["winback.due"] } });
      expect(hook.status).toBe(201);
      const { c, s1, s2, flowId } = await erasedPerson(t);
      const exported = await h().request("GET", `/v1/customers/${c}/export`, { key: t.key });
      expect(exported.status).toBe(200);
      // s2, synced as canceled in June, is win-back history too: no flow, long past its contact horizon, never due.
      const [synced, record] = exported.body.winbacks;
      expect(synced).toMatchObject({ subscriptionId: s2, flowId: null, dueStatus: "skipped" });
      expect(record).toMatchObject({ subscriptionId: s1, flowId, dueOn: addDays(today(), 40), dueStatus: "pending", contactable: true, contactedAt: null });
      expect(record.probability).toBeGreaterThan(0);
      expect(record.drivers.map((d: { code: string }) => d.code)).toContain("return_date_named");
      expect(record).toHaveProperty("offer");
      expect(record.expectedValue.currency).toBe("JPY");

      await erase(t, c);
      const alias = await pseudonymOf(t, s1);
      expect((await h().request("GET", `/v1/customers/${alias}`, { key: t.key })).body).toMatchObject({ keepInTouch: false, marketingConsent: false });
      // The return date comes: nothing is sent about an erased person.
      await h().maintain(() => new Date(`${addDays(today(), 40)}T03:00:00Z`));
      const d = (await h().request("GET", "/v1/webhooks/due", { key: t.key })).body.deliveries;
      expect(d.pending + d.delivered + d.failed).toBe(0);
    }, 60_000);

    it("the audit log refuses every change but an erasure's move of a customer id to its pseudonym", async () => {
      const t = await h().tenant();
      const c = uid("C");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: { name: "監査 太郎" } });
      expect((await h().request("GET", `/v1/customers/${c}/export`, { key: t.key })).status).toBe(200);
      const [entry] = await h().sql("SELECT id FROM audit_log WHERE tenant_id = ? AND action = 'customer.exported'", [t.id]);
      const id = String(entry!.id);
      const refused = async (statement: string, args: (string | number | null)[], message: RegExp) => {
        await expect(h().sql(statement, args)).rejects.toThrow(message);
      };
      await refused("UPDATE audit_log SET details = '{}' WHERE tenant_id = ? AND id = ?", [t.id, id], /append-only/);
      await refused("UPDATE audit_log SET target_id = 'erased_x' WHERE tenant_id = ? AND id = ?", [t.id, id], /append-only/);
      await refused("DELETE FROM audit_log WHERE tenant_id = ? AND id = ?", [t.id, id], /append-only/);
      // A re-key is allowed only from an id no customer has to an erased customer's id.
      await refused("INSERT INTO audit_log_rekeys (tenant_id, from_id, to_id) VALUES (?, ?, 'erased_x')", [t.id, c], /only an erasure/);
      await refused("INSERT INTO audit_log_rekeys (tenant_id, from_id, to_id) VALUES (?, 'gone', ?)", [t.id, c], /only an erasure/);
      expect(await h().sql("SELECT target_id FROM audit_log WHERE tenant_id = ? AND id = ?", [t.id, id])).toEqual([{ target_id: c }]);
      // The erasure itself moves it.
      expect((await h().request("DELETE", `/v1/customers/${c}`, { key: t.key })).status).toBe(200);
      const [moved] = await h().sql("SELECT target_id FROM audit_log WHERE tenant_id = ? AND id = ?", [t.id, id]);
      expect(String(moved!.target_id)).toMatch(/^erased_/);
    });
  });
}
