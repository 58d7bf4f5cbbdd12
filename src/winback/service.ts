/**
 * Win-back records as the rest of the service writes them: the exit survey, keep-in-touch answers
 * with their evidence, one `winbacks` row per cancellation (scored, holdout drawn), contacts and
 * reactivations. Every function takes a TenantStore and runs inside the caller's transaction.
 */
import { and, desc, eq, gte, isNotNull, isNull, sql } from "drizzle-orm";
import type { Language } from "../platform/localized-text";
import { contactConsents, customers, events, exitSurveys, subscriptions, winbackModels, winbacks } from "../db/schema";
import { newId } from "../platform/crypto";
import type { ConsentSource } from "../platform/consent-source";
import { addDays, localDate, maxDate } from "../platform/dates";
import { inList, type TenantStore } from "../platform/tenancy";
import { dropUndelivered } from "../webhooks/outbox";
import type { TenantSettings } from "../settings/schemas";
import type { SubscriptionRow } from "../subscriptions/repository";
import { decideComebacks } from "./decide";
import { annualValue, DEFAULT_WINBACK_MODEL, recoveredValue, scoreWinback, storedWinbackFeatures, WINBACK_HORIZON_DAYS, type WinbackFeatures, type WinbackModel } from "./model";
import { DEFAULT_EXIT_SURVEY, DEFAULT_KEEP_IN_TOUCH, namedComeback, withoutFreeText, type ExitSurvey, type ExitSurveyQuestion, type SurveyAnswer } from "./survey";

export type WinbackRow = typeof winbacks.$inferSelect;
type CustomerRow = typeof customers.$inferSelect;

export async function loadSurvey(store: TenantStore): Promise<ExitSurvey> {
  const row = await store.find(exitSurveys);
  if (!row) return { questions: DEFAULT_EXIT_SURVEY, keepInTouchWording: DEFAULT_KEEP_IN_TOUCH, custom: false };
  return { questions: row.questions as ExitSurveyQuestion[], keepInTouchWording: row.keepInTouchWording, custom: true };
}

export async function saveSurvey(store: TenantStore, survey: Omit<ExitSurvey, "custom">, at: string): Promise<ExitSurvey> {
  await store.write(async (s) => {
    await s.delete(exitSurveys);
    await s.insert(exitSurveys, { questions: survey.questions, keepInTouchWording: survey.keepInTouchWording, updatedAt: at });
  });
  return { ...survey, custom: true };
}

/**
 * Whether the shop may contact the customer after cancelling: their keep-in-touch answer, or
 * without one their marketing consent — and only while there is a way to reach them, they were
 * not erased and they have not objected to profiling (win-back contact is chosen by a score).
 */
export function isContactable(c: Pick<CustomerRow, "keepInTouch" | "marketingConsent" | "email" | "phone" | "erasedAt" | "profilingOptOut">): boolean {
  return (c.keepInTouch ?? c.marketingConsent) === true && (c.email !== null || c.phone !== null) && c.erasedAt === null && !c.profilingOptOut;
}

/**
 * The customer's columns `isContactable` reads, for a select that left-joins the customer beside
 * other tables (winback/due, webhooks/dispatcher). `id` comes first and is never null on a row
 * found: drizzle answers a left-joined nested object as null when its *first* column is null, and
 * `keepInTouch` first made every customer who never answered (marketing consent alone) look
 * missing — never sent their `winback.due`.
 */
export const contactColumns = { id: customers.id, keepInTouch: customers.keepInTouch, marketingConsent: customers.marketingConsent, email: customers.email, phone: customers.phone, erasedAt: customers.erasedAt, profilingOptOut: customers.profilingOptOut };

/**
 * Records a keep-in-touch answer: the customer's current answer and, append-only, its evidence —
 * the wording shown (when the customer saw one), the language, the path and the time.
 */
