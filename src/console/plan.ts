import { cadenceText, type CadenceFields } from "../platform/cadence";
import { writeDate } from "../platform/dates";
import { writeQuantity } from "../platform/quantity";
import { t, tf, type Lang } from "./strings";

/** A plan-change call of the API: `POST /v1/subscriptions/{id}/{path}` with `body` (plus the channel). */
export type PlanCall = { path: "skip" | "next-delivery" | "pause" | "resume" | "interval" | "quantity"; body: Record<string, unknown> };

/**
 * The plan change an offer's concrete terms make (as GET /v1/subscriptions/{id}/offers computed
 * them for this subscription), or null for an offer that changes no plan (a discount, a gift,
 * usage advice). Pure. The karte labels an offer's button by it (「この内容で変更する」 or
 * 「このご提案で継続する」); either way the offer is accepted through the cancel flow.
 */
export function planCallFor(offer: { type: string; parameters: Record<string, unknown> }): PlanCall | null {
  const p = offer.parameters;
  switch (offer.type) {
    case "skip":
      if (p.mode === "move_next_delivery" && typeof p.suggestedDeliveryOn === "string") return { path: "next-delivery", body: { date: p.suggestedDeliveryOn } };
      if (typeof p.count === "number") return { path: "skip", body: { count: p.count } };
      return null;
    case "pause":
      return typeof p.resumeOn === "string" ? { path: "pause", body: { resumeOn: p.resumeOn } } : null;
    case "change_interval":
      if (typeof p.intervalMonths === "number") return { path: "interval", body: { intervalMonths: p.intervalMonths } };
      return typeof p.intervalDays === "number" ? { path: "interval", body: { intervalDays: p.intervalDays } } : null;
    case "change_quantity":
      return typeof p.quantity === "number" ? { path: "quantity", body: { quantity: p.quantity } } : null;
    default:
      return null;
  }
}

const whole = (v: string | undefined) => (v !== undefined && /^\d{1,4}$/.test(v) ? Number(v) : null);

/**
 * The karte's plan-change form (`action` and its one field) as the API call it asks for; null when
 * the form names no action or its field is not a whole number / is missing. Pure. The API judges
 * the values against the shop's rules (a date out of range, an interval not offered…).
 */
export function changeCallOf(form: Record<string, string | undefined>): PlanCall | null {
  switch (form.action) {
    case "skip":
      return { path: "skip", body: { count: 1 } };
    case "resume":
      return { path: "resume", body: {} };
    case "next-delivery":
      return form.date ? { path: "next-delivery", body: { date: form.date } } : null;
    case "pause":
      return form.resumeOn ? { path: "pause", body: { resumeOn: form.resumeOn } } : null;
    case "interval": {
      // The select's month choices are `m<N>` (「1ヶ月ごと」: karte), its day choices the days.
      const months = /^m(\d{1,2})$/.exec(form.intervalDays ?? "");
      if (months) return { path: "interval", body: { intervalMonths: Number(months[1]) } };
      const n = whole(form.intervalDays);
      return n === null ? null : { path: "interval", body: { intervalDays: n } };
    }
    case "quantity": {
      const n = whole(form.quantity);
      return n === null ? null : { path: "quantity", body: { quantity: n } };
    }
    default:
      return null;
  }
}

/** The plan as the API answers it after a change: what `changedWords` reads. */
type ChangedPlan = Pick<CadenceFields, "intervalDays" | "intervalMonths"> & {
  quantity: number;
  nextDeliveryOn: string | null;
  pausedUntil?: string | null;
  product: { unitsPerPackage?: number | null; unitLabel?: string | null };
};

/**
 * What a plan change did, in the operator's words, from the plan as it now is (as the portal says
 * it): 「次回のお届けを2027年1月16日に変更しました。」, 「お届け間隔を60日ごとに変更しました。」 — dates
 * by `writeDate` (relative to `today`), intervals by `cadenceText`, quantities by `writeQuantity`.
 * `saved`: the change was the caller's save (a reason was given), said too. Null when the plan
 * lacks what the sentence needs (the karte then says 「プランを変更しました。」). Pure.
 */
