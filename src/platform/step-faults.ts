import { databaseFailure, describeCauses } from "../db/client";
/**
 * Failures of the background job's steps, kept apart: a step (or one tenant's share of it) that
 * throws is recorded and logged, and the job goes on with the next tenant and the next step — one
 * bad row must not hold back every shop's webhooks and retention purges. A unit that keeps failing
 * rests between tries (1 s, doubling, at most `MAX_REST_MS`) and is logged when it first fails,
 * then at most once per `LOG_EVERY_MS` while it keeps failing, and once when it recovers.
 *
 * State lives in memory: on Node for the process (src/maintenance `startMaintenance`), on Workers
 * for the isolate that runs the cron (src/worker), so there a cold isolate starts afresh.
 */

/** The job's steps, in the order a pass runs them (src/maintenance `runMaintenance`; `secrets` the Worker's cron only, before them). */
export const STEP_NAMES = ["secrets", "resume", "expire", "rescore", "winbacksDue", "decide", "winbackRescore", "webhooks", "retention", "fingerprints", "answers"] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** First rest after a failure; doubles with each failure in a row. */
export const FIRST_REST_MS = 1_000;
/** Longest rest between tries of a unit that keeps failing. */
export const MAX_REST_MS = 5 * 60_000;
/** A unit that keeps failing is logged again at most this often. */
export const LOG_EVERY_MS = 10 * 60_000;
/**
 * A failing unit not tried again this long after its rest ended (its tenant had nothing more due,
 * the row went away) is forgotten, with a line in the log; not sooner, so a step that reaches a
 * tenant only now and then (a shared budget) does not log "recovered" and "failed" by turns.
 */
export const FORGET_AFTER_MS = 60 * 60_000;

/**
 * One tenant's share of a step, run apart from the others. Steps take it as a parameter whose
 * default (`TOGETHER`) runs everything as before, throws included — for the CLIs and seeds.
 */
export type TenantShares = {
  /** Runs `work` for one tenant: if it throws (its write transaction rolled back), answers `fallback`; a tenant resting after failures is skipped (answers `fallback`). */
  run<T>(tenantId: string, fallback: T, work: () => Promise<T>): Promise<T>;
  /** Tenants resting after failures of this step: a step that reads rows across tenants leaves them out, so their rows do not take its batch every pass. */
  resting(): string[];
};

/** No isolation: each tenant's share runs as is and a throw ends the step. */
export const TOGETHER: TenantShares = { run: (_tenantId, _fallback, work) => work(), resting: () => [] };

/** A failure in one pass: the step, the tenant (null: the step as a whole) and the error's message. */
export type StepFailure = { step: StepName; tenantId: string | null; error: string };

/** What an operator sees (GET /health on Node): each step failing now, with how many tenants. */
export type FailingStep = {
  step: StepName;
  /** Tenants whose share of the step keeps failing; null when the step fails as a whole. */
  tenants: number | null;
  /** Failures in a row (summed over the tenants). */
  failures: number;
  /** The first of these failures (UTC, ISO 8601). */
  since: string;
  /** The latest one. */
  lastFailedAt: string;
};

type Fault = { step: StepName; tenantId: string | null; failures: number; since: number; last: number; restUntil: number; loggedAt: number; error: string };

const keyOf = (step: StepName, tenantId: string | null) => `${step}\u0000${tenantId ?? ""}`;
// The error chain in one line (db/client describeCauses: the cause a database failure wraps, such as
// ECONNREFUSED, and never drizzle's "Failed query … params", which holds customers' data).
const messageOf = (e: unknown) => (describeCauses(e) || (e instanceof Error ? e.name : String(e))).slice(0, 500);
// Where it was thrown, the frames only: an error's first stack line repeats its message. None for a
// database that cannot be reached or refuses the token: the cause says all, and every step fails alike.
const framesOf = (e: unknown) => (e instanceof Error && e.stack && databaseFailure(e) === null ? `\n${e.stack.split("\n").filter((l) => /^\s+at /.test(l)).join("\n")}` : "");
const where = (step: StepName, tenantId: string | null) => (tenantId === null ? `step ${step}` : `step ${step}, tenant ${tenantId}`);

export class StepFaults {
  private readonly faults = new Map<string, Fault>();
  private readonly clock: () => number;
  private readonly log: (line: string) => void;

  /** `clock`: milliseconds (real time, not the job's business clock: rests pace retries). `log`: one line per report. */
  constructor(opts: { clock?: () => number; log?: (line: string) => void } = {}) {
    this.clock = opts.clock ?? Date.now;
    this.log = opts.log ?? ((line) => console.error(line));
  }

  /** One pass of the job: its steps, each run apart; `failed` lists what failed in it. */
  pass(): MaintenancePass {
    return new MaintenancePass(this);
  }

