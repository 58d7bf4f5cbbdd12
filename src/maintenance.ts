import type { Database } from "./db/client";
import { expireDueFlows } from "./cancel-flows/expiry";
import { applyRetention, dropFingerprints, forgetExpiredAnswers, RETENTION_CHUNK } from "./data-rights/retention";
import { resumeDuePauses } from "./plan-changes/auto-resume";
import { RESCORE_CHUNK, rescoreStale } from "./risk/rescore";
import { dispatchDueWebhooks, type WebhookSend } from "./webhooks/dispatcher";
import { decideStaleComebacks } from "./winback/decide";
import { sendDueWinbacks } from "./winback/due";
import { rescoreListedWinbacks } from "./winback/train";
import { MaintenancePass, StepFaults } from "./platform/step-faults";

/** What the background job needs: the database, the root secret (webhook signing), and the runtime's webhook fetch. */
export type MaintenanceServices = {
  db: Database;
  secretsKey: string;
  now?: () => Date;
  /** Node: webhooks/node-fetch; Workers: the global fetch. */
  fetch?: WebhookSend;
  /** WEBHOOKS_ALLOW_LOOPBACK=1 (local development and tests). */
  allowLoopbackWebhooks?: boolean;
  /**
   * Whether `secretsKey` opens the stored webhook secrets (Workers: platform/key-check, once per
   * isolate). False: no delivery is attempted (nor counted) this pass. Absent: known to (Node
   * refuses to start with a key that does not).
   */
  secretsKeyOpens?: () => Promise<boolean>;
};

/**
 * How many rows each step may take in one pass: the size of its write transactions, and — on the
 * embedded file, where the driver is synchronous — of the stretches during which the event loop
 * answers nothing else.
 */
export type MaintenanceBatches = {
  /** Pauses ending, per tenant (each resumed subscription: its plan change and risk refresh). */
  resume: number;
  /** Open cancel flows past their expiry, per tenant (each: a step and a risk refresh). */
  expire: number;
  /** Risk rows re-scored (older than a day, or than the tenant's newest model). */
  rescore: number;
  /** Win-back records fallen due (sent or skipped), per tenant. */
  winbacksDue: number;
  /** Win-back comebacks decided again on a newer catalogue, per tenant. */
  decide: number;
  /** Listed comebacks rendered for today's restart date, per tenant. */
  render: number;
  /** Listed win-back records scored again as of today, per tenant. */
  winbackRescore: number;
  /** Webhook deliveries attempted. */
  webhooks: number;
  /** Rows the retention settings delete or scrub; as many customers' dropped fingerprints. */
  retention: number;
};

/** One pass per cron invocation (Workers): as much as fits an invocation's budget. */
export const CRON_BATCHES: MaintenanceBatches = { resume: 200, expire: 200, rescore: RESCORE_CHUNK, winbacksDue: 200, decide: 500, render: 2_000, winbackRescore: 2_000, webhooks: 50, retention: RETENTION_CHUNK };

/**
 * Slices for a process that also answers requests (Node): each a few milliseconds of synchronous
 * work on the 1,000,000-subscription bench tenant, where a risk row re-scored costs ≈ 150–250 µs
 * and a comeback decided or rendered ≈ 300–350 µs — at the cron's sizes one pass held the loop
 * 110–200 ms (re-scoring 500 rows) and 85–150 ms (rendering 2,000 comebacks) every second for as
 * long as a day's backlog lasted (bench/HISTORY.md, "Branch dip7"). Webhooks keep the cron's 50: a
 * delivery is network I/O that does not hold the loop, and a pass waits for its slowest receiver,
 * so a smaller batch would only cut deliveries a second.
 */
export const SLICE_BATCHES: MaintenanceBatches = { resume: 10, expire: 10, rescore: 25, winbacksDue: 25, decide: 15, render: 15, winbackRescore: 25, webhooks: 50, retention: 50 };

/**
 * Background work both runtimes run: Workers once per cron invocation, Node in slices
 * (`startMaintenance`). `pause` runs between steps (Node: a turn of the event loop, so requests
 * are answered between them).
 *
 * Each step — and within it each tenant's share — runs apart (platform/step-faults): one that
 * throws has its own write transaction rolled back, is logged and listed in `failed`, counts 0, and
 * the pass goes on with the other tenants and the later steps (a bad win-back record must not stop
 * every shop's webhooks and retention purges). `faults` keeps failures between passes, so a unit
 * that keeps failing rests between tries and is not logged every pass; without it, a fresh one.
 * Once a step finds the database server unreachable, slow past its timeout or refusing the
 * credentials, the pass's later steps are skipped and said so in one line (platform/step-faults),
 * so a pass against a hung server ends within about one DATABASE_TIMEOUT_MS, not one per step.
 * `pass`: one the caller already ran steps in (the Worker's `secrets` step), ended here.
 */
