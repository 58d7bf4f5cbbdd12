import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays } from "../../src/platform/dates";
import { DOWN_LOG_EVERY_MS, FIRST_REST_MS, FORGET_AFTER_MS, LOG_EVERY_MS, MAX_REST_MS, StepFaults } from "../../src/platform/step-faults";
import { customerBody, subscriptionBody, uid, type TestTenant } from "../support/harness";
import { nodeHarness, type NodeHarness } from "../support/node-harness";

/** The process's job (`cron`: a pass of startMaintenance) on a clock the test moves: rests, log lines and GET /health. */
describe("a step that keeps failing, on Node", () => {
  let h: NodeHarness;
  let clock = Date.parse("2026-12-01T00:00:00Z");
  const log: string[] = [];
  const info: string[] = [];

  beforeAll(async () => {
    h = await nodeHarness({}, { faults: new StepFaults({ clock: () => clock, log: (line) => log.push(line), info: (line) => info.push(line) }) });
  });
  afterAll(() => h.close());

  async function pauseEnded(t: TestTenant) {
    const c = uid("C");
    const s = uid("S");
    await h.request("PUT", `/v1/customers/${c}`, { key: t.key, body: customerBody() });
    await h.request("PUT", `/v1/subscriptions/${s}`, { key: t.key, body: subscriptionBody(c) });
    const ended = addDays(new Date().toISOString().slice(0, 10), -2);
    await h.sql("UPDATE subscriptions SET status = 'paused', paused_until = ?, next_delivery_on = ? WHERE tenant_id = ? AND id = ?", [ended, ended, t.id, s]);
    return s;
  }
  const statusOf = async (t: TestTenant, s: string) => (await h.sql("SELECT status FROM subscriptions WHERE tenant_id = ? AND id = ?", [t.id, s]))[0]?.status;

  it("is logged once, rests between tries, shows in /health, and is logged again when it recovers", async () => {
    const bad = await h.tenant();
    const s = await pauseEnded(bad);
    await h.sql("UPDATE subscriptions SET active_discount = '{not json' WHERE tenant_id = ? AND id = ?", [bad.id, s]);
    const healthy = await h.request("GET", "/health");
    expect(Object.keys(healthy.body)).toEqual(["status", "database", "time", "disk"]);

    await h.cron();
    expect(log).toHaveLength(1);
    expect(log[0]).toContain(`[maintenance] step resume, tenant ${bad.id} failed`);
    expect(log[0]).toContain("SyntaxError");
    const health = await h.request("GET", "/health");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "ok", database: "ok", maintenance: { failing: [{ step: "resume", tenants: 1, failures: 1, since: new Date(clock).toISOString() }] } });

    // Resting: the next passes leave it alone (no try, no line) until its rest is over.
    await h.cron();
    await h.cron();
    expect(h.faults.failing()).toMatchObject([{ failures: 1 }]);
    clock += FIRST_REST_MS;
    await h.cron();
    expect(h.faults.failing()).toMatchObject([{ failures: 2 }]);
    expect(log).toHaveLength(1);

    // Rests double up to their cap; the log hears of it again only after LOG_EVERY_MS.
    for (let i = 0; i < 12; i++) {
      clock += MAX_REST_MS;
      await h.cron();
    }
    expect(h.faults.failing()).toMatchObject([{ step: "resume", failures: 14 }]);
    expect(log.length).toBeGreaterThanOrEqual(2);
    expect(log.length).toBeLessThanOrEqual(1 + Math.ceil((12 * MAX_REST_MS) / LOG_EVERY_MS));
    expect(log[1]).toMatch(/step resume, tenant \S+ still failing: \d+ failures since/);
    expect(await statusOf(bad, s)).toBe("paused");

    await h.sql("UPDATE subscriptions SET active_discount = NULL WHERE tenant_id = ? AND id = ?", [bad.id, s]);
    clock += MAX_REST_MS;
    await h.cron();
    expect(await statusOf(bad, s)).toBe("active");
    // Good news, at INFO: not among the errors.
    expect(info.at(-1)).toMatch(new RegExp(`step resume, tenant ${bad.id} recovered after 14 failure\\(s\\)`));
    expect(log.join("\n")).not.toContain("recovered");
    expect(h.faults.failing()).toEqual([]);
    expect(Object.keys((await h.request("GET", "/health")).body)).toEqual(["status", "database", "time", "disk"]);
  });

  it("risk re-scoring leaves a resting shop's rows out, so they do not take every pass's batch", async () => {
    const bad = await h.tenant();
    const good = await h.tenant();
    const badSub = await pauseEnded(bad);
    const goodSub = await pauseEnded(good);
    await h.sql("UPDATE subscriptions SET status = 'active', paused_until = NULL WHERE id IN (?, ?)", [badSub, goodSub]);
    // The bad shop's row is the stalest, and cannot be read back.
    await h.sql("UPDATE risk_features SET computed_at = '2020-01-01T00:00:00.000Z', features = '{not json' WHERE tenant_id = ?", [bad.id]);
    await h.sql("UPDATE risk_features SET computed_at = '2020-01-02T00:00:00.000Z' WHERE tenant_id = ?", [good.id]);
    const { rescoreStale } = await import("../../src/risk/rescore");
    const rescore = () => h.faults.pass().step("rescore", -1, (tenants) => rescoreStale(h.db, new Date(), 1, tenants));
    expect(await rescore()).toBe(0);
    expect(h.faults.failing()).toMatchObject([{ step: "rescore", tenants: 1 }]);
    expect(await rescore()).toBe(1);
    expect((await h.sql("SELECT computed_at FROM risk_features WHERE tenant_id = ?", [good.id]))[0]?.computed_at).not.toBe("2020-01-02T00:00:00.000Z");
    await h.sql("DELETE FROM risk_features WHERE tenant_id = ?", [bad.id]);
  });
});

