import { z } from "@hono/zod-openapi";
import { Locale } from "../customers/schemas";
import { Instant, MerchantId } from "../platform/openapi";

/** Seconds a session lives unless the merchant asks otherwise (issue #12: 60–3600, default 1800). */
export const DEFAULT_SESSION_SECONDS = 1800;

export const CreateCustomerSessionBody = z
  .strictObject({
    customerId: MerchantId.openapi({ description: "The customer the browser acts for (your own id).", example: "C-100245" }),
    subscriptionId: MerchantId.optional().openapi({
      description: "Limit the session to this one subscription of the customer (e.g. a \"cancel this plan\" link).",
      example: "S-2024-000981",
    }),
    locale: Locale.optional().openapi({ description: "The page's language; answers use it unless the browser sends `Accept-Language`." }),
    expiresInSeconds: z.number().int().min(60).max(3600).optional().default(DEFAULT_SESSION_SECONDS).openapi({ example: 1800 }),
  })
  .openapi("CreateCustomerSession");

const SessionFields = {
  id: z.string().openapi({ example: "cs_4kR8mZ0bWf1rYp4sKc3N" }),
  customerId: z.string().openapi({ example: "C-100245" }),
  subscriptionId: z.string().nullable(),
  locale: Locale.nullable(),
  createdAt: Instant,
  expiresAt: Instant,
};

export const CustomerSession = z
  .object({ ...SessionFields, revokedAt: Instant.nullable() })
  .openapi("CustomerSession");

export const NewCustomerSession = z
  .object({
    ...SessionFields,
    // Always null in a 201; declared because the answer has it (a session's one shape, plus the token).
    revokedAt: Instant.nullable(),
    token: z.string().openapi({
      description:
        "Send as `Authorization: Bearer <token>` from the customer's browser. A signed JWT (HS256); treat it as a secret of that customer. An idempotent replay carries a note instead: the token is shown once.",
      example: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzaWQiOiJjc180a1I4bVowYldmMXJZcDRzS2MzTiIsInRpZCI6InRlbl8xIn0.c2lnbmF0dXJl",
    }),
  })
  .openapi("NewCustomerSession");

export const SessionIdParam = z.object({
  sessionId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: "sessionId", in: "path" }, example: "cs_4kR8mZ0bWf1rYp4sKc3N" }),
});
