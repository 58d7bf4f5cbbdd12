import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";
import { DEFAULT_CATALOGUE, type CatalogueOffer } from "../../src/offers/catalogue";
import { beforeOneCommitmentWord } from "../support/catalogue-before";

/** The built-in titles before they named the deliveries as applied (templateVersion 1). */
const OLD_TITLES: Record<string, { ja: string; en: string }> = {
  off_discount_20x2: { ja: "次の{cycles}回のお届けが{discountLabel}", en: "{discountLabel} your next {cycles} deliveries" },
  off_discount_15x3: { ja: "次の{cycles}回のお届けが{discountLabel}", en: "{discountLabel} your next {cycles} deliveries" },
  off_apology_gift: { ja: "次回のお届けに{giftName}をお付けします", en: "{giftName} with your next delivery, free" },
};
const before = (current: CatalogueOffer): CatalogueOffer => {
  const o = beforeOneCommitmentWord(current);
  return OLD_TITLES[o.id] ? { ...o, copy: { ...o.copy, title: OLD_TITLES[o.id]! }, templateVersion: 1 } : o;
};

describe("migration 0039 (discount and gift titles name the deliveries as applied)", () => {
  it("rewrites the built-in titles a tenant still has, and nothing a shop wrote", async () => {
    const db = await databaseAt(38);
    const { client, shop } = db;
    try {
      await shop();
      // A shop that wrote its own 15% title keeps it (personalise leaves it out on a day it would be false).
      const edited = { ...before(DEFAULT_CATALOGUE.find((o) => o.id === "off_discount_15x3")!), templateVersion: 2 };
      edited.copy = { ...edited.copy, title: { ja: "次の{cycles}回は{discountLabel}", en: "{discountLabel} the next {cycles}" } };
      const rows = DEFAULT_CATALOGUE.map((o) => (o.id === edited.id ? edited : before(o)));
      for (const o of rows) {
        await client.execute({ sql: "INSERT INTO offers (tenant_id, id, type, active, definition, created_at, updated_at) VALUES ('ten_a', ?, ?, 1, ?, '2026-01-01', '2026-01-01')", args: [o.id, o.type, JSON.stringify(o)] });
      }
      const versionBefore = (await client.execute("SELECT offers_version FROM tenants")).rows[0]![0];

      await db.upgrade();
      const stored = new Map((await client.execute("SELECT id, definition FROM offers")).rows.map((r) => [String(r[0]), JSON.parse(String(r[1])) as CatalogueOffer]));
      for (const o of DEFAULT_CATALOGUE) expect(stored.get(o.id), o.id).toEqual(o.id === edited.id ? edited : o);
      expect(stored.get("off_discount_20x2")!.copy.title.ja).toBe("{discountedDeliveries}が{discountLabel}");
      expect((await client.execute("SELECT offers_version FROM tenants")).rows[0]![0]).not.toBe(versionBefore);
    } finally {
      db.close();
    }
  });
});
