import { describe, expect, it } from "vitest";
import { AT_RISK_CURSOR, atRiskPageJson, labelDrivers as labelledBytes } from "../../src/risk/repository";
import { decodeCursor } from "../../src/platform/pagination";
import { localizeDrivers, type Driver } from "../../src/risk/model";

// Rows as the at-risk statement writes them: drivers spliced as stored. The page's rows, labelled, as text.
const labelDrivers = (rows: string | string[], lang: "ja" | "en") => Buffer.from(labelledBytes(typeof rows === "string" ? [rows] : rows, lang)).toString("utf8");
const row = (id: string, drivers: unknown[]) => JSON.stringify({ subscriptionId: id, score: 56, drivers, flags: [] });
const fresh: Driver[] = [
  { code: "early_life", contribution: 1.9, value: 1 },
  { code: "price_level", contribution: -0.149, value: 12800 },
  { code: "low_nps", contribution: 0.686, value: null },
];

describe("at-risk page text", () => {
  it("labels every stored driver in the caller's language, as the single-risk response does", () => {
    for (const lang of ["ja", "en"] as const) {
      const text = labelDrivers([row("S-1", fresh), row("S-2", []), row("S-3", fresh.slice(1))], lang);
      expect(JSON.parse(`[${text}]`)).toEqual([
        { subscriptionId: "S-1", score: 56, drivers: localizeDrivers(fresh, lang, "JPY"), flags: [] },
        { subscriptionId: "S-2", score: 56, drivers: [], flags: [] },
        { subscriptionId: "S-3", score: 56, drivers: localizeDrivers(fresh.slice(1), lang, "JPY"), flags: [] },
      ]);
    }
    expect(JSON.parse(labelDrivers(row("S-1", fresh), "ja")).drivers[1].label).toBe("単価が高め（12,800円）");
  });

  it("labels in place: the rest of the text stays as SQL wrote it", () => {
    // SQLite writes a REAL 1 as 1.0; a parse and re-serialise would write 1.
    const text = `{"subscriptionId":"S-1","probability":1.0,"drivers":${JSON.stringify(fresh)}}`;
    expect(labelDrivers(text, "en")).toContain('"probability":1.0,');
  });

  it("labels a row stored with the old bilingual labels the same way", () => {
    const old = fresh.map((d) => ({ code: d.code, label: { ja: "古い", en: "old" }, contribution: d.contribution, value: d.value }));
    const mixed = [row("S-1", fresh), row("S-2", old)];
    const parsed = JSON.parse(`[${labelDrivers(mixed, "en")}]`);
    expect(parsed[1].drivers).toEqual(localizeDrivers(fresh, "en", "JPY"));
    expect(parsed[0].drivers).toEqual(localizeDrivers(fresh, "en", "JPY"));
  });

  it("takes the long way when a row's drivers do not read as a list (an old label holding a bracket)", () => {
    const old = fresh.map((d) => ({ code: d.code, label: { ja: "古い]", en: "old]" }, contribution: d.contribution, value: d.value }));
    const parsed = JSON.parse(`[${labelDrivers([row("S-1", old), row("S-2", fresh)], "ja")}]`);
    expect(parsed.map((r: { drivers: unknown }) => r.drivers)).toEqual([localizeDrivers(fresh, "ja", "JPY"), localizeDrivers(fresh, "ja", "JPY")]);
  });

  it("keeps a merchant's non-ASCII ids intact beside Japanese labels, sorted as SQLite orders them, with a cursor that names the id", async () => {
    // Records as the statement writes them (revenue␟id␟row, joined by ␞), in no set order.
    const record = (revenue: number, id: string) => `${revenue}\x1f${id}\x1f${JSON.stringify({ subscriptionId: id, customerId: `顧客-${id}`, drivers: fresh, flags: [] })}`;
    const doc = [record(500, "S-Ä"), record(900, "定期-b"), record(500, "S-a"), record(100, "x")].join("\x1e");
    const body = JSON.parse(Buffer.from(await atRiskPageJson({} as never, undefined, 3, undefined, "ja", doc)).toString("utf8"));
    // Equal revenue: ids last first, compared as UTF-8 bytes ("S-Ä" after "S-a").
    expect(body.data.map((r: { subscriptionId: string }) => r.subscriptionId)).toEqual(["定期-b", "S-Ä", "S-a"]);
    expect(body.data[0]).toEqual({ subscriptionId: "定期-b", customerId: "顧客-定期-b", drivers: localizeDrivers(fresh, "ja", "JPY"), flags: [] });
    expect(body.data[1].customerId).toBe("顧客-S-Ä");
    expect(decodeCursor(body.nextCursor, AT_RISK_CURSOR)).toEqual([500, "S-a"]);
  });

  it("shows a re-scored row on the next read of the same page, and each language its own labels", async () => {
    const record = (revenue: number, id: string, score: number) => `${revenue}\x1f${id}\x1f${JSON.stringify({ subscriptionId: id, score, drivers: fresh, flags: [] })}`;
    const read = async (doc: string, lang: "ja" | "en") => JSON.parse(Buffer.from(await atRiskPageJson({} as never, "high", 2, undefined, lang, doc)).toString("utf8"));
    const before = [record(900, "S-1", 80), record(500, "S-2", 70)].join("\x1e");
    const after = [record(900, "S-1", 81), record(500, "S-2", 70)].join("\x1e");
    expect((await read(before, "ja")).data[0].score).toBe(80);
    expect((await read(before, "ja")).data[0].score).toBe(80);
    expect((await read(after, "ja")).data[0].score).toBe(81);
    expect((await read(after, "en")).data[0].drivers).toEqual(localizeDrivers(fresh, "en", "JPY"));
    expect((await read("", "ja")).data).toEqual([]);
  });

  it("leaves an empty page empty", () => {
    expect(labelDrivers([], "ja")).toBe("");
  });
});
