import { and, asc, desc, eq, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { knowledgeEntries } from "../db/schema";
import { cursorList, decodeCursor, toPage } from "../platform/pagination";

/** The knowledge list: `(uses, id)` of the last entry, under the query's filters (platform/pagination). */
const KNOWLEDGE_CURSOR = cursorList("kb", ["integer", "id"]);
import type { TenantStore } from "../platform/tenancy";

export type KnowledgeRow = typeof knowledgeEntries.$inferSelect;
export type KnowledgeInput = Pick<KnowledgeRow, "title" | "body" | "category" | "topic" | "reasons">;
export type KnowledgeFilter = { reason?: string; category?: string; topic?: string; q?: string; limit: number; cursor?: string };

/** How long an entry counts as new: about two shift rotations, so every operator sees the mark. */
export const NEW_FOR_DAYS = 14;

/** An entry as the API shows it; `now` decides whether it is still new. */
export function toEntry(row: KnowledgeRow, now: Date) {
  return {
    id: row.id,
    title: row.title,
    body: row.body,
    category: row.category,
    topic: row.topic,
    reasons: row.reasons,
    uses: row.uses,
    lastUsedAt: row.lastUsedAt,
    new: now.getTime() - Date.parse(row.createdAt) < NEW_FOR_DAYS * 86_400_000,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * The words of a search: runs of letters split on spaces and punctuation (Intl.Segmenter, so a
 * Japanese phrase without spaces stays one word, as operators type it). Every word must occur.
 * A search of punctuation only (`%`, `_`, `?`) is that text as one word, found literally: split
 * away, it left no condition and `q=%` listed every entry.
 */
export function searchWords(q: string): string[] {
  const folded = q.normalize("NFKC").toLowerCase();
  const words: string[] = [];
  for (const part of folded.split(/[\s\p{P}]+/u)) if (part) words.push(part);
  if (words.length === 0 && folded.trim() !== "") words.push(folded.trim());
  return words.slice(0, 8);
}

const escapeLike = (w: string) => w.replace(/[\\%_]/g, (m) => "\\" + m);

/** Entries matching the filter, most used first (then by id), one page. */
export async function listKnowledge(store: TenantStore, f: KnowledgeFilter) {
  const t = knowledgeEntries;
  const text = sql`lower(${t.title} ->> '$.ja' || ' ' || (${t.title} ->> '$.en') || ' ' || (${t.body} ->> '$.ja') || ' ' || (${t.body} ->> '$.en'))`;
  const conditions: (SQL | undefined)[] = [
    f.reason !== undefined ? sql`EXISTS (SELECT 1 FROM json_each(${t.reasons}) WHERE value = ${f.reason})` : undefined,
    f.category !== undefined ? or(eq(t.category, f.category), isNull(t.category)) : undefined,
    f.topic !== undefined ? eq(t.topic, f.topic) : undefined,
    ...(f.q !== undefined ? searchWords(f.q).map((w) => sql`${text} LIKE ${"%" + escapeLike(w) + "%"} ESCAPE '\\'`) : []),
  ];
  const filter = [f.reason, f.category, f.topic, f.q];
  const after = decodeCursor(f.cursor, KNOWLEDGE_CURSOR, filter);
  if (after) {
    const [uses, id] = after;
    conditions.push(or(lt(t.uses, uses), and(eq(t.uses, uses), sql`${t.id} > ${id}`)));
  }
  const rows = await store.q
    .select()
    .from(t)
    .where(store.owns(t, ...conditions))
    .orderBy(desc(t.uses), asc(t.id))
    .limit(f.limit + 1);
  return toPage(rows, f.limit, KNOWLEDGE_CURSOR, (r) => [r.uses, r.id], filter);
}

export function findEntry(store: TenantStore, id: string) {
  return store.find(knowledgeEntries, eq(knowledgeEntries.id, id));
}

/** Creates or replaces an entry (its use count stays); answers the row and whether it is new. */
export async function saveEntry(store: TenantStore, id: string, input: KnowledgeInput, at: string): Promise<{ row: KnowledgeRow; created: boolean }> {
  return store.write(async (s) => {
    const existing = await s.find(knowledgeEntries, eq(knowledgeEntries.id, id));
    if (existing) {
      await s.update(knowledgeEntries, { ...input, updatedAt: at }, eq(knowledgeEntries.id, id));
      return { row: { ...existing, ...input, updatedAt: at }, created: false };
    }
    const row = { id, ...input, uses: 0, lastUsedAt: null, createdAt: at, updatedAt: at };
    await s.insert(knowledgeEntries, row);
    return { row: { ...row, tenantId: s.tenantId }, created: true };
  });
}

export async function deleteEntry(store: TenantStore, id: string): Promise<boolean> {
  const gone = await store.delete(knowledgeEntries, eq(knowledgeEntries.id, id)).returning({ id: knowledgeEntries.id });
  return gone.length > 0;
}

/**
 * One use by an operator: the count goes up in SQL, so two operators at once both count. Through the
 * write queue like every write: run on the shared connection beside a queued transaction (the
 * maintenance job's, say), it failed now and then with a 500.
 */
export async function recordUse(store: TenantStore, id: string, at: string): Promise<KnowledgeRow | undefined> {
  return store.write(async (s) => {
    const [row] = await s
      .update(knowledgeEntries, { uses: sql`${knowledgeEntries.uses} + 1` as unknown as number, lastUsedAt: at }, eq(knowledgeEntries.id, id))
      .returning();
    return row;
  });
}
