import { z } from "@hono/zod-openapi";
import { CalendarDate, MerchantId, Money } from "../platform/openapi";
import { NEXT_ACTIONS } from "../risk/routing";
import { RiskBand, SubscriptionRisk } from "../risk/schemas";
import { DeliveryDay } from "../subscriptions/schemas";

export const LookupQuery = z.object({
  // Room for a SIP URI with a carrier's host name and parameters (`sip:+81…@sbc01.tokyo.carrier.ne.jp:5060;user=phone`).
  phone: z.string().max(256).optional().openapi({
    description:
      "Any form a caller-ID or a person gives: `090-1234-5678`, `０９０１２３４５６７８`, `+81 90 1234 5678`, `9012345678`, a SIP or tel URI (`sip:09012345678@10.0.0.1:5060`: its user part), after the 186 prefix, with a keypad's closing `#`; a number without its country code is read in the shop's `country` (settings; `JP` unless set: in `US`, `4155550132`, `(415) 555-0132` and `14155550132` are +14155550132); an extension picks among customers sharing the number. A caller ID with no number (`anonymous`, `非通知`, `Unavailable`, `公衆電話`, a ナンバー・ディスプレイ reason code `P`/`O`/`C`/`S`, a number after 184, `+` alone, empty) → 422 `validation_failed` saying so, with `speech` for a caller whose number was not shown.",
    example: "09012345678",
  }),
  email: z.string().min(3).max(320).optional().openapi({ description: "Normalised as the customer sync stores it (trimmed, width-folded), then matched case-insensitively.", example: "hanako.sato@example.jp" }),
  customerId: MerchantId.optional().openapi({
    description:
      "The merchant's customer id (`PUT /v1/customers/{customerId}`), as the caller keys it in after a shared number answered 409 `ambiguous_customer` (one of its `candidates`), or as an operator's screen holds it. Unknown → 404 `customer_not_found` with `speech`.",
    example: "C-100245",
  }),
  channel: z.enum(["ivr", "operator"]).default("ivr").openapi({ description: "Who is asking: shapes the next best action." }),
});


export const LookupResponse = z
  .object({
    customer: z.object({
      id: z.string(),
      name: z.string().nullable(),
      nameKana: z.string().nullable().openapi({ description: "The name's reading (フリガナ) as the shop synced it." }),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      phoneExtension: z.string().nullable().openapi({ description: "The extension of `phone`, when it has one." }),
      locale: z.enum(["ja", "en"]).nullable(),
    }),
    subscriptions: z.array(
      z.object({
        id: z.string(),
        product: z.object({ sku: z.string(), name: z.string() }),
        status: z.enum(["active", "paused", "canceled"]),
        nextDeliveryOn: z.string().nullable(),
        quantity: z.number().int(),
        intervalDays: z.number().int(),
        intervalMonths: z.number().int().nullable().openapi({ description: "Set for a plan every N calendar months (see Subscription.intervalMonths); null for a day plan." }),
        deliveryDay: DeliveryDay.nullable().openapi({ description: "A monthly plan's day of the month (1–31), as Subscription.deliveryDay: its deliveries fall on that day, or on the month's last day when the month is shorter; null for a day plan.", example: null }),
        finalDeliveryOn: CalendarDate.nullable().openapi({
          description:
            "A cancelled plan's last delivery, which still ships (and is charged) because the cancellation was received inside the change cut-off, as Subscription `cancellation.finalDeliveryOn` (tenant-local); null otherwise, and for a live plan. `nextDeliveryOn` is then null.",
          example: null,
        }),
        unitPrice: Money,
        risk: z.object({ score: z.number().int(), probability: z.number(), band: RiskBand }).nullable(),
      }),
    ),
    risk: SubscriptionRisk.nullable().openapi({ description: "The risk of the subscription the call is most likely about (the live one most at risk); null when none is live (a cancelled plan has no cancel risk). A customer who asked to be left out of profiling: `band` null and `notScoredReason: profiling_opt_out` — then no next best action is derived from risk and `route` is `standard_queue`." }),
    nextBestAction: z
      .object({
        type: z.enum(NEXT_ACTIONS),
        subscriptionId: z.string(),
        offerId: z.string().nullable().openapi({ description: "The catalogue offer, when the offer engine chose it." }),
        title: z.string().nullable(),
        source: z.enum(["offers", "risk_drivers"]).openapi({ description: "`offers`: the offer engine's top suggestion (none for a plan shown an offer in the last 30 days that the customer did not take, on any channel, as `GET /v1/subscriptions/{id}/offers`); `risk_drivers`: derived from the risk drivers when it had none — a skip only when the next delivery can still be skipped today (inside the change cut-off: `change_interval`; paused: `pause`)." }),
      })
      .nullable(),
    route: z.enum(["retention_specialist", "self_service", "standard_queue"]).openapi({
      description:
        "Who should answer the call (risk/routing), from the risk band of the subscription the call is about (`risk`) and the monthly value of the caller's live plans together (price × quantity per delivery, scaled to 30 days):\n" +
        "- `retention_specialist`: a retention specialist — high risk and worth ≥ ¥5,000 a month, or medium risk and worth ≥ ¥15,000 a month; in another currency, or where the shop set its own, the settings' `specialistMonthlyValue` for the plans' currency (minor units: USD by default $35 and $100);\n" +
        "- `self_service`: the IVR's own menu (skip, change the date, cancel), which serves them fastest — low risk;\n" +
        "- `standard_queue`: the ordinary operator queue — medium or high risk below those values, a caller with no live plan (a former customer: the menu has nothing for them, and a person can restart a plan), and a plan whose next delivery date is past (not yet confirmed by the shop: a person checks it), and a customer who asked to be left out of profiling (not scored: not routed by risk or value).\n" +
        "A hint only: every route must still let the caller cancel.",
    }),
    speech: z.string().openapi({
      description:
        "One short line for text-to-speech, in the requested language: the plan's state (the next delivery, or that its date is being confirmed when the date is past; a pause and the day it restarts; a cancellation, its last delivery while that is still to come, and that restarting is possible when a comeback offer awaits the customer) and, at some risk, one option. Dates are said as month and day, with the year when the date is more than about 11 months ahead (or 60 days back). Japanese and English say the same facts; English leaves out a name or product name an English voice cannot read (the product's category instead).",
      example: "佐藤 花子様、次回のお届けは12月5日の予定です。",
    }),
    language: z.enum(["ja", "en"]),
  })
  .openapi("Lookup");
