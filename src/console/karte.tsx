import { addCycles, cadenceText, firstOnSchedule } from "../platform/cadence";
import type { Child } from "hono/jsx";
import { Layout, type PageContext } from "./layout";
import { planCallFor } from "./plan";
import { asWritten, channelName, karteHref, percent, reasonName, shareOf, when } from "./format";
import { formatMoney, type Money } from "../platform/numbers";
import { WinbackPanel, type KarteWinback } from "./winback";
import { firstOpenDate, type ReactivationWindow } from "../plan-changes/rules";
import { discountedPrice, upcomingDiscount } from "../plan-changes/discount";
import { addDays, localDate, maxDate, minDate, writeDate, zonedInstant } from "../platform/dates";
import { displayPhone } from "../platform/phone";
import { shortName, spokenName } from "../risk/spoken";
import { unitWord, writeQuantity } from "../platform/quantity";
import {
  bandName,
  CHANGE_LABELS,
  CONTACT_TOPICS,
  EVENT_LABELS,
  FLAG_GUIDANCE, FLAG_LABELS,
  FLOW_LABELS,
  PAYMENT_FAILURE_LABELS,
  PLAN_FIELD_LABELS,
  ROUTE_LABELS,
  SENTIMENT_LABELS,
  SENTIMENTS,
  STATUS_LABELS,
  t,
  tf,
  TOPIC_LABELS,
  type Lang,
  type StringKey,
} from "./strings";
import { retryAfterSeconds } from "../platform/retry";
import type { Continuation, Ending, StepActor } from "../cancel-flows/continuation";
import { NO_REPEAT_OFFER_DAYS } from "../cancel-flows/declined-lately";

// Shapes as the API answers them (only the fields the karte shows).
export type Sub = {
  id: string;
  customerId: string;
  product: { sku: string; name: string; category: string | null; unitsPerPackage?: number | null; unitLabel?: string | null };
  quantity: number;
  intervalDays: number;
  /** Set for a plan every N calendar months (platform/cadence). */
  intervalMonths?: number | null;
  /** A monthly plan's day of the month; null for a day plan. */
  deliveryDay?: number | null;
  nextDeliveryOn: string | null;
  /** A paused plan's first delivery back. */
  pausedUntil?: string | null;
  unitPrice: Money;
  activeDiscount?: { percentOff: number | null; amountOff: number | null; startsOn?: string; endsOn: string | null } | null;
  status: string;
  commitment: { minDeliveries: number; earlyCancellationFee: Money | null } | null;
  deliveriesCompleted: number;
  version: number;
  canceledAt: string | null;
  cancellation: {
    flowId: string | null;
    reason: string | null;
    channel: string | null;
    effectiveOn: string | null;
    finalDeliveryOn: string | null;
    confirmationNumber: string | null;
    stoppedDeliveryOn?: string | null;
    earlyCancellationFee?: Money | null;
  } | null;
};
type Driver = { code: string; label: string; contribution: number };
type Risk = { subscriptionId: string; score: number; band: string; drivers: Driver[]; flags: string[] };
type TalkTrack = { opening: string; questions: string[]; pitch: string; ifAccepted: string; ifDeclined: string; notes: string[] };
export type Offer = {
  offerId: string;
  type: string;
  title: string;
  description: string;
  parameters: Record<string, unknown>;
  talkTrack: TalkTrack | null;
  /** The same talk track in the caller's language (`disclosureLang`) when it is not the page's; null otherwise. */
  talkTrackRead?: TalkTrack | null;
  observedSaveRate?: { accepted: number; declined: number; rate: number | null };
};
export type TimelineItem = {
  at: string;
  kind: string;
  id: string;
  type: string;
  subscriptionId: string | null;
  channel: string | null;
  data: Record<string, unknown>;
  /** Who did it (GET …/timeline `actor`): an operator's name is said on the line, for the next operator. */
  actor?: { type: string; id?: string; name?: string } | null;
};
export type KnowledgeEntry = { id: string; title: { ja: string; en: string }; body: { ja: string; en: string }; uses: number; new: boolean; topic: string };
type CancellationInfo = {
  commitment: { acknowledgeFeeRequired: boolean; basis: string | null; minDeliveries?: number; deliveriesCompleted?: number } | null;
  chargesIfCanceledNow: { type: string; amount: Money; basis: string }[];
  cutoff: { rule: string; nextDeliveryOn: string | null; nextDeliveryStoppedIfCanceledNow: boolean | null };
  /** 解約日 for a cancellation now (null: none to make). */
  effectiveOnIfCanceledNow: string | null;
  status: string;
};

type Action = { available: boolean; refusal: { code: string; detail: string } | null };
/** GET /v1/subscriptions/{id}/plan-options as the API answers it: what the shop's rules allow today. */
export type PlanOptions = {
  version: number;
  status: string;
  nextDeliveryOn: string | null;
  skip: Action & { remainingSkips: number };
  nextDelivery: Action & { earliest: string; latest: string };
  interval: Action & { current: number; allowedIntervalDays: number[]; currentMonths?: number | null; allowedIntervalMonths?: number[] };
  quantity: Action & { current: number; min: number; max: number };
  pause: Action & { earliestResumeOn: string; latestResumeOn: string };
  resume: Action;
  /** The shop's closed days still to come (settings closedDates); absent from older answers. */
  closedDates?: { from: string; to: string }[];
};

/** GET /v1/exit-survey as the API answers it (both languages). */
export type ExitSurveyAnswer = {
  questions: { id: string; kind: "choice" | "text"; prompt: Record<Lang, string>; options?: { code: string; label: Record<Lang, string> }[] }[];
  keepInTouchWording: Record<Lang, string>;
};
/** The exit survey in the operator's language, as the cancel form shows it. */
export type ConsoleSurvey = { questions: { id: string; kind: "choice" | "text"; prompt: string; options?: { code: string; label: string }[] }[]; keepInTouch: string };

export function localSurvey(s: ExitSurveyAnswer, lang: Lang): ConsoleSurvey {
  return {
    questions: s.questions.map((q) => ({ id: q.id, kind: q.kind, prompt: q.prompt[lang], ...(q.options ? { options: q.options.map((o) => ({ code: o.code, label: o.label[lang] })) } : {}) })),
    keepInTouch: s.keepInTouchWording[lang],
  };
}

/**
 * What the cancel form's survey adds to the confirmation: only the questions answered, the
 * keep-in-touch answer only when the operator recorded one (nothing chosen = not asked), and the
 * date the customer means to come back, if they named one.
 */
export function surveyAnswersOf(form: Record<string, string>): { survey?: { questionId: string; answer: string }[]; keepInTouch?: boolean; returnOn?: string } {
  const survey = Object.entries(form)
    .filter(([k, v]) => k.startsWith("survey.") && v.trim() !== "")
    .map(([k, v]) => ({ questionId: k.slice("survey.".length), answer: v.trim() }));
  return {
    ...(survey.length > 0 ? { survey } : {}),
    ...(form.keepInTouch === "yes" ? { keepInTouch: true } : form.keepInTouch === "no" ? { keepInTouch: false } : {}),
    ...(form.returnOn ? { returnOn: form.returnOn } : {}),
  };
}

/**
 * What the cancel form adds to the confirmation as the call's evidence: the fee acknowledgement
 * with the words the operator ticked (their tick on the caller's spoken consent, recorded as the
 * operator's), the language the disclosures were read in, and the call — its start, a time today
 * shop-local (one later than now was yesterday's), and the phone system's id — when given. Pure.
 */
export function callRecordOf(form: Record<string, string>, page: { lang: Lang; today: string; timeZone: string }, now: Date) {
  const time = form.callStartedAt ?? "";
  let startedAt: string | null = null;
  if (/^\d{2}:\d{2}(:\d{2})?$/.test(time)) {
    startedAt = zonedInstant(page.today, time, page.timeZone);
    if (new Date(startedAt) > now) startedAt = zonedInstant(addDays(page.today, -1), time, page.timeZone);
  }
  const callId = (form.callId ?? "").trim().slice(0, 128);
  return {
    ...(form.acknowledgeFee === "true" ? { acknowledgeFee: true, acknowledgementWording: t(page.lang, "feeReadOut") } : {}),
    ...(form.disclosedIn === "ja" || form.disclosedIn === "en" ? { disclosedIn: form.disclosedIn } : {}),
    ...(startedAt || callId ? { call: { ...(startedAt ? { startedAt } : {}), ...(callId ? { callId } : {}) } } : {}),
  };
}

/** The karte's parts read apart from the customer and their plans: each can be unread on its own. */
export type KartePart = "risk" | "reasons" | "offers" | "knowledge" | "cancellation" | "exitSurvey" | "planOptions" | "winback" | "timeline";
/** A part the API answered "not now" (503 `database_unavailable`, 429 `rate_limited`): why, and the seconds its Retry-After named. */
export type Unread = { unread: "database_unavailable" | "rate_limited"; wait: number };

/**
 * A read's answer when it says "not now" — 503 `database_unavailable` or 429 `rate_limited`,
 * with the seconds to wait (its `retryAfterSeconds`, at least 1) — else null: a part answered,
 * or truly absent (404, empty), shows as it is. Pure.
 */
export function unreadOf(res: { status: number; body: any } | null): Unread | null {
  if (!res || (res.status !== 503 && res.status !== 429)) return null;
  const code = res.body?.code;
  if (code !== "database_unavailable" && code !== "rate_limited") return null;
  return { unread: code, wait: retryAfterSeconds(res.body ?? {}) ?? 1 };
}

const PART_NAMES: Record<KartePart, StringKey> = {
  risk: "risk",
  reasons: "partReasons",
  offers: "partOffers",
  knowledge: "knowledge",
  cancellation: "partCancellation",
  exitSurvey: "partExitSurvey",
  planOptions: "partPlanOptions",
  winback: "partWinback",
  timeline: "timeline",
};

/** In an unread part's place: that it could not be read just now, why, and when to reload — never "none". */
/** Where the page's focus starts (console.ts data-autofocus), when `start`: focusable by script, not a Tab stop. */
const startHere = (start: boolean | undefined) => (start ? { tabindex: -1, "data-autofocus": "" } : {});

function UnreadNote(props: { lang: Lang; part: KartePart; unread: Unread; start?: boolean }) {
  const { lang, unread } = props;
  return (
    <p class="unread" role="status" data-part={props.part} {...startHere(props.start)}>
      {tf(lang, unread.unread === "rate_limited" ? "partBusy" : "partUnavailable", { part: t(lang, PART_NAMES[props.part]), n: unread.wait })}
    </p>
  );
}

