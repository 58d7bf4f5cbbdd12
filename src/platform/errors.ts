import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { databaseFailure, describeCauses, type DatabaseFailure } from "../db/client";
import { errorLanguage, type Language, type Localized } from "./language";
import { SecretsKeyMismatch } from "./secrets";

/**
 * The one error model. Every failure the API reports is an ApiError with a stable `code`; the
 * status comes from this table so a code can never be sent with two different statuses.
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  missing_api_key: 401,
  invalid_api_key: 401,
  invalid_session: 401,
  session_expired: 401,
  insufficient_scope: 403,
  session_not_allowed: 403,
  api_key_in_browser: 403,
  csrf_rejected: 403,
  not_found: 404,
  route_not_found: 404,
  customer_not_found: 404,
  subscription_not_found: 404,
  key_not_found: 404,
  customer_session_not_found: 404,
  console_session_not_found: 404,
  webhook_not_found: 404,
  delivery_not_found: 404,
  cancel_flow_not_found: 404,
  offer_not_found: 404,
  knowledge_entry_not_found: 404,
  method_not_allowed: 405,
  idempotency_key_in_use: 409,
  delivery_not_failed: 409,
  change_window_closed: 409,
  subscription_canceled: 409,
  cancellation_terms_changed: 409,
  subscription_not_active: 409,
  subscription_not_paused: 409,
  subscription_not_canceled: 409,
  cancel_flow_saved: 409,
  cancel_flow_canceled: 409,
  cancel_flow_expired: 409,
  reason_already_given: 409,
  no_offer_shown: 409,
  offer_not_shown: 409,
  offer_expired: 409,
  ambiguous_customer: 409,
  customer_has_live_subscriptions: 409,
  customer_erased: 409,
  customer_declined_contact: 409,
  changed_after_export: 409,
  version_conflict: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  idempotency_key_reused: 422,
  unknown_customer: 422,
  skip_limit_exceeded: 422,
  pause_too_long: 422,
  quantity_out_of_range: 422,
  interval_not_allowed: 422,
  date_out_of_range: 422,
  delivery_date_closed: 422,
  invalid_settings: 422,
  unknown_subscription: 422,
  unknown_event_type: 422,
  unknown_reason: 422,
  fee_acknowledgement_required: 422,
  offer_copy_rejected: 422,
  survey_copy_rejected: 422,
  reason_copy_rejected: 422,
  invalid_offer: 422,
  insufficient_history: 422,
  rate_limited: 429,
  internal_error: 500,
  database_unavailable: 503,
  secrets_key_mismatch: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export type ErrorStatus = (typeof ERROR_STATUS)[ErrorCode];

const TITLES: Record<ErrorCode, string> = {
  invalid_json: "The request body is not valid JSON",
  invalid_request: "The request is malformed",
  missing_api_key: "An API key is required",
  invalid_api_key: "The API key is not valid",
  invalid_session: "The session token is not valid",
  session_expired: "The session has expired or was ended",
  insufficient_scope: "The API key lacks the scope this operation needs",
  session_not_allowed: "A customer session cannot call this operation",
  api_key_in_browser: "API keys must not be used from a browser",
  csrf_rejected: "A console request that changes something must carry the page's CSRF token",
  not_found: "Not found",
  route_not_found: "No such route",
  customer_not_found: "Customer not found",
  subscription_not_found: "Subscription not found",
  key_not_found: "API key not found",
  customer_session_not_found: "Customer session not found",
  console_session_not_found: "Console session not found",
  webhook_not_found: "Webhook not found",
  delivery_not_found: "Webhook delivery not found",
  cancel_flow_not_found: "Cancel flow not found",
  offer_not_found: "Offer not found",
  knowledge_entry_not_found: "Knowledge entry not found",
  method_not_allowed: "Method not allowed on this route",
  idempotency_key_in_use: "A request with this Idempotency-Key has not finished",
  delivery_not_failed: "Only a failed or waiting delivery can be sent again",
  change_window_closed: "The delivery is too close to be changed",
  subscription_canceled: "The subscription is canceled",
  cancellation_terms_changed: "The terms of cancelling changed since they were shown",
  subscription_not_active: "The subscription is not active",
  subscription_not_paused: "The subscription is not paused",
  subscription_not_canceled: "The subscription is not canceled",
  cancel_flow_saved: "The cancel flow already ended with an accepted offer",
  cancel_flow_canceled: "The cancel flow already ended with a confirmed cancellation",
  cancel_flow_expired: "The cancel flow expired",
  reason_already_given: "A reason was already given in this cancel flow",
  no_offer_shown: "No offer was shown in this cancel flow",
  offer_not_shown: "That offer was not shown to this customer",
  offer_expired: "That offer can no longer be taken",
  ambiguous_customer: "Several customers match",
  customer_has_live_subscriptions: "The customer still has live subscriptions",
  customer_erased: "The customer was erased",
  customer_declined_contact: "The customer said no to being contacted",
  changed_after_export: "Changed in Tsuzuku after the export the item was read from",
  version_conflict: "The resource has changed since the version you sent",
  payload_too_large: "The request body is too large",
  unsupported_media_type: "The request body must be application/json",
  validation_failed: "The request is not valid",
  idempotency_key_reused: "This Idempotency-Key was used with a different request",
  unknown_customer: "The referenced customer does not exist",
  skip_limit_exceeded: "Too many deliveries skipped in a row",
  pause_too_long: "The pause is longer than the shop allows",
  quantity_out_of_range: "The quantity is outside the range the shop allows",
  interval_not_allowed: "The shop does not offer this delivery interval",
  date_out_of_range: "The date is outside the range that can be chosen",
  delivery_date_closed: "The shop delivers nothing on that date",
  invalid_settings: "The settings contradict each other",
  unknown_subscription: "The referenced subscription does not exist",
  unknown_event_type: "Unknown event type",
  unknown_reason: "Unknown cancellation reason",
  fee_acknowledgement_required: "The disclosed early-cancellation fee must be acknowledged",
  offer_copy_rejected: "The offer copy is not allowed",
  survey_copy_rejected: "The survey wording makes a claim or puts pressure the phrase lint rejects",
  reason_copy_rejected: "A cancellation reason's label or hint makes a claim, shames or puts pressure the phrase lint rejects",
  invalid_offer: "The offer is not valid",
  insufficient_history: "Not enough history to train a model",
  rate_limited: "Too many requests",
  internal_error: "Internal error",
  database_unavailable: "The database is unavailable",
  secrets_key_mismatch: "The service's SECRETS_KEY does not open its stored secrets",
};

/**
 * What each code means for the caller and what to do about it, in the document under every
 * operation that lists the code (see `errorResponses` in platform/openapi): `ja` is the title in
 * Japanese, `help` says what happened and what to do, `members` names the extra members the
 * problem carries (documented in MEMBERS below), `example` is the detail of the documented example.
 */
type ErrorDoc = { ja: string; help: string; members?: (keyof typeof MEMBERS)[]; example?: string };

/** A change made in Tsuzuku that a stale export would undo (`changed_after_export`): what, through which channel, when. */
export const TsuzukuChange = z
  .object({
    id: z.string().nullable().openapi({ description: "The change's id in `GET /v1/subscriptions/{subscriptionId}/changes` (null: a keep-in-touch answer, which is not a plan change)." }),
    type: z.string().openapi({ description: "The change's type (`pause`, `resume`, `skip`, `cancel`, `reactivate`, `quantity`, …), or `keep_in_touch` for the customer's answer.", example: "pause" }),
    channel: z.string().nullable().openapi({ description: "Where it was made (`web`, `ivr`, `operator`, `checkout`, `api`, `system`); null when not recorded.", example: "ivr" }),
    at: z.string().openapi({ description: "When it was made (RFC 3339, UTC).", example: "2026-12-02T01:14:00.000Z" }),
  })
  .openapi("TsuzukuChange");
export type TsuzukuChange = z.infer<typeof TsuzukuChange>;

