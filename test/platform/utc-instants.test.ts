import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { utcInstant } from "../../src/platform/dates";
import { Instant } from "../../src/platform/openapi";
import { customerBody, subscriptionBody, uid } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

describe("instants (#14.5)", () => {
  it("are parsed into one UTC form, whatever offset they were sent with", () => {
    expect(Instant.parse("2026-11-21T10:30:00+09:00")).toBe("2026-11-21T01:30:00.000Z");
    expect(Instant.parse("2026-11-21T05:00:00Z")).toBe("2026-11-21T05:00:00.000Z");
    expect(Instant.parse("2026-11-21T00:30:00-05:30")).toBe("2026-11-21T06:00:00.000Z");
    expect(Instant.parse("2026-11-21T05:00:00.123456Z")).toBe("2026-11-21T05:00:00.123Z");
    expect(Instant.safeParse("2026-11-21T10:30:00+0900").success).toBe(false);
    expect(utcInstant("not an instant")).toBe("not an instant");
    // Text order is time order only in one form.
    expect(Instant.parse("2026-11-21T10:30:00+09:00") < Instant.parse("2026-11-21T05:00:00Z")).toBe(true);
  });

  describe("the migration for rows stored before", () => {
    let h: NodeHarness;
    beforeAll(async () => {
      h = await nodeHarness();
    });
    afterAll(() => h.close());

    it("converts every client-sent instant column to UTC and leaves other values alone", async () => {
      const t = await h.tenant();
      const c = uid("C");
      const s = uid("S");
      await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
      await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
      await h.request("POST", "/v1/events", { key: t.key, body: { events: [{ id: "e1", type: "survey.answered", customerId: c, occurredAt: "2026-11-21T01:00:00Z", data: { nps: 8 } }] } });
      // As an older version stored them: as sent.
      const exec = (sql: string, args: (string | null)[] = []) => h.db.client.execute({ sql, args });
      await exec("UPDATE events SET occurred_at = '2026-11-21T10:30:00+09:00' WHERE tenant_id = ? AND id = 'e1'", [t.id]);
      await exec("UPDATE subscriptions SET started_at = '2026-05-01T10:00:00+09:00', canceled_at = '2026-11-01T23:59:59.5-01:00' WHERE tenant_id = ? AND id = ?", [t.id, s]);
      await exec("UPDATE customers SET created_at = 'garbage' WHERE tenant_id = ? AND id = ?", [t.id, c]);

      const migration = readFileSync(new URL("../../drizzle/0007_utc_instants.sql", import.meta.url), "utf8");
      for (const statement of migration.split("--> statement-breakpoint")) await exec(statement);

      const one = async (sql: string) => (await exec(sql, [t.id])).rows[0]!;
      expect((await one("SELECT occurred_at FROM events WHERE tenant_id = ?")).occurred_at).toBe("2026-11-21T01:30:00.000Z");
      const sub = await one("SELECT started_at, canceled_at FROM subscriptions WHERE tenant_id = ?");
      expect(sub).toMatchObject({ started_at: "2026-05-01T01:00:00.000Z", canceled_at: "2026-11-02T00:59:59.500Z" });
      expect((await one("SELECT created_at FROM customers WHERE tenant_id = ?")).created_at).toBe("garbage");
      // Answered in the one form.
      expect((await h.request("GET", `/v1/subscriptions/${s}`, { key: t.key })).body.startedAt).toBe("2026-05-01T01:00:00.000Z");
    });
  });
});
