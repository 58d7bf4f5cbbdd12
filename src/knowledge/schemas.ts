import { z } from "@hono/zod-openapi";
import { Instant, MerchantId, oneLineLocalized, PageQuery, readOnlyFields, visibleText, withoutBidiControls } from "../platform/openapi";

/** Text in both languages the console speaks; the console shows the operator's. */
const Localized = (max: number) => z.strictObject({ ja: visibleText(z.string().max(max)), en: visibleText(z.string().max(max)) });
const Code = z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "snake_case, 2–64 characters");

export const EntryIdParam = z.object({
  entryId: MerchantId.openapi({ param: { name: "entryId", in: "path" }, example: "kb-aojiru-how-to-take" }),
});

export const PutKnowledgeBody = z
  .strictObject({
    title: oneLineLocalized(withoutBidiControls(visibleText(z.string().max(200)))).openapi({ example: { ja: "青汁の飲み方", en: "How to take aojiru" } }),
    body: Localized(4000),
    category: Code.nullable().default(null).openapi({ description: "Product category it is about (as on subscriptions' `product.category`); null for every product.", example: "health_food" }),
    topic: Code.openapi({ description: "The second axis: `usage_advice`, `product_knowledge`, `policy`, `plan_options`, …", example: "usage_advice" }),
    reasons: z.array(Code).max(20).default([]).openapi({ description: "Cancellation reason codes the entry answers.", example: ["no_effect"] }),
    ...readOnlyFields({ id: z.string(), uses: z.number().int(), lastUsedAt: Instant.nullable(), new: z.boolean(), createdAt: Instant, updatedAt: Instant }),
  })
  .openapi("PutKnowledgeEntry");

export const KnowledgeEntry = z
  .object({
    id: z.string(),
    title: z.object({ ja: z.string(), en: z.string() }),
    body: z.object({ ja: z.string(), en: z.string() }),
    category: z.string().nullable(),
    topic: z.string(),
    reasons: z.array(z.string()),
    uses: z.number().int().openapi({ description: "Times operators marked it used; lists put the most used first." }),
    lastUsedAt: Instant.nullable(),
    new: z.boolean().openapi({ description: "Created within the last 14 days: the console marks it so operators notice it." }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi("KnowledgeEntry");

export const KnowledgeQuery = PageQuery.extend({
  reason: z.string().max(64).optional().openapi({ description: "Only entries answering this reason code.", example: "surplus_stock" }),
  category: z.string().max(64).optional().openapi({ description: "Only entries for this product category (and those for every product).", example: "health_food" }),
  topic: z.string().max(64).optional().openapi({ example: "usage_advice" }),
  q: z.string().min(1).max(200).optional().openapi({ description: "Words found in the title or body, in either language.", example: "飲み方" }),
});

export const KnowledgeList = z.object({ data: z.array(KnowledgeEntry), nextCursor: z.string().nullable() }).openapi("KnowledgeList");