export async function recordKeepInTouch(
  s: TenantStore,
  customer: CustomerRow,
  granted: boolean,
  evidence: { source: ConsentSource; at: string; wording?: string | null; language?: Language | null; flowId?: string | null },
): Promise<CustomerRow> {
  await s.update(customers, { keepInTouch: granted, keepInTouchAt: evidence.at }, eq(customers.id, customer.id));
  await s.insert(contactConsents, {
    id: newId("cst"),
    customerId: customer.id,
    granted,
    wording: evidence.wording ?? null,
    language: evidence.language ?? null,
    source: evidence.source,
    flowId: evidence.flowId ?? null,
    at: evidence.at,
  });
  // The customer's win-back rows follow in SQLite (`winbacks.contactable`, migration 0023's trigger).
  // A "no" also stops what was already on its way: their queued or retrying `winback.due`, even on
  // a paused endpoint, is never sent (the dispatcher checks again before each send, webhooks/dispatcher).
  if (!granted) await dropUndelivered(s, customer.id, ["winback.due"]);
  return { ...customer, keepInTouch: granted, keepInTouchAt: evidence.at };
}

/**
 * Whether the customer's last keep-in-touch answer was given by the customer themselves (the cancel
 * flow, their my-page session or an operator taking it from them: any source but the cart's own
 * `customer_sync`): a sync does not overturn such a "no" (customers/sync). Read only when a sync
 * would turn a stored "no" into a "yes".
 */
export async function answeredByCustomer(s: TenantStore, customerId: string): Promise<boolean> {
  const [last] = await s.q
    .select({ source: contactConsents.source })
    .from(contactConsents)
    .where(s.owns(contactConsents, eq(contactConsents.customerId, customerId), eq(contactConsents.kind, "keep_in_touch")))
    .orderBy(desc(contactConsents.at), desc(contactConsents.id))
    .limit(1);
  return last !== undefined && last.source !== "customer_sync";
}

export async function activeWinbackModel(store: TenantStore): Promise<WinbackModel> {
  const row = await store.find(winbackModels, eq(winbackModels.active, true));
  return row ? (row.model as unknown as WinbackModel) : DEFAULT_WINBACK_MODEL;
}

const DAY_MS = 86_400_000;

/** Complaints in the 180 days before `at`, and how many a later positive contact answered. */
export function complaintCounts(contacts: readonly { occurredAt: string; data: Record<string, unknown> }[]) {
  const sorted = [...contacts].sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : 1));
  let complaints = 0;
  let resolved = 0;
  sorted.forEach((c, i) => {
    if (c.data.topic !== "complaint") return;
    complaints++;
    if (sorted.slice(i + 1).some((later) => later.data.sentiment === "positive" || later.data.topic === "praise")) resolved++;
  });
  return { complaints, complaintsResolved: resolved };
}

export function winbackFeatures(input: {
  sub: Pick<SubscriptionRow, "deliveriesCompleted" | "unitPriceAmount" | "quantity" | "currency" | "startedAt">;
  customer: Pick<CustomerRow, "acquisitionSource">;
  reason: string | null;
  returnOn: string | null;
  survey: readonly SurveyAnswer[] | null;
  contacts: readonly { occurredAt: string; data: Record<string, unknown> }[];
  canceledOn: string;
  timeZone: string;
}): WinbackFeatures {
  return {
    reason: input.reason,
    returnOn: input.returnOn,
    acquisitionSource: input.customer.acquisitionSource,
    ...complaintCounts(input.contacts),
    deliveriesCompleted: input.sub.deliveriesCompleted,
    pastSpendYen: input.sub.deliveriesCompleted * input.sub.unitPriceAmount * input.sub.quantity,
    currency: input.sub.currency,
    startMonth: Number(localDate(new Date(input.sub.startedAt), input.timeZone).slice(5, 7)),
    canceledOn: input.canceledOn,
    namedComeback: namedComeback(input.survey),
  };
}

function secureRandom(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! / 4_294_967_296;
}

/**
 * The holdout arm of a new cancellation: the customer's, when an earlier cancellation of theirs was
 * drawn under a holdout (`inherited`), else drawn now at `percent`. The arm is the customer's, not
 * the plan's: a customer held out on one plan and mailed about another would carry the campaign
 * into the baseline (and be counted in both arms). With no holdout in force, none. Pure but for the draw.
 */
