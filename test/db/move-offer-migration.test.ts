import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";
import { DEFAULT_CATALOGUE, type CatalogueOffer } from "../../src/offers/catalogue";

const MOVE = DEFAULT_CATALOGUE.find((o) => o.id === "off_move_delivery")!;
/** The move's built-in copy before 0041 (templateVersion 2): it promised an address change taking it never makes. */
const PROMISING: CatalogueOffer = {
  ...MOVE,
  templateVersion: 2,
  copy: {
    ...MOVE.copy,
    description: {
      ja: "{nextDeliveryOn}のお届けを、{earliestDeliveryOn}から{latestDeliveryOn}までのご希望の日に変更できます。お届け先の変更もあわせて承ります。その後は{cadence}のお届けです。",
      en: "Move the delivery planned for {nextDeliveryOn} to any day from {earliestDeliveryOn} to {latestDeliveryOn}. You can update the delivery address at the same time. Deliveries then continue {cadence}.",
    },
  },
};

describe("migration 0041 (the move offer stops promising an address change)", () => {
  it("rewrites the built-in copy a tenant still has, to today's catalogue, and leaves a shop's own words", async () => {
    const db = await databaseAt(40);
    const { client, shop } = db;
    try {
      await shop();
      await client.execute("INSERT INTO tenants (id, name, created_at) VALUES ('ten_b', 'B', '2026-01-01')");
      const own = { ...PROMISING, copy: { ...PROMISING.copy, description: { ...PROMISING.copy.description, ja: `${PROMISING.copy.description.ja}お引っ越しの際はお電話ください。` } } };
      for (const [tenant, o] of [["ten_a", PROMISING], ["ten_b", own]] as const) {
        await client.execute({ sql: "INSERT INTO offers (tenant_id, id, type, active, definition, created_at, updated_at) VALUES (?, ?, ?, 1, ?, '2026-01-01', '2026-01-01')", args: [tenant, o.id, o.type, JSON.stringify(o)] });
      }
      await db.upgrade();
      const stored = new Map((await client.execute("SELECT tenant_id, definition FROM offers")).rows.map((r) => [String(r[0]), JSON.parse(String(r[1])) as CatalogueOffer]));
      expect(stored.get("ten_a")).toEqual(MOVE);
      expect(stored.get("ten_a")!.copy.description.ja).not.toContain("お届け先");
      expect(stored.get("ten_b")).toEqual(own);
    } finally {
      db.close();
    }
  });
});
