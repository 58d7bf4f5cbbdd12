import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { chromium, type Browser } from "playwright-core";

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