describe("StepFaults", () => {
  it("a step failing as a whole answers its fallback, rests, and the later steps of the pass still run", async () => {
    let clock = 0;
    const log: string[] = [];
    const info: string[] = [];
    const faults = new StepFaults({ clock: () => clock, log: (line) => log.push(line), info: (line) => info.push(line) });
    let tries = 0;
    const failing = async () => {
      tries++;
      throw new Error("database is locked");
    };
    const pass = faults.pass();
    expect(await pass.step("webhooks", { attempted: 0 }, failing)).toEqual({ attempted: 0 });
    expect(await pass.step("retention", "ran", async () => "ran")).toBe("ran");
    expect(pass.failed).toEqual([{ step: "webhooks", tenantId: null, error: "Error: database is locked" }]);
    expect(faults.failing()).toMatchObject([{ step: "webhooks", tenants: null, failures: 1 }]);

    expect(await faults.pass().step("webhooks", "skipped", failing)).toBe("skipped");
    expect(tries).toBe(1);
    clock += FIRST_REST_MS;
    await faults.pass().step("webhooks", null, failing);
    expect(tries).toBe(2);
    clock += 2 * FIRST_REST_MS;
    expect(await faults.pass().step("webhooks", null, async () => "sent")).toBe("sent");
    expect(faults.failing()).toEqual([]);
    expect(log).toHaveLength(1);
    expect(info).toEqual(["[maintenance] step webhooks recovered after 2 failure(s) since 1970-01-01T00:00:00.000Z"]);
  });

  it("a database that cannot be reached is logged as its cause in one line, without the failed query's parameters or a stack", async () => {
    const log: string[] = [];
    const faults = new StepFaults({ clock: () => 0, log: (line) => log.push(line) });
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:18611"), { code: "ECONNREFUSED" });
    // As drizzle wraps the client's error: the query's text and its parameters (customers' data) in the message.
    const query = new Error("Failed query: select \"id\" from \"customers\" where \"phone\" = ?\nparams: +819012345678", { cause: new TypeError("fetch failed", { cause: refused }) });
    const pass = faults.pass();
    await pass.step("resume", 0, async () => {
      throw query;
    });
    pass.end();
    expect(log).toHaveLength(1);
    expect(log[0]).toContain("ECONNREFUSED");
    expect(log[0]).toContain("could not be reached (DATABASE_URL)");
    expect(log[0]).not.toContain("+819012345678");
    expect(log[0]).not.toContain("Failed query");
    expect(log[0]!.split("\n")).toHaveLength(1);
  });

  it("a database server down (timeout, unreachable, refused token) ends the pass: later steps and tenants are skipped, said in one line per run, naming the setting", async () => {
    let clock = 0;
    const log: string[] = [];
    const info: string[] = [];
    const faults = new StepFaults({ clock: () => clock, log: (line) => log.push(line), info: (line) => info.push(line) });
    const refused = Object.assign(new Error("SERVER_ERROR: Server returned HTTP status 401"), { cause: Object.assign(new Error("Server returned HTTP status 401"), { name: "HttpServerError", status: 401 }) });
    const timedOut = Object.assign(new Error("The operation was aborted due to timeout"), { name: "TimeoutError" });
    let ran: string[] = [];
    const runPass = async (error: Error | null) => {
      ran = [];
      const pass = faults.pass();
      for (const step of ["resume", "expire", "rescore", "webhooks"] as const) {
        await pass.step(step, 0, async (tenants) => {
          ran.push(step);
          for (const tenant of ["ten_a", "ten_b"]) {
            await tenants.run(tenant, 0, async () => {
              ran.push(`${step}/${tenant}`);
              if (error) throw error;
              return 1;
            });
          }
          return 1;
        });
      }
      pass.end();
      return pass;
    };
    const first = await runPass(refused);
    // The first tenant's share met the refused token: nothing else waited on the server.
    expect(ran).toEqual(["resume", "resume/ten_a"]);
    expect(first.skipped).toEqual(["expire", "rescore", "webhooks"]);
    expect(log).toHaveLength(1);
    expect(log[0]).toContain("check DATABASE_AUTH_TOKEN");
    expect(log[0]).toContain("skipped this run: expire, rescore, webhooks");
    // Every run is stopped the same way; while it lasts, a line at most every DOWN_LOG_EVERY_MS (the Worker's cron: one a minute).
    clock += FIRST_REST_MS;
    await runPass(refused);
    expect(ran).toEqual(["resume", "resume/ten_a"]);
    expect(log).toHaveLength(1);
    clock += DOWN_LOG_EVERY_MS;
    await runPass(refused);
    expect(log).toHaveLength(2);
    expect(log[1]).toMatch(/check DATABASE_AUTH_TOKEN \(3 runs since/);
    // Another kind is said at once.
    clock += MAX_REST_MS;
    await runPass(timedOut);
    expect(log).toHaveLength(3);
    expect(log[2]).toContain("did not answer in time (DATABASE_TIMEOUT_MS)");
    // Back: every step runs, and the news is INFO.
    clock += 2 * MAX_REST_MS;
    const back = await runPass(null);
    expect(back.skipped).toEqual([]);
    expect(ran).toHaveLength(12);
    expect(log).toHaveLength(3);
    expect(info.at(-1)).toMatch(/^\[maintenance\] the database answers again/);
  });

  it("tenants' shares: one failing leaves the others' results, is left out while resting, and is forgotten when long untried", async () => {
    let clock = 0;
    const log: string[] = [];
    const faults = new StepFaults({ clock: () => clock, log: (line) => log.push(line) });
    const run = (ids: string[]) =>
      faults.pass().step("rescore", -1, async (tenants) => {
        let n = 0;
        for (const id of ids.filter((t) => !tenants.resting().includes(t)))
          n += await tenants.run(id, 0, async () => {
            if (id === "ten_bad") throw new Error("bad row");
            return 10;
          });
        return n;
      });
    expect(await run(["ten_a", "ten_bad", "ten_b"])).toBe(20);
    expect(faults.failing()).toMatchObject([{ step: "rescore", tenants: 1, failures: 1 }]);
    expect(await run(["ten_a", "ten_bad", "ten_b"])).toBe(20); // resting: not tried
    expect(faults.failing()).toMatchObject([{ failures: 1 }]);
    // Nothing due for it any more: dropped once long past its rest, with a line.
    clock += FIRST_REST_MS + FORGET_AFTER_MS;
    expect(await run(["ten_a"])).toBe(10);
    expect(faults.failing()).toEqual([]);
    expect(log).toHaveLength(2);
    expect(log[1]).toContain("step rescore, tenant ten_bad: not tried again since");
  });
});
