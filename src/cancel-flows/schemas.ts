import { z } from "@hono/zod-openapi";
import { DeclinedOfferRecord, OfferTerms, TalkTrack } from "../offers/schemas";
import { Change, ChangeResult, OfferApplication } from "../plan-changes/schemas";
import { ActorSchema, CalendarDate, Channel, documentsRecord, Instant, Money, oneLineLocalized, withoutBidiControls } from "../platform/openapi";
import { Subscription } from "../subscriptions/schemas";

export const FlowIdParam = z.object({
  flowId: z
    .string()
    .regex(/^cf_[A-Za-z0-9]{1,40}$/, "Cancel flow ids look like cf_…")
    .openapi({ param: { name: "flowId", in: "path" }, example: "cf_3kTq9ZxW2bR7mN4pLs8V" }),
});

const Localized = z.object({ ja: z.string(), en: z.string() });

export const Reason = z
  .object({ code: z.string().openapi({ example: "surplus_stock" }), label: z.string().openapi({ example: "商品が余っている" }), followUpHint: z.string() })
  .openapi("CancellationReason");

export const ReasonList = z.object({ data: z.array(Reason), nextCursor: z.string().nullable(), custom: z.boolean().openapi({ description: "false: the default list." }) }).openapi("CancellationReasonList");

export const PutReasonsBody = z
  .strictObject({
    reasons: z
      .array(
        z.strictObject({
          code: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/, "snake_case, 2–64 characters"),
          // One line: a label heads the console's chooser and names a row of the metrics and their CSV.
          label: oneLineLocalized(z.string().min(1).max(200)),
          followUpHint: z.strictObject({ ja: z.string().max(1000), en: z.string().max(1000) }).default({ ja: "", en: "" }),
        }),
      )
      .min(1)
      .max(30)
      .refine((rs) => new Set(rs.map((r) => r.code)).size === rs.length, "Reason codes must be unique")
      .refine((rs) => rs.some((r) => r.code === "other"), "Keep an `other` reason so every customer has an answer"),
  })
  .openapi("PutCancellationReasons");

export const StartFlowBody = z.strictObject({ channel: Channel.default("api") }).openapi("StartCancelFlow");
export const ReasonBody = z
  .strictObject({
    reason: z.string().min(1).max(64).openapi({ example: "surplus_stock" }),
    comment: withoutBidiControls(z.string().max(2000)).optional().openapi({ description: "The customer's own words, shown to operators as written. Refused: text-direction controls (U+202A–U+202E, U+2066–U+2069), which would make it read in another order on the console.", example: "まだ2袋残っています" }),
    channel: Channel.optional().openapi({ description: "Defaults to the flow's channel." }),
    offerId: z
      .string()
      .min(1)
      .max(64)
      .nullable()
      .optional()
      .openapi({
        description:
          "Channel `operator` only: the offer the operator presented to the caller (one of `GET /v1/subscriptions/{id}/offers?reason=…&channel=operator`). The flow shows that offer instead of choosing one, if the shop's policy shows offers in this flow at all; one that is not eligible for this subscription and reason answers 422, and so does any offer when this plan was shown one in the last 30 days that the customer did not take, on any channel (`offered_lately`: given without `offerId`, the flow shows none and its `declinedOffer` says which offer and when). `null`: the operator presented none (the caller went straight to cancelling), so the flow shows none (`noOfferBecause: operator_presented_none`) and no offer is counted as declined. Absent: the flow chooses one for the operator to present.",
        example: "off_match_interval",
      }),
  })
  .openapi("GiveCancelReason");
