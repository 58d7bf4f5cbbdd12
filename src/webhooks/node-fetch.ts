import { lookup } from "node:dns";
import type { LookupAddress, LookupOptions } from "node:dns";
import type { Agent } from "undici";
import { refusedAddress } from "./destination";

/**
 * Node's webhook fetch: resolves the endpoint's name once, refuses the connection if any address
 * it resolves to is not public (webhooks/destination), and connects to the address it checked —
 * undici's `connect.lookup` is the lookup the socket itself uses, so a DNS answer cannot change
 * between check and connection (DNS rebinding). Redirects are the dispatcher's to refuse.
 */
export function nodeWebhookFetch(options: { allowLoopback?: boolean } = {}): typeof fetch {
  // undici loaded at the first delivery, not at start: most servers have no webhook, and its
  // ≈ 1 MB of source and the objects its modules build would sit on every major GC's heap.
  let client: Promise<{ agent: Agent; fetch: typeof import("undici").fetch }> | undefined;
  const load = () =>
    // undici is CommonJS: bundled (npm start runs dist/), its namespace holds only `default`.
    (client ??= import("undici").then((m) => ("Agent" in m ? m : (m as unknown as { default: typeof m }).default)).then(({ Agent, fetch }) => ({
      fetch,
      agent: new Agent({
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
    })));
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const { agent, fetch } = await load();
    return fetch(input as Parameters<typeof fetch>[0], { ...(init as Parameters<typeof fetch>[1]), dispatcher: agent });
  }) as unknown as typeof fetch;
}
