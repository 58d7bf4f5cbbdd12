import { z } from "@hono/zod-openapi";
import { SCOPES } from "../platform/env";
import { Instant, shownName } from "../platform/openapi";

export const ScopeSchema = z.enum(SCOPES).openapi("Scope");

export const ApiKey = z
  .object({
    id: z.string().openapi({ example: "key_4bT9xQm2LcVw8RkZp1Ha" }),
    name: z.string().openapi({ example: "IVR production" }),
    prefix: z.string().openapi({ description: "The first characters of the secret, to tell keys apart.", example: "tsz_Xa91bQ" }),
    scopes: z.array(ScopeSchema),
    createdAt: Instant,
    lastUsedAt: Instant.nullable().openapi({ description: "Last request made with this key (to the minute)." }),
    revokedAt: Instant.nullable(),
  })
  .openapi("ApiKey");

export const NewApiKey = ApiKey.extend({
  secret: z.string().openapi({
    description:
      "The API key (always starts with `tsz_`). Shown in this response only (only its SHA-256 is stored); store it now. An idempotent replay of this request (header `Idempotent-Replayed: true`) answers the same status and body with this field replaced by a note that it was shown once, which is not a key: a client whose first answer was lost creates another key and revokes this one (its `id`).",
    example: "tsz_Xa91bQ…",
  }),
}).openapi("NewApiKey");

export const CreateKeyBody = z
  .strictObject({
    name: shownName(z.string().trim().max(100)).openapi({ description: "A label for the key. White space at either end (U+0020, U+3000, tabs, U+FEFF) is removed and the rest stored as sent. Refused: blank or only invisible characters (U+200B, U+2060…), line breaks, and bidi controls (U+202A–U+202E, U+2066–U+2069).", example: "IVR production" }),
    scopes: z.array(ScopeSchema).min(1).openapi({ example: ["read"] }),
  })
  .openapi("CreateApiKey");

export const KeyIdParam = z.object({ keyId: z.string().min(1).max(64).openapi({ param: { name: "keyId", in: "path" }, example: "key_4bT9xQm2LcVw8RkZp1Ha" }) });