export const AcceptBody = z.strictObject({ offerId: z.string().min(1).max(64).openapi({ example: "off_match_interval" }), channel: Channel.optional() }).openapi("AcceptOffer");
const SurveyAnswerItem = z.strictObject({ questionId: z.string().min(1).max(64), answer: z.string().max(2000) });
export const ConfirmBody = z
  .strictObject({
    acknowledgeFee: z.boolean().optional().openapi({ description: "Required (true) when a disclosed early-cancellation fee applies." }),
    acknowledgementWording: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .openapi({
        description:
          "The wording of the fee acknowledgement as it was ticked (the customer's own box, or an operator's 「解約手数料を読み上げ、お客様の了承を得ました」): kept with `acknowledgeFee` in the `cancel_confirmed` step's `feeAcknowledgement`, beside who ticked it.",
        example: "解約手数料を読み上げ、お客様の了承を得ました",
      }),
    disclosedIn: z
      .enum(["ja", "en"])
      .optional()
      .openapi({ description: "The language the cancellation's disclosures (end date, next delivery, charges, fee) were given to the customer in — on a call, the language the operator read them in, which need not be the screen's. Default: the request's language. Recorded as the `cancel_confirmed` step's `disclosedIn`." }),
    call: z
      .strictObject({
        startedAt: Instant.optional().openapi({ description: "When the call began." }),
        callId: z.string().min(1).max(128).optional().openapi({ description: "The phone system's id for the call.", example: "CALL-20261202-0042" }),
      })
      .optional()
      .openapi({ description: "A cancellation taken on a call: its start and the phone system's id, either or both, kept in the `cancel_confirmed` step's `call` so the recording can be found." }),
    channel: Channel.optional(),
    // The survey's parts never block leaving: a part that does not fit its shape is caught here
    // (null / absent) and the route lists it in `exitSurvey.ignored` (`unusableSurveyParts`).
    // (The generator cannot read a caught schema: each states its documented shape itself.)
    survey: z
      .array(SurveyAnswerItem.catch(null as unknown as z.infer<typeof SurveyAnswerItem>))
      .max(20)
      .catch(undefined as unknown as z.infer<typeof SurveyAnswerItem>[])
      .optional()
      .openapi({
        type: "array",
        items: { type: "object", properties: { questionId: { type: "string", minLength: 1, maxLength: 64 }, answer: { type: "string", maxLength: 2000 } }, required: ["questionId", "answer"], additionalProperties: false },
        maxItems: 20,
        description: "Answers to the exit survey shown at start (all optional). Answers it cannot use are left out and listed in `exitSurvey.ignored`; they never block the cancellation.",
      }),
    keepInTouch: z
      .boolean()
      .catch(undefined as unknown as boolean)
      .optional()
      .openapi({ type: "boolean", description: "The customer's answer to the keep-in-touch question (shown unchecked): recorded with its wording and time as evidence. `false` overrides an earlier marketing consent for win-back contact." }),
    returnOn: CalendarDate.catch(undefined as unknown as string)
      .optional()
      .openapi({ type: "string", format: "date", example: "2026-12-05", description: "When the customer said they would be back (a break, a season): `winback.due` fires that day (today: at the next maintenance run). Out of range (before today, or more than two years ahead) → left out and listed in `exitSurvey.ignored`." }),
  })
  .openapi("ConfirmCancellation");
export const ReactivateBody = z
  .strictObject({
    nextDeliveryOn: CalendarDate.optional().openapi({ description: "First delivery; defaults to the delivery the cancellation stopped while it can still be changed (`cancellation.stoppedDeliveryOn`) when no offer is taken, else the earliest possible date (an offer: its restart date — for a comeback offer to a customer who named a return date, that date, a monthly plan's first delivery on its day from it; later than a restart can be set today → 422 `date_out_of_range` with `latestDate`)." }),
    flowId: z.string().optional().openapi({ description: "The cancel flow whose win-back offer the customer takes (with `offerId`); not needed for a comeback offer." }),
    offerId: z
      .string()
      .optional()
      .openapi({
        description:
          "The offer the customer takes, applied on reactivation: the win-back offer shown on the flow's confirmation (with `flowId`), or the comeback offer suggested for this subscription (the candidates list's `offer.offerId`, or `winback.due`'s, for 30 days after it was sent).",
      }),
    channel: Channel.default("api"),
  })
  .refine((b) => b.flowId === undefined || b.offerId !== undefined, { message: "Send offerId with flowId", path: ["offerId"] })
  .openapi("ReactivateSubscription");

