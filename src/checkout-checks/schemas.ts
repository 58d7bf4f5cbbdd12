import { z } from "@hono/zod-openapi";
import { CalendarDate } from "../platform/openapi";

export const CheckoutCheckBody = z
  .strictObject({
    phone: z.string().max(40).optional().openapi({ description: "Any international form, or a national form of the shop's `country` (settings; `JP` unless set).", example: "090-1234-5678" }),
    email: z.string().max(254).optional().openapi({ example: "hanako.sato@example.jp" }),
    postalCode: z.string().max(20).optional().openapi({ description: "Any form the customer sync takes for the shop's `country`; with `address`, matched on the postal code and the folded address line.", example: "150-0041" }),
    address: z.string().max(300).optional().openapi({ description: "The address line, one string; needs `postalCode`.", example: "東京都渋谷区神南一丁目2番3号" }),
  })
  .openapi("CheckoutCheckRequest");

export const CheckoutCheck = z
  .object({
    flags: z.array(z.enum(["first_delivery_canceller"])).openapi({
      description: "`first_delivery_canceller` (初回だけ解約): an earlier subscription of the same person — same normalised phone or e-mail, or postal code and address — was canceled after at most one delivery.",
    }),
    evidence: z.object({
      matchedOn: z.array(z.enum(["phone", "email", "address"])).openapi({ description: "Which of the details sent matched earlier customers." }),
      earlierSubscriptions: z.number().int().openapi({ description: "Subscriptions of the matching earlier customers." }),
      canceledAfterAtMostOneDelivery: z.number().int(),
      canceledOn: z.array(CalendarDate).openapi({ description: "When those ended (shop-local dates), newest first." }),
      lastCanceledOn: CalendarDate.nullable(),
    }).openapi({ description: "Counts and dates only: never another customer's id or details." }),
    suggestedAction: z.object({
      code: z.enum(["no_first_order_discount", "none"]),
      text: z.string().openapi({ description: "In the caller's language." }),
    }),
  })
  .openapi("CheckoutCheck");
