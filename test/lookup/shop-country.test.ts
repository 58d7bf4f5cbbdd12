import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/**
 * A shop outside Japan (a California coffee subscription): its cart sends US numbers without +1 and
 * ZIP codes, and its IVR passes the caller ID as a US line shows it. The shop's `country` says how a
 * number without a country code and a postal code are read; a Japanese shop (the default, JP) reads
 * them as before.
 */
let h: NodeHarness;
beforeAll(async () => {
  h = await nodeHarness();
});
afterAll(() => h?.close());

/** Statements sent to the database while `fn` runs: the key check's read and any other. */
async function statements(fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const { db } = h;
  const [readFirst, readRows, execute] = [db.readFirst, db.readRows, db.client.execute];
  db.readFirst = (...a) => (n++, readFirst.apply(db, a));
  db.readRows = (...a) => (n++, readRows.apply(db, a));
  db.client.execute = ((...a: Parameters<typeof execute>) => (n++, execute.apply(db.client, a))) as typeof execute;
  try {
    await fn();
  } finally {
    Object.assign(db, { readFirst, readRows });
    db.client.execute = execute;
  }
  return n;
}

const US_FORMS = ["(415) 555-0132", "415-555-0132", "4155550132", "14155550132", "1 415 555 0132", "+1 415 555 0132", "+14155550132"];