export function drawHoldout(percent: number, inherited: boolean | undefined): boolean {
  if (percent <= 0) return false;
  return inherited ?? secureRandom() * 100 < percent;
}

/** Each customer's arm as first drawn under a holdout (their earliest record with `holdout_percent` > 0). */
async function customerArms(s: TenantStore, customerIds: readonly string[]): Promise<Map<string, boolean>> {
  const arms = new Map<string, boolean>();
  if (customerIds.length === 0) return arms;
  const rows = await s.q
    .select({ customerId: winbacks.customerId, holdout: winbacks.holdout })
    .from(winbacks)
    .where(s.owns(winbacks, inList(winbacks.customerId, customerIds), sql`${winbacks.holdoutPercent} > 0`))
    .orderBy(winbacks.canceledAt);
  for (const r of rows) if (!arms.has(r.customerId)) arms.set(r.customerId, r.holdout);
  return arms;
}

type Contact = { occurredAt: string; data: Record<string, unknown> };

/** The score a win-back record of an opted-out customer carries: none (probability 0, no drivers), as migration 0056's trigger leaves older ones. */
export const UNSCORED_WINBACK = { probability: 0, drivers: [] as unknown[], modelVersion: "not_scored" } as const;

/**
 * Pure: the win-back score of a cancellation — `score()` for a customer who has not objected to
 * profiling, `UNSCORED_WINBACK` (not computed at all) for one who has.
 */
export function winbackScoreFor<T extends { probability: number; drivers: unknown[]; modelVersion: string }>(customer: Pick<CustomerRow, "profilingOptOut">, score: () => T): T | typeof UNSCORED_WINBACK {
  return customer.profilingOptOut ? UNSCORED_WINBACK : score();
}

/**
 * A cancellation's win-back record, scored, its holdout drawn; the comeback not decided yet. Pure
 * but for the holdout's draw. `contacts`: the customer's `contact.logged` events (the 180 days
 * before are counted); `due`: when `winback.due` fires and whether it still may.
 */
function winbackRecord(
  tenantId: string,
  input: { sub: SubscriptionRow; customer: CustomerRow; flowId: string | null; reason: string | null; effectiveOn: string; returnOn: string | null; survey: SurveyAnswer[] | null; at: string; settings: TenantSettings },
  contacts: readonly Contact[],
  model: WinbackModel,
  due: { dueOn: string; dueStatus: WinbackRow["dueStatus"] },
  arm: boolean | undefined,
): WinbackRow {
  const canceledOn = localDate(new Date(input.at), input.settings.timeZone);
  const since = new Date(Date.parse(input.at) - 180 * DAY_MS).toISOString();
  const counted = contacts.filter((c) => c.occurredAt >= since);
  const features = winbackFeatures({ sub: input.sub, customer: input.customer, reason: input.reason, returnOn: input.returnOn, survey: input.survey, contacts: counted, canceledOn, timeZone: input.settings.timeZone });
  // A customer who objected to profiling is not scored (decide: `winbackScoreFor`): the record of the cancellation is kept unscored.
  const scored = winbackScoreFor(input.customer, () => scoreWinback(model, features, canceledOn));
  const annual = annualValue(input.sub.unitPriceAmount, input.sub.quantity, input.sub.intervalDays);
  return {
    tenantId,
    id: newId("wb"),
    subscriptionId: input.sub.id,
    customerId: input.sub.customerId,
    flowId: input.flowId,
    reason: input.reason,
    canceledAt: input.at,
    canceledOn,
    effectiveOn: input.effectiveOn,
    returnOn: input.returnOn,
    dueOn: due.dueOn,
    dueStatus: due.dueStatus,
    dueSentAt: null,
    holdout: drawHoldout(input.settings.winbackHoldoutPercent, arm),
    // Which cancellations the holdout lift may count: only those drawn with a holdout in force.
    holdoutPercent: input.settings.winbackHoldoutPercent,
    // Both as SQLite keeps them (migration 0023's triggers check them against the customer and the plan).
    contactable: isContactable(input.customer),
    // The holdout arms keep it as it was at the draw (metrics/winback), whatever the customer says later.
    contactableAtDraw: isContactable(input.customer),
    planCanceled: true,
    survey: input.survey,
    features: features as unknown as Record<string, unknown>,
    probability: scored.probability,
    expectedValue: Math.round(scored.probability * annual),
    annualValue: annual,
    currency: input.sub.currency,
    drivers: scored.drivers,
    modelVersion: scored.modelVersion,
    scoredOn: input.customer.profilingOptOut ? "" : canceledOn,
    contactedAt: null,
    reactivatedAt: null,
    undone: false,
    recoveredAmount: null,
    comeback: null,
    comebackStamp: "",
    comebackJa: null,
    comebackEn: null,
    comebackKey: null,
    comebackRestartOn: "",
    // Written by SQLite on insert (migrations 0020 and 0024: triggers).
    listedHead: null,
    listedTail: null,
    listedRecord: null,
  };
}