export const CancellationFeeOnReactivation = z
  .object({
    amount: Money.openapi({ description: "The early-cancellation fee the reversed cancellation charged (its receipt's 解約手数料)." }),
    waived: z.boolean().openapi({
      description:
        "true: reactivated on or before the cancellation's `effectiveOn` (tenant-local; the same day for a cancellation that stopped the next delivery), so the cancellation is undone and the fee is not charged. false: the cancellation took effect and the fee stands.",
    }),
    confirmationNumber: z.string().nullable().openapi({ description: "The cancellation's receipt number." }),
    commitment: z.enum(["continues", "settled"]).openapi({
      description: "`continues` (fee waived): the same commitment runs on, its deliveries counted as before, so a later cancellation brings the fee once. `settled` (fee stands): the fee settles it and the plan restarts with `commitment: null`.",
    }),
    minDeliveries: z.number().int().optional().openapi({ description: "The commitment's deliveries, when the plan had one." }),
    deliveriesCompleted: z.number().int().optional(),
    note: z.string().openapi({ description: "What becomes of the fee and the commitment, in the caller's language: for the confirmation read to the customer before they agree (特定商取引法)." }),
  })
  .openapi("CancellationFeeOnReactivation");

export const ReactivationResult = ChangeResult.extend({
  cancellationFee: CancellationFeeOnReactivation.optional().openapi({
    description:
      "Present when the reversed cancellation charged an early-cancellation fee: whether it is waived or stands. The change's `source.cancellationFee`, the `subscription.reactivated` event and the cancel flow's evidence (a `cancellation_fee_waived` or `cancellation_fee_stands` step) record the same, without `note`.",
  }),
}).openapi("ReactivationResult");

const Charge = z.object({ type: z.enum(["final_delivery", "early_cancellation_fee"]), amount: Money, basis: z.string() }).openapi("CancellationCharge");

const CommitmentInfo = z
  .object({
    minDeliveries: z.number().int(),
    deliveriesCompleted: z.number().int(),
    earlyCancellationFee: Money.nullable(),
    feeAppliesIfCanceledNow: z.boolean(),
    acknowledgeFeeRequired: z.boolean(),
    basis: z.string().nullable(),
  })
  .openapi("CommitmentDisclosure");

export const ExitSurveyShown = z
  .object({
    optional: z.literal(true),
    questions: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(["choice", "text"]),
        prompt: z.string(),
        options: z.array(z.object({ code: z.string(), label: z.string() })).optional(),
      }),
    ),
    keepInTouch: z.object({ wording: z.string(), default: z.null().openapi({ description: "Shown unchecked: no answer until the customer gives one." }) }),
  })
  .openapi("ExitSurveyShown", { description: "The exit survey and the keep-in-touch question in the caller's language; answering is optional and never blocks confirming." });

export const FlowStarted = z
  .object({
    flowId: z.string(),
    status: z.literal("open"),
    subscriptionId: z.string(),
    channel: Channel,
    reasons: z.array(Reason),
    commitment: CommitmentInfo.nullable(),
    ifCanceledNow: z.object({
      effectiveOn: CalendarDate,
      nextDelivery: z.object({ on: CalendarDate, stopped: z.boolean() }).nullable(),
      charges: z.array(Charge),
      total: Money,
      cutoffRule: z.string(),
    }),
    retentionPolicy: z.enum(["oneOffer", "noOffer", "afterCancellation"]),
    exitSurvey: ExitSurveyShown,
    startedAt: Instant,
    expiresAt: Instant,
    next: z.object({ confirm: z.string(), reason: z.string() }),
  })
  .openapi("CancelFlowStarted");

/**
 * An offer or null, as a union rather than `ShownOffer.nullable()`: a nullable wrapper given its own
 * `.openapi()` takes the component's name with it, and the first one the generator meets became
 * `FlowOffer` itself — typing every `offers[]` item and a save's `offer` `| null` in generated clients.
 */
const noOfferOr = <T extends z.ZodType>(offer: T) => z.union([offer, z.null()]);

export const ShownOffer = z
  .object({
    offerId: z.string(),
    type: z.string(),
    templateVersion: z.number().int(),
    parameters: OfferTerms,
    title: z.string(),
    description: z.string(),
    expectedSaveProbability: z.number(),
    talkTrack: documentsRecord(TalkTrack).optional().openapi({ description: "Operator flows: how the agent presents it and moves on if declined." }),
  })
  .openapi("FlowOffer");

