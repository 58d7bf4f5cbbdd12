import type { ServerType } from "@hono/node-server";
import { listen, type NodeFetch, type ServerTimeouts } from "./node-server";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { Server as NetServer, type AddressInfo, type Socket } from "node:net";
import type { Context } from "hono";
import { ConfigError } from "./config";
import { problemHeaders } from "./platform/errors";
import { requestedLanguage, type Localized } from "./platform/language";

/** How long a shutdown lets requests in flight finish before it cuts them (SHUTDOWN_TIMEOUT_MS). */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/** SHUTDOWN_TIMEOUT_MS: a whole number of milliseconds ≥ 0, else the default; a bad value is said, not guessed at. */
export function shutdownTimeoutMs(value: string | undefined): number {
  if (value === undefined || value.trim() === "") return DEFAULT_SHUTDOWN_TIMEOUT_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0) throw new ConfigError(`SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds (0 or more), got ${value}`);
  return ms;
}

/**
 * How long a connection must have been idle before a drain closes it (see `drain`): a keep-alive
 * client in a loop sends its next request within a millisecond of its answer, and closing the
 * connection in that moment resets the request (ECONNRESET, UND_ERR_SOCKET) where a 503 says
 * "retry elsewhere"; Node's closeIdleConnections cannot tell, since an unread request looks idle.
 */
const IDLE_BEFORE_CLOSE_MS = 100;

/** The problem a request gets while the server drains (no code of the API's: no operation ran). */
const SHUTTING_DOWN: { title: Localized; detail: Localized } = {
  title: { en: "Service Unavailable", ja: "サービスを一時的に利用できません" },
  detail: {
    en: "This server is shutting down: retry the request (another instance answers it). Nothing was done.",
    ja: "このサーバーは停止処理中です。リクエストを再送してください（別のサーバーが応答します）。何も変更されていません。",
  },
};

/** What a shutdown did with the requests in flight when it began: `drained` were answered in full, `cut` were closed at the deadline. `refused`: requests that arrived meanwhile (503). */
export type DrainResult = { drained: number; cut: number; refused: number; ms: number };

/**
 * Graceful shutdown of the Node server (SIGTERM, SIGINT): `fetch` wraps the app's, `attach` follows
 * the server's connections, `drain` stops serving.
 *
 * `drain(timeoutMs)` stops accepting connections. Requests in flight (a slow upload, an export
 * still streaming, a write waiting for its group's COMMIT and sync) go on until they are answered,
 * each then closing its connection (`Connection: close`). A request that arrives meanwhile on a
 * connection still open is answered 503 with `Connection: close` and `Retry-After: 1` at once, so a
 * load balancer or a client retries elsewhere; `GET /health` answers 503 `{"status":"draining"}`.
 * Connections with no request are closed once idle for IDLE_BEFORE_CLOSE_MS. After `timeoutMs`
 * whatever still runs is cut (its socket destroyed). Resolves once no connection is left.
 */
