import { z } from "@hono/zod-openapi";
import { Instant, MerchantId } from "../platform/openapi";

export const Locale = z.enum(["ja", "en"]).openapi("Locale");

export const CustomerIdParam = z.object({
  customerId: MerchantId.openapi({ param: { name: "customerId", in: "path" }, example: "C-100245" }),
});

export const Customer = z
  .object({
    id: z.string().openapi({ example: "C-100245" }),
    name: z.string().nullable().openapi({ example: "佐藤 花子" }),
    email: z.string().nullable().openapi({ example: "hanako.sato@example.jp" }),
    phone: z.string().nullable().openapi({ description: "E.164", example: "+819012345678" }),
    locale: Locale.nullable(),
    marketingConsent: z.boolean().openapi({ description: "Whether win-back contact is allowed." }),
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
  })
  .openapi("UpsertCustomer");