/**
 * The earlier reactivations of `canceled` plans stop counting a year of revenue: each now recovers
 * what it delivered, the deliveries completed since it restarted (the plan's `deliveriesCompleted`
 * now less the count its record kept at the cancellation before) × unit price × quantity as the
 * plan stands, never more than the year it counted (metrics/winback `revenueRecovered`). One
 * statement through `winbacks_subscription`, inside the cancellation's write.
 */
async function endRecoveries(s: TenantStore, canceled: readonly Pick<SubscriptionRow, "id" | "deliveriesCompleted" | "unitPriceAmount" | "quantity">[]) {
  if (canceled.length === 0) return;
  const plans = JSON.stringify(Object.fromEntries(canceled.map((p) => [p.id, [p.deliveriesCompleted, p.unitPriceAmount * p.quantity]])));
  // The index as SQL text: a bound number reaches SQLite as a REAL, which `->>` does not take as an array index.
  const plan = (i: 0 | 1) => sql`(SELECT value ->> ${sql.raw(String(i))} FROM json_each(${plans}) WHERE key = ${winbacks.subscriptionId})`;
  const delivered = sql`max(0, ${plan(0)} - coalesce(json_extract(${winbacks.features}, '$.deliveriesCompleted'), 0))`;
  await s.update(
    winbacks,
    { recoveredAmount: sql`min(${winbacks.recoveredAmount}, ${delivered} * ${plan(1)})` as unknown as number },
    inList(winbacks.subscriptionId, canceled.map((p) => p.id)),
    isNotNull(winbacks.reactivatedAt),
    isNotNull(winbacks.recoveredAmount),
  );
}

/**
 * A cancellation becomes a win-back record: features as of now, scored, the holdout drawn, the
 * date `winback.due` fires. Call inside the cancellation's transaction.
 */
export async function recordCancellation(
  s: TenantStore,
  input: { sub: SubscriptionRow; customer: CustomerRow; flowId: string | null; reason: string | null; effectiveOn: string; returnOn: string | null; survey: SurveyAnswer[] | null; at: string; settings: TenantSettings },
): Promise<WinbackRow> {
  const since = new Date(Date.parse(input.at) - 180 * DAY_MS).toISOString();
  const [contacts, model, arms] = await Promise.all([
    s.q
      .select({ occurredAt: events.occurredAt, data: events.data })
      .from(events)
      .where(s.owns(events, eq(events.customerId, input.sub.customerId), eq(events.type, "contact.logged"), gte(events.occurredAt, since))),
    activeWinbackModel(s),
    customerArms(s, [input.sub.customerId]),
  ]);
  const due = { dueOn: input.returnOn ?? addDays(input.effectiveOn, input.settings.winbackDelayDays), dueStatus: "pending" as const };
  const row = winbackRecord(s.tenantId, input, contacts, model, due, arms.get(input.sub.customerId));
  const { tenantId: _, ...values } = row;
  await endRecoveries(s, [input.sub]);
  await s.insert(winbacks, values);
  // The comeback offer is decided now, so the candidates list only reads it (winback/decide).
  await decideComebacks(s, [row], new Date(input.at), input.settings);
  return row;
}