export const ReasonAnswer = z
  .object({
    flowId: z.string(),
    status: z.enum(["open", "offered"]),
    reason: z.string(),
    offer: noOfferOr(ShownOffer).openapi({ description: "The offer to show beside an equally prominent way to continue cancelling; null when none." }),
    offers: z.array(ShownOffer).openapi({ description: "All offers shown (at most `offersPerFlow`)." }),
    noOfferBecause: z.string().nullable().openapi({
      description:
        "`retention_policy_noOffer`, `retention_policy_afterCancellation`, `holdout`, `offers_per_flow_zero`, `operator_presented_none` (an operator flow given `offerId: null`), `offered_lately` (a flow of a plan whose flow in the last 30 days showed an offer the customer did not take, on any channel — the my-page, the IVR, the API or an operator: no offer again; `declinedOffer` says which and when) or `no_eligible_offer`.",
    }),
    declinedOffer: DeclinedOfferRecord.nullable().openapi({ description: "With `offered_lately`: the offer shown lately and not taken, so an operator can mention it truthfully if the caller asks; null otherwise." }),
    next: z.object({ confirm: z.string(), accept: z.string().optional() }),
  })
  .openapi("CancelReasonAnswer");

export const Saved = z
  .object({ outcome: z.literal("saved"), flowId: z.string(), offer: ShownOffer, subscription: Subscription, change: Change.nullable().openapi({ description: "null for usage advice, which changes nothing." }) })
  .openapi("CancelFlowSaved");

export const Canceled = z
  .object({
    outcome: z.literal("canceled"),
    flowId: z.string(),
    confirmationNumber: z.string().openapi({ example: "CN-20261123-7KQ4ZP" }),
    receivedAt: Instant.openapi({ description: "When the request arrived: it decides the cut-off." }),
    canceledAt: Instant,
    effectiveOn: CalendarDate.openapi({ description: "The subscription's last day." }),
    cutoff: z.object({
      changeCutoffDays: z.number().int(),
      firstStoppableDate: CalendarDate,
      rule: z.string(),
      nextDeliveryOn: CalendarDate.nullable(),
      nextDeliveryStopped: z.boolean().nullable(),
    }),
    charges: z.array(Charge),
    totalCharge: Money,
    feeAcknowledged: z.boolean(),
    receipt: z.string().openapi({ description: "Receipt text in the caller's language: number, date and time received, end date, charges." }),
    subscription: Subscription,
    winBackOffer: noOfferOr(ShownOffer).openapi({
      description:
        "Under `retentionPolicy: afterCancellation` only: one offer shown AFTER the cancellation is complete. The cancellation stands either way; to take it, `POST /v1/subscriptions/{subscriptionId}/reactivate` with this `flowId` and `offerId`. null otherwise.",
    }),
    exitSurvey: z
      .object({
        recorded: z.number().int().openapi({ description: "Survey answers kept." }),
        keepInTouch: z.boolean().nullable(),
        returnOn: CalendarDate.nullable(),
        ignored: z.array(z.object({ path: z.string(), message: z.string() })).openapi({ description: "Answers left out, and why (the cancellation went through). `path` names the field as validation errors do: `keepInTouch`, `returnOn`, `survey`, or `survey.2` for the third answer sent." }),
      })
      .openapi({ description: "What was recorded from the exit survey." }),
  })
  .openapi("CancelFlowCanceled");

export const FlowClosed = z
  .object({
    flowId: z.string(),
    subscriptionId: z.string(),
    status: z.enum(["open", "offered", "saved", "canceled", "abandoned"]),
    outcome: z.enum(["saved", "canceled", "abandoned"]).nullable(),
    closedAt: Instant.nullable(),
  })
  .openapi("CancelFlowClosed", { description: "The flow's state after leaving it: abandoned now, or the outcome it already had." });

const Both = z.object({ ja: z.string(), en: z.string() });