export type KarteData = {
  /** As the lookup answers it: `phone` in E.164, its extension apart. */
  customer: { id: string; name: string | null; nameKana?: string | null; email: string | null; phone: string | null; phoneExtension: string | null };
  /** Other live customers of the shop have the same phone number (a household's line): the karte says so. */
  sharedPhone?: boolean;
  subscriptions: Sub[];
  /** As GET /v1/customers/{id}/risk answers it; `notScoredReason` set: the customer is not scored at all (profiling opt-out). */
  risk: { highest: Risk | null; subscriptions: Risk[]; notScoredReason?: string | null } | null;
  /** The IVR's view of the call: its plan is the one most at risk (`risk`, `nextBestAction.subscriptionId`), not necessarily `focus`. */
  lookup: { route: string; risk?: { subscriptionId: string } | null; nextBestAction: { type: string; subscriptionId?: string; title: string | null } | null; speech: string } | null;
  timeline: TimelineItem[];
  reasons: { code: string; label: string; followUpHint: string }[];
  focus: Sub | null;
  reason: string | null;
  /** The offers the operator flow's reason step showed (at most the shop's `offersPerFlow`), in the page's language. */
  offers: Offer[];
  /** That flow: the offers' accept and the cancellation continue it, so what was on screen is what it records as shown. */
  offersFlow: string | null;
  /** The language the cancellation's disclosures are read to the caller in: their `locale`, else the shop's. */
  disclosureLang: Lang;
  /** The shop's `pricesIncludeTax`: the basis a price read out says (「税込3,980円」). */
  pricesIncludeTax: boolean;
  /** The shop's closed days (settings `closedDates`): a canceled plan has no plan-options to list them. */
  closedDates: readonly { from: string; to: string }[];
  knowledge: KnowledgeEntry[];
  cancellation: CancellationInfo | null;
  planOptions: PlanOptions | null;
  /** For a canceled focus: the first deliveries a reactivation today may start on (plan-changes/rules reactivationWindow). */
  reactivation: ReactivationWindow | null;
  exitSurvey: ConsoleSurvey | null;
  /** For a canceled focus: its win-back facts (keep-in-touch, return date, its row of the candidates list). */
  winback: KarteWinback | null;
  /** The focus's cancel flow still open (its timeline item, `type` its status now): a plan change closes it as saved. */
  openFlow: TimelineItem | null;
  /**
   * The focus's open cancel flow, whatever channel started it, read from its evidence: the karte
   * shows where it is and its reason, comment and offers, and its actions (reason, accept,
   * confirm, a plan change) continue it.
   */
  flow: Continuation | null;
  /** The offers came on screen with this page (「提案を表示」's answer): focused first. */
  offersJustShown: boolean;
  /** That flow was started by this page's 「提案を表示」 (not opened earlier on another call or channel): not told as an open flow to continue. */
  flowJustOpened?: boolean;
  /** How the flow a refused action named ended meanwhile (by whom, when): the error says it in these words. */
  ending: Ending | null;
  notice: string | null;
  error: string | null;
  /** A date the API refused, said at its field: the plan action, the date entered, the message naming the first (or last) date that can be chosen. */
  fieldRefusal: { action: "next-delivery" | "pause"; value: string; message: string } | null;
  /** The parts the API could not read just now, shown as such (not as absent). */
  unread: Partial<Record<KartePart, Unread>>;
};

/** A comeback offer the customer may take on reactivating (not a reminder: a plain reactivation takes that). */
export type ComebackChoice = { offerId: string; title: string; sent?: { sentOn: string; validUntil: string } };

/**
 * The comeback offers the customer may take on reactivating, in the order the operator reads them
 * out: the one suggested today, then the one `winback.due` carried while it can still be taken —
 * once, when they are the same offer (then marked as sent, so the operator knows the caller has
 * read it). Pure.
 */
export function comebackChoices(w: KarteWinback | null): ComebackChoice[] {
  const o = w?.candidate?.offer;
  const sent = w?.sent ?? null;
  const choices: ComebackChoice[] = [];
  if (o && o.kind === "offer" && o.offerId) choices.push({ offerId: o.offerId, title: o.title, ...(sent?.offerId === o.offerId ? { sent } : {}) });
  if (sent && !choices.some((c) => c.offerId === sent.offerId)) choices.push({ offerId: sent.offerId, title: sent.title, sent });
  return choices;
}

/**
 * The first delivery the reactivation form proposes: when the customer named a return date later
 * than the earliest changeable one, that date as the comeback offer shows it (`offer.restartOn`;
 * without one, a monthly plan's first delivery on its day from it), as the API starts a comeback
 * taken without a date; else — or when their date is beyond what a restart may be set to today —
 * the window's own suggestion. Their date on one of the shop's closed days (`closedDates`: 12/31)
 * proposes the first open day after it, as the API restarts a comeback named for it. Pure.
 */
export function proposedFirstDelivery(
  w: { earliest: string; latest: string; suggested: string; latestOpen?: string },
  sub: Pick<Sub, "intervalDays" | "intervalMonths" | "deliveryDay" | "cancellation">,
  winback: Pick<KarteWinback, "returnOn" | "candidate"> | null,
  closedDates: readonly { from: string; to: string }[] = [],
): string {
  const returnOn = winback?.returnOn ?? null;
  if (returnOn === null || returnOn <= w.earliest) return w.suggested;
  const shown = winback?.candidate?.offer?.restartOn ?? null;
  const named = firstOpenDate(shown ?? firstOnSchedule(returnOn, sub, sub.cancellation?.stoppedDeliveryOn ?? sub.cancellation?.finalDeliveryOn ?? null), { closedDates: [...closedDates] });
  return named >= w.earliest && named <= maxDate(w.latest, w.latestOpen ?? w.latest) ? named : w.suggested;
}

/**
 * The exit survey inside the cancel form: every question optional (nothing chosen), the
 * keep-in-touch question read out with no answer chosen, and the return date left empty — none of
 * it is needed to confirm.
 */
function SurveyFields(props: { lang: Lang; survey: ConsoleSurvey }) {
  const { lang, survey } = props;
  return (
    <fieldset class="survey" data-survey="">
      <legend>{t(lang, "exitSurvey")}</legend>
      {survey.questions.map((q) =>
        q.kind === "choice" && q.options ? (
          <p>
            <label for={`survey-${q.id}`}>{q.prompt}</label>{" "}
            <select id={`survey-${q.id}`} name={`survey.${q.id}`}>
              <option value="" selected>
                —
              </option>
              {q.options.map((o) => (
                <option value={o.code}>{o.label}</option>
              ))}
            </select>
          </p>
        ) : (
          <p>
            <label for={`survey-${q.id}`}>{q.prompt}</label>
            <textarea id={`survey-${q.id}`} name={`survey.${q.id}`} rows={2} maxlength={1000}></textarea>
          </p>
        ),
      )}
      <fieldset class="keep-in-touch">
        <legend>{survey.keepInTouch}</legend>
        <label>
          <input type="radio" name="keepInTouch" value="yes" /> {t(lang, "keepInTouchYes")}
        </label>{" "}
        <label>
          <input type="radio" name="keepInTouch" value="no" /> {t(lang, "keepInTouchNo")}
        </label>
      </fieldset>
      <p>
        <label for="return-on">{t(lang, "returnOn")}</label> <input type="date" id="return-on" name="returnOn" />
      </p>
    </fieldset>
  );
}

/**
 * Each plan change the shop's rules allow today (plan-options), posted to /console/change on
 * channel operator; an action the rules close shows why, in the API's words. A caller who just
 * wants a change (no reason picked): applied directly, no cancel flow, never counted as a
 * cancellation request. A caller who gave a reason to cancel: the change is their save — it ends
 * the cancel flow as saved (the note says so).
 */
function PlanChanges(props: { page: PageContext; sub: Sub; options: PlanOptions; customerId: string; reason: string | null; openFlow: TimelineItem | null; offersFlow: string | null; refused?: KarteData["fieldRefusal"] }) {
  const { page, sub, options: o, openFlow } = props;
  const lang = page.lang;
  // What a change here really does to a cancel flow: the note follows the flow, not only the URL's reason.
  const flowVars = openFlow ? { flow: entryTitle(openFlow, lang), at: when(openFlow.at, lang, page.timeZone) } : null;
  // The flow whose offers are on screen is the caller's request: a change here ends that one as saved.
  const note = props.offersFlow
    ? flowVars && openFlow!.id === props.offersFlow
      ? tf(lang, "planChangesSavesOpenFlow", flowVars)
      : t(lang, "planChangesSaveNote")
    : props.reason
    ? [t(lang, "planChangesSaveNote"), ...(flowVars ? [tf(lang, "planChangesSupersedesFlow", flowVars)] : [])].join(lang === "ja" ? "" : " ")
    : flowVars
      ? tf(lang, "planChangesSavesOpenFlow", flowVars)
      : t(lang, "planChangesNote");
  const form = (action: string, body: Child) => (
    <form method="post" action="/console/change" class="row">
      <input type="hidden" name="csrf" value={page.csrf} />
      <input type="hidden" name="customer" value={props.customerId} />
      <input type="hidden" name="sub" value={sub.id} />
      {props.reason ? <input type="hidden" name="reason" value={props.reason} /> : null}
      {(props.openFlow?.id ?? props.offersFlow) ? <input type="hidden" name="flow" value={(props.openFlow?.id ?? props.offersFlow)!} /> : null}
      <input type="hidden" name="version" value={String(o.version)} />
      <input type="hidden" name="attempt" value={crypto.randomUUID()} />
      <input type="hidden" name="action" value={action} />
      {body}
    </form>
  );
  // A date the API refused: kept as entered, marked invalid, described by a message that names the
  // field and the first date that can be chosen, and focused at load (console.ts data-autofocus).
  const refusedAt = (action: "next-delivery" | "pause", id: string) =>
    props.refused?.action === action ? { value: props.refused.value, "aria-invalid": "true", "aria-describedby": `${id}-error`, "data-autofocus": "" } : {};
  const refusalNote = (action: "next-delivery" | "pause", id: string) =>
    props.refused?.action === action ? (
      <p id={`${id}-error`} class="field-error">
        {props.refused.message}
      </p>
    ) : null;
  const closed = (label: string, a: Action) => (a.refusal ? <p class="refusal">{label}: {a.refusal.detail}</p> : null);
  const closedNote = closedDaysNote(o.closedDates ?? [], lang, page.today);
  return (
    <section aria-labelledby="plan" class="panel plan">
      <h2 id="plan">
        {t(lang, "planChanges")}: <SubName sub={sub} page={page} />
      </h2>
      <p class={openFlow ? "note open-flow" : "note"}>{note}</p>
      {closedNote ? (
        <p class="note" data-closed-days="">
          {closedNote}
        </p>
      ) : null}
      {o.skip.available
        ? form(
            "skip",
            <>
              <button type="submit">
                {t(lang, "skipNext")}
                {o.nextDeliveryOn ? (lang === "ja" ? `（${writeDate(o.nextDeliveryOn, lang, "short", page.today)}）` : ` (${writeDate(o.nextDeliveryOn, lang, "short", page.today)})`) : ""}
              </button>{" "}
              <small>{tf(lang, "skipsLeft", { n: o.skip.remainingSkips })}</small>
            </>,
          )
        : closed(t(lang, "skipNext"), o.skip)}
      {o.nextDelivery.available
        ? form(
            "next-delivery",
            <>
              <label for="pc-date">{t(lang, "moveTo")}</label>
              <input type="date" id="pc-date" name="date" required min={o.nextDelivery.earliest} max={o.nextDelivery.latest} value={o.nextDeliveryOn ?? o.nextDelivery.earliest} data-range-message={tf(lang, "dateRange", { from: writeDate(o.nextDelivery.earliest, lang, "full", page.today), to: writeDate(o.nextDelivery.latest, lang, "full", page.today) })} {...refusedAt("next-delivery", "pc-date")} />
              <button type="submit">{t(lang, "moveDelivery")}</button>
              {refusalNote("next-delivery", "pc-date")}
            </>,
          )
        : closed(t(lang, "moveDelivery"), o.nextDelivery)}
      {o.interval.available
        ? form(
            "interval",
            <>
              <label for="pc-interval">{t(lang, "interval")}</label>
              <select id="pc-interval" name="intervalDays">
                {/* Month intervals first (「1ヶ月ごと」), sent as `m<N>` (console/plan changeCallOf). */}
                {(o.interval.allowedIntervalMonths ?? []).map((m) => (
                  <option value={`m${m}`} selected={m === o.interval.currentMonths}>
                    {cadenceText({ intervalDays: 0, intervalMonths: m }, lang)}
                  </option>
                ))}
                {o.interval.allowedIntervalDays.map((d) => (
                  <option value={String(d)} selected={!o.interval.currentMonths && d === o.interval.current}>
                    {tf(lang, "intervalDays", { n: d })}
                  </option>
                ))}
              </select>
              <button type="submit">{t(lang, "changeInterval")}</button>
            </>,
          )
        : closed(t(lang, "changeInterval"), o.interval)}
      {o.quantity.available
        ? form(
            "quantity",
            <>
              <label for="pc-quantity">{t(lang, "quantity")}</label>
              <input type="number" id="pc-quantity" name="quantity" required min={o.quantity.min} max={o.quantity.max} value={String(o.quantity.current)} data-range-message={tf(lang, "quantityRange", { min: o.quantity.min, max: o.quantity.max })} />
              <button type="submit">{t(lang, "changeQuantity")}</button>
            </>,
          )
        : closed(t(lang, "changeQuantity"), o.quantity)}
      {o.pause.available
        ? form(
            "pause",
            <>
              <label for="pc-resume-on">{t(lang, "resumeOn")}</label>
              <input type="date" id="pc-resume-on" name="resumeOn" required min={o.pause.earliestResumeOn} max={o.pause.latestResumeOn} data-range-message={tf(lang, "dateRange", { from: writeDate(o.pause.earliestResumeOn, lang, "full", page.today), to: writeDate(o.pause.latestResumeOn, lang, "full", page.today) })} {...refusedAt("pause", "pc-resume-on")} />
              <button type="submit">{t(lang, "pause")}</button>
              {refusalNote("pause", "pc-resume-on")}
            </>,
          )
        : closed(t(lang, "pause"), o.pause)}
      {o.resume.available ? form("resume", <button type="submit">{t(lang, "resumeNow")}</button>) : sub.status === "paused" ? closed(t(lang, "resumeNow"), o.resume) : null}
    </section>
  );
}