/** Extra members problems carry beyond RFC 9457's and `code`: their schema and an example value. */
export const MEMBERS = {
  errors: {
    schema: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .openapi({ description: "Each offending field: its dotted path (`query.`, `path.`, `header.` for those parts) and what is wrong, echoing what was sent." }),
    example: [{ path: "nextDeliveryOn", message: '"2026/12/05" is not a date; use YYYY-MM-DD' }],
  },
  requiredScope: { schema: z.enum(["read", "write", "admin"]).openapi({ description: "The scope the key lacks." }), example: "admin" },
  currentVersion: { schema: z.number().int().nullable().openapi({ description: "The resource's version now (null: it does not exist); re-read it and retry with this in If-Match." }), example: 4 },
  firstChangeableDate: { schema: z.iso.date().openapi({ description: "The first date that can still be changed: today + the shop's `changeCutoffDays`." }), example: "2026-12-08" },
  nextDeliveryOn: { schema: z.iso.date().nullable().openapi({ description: "The delivery that is too close to change." }), example: "2026-12-06" },
  earliestDate: { schema: z.iso.date().openapi({ description: "The earliest date that can be chosen." }), example: "2026-12-11" },
  latestDate: { schema: z.iso.date().openapi({ description: "The latest date that can be chosen." }), example: "2027-01-30" },
  closedFrom: { schema: z.iso.date().openapi({ description: "The first day of the shop's closed range (settings `closedDates`) the date falls in." }), example: "2026-12-29" },
  closedTo: { schema: z.iso.date().openapi({ description: "The last day of that range." }), example: "2027-01-03" },
  nextOpenDate: { schema: z.iso.date().openapi({ description: "The first day after the date the shop delivers (past any ranges that touch)." }), example: "2027-01-04" },
  maxConsecutiveSkips: { schema: z.number().int().openapi({ description: "The shop's `maxConsecutiveSkips` setting." }), example: 2 },
  remainingSkips: { schema: z.number().int().openapi({ description: "How many more deliveries can be skipped now." }), example: 0 },
  maxPauseDays: { schema: z.number().int().openapi({ description: "The shop's `maxPauseDays` setting." }), example: 90 },
  latestResumeOn: { schema: z.iso.date().openapi({ description: "The latest resume date the shop allows." }), example: "2027-02-28" },
  pauseDays: { schema: z.number().int().openapi({ description: "How long the refused pause would hold deliveries back, in days: the resume date minus `pausedFromOn`." }), example: 120 },
  pausedFromOn: { schema: z.iso.date().openapi({ description: "Where the pause's length is counted from: the delivery it holds back — the current next delivery, or for a paused subscription the delivery its pause held back (the earliest date deliveries could resume when that is unknown)." }), example: "2026-12-03" },
  quantityMin: { schema: z.number().int().openapi({ description: "The shop's `quantityMin` setting." }), example: 1 },
  quantityMax: { schema: z.number().int().openapi({ description: "The shop's `quantityMax` setting." }), example: 10 },
  allowedIntervalDays: { schema: z.array(z.number().int()).openapi({ description: "The shop's `allowedIntervalDays` setting." }), example: [14, 21, 30, 45, 60, 90] },
  allowedIntervalMonths: { schema: z.array(z.number().int()).openapi({ description: "The shop's `allowedIntervalMonths` setting: sent when a month interval was refused." }), example: [1, 2, 3] },
  canceledAt: { schema: z.string().nullable().openapi({ description: "When the subscription was canceled (RFC 3339)." }), example: "2026-11-20T02:00:00.000Z" },
  subscriptionStatus: { schema: z.enum(["active", "paused", "canceled"]).openapi({ description: "The subscription's status now." }), example: "active" },
  expiresAt: { schema: z.string().openapi({ description: "When the flow expired (RFC 3339)." }), example: "2026-11-21T02:00:00.000Z" },
  deliveryStatus: { schema: z.enum(["pending", "delivered"]).openapi({ description: "The delivery's status now." }), example: "pending" },
  flowStatus: { schema: z.string().openapi({ description: "The cancel flow's status now (`saved`, `canceled`, `abandoned`)." }), example: "saved" },
  confirmationNumber: { schema: z.string().nullable().openapi({ description: "The confirmation number of the cancellation that ended the flow, or (a sync refused with `subscription_canceled`) of the customer's cancellation." }), example: "CN-20261120-4F7K2Q" },
  reason: { schema: z.string().openapi({ description: "The reason given before (`reason_already_given`), or what history is missing (`insufficient_history`: `too_few_samples`, `too_few_positives`, `too_few_negatives`, `holdout_too_small`)." }), example: "surplus_stock" },
  validUntil: { schema: z.iso.date().nullable().openapi({ description: "The last tenant-local day the offer `winback.due` carried could be taken; null when it was not a sent offer that ran out (it left the catalogue or no longer applies)." }), example: "2027-01-05" },
  shownOfferIds: { schema: z.array(z.string()).openapi({ description: "The offers that were shown and can be accepted." }), example: ["off_skip_next"] },
  fee: { schema: z.object({ amount: z.number().int(), currency: z.string() }).openapi({ description: "The early-cancellation fee disclosed at sign-up (minor units)." }), example: { amount: 5000, currency: "JPY" } },
  basis: { schema: z.string().openapi({ description: "Why the fee applies (the commitment and deliveries received)." }), example: "3-delivery commitment, 2 received" },
  ifCanceledNow: {
    schema: z
      .object({
        effectiveOn: z.iso.date(),
        nextDelivery: z.object({ on: z.iso.date(), stopped: z.boolean() }).nullable(),
        charges: z.array(z.object({ type: z.enum(["final_delivery", "early_cancellation_fee"]), amount: z.object({ amount: z.number().int(), currency: z.string() }), basis: z.string() })),
        total: z.object({ amount: z.number().int(), currency: z.string() }),
        cutoffRule: z.string(),
      })
      .openapi({ description: "What cancelling now means, as the flow's start answers it (`ifCanceledNow`): the end date, the next delivery stopped or not, the charges with their basis (minor units), the total and the cut-off rule, in the caller's language." }),
    example: { effectiveOn: "2026-12-17", nextDelivery: { on: "2026-12-17", stopped: false }, charges: [{ type: "final_delivery", amount: { amount: 13500, currency: "JPY" }, basis: "The delivery on 17 Dec 2026 was already inside the 16-day cut-off when the request was received, so it ships and is charged as the last one (¥13,500)." }], total: { amount: 13500, currency: "JPY" }, cutoffRule: "A cancellation received at least 16 days before a delivery stops that delivery; received later, the delivery already being prepared is the last one." },
  },
  changed: {
    schema: z.array(z.enum(["charges", "nextDelivery", "effectiveOn", "fee"])).openapi({ description: "Which terms differ from those last shown: `charges`, `nextDelivery` (its date, or stopped or not), `effectiveOn` (a final delivery's date; the day of receipt moving is not a change), `fee`." }),
    example: ["charges", "nextDelivery", "effectiveOn"],
  },
  candidates: { schema: z.array(z.string()).openapi({ description: "The ids of the customers that match (no other data); ask the caller which one." }), example: ["C-100001", "C-100002"] },
  samples: { schema: z.number().int().openapi({ description: "Usable training samples found: snapshots with a known outcome, several per subscription (or cancellation)." }), example: 120 },
  subscriptions: { schema: z.number().int().openapi({ description: "The subscriptions the risk model's samples were built from." }), example: 12 },
  subscriptionIds: { schema: z.array(z.string()).openapi({ description: "The customer's live (active or paused) subscriptions: cancel them first." }), example: ["S-900001"] },
  limit: { schema: z.number().int().openapi({ description: "Requests allowed per window." }), example: 1200 },
  windowSeconds: { schema: z.number().int().openapi({ description: "The window of the limit, in seconds." }), example: 60 },
  retryAfterSeconds: { schema: z.number().int().openapi({ description: "Seconds until a retry can succeed (also `Retry-After`)." }), example: 42 },
  positives: { schema: z.number().int().openapi({ description: "Of them, cancellations." }), example: 8 },
  required: {
    schema: z.object({ samples: z.number().int(), positives: z.number().int(), negatives: z.number().int() }).openapi({ description: "How many samples, cancellations and non-cancellations are needed." }),
    example: { samples: 200, positives: 20, negatives: 20 },
  },
  change: {
    // The component as it is (its own description): the latest change made in Tsuzuku after the export.
    schema: TsuzukuChange,
    example: { id: "chg_8Hq2mZ0bWf1rYp4sKc3N", type: "pause", channel: "ivr", at: "2026-12-02T01:14:00.000Z" },
  },
  speech: {
    schema: z.string().openapi({
      description:
        "For the IVR: one line for text-to-speech addressed to the caller (not to an operator), in the language the answer's `speech` would be (`Accept-Language`, else the shop's locale) — which may differ from `detail`'s. No codes, quotes or ids in it.",
    }),
    example: "お電話ありがとうございます。お客様情報を確認できませんでした。",
  },
} as const;

/** A member a problem carries (MEMBERS). */
export type ProblemMember = keyof typeof MEMBERS;

/**
 * Members one operation adds to some of its codes' problems (`apiRoute`'s `members`), beyond the
 * code's own, each with the example value the operation documents (what it really sends). The
 * operation sends them with every problem of that code, so they are required in its schema where
 * every code of the status has them; a member the code has anyway (`candidates`) named here is
 * required too.
 */
export type RouteMembers = Partial<Record<ErrorCode, Partial<Record<ProblemMember, unknown>>>>;
/** An operation's own wording of a code's documentation (what to do, the example's detail), where its case differs: the sync's 4 MiB body limit. */
export type OwnErrorDoc = { help: string; example: string };