/**
 * How far back a cancellation first heard of by a sync or an import is still one the shop would
 * contact: the model's horizon (WINBACK_HORIZON_DAYS, 180: its probability is of a return within
 * that many days of cancelling), or `winbackDelayDays` when the shop waits longer.
 */
export function syncedContactHorizonDays(settings: Pick<TenantSettings, "winbackDelayDays">): number {
  return Math.max(WINBACK_HORIZON_DAYS, settings.winbackDelayDays);
}

/**
 * When `winback.due` fires for a cancellation a sync reported: `winbackDelayDays` after the day it
 * was cancelled (its end date as far as Tsuzuku knows), never before `today`; older than the
 * horizon (`syncedContactHorizonDays`), `skipped` — recorded for the figures, never sent. Pure.
 */
export function syncedDue(canceledOn: string, today: string, settings: Pick<TenantSettings, "winbackDelayDays">): { dueOn: string; dueStatus: WinbackRow["dueStatus"] } {
  const dueOn = addDays(canceledOn, settings.winbackDelayDays);
  if (canceledOn < addDays(today, -syncedContactHorizonDays(settings))) return { dueOn, dueStatus: "skipped" };
  return { dueOn: maxDate(dueOn, today), dueStatus: "pending" };
}

/**
 * Cancellations the shop's cart system reported (`PUT /v1/subscriptions/{id}`, `POST /v1/sync`,
 * `npm run import`: a plan synced `canceled`, new or until then live) become win-back records as a
 * cancel flow's do (`recordCancellation`): the reason the cart gave (`cancellationReason`, kept as
 * the plan's `cancellation.reason`) or none, survey and return date unknown, contactable as
 * the customer's consent stands, dated by the synced `canceledAt`; when due: `syncedDue`. A plan
 * whose earlier cancellation is still open (its restart never recorded, and cancelled again) keeps
 * that one record; a synced restart closes it (`recordReactivations`). Set-based
 * for a bulk sync: the customers, their contacts and the model read once, one insert. The comeback
 * offer is left to the maintenance job's next pass (winback/decide `decideStaleComebacks`, which
 * takes every record not decided yet; the candidates list decides such a row itself meanwhile):
 * deciding it here doubled the CPU of an import with 20 % cancellations. Call inside the sync's
 * write, after the subscriptions are written.
 */
export async function recordSyncedCancellations(s: TenantStore, canceled: readonly SubscriptionRow[], now: Date, settings: TenantSettings): Promise<WinbackRow[]> {
  if (canceled.length === 0) return [];
  const customerIds = [...new Set(canceled.map((c) => c.customerId))];
  const earliest = canceled.reduce((m, c) => ((c.canceledAt ?? "") < m ? (c.canceledAt ?? m) : m), now.toISOString());
  const since = new Date(Date.parse(earliest) - 180 * DAY_MS).toISOString();
  const [open, people, contacts, model, arms] = await Promise.all([
    s.q.select({ subscriptionId: winbacks.subscriptionId }).from(winbacks).where(s.owns(winbacks, inList(winbacks.subscriptionId, canceled.map((c) => c.id)), isNull(winbacks.reactivatedAt))),
    s.q.select().from(customers).where(s.owns(customers, inList(customers.id, customerIds))),
    s.q
      .select({ customerId: events.customerId, occurredAt: events.occurredAt, data: events.data })
      .from(events)
      .where(s.owns(events, inList(events.customerId, customerIds), eq(events.type, "contact.logged"), gte(events.occurredAt, since))),
    activeWinbackModel(s),
    customerArms(s, customerIds),
  ]);
  const byId = new Map(people.map((p) => [p.id, p]));
  const contactsOf = new Map<string, Contact[]>();
  for (const c of contacts) if (c.customerId) contactsOf.set(c.customerId, [...(contactsOf.get(c.customerId) ?? []), c]);
  const today = localDate(now, settings.timeZone);
  const rows: WinbackRow[] = [];
  // A plan whose record is still open while it is canceled again keeps that one record, not two on
  // the list: a restart synced before restarts closed records, or one the cart system never reported.
  const held = new Set(open.map((o) => o.subscriptionId));
  for (const sub of canceled) {
    const customer = byId.get(sub.customerId);
    if (!customer || held.has(sub.id)) continue; // no customer: the sync refused it already (unknown_customer)
    held.add(sub.id);
    const at = sub.canceledAt ?? now.toISOString();
    const canceledOn = localDate(new Date(at), settings.timeZone);
    // Cancellations after the moment (a clock a little ahead) count from their own instant.
    const prior = (contactsOf.get(sub.customerId) ?? []).filter((c) => c.occurredAt <= at);
    const row = winbackRecord(s.tenantId, { sub, customer, flowId: null, reason: sub.cancellation?.reason ?? null, effectiveOn: canceledOn, returnOn: null, survey: null, at, settings }, prior, model, syncedDue(canceledOn, today, settings), arms.get(sub.customerId));
    // A customer's second plan in the same batch joins the arm their first was drawn in.
    if (settings.winbackHoldoutPercent > 0 && !arms.has(sub.customerId)) arms.set(sub.customerId, row.holdout);
    rows.push(row);
  }
  await endRecoveries(s, canceled);
  // One statement for the batch's records (no record has their fresh ids: nothing to update).
  await s.upsertMany(winbacks, rows.map(({ tenantId: _, ...values }) => values), [winbacks.tenantId, winbacks.id], []);
  return rows;
}

