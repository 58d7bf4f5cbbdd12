import { z } from "@hono/zod-openapi";
import { Instant, page, readOnlyFields } from "../platform/openapi";
import { isHttpUrl, urlTextProblem } from "./destination";

export const WEBHOOK_EVENT_TYPES = [
  "subscription.changed",
  "subscription.canceled",
  "subscription.reactivated",
  "cancel_flow.saved",
  "risk.band_changed",
  "winback.due",
  "customer.erased",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WebhookIdParam = z.object({
  webhookId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/)
    .openapi({ param: { name: "webhookId", in: "path" }, example: "crm-sync" }),
});

const Secret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/=]{32,}$/, "A Standard Webhooks secret: whsec_ followed by base64 of 24–64 random bytes")
  .openapi({ example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });

export const PutWebhookBody = z
  .strictObject({
    url: z
      .string()
      .max(2000)
      // Not z.url(): it drops CR, LF and tabs from the text before anything can refuse them (urlTextProblem).
      .superRefine((url, ctx) => {
        const problem = urlTextProblem(url);
        if (problem) ctx.addIssue({ code: "custom", message: problem.en, params: { ja: problem.ja } });
        else if (!isHttpUrl(url)) ctx.addIssue({ code: "custom", message: "Not a URL", params: { form: "url" } });
      })
      .openapi({
        format: "uri",
        description:
          "HTTPS endpoint on a public host that receives signed POSTs (no user-info; private, loopback, link-local and metadata addresses are refused). Written as a URL parser reads it: no spaces, tabs, line breaks or invisible characters, an ASCII host (an IDN in its `xn--` form), no `..` segments, non-ASCII path characters percent-encoded; else 422 `validation_failed` saying how it would be read. Only the case of the scheme and host, a default port (`:443`) and the `/` of an empty path may differ: the URL is stored (and answered) as the parser reads it — `HTTPS://Shop.Example.jp:443` as `https://shop.example.jp/`. Port 0 is refused.",
        example: "https://shop.example.jp/hooks/tsuzuku",
      }),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).openapi({ example: ["subscription.changed", "subscription.canceled"] }),
    secret: Secret.optional().openapi({ description: "Your signing secret; one is generated when omitted." }),
    paused: z.boolean().optional().openapi({
      description:
        "`true` holds deliveries (e.g. while your receiver is down for maintenance): events keep queueing for this endpoint and nothing is sent, and a held delivery is not attempted, so its retries do not run out. `false` resumes: every held delivery is sent at once, in the order the events were queued. Omitted: an existing endpoint keeps its state; a new one delivers.",
      example: false,
    }),
    ...readOnlyFields({
      id: z.string(),
      createdAt: Instant,
      updatedAt: Instant,
      deliveries: z.object({ pending: z.number().int(), delivered: z.number().int(), failed: z.number().int() }),
    }),
  })
  .openapi("PutWebhook");

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
    secret: z.string().openapi({
      description:
        "The signing secret (Standard Webhooks `whsec_…`); verify `webhook-signature` with it. Stored encrypted. In an idempotent replay of a PUT it is replaced by a note that it was shown once: read it with GET.",
    }),
    paused: z.boolean().openapi({ description: "`true` while deliveries are held (`PUT` with `paused: true`): events queue as `pending` and nothing is sent." }),
    createdAt: Instant,
    updatedAt: Instant,
    deliveries: z
      .object({ pending: z.number().int(), delivered: z.number().int(), failed: z.number().int() })
      .openapi({ description: "Outbox counts for this endpoint (`pending` includes deliveries held while paused)." }),
  })
  .openapi("Webhook");

/** What `DELETE /v1/webhooks/{webhookId}` answers: the undelivered events it dropped, by state. */
export const DeletedWebhook = z
  .object({
    id: z.string(),
    deleted: z.literal(true),
    dropped: z
      .object({
        pending: z.number().int().openapi({ description: "Events queued for this endpoint and not yet delivered (held ones included): never sent." }),
        failed: z.number().int().openapi({ description: "Events whose retries had run out: they can no longer be retried." }),
      })
      .openapi({ description: "Undelivered events dropped with the endpoint. Its delivery log goes too: an endpoint created again under this id starts with no history." }),
  })
  .openapi("DeletedWebhook");

/** An endpoint as `GET /v1/webhooks` lists it: the `Webhook` without its signing secret, which only the endpoint's own GET shows. */
export const WebhookSummary = Webhook.omit({ secret: true }).openapi("WebhookSummary");
export const WebhookPage = page(WebhookSummary).openapi("WebhookPage");