export function changedWords(path: PlanCall["path"], plan: ChangedPlan, lang: Lang, today: string, saved = false): string | null {
  const date = (d: string | null | undefined) => (d ? writeDate(d, lang, "full", today) : null);
  const next = date(plan.nextDeliveryOn);
  let said: string | null;
  switch (path) {
    case "skip":
      said = next && tf(lang, "changedSkip", { date: next });
      break;
    case "next-delivery":
      said = next && tf(lang, "changedNextDelivery", { date: next });
      break;
    // Read back with the next delivery: the date the caller will see the change on.
    case "interval":
      said = tf(lang, "changedInterval", { cadence: cadenceText(plan, lang) }) + (next ? tf(lang, "nextDeliveryIs", { date: next }) : "");
      break;
    case "quantity":
      said = tf(lang, "changedQuantity", { quantity: writeQuantity(plan.quantity, plan.product, lang) }) + (next ? tf(lang, "nextDeliveryIs", { date: next }) : "");
      break;
    case "pause": {
      const on = date(plan.pausedUntil) ?? next;
      said = on && tf(lang, "changedPause", { date: on });
      break;
    }
    case "resume":
      said = next && tf(lang, "changedResume", { date: next });
      break;
  }
  return said ? (saved ? said + t(lang, "changedStays") : said) : null;
}

/** A plan-change path named in a URL (`changed=`), or null. */
export const changedPathOf = (v: string | undefined): PlanCall["path"] | null =>
  v === "skip" || v === "next-delivery" || v === "pause" || v === "resume" || v === "interval" || v === "quantity" ? v : null;

/** A date field of the plan panel the API refused: the action, the date entered, the bound it named. */
/** `open`: the date entered is one of the shop's closed days, and this is the first open day after it (`nextOpenDate`). */
export type FieldRefusal = { action: "next-delivery" | "pause"; value: string; earliest: string | null; latest: string | null; open?: string | null };

const isoDate = (v: unknown): v is string => typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v);

/**
 * The refusal of a date the operator typed (next delivery, resume date), tied to its field: the
 * date entered and the first (`firstChangeableDate`, `earliestDate`) or last (`latestDate`) date
 * the API's problem says can be chosen, or, for a closed day (`delivery_date_closed`), the first
 * open day after it; null for any other refusal (the karte says it page-wide). Pure.
 */
export function fieldRefusalOf(call: PlanCall, problem: Record<string, unknown> | null | undefined): FieldRefusal | null {
  if (call.path !== "next-delivery" && call.path !== "pause") return null;
  const value = call.path === "next-delivery" ? call.body.date : call.body.resumeOn;
  // The first date that can be picked (`earliestDate`: past the shop's closed days) before the rule's (`firstChangeableDate`, which may be a closed day).
  const earliest = isoDate(problem?.earliestDate) ? problem.earliestDate : isoDate(problem?.firstChangeableDate) ? problem.firstChangeableDate : null;
  const latest = isoDate(problem?.latestDate) ? problem.latestDate : null;
  if (isoDate(value) && problem?.code === "delivery_date_closed" && isoDate(problem.nextOpenDate)) {
    // The first open day after the closure is past the latest date allowed: the API's own sentence (page-wide) names the open day before it.
    if (latest !== null && problem.nextOpenDate > latest) return null;
    return { action: call.path, value, earliest: null, latest: null, open: problem.nextOpenDate };
  }
  if (!isoDate(value) || (earliest === null && latest === null)) return null;
  // The bound the entered date is on the wrong side of (a date both before and after: the first).
  return { action: call.path, value, earliest: earliest !== null && value < earliest ? earliest : null, latest: latest !== null && value > latest && !(earliest !== null && value < earliest) ? latest : null };
}

/** The message a refused date field is described by: its name and the first (or last) date that can be chosen. */
export function fieldRefusalWords(r: FieldRefusal, lang: Lang, today: string): string | null {
  const field = t(lang, r.action === "next-delivery" ? "moveTo" : "resumeOn");
  if (r.open) return tf(lang, "fieldClosed", { field, date: writeDate(r.value, lang, "full", today), open: writeDate(r.open, lang, "full", today) });
  if (r.earliest) return tf(lang, "fieldFrom", { field, date: writeDate(r.earliest, lang, "full", today) });
  if (r.latest) return tf(lang, "fieldUntil", { field, date: writeDate(r.latest, lang, "full", today) });
  return null;
}

/** A FieldRefusal back from the karte's URL (`field`, `value`, `earliest`, `latest`, `open`: pages backTo), or null. */
export function fieldRefusalOfQuery(q: Record<string, string | undefined>): FieldRefusal | null {
  if ((q.field !== "next-delivery" && q.field !== "pause") || !isoDate(q.value)) return null;
  return { action: q.field, value: q.value, earliest: isoDate(q.earliest) ? q.earliest : null, latest: isoDate(q.latest) ? q.latest : null, open: isoDate(q.open) ? q.open : null };
}