/** What a caller is told while SECRETS_KEY does not open the stored secrets (platform/key-check). */
const SECRETS_KEY_MISMATCH_DETAIL = {
  en: "This service's SECRETS_KEY does not open the secrets stored in its database (webhook signing secrets, sessions): its operator must put back the key the database was used with, or rotate from it. Nothing was changed; retry later.",
  ja: "このサービスの SECRETS_KEY では、データベースに保存されたシークレット（Webhook の署名シークレット、セッション）を開けません。運用者が、このデータベースで使っていたキーに戻すか、そのキーからローテーションする必要があります。何も変更されていません。しばらくしてから再試行してください。",
};

const DOCS: Record<ErrorCode, ErrorDoc> = {
  invalid_json: { ja: "リクエスト本文が JSON として読めません", help: "The body is not well-formed JSON, is not UTF-8, nests arrays or objects more than 64 levels deep, or is missing where the operation's body is required (`requestBody.required`). Send valid JSON (UTF-8) with `Content-Type: application/json`.", example: "The request body could not be parsed as JSON." },
  invalid_request: { ja: "リクエストの形式が正しくありません", help: "The request could not be understood; check the method, path and headers against this document." },
  missing_api_key: { ja: "API キーが必要です", help: "No `Authorization` header. Send `Authorization: Bearer <api key>`.", example: "Send your API key as `Authorization: Bearer <key>`." },
  invalid_api_key: { ja: "API キーが無効です", help: "The key is unknown, revoked, or the header is not `Bearer <key>`. Use an active key of your tenant (`GET /v1/keys` lists them).", example: "The API key is unknown or has been revoked." },
  insufficient_scope: { ja: "API キーにこの操作の権限（スコープ）がありません", help: "The key is valid but lacks the scope this operation needs (`requiredScope`). Use a key with that scope, or create one with `POST /v1/keys` (admin).", members: ["requiredScope"], example: "This operation needs an API key with the `admin` scope." },
  invalid_session: { ja: "セッショントークンが無効です", help: "The customer session token is forged, malformed or for another purpose. Mint a new session on your server with `POST /v1/customer-sessions`." },
  session_expired: { ja: "セッションが終了しました", help: "The session expired or was ended (revoked, or the operator logged out). Mint a new customer session, or open a new console URL (`POST /v1/console-sessions`)." },
  session_not_allowed: { ja: "顧客セッションではこの操作はできません", help: "A customer session reaches only its own customer's subscriptions, changes and cancel flows. Call this operation from your server with an API key." },
  api_key_in_browser: { ja: "API キーをブラウザから使うことはできません", help: "An API key was sent with another site's `Origin`. Keep keys on your server; mint a customer session there (`POST /v1/customer-sessions`) for the browser." },
  csrf_rejected: { ja: "コンソール画面からのリクエストではありません", help: "A console request that changes something must carry the page's CSRF token (`X-CSRF-Token`) and come from this origin. Reload the console page and try again." },
  customer_session_not_found: { ja: "顧客セッションが見つかりません", help: "No customer session with this id in your tenant." },
  console_session_not_found: { ja: "コンソールのセッションが見つかりません", help: "No console session with this id in your tenant." },
  knowledge_entry_not_found: { ja: "ナレッジが見つかりません", help: "No knowledge entry with this id in your tenant; `GET /v1/knowledge` lists them." },
  not_found: { ja: "見つかりません", help: "Nothing exists at this id for your tenant." },
  route_not_found: { ja: "そのルートはありません", help: "No operation has this path. Check the path against this document (a trailing slash is not part of any path).", example: "No route GET /v1/nothing-here. See /docs." },
  customer_not_found: { ja: "顧客が見つかりません", help: "No customer with this id (or phone/email) in your tenant. Sync it first with `PUT /v1/customers/{customerId}`.", example: "No customer C-100001." },
  subscription_not_found: { ja: "定期コースが見つかりません", help: "No subscription with this id in your tenant. Sync it first with `PUT /v1/subscriptions/{subscriptionId}`.", example: "No subscription S-900001." },
  key_not_found: { ja: "API キーが見つかりません", help: "No API key with this id in your tenant; `GET /v1/keys` lists them." },
  webhook_not_found: { ja: "Webhook が見つかりません", help: "No webhook endpoint (or delivery) with this id in your tenant; `GET /v1/webhooks` lists them." },
  delivery_not_found: { ja: "Webhook の配信が見つかりません", help: "No delivery with this id for this endpoint; `GET /v1/webhooks/{webhookId}/deliveries` lists them." },
  delivery_not_failed: { ja: "再送できるのは、失敗した配信と再試行を待っている配信だけです", help: "The delivery was delivered, or an attempt of it is in flight now (`inFlightSince`; its answer decides what comes next). A `failed` one, or a pending one waiting for its next retry, can be sent again.", members: ["deliveryStatus"] },
  cancel_flow_not_found: { ja: "解約フローが見つかりません", help: "No cancel flow with this id in your tenant. Start one with `POST /v1/subscriptions/{subscriptionId}/cancel-flows`." },
  offer_not_found: { ja: "オファーが見つかりません", help: "No offer with this id in the shop's catalogue; `GET /v1/offers` lists them." },
  method_not_allowed: { ja: "このルートではそのメソッドは使えません", help: "The path exists but not with this method; the `Allow` header lists the methods it takes." },
  idempotency_key_in_use: {
    ja: "同じ Idempotency-Key のリクエストが完了していません",
    help: "The first request with this `Idempotency-Key` was received and has not finished: it is still running, or it was interrupted (its server stopped) and its claim on the key runs out 60 s after it was received. Retry after `Retry-After` seconds with the same key and body: you get its answer, or the request runs then.",
    members: ["retryAfterSeconds"],
    example: "The first request with this Idempotency-Key was received at 2026-12-02T05:15:00.000Z and has not finished, or was interrupted; retry after 42 s.",
  },
  change_window_closed: { ja: "お届けが近いため変更できません", help: "The delivery is within the shop's `changeCutoffDays` and is already being prepared. Change it from `firstChangeableDate` on (the rule's date; `earliestDate`, when sent, is the first of those a customer can pick: past the shop's closed days), or change the delivery after it.", members: ["firstChangeableDate", "nextDeliveryOn", "earliestDate"], example: "The next delivery on 2026-12-06 is within 3 days and can no longer be changed." },
  subscription_canceled: { ja: "定期コースは解約済みです", help: "The subscription is canceled, so it cannot be changed. Reactivate it first (`POST /v1/subscriptions/{subscriptionId}/reactivate`).", members: ["canceledAt"] },
  cancellation_terms_changed: {
    ja: "お手続きの間に解約の条件が変わりました",
    help: "What cancelling now means — the charges, whether the next delivery is stopped, the end date, the early-cancellation fee — differs from what the flow last showed (`changed`; e.g. the clock passed into the change cut-off, or the shop changed `changeCutoffDays`). Nothing was cancelled; the new terms (`ifCanceledNow`, and `fee` when one applies) are now recorded in the flow's evidence as shown (step `terms_disclosed`). Show them to the customer and confirm again: a confirmation under the same terms goes through.",
    members: ["ifCanceledNow", "fee", "changed"],
    example: "The terms of cancelling changed since they were shown (charges, nextDelivery, effectiveOn): now the next delivery (17 Dec 2026) is past the cut-off and ships as the last one, and ¥13,500 to pay in total. Show these terms to the customer and confirm again.",
  },
  subscription_not_active: { ja: "定期コースが有効ではありません", help: "Only an active subscription (with a next delivery) can do this; resume a paused one first." },
  subscription_not_paused: { ja: "定期コースは休止中ではありません", help: "Only a paused subscription can be resumed. Read its `status` first." },
  subscription_not_canceled: { ja: "定期コースは解約されていません", help: "Only a canceled subscription can be reactivated; this one is `subscriptionStatus`.", members: ["subscriptionStatus"], example: "Only a canceled subscription can be reactivated." },
  cancel_flow_saved: { ja: "この解約フローは継続で終了しています", help: "The flow ended with a save: an accepted offer, or a plan change made while it was open. To cancel now, start a new cancel flow and confirm it.", members: ["flowStatus"] },
  cancel_flow_canceled: { ja: "この解約フローは解約確定済みです", help: "The flow already ended with a confirmed cancellation (`confirmationNumber`); nothing more to do.", members: ["flowStatus", "confirmationNumber"] },
  cancel_flow_expired: { ja: "解約フローの有効期限が切れています", help: "The flow closed without an answer: left open longer than the shop's `cancelFlowTtlHours`, replaced by a newer flow, left, or closed when the plan was cancelled. It shows no more offers; confirming still cancels, or start a new flow.", members: ["flowStatus", "expiresAt"] },
  reason_already_given: { ja: "この解約フローでは理由がすでに指定されています", help: "A flow takes one reason. Accept the offer shown or confirm the cancellation.", members: ["reason"] },
  no_offer_shown: { ja: "この解約フローではオファーが表示されていません", help: "Nothing to accept: give a reason first (an offer may follow, per the shop's `retentionPolicy`), or confirm the cancellation." },
  offer_not_shown: { ja: "そのオファーはこのお客様に案内されていません", help: "Only an offer shown in this flow can be accepted; `shownOfferIds` lists them. On reactivation: only the win-back offer of the flow's confirmation, or a comeback offer suggested for this subscription (the candidates list, `winback.due`) that serves the reason given for cancelling (none given: an offer open to every reason).", members: ["shownOfferIds"] },
  offer_expired: { ja: "その特典は現在ご利用いただけません", help: "A comeback offer sent with `winback.due` can be taken for 30 days after it was sent (`validUntil`), and longer while the candidates list still suggests it; it must still be in the shop's catalogue and apply to the restarted plan. Reactivate without it, or take the offer the list suggests now.", members: ["validUntil"] },
  ambiguous_customer: { ja: "複数の顧客が該当します", help: "Several customers share this phone number or email; `candidates` lists their ids only. Ask the caller for their customer number, then look it up by it (`GET /v1/lookup?customerId=…`).", members: ["candidates"] },
  version_conflict: { ja: "送信されたバージョン以降にリソースが変更されています", help: "`If-Match` names a version that is no longer current (`currentVersion`). Re-read the resource, check the change still makes sense, and retry with the new version.", members: ["currentVersion"] },
  payload_too_large: { ja: "リクエスト本文が大きすぎます", help: "Request bodies are limited to 1 MiB. Send fewer items per request (e.g. split an event batch).", example: "Request bodies are limited to 1048576 bytes." },
  unsupported_media_type: { ja: "リクエスト本文は application/json で送ってください", help: "The body has another `Content-Type`. Send JSON with `Content-Type: application/json`.", example: "Send the body as application/json." },
  validation_failed: { ja: "リクエストの内容が正しくありません", help: "A field is missing, of the wrong type or form, or unknown, or text holds a control character (C0 other than tab, CR and LF, or DEL) or an unpaired surrogate (a `\\uD800`–`\\uDFFF` escape alone). `errors` names each one with the expected form and what was sent; fix those and resend.", members: ["errors"], example: "One or more fields are invalid." },
  idempotency_key_reused: { ja: "この Idempotency-Key は別のリクエストで使われています", help: "The key was used within 24 h with another body or path. Use a new key for a new request." },
  unknown_customer: { ja: "参照された顧客が存在しません", help: "The body refers to a customer that is not synced. `PUT /v1/customers/{customerId}` first.", members: ["errors"] },
  skip_limit_exceeded: { ja: "連続でスキップできる回数を超えています", help: "The shop allows at most `maxConsecutiveSkips` skips in a row (setting `maxConsecutiveSkips`, default 2); `remainingSkips` more are possible now. With some left, skip fewer; with none, the run ends when the next delivery ships (the detail says so). Or pause instead.", members: ["maxConsecutiveSkips", "remainingSkips"], example: "At most 2 deliveries in a row can be skipped, so no more can be skipped until the next delivery has shipped. For a longer break, pause deliveries instead." },
  pause_too_long: { ja: "一時停止の期間がショップの上限を超えています", help: "The shop allows pauses of at most `maxPauseDays` days (setting `maxPauseDays`, default 90) or one cycle of the plan, whichever is longer, counted as the time deliveries are held back beyond the normal schedule: the resume date minus the delivery the pause holds back (`pausedFromOn`; for a paused subscription, the one its pause held back). Resume on `latestResumeOn` or earlier.", members: ["maxPauseDays", "pauseDays", "pausedFromOn", "latestResumeOn"], example: "A pause can last at most 90 days (until 2027-02-28)." },
  quantity_out_of_range: { ja: "数量がショップの許可する範囲外です", help: "The shop allows quantities from `quantityMin` to `quantityMax` (settings, default 1–10).", members: ["quantityMin", "quantityMax"], example: "Quantity must be between 1 and 10." },
  interval_not_allowed: { ja: "このお届け間隔はショップで提供されていません", help: "The shop offers only the intervals in `allowedIntervalDays` (setting, default 14, 21, 30, 45, 60, 90), and for `intervalMonths` those in `allowedIntervalMonths` (default 1, 2, 3). Choose one of them.", members: ["allowedIntervalDays", "allowedIntervalMonths"], example: "Delivery intervals offered are 14, 21, 30, 45, 60, 90 days." },
  delivery_date_closed: { ja: "ショップのお届け休業日です", help: "The date falls on days the shop delivers nothing (settings `closedDates`: 年末年始, a warehouse move): choose another, e.g. `nextOpenDate`, the first open day after it — unless that is past `latestDate` (sent with `earliestDate` when the rule's window has open days: its first and last open day), then an open day before the closure. When every date the rule allows is closed (a closure longer than the pause limit), the detail says so and no date can be chosen now. Only a date the caller chose is refused; dates the plan's own schedule gives are the shop's cart's to ship.", members: ["closedFrom", "closedTo", "nextOpenDate", "earliestDate", "latestDate"] },
  date_out_of_range: { ja: "選択できる範囲外の日付です", help: "The date is outside what can be chosen: the next delivery can move at most two intervals from today or as far as the skips still allowed would take it, whichever is later (`latestDate`; a move by one interval or more counts as skipping the deliveries it passes; for a longer break, pause instead), the first delivery after resuming likewise, and a pause must end after the delivery it holds back (`earliestDate`).", members: ["earliestDate", "latestDate"] },
  invalid_settings: { ja: "設定が互いに矛盾しています", help: "The settings contradict each other (e.g. `quantityMin` > `quantityMax`); `errors` names the field.", members: ["errors"] },
  unknown_subscription: { ja: "参照された定期コースが存在しません", help: "The body refers to a subscription that is not synced. `PUT /v1/subscriptions/{subscriptionId}` first.", members: ["errors"] },
  unknown_event_type: { ja: "不明なイベント種別です", help: "The event `type` is not one of the documented event types; see `EventInput`." },
  unknown_reason: { ja: "不明な解約理由です", help: "The reason is not one of the shop's cancellation reasons; `GET /v1/cancellation-reasons` lists them.", members: ["errors"] },
  fee_acknowledgement_required: { ja: "開示された解約手数料への同意が必要です", help: "An early-cancellation fee disclosed at sign-up applies (`fee`, `basis`). Show it to the customer and confirm again with `acknowledgeFee: true`; the flow stays open and nothing changed.", members: ["fee", "basis", "errors"], example: "An early-cancellation fee of 5000 JPY applies (3-delivery commitment, 2 received). Send acknowledgeFee: true to cancel." },
  offer_copy_rejected: { ja: "このオファー文面は使用できません", help: "The copy makes health claims, says stopping will harm, shames the customer, invents urgency or hides the real terms; `errors` names the field and phrase. Rewrite that phrase.", members: ["errors"] },
  survey_copy_rejected: { ja: "このアンケート文面は使用できません", help: "A survey prompt, option or the keep-in-touch wording puts pressure on or shames the customer (the offer catalogue's phrase lint); `errors` names the field and phrase. Rewrite that phrase.", members: ["errors"] },
  reason_copy_rejected: { ja: "この解約理由の文面は使用できません", help: "A reason's label (customers choose it) or follow-up hint (operators say it) makes a health claim, says stopping will harm, shames the customer or invents urgency (the offer catalogue's phrase lint); `errors` names the field, phrase and rule as for an offer. Rewrite that phrase.", members: ["errors"] },
  invalid_offer: { ja: "オファーの内容が正しくありません", help: "The offer's parameters do not fit its type; `errors` names each problem.", members: ["errors"] },
  rate_limited: { ja: "リクエストが多すぎます", help: "Over a rate limit: the key's plan (`limit` per `windowSeconds`) or, for refused keys, the client's. Wait `Retry-After` seconds: the window's length (`windowSeconds`) on every runtime, never less than the real wait. `RateLimit-Policy` says the policy; `RateLimit`, where sent (Node), what is left and the exact wait (`t`).", members: ["limit", "windowSeconds", "retryAfterSeconds"], example: "Too many requests: the limit is 1200 per 60 s (standard). Retry after 42 s." },
  customer_has_live_subscriptions: { ja: "有効な定期コースが残っています", help: "Erasure keeps only closed subscriptions' evidence: cancel the live ones (`subscriptionIds`) first, then erase.", members: ["subscriptionIds"] },
  customer_erased: { ja: "この顧客は消去済みです", help: "The id names an erased customer (its pseudonym `erased_…`, or a subscription of one). An erased person's record takes no writes: no sync, event, session, keep-in-touch answer, reactivation or move of their subscriptions. To serve the same person again, sync them as a new customer under a new (or their old) id and a new subscription id: nothing of the erased record carries over. `errors` names the field that named it.", members: ["errors"], example: "Customer erased_4bT9xQm2LcVw8RkZp1Ha was erased; its record takes no writes." },
  customer_declined_contact: {
    ja: "この顧客はご案内の受け取りを断っています",
    help: "A `winback.contacted` event dated at or after the customer's keep-in-touch \"no\" (`keepInTouch: false`, given at `keepInTouchAt`: in the cancel flow, their my-page, a sync, or a later marketing opt-out): the shop may not contact them about coming back, so the contact is not recorded (nor credited with a reactivation). A contact made before the \"no\" is accepted. `errors` names the field.",
    members: ["errors"],
    example: "Customer C-100245 said no to being contacted (2026-12-02T10:14:00.000Z); the contact on 2026-12-03T09:00:00.000Z is not recorded.",
  },
  changed_after_export: {
    ja: "エクスポートの後に Tsuzuku で変更されています",
    help: "A sync sent with `exportedAt` (when the cart system exported what it sends; `PUT /v1/subscriptions/{subscriptionId}` or, per item, `POST /v1/sync`): the subscription was changed in Tsuzuku after that instant — a plan change, pause or resume, skip, cancellation or restart, by the customer, an operator, the IVR or the my-page, anything but a sync or an import — or the customer answered the keep-in-touch question (bulk sync), and the sync would overwrite it with what the cart knew before. Nothing was written; `change` names the latest such change (id, type, channel, time). Sync it again from an export made after that change (or read the change into the cart system first).",
    members: ["change"],
    example: "Subscription S-1001: paused in Tsuzuku 2026-12-02 10:14 JST (ivr), after the export (2026-12-02 09:00 JST); not overwritten. Sync it from an export made after that change.",
  },
  insufficient_history: { ja: "モデルを学習するには履歴が不足しています", help: "The shop has too little history to fit a model (`reason`: the first shortfall; `samples` — snapshots with a known outcome, several per subscription —, `positives`, `required`; the risk model's also `subscriptions`, how many it was built from); the detail lists every shortfall as have of the needed. The default model stays in use. Try again when more deliveries and cancellations are synced.", members: ["reason", "samples", "positives", "required", "subscriptions"] },
  internal_error: { ja: "内部エラー", help: "Something failed on our side; nothing was changed. Retry; if it persists, quote `X-Request-Id` to support." },
  database_unavailable: {
    ja: "データベースに接続できません",
    help: "The database could not be reached, did not answer in time, or refused the service's credentials; the detail says which. Retry after `Retry-After` seconds; a write with an `Idempotency-Key` is applied at most once.",
    members: ["retryAfterSeconds"],
    example: "The database could not be reached. Retry after 5 s; a write sent with an Idempotency-Key is applied at most once.",
  },
  secrets_key_mismatch: {
    ja: "サービスの SECRETS_KEY で保存済みのシークレットを開けません",
    help: "The service runs with a `SECRETS_KEY` other than the one its database's secrets were sealed with (a lost or re-put Worker secret, a database restored without its key): webhook signing secrets cannot be read, so deliveries wait untried, and sessions cannot be verified. Nothing was changed. The service's operator must put back the key this database was used with, or rotate from it (README, \"Changing SECRETS_KEY\"). Retry after `Retry-After` seconds.",
    members: ["retryAfterSeconds"],
    example: SECRETS_KEY_MISMATCH_DETAIL.en,
  },
};

