import { beforeAll, describe, expect, it } from "vitest";
import { WebhookPage } from "../../src/webhooks/schemas";
import { customerBody, RECEIVER_SECRET, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";

/** `GET /v1/webhooks`: a partner finds the endpoints a shop has, page by page, without their secrets. */
export function webhooksSuite(h: () => Harness) {
  describe("listing webhook endpoints", () => {
    let t: TestTenant;
    const secrets: string[] = [];
    const hook = (id: string, events: string[], secret?: string) =>
      h().request("PUT", `/v1/webhooks/${id}`, { key: t.key, body: { url: `https://shop.example.jp/hooks/${id}`, events, ...(secret ? { secret } : {}) } });

    beforeAll(async () => {
      t = await h().tenant();
      // Out of id order, one with the merchant's own secret.
      for (const [id, secret] of [["erp", undefined], ["crm", "whsec_bWVyY2hhbnQtY2hvc2VuLXNpZ25pbmctc2VjcmV0"], ["mail", undefined]] as const) {
        const put = await hook(id, ["subscription.changed"], secret);
        expect(put.status).toBe(201);
        secrets.push(put.body.secret);
      }
    });

    it("lists every endpoint in id order, a page at a time, as GET shows it but without the secret", async () => {
      const first = await h().request("GET", "/v1/webhooks?limit=2", { key: t.key });
      expect(first.status).toBe(200);
      expect(WebhookPage.safeParse(first.body).success).toBe(true);
      expect(first.body.data.map((w: { id: string }) => w.id)).toEqual(["crm", "erp"]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await h().request("GET", `/v1/webhooks?limit=2&cursor=${first.body.nextCursor}`, { key: t.key });
      expect(second.body).toMatchObject({ data: [{ id: "mail" }], nextCursor: null });

      const one = await h().request("GET", "/v1/webhooks/crm", { key: t.key });
      const { secret, ...withoutSecret } = one.body;
      expect(secret).toBe(secrets[1]);
      expect(first.body.data[0]).toEqual(withoutSecret);
      for (const page of [first, second]) {
        expect(page.text).not.toContain("secret");
        expect(page.text).not.toContain("whsec_");
        for (const s of secrets) expect(page.text).not.toContain(s);
      }
    });

    it("shows each endpoint's outbox counts", async () => {
      const c = uid("C");
      const s = uid("S");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
      await hook("zz-risk-only", ["risk.band_changed"]);
      expect((await h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 2 } })).status).toBe(200);
      const list = await h().request("GET", "/v1/webhooks", { key: t.key });
      const total = (id: string) => {
        const d = list.body.data.find((w: { id: string }) => w.id === id).deliveries;
        return d.pending + d.delivered + d.failed;
      };
      // The change queued one delivery per endpoint that takes subscription.changed.
      expect([total("crm"), total("erp"), total("mail"), total("zz-risk-only")]).toEqual([1, 1, 1, 0]);
    });

    it("drops a deleted endpoint and shows no other tenant's", async () => {
      const other = await h().tenant();
      await h().request("PUT", "/v1/webhooks/gone", { key: other.key, body: { url: "https://other.example.jp/hook", events: ["subscription.changed"] } });
      await h().request("PUT", "/v1/webhooks/kept", { key: other.key, body: { url: "https://other.example.jp/kept", events: ["subscription.changed"] } });
      expect((await h().request("DELETE", "/v1/webhooks/gone", { key: other.key })).status).toBe(200);
      const theirs = await h().request("GET", "/v1/webhooks", { key: other.key });
      expect(theirs.body).toEqual({ data: [expect.objectContaining({ id: "kept" })], nextCursor: null });
      const ours = await h().request("GET", "/v1/webhooks?limit=100", { key: t.key });
      expect(ours.text).not.toContain("other.example.jp");
    });

    it("needs admin, and refuses a cursor it did not issue as every list does", async () => {
      const read = await h().request("GET", "/v1/webhooks", { key: await t.keyWith(["read"]) });
      expect(read.status).toBe(403);
      expect(read.body).toMatchObject({ code: "insufficient_scope", requiredScope: "admin" });
      const bad = await h().request("GET", "/v1/webhooks?cursor=not-a-cursor", { key: t.key });
      expect(bad.status).toBe(422);
      expect(bad.headers.get("content-type")).toContain("application/problem+json");
      expect(bad.body).toMatchObject({ code: "validation_failed", errors: [{ path: "query.cursor" }] });
    });

    it("says why a URL is refused in the caller's language, and stores nothing", async () => {
      const id = uid("wh");
      const put = (lang: string) => h().request("PUT", `/v1/webhooks/${id}`, { key: t.key, body: { url: "https://metadata.google.internal/computeMetadata/v1/", events: ["subscription.changed"] }, headers: { "accept-language": lang } });
      const ja = await put("ja");
      expect(ja.status).toBe(422);
      expect(ja.body.errors).toEqual([{ path: "url", message: "使えません：metadata.google.internal は公開された名前ではありません" }]);
      const en = await put("en");
      expect(en.body.errors).toEqual([{ path: "url", message: "Not allowed: metadata.google.internal is not a public name" }]);
      expect((await h().request("GET", `/v1/webhooks/${id}`, { key: t.key })).status).toBe(404);
    });

    it("refuses a URL with a line break, a tab, a space or an invisible character, or one the URL parser would rewrite (a full-width host), or port 0, and stores nothing; a trivial rewrite (HTTPS://, :443) is stored canonical", async () => {
      const put = (id: string, url: string, lang = "en") => h().request("PUT", `/v1/webhooks/${id}`, { key: t.key, body: { url, events: ["subscription.changed"] }, headers: { "accept-language": lang } });
      const refused: [string, RegExp][] = [
        ["https://shop.example.jp/x\r\nX-Evil: 1", /: the URL holds a space, control or invisible character \(U\+000D at 26\); send it without$/],
        ["https://shop.example.jp/x\ty", /U\+0009 at 26/],
        ["https://shop.example.jp/hooks/a b", /U\+0020 at 32/],
        ["https://shop.example.jp/x\u200b", /U\+200B/],
        ["https://ｓｈｏｐ.example.jp/x", /: the URL would be read as https:\/\/shop\.example\.jp\/x; send it written that way$/],
        ["https://shop.example.jp/a/../b", /would be read as https:\/\/shop\.example\.jp\/b;/],
      ];
      for (const [url, message] of refused) {
        const id = uid("wh");
        const res = await put(id, url);
        expect(res.status, JSON.stringify(url)).toBe(422);
        expect(res.body).toMatchObject({ code: "validation_failed", errors: [{ path: "url", message: expect.stringMatching(message) }] });
        expect((await h().request("GET", `/v1/webhooks/${id}`, { key: t.key })).status).toBe(404);
      }
      const ja = await put(uid("wh"), "https://ｓｈｏｐ.example.jp/x", "ja");
      expect(ja.body.errors).toEqual([{ path: "url", message: '"https://ｓｈｏｐ.example.jp/x": URL は https://shop.example.jp/x と読み取られます。この形で指定してください' }]);
      // What the parser rewrites trivially passes, stored as it reads it: the case of the scheme and host, a default port, an empty path.
      for (const [url, stored] of [
        ["https://Shop.Example.JP:443", "https://shop.example.jp/"],
        ["HTTPS://shop.example.jp/hooks", "https://shop.example.jp/hooks"],
        ["https://shop.example.jp/hooks?from=tsuzuku", "https://shop.example.jp/hooks?from=tsuzuku"],
      ]) {
        const id = uid("wh");
        const ok = await put(id, url!);
        expect(ok.status, url).toBe(201);
        expect(ok.body.url).toBe(stored);
        expect((await h().request("GET", `/v1/webhooks/${id}`, { key: t.key })).body.url).toBe(stored);
      }
      // Port 0 is no port.
      const zero = uid("wh");
      const port0 = await put(zero, "https://shop.example.jp:0/hooks");
      expect(port0.body).toMatchObject({ code: "validation_failed", errors: [{ path: "url", message: "Not allowed: port 0 is not a port a request can be sent to" }] });
      expect((await h().request("GET", `/v1/webhooks/${zero}`, { key: t.key })).status).toBe(404);
    });
  });

  describe("deleting an endpoint", () => {
    it("says how many undelivered events it dropped; one created again under the id starts with no history", async () => {
      const t = await h().tenant();
      // The shared receiver refuses a signature it cannot verify (400): the events stay undelivered.
      const put = () => h().request("PUT", "/v1/webhooks/rx", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["subscription.changed"], secret: "whsec_bm90LXRoZS1yZWNlaXZlcnMtc2VjcmV0LWF0LWFsbA==" } });
      expect((await put()).status).toBe(201);
      await h().request("PUT", "/v1/customers/C-1", { key: t.key, body: customerBody() });
      await h().request("PUT", "/v1/subscriptions/S-1", { key: t.key, body: subscriptionBody("C-1") });
      for (const quantity of [2, 3]) await h().request("POST", "/v1/subscriptions/S-1/quantity", { key: t.key, body: { quantity } });
      expect((await h().request("GET", "/v1/webhooks/rx", { key: t.key })).body.deliveries).toMatchObject({ pending: 2 });
      const gone = await h().request("DELETE", "/v1/webhooks/rx", { key: t.key });
      expect(gone).toMatchObject({ status: 200, body: { id: "rx", deleted: true, dropped: { pending: 2, failed: 0 } } });
      const again = await put();
      expect(again.body.deliveries).toEqual({ pending: 0, delivered: 0, failed: 0 });
      expect((await h().request("GET", "/v1/webhooks/rx/deliveries", { key: t.key })).body.data).toEqual([]);
      const audit = await h().request("GET", "/v1/audit-log?limit=5", { key: t.key });
      expect(audit.body.data.find((e: { action: string }) => e.action === "webhook.deleted")?.details).toEqual({ droppedPending: 2, droppedFailed: 0 });
    });

    it("a paused endpoint answers paused, in its GET and the list", async () => {
      const t = await h().tenant();
      const put = await h().request("PUT", "/v1/webhooks/held", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["subscription.changed"], secret: RECEIVER_SECRET, paused: true } });
      expect(put).toMatchObject({ status: 201, body: { paused: true } });
      expect((await h().request("GET", "/v1/webhooks/held", { key: t.key })).body.paused).toBe(true);
      expect((await h().request("GET", "/v1/webhooks", { key: t.key })).body.data[0]).toMatchObject({ id: "held", paused: true });
    });
  });

  describe("what a receiver gets", () => {
    /** A customer, a plan and a quantity change on it: one subscription.changed to send. */
    const quantityChange = async (t: TestTenant) => {
      const c = uid("C");
      const s = uid("S");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
      const change = await h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 2 } });
      expect(change.status).toBe(200);
      return change;
    };
    it("the same request headers from either runtime: the signature's, JSON, Tsuzuku-Webhooks as user-agent, accept, and nothing a browser's fetch adds", async () => {
      const t = await h().tenant();
      expect((await h().request("PUT", "/v1/webhooks/rx", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["subscription.changed"], secret: RECEIVER_SECRET } })).status).toBe(201);
      const change = await quantityChange(t);
      // Node sends it from the dispatcher's next run, the Worker right after the request (waitUntil).
      type Got = { verified: { data: { change?: { id: string } } } | null; error: string | null; headers: Record<string, string> };
      let mine: Got | undefined;
      for (let i = 0; i < 100 && !mine; i++) {
        if (i === 0) await h().maintain();
        const got = (await (await fetch(`${h().receiverUrl}/received`)).json()) as Got[];
        mine = got.find((g) => g.verified?.data.change?.id === change.body.change.id);
        if (!mine) await new Promise((r) => setTimeout(r, 100));
      }
      expect(mine?.error).toBeNull();
      // Transport headers aside (and the `cf-worker` Cloudflare adds to a Worker's every subrequest),
      // exactly what openapi.json's webhooks say: no `sec-fetch-mode`, `accept-language` or
      // `accept-encoding` from Node's fetch.
      const transport = new Set(["host", "content-length", "connection", "cf-worker"]);
      const sent = Object.fromEntries(Object.entries(mine!.headers).filter(([name]) => !transport.has(name)));
      expect(sent).toEqual({
        "content-type": "application/json",
        "user-agent": "Tsuzuku-Webhooks/1",
        accept: "*/*",
        "webhook-id": expect.stringMatching(/^evt_/),
        "webhook-timestamp": expect.stringMatching(/^\d+$/),
        "webhook-signature": expect.stringMatching(/^v1,/),
      });
    });

    it("nothing to an endpoint stored with a URL registration now refuses (a tab the parser drops): a failed attempt saying why", async () => {
      const t = await h().tenant();
      expect((await h().request("PUT", "/v1/webhooks/rx", { key: t.key, body: { url: `${h().receiverUrl}/hook`, events: ["subscription.changed"], secret: RECEIVER_SECRET } })).status).toBe(201);
      // Stored before the rule, or by a direct write: read as written it is not a URL; the parser drops the tab and reads the receiver's /hook.
      await h().sql("UPDATE webhooks SET url = ? WHERE tenant_id = ? AND id = 'rx'", [`${h().receiverUrl}/ho\tok`, t.id]);
      const change = await quantityChange(t);
      // Node attempts it on the dispatcher's next run, the Worker right after the request (waitUntil).
      type Delivery = { status: string; attempts: { statusCode: number | null; error: string | null }[] };
      let delivery: Delivery | undefined;
      for (let i = 0; i < 100 && !delivery?.attempts.length; i++) {
        if (i === 0) await h().maintain();
        else await new Promise((r) => setTimeout(r, 100));
        delivery = (await h().request("GET", "/v1/webhooks/rx/deliveries", { key: t.key })).body.data[0];
      }
      const at = `${h().receiverUrl}/ho`.length + 1;
      expect(delivery).toMatchObject({ status: "pending", attempts: [{ statusCode: null, error: `refused destination: the URL holds a space, control or invisible character (U+0009 at ${at}); send it without` }] });
      const got = (await (await fetch(`${h().receiverUrl}/received`)).json()) as { verified: { data: { change?: { id: string } } } | null }[];
      expect(got.some((g) => g.verified?.data.change?.id === change.body.change.id)).toBe(false);
    });
  });
}