/**
 * A reason the cart system gives later for a cancellation already recorded (a plan synced
 * `canceled` again with another `cancellationReason`: an import run again with a mapping that
 * reads 解約理由) replaces the reason on its open win-back record — only one a sync recorded (no
 * cancel flow: the customer's own answer stands) — and in its features, which it is re-scored with
 * as of the day it was last scored; its comeback offer, chosen for the old reason, is decided again
 * at the next maintenance pass (winback/decide, a stamp older than any). Inside the sync's write.
 */
export async function recordSyncedReasons(s: TenantStore, plans: readonly Pick<SubscriptionRow, "id" | "cancellation">[]) {
  if (plans.length === 0) return;
  const reasonOf = new Map(plans.map((p) => [p.id, p.cancellation?.reason ?? null]));
  const open = await s.q
    .select()
    .from(winbacks)
    .where(s.owns(winbacks, inList(winbacks.subscriptionId, [...reasonOf.keys()]), isNull(winbacks.reactivatedAt), isNull(winbacks.flowId)));
  if (open.length === 0) return;
  const model = await activeWinbackModel(s);
  const rows = open.map(({ tenantId: _, ...r }) => {
    const reason = reasonOf.get(r.subscriptionId) ?? null;
    const features = { ...storedWinbackFeatures(r.features, r.currency), reason };
    // A record written without its features (by a hand) keeps its score: there is nothing to score it with.
    const scored = typeof features.canceledOn === "string" ? scoreWinback(model, features as WinbackFeatures, r.scoredOn) : null;
    return {
      ...r,
      reason,
      features: features as Record<string, unknown>,
      comebackStamp: "",
      ...(scored ? { probability: scored.probability, expectedValue: Math.round(scored.probability * r.annualValue), drivers: scored.drivers, modelVersion: scored.modelVersion } : {}),
    };
  });
  // One statement for the batch's records, as their insert is (upsertMany: each row is there, so each is updated).
  await s.upsertMany(winbacks, rows, [winbacks.tenantId, winbacks.id], ["reason", "features", "comebackStamp", "probability", "expectedValue", "drivers", "modelVersion"]);
}

type Restarted = Pick<SubscriptionRow, "id" | "unitPriceAmount" | "quantity" | "intervalDays" | "nextDeliveryOn" | "activeDiscount">;