/** The title in the caller's language. */
export function errorTitle(code: ErrorCode, lang: Language = "en"): string {
  return lang === "ja" ? DOCS[code].ja : TITLES[code];
}

/** What the document says about a code: its explanation, extra members (the code's own and `more`, the operation's, with its examples) and example body. */
export function errorDoc(code: ErrorCode, more: Partial<Record<ProblemMember, unknown>> = {}, own?: OwnErrorDoc) {
  const doc = { ...DOCS[code], ...own };
  const added = Object.keys(more) as ProblemMember[];
  const members = added.length > 0 ? [...new Set([...(doc.members ?? []), ...added])] : (doc.members ?? []);
  const example: Record<string, unknown> = {
    type: PROBLEM_BASE + code,
    title: TITLES[code],
    status: ERROR_STATUS[code],
    detail: doc.example ?? TITLES[code],
    code,
    ...Object.fromEntries(members.map((m) => [m, m in more ? more[m] : MEMBERS[m].example])),
  };
  return { help: doc.help, members, example };
}

/** One field's problem: its message in both languages (picked like the detail), or English-only text from elsewhere. */
export type FieldError = { path: string; message: string | Localized };

/** Field errors as a problem answers them, in `lang`. */
function fieldErrorsIn(errors: readonly FieldError[], lang: Language, prefix?: string): { path: string; message: string }[] {
  // Other members a route adds to an entry (the offer lint's rule and phrase) stay as they are.
  return errors.map((f) => ({ ...f, path: prefix ? `${prefix}.${f.path}` : f.path, message: typeof f.message === "string" ? fieldMessage(f.message, lang) : f.message[lang] }));
}

