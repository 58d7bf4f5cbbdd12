import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";
import { DEFAULT_CATALOGUE, type CatalogueOffer } from "../../src/offers/catalogue";
import { beforeOneCommitmentWord } from "../support/catalogue-before";

const PAUSE = DEFAULT_CATALOGUE.find((o) => o.id === "off_pause")!;
const DISCOUNT = DEFAULT_CATALOGUE.find((o) => o.id === "off_discount_20x2")!;

describe("migration 0055 (one word for the commitment; the pause names its date once)", () => {
  it("rewrites the built-in copy a tenant still has, to today's catalogue, and leaves a shop's own words", async () => {
    const oldPause = beforeOneCommitmentWord(PAUSE);
    const oldDiscount = beforeOneCommitmentWord(DISCOUNT);
    // What a customer read before: the resume date as both the pause's last day and the restart, and 「継続のお約束」.
    expect(oldPause.copy.title.ja).toBe("{resumeOn}までお休み（一時停止）");
    expect(oldDiscount.copy.description.ja).toContain("継続のお約束");
    const db = await databaseAt(54);
    const { client, shop } = db;
    try {
      await shop();
      await client.execute("INSERT INTO tenants (id, name, created_at) VALUES ('ten_b', 'B', '2026-01-01')");
      const own = { ...oldPause, copy: { ...oldPause.copy, title: { ...oldPause.copy.title, ja: "{resumeOn}までお届けをお休み" } } };
      const rows: [string, CatalogueOffer][] = [["ten_a", oldPause], ["ten_a", oldDiscount], ["ten_b", own]];
      for (const [tenant, o] of rows) {
        await client.execute({ sql: "INSERT INTO offers (tenant_id, id, type, active, definition, created_at, updated_at) VALUES (?, ?, ?, 1, ?, '2026-01-01', '2026-01-01')", args: [tenant, o.id, o.type, JSON.stringify(o)] });
      }
      const versionBefore = (await client.execute("SELECT offers_version FROM tenants WHERE id = 'ten_a'")).rows[0]![0];
      await db.upgrade();
      const stored = new Map((await client.execute("SELECT tenant_id || ' ' || id, definition FROM offers")).rows.map((r) => [String(r[0]), JSON.parse(String(r[1])) as CatalogueOffer]));
      expect(stored.get("ten_a off_pause")).toEqual(PAUSE);
      expect(stored.get("ten_a off_pause")!.copy.title.ja).toBe("お届けをお休みし、{resumeOn}のお届けから再開");
      expect(stored.get("ten_a off_discount_20x2")).toEqual(DISCOUNT);
      expect(stored.get("ten_a off_discount_20x2")!.copy.description.ja).toContain("この割引で回数のお約束が増えることはありません。");
      expect(stored.get("ten_b off_pause")).toEqual(own);
      expect((await client.execute("SELECT offers_version FROM tenants WHERE id = 'ten_a'")).rows[0]![0]).not.toBe(versionBefore);
    } finally {
      db.close();
    }
  });
});