/**
 * Reactivations close each plan's latest open win-back record (canceled, not reactivated since) at
 * `at`, with revenue recovered: a year of the plan as it restarted, less the discount it carries
 * (a comeback or win-back offer's: `recoveredValue`). Whether it followed a contact is the record's
 * own `contactedAt` (metrics/winback); which offer was taken, the reactivation's change. The one
 * writer for `POST /v1/subscriptions/{id}/reactivate` (`recordReactivation`) and a plan the cart
 * system restarts (`PUT /v1/subscriptions/{id}`, `POST /v1/sync`, `npm run import`): the customer
 * came back either way. One read and one statement for a batch; inside the caller's write.
 * `today`, the shop-local day of `at`: a restart on or before the cancellation's `effectiveOn`
 * undid it (plan-changes/rules `undoesCancellation`), marked `undone` for the metrics; null for a
 * restart that took an offer (cancel-flows/service `reactivate`), which is a win-back whenever it came.
 */
export async function recordReactivations(s: TenantStore, restarted: readonly Restarted[], at: string, today: string | null) {
  if (restarted.length === 0) return;
  const open = await s.q
    .select({ id: winbacks.id, subscriptionId: winbacks.subscriptionId, canceledAt: winbacks.canceledAt })
    .from(winbacks)
    .where(s.owns(winbacks, inList(winbacks.subscriptionId, restarted.map((r) => r.id)), isNull(winbacks.reactivatedAt)));
  const latest = new Map<string, { id: string; canceledAt: string }>();
  for (const o of open) if ((latest.get(o.subscriptionId)?.canceledAt ?? "") <= o.canceledAt) latest.set(o.subscriptionId, o);
  if (latest.size === 0) return;
  const value = new Map(restarted.map((r) => [r.id, recoveredValue(r)]));
  const amounts = JSON.stringify(Object.fromEntries([...latest].map(([sub, o]) => [o.id, value.get(sub)!])));
  await s.update(
    winbacks,
    {
      reactivatedAt: at,
      recoveredAmount: sql`(SELECT value FROM json_each(${amounts}) WHERE key = ${winbacks.id})` as unknown as number,
      undone: today === null ? false : (sql`${winbacks.effectiveOn} >= ${today}` as unknown as boolean),
    },
    inList(winbacks.id, [...latest.values()].map((o) => o.id)),
  );
}

type NewPlan = Restarted & Pick<SubscriptionRow, "customerId" | "productSku" | "startedAt" | "status">;

/**
 * A customer who comes back through a new plan of the product they cancelled (the cart system syncs
 * a new subscription id, live, started after the cancellation) came back as surely as one who
 * restarted the old plan: their latest open win-back record for that product is closed as a
 * reactivation at `at`, with a year of the new plan as revenue recovered. It leaves the candidates
 * list and gets no `winback.due` (else the shop invites them to restart what they already receive),
 * and 再加入率 counts it. Plans created by this sync only; inside the caller's write.
 */
export async function recordNewPlanReturns(s: TenantStore, created: readonly NewPlan[], at: string) {
  const live = created.filter((p) => p.status !== "canceled");
  if (live.length === 0) return;
  const open = await s.q
    .select({ id: winbacks.id, customerId: winbacks.customerId, canceledAt: winbacks.canceledAt, sku: subscriptions.productSku })
    .from(winbacks)
    .innerJoin(subscriptions, and(eq(subscriptions.tenantId, winbacks.tenantId), eq(subscriptions.id, winbacks.subscriptionId)))
    .where(s.owns(winbacks, inList(winbacks.customerId, [...new Set(live.map((p) => p.customerId))]), isNull(winbacks.reactivatedAt), eq(winbacks.planCanceled, true)));
  const closing = new Map<string, number>();
  for (const plan of live) {
    const latest = open
      .filter((o) => o.customerId === plan.customerId && o.sku === plan.productSku && o.canceledAt <= plan.startedAt && !closing.has(o.id))
      .reduce<(typeof open)[number] | null>((m, o) => (m === null || o.canceledAt > m.canceledAt ? o : m), null);
    if (latest) closing.set(latest.id, recoveredValue(plan));
  }
  if (closing.size === 0) return;
  const amounts = JSON.stringify(Object.fromEntries(closing));
  await s.update(winbacks, { reactivatedAt: at, recoveredAmount: sql`(SELECT value FROM json_each(${amounts}) WHERE key = ${winbacks.id})` as unknown as number }, inList(winbacks.id, [...closing.keys()]));
}