  /** Steps failing now, in the order they first failed; empty when all is well. */
  failing(): FailingStep[] {
    const byStep = new Map<StepName, { tenants: number | null; failures: number; since: number; last: number }>();
    for (const f of this.faults.values()) {
      const s = byStep.get(f.step);
      if (!s) byStep.set(f.step, { tenants: f.tenantId === null ? null : 1, failures: f.failures, since: f.since, last: f.last });
      else {
        // The step failing as a whole says more than any tenant's share.
        s.tenants = f.tenantId === null || s.tenants === null ? null : s.tenants + 1;
        s.failures += f.failures;
        s.since = Math.min(s.since, f.since);
        s.last = Math.max(s.last, f.last);
      }
    }
    return [...byStep].map(([step, s]) => ({ step, tenants: s.tenants, failures: s.failures, since: new Date(s.since).toISOString(), lastFailedAt: new Date(s.last).toISOString() }));
  }

  /** @internal whether a unit is resting now. */
  resting(step: StepName, tenantId: string | null): boolean {
    const f = this.faults.get(keyOf(step, tenantId));
    return f !== undefined && this.clock() < f.restUntil;
  }

  /** @internal tenants resting for a step. */
  restingTenants(step: StepName): string[] {
    const now = this.clock();
    const out: string[] = [];
    for (const f of this.faults.values()) if (f.step === step && f.tenantId !== null && now < f.restUntil) out.push(f.tenantId);
    return out;
  }

  /** @internal a unit failed. */
  failed(step: StepName, tenantId: string | null, e: unknown): StepFailure {
    const now = this.clock();
    const error = messageOf(e);
    const key = keyOf(step, tenantId);
    const f = this.faults.get(key);
    if (!f) {
      this.faults.set(key, { step, tenantId, failures: 1, since: now, last: now, restUntil: now + FIRST_REST_MS, loggedAt: now, error });
      this.log(`[maintenance] ${where(step, tenantId)} failed; the other steps and tenants go on, this one is tried again after a rest: ${error}${framesOf(e)}`);
    } else {
      f.failures += 1;
      f.last = now;
      f.error = error;
      f.restUntil = now + Math.min(MAX_REST_MS, FIRST_REST_MS * 2 ** Math.min(f.failures - 1, 30));
      if (now - f.loggedAt >= LOG_EVERY_MS) {
        f.loggedAt = now;
        this.log(`[maintenance] ${where(step, tenantId)} still failing: ${f.failures} failures since ${new Date(f.since).toISOString()}, next try in ${Math.round((f.restUntil - now) / 1000)} s: ${error}`);
      }
    }
    return { step, tenantId, error };
  }

  /** @internal a unit ran through. */
  succeeded(step: StepName, tenantId: string | null): void {
    const key = keyOf(step, tenantId);
    const f = this.faults.get(key);
    if (!f) return;
    this.faults.delete(key);
    this.log(`[maintenance] ${where(step, tenantId)} recovered after ${f.failures} failure(s) since ${new Date(f.since).toISOString()}`);
  }

  /** @internal a step ran: its tenants' faults left untried long after their rest ended are forgotten. */
  sweep(step: StepName): void {
    const now = this.clock();
    for (const [key, f] of this.faults) {
      if (f.step !== step || f.tenantId === null || now - f.restUntil < FORGET_AFTER_MS) continue;
      this.faults.delete(key);
      this.log(`[maintenance] ${where(step, f.tenantId)}: not tried again since ${new Date(f.last).toISOString()} (nothing due for it); forgotten after ${f.failures} failure(s)`);
    }
  }
}

/** One pass: runs steps apart from each other, and hands each step its tenants' shares. */
export class MaintenancePass {
  /** What failed in this pass, in order. */
  readonly failed: StepFailure[] = [];

  constructor(private readonly faults: StepFaults) {}

  /**
   * Runs one step: `work` gets the step's `TenantShares`. A throw out of the step itself (a
   * cross-tenant read, say) is recorded for the step as a whole and answers `fallback`, as does a
   * step resting after failures.
   */
  async step<T>(step: StepName, fallback: T, work: (tenants: TenantShares) => Promise<T>): Promise<T> {
    const faults = this.faults;
    if (faults.resting(step, null)) return fallback;
    const tenants: TenantShares = {
      run: async (tenantId, tenantFallback, tenantWork) => {
        if (faults.resting(step, tenantId)) return tenantFallback;
        try {
          const out = await tenantWork();
          faults.succeeded(step, tenantId);
          return out;
        } catch (e) {
          this.failed.push(faults.failed(step, tenantId, e));
          return tenantFallback;
        }
      },
      resting: () => faults.restingTenants(step),
    };
    try {
      const out = await work(tenants);
      faults.succeeded(step, null);
      faults.sweep(step);
      return out;
    } catch (e) {
      this.failed.push(faults.failed(step, null, e));
      return fallback;
    }
  }
}
