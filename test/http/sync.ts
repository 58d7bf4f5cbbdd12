import { beforeAll, describe, expect, it } from "vitest";
import { addDays, localDate } from "../../src/platform/dates";
import openapi from "../../openapi.json";
import { MAX_SYNC_BODY_BYTES } from "../../src/sync/schemas";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";
import { resolved } from "../support/contract";
import { erasedCustomer } from "../support/synced-plan";

export function syncSuite(h: () => Harness) {
  describe("bulk sync", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
    });

    it("applies customers before subscriptions in one request, and reports every item", async () => {
      const [c1, c2, s1, s2] = [uid("C"), uid("C"), uid("S"), uid("S")];
      const res = await h().request("POST", "/v1/sync", {
        key: t.key,
        body: {
          // Subscriptions listed first and naming customers of the same batch: customers still go first.
          subscriptions: [{ id: s1, ...subscriptionBody(c1) }, { id: s2, ...subscriptionBody(c2, { quantity: 2 }) }],
          customers: [{ id: c1, ...customerBody() }, { id: c2, ...customerBody({ phone: "03-1234-5678" }) }],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ applied: 4, refused: 0, notProcessed: 0 });
      expect(res.body.results.map((r: { kind: string; id: string; status: number }) => [r.kind, r.id, r.status])).toEqual([
        ["customer", c1, 201],
        ["customer", c2, 201],
        ["subscription", s1, 201],
        ["subscription", s2, 201],
      ]);
      const read = await h().request("GET", `/v1/subscriptions/${s2}`, { key: t.key });
      expect(read.body).toMatchObject({ customerId: c2, quantity: 2, version: 1 });
      const again = await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: s2, ...subscriptionBody(c2, { quantity: 2 }) }] } });
      expect(again.body.results[0]).toMatchObject({ result: "applied", status: 200, changed: false });
      // A customer sent again as stored is unchanged too, and keeps its updatedAt; one that moved is changed.
      const before = (await h().request("GET", `/v1/customers/${c2}`, { key: t.key })).body;
      const resent = await h().request("POST", "/v1/sync", { key: t.key, body: { customers: [{ id: c2, ...customerBody({ phone: "03-1234-5678" }) }, { id: c1, ...customerBody({ name: "別の名前" }) }] } });
      expect(resent.body.results.map((r: { id: string; changed: boolean }) => [r.id, r.changed])).toEqual([[c2, false], [c1, true]]);
      expect((await h().request("GET", `/v1/customers/${c2}`, { key: t.key })).body.updatedAt).toBe(before.updatedAt);
    });

    it("refuses a bad item alone, with its path; its subscriptions are not processed; the rest is applied", async () => {
      const [good, bad, sGood, sOrphan, sBad] = [uid("C"), uid("C"), uid("S"), uid("S"), uid("S")];
      const res = await h().request("POST", "/v1/sync", {
        key: t.key,
        body: {
          customers: [{ id: good, ...customerBody() }, { id: bad, ...customerBody({ phone: "12" }) }, { name: "no id" }],
          subscriptions: [
            { id: sGood, ...subscriptionBody(good) },
            { id: sOrphan, ...subscriptionBody(bad) },
            { id: sBad, ...subscriptionBody(good, { intervalDays: 0 }) },
            { id: uid("S"), ...subscriptionBody(uid("C-unknown")) },
          ],
        },
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ applied: 2, refused: 4, notProcessed: 1 });
      const [, badCustomer, noId, , orphan, badSub, unknown] = res.body.results;
      expect(badCustomer).toMatchObject({ kind: "customer", id: bad, result: "refused", status: 422, error: { code: "validation_failed", errors: [{ path: "customers.1.phone" }] } });
      expect(noId).toMatchObject({ id: null, result: "refused", error: { errors: [{ path: "customers.2.id" }] } });
      expect(orphan).toMatchObject({ id: sOrphan, result: "not_processed", status: 424 });
      // The message says what was sent, as the single PUT's does.
      expect(badSub.error.errors[0]).toEqual({ path: "subscriptions.2.intervalDays", message: expect.stringMatching(/^0: /) });
      expect(unknown).toMatchObject({ result: "refused", status: 422, error: { code: "unknown_customer", errors: [{ path: "subscriptions.3.customerId" }] } });
      expect((await h().request("GET", `/v1/customers/${bad}`, { key: t.key })).status).toBe(404);
      expect((await h().request("GET", `/v1/subscriptions/${sOrphan}`, { key: t.key })).status).toBe(404);
      expect((await h().request("GET", `/v1/subscriptions/${sGood}`, { key: t.key })).status).toBe(200);
    });

    it("refuses a customer or subscription dated years ahead per item, and a next delivery past the plan rules' reach; minutes of skew pass", async () => {
      const [c, skewed, sFar, sCanceled, sNext, sOk] = [uid("C"), uid("C"), uid("S"), uid("S"), uid("S"), uid("S")];
      const inMinutes = (m: number) => new Date(Date.now() + m * 60_000).toISOString();
      // Years ahead of whatever today is: the test holds on any date.
      const year = new Date().getUTCFullYear();
      const farStart = `${year + 4}-05-01T01:00:00Z`;
      const res = await h().request("POST", "/v1/sync", {
        key: t.key,
        headers: { "accept-language": "ja" },
        body: {
          customers: [{ id: c, ...customerBody() }, { id: skewed, ...customerBody({ createdAt: inMinutes(2) }) }, { id: uid("C"), ...customerBody({ createdAt: `${year + 5}-04-01T00:00:00Z` }) }],
          subscriptions: [
            { id: sFar, ...subscriptionBody(c, { startedAt: farStart }) },
            { id: sCanceled, ...subscriptionBody(c, { status: "canceled", canceledAt: inMinutes(60) }) },
            { id: sNext, ...subscriptionBody(c, { nextDeliveryOn: `${year + 36}-12-05` }) },
            { id: sOk, ...subscriptionBody(c, { startedAt: inMinutes(4) }) },
          ],
        },
      });
      expect(res.body).toMatchObject({ applied: 3, refused: 4 });
      // Field messages in the language asked for, as the detail (Accept-Language: ja).
      const [, skew, farCustomer, far, canceled, next, ok] = res.body.results;
      expect(skew).toMatchObject({ id: skewed, result: "applied" });
      expect(farCustomer).toMatchObject({ result: "refused", status: 422, error: { code: "validation_failed", detail: expect.stringContaining("未来の日時です"), errors: [{ path: "customers.2.createdAt" }] } });
      expect(far).toMatchObject({ id: sFar, result: "refused", error: { code: "validation_failed", errors: [{ path: "subscriptions.0.startedAt", message: expect.stringMatching(new RegExp(`^"${year + 4}-05-01T01:00:00.000Z" は未来の日時です`)) }] } });
      expect(canceled).toMatchObject({ result: "refused", error: { errors: [{ path: "subscriptions.1.canceledAt" }] } });
      expect(next).toMatchObject({ result: "refused", error: { errors: [{ path: "subscriptions.2.nextDeliveryOn", message: expect.stringContaining("先すぎます") }] } });
      expect(ok).toMatchObject({ id: sOk, result: "applied" });
      for (const id of [sFar, sCanceled, sNext]) expect((await h().request("GET", `/v1/subscriptions/${id}`, { key: t.key })).status).toBe(404);
      // The single PUT answers the same problem, in the caller's language.
      const put = await h().request("PUT", `/v1/subscriptions/${sFar}`, { key: t.key, body: subscriptionBody(c, { startedAt: farStart }) });
      expect(put.status).toBe(422);
      expect(put.body).toMatchObject({ code: "validation_failed", detail: expect.stringMatching(/^startedAt: .*Check the sending system's clock and the year\.$/), errors: [{ path: "startedAt" }] });
    });

    it("a refused item's detail and messages follow Accept-Language, as the single PUT's problem does", async () => {
      const [bad, orphanOf, ghost] = [uid("C"), uid("C"), uid("C-unknown")];
      const body = {
        customers: [{ id: bad, ...customerBody({ phone: "12", email: "not an address" }) }, { id: orphanOf, ...customerBody({ createdAt: "yesterday" }) }],
        subscriptions: [{ id: uid("S"), ...subscriptionBody(ghost) }, { id: uid("S"), ...subscriptionBody(orphanOf) }],
      };
      const send = (headers?: Record<string, string>) => h().request("POST", "/v1/sync", { key: t.key, headers, body });
      const [plain, ja] = [await send(), await send({ "accept-language": "ja" })];
      expect(plain.body.results.map((r: { error: { detail: string } }) => r.error.detail)).toEqual([
        "The customer is not valid.",
        "The customer is not valid.",
        `No customer ${ghost}; sync the customer first.`,
        `Its customer ${orphanOf} was refused in this request; send both again once the customer is fixed.`,
      ]);
      const [badCustomer, , unknown, orphan] = ja.body.results;
      expect(orphan).toMatchObject({ result: "not_processed", error: { code: "unknown_customer", detail: expect.stringContaining(`顧客 ${orphanOf} がこのリクエストで受け付けられなかった`) } });
      // What the single PUTs answer under ja, item for item, with the item's place in the paths.
      const single = await h().request("PUT", `/v1/customers/${bad}`, { key: t.key, headers: { "accept-language": "ja" }, body: customerBody({ phone: "12", email: "not an address" }) });
      expect(badCustomer.error).toEqual({ code: "validation_failed", detail: "顧客の内容が正しくありません。", errors: single.body.errors.map((e: { path: string }) => ({ ...e, path: `customers.0.${e.path}` })) });
      expect(badCustomer.error.errors.map((e: { message: string }) => e.message).join(" ")).toMatch(/[ぁ-んァ-ン]/);
      const put = await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, headers: { "accept-language": "ja" }, body: subscriptionBody(ghost) });
      expect(put.body.code).toBe("unknown_customer");
      expect(unknown.error).toEqual({ code: "unknown_customer", detail: put.body.detail, errors: put.body.errors.map((e: { path: string }) => ({ ...e, path: `subscriptions.0.${e.path}` })) });
    });

    it("answers and stores exactly what the same items sent as single PUTs would: risk, flags, the at-risk list", async () => {
      // The same ids in two shops: one gets the items one PUT at a time, the other in one POST.
      const [one, bulk] = [await h().tenant(), await h().tenant()];
      const today = localDate(new Date(), "Asia/Tokyo");
      const email = `${uid("x")}@example.jp`;
      const [a, b, c, d] = [uid("C"), uid("C"), uid("C"), uid("C")];
      const [gone, again, twice, paused, keeps, goes, plain] = [uid("S"), uid("S"), uid("S"), uid("S"), uid("S"), uid("S"), uid("S")];
      const soon = addDays(today, 10);
      // Before: customer d with two live subscriptions, one of which the batch cancels.
      const before = {
        customers: [{ id: d, ...customerBody({ phone: null, email: `${uid("y")}@example.jp` }) }],
        subscriptions: [
          { id: keeps, ...subscriptionBody(d, { deliveriesCompleted: 5, nextDeliveryOn: soon }) },
          { id: goes, ...subscriptionBody(d, { deliveriesCompleted: 1, nextDeliveryOn: soon }) },
        ],
      };
      const batch = {
        customers: [
          { id: a, ...customerBody({ phone: null, email }) },
          // Two records of one person (same e-mail), and the same customer id twice: the last wins.
          { id: b, ...customerBody({ phone: null, email: email.toUpperCase(), name: "first" }) },
          { id: b, ...customerBody({ phone: null, email: email.toUpperCase(), name: "second" }) },
          { id: c, ...customerBody({ phone: "12" }) },
        ],
        subscriptions: [
          // A left after one delivery; the same person's new subscription under b learns it.
          { id: gone, ...subscriptionBody(a, { status: "canceled", deliveriesCompleted: 1 }) },
          { id: again, ...subscriptionBody(b, { deliveriesCompleted: 0, nextDeliveryOn: soon }) },
          // The same subscription twice: created, then replaced (200, version 2).
          { id: twice, ...subscriptionBody(a, { deliveriesCompleted: 0, nextDeliveryOn: soon }) },
          { id: twice, ...subscriptionBody(a, { deliveriesCompleted: 0, nextDeliveryOn: soon, quantity: 3 }) },
          // A pause whose date has passed is resumed on arrival (a resume change, as the single PUT records).
          { id: paused, ...subscriptionBody(a, { status: "paused", pausedUntil: addDays(today, -3), nextDeliveryOn: addDays(today, -3) }) },
          // Cancelled now: d's other live subscription gets the flag.
          { id: goes, ...subscriptionBody(d, { deliveriesCompleted: 1, status: "canceled" }) },
          { id: uid("S-orphan"), ...subscriptionBody(c) },
          { id: plain, ...subscriptionBody(a, { intervalDays: 0 }) },
        ],
      };
      const statuses: number[] = [];
      for (const t of [one, bulk]) {
        expect((await h().request("POST", "/v1/sync", { key: t.key, body: before })).body.applied).toBe(3);
      }
      for (const x of batch.customers) {
        const { id, ...body } = x;
        statuses.push((await h().request("PUT", `/v1/customers/${id}`, { key: one.key, body })).status);
      }
      for (const x of batch.subscriptions) {
        const { id, ...body } = x;
        if (body.customerId === c) continue; // its customer was refused: not processed
        statuses.push((await h().request("PUT", `/v1/subscriptions/${id}`, { key: one.key, body })).status);
      }
      const res = await h().request("POST", "/v1/sync", { key: bulk.key, body: batch });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ applied: 9, refused: 2, notProcessed: 1 });
      expect(res.body.results.filter((r: { result: string }) => r.result !== "not_processed").map((r: { status: number }) => r.status)).toEqual(statuses);
      expect(statuses).toEqual([201, 201, 200, 422, 201, 201, 201, 200, 201, 200, 422]);

      const timeless = (x: unknown): unknown =>
        Array.isArray(x) ? x.map(timeless) : x && typeof x === "object" ? Object.fromEntries(Object.entries(x).filter(([k, v]) => !/At$/.test(k) && !(k === "id" && /^chg_/.test(String(v)))).map(([k, v]) => [k, timeless(v)])) : x;
      const read = async (t: TestTenant, path: string) => timeless((await h().request("GET", path, { key: t.key })).body);
      for (const id of [gone, again, twice, paused, keeps, goes]) {
        for (const path of [`/v1/subscriptions/${id}`, `/v1/subscriptions/${id}/risk`, `/v1/subscriptions/${id}/changes`]) {
          expect(await read(bulk, path), path).toEqual(await read(one, path));
        }
      }
      expect(await read(bulk, `/v1/customers/${b}`)).toMatchObject({ name: "second" });
      expect(await read(bulk, `/v1/customers/${b}`)).toEqual(await read(one, `/v1/customers/${b}`));
      expect(await read(bulk, `/v1/subscriptions/${twice}`)).toMatchObject({ quantity: 3, version: 2 });
      expect(await read(bulk, `/v1/subscriptions/${paused}`)).toMatchObject({ status: "active", pausedUntil: null });
      expect(await read(bulk, `/v1/subscriptions/${again}/risk`)).toMatchObject({ flags: ["first_delivery_canceller"] });
      expect(await read(bulk, `/v1/subscriptions/${keeps}/risk`)).toMatchObject({ flags: ["first_delivery_canceller"] });
      // The at-risk list, every band, is right straight after the bulk sync.
      const list = await read(bulk, "/v1/risk/at-risk?limit=50");
      expect((list as { data: unknown[] }).data.length).toBe(4);
      expect(list).toEqual(await read(one, "/v1/risk/at-risk?limit=50"));
    });

    it("a retry with the same Idempotency-Key replays the first answer and applies nothing twice", async () => {
      const [cid, sid] = [uid("C"), uid("S")];
      const key = uid("idem");
      const body = { customers: [{ id: cid, ...customerBody() }], subscriptions: [{ id: sid, ...subscriptionBody(cid) }] };
      const first = await h().request("POST", "/v1/sync", { key: t.key, body, headers: { "idempotency-key": key } });
      expect(first.body.results.map((r: { status: number }) => r.status)).toEqual([201, 201]);
      const retry = await h().request("POST", "/v1/sync", { key: t.key, body, headers: { "idempotency-key": key } });
      expect(retry.status).toBe(200);
      // The replay: what the first request answered (created), not what running it again would (200).
      expect(retry.body).toEqual(first.body);
      expect((await h().request("GET", `/v1/subscriptions/${sid}`, { key: t.key })).body.version).toBe(1);
    });

    it("a subscription refused because its customer is not synced yet is not remembered: the same batch and key, sent again once the customer is, applies it", async () => {
      const [cid, sid, other] = [uid("C"), uid("S"), uid("C")];
      const key = uid("idem");
      await h().request("PUT", `/v1/customers/${other}`, { key: t.key, body: customerBody() });
      const body = { subscriptions: [{ id: sid, ...subscriptionBody(cid) }, { id: uid("S"), ...subscriptionBody(other) }] };
      const first = await h().request("POST", "/v1/sync", { key: t.key, body, headers: { "idempotency-key": key } });
      expect(first.status).toBe(200);
      expect(first.body.results.map((r: { result: string; error?: { code: string } }) => [r.result, r.error?.code])).toEqual([["refused", "unknown_customer"], ["applied", undefined]]);
      await h().request("PUT", `/v1/customers/${cid}`, { key: t.key, body: customerBody() });
      const retry = await h().request("POST", "/v1/sync", { key: t.key, body, headers: { "idempotency-key": key } });
      expect(retry.status).toBe(200);
      expect(retry.headers.get("idempotent-replayed")).toBeNull();
      expect(retry.body.results.map((r: { result: string; status: number }) => [r.result, r.status])).toEqual([["applied", 201], ["applied", 200]]);
      expect((await h().request("GET", `/v1/subscriptions/${sid}`, { key: t.key })).status).toBe(200);
      // Once every item is applied, the answer is remembered as usual.
      const again = await h().request("POST", "/v1/sync", { key: t.key, body, headers: { "idempotency-key": key } });
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.body).toEqual(retry.body);
    });

    it("takes up to 1,000 items and up to 4 MiB, and refuses more", async () => {
      const customers = Array.from({ length: 1000 }, (_, i) => ({ id: `${uid("C")}-${i}`, ...customerBody({ name: "佐".repeat(200) }) }));
      // ≈ 2 MB with white space between members: over the 1 MiB of other requests, under 4 MiB.
      const rawBody = JSON.stringify({ customers }).replace(/,"/g, `,${" ".repeat(150)}"`);
      expect(rawBody.length).toBeGreaterThan(1024 * 1024);
      const big = await h().request("POST", "/v1/sync", { key: t.key, rawBody, headers: { "content-type": "application/json" } });
      expect(big.status).toBe(200);
      expect(big.body.applied).toBe(1000);
      const over = await h().request("POST", "/v1/sync", { key: t.key, body: { customers, subscriptions: [{ id: uid("S"), ...subscriptionBody(customers[0]!.id) }] } });
      expect(over.status).toBe(422);
      expect(over.body.code).toBe("validation_failed");
      expect(over.body.errors).toEqual([{ path: "", message: "At most 1000 customers and subscriptions together per request" }]);
      // The limit is said in the caller's language too, though it is built from a constant.
      const overJa = await h().request("POST", "/v1/sync", { key: t.key, headers: { "accept-language": "ja" }, body: { customers, subscriptions: [{ id: uid("S"), ...subscriptionBody(customers[0]!.id) }] } });
      expect(overJa.body.errors).toEqual([{ path: "", message: "顧客と定期コースは合わせて1回に1000件までです" }]);
      const huge = await h().request("POST", "/v1/sync", { key: t.key, headers: { "content-type": "application/json" }, rawBody: JSON.stringify({ customers: [{ id: "C-x", name: "x".repeat(5 * 1024 * 1024) }] }) });
      expect(huge.status).toBe(413);
      const empty = await h().request("POST", "/v1/sync", { key: t.key, body: {} });
      expect(empty.status).toBe(422);
    });

    it("states its limits in openapi.json and answers past them as documented there: 422 over the items, 413 over its body limit", async () => {
      const sync = openapi.paths["/v1/sync"].post;
      type Media = { schema: { properties: { code: { enum: string[] } } }; examples: Record<string, unknown> };
      const [tooLarge, invalid] = [resolved<{ content: Record<string, Media> }>(sync.responses["413"]).content["application/problem+json"]!, resolved<{ content: Record<string, Media> }>(sync.responses["422"]).content["application/problem+json"]!];
      const { customers: customersField, subscriptions: subscriptionsField } = openapi.components.schemas.BulkSync.properties;
      const maxItems = customersField.maxItems;
      expect([maxItems, subscriptionsField.maxItems]).toEqual([1000, 1000]);
      const send = (body: unknown) => h().request("POST", "/v1/sync", { key: t.key, body });
      const customers = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `C-limit-${i}` }));

      // One array over its maxItems, and both within theirs but over the same number together (said in words).
      const overOne = await send({ customers: customers(maxItems + 1) });
      const overBoth = await send({ customers: customers(maxItems / 2), subscriptions: customers(maxItems / 2 + 1) });
      for (const over of [overOne, overBoth]) {
        expect(over.status).toBe(422);
        expect(invalid.schema.properties.code.enum).toContain(over.body.code);
        expect(over.body.code).toBe("validation_failed");
      }
      expect(overOne.body.errors.map((e: { path: string }) => e.path)).toEqual(["customers"]);
      expect(overBoth.body.errors).toEqual([{ path: "", message: `At most ${maxItems} customers and subscriptions together per request` }]);
      expect(customersField.description).toContain(`At least one and at most ${maxItems} items in \`customers\` and \`subscriptions\` together`);

      // The body limit: the operation's 413 names it, and a body one byte over it gets the documented answer.
      expect(resolved<{ description: string }>(sync.responses["413"]).description).toContain(`${MAX_SYNC_BODY_BYTES} bytes`);
      const documented = resolved<{ value: { status: number; code: string; detail: string } }>(tooLarge.examples.payload_too_large).value;
      const ofSize = (bytes: number) => {
        const [head, tail] = ['{"customers":[{"id":"C-limit","name":"', '"}]}'];
        return head + "x".repeat(bytes - head.length - tail.length) + tail;
      };
      const atLimit = await h().request("POST", "/v1/sync", { key: t.key, rawBody: ofSize(MAX_SYNC_BODY_BYTES), headers: { "content-type": "application/json" } });
      expect(atLimit.status).toBe(200); // read, and the item refused for its name
      expect(atLimit.body.refused).toBe(1);
      const overLimit = await h().request("POST", "/v1/sync", { key: t.key, rawBody: ofSize(MAX_SYNC_BODY_BYTES + 1), headers: { "content-type": "application/json" } });
      expect(overLimit.status).toBe(413);
      expect(overLimit.body).toMatchObject({ code: documented.code, detail: documented.detail });
    });

    it("a cancellation the customer confirmed is never undone by a sync (PUT or bulk): 409 per item, naming the date and receipt; its other fields still sync", async () => {
      const [c, s] = [uid("C"), uid("S")];
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      const next = addDays(localDate(new Date(), "Asia/Tokyo"), 14);
      const cart = subscriptionBody(c, { nextDeliveryOn: next });
      expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: cart })).status).toBe(201);
      const flow = (await h().request("POST", `/v1/subscriptions/${s}/cancel-flows`, { key: t.key, body: { channel: "web" } })).body;
      const done = (await h().request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: {} })).body;
      expect(done.receipt).toContain("停止しました");
      // A stale cart export: the plan active with the delivery the receipt said was stopped.
      const stale = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: cart, headers: { "accept-language": "ja" } });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: "subscription_canceled", confirmationNumber: done.confirmationNumber, errors: [{ path: "status" }] });
      expect(stale.body.detail).toContain(`受付番号 ${done.confirmationNumber}`);
      expect(stale.body.detail).toContain(`POST /v1/subscriptions/${s}/reactivate`);
      const bulk = await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: s, ...subscriptionBody(c, { nextDeliveryOn: next, status: "paused", pausedUntil: addDays(next, 30) }) }] } });
      expect(bulk.body).toMatchObject({ applied: 0, refused: 1 });
      expect(bulk.body.results[0]).toMatchObject({ id: s, result: "refused", status: 409, error: { code: "subscription_canceled", errors: [{ path: "subscriptions.0.status" }] } });
      expect(bulk.body.results[0].error.detail).toContain(done.confirmationNumber);
      const read = (await h().request("GET", `/v1/subscriptions/${s}`, { key: t.key })).body;
      expect(read).toMatchObject({ status: "canceled", nextDeliveryOn: null, cancellation: { confirmationNumber: done.confirmationNumber } });
      const changes = (await h().request("GET", `/v1/subscriptions/${s}/changes`, { key: t.key })).body.data;
      expect(changes[0].type).toBe("cancel");
      // Synced as canceled, a new price still updates.
      const priced = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { status: "canceled", unitPrice: { amount: 4200, currency: "JPY" } }) });
      expect(priced.status).toBe(200);
      expect(priced.body).toMatchObject({ status: "canceled", unitPrice: { amount: 4200 }, cancellation: { confirmationNumber: done.confirmationNumber } });
    });

    it("refuses an item with each code openapi.json lists for it (SyncItemProblem) and no other, each at its code's status", async () => {
      const [c, bad, cancelledId, pausedId] = [uid("C"), uid("C"), uid("S"), uid("S")];
      const erased = await erasedCustomer(h(), t);
      const next = addDays(localDate(new Date(), "Asia/Tokyo"), 21);
      const active = subscriptionBody(c, { nextDeliveryOn: next });
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      for (const id of [cancelledId, pausedId]) expect((await h().request("PUT", `/v1/subscriptions/${id}`, { key: t.key, body: active })).status).toBe(201);
      // The customer cancels one through a flow; after the export, the IVR pauses the other.
      const flow = (await h().request("POST", `/v1/subscriptions/${cancelledId}/cancel-flows`, { key: t.key, body: { channel: "web" } })).body;
      expect((await h().request("POST", `/v1/cancel-flows/${flow.flowId}/confirm`, { key: t.key, body: {} })).status).toBe(200);
      const exportedAt = new Date(Date.now() - 1_000).toISOString();
      expect((await h().request("POST", `/v1/subscriptions/${pausedId}/pause`, { key: t.key, body: { resumeOn: addDays(next, 30), channel: "ivr" } })).status).toBe(200);
      // The harness holds the answer to openapi.json: a code the enum lacks fails the request itself.
      const res = await h().request("POST", "/v1/sync", {
        key: t.key,
        body: {
          exportedAt,
          customers: [{ id: bad, ...customerBody({ phone: "12" }) }, { id: erased, name: "佐藤 花子" }],
          subscriptions: [
            { id: uid("S"), ...subscriptionBody(bad) },
            { id: uid("S"), ...subscriptionBody(uid("C-unknown")) },
            { id: uid("S"), ...subscriptionBody(c, { status: "canceled", cancellationReason: "pricey" }) },
            { id: cancelledId, ...active },
            { id: pausedId, ...active },
          ],
        },
      });
      expect(res.status).toBe(200);
      const refused = res.body.results.map((r: { result: string; status: number; error?: { code: string } }) => [r.result, r.status, r.error?.code]);
      expect(refused).toEqual([
        ["refused", 422, "validation_failed"],
        ["refused", 409, "customer_erased"],
        ["not_processed", 424, "unknown_customer"],
        ["refused", 422, "unknown_customer"],
        ["refused", 422, "unknown_reason"],
        ["refused", 409, "subscription_canceled"],
        ["refused", 409, "changed_after_export"],
      ]);
      // Every code the document lists is one the server sends.
      const listed: string[] = openapi.components.schemas.SyncItemProblem.properties.code.enum;
      expect([...new Set(refused.map((r: string[]) => r[2]))].sort()).toEqual([...listed].sort());
    });

    it("a plan the cart cancelled itself may be restarted by the cart: recorded as a reactivate in its changes and the timeline, its stale cancellation closed", async () => {
      const [c, s] = [uid("C"), uid("S")];
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { status: "canceled" }) })).status).toBe(201);
      const restarted = await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: s, ...subscriptionBody(c) }] } });
      expect(restarted.body).toMatchObject({ applied: 1, refused: 0 });
      const changes = (await h().request("GET", `/v1/subscriptions/${s}/changes`, { key: t.key })).body.data;
      expect(changes[0]).toMatchObject({ type: "reactivate", channel: "api", actor: { type: "system", id: "sync" }, before: { status: "canceled" }, after: { status: "active" }, source: { sync: true } });
      const timeline = (await h().request("GET", `/v1/customers/${c}/timeline`, { key: t.key })).body.data;
      expect(timeline[0]).toMatchObject({ kind: "change", type: "reactivate", subscriptionId: s });
      // Cancelled and restarted again by the single PUT: the same record.
      expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { status: "canceled" }) })).status).toBe(200);
      const again = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: "active", canceledAt: null, cancellation: null });
      expect((await h().request("GET", `/v1/subscriptions/${s}/changes`, { key: t.key })).body.data.filter((x: { type: string }) => x.type === "reactivate")).toHaveLength(2);
    });

    it("with exportedAt, a stale export does not undo a restart or an IVR pause made in Tsuzuku after it (409 changed_after_export per item); a fresh one applies, its status changes recorded as the sync's", async () => {
      const [c, restartedId, pausedId] = [uid("C"), uid("S"), uid("S")];
      const today = localDate(new Date(), "Asia/Tokyo");
      const next = addDays(today, 21);
      // The cart's export: the first plan cancelled by the cart, the second active.
      const canceledAt = new Date(Date.now() - 10 * 864e5).toISOString();
      const canceledInCart = subscriptionBody(c, { status: "canceled", canceledAt, nextDeliveryOn: next });
      const activeInCart = subscriptionBody(c, { nextDeliveryOn: next });
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: restartedId, ...canceledInCart }, { id: pausedId, ...activeInCart }] } });
      const exportedAt = new Date(Date.now() - 1_000).toISOString();
      // After the export: an operator restarts the first, the IVR pauses the second.
      expect((await h().request("POST", `/v1/subscriptions/${restartedId}/reactivate`, { key: t.key, body: { channel: "operator" } })).status).toBe(200);
      expect((await h().request("POST", `/v1/subscriptions/${pausedId}/pause`, { key: t.key, body: { resumeOn: addDays(next, 30), channel: "ivr" } })).status).toBe(200);
      const stale = await h().request("POST", "/v1/sync", { key: t.key, body: { exportedAt, subscriptions: [{ id: restartedId, ...canceledInCart }, { id: pausedId, ...activeInCart }] } });
      expect(stale.status).toBe(200);
      expect(stale.body).toMatchObject({ applied: 0, refused: 2 });
      expect(stale.body.results).toMatchObject([
        { id: restartedId, result: "refused", status: 409, error: { code: "changed_after_export", change: { type: "reactivate", channel: "operator" } } },
        { id: pausedId, result: "refused", status: 409, error: { code: "changed_after_export", change: { type: "pause", channel: "ivr" } } },
      ]);
      expect(stale.body.results[1].error.detail).toMatch(/^Subscription \S+: paused in Tsuzuku \d{4}-\d\d-\d\d \d\d:\d\d JST \(ivr\), after the export \(\d{4}-\d\d-\d\d \d\d:\d\d JST\)/);
      expect((await h().request("GET", `/v1/subscriptions/${restartedId}`, { key: t.key })).body.status).toBe("active");
      expect((await h().request("GET", `/v1/subscriptions/${pausedId}`, { key: t.key })).body.status).toBe("paused");
      // Nothing recorded for what was refused: the latest changes are still Tsuzuku's own.
      expect((await h().request("GET", `/v1/subscriptions/${pausedId}/changes`, { key: t.key })).body.data[0]).toMatchObject({ type: "pause", channel: "ivr" });

      // An export dated in the future protects nothing: refused whole, naming the field.
      const ahead = await h().request("POST", "/v1/sync", { key: t.key, body: { exportedAt: new Date(Date.now() + 864e5).toISOString(), subscriptions: [{ id: pausedId, ...activeInCart }] } });
      expect(ahead.status).toBe(422);
      expect(ahead.body).toMatchObject({ code: "validation_failed", errors: [{ path: "exportedAt" }] });

      // A fresh export, made after both changes, still saying so: applied, and each status change is in the plan's changes as the sync's.
      const fresh = await h().request("POST", "/v1/sync", { key: t.key, body: { exportedAt: new Date().toISOString(), subscriptions: [{ id: restartedId, ...canceledInCart }, { id: pausedId, ...activeInCart }] } });
      expect(fresh.body).toMatchObject({ applied: 2, refused: 0 });
      const sync = { channel: "api", actor: { type: "system", id: "sync" } };
      expect((await h().request("GET", `/v1/subscriptions/${restartedId}/changes`, { key: t.key })).body.data[0]).toMatchObject({ type: "cancel", ...sync, before: { status: "active" }, after: { status: "canceled" }, source: { sync: true, canceledAt } });
      expect((await h().request("GET", `/v1/subscriptions/${pausedId}/changes`, { key: t.key })).body.data[0]).toMatchObject({ type: "resume", ...sync, before: { status: "paused" }, after: { status: "active" }, source: { sync: true } });
      // Paused by the single PUT: recorded the same way.
      const pausedByPut = await h().request("PUT", `/v1/subscriptions/${pausedId}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: next, status: "paused", pausedUntil: addDays(next, 30) }) });
      expect(pausedByPut.status).toBe(200);
      expect((await h().request("GET", `/v1/subscriptions/${pausedId}/changes`, { key: t.key })).body.data[0]).toMatchObject({ type: "pause", ...sync, after: { status: "paused" } });
    });

    it("a single PUT with exportedAt refuses to overwrite what Tsuzuku changed after the export, as the bulk sync does (409 changed_after_export, nothing written); a fresh export, or one that changes nothing, applies", async () => {
      const [c, s] = [uid("C"), uid("S")];
      const next = addDays(localDate(new Date(), "Asia/Tokyo"), 21);
      const activeInCart = subscriptionBody(c, { nextDeliveryOn: next });
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: activeInCart })).status).toBe(201);
      const exportedAt = new Date(Date.now() - 1_000).toISOString();
      // After the export, the customer pauses by phone.
      const paused = await h().request("POST", `/v1/subscriptions/${s}/pause`, { key: t.key, body: { resumeOn: addDays(next, 30), channel: "ivr" } });
      expect(paused.status).toBe(200);
      const version = paused.body.subscription.version;

      // The cart, syncing one plan at a time from its stale export, would set it active and raise the quantity.
      const stale = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, headers: { "accept-language": "ja" }, body: { ...activeInCart, quantity: 2, exportedAt } });
      expect(stale.status).toBe(409);
      expect(stale.headers.get("content-type")).toContain("application/problem+json");
      expect(stale.body).toMatchObject({ code: "changed_after_export", status: 409, change: { id: paused.body.change.id, type: "pause", channel: "ivr" } });
      expect(stale.body.detail).toMatch(/休止されました（ivr）。エクスポートの内容では上書きしていません/);
      const kept = await h().request("GET", `/v1/subscriptions/${s}`, { key: t.key });
      expect(kept.body).toMatchObject({ status: "paused", quantity: 1, version });
      expect((await h().request("GET", `/v1/subscriptions/${s}/changes`, { key: t.key })).body.data[0]).toMatchObject({ type: "pause", channel: "ivr" });

      // An export from the future protects nothing: refused as the field's problem, as in the bulk sync.
      const ahead = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: { ...activeInCart, exportedAt: new Date(Date.now() + 864e5).toISOString() } });
      expect(ahead.status).toBe(422);
      expect(ahead.body).toMatchObject({ code: "validation_failed", errors: [{ path: "exportedAt" }] });
      // The stale export that changes nothing (the cart already shows the pause) is applied, unchanged.
      const same = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: { ...subscriptionBody(c, { nextDeliveryOn: kept.body.nextDeliveryOn, status: "paused", pausedUntil: kept.body.pausedUntil }), exportedAt } });
      expect(same.status).toBe(200);
      expect(same.body.version).toBe(version);
      // Without exportedAt, or from an export made after the pause: applied.
      const fresh = await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: { ...activeInCart, quantity: 2, exportedAt: new Date().toISOString() } });
      expect(fresh.status).toBe(200);
      expect(fresh.body).toMatchObject({ status: "active", quantity: 2, version: version + 1 });
      // A new plan has nothing to protect.
      expect((await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: { ...activeInCart, exportedAt } })).status).toBe(201);
      // The bulk sync's items take no exportedAt of their own: the batch's is the one.
      const perItem = await h().request("POST", "/v1/sync", { key: t.key, body: { subscriptions: [{ id: s, ...activeInCart, exportedAt }] } });
      expect(perItem.body.results[0]).toMatchObject({ result: "refused", status: 422, error: { code: "validation_failed" } });
    });

    it("a status a sync changes sends the webhook the same change made in Tsuzuku sends, marked as the sync's; creating a plan or mirroring its other fields sends none, and a shop with no endpoint gets no outbox rows", async () => {
      const shop = await h().tenant();
      const c = uid("C");
      const [pausing, canceling, restarting, mirrored, created] = [uid("S"), uid("S"), uid("S"), uid("S"), uid("S")];
      const next = addDays(localDate(new Date(), "Asia/Tokyo"), 21);
      const body = (overrides: Record<string, unknown> = {}) => subscriptionBody(c, { nextDeliveryOn: next, ...overrides });
      const canceledAt = new Date(Date.now() - 3 * 864e5).toISOString();
      const outbox = async () =>
        (await h().sql("SELECT event_type, payload FROM webhook_deliveries WHERE tenant_id = ? ORDER BY id", [shop.id])).map((r) => ({ type: String(r.event_type), data: JSON.parse(String(r.payload)).data }));
      await h().request("PUT", `/v1/customers/${c}`, { key: shop.key, body: customerBody() });
      const first = await h().request("POST", "/v1/sync", {
        key: shop.key,
        body: { subscriptions: [{ id: pausing, ...body() }, { id: canceling, ...body() }, { id: restarting, ...body({ status: "canceled", canceledAt }) }, { id: mirrored, ...body() }] },
      });
      expect(first.body).toMatchObject({ applied: 4 });
      // No endpoint yet: the cart pauses a plan, and nothing is queued for anyone.
      expect((await h().request("PUT", `/v1/subscriptions/${pausing}`, { key: shop.key, body: body({ status: "paused", pausedUntil: addDays(next, 30) }) })).status).toBe(200);
      expect(await outbox()).toEqual([]);
      expect((await h().request("PUT", `/v1/subscriptions/${pausing}`, { key: shop.key, body: body() })).status).toBe(200);

      const crm = await h().request("PUT", "/v1/webhooks/crm", { key: shop.key, body: { url: "https://crm.example.jp/hooks/tsuzuku", events: ["subscription.changed", "subscription.canceled", "subscription.reactivated"] } });
      expect(crm.status).toBe(201);
      const sync = { channel: "api", actor: { type: "system", id: "sync" }, source: { sync: true } };
      // One batch: a pause, a cancellation, a restart of a plan the cart had cancelled, a quantity mirrored, a new plan.
      const batch = await h().request("POST", "/v1/sync", {
        key: shop.key,
        body: {
          subscriptions: [
            { id: pausing, ...body({ status: "paused", pausedUntil: addDays(next, 30) }) },
            { id: canceling, ...body({ status: "canceled" }) },
            { id: restarting, ...body() },
            { id: mirrored, ...body({ quantity: 3, deliveriesCompleted: 7 }) },
            { id: created, ...body() },
          ],
        },
      });
      expect(batch.body).toMatchObject({ applied: 5, refused: 0 });
      const events = await outbox();
      expect(events.map((e) => [e.type, e.data.subscription.id, e.data.change.type])).toEqual([
        ["subscription.changed", pausing, "pause"],
        ["subscription.canceled", canceling, "cancel"],
        ["subscription.reactivated", restarting, "reactivate"],
      ]);
      for (const e of events) expect(e.data.change).toMatchObject(sync);
      expect(events[0]!.data.subscription).toMatchObject({ status: "paused", pausedUntil: addDays(next, 30) });
      // A cancellation the cart made has no flow and no receipt to e-mail.
      expect(events[1]!.data).toMatchObject({ outcome: "canceled", flowId: null, confirmationNumber: null, receipt: null, subscription: { status: "canceled" } });
      expect(events[2]!.data.subscription).toMatchObject({ status: "active", cancellation: null });
      // Each event carries the change as the plan's history has it.
      const history = await h().request("GET", `/v1/subscriptions/${canceling}/changes`, { key: shop.key });
      expect(events[1]!.data.change).toEqual(history.body.data[0]);

      // The single PUT sends them too: a resume, then a cancellation.
      expect((await h().request("PUT", `/v1/subscriptions/${pausing}`, { key: shop.key, body: body() })).status).toBe(200);
      expect((await h().request("PUT", `/v1/subscriptions/${pausing}`, { key: shop.key, body: body({ status: "canceled", canceledAt }) })).status).toBe(200);
      expect((await outbox()).slice(3).map((e) => [e.type, e.data.subscription.id, e.data.change.type, e.data.change.source])).toEqual([
        ["subscription.changed", pausing, "resume", { sync: true }],
        ["subscription.canceled", pausing, "cancel", { sync: true, canceledAt }],
      ]);
    });

    it("needs the write scope", async () => {
      const res = await h().request("POST", "/v1/sync", { key: await t.keyWith(["read"]), body: { customers: [{ id: uid("C") }] } });
      expect(res.status).toBe(403);
    });
  });
}
