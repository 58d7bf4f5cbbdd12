import { describe, expect, it } from "vitest";
import { scrub } from "../../src/data-rights/scrub";

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
});
