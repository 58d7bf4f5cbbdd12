import { databaseFailure, describeCauses, type DatabaseFailure } from "../db/client";
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
 * A database server that cannot be reached, does not answer or refuses the credentials is said in
 * one line per run (the Worker's cron: one a minute), and on Node, whose passes run every second,
 * at most this often while it lasts.
 */
export const DOWN_LOG_EVERY_MS = 50_000;

/**
 * Failures of the database server itself (db/client `databaseFailure`), not of a step: every later
 * step of the run would wait on the same server (a hung one: its whole DATABASE_TIMEOUT_MS each),
 * so the run's remaining steps are skipped. A disk refusing writes is not one of them: reads may work.
 */
const SERVER_DOWN: ReadonlySet<DatabaseFailure> = new Set(["timeout", "unreachable", "credentials"]);
/** What the operator must look at, per kind: the setting named. */
const DOWN_TEXT: Record<"timeout" | "unreachable" | "credentials", string> = {
  timeout: "did not answer in time (DATABASE_TIMEOUT_MS)",
  unreachable: "could not be reached (DATABASE_URL)",
  credentials: "refused this service's credentials (401/403): check DATABASE_AUTH_TOKEN",
};

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
  private readonly info: (line: string) => void;
  /** The database server found down by the latest pass that found it so, and when that was last logged. */
  private down: { kind: DatabaseFailure; since: number; runs: number; loggedAt: number } | null = null;

  /**
   * `clock`: milliseconds (real time, not the job's business clock: rests pace retries). `log`: one
   * line per failure report (ERROR); `info`: good news, a unit or the database recovered (INFO).
   */
  constructor(opts: { clock?: () => number; log?: (line: string) => void; info?: (line: string) => void } = {}) {
    this.clock = opts.clock ?? Date.now;
    this.log = opts.log ?? ((line) => console.error(line));
    this.info = opts.info ?? ((line) => console.info(line));
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

  /** @internal a unit failed; `quiet`: recorded, not logged (the pass's one line about the database says it). */
  failed(step: StepName, tenantId: string | null, e: unknown, quiet = false): StepFailure {
    const now = this.clock();
    const error = messageOf(e);
    const key = keyOf(step, tenantId);
    const f = this.faults.get(key);
    if (!f) {
      this.faults.set(key, { step, tenantId, failures: 1, since: now, last: now, restUntil: now + FIRST_REST_MS, loggedAt: now, error });
      if (!quiet) this.log(`[maintenance] ${where(step, tenantId)} failed; the other steps and tenants go on, this one is tried again after a rest: ${error}${framesOf(e)}`);
    } else {
      f.failures += 1;
      f.last = now;
      f.error = error;
      f.restUntil = now + Math.min(MAX_REST_MS, FIRST_REST_MS * 2 ** Math.min(f.failures - 1, 30));
      if (!quiet && now - f.loggedAt >= LOG_EVERY_MS) {
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
    this.info(`[maintenance] ${where(step, tenantId)} recovered after ${f.failures} failure(s) since ${new Date(f.since).toISOString()}`);
  }

  /**
   * @internal a pass ended: `down`, the database failure that stopped it (its step, its error, the
   * steps skipped after it), in one line, at most once per DOWN_LOG_EVERY_MS while the same kind
   * lasts; null, it ran through (a line, INFO, if the database had been down).
   */
  passEnded(down: { kind: DatabaseFailure; step: StepName; error: string } | null, skipped: StepName[]): void {
    const now = this.clock();
    if (down === null) {
      if (this.down) this.info(`[maintenance] the database answers again, after ${this.down.runs} run(s) stopped by it since ${new Date(this.down.since).toISOString()}`);
      this.down = null;
      return;
    }
    const same = this.down?.kind === down.kind;
    const state = same ? this.down! : { kind: down.kind, since: now, runs: 0, loggedAt: -Infinity };
    state.runs += 1;
    this.down = state;
    if (same && now - state.loggedAt < DOWN_LOG_EVERY_MS) return;
    state.loggedAt = now;
    const what = DOWN_TEXT[down.kind as keyof typeof DOWN_TEXT];
    const others = skipped.length > 0 ? `skipped this run: ${skipped.join(", ")}` : "no step left to skip";
    const runs = state.runs > 1 ? ` (${state.runs} runs since ${new Date(state.since).toISOString()})` : "";
    this.log(`[maintenance] the database ${what}${runs}; step ${down.step} failed, ${others}: ${down.error}`);
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
  /** Steps not run because the database server was found down earlier in this pass. */
  readonly skipped: StepName[] = [];
  /** The database server's failure that stops this pass (SERVER_DOWN), once one was met. */
  private down: { kind: DatabaseFailure; step: StepName; error: string } | null = null;

  constructor(private readonly faults: StepFaults) {}

  /** Records a unit's failure; a database server's failure also stops the pass (see SERVER_DOWN). */
  private fail(step: StepName, tenantId: string | null, e: unknown): void {
    const kind = databaseFailure(e);
    const serverDown = kind !== null && SERVER_DOWN.has(kind);
    const failure = this.faults.failed(step, tenantId, e, serverDown);
    this.failed.push(failure);
    if (serverDown && this.down === null) this.down = { kind, step, error: failure.error };
  }

  /** Ends the pass: one line if the database stopped it (StepFaults `passEnded`). Call once, after the last step. */
  end(): void {
    this.faults.passEnded(this.down, this.skipped);
  }

  /**
   * Runs one step: `work` gets the step's `TenantShares`. A throw out of the step itself (a
   * cross-tenant read, say) is recorded for the step as a whole and answers `fallback`, as does a
   * step resting after failures.
   */
  async step<T>(step: StepName, fallback: T, work: (tenants: TenantShares) => Promise<T>): Promise<T> {
    const faults = this.faults;
    // The database server was found down: each step would wait on it again (a hung one: a whole timeout each).
    if (this.down !== null) {
      this.skipped.push(step);
      return fallback;
    }
    if (faults.resting(step, null)) return fallback;
    const tenants: TenantShares = {
      run: async (tenantId, tenantFallback, tenantWork) => {
        if (this.down !== null || faults.resting(step, tenantId)) return tenantFallback;
        try {
          const out = await tenantWork();
          faults.succeeded(step, tenantId);
          return out;
        } catch (e) {
          this.fail(step, tenantId, e);
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
      this.fail(step, null, e);
      return fallback;
    }
  }
}
