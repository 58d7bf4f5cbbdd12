import { serve, type ServerType } from "@hono/node-server";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import type { TestTenant } from "./harness";
import { nodeHarness, type NodeHarness } from "./node-harness";

/** axe-core's browser script, to evaluate in a page. */
export const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core run over the page (evaluated over the DevTools protocol: the console's CSP allows no
 * inline script), each violation as `id (nodes)`. `seriousOnly`: serious and critical ones only;
 * otherwise every one, whatever its impact (heading order, unlabelled landmarks are "moderate").
 */
export async function axeViolations(page: Page, { seriousOnly = false }: { seriousOnly?: boolean } = {}): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] })`)) as { violations: { id: string; impact: string; nodes: unknown[] }[] };
  return result.violations.filter((v) => !seriousOnly || v.impact === "serious" || v.impact === "critical").map((v) => `${v.id} (${v.nodes.length})`);
}

/** What the console's browser suites run on: the app on the embedded file, served on loopback, and Chromium. */
export type ConsoleBrowser = { h: NodeHarness; browser: Browser; api: Served };

export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  const h = await nodeHarness();
  const [browser, api] = await Promise.all([launchBrowser(), serveOnLoopback((r) => h.app.fetch(r))]);
  return { h, browser, api };
}

/** A console session (POST /v1/console-sessions) of `tenant` opened in a fresh cookie jar (kept in `contexts`, to close), on /console. */
export async function openConsolePage(s: ConsoleBrowser, contexts: BrowserContext[], tenant: TestTenant, session: { operatorId: string; operatorName: string; role?: "operator" | "supervisor" }): Promise<Page> {
  const res = await s.h.request("POST", "/v1/console-sessions", { key: tenant.key, body: session });
  expect(res.status).toBe(201);
  const login = new URL(res.body.url);
  const context = await s.browser.newContext({ locale: "ja-JP" });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(s.api.url + login.pathname + login.search);
  expect(new URL(page.url()).pathname).toBe("/console");
  return page;
}

/** Closes a suite's browser contexts (one per operator: twenty-odd took over 10 s at load 19), Chromium, the server and the app. */
export async function closeConsoleBrowser(s: Partial<ConsoleBrowser>, contexts: readonly BrowserContext[]): Promise<void> {
  for (const c of contexts) await c.close();
  await s.browser?.close();
  await s.api?.close();
  s.h?.close();
}

/**
 * Debian's Chromium (apt `chromium`; `.ci/run` installs it when missing). Nothing here downloads a
 * browser. CHROMIUM_PATH overrides the location.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Headless Chromium for the browser suites. `--no-sandbox` because CI runs as root; the
 * background-networking flags keep it from dialling Google on a machine with no network.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export type Served = { url: string; close(): Promise<void> };

/**
 * Serves a fetch handler (the app, or a page standing in for a merchant's site) on a free loopback
 * port. Two of these give two origins (different ports), as a real my-page and API would be.
 */
export function serveOnLoopback(fetch: (request: Request) => Response | Promise<Response>): Promise<Served> {
  return new Promise((resolve) => {
    const server: ServerType = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}
