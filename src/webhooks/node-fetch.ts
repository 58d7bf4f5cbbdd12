import { lookup } from "node:dns";
import type { LookupAddress, LookupOptions } from "node:dns";
import type { Agent } from "undici";
import { refusedAddress } from "./destination";
import type { WebhookSend } from "./dispatcher";

/**
 * Node's webhook sender: resolves the endpoint's name once, refuses the connection if any address
 * it resolves to is not public (webhooks/destination), and connects to the address it checked —
 * undici's `connect.lookup` is the lookup the socket itself uses, so a DNS answer cannot change
 * between check and connection (DNS rebinding). Redirects are never followed (undici's `request`
 * follows none): a 3xx comes back as the answer, for the dispatcher to refuse.
 *
 * undici's `request`, not its `fetch`: fetch implements the browser's Fetch standard and adds
 * `sec-fetch-mode: cors`, `accept-language: *` and `accept-encoding` to every request, none of
 * which a server-to-server call should carry, and none of which the Worker sends. With `request`
 * the receiver gets the dispatcher's headers (WEBHOOK_REQUEST_HEADERS and the signature) and the
 * transport's `host`, `content-length` and `connection: keep-alive`, and nothing else.
 * The answer is a `Response` with the status only: its body is read and dropped (the dispatcher
 * never reads it), which frees the connection for the next delivery.
 */
export function nodeWebhookFetch(options: { allowLoopback?: boolean } = {}): WebhookSend {
  // undici loaded at the first delivery, not at start: most servers have no webhook, and its
  // ≈ 1 MB of source and the objects its modules build would sit on every major GC's heap.
  let client: Promise<Agent> | undefined;
  const load = () =>
    // undici is CommonJS: bundled (npm start runs dist/), its namespace holds only `default`.
    (client ??= import("undici").then((m) => ("Agent" in m ? m : (m as unknown as { default: typeof m }).default)).then(
      ({ Agent }) =>
        new Agent({
          connect: {
            lookup(hostname: string, opts: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) {
              lookup(hostname, { ...opts, all: true }, (err, addresses) => {
                if (err) return callback(err, "");
                const list = addresses as LookupAddress[];
                const refused = list.map((a) => refusedAddress(a.address, options)).find((r) => r !== null);
                if (refused || list.length === 0) {
                  const e = new Error(`refused to connect to ${hostname}: ${refused?.en ?? "no address"}`) as NodeJS.ErrnoException;
                  e.code = "ECONNREFUSED";
                  return callback(e, "");
                }
                if (opts.all) callback(null, list);
                else callback(null, list[0]!.address, list[0]!.family);
              });
            },
          },
        }),
    ));
  return async (url, init) => {
    const agent = await load();
    const { origin, pathname, search } = new URL(url);
    const answer = await agent.request({
      origin,
      path: pathname + search,
      method: init.method,
      headers: init.headers,
      body: init.body,
      signal: init.signal,
    });
    await answer.body.dump();
    // A status no Response can carry (outside 200–599) is a failed attempt all the same.
    if (answer.statusCode < 200 || answer.statusCode > 599) throw new Error(`HTTP ${answer.statusCode}: not a valid status`);
    return new Response(null, { status: answer.statusCode });
  };
}
