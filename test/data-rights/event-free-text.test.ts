import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { withoutEventFreeText } from "../../src/data-rights/erase";
import { erasureKind, EVENT_FREE_TEXT, EVENT_TYPES, eventDataFields, unwrapOptional } from "../../src/events/schemas";

/**
 * Every string of every event type's `data` (into nested objects: an amount), with how its schema
 * was declared for erasure. An enum or a literal is a fixed code by itself and is not listed.
 */
function stringFields() {
  const walk = (type: string, path: string, schema: z.ZodType): { type: string; field: string; kind: ReturnType<typeof erasureKind> }[] => {
    const inner = unwrapOptional(schema);
    if (inner.def.type === "string") return [{ type, field: path, kind: erasureKind(inner) }];
    if (inner instanceof z.ZodObject) return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([k, v]) => walk(type, `${path}.${k}`, v));
    return [];
  };
  return EVENT_TYPES.flatMap((type) => Object.entries(eventDataFields(type)).flatMap(([field, schema]) => walk(type, field, schema)));
}

describe("erasure and the free text of events", () => {
  it("every string field of every event type is declared free text (erased) or coded (an id, a code, a date: kept)", () => {
    const fields = stringFields();
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.filter((f) => f.kind === null).map((f) => `${f.type}.data.${f.field}`)).toEqual([]);
    // Erasure empties fields of `data` itself (EVENT_FREE_TEXT): free text nested deeper would be missed.
    expect(fields.filter((f) => f.kind === "free_text" && f.field.includes(".")).map((f) => `${f.type}.data.${f.field}`)).toEqual([]);
  });

  it("erasure empties exactly the free-text fields: a decline's reason, a contact note, a survey comment", () => {
    expect(Object.fromEntries([...EVENT_FREE_TEXT].filter(([, f]) => f.length > 0))).toEqual({ "payment.failed": ["reason"], "contact.logged": ["note"], "survey.answered": ["comment"] });
    for (const { type, field, kind } of stringFields().filter((f) => !f.field.includes("."))) {
      const after = withoutEventFreeText(type, { [field]: "カード期限切れ 4111111111111111" });
      expect(after[field], `${type}.${field}`).toBe(kind === "free_text" ? null : "カード期限切れ 4111111111111111");
    }
    expect(withoutEventFreeText("payment.failed", { amount: { amount: 3980, currency: "JPY" } })).toEqual({ amount: { amount: 3980, currency: "JPY" } });
  });
});