/** Members a problem always has; extra members never replace them. */
type Reserved = { type?: never; title?: never; status?: never; detail?: never; instance?: never; code?: never };

export class ApiError extends Error {
  readonly status: ErrorStatus;
  constructor(
    readonly code: ErrorCode,
    /** Both languages, picked by the caller's Accept-Language (a scan, test/platform/error-details, keeps literals out); a plain string is English-only, for text from elsewhere. */
    readonly detail?: string | Localized,
    readonly extra: { errors?: FieldError[] } & Reserved & Record<string, unknown> = {},
  ) {
    super(typeof detail === "object" ? detail.en : (detail ?? TITLES[code]));
    this.status = ERROR_STATUS[code];
  }
}

export const PROBLEM_BASE = "https://tsuzuku.dev/errors/";

/** An error's detail in `lang`: its own text in that language, its English-only text, or the code's title. */
export function detailIn(err: ApiError, lang: Language): string {
  return err.detail === undefined ? errorTitle(err.code, lang) : typeof err.detail === "string" ? err.detail : err.detail[lang];
}

export function problemBody(err: ApiError, instance?: string, lang: Language = "en") {
  const detail = detailIn(err, lang);
  // Extra members first, so none can replace a member RFC 9457 or the contract defines.
  return {
    ...err.extra,
    ...(err.extra.errors ? { errors: fieldErrorsIn(err.extra.errors, lang) } : {}),
    type: PROBLEM_BASE + err.code,
    title: errorTitle(err.code, lang),
    status: err.status,
    detail,
    code: err.code,
    ...(instance ? { instance } : {}),
  };
}

/**
 * Any thrown error as the ApiError its caller is answered with: an ApiError as it is; a database
 * server's failure 503 `database_unavailable` (its cause chain logged with the request id); an
 * unreadable JSON body 400 `invalid_json`; anything else 500 `internal_error`, logged, telling
 * the caller nothing internal. Used by the API's error handler and the console's pages.
 */
export function asApiError(c: Context, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof SecretsKeyMismatch) {
    // The operator's setting, not a bug: one line naming it, no stack.
    console.error(`[${c.get("requestId")}] ${c.req.method} ${c.req.path}: ${err.message}`);
    return secretsKeyMismatch();
  }
  const failure = databaseFailure(err);
  if (failure !== null) {
    // The operator's log says which server failure it was (the client's message: no token in it); the caller gets the kind only.
    console.error(`[${c.get("requestId")}] ${c.req.method} ${c.req.path}: database ${failure}: ${describeCauses(err)}`);
    return databaseUnavailable(failure);
  }
  if (err instanceof HTTPException && err.status === 400) {
    return new ApiError("invalid_json", { en: "The request body could not be parsed as JSON.", ja: "リクエスト本文を JSON として読み取れませんでした。" });
  }
  // Unexpected: log it with the request id, tell the caller nothing internal.
  console.error(`[${c.get("requestId")}] ${c.req.method} ${c.req.path}`, err);
  return new ApiError("internal_error", { en: `Something went wrong on our side. Quote request id ${c.get("requestId")} to support.`, ja: `サーバー側で問題が発生しました。サポートにはリクエスト ID ${c.get("requestId")} をお伝えください。` });
}

/** What an operation adds to its problems by code, from the request (`problemMembers`). */
export type ProblemMembers = Partial<Record<ErrorCode, (c: Context) => Partial<Record<Exclude<ProblemMember, "errors">, unknown>>>>;
const problemMembersOf = new Map<string, ProblemMembers>();

/**
 * Members an operation (`GET /v1/lookup`: a fixed path) adds to its problems of these codes
 * wherever they were raised — in its handler, in its query's validation, or before it ran (the
 * rate limits' 429) — unless the problem already carries them. Answered by problemResponse, the
 * one place every problem is written; documented by the route's `members`.
 */
export function problemMembers(route: `${"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} /${string}`, add: ProblemMembers) {
  problemMembersOf.set(route, add);
}