export function gracefulServing(fetch: NodeFetch) {
  let draining = false;
  let server: Server | undefined;
  /**
   * Each open connection; while draining, its requests running and since when it has had none.
   * Until the drain only connections are followed (one entry each, kept across its keep-alive
   * requests), so serving costs nothing per request: the requests in flight are found when the
   * drain begins, as each connection's current response.
   */
  const sockets = new Map<Socket, { requests: number; idleSince: number }>();
  /** The requests in flight when the drain began. */
  const held = new Set<ServerResponse>();
  let drained = 0;
  let refused = 0;
  let allClosed: (() => void) | undefined;

  const onConnection = (socket: Socket) => {
    sockets.set(socket, { requests: 0, idleSince: performance.now() });
    socket.once("close", () => {
      sockets.delete(socket);
      if (draining && sockets.size === 0) allClosed?.();
    });
  };
  /** Follows a response while draining: its connection is busy until it closes. */
  const follow = (socket: Socket, res: ServerResponse) => {
    const conn = sockets.get(socket);
    if (conn) conn.requests++;
    res.once("close", () => {
      if (conn) {
        conn.requests--;
        conn.idleSince = performance.now();
      }
      if (held.delete(res) && res.writableFinished) drained++;
    });
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => follow(req.socket, res);
  /** Closes the connections idle long enough (see IDLE_BEFORE_CLOSE_MS). */
  const sweep = () => {
    const now = performance.now();
    for (const [socket, conn] of sockets) if (conn.requests === 0 && now - conn.idleSince >= IDLE_BEFORE_CLOSE_MS) socket.destroy();
  };

  return {
    /** The app's fetch, answering 503 while the server drains. */
    // The server's bindings (the socket, `c.env.incoming`) go on to the app: the failed-auth limit counts by the client's address.
    fetch(request: Request, env?: Parameters<NodeFetch>[1]): Response | Promise<Response> {
      if (!draining) return fetch(request, env);
      refused++;
      const headers = { connection: "close", "retry-after": "1", "cache-control": "no-store" };
      if (new URL(request.url).pathname === "/health") return Response.json({ status: "draining" }, { status: 503, headers });
      // Accept-Language as the app reads it (platform/language), from the bare request.
      const lang = requestedLanguage({ req: { header: (name: string) => request.headers.get(name) ?? undefined } } as unknown as Context) ?? "en";
      return new Response(JSON.stringify({ type: "about:blank", title: SHUTTING_DOWN.title[lang], status: 503, detail: SHUTTING_DOWN.detail[lang] }), {
        status: 503,
        headers: { ...headers, ...problemHeaders(lang) },
      });
    },
    /** Follows `server`'s connections. */
    attach(s: ServerType) {
      server = s as Server;
      server.prependListener("connection", onConnection);
    },
    draining: () => draining,
    async drain(timeoutMs: number): Promise<DrainResult> {
      const started = performance.now();
      draining = true;
      server?.prependListener("request", onRequest);
      for (const [socket, conn] of sockets) {
        // Node's response being written on this connection (http_server assignSocket); none when idle.
        const res = (socket as Socket & { _httpMessage?: ServerResponse | null })._httpMessage;
        conn.idleSince = started;
        if (!res || res.writableFinished) continue;
        held.add(res);
        follow(socket, res);
        // Answered later: its connection closes after it, not left idle.
        if (!res.headersSent) res.setHeader("connection", "close");
      }
      const inFlight = held.size;
      // Stops accepting only: http.Server#close would also close every idle connection at once,
      // resetting requests already sent on them and not yet read (see IDLE_BEFORE_CLOSE_MS).
      const closed = new Promise<void>((resolve) => (server ? NetServer.prototype.close.call(server, () => resolve()) : resolve()));
      const sweeping = setInterval(sweep, IDLE_BEFORE_CLOSE_MS / 4);
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        allClosed = resolve;
        timer = setTimeout(resolve, timeoutMs);
        if (sockets.size === 0) resolve();
      });
      clearTimeout(timer);
      clearInterval(sweeping);
      const cut = inFlight - drained;
      // What is still running is cut: its client sees the connection close.
      server?.closeAllConnections();
      for (const socket of sockets.keys()) socket.destroy();
      await closed;
      return { drained, cut: Math.max(0, cut), refused, ms: Math.round(performance.now() - started) };
    },
  };
}

/**
 * The server's shutdown after a signal: the requests drain (see `gracefulServing`), then the
 * background job stops after the pass under way (a webhook delivery in progress is finished and
 * recorded, so it is not sent again), then the database and its threads close. One line when it
 * starts, one when it is done; `stopMaintenance` is bounded by what is left of `timeoutMs` (a
 * delivery cut then stays due and is sent again: receivers dedupe on the event id).
 */
export async function shutDown(
  signal: string,
  serving: ReturnType<typeof gracefulServing>,
  timeoutMs: number,
  steps: { stopMaintenance: () => Promise<void>; close: () => Promise<void> | void },
  log: (line: string) => void = console.log,
): Promise<DrainResult> {
  const started = performance.now();
  log(`${signal}: shutting down: no new connections, requests in flight have up to ${timeoutMs} ms to finish`);
  const result = await serving.drain(timeoutMs);
  const left = Math.max(0, timeoutMs - (performance.now() - started));
  let timer: NodeJS.Timeout | undefined;
  const stopped = await Promise.race([
    steps.stopMaintenance().then(() => true),
    new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), left))),
  ]);
  clearTimeout(timer);
  await steps.close();
  log(
    `Shut down in ${Math.round(performance.now() - started)} ms: ${result.drained} request(s) in flight finished, ${result.cut} cut at the ${timeoutMs} ms limit, ${result.refused} refused meanwhile (503)` +
      (stopped ? "" : "; the background job's pass was cut (what it had not recorded runs again at the next start)"),
  );
  return result;
}

/**
 * `npm start`'s HTTP server: the app's fetch behind gracefulServing, on listen's timeouts. node.ts
 * and the tests that need a real server (limits per client address, timeouts, the drain) start it
 * the same way, so what they test is what the server hands the app.
 */
export function serveNode(fetch: NodeFetch, options: { port: number; hostname?: string } & ServerTimeouts, onListening?: (info: AddressInfo) => void) {
  const serving = gracefulServing(fetch);
  const server = listen(serving.fetch, options, onListening);
  serving.attach(server);
  return { server, serving };
}
