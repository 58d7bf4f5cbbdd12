/**
 * A cancel flow read from its evidence (`GET /v1/cancel-flows/{flowId}`, service flowEvidence) as a
 * channel that continues it needs it: the operator console picking up a flow the customer started
 * on the web, the IVR or another operator's screen. Where it is (started when, on which channel, by
 * whom), the reason and comment given, the offers already shown and whether they can still be
 * taken; and, for a flow that ended, how and by whom. Pure: the state machine stays in ./service;
 * this only reads what its steps recorded.
 */

/** A step as the evidence answers it (the actor as the caller may see it: type only for a customer session). */
export type EvidenceStep = { seq: number; type: string; channel: string; actor: { type: string; id?: string; name?: string } | null; at: string; data: Record<string, unknown> };

/** The parts of the evidence record this reads. */
export type FlowEvidence = {
  flowId: string;
  subscriptionId: string;
  channel: string;
  status: string;
  reason: string | null;
  startedAt: string;
  expiresAt: string;
  closedAt: string | null;
  confirmationNumber: string | null;
  steps: EvidenceStep[];
};

/** An offer as the flow's reason step displayed it (the same record `accept` applies). */
export type ShownInFlow = {
  offerId: string;
  type: string;
  parameters: Record<string, unknown>;
  title: Record<string, string>;
  description: Record<string, string>;
  /** Operator flows only: the talk track as shown to the agent. */
  talkTrack?: Record<string, unknown> | null;
};

/** Who took a step: the evidence's actor, or null when it recorded none. */
export type StepActor = EvidenceStep["actor"];

export type Continuation = {
  flowId: string;
  /** `open` (no offer on screen yet) or `offered`. */
  status: "open" | "offered";
  /** The channel it started on: the one the metrics count it under, whoever finishes it. */
  channel: string;
  startedAt: string;
  startedBy: StepActor;
  expiresAt: string;
  /** The reason given (null: none yet — giving it now continues this flow). */
  reason: string | null;
  comment: string | null;
  reasonAt: string | null;
  reasonChannel: string | null;
  reasonBy: StepActor;
  /** The offers its reason step showed, as displayed; empty when it showed none. */
  offers: ShownInFlow[];
  /** Why it showed none (the API's `noOfferBecause`: holdout, policy, `operator_presented_none`…), null when it showed some or no reason was given. */
  noOfferBecause: string | null;
  /** Whether the offers shown can still be accepted in this flow (it is `offered`: one round of offers per flow, never a second). */
  offersHonoured: boolean;
  /** With `offered_lately`: the offer a flow of the plan showed lately and the customer did not take, and when (cancel-flows/declined-lately). */
  declinedOffer: { offerId: string; title: Partial<Record<"ja" | "en", string>>; channel: string; shownAt: string; offersAgainFrom: string } | null;
};

const OPEN = new Set(["open", "offered"]);

/**
 * An open flow (`open` or `offered`, as the evidence's `status` — already past-expiry aware) as a
 * continuation; null for a flow that has ended.
 */
export function continuationOf(e: FlowEvidence): Continuation | null {
  if (!OPEN.has(e.status)) return null;
  const started = e.steps.find((x) => x.type === "started");
  const given = e.steps.find((x) => x.type === "reason_given");
  const data = given?.data ?? {};
  const offers = Array.isArray(data.offersShown) ? (data.offersShown as ShownInFlow[]) : [];
  return {
    flowId: e.flowId,
    status: e.status as "open" | "offered",
    channel: e.channel,
    startedAt: e.startedAt,
    startedBy: started?.actor ?? null,
    expiresAt: e.expiresAt,
    reason: e.reason,
    comment: typeof data.comment === "string" && data.comment.trim() !== "" ? data.comment : null,
    reasonAt: given?.at ?? null,
    reasonChannel: given?.channel ?? null,
    reasonBy: given?.actor ?? null,
    offers,
    noOfferBecause: given && typeof data.noOfferBecause === "string" ? data.noOfferBecause : null,
    offersHonoured: e.status === "offered" && offers.length > 0,
    declinedOffer: declinedOfferOf(data.declinedOffer),
  };
}

/** A reason step's `declinedOffer`, when it has a usable one. */
function declinedOfferOf(x: unknown): Continuation["declinedOffer"] {
  if (!x || typeof x !== "object") return null;
  const d = x as Record<string, unknown>;
  if (typeof d.offerId !== "string" || typeof d.shownAt !== "string" || typeof d.channel !== "string" || typeof d.offersAgainFrom !== "string") return null;
  const title = d.title && typeof d.title === "object" ? (d.title as Partial<Record<"ja" | "en", string>>) : {};
  return { offerId: d.offerId, title, channel: d.channel, shownAt: d.shownAt, offersAgainFrom: d.offersAgainFrom };
}

/** The steps that end a flow, and what each means for the plan. */
const ENDINGS: Record<string, Ending["how"]> = {
  cancel_confirmed: "canceled",
  subscription_canceled: "plan_canceled",
  offer_accepted: "saved_by_offer",
  saved_by_plan_change: "saved_by_change",
  superseded: "superseded",
  left: "left",
  expired: "expired",
};

export type Ending = {
  /**
   * `canceled`: this flow confirmed the cancellation; `plan_canceled`: the plan was cancelled
   * elsewhere (another flow's confirm, a sync) and closed it; `saved_by_offer` / `saved_by_change`:
   * the customer stayed; `superseded`: a newer flow replaced it; `left`; `expired`.
   */
  how: "canceled" | "plan_canceled" | "saved_by_offer" | "saved_by_change" | "superseded" | "left" | "expired";
  at: string;
  channel: string;
  by: StepActor;
  /** The cancellation's receipt number (canceled, plan_canceled when the cancellation had one). */
  confirmationNumber: string | null;
  /** saved_by_offer: the offer taken. */
  offerId: string | null;
};

/**
 * How a flow ended, from the step that closed it (the last of {@link ENDINGS}); null while it is
 * open. A flow past its expiry that maintenance has not marked yet ended at its expiry.
 */
export function endingOf(e: FlowEvidence): Ending | null {
  if (OPEN.has(e.status)) return null;
  const last = [...e.steps].reverse().find((x) => x.type in ENDINGS);
  if (!last) return e.status === "abandoned" ? { how: "expired", at: e.expiresAt, channel: "system", by: null, confirmationNumber: null, offerId: null } : null;
  const how = ENDINGS[last.type]!;
  const number = typeof last.data.confirmationNumber === "string" ? last.data.confirmationNumber : how === "canceled" ? e.confirmationNumber : null;
  return { how, at: last.at, channel: last.channel, by: last.actor, confirmationNumber: number, offerId: typeof last.data.offerId === "string" ? last.data.offerId : null };
}
