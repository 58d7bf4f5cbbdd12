import { audited } from "../platform/audit";
import { ApiError } from "../platform/errors";
import { apiRoute, domainRouter, IdempotencyHeaders, jsonBody, jsonResponse, sameIdAsPath } from "../platform/openapi";
import { deleteEntry, findEntry, listKnowledge, recordUse, saveEntry, toEntry } from "./repository";
import { EntryIdParam, KnowledgeEntry, KnowledgeList, KnowledgeQuery, PutKnowledgeBody } from "./schemas";

const tags = ["Knowledge"];

export const knowledgeRouter = domainRouter()
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/knowledge",
      operationId: "listKnowledge",
      tags,
      scope: "read",
      summary: "Find knowledge entries",
      description:
        "The shop's FAQ and usage advice for operators: entries answering a cancellation `reason`, for a product `category` (entries for every product included), of a `topic`, containing every word of `q` (either language). Most used first; `new` marks entries added in the last 14 days.",
      request: { query: KnowledgeQuery },
      responses: { 200: jsonResponse(KnowledgeList, "Entries, most used first") },
    }),
    async (c) => {
      const q = c.req.valid("query");
      const page = await listKnowledge(c.get("store"), q);
      const now = c.get("services").now();
      return c.json({ data: page.data.map((r) => toEntry(r, now)), nextCursor: page.nextCursor }, 200);
    },
  )
  .openapi(
    apiRoute({
      method: "get",
      path: "/v1/knowledge/{entryId}",
      operationId: "getKnowledgeEntry",
      tags,
      scope: "admin",
      summary: "Get one knowledge entry",
      request: { params: EntryIdParam },
      errors: ["knowledge_entry_not_found"],
      responses: { 200: jsonResponse(KnowledgeEntry, "The entry") },
    }),
    async (c) => {
      const { entryId } = c.req.valid("param");
      const row = await findEntry(c.get("store"), entryId);
      if (!row) throw new ApiError("knowledge_entry_not_found", { en: `No knowledge entry ${entryId}.`, ja: `ナレッジ ${entryId} は見つかりません。` });
      return c.json(toEntry(row, c.get("services").now()), 200);
    },
  )
  .openapi(
    apiRoute({
      method: "put",
      path: "/v1/knowledge/{entryId}",
      operationId: "putKnowledgeEntry",
      tags,
      scope: "admin",
      summary: "Create or replace a knowledge entry",
      description: "Title and body in Japanese and English. Replacing an entry keeps its use count. Answers 201 when new.",
      request: {
        params: EntryIdParam,
        headers: IdempotencyHeaders,
        body: jsonBody(PutKnowledgeBody, {
          title: { ja: "スキップとお休みの違い", en: "Skip or pause?" },
          body: { ja: "スキップは次回の1回分だけお届けを見送り、お休みは再開日まで全てのお届けを止めます。", en: "A skip leaves out the next delivery only; a pause stops every delivery until the resume date." },
          category: null,
          topic: "plan_options",
          reasons: ["surplus_stock", "temporary_break"],
        }),
      },
      responses: { 200: jsonResponse(KnowledgeEntry, "The updated entry"), 201: jsonResponse(KnowledgeEntry, "The new entry") },
    }),
    async (c) => {
      const { entryId } = c.req.valid("param");
      const { id, title, body, category, topic, reasons } = c.req.valid("json");
      sameIdAsPath(id, entryId);
      const now = c.get("services").now();
      const { row, created } = await audited(
        c,
        // The entry's own fields only: the read-only ones GET answered (uses, times) are not written.
        (s) => saveEntry(s, entryId, { title, body, category, topic, reasons }, now.toISOString()),
        (r) => ({ action: "knowledge.updated", target: { type: "knowledge_entry", id: entryId }, details: { created: r.created } }),
      );
      return c.json(toEntry(row, now), created ? 201 : 200);
    },
  )
  .openapi(
    apiRoute({
      method: "delete",
      path: "/v1/knowledge/{entryId}",
      operationId: "deleteKnowledgeEntry",
      tags,
      scope: "admin",
      summary: "Delete a knowledge entry",
      request: { params: EntryIdParam },
      errors: ["knowledge_entry_not_found"],
      responses: { 204: { description: "Deleted" } },
    }),
    async (c) => {
      const { entryId } = c.req.valid("param");
      await audited(
        c,
        async (s) => {
          if (!(await deleteEntry(s, entryId))) throw new ApiError("knowledge_entry_not_found", { en: `No knowledge entry ${entryId}.`, ja: `ナレッジ ${entryId} は見つかりません。` });
        },
        () => ({ action: "knowledge.deleted", target: { type: "knowledge_entry", id: entryId } }),
      );
      return c.body(null, 204);
    },
  )
  .openapi(
    apiRoute({
      method: "post",
      path: "/v1/knowledge/{entryId}/uses",
      operationId: "useKnowledgeEntry",
      tags,
      scope: "write",
      summary: "Record that an operator used an entry",
      description: "Counts one use; lists put the most used entries first, so the answers that work spread through the centre.",
      request: { params: EntryIdParam, headers: IdempotencyHeaders },
      errors: ["knowledge_entry_not_found"],
      responses: { 200: jsonResponse(KnowledgeEntry, "The entry with its new count") },
    }),
    async (c) => {
      const { entryId } = c.req.valid("param");
      const now = c.get("services").now();
      const row = await recordUse(c.get("store"), entryId, now.toISOString());
      if (!row) throw new ApiError("knowledge_entry_not_found", { en: `No knowledge entry ${entryId}.`, ja: `ナレッジ ${entryId} は見つかりません。` });
      return c.json(toEntry(row, now), 200);
    },
  );