/**
 * A canceled subscription: when it ended, why, through which channel, its confirmation number and
 * the last delivery still shipping — and nothing that offers to cancel it again.
 */
function Cancellation(props: { page: PageContext; sub: Sub; words: Words; timeline: TimelineItem[] }) {
  const { page, sub, words } = props;
  const lang = page.lang;
  const c = sub.cancellation;
  const on = c?.effectiveOn ?? (sub.canceledAt ? localDate(new Date(sub.canceledAt), page.timeZone) : null);
  // Who took the cancellation, for "who did I speak to?": the flow's latest step on the timeline (its confirm).
  const flow = c?.flowId ? props.timeline.find((i) => i.kind === "cancel_flow" && i.id === c.flowId) : undefined;
  const by = flow?.actor?.type === "operator" ? actorWords(flow.actor, lang) : null;
  // undefined: recorded before the fee was kept — say nothing rather than "none".
  const fee = c?.earlyCancellationFee;
  return (
    <section aria-labelledby="canceled" class="panel">
      <h2 id="canceled">
        {STATUS_LABELS.canceled![lang]}: {sub.product.name}
      </h2>
      <dl>
        <dt>{t(lang, "canceledOn")}</dt>
        <dd>{on ? writeDate(on, lang, "full", page.today) : "—"}</dd>
        <dt>{t(lang, "reason")}</dt>
        <dd>{c?.reason ? reasonLabel(c.reason, words) : t(lang, "noReasonGiven")}</dd>
        {c?.channel ? (
          <>
            <dt>{t(lang, "canceledVia")}</dt>
            <dd>{!by ? channelName(c.channel, lang) : c.channel === "operator" ? by : lang === "ja" ? `${channelName(c.channel, lang)}・${by}` : `${channelName(c.channel, lang)}, ${by}`}</dd>
          </>
        ) : null}
        {fee !== undefined ? (
          <>
            <dt>{t(lang, "cancellationFee")}</dt>
            <dd data-cancellation="fee">{fee ? formatMoney(fee, lang) : t(lang, "noFeeCharged")}</dd>
          </>
        ) : null}
        {c?.confirmationNumber ? (
          <>
            <dt>{t(lang, "confirmationNumber")}</dt>
            <dd>{c.confirmationNumber}</dd>
          </>
        ) : null}
        {c?.finalDeliveryOn ? (
          <>
            <dt>{t(lang, "finalDelivery")}</dt>
            <dd>{writeDate(c.finalDeliveryOn, lang, "short", page.today)}</dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

/**
 * A canceled subscription the customer asks to restart: the first delivery to choose within what
 * the shop's rules accept (or, when the last delivery is still coming, the plan continuing from
 * it), then a confirmation page (GET /console/reactivate) before anything is written.
 */
function Reactivate(props: { page: PageContext; sub: Sub; window: ReactivationWindow; customerId: string; comebacks: ComebackChoice[]; winback: KarteWinback | null; closedDates: readonly { from: string; to: string }[] }) {
  const { page, sub, window: w, comebacks } = props;
  const lang = page.lang;
  return (
    <section aria-labelledby="reactivate" class="panel">
      <h2 id="reactivate">
        {t(lang, "reactivate")}: {sub.product.name}
      </h2>
      <p>{t(lang, "reactivateNote")}</p>
      <form method="get" action="/console/reactivate" class="row">
        <input type="hidden" name="customer" value={props.customerId} />
        <input type="hidden" name="sub" value={sub.id} />
        {"continuesOn" in w ? (
          <p>{tf(lang, "continuesFrom", { date: writeDate(w.continuesOn, lang, "short", page.today) })}</p>
        ) : (
          <>
            <label for="reactivate-on">{t(lang, "firstDeliveryOn")}</label>
            {/* From the first day the shop delivers (settings closedDates); the plan's own delivery, the default, even on a closed one. */}
            {/* Up to the last day the shop delivers by the rule's latest (the first open day when a closure covers them all), or the plan's own. */}
            <input type="date" id="reactivate-on" name="nextDeliveryOn" required min={minDate(w.suggested, w.earliestOpen)} max={maxDate(w.suggested, w.latestOpen)} value={proposedFirstDelivery(w, sub, props.winback, props.closedDates)} />
          </>
        )}
        {comebacks.length > 0 ? (
          // The operator reads the offers out and the customer chooses; nothing is applied unless they take one.
          <fieldset class="comeback-choice">
            <legend>{t(lang, "comebackOffer")}</legend>
            {comebacks.map((comeback) => (
              <>
                <label>
                  <input type="radio" name="offerId" value={comeback.offerId} /> {tf(lang, "reactivateWith", { title: comeback.title })}
                  {comeback.sent ? (
                    <span class="sent">
                      {" "}
                      {tf(lang, "comebackSent", { sentOn: writeDate(comeback.sent.sentOn, lang, "short", page.today), validUntil: writeDate(comeback.sent.validUntil, lang, "short", page.today) })}
                    </span>
                  ) : null}
                </label>{" "}
              </>
            ))}
            <label>
              <input type="radio" name="offerId" value="" checked /> {t(lang, "reactivateWithout")}
            </label>
          </fieldset>
        ) : null}
        <button type="submit">{t(lang, "reviewReactivation")}</button>
      </form>
    </section>
  );
}

/** What one delivery costs: unit price × quantity (the same figure the portal and a final delivery's charge use). */
const perDelivery = (sub: Sub): Money => ({ amount: sub.unitPrice.amount * sub.quantity, currency: sub.unitPrice.currency });

const discountLabel = (d: { percentOff: number | null; amountOff: number | null }, currency: string, lang: Lang) =>
  d.percentOff !== null ? tf(lang, "percentOff", { n: d.percentOff }) : tf(lang, "amountOff", { amount: formatMoney({ amount: d.amountOff ?? 0, currency }, lang) });

/**
 * The price of the next delivery (discounted when it is) and an accepted discount's deliveries
 * still to come, as plan-changes/discount keeps them: the operator reads out what the customer pays,
 * each price with the shop's tax basis (「11,968円（税込）」), as the customer's my-page says it.
 */
function DeliveryPrice(props: { sub: Sub; lang: Lang; today: string; pricesIncludeTax: boolean }) {
  const { sub, lang } = props;
  const basis = { taxIncluded: props.pricesIncludeTax };
  const regular = perDelivery(sub);
  const d = sub.status === "canceled" ? null : (sub.activeDiscount ?? null);
  const ahead = d ? upcomingDiscount({ endsOn: d.endsOn, ...(d.startsOn ? { startsOn: d.startsOn } : {}) }, sub) : null;
  if (!d || !ahead) return <>{formatMoney(regular, lang, basis)}</>;
  const price = formatMoney({ amount: discountedPrice(regular.amount, d), currency: regular.currency }, lang, basis);
  const date = (x: string) => writeDate(x, lang, "short", props.today);
  const vars = { label: discountLabel(d, regular.currency, lang), price, first: date(ahead.first), last: ahead.last ? date(ahead.last) : "", n: ahead.left ?? 0 };
  return (
    <>
      {ahead.first === sub.nextDeliveryOn ? `${price}${tf(lang, "regularPrice", { price: formatMoney(regular, lang, basis) })}` : formatMoney(regular, lang, basis)}
      <br />
      <small class="discount">{tf(lang, ahead.left === null ? "discountOpen" : ahead.left === 1 ? "discountLast" : "discountDeliveries", vars)}</small>
    </>
  );
}

/**
 * The price per delivery a reactivation restarts at: the plan's own, or what the comeback offer
 * makes it (a discount for its first deliveries, then the regular price; a new quantity or product),
 * each price with the shop's tax basis.
 */
function ReactivationPrice(props: { sub: Sub; lang: Lang; comeback: { type?: string; parameters?: Record<string, unknown> } | null; pricesIncludeTax: boolean }) {
  return <>{reactivationPriceText(props)}</>;
}

function reactivationPriceText(props: { sub: Sub; lang: Lang; comeback: { type?: string; parameters?: Record<string, unknown> } | null; pricesIncludeTax: boolean }): string {
  const { sub, lang } = props;
  const basis = { taxIncluded: props.pricesIncludeTax };
  const regular = perDelivery(sub);
  const p = props.comeback?.parameters ?? {};
  const isMoney = (m: unknown): m is Money => typeof m === "object" && m !== null && typeof (m as Money).amount === "number" && typeof (m as Money).currency === "string";
  if (props.comeback?.type === "discount" && isMoney(p.discountedPrice) && typeof p.cycles === "number") {
    const d = { percentOff: typeof p.percentOff === "number" ? p.percentOff : null, amountOff: typeof p.amountOff === "number" ? p.amountOff : null };
    const after = isMoney(p.priceAfter) ? p.priceAfter : regular;
    return tf(lang, "comebackPrice", { price: formatMoney(p.discountedPrice, lang, basis), label: discountLabel(d, regular.currency, lang), n: p.cycles, regular: formatMoney(after, lang, basis) });
  }
  return formatMoney(isMoney(p.pricePerDelivery) ? p.pricePerDelivery : regular, lang, basis);
}

/**
 * What an accepted discount does, for the operator to read back after 「…で継続」: which deliveries
 * are discounted (dates), at what price against the regular one, and from when the regular price
 * applies again — from the plan as the API now answers it. Null: no discount ahead.
 */
export function discountReadBack(sub: Sub, lang: Lang, today: string, pricesIncludeTax: boolean): string | null {
  const d = sub.status === "canceled" ? null : (sub.activeDiscount ?? null);
  const ahead = d ? upcomingDiscount({ endsOn: d.endsOn, ...(d.startsOn ? { startsOn: d.startsOn } : {}) }, sub) : null;
  if (!d || !ahead) return null;
  const basis = { taxIncluded: pricesIncludeTax };
  const regular = perDelivery(sub);
  const date = (x: string) => writeDate(x, lang, "short", today);
  const vars = { price: formatMoney({ amount: discountedPrice(regular.amount, d), currency: regular.currency }, lang, basis), regular: formatMoney(regular, lang, basis), first: date(ahead.first), last: ahead.last ? date(ahead.last) : "", n: ahead.left ?? 0, back: ahead.firstFullPriceOn ? date(ahead.firstFullPriceOn) : "" };
  return tf(lang, ahead.left === null ? "readBackDiscountOpen" : ahead.left === 1 ? "readBackDiscountOne" : "readBackDiscount", vars);
}

/** The restart as read to the caller before confirming: the plan, how it is delivered, the first delivery and the price. */
export function reactivationScript(props: { sub: Sub; lang: Lang; comeback: { type?: string; parameters?: Record<string, unknown> } | null; pricesIncludeTax: boolean; firstDelivery: string; today: string }): string {
  const restarted = restartedPlan(props.sub, props.comeback);
  const lang = props.lang;
  return tf(lang, "scriptReactivation", {
    product: props.sub.product.name,
    interval: cadenceText(restarted, lang),
    quantity: quantityText(restarted, lang),
    date: writeDate(props.firstDelivery, lang, "full", props.today),
    price: reactivationPriceText(props),
  });
}

/**
 * The plan as the reactivation restarts it: a comeback offer that changes the interval (「45日ごとの
 * お届けで再開」) or the quantity restarts it so, and the read-back says what will apply, not what was.
 */
function restartedPlan(sub: Sub, comeback: { type?: string; parameters?: Record<string, unknown> } | null): Sub {
  const p = comeback?.parameters ?? {};
  if (comeback?.type === "change_interval" && typeof p.intervalDays === "number") {
    return { ...sub, intervalDays: p.intervalDays, intervalMonths: typeof p.intervalMonths === "number" ? p.intervalMonths : sub.intervalMonths };
  }
  if (comeback?.type === "change_quantity" && typeof p.quantity === "number") return { ...sub, quantity: p.quantity };
  return sub;
}

/**
 * The shop's closed days still to come (plan-options `closedDates`), said once above the plan's date
 * fields so the operator does not offer one: 「お届け休業日：12月29日〜1月3日（この日付は選べません）」. Null: none.
 */
export function closedDaysNote(ranges: readonly { from: string; to: string }[], lang: Lang, today: string): string | null {
  if (ranges.length === 0) return null;
  const date = (d: string) => writeDate(d, lang, "short", today);
  const days = ranges.map((r) => (r.from === r.to ? date(r.from) : `${date(r.from)}${lang === "ja" ? "〜" : " – "}${date(r.to)}`));
  return tf(lang, "closedDays", { days: days.join(lang === "ja" ? "、" : ", ") });
}

/** 「1回のお届けの価格（税込）」 / "Price per delivery (plus tax)": the price column's label with the shop's tax basis, as the my-page writes it. */
const priceLabel = (lang: Lang, pricesIncludeTax: boolean): string => tf(lang, pricesIncludeTax ? "labelTaxIncluded" : "labelTaxExcluded", { label: t(lang, "pricePerDelivery") });

/** The plan's quantity as the portal writes it (platform/quantity): 「1個（30包入り）」 for a box of 30 包, 「2本」. */
const quantityText = (sub: Sub, lang: Lang): string => writeQuantity(sub.quantity, sub.product, lang);

/**
 * The confirmation of a reactivation: what restarts and when, read out to the customer, then the
 * one form that writes (POST /console/reactivate, CSRF token, one attempt key against a double
 * submit) — or back to the karte with nothing done.
 */
export function ReactivationPage(props: {
  page: PageContext;
  sub: Sub;
  customerId: string;
  firstDelivery: string;
  nextDeliveryOn: string | null;
  comeback: (ComebackChoice & { description: string; type?: string; parameters?: Record<string, unknown> }) | null;
  /** The fee the cancellation charged and what the reactivation does to it (cancel-flows/terms feeOnReactivation), said before agreeing. */
  fee: { amount: Money; waived: boolean; note: string } | null;
  /** The shop's `pricesIncludeTax`: the price row's label says the basis. */
  pricesIncludeTax: boolean;
}) {
  const { page, sub } = props;
  const lang = page.lang;
  const karte = karteHref(props.customerId, sub.id);
  const restarted = restartedPlan(sub, props.comeback);
  return (
    <Layout page={page} title={t(lang, "confirmReactivationTitle")}>
      {/* Focused at load (console.ts): 「再開を確定する」 is the next stops, not behind the header's. */}
      <h1 tabindex={-1} data-autofocus="">
        {t(lang, "confirmReactivationTitle")}
      </h1>
      <p>{t(lang, "confirmReactivationNote")}</p>
      <dl class="review">
        <dt>{t(lang, "product")}</dt>
        <dd>{sub.product.name}</dd>
        <dt>{t(lang, "quantity")}</dt>
        <dd class="quantity">{restarted.quantity !== sub.quantity ? tf(lang, "changedFrom", { now: quantityText(restarted, lang), before: quantityText(sub, lang) }) : quantityText(sub, lang)}</dd>
        <dt>{t(lang, "interval")}</dt>
        <dd class="interval">
          {restarted.intervalDays !== sub.intervalDays || restarted.intervalMonths !== sub.intervalMonths
            ? tf(lang, "changedFrom", { now: cadenceText(restarted, lang), before: cadenceText(sub, lang) })
            : cadenceText(sub, lang)}
        </dd>
        <dt>{priceLabel(lang, props.pricesIncludeTax)}</dt>
        <dd class="price">
          <ReactivationPrice sub={sub} lang={lang} comeback={props.comeback} pricesIncludeTax={props.pricesIncludeTax} />
        </dd>
        <dt>{t(lang, "firstDeliveryOn")}</dt>
        <dd class="first-delivery">{writeDate(props.firstDelivery, lang, "full", page.today)}</dd>
        <dt>{t(lang, "comebackOffer")}</dt>
        {props.comeback ? (
          <dd class="comeback">
            <strong>{props.comeback.title}</strong>
            <p class="description">{props.comeback.description}</p>
          </dd>
        ) : (
          <dd class="comeback">{t(lang, "noComeback")}</dd>
        )}
        {props.fee ? (
          <>
            <dt>{t(lang, "cancellationFee")}</dt>
            <dd class="cancellation-fee">
              <strong>{tf(lang, props.fee.waived ? "cancellationFeeWaived" : "cancellationFeeStands", { amount: formatMoney(props.fee.amount, lang) })}</strong>
              <p class="note">{props.fee.note}</p>
            </dd>
          </>
        ) : null}
      </dl>
      <div class="talk read-out">
        <h2>{t(lang, "readOutScript")}</h2>
        <p data-read-out={lang}>
          {reactivationScript({ sub, lang, comeback: props.comeback, pricesIncludeTax: props.pricesIncludeTax, firstDelivery: props.firstDelivery, today: page.today })}
          {props.fee ? props.fee.note : ""}
        </p>
      </div>
      <form method="post" action="/console/reactivate" class="row">
        <input type="hidden" name="csrf" value={page.csrf} />
        <input type="hidden" name="customer" value={props.customerId} />
        <input type="hidden" name="sub" value={sub.id} />
        {props.nextDeliveryOn ? <input type="hidden" name="nextDeliveryOn" value={props.nextDeliveryOn} /> : null}
        {props.comeback ? <input type="hidden" name="offerId" value={props.comeback.offerId} /> : null}
        <input type="hidden" name="attempt" value={crypto.randomUUID()} />
        <button type="submit" class="primary" id="confirm-reactivate">
          {t(lang, "confirmReactivation")}
        </button>
        <a href={karte}>{t(lang, "back")}</a>
      </form>
    </Layout>
  );
}

/**
 * What the timeline's words need besides the item: the page's language and dates, the shop's
 * reasons, and the customer's subscriptions (a quantity is written in its product's package).
 */
type Words = { lang: Lang; today: string; timeZone: string; reasons: KarteData["reasons"]; subscriptions: readonly Pick<Sub, "id" | "product">[] };

const reasonLabel = (code: unknown, w: Words) => reasonName(String(code), w.reasons, w.lang);

type ProductWords = Pick<Sub["product"], "name" | "unitsPerPackage" | "unitLabel"> & { sku?: string };

/**
 * A quantity on the timeline as the rest of the console and the portal write it (platform/quantity):
 * 「1個（30包入り）」 in the package of the product the entry concerned; 「N個」 only where that is
 * not known (a change recorded before its history kept the product: never another product's package).
 */
function quantityOf(n: unknown, product: ProductWords | null | undefined, w: Words): string {
  return product && typeof n === "number" ? writeQuantity(n, product, w.lang) : tf(w.lang, "quantityN", { n: String(n) });
}

/** The product of the subscription an event concerns, as the karte lists it now (an event does not record one). */
const currentProduct = (i: TimelineItem, w: Words) => w.subscriptions.find((s) => s.id === i.subscriptionId)?.product;

/** A plan snapshot's product (plan-changes `PlanSnapshot.product`), or null when the change did not record it. */
function snapshotProduct(x: Record<string, unknown>): ProductWords | null {
  const p = x.product as Partial<ProductWords> | undefined;
  return p && typeof p.name === "string" ? { name: p.name, sku: typeof p.sku === "string" ? p.sku : undefined, unitsPerPackage: p.unitsPerPackage ?? null, unitLabel: p.unitLabel ?? null } : null;
}

/** A plan field's value in words: a date, 「30日ごと」, 「継続中」, 「1個（30包入り）」 (in `product`, the snapshot's); null is 「なし」. */
function fieldValue(field: keyof typeof PLAN_FIELD_LABELS, v: unknown, product: ProductWords | null, w: Words): string {
  if (v === null || v === undefined) return t(w.lang, "none");
  if (field === "status") return STATUS_LABELS[String(v)]?.[w.lang] ?? String(v);
  if (field === "intervalDays") return tf(w.lang, "intervalDays", { n: String(v) });
  if (field === "quantity") return quantityOf(v, product, w);
  return writeDate(String(v), w.lang, "short", w.today);
}

/**
 * A timeline entry's name, with its channel and, when an operator did it, their name: 「解約（Web）」,
 * 「応対記録（電話・佐々木 美咲）」, 「解約のご相談 → 継続（Web・田中 健太）」 (a web flow an operator finished).
 */
export function entryTitle(i: TimelineItem, lang: Lang): string {
  const names = i.kind === "event" ? EVENT_LABELS : i.kind === "change" ? CHANGE_LABELS : FLOW_LABELS;
  // A flow replaced by a newer one was restarted, not left: 「中断」 would mislead the next operator.
  const type = i.kind === "cancel_flow" && i.type === "abandoned" && typeof i.data.supersededBy === "string" ? "restarted" : i.type;
  const name = names[type]?.[lang] ?? i.type;
  const by = i.actor?.type === "operator" && i.actor.name ? asWritten(i.actor.name) : null;
  const said = [i.channel ? channelName(i.channel, lang) : null, by].filter((x) => x !== null).join(lang === "ja" ? "・" : ", ");
  if (!said) return name;
  return lang === "ja" ? `${name}（${said}）` : `${name} (${said})`;
}

/** One line of the timeline in the operator's words: what changed (「次回お届け 12月5日 → なし」), labels for codes, never `null`. */
export function describe(i: TimelineItem, words: Words): string {
  // A row of a past year writes every date with its year: 「12月15日」 under 2025/07/23 reads as 2025's.
  const w: Words = localDate(new Date(i.at), words.timeZone).slice(0, 4) === words.today.slice(0, 4) ? words : { ...words, today: "" };
  const { lang } = w;
  const d = i.data;
  const sep = lang === "ja" ? "、" : ", ";
  const parts: string[] = [];
  if (i.kind === "event") {
    switch (i.type) {
      case "contact.logged":
        parts.push(TOPIC_LABELS[String(d.topic)]?.[lang] ?? String(d.topic));
        if (d.sentiment) parts.push(SENTIMENT_LABELS[String(d.sentiment)]?.[lang] ?? String(d.sentiment));
        if (d.note) parts.push(asWritten(String(d.note)));
        break;
      case "survey.answered":
        parts.push(`NPS ${d.nps ?? "—"}`);
        if (d.comment) parts.push(asWritten(String(d.comment)));
        break;
      case "delivery.completed":
        // The delivery date only when it is not the day the entry is dated (a late report).
        if (d.deliveredOn && d.deliveredOn !== localDate(new Date(i.at), w.timeZone)) parts.push(tf(lang, "delivered", { date: writeDate(String(d.deliveredOn), lang, "short", w.today) }));
        if (d.quantity) parts.push(quantityOf(d.quantity, currentProduct(i, w), w));
        break;
      case "delivery.skipped":
        if (d.scheduledOn) parts.push(tf(lang, "scheduledOn", { date: writeDate(String(d.scheduledOn), lang, "short", w.today) }));
        if (d.requestedBy) parts.push(t(lang, d.requestedBy === "merchant" ? "byMerchant" : "byCustomer"));
        break;
      case "payment.succeeded":
      case "payment.failed": {
        const amount = d.amount as { amount: number; currency: string } | undefined;
        if (amount) parts.push(formatMoney(amount, lang));
        if (d.reason) parts.push(PAYMENT_FAILURE_LABELS[String(d.reason)]?.[lang] ?? String(d.reason));
        break;
      }
      case "usage.reported":
        // In the product's unit when the karte lists the subscription (「残り 20包」), as the stock line says it.
        if (typeof d.remainingUnits === "number") {
          const label = currentProduct(i, w)?.unitLabel ?? null;
          parts.push(tf(lang, "remaining", { n: d.remainingUnits, unit: unitWord(label, d.remainingUnits, lang) }));
        }
        if (typeof d.remainingPackages === "number") parts.push(tf(lang, "remainingPackages", { n: d.remainingPackages }));
        break;
    }
  } else if (i.kind === "cancel_flow") {
    parts.push(d.reason ? reasonLabel(d.reason, w) : t(lang, "noReasonGiven"));
    const kept = d.acceptedOffer as { title?: Record<Lang, string> } | null | undefined;
    if (kept?.title?.[lang]) parts.push(tf(lang, "keptWithOffer", { title: kept.title[lang] }));
    if (d.confirmationNumber) parts.push(tf(lang, "confirmationNo", { n: String(d.confirmationNumber) }));
  } else {
    const before = (d.before ?? {}) as Record<string, unknown>;
    const after = (d.after ?? {}) as Record<string, unknown>;
    // Each entry in the product it concerned: a swap names both; a change made while the plan
    // delivered another product than it does now names that one, so its quantities read right.
    const was = snapshotProduct(before);
    const became = snapshotProduct(after);
    const now = currentProduct(i, w);
    if (was && became && was.name !== became.name) parts.push(`${t(lang, "product")} ${was.name} → ${became.name}`);
    else if (became && now && (became.name !== now.name || (became.sku !== undefined && became.sku !== now.sku))) parts.push(`${t(lang, "product")} ${became.name}`);
    for (const f of Object.keys(PLAN_FIELD_LABELS) as (keyof typeof PLAN_FIELD_LABELS)[]) {
      if (f === "intervalDays") {
        // The cadence in words: 「30日ごと → 1ヶ月ごと」 (a monthly plan's snapshot has `intervalMonths`).
        const cadence = (x: Record<string, unknown>) => cadenceText({ intervalDays: Number(x.intervalDays), intervalMonths: typeof x.intervalMonths === "number" ? x.intervalMonths : null }, lang);
        if (!(f in after) || cadence(before) === cadence(after)) continue;
        parts.push(`${PLAN_FIELD_LABELS[f][lang]} ${f in before ? `${cadence(before)} → ` : ""}${cadence(after)}`);
        continue;
      }
      if (!(f in after) || before[f] === after[f]) continue;
      parts.push(`${PLAN_FIELD_LABELS[f][lang]} ${f in before ? `${fieldValue(f, before[f], was, w)} → ` : ""}${fieldValue(f, after[f], became, w)}`);
    }
    const source = (d.source ?? {}) as Record<string, unknown>;
    const previous = source.previousCancellation as { reason?: string | null } | undefined;
    if (previous?.reason) parts.push(tf(lang, "previously", { reason: reasonLabel(previous.reason, w) }));
    if (source.confirmationNumber) parts.push(tf(lang, "confirmationNo", { n: String(source.confirmationNumber) }));
    // A discount the change moved (plan-changes/discount): its last discounted delivery, before and after.
    const moved = source.discountMoved as { endsOn?: { from?: string | null; to?: string | null } } | undefined;
    if (moved?.endsOn?.from && moved.endsOn.to) parts.push(tf(lang, "discountMovedTo", { from: writeDate(moved.endsOn.from, lang, "short", w.today), to: writeDate(moved.endsOn.to, lang, "short", w.today) }));
    // A discount taken: how much, on which deliveries (what the operator promised the caller).
    const applied = source.application as { kind?: string; percentOff?: number | null; amountOff?: number | null; startsOn?: string; endsOn?: string } | undefined;
    if (applied?.kind === "discount" && applied.startsOn && applied.endsOn) {
      const currency = (after.unitPrice as { currency?: string } | undefined)?.currency ?? "JPY";
      const off = discountLabel({ percentOff: applied.percentOff ?? null, amountOff: applied.amountOff ?? null }, currency, lang);
      parts.push(tf(lang, "discountTerms", { off, from: writeDate(applied.startsOn, lang, "short", w.today), to: writeDate(applied.endsOn, lang, "short", w.today) }));
    }
  }
  // A customer with several plans: which one the line is about (「すっきり青汁：」), unless it names its product already.
  const product = w.subscriptions.length > 1 && i.subscriptionId ? currentProduct(i, w)?.name : undefined;
  // Nothing more to say (a delivery reported on its day, without a quantity): the product alone, no bare 「：」.
  if (product && parts.length === 0) return product;
  if (product && !parts.some((p) => p.includes(product))) return `${product}${lang === "ja" ? "：" : ": "}${parts.join(sep)}`;
  return parts.join(sep);
}

/** Who took a flow's step, as the operator says it: 「オペレーター 田中」, 「お客様ご自身」, 「ショップのシステム」. */
export function actorWords(actor: StepActor, lang: Lang): string {
  if (actor?.type === "operator") return tf(lang, "whoOperator", { name: asWritten(actor.name ?? actor.id ?? "") }).trim();
  if (actor?.type === "customer") return t(lang, "whoCustomer");
  return t(lang, "whoSystem");
}

/** The refusals that mean the flow on screen ended meanwhile: the karte says how, by whom and when ({@link endingWords}). */
export const ENDED_CODES: ReadonlySet<string> = new Set(["cancel_flow_saved", "cancel_flow_canceled", "cancel_flow_expired", "subscription_canceled", "cancel_flow_ended"]);

/**
 * A flow that ended meanwhile, in words the operator can say to the caller: what became of the
 * plan, who did it (the operator's name, the customer on the web…) and when, in the shop's time zone.
 */
export function endingWords(e: Ending, lang: Lang, timeZone: string): string {
  const at = when(e.at, lang, timeZone);
  // The customer on the web: 「お客様ご自身（Web）」, so the operator knows where it happened.
  const who = e.by?.type === "customer" ? (lang === "ja" ? `${actorWords(e.by, lang)}（${channelName(e.channel, lang)}）` : `${actorWords(e.by, lang)} (${channelName(e.channel, lang)})`) : actorWords(e.by, lang);
  switch (e.how) {
    case "canceled":
    case "plan_canceled":
      return tf(lang, "endedCanceled", { at, who, n: e.confirmationNumber ?? "—" });
    case "saved_by_offer":
      return tf(lang, "endedSavedByOffer", { at, who });
    case "saved_by_change":
      return tf(lang, "endedSavedByChange", { at, who });
    case "superseded":
      return tf(lang, "endedSuperseded", { at, who });
    case "left":
      return tf(lang, "endedLeft", { at, who });
    case "expired":
      return tf(lang, "endedExpired", { at });
  }
}

/**
 * The plan's open cancel flow, continued: where it is (started when, on which channel, by whom),
 * the reason and comment given, and the offers already shown with whether they can still be taken.
 */
function OpenFlow(props: { flow: Continuation; words: Words; timeZone: string }) {
  const { flow, words } = props;
  const lang = words.lang;
  const at = (iso: string) => when(iso, lang, props.timeZone);
  return (
    <div class="open-flow" role="region" aria-labelledby="open-flow-title">
      <h3 id="open-flow-title">
        {t(lang, flow.status === "offered" ? "flowOpenTitleOffered" : "flowOpenTitleOpen")}
      </h3>
      <p class="note">{tf(lang, "flowOpenContinue", { channel: channelName(flow.channel, lang) })}</p>
      <dl class="disclosures">
        <dt>{t(lang, "flowStartedLabel")}</dt>
        <dd data-flow="started">{
          // An operator's own flow names the operator; another channel's says who was on it (the customer on the web…).
          flow.channel === "operator" && flow.startedBy?.type === "operator"
            ? tf(lang, "flowStartedByOperator", { at: at(flow.startedAt), who: actorWords(flow.startedBy, lang) })
            : tf(lang, "flowStartedValue", { at: at(flow.startedAt), channel: channelName(flow.channel, lang), who: actorWords(flow.startedBy, lang) })
        }</dd>
        <dt>{t(lang, "flowReasonLabel")}</dt>
        <dd data-flow="reason">
          {flow.reason ? tf(lang, "flowReasonValue", { reason: reasonLabel(flow.reason, words), at: at(flow.reasonAt ?? flow.startedAt), who: actorWords(flow.reasonBy, lang) }) : t(lang, "flowNoReasonYet")}
        </dd>
        {flow.comment ? (
          <>
            <dt>{t(lang, "flowCommentLabel")}</dt>
            <dd data-flow="comment">{lang === "ja" ? `「${asWritten(flow.comment)}」` : `“${asWritten(flow.comment)}”`}</dd>
          </>
        ) : null}
        {flow.reason ? (
          <>
            <dt>{t(lang, "flowOffersLabel")}</dt>
            <dd data-flow="offers">
              {flow.offers.length > 0 ? (
                <>
                  {flow.offers.map((o) => o.title[lang] ?? "").join(lang === "ja" ? "、" : ", ")}
                  {flow.offersHonoured ? <p>{tf(lang, "flowOffersHonoured", { at: at(flow.reasonAt ?? flow.startedAt), channel: channelName(flow.reasonChannel ?? flow.channel, lang) })}</p> : null}
                </>
              ) : flow.declinedOffer ? (
                <DeclinedLately flow={flow} words={words} timeZone={props.timeZone} />
              ) : (
                t(lang, "flowNoOffers")
              )}
            </dd>
          </>
        ) : null}
      </dl>
    </div>
  );
}

/** One offer in NO_REPEAT_OFFER_DAYS on any channel: which one the caller did not take, and when, to say truthfully if asked. */
function DeclinedLately(props: { flow: Continuation; words: Words; timeZone: string; start?: boolean }) {
  const lang = props.words.lang;
  const d = props.flow.declinedOffer;
  if (!d) return null;
  const at = (iso: string) => when(iso, lang, props.timeZone);
  return (
    <p data-flow="declined" {...startHere(props.start)}>
      {tf(lang, "flowDeclinedLately", { title: d.title[lang] ?? d.title.ja ?? d.offerId, at: at(d.shownAt), channel: channelName(d.channel, lang), again: at(d.offersAgainFrom), days: NO_REPEAT_OFFER_DAYS })}
    </p>
  );
}

/**
 * A subscription named in a panel's heading: the product, and what tells two of the same product
 * apart — its id and next delivery (or its status when none is planned).
 */
function SubName(props: { sub: Sub; page: PageContext }) {
  const { sub, page } = props;
  const lang = page.lang;
  const detail = sub.nextDeliveryOn
    ? tf(lang, "subHeading", { id: sub.id, date: writeDate(sub.nextDeliveryOn, lang, "short", page.today) })
    : tf(lang, "subHeadingNoDelivery", { id: sub.id, status: STATUS_LABELS[sub.status]?.[lang] ?? sub.status });
  return (
    <>
      {sub.product.name} <small class="sub-id">{lang === "ja" ? `（${detail}）` : `(${detail})`}</small>
    </>
  );
}

/** 「解約リスク（水素水 500ml×24本）」 / "Churn risk (…)": a block about one of several plans says which. */
const about = (label: string, plan: string | null, lang: Lang) => (plan === null ? label : lang === "ja" ? `${label}（${plan}）` : `${label} (${plan})`);

/**
 * The lookup's line as the operator reads it: its product names as the shop writes them (「30ml」),
 * not as a voice says them (「30ミリリットル」, risk/spoken), whole or without the size.
 */
export function writtenLine(line: string, subs: readonly { product: { name: string } }[]): string {
  for (const s of subs) {
    for (const name of new Set([s.product.name, shortName(s.product.name)])) {
      for (const l of ["ja", "en"] as const) {
        const said = spokenName(name, l);
        if (said !== name && line.includes(said)) line = line.split(said).join(name);
      }
    }
  }
  return line;
}

/** 「36（中）」 / "36 (medium)". */
const scoreWithBand = (r: { score: number; band: string }, lang: Lang) => (lang === "ja" ? `${r.score}（${bandName(r.band, lang)}）` : `${r.score} (${bandName(r.band, lang)})`);

/**
 * What cancelling now means, as the portal shows it before confirming: the end date (解約日) and
 * whether the next delivery (with its date) stops or still ships. The cut-off rule and the charges
 * follow in the cancel box.
 */
function Disclosures(props: { lang: Lang; info: CancellationInfo; today: string }) {
  const { lang, info } = props;
  const next = info.cutoff.nextDeliveryOn;
  return (
    <dl class="disclosures" aria-label={t(lang, "disclosures")}>
      {info.effectiveOnIfCanceledNow ? (
        <>
          <dt>{t(lang, "canceledOn")}</dt>
          <dd data-disclosure="effective-on">{writeDate(info.effectiveOnIfCanceledNow, lang, "full", props.today)}</dd>
        </>
      ) : null}
      {next ? (
        <>
        <dt>{t(lang, "nextDelivery")}</dt>
        <dd data-disclosure="next-delivery">{tf(lang, info.cutoff.nextDeliveryStoppedIfCanceledNow === false ? "nextDeliveryShips" : "nextDeliveryStops", { date: writeDate(next, lang, "full", props.today) })}</dd>
        </>
      ) : null}
    </dl>
  );
}

/**
 * The disclosures as sentences for the caller, in `read` (their language), and the step after. Pure words: no API text.
 * A total with a delivery in it is said with the shop's tax basis first (「合計、税込3,980円」); a fee alone as disclosed.
 */
export function readOutScript(read: Lang, info: CancellationInfo, today: string, pricesIncludeTax: boolean, plan?: Pick<Sub, "intervalDays" | "intervalMonths" | "deliveryDay"> | null): string[] {
  const date = (d: string) => writeDate(d, read, "full", today);
  const lines: string[] = [];
  if (info.effectiveOnIfCanceledNow) lines.push(tf(read, "scriptEnd", { date: date(info.effectiveOnIfCanceledNow) }));
  const next = info.cutoff.nextDeliveryOn;
  if (next) lines.push(tf(read, info.cutoff.nextDeliveryStoppedIfCanceledNow === false ? "scriptShips" : "scriptStops", { date: date(next) }));
  const charges = info.chargesIfCanceledNow;
  if (charges.length === 0) lines.push(t(read, "scriptNoCharges"));
  else {
    const currency = charges[0]!.amount.currency;
    // Why the fee, before its amount (消費者契約法 §9(2)): the caller hears what the web customer reads.
    const c = info.commitment;
    const fee = charges.find((x) => x.type === "early_cancellation_fee");
    let remaining = 0;
    if (fee && c?.minDeliveries !== undefined && c.deliveriesCompleted !== undefined) {
      // A delivery inside the cut-off still ships, and counts.
      const ships = next !== null && info.cutoff.nextDeliveryStoppedIfCanceledNow === false;
      const counted = c.deliveriesCompleted + (ships ? 1 : 0);
      remaining = Math.max(0, c.minDeliveries - counted);
      lines.push(tf(read, "scriptFeeBasis", { min: String(c.minDeliveries), counted: String(counted), remaining: String(remaining) }));
    }
    if (fee && charges.length === 1) lines.push(tf(read, "scriptFeeOnly", { amount: formatMoney(fee.amount, read) }));
    else {
      const basis = charges.some((c) => c.type === "final_delivery") ? { taxIncluded: pricesIncludeTax, spoken: true } : undefined;
      lines.push(tf(read, "scriptCharges", { total: formatMoney({ amount: charges.filter((c) => c.amount.currency === currency).reduce((n, c) => n + c.amount.amount, 0), currency }, read, basis) }));
      if (fee) lines.push(tf(read, "scriptFee", { amount: formatMoney(fee.amount, read) }));
    }
    if (fee && remaining > 0) {
      // The way to avoid the fee, as the cancel box (and the my-page) says it: the caller hears it too, before agreeing.
      // The next delivery kept: the next one when cancelling now stops it, else the one after (as cancel-flows/terms).
      const ships = next !== null && info.cutoff.nextDeliveryStoppedIfCanceledNow === false;
      const kept = next === null ? null : !ships ? next : plan?.intervalDays ? addCycles(next, { intervalDays: plan.intervalDays, intervalMonths: plan.intervalMonths ?? null, deliveryDay: plan.deliveryDay ?? null }, 1) : null;
      lines.push(tf(read, kept ? "scriptFeeAvoidOn" : "scriptFeeAvoid", { remaining: String(remaining), date: kept ? date(kept) : "" }));
    }
    if (fee) lines.push(t(read, "scriptFeeAgree"));
  }
  lines.push(t(read, "scriptConfirm"));
  return lines;
}

/** A talk track's spoken part — the opening, what to ask, what to say — in `spoken`; headings in the operator's `lang`. */
function SpokenTrack(props: { lang: Lang; track: TalkTrack; spoken: Lang }) {
  const { lang, track, spoken } = props;
  return (
    <div lang={spoken} data-talk-in={spoken}>
      <p>{track.opening}</p>
      <h5 lang={lang}>{t(lang, "ask")}</h5>
      <ul>
        {track.questions.map((q) => (
          <li>{q}</li>
        ))}
      </ul>
      <h5 lang={lang}>{t(lang, "say")}</h5>
      <p>{track.pitch}</p>
    </div>
  );
}

/** The read-out script in the caller's language, and in the operator's when that differs. */
function ReadOut(props: { lang: Lang; read: Lang; info: CancellationInfo; today: string; pricesIncludeTax: boolean; plan: Sub }) {
  const { lang, read } = props;
  return (
    <div class="talk read-out">
      <h4>{tf(lang, "readOut", { lang: t(lang, `langName_${read}`) })}</h4>
      <p lang={read} data-read-out={read}>
        {readOutScript(read, props.info, props.today, props.pricesIncludeTax, props.plan).join(read === "ja" ? "" : " ")}
      </p>
      {read !== lang ? (
        <details>
          <summary>{tf(lang, "readOutIn", { lang: t(lang, `langName_${lang}`) })}</summary>
          <p lang={lang}>{readOutScript(lang, props.info, props.today, props.pricesIncludeTax, props.plan).join(lang === "ja" ? "" : " ")}</p>
        </details>
      ) : null}
    </div>
  );
}

export function KartePage(props: { page: PageContext; data: KarteData; search: string }) {
  const { page, data } = props;
  const lang = page.lang;
  const { customer, focus, unread } = data;
  const riskOf = (id: string) => data.risk?.subscriptions.find((r) => r.subscriptionId === id) ?? null;
  // Left out of profiling: said in the operator's words, so an empty risk is not read as "no risk".
  const notScored = data.risk?.notScoredReason === "profiling_opt_out";
  // A canceled subscription has no churn risk to speak of: it shows its cancellation instead.
  const live = focus !== null && focus.status !== "canceled";
  const focusRisk = focus && live ? riskOf(focus.id) : null;
  const words: Words = { lang, today: page.today, timeZone: page.timeZone, reasons: data.reasons, subscriptions: data.subscriptions };
  // The latest contact, for the operator picking up a customer someone else spoke to (the timeline is newest first).
  const lastContact = data.timeline.find((i) => i.kind === "event" && i.type === "contact.logged") ?? null;
  // The lookup speaks of the plan most at risk; the operator may be on another (the caller said which).
  // A block about one plan names it, and the line to greet with is shown only while it is about the plan on screen.
  const nba = data.lookup?.nextBestAction ?? null;
  const nbaPlan = nba?.subscriptionId ? (data.subscriptions.find((s) => s.id === nba.subscriptionId) ?? null) : null;
  const lookupPlan = data.lookup?.risk?.subscriptionId ?? nba?.subscriptionId ?? null;
  const greetingFits = focus === null || lookupPlan === null || lookupPlan === focus.id;
  const back = `${karteHref(customer.id, focus?.id)}${data.reason ? `&reason=${encodeURIComponent(data.reason)}` : ""}`;
  const hidden = (
    <>
      <input type="hidden" name="csrf" value={page.csrf} />
      <input type="hidden" name="customer" value={customer.id} />
      {focus ? <input type="hidden" name="sub" value={focus.id} /> : null}
      {data.reason ? <input type="hidden" name="reason" value={data.reason} /> : null}
    </>
  );
  // 「提案を表示」's answer, where focus starts so it is heard at once (the page reloads): the offers, or
  // why there are none — an offer declined lately, none for the reason, the offers unread just now.
  const declinedLately = !!(data.flow && data.flowJustOpened && data.flow.offers.length === 0 && data.flow.declinedOffer);
  const answer = !data.offersJustShown || !data.reason ? null : unread.offers ? "unread" : data.offers.length > 0 ? "offers" : declinedLately ? "declined" : data.offersFlow ? "none" : null;
  // Else the caller's name, as on a screen pop: the next Tab is in the karte, not back in the header (a refused date focuses its field).
  const startsAtName = answer === null && !data.fieldRefusal;
  return (
    <Layout page={page} title={`${t(lang, "karte")}: ${customer.name ?? customer.id}`} search={props.search}>
      {data.notice ? (
        <p class="notice" role="status">
          {data.notice}
        </p>
      ) : null}
      {data.error ? (
        <p class="error" role="alert">
          {t(lang, "error")}: {data.error}
        </p>
      ) : null}
      <div class="karte">
        <section aria-labelledby="who" class="panel">
          <h1 id="who" {...startHere(startsAtName)}>
            {customer.name ?? customer.id} {customer.nameKana ? <small class="kana">{customer.nameKana}</small> : null} <small>({customer.id})</small>
          </h1>
          <dl>
            <dt>{t(lang, "contact")}</dt>
            <dd>
              {customer.phone ? displayPhone(customer.phoneExtension ? `${customer.phone} ext. ${customer.phoneExtension}` : customer.phone, lang) : "—"} / {customer.email ?? "—"}
              {data.sharedPhone ? <p class="shared-phone">{t(lang, "sharedPhone")}</p> : null}
            </dd>
            {data.lookup ? (
              <>
                <dt>{t(lang, "route")}</dt>
                <dd>{ROUTE_LABELS[data.lookup.route]?.[lang] ?? data.lookup.route}</dd>
                <dt>{about(t(lang, "nextBestAction"), nbaPlan?.product.name ?? null, lang)}</dt>
                <dd>
                  {nba ? (nba.title ?? nba.type) : t(lang, "none")}
                  {/* Another plan's: one click to it, rather than offered beside the plan the caller is about. */}
                  {nbaPlan && focus && nbaPlan.id !== focus.id ? (
                    <>
                      {" "}
                      <a href={karteHref(customer.id, nbaPlan.id)}>{t(lang, "openThatPlan")}</a>
                    </>
                  ) : null}
                </dd>
              </>
            ) : null}
          </dl>
          {data.lookup && greetingFits ? <p class="speech">{writtenLine(data.lookup.speech, data.subscriptions)}</p> : null}
          {lastContact ? (
            <p class="last-contact">
              {t(lang, "lastContact")}: <time datetime={lastContact.at}>{when(lastContact.at, lang, page.timeZone)}</time> {entryTitle(lastContact, lang)} {describe(lastContact, words)}
            </p>
          ) : null}
          {/* What the call is likely about, before the plans: read before answering (a laptop's first screen). */}
          {live && unread.risk ? (
            <>
              <h2>{t(lang, "risk")}</h2>
              <UnreadNote lang={lang} part="risk" unread={unread.risk} />
            </>
          ) : null}
          {live && notScored ? (
            <section class="not-scored" aria-labelledby="not-scored-title">
              <h2 id="not-scored-title">{t(lang, "notScoredTitle")}</h2>
              <p>{t(lang, "notScoredProfiling")}</p>
            </section>
          ) : null}
          {focusRisk ? (
            <>
              <h2>
                {about(t(lang, "risk"), focus!.product.name, lang)}: {focusRisk.score} <span class={`band ${focusRisk.band}`}>{bandName(focusRisk.band, lang)}</span>
              </h2>
              {focusRisk.drivers.some((d) => d.contribution > 0) ? (
                <>
                  <h3>{t(lang, "drivers")}</h3>
                  <ul>
                    {focusRisk.drivers.filter((d) => d.contribution > 0).slice(0, 5).map((d) => (
                      <li>{d.label}</li>
                    ))}
                  </ul>
                </>
              ) : null}
              {focusRisk.flags.length > 0 ? (
                <p>
                  {t(lang, "flags")}:{" "}
                  {focusRisk.flags.map((f) => (
                    <strong class="flag">{FLAG_LABELS[f]?.[lang] ?? f}</strong>
                  ))}
                </p>
              ) : null}
              {focusRisk.flags.map((f) => (FLAG_GUIDANCE[f] ? <p class="flag-guidance">{FLAG_GUIDANCE[f][lang]}</p> : null))}
            </>
          ) : null}
          <h2>{t(lang, "subscriptions")}</h2>
          {/* In a karte column (about 400 px at 1366): interval, quantity and price fold under the product's name (console.css), so the next delivery, status, terms and risk are in view without scrolling sideways. */}
          <div class="scroll plans">
          <table>
            <thead>
              <tr>
                <th scope="col">{t(lang, "product")}</th>
                <th scope="col" class="terms">{t(lang, "interval")}</th>
                <th scope="col" class="terms">{t(lang, "quantity")}</th>
                <th scope="col" class="terms">{priceLabel(lang, data.pricesIncludeTax)}</th>
                <th scope="col">{t(lang, "nextDelivery")}</th>
                <th scope="col">{t(lang, "status")}</th>
                <th scope="col">{t(lang, "commitment")}</th>
                <th scope="col">{t(lang, "risk")}</th>
              </tr>
            </thead>
            <tbody>
              {data.subscriptions.map((s) => {
                const r = riskOf(s.id);
                return (
                  <tr class={focus?.id === s.id ? "focus" : ""}>
                    <th scope="row">
                      {/* The id inside the link: two plans of one product are two links of two names, in a screen reader's list of links too. */}
                      <a href={karteHref(customer.id, s.id)} aria-current={focus?.id === s.id ? "true" : undefined}>
                        {s.product.name} <small>{s.id}</small>
                      </a>
                      <span class="plan-terms">
                        {cadenceText(s, lang)} · {quantityText(s, lang)} · <DeliveryPrice sub={s} lang={lang} today={page.today} pricesIncludeTax={data.pricesIncludeTax} />
                      </span>
                    </th>
                    <td class="terms">{cadenceText(s, lang)}</td>
                    <td class="terms">{quantityText(s, lang)}</td>
                    <td class="price terms">
                      <DeliveryPrice sub={s} lang={lang} today={page.today} pricesIncludeTax={data.pricesIncludeTax} />
                    </td>
                    <td>{s.nextDeliveryOn ? writeDate(s.nextDeliveryOn, lang, "short", page.today) : "—"}</td>
                    <td>{STATUS_LABELS[s.status]?.[lang] ?? s.status}</td>
                    <td>
                      {s.commitment
                        ? `${s.deliveriesCompleted}/${s.commitment.minDeliveries}${s.commitment.earlyCancellationFee ? ` · ${formatMoney(s.commitment.earlyCancellationFee, lang)}` : ""}`
                        : "—"}
                    </td>
                    <td>{s.status === "canceled" ? "—" : r ? scoreWithBand(r, lang) : notScored ? t(lang, "notScoredShort") : unread.risk ? t(lang, "notReadShort") : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          </div>
        </section>

        {focus && live && unread.planOptions ? (
          <section aria-labelledby="plan" class="panel plan">
            <h2 id="plan">
              {t(lang, "planChanges")}: <SubName sub={focus} page={page} />
            </h2>
            <UnreadNote lang={lang} part="planOptions" unread={unread.planOptions} />
          </section>
        ) : null}
        {focus && data.planOptions && focus.status !== "canceled" ? <PlanChanges page={page} sub={focus} options={data.planOptions} customerId={customer.id} reason={data.reason} openFlow={data.openFlow} offersFlow={data.offersFlow} refused={data.fieldRefusal} /> : null}

        {focus && !live ? <Cancellation page={page} sub={focus} words={words} timeline={data.timeline} /> : null}

        {focus && !live && unread.winback ? (
          <section aria-labelledby="winback" class="panel winback">
            <h2 id="winback">
              {t(lang, "winbackPanel")}: {focus.product.name}
            </h2>
            <UnreadNote lang={lang} part="winback" unread={unread.winback} />
          </section>
        ) : null}
        {focus && !live && data.winback ? <WinbackPanel page={page} product={focus.product.name} winback={data.winback} /> : null}

        {focus && !live && data.reactivation ? <Reactivate page={page} sub={focus} window={data.reactivation} customerId={customer.id} comebacks={comebackChoices(data.winback)} winback={data.winback} closedDates={data.closedDates} /> : null}

        {focus && live ? (
          <section aria-labelledby="retention" class="panel">
            <h2 id="retention">
              {t(lang, "retention")}: <SubName sub={focus} page={page} />
            </h2>
            {/* A flow opened earlier (another call, the my-page, the IVR) is told as such; not the one this page's 「提案を表示」 just opened. */}
            {data.flow && !data.flowJustOpened ? <OpenFlow flow={data.flow} words={words} timeZone={page.timeZone} /> : null}
            {/* Still said for it: why no offer (one declined lately, on any channel). */}
            {data.flow && data.flowJustOpened && data.flow.offers.length === 0 ? <DeclinedLately flow={data.flow} words={words} timeZone={page.timeZone} start={answer === "declined"} /> : null}
            {/* Posted: the API's reason step decides the offers (at most the shop's offersPerFlow) and records them as shown —
                in the open flow when there is one (`flow`); a flow with its reason is only ever replaced on purpose (`restart`). */}
            <form method="post" action="/console/reason" class="row">
              <input type="hidden" name="csrf" value={page.csrf} />
              <input type="hidden" name="customer" value={customer.id} />
              <input type="hidden" name="sub" value={focus.id} />
              <input type="hidden" name="version" value={String(focus.version)} />
              <input type="hidden" name="attempt" value={crypto.randomUUID()} />
              <input type="hidden" name="flow" value={data.flow?.flowId ?? ""} />
              {data.flow?.reason ? <input type="hidden" name="restart" value="1" /> : null}
              <label for="reason">{t(lang, data.flow?.reason ? "restartReason" : "reason")}</label>
              <select id="reason" name="reason" aria-describedby={data.flow?.reason ? "restart-note" : undefined}>
                <option value="">—</option>
                {data.reasons.map((r) => (
                  <option value={r.code} selected={!data.flow?.reason && r.code === data.reason}>
                    {r.label}
                  </option>
                ))}
              </select>
              <button type="submit">{t(lang, data.flow?.reason ? "restart" : "showOffers")}</button>
            </form>
            {data.flow?.reason ? <p class="note" id="restart-note">{t(lang, "restartNote")}</p> : null}
            {unread.reasons ? <UnreadNote lang={lang} part="reasons" unread={unread.reasons} /> : null}

            {/* The offers first, then the cancellation (with the record of which one was presented) right after them: never hidden behind. */}
            {data.reason && unread.offers ? <UnreadNote lang={lang} part="offers" unread={unread.offers} start={answer === "unread"} /> : null}
            {data.reason && !data.offersFlow && !data.flow?.reason && !unread.offers ? <p>{t(lang, "offersAsk")}</p> : null}
            {data.reason && data.offersFlow && data.offers.length === 0 ? <p {...startHere(answer === "none")}>{t(lang, "noOffersForReason")}</p> : null}
            {data.reason && data.offers.length > 0 ? (
              <>
                {/* Focused after 「提案を表示」 (console.ts): the offers are read first, not 40 stops down. A screen pop
                    continuing a flow starts at the caller's name, as any karte: the open flow is read before its offers. */}
                <h3 id="offers-title" tabindex={-1} {...(answer === "offers" ? { "data-autofocus": "" } : {})}>
                  {t(lang, "offers")}
                </h3>
                <ol class="offers">
                  {data.offers.map((o) => {
                    const call = planCallFor(o);
                    return (
                      <li class="offer">
                        <h4>{o.title}</h4>
                        <p class="description">{o.description}</p>
                        <p class="rate">
                          {t(lang, "observedSaveRate")}:{" "}
                          <strong>
                            {o.observedSaveRate && o.observedSaveRate.rate !== null
                              ? `${percent(shareOf(o.observedSaveRate.accepted, o.observedSaveRate.accepted + o.observedSaveRate.declined))} (${o.observedSaveRate.accepted}/${o.observedSaveRate.accepted + o.observedSaveRate.declined})`
                              : t(lang, "noAnswersYet")}
                          </strong>
                        </p>
                        {o.talkTrack ? (
                          <details open class="talk">
                            <summary>{t(lang, "talkTrack")}</summary>
                            {/* What is said to the caller, in the caller's language (as the cancellation's read-out); the operator's one click away. */}
                            {o.talkTrackRead ? (
                              <>
                                <h5>{tf(lang, "readOut", { lang: t(lang, `langName_${data.disclosureLang}`) })}</h5>
                                <SpokenTrack lang={lang} track={o.talkTrackRead} spoken={data.disclosureLang} />
                                <details>
                                  <summary>{tf(lang, "readOutIn", { lang: t(lang, `langName_${lang}`) })}</summary>
                                  <SpokenTrack lang={lang} track={o.talkTrack} spoken={lang} />
                                </details>
                              </>
                            ) : (
                              <SpokenTrack lang={lang} track={o.talkTrack} spoken={lang} />
                            )}
                            <h5>{t(lang, "avoid")}</h5>
                            <ul>
                              {o.talkTrack.notes.map((n) => (
                                <li>{n}</li>
                              ))}
                            </ul>
                          </details>
                        ) : null}
                        {/* Taking it and cancelling side by side, equally prominent (one save offer, then a way to cancel). */}
                        <div class="choices">
                          <form method="post" action="/console/apply">
                            {hidden}
                            <input type="hidden" name="flow" value={data.offersFlow ?? ""} />
                            <input type="hidden" name="offerId" value={o.offerId} />
                            <input type="hidden" name="version" value={String(focus.version)} />
                            <input type="hidden" name="attempt" value={crypto.randomUUID()} />
                            <button type="submit" class="primary">
                              {t(lang, call ? "apply" : "acceptOffer")}: {o.title}
                            </button>
                          </form>
                          {data.cancellation ? (
                            <a href="#cancel-title" class="button primary" data-cancel-instead="">
                              {t(lang, "cancelInstead")}
                            </a>
                          ) : null}
                        </div>
                      </li>
                    );
                  })}
                </ol>
              </>
            ) : null}

            {unread.cancellation ? (
              <div class="cancel">
                <h3 id="cancel-title">{t(lang, "cancel")}</h3>
                <UnreadNote lang={lang} part="cancellation" unread={unread.cancellation} />
              </div>
            ) : null}

            {data.cancellation ? (
              <form method="post" action="/console/cancel" class="cancel" aria-labelledby="cancel-title">
                {hidden}
                <h3 id="cancel-title" tabindex={-1}>{t(lang, "cancel")}</h3>
                <Disclosures lang={lang} info={data.cancellation} today={page.today} />
                <p>{data.cancellation.cutoff.rule}</p>
                {data.cancellation.chargesIfCanceledNow.length > 0 ? (
                  <ul aria-label={t(lang, "charges")}>
                    {data.cancellation.chargesIfCanceledNow.map((ch) => (
                      <li>
                        <strong>{formatMoney(ch.amount, lang, ch.type === "final_delivery" ? { taxIncluded: data.pricesIncludeTax } : undefined)}</strong> — {ch.basis}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p>{t(lang, "noCharges")}</p>
                )}
                {data.cancellation.commitment?.acknowledgeFeeRequired ? (
                  <p>
                    <input type="checkbox" id="ack" name="acknowledgeFee" value="true" required data-required-message={t(lang, "feeRequired")} />{" "}
                    <label for="ack">{t(lang, "feeReadOut")}</label>
                  </p>
                ) : null}
                <ReadOut lang={lang} read={data.disclosureLang} info={data.cancellation} today={page.today} pricesIncludeTax={data.pricesIncludeTax} plan={focus} />
                <p class="row">
                  <label for="disclosed-in">{t(lang, "disclosedIn")}</label>
                  <select id="disclosed-in" name="disclosedIn">
                    {(["ja", "en"] as const).map((l) => (
                      <option value={l} selected={l === data.disclosureLang}>
                        {t(lang, `langName_${l}`)}
                      </option>
                    ))}
                  </select>
                </p>
                <p class="row">
                  <label for="call-started">{t(lang, "callStartedAt")}</label>
                  <input type="time" id="call-started" name="callStartedAt" />
                  <label for="call-id">{t(lang, "callId")}</label>
                  <input type="text" id="call-id" name="callId" maxlength={128} autocomplete="off" />
                </p>
                {data.offers.length > 0 ? (
                  // The flow recorded them as shown when they came on screen; confirming records them declined.
                  <p>{tf(lang, "offersShownDeclined", { titles: data.offers.map((o) => o.title).join("、") })}</p>
                ) : null}
                {unread.exitSurvey ? <UnreadNote lang={lang} part="exitSurvey" unread={unread.exitSurvey} /> : null}
                {data.exitSurvey ? <SurveyFields lang={lang} survey={data.exitSurvey} /> : null}
                <input type="hidden" name="version" value={String(focus.version)} />
                {/* One operator action: its calls' Idempotency-Keys, the same when the console sends it again. */}
                <input type="hidden" name="attempt" value={crypto.randomUUID()} />
                {/* The open flow on screen (any channel): confirming confirms it, with its reason and offers. */}
                {data.flow ? <input type="hidden" name="flow" value={data.flow.flowId} /> : null}
                <button type="submit" class="danger" id="confirm-cancel">
                  {t(lang, "confirmCancel")}
                </button>
              </form>
            ) : null}

          </section>
        ) : null}

        <section aria-labelledby="kb" class="panel">
          <h2 id="kb">{t(lang, "knowledgeFor")}</h2>
          {unread.knowledge ? <UnreadNote lang={lang} part="knowledge" unread={unread.knowledge} /> : <KnowledgeList lang={lang} csrf={page.csrf} entries={data.knowledge} back={back} level={3} />}
        </section>

        <section aria-labelledby="log" class="panel">
          <h2 id="log">{t(lang, "logContact")}</h2>
          <form method="post" action="/console/contact" class="stack">
            {hidden}
            <label for="topic">{t(lang, "topic")}</label>
            <select id="topic" name="topic">
              {CONTACT_TOPICS.map((x) => (
                <option value={x}>{TOPIC_LABELS[x]![lang]}</option>
              ))}
            </select>
            <label for="sentiment">{t(lang, "sentiment")}</label>
            <select id="sentiment" name="sentiment">
              {SENTIMENTS.map((x) => (
                <option value={x} selected={x === "neutral"}>
                  {SENTIMENT_LABELS[x]![lang]}
                </option>
              ))}
            </select>
            <label for="note">{t(lang, "note")}</label>
            {/* Kept as typed (console.ts, sessionStorage per customer) until saved: back after a session ends. */}
            <textarea id="note" name="note" rows={2} maxlength={2000} data-keep={`note:${customer.id}`}></textarea>
            <button type="submit">{t(lang, "save")}</button>
          </form>
        </section>

        <section aria-labelledby="tl" class="panel">
          <h2 id="tl">{t(lang, "timeline")}</h2>
          {unread.timeline ? (
            <UnreadNote lang={lang} part="timeline" unread={unread.timeline} />
          ) : (
          <ol class="timeline">
            {data.timeline.map((i) => (
              <li>
                <time datetime={i.at}>{when(i.at, lang, page.timeZone)}</time> <span class="kind">{entryTitle(i, lang)}</span> <span>{describe(i, words)}</span>
              </li>
            ))}
          </ol>
          )}
        </section>
      </div>
    </Layout>
  );
}

/** The shop's knowledge entries; each titled one heading level below the section it sits in (`level`: 2 under the page's h1, 3 under a karte panel's h2). */
export function KnowledgeList(props: { lang: Lang; csrf: string; entries: KnowledgeEntry[]; back: string; level: 2 | 3 }) {
  const { lang } = props;
  if (props.entries.length === 0) return <p>{t(lang, "noKnowledge")}</p>;
  return (
    <ul class="knowledge">
      {props.entries.map((e) => (
        <li class="entry" data-entry={e.id}>
          {props.level === 2 ? (
            <h2>
              {e.title[lang]} {e.new ? <span class="new">{t(lang, "newEntry")}</span> : null}
            </h2>
          ) : (
            <h3>
              {e.title[lang]} {e.new ? <span class="new">{t(lang, "newEntry")}</span> : null}
            </h3>
          )}
          <p>{e.body[lang]}</p>
          <form method="post" action="/console/knowledge/use" class="use">
            <input type="hidden" name="csrf" value={props.csrf} />
            <input type="hidden" name="entryId" value={e.id} />
            <input type="hidden" name="back" value={props.back} />
            <button type="submit" aria-label={`${t(lang, "markUsed")}: ${e.title[lang]}`}>
              {t(lang, "markUsed")}
            </button>{" "}
            <span class="uses" data-uses={String(e.uses)}>
              {tf(lang, "uses", { n: e.uses })}
            </span>
          </form>
        </li>
      ))}
    </ul>
  );
}