/** Cancellation terms as a step records them (what was disclosed, what the receipt stated). */
const TermsRecord = z
  .object({
    receivedAt: Instant,
    receivedOn: CalendarDate.openapi({ description: "The tenant-local date of receipt." }),
    cutoff: z.object({
      changeCutoffDays: z.number().int(),
      firstStoppableDate: CalendarDate.openapi({ description: "Deliveries on or after this date are stopped by a cancellation received that day." }),
      rule: z.string().openapi({ description: "The cut-off rule in words, in the flow's language." }),
    }),
    nextDelivery: z.object({ on: CalendarDate, stopped: z.boolean() }).nullable(),
    effectiveOn: CalendarDate.openapi({ description: "The last day of the subscription, tenant-local." }),
    commitment: z.object({ minDeliveries: z.number().int(), deliveriesCounted: z.number().int(), met: z.boolean(), earlyCancellationFee: Money.nullable() }).nullable(),
    charges: z.array(Charge),
    total: Money,
    fee: Money.nullable().openapi({ description: "The early-cancellation fee to acknowledge, if one applies." }),
  })
  .openapi("CancellationTermsRecord", { description: "The cancellation terms as computed at that moment, in the flow's language: dates tenant-local, money in minor units with its currency." });

/** An offer as a `reason_given` step (or a confirmation's win-back) recorded it: both languages, and what accepting does. */
const ShownOfferRecord = z.object({
  offerId: z.string(),
  type: z.string(),
  templateVersion: z.number().int(),
  reason: z.string().openapi({ description: "The reason it was ranked for." }),
  parameters: OfferTerms,
  title: Both,
  description: Both,
  displayedIn: z.enum(["ja", "en"]),
  expectedSaveProbability: z.number(),
  talkTrack: z.object({ ja: TalkTrack, en: TalkTrack }).nullable().optional().openapi({ description: "Operator flows: the talk track as shown to the agent." }),
  apply: OfferApplication.openapi({ description: "What accepting it does to the plan." }),
});

/**
 * A step's evidence: which members appear is decided by the step's `type` (each says on which).
 * Steps of an erased person's flows carry `erasedAt`, their free text removed.
 */