/** A win-back contact (a `winback.contacted` event): the first one counts, on the subscription's open record or the customer's latest. */
export async function recordContact(s: TenantStore, contact: { customerId: string; subscriptionId: string | null; at: string }) {
  const [row] = await s.q
    .select({ id: winbacks.id, contactedAt: winbacks.contactedAt })
    .from(winbacks)
    .where(
      s.owns(
        winbacks,
        eq(winbacks.customerId, contact.customerId),
        contact.subscriptionId ? eq(winbacks.subscriptionId, contact.subscriptionId) : undefined,
        isNull(winbacks.reactivatedAt),
      ),
    )
    .orderBy(desc(winbacks.canceledAt))
    .limit(1);
  if (row && row.contactedAt === null) await s.update(winbacks, { contactedAt: contact.at }, and(eq(winbacks.id, row.id)));
}

/**
 * What the shop holds of the person's win-back for a disclosure request (data-rights/export): every
 * keep-in-touch answer with its evidence, oldest first, and the exit survey of each cancellation.
 */
export async function winbackDataOf(s: TenantStore, customerId: string) {
  const [consents, rows] = await Promise.all([
    s.q.select().from(contactConsents).where(s.owns(contactConsents, eq(contactConsents.customerId, customerId))).orderBy(contactConsents.at, contactConsents.id),
    s.q.select().from(winbacks).where(s.owns(winbacks, eq(winbacks.customerId, customerId))).orderBy(winbacks.canceledAt),
  ]);
  const [keepInTouch, profiling] = [consents.filter((c) => c.kind === "keep_in_touch"), consents.filter((c) => c.kind === "profiling")];
  return {
    profilingOptOutHistory: profiling.map((c) => ({ optOut: !c.granted, source: c.source, at: c.at })),
    keepInTouchHistory: keepInTouch.map((c) => ({ granted: c.granted, wording: c.wording, language: c.language, source: c.source, flowId: c.flowId, at: c.at })),
    exitSurveys: rows.map((r) => ({ subscriptionId: r.subscriptionId, flowId: r.flowId, canceledAt: r.canceledAt, reason: r.reason, answers: r.survey ?? [], returnOn: r.returnOn })),
    // The profiling about the person (data-rights/export): score, its drivers, when and whether to contact, the offer decided.
    winbacks: rows.map((r) => ({
      subscriptionId: r.subscriptionId,
      flowId: r.flowId,
      canceledAt: r.canceledAt,
      probability: r.probability,
      expectedValue: { amount: r.expectedValue, currency: r.currency },
      drivers: r.drivers as Record<string, unknown>[],
      features: r.features,
      modelVersion: r.modelVersion,
      scoredOn: r.scoredOn,
      dueOn: r.dueOn,
      dueStatus: r.dueStatus,
      holdout: r.holdout,
      contactable: r.contactable,
      offer: ((r.comeback as { offer?: Record<string, unknown> | null } | null)?.offer ?? null),
      contactedAt: r.contactedAt,
      reactivatedAt: r.reactivatedAt,
    })),
  };
}

/**
 * Erasure (data-rights/erase), inside its transaction: the person's win-back rows and keep-in-touch
 * evidence move to the pseudonym like the cancellation evidence (the wording shown is the shop's,
 * not personal, and stays); their own words — free-text survey answers — go; and nothing of theirs
 * stays contactable. Answers the counts of rows changed.
 */
export async function pseudonymiseWinbacks(s: TenantStore, customerId: string, alias: string): Promise<{ winbacks: number; consents: number }> {
  const rows = await s.q.select({ id: winbacks.id, survey: winbacks.survey }).from(winbacks).where(s.owns(winbacks, eq(winbacks.customerId, customerId)));
  for (const r of rows) await s.update(winbacks, { customerId: alias, survey: withoutFreeText(r.survey), contactable: false }, eq(winbacks.id, r.id));
  const consents = await s.update(contactConsents, { customerId: alias }, eq(contactConsents.customerId, customerId)).returning({ id: contactConsents.id });
  return { winbacks: rows.length, consents: consents.length };
}
