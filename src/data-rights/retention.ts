import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { addDays } from "../platform/dates";
import { resolveSettings } from "../settings/schemas";

/** Rows one maintenance run may delete or rewrite, across tenants: a run never holds the write lock for long. */
export const RETENTION_CHUNK = 500;

/**
 * The shops' retention settings, applied by the background job on both runtimes: events older
 * than `eventRetentionDays` are deleted; free text (comments) in the evidence of cancel flows
 * closed longer ago than `flowTextRetentionDays` is removed (the steps, times, offers shown and
 * outcome stay, and the step records when its text was removed). At most `chunk` rows a run; the
 * rest follows on the next runs. Asks with reads first, so a run with nothing due writes nothing.
 */
export async function applyRetention(db: Database, now: Date, chunk = RETENTION_CHUNK): Promise<{ events: number; flowTexts: number }> {
  const shops = await db.orm.all<{ id: string; settings: string }>(
    sql`SELECT id, settings FROM tenants WHERE json_extract(settings, '$.eventRetentionDays') IS NOT NULL OR json_extract(settings, '$.flowTextRetentionDays') IS NOT NULL`,
  );
  let budget = chunk;
  const done = { events: 0, flowTexts: 0 };
  const today = now.toISOString().slice(0, 10);
  for (const shop of shops) {
    if (budget <= 0) break;
    const settings = resolveSettings(typeof shop.settings === "string" ? JSON.parse(shop.settings) : shop.settings);
    if (settings.eventRetentionDays !== null) {
      const cutoff = `${addDays(today, -settings.eventRetentionDays)}T00:00:00.000Z`;
      const due = await db.orm.all<{ id: string }>(sql`SELECT id FROM events WHERE tenant_id = ${shop.id} AND occurred_at < ${cutoff} LIMIT ${budget}`);
      if (due.length > 0) {
        await db.write((tx) =>
          tx.run(sql`DELETE FROM events WHERE tenant_id = ${shop.id} AND id IN (SELECT id FROM events WHERE tenant_id = ${shop.id} AND occurred_at < ${cutoff} LIMIT ${budget})`),
        );
        done.events += due.length;
        budget -= due.length;
      }
    }
    if (settings.flowTextRetentionDays !== null && budget > 0) {
      const cutoff = `${addDays(today, -settings.flowTextRetentionDays)}T00:00:00.000Z`;
      const steps = sql`SELECT s.flow_id, s.seq FROM cancel_flow_steps s JOIN cancel_flows f ON f.tenant_id = s.tenant_id AND f.id = s.flow_id
        WHERE s.tenant_id = ${shop.id} AND f.closed_at IS NOT NULL AND f.closed_at < ${cutoff} AND json_extract(s.data, '$.comment') IS NOT NULL LIMIT ${budget}`;
      const due = await db.orm.all<{ flow_id: string; seq: number }>(steps);
      if (due.length > 0) {
        await db.write(async (tx) => {
          for (const d of due) {
            await tx.run(
              sql`UPDATE cancel_flow_steps SET data = json_set(data, '$.comment', NULL, '$.textRemovedAt', ${now.toISOString()}) WHERE tenant_id = ${shop.id} AND flow_id = ${d.flow_id} AND seq = ${d.seq}`,
            );
          }
        });
        done.flowTexts += due.length;
        budget -= due.length;
      }
    }
  }
  return done;
}