/** The problem answer for `err` in the caller's language; `Retry-After` when it carries `retryAfterSeconds`. */
export function problemResponse(c: Context, err: ApiError): Response {
  const lang = errorLanguage(c);
  const retryAfter = err.extra.retryAfterSeconds;
  const headers = typeof retryAfter === "number" ? { ...problemHeaders(lang), "retry-after": String(Math.max(1, Math.ceil(retryAfter))) } : problemHeaders(lang);
  const add = problemMembersOf.size > 0 ? problemMembersOf.get(`${c.req.method} ${c.req.path}`)?.[err.code] : undefined;
  const problem = add ? new ApiError(err.code, err.detail, { ...add(c), ...err.extra }) : err;
  // c.body keeps headers middleware already set (X-Request-Id).
  return c.body(JSON.stringify(problemBody(problem, c.req.path, lang)), err.status, headers);
}

/** 503 `secrets_key_mismatch`, with `Retry-After` (an operator must act first). */
export function secretsKeyMismatch(): ApiError {
  return new ApiError("secrets_key_mismatch", SECRETS_KEY_MISMATCH_DETAIL, { retryAfterSeconds: DATABASE_FIX_RETRY_AFTER_S });
}

/** Seconds a caller is told to wait after the database could not be reached or did not answer. */
export const DATABASE_RETRY_AFTER_S = 5;
/** …after the server rolled a write back for others waiting on its lock: the next try usually goes through. */
export const DATABASE_BUSY_RETRY_AFTER_S = 1;
/** …after it refused the credentials or lacks migrations: its operator must act first. */
export const DATABASE_FIX_RETRY_AFTER_S = 60;

/**
 * The 503 `database_unavailable` for a database server's failure or the embedded file's disk
 * failing (db/client `databaseFailure`), with `Retry-After`. The detail says which failure, never the server's own message (it may name
 * hosts) nor the token.
 */
export function databaseUnavailable(failure: DatabaseFailure): ApiError {
  const idempotent = { en: "a write sent with an Idempotency-Key is applied at most once.", ja: "Idempotency-Key を付けた書き込みが重複して反映されることはありません。" };
  if (failure === "credentials") {
    const s = DATABASE_FIX_RETRY_AFTER_S;
    return new ApiError(
      "database_unavailable",
      {
        en: `The database refused this service's credentials (it answered 401/403): the service's operator must check DATABASE_AUTH_TOKEN. Retry after ${s} s; ${idempotent.en}`,
        ja: `データベースがこのサービスの認証情報を拒否しました（401/403 の応答）。サービスの運用者が DATABASE_AUTH_TOKEN を確認する必要があります。${s}秒後に再試行してください。${idempotent.ja}`,
      },
      { retryAfterSeconds: s },
    );
  }
  if (failure === "busy") {
    const s = DATABASE_BUSY_RETRY_AFTER_S;
    return new ApiError(
      "database_unavailable",
      {
        en: `The database was busy with other writes and rolled this one back, so nothing was changed. Retry after ${s} s; ${idempotent.en}`,
        ja: `データベースがほかの書き込みで混み合っていたため、この書き込みは取り消され、何も変更されていません。${s}秒後に再試行してください。${idempotent.ja}`,
      },
      { retryAfterSeconds: s },
    );
  }
  const s = DATABASE_RETRY_AFTER_S;
  if (failure === "disk") {
    return new ApiError(
      "database_unavailable",
      {
        en: `The database's disk refused the write (it is failing, read-only or full), so nothing was changed. Retry after ${s} s; ${idempotent.en}`,
        ja: `データベースのディスクが書き込みを受け付けなかったため（故障・読み取り専用・容量不足）、何も変更されていません。${s}秒後に再試行してください。${idempotent.ja}`,
      },
      { retryAfterSeconds: s },
    );
  }
  if (failure === "unconfirmed") {
    return new ApiError(
      "database_unavailable",
      {
        en: `The change was committed, but the database's disk did not confirm it was written: it may or may not be kept if the server's machine stops. Read it back before relying on it, or retry after ${s} s; ${idempotent.en}`,
        ja: `変更はデータベースに反映されましたが、ディスクへの書き込みが確認できませんでした。サーバーのマシンが停止した場合、残らない可能性があります。結果を読み直して確認するか、${s}秒後に再試行してください。${idempotent.ja}`,
      },
      { retryAfterSeconds: s },
    );
  }
  return new ApiError(
    "database_unavailable",
    failure === "timeout"
      ? { en: `The database did not answer in time. Retry after ${s} s; ${idempotent.en}`, ja: `データベースが時間内に応答しませんでした。${s}秒後に再試行してください。${idempotent.ja}` }
      : { en: `The database could not be reached. Retry after ${s} s; ${idempotent.en}`, ja: `データベースに接続できませんでした。${s}秒後に再試行してください。${idempotent.ja}` },
    { retryAfterSeconds: s },
  );
}

/** The headers of every problem answer (RFC 9457), in `lang`. */
export function problemHeaders(lang: Language): Record<string, string> {
  return { "content-type": "application/problem+json; charset=utf-8", "content-language": lang, vary: "Accept-Language" };
}

// ---------- validation messages ----------

/**
 * Japanese for the fixed English field messages the API writes: a schema's own check
 * (`.regex(…, "…")`, `.refine(…, { message })`) and a route's `errors: [{ path, message: "…" }]`.
 * Read wherever a field message is answered under `Accept-Language: ja` (issueMessage, problemBody,
 * itemProblem), so a message is written once, in English, beside its check; a message with values
 * in it is written as `{ en, ja }` where it is made. test/platform/field-messages.test.ts finds
 * every such literal in src and fails on one missing here.
 */
const MESSAGES_JA: Record<string, string> = {
  "A Standard Webhooks secret: whsec_ followed by base64 of 24–64 random bytes": "Standard Webhooks のシークレット（whsec_ の後に 24〜64 バイトの乱数を base64 で）を指定してください",
  "An exact origin such as https://shop.example.jp: https (http only for localhost or 127.0.0.1), no path, no trailing slash":
    "https://shop.example.jp のようなオリジンだけを指定してください（https。http は localhost と 127.0.0.1 のみ。パスと末尾のスラッシュは付けません）",
  "An offer was shown to this plan lately and not taken (offered_lately): none again": "この定期コースには最近ご案内してお受けいただかなかった特典があるため、再びご案内できません（offered_lately）",
  "Cancel flow ids look like cf_…": "解約フローの ID は cf_… の形です",
  "ISO 4217 code, e.g. JPY": "JPY のような ISO 4217 の通貨コードを指定してください",
  "Not a currency ISO 4217 lists (e.g. JPY, USD, EUR)": "ISO 4217 にない通貨コードです（JPY・USD・EUR など）",
  "At most 20 currencies": "通貨は20種類まで指定できます",
  "Keep an `other` reason so every customer has an answer": "どのお客様も答えを選べるよう、`other` の理由を残してください",
  "Offer ids look like off_… (letters, digits, _ and -)": "特典の ID は off_… の形です（英数字、_ と -）",
  "Question ids must be unique": "質問の ID が重複しています",
  "Reason codes must be unique": "理由コードが重複しています",
  "Unknown IANA time zone": "IANA のタイムゾーン名ではありません",
  "`to` must be on or after `from`": "to には from と同じ日かそれより後の日付を指定してください",
  "Two ranges share a day: write them as one range": "2つの期間が同じ日を含んでいます。1つの期間にまとめてください",
  "A country code such as JP or US (ISO 3166-1 alpha-2, upper case)": "JP や US のような国コード（ISO 3166-1 alpha-2、大文字）を指定してください",
  "Write the reading in katakana or hiragana (spaces, ー and ・ allowed)": "フリガナはカタカナかひらがなで指定してください（スペース、ー、・は使えます）",
  "Use 1–128 characters of A–Z, a–z, 0–9 and . _ : -": "A–Z、a–z、0–9 と . _ : - の1〜128文字で指定してください",
  "Write it on one line, without line breaks": "改行を含めず、1行で入力してください",
  "Write it without tabs": "タブを含めずに入力してください",
  "Write some visible text: it is blank or only invisible characters": "空白や見えない文字だけです。表示される文字を入力してください",
  "Remove the text-direction controls (U+202A–U+202E, U+2066–U+2069)": "文字の表示方向を変える制御文字（U+202A〜U+202E、U+2066〜U+2069）を削除してください",
  "snake_case, 2–64 characters": "2〜64文字の snake_case で指定してください",
  "Unknown reason": "登録されていない解約理由です",
  "Only for channel operator": "channel が operator のときだけ指定できます",
  "snake_case, 2–32 characters, e.g. referral, ad, search, store": "referral, ad, search, store のような snake_case の2〜32文字で指定してください",
  "`choice` questions need options; `text` questions have none": "`choice` の質問には選択肢が必要です。`text` の質問には選択肢を付けません",
  "Send offerId with flowId": "flowId を送るときは offerId も指定してください",
  "Send exactly one of cycles or resumeOn": "cycles と resumeOn のどちらか一方だけを指定してください",
  "Send exactly one of intervalDays or intervalMonths": "intervalDays と intervalMonths のどちらか一方だけを指定してください",
  "Give exactly one of remainingUnits and remainingPackages": "remainingUnits と remainingPackages のどちらか一方だけを指定してください",
  "Give exactly one of phone, email and customerId": "phone、email、customerId のうちひとつだけを指定してください",
  "Send at least one customer or subscription": "顧客か定期コースを1件以上送ってください",
  "Not a valid e-mail address": "メールアドレスではありません",
  "Not a URL": "URL ではありません",
  "Not an eligible offer for this subscription and reason": "この定期コースと解約理由には提示できない特典です",
  "Must be true: the disclosed fee applies": "true にしてください。開示済みの解約手数料がかかります",
  "Invalid cursor": "正しくないカーソルです",
  "Use plain decimal digits, such as 20": "20 のように半角数字だけで指定してください",
  "Must be 1–255 characters": "1〜255文字で指定してください",
  "An address is matched together with its postal code": "住所は郵便番号と合わせて照合します。postalCode も指定してください",
  "Send at least one of phone, email, or postalCode with address": "phone、email、または postalCode と address のいずれかを指定してください",
  "Not a subscription of this customer": "この顧客の定期コースではありません",
  "Unknown event type": "不明なイベント種別です",
  "Unknown customer": "登録されていない顧客です",
  "Unknown subscription for this customer": "この顧客の定期コースとして登録されていません",
  "Must not be after to": "to 以前の日付を指定してください",
  "At most two years before to": "to の2年前以降の日付を指定してください",
};