export async function runMaintenance(services: MaintenanceServices, opts: { batches?: MaintenanceBatches; pause?: () => Promise<void>; faults?: StepFaults; pass?: MaintenancePass } = {}) {
  const { db } = services;
  const now = services.now ?? (() => new Date());
  const b = opts.batches ?? CRON_BATCHES;
  const pause = opts.pause ?? (async () => {});
  const pass = opts.pass ?? (opts.faults ?? new StepFaults()).pass();
  const resumed = await pass.step("resume", 0, (tenants) => resumeDuePauses(db, now(), b.resume, tenants));
  await pause();
  const abandoned = await pass.step("expire", 0, (tenants) => expireDueFlows(db, now(), b.expire, tenants));
  await pause();
  // Risk rows older than a day or than the tenant's newest model.
  const rescored = await pass.step("rescore", 0, (tenants) => rescoreStale(db, now(), b.rescore, tenants));
  await pause();
  // Before dispatching, so a win-back that fell due goes out in the same run.
  const winbacksDue = await pass.step("winbacksDue", 0, (tenants) => sendDueWinbacks(db, now(), b.winbacksDue, tenants));
  await pause();
  // Win-back comebacks decided on an older offer catalogue (or never), then rendered for today.
  const comebacks = await pass.step("decide", 0, (tenants) => decideStaleComebacks(db, now(), b.decide, b.render, pause, tenants));
  await pause();
  // Listed win-back records scored on an earlier day: their chance moves with time since cancelling.
  const winbacksRescored = await pass.step("winbackRescore", 0, (tenants) => rescoreListedWinbacks(db, now(), b.winbackRescore, tenants));
  await pause();
  const webhooks = await pass.step("webhooks", { attempted: 0, delivered: 0, failed: 0 }, async (tenants) =>
    // A key that cannot sign: deliveries wait, untried and uncounted (/health and the key check's line say why).
    services.secretsKeyOpens && !(await services.secretsKeyOpens())
      ? { attempted: 0, delivered: 0, failed: 0 }
      : dispatchDueWebhooks(db, { now, secretsKey: services.secretsKey, fetch: services.fetch, allowLoopback: services.allowLoopbackWebhooks, limit: b.webhooks, tenants }),
  );
  await pause();
  // The shops' retention settings.
  const retention = await pass.step("retention", { events: 0, flowTexts: 0, surveyTexts: 0, erasedIds: 0 }, (tenants) => applyRetention(db, now(), b.retention, tenants));
  await pause();
  // Fingerprints a shop's `keepContactFingerprints: false` dropped (settings/schemas), in the retention step's batches.
  const fingerprints = await pass.step("fingerprints", 0, (tenants) => dropFingerprints(db, b.retention, tenants));
  await pause();
  // Idempotent answers past their 24 h, in the retention step's batches.
  const expiredAnswers = await pass.step("answers", 0, (tenants) => forgetExpiredAnswers(db, now(), b.retention, tenants));
  pass.end();
  return { resumed, abandoned, rescored, winbacksDue, comebacks, winbacksRescored, webhooks, retention, fingerprints, expiredAnswers, failed: pass.failed, skipped: pass.skipped };
}

/** Rows a pass handled, whatever the step: more than zero means a backlog may remain. */
function handled(r: Awaited<ReturnType<typeof runMaintenance>>): number {
  return r.resumed + r.abandoned + r.rescored + r.winbacksDue + r.comebacks + r.winbacksRescored + r.webhooks.attempted + r.retention.events + r.retention.flowTexts + r.retention.surveyTexts + r.retention.erasedIds + r.fingerprints + r.expiredAnswers;
}

/**
 * Node: maintenance in the serving process. Every `everyMs` a run of passes in slices
 * (`SLICE_BATCHES`), a turn of the event loop between steps and between passes, repeated while a
 * pass finds work, until `budgetMs` of the tick is spent — so a backlog (a day of stale risk rows
 * on a large shop) drains at up to that share of the process's time, and no slice holds the loop
 * the data dip answers on for more than a few milliseconds. `stop` ends the ticks and waits for the
 * pass under way. A failing step or tenant is kept in `faults` (give one to read it elsewhere, as
 * GET /health does) and rests between tries; anything else that throws is reported (`onError`) and
 * the next tick tries again.
 */
export function startMaintenance(
  services: MaintenanceServices,
  opts: {
    everyMs?: number;
    budgetMs?: number;
    batches?: MaintenanceBatches;
    faults?: StepFaults;
    onError?: (e: unknown) => void;
    onPass?: (r: Awaited<ReturnType<typeof runMaintenance>>) => void;
  } = {},
): { stop: () => Promise<void> } {
  const everyMs = opts.everyMs ?? 1_000;
  const budgetMs = opts.budgetMs ?? 250;
  // The database's own turn of the event loop (the embedded file); nothing to wait for elsewhere.
  const turn = services.db.turn ?? (async () => {});
  const faults = opts.faults ?? new StepFaults();
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = async () => {
    const started = performance.now();
    try {
      for (;;) {
        const r = await runMaintenance(services, { batches: opts.batches ?? SLICE_BATCHES, pause: turn, faults });
        opts.onPass?.(r);
        if (stopped || handled(r) === 0 || performance.now() - started >= budgetMs) return;
        await turn();
      }
    } catch (e) {
      (opts.onError ?? ((err) => console.error("maintenance failed", err)))(e);
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick().finally(() => {
      running = null;
    });
  }, everyMs);
  return {
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
