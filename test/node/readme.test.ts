import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type IncomingHttpHeaders } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The README's walk-through, run as written: its ```sh blocks that call the API (the section "A
 * walk-through with curl", up to the next `## ` heading) go to bash with the real curl (`.ci/run` installs curl when missing) against
 * a fresh `npm start` on a free port and an empty database, seeded on the day the test runs. Only
 * the base URL is changed. Every answer must be 2xx except the refusals the README announces next to
 * their command (a comment `# → 422 fee_acknowledgement_required`), in that order.
 */
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const start = readme.indexOf("## A walk-through with curl");
const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
// Only the blocks that talk to the API: the section also shows how to run the bench, which is no
// walk-through step (and takes minutes).
const script = [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
  .map((m) => m[1]!)
  .filter((block) => block.includes("$API"))
  .join("\n");
/** The refusals the walk-through shows on purpose: `# → <status> <code>` after (or beside) a command. */
const announced = [...script.matchAll(/# → (4\d\d) ([a-z_]+)/g)].map((m) => ({ status: m[1]!, code: m[2]! }));

const root = new URL("../..", import.meta.url).pathname;
let dir: string;
let server: ChildProcess;
let port: number;
let output = "";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "tsuzuku-readme-"));
  port = await freePort();
  // Loopback webhooks allowed, as the README says to read a payload on your machine (its own
  // endpoints are public addresses, so the walk-through is the same either way).
  server = spawn("npm", ["start"], { cwd: root, env: { ...process.env, PORT: String(port), DATABASE_URL: `file:${join(dir, "readme.db")}`, WEBHOOKS_ALLOW_LOOPBACK: "1" }, detached: true });
  server.stdout!.on("data", (d) => (output += d));
  server.stderr!.on("data", (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`npm start did not come up:\n${output}`)), 170_000);
    const poll = setInterval(() => {
      if (output.includes("Tsuzuku API on")) {
        clearInterval(poll);
        clearTimeout(t);
        resolve();
      }
    }, 200);
  });
}, 180_000);

afterAll(() => {
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
  rmSync(dir, { recursive: true, force: true });
});

describe("README walk-through on a fresh npm start", () => {
  it("runs every command as written; each answer is 2xx except the refusals it announces", () => {
    expect(script).toContain("S-DEMO-FEE");
    expect(announced.map((a) => a.code)).toContain("fee_acknowledgement_required");
    // Each curl also writes "<status> <method> <url>" to stderr, so the answers can be checked.
    const prelude = `curl() { command curl -w '%{stderr}%{http_code} %{method} %{url_effective}\\n' "$@"; }\n`;
    const tokyoDay = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
    const dayBefore = tokyoDay();
    const run = spawnSync("bash", ["-c", prelude + script.replaceAll("http://localhost:8787", `http://127.0.0.1:${port}`)], { cwd: root, encoding: "utf8", timeout: 120_000 });
    const answers = run.stderr.split("\n").filter((l) => /^\d{3} /.test(l));
    expect(run.status, run.stderr).toBe(0);
    expect(answers.length).toBeGreaterThanOrEqual(25);
    const refused = answers.filter((a) => !a.startsWith("2"));
    expect(refused.map((a) => a.slice(0, 3)), `${refused.join("\n")}\n${run.stdout.slice(-3000)}`).toEqual(announced.map((a) => a.status));
    for (const { code } of announced) expect(run.stdout).toContain(`"code":"${code}"`);
    expect(run.stdout).toContain('"outcome":"saved"');
    expect(run.stdout).toContain('"outcome":"canceled"');
    // The stock story the walk-through tells, on whatever day it runs (its dates are relative to today).
    expect(run.stdout).toContain('"band":"medium"');
    expect(run.stdout).toContain("商品が余っている（在庫 3か月分ほど）");
    // 60 包 reported at the walk-through's "now"; a run that crosses midnight in Tokyo (the demo shop's
    // time zone) between the report and the offers counts one day's use: about 59 then.
    const left = dayBefore === tokyoDay() ? "60" : "(59|60)";
    expect(run.stdout).toMatch(new RegExp(`お手元の量（あと約${left}包、3か月分ほど）に合わせたご提案です。`));
    expect(run.stdout).toContain("お届け間隔を30日ごとから45日ごとに変更");
  }, 150_000);

  it("delivers a signed webhook to a receiver on this machine (npm start runs the bundle, which loads undici at the first delivery)", async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createHttpServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d)).on("end", () => (received.push({ headers: req.headers, body }), res.end("ok")));
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      const api = `http://127.0.0.1:${port}`;
      const call = (method: string, path: string, body?: unknown) =>
        fetch(api + path, { method, headers: { authorization: "Bearer tsz_demo_KeepCustomersFairly2026", "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      const hook = await call("PUT", "/v1/webhooks/local", { url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`, events: ["subscription.changed"] });
      expect(hook.status, await hook.clone().text()).toBeLessThan(300);
      expect((await call("PUT", "/v1/customers/C-README-HOOK", { name: "受信 確認", email: "hook@example.jp" })).status).toBeLessThan(300);
      const next = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
      const sync = await call("PUT", "/v1/subscriptions/S-README-HOOK", { customerId: "C-README-HOOK", product: { sku: "AOJIRU-30", name: "青汁 30包", category: "health_food" }, quantity: 1, intervalDays: 30, nextDeliveryOn: next, unitPrice: { amount: 3980, currency: "JPY" }, status: "active", startedAt: "2026-01-05T01:00:00Z", deliveriesCompleted: 3 });
      expect(sync.status, await sync.clone().text()).toBeLessThan(300);
      expect((await call("POST", "/v1/subscriptions/S-README-HOOK/skip", { count: 1 })).status).toBe(200);
      // The maintenance job sends the outbox every second.
      for (let i = 0; i < 100 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(received, output.slice(-2000)).toHaveLength(1);
      expect(received[0]!.headers["webhook-signature"]).toMatch(/^v1,/);
      expect(JSON.parse(received[0]!.body)).toMatchObject({ type: "subscription.changed", data: { change: { type: "skip", subscriptionId: "S-README-HOOK" } } });
    } finally {
      receiver.close();
    }
  }, 30_000);

  it("a second start on the same port says which port and how to pick another, without a stack", () => {
    const second = spawnSync("npm", ["start"], {
      cwd: root,
      env: { ...process.env, PORT: String(port), DATABASE_URL: `file:${join(dir, "readme.db")}` },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(second.status).not.toBe(0);
    expect(second.stderr).toContain(`Port ${port}`);
    expect(second.stderr).toContain("PORT=");
    expect(second.stderr + second.stdout).not.toMatch(/^\s+at /m);
  }, 70_000);
});
