/**
 * The whole pure pipeline behind `GET /v1/subscriptions/{id}/offers` and the cancel flow's
 * `POST …/reason`: eligibility → personalise → rank (→ talk track for operators).
 */
import type { CatalogueOffer, Channel, RiskBand } from "./catalogue";
import { rank, type OutcomeTable, type Ranked, type Rng } from "./bandit";
import { eligibleOffers, type AcceptedSave } from "./eligibility";
import { personalise, personaliseAll, type PersonaliseContext, type PersonalisedOffer, type SubscriptionSnapshot } from "./personalise";
import { buildTalkTrack, talkTrackStock, type TalkTrack } from "./talk-track";

export type SuggestContext = PersonaliseContext & {
  reason: string;
  channel: Channel;
  /** The instant of the request (save-limit windows). `today` is its tenant-local date. */
  now: Date | string;
  riskBand?: RiskBand | null;
  acceptedSaves?: readonly AcceptedSave[];
  stats?: Pick<OutcomeTable, "get">;
  mode?: "thompson" | "mean";
  rng?: Rng;
  expectedMonthsRetained?: number;
  objective?: "value" | "save";
  /** How many to return (a flow shows `offersPerFlow`, default 1; the offers endpoint all). */
  limit?: number;
};

export type SuggestedOffer = Ranked<PersonalisedOffer> & { talkTrack: { ja: TalkTrack; en: TalkTrack } | null };

/**
 * Personalised offers by id. Personalising does not depend on the reason, so a caller ranking the
 * same subscription for several reasons passes one memo and personalises each offer once.
 */
export type PersonalisedMemo = Map<string, PersonalisedOffer | null>;

export function suggestOffers(catalogue: readonly CatalogueOffer[], sub: SubscriptionSnapshot, ctx: SuggestContext, memo?: PersonalisedMemo): SuggestedOffer[] {
  const eligible = eligibleOffers(catalogue, {
    reason: ctx.reason,
    channel: ctx.channel,
    deliveriesCompleted: sub.deliveriesCompleted,
    riskBand: ctx.riskBand ?? null,
    acceptedSaves: ctx.acceptedSaves ?? [],
    now: ctx.now,
  });
  const concrete = memo
    ? eligible.flatMap((o) => {
        if (!memo.has(o.id)) memo.set(o.id, personalise(o, sub, ctx));
        return memo.get(o.id) ?? [];
      })
    : personaliseAll(eligible, sub, ctx);
  const ranked = rank(concrete, {
    reason: ctx.reason,
    mode: ctx.mode ?? "mean",
    ...(ctx.stats ? { stats: ctx.stats } : {}),
    ...(ctx.rng ? { rng: ctx.rng } : {}),
    ...(ctx.expectedMonthsRetained !== undefined ? { expectedMonthsRetained: ctx.expectedMonthsRetained } : {}),
    ...(ctx.objective ? { objective: ctx.objective } : {}),
  });
  const known = ctx.channel === "operator" ? talkTrackStock(sub, ctx) : null;
  return ranked.slice(0, ctx.limit ?? ranked.length).map((o) => ({ ...o, talkTrack: known ? buildTalkTrack(o, ctx.reason, known) : null }));
}
