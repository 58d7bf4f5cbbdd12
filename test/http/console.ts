import { beforeAll, describe, expect, it } from "vitest";
import { KnowledgeEntry, KnowledgeList } from "../../src/knowledge/schemas";
import { addDays, localDate } from "../../src/platform/dates";
import { customerBody, subscriptionBody, uid, type Harness, type TestTenant } from "../support/harness";
import { syncedPlan } from "../support/synced-plan";

const entry = (over: Record<string, unknown> = {}) => ({
  title: { ja: "青汁の続けやすい飲み方", en: "Ways to keep taking aojiru" },
  body: { ja: "牛乳や豆乳で溶かすと飲みやすくなります。", en: "Dissolved in milk or soy milk it is easier to drink." },
  category: "health_food",
  topic: "usage_advice",
  reasons: ["no_effect"],
  ...over,
});

/** The operator console's API: knowledge, the customer timeline, console sessions and what a console cookie may do. */
export function consoleSuite(h: () => Harness) {
  describe("knowledge entries", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
      for (const [id, over] of Object.entries({
        "kb-aojiru": {},
        "kb-surplus": { title: { ja: "商品が余っているとき", en: "When stock piles up" }, category: null, topic: "plan_options", reasons: ["surplus_stock", "temporary_break"] },
        "kb-serum": { title: { ja: "美容液のお手入れ", en: "Serum routine" }, category: "cosmetics", reasons: ["no_effect", "surplus_stock"] },
      })) {
        expect((await h().request("PUT", `/v1/knowledge/${id}`, { key: t.key, body: entry(over) })).status).toBe(201);
      }
    });

    it("lists the entries for a reason and product category (and those for every product), most used first, new ones marked", async () => {
      const write = await t.keyWith(["write"]);
      for (let i = 0; i < 2; i++) expect((await h().request("POST", "/v1/knowledge/kb-surplus/uses", { key: write })).status).toBe(200);
      const res = await h().request("GET", "/v1/knowledge?reason=surplus_stock&category=health_food", { key: await t.keyWith(["read"]) });
      expect(res.status).toBe(200);
      expect(KnowledgeList.safeParse(res.body).success).toBe(true);
      expect(res.body.data.map((e: { id: string }) => e.id)).toEqual(["kb-surplus"]);
      expect(res.body.data[0]).toMatchObject({ uses: 2, new: true });
      const all = await h().request("GET", "/v1/knowledge?reason=no_effect", { key: t.key });
      expect(all.body.data.map((e: { id: string }) => e.id)).toEqual(["kb-aojiru", "kb-serum"]);
      await h().request("POST", "/v1/knowledge/kb-serum/uses", { key: t.key });
      const again = await h().request("GET", "/v1/knowledge?reason=no_effect", { key: t.key });
      expect(again.body.data.map((e: { id: string }) => e.id)).toEqual(["kb-serum", "kb-aojiru"]);
    });

    it("finds words in either language, and by topic; pages with a cursor", async () => {
      const ja = await h().request("GET", `/v1/knowledge?q=${encodeURIComponent("豆乳")}`, { key: t.key });
      expect(ja.body.data.map((e: { id: string }) => e.id).sort()).toEqual(["kb-aojiru", "kb-serum", "kb-surplus"]);
      const en = await h().request("GET", "/v1/knowledge?q=serum%20ROUTINE", { key: t.key });
      expect(en.body.data.map((e: { id: string }) => e.id)).toEqual(["kb-serum"]);
      const topic = await h().request("GET", "/v1/knowledge?topic=plan_options", { key: t.key });
      expect(topic.body.data.map((e: { id: string }) => e.id)).toEqual(["kb-surplus"]);
      const first = await h().request("GET", "/v1/knowledge?limit=2", { key: t.key });
      const second = await h().request("GET", `/v1/knowledge?limit=2&cursor=${first.body.nextCursor}`, { key: t.key });
      expect([...first.body.data, ...second.body.data].map((e: { id: string }) => e.id).sort()).toEqual(["kb-aojiru", "kb-serum", "kb-surplus"]);
      expect(second.body.nextCursor).toBeNull();
    });

    it("a search of only % or _ finds the entries that contain it, not every entry", async () => {
      const own = await h().tenant();
      expect((await h().request("PUT", "/v1/knowledge/kb-plain", { key: own.key, body: entry() })).status).toBe(201);
      const percent = entry({ body: { ja: "初回は100%オフです。", en: "The first delivery is 100% off." } });
      expect((await h().request("PUT", "/v1/knowledge/kb-percent", { key: own.key, body: percent })).status).toBe(201);
      const ids = async (q: string) => (await h().request("GET", `/v1/knowledge?q=${encodeURIComponent(q)}`, { key: own.key })).body.data.map((e: { id: string }) => e.id);
      expect(await ids("%")).toEqual(["kb-percent"]);
      expect(await ids("_")).toEqual([]);
      expect(await ids("100%")).toEqual(["kb-percent"]);
      expect(await ids("豆乳")).toEqual(["kb-plain"]);
    });

    it("replacing an entry keeps its use count; delete removes it; only admin keys edit", async () => {
      const put = await h().request("PUT", "/v1/knowledge/kb-surplus", { key: t.key, body: entry({ reasons: ["surplus_stock"] }) });
      expect(put.status).toBe(200);
      expect(KnowledgeEntry.safeParse(put.body).success).toBe(true);
      expect(put.body.uses).toBe(2);
      const writer = await t.keyWith(["read", "write"]);
      expect((await h().request("PUT", "/v1/knowledge/kb-x", { key: writer, body: entry() })).status).toBe(403);
      expect((await h().request("GET", "/v1/knowledge/kb-aojiru", { key: writer })).status).toBe(403);
      const bad = await h().request("PUT", "/v1/knowledge/kb-x", { key: t.key, body: entry({ title: { ja: "題" } }) });
      expect(bad.status).toBe(422);
      expect((await h().request("GET", "/v1/knowledge/kb-x", { key: t.key })).body.code).toBe("knowledge_entry_not_found");
      expect((await h().request("DELETE", "/v1/knowledge/kb-aojiru", { key: t.key })).status).toBe(204);
      expect((await h().request("GET", "/v1/knowledge/kb-aojiru", { key: t.key })).status).toBe(404);
      expect((await h().request("POST", "/v1/knowledge/kb-aojiru/uses", { key: t.key })).status).toBe(404);
    });
  });

  describe("customer timeline", () => {
    it("shows events, plan changes and cancel flows of a customer, newest first, paged", async () => {
      const t = await h().tenant();
      const { customerId, subscriptionId } = await syncedPlan(h(), t, { nextIn: 20 });
      await h().request("POST", "/v1/events", {
        key: t.key,
        body: {
          events: [
            { id: uid("e"), type: "delivery.completed", customerId, subscriptionId, occurredAt: "2026-01-10T01:00:00Z", data: {} },
            { id: uid("e"), type: "contact.logged", customerId, subscriptionId, occurredAt: "2026-02-10T01:00:00Z", data: { channel: "phone", topic: "inquiry", note: "使い方の質問" } },
          ],
        },
      });
      await h().request("POST", `/v1/subscriptions/${subscriptionId}/skip`, { key: t.key, body: { count: 1, channel: "ivr" } });
      await h().request("POST", `/v1/subscriptions/${subscriptionId}/cancel-flows`, { key: t.key, body: { channel: "web" } });
      const res = await h().request("GET", `/v1/customers/${customerId}/timeline`, { key: await t.keyWith(["read"]) });
      expect(res.status).toBe(200);
      expect(res.body.data.map((i: { kind: string; type: string }) => `${i.kind}:${i.type}`)).toEqual(["cancel_flow:open", "change:skip", "event:contact.logged", "event:delivery.completed"]);
      expect(res.body.data[1].channel).toBe("ivr");
      expect(res.body.data[2].data.note).toBe("使い方の質問");
      // Who did each: the key that skipped and started the flow; the shop's own event names nobody.
      expect(res.body.data.map((i: { actor: { type: string } | null }) => i.actor?.type ?? null)).toEqual(["key", "key", null, null]);
      const page1 = await h().request("GET", `/v1/customers/${customerId}/timeline?limit=3`, { key: t.key });
      const page2 = await h().request("GET", `/v1/customers/${customerId}/timeline?limit=3&cursor=${page1.body.nextCursor}`, { key: t.key });
      expect([...page1.body.data, ...page2.body.data]).toEqual(res.body.data);
      expect((await h().request("GET", `/v1/customers/${uid("C")}/timeline`, { key: t.key })).body.code).toBe("customer_not_found");
    });
  });

  describe("offers for operators", () => {
    it("carry the shop's observed save rate for each offer and reason; other channels do not", async () => {
      const t = await h().tenant();
      const customerId = uid("C");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
      const next = addDays(localDate(new Date(), "Asia/Tokyo"), 20);
      const subs = [uid("S"), uid("S")];
      for (const s of subs) await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: next, quantity: 2 }) });
      // One customer took the skip for surplus stock.
      const flow = await h().request("POST", `/v1/subscriptions/${subs[0]}/cancel-flows`, { key: t.key, body: { channel: "web" } });
      const offered = await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/reason`, { key: t.key, body: { reason: "surplus_stock" } });
      const shown = offered.body.offer.offerId as string;
      await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/accept`, { key: t.key, body: { offerId: shown } });
      const res = await h().request("GET", `/v1/subscriptions/${subs[1]}/offers?reason=surplus_stock&channel=operator&limit=10`, { key: t.key });
      expect(res.status).toBe(200);
      const taken = res.body.data.find((o: { offerId: string }) => o.offerId === shown);
      expect(taken.observedSaveRate).toEqual({ accepted: 1, declined: 0, rate: 1 });
      const other = res.body.data.find((o: { offerId: string }) => o.offerId !== shown);
      expect(other.observedSaveRate).toEqual({ accepted: 0, declined: 0, rate: null });
      const web = await h().request("GET", `/v1/subscriptions/${subs[1]}/offers?reason=surplus_stock&channel=web`, { key: t.key });
      expect(web.body.data[0].observedSaveRate).toBeUndefined();
    });
  });

  describe("console sessions", () => {
    let t: TestTenant;
    let customerId: string;
    let subscriptionId: string;
    const open = async (role = "operator") => {
      const res = await h().request("POST", "/v1/console-sessions", { key: t.key, body: { operatorId: "op-7", operatorName: "佐々木 美咲", role } });
      expect(res.status).toBe(201);
      const url = new URL(res.body.url);
      const login = await h().request("GET", url.pathname + url.search);
      return { url, login, cookie: (login.headers.get("set-cookie") ?? "").split(";")[0]! };
    };

    beforeAll(async () => {
      t = await h().tenant();
      customerId = uid("C");
      subscriptionId = uid("S");
      await h().request("PUT", `/v1/customers/${customerId}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${subscriptionId}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }) });
    });

    it("are opened by an admin key with a one-time URL that sets an HttpOnly, SameSite=Lax cookie", async () => {
      expect((await h().request("POST", "/v1/console-sessions", { key: await t.keyWith(["read", "write"]), body: { operatorId: "x", operatorName: "x" } })).status).toBe(403);
      const { url, login } = await open();
      expect(url.pathname).toBe("/console/login");
      expect(login.status, login.text).toBe(303);
      expect(login.headers.get("location")).toBe("/console");
      expect(login.headers.get("set-cookie")).toMatch(/^tsz_console=[A-Za-z0-9]+;.*HttpOnly/);
      expect(login.headers.get("set-cookie")).toMatch(/SameSite=Lax/);
      // The URL works once.
      const again = await h().request("GET", url.pathname + url.search);
      expect(again.status).toBe(401);
      expect(again.headers.get("set-cookie")).toBeNull();
    });

    it("a URL followed from another site into a browser signed in nowhere asks first, naming the shop and operator; a post from another site is refused", async () => {
      const res = await h().request("POST", "/v1/console-sessions", { key: t.key, body: { operatorId: "op-7", operatorName: "佐々木 美咲" } });
      const url = new URL(res.body.url);
      const crossSite = { "sec-fetch-site": "cross-site", "accept-language": "ja" };
      const asked = await h().request("GET", url.pathname + url.search, { headers: crossSite });
      expect(asked.status).toBe(200);
      expect(asked.headers.get("set-cookie")).toBeNull();
      expect(asked.text).toContain("コンソールにログインしますか？");
      expect(asked.text).toContain("佐々木 美咲");
      const token = url.searchParams.get("token")!;
      const post = (headers: Record<string, string>) =>
        h().request("POST", "/console/login", { headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, rawBody: new URLSearchParams({ token }).toString() });
      // Another site posting the same URL (an auto-submitted form) signs nobody in, and the URL is still unused.
      const forged = await post({ origin: "https://evil.example", "sec-fetch-site": "cross-site" });
      expect(forged.status).toBe(403);
      expect(forged.headers.get("set-cookie")).toBeNull();
      const signed = await post({ origin: url.origin, "sec-fetch-site": "same-origin" });
      expect(signed.status, signed.text).toBe(303);
      expect(signed.headers.get("set-cookie")).toMatch(/^tsz_console=/);
      // Opened from a desktop CTI or typed ("none"): at once, as before.
      const again = new URL((await h().request("POST", "/v1/console-sessions", { key: t.key, body: { operatorId: "op-7", operatorName: "佐々木 美咲" } })).body.url);
      expect((await h().request("GET", again.pathname + again.search, { headers: { "sec-fetch-site": "none" } })).status).toBe(303);
    });

    it("let the operator read and write on the shop through the API, never admin, and record the operator", async () => {
      const { cookie } = await open();
      const read = await h().request("GET", `/v1/customers/${customerId}`, { headers: { cookie } });
      expect(read.status).toBe(200);
      expect((await h().request("GET", "/v1/settings", { headers: { cookie } })).status).toBe(403);
      // A write without the page's CSRF token is refused and changes nothing.
      const forged = await h().request("POST", `/v1/subscriptions/${subscriptionId}/skip`, { headers: { cookie }, body: { count: 1 } });
      expect(forged.status).toBe(403);
      expect(forged.body.code).toBe("csrf_rejected");
      const page = await h().request("GET", "/console", { headers: { cookie } });
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      // A customer's page is never kept by the browser: Back after logging out cannot show it.
      expect(page.headers.get("cache-control")).toBe("no-store");
      const karte = await h().request("GET", `/console?customer=${customerId}`, { headers: { cookie } });
      expect(karte.headers.get("cache-control")).toBe("no-store");
      // The cadence as every other surface writes it (platform/cadence cadenceText): 「30日ごと」.
      expect(karte.text).toMatch(/<td class="terms">\d+日ごと<\/td>/u);
      expect(karte.text).not.toMatch(/\d+ 日ごと/u);
      expect((await h().request("GET", "/console/winback", { headers: { cookie } })).headers.get("cache-control")).toBe("no-store");
      const csrf = /data-csrf="([^"]+)"/.exec(page.text)![1]!;
      const foreign = await h().request("POST", `/v1/subscriptions/${subscriptionId}/skip`, { headers: { cookie, "x-csrf-token": csrf, origin: "https://evil.example" }, body: { count: 1 } });
      expect(foreign.status).toBe(403);
      const sub = (await h().request("GET", `/v1/subscriptions/${subscriptionId}`, { key: t.key })).body;
      expect(sub.version).toBe(1);
      const skip = await h().request("POST", `/v1/subscriptions/${subscriptionId}/skip`, { headers: { cookie, "x-csrf-token": csrf, "if-match": '"1"' }, body: { count: 1, channel: "web" } });
      expect(skip.status).toBe(200);
      expect(skip.body.change.channel).toBe("operator");
      expect(skip.body.change.actor).toEqual({ type: "operator", id: "op-7", name: "佐々木 美咲" });
    });

    it("find a caller by name or reading, folded as typed, within the shop only; an erased customer never, a changed name by its new keys", async () => {
      const own = await h().tenant();
      const [a, b, gone] = [uid("C"), uid("C"), uid("C")];
      await h().request("PUT", `/v1/customers/${a}`, { key: own.key, body: customerBody({ name: "小野 陽子", nameKana: "オノ ヨウコ", phone: "090-1212-3434", email: null }) });
      await h().request("PUT", `/v1/customers/${b}`, { key: own.key, body: customerBody({ name: "小野 洋子", nameKana: "おの ようこ", phone: "080-5656-7878", email: null }) });
      await h().request("PUT", `/v1/customers/${gone}`, { key: own.key, body: customerBody({ name: "小野 陽子", nameKana: "オノ ヨウコ", email: null }) });
      expect((await h().request("DELETE", `/v1/customers/${gone}`, { key: own.key })).status).toBe(200);
      // Another shop's 小野 陽子 is never listed.
      const other = uid("C");
      await h().request("PUT", `/v1/customers/${other}`, { key: t.key, body: customerBody({ name: "小野 陽子", nameKana: "オノ ヨウコ", email: null }) });
      const session = await h().request("POST", "/v1/console-sessions", { key: own.key, body: { operatorId: "op-9", operatorName: "検索 担当" } });
      const url = new URL(session.body.url);
      const cookie = (await h().request("GET", url.pathname + url.search)).headers.get("set-cookie")!.split(";")[0]!;
      const search = (typed: string) => h().request("GET", `/console?q=${encodeURIComponent(typed)}`, { headers: { cookie, "accept-language": "ja" } });
      for (const typed of ["ｵﾉ ﾖｰｺ", "おの　よーこ", "ヨウコ", "小野"]) {
        const res = await search(typed);
        expect(res.status, typed).toBe(200);
        expect(res.text, typed).toContain(`href="/console?customer=${a}"`);
        expect(res.text, typed).toContain(`href="/console?customer=${b}"`);
        expect(res.text, typed).not.toContain(gone);
        expect(res.text, typed).not.toContain(other);
        expect(res.text, typed).toContain("…3434");
      }
      // Renamed: found by the new name, no longer by the old one.
      await h().request("PUT", `/v1/customers/${b}`, { key: own.key, body: customerBody({ name: "中野 洋子", nameKana: "ナカノ ヨウコ", phone: "080-5656-7878", email: null }) });
      expect((await search("なかの")).text).toContain(b);
      expect((await search("おの ようこ")).text).not.toContain(b);
      const none = await search("存在 しない");
      expect(none.status).toBe(404);
      expect(none.text).toContain("お名前「存在 しない」に該当するお客様はいません。");
    });

    it("pop the karte of the one customer with the extension dialled, among those sharing the number", async () => {
      const [first, second] = [uid("C"), uid("C")];
      await h().request("PUT", `/v1/customers/${first}`, { key: t.key, body: customerBody({ name: "代表 一", phone: "03-5555-7777 内線12" }) });
      await h().request("PUT", `/v1/customers/${second}`, { key: t.key, body: customerBody({ name: "代表 二", phone: "03-5555-7777", phoneExtension: "34" }) });
      const { cookie } = await open();
      const shared = await h().request("GET", `/console?phone=${encodeURIComponent("03-5555-7777")}`, { headers: { cookie } });
      expect(shared.text).toContain(first);
      expect(shared.text).toContain(second);
      for (const query of [`phone=${encodeURIComponent("03-5555-7777 内線34")}`, `q=${encodeURIComponent("03-5555-7777 内線34")}`, `q=${encodeURIComponent("0355557777 ext. 34")}`]) {
        const karte = await h().request("GET", `/console?${query}`, { headers: { cookie } });
        expect(karte.status, query).toBe(200);
        expect(karte.text, query).toContain("代表 二");
        expect(karte.text, query).not.toContain("代表 一");
      }
    });

    it("show the IVR's route, next best action and line on a karte opened by customer id (where the household picker links) as by number", async () => {
      const [first, second] = [uid("C"), uid("C")];
      for (const [id, name] of [[first, "世帯 一"], [second, "世帯 二"]] as const) {
        await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name, phone: "03-5555-8888", email: null }) });
      }
      await h().request("PUT", `/v1/subscriptions/${uid("S")}`, { key: t.key, body: subscriptionBody(second, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }) });
      const { cookie } = await open();
      const picker = await h().request("GET", `/console?phone=${encodeURIComponent("03-5555-8888")}`, { headers: { cookie, "accept-language": "ja" } });
      expect(picker.text).toContain(`href="/console?customer=${second}"`);
      const spoken = (await h().request("GET", `/v1/lookup?customerId=${second}&channel=operator`, { key: t.key, headers: { "accept-language": "ja" } })).body.speech as string;
      for (const query of [`customer=${second}`, `q=${second}`]) {
        const karte = await h().request("GET", `/console?${query}`, { headers: { cookie, "accept-language": "ja" } });
        expect(karte.status, query).toBe(200);
        expect(karte.text, query).toContain("<dt>推奨ルート</dt><dd>セルフサービス</dd>");
        expect(karte.text, query).toContain("<dt>次の一手</dt>");
        expect(karte.text, query).toContain(`<p class="speech">${spoken}</p>`);
        // The number is the household's: the karte says so.
        expect(karte.text, query).toContain("この電話番号はほかのお客様（ご家族など）と共有されています");
      }
      // Still no karte for an id nobody has; a name typed into the search is the chooser of those so named, not a karte.
      const none = await h().request("GET", "/console?customer=C-NOBODY", { headers: { cookie, "accept-language": "ja" } });
      expect(none.status).toBe(404);
      expect(none.text).toContain("該当するお客様はいません");
      const named = await h().request("GET", `/console?q=${encodeURIComponent("世帯 二")}`, { headers: { cookie, "accept-language": "ja" } });
      expect(named.status).toBe(200);
      expect(named.text).toContain(`href="/console?customer=${second}"`);
      expect(named.text).not.toContain(`href="/console?customer=${first}"`);
      expect(named.text).not.toContain('<h1 id="who">');
    });

    it("show a number's extension on the karte, and say a withheld caller ID was withheld", async () => {
      const id = uid("C");
      await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "内線 四", phone: "03-5555-9999", phoneExtension: "34", email: null }) });
      const { cookie } = await open();
      const karte = await h().request("GET", `/console?customer=${id}`, { headers: { cookie, "accept-language": "ja" } });
      expect(karte.text).toContain("03-5555-9999 内線34 / —");
      for (const withheld of ["anonymous", "非通知", "公衆電話"]) {
        const page = await h().request("GET", `/console?phone=${encodeURIComponent(withheld)}`, { headers: { cookie, "accept-language": "ja" } });
        expect(page.status, withheld).toBe(404);
        expect(page.text, withheld).toContain("発信者番号が通知されていません（非通知または通知不可能）。お客様に電話番号または顧客番号をお尋ねください。");
        expect(page.text, withheld).not.toContain("電話番号として読めません");
      }
      // A number misread is still said as such.
      expect((await h().request("GET", "/console?phone=abc", { headers: { cookie, "accept-language": "ja" } })).text).toContain("電話番号として読めません");
    });

    it("write each plan change in the product it concerned, after a sync changed the plan's product", async () => {
      const c = uid("C");
      const s = uid("S");
      const aojiru = { sku: "AOJIRU-30", name: "国産大麦若葉の青汁 30包", category: "health_food", unitsPerPackage: 30, unitLabel: "包" };
      const kurozu = { sku: "KUROZU-62", name: "熟成黒酢にんにく 62粒", category: "health_food", unitsPerPackage: 62, unitLabel: "粒" };
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { product: aojiru }) });
      expect((await h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 2, channel: "operator" } })).status).toBe(200);
      // The cart system moves the plan to another product; a later change is made in that one.
      expect((await h().request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c, { product: kurozu, quantity: 2 }) })).status).toBe(200);
      expect((await h().request("POST", `/v1/subscriptions/${s}/quantity`, { key: t.key, body: { quantity: 3, channel: "operator" } })).status).toBe(200);

      const history = await h().request("GET", `/v1/subscriptions/${s}/changes`, { key: t.key });
      expect(history.body.data.map((x: { before: { product?: { sku: string } }; after: { product?: { sku: string } } }) => [x.before.product?.sku, x.after.product?.sku])).toEqual([
        ["KUROZU-62", "KUROZU-62"],
        ["AOJIRU-30", "AOJIRU-30"],
      ]);
      const timeline = await h().request("GET", `/v1/customers/${c}/timeline`, { key: t.key });
      expect(timeline.body.data.filter((i: { kind: string }) => i.kind === "change").map((i: { data: { after: { product: { name: string } } } }) => i.data.after.product.name)).toEqual([kurozu.name, aojiru.name]);

      const { cookie } = await open();
      const karte = await h().request("GET", `/console?customer=${encodeURIComponent(c)}&sub=${encodeURIComponent(s)}`, { headers: { cookie } });
      expect(karte.status).toBe(200);
      expect(karte.text).toContain("数量 2個（62粒入り） → 3個（62粒入り）");
      // The earlier change names the product it was made in, and counts its boxes of 30 包.
      expect(karte.text).toContain(`商品 ${aojiru.name}、数量 1個（30包入り） → 2個（30包入り）`);
      expect(karte.text).not.toContain("1個（62粒入り）");
    });

    /** An operator's console cookie and the page's CSRF token, opened with `key` (default: the tenant's admin key). */
    const operatorWith = async (key = t.key) => {
      const res = await h().request("POST", "/v1/console-sessions", { key, body: { operatorId: "OP-TWO", operatorName: "応対者二号", role: "operator" } });
      expect(res.status).toBe(201);
      const url = new URL(res.body.url);
      const login = await h().request("GET", url.pathname + url.search);
      const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
      const page = await h().request("GET", "/console", { headers: { cookie } });
      const csrf = /data-csrf="([^"]+)"/.exec(page.text)![1]!;
      return { id: res.body.id as string, cookie, csrf, headers: { cookie, "x-csrf-token": csrf } };
    };

    it("may do what the console does and nothing more: never mint a customer session, sync or replace master data, events or keys", async () => {
      const op = await operatorWith();
      const refused = [
        ["POST", "/v1/customer-sessions", { customerId }],
        ["PUT", `/v1/customers/${customerId}`, { name: "operator edit" }],
        ["PUT", `/v1/subscriptions/${subscriptionId}`, subscriptionBody(customerId)],
        ["POST", "/v1/sync", { customers: [{ id: customerId, name: "operator edit" }] }],
        ["POST", "/v1/events", { events: [{ id: uid("e"), type: "delivery.completed", customerId, occurredAt: new Date().toISOString(), data: {} }] }],
        ["PUT", `/v1/customers/${customerId}/keep-in-touch`, { keepInTouch: false }],
        ["POST", "/v1/keys", { name: "x", scopes: ["read"] }],
        ["PATCH", "/v1/settings", {}],
        ["PUT", "/v1/webhooks/wh-1", { url: "https://example.jp/hook", events: ["subscription.changed"] }],
      ] as const;
      for (const [method, path, body] of refused) {
        const res = await h().request(method, path, { headers: op.headers, body });
        expect(res.status, `${method} ${path}`).toBe(403);
        expect(res.body.code, `${method} ${path}`).toBe("insufficient_scope");
      }
      // Nothing changed: the customer keeps their e-mail and phone (a PUT would have replaced them).
      const customer = await h().request("GET", `/v1/customers/${customerId}`, { key: t.key });
      expect(customer.body).toMatchObject({ name: customerBody().name, email: customerBody().email });
      expect(customer.body.phone).not.toBeNull();
      // What the console does still works, recorded as the operator: reads, a contact note from its page, a skip.
      expect((await h().request("GET", `/v1/customers/${customerId}/timeline`, { headers: { cookie: op.cookie } })).status).toBe(200);
      const note = await h().request("POST", "/console/contact", {
        headers: { cookie: op.cookie, "content-type": "application/x-www-form-urlencoded" },
        rawBody: new URLSearchParams({ csrf: op.csrf, customer: customerId, sub: subscriptionId, topic: "inquiry", note: "配送日の確認" }).toString(),
      });
      expect(note.status).toBe(303);
      expect(note.headers.get("location")).toContain("done=contact");
      const timeline = await h().request("GET", `/v1/customers/${customerId}/timeline`, { key: t.key });
      // The note names who took it, for the next operator (the karte's handover).
      const logged = timeline.body.data.find((i: { type: string; data: { note?: string } }) => i.type === "contact.logged" && i.data.note === "配送日の確認");
      expect(logged.data.operator).toEqual({ id: "OP-TWO", name: "応対者二号" });
      expect(logged.actor).toEqual({ type: "operator", id: "OP-TWO", name: "応対者二号" });
    });

    it("are revoked by the shop (admin), and end when the key that opened them is revoked, as customer sessions do", async () => {
      const op = await operatorWith();
      expect((await h().request("DELETE", `/v1/console-sessions/${op.id}`, { key: await t.keyWith(["read", "write"]) })).status).toBe(403);
      const unknown = await h().request("DELETE", "/v1/console-sessions/cs_nope", { key: t.key });
      expect(unknown.status).toBe(404);
      expect(unknown.body.code).toBe("console_session_not_found");
      const revoked = await h().request("DELETE", `/v1/console-sessions/${op.id}`, { key: t.key });
      expect(revoked.status).toBe(200);
      expect(revoked.body).toMatchObject({ id: op.id, operatorId: "OP-TWO", role: "operator" });
      expect(revoked.body.revokedAt).not.toBeNull();
      expect((await h().request("GET", `/v1/customers/${customerId}`, { headers: { cookie: op.cookie } })).body.code).toBe("session_expired");
      expect((await h().request("GET", "/console", { headers: { cookie: op.cookie } })).status).toBe(401);
      const again = await h().request("DELETE", `/v1/console-sessions/${op.id}`, { key: t.key });
      expect(again.body.revokedAt).toBe(revoked.body.revokedAt);

      // A key the shop then revokes: both kinds of session it opened stop at their next request.
      const created = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "CTI", scopes: ["read", "write", "admin"] } });
      const cti = await operatorWith(created.body.secret);
      const minted = await h().request("POST", "/v1/customer-sessions", { key: created.body.secret, body: { customerId } });
      expect(minted.status).toBe(201);
      expect((await h().request("GET", `/v1/customers/${customerId}`, { headers: { cookie: cti.cookie } })).status).toBe(200);
      expect((await h().request("GET", "/v1/customer-sessions/current", { key: minted.body.token })).status).toBe(200);
      expect((await h().request("DELETE", `/v1/keys/${created.body.id}`, { key: t.key })).status).toBe(200);
      expect((await h().request("GET", `/v1/customers/${customerId}`, { headers: { cookie: cti.cookie } })).body.code).toBe("session_expired");
      expect((await h().request("GET", "/console", { headers: { cookie: cti.cookie } })).status).toBe(401);
      const customer = await h().request("GET", "/v1/customer-sessions/current", { key: minted.body.token });
      expect(customer.status).toBe(401);
      expect(customer.body.code).toBe("session_expired");
    });

    it("keep the at-risk list for supervisors in the API as on the console: an operator's session gets 403 insufficient_scope for both; keys are unaffected", async () => {
      const operator = await open("operator");
      const supervisor = await open("supervisor");
      expect((await h().request("GET", "/console/at-risk", { headers: { cookie: operator.cookie } })).status).toBe(403);
      const refused = await h().request("GET", "/v1/risk/at-risk?limit=5", { headers: { cookie: operator.cookie } });
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ code: "insufficient_scope", requiredScope: "read" });
      expect(refused.body).not.toHaveProperty("data");
      // The karte's own risk read stays the operator's.
      expect((await h().request("GET", `/v1/customers/${customerId}/risk`, { headers: { cookie: operator.cookie } })).status).toBe(200);
      expect((await h().request("GET", "/console/at-risk", { headers: { cookie: supervisor.cookie } })).status).toBe(200);
      expect((await h().request("GET", "/v1/risk/at-risk?limit=5", { headers: { cookie: supervisor.cookie } })).status).toBe(200);
      expect((await h().request("GET", "/v1/risk/at-risk?limit=5", { key: await t.keyWith(["read"]) })).status).toBe(200);
    });

    it("a one-time URL whose key is revoked before it is opened signs no one in: the page an expired or used link gets, no cookie", async () => {
      const created = await h().request("POST", "/v1/keys", { key: t.key, body: { name: "SSO bridge", scopes: ["admin"] } });
      const mint = () => h().request("POST", "/v1/console-sessions", { key: created.body.secret, body: { operatorId: "op-8", operatorName: "退職 予定", role: "supervisor" } });
      const [first, second] = [await mint(), await mint()];
      expect(first.status).toBe(201);
      // One opened before the revocation: its session ends with the key, as the existing test shows.
      const before = new URL(first.body.url);
      const cookie = ((await h().request("GET", before.pathname + before.search)).headers.get("set-cookie") ?? "").split(";")[0]!;
      expect((await h().request("GET", "/console", { headers: { cookie } })).status).toBe(200);
      expect((await h().request("DELETE", `/v1/keys/${created.body.id}`, { key: t.key })).status).toBe(200);
      expect((await h().request("GET", "/console", { headers: { cookie } })).status).toBe(401);
      // One opened after: refused at the login itself.
      const after = new URL(second.body.url);
      const login = await h().request("GET", after.pathname + after.search);
      expect(login.status).toBe(401);
      expect(login.headers.get("set-cookie")).toBeNull();
      expect(login.text).toBe((await h().request("GET", before.pathname + before.search)).text); // as a used link's
      // In a browser signed in as another operator, it asks nothing and replaces no one.
      const other = await open();
      const asked = await h().request("GET", after.pathname + after.search, { headers: { cookie: other.cookie } });
      expect(asked.status).toBe(401);
      expect(asked.headers.get("set-cookie")).toBeNull();
      expect((await h().request("GET", "/console", { headers: { cookie: other.cookie } })).status).toBe(200);
    });

    it("show the customer who acted by type only: no operator's id or name, no key id", async () => {
      const sub = uid("S");
      await h().request("PUT", `/v1/subscriptions/${sub}`, { key: t.key, body: subscriptionBody(customerId, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 30) }) });
      const op = await operatorWith();
      expect((await h().request("POST", `/v1/subscriptions/${sub}/skip`, { headers: op.headers, body: { count: 1 } })).status).toBe(200);
      const flow = await h().request("POST", `/v1/subscriptions/${sub}/cancel-flows`, { headers: op.headers, body: { channel: "operator" } });
      expect(flow.status).toBe(201);
      expect((await h().request("POST", `/v1/subscriptions/${sub}/quantity`, { key: t.key, body: { quantity: 2 } })).status).toBe(200);
      const session = await h().request("POST", "/v1/customer-sessions", { key: t.key, body: { customerId } });
      const token = session.body.token as string;
      const changes = await h().request("GET", `/v1/subscriptions/${sub}/changes`, { key: token });
      expect(changes.status).toBe(200);
      expect(changes.body.data.map((c: { actor: unknown }) => c.actor)).toEqual([{ type: "key" }, { type: "operator" }]);
      expect(changes.text).not.toContain("応対者二号");
      expect(changes.text).not.toContain("OP-TWO");
      expect(changes.text).not.toMatch(/"key_/);
      const steps = await h().request("GET", `/v1/cancel-flows/${flow.body.flowId}`, { key: token });
      expect(steps.status).toBe(200);
      expect(steps.body.steps[0].actor).toEqual({ type: "operator" });
      expect(steps.text).not.toContain("応対者二号");
      // The shop still reads who it was.
      const staff = await h().request("GET", `/v1/subscriptions/${sub}/changes`, { key: t.key });
      expect(staff.body.data.map((c: { actor: unknown }) => c.actor)).toContainEqual({ type: "operator", id: "OP-TWO", name: "応対者二号" });
    });

    it("refuse a forged console form with a page that says what happened and to reload", async () => {
      const op = await operatorWith();
      for (const headers of [{ cookie: op.cookie }, { cookie: op.cookie, origin: "https://evil.example" }] as Record<string, string>[]) {
        const csrf = headers.origin ? op.csrf : "";
        const res = await h().request("POST", "/console/contact", {
          headers: { ...headers, "content-type": "application/x-www-form-urlencoded" },
          rawBody: new URLSearchParams({ csrf, customer: customerId, note: "forged" }).toString(),
        });
        expect(res.status).toBe(403);
        expect(res.text).toContain("操作を受け付けられませんでした");
        expect(res.text).toContain("再読み込み");
        expect(res.text).toContain('href="/console"');
      }
      const timeline = await h().request("GET", `/v1/customers/${customerId}/timeline`, { key: t.key });
      expect(timeline.text).not.toContain("forged");
    });

    it("after an offer declined on the web, 「最初からやり直す」 and a new call alike show no offer on the karte and say which offer was declined and when (fresh-user trial 25)", async () => {
      const op = await operatorWith();
      const c = uid("C");
      const sub = uid("S");
      await h().request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${sub}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }) });
      // On the web: 料金が高い, the 20 % discount shown, the flow left.
      const web = (await h().request("POST", `/v1/subscriptions/${sub}/cancel-flows`, { key: t.key, body: { channel: "web" } })).body;
      const shown = await h().request("POST", `/v1/cancel-flows/${web.flowId}/reason`, { key: t.key, body: { reason: "too_expensive" }, headers: { "accept-language": "ja" } });
      expect(shown.body.offer.offerId).toBe("off_discount_20x2");
      expect((await h().request("POST", `/v1/cancel-flows/${web.flowId}/abandon`, { key: t.key })).status).toBe(200);
      // The caller phones: the operator picks the same reason on the karte.
      const version = (await h().request("GET", `/v1/subscriptions/${sub}`, { key: t.key })).body.version;
      const posted = await h().request("POST", "/console/reason", {
        headers: { cookie: op.cookie, "content-type": "application/x-www-form-urlencoded", "accept-language": "ja" },
        rawBody: new URLSearchParams({ csrf: op.csrf, customer: c, sub, reason: "too_expensive", flow: "", version: String(version), attempt: uid("a") }).toString(),
      });
      expect(posted.status).toBe(303);
      const karte = await h().request("GET", posted.headers.get("location")!, { headers: { cookie: op.cookie, "accept-language": "ja" } });
      expect(karte.status).toBe(200);
      const declined = /<p data-flow="declined"[^>]*>([^<]*)<\/p>/u.exec(karte.text)?.[1] ?? "";
      expect(declined).toContain(`「${shown.body.offer.title}」をお受けいただかなかったため`);
      expect(declined).toContain("30日に1回");
      // The operator's focus starts on it: nothing else changed on the page.
      expect(karte.text).toMatch(/<p data-flow="declined" tabindex="-1" data-autofocus="">/u);
      expect(karte.text).not.toContain('name="offerId" value="off_discount_20x2"');
      // 「最初からやり直す」 on a web flow still showing the offer: the web flow ends unanswered, and the new one shows none either.
      const sub2 = uid("S");
      await h().request("PUT", `/v1/subscriptions/${sub2}`, { key: t.key, body: subscriptionBody(c, { nextDeliveryOn: addDays(localDate(new Date(), "Asia/Tokyo"), 20) }) });
      const open = (await h().request("POST", `/v1/subscriptions/${sub2}/cancel-flows`, { key: t.key, body: { channel: "web" } })).body;
      expect((await h().request("POST", `/v1/cancel-flows/${open.flowId}/reason`, { key: t.key, body: { reason: "too_expensive" } })).body.offer.offerId).toBe("off_discount_20x2");
      const restarted = await h().request("POST", "/console/reason", {
        headers: { cookie: op.cookie, "content-type": "application/x-www-form-urlencoded", "accept-language": "ja" },
        rawBody: new URLSearchParams({ csrf: op.csrf, customer: c, sub: sub2, reason: "other", flow: open.flowId, restart: "1", attempt: uid("a") }).toString(),
      });
      expect(restarted.status).toBe(303);
      const after = await h().request("GET", restarted.headers.get("location")!, { headers: { cookie: op.cookie, "accept-language": "ja" } });
      expect(/<p data-flow="declined"[^>]*>([^<]*)<\/p>/u.exec(after.text)?.[1] ?? "").toContain("をお受けいただかなかったため");
    });

    it("end at logout", async () => {
      const { cookie } = await open();
      const page = await h().request("GET", "/console", { headers: { cookie } });
      const csrf = /data-csrf="([^"]+)"/.exec(page.text)![1]!;
      const out = await h().request("POST", "/console/logout", { headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, rawBody: `csrf=${encodeURIComponent(csrf)}` });
      expect(out.status).toBe(200);
      expect((await h().request("GET", `/v1/customers/${customerId}`, { headers: { cookie } })).body.code).toBe("session_expired");
      expect((await h().request("GET", "/console", { headers: { cookie } })).status).toBe(401);
    });
  });

  describe("a reactivation by phone around the shop's closed days", () => {
    it("the karte's date starts at the first open day; a closed day asked for is refused on the confirmation, in the console's words, before the customer agrees", async () => {
      const t = await h().tenant();
      const today = localDate(new Date(), "Asia/Tokyo");
      // Closed from tomorrow for six days: the first changeable day (today + 3) is closed, the first open one today + 7.
      const closed = { from: addDays(today, 1), to: addDays(today, 6) };
      expect((await h().request("PATCH", "/v1/settings", { key: t.key, body: { closedDates: [closed] } })).status).toBe(200);
      const [customer, sub] = [uid("C"), uid("S")];
      await h().request("PUT", `/v1/customers/${customer}`, { key: t.key, body: customerBody() });
      await h().request("PUT", `/v1/subscriptions/${sub}`, { key: t.key, body: subscriptionBody(customer, { nextDeliveryOn: addDays(today, 20) }) });
      const flow = await h().request("POST", `/v1/subscriptions/${sub}/cancel-flows`, { key: t.key, body: { channel: "web" } });
      expect((await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: {} })).status).toBe(200);
      const created = await h().request("POST", "/v1/console-sessions", { key: t.key, body: { operatorId: "op-8", operatorName: "佐々木 美咲" } });
      const url = new URL(created.body.url);
      const cookie = ((await h().request("GET", url.pathname + url.search)).headers.get("set-cookie") ?? "").split(";")[0]!;
      const headers = { cookie, "accept-language": "ja" };

      const karte = await h().request("GET", `/console?customer=${customer}&sub=${sub}`, { headers });
      const field = /<input[^>]*id="reactivate-on"[^>]*>/.exec(karte.text)?.[0] ?? "";
      expect(field).toContain(`min="${addDays(today, 7)}"`);

      const review = (date: string) => h().request("GET", `/console/reactivate?customer=${customer}&sub=${sub}&nextDeliveryOn=${date}`, { headers });
      const refused = await review(addDays(today, 4));
      expect(refused.status).toBe(303);
      const back = new URL(refused.headers.get("location")!, "http://x");
      expect(back.searchParams.get("error")).toBe("delivery_date_closed");
      expect((await h().request("GET", back.pathname + back.search, { headers })).text).toContain("お届け休業日");
      // Before the first changeable day: out of the form's range, as before the shop closed any day.
      expect(new URL((await review(addDays(today, 1))).headers.get("location")!, "http://x").searchParams.get("error")).toBe("date_out_of_range");
      expect((await review(addDays(today, 7))).status).toBe(200);
      expect((await h().request("GET", `/v1/subscriptions/${sub}`, { key: t.key })).body.status).toBe("canceled");
    });
  });

  describe("a reactivation proposed for the date the customer said they would return", () => {
    it("on one of the shop's closed days, the karte proposes the first open day after it (the canceled plan has no plan-options to list them)", async () => {
      const t = await h().tenant();
      const today = localDate(new Date(), "Asia/Tokyo");
      const returnOn = addDays(today, 40);
      const closed = { from: addDays(today, 38), to: addDays(today, 42) };
      expect((await h().request("PATCH", "/v1/settings", { key: t.key, body: { closedDates: [closed] } })).status).toBe(200);
      const [customer, sub] = [uid("C"), uid("S")];
      // Not to be contacted: no comeback offer is held for them, so the form's date is the return date's own.
      await h().request("PUT", `/v1/customers/${customer}`, { key: t.key, body: customerBody({ marketingConsent: false }) });
      await h().request("PUT", `/v1/subscriptions/${sub}`, { key: t.key, body: subscriptionBody(customer, { nextDeliveryOn: addDays(today, 20) }) });
      const flow = await h().request("POST", `/v1/subscriptions/${sub}/cancel-flows`, { key: t.key, body: { channel: "web" } });
      const done = await h().request("POST", `/v1/cancel-flows/${flow.body.flowId}/confirm`, { key: t.key, body: { returnOn } });
      expect(done.body.exitSurvey).toMatchObject({ returnOn });
      const created = await h().request("POST", "/v1/console-sessions", { key: t.key, body: { operatorId: "op-9", operatorName: "佐々木 美咲" } });
      const url = new URL(created.body.url);
      const cookie = ((await h().request("GET", url.pathname + url.search)).headers.get("set-cookie") ?? "").split(";")[0]!;
      const karte = await h().request("GET", `/console?customer=${customer}&sub=${sub}`, { headers: { cookie, "accept-language": "ja" } });
      const field = /<input[^>]*id="reactivate-on"[^>]*>/.exec(karte.text)?.[0] ?? "";
      expect(field).toContain(`value="${addDays(today, 43)}"`);
    });
  });

  describe("console URLs that cannot sign in, from one client address", () => {
    it("past the failed-auth limit (30 a minute), the operator reads a page saying to wait and how long, on either runtime; Retry-After in the header", async () => {
      const client = `198.51.100.${Math.floor(Math.random() * 200) + 1}`;
      // The local Workers binding counts in windows aligned to the wall clock's minute (test/http/auth.ts).
      const intoMinute = Date.now() % 60_000;
      if (intoMinute > 40_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
      const open = (i: number) => h().request("GET", `/console/login?token=spent-${i}`, { clientAddress: client, headers: { "accept-language": "ja" } });
      for (let i = 0; i < 30; i++) expect((await open(i)).status).toBe(401);
      const over = await open(30);
      expect(over.status).toBe(429);
      expect(over.headers.get("retry-after")).toBe("60");
      expect(over.headers.get("content-type")).toContain("text/html");
      expect(over.text).toContain("60秒ほど待ってから、管理画面で新しいコンソールURLを発行して開いてください。");
      expect(over.headers.get("set-cookie")).toBeNull();
    }, 60_000);
  });
}