/** A fixed English field message in `lang` (MESSAGES_JA); as it is when the table has none. */
export function fieldMessage(message: string, lang: Language): string {
  return lang === "ja" ? (MESSAGES_JA[message] ?? message) : message;
}

/** zod's own Japanese messages, for the issues this file does not phrase itself. */
const ZOD_JA = z.locales.ja().localeError!;
function zodJapanese(i: z.core.$ZodIssue): string | undefined {
  const m = (ZOD_JA as (issue: unknown) => string | { message: string } | undefined)(i);
  return typeof m === "string" ? m : m?.message;
}

const DEFAULT_MESSAGE = /^(Invalid|Too (small|big)|Unrecognized|Expected|Required)/;
const FORMS: Record<string, Localized> = {
  date: { en: "use YYYY-MM-DD", ja: "YYYY-MM-DD の形式で指定してください" },
  datetime: { en: "use an RFC 3339 time with offset, e.g. 2026-11-23T04:15:00Z", ja: "2026-11-23T04:15:00Z のような RFC 3339 形式（時差付き）で指定してください" },
  email: { en: "use an email address such as name@example.jp", ja: "name@example.jp のようなメールアドレスを指定してください" },
  url: { en: "use an absolute URL such as https://shop.example.jp/hooks", ja: "https://shop.example.jp/hooks のような絶対 URL を指定してください" },
};

/** zod's names for the expected type, as a reader says them. */
const KINDS: Partial<Record<string, { en: string; ja: string }>> = {
  int: { en: "a whole number", ja: "整数" },
  number: { en: "a number", ja: "数値" },
  string: { en: "text", ja: "文字列" },
  boolean: { en: "true or false", ja: "true または false" },
  array: { en: "a list", ja: "リスト" },
  object: { en: "an object", ja: "オブジェクト" },
};

const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v)?.slice(0, 80));

/** The value at `path` in `input` (a zod issue's path), undefined when any step is missing. */
export function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const k of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** One zod issue as a message that says the expected form and echoes what was sent. */
function issueMessage(i: z.core.$ZodIssue, value: unknown, lang: Language): string {
  const ja = lang === "ja";
  const custom = DEFAULT_MESSAGE.test(i.message) ? undefined : fieldMessage(i.message, lang);
  switch (i.code) {
    case "invalid_type": {
      const kind = KINDS[i.expected] ?? { en: `a ${i.expected}`, ja: i.expected };
      if (value === undefined) return ja ? `必須です（${kind.ja}）` : `Required: ${kind.en}`;
      return ja ? `${show(value)} は${kind.ja}ではありません` : `${show(value)} is not ${kind.en}`;
    }
    case "invalid_format": {
      const form = FORMS[i.format];
      if (form) return ja ? `${show(value)} は正しい形式ではありません。${form.ja}` : `${show(value)} is not ${i.format === "email" ? "an" : "a"} ${i.format}; ${form.en}`;
      const rule = custom ?? ("pattern" in i && i.pattern ? (ja ? `パターン ${i.pattern} に合いません` : `must match ${i.pattern}`) : i.format);
      return `${show(value)}: ${rule}`;
    }
    case "too_small":
    case "too_big": {
      const bound = i.code === "too_small" ? (ja ? "以上" : "at least") : ja ? "以下" : "at most";
      const limit = i.code === "too_small" ? i.minimum : i.maximum;
      const unit = i.origin === "string" ? (ja ? "文字" : " characters") : i.origin === "array" ? (ja ? "件" : " items") : "";
      const rule = ja ? `${limit}${unit}${bound}にしてください` : `must be ${bound} ${limit}${unit}`;
      return custom ?? `${i.origin === "string" || i.origin === "array" ? (ja ? `${(value as { length?: number })?.length ?? 0}${unit}です` : `got ${(value as { length?: number })?.length ?? 0}${unit}`) : show(value)}: ${rule}`;
    }
    case "invalid_value":
      if (value === undefined) {
        const choices = i.values.map((v) => JSON.stringify(v)).join(", ");
        return ja ? `必須です。次のいずれか: ${choices}` : `Required: one of ${choices}`;
      }
      return ja ? `${show(value)} は使えません。次のいずれか: ${i.values.map((v) => JSON.stringify(v)).join(", ")}` : `${show(value)} is not one of ${i.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return ""; // one error per key, below
    case "custom": {
      // A check of our own (`.refine(…, { params: { form: "email" } })`) names its form like a format does.
      const form = FORMS[(i.params as { form?: string } | undefined)?.form ?? ""];
      if (form) return ja ? `${show(value)} は正しい形式ではありません。${form.ja}` : `${show(value)} is not a valid ${i.params!.form}; ${form.en}`;
      // A check whose message carries a value (a limit from a constant) gives its Japanese beside it:
      // `.refine(…, { message: \`At most ${N} …\`, params: { ja: \`…${N}件まで…\` } })`; MESSAGES_JA is keyed by fixed text.
      const own = (i.params as { ja?: unknown } | undefined)?.ja;
      if (ja && typeof own === "string") return typeof value === "string" ? `${show(value)}: ${own}` : own;
      // A string field's own check echoes what was sent; checks across fields or of a whole list do not.
      return typeof value === "string" ? `${show(value)}: ${custom ?? i.message}` : (custom ?? i.message);
    }
    default:
      return custom ?? (ja ? (zodJapanese(i) ?? i.message) : i.message);
  }
}

/**
 * Turns zod issues into `errors: [{ path, message }]`, paths as dotted strings (prefixed with
 * `query`, `path`, `header` or an item's place). `input` is what was sent, for the messages to
 * echo; an unknown key is named in the path and the message.
 */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], prefix = "", input?: unknown, lang: Language = "en"): FieldError[] {
  const join = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter((p) => p !== "").join(".");
  return issues.flatMap((i) => (i.code === "unrecognized_keys" ? i.keys.map((key) => ({ path: join([...i.path, key]), message: unknownKeyMessage(key, i.message, prefix === "query", lang) })) : [{ path: join(i.path), message: issueMessage(i, valueAt(input, i.path), lang) }]));
}

/** How platform/openapi `strictQuery` passes its accepted parameters in an unknown-key issue's message. */
export const ACCEPTED_PREFIX = "accepted: ";

/** An unknown field or query parameter, with the accepted names when the schema gave them (`strictQuery`). */
function unknownKeyMessage(key: string, message: string, inQuery: boolean, lang: Language): string {
  const accepted = message.startsWith(ACCEPTED_PREFIX) ? message.slice(ACCEPTED_PREFIX.length) : null;
  if (lang === "ja") {
    const what = inQuery ? "パラメーター" : "項目";
    return accepted === null ? `不明な${what} "${key}" です。削除してください` : `不明な${what} "${key}" です。指定できるのは ${accepted} です`;
  }
  const what = inQuery ? "parameter" : "field";
  return accepted === null ? `Unknown ${what} "${key}"; remove it` : `Unknown ${what} "${key}"; the accepted ones are ${accepted}`;
}

/**
 * Control characters no text field takes: C0 and DEL, but tab and line breaks (CR, LF), which
 * multi-line text (offer copy, comments, talk tracks) is written with. A NUL or an escape sequence
 * in a name or a note would end up in a CSV, a terminal or a voice prompt.
 * And unpaired UTF-16 surrogates (JSON can escape one alone, `"\udc00"`): they are no character,
 * UTF-8 cannot store them, and the embedded driver aborted the process reading one back.
 * (With the `u` flag the class matches a surrogate only when it is unpaired.)
 */
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\uD800-\uDFFF]/u;

