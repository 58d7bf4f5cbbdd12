import { z } from "@hono/zod-openapi";
import { Instant, MerchantId } from "../platform/openapi";

export const Locale = z.enum(["ja", "en"]).openapi("Locale");

export const CustomerIdParam = z.object({
  customerId: MerchantId.openapi({ param: { name: "customerId", in: "path" }, example: "C-100245" }),
});

export const AcquisitionSource = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,31}$/, "snake_case, 2–32 characters, e.g. referral, ad, search, store")
  .openapi({ description: "How the customer found the shop: `referral`, `ad`, `search`, `store`, `social`, `gift`, … (the win-back model knows referral and ad).", example: "referral" });

export const Customer = z
  .object({
    id: z.string().openapi({ example: "C-100245" }),
    name: z.string().nullable().openapi({ example: "佐藤 花子" }),
    email: z.string().nullable().openapi({ example: "hanako.sato@example.jp" }),
    phone: z.string().nullable().openapi({ description: "E.164", example: "+819012345678" }),
    locale: Locale.nullable(),
    marketingConsent: z.boolean().openapi({ description: "Marketing consent from the cart system. Win-back contact follows `keepInTouch` when the customer answered it, else this." }),
    acquisitionSource: AcquisitionSource.nullable(),
    keepInTouch: z.boolean().nullable().openapi({ description: "Whether the customer wants to hear from the shop after cancelling (asked in the cancel flow; separate from marketing consent). null: never answered." }),
    keepInTouchAt: Instant.nullable().openapi({ description: "When `keepInTouch` was last answered or withdrawn." }),
    createdAt: Instant,
    updatedAt: Instant,
  })
  .openapi("Customer");

export const UpsertCustomerBody = z
  .strictObject({
    name: z.string().trim().min(1).max(200).nullish().openapi({ example: "佐藤 花子" }),
    email: z.email().max(254).nullish().openapi({ example: "hanako.sato@example.jp" }),
    phone: z
      .string()
      .max(40)
      .nullish()
      .openapi({ description: "Any Japanese or international form; stored as E.164.", example: "090-1234-5678" }),
    locale: Locale.nullish(),
    createdAt: Instant.optional().openapi({ description: "When the customer joined the shop. Defaults to the first sync." }),
    marketingConsent: z.boolean().optional().default(false),
    acquisitionSource: AcquisitionSource.nullish().openapi({ description: "Omitted: kept as stored; null clears it." }),
    keepInTouch: z
      .boolean()
      .optional()
      .openapi({ description: "The customer's keep-in-touch answer as your my-page records it, e.g. `false` to withdraw: recorded with its time as evidence (source `customer_sync`). Omitted: kept as stored." }),
  })
  .openapi("UpsertCustomer");
