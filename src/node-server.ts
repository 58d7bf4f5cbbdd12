import { serve, type Http2Bindings, type HttpBindings, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";

/** What @hono/node-server calls for each request: the request, and the socket's request and response as the app's `env`. */
export type NodeFetch = (request: Request, env?: HttpBindings | Http2Bindings) => Response | Promise<Response>;

export type ServerTimeouts = { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number };

/**
 * The Node HTTP server with its timeouts set deliberately (Node's defaults let a request whose
 * Content-Length is larger than what it sends hold its connection for 5 minutes):
 * headers must arrive within `headersTimeoutMs`, the whole request within `requestTimeoutMs`
 * (then Node answers 408 and closes), and an idle keep-alive connection closes after
 * `keepAliveTimeoutMs`. Node checks running requests against these every
 * `connectionsCheckingInterval`, set here to a quarter of the shortest so a stalled request is
 * cut close to its deadline.
 * An answer given before the body was read (413, or 401/404/415 refused before parsing) keeps the
 * connection: @hono/node-server reads and drops the rest of the body (up to 64 MiB within 500 ms,
 * else it closes), so the client finishes sending and reads the problem. Saying `Connection: close`
 * instead made Node's fetch fail with EPIPE whenever the body outgrew the socket buffers (a 5 MB sync).
 */
export function listen(
  fetch: NodeFetch,
  options: { port: number; hostname?: string } & ServerTimeouts,
  onListening?: (info: AddressInfo) => void,
): ServerType {
  const server = serve(
    {
      fetch,
      port: options.port,
      hostname: options.hostname,
      serverOptions: {
        headersTimeout: options.headersTimeoutMs,
        requestTimeout: options.requestTimeoutMs,
        keepAliveTimeout: options.keepAliveTimeoutMs,
        connectionsCheckingInterval: Math.max(50, Math.floor(Math.min(options.headersTimeoutMs, options.requestTimeoutMs) / 4)),
      },
    },
    onListening,
  );
  return server;
}

/**
 * Collects what starting up left behind, before the port opens: a full garbage collection when
 * Node runs with `--expose-gc` (`npm start` passes it), nothing otherwise. Loading the modules and
 * building the app leave 20–180 MB of garbage on a live heap of 35–50 MB; V8 otherwise collected it
 * a few seconds after the server began answering, in one mark-compact of 136–358 ms (and marking
 * steps of up to 60 ms) on the event loop (bench/HISTORY.md, branch gcpause).
 */
export function collectStartupGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
