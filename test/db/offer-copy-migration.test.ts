import { describe, expect, it } from "vitest";
import { databaseAt } from "../support/migrations";
import { DEFAULT_CATALOGUE, type CatalogueOffer } from "../../src/offers/catalogue";
import { beforeOneCommitmentWord } from "../support/catalogue-before";

/**
 * Migration 0031: a tenant's stored built-in offers (seeded from the catalogue as it was) get the
 * copy that names the cadence ({cadence}); an offer whose copy the shop edited keeps its own.
 */
/** The move offer's description as it was before 0041, which dropped its promise of an address change. */
const withAddress = (o: CatalogueOffer): CatalogueOffer =>
  o.id !== "off_move_delivery"
    ? o
    : { ...o, copy: { ...o.copy, description: { ja: o.copy.description.ja.replace("その後は", "お届け先の変更もあわせて承ります。その後は"), en: o.copy.description.en.replace("Deliveries then", "You can update the delivery address at the same time. Deliveries then") } } };
/** The skip offer's description as it was before 0048, which replaced the pause's 「お休みし」. */
const resting = (o: CatalogueOffer): CatalogueOffer =>
  o.id !== "off_skip_next" ? o : { ...o, copy: { ...o.copy, description: { ...o.copy.description, ja: o.copy.description.ja.replace("お届けをスキップし", "お届けをお休みし") } } };
/** The catalogue's copy as it was before {cadence}: every {cadence} was written in days. */
const before = (current: CatalogueOffer): CatalogueOffer => {
  const o = beforeOneCommitmentWord(resting(withAddress(current)));
  const ja = (t: string) => t.replaceAll("{newCadence}", "{newIntervalDays}日ごと").replaceAll("{cadence}", "{intervalDays}日ごと");
  const en = (t: string) => t.replaceAll("{newCadence}", "every {newIntervalDays} days").replaceAll("{cadence}", "every {intervalDays} days");
  const copy = { title: { ja: ja(o.copy.title.ja), en: en(o.copy.title.en) }, description: { ja: ja(o.copy.description.ja), en: en(o.copy.description.en) } };
  return { ...o, copy, templateVersion: JSON.stringify(copy) === JSON.stringify(o.copy) ? o.templateVersion : 1 };
};

describe("migration 0031 (offer copy with {cadence})", () => {
  it("rewrites the built-in copy a tenant still has, and nothing a shop wrote", async () => {
    // The migrations up to 0030, then rows as the old catalogue seeded them, then the rest.
    const db = await databaseAt(30);
    const { client, shop } = db;
    try {
      await shop();
      const edited = { ...before(DEFAULT_CATALOGUE.find((o) => o.id === "off_pause")!), templateVersion: 3 };
      edited.copy = { ...edited.copy, title: { ja: "{resumeOn}までお休み", en: "Pause until {resumeOn}" } };
      const rows = DEFAULT_CATALOGUE.map((o) => (o.id === "off_pause" ? edited : before(o)));
      expect(rows.filter((o) => o.templateVersion === 1 && JSON.stringify(o.copy).includes("日ごと")).length).toBe(5);
      for (const o of rows) {
        await client.execute({ sql: "INSERT INTO offers (tenant_id, id, type, active, definition, created_at, updated_at) VALUES ('ten_a', ?, ?, 1, ?, '2026-01-01', '2026-01-01')", args: [o.id, o.type, JSON.stringify(o)] });
      }
      const versionBefore = (await client.execute("SELECT offers_version FROM tenants")).rows[0]![0];

      await db.upgrade();
      const stored = new Map((await client.execute("SELECT id, definition FROM offers")).rows.map((r) => [String(r[0]), JSON.parse(String(r[1])) as CatalogueOffer]));
      for (const o of DEFAULT_CATALOGUE) {
        if (o.id === "off_pause") expect(stored.get(o.id)).toEqual(edited);
        else expect(stored.get(o.id), o.id).toEqual(o);
      }
      expect((await client.execute("SELECT offers_version FROM tenants")).rows[0]![0]).not.toBe(versionBefore);
    } finally {
      db.close();
    }
  });
});
