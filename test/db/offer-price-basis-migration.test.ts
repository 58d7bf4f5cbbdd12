import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";
import { DEFAULT_CATALOGUE, type CatalogueOffer } from "../../src/offers/catalogue";
import { beforePriceBasisWording } from "../support/catalogue-before";

const REWORDED = ["off_match_interval", "off_product_swap", "off_apology_gift"];

describe("migration 0058 (a price stands in the text, where its tax basis would have nested parentheses)", () => {
  it("rewrites the built-in copy a tenant still has, to today's catalogue, and leaves a shop's own words", async () => {
    const old = REWORDED.map((id) => beforePriceBasisWording(DEFAULT_CATALOGUE.find((o) => o.id === id)!));
    // What a customer would have read with the basis: 「金額（3,980円（税込））」.
    expect(old[0]!.copy.description.ja).toContain("金額（{price}）");
    const db = await databaseAt(57);
    const { client, shop } = db;
    try {
      await shop();
      await client.execute("INSERT INTO tenants (id, name, created_at) VALUES ('ten_b', 'B', '2026-01-01')");
      const own = { ...old[2]!, copy: { ...old[2]!.copy, description: { ...old[2]!.copy.description, ja: "ご迷惑をおかけしました。{giftName}を同梱します（{price}）。" } } };
      const rows: [string, CatalogueOffer][] = [...old.map((o): [string, CatalogueOffer] => ["ten_a", o]), ["ten_b", own]];
      for (const [tenant, o] of rows) {
        await client.execute({ sql: "INSERT INTO offers (tenant_id, id, type, active, definition, created_at, updated_at) VALUES (?, ?, ?, 1, ?, '2026-01-01', '2026-01-01')", args: [tenant, o.id, o.type, JSON.stringify(o)] });
      }
      const versionBefore = (await client.execute("SELECT offers_version FROM tenants WHERE id = 'ten_a'")).rows[0]![0];
      await db.upgrade();
      const stored = new Map((await client.execute("SELECT tenant_id || ' ' || id, definition FROM offers")).rows.map((r) => [String(r[0]), JSON.parse(String(r[1])) as CatalogueOffer]));
      for (const id of REWORDED) {
        expect(stored.get(`ten_a ${id}`), id).toEqual(DEFAULT_CATALOGUE.find((o) => o.id === id));
        expect(stored.get(`ten_a ${id}`)!.copy.description.ja, id).not.toMatch(/（\{(price|newPrice)\}）|（現在は\{price\}）/);
      }
      expect(stored.get("ten_b off_apology_gift")).toEqual(own);
      expect((await client.execute("SELECT offers_version FROM tenants WHERE id = 'ten_a'")).rows[0]![0]).not.toBe(versionBefore);
    } finally {
      db.close();
    }
  });
});