/**
 * Every string in validated input (`value`: a request body, query or path, as zod answered it)
 * that holds a control character, as `errors` entries naming the field (paths as fieldErrors
 * writes them) and the character (U+XXXX) with its position (1-based, UTF-16 units). Empty when clean.
 */
export function controlCharacterErrors(value: unknown, prefix = "", lang: Language = "en"): FieldError[] {
  const found: FieldError[] = [];
  const walk = (v: unknown, path: string[]): void => {
    if (typeof v === "string") {
      const m = CONTROL.exec(v);
      if (!m) return;
      const unit = m[0].charCodeAt(0);
      const code = `U+${unit.toString(16).toUpperCase().padStart(4, "0")}`;
      const surrogate = unit >= 0xd800 && unit <= 0xdfff;
      found.push({
        path: [prefix, ...path].filter((p) => p !== "").join("."),
        message: surrogate
          ? lang === "ja"
            ? `対になっていないサロゲート ${code} が含まれています（${m.index + 1}文字目）。文字ではないため削除してください`
            : `Contains an unpaired surrogate ${code} (at ${m.index + 1}), which is not a character; remove it`
          : lang === "ja"
            ? `制御文字 ${code} が含まれています（${m.index + 1}文字目）。削除してください`
            : `Contains the control character ${code} (at ${m.index + 1}); remove it`,
      });
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, [...path, String(i)]));
    } else if (v !== null && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    }
  };
  walk(value, []);
  return found;
}

/**
 * A field dated further ahead than it can be (platform/dates): an instant more than
 * FUTURE_SKEW_MS after the server's clock (`now`), or a plan date after `latest`.
 */
export type AheadOfTime = { path: string; value: string } & ({ now: string } | { latest: string });

/** What is wrong with an {@link AheadOfTime} field, in `lang`, echoing the value. */
export function aheadMessage(a: AheadOfTime, lang: Language): string {
  if ("now" in a) {
    return lang === "ja"
      ? `"${a.value}" は未来の日時です（現在 ${a.now}）。時計のずれとして受け付けるのは5分先までです`
      : `"${a.value}" is in the future (it is ${a.now} now); at most 5 minutes ahead is accepted, for clock skew`;
  }
  return lang === "ja" ? `"${a.value}" は先すぎます。${a.latest} までの日付を指定してください` : `"${a.value}" is too far ahead: use ${a.latest} or earlier`;
}

/**
 * The `validation_failed` problem for fields dated too far ahead, what a sync throws: the detail
 * names each field in both languages and says what to check; `errors` has each one.
 */
export function aheadOfTimeError(fields: readonly AheadOfTime[]): ApiError {
  const say = (lang: Language) => fields.map((a) => `${a.path}: ${aheadMessage(a, lang)}`).join(lang === "ja" ? "。" : "; ");
  return new ApiError(
    "validation_failed",
    { en: `${say("en")}. Check the sending system's clock and the year.`, ja: `${say("ja")}。送信元システムの時計と年を確認してください。` },
    { errors: fields.map((a) => ({ path: a.path, message: { en: aheadMessage(a, "en"), ja: aheadMessage(a, "ja") } })) },
  );
}

const ProblemBase = {
  type: z.string().openapi({ example: PROBLEM_BASE + "validation_failed" }),
  title: z.string().openapi({ description: "Short summary of the code, in the language of `Content-Language`." }),
  status: z.number().int(),
  detail: z.string().openapi({ description: "What happened in this request, in the language of `Content-Language` where the server has it in both." }),
  code: z.string().openapi({ description: "Stable machine-readable error code (snake_case).", example: "validation_failed" }),
  instance: z.string().optional().openapi({ description: "The request path." }),
};

export const ProblemSchema = z.looseObject(ProblemBase).openapi("Problem", { description: "RFC 9457 problem details." });

/**
 * What a refused item of one batch endpoint (`POST /v1/events`, `POST /v1/sync`) answers: its
 * problem's `code`, detail and fields. `code` is one of `codes` — exactly the codes that
 * endpoint's items can be refused with, each with what it means for an item — so a generated
 * client can switch on it, as on a single request's problem (`problemSchemaFor`).
 */
export function itemProblemSchema<const C extends ErrorCode>(name: string, codes: Record<C, string>) {
  const listed = Object.keys(codes) as [C, ...C[]];
  const meanings = listed.map((c) => `- \`${c}\` (${ERROR_STATUS[c]}): ${codes[c]}`).join("\n");
  return z
    .object({
      code: z.enum(listed).openapi({ description: `The code a single request would get, with its status (the item's \`status\`):\n${meanings}` }),
      detail: z.string().openapi({ description: "What is wrong with this item: Japanese under `Accept-Language: ja`, else English (as a problem's `detail`)." }),
      errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
      change: TsuzukuChange.optional().openapi({ description: "`changed_after_export`: the latest change made in Tsuzuku after the export, which the item would have undone." }),
    })
    .openapi(name);
}

/** The `ItemProblem` of a batch whose items are refused with the codes `C` (itemProblemSchema). */
export type ItemProblem<C extends ErrorCode> = z.infer<ReturnType<typeof itemProblemSchema<C>>>;

/** An ApiError known to carry one of the codes `C` (what a batch's refusals are typed with). */
export type ApiErrorOf<C extends ErrorCode> = ApiError & { readonly code: C };

/**
 * Why a batch refuses an item, with one of its codes `C`: a thrown ApiError of that code, or the
 * batch's own finding with its detail in ja and en.
 */
export type ItemRefusal<C extends ErrorCode = ErrorCode> = ApiErrorOf<C> | { code: C; detail: Localized; errors?: FieldError[]; change?: TsuzukuChange };

/**
 * What a batch caught from a function it called on an item, as that item's refusal with one of
 * the batch's `codes` (its itemProblemSchema's). Anything but an ApiError is not the item's:
 * rethrown, the batch rolls back. A code outside `codes` is a server bug (a path the list missed):
 * the item is still refused with it rather than the whole batch, and the log names `batch` (its
 * route). The HTTP tests reach every listed code and hold the answers to openapi.json.
 */
export function caughtRefusal<C extends ErrorCode>(e: unknown, codes: Record<C, string>, batch: string): ItemRefusal<C> {
  if (!(e instanceof ApiError)) throw e;
  if (!Object.hasOwn(codes, e.code)) console.error(`${batch}: an item refused with \`${e.code}\`, which its item problem's code does not list`);
  return e as ApiErrorOf<C>;
}

/** A refusal a batch makes itself, as the problem a single request answers with: the same code, detail, `errors` and `change`. */
export function refusalError(refusal: ItemRefusal): ApiError {
  if (refusal instanceof ApiError) return refusal;
  return new ApiError(refusal.code, refusal.detail, { ...(refusal.errors ? { errors: refusal.errors } : {}), ...(refusal.change ? { change: refusal.change } : {}) });
}

/**
 * A refused batch item's `ItemProblem` in the language a problem would be (platform/language
 * `errorLanguage`): from the ApiError a single-item write threw, or from a refusal the batch made
 * itself — plain data with its detail in both languages (a batch refuses hundreds of items: no
 * Error, no stack, per item). `prefix` places an ApiError's field paths at the item (`subscriptions.2`).
 */
export function itemProblem<C extends ErrorCode>(refusal: ItemRefusal<C>, lang: Language, prefix?: string): ItemProblem<C> {
  if (!(refusal instanceof ApiError)) return { code: refusal.code, detail: refusal.detail[lang], ...(refusal.errors ? { errors: fieldErrorsIn(refusal.errors, lang) } : {}), ...(refusal.change ? { change: refusal.change } : {}) };
  const errors = refusal.extra.errors;
  return {
    code: refusal.code,
    detail: detailIn(refusal, lang),
    ...(errors ? { errors: fieldErrorsIn(errors, lang, prefix) } : {}),
  };
}

/**
 * The problem a response with these codes sends: `code` is one of them (so a generated client can
 * narrow on it) and the extra members they carry are typed and described.
 */
export function problemSchemaFor(codes: readonly ErrorCode[], more: RouteMembers = {}) {
  const added = (c: ErrorCode) => Object.keys(more[c] ?? {}) as ProblemMember[];
  const members = [...new Set(codes.flatMap((c) => [...(DOCS[c].members ?? []), ...added(c)]))].sort();
  // Required where the operation sends it with every code of this status (RouteMembers).
  const always = (m: ProblemMember) => codes.every((c) => added(c).includes(m));
  return z
    .looseObject({
      ...ProblemBase,
      code: z.enum(codes as [ErrorCode, ...ErrorCode[]]).openapi({ description: "Stable machine-readable error code; see the response's description." }),
      ...Object.fromEntries(members.map((m) => [m, always(m) ? MEMBERS[m].schema : MEMBERS[m].schema.optional()])),
    })
    .openapi({ description: "RFC 9457 problem details (see `Problem`) with the codes and members of this response." });
}
