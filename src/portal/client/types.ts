/**
 * The parts of the API's answers the portal reads (see openapi.json for the full shapes:
 * Subscription, PlanOptions, CancelFlowStarted, CancelReasonAnswer, CancelFlowSaved,
 * CancelFlowCanceled, ChangeResult).
 */
import type { Money } from "../../platform/numbers";

export type { Money };

export type Subscription = {
  id: string;
  customerId: string;
  product: { sku: string; name: string; category: string | null; unitsPerPackage?: number | null; unitLabel?: string | null };
  quantity: number;
  intervalDays: number;
  /** Set for a plan every N calendar months; null for a plan every `intervalDays` days. */
  intervalMonths?: number | null;
  /** A monthly plan's day of the month (1–31; its deliveries fall on it, or on a shorter month's last day); null for a day plan. */
  deliveryDay?: number | null;
  nextDeliveryOn: string | null;
  unitPrice: Money;
  status: "active" | "paused" | "canceled";
  version: number;
  pausedUntil: string | null;
  /** An accepted discount: its first and last discounted delivery (`startsOn` absent on older ones). */
  activeDiscount?: { percentOff: number | null; amountOff: number | null; startsOn?: string; endsOn: string | null } | null;
  /** Deliveries received so far (the commitment counts them). */
  deliveriesCompleted?: number;
  /** The commitment disclosed at sign-up (回数のお約束) and its early-cancellation fee; null: none. */
  commitment?: { minDeliveries: number; earlyCancellationFee: Money | null } | null;
  /** Once canceled: the day it took effect, the delivery that still ships after it (if one does) and the receipt's number. */
  cancellation?: { effectiveOn: string | null; finalDeliveryOn: string | null; confirmationNumber: string | null; earlyCancellationFee?: Money | null } | null;
};

/** Why an action is closed, as a request would be refused: the API's code and detail. */
export type Refusal = { code: string; detail: string } | null;
type Action = { available: boolean; refusal: Refusal };

/** What the shop's rules allow for one subscription (GET /v1/subscriptions/{id}/plan-options). */
export type PlanOptions = {
  firstChangeableDate: string;
  /** The first date a customer can pick: firstChangeableDate, or the first open day after it (closedDates); absent from older APIs. */
  firstChoosableDate?: string;
  /** Whether the plan's prices include tax (the shop's `pricesIncludeTax`); absent from older APIs: no basis written. */
  pricesIncludeTax?: boolean;
  /** The shop's closed days still to come (settings closedDates, both ends included); absent from older APIs: none. */
  closedDates?: { from: string; to: string }[];
  skip: Action & { remainingSkips: number };
  nextDelivery: Action & { earliest: string; latest: string };
  interval: Action & { allowedIntervalDays: number[]; allowedIntervalMonths?: number[] };
  quantity: Action & { min: number; max: number };
  pause: Action & { earliestResumeOn: string; latestResumeOn: string };
  resume: Action & { nextDeliveryOn: string | null };
  /** Restarting a canceled plan: the first delivery `reactivate` gives (absent from older APIs). */
  reactivate?: Action & { nextDeliveryOn: string | null; continues: boolean; asIfNeverCanceled?: boolean; undoesCancellation?: boolean; comeback?: RestartComeback | null };
};

/**
 * The comeback offer the shop sent the customer (`winback.due`, by mail or LINE) that they may still
 * take by restarting (plan-options `reactivate.comeback`): the shop's copy in the page's language,
 * its terms (`parameters`, OfferTerms) for a first delivery on `restartOn`, taken until `validUntil`.
 */
export type RestartComeback = { offerId: string; type: string; parameters: Record<string, unknown>; title: string; description: string; restartOn: string; sentOn: string; validUntil: string };

/** POST /v1/subscriptions/{id}/reactivate's answer (ReactivationResult). */
export type Reactivated = ChangeResult & { cancellationFee?: { amount: Money; waived: boolean; note: string } };

export type Reason = { code: string; label: string; followUpHint: string };

export type Charge = { type: string; amount: Money; basis: string };

export type FlowStarted = {
  flowId: string;
  subscriptionId: string;
  reasons: Reason[];
  commitment: { earlyCancellationFee: Money | null; feeAppliesIfCanceledNow: boolean; acknowledgeFeeRequired: boolean; basis: string | null } | null;
  ifCanceledNow: { effectiveOn: string; nextDelivery: { on: string; stopped: boolean } | null; charges: Charge[]; total: Money; cutoffRule: string };
  retentionPolicy: string;
  /** The shop's exit survey and keep-in-touch question (win-back), when the API offers them. */
  exitSurvey?: ExitSurvey;
};

export type ExitSurvey = {
  questions: { id: string; kind: "choice" | "text"; prompt: string; options?: { code: string; label: string }[] }[];
  keepInTouch?: { wording: string };
};

/** GET/PUT /v1/customers/{customerId}/keep-in-touch. */
export type KeepInTouch = { customerId: string; keepInTouch: boolean | null; keepInTouchAt: string | null; contactable: boolean; wording: string };

export type Offer = { offerId: string; type: string; title: string; description: string };

export type ReasonAnswer = { flowId: string; status: "open" | "offered"; reason: string; offers: Offer[] };

/** `change`: null when the offer changes nothing (usage advice): the customer may still go on and cancel. */
export type Saved = { outcome: "saved"; flowId: string; offer: Offer; subscription: Subscription; change: { id: string; type: string } | null };

export type Canceled = {
  outcome: "canceled";
  flowId: string;
  confirmationNumber: string;
  effectiveOn: string;
  receipt: string;
  subscription: Subscription;
  exitSurvey?: { recorded: number; keepInTouch: boolean | null; returnOn: string | null };
};

export type ChangeResult = { subscription: Subscription; change: { id: string; type: string } | null };

export type Page<T> = { data: T[]; nextCursor: string | null };

/** GET/PUT /v1/customers/{customerId}/profiling-opt-out (ProfilingOptOut). */
export type ProfilingOptOut = { customerId: string; profilingOptOut: boolean; profilingOptOutAt: string | null };
