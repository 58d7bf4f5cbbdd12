import type { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { profilingChange, recordProfilingOptOut } from "../customers/profiling";
import { afterCustomerSync, keptNoWarning, syncedCustomer, syncedCustomerRow, wouldOverturnNo, type SyncedCustomer } from "../customers/sync";
import type { CustomerRow } from "../customers/repository";
import { customers, planChanges, riskFeatures, subscriptions } from "../db/schema";
import { closeFlowsOnCancellation, SYNC_ACTOR } from "../cancel-flows/closed-by-cancellation";
import { recordAutoResume } from "../plan-changes/auto-resume";
import { localDate } from "../platform/dates";
import { caughtRefusal, controlCharacterErrors, ERROR_STATUS, fieldErrors, itemProblem, type ItemRefusal } from "../platform/errors";
import type { Language } from "../platform/language";
import { changedKeys, inList, type TenantStore } from "../platform/tenancy";
import { featuresFrom } from "../risk/features";
import type { PastSubscription } from "../risk/flags";
import { rescored, upsertRiskRows, type RiskRow } from "../risk/maintain";
import type { RiskBand } from "../risk/model";
import { activeModel } from "../risk/repository";
import type { TenantSettings } from "../settings/schemas";
import type { SubscriptionRow } from "../subscriptions/repository";
import { planSubscriptionSync, reasonsFor, SUBSCRIPTION_SYNCED, syncedChangeEvent, syncedRestartChange, syncedStatusChange, unknownCustomer, type SyncedChangeRow } from "../subscriptions/sync";
import { changedAfterExport, changedAfterExportRefusal, staleSubscriptionRefusal } from "./after-export";
import { refuseErased } from "../data-rights/erased";
import { enqueueWebhookEvents, type QueuedWebhookEvent } from "../webhooks/outbox";
import { answeredByCustomer, recordNewPlanReturns, recordReactivations, recordSyncedCancellations, recordSyncedReasons } from "../winback/service";
import { SYNC_ITEM_CODES, SyncCustomer, SyncSubscription, type BulkSyncResponse, type SyncItemCode, type SyncItemResult } from "./schemas";

type Result = z.infer<typeof SyncItemResult>;

/** What an applied item changed: the stored row before (null: created) and as written — for the import's list of changes. */
export type ItemChange =
  | { kind: "customer"; index: number; id: string; before: CustomerRow | null; after: CustomerRow }
  | { kind: "subscription"; index: number; id: string; before: SubscriptionRow | null; after: SubscriptionRow };
/** Items handled between turns of the event loop (TenantStore.turn): a bulk sync of 1,000 held the loop 100–360 ms in one stretch. */
const ITEMS_PER_TURN = 50;

const DRY_RUN = Symbol("dry run");

/**
 * Each item checked against `schema` and for control characters (a bad item is refused alone; the
 * routers' hook leaves the lists to this: `checksItemsApart`), a turn of the event loop every
 * ITEMS_PER_TURN. An item refused for a control character fails with no zod issues: `invalid`
 * then names the characters (`controlCharacterErrors`).
 */
async function checkItems<T extends z.ZodType>(s: TenantStore, items: readonly unknown[], schema: T): Promise<ReturnType<T["safeParse"]>[]> {
  const out: ReturnType<T["safeParse"]>[] = [];
  for (const [i, item] of items.entries()) {
    if (i % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) await s.turn();
    const parsed = schema.safeParse(item);
    out.push((parsed.success && controlCharacterErrors(parsed.data).length > 0 ? { success: false, error: { issues: [] } } : parsed) as ReturnType<T["safeParse"]>);
  }
  return out;
}

/** What a sync writes over a stored customer (`syncedCustomer`'s columns). */
const CUSTOMER_SYNCED = ["acquisitionSource", "name", "nameKana", "nameKey", "nameKanaKey", "email", "emailNormalized", "phone", "phoneExtension", "locale", "marketingConsent", "postalCode", "address", "addressKey", "createdAt", "updatedAt"] as const satisfies (keyof SyncedCustomer)[];
/** What tells a re-sent customer from the stored one: every synced column but the write time. */
const CUSTOMER_COMPARED = CUSTOMER_SYNCED.filter((k) => k !== "updatedAt");


/**
 * Applies a batch of customers, then subscriptions, in ONE transaction: every accepted item is
 * committed together or, if the database fails halfway, none is. Each item is decided exactly as
 * its single-item `PUT` would decide it (the same pure functions: `syncedCustomer`,
 * `planSubscriptionSync`, `rescored`), in order, against the state the items before it left — so
 * the same id twice means the last wins, and a customer and its subscriptions may come together.
 * An item that `PUT` would refuse is refused alone without failing the others. A subscription
 * whose customer is refused in the same batch is `not_processed`.
 *
 * Set-based (#18): the batch reads what it needs in a few `IN (…)` reads (`inList`) (customers,
 * subscriptions with their risk rows, the persons sharing a phone or e-mail and their
 * subscriptions, the active model), decides in JavaScript, then writes with multi-row upserts
 * (customers, subscriptions, risk rows) — about a dozen statements per 1,000 items instead of
 * ~8 per item. The batch's cancellations enter win-back together (winback/service
 * `recordSyncedCancellations`). The webhook events of the statuses it changes (subscriptions/sync
 * `syncedChangeEvent`) and of the risk bands that moved go into the outbox in one insert, after one
 * read of the shop's endpoints (none registered: no row). The rare follow-ups a single `PUT` makes
 * (a keep-in-touch answer, an automatic resume) run after them, in item order.
 */
export async function syncBatch(
  store: TenantStore,
  batch: { customers?: unknown[]; subscriptions?: unknown[] },
  ctx: {
    now: Date;
    settings: TenantSettings;
    dryRun?: boolean;
    /**
     * When the cart system exported what the batch sends (RFC 3339, UTC). With it, an item that
     * would overwrite a subscription changed in Tsuzuku after that instant — by anything but a
     * sync (sync/after-export) — or a keep-in-touch answer given since, is refused with 409
     * `changed_after_export`; without it, every item is applied as before.
     */
    exportedAt?: string;
    /** Told each item that changes something, in the run's order (a dry run's too): the import lists them. */
    onChange?: (change: ItemChange) => void;
    /** The language of refused items' details and validation messages, as for a problem (default en). */
    lang?: Language;
    /** Runs last in the batch's transaction, with its answer (the route records it there: platform/idempotency rememberWithin). */
    last?: (s: TenantStore, answer: z.infer<typeof BulkSyncResponse>) => Promise<void>;
  },
): Promise<z.infer<typeof BulkSyncResponse>> {
  const at = ctx.now.toISOString();
  const results: Result[] = [];
  const refusedCustomers = new Set<string>();
  const idOf = (item: unknown) => (typeof (item as { id?: unknown })?.id === "string" ? (item as { id: string }).id : null);
  const lang = ctx.lang ?? "en";
  const refuse = (kind: Result["kind"], index: number, id: string | null, refusal: ItemRefusal<SyncItemCode>, prefix?: string): Result => ({
    kind,
    index,
    id,
    result: "refused",
    status: ERROR_STATUS[refusal.code],
    error: itemProblem(refusal, lang, prefix),
  });
  // Field paths start at the item, as validation's do (`subscriptions.2.quantity`).
  const refused = (kind: Result["kind"], index: number, id: string, refusal: ItemRefusal<SyncItemCode>) => refuse(kind, index, id, refusal, `${kind}s.${index}`);
  const invalid = (kind: Result["kind"], index: number, item: unknown, issues: Issues) =>
    refuse(kind, index, idOf(item), {
      code: "validation_failed",
      detail: kind === "customer" ? { en: "The customer is not valid.", ja: "顧客の内容が正しくありません。" } : { en: "The subscription is not valid.", ja: "定期コースの内容が正しくありません。" },
      errors: issues.length > 0 ? fieldErrors(issues, `${kind}s.${index}`, item, lang) : controlCharacterErrors(item, `${kind}s.${index}`, lang),
    });

  const count = (r: Result["result"]) => results.filter((x) => x.result === r).length;
  const answer = () => ({ applied: count("applied"), refused: count("refused"), notProcessed: count("not_processed"), results });

  const apply = store.write(async (s) => {
    await syncCustomers(s, batch.customers ?? [], at, ctx, {
      invalid: (index, item, issues) => {
        const id = idOf(item);
        if (id) refusedCustomers.add(id);
        results.push(invalid("customer", index, item, issues));
      },
      refused: (index, id, refusal) => {
        results.push(refused("customer", index, id, refusal));
        refusedCustomers.add(id);
      },
      applied: (index, id, created, changed, keptNo) =>
        results.push({ kind: "customer", index, id, result: "applied", status: created ? 201 : 200, changed, ...(keptNo ? { warnings: [keptNoWarning(lang)] } : {}) }),
    });
    await syncSubscriptions(s, batch.subscriptions ?? [], ctx, {
      invalid: (index, item, issues) => results.push(invalid("subscription", index, item, issues)),
      skip: (index, id, customerId) => {
        if (!refusedCustomers.has(customerId)) return false;
        results.push({
          kind: "subscription",
          index,
          id,
          result: "not_processed",
          status: 424,
          error: itemProblem(
            {
              code: "unknown_customer",
              detail: {
                en: `Its customer ${customerId} was refused in this request; send both again once the customer is fixed.`,
                ja: `顧客 ${customerId} がこのリクエストで受け付けられなかったため、処理していません。顧客を直してから両方を送り直してください。`,
              },
            },
            lang,
          ),
        });
        return true;
      },
      refused: (index, id, refusal) => results.push(refused("subscription", index, id, refusal)),
      applied: (index, id, created, changed) => results.push({ kind: "subscription", index, id, result: "applied", status: created ? 201 : 200, changed }),
    });
    // A dry run does all of it, then rolls back: what it reports is exactly what a run would do.
    if (ctx.dryRun) throw DRY_RUN;
    await ctx.last?.(s, answer());
  });
  await apply.catch((e) => {
    if (e !== DRY_RUN) throw e;
  });
  return answer();
}

type Issues = z.core.$ZodIssue[];

/** What a callee threw on an item, as its refusal (a code outside the sync's is logged: platform/errors `caughtRefusal`). */
const caught = (e: unknown) => caughtRefusal(e, SYNC_ITEM_CODES, "POST /v1/sync");

/** The customers of the batch: one read of those that exist, decisions in order, one upsert per chunk. */
async function syncCustomers(
  s: TenantStore,
  items: unknown[],
  at: string,
  ctx: { exportedAt?: string; settings: TenantSettings; onChange?: (change: ItemChange) => void },
  report: {
    invalid: (index: number, item: unknown, issues: Issues) => void;
    refused: (index: number, id: string, refusal: ItemRefusal<SyncItemCode>) => void;
    applied: (index: number, id: string, created: boolean, changed: boolean, keptNo?: boolean) => void;
  },
) {
  if (items.length === 0) return;
  const parsed = await checkItems(s, items, SyncCustomer);
  const ids = [...new Set(parsed.flatMap((p) => (p.success ? [p.data.id] : [])))];
  const stored = new Map<string, CustomerRow>();
  for (const row of await s.q.select().from(customers).where(s.owns(customers, inList(customers.id, ids)))) stored.set(row.id, row);

  const current = new Map(stored);
  const written = new Map<string, CustomerRow>();
  const after: (() => Promise<unknown>)[] = [];
  /** Customers whose keep-in-touch answer this batch records (source `customer_sync`). */
  const syncedHere = new Set<string>();
  for (const [index, p] of parsed.entries()) {
    if (index % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) await s.turn();
    if (!p.success) {
      report.invalid(index, items[index], p.error.issues);
      continue;
    }
    const { id, ...body } = p.data;
    const existing = current.get(id);
    let values;
    try {
      values = syncedCustomer(body, existing, at, ctx.settings.country);
    } catch (e) {
      report.refused(index, id, caught(e));
      continue;
    }
    // Who gave a stored "no" a `true` would overturn: this batch's own sync, or else the last answer recorded.
    const ownNo = wouldOverturnNo(existing, body.keepInTouch) && !syncedHere.has(id) && (await answeredByCustomer(s, id));
    const { row, newKeepInTouch, keptNo, optOut } = syncedCustomerRow(s.tenantId, id, values, existing, body.keepInTouch, ownNo);
    // The customer answered the keep-in-touch question in Tsuzuku after the export: the export's answer is older.
    if (ctx.exportedAt && newKeepInTouch !== null && existing?.keepInTouchAt && existing.keepInTouchAt > ctx.exportedAt) {
      report.refused(index, id, changedAfterExportRefusal("customer", id, { id: null, type: "keep_in_touch", channel: null, at: existing.keepInTouchAt }, ctx.exportedAt, ctx.settings.timeZone));
      continue;
    }
    // The same customer sent again (a re-run import, a nightly full sync) writes nothing and
    // keeps its updatedAt: it is reported applied and unchanged.
    const profiling = profilingChange(existing?.profilingOptOut, body.profilingOptOut);
    if (existing && newKeepInTouch === null && profiling === null && changedKeys(existing, row, CUSTOMER_COMPARED).length === 0) {
      report.applied(index, id, false, false, keptNo);
      continue;
    }
    if (newKeepInTouch !== null || optOut) after.push(() => afterCustomerSync(s, row, newKeepInTouch, at, optOut));
    if (newKeepInTouch !== null) syncedHere.add(id);
    // What the next item with this id sees: the answer recorded, as afterCustomerSync stores it.
    const answered = newKeepInTouch === null ? row : { ...row, keepInTouch: newKeepInTouch, keepInTouchAt: at };
    // The objection to profiling (customers/profiling), after the row is written; the next item with this id sees it.
    if (profiling !== null) after.push(() => recordProfilingOptOut(s, { ...answered }, profiling, { source: "customer_sync", at, actor: SYNC_ACTOR }));
    current.set(id, profiling === null ? answered : { ...answered, profilingOptOut: profiling, profilingOptOutAt: at });
    written.set(id, row);
    ctx.onChange?.({ kind: "customer", index, id, before: existing ?? null, after: row });
    report.applied(index, id, !existing, true, keptNo);
  }

  // One upsert: a new customer is inserted as the single PUT inserts it; an existing one gets the
  // synced columns only (erasure state, fingerprints and keep-in-touch stay as stored).
  const rows = [...written.values()].map(({ tenantId: _t, erasedAt: _e, phoneFingerprint: _p, emailFingerprint: _f, keepInTouch: _k, keepInTouchAt: _a, profilingOptOut: _o, profilingOptOutAt: _oa, ...r }) => r);
  await s.upsertMany(customers, rows, [customers.tenantId, customers.id], CUSTOMER_SYNCED);
  for (const step of after) await step();
}

/** A subscription as the batch knows it: the row and its risk state (null features when it has no risk row). */
type Known = { row: SubscriptionRow; features: unknown; band: RiskBand | null; flags: string[] | null };
type Person = Pick<CustomerRow, "id" | "phone" | "emailNormalized" | "erasedAt">;

/**
 * The subscriptions of the batch, decided in order against an in-memory picture of what the batch
 * touches — its subscriptions and their risk rows, its customers, the persons sharing their phone
 * or e-mail and all those persons' subscriptions — read once up front (and, for the rare person
 * reached only through a cancellation, when first needed). Writes at the end.
 */
async function syncSubscriptions(
  s: TenantStore,
  items: unknown[],
  ctx: { now: Date; settings: TenantSettings; exportedAt?: string; onChange?: (change: ItemChange) => void },
  report: {
    invalid: (index: number, item: unknown, issues: Issues) => void;
    skip: (index: number, id: string, customerId: string) => boolean;
    refused: (index: number, id: string, refusal: ItemRefusal<SyncItemCode>) => void;
    applied: (index: number, id: string, created: boolean, changed: boolean) => void;
  },
) {
  if (items.length === 0) return;
  const at = ctx.now.toISOString();
  const timeZone = ctx.settings.timeZone;
  const parsed = await checkItems(s, items, SyncSubscription);
  const valid = parsed.flatMap((p) => (p.success ? [p.data] : []));

  // --- The picture ---------------------------------------------------------------------------
  const subs = new Map<string, Known>();
  const byCustomer = new Map<string, Set<string>>();
  const people = new Map<string, Person>();
  const byPhone = new Map<string, Set<string>>();
  const byEmail = new Map<string, Set<string>>();
  /** Customers whose subscriptions are all in `subs`; phones and e-mails whose customers are all in `people`. */
  const loadedSubsOf = new Set<string>();
  const loadedPhones = new Set<string>();
  const loadedEmails = new Set<string>();

  const index = (map: Map<string, Set<string>>, key: string, value: string) => {
    const set = map.get(key) ?? new Set<string>();
    set.add(value);
    map.set(key, set);
  };
  const addPerson = (p: Person) => {
    if (people.has(p.id)) return;
    people.set(p.id, p);
    if (p.phone) index(byPhone, p.phone, p.id);
    if (p.emailNormalized) index(byEmail, p.emailNormalized, p.id);
  };
  // A row read from the file never replaces what the batch has already decided for that id.
  const addSub = (k: Known) => {
    if (subs.has(k.row.id)) return;
    subs.set(k.row.id, k);
    index(byCustomer, k.row.customerId, k.row.id);
  };
  // Each read of up to 1,000 keys is a statement of its own, with a turn of the loop before it.
  const readSubs = async (column: typeof subscriptions.id | typeof subscriptions.customerId, keys: string[]) => {
    if (keys.length === 0) return;
    await s.turn();
    const rows = await s.q
      .select({ row: subscriptions, features: riskFeatures.features, band: riskFeatures.band, flags: riskFeatures.flags })
      .from(subscriptions)
      .leftJoin(riskFeatures, and(eq(riskFeatures.tenantId, subscriptions.tenantId), eq(riskFeatures.subscriptionId, subscriptions.id)))
      .where(s.owns(subscriptions, inList(column, keys)));
    for (const r of rows) addSub({ row: r.row, features: r.features ? featuresFrom(r.features) : null, band: r.band ?? null, flags: r.flags ?? null });
  };
  const readPeople = async (column: typeof customers.id | typeof customers.phone | typeof customers.emailNormalized, keys: string[]) => {
    if (keys.length === 0) return;
    await s.turn();
    const rows = await s.q
      .select({ id: customers.id, phone: customers.phone, emailNormalized: customers.emailNormalized, erasedAt: customers.erasedAt })
      .from(customers)
      .where(s.owns(customers, inList(column, keys)));
    rows.forEach(addPerson);
  };
  /** Makes sure the picture holds every customer sharing a phone or e-mail with `customerIds`, and all their subscriptions. */
  const loadPersons = async (customerIds: string[]) => {
    await readPeople(customers.id, customerIds.filter((id) => !people.has(id)));
    const phones = [...new Set(customerIds.flatMap((id) => people.get(id)?.phone ?? []))].filter((p) => !loadedPhones.has(p));
    const emails = [...new Set(customerIds.flatMap((id) => people.get(id)?.emailNormalized ?? []))].filter((e) => !loadedEmails.has(e));
    await readPeople(customers.phone, phones);
    await readPeople(customers.emailNormalized, emails);
    phones.forEach((p) => loadedPhones.add(p));
    emails.forEach((e) => loadedEmails.add(e));
    const whose = [...new Set(customerIds.flatMap((id) => [...personOf(id)]))].filter((id) => !loadedSubsOf.has(id));
    await readSubs(subscriptions.customerId, whose);
    whose.forEach((id) => loadedSubsOf.add(id));
  };
  /** The customer records of one person: this one and those sharing its phone or e-mail (as `personHistory` finds them). */
  const personOf = (customerId: string): Set<string> => {
    const me = people.get(customerId);
    const out = new Set([customerId]);
    if (me?.phone) for (const id of byPhone.get(me.phone) ?? []) out.add(id);
    if (me?.emailNormalized) for (const id of byEmail.get(me.emailNormalized) ?? []) out.add(id);
    return out;
  };
  const pastOf = (subscriptionId: string, customerId: string): (PastSubscription & { id: string })[] => {
    const out: (PastSubscription & { id: string })[] = [];
    for (const c of personOf(customerId)) {
      for (const id of byCustomer.get(c) ?? []) {
        const k = subs.get(id)!;
        if (id !== subscriptionId && k.row.customerId === c) out.push({ id, status: k.row.status, deliveriesCompleted: k.row.deliveriesCompleted });
      }
    }
    return out;
  };

  await readSubs(subscriptions.id, [...new Set(valid.map((b) => b.id))]);
  await loadPersons([...new Set(valid.map((b) => b.customerId))]);
  // The stored customers of subscriptions an item moves to another customer (rare: usually none),
  // for data-rights/erased: an erased person's plan is not moved.
  await readPeople(customers.id, [...new Set(valid.flatMap((b) => subs.get(b.id)?.row.customerId ?? []))].filter((id) => !people.has(id)));
  const model = await activeModel(s);
  const reasons = await reasonsFor(s, valid);
  // Changed in Tsuzuku after the export: not overwritten by it (one read, only with exportedAt).
  const changedSince = ctx.exportedAt ? await changedAfterExport(s, [...new Set(valid.map((b) => b.id))], ctx.exportedAt) : null;

  // --- Decisions, in order --------------------------------------------------------------------
  const writtenSubs = new Map<string, SubscriptionRow>();
  const createdSubs = new Set<string>();
  const riskRows = new Map<string, Omit<RiskRow, "tenantId">>();
  const cancellations: SubscriptionRow[] = [];
  const canceledIds = new Set<string>();
  // Plans canceled before the batch given another reason (the last one sent wins).
  const reasonChanges = new Map<string, SubscriptionRow>();
  // Plans the batch cancels that were live before it: their open cancel flows close (cancel-flows/closed-by-cancellation).
  const canceledNow = new Set<string>();
  // Restarts close the record open before the batch, or (after a cancellation earlier in it) the one that cancellation opens.
  const restarts: SubscriptionRow[] = [];
  const restartsAfterCancel = new Set<string>();
  const after: (() => Promise<unknown>)[] = [];
  // Statuses the batch changes (pause, resume, cancel, restart), for the plans' history: one insert at the end.
  const statusChanges: SyncedChangeRow[] = [];
  // Their webhook events and the risk bands that moved, in item order: one outbox insert at the end.
  const events: QueuedWebhookEvent[] = [];
  // `signal`: a restart counts in the plan's history of reactivations (risk/features), as the API's does.
  const refreshRisk = (id: string, signal?: "reactivated") => {
    const k = subs.get(id)!;
    const past = pastOf(id, k.row.customerId);
    const { row, bandChanged } = rescored({ sub: k.row, features: k.features, band: k.band, flags: k.flags, timeZone, model }, at, { past, signal });
    subs.set(id, { row: k.row, features: featuresFrom(row.features), band: row.band as RiskBand, flags: row.flags });
    riskRows.set(id, row);
    if (bandChanged) events.push({ type: "risk.band_changed", data: bandChanged });
  };

  for (const [i, p] of parsed.entries()) {
    if (i % ITEMS_PER_TURN === ITEMS_PER_TURN - 1) await s.turn();
    if (!p.success) {
      report.invalid(i, items[i], p.error.issues);
      continue;
    }
    const { id, ...b } = p.data;
    if (report.skip(i, id, b.customerId)) continue;
    if (!people.has(b.customerId)) {
      report.refused(i, id, unknownCustomer(b.customerId));
      continue;
    }
    const known = subs.get(id);
    let plan;
    try {
      refuseErased(people.get(b.customerId));
      if (known && known.row.customerId !== b.customerId) refuseErased(people.get(known.row.customerId), "id");
      plan = planSubscriptionSync(s.tenantId, id, b, known?.row, { ...ctx, reasons });
    } catch (e) {
      report.refused(i, id, caught(e));
      continue;
    }
    if (!plan.write) {
      report.applied(i, id, false, false);
      continue;
    }
    // Only a change the batch has not made itself (an id sent twice: the second sees the first).
    const stale = changedSince && staleSubscriptionRefusal(id, { stored: !!known && !writtenSubs.has(id), writes: true }, changedSince.get(id), ctx.exportedAt!, timeZone);
    if (stale) {
      report.refused(i, id, stale);
      continue;
    }
    if (known && known.row.customerId !== plan.row.customerId) byCustomer.get(known.row.customerId)?.delete(id);
    index(byCustomer, plan.row.customerId, id);
    subs.set(id, { row: plan.row, features: known?.features ?? null, band: known?.band ?? null, flags: known?.flags ?? null });
    writtenSubs.set(id, plan.row);
    ctx.onChange?.({ kind: "subscription", index: i, id, before: known?.row ?? null, after: plan.row });
    // In the plan's history and its customer's timeline, as the single PUT records it, with the event the same change made in Tsuzuku sends.
    const recorded = plan.restarted ? syncedRestartChange(known!.row, plan.row, at) : syncedStatusChange(known?.row, plan, at);
    if (recorded) {
      statusChanges.push(recorded);
      events.push(syncedChangeEvent(s.tenantId, recorded, plan.row));
    }
    if (plan.created) createdSubs.add(id);
    if (plan.resume) {
      const { before, note } = plan.resume;
      const resumed = plan.row;
      after.push(() => recordAutoResume(s, before, resumed, note, ctx.now));
    }
    if (plan.newCancellation) {
      cancellations.push(plan.row);
      canceledIds.add(id);
    }
    if (plan.reasonChanged) reasonChanges.set(id, plan.row);
    if (plan.restarted) {
      if (canceledIds.has(id)) restartsAfterCancel.add(id);
      else restarts.push(plan.row);
    }
    refreshRisk(id, plan.restarted ? "reactivated" : undefined);
    // As refreshPersonRisk: the person's other live subscriptions now have an earlier cancellation.
    if (plan.canceledNow) {
      canceledNow.add(id);
      for (const other of pastOf(id, b.customerId)) {
        if (other.status === "canceled") continue;
        await loadPersons([subs.get(other.id)!.row.customerId]);
        refreshRisk(other.id);
      }
    }
    report.applied(i, id, plan.created, true);
  }

  // --- Writes ---------------------------------------------------------------------------------
  // New rows are inserted whole; existing ones get the columns a sync changes (as the single PUT's
  // UPDATE), so a discount or cancellation record written elsewhere stays.
  const rows = [...writtenSubs.values()].map(({ tenantId: _t, ...r }) => r);
  await s.upsertMany(subscriptions, rows, [subscriptions.tenantId, subscriptions.id], SUBSCRIPTION_SYNCED);
  await upsertRiskRows(s, [...riskRows.values()]);
  await s.upsertMany(planChanges, statusChanges, [planChanges.tenantId, planChanges.id], []);
  // The endpoints read once for the whole batch; none registered, no outbox row (webhooks/outbox).
  await enqueueWebhookEvents(s, events, ctx.now);
  // As the single PUT: each restart and cancellation the batch reported enters win-back, each kind in one go.
  const today = localDate(ctx.now, ctx.settings.timeZone);
  await recordReactivations(s, restarts, at, today);
  await recordSyncedCancellations(s, cancellations, ctx.now, ctx.settings);
  await recordSyncedReasons(s, [...reasonChanges.values()]);
  await recordReactivations(s, [...restartsAfterCancel].flatMap((id) => (writtenSubs.get(id)!.status === "canceled" ? [] : [writtenSubs.get(id)!])), at, today);
  // A customer back through a new plan of a product they cancelled (after the batch's cancellations: one in the same batch counts too).
  await recordNewPlanReturns(s, [...createdSubs].flatMap((id) => (writtenSubs.has(id) ? [writtenSubs.get(id)!] : [])), at);
  for (const step of after) await step();
  if (canceledNow.size > 0) await closeFlowsOnCancellation(s, [...canceledNow], ctx.now, { channel: "api", actor: SYNC_ACTOR, changeId: null, confirmationNumber: null });
}
