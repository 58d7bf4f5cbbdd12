/**
 * One save attempt per cancellation, on every channel: an offer a plan's cancel flow showed in the
 * last {@link NO_REPEAT_OFFER_DAYS} days and the customer did not take is not offered again — not by
 * the my-page, the IVR, the API, nor an operator on a call (whose talk track says 「ご案内は1回だけです」).
 * An offer at every attempt is the nagging click-to-cancel rules were written against (the FTC's
 * 2024 rule, California's ARL as amended in 2024; 特定商取引法 §13-2's 解約妨害); the channel a
 * customer tries next does not make a declined offer new. The operator is told which offer was
 * declined and when, so that it can be mentioned truthfully if the caller asks.
 */
import { asc, desc, eq, gte, ne, sql, type SQL } from "drizzle-orm";
import { cancelFlows, cancelFlowSteps } from "../db/schema";
import type { TenantStore } from "../platform/tenancy";
import type { Lang, Localized } from "./reasons";

/** Days after a flow showed an offer that was not taken in which no flow of the plan shows one. */
export const NO_REPEAT_OFFER_DAYS = 30;

/**
 * The flows the rule counts, as SQL over one `cancel_flows` row whose columns are given (the
 * table's own, or an alias's inside a larger statement, as the lookup's): it showed an offer and
 * ended without a save as of `at` — left, cancelled, or offered and past its expiry unanswered
 * (an offered flow past its expiry was left as surely as one abandoned: state effectiveStatus).
 */
export function declinedFlow(f: { offerId: SQL | typeof cancelFlows.offerId; status: SQL | typeof cancelFlows.status; expiresAt: SQL | typeof cancelFlows.expiresAt }, at: SQL | string): SQL {
  return sql`(${f.offerId} IS NOT NULL AND (${f.status} IN ('abandoned', 'canceled') OR (${f.status} = 'offered' AND ${f.expiresAt} <= ${at})))`;
}

/** The first instant a plan's offers may return after a flow (started at `startedAt`, ISO) that declined one. */
export function offersAgainFrom(startedAt: string): string {
  return new Date(Date.parse(startedAt) + NO_REPEAT_OFFER_DAYS * 86_400_000).toISOString();
}

/** The offer a plan was shown lately and did not take. */
export type DeclinedOffer = {
  /** The flow that showed it. */
  flowId: string;
  offerId: string;
  /** Its title as shown then (both languages). */
  title: Localized;
  /** The channel it was shown on (the flow's). */
  channel: string;
  /** When it was shown (the flow's reason step; its start for flows without one). */
  shownAt: string;
  /** How that flow ended: left (or expired) unfinished, or a cancellation later undone. */
  endedAs: "abandoned" | "canceled";
  /** The first instant offers may be shown again: that flow's start + {@link NO_REPEAT_OFFER_DAYS} days. */
  offersAgainFrom: string;
};

/**
 * The newest flow of the plan, other than `exceptFlowId`, started in the last
 * {@link NO_REPEAT_OFFER_DAYS} days, that showed an offer and ended without a save (left, expired
 * unanswered, or cancelled) — null when none. Two probes of the plan's flows and one step.
 */
export async function declinedLately(s: TenantStore, subscriptionId: string, at: string, exceptFlowId?: string): Promise<DeclinedOffer | null> {
  const since = new Date(Date.parse(at) - NO_REPEAT_OFFER_DAYS * 86_400_000).toISOString();
  const [row] = await s.q
    .select({ id: cancelFlows.id, offerId: cancelFlows.offerId, offer: cancelFlows.offer, channel: cancelFlows.channel, status: cancelFlows.status, startedAt: cancelFlows.startedAt })
    .from(cancelFlows)
    .where(
      s.owns(
        cancelFlows,
        eq(cancelFlows.subscriptionId, subscriptionId),
        gte(cancelFlows.startedAt, since),
        declinedFlow(cancelFlows, at),
        ...(exceptFlowId ? [ne(cancelFlows.id, exceptFlowId)] : []),
      ),
    )
    .orderBy(desc(cancelFlows.startedAt))
    .limit(1);
  if (!row || !row.offerId) return null;
  const [step] = await s.q
    .select({ at: cancelFlowSteps.at })
    .from(cancelFlowSteps)
    .where(s.owns(cancelFlowSteps, eq(cancelFlowSteps.flowId, row.id), eq(cancelFlowSteps.type, "reason_given")))
    .orderBy(asc(cancelFlowSteps.seq))
    .limit(1);
  const title = (row.offer as { title?: Partial<Localized> } | null)?.title;
  return {
    flowId: row.id,
    offerId: row.offerId,
    title: { ja: title?.ja ?? title?.en ?? row.offerId, en: title?.en ?? title?.ja ?? row.offerId },
    channel: row.channel,
    shownAt: step?.at ?? row.startedAt,
    endedAs: row.status === "canceled" ? "canceled" : "abandoned",
    offersAgainFrom: offersAgainFrom(row.startedAt),
  };
}

/** As an answer gives it: the title in the caller's language. */
export function presentDeclined(d: DeclinedOffer, lang: Lang) {
  return { flowId: d.flowId, offerId: d.offerId, title: d.title[lang], channel: d.channel, shownAt: d.shownAt, endedAs: d.endedAs, offersAgainFrom: d.offersAgainFrom };
}
