import { describe, expect, it } from "vitest";
import { mentions, scrub } from "../../src/data-rights/scrub";

describe("erasure's scrub", () => {
  it("removes the person's name and contact data, keeps the product's and the operator's names (a subscription and a change in a webhook payload stay valid)", () => {
    const payload = {
      type: "subscription.canceled",
      data: {
        subscription: { id: "S-1", customerId: "C-1", product: { sku: "AOJIRU-30", name: "青汁 30包" } },
        change: { actor: { type: "operator", id: "op-7", name: "佐々木 オペ" } },
        customer: { name: "山田 花子", email: "hanako@example.jp" },
        comment: "山田です。量が多くて",
      },
    };
    expect(scrub(payload, new Set(["山田 花子"]), new Map([["C-1", "erased_x"]]))).toEqual({
      type: "subscription.canceled",
      data: {
        subscription: { id: "S-1", customerId: "erased_x", product: { sku: "AOJIRU-30", name: "青汁 30包" } },
        change: { actor: { type: "operator", id: "op-7", name: "佐々木 オペ" } },
        customer: { name: null, email: null },
        comment: null,
      },
    });
  });
  it("still removes the person's own strings wherever they stand, a product included", () => {
    expect(scrub({ product: { name: "hanako@example.jp" } }, new Set(["hanako@example.jp"]))).toEqual({ product: { name: null } });
  });
  it("renames the id inside a longer string, as written or URL-encoded, and only where it stands as a whole id", () => {
    const rename = new Map([["C-1:jp", "erased_x"]]);
    expect(scrub({ candidates: "/v1/winback/candidates?customerId=C-1%3Ajp", note2: "C-1:jp さん", other: "C-1:jp2", sub: "S-C-1:jp" }, new Set(), rename)).toEqual({
      candidates: "/v1/winback/candidates?customerId=erased_x",
      note2: "erased_x さん",
      other: "C-1:jp2",
      sub: "S-C-1:jp",
    });
    expect(mentions('{"candidates":"/v1/winback/candidates?customerId=C-1%3Ajp"}', ["C-1:jp"])).toBe(true);
  });
  it("empties a string that contains the person's contact data, as written or URL-encoded", () => {
    const personal = new Set(["hanako@example.jp", "+819012345678"]);
    expect(scrub({ link: "mailto:hanako@example.jp", q: "/v1/lookup?phone=%2B819012345678", product: { name: "青汁 30包" } }, personal)).toEqual({ link: null, q: null, product: { name: "青汁 30包" } });
  });
});