const StepData = documentsRecord(
  z
    .object({
      subscription: z
        .object({
          status: z.enum(["active", "paused", "canceled"]),
          quantity: z.number().int(),
          intervalDays: z.number().int(),
          intervalMonths: z.number().int().optional(),
          nextDeliveryOn: CalendarDate.nullable(),
          pausedUntil: CalendarDate.nullable(),
          productName: z.string(),
          deliveriesCompleted: z.number().int(),
        })
        .optional()
        .openapi({ description: "`started`: the plan when the flow began." }),
      reasonsShown: z.array(z.string()).optional().openapi({ description: "`started`: the reason codes offered, in order." }),
      commitmentDisclosed: CommitmentInfo.nullable().optional().openapi({ description: "`started`: the commitment as disclosed (null: none)." }),
      termsDisclosed: TermsRecord.optional().openapi({ description: "`started`, `terms_disclosed`: the terms of cancelling now, as disclosed. A `terms_disclosed` step records the terms a confirmation found changed and answered with 409 `cancellation_terms_changed`: the terms shown from then on." }),
      termsChanged: z.array(z.enum(["charges", "nextDelivery", "effectiveOn", "fee"])).optional().openapi({ description: "`terms_disclosed`: which terms differed from those shown before." }),
      previousTerms: TermsRecord.optional().openapi({ description: "`terms_disclosed`: the terms shown before." }),
      retentionPolicy: z.enum(["oneOffer", "noOffer", "afterCancellation"]).optional().openapi({ description: "`started`: the shop's policy then." }),
      holdout: z.boolean().optional().openapi({ description: "`started`: drawn into the control group (no offer)." }),
      displayedIn: z.enum(["ja", "en"]).optional().openapi({ description: "`started`, `terms_disclosed`: the language shown." }),
      exitSurveyShown: z.object({ questionIds: z.array(z.string()), keepInTouchWording: z.string() }).optional().openapi({ description: "`started`: the exit survey's questions and the keep-in-touch wording as shown." }),
      reason: z.string().optional().openapi({ description: "`reason_given`: the reason code." }),
      comment: z.string().nullable().optional().openapi({ description: "`reason_given`: the customer's own words (removed on erasure)." }),
      offersShown: z.array(ShownOfferRecord).optional().openapi({ description: "`reason_given`: the offers shown, in order." }),
      noOfferBecause: z.string().nullable().optional().openapi({ description: "`reason_given`: why no offer was shown (as the reason answer's `noOfferBecause`)." }),
      declinedOffer: z
        .object({ flowId: z.string(), offerId: z.string(), title: Localized, channel: z.string(), shownAt: Instant, endedAs: z.enum(["abandoned", "canceled"]), offersAgainFrom: Instant })
        .optional()
        .openapi({ description: "`reason_given` with `offered_lately`: the offer shown lately and not taken (title in both languages), and when." }),
      presentedBy: z.literal("operator").optional().openapi({ description: "`reason_given`: an operator chose the offer (`offerId` in the request)." }),
      offerId: z.string().nullable().optional().openapi({ description: "`offer_accepted`, `win_back_accepted`: the offer; `saved_by_plan_change`: the offer shown that the change matches (null: none)." }),
      templateVersion: z.number().int().optional().openapi({ description: "`offer_accepted`, `win_back_accepted`: the copy's version shown." }),
      changeId: z.string().nullable().optional().openapi({ description: "`offer_accepted`, `win_back_accepted`, `saved_by_plan_change`, the fee steps: the plan change recorded (null: none was needed); `subscription_canceled`: the cancellation's change (null: cancelled by a sync)." }),
      comeback: z.enum(["suggested", "sent"]).optional().openapi({ description: "`win_back_accepted` of a comeback offer: taken from the candidates list (`suggested`) or the message sent (`sent`)." }),
      change: z.string().optional().openapi({ description: "`saved_by_plan_change`: the change type (`skip`, `pause`, …) that saved the flow." }),
      acknowledgeFee: z.boolean().optional().openapi({ description: "`cancel_confirmed`: the early-cancellation fee was acknowledged." }),
      feeAcknowledgement: z
        .object({
          by: z.enum(["customer", "operator", "key", "system"]).openapi({
            description: "Who ticked it: `customer` in their own session, `operator` for the caller on their spoken consent (the step's `actor` names the operator), `key` a shop's system with its API key (its site, its IVR).",
          }),
          wording: z.string().nullable().openapi({ description: "The wording ticked, as the confirmation sent it (`acknowledgementWording`); null when it was not sent." }),
        })
        .nullable()
        .optional()
        .openapi({ description: "`cancel_confirmed`: how the early-cancellation fee was acknowledged (null: no fee to acknowledge, or none acknowledged). Absent on steps recorded before it was kept." }),
      disclosedIn: z.enum(["ja", "en"]).optional().openapi({ description: "`cancel_confirmed`: the language the disclosures were given in (on a call, read out in); `started`'s `displayedIn` is the screen's. Absent on steps recorded before it was kept." }),
      call: z
        .object({ startedAt: Instant.nullable(), callId: z.string().nullable() })
        .nullable()
        .optional()
        .openapi({ description: "`cancel_confirmed`: the call the cancellation was taken on, as the confirmation named it (null: none named)." }),
      confirmationNumber: z.string().nullable().optional().openapi({ description: "`cancel_confirmed` and the fee steps: the cancellation's receipt number; `subscription_canceled`: the receipt number of the flow that cancelled the plan (null: cancelled by a sync)." }),
      terms: TermsRecord.optional().openapi({ description: "`cancel_confirmed`: the terms the cancellation was received under." }),
      receipt: Both.optional().openapi({ description: "`cancel_confirmed`: the receipt text in both languages." }),
      afterExpiry: z.literal(true).optional().openapi({ description: "`cancel_confirmed` on a flow that had expired." }),
      winBackOffer: ShownOfferRecord.nullable().optional().openapi({ description: "`cancel_confirmed`: the win-back offer shown with the confirmation (null: none)." }),
      survey: z.array(z.object({ questionId: z.string(), answer: z.string() })).optional().openapi({ description: "`cancel_confirmed`: the exit survey answers kept." }),
      keepInTouch: z
        .object({ answer: z.boolean(), wording: z.string(), displayedIn: z.enum(["ja", "en"]) })
        .nullable()
        .optional()
        .openapi({ description: "`cancel_confirmed`: the keep-in-touch answer with the wording shown (null: not answered)." }),
      returnOn: CalendarDate.nullable().optional().openapi({ description: "`cancel_confirmed`: the return date the customer named, tenant-local." }),
      ignored: z.array(z.object({ path: z.string(), message: z.string() })).optional().openapi({ description: "`cancel_confirmed`: survey answers not kept, and why." }),
      amount: Money.optional().openapi({ description: "`cancellation_fee_waived`, `cancellation_fee_stands`: the fee." }),
      waived: z.boolean().optional().openapi({ description: "The fee steps: whether the fee is waived." }),
      commitment: z.enum(["continues", "settled"]).optional().openapi({ description: "The fee steps: what became of the commitment." }),
      minDeliveries: z.number().int().optional().openapi({ description: "The fee steps: the commitment's deliveries." }),
      deliveriesCompleted: z.number().int().optional().openapi({ description: "The fee steps: deliveries completed." }),
      note: Both.optional().openapi({ description: "The fee steps: what becomes of the fee, in both languages." }),
      previousStatus: z.string().optional().openapi({ description: "`expired`, `superseded`, `left`, `subscription_canceled`: the flow's status before it closed." }),
      expiresAt: Instant.optional().openapi({ description: "`expired`, `superseded`, `left`, `subscription_canceled`: when the flow expired or would have." }),
      erasedAt: Instant.optional().openapi({ description: "The person was erased: free text removed from this step." }),
      textRemovedAt: Instant.optional().openapi({ description: "The shop's retention period for free text passed: `comment` and free-text survey answers removed from this step (the rest of the evidence stays)." }),
    })
    .openapi("CancelFlowStepData", { description: "What the step recorded; the step's `type` decides which members appear (each says on which). Dates tenant-local, money in minor units with its currency." }),
);

