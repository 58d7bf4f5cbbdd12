import { beforeAll, describe, expect, it } from "vitest";
import { customerBody, uid, type Harness, type TestTenant } from "../support/harness";

/** Issue #14 points 8–10: phone numbers and e-mails as the one normaliser (platform/phone) reads them. */
export function contactSuite(h: () => Harness) {
  describe("contact data (phones, extensions, e-mails)", () => {
    let t: TestTenant;
    beforeAll(async () => {
      t = await h().tenant();
    });
    const put = (body: Record<string, unknown>, id = uid("C")) => h().request("PUT", `/v1/customers/${id}`, { key: t.key, body: customerBody(body) });

    it.each([
      ["0066-33-812345", "+81006633812345"], // a Japanese toll-free (00XY carrier) number, not Thailand's +66
      ["0120-123-456", "+81120123456"],
      ["0081-3-1234-5678", "+81312345678"], // 0081 means +81
      ["010 81 3 1234 5678", "+81312345678"],
      ["010-1-212-555-0123", "+12125550123"],
    ])("stores %s as %s", async (phone, e164) => {
      const res = await put({ phone });
      expect(res.status).toBe(201);
      expect(res.body.phone).toBe(e164);
    });

    it("keeps an extension apart: phone stays E.164, the extension goes to phoneExtension, stored and shown", async () => {
      const id = uid("C");
      const res = await put({ phone: "03-1234-5678 ext. 123" }, id);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ phone: "+81312345678", phoneExtension: "123" });
      expect((await h().request("GET", `/v1/customers/${id}`, { key: t.key })).body).toMatchObject({ phone: "+81312345678", phoneExtension: "123" });
      const ja = await put({ phone: "03-1234-5678 内線45" });
      expect(ja.body).toMatchObject({ phone: "+81312345678", phoneExtension: "45" });
      const none = await put({ phone: "090-1234-5678" });
      expect(none.body.phoneExtension).toBeNull();
    });

    it("normalises an e-mail before checking it, stores that form and finds the customer by any form of it", async () => {
      const id = uid("C");
      const res = await put({ email: "hanako2@example.jp ", phone: null }, id);
      expect(res.status).toBe(201);
      expect(res.body.email).toBe("hanako2@example.jp");
      const wide = await put({ email: "Ｈａｎａｋｏ３＠ＥＸＡＭＰＬＥ．ＪＰ", phone: null });
      expect(wide.status).toBe(201);
      expect(wide.body.email).toBe("Hanako3@example.jp");
      const found = await h().request("GET", `/v1/lookup?email=${encodeURIComponent(" HANAKO2@example.jp")}`, { key: t.key });
      expect(found.status).toBe(200);
      expect(found.body.customer.id).toBe(id);
      const bad = await put({ email: "not an address" });
      expect(bad.status).toBe(422);
      expect(bad.body.errors[0].path).toBe("email");
    });

    it("finds a customer with an extension from the caller's number", async () => {
      const id = uid("C");
      await put({ phone: "06-6123-4567 #89", email: null }, id);
      const res = await h().request("GET", `/v1/lookup?phone=${encodeURIComponent("0081 6 6123 4567")}`, { key: t.key });
      expect(res.status).toBe(200);
      expect(res.body.customer).toMatchObject({ id, phone: "+81661234567", phoneExtension: "89" });
    });
  });
}