describe("a shop whose country is US", () => {
  let t: TestTenant;
  beforeAll(async () => {
    t = await h.tenant();
    const set = await h.request("PATCH", "/v1/settings", { key: t.key, body: { country: "US", timeZone: "America/Los_Angeles", locale: "en" } });
    expect(set.status).toBe(200);
    expect(set.body.country).toBe("US");
  });

  it("syncs every form a US cart sends, stored as E.164 with the extension apart", async () => {
    for (const [i, form] of ["(415) 555-0132", "415-555-0133", "4155550134", "(213) 555-0136 ext. 12", "+1 (310) 555-0137 x204"].entries()) {
      const res = await h.request("PUT", `/v1/customers/US-${i}`, { key: t.key, body: customerBody({ name: "Jane Doe", email: `jane${i}@example.com`, phone: form, locale: "en" }) });
      expect(res.status, `${form}: ${res.text}`).toBe(201);
    }
    const read = async (id: string) => (await h.request("GET", `/v1/customers/${id}`, { key: t.key })).body;
    expect(await read("US-0")).toMatchObject({ phone: "+14155550132", phoneExtension: null });
    expect(await read("US-2")).toMatchObject({ phone: "+14155550134" });
    expect(await read("US-3")).toMatchObject({ phone: "+12135550136", phoneExtension: "12" });
    expect(await read("US-4")).toMatchObject({ phone: "+13105550137", phoneExtension: "204" });
    // The bulk sync reads them the same way.
    const bulk = await h.request("POST", "/v1/sync", { key: t.key, body: { customers: [{ id: "US-bulk", name: "Pat Lee", phone: "(646) 555-0188" }], subscriptions: [] } });
    expect(bulk.status, bulk.text).toBe(200);
    expect((await read("US-bulk")).phone).toBe("+16465550188");
  });

  it("syncs a customer with a ZIP or ZIP+4 code, and refuses one that is not, naming the format", async () => {
    for (const [zip, stored] of [["90012", "90012"], ["90012-1234", "90012-1234"], ["90012 1234", "90012-1234"], ["900121234", "90012-1234"]]) {
      const res = await h.request("PUT", "/v1/customers/US-zip", { key: t.key, body: customerBody({ name: "Jane Doe", email: "zip@example.com", phone: null, postalCode: zip, address: "200 N Spring St, Los Angeles, CA" }) });
      expect(res.status, `${zip}: ${res.text}`).toBeLessThan(300);
      expect(res.body.postalCode, zip).toBe(stored);
    }
    const bad = await h.request("PUT", "/v1/customers/US-zip", { key: t.key, body: customerBody({ email: "zip@example.com", phone: null, postalCode: "150-0041" }) });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([{ path: "postalCode", message: "Not a US ZIP code (12345 or 12345-6789): 150-0041" }]);
    expect((await h.request("GET", "/v1/customers/US-zip", { key: t.key })).body.postalCode).toBe("90012-1234");
    const check = await h.request("POST", "/v1/checkout-checks", { key: t.key, body: { postalCode: "90012-1234", address: "200 N Spring St, Los Angeles, CA" } });
    expect(check.status, check.text).toBe(200);
  });

  it("the IVR finds the caller by the number as a US caller ID gives it, in one statement once the shop is known", async () => {
    await h.request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody("US-0", { product: { sku: "COF-12", name: "House Blend 12 oz" }, unitPrice: { amount: 1999, currency: "USD" } }) });
    for (const form of US_FORMS) {
      const res = await h.request("GET", `/v1/lookup?phone=${encodeURIComponent(form)}`, { key: t.key });
      expect(res.status, `${form}: ${res.text}`).toBe(200);
      expect(res.body.customer.id, form).toBe("US-0");
      expect(res.body.speech, form).toMatch(/^Hello Jane Doe\. Your next House Blend 12 oz delivery/);
    }
    await new Promise((r) => setTimeout(r, 200)); // the key's last use, recorded in the background
    let res: Awaited<ReturnType<typeof h.request>> | undefined;
    expect(await statements(async () => (res = await h.request("GET", "/v1/lookup?phone=4155550132", { key: t.key })))).toBe(1);
    expect(res!.body.customer.id).toBe("US-0");
    // The extension dialled reaches the customer with it.
    const ext = await h.request("GET", `/v1/lookup?phone=${encodeURIComponent("2135550136 ext. 12")}`, { key: t.key });
    expect(ext.body.customer.id).toBe("US-3");
  });

  it("routes a caller at high risk to a specialist by the shop's thresholds in dollars, not by yen figures read as cents; in one statement", async () => {
    // A $39.99-a-month plan, first delivery, stock left: high risk. The USD default is $35 a month
    // ($50 when ¥5,000 was read as cents).
    const sid = uid("S");
    await h.request("PUT", "/v1/customers/US-vip", { key: t.key, body: customerBody({ name: "Sam Park", email: "sam@example.com", phone: "(415) 555-0177", locale: "en" }) });
    await h.request("PUT", `/v1/subscriptions/${sid}`, { key: t.key, body: subscriptionBody("US-vip", { deliveriesCompleted: 1, intervalDays: 30, quantity: 1, product: { sku: "COF-5", name: "Espresso 5 lb" }, unitPrice: { amount: 3999, currency: "USD" } }) });
    await h.request("POST", "/v1/events", { key: t.key, body: { events: [{ id: uid("e"), type: "usage.reported", customerId: "US-vip", subscriptionId: sid, occurredAt: new Date().toISOString(), data: { remainingUnits: 3 } }] } });
    const dip = () => h.request("GET", "/v1/lookup?phone=4155550177", { key: t.key });
    const before = await dip();
    expect(before.body.risk.band).toBe("high");
    expect(before.body.route).toBe("retention_specialist");
    // The shop sets its own: $50 at high risk. The same caller now goes to the standard queue.
    const set = await h.request("PATCH", "/v1/settings", { key: t.key, body: { specialistMonthlyValue: { USD: { highRisk: 5000, mediumRisk: 15000 } } } });
    expect(set.status, set.text).toBe(200);
    expect(set.body.specialistMonthlyValue).toEqual({ USD: { highRisk: 5000, mediumRisk: 15000 } });
    await new Promise((r) => setTimeout(r, 200));
    let res: Awaited<ReturnType<typeof h.request>> | undefined;
    await dip(); // the first dip after a settings change may read the shop again
    expect(await statements(async () => (res = await dip()))).toBe(1);
    expect(res!.body.route).toBe("standard_queue");
    // A threshold that is not minor units of a currency is refused, and nothing changes.
    const bad = await h.request("PATCH", "/v1/settings", { key: t.key, body: { specialistMonthlyValue: { usd: { highRisk: 1 } } } });
    expect(bad.status).toBe(422);
    expect((await h.request("GET", "/v1/settings", { key: t.key })).body.specialistMonthlyValue).toEqual({ USD: { highRisk: 5000, mediumRisk: 15000 } });
  });

  it("an unreadable number says which region it was read in", async () => {
    const res = await h.request("GET", "/v1/lookup?phone=555", { key: t.key });
    expect(res.status).toBe(422);
    expect(res.body.errors[0].message).toContain("as dialled in US");
    expect(res.body.speech).toBe("Thank you for calling. We could not read your phone number.");
  });

  it("the checkout check matches the earlier customer by a US number without +1", async () => {
    const res = await h.request("POST", "/v1/checkout-checks", { key: t.key, body: { phone: "(415) 555-0132" } });
    expect(res.status, res.text).toBe(200);
    const bad = await h.request("POST", "/v1/checkout-checks", { key: t.key, body: { phone: "090-1234-5678" } });
    expect(bad.status).toBe(422); // a Japanese mobile without +81 is not a US number
  });
});