export const Evidence = z
  .object({
    flowId: z.string(),
    subscriptionId: z.string(),
    customerId: z.string(),
    channel: Channel,
    status: z.enum(["open", "offered", "saved", "canceled", "abandoned"]),
    outcome: z.enum(["saved", "canceled", "abandoned"]).nullable(),
    reason: z.string().nullable(),
    holdout: z.boolean(),
    offersShown: z.array(
      z.object({ offerId: z.string(), type: z.string(), templateVersion: z.number().int(), title: Localized, description: Localized, parameters: OfferTerms, displayedIn: z.enum(["ja", "en"]) }),
    ),
    acceptedOfferId: z.string().nullable(),
    confirmationNumber: z.string().nullable(),
    calls: z.number().int(),
    startedAt: Instant,
    expiresAt: Instant,
    closedAt: Instant.nullable(),
    steps: z.array(
      z.object({
        seq: z.number().int(),
        type: z.string(),
        channel: z.string(),
        actor: ActorSchema.nullable().openapi({ description: "Who took the step; null on steps recorded before actors were kept." }),
        at: Instant,
        data: StepData,
      }),
    ),
  })
  .openapi("CancelFlowEvidence");

export const CancellationInfo = z
  .object({
    subscriptionId: z.string(),
    summary: z.string().openapi({
      description:
        "Plain-language summary (消費者契約法 §3(1)(iv)): the channels, how many actions the my-page takes under the shop's `retentionPolicy` (`oneOffer`: up to 4 — cancel, an optional reason, continue past an offer, confirm; `noOffer`, `afterCancellation`: 2 — cancel, confirm), the cut-off and the fee. A subscription already canceled: that it is, with its end date and confirmation number.",
    }),
    howToCancel: z.array(z.string()).openapi({ description: "The steps as the customer takes them under the shop's policy (no offer mentioned where none is shown). Empty once the subscription is canceled." }),
    channels: z.array(z.object({ channel: Channel, description: z.string() })),
    cutoff: z.object({
      changeCutoffDays: z.number().int(),
      rule: z.string(),
      nextDeliveryOn: CalendarDate.nullable(),
      lastDayToStopNextDelivery: CalendarDate.nullable(),
      nextDeliveryStoppedIfCanceledNow: z.boolean().nullable(),
    }),
    effectiveOnIfCanceledNow: CalendarDate.nullable().openapi({ description: "The subscription's last day (解約日) for a cancellation received now, tenant-local: today, or the date of a delivery already inside the cut-off; null for a canceled subscription." }),
    commitment: CommitmentInfo.nullable(),
    chargesIfCanceledNow: z.array(Charge),
    retentionPolicy: z.enum(["oneOffer", "noOffer", "afterCancellation"]),
    status: z.enum(["active", "paused", "canceled"]),
  })
  .openapi("CancellationInfo");
