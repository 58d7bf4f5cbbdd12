import { sql, type SQL } from "drizzle-orm";
import type { Database } from "../db/client";
import { addDays } from "../platform/dates";
import { resolveSettings } from "../settings/schemas";
import { withoutFreeText, type SurveyAnswer } from "../winback/survey";

/** Rows one maintenance run may delete or rewrite, across tenants: a run never holds the write lock for long. */
export const RETENTION_CHUNK = 500;

/**
 * Whether a JSON array of exit-survey answers (`[{ questionId, answer }]`, or NULL) holds free text:
 * an answer that is not an option code (winback/survey OPTION_CODE, /^[a-z][a-z0-9_]{1,63}$/,
 * spelled in GLOBs) is the customer's own words.
 */
function hasFreeText(answers: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM json_each(coalesce(${answers}, '[]')) j
    WHERE NOT (json_extract(j.value, '$.answer') GLOB '[a-z]*' AND json_extract(j.value, '$.answer') NOT GLOB '*[^a-z0-9_]*' AND length(json_extract(j.value, '$.answer')) BETWEEN 2 AND 64))`;
}

/**
 * The shops' retention settings, applied by the background job on both runtimes: events older
 * than `eventRetentionDays` are deleted; free text (comments) in the evidence of cancel flows
 * closed longer ago than `flowTextRetentionDays` is removed (the steps, times, offers shown and
 * outcome stay, and the step records when its text was removed), and so are the free-text answers
 * of the exit survey on win-back records of cancellations that long ago (the option codes stay, as
 * on erasure: winback/survey `withoutFreeText`). At most `chunk` rows a run; the rest follows on
 * the next runs. Asks with reads first, so a run with nothing due writes nothing.
 */
export async function applyRetention(db: Database, now: Date, chunk = RETENTION_CHUNK): Promise<{ events: number; flowTexts: number; surveyTexts: number }> {
  const shops = await db.orm.all<{ id: string; settings: string }>(
    sql`SELECT id, settings FROM tenants WHERE json_extract(settings, '$.eventRetentionDays') IS NOT NULL OR json_extract(settings, '$.flowTextRetentionDays') IS NOT NULL`,
  );
  let budget = chunk;
  const done = { events: 0, flowTexts: 0, surveyTexts: 0 };
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
      // A reason's comment, or the exit survey's free-text answers as the confirmation step recorded them.
      const steps = sql`SELECT s.flow_id, s.seq, s.data FROM cancel_flow_steps s JOIN cancel_flows f ON f.tenant_id = s.tenant_id AND f.id = s.flow_id
        WHERE s.tenant_id = ${shop.id} AND f.closed_at IS NOT NULL AND f.closed_at < ${cutoff}
          AND (json_extract(s.data, '$.comment') IS NOT NULL OR ${hasFreeText(sql`json_extract(s.data, '$.survey')`)}) LIMIT ${budget}`;
      const due = await db.orm.all<{ flow_id: string; seq: number; data: string }>(steps);
      if (due.length > 0) {
        await db.write(async (tx) => {
          for (const d of due) {
            const data = JSON.parse(d.data) as Record<string, unknown>;
            const kept = { ...data, comment: null, ...(Array.isArray(data.survey) ? { survey: withoutFreeText(data.survey as SurveyAnswer[]) } : {}), textRemovedAt: now.toISOString() };
            await tx.run(sql`UPDATE cancel_flow_steps SET data = ${JSON.stringify(kept)} WHERE tenant_id = ${shop.id} AND flow_id = ${d.flow_id} AND seq = ${d.seq}`);
          }
        });
        done.flowTexts += due.length;
        budget -= due.length;
      }
    }
    if (settings.flowTextRetentionDays !== null && budget > 0) {
      const cutoff = `${addDays(today, -settings.flowTextRetentionDays)}T00:00:00.000Z`;
      const due = await db.orm.all<{ id: string; survey: string }>(
        sql`SELECT w.id, w.survey FROM winbacks w WHERE w.tenant_id = ${shop.id} AND w.canceled_at < ${cutoff} AND ${hasFreeText(sql`w.survey`)} LIMIT ${budget}`,
      );
      if (due.length > 0) {
        await db.write(async (tx) => {
          for (const d of due) {
            const kept = withoutFreeText(JSON.parse(d.survey) as SurveyAnswer[]);
            await tx.run(sql`UPDATE winbacks SET survey = ${JSON.stringify(kept)} WHERE tenant_id = ${shop.id} AND id = ${d.id}`);
          }
        });
        done.surveyTexts += due.length;
        budget -= due.length;
      }
    }
  }
  return done;
}