describe("a Japanese shop (country JP, the default)", () => {
  it("answers JP, reads Japanese forms in one statement as before, and refuses a US number without +1", async () => {
    const t = await h.tenant();
    expect((await h.request("GET", "/v1/settings", { key: t.key })).body.country).toBe("JP");
    await h.request("PUT", "/v1/customers/JP-1", { key: t.key, body: customerBody({ phone: "090-1234-5678" }) });
    await h.request("PUT", "/v1/customers/JP-2", { key: t.key, body: customerBody({ phone: "+1 415 555 0132", email: "us@example.com" }) });
    expect((await h.request("PUT", "/v1/customers/JP-3", { key: t.key, body: customerBody({ phone: "(415) 555-0132" }) })).status).toBe(422);
    for (const form of ["9012345678", "090-1234-5678", "+81 90 1234 5678"]) {
      expect((await h.request("GET", `/v1/lookup?phone=${encodeURIComponent(form)}`, { key: t.key })).body.customer.id, form).toBe("JP-1");
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(await statements(() => h.request("GET", "/v1/lookup?phone=9012345678", { key: t.key }))).toBe(1);
    const us = await h.request("GET", "/v1/lookup?phone=4155550132", { key: t.key });
    expect(us.status).toBe(422);
    expect(us.body.errors[0].message).toContain("use a Japanese or international number such as 090-1234-5678");
    expect((await h.request("GET", "/v1/lookup?phone=%2B14155550132", { key: t.key })).body.customer.id).toBe("JP-2");
  });

  it("keeps routing by ¥5,000 / ¥15,000 a month when it has set no thresholds", async () => {
    const t = await h.tenant();
    expect((await h.request("GET", "/v1/settings", { key: t.key })).body.specialistMonthlyValue).toEqual({});
    const at = async (id: string, phone: string, amount: number) => {
      const sid = uid("S");
      await h.request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ phone, email: null }) });
      await h.request("PUT", `/v1/subscriptions/${sid}`, { key: t.key, body: subscriptionBody(id, { deliveriesCompleted: 1, intervalDays: 30, quantity: 1, unitPrice: { amount, currency: "JPY" } }) });
      await h.request("POST", "/v1/events", { key: t.key, body: { events: [{ id: uid("e"), type: "usage.reported", customerId: id, subscriptionId: sid, occurredAt: new Date().toISOString(), data: { remainingUnits: 3 } }] } });
      const res = await h.request("GET", `/v1/lookup?phone=${phone}`, { key: t.key });
      expect(res.body.risk.band).toBe("high");
      return res.body.route;
    };
    expect(await at("JP-5000", "08011112222", 5000)).toBe("retention_specialist");
    expect(await at("JP-4999", "08011113333", 4999)).toBe("standard_queue");
  });

  it("a shop that moves to US reads the next dip as US (the process's hint is checked, not trusted)", async () => {
    const t = await h.tenant();
    await h.request("PUT", "/v1/customers/MV-1", { key: t.key, body: customerBody({ phone: "+1 415 555 0199", email: "mv@example.com" }) });
    expect((await h.request("GET", "/v1/lookup?phone=4155550199", { key: t.key })).status).toBe(422);
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { country: "US" } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    let res: Awaited<ReturnType<typeof h.request>> | undefined;
    // The first dip after the change reads the number again in the shop's region: one more statement, once.
    expect(await statements(async () => (res = await h.request("GET", "/v1/lookup?phone=4155550199", { key: t.key })))).toBe(2);
    expect(res!.body.customer.id).toBe("MV-1");
    expect(await statements(async () => (res = await h.request("GET", "/v1/lookup?phone=4155550199", { key: t.key })))).toBe(1);
    expect(res!.body.customer.id).toBe("MV-1");
    // A national form that reads as a number in both regions is read in the shop's current one.
    await h.request("PUT", "/v1/customers/MV-2", { key: t.key, body: customerBody({ phone: "+81 3 1234 5678", email: "mv2@example.com" }) });
    expect((await h.request("GET", "/v1/lookup?phone=0312345678", { key: t.key })).status).toBe(422);
    expect((await h.request("PATCH", "/v1/settings", { key: t.key, body: { country: "JP" } })).status).toBe(200);
    expect((await h.request("GET", "/v1/lookup?phone=0312345678", { key: t.key })).body.customer.id).toBe("MV-2");
  });

  it("keeps seven-digit 郵便番号 and refuses a ZIP code as before", async () => {
    const t = await h.tenant();
    const ok = await h.request("PUT", "/v1/customers/JP-zip", { key: t.key, body: customerBody({ postalCode: "〒150-0041" }) });
    expect(ok.body.postalCode).toBe("1500041");
    const bad = await h.request("PUT", "/v1/customers/JP-zip", { key: t.key, body: customerBody({ postalCode: "90012" }) });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ detail: "The postal code is not seven digits.", errors: [{ path: "postalCode", message: "Not a Japanese postal code: 90012" }] });
  });

  it("refuses a country that is not a code libphonenumber knows, changing nothing", async () => {
    const t = await h.tenant();
    for (const country of ["us", "USA", "XX", "", 1]) {
      const res = await h.request("PATCH", "/v1/settings", { key: t.key, body: { country } });
      expect(res.status, String(country)).toBe(422);
      expect(res.body.code).toBe("validation_failed");
    }
    expect((await h.request("GET", "/v1/settings", { key: t.key })).body.country).toBe("JP");
  });
});
