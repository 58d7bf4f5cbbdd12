import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";
import { DEFAULT_CATALOGUE, type CatalogueOffer } from "../../src/offers/catalogue";

const SKIP = DEFAULT_CATALOGUE.find((o) => o.id === "off_skip_next")!;
/** The skip's built-in copy before 0048 (templateVersion 2): 「お休みし」, the pause's word. */
const RESTING: CatalogueOffer = {
  ...SKIP,
  templateVersion: 2,
  copy: { ...SKIP.copy, description: { ...SKIP.copy.description, ja: SKIP.copy.description.ja.replace("お届けをスキップし", "お届けをお休みし") } },
};

describe("migration 0048 (the skip offer says スキップ, not the pause's お休み)", () => {
  it("rewrites the built-in copy a tenant still has, to today's catalogue, and leaves a shop's own words", async () => {
    expect(RESTING.copy.description.ja).toContain("お休みし");
    const db = await databaseAt(46);
    const { client, shop } = db;
    try {
      await shop();
      await client.execute("INSERT INTO tenants (id, name, created_at) VALUES ('ten_b', 'B', '2026-01-01')");
      const own = { ...RESTING, copy: { ...RESTING.copy, description: { ...RESTING.copy.description, ja: `${RESTING.copy.description.ja}いつでも再開できます。` } } };
      for (const [tenant, o] of [["ten_a", RESTING], ["ten_b", own]] as const) {
        await client.execute({ sql: "INSERT INTO offers (tenant_id, id, type, active, definition, created_at, updated_at) VALUES (?, ?, ?, 1, ?, '2026-01-01', '2026-01-01')", args: [tenant, o.id, o.type, JSON.stringify(o)] });
      }
      const versionBefore = (await client.execute("SELECT offers_version FROM tenants WHERE id = 'ten_a'")).rows[0]![0];
      await db.upgrade();
      const stored = new Map((await client.execute("SELECT tenant_id, definition FROM offers")).rows.map((r) => [String(r[0]), JSON.parse(String(r[1])) as CatalogueOffer]));
      expect(stored.get("ten_a")).toEqual(SKIP);
      expect(stored.get("ten_a")!.copy.description.ja).not.toContain("お休み");
      expect(stored.get("ten_b")).toEqual(own);
      expect((await client.execute("SELECT offers_version FROM tenants WHERE id = 'ten_a'")).rows[0]![0]).not.toBe(versionBefore);
    } finally {
      db.close();
    }
  });
});
