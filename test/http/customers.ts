import { beforeAll, describe, expect, it } from "vitest";
import { customerBody, uid, type Harness, type TestTenant } from "../support/harness";

export function customersSuite(h: () => Harness) {
  describe("customers", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
    });

    it("creates with 201, replaces with 200, and reads back", async () => {
      const id = uid("C");
      const created = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody() });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ id, name: "佐藤 花子", phone: "+819012345678", locale: "ja", marketingConsent: true });
      const updated = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "佐藤 はなこ", phone: null }) });
      expect(updated.status).toBe(200);
      expect(updated.body.createdAt).toBe(created.body.createdAt);
      const read = await h().request("GET", `/v1/customers/${id}`, { key: t.key });
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ name: "佐藤 はなこ", phone: null });
      expect(read.headers.get("content-type")).toContain("application/json");
    });

    it("keeps the name's reading (nameKana) as sent and answers it wherever the name is: the customer, the lookup, the bulk sync, the export", async () => {
      const id = uid("C");
      const created = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "山田 花子", nameKana: "　ヤマダ　ハナコ " }) });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: "山田 花子", nameKana: "ヤマダ　ハナコ" });
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).body.nameKana).toBe("ヤマダ　ハナコ");
      expect((await h().request("GET", `/v1/lookup?customerId=${id}`, { key: t.key })).body.customer).toMatchObject({ name: "山田 花子", nameKana: "ヤマダ　ハナコ" });
      expect((await h().request("GET", `/v1/customers/${id}/export`, { key: t.key })).body.customer).toMatchObject({ nameKana: "ヤマダ　ハナコ" });
      // Hiragana and half-width katakana are readings too; the bulk sync takes the field as PUT does.
      const synced = await h().request("POST", "/v1/sync", { key: t.key, body: { customers: [{ id, ...customerBody({ name: "山田 花子", nameKana: "ﾔﾏﾀﾞ ﾊﾅｺ" }) }] } });
      expect(synced.status).toBe(200);
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).body.nameKana).toBe("ﾔﾏﾀﾞ ﾊﾅｺ");
      expect((await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "山田 花子", nameKana: "やまだ はなこ" }) })).body.nameKana).toBe("やまだ はなこ");
      // The body replaces the customer: without it, none.
      expect((await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "山田 花子" }) })).body.nameKana).toBeNull();
    });

    it("refuses a reading that is not kana (a reading in kanji, letters) with 422 naming nameKana, and writes nothing", async () => {
      const id = uid("C");
      expect((await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "山田 花子", nameKana: "ヤマダ ハナコ" }) })).status).toBe(201);
      for (const nameKana of ["山田 花子", "Yamada Hanako", "ヤマダ\nハナコ", "　"]) {
        const res = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ name: "別の 名前", nameKana }) });
        expect(res.status, nameKana).toBe(422);
        expect(res.body.code).toBe("validation_failed");
        expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(["nameKana"]);
      }
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).body).toMatchObject({ name: "山田 花子", nameKana: "ヤマダ ハナコ" });
    });

    it.each([
      "090-1234-5678",
      "０９０－１２３４－５６７８",
      "０９０１２３４５６７８",
      "+81 90 1234 5678",
      "0081 90 1234 5678",
      "819012345678",
      "(090) 1234 5678",
    ])("stores %s as +819012345678", async (phone) => {
      const res = await h().request("PUT", `/v1/customers/${uid("C")}`, { key: t.key, body: customerBody({ phone }) });
      expect(res.status).toBe(201);
      expect(res.body.phone).toBe("+819012345678");
    });

    it("stores landlines and foreign numbers as E.164", async () => {
      const land = await h().request("PUT", `/v1/customers/${uid("C")}`, { key: t.key, body: customerBody({ phone: "03-1234-5678" }) });
      expect(land.body.phone).toBe("+81312345678");
      const us = await h().request("PUT", `/v1/customers/${uid("C")}`, { key: t.key, body: customerBody({ phone: "+1 415 555 2671" }) });
      expect(us.body.phone).toBe("+14155552671");
    });

    it("answers 422 naming the field for a garbage phone, and writes nothing", async () => {
      const id = uid("C");
      const res = await h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody({ phone: "電話してね" }) });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ code: "validation_failed", errors: [{ path: "phone" }] });
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).status).toBe(404);
    });

    it("answers 404 customer_not_found for an unknown id", async () => {
      const res = await h().request("GET", "/v1/customers/NOPE-1", { key: t.key });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("customer_not_found");
    });

    it("refuses ids outside the allowed characters", async () => {
      const res = await h().request("GET", `/v1/customers/${encodeURIComponent("bad id!")}`, { key: t.key });
      expect(res.status).toBe(422);
      expect(res.body.errors[0].path).toBe("path.customerId");
    });
  });
}
